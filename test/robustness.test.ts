/**
 * No line a learner types may crash a session or reach past the emulated shell: random lines
 * built from real command words, options and odd values must always end with a normal result
 * (exit code, text), never an internal error, and a failed command must not change the cloud.
 */
import { describe, expect, it } from 'vitest';
import { complete, createSession, runLine, serializeSession, type SessionState } from '../server/shell/session.js';
import { neutronCommandNames, neutronParser } from '../server/cli/neutron/index.js';
import { namespaces } from '../server/sim/dataplane/index.js';
import { OPENSTACK_COMMANDS } from '../server/cli/openstack/index.js';
import { parserFor } from '../server/cli/openstack/registry.js';
import { seedRng, randInt } from '../server/sim/rng.js';

const VALUES = ['', 'x', 'net1', 'sub1', 'r1', 'p1', 'default', '10.0.0.0/24', '10.0.0.5', '::/0', '2001:db8::/64', '-1', '0', '99999', 'a=b', 'start=10.0.0.2,end=10.0.0.9', 'subnet=sub1,ip-address=10.0.0.7', 'destination=10.9.0.0/24,gateway=10.0.0.9', 'tcp', 'icmp', '22:23', '"quoted value"', "'it''s'", '$(echo hi)', '$NOPE', '|', ';', '&&', '\\', '--', '-', 'ä ü', '%s%n', '${', '$(', "'", '"'];

function randomLine(r: ReturnType<typeof seedRng>): string {
  const cmd = OPENSTACK_COMMANDS[randInt(r, 0, OPENSTACK_COMMANDS.length - 1)] as (typeof OPENSTACK_COMMANDS)[number];
  const spec = parserFor(cmd.name);
  const words = ['openstack', cmd.name];
  const n = randInt(r, 0, 5);
  for (let i = 0; i < n; i++) {
    const a = spec.args[randInt(r, 0, spec.args.length - 1)];
    if (a && a.flags.length > 0 && randInt(r, 0, 3) > 0) words.push(a.flags[a.flags.length - 1] as string);
    words.push(VALUES[randInt(r, 0, VALUES.length - 1)] as string);
  }
  return words.join(' ');
}

