/**
 * `stacklab trace` in the shell: the printed hop list (golden files beside this test; update them
 * with `npx vitest run test/trace -u` and read the diff), its width, the path handed to the page,
 * `help`, and the errors of a Linux tool for every malformed or hostile command line.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type LineResult, type SessionState } from '../../server/shell/session.js';
import { runSetup } from '../../server/shell/script.js';
import { B_BIG } from '../support/hostile-lines.js';

const USAGE = 'usage: stacklab trace FROM TO [icmp|tcp/PORT|udp/PORT]\n';
const FIP_FIX = [
  'openstack router remove subnet web-router public_subnet',
  'openstack router set --external-gateway my-public web-router',
  'FIP=$(openstack floating ip create my-public -f value -c floating_ip_address)',
  'openstack server add floating ip vm2 $FIP',
];
const SSH_RULE = 'openstack security group rule create --protocol tcp --dst-port 22 default';

const lab06 = (lines: readonly string[] = [], columns = 80): SessionState => runSetup(createSession({ fixture: 'broken-public', seed: 606, columns }), lines);
const run = (s: SessionState, line: string): LineResult => runLine(s, line).result;

/** A transcript of lines run in order: each with its output and exit status. */
function transcript(s: SessionState, lines: readonly string[]): string {
  let state = s;
  let out = '';
  for (const line of lines) {
    const r = runLine(state, line);
    state = r.state;
    out += `$ ${line}\n${r.result.stdout}${r.result.stderr}[exit ${r.result.exitCode}]\n`;
  }
  return out;
}

describe('the printed path (golden)', () => {
  it('lab 06 as it starts: vm1 to the Internet, dropped at the router without SNAT', async () => {
    await expect(transcript(lab06(), ['stacklab trace vm1 internet'])).toMatchFileSnapshot('lab06-snat-off.txt');
  });
  it('lab 06 with a floating IP: ssh to vm2 dropped by its security group, then the rule it names, then delivered', async () => {
    await expect(transcript(lab06(FIP_FIX), ['stacklab trace laptop vm2 tcp/22', SSH_RULE, 'stacklab trace laptop vm2 tcp/22'])).toMatchFileSnapshot('lab06-ssh.txt');
  });
  it('help', async () => {
    await expect(transcript(lab06(), ['stacklab trace --help', 'help'])).toMatchFileSnapshot('help.txt');
  });
  it('every line fits 80 columns, and a narrow terminal gets lines as narrow as the words allow', () => {
    const wide = run(lab06(FIP_FIX), 'stacklab trace laptop vm2 tcp/22').stdout;
    expect(wide.split('\n').filter((l) => l.length > 80)).toEqual([]);
    const narrow = run(lab06(FIP_FIX, 40), 'stacklab trace laptop vm2 tcp/22').stdout.split('\n');
    const long = narrow.filter((l) => l.length > 40);
    // Only what has no space to break at: the fix command (copyable whole) and a namespace name.
    expect(long.map((l) => l.trim())).toEqual([expect.stringMatching(/^6 {2}qrouter-[0-9a-f-]{36}$/), SSH_RULE]);
  });
});

describe('the path for the page', () => {
  it('a trace sets the line result\'s path; any other command does not', () => {
    const s = lab06();
    const r = run(s, 'stacklab trace vm1 internet');
    expect(r.path).toMatchObject({ from: 'vm1', to: 'internet', proto: 'icmp', verdict: 'dropped', reason: 'SNAT disabled and no floating IP' });
    expect(r.path?.elements.at(-1)).toBe(`router:${s.cloud.routers.find((x) => x.name === 'my-router')?.id}`);
    expect(run(s, 'ping -c 1 8.8.8.8').path).toBeUndefined();
    expect(run(s, 'stacklab trace vm1 nowhere').path).toBeUndefined();
  });
  it('in a pipe or a list the last trace of the line counts', () => {
    const r = run(lab06(), 'stacklab trace vm1 internet | head -1; stacklab trace vm2 vm1 udp/53');
    expect(r.stdout.startsWith('Path of icmp from vm1 to internet:\nPath of udp/53 from vm2 to vm1:\n')).toBe(true);
    expect(r.path).toMatchObject({ from: 'vm2', to: 'vm1', proto: 'udp/53' });
  });
  it('runs on every host: the network node, a VM', () => {
    let s = lab06([SSH_RULE]);
    expect(s.host).toBe('network');
    expect(run(s, 'stacklab trace vm1 internet').exitCode).toBe(0);
    s = runLine(s, 'ip netns exec qrouter-$(openstack router show my-router -f value -c id) ssh cirros@10.10.10.2').state;
    expect(s.host.startsWith('vm:')).toBe(true);
    expect(run(s, 'stacklab trace vm1 internet').stdout).toContain('dropped at hop 6: SNAT disabled and no floating IP\n');
  });
  it('the protocol is normalised', () => {
    expect(run(lab06(), 'stacklab trace vm1 vm2 TCP/0022').path?.proto).toBe('tcp/22');
  });
});

