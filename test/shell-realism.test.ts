/**
 * Shell realism a learner notices (issue #13, item 12): one latency model for ping and
 * traceroute, ssh's "Permanently added" once per host per machine, Nova's metadata service as
 * Zed answers it, and the tools a learner reaches for (ls, ps, ip -s link) with colour where the
 * real ones use it on a terminal.
 */
import { describe, expect, it } from 'vitest';
import { complete, createSession, runLine, serializeSession, type SessionState } from '../server/shell/session.js';
import { metadataBody } from '../server/cli/linux/metadata.js';
import { replayEntry } from '../server/workspace/replay.js';
import { BLOG_FLOATING_IP } from './support/blog-floating-ip.js';
import { runLines } from './support/run-lines.js';

function session(host = 'network'): SessionState {
  return createSession({ fixture: 'network-node', seed: 1, host });
}

const run = runLines;

/** The blog's floating IP for vm2, with SSH let in too. */
const FLOATING = [...BLOG_FLOATING_IP, 'openstack security group rule create --proto tcp --dst-port 22 default'];

describe('loopback', () => {
  it('every machine and namespace answers its own loopback addresses at once, with TTL 64; a port there is refused', () => {
    const out = run(session('laptop'), ['ping -c 1 127.0.0.1', 'ssh root@network', 'ping6 -c 1 ::1', 'ip netns exec $(ip netns | grep qrouter | cut -d" " -f1) ping -c 1 127.0.0.53', 'ssh -o ConnectTimeout=1 cirros@127.0.0.1']).out;
    expect(out[0]).toMatch(/^64 bytes from 127\.0\.0\.1: icmp_seq=1 ttl=64 time=0\.0\d\d ms$/m);
    expect(out[0]).toContain('1 packets transmitted, 1 received, 0% packet loss');
    expect(out[2]).toMatch(/^64 bytes from ::1: icmp_seq=1 ttl=64 time=0\.0\d\d ms$/m);
    expect(out[3]).toMatch(/^64 bytes from 127\.0\.0\.53: icmp_seq=1 ttl=64/m);
    expect(out[4]).toContain('Connection refused');
  });
});

describe('ssh HOST COMMAND', () => {
  it("the command's own options are its arguments: ssh reads options only before and right after the destination", () => {
    const out = run(session(), [...FLOATING, 'ssh -o StrictHostKeyChecking=no cirros@180.180.180.3 ping -c 1 8.8.8.8', 'ssh cirros@180.180.180.3 -q ping -c 2 8.8.8.8']).out;
    expect(out.at(-2)).toContain('1 packets transmitted, 1 packets received');
    expect(out.at(-1)).toContain('2 packets transmitted, 2 packets received');
  });
});

describe('one latency model for ping and traceroute', () => {
  it('from a VM to 8.8.8.8: traceroute shows the cloud hops in tenths of a ms and the internet hop at ping’s ~11 ms', () => {
    const { state } = run(session(), [...FLOATING, 'ssh cirros@180.180.180.3']);
    const trace = runLine(state, 'traceroute -n 8.8.8.8').result.stdout.trimEnd().split('\n').slice(1);
    const times = trace.map((l) => [...l.matchAll(/([\d.]+) ms/g)].map((m) => Number(m[1])));
    expect(times).toHaveLength(3);
    for (const t of [...(times[0] ?? []), ...(times[1] ?? [])]) expect(t).toBeLessThan(1);
    const ping = runLine(state, 'ping -c 3 8.8.8.8').result.stdout;
    const rtts = [...ping.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));
    expect(rtts).toHaveLength(3);
    // Same model: the last hop and ping's replies lie in the same half-millisecond band above 11 ms.
    for (const t of [...(times[2] ?? []), ...rtts]) {
      expect(t).toBeGreaterThan(10.5);
      expect(t).toBeLessThan(12);
    }
  });

  it('from the laptop to a floating IP, traceroute’s one line is what ping sees (across the internet)', () => {
    const net = run(session(), [...FLOATING, 'openstack security group rule create --proto udp default']).state;
    const laptop = { ...net, host: 'laptop' };
    const line = runLine(laptop, 'traceroute -n 180.180.180.3').result.stdout.split('\n')[1] ?? '';
    expect(line).toMatch(/^ 1 {2}180\.180\.180\.3 {2}11\.\d{3} ms {2}11\.\d{3} ms {2}11\.\d{3} ms$/);
    expect(runLine(laptop, 'ping -c 2 180.180.180.3').result.stdout).toMatch(/icmp_seq=1 ttl=\d+ time=11\.\d ms\n/);
  });

  it('is deterministic', () => {
    const { state } = run(session(), FLOATING);
    expect(runLine(state, 'traceroute 10.10.10.2').result.stdout).toBe(runLine(state, 'traceroute 10.10.10.2').result.stdout);
  });
});

