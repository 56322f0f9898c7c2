/**
 * `ps` (procps-ng 4.0.2; BusyBox's on CirrOS): the learner's own shell and `ps`, or with `aux`,
 * `-ef`, `-e`/`ax` every process of the host, derived from the cloud: on the network node the
 * Open vSwitch daemons, the Neutron agents, a haproxy metadata proxy per router and a dnsmasq per
 * network with DHCP (the processes a learner looks for with `ps aux | grep dnsmasq`).
 */
import { extended } from '../../sim/objects.js';
import { namespaceEntries } from '../../sim/dataplane/index.js';
import { hashSeed } from '../../sim/rng.js';
import { err, loginUserOn, ok, isCirros, server, type HostCtx, type HostResult } from './host.js';
import type { Server } from '../../sim/model/compute.js';
import { guestNicName } from '../../sim/reach.js';

interface Proc { pid: number; ppid: number; user: string; tty: string; cmd: string; vsz: number; rss: number; stat: string }

const AGENT = (name: string, ini: string) => `/usr/bin/python3 /usr/bin/neutron-${name} --config-file=/etc/neutron/neutron.conf --config-file=/etc/neutron/${ini} --log-file=/var/log/neutron/neutron-${name}.log`;

/** The network node's daemons, then what the agents started for the cloud's routers and networks. */
function nodeProcs(ctx: HostCtx): Array<Omit<Proc, 'pid' | 'ppid'>> {
  const d = (user: string, cmd: string, vsz: number, rss: number, stat = 'Ss') => ({ user, tty: '?', cmd, vsz, rss, stat });
  const base = [
    d('root', '/sbin/init', 167_788, 11_844),
    d('root', '/lib/systemd/systemd-journald', 48_352, 15_020),
    d('root', 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups', 15_404, 9_120),
    d('root', 'ovsdb-server /etc/openvswitch/conf.db -vconsole:emer -vsyslog:err -vfile:info --remote=punix:/var/run/openvswitch/db.sock --private-key=db:Open_vSwitch,SSL,private_key --certificate=db:Open_vSwitch,SSL,certificate --bootstrap-ca-cert=db:Open_vSwitch,SSL,ca_cert --no-chdir --log-file=/var/log/openvswitch/ovsdb-server.log --pidfile=/var/run/openvswitch/ovsdb-server.pid --detach', 15_012, 7_012, 'S<s'),
    d('root', 'ovs-vswitchd unix:/var/run/openvswitch/db.sock -vconsole:emer -vsyslog:err -vfile:info --mlockall --no-chdir --log-file=/var/log/openvswitch/ovs-vswitchd.log --pidfile=/var/run/openvswitch/ovs-vswitchd.pid --detach', 3_219_568, 62_644, 'S<Lsl'),
    d('neutron', AGENT('openvswitch-agent', 'plugins/ml2/openvswitch_agent.ini'), 283_464, 121_812),
    d('neutron', AGENT('l3-agent', 'l3_agent.ini'), 290_628, 128_404),
    d('neutron', AGENT('dhcp-agent', 'dhcp_agent.ini'), 287_112, 124_932),
    d('neutron', AGENT('metadata-agent', 'metadata_agent.ini'), 266_640, 112_588),
  ];
  const spawned = namespaceEntries(ctx.cloud).map((ns) => {
    if (ns.kind === 'qrouter') return d('neutron', `haproxy -f /var/lib/neutron/ns-metadata-proxy/${ns.objectId}.conf`, 13_684, 6_412);
    const dir = `/var/lib/neutron/dhcp/${ns.objectId}`;
    const ranges = ctx.cloud.subnets.filter((s) => s.networkId === ns.objectId && s.enableDhcp)
      .map((s) => `--dhcp-range=set:subnet-${s.id},${s.cidr.split('/')[0] ?? ''},static,${s.ipVersion === 4 ? `${prefixMask(s.cidr)},` : `${s.cidr.split('/')[1] ?? ''},`}86400s`).join(' ');
    const mtu = ctx.cloud.networks.find((n) => n.id === ns.objectId)?.mtu ?? 1500;
    return d('nobody', `dnsmasq --no-hosts --no-resolv --pid-file=${dir}/pid --dhcp-hostsfile=${dir}/host --addn-hosts=${dir}/addn_hosts --dhcp-optsfile=${dir}/opts --dhcp-leasefile=${dir}/leases --dhcp-match=set:ipxe,175 --dhcp-userclass=set:ipxe6,iPXE --local-service --bind-dynamic ${ranges} --dhcp-option-force=option:mtu,${mtu} --dhcp-lease-max=256 --conf-file=/dev/null --domain=openstacklocal`, 12_396, 2_380, 'S');
  });
  return [...base, ...spawned];
}

/** 255.255.255.0 for a /24. */
function prefixMask(cidr: string): string {
  const p = Number(cidr.split('/')[1] ?? 32);
  const m = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 0xff).join('.');
}