describe('errors, as a Linux tool prints them (exit 2, usage line)', () => {
  const s = lab06();
  it.each([
    ['stacklab trace vm1 x', "stacklab trace: unknown endpoint 'x'\n"],
    ['stacklab trace x vm1', "stacklab trace: unknown endpoint 'x'\n"],
    ['stacklab trace', 'stacklab trace: missing FROM and TO\n'],
    ['stacklab trace vm1', 'stacklab trace: missing TO\n'],
    ['stacklab trace vm1 vm2 tcp/22 more', "stacklab trace: too many arguments ('more')\n"],
    ['stacklab trace vm1 vm2 --fast', "stacklab trace: unknown option '--fast'\n"],
    ['stacklab trace vm1 vm2 tcp', "stacklab trace: bad protocol 'tcp' (icmp, tcp/PORT or udp/PORT; PORT 1-65535)\n"],
    ['stacklab trace vm1 vm2 tcp/0', "stacklab trace: bad protocol 'tcp/0' (icmp, tcp/PORT or udp/PORT; PORT 1-65535)\n"],
    ['stacklab trace vm1 vm2 udp/65536', "stacklab trace: bad protocol 'udp/65536' (icmp, tcp/PORT or udp/PORT; PORT 1-65535)\n"],
    ['stacklab trace vm1 vm2 icmp/8', "stacklab trace: bad protocol 'icmp/8' (icmp, tcp/PORT or udp/PORT; PORT 1-65535)\n"],
    ['stacklab trace vm1 vm2 tcp/99999999999999999999', "stacklab trace: bad protocol 'tcp/99999999999999999999' (icmp, tcp/PORT or udp/PORT; PORT 1-65535)\n"],
    ['stacklab trace 8.8.8.8 vm1', "stacklab trace: '8.8.8.8' cannot be a source: use a server, laptop, internet or network\n"],
    ["stacklab trace '' ''", "stacklab trace: unknown endpoint ''\n"],
    ['stacklab trace -- -x vm1', "stacklab trace: unknown endpoint '-x'\n"],
    ['stacklab frobnicate', "stacklab: unknown command 'frobnicate'\n"],
  ])('%s', (line, message) => {
    expect(run(s, line)).toMatchObject({ stdout: '', stderr: message + USAGE, exitCode: 2 });
  });
  it('stacklab alone prints its usage', () => {
    expect(run(s, 'stacklab')).toMatchObject({ stdout: '', stderr: USAGE, exitCode: 2 });
  });
  it('network is an end only where the learner has the node', () => {
    expect(run(s, 'stacklab trace network internet').exitCode).toBe(0);
    const cloud = createSession({ fixture: 'public-cloud' });
    expect(run(cloud, 'stacklab trace network internet').stderr).toBe(`stacklab trace: unknown endpoint 'network' (this cloud gives you no network node)\n${USAGE}`);
  });
});

describe('hostile command lines', () => {
  const s = lab06();
  it('a 4,000-character endpoint: a short, clear error, no stack trace', () => {
    const r = run(s, `stacklab trace vm1 ${'a'.repeat(4000)}`);
    expect(r).toMatchObject({ stdout: '', exitCode: 2 });
    expect(r.stderr).toBe(`stacklab trace: unknown endpoint '${'a'.repeat(48)}… (4000 characters)'\n${USAGE}`);
    expect(r.internalError).toBeUndefined();
  });
  it('a 4,000-character protocol and a line of them', () => {
    expect(run(s, `stacklab trace vm1 vm2 tcp/${'9'.repeat(4000)}`).stderr).toMatch(/^stacklab trace: bad protocol 'tcp\/9{44}… \(4004 characters\)'/);
    expect(run(s, `stacklab trace ${'vm1 '.repeat(1000)}`).stderr).toBe(`stacklab trace: too many arguments ('vm1')\n${USAGE}`);
  });
  it('a 256 KiB variable as an endpoint: the same short error', () => {
    const big = runLine(s, B_BIG).state;
    const r = run(big, 'stacklab trace "$B" vm1');
    expect(r).toMatchObject({ stdout: '', exitCode: 2, stderr: `stacklab trace: unknown endpoint '${'0123456789abcdef'.repeat(3)}… (262144 characters)'\n${USAGE}` });
    expect(r.path).toBeUndefined();
  });
  it('odd names: quotes, unicode, an address with a port, CIDRs', () => {
    for (const name of ["vm1'; rm -rf /", 'vmé', '8.8.8.8:22', '10.0.0.0/8', '::', '1.2.3']) {
      const r = run(s, `stacklab trace vm1 ${JSON.stringify(name)}`);
      expect(r.internalError).toBeUndefined();
      expect([0, 2]).toContain(r.exitCode);
    }
  });
});