describe('ssh: "Permanently added" the first time per host, per machine, per session', () => {
  const warning = "Warning: Permanently added '180.180.180.3' (ED25519) to the list of known hosts.\n";

  it('warns on the first connection only, also when the first was refused, and again from another machine', () => {
    const s = run(session(), FLOATING).state;
    const { state, out } = run(s, ['ssh debian@180.180.180.3', 'ssh cirros@180.180.180.3', 'exit', 'ssh cirros@180.180.180.3', 'exit']);
    expect(out[0]).toBe(`${warning}debian@180.180.180.3: Permission denied (publickey).\n`);
    expect(out[1]).toBe('');
    expect(out[3]).toBe('');
    // The laptop has its own known_hosts.
    const laptop = runLine({ ...state, host: 'laptop' }, 'ssh cirros@180.180.180.3').result;
    expect(laptop.stderr).toBe(warning);
  });

  it('the known hosts are in the session: a replay warns the same way', () => {
    const s = run(session(), FLOATING).state;
    const a = run(s, ['ssh cirros@180.180.180.3', 'exit']).state;
    const entry = { seq: 1, kind: 'command' as const, line: 'ssh cirros@180.180.180.3', stdout: '', stderr: '', exitCode: 0, at: 0 };
    const b = replayEntry(replayEntry(s, entry), { ...entry, line: 'exit' });
    expect(serializeSession(b)).toBe(serializeSession(a));
    expect(runLine(b, 'ssh cirros@180.180.180.3').result.stderr).toBe('');
  });

  it('`ssh HOST COMMAND` counts too', () => {
    const s = run(session(), FLOATING).state;
    const { out } = run(s, ['ssh cirros@180.180.180.3 hostname', 'ssh cirros@180.180.180.3 hostname']);
    expect(out).toEqual([`vm2\n${warning}`, 'vm2\n']);
  });
});