describe('robustness', () => {
  it('survives 2,000 random command lines without an internal error', () => {
    const r = seedRng(2024);
    let s: SessionState = createSession({ fixture: 'network-node', seed: 3 });
    const setup = [
      'openstack network create net1x',
      'openstack subnet create sub1 --network net1 --subnet-range 10.10.20.0/24',
      'openstack port create --network net1 p1',
    ];
    for (const l of setup) s = runLine(s, l).state;
    const problems: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const line = randomLine(r);
      const before = serializeSession(s);
      const out = runLine(s, line);
      if (out.result.internalError) problems.push(`${line}\n  ${out.result.internalError.split('\n').slice(0, 3).join('\n  ')}`);
      if (typeof out.result.exitCode !== 'number') problems.push(`${line}: no exit code`);
      // A command that failed with an API error leaves the cloud as it was (clock aside).
      if (out.result.exitCode !== 0 && /Exception: \d{3}/.test(out.result.stderr)) {
        const a = JSON.parse(before) as { cloud: Record<string, unknown> };
        const b = JSON.parse(serializeSession(out.state)) as { cloud: Record<string, unknown> };
        for (const k of ['networks', 'subnets', 'ports', 'routers', 'floatingIps', 'securityGroupRules']) {
          if (JSON.stringify(a.cloud[k]) !== JSON.stringify(b.cloud[k])) problems.push(`${line}: changed ${k} although it failed`);
        }
      }
      s = out.state;
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('survives 2,000 random neutron, nova and network-node lines, and completing any prefix of them', () => {
    const r = seedRng(77);
    let s: SessionState = createSession({ fixture: 'network-node', seed: 3, host: 'network' });
    const ns = ['qrouter-x', ...namespaces(s.cloud).map((n) => n.name)];
    const pick = <T,>(xs: readonly T[]): T => xs[randInt(r, 0, xs.length - 1)] as T;
    const host = ['sysctl', 'sysctl -w', 'sysctl -n', 'sysctl -a -r', 'ovs-vsctl', 'ovs-vsctl --may-exist add-port', 'ovs-vsctl del-port', 'ip', 'ip -6 route', 'ip netns', 'route -n', 'ping -c 1',
      'ping6 -c', 'traceroute -m', 'curl -s', 'ssh', 'cat', 'iptables -t', 'iptables -L', 'iptables-save -t', 'ip6tables-save', 'nova secgroup-add-rule', 'nova list', 'exit'];
    const extra = ['net.ipv4.ip_forward', 'net.ipv4.ip_forward=0', 'net.ipv4.conf.all.forwarding=1', 'br-ex', 'eth3', 'nat', 'filter', '8.8.8.8', '10.10.10.2', 'cirros@20.20.20.2', '/proc/sys/net/ipv4/ip_forward', '/etc/hosts'];
    const problems: string[] = [];
    for (let i = 0; i < 2000; i++) {
      let words: string[];
      const kind = randInt(r, 0, 2);
      if (kind === 0) {
        const sub = pick(neutronCommandNames());
        const spec = neutronParser(sub);
        words = ['neutron', sub];
        for (let k = randInt(r, 0, 4); k > 0; k--) {
          const a = spec ? spec.args[randInt(r, 0, spec.args.length - 1)] : undefined;
          if (a && a.flags.length > 0) words.push(a.flags[a.flags.length - 1] as string);
          words.push(pick([...VALUES, ...extra]));
        }
      } else {
        words = kind === 1 ? ['ip', 'netns', 'exec', pick(ns), ...pick(host).split(' ')] : pick(host).split(' ');
        for (let k = randInt(r, 0, 3); k > 0; k--) words.push(pick([...VALUES, ...extra]));
      }
      const line = words.join(' ');
      try {
        complete(s, line.slice(0, randInt(r, 0, line.length)));
      } catch (e) {
        problems.push(`complete(${line}): ${String(e)}`);
      }
      const out = runLine(s, line);
      if (out.result.internalError) problems.push(`${line}\n  ${out.result.internalError.split('\n').slice(0, 3).join('\n  ')}`);
      s = out.state.host === 'network' ? out.state : s;
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('takes the names every JavaScript object has (constructor, __proto__, toString…) as plain words wherever a learner types one', () => {
    const names = Object.getOwnPropertyNames(Object.prototype);
    const templates = [
      (n: string) => n, (n: string) => `neutron ${n}`, (n: string) => `neutron help ${n}`, (n: string) => `neutron net-create x --${n} 1`,
      (n: string) => `neutron net-list --${n} x`, (n: string) => `nova ${n}`, (n: string) => `openstack ${n}`, (n: string) => `openstack network ${n}`,
      (n: string) => `openstack help ${n}`, (n: string) => `openstack network list --${n}`, (n: string) => `openstack network show ${n}`,
      (n: string) => `openstack network list -c ${n} -f ${n} --sort-column ${n}`, (n: string) => `openstack network create --tag ${n} t-${n}`,
      (n: string) => `openstack security group rule create --protocol ${n} default`, (n: string) => `openstack quota set --${n} 1 admin`,
      (n: string) => `openstack loadbalancer ${n}`, (n: string) => `openstack loadbalancer create --${n} x`,
      (n: string) => `openstack port create --network public --binding-profile ${n}=1 --fixed-ip ${n}=1 p`,
      (n: string) => `openstack server create --flavor m1.tiny --image cirros-0.5.2-x86_64-disk --network net1 --property ${n}=v --property k=w s -f value -c properties`,
      (n: string) => `echo $${n} \${${n}}`, (n: string) => `export ${n}=1; echo $${n}; unset ${n}`, (n: string) => `sysctl ${n}`, (n: string) => `cat /proc/sys/${n} /proc/sys/net/ipv4/conf/${n}`, (n: string) => `sysctl -n ${n}`,
      (n: string) => `sysctl -w ${n}=1`, (n: string) => `ip ${n}`, (n: string) => `ip netns exec ${n} ip a`, (n: string) => `ovs-vsctl ${n}`,
      (n: string) => `iptables -t ${n} -L`, (n: string) => `echo a | grep --${n}`, (n: string) => `echo a | sort --${n} | cut --${n} | wc --${n}`,
      (n: string) => `cd ~${n}`, (n: string) => `ls ~${n} /proc/sys/${n}`, (n: string) => `cat /proc/sys/net/${n}`, (n: string) => `sudo -u ${n} true`,
      (n: string) => `su ${n}`, (n: string) => `stacklab ${n}`, (n: string) => `stacklab trace ${n} ${n}`, (n: string) => `ping -c 1 ${n}`,
      (n: string) => `ssh ${n}@${n}`, (n: string) => `curl http://${n}/`, (n: string) => `history ${n}`, (n: string) => `${n}=1 openstack network list`,
    ];
    // Each answer must be the one a plain word of the same shape gets (`constructor` → `qqqqqqqqqqq`):
    // not an internal error, and not Object's own function or object printed as a value.
    const plain = (n: string) => n.replace(/[a-z]/g, 'q').replace(/[A-Z]/g, 'Q');
    // cliff's "Did you mean" lists commands spelled like the word: they differ by right.
    const said = (r: ReturnType<typeof runLine>['result'], n: string) =>
      `${r.exitCode} ${r.stdout}${r.stderr}`
        .replace(/Did you mean one of these\?\n(?: {2}.*\n)*/g, '')
        .replace(new RegExp(n.replace(/\$/g, '\\$'), 'gi'), plain(n))
        .toLowerCase();
    const problems: string[] = [];
    for (const host of ['network', 'laptop']) {
      const s = createSession({ fixture: 'network-node', seed: 3, host });
      for (const n of names) {
        for (const t of templates) {
          const line = t(n);
          try {
            complete(s, line);
          } catch (e) {
            problems.push(`complete(${line}): ${String(e)}`);
          }
          const out = runLine(s, line);
          if (out.result.internalError) problems.push(`${host}: ${line}\n  ${out.result.internalError.split('\n').slice(0, 3).join('\n  ')}`);
          const got = said(out.result, n);
          const want = said(runLine(s, t(plain(n))).result, plain(n));
          if (got !== want) problems.push(`${host}: ${line}\n  got:  ${got.slice(0, 200)}\n  want: ${want.slice(0, 200)}`);
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('refuses overlong lines and odd bytes politely', () => {
    const s = createSession({ fixture: 'empty' });
    expect(runLine(s, `openstack network create ${'x'.repeat(5000)}`).result).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('line too long') });
    for (const line of ['\u0000', '\u001b[31m', 'openstack \u0000', ')))', '"""', 'echo $(((', 'rm -rf /', 'cat /etc/passwd', 'node -e 1']) {
      const r = runLine(s, line).result;
      expect(r.internalError).toBeUndefined();
      expect(r.exitCode).not.toBe(0);
    }
  });
});