/** A VM's or the laptop's few daemons. */
function otherProcs(ctx: HostCtx): Array<Omit<Proc, 'pid' | 'ppid'>> {
  const d = (cmd: string, vsz: number, rss: number, stat = 'Ss') => ({ user: 'root', tty: '?', cmd, vsz, rss, stat });
  // The DHCP clients the learner ran by hand on the NICs past the first (they stay, as daemons).
  const vm = server(ctx.cloud, ctx.host);
  const byHand = (vm?.nics ?? []).flatMap((n, i) => (i > 0 && n.guestUp === true ? [guestNicName(ctx.cloud, vm as Server, i)] : []));
  if (isCirros(ctx.cloud, ctx.host)) {
    return [d('init', 2_404, 1_536, 'S'), d('/sbin/syslogd -n', 2_404, 1_480, 'S'), d('udhcpc -p /var/run/udhcpc.eth0.pid -R -n -T 60 -i eth0', 2_404, 1_460, 'S'),
      ...byHand.map((nic) => d(`udhcpc -i ${nic}`, 2_404, 1_388, 'S')), d('/usr/sbin/dropbear -R', 2_204, 1_236, 'S')];
  }
  if (ctx.host === 'laptop') return [d('/sbin/init splash', 168_120, 13_040), d('/lib/systemd/systemd-journald', 48_352, 16_200), d('/usr/sbin/NetworkManager --no-daemon', 339_980, 21_560, 'Ssl')];
  return [d('/sbin/init', 102_232, 11_960), d('/lib/systemd/systemd-journald', 40_012, 12_820), d('dhclient -4 -v -i -pf /run/dhclient.ens3.pid ens3', 7_448, 4_112),
    ...byHand.map((nic) => d(`dhclient ${nic}`, 7_448, 4_096)), d('sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups', 15_404, 9_032)];
}

/** Every process: the daemons, then the learner's login shell and this ps, with pids fixed by the host. */
function processes(ctx: HostCtx): Proc[] {
  const daemons = ctx.host === 'network' ? nodeProcs(ctx) : otherProcs(ctx);
  const seed = hashSeed(ctx.host);
  let pid = 1;
  const procs: Proc[] = daemons.map((p, i) => extended(p, { pid: (pid = i === 0 ? 1 : pid + 3 + ((seed >>> i) % 40)), ppid: i === 0 ? 0 : 1 }));
  const user = loginUserOn(ctx.cloud, ctx.host);
  const shell = 1_800 + (seed % 400);
  const ps = shell + 30 + (ctx.cloud.tick % 500);
  procs.push({ pid: shell, ppid: 1, user, tty: 'pts/0', cmd: isCirros(ctx.cloud, ctx.host) ? '-sh' : '-bash', vsz: 8_360, rss: 5_120, stat: 'Ss' });
  procs.push({ pid: ps, ppid: shell, user, tty: 'pts/0', cmd: '', vsz: 11_108, rss: 4_480, stat: 'R+' });
  return procs;
}

/** The command line of `ps` itself as the process table has it. */
const own = (p: Proc, argv: string[]) => (p.cmd === '' ? argv.join(' ') : p.cmd);
const short = (cmd: string) => (cmd.startsWith('-') ? cmd.slice(1) : cmd.split(' ')[0]?.split('/').at(-1) ?? cmd).slice(0, 15);

export function runPs(ctx: HostCtx, argv: string[]): HostResult {
  if (!ctx.host.startsWith('vm:') && ctx.host !== 'network' && ctx.host !== 'laptop') return err('ps: command not found\n', 127);
  const all = processes(ctx);
  const opts = argv.slice(1).join(' ');
  const width = ctx.tty === true ? ctx.columns : Infinity;
  const cut = (s: string) => (s.length > width ? s.slice(0, width) : s);
  if (isCirros(ctx.cloud, ctx.host)) {
    // BusyBox's ps takes no options that change this: every process, its user and command.
    const lines = all.map((p) => `${String(p.pid).padStart(5)} ${p.user.padEnd(8)} ${'0:00'.padStart(6)} ${own(p, argv)}`);
    return ok(`  PID USER       TIME  COMMAND\n${lines.map((l) => `${cut(l)}\n`).join('')}`);
  }
  const time = '00:00:00';
  if (opts === '') {
    const mine = all.filter((p) => p.tty === 'pts/0');
    return ok(`    PID TTY          TIME CMD\n${mine.map((p) => `${String(p.pid).padStart(7)} ${p.tty.padEnd(8)} ${time} ${short(own(p, argv))}\n`).join('')}`);
  }
  if (/^(aux|-aux|axu)$/.test(opts)) {
    const head = 'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND';
    const rows = all.map((p) => `${p.user.padEnd(8)} ${String(p.pid).padStart(7)}  0.0 ${(p.rss / 40_960).toFixed(1).padStart(4)} ${String(p.vsz).padStart(6)} ${String(p.rss).padStart(5)} ${p.tty.padEnd(8)} ${p.stat.padEnd(4)} 09:00   0:00 ${own(p, argv)}`);
    return ok([head, ...rows].map((l) => `${cut(l)}\n`).join(''));
  }
  if (/^(-ef|-e -f|-f -e)$/.test(opts)) {
    const head = 'UID          PID    PPID  C STIME TTY          TIME CMD';
    const rows = all.map((p) => `${p.user.padEnd(8)} ${String(p.pid).padStart(7)} ${String(p.ppid).padStart(7)}  0 09:00 ${p.tty.padEnd(8)} ${time} ${own(p, argv)}`);
    return ok([head, ...rows].map((l) => `${cut(l)}\n`).join(''));
  }
  if (/^(-e|-A|ax)$/.test(opts)) {
    return ok(`    PID TTY          TIME CMD\n${all.map((p) => `${String(p.pid).padStart(7)} ${p.tty.padEnd(8)} ${time} ${short(own(p, argv))}\n`).join('')}`);
  }
  return err(`error: unsupported option (BSD syntax)\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n`, 1);
}