describe("Nova's metadata service (Zed)", () => {
  const s = run(session(), FLOATING).state;
  const vm = s.cloud.servers.find((v) => v.name === 'vm2');
  if (!vm) throw new Error('no vm2');
  const get = (path: string) => metadataBody(s.cloud, vm, path);
  const ok = (body: string) => ({ body, status: 200 });

  it('the version listings', () => {
    expect(get('/')).toEqual(ok('1.0\n2007-01-19\n2007-03-01\n2007-08-29\n2007-10-10\n2007-12-15\n2008-02-01\n2008-09-01\n2009-04-04\nlatest'));
    expect(get('/openstack')).toEqual(ok('2012-08-10\n2013-04-04\n2013-10-17\n2015-10-15\n2016-06-30\n2016-10-06\n2017-02-22\n2018-08-27\n2020-10-14\nlatest'));
    expect(get('/openstack/latest/')).toEqual(ok('meta_data.json\npassword\nvendor_data.json\nnetwork_data.json\nvendor_data2.json'));
    expect(get('/openstack/2012-08-10')).toEqual(ok('meta_data.json'));
    // No user data: /latest lists meta-data/ only.
    expect(get('/latest')).toEqual(ok('meta-data/'));
  });

  it('the EC2 meta-data tree: sorted listing, values, public keys, subdirectories; older versions have fewer keys', () => {
    expect(get('/latest/meta-data/').body).toBe('ami-id\nami-launch-index\nami-manifest-path\nblock-device-mapping/\nhostname\ninstance-action\ninstance-id\ninstance-type\nlocal-hostname\nlocal-ipv4\nplacement/\npublic-hostname\npublic-ipv4\npublic-keys/\nreservation-id\nsecurity-groups');
    expect(get('/latest/meta-data/instance-id').body).toMatch(/^i-[0-9a-f]{8}$/);
    expect(get('/latest/meta-data/local-ipv4')).toEqual(ok('20.20.20.2'));
    expect(get('/latest/meta-data/public-ipv4')).toEqual(ok('180.180.180.3'));
    expect(get('/latest/meta-data/hostname')).toEqual(ok('vm2.novalocal'));
    expect(get('/latest/meta-data/public-keys')).toEqual(ok('0=mykey'));
    expect(get('/latest/meta-data/public-keys/0/')).toEqual(ok('openssh-key'));
    expect(get('/latest/meta-data/public-keys/0/openssh-key').body).toMatch(/^ssh-/);
    expect(get('/latest/meta-data/placement/availability-zone')).toEqual(ok('nova'));
    expect(get('/latest/meta-data/block-device-mapping/')).toEqual(ok('ami\nroot'));
    expect(get('/latest/meta-data/block-device-mapping/root')).toEqual(ok('/dev/vda'));
    expect(get('/latest/meta-data/security-groups')).toEqual(ok('default'));
    expect(get('/1.0/meta-data/').body).toBe('ami-id\nami-launch-index\nami-manifest-path\nhostname\ninstance-id\nlocal-ipv4\npublic-keys/\nreservation-id\nsecurity-groups');
    expect(get('/ec2/latest/meta-data/local-ipv4')).toEqual(ok('20.20.20.2'));
    expect(get('/latest/meta-data/../meta-data//hostname')).toEqual(ok('vm2.novalocal'));
  });

  it('meta_data.json: the keys in Nova’s order, meta only when set, a fresh 512-byte random_seed', () => {
    const j = get('/openstack/latest/meta_data.json').body;
    const doc = JSON.parse(j) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['uuid', 'public_keys', 'keys', 'hostname', 'name', 'launch_index', 'availability_zone', 'random_seed', 'project_id', 'devices', 'dedicated_cpus']);
    expect(atob(doc['random_seed'] as string)).toHaveLength(512);
    expect(j).toContain('"uuid": "'); // Python's json.dumps separators
    expect(Object.keys(JSON.parse(get('/openstack/2012-08-10/meta_data.json').body) as object)).toEqual(['uuid', 'public_keys', 'keys', 'hostname', 'name', 'launch_index', 'availability_zone']);
  });

  it('anything else is the 404 page; curl -f turns it into exit 22', () => {
    const page = '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The resource could not be found.<br /><br />\n\n\n\n </body>\n</html>';
    for (const p of ['/latest/user-data', '/latest/meta-data/nope', '/latest/meta-data/hostname/x', '/2010-01-01/meta-data/', '/openstack/1999-01-01/meta_data.json', '/openstack/latest/user_data']) {
      expect(get(p)).toEqual({ body: page, status: 404 });
    }
    const inVm = run(s, ['ssh cirros@180.180.180.3']).state;
    expect(runLine(inVm, 'curl -sf http://169.254.169.254/latest/meta-data/nope').result.exitCode).toBe(22);
    expect(runLine(inVm, 'curl http://169.254.169.254/latest/meta-data/local-ipv4').result.stdout).toBe('20.20.20.2');
  });
});

describe('the tools a learner reaches for, with colour where the real ones use it', () => {
  const ESC = '\x1b';
  const tty = { tty: true };

  it('grep --color=auto colours matches on the terminal only (GNU grep’s default GREP_COLORS)', () => {
    const s = session();
    expect(runLine(s, 'ip -br a | grep --color=auto eth0', tty).result.stdout).toBe(`${ESC}[01;31m${ESC}[Keth0${ESC}[m${ESC}[K             UP             10.0.0.11/24 fe80::5054:ff:fe4a:100b/64 \n`);
    // In a pipe grep's output is not the terminal: no colour.
    expect(runLine(s, 'ip -br a | grep --color=auto eth0 | wc -c', tty).result.stdout).toBe(runLine(s, 'ip -br a | grep eth0 | wc -c').result.stdout);
    expect(runLine(s, 'ip -br a | grep --color=auto eth0').result.stdout).not.toContain(ESC);
    expect(runLine(s, 'ip -br a | grep --color=never eth0', tty).result.stdout).not.toContain(ESC);
    expect(runLine(s, 'ip -br a | grep -n --colour=always eth0 | head -1').result.stdout).toBe(
      `${ESC}[32m${ESC}[K2${ESC}[m${ESC}[K${ESC}[36m${ESC}[K:${ESC}[m${ESC}[K${ESC}[01;31m${ESC}[Keth0${ESC}[m${ESC}[K             UP             10.0.0.11/24 fe80::5054:ff:fe4a:100b/64 \n`);
    expect(runLine(s, 'ip -br a | grep --color=sometimes eth0', tty).result.exitCode).toBe(2);
  });

  it('a learner’s own control sequences stay visible next to the tools’ colours', () => {
    let s = session();
    s = runLine(s, `openstack network create "x${ESC}[2Jy${ESC}[K"`).state;
    const out = runLine(s, 'openstack network list -f value -c Name | grep --color=always x', tty).result.stdout;
    expect(out).toBe(`${ESC}[01;31m${ESC}[Kx${ESC}[m${ESC}[K^[[2Jy^[[K\n`);
  });

  it('ip -c colours as iproute2 6.1 does (always, or =auto on a terminal); ip -s link has counters that grow', () => {
    const s = session();
    const lo = runLine(s, 'ip -c a').result.stdout.split('\n').slice(0, 3).join('\n');
    expect(lo).toBe(`1: ${ESC}[36mlo: ${ESC}[0m<LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n`
      + `    link/loopback ${ESC}[33m00:00:00:00:00:00${ESC}[0m brd ${ESC}[33m00:00:00:00:00:00${ESC}[0m\n    inet ${ESC}[35m127.0.0.1${ESC}[0m/8 scope host lo`);
    expect(runLine(s, 'ip -c=auto -br link').result.stdout).not.toContain(ESC);
    expect(runLine(s, 'ip -c=auto -br link', tty).result.stdout).toContain(`${ESC}[32mUP             ${ESC}[0m`);
    const stats = (st: SessionState) => runLine(st, 'ip -s link show eth0').result.stdout;
    const first = stats(s).split('\n');
    expect(first.slice(0, 3)).toEqual([
      '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000',
      '    link/ether 52:54:00:4a:10:0b brd ff:ff:ff:ff:ff:ff',
      '    RX:  bytes packets errors dropped  missed   mcast           ']);
    expect(first[3]).toMatch(/^ {4}[ \d]{10} [ \d]{7} {6}0 {7}0 {7}0 {7}0 $/);
    expect(first[4]).toBe('    TX:  bytes packets errors dropped carrier collsns           ');
    const later = stats(run(s, ['true', 'true', 'true']).state).split('\n');
    expect(Number(later[3]?.trim().split(/\s+/)[1])).toBeGreaterThan(Number(first[3]?.trim().split(/\s+/)[1]));
    const down = runLine(s, 'ip -s link show br-ex').result.stdout.split('\n');
    expect(down[3]).toBe('             0       0      0       0       0       0 ');
  });

  it('ls: the host’s files, columns on a terminal, one a line in a pipe, -l, errors; colour where the shell aliases it', () => {
    const node = session();
    expect(runLine(node, 'ls /etc', tty).result.stdout).toBe('hostname  hosts  neutron  os-release  resolv.conf\n');
    expect(runLine(node, 'ls /etc | head -2', tty).result.stdout).toBe('hostname\nhosts\n');
    // root's .bashrc on Debian has no ls alias: no colour on the network node.
    expect(runLine(node, 'ls -a', tty).result.stdout).toBe('.  ..  .bashrc\t.profile\n');
    expect(runLine(node, 'ls -l /etc/neutron').result.stdout).toBe(
      'total 12\n-rw-r--r-- 1 root root  120 Oct 23 09:00 dhcp_agent.ini\n-rw-r--r-- 1 root root   63 Oct 23 09:00 l3_agent.ini\ndrwxr-xr-x 2 root root 4096 Oct 23 09:00 plugins\n');
    expect(runLine(node, 'ls /nope')).toMatchObject({ result: { stdout: '', stderr: "ls: cannot access '/nope': No such file or directory\n", exitCode: 2 } });
    const laptop = { ...node, host: 'laptop' };
    expect(runLine(laptop, 'ls -a ~', tty).result.stdout).toBe(`${ESC}[0m${ESC}[01;34m.${ESC}[0m  ${ESC}[01;34m..${ESC}[0m  .bashrc\t.profile  ${ESC}[01;34m.ssh${ESC}[0m\tweb-server.sh\n`);
    expect(runLine(laptop, 'ls -a | head -5', tty).result.stdout).toBe('.\n..\n.bashrc\n.profile\n.ssh\n');
    expect(runLine(laptop, 'ls -a | cat', tty).result.stdout).toBe('.\n..\n.bashrc\n.profile\n.ssh\nweb-server.sh\n');
    // Narrow terminals: as many columns as fit (GNU's layout, tabs of 8; checked with coreutils 9.1).
    expect(runLine({ ...node, columns: 24 }, 'ls /etc', tty).result.stdout).toBe('hostname  os-release\nhosts\t  resolv.conf\nneutron\n');
    expect(runLine({ ...node, columns: 20 }, 'ls /etc', tty).result.stdout).toBe('hostname\nhosts\nneutron\nos-release\nresolv.conf\n');
  });

  it('ls -l: root owns the tree and the login user their home, in columns as wide as the widest owner', () => {
    const laptop = session('laptop');
    const user = runLine(laptop, 'whoami').result.stdout.trim();
    expect(user).not.toBe('root');
    expect(runLine(laptop, 'ls -l /etc').result.stdout).toContain(' 1 root root  186 Oct 23 09:00 hosts\n');
    const home = runLine(laptop, 'ls -la ~').result.stdout.split('\n');
    const pad = (w: string) => w.padEnd(Math.max(user.length, 4));
    expect(home[1]).toBe(`drwxr-xr-x 2 ${pad(user)} ${pad(user)} 4096 Oct 23 09:00 .`);
    expect(home[2]).toBe(`drwxr-xr-x 2 ${pad('root')} ${pad('root')} 4096 Oct 23 09:00 ..`);
    expect(home[3]).toBe(`-rw-r--r-- 1 ${pad(user)} ${pad(user)} 3526 Oct 23 09:00 .bashrc`);
  });

  it('/proc/sys on the network node and in each namespace: every parameter sysctl prints is a file cat reads, in directories ls lists and cd enters', () => {
    const node = session();
    const params = (s: SessionState, prefix = '') =>
      runLine(s, `${prefix}sysctl -a`).result.stdout.trim().split('\n').map((l) => l.split(' = ') as [string, string]);
    const all = params(node);
    expect(all.length).toBeGreaterThan(10);
    for (const [key, value] of all) {
      expect(runLine(node, `cat /proc/sys/${key.replace(/\./g, '/')}`).result).toMatchObject({ stdout: `${value}\n`, exitCode: 0 });
    }
    expect(runLine(node, 'ls /proc').result.stdout).toBe('sys\n');
    expect(runLine(node, 'ls -l /').result.stdout).toContain('\ndr-xr-xr-x 1 root root    0 Oct 23 09:00 proc\n');
    expect(runLine(node, 'ls -la /proc/sys/net/ipv4').result.stdout).toBe(
      'total 0\ndr-xr-xr-x 1 root root 0 Oct 23 09:00 .\ndr-xr-xr-x 1 root root 0 Oct 23 09:00 ..\n' +
        'dr-xr-xr-x 1 root root 0 Oct 23 09:00 conf\n-rw-r--r-- 1 root root 0 Oct 23 09:00 ip_forward\n',
    );
    expect(runLine(node, 'ls /proc/sys/net/ipv4/conf').result.stdout.split('\n')).toEqual(expect.arrayContaining(['all', 'default', 'br-ex', 'lo']));
    // cd into it; relative paths start there.
    const { state: inside, out } = run(node, ['cd /proc/sys/net/ipv4', 'pwd', 'cat ip_forward conf/all/forwarding', 'cat conf', 'cat nope']);
    expect(out).toEqual(['', '/proc/sys/net/ipv4\n', '1\n1\n', 'cat: conf: Is a directory\n', 'cat: nope: No such file or directory\n']);
    expect(runLine(inside, 'ls').result.stdout).toBe('conf\nip_forward\n');
    expect(complete(node, 'cat /proc/sys/net/ipv4/i').replacement).toBe('cat /proc/sys/net/ipv4/ip_forward ');
    // A change through sysctl -w shows in the file.
    const off = runLine(node, 'sysctl -w net.ipv4.ip_forward=0').state;
    expect(runLine(off, 'cat /proc/sys/net/ipv4/ip_forward').result.stdout).toBe('0\n');
    // Each namespace has its own parameters and devices; the node's other files stay readable.
    const dhcp = runLine(node, 'ip netns').result.stdout.split('\n').find((l) => l.startsWith('qdhcp-'))?.split(' ')[0] as string;
    const router = runLine(node, 'ip netns').result.stdout.split('\n').find((l) => l.startsWith('qrouter-'))?.split(' ')[0] as string;
    expect(runLine(node, `ip netns exec ${dhcp} cat /proc/sys/net/ipv4/ip_forward /etc/hostname`).result.stdout).toBe('0\nnetwork\n');
    for (const [key, value] of params(node, `ip netns exec ${router} `)) {
      expect(runLine(node, `ip netns exec ${router} cat /proc/sys/${key.replace(/\./g, '/')}`).result.stdout).toBe(`${value}\n`);
    }
    const devices = runLine(node, `ip netns exec ${router} ls /proc/sys/net/ipv4/conf`).result.stdout.split('\n');
    expect(devices.some((d) => d.startsWith('qr-'))).toBe(true);
    expect(devices).not.toContain('br-ex');
    // Where sysctl is not simulated (a laptop), /proc has no sys, as before.
    expect(runLine(session('laptop'), 'cat /proc/sys/net/ipv4/ip_forward').result.stderr).toBe('cat: /proc/sys/net/ipv4/ip_forward: No such file or directory\n');
  });

  it("the laptop's key pair in ~/.ssh is the fixture's, and openstack keypair create --public-key reads it (or says why not, as OSC 6.0)", () => {
    const laptop = createSession({ fixture: 'public-cloud', seed: 1 });
    const line = (s: SessionState, l: string) => runLine(s, l).result;
    expect(line(laptop, 'ls -la ~/.ssh').stdout).toBe(
      'total 16\ndrwx------ 2 taylor taylor 4096 Oct 23 09:00 .\ndrwxr-xr-x 2 taylor taylor 4096 Oct 23 09:00 ..\n' +
        '-rw------- 1 taylor taylor  399 Oct 23 09:00 id_ed25519\n-rw-r--r-- 1 taylor taylor   95 Oct 23 09:00 id_ed25519.pub\n',
    );
    const pub = line(laptop, 'cat ~/.ssh/id_ed25519.pub').stdout;
    expect(pub).toMatch(/^ssh-ed25519 AAAA\S+ taylor@laptop\n$/);
    expect(line(laptop, 'openstack keypair show mykeypair --public-key').stdout).toBe(pub);
    expect(line(laptop, 'cat ~/.ssh/id_ed25519').stdout).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n(.+\n){5}-----END OPENSSH PRIVATE KEY-----\n$/);
    // Imported from the file: the key kept is the file's.
    const { state, out } = run(laptop, ['openstack keypair create --public-key ~/.ssh/id_ed25519.pub k2', 'openstack keypair show k2 --public-key']);
    expect(out[1]).toBe(pub);
    expect(out[0]).toContain('| name        | k2');
    // Deleting the fixture's pair leaves the laptop's files as they are.
    expect(line(runLine(state, 'openstack keypair delete mykeypair').state, 'cat ~/.ssh/id_ed25519.pub').stdout).toBe(pub);
    // What OSC says when it cannot read the file (checked against python-openstackclient 6.0.0), and Nova when the file is no key.
    const refused = (l: string) => line(laptop, l);
    expect(refused('openstack keypair create --public-key ~/.ssh/id_rsa.pub k3')).toMatchObject({
      stderr: "Key file /home/taylor/.ssh/id_rsa.pub not found: [Errno 2] No such file or directory: '/home/taylor/.ssh/id_rsa.pub'\n",
      exitCode: 1,
    });
    expect(refused('openstack keypair create --public-key /etc k4').stderr).toBe("Key file /etc not found: [Errno 21] Is a directory: '/etc'\n");
    expect(refused("openstack keypair create --public-key '~/nope.pub' k5").stderr).toBe("Key file ~/nope.pub not found: [Errno 2] No such file or directory: '/home/taylor/nope.pub'\n");
    expect(refused('openstack keypair create --public-key /etc/hostname k6').stderr).toMatch(/^BadRequestException: 400: Client Error for url: \S+\/v2\.1\/os-keypairs, Keypair data is invalid: failed to generate fingerprint\n$/);
    expect(line(runLine(laptop, 'cd ~/.ssh').state, 'openstack keypair create --public-key id_ed25519.pub k7').exitCode).toBe(0);
    expect(line(laptop, 'openstack keypair list -f value -c Name').stdout).toBe('mykeypair\n');
    // A fixture without key pairs: the laptop still has one, the same every time.
    const empty = createSession({ fixture: 'empty' });
    expect(line(empty, 'cat ~/.ssh/id_ed25519.pub').stdout).toMatch(/^ssh-ed25519 AAAA\S+ admin@laptop\n$/);
    expect(line(empty, 'cat ~/.ssh/id_ed25519.pub').stdout).toBe(line(createSession({ fixture: 'empty' }), 'cat ~/.ssh/id_ed25519.pub').stdout);
  });

  it("a VM's ~/.ssh/authorized_keys holds the key pair it booted with", () => {
    const s = run(session(), [...FLOATING]).state;
    expect(runLine(s, 'openstack server show vm2 -f value -c key_name').result.stdout).toBe('mykey\n');
    const pub = runLine(s, 'openstack keypair show mykey --public-key').result.stdout;
    const { out } = run(s, ['ssh cirros@180.180.180.3', 'ls -la ~/.ssh', 'cat ~/.ssh/authorized_keys']);
    const size = new TextEncoder().encode(pub).length;
    expect(out[1]).toBe(
      `total 12\ndrwx------ 2 cirros cirros 4096 Oct 23 09:00 .\ndrwxr-xr-x 2 cirros cirros 4096 Oct 23 09:00 ..\n-rw------- 1 cirros cirros ${String(size).padStart(4)} Oct 23 09:00 authorized_keys\n`,
    );
    expect(out[2]).toBe(pub);
  });

  it('ps: the shell and ps; ps aux/-ef list the node’s daemons, a dnsmasq per DHCP network and a haproxy per router', () => {
    const s = session();
    const mine = runLine(s, 'ps').result.stdout.split('\n');
    expect(mine[0]).toBe('    PID TTY          TIME CMD');
    expect(mine.slice(1, 3).map((l) => l.slice(8))).toEqual(['pts/0    00:00:00 bash', 'pts/0    00:00:00 ps']);
    const aux = runLine(s, 'ps aux').result.stdout;
    const qdhcp = runLine(s, 'ip netns').result.stdout.split('\n').filter((l) => l.startsWith('qdhcp-')).length;
    expect(qdhcp).toBeGreaterThan(0);
    expect(aux.split('\n').filter((l) => l.includes(' dnsmasq --no-hosts'))).toHaveLength(qdhcp);
    expect(aux.split('\n').filter((l) => l.includes('haproxy -f /var/lib/neutron/ns-metadata-proxy/'))).toHaveLength(s.cloud.routers.length);
    expect(aux).toContain('/usr/bin/neutron-l3-agent --config-file=/etc/neutron/neutron.conf');
    expect(runLine(s, 'ps -ef').result.stdout.split('\n')[0]).toBe('UID          PID    PPID  C STIME TTY          TIME CMD');
    // On a terminal, ps aux cuts its lines at the terminal's width.
    for (const l of runLine({ ...s, columns: 80 }, 'ps aux', { tty: true }).result.stdout.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    expect(runLine(s, 'ps --bogus').result.exitCode).toBe(1);
  });
});

describe('sudo', () => {
  it("runs programs as root; the shell's own builtins are no program, as sudo says (an exit does not leave the VM)", () => {
    let s = session();
    s = run(s, [...FLOATING, 'ssh cirros@180.180.180.3']).state;
    const { out } = run(s, [
      'whoami; sudo whoami; sudo -E -H whoami',
      'sudo exit; echo $?; hostname',
      'sudo logout; sudo cd /; sudo history; sudo help',
      'sudo export A=1; sudo unset HOME; echo "[$A]"',
      'sudo echo still; sudo sudo true; echo $?',
    ]);
    expect(out).toEqual([
      'cirros\nroot\nroot\n',
      '1\nvm2\nsudo: exit: command not found\n',
      'sudo: logout: command not found\nsudo: cd: command not found\nsudo: history: command not found\nsudo: help: command not found\n',
      '[]\nsudo: export: command not found\nsudo: unset: command not found\n',
      'still\n0\n',
    ]);
  });
});

describe('assignments before a command', () => {
  it("are that command's environment only, as in bash: the client and env see them, the shell keeps its own", () => {
    const { out } = run(session(), [
      'STACKLAB_X=1 env | grep STACKLAB_X',
      'echo "[$STACKLAB_X]"',
      'OS_CLOUD=devstack-admin openstack extension show router -c location -f json | grep cloud',
      'openstack extension show router -c location -f json | grep cloud',
      // Expanded before the assignment, as bash does.
      'OS_CLOUD=other echo $OS_CLOUD',
      'CLIFF_MAX_TERM_WIDTH=40 CLIFF_FIT_WIDTH=1 openstack extension list --network -c Name -c Alias | head -2 | tail -1 | wc -c',
    ]);
    expect(out[0]).toBe('STACKLAB_X=1\n');
    expect(out[1]).toBe('[]\n');
    expect(out[2]).toBe('    "cloud": "devstack-admin",\n');
    expect(out[3]).toBe('    "cloud": "network-node",\n');
    expect(out[4]).toBe('network-node\n');
    expect(Number(out[5])).toBeLessThanOrEqual(41);
  });

  it("are held to the variables' limits, and a learner's __proto__ is a variable like any other", () => {
    const { state, out } = run(session(), [
      'B=xxxxxxxxxx; B=$B$B$B$B$B$B$B$B$B$B; B=$B$B$B$B$B$B$B$B$B$B; B=$B$B$B$B$B$B$B$B$B$B; B=$B$B$B$B$B$B$B$B$B$B',
      'A=$B$B$B env | wc -c',
      'echo $B | wc -c',
      '__proto__=x env | grep -c __proto__',
      'echo "[$__proto__]"',
    ]);
    // The pipe's reader gets nothing: the command was refused before it ran.
    expect(out[1]).toBe('0\nbash: A: value too large (limit: 262,144 characters)\n');
    expect(out[2]).toBe('100001\n');
    expect(out[3]).toBe('1\n');
    expect(out[4]).toBe('[]\n');
    expect(Object.getPrototypeOf(state.env)).toBe(Object.prototype);
  });
});
