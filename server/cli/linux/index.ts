/** Linux commands on the simulated hosts (laptop, network node, VMs), rendered from derived views. */
import type { Cloud } from '../../sim/model/cloud.js';
import { findNamespace, linkLocal, namespaces, type Device, type Namespace, type RouteEntry } from '../../sim/dataplane/index.js';
import { dhcpTables, iptablesList, iptablesS, iptablesSave, routerTables, type Table } from '../../sim/dataplane/iptables.js';
import { brExPorts, trace, type Endpoint } from '../../sim/reach.js';
import { cidrContains, parseCidr, formatIp, parseIp } from '../../sim/ipam.js';
import { DIRECTORIES, hostFile, type HostFacts } from './files.js';
import { metadataAnswer } from './metadata.js';
import { runSysctl } from './sysctl.js';
import { sysctlRead, sysctlTable, withInfra, type SysctlPlace } from '../../sim/dataplane/sysctl.js';
import { consoleLog, guestIpAddr, guestIpRoute, guestResolvConf, guestView } from '../../sim/dataplane/guest.js';

export { consoleLog };

export type HostId = string; // 'laptop' | 'network' | `vm:${serverId}`
export interface HostCtx { cloud: Cloud; host: HostId; env: Record<string, string>; columns: number; /** The fixture's machines (laptop, network). */ hosts?: string[] }
export interface HostResult { stdout: string; stderr: string; exitCode: number; cloud?: Cloud; enter?: HostId }

const ok = (stdout: string): HostResult => ({ stdout, stderr: '', exitCode: 0 });
const err = (stderr: string, exitCode = 1): HostResult => ({ stdout: '', stderr, exitCode });

export function startHost(fixtureStartHost: string | undefined): HostId {
  return fixtureStartHost === 'network' ? 'network' : 'laptop';
}

function server(cloud: Cloud, host: HostId) {
  return host.startsWith('vm:') ? cloud.servers.find((s) => s.id === host.slice(3)) : undefined;
}

function hostName(cloud: Cloud, host: HostId): string {
  if (host === 'network') return cloud.config.networkHost;
  const s = server(cloud, host);
  return s ? s.name : 'laptop';
}

export function promptFor(cloud: Cloud, host: HostId): string {
  if (host === 'network') return `root@${cloud.config.networkHost}:~# `;
  const s = server(cloud, host);
  if (s) {
    const img = cloud.images.find((i) => i.id === s.imageId);
    return `${img?.osUser ?? 'cirros'}@${s.name}:~$ `;
  }
  return 'user@laptop:~$ ';
}

export function hostCommands(cloud: Cloud, host: HostId): string[] {
  void cloud;
  if (host === 'network') return ['cat', 'curl', 'hostname', 'ip', 'ip6tables-save', 'iptables', 'iptables-save', 'ovs-vsctl', 'ping', 'ping6', 'route', 'ssh', 'sysctl', 'traceroute'];
  if (host.startsWith('vm:')) return ['cat', 'curl', 'hostname', 'ip', 'ping', 'ping6', 'route', 'ssh', 'traceroute'];
  return ['cat', 'curl', 'hostname', 'ip', 'ping', 'ping6', 'route', 'ssh', 'traceroute'];
}

function addrBlock(d: Device): string {
  let s = `${d.index}: ${d.name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${d.mtu} qdisc noqueue state UNKNOWN group default qlen 1000\n`;
  s += `    link/ether ${d.mac} brd ff:ff:ff:ff:ff:ff\n`;
  for (const a of d.addrs) {
    if (a.version === 4) s += `    inet ${a.address}/${a.prefix} brd ${a.brd ?? a.address} scope global ${d.name}\n`;
    else s += `    inet6 ${a.address}/${a.prefix} scope ${a.scope} \n`;
    s += '       valid_lft forever preferred_lft forever\n';
  }
  return s;
}

const LO = '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n'
  + '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
  + '    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n'
  + '    inet6 ::1/128 scope host \n       valid_lft forever preferred_lft forever\n';

export function renderIpAddr(ns: Namespace, dev?: string): HostResult {
  if (dev) {
    const d = ns.devices.find((x) => x.name === dev);
    if (dev === 'lo') return ok(LO);
    return d ? ok(addrBlock(d)) : err(`Device "${dev}" does not exist.\n`);
  }
  return ok(LO + ns.devices.map(addrBlock).join(''));
}

export function renderIpRoute(routes: RouteEntry[]): string {
  return routes.map((r) => r.via
    ? `${r.dest} via ${r.via} dev ${r.dev} proto ${r.proto} \n`
    : `${r.dest} dev ${r.dev} proto kernel scope link src ${r.src ?? ''} \n`).join('');
}

function mask4(prefix: number): string {
  const c = parseCidr(`0.0.0.0/${prefix}`);
  void c;
  const m = prefix === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n);
  return formatIp(4, m);
}

export function renderRouteN(routes: RouteEntry[]): string {
  let s = 'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n';
  for (const r of routes) {
    const c = r.dest === 'default' ? { net: '0.0.0.0', prefix: 0 } : { net: r.dest.split('/')[0] ?? '', prefix: Number(r.dest.split('/')[1]) };
    const flags = (r.via ? 'UG' : 'U') + (c.prefix === 32 ? 'H' : '');
    s += `${c.net.padEnd(15)} ${(r.via ?? '0.0.0.0').padEnd(15)} ${mask4(c.prefix).padEnd(15)} ${flags.padEnd(5)} ${'0'.padEnd(6)} ${'0'.padEnd(6)} ${'0'.padStart(3)} ${r.dev}\n`;
  }
  return s;
}

function nsTables(cloud: Cloud, ns: Namespace): Table[] {
  if (ns.kind === 'qdhcp') return dhcpTables();
  const r = cloud.routers.find((x) => x.id === ns.objectId);
  return r ? routerTables(cloud, r) : [];
}

/** The network node's root namespace: the OVS agent's native firewall leaves iptables empty. */
const NODE_TABLES: Table[] = [{ name: 'filter', builtins: ['INPUT', 'FORWARD', 'OUTPUT'], chains: [], rules: [] }];

const NO_TABLE = (t: string) => `iptables v1.8.9 (legacy): can't initialize iptables table \`${t}': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n`;

/** `iptables [-t T] -S|-L [CHAIN] [-n] [-v] [--line-numbers]` (short flags may be bundled: `-nvL`). */
export function runIptables(tables: Table[], args: string[]): HostResult {
  let table = 'filter';
  let mode: 'S' | 'L' | null = null;
  let chain: string | undefined;
  const o = { numeric: false, verbose: false, lineNumbers: false };
  const long: Record<string, string> = { '--list': 'L', '--list-rules': 'S', '--numeric': 'n', '--verbose': 'v', '--table': 't', '--exact': 'x' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--line-numbers') { o.lineNumbers = true; continue; }
    const flags = long[a] ?? (/^-[A-Za-z]+$/.test(a) ? a.slice(1) : null);
    if (flags === null) {
      if (mode && chain === undefined && !a.startsWith('-')) { chain = a; continue; }
      return err(`iptables v1.8.9 (legacy): unknown option "${a}"\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
    }
    for (const f of flags) {
      if (f === 't') { table = args[++i] ?? ''; continue; }
      if (f === 'L' || f === 'S') {
        if (mode) return err('iptables v1.8.9 (legacy): Cannot use -L with -S\nTry `iptables -h\' or \'iptables --help\' for more information.\n', 2);
        mode = f;
      } else if (f === 'n') o.numeric = true;
      else if (f === 'v') o.verbose = true;
      else if (f !== 'x') return err(`iptables v1.8.9 (legacy): unknown option "-${f}"\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
    }
  }
  if (!mode) return err("iptables v1.8.9 (legacy): no command specified\nTry `iptables -h' or 'iptables --help' for more information.\n", 2);
  const t = tables.find((x) => x.name === table) ?? (['raw', 'nat', 'mangle'].includes(table) ? { name: table as Table['name'], builtins: table === 'raw' ? ['PREROUTING', 'OUTPUT'] : table === 'nat' ? ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'] : ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'], chains: [], rules: [] } : undefined);
  if (!t) return err(NO_TABLE(table), 3);
  if (mode === 'S') {
    if (chain !== undefined && ![...t.builtins, ...t.chains].includes(chain)) return err('iptables: No chain/target/match by that name.\n');
    const out = iptablesS(t);
    return ok(chain === undefined ? out : out.split('\n').filter((l) => l.split(' ')[1] === chain).map((l) => `${l}\n`).join(''));
  }
  const out = iptablesList(t, o, chain);
  return out === null ? err('iptables: No chain/target/match by that name.\n') : ok(out);
}

function endpoint(host: HostId, ns: string | null): Endpoint {
  if (ns) return { kind: 'ns', name: ns };
  if (host === 'network') return { kind: 'network' };
  if (host.startsWith('vm:')) return { kind: 'vm', serverId: host.slice(3) };
  return { kind: 'laptop' };
}

/** The namespace's own address facing `target` (the one on its subnet, else the first of that family). */
function nsAddressToward(cloud: Cloud, ns: string, target: string): string | null {
  const t = parseIp(target);
  const devs = findNamespace(cloud, ns)?.devices ?? [];
  const usable = (d: Device) => d.addrs.filter((a) => a.version === t?.version && a.scope === 'global');
  const near = devs.flatMap(usable).find((a) => {
    const c = parseCidr(`${a.address}/${a.prefix}`);
    return c !== null && t !== null && cidrContains(c, t.version, t.value);
  });
  // Off-subnet: the packet leaves by the default route, on qg-.
  const out = devs.filter((d) => d.name.startsWith('qg-')).flatMap(usable)[0];
  return (near ?? out ?? devs.flatMap(usable)[0])?.address ?? null;
}

/** The host's own address of the target's family (a VM's fixed IP once it has one). */
function selfAddress(ctx: HostCtx, target: string): string | null {
  const vm = server(ctx.cloud, ctx.host);
  if (!vm) return null;
  const g = guestView(ctx.cloud, vm);
  return parseIp(target)?.version === 6 ? g.v6[0]?.address ?? null : g.v4?.address ?? null;
}

function isCloudAddress(cloud: Cloud, ip: string): boolean {
  return cloud.ports.some((p) => p.fixedIps.some((f) => f.ipAddress === ip)) || cloud.floatingIps.some((f) => f.floatingIpAddress === ip)
    || cloud.subnets.some((s) => s.gatewayIp === ip);
}

function fmtTime(n: number): string {
  return n.toFixed(3);
}

/** iputils prints reply times with three significant digits (0.343, 3.18, 17.4). */
function fmtSig3(n: number): string {
  return n < 1 ? n.toFixed(3) : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0);
}

export function renderPing(ctx: HostCtx, ns: string | null, argv: string[]): HostResult {
  let count = 4;
  let target: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-c') { count = Number(argv[++i]); continue; }
    if (!a.startsWith('-')) target = a;
  }
  if (!target) return err('ping: usage error: Destination address required\n', 2);
  if (!parseIp(target)) return err(`ping: ${target}: Name or service not known\n`, 2);
  const busybox = ctx.host.startsWith('vm:') && !ns && ctx.cloud.images.find((i) => i.id === server(ctx.cloud, ctx.host)?.imageId)?.osFamily === 'cirros';
  const t = trace(ctx.cloud, endpoint(ctx.host, ns), target, 'icmp', null);
  if (t.verdict === 'net-unreachable' && t.hops.length === 0) {
    return busybox ? { stdout: `PING ${target} (${target}): 56 data bytes\n`, stderr: 'ping: sendto: Network is unreachable\n', exitCode: 1 }
      : err('ping: connect: Network is unreachable\n', 2);
  }
  // The laptop reaches the cloud across the internet (about a dozen routers); VMs reach
  // internet hosts the same way. Inside the cloud Linux answers with TTL 64 minus the routers.
  const far = (ctx.host === 'laptop' && !ns) || !isCloudAddress(ctx.cloud, target);
  const ttl = far ? (ctx.host === 'laptop' ? 54 - Math.max(0, t.hops.length - 1) : 53) : 64 - Math.max(0, t.hops.length - 1);
  const base = far ? 11.2 : 0.3;
  const times = Array.from({ length: count }, (_, i) => base + ((i * 37 + target.length * 11) % 50) / 100);
  const v6 = parseIp(target)?.version === 6;
  let out = busybox ? `PING ${target} (${target}): 56 data bytes\n` : v6 ? `PING ${target}(${target}) 56 data bytes\n` : `PING ${target} (${target}) 56(84) bytes of data.\n`;
  const self = ns ? nsAddressToward(ctx.cloud, ns, target) : selfAddress(ctx, target);
  if (!busybox && (t.verdict === 'host-unreachable' || t.verdict === 'net-unreachable') && self) {
    const from = t.verdict === 'net-unreachable' ? (t.hops[0]?.address ?? self) : self;
    const what = t.verdict === 'net-unreachable' ? 'Destination Net Unreachable' : 'Destination Host Unreachable';
    for (let i = 1; i <= count; i++) out += `From ${from} icmp_seq=${i} ${what}\n`;
    out += `\n--- ${target} ping statistics ---\n${count} packets transmitted, 0 received, +${count} errors, 100% packet loss, time ${count === 1 ? 0 : (count - 1) * 1020}ms\n${count > 1 ? `pipe ${Math.min(count, 4)}\n` : '\n'}`;
    return { stdout: out, stderr: '', exitCode: 1 };
  }
  const success = t.verdict === 'ok';
  if (success) {
    times.forEach((tm, i) => { out += busybox ? `64 bytes from ${target}: seq=${i} ttl=${ttl} time=${fmtTime(tm)} ms\n` : `64 bytes from ${target}: icmp_seq=${i + 1} ttl=${ttl} time=${fmtSig3(tm)} ms\n`; });
  }
  out += `\n--- ${target} ping statistics ---\n`;
  const recv = success ? count : 0;
  const loss = success ? 0 : 100;
  if (busybox) {
    out += `${count} packets transmitted, ${recv} packets received, ${loss}% packet loss\n`;
    if (success) {
      const min = Math.min(...times); const max = Math.max(...times); const avg = times.reduce((a, b) => a + b, 0) / count;
      out += `round-trip min/avg/max = ${fmtTime(min)}/${fmtTime(avg)}/${fmtTime(max)} ms\n`;
    }
  } else {
    out += `${count} packets transmitted, ${recv} received, ${loss}% packet loss, time ${count === 1 ? 0 : (count - 1) * 1001 + (success ? 0 : 28)}ms\n`;
    if (success) {
      const min = Math.min(...times); const max = Math.max(...times); const avg = times.reduce((a, b) => a + b, 0) / count;
      const mdev = Math.sqrt(times.reduce((a, b) => a + (b - avg) ** 2, 0) / count);
      out += `rtt min/avg/max/mdev = ${fmtTime(min)}/${fmtTime(avg)}/${fmtTime(max)}/${fmtTime(mdev)} ms\n`;
    } else out += '\n';
  }
  return { stdout: out, stderr: '', exitCode: success ? 0 : 1 };
}

/** The sysctl keys of the node itself (`ns` null) or of one of its namespaces (for Tab completion). */
export function sysctlKeys(cloud: Cloud, ns: string | null): string[] {
  const place = ns === null ? nodePlace(cloud) : findNamespace(cloud, ns);
  return place ? sysctlTable(cloud, place).map(([k]) => k) : [];
}

/** What `ip netns exec NS …` can run (for Tab completion). */
export const NAMESPACE_COMMANDS = ['cat', 'curl', 'ip', 'ip6tables-save', 'iptables', 'iptables-save', 'ping', 'ping6', 'route', 'ssh', 'sysctl', 'traceroute'];

/** The node's root namespace as sysctl sees it: its interfaces (see nodeIpAddr). */
function nodePlace(cloud: Cloud): SysctlPlace {
  const nic = cloud.config.flatNetworks.includes('default') ? 'eth3' : 'eth1';
  return { kind: 'root', devices: ['eth0', nic, 'ovs-system', 'br-ex', 'br-int', 'br-tun'] };
}

/** `cat /proc/sys/…`: the same values sysctl prints. */
function procSys(cloud: Cloud, place: SysctlPlace, path: string): HostResult {
  const v = sysctlRead(cloud, place, path.slice('/proc/sys/'.length).replace(/\//g, '.'));
  return v === undefined ? err(`cat: ${path}: No such file or directory\n`) : ok(`${v}\n`);
}

function linkBlock(d: Device): string {
  return `${d.index}: ${d.name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${d.mtu} qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n    link/ether ${d.mac} brd ff:ff:ff:ff:ff:ff\n`;
}

/** `ip -4|-6 addr`: only devices with an address of that family, without their link/ lines. */
function familyOnly(text: string, want: 4 | 6): string {
  const drop = want === 6 ? '    inet ' : '    inet6 ';
  const strip = (b: string) => {
    const lines = b.split('\n');
    const out: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i] ?? '';
      if (l.startsWith('    link/')) continue;
      if (l.startsWith(drop)) { i++; continue; }
      out.push(l);
    }
    return out.join('\n');
  };
  return text.split(/(?=^\d+: )/m).map(strip).filter((b) => b.includes(want === 6 ? 'inet6 ' : 'inet ')).join('');
}

/**
 * `ip -6 route` in a router namespace: the connected /64s of its global addresses, a link-local
 * route per port, then the default route the L3 agent adds via the external subnet's IPv6 gateway.
 */
function ipv6Routes(cloud: Cloud, ns: Namespace): string {
  const pre = (a: string) => a.split('/')[0] ?? a;
  let s = '';
  for (const d of ns.devices) {
    for (const a of d.addrs) {
      if (a.version !== 6 || a.scope !== 'global') continue;
      const c = parseCidr(`${a.address}/${a.prefix}`);
      if (c) s += `${formatIp(6, c.network)}/${a.prefix} dev ${d.name} proto kernel metric 256 pref medium\n`;
    }
  }
  for (const d of ns.devices) s += `fe80::/64 dev ${d.name} proto kernel metric 256 pref medium\n`;
  const r = ns.kind === 'qrouter' ? cloud.routers.find((x) => x.id === ns.objectId) : undefined;
  const qg = ns.devices.find((d) => d.name.startsWith('qg-'));
  if (r && qg) {
    const gw = cloud.ports.find((p) => p.deviceId === r.id && p.deviceOwner === 'network:router_gateway');
    const v6 = gw?.fixedIps.map((f) => cloud.subnets.find((x) => x.id === f.subnetId)).find((x) => x?.ipVersion === 6 && x.gatewayIp);
    if (v6?.gatewayIp) s += `default via ${pre(v6.gatewayIp)} dev ${qg.name} proto static metric 1024 pref medium\n`;
  }
  return s;
}

function inNamespace(ctx: HostCtx, ns: Namespace, argv: string[]): HostResult | null {
  const cmd = argv[0];
  if (cmd === 'ip' && argv.some((x) => IP_DISPLAY.test(x))) return withIpDisplayFlags(argv, (a) => inNamespace(ctx, ns, a));
  const six = argv.includes('-6');
  const four = argv.includes('-4');
  const a = argv.slice(1).filter((x) => x !== '-4' && x !== '-6');
  if (cmd === 'ip') {
    const sub = a[0];
    if (sub === 'a' || sub === 'addr' || sub === 'address') {
      const dev = a[1] === 'show' && a[2] === 'dev' ? a[3] : a[1] === 'show' ? a[2] : undefined;
      if (!six && !four) return renderIpAddr(ns, dev);
      const want = six ? 6 : 4;
      const view: Namespace = { ...ns, devices: ns.devices.map((d) => ({ ...d, addrs: d.addrs.filter((x) => x.version === want) })) };
      const r = renderIpAddr(view, dev);
      return { ...r, stdout: familyOnly(r.stdout, want) };
    }
    if (sub === 'link' || sub === 'l') {
      return ok('1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n' + ns.devices.map(linkBlock).join(''));
    }
    if ((sub === 'route' || sub === 'r') && six) return ok(ipv6Routes(ctx.cloud, ns));
    if (sub === 'route' || sub === 'r') return ok(renderIpRoute(ns.routes));
    return err(`Object "${sub ?? ''}" is unknown, try "ip help".\n`, 255);
  }
  if (cmd === 'route' && a[0] === '-n') return ok(renderRouteN(ns.routes));
  if (cmd === 'iptables-save') {
    const ti = a.indexOf('-t');
    return ok(iptablesSave(nsTables(ctx.cloud, ns), ti >= 0 ? a[ti + 1] : undefined));
  }
  if (cmd === 'ip6tables-save' && ns.kind === 'qrouter') {
    // Same skeleton, no IPv4 NAT: IPv6 is routed, never translated.
    const tables = nsTables(ctx.cloud, ns).map((t) => t.name !== 'nat' ? t : {
      ...t, chains: t.chains.filter((c) => !c.includes('snat') && c !== 'neutron-postrouting-bottom' && !c.endsWith('POSTROUTING') && !c.endsWith('OUTPUT')),
      rules: [['PREROUTING', '-j neutron-l3-agent-PREROUTING'], ['neutron-l3-agent-PREROUTING', '-d fe80::a9fe:a9fe/128 -i qr-+ -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 9697']] as Array<[string, string]>,
    }).map((t) => t.name === 'nat' ? t : { ...t, rules: t.rules.filter(([, r]) => !/\d+\.\d+\.\d+\.\d+/.test(r) && !r.includes('connmark --mark 0x0/0xffff0000 -j CONNMARK --save-mark')) });
    return ok(iptablesSave(tables).replace(/iptables-save/g, 'ip6tables-save'));
  }
  if (cmd === 'iptables') return runIptables(nsTables(ctx.cloud, ns), argv.slice(1));
  if (cmd === 'sysctl') return runSysctl(ctx.cloud, ns, a);
  if (cmd === 'cat' && a.length === 1 && a[0]?.startsWith('/proc/sys/')) return procSys(ctx.cloud, ns, a[0]);
  // A namespace has its own network stack but the node's files.
  if (cmd === 'cat') return catFiles(ctx, argv.slice(1));
  if (cmd === 'ping' || cmd === 'ping6') return renderPing(ctx, ns.name, argv);
  if (cmd === 'traceroute') return runTraceroute(ctx, argv, ns.name);
  // The operator's classic: ssh to a VM's fixed IP from inside its router's namespace.
  if (cmd === 'ssh') return runSsh(ctx, argv, ns.name);
  if (cmd === 'curl') return runCurl(ctx, argv, ns.name);
  return null;
}


/** CirrOS's `ip` is BusyBox's, which has no -br/-c. */
function isCirros(cloud: Cloud, host: HostId): boolean {
  const vm = server(cloud, host);
  return vm !== undefined && cloud.images.find((i) => i.id === vm.imageId)?.osFamily === 'cirros';
}

/** iproute2's display options that change no data: -c/-color (plain here) and -br/-brief. */
const IP_DISPLAY = /^(-br|-brief|-c|-color|--color)(=.*)?$/;

/**
 * `ip -br addr|link` (iproute2 6.1, checked on this machine): one line per device, the name
 * padded to 16 and the state to 14, then its addresses (or MAC and flags), each followed by a
 * space. Other objects print as without -br.
 */
function withIpDisplayFlags(argv: string[], run: (argv: string[]) => HostResult | null): HostResult | null {
  const flags = argv.slice(1).filter((x) => IP_DISPLAY.test(x));
  const rest = argv.filter((x, i) => i === 0 || !IP_DISPLAY.test(x));
  const r = run(rest);
  if (!r || r.exitCode !== 0 || !flags.some((f) => f.startsWith('-br'))) return r;
  const obj = rest.slice(1).find((x) => !x.startsWith('-')) ?? '';
  const addr = ['a', 'addr', 'address'].includes(obj);
  const link = ['l', 'link'].includes(obj);
  if (!addr && !link) return r;
  const blocks = r.stdout.split(/(?=^\d+: )/m).filter((b) => b.trim() !== '');
  const lines = blocks.map((b) => {
    const head = /^\d+: ([^:]+): <([^>]*)>.* state (\S+)/.exec(b);
    if (!head) return '';
    const [, name = '', flagsText = '', state = ''] = head;
    const start = `${name.padEnd(16)} ${state.padEnd(14)} `;
    if (link) {
      const mac = /link\/\S+ (\S+)/.exec(b)?.[1] ?? '';
      return `${start}${mac} <${flagsText}> \n`;
    }
    const addrs = [...b.matchAll(/^ {4}inet6? (\S+)/gm)].map((m) => `${m[1] ?? ''} `).join('');
    return `${start}${addrs}\n`;
  });
  return { ...r, stdout: lines.join('') };
}

export function runOnHost(ctx: HostCtx, argv: string[]): HostResult | null {
  const cmd = argv[0];
  const { cloud, host } = ctx;
  if (cmd === 'ip' && argv[1] !== 'netns' && argv.some((x) => IP_DISPLAY.test(x)) && !isCirros(cloud, host)) return withIpDisplayFlags(argv, (a) => runOnHost(ctx, a));
  if (cmd === 'hostname') return ok(`${hostName(cloud, host)}\n`);
  if (cmd === 'cat') return catFiles(ctx, argv.slice(1));
  if (cmd === 'ping' || cmd === 'ping6') return renderPing(ctx, null, argv);
  if (cmd === 'ssh') return runSsh(ctx, argv);
  if (cmd === 'traceroute') return runTraceroute(ctx, argv);
  if (cmd === 'curl') return runCurl(ctx, argv);
  const vm = server(cloud, host);
  if (vm) {
    const g = guestView(cloud, vm);
    const six = argv.includes('-6');
    const four = argv.includes('-4');
    const a = argv.slice(1).filter((x) => x !== '-4' && x !== '-6');
    if (cmd === 'ip' && (a[0] === 'a' || a[0] === 'addr' || a[0] === 'address')) {
      const text = guestIpAddr(g);
      return ok(six ? familyOnly(text, 6) : four ? familyOnly(text, 4) : text);
    }
    if (cmd === 'ip' && (a[0] === 'link' || a[0] === 'l')) {
      const lines = guestIpAddr(g).split('\n').filter((l) => /^\d+: /.test(l) || l.startsWith('    link/'));
      return ok(lines.map((l) => `${g.family === 'cirros' ? l : l.replace(' group default', ' mode DEFAULT group default')}\n`).join(''));
    }
    if (cmd === 'ip' && (a[0] === 'route' || a[0] === 'r') && six) return ok(guestIpv6Routes(cloud, vm, g));
    if (cmd === 'ip' && (a[0] === 'route' || a[0] === 'r')) return ok(guestIpRoute(g));
    if (cmd === 'ip') return err(`Object "${a[0] ?? ''}" is unknown, try "ip help".\n`, 255);
    if (cmd === 'route' && a[0] === '-n') {
      const routes: RouteEntry[] = [];
      if (g.v4?.gateway) routes.push({ dest: 'default', via: g.v4.gateway, dev: g.nic, proto: 'static', src: null });
      if (g.v4) routes.push({ dest: g.v4.cidr, via: null, dev: g.nic, proto: 'kernel', src: g.v4.address });
      if (g.v4?.gateway && g.metadata) routes.push({ dest: '169.254.169.254/32', via: g.v4.gateway, dev: g.nic, proto: 'static', src: null });
      return ok(renderRouteN(routes));
    }
    return null;
  }
  if (host === 'laptop') return laptopIp(argv);
  if (host !== 'network') return null;
  if (cmd === 'ip' && argv[1] === 'netns') {
    const sub = argv[2];
    if (sub === undefined || sub === 'list' || sub === 'ls') {
      return ok(namespaces(cloud).map((n) => `${n.name} (id: ${n.id})\n`).join(''));
    }
    if (sub === 'exec') {
      const name = argv[3] ?? '';
      const ns = findNamespace(cloud, name);
      if (!ns) return err(`Cannot open network namespace "${name}": No such file or directory\n`, 1);
      const inner = argv.slice(4);
      if (inner.length === 0) return err('No command specified\n', 255);
      const r = inNamespace(ctx, ns, inner);
      return r ?? err(`exec of "${inner[0] ?? ''}" failed: No such file or directory\n`, 255);
    }
    return err(`Command "${sub}" is unknown, try "ip netns help".\n`, 255);
  }
  if (cmd === 'sysctl') return runSysctl(cloud, nodePlace(cloud), argv.slice(1));
  if (cmd === 'cat' && argv.length === 2 && argv[1]?.startsWith('/proc/sys/')) return procSys(cloud, nodePlace(cloud), argv[1]);
  if (cmd === 'iptables') return runIptables(NODE_TABLES, argv.slice(1));
  if (cmd === 'iptables-save') return ok(iptablesSave(NODE_TABLES));
  if (cmd === 'ip' || cmd === 'route') return nodeIp(cloud, argv);
  if (cmd === 'ovs-vsctl') {
    return ovsVsctl(cloud, argv.slice(1));
  }
  return null;
}

/** The learner's laptop: one Wi-Fi interface behind a home router, the internet beyond. */
function laptopIp(argv: string[]): HostResult | null {
  const [cmd, sub] = argv;
  if (cmd === 'ip' && ['a', 'addr', 'address'].includes(sub ?? '')) {
    return ok(`${LO}2: wlp2s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n`
      + '    link/ether 3c:58:c2:8e:41:07 brd ff:ff:ff:ff:ff:ff\n    inet 192.168.1.23/24 brd 192.168.1.255 scope global dynamic noprefixroute wlp2s0\n'
      + '       valid_lft 86154sec preferred_lft 86154sec\n    inet6 fe80::3e58:c2ff:fe8e:4107/64 scope link noprefixroute \n       valid_lft forever preferred_lft forever\n');
  }
  if (cmd === 'ip' && ['r', 'route'].includes(sub ?? '')) {
    return ok('default via 192.168.1.1 dev wlp2s0 proto dhcp src 192.168.1.23 metric 600 \n192.168.1.0/24 dev wlp2s0 proto kernel scope link src 192.168.1.23 metric 600 \n');
  }
  if (cmd === 'route' && sub === '-n') {
    return ok(renderRouteN([{ dest: 'default', via: '192.168.1.1', dev: 'wlp2s0', proto: 'static', src: null }, { dest: '192.168.1.0/24', via: null, dev: 'wlp2s0', proto: 'kernel', src: '192.168.1.23' }])
      .replace(/ 0      0        0 wlp2s0/g, ' 600    0        0 wlp2s0'));
  }
  if (cmd === 'ip' && sub === 'netns') return ok('');
  if (cmd === 'ip') return err(`Object "${sub ?? ''}" is unknown, try "ip help".\n`, 255);
  return null;
}

/** `ip -6 route` in a VM: its prefixes, link-local, and the default route learned from the router's advertisements. */
function guestIpv6Routes(cloud: Cloud, vm: NonNullable<ReturnType<typeof server>>, g: ReturnType<typeof guestView>): string {
  const port = cloud.ports.find((p) => p.id === vm.nics[0]?.portId);
  let s = '';
  let via: string | null = null;
  for (const a of g.v6) {
    const c = parseCidr(`${a.address}/${a.prefix}`);
    if (c) s += `${formatIp(6, c.network)}/${a.prefix} dev ${g.nic} proto kernel metric 256 pref medium\n`;
    const f = port?.fixedIps.find((x) => x.ipAddress === a.address);
    const rtr = f ? cloud.ports.find((p) => p.deviceOwner === 'network:router_interface' && p.fixedIps.some((x) => x.subnetId === f.subnetId)) : undefined;
    if (!via && rtr) via = linkLocal(rtr.macAddress);
    // A provider network: its physical router advertises from its own link-local address.
    else if (!via && f && cloud.subnets.find((x) => x.id === f.subnetId)?.gatewayIp) via = 'fe80::1';
  }
  s += `fe80::/64 dev ${g.nic} proto kernel metric 256 pref medium\n`;
  if (via && g.v6.length > 0) s += `default via ${via} dev ${g.nic} proto ra metric 1024 expires 1798sec hoplimit 64 pref medium\n`;
  return s;
}

function catFiles(ctx: HostCtx, paths: string[]): HostResult {
  const { cloud, host } = ctx;
  const vm = server(cloud, host);
  const img = vm ? cloud.images.find((i) => i.id === vm.imageId) : undefined;
  const facts: HostFacts = { kind: vm ? 'vm' : host === 'network' ? 'network' : 'laptop', name: hostName(cloud, host), os: img?.osFamily ?? 'debian', imageName: img?.name ?? '' };
  let stdout = '';
  let stderr = '';
  for (const p of paths.filter((x) => x !== '-')) {
    const path = p.replace(/\/+$/, '') || '/';
    const text = vm && path === '/etc/resolv.conf' ? guestResolvConf(guestView(cloud, vm)) : hostFile(cloud, facts, path);
    if (text !== null) stdout += text;
    else stderr += DIRECTORIES.includes(path) ? `cat: ${p}: Is a directory\n` : `cat: ${p}: No such file or directory\n`;
  }
  return { stdout, stderr, exitCode: stderr ? 1 : 0 };
}

/** The server that owns an address (fixed IP, or the port behind a floating IP). */
function serverAt(cloud: Cloud, ip: string) {
  const fip = cloud.floatingIps.find((f) => f.floatingIpAddress === ip);
  const portId = fip?.portId ?? cloud.ports.find((p) => p.fixedIps.some((f) => f.ipAddress === ip))?.id;
  return portId ? cloud.servers.find((s) => s.nics.some((n) => n.portId === portId)) : undefined;
}

/** The non-option words of a command line, skipping the values of the options that take one. */
function operands(argv: string[], withValue: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (withValue.includes(a)) i++;
    else if (!a.startsWith('-')) out.push(a);
  }
  return out;
}

export function runSsh(ctx: HostCtx, argv: string[], ns: string | null = null): HostResult {
  const [dest, ...remote] = operands(argv, ['-i', '-p', '-l', '-o', '-F', '-J', '-b', '-c', '-E', '-L', '-R', '-D', '-W']);
  if (!dest) return err('usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           destination [command [argument ...]]\n', 255);
  const at = dest.indexOf('@');
  const user = at >= 0 ? dest.slice(0, at) : (ctx.host === 'network' ? 'root' : 'user');
  const ip = at >= 0 ? dest.slice(at + 1) : dest;
  const node = ctx.cloud.config.networkHost;
  if (ip === node || ip === 'network' || ip === '10.0.0.11') {
    // The network node, reachable from the laptop over the management network when the fixture has one.
    if (!(ctx.hosts ?? []).includes('network')) return err(`ssh: Could not resolve hostname ${ip}: Name or service not known\n`, 255);
    if (ctx.host.startsWith('vm:')) return err(`ssh: connect to host ${ip} port 22: No route to host\n`, 255);
    if (user !== 'root') return err(`${user}@${ip}: Permission denied (publickey).\n`, 255);
    return { stdout: '', stderr: '', exitCode: 0, enter: 'network' };
  }
  if (!parseIp(ip)) return err(`ssh: Could not resolve hostname ${ip}: Name or service not known\n`, 255);
  const t = trace(ctx.cloud, endpoint(ctx.host, ns), ip, 'tcp', 22);
  if (t.verdict === 'net-unreachable') return err(`ssh: connect to host ${ip} port 22: Network is unreachable\n`, 255);
  if (t.verdict === 'host-unreachable') return err(`ssh: connect to host ${ip} port 22: No route to host\n`, 255);
  const srv = serverAt(ctx.cloud, ip);
  if (t.verdict === 'refused' || (t.verdict === 'ok' && !srv)) return err(`ssh: connect to host ${ip} port 22: Connection refused\n`, 255);
  if (t.verdict !== 'ok' || !srv) return err(`ssh: connect to host ${ip} port 22: Connection timed out\n`, 255);
  const img = ctx.cloud.images.find((i) => i.id === srv.imageId);
  const fromLaptop = ctx.host === 'laptop' || ctx.host === 'network';
  if (srv.keyName === null || !fromLaptop || user !== (img?.osUser ?? 'cirros')) {
    return err(`Warning: Permanently added '${ip}' (ED25519) to the list of known hosts.\n${user}@${ip}: Permission denied (publickey).\n`, 255);
  }
  const warning = `Warning: Permanently added '${ip}' (ED25519) to the list of known hosts.\n`;
  if (remote.length > 0) {
    // `ssh HOST COMMAND`: runs it there and comes back.
    const words = remote.join(' ').split(/\s+/).filter((w) => w !== '');
    const r = runOnHost({ ...ctx, host: `vm:${srv.id}` }, words);
    if (!r) return { stdout: '', stderr: `${warning}sh: ${words[0] ?? ''}: not found\n`, exitCode: 127 };
    return { stdout: r.stdout, stderr: warning + r.stderr, exitCode: r.exitCode };
  }
  return { stdout: '', stderr: warning, exitCode: 0, enter: `vm:${srv.id}` };
}


export function runCurl(ctx: HostCtx, argv: string[], ns: string | null = null): HostResult {
  const r = curl(ctx, argv, ns);
  // -s hides the error message (unless -S shows it again); the exit code stays.
  const flags = argv.filter((x) => /^-[a-zA-Z]+$/.test(x)).join('');
  return flags.includes('s') && !flags.includes('S') ? { ...r, stderr: '' } : r;
}

function curl(ctx: HostCtx, argv: string[], ns: string | null): HostResult {
  const url = operands(argv, ['--connect-timeout', '-m', '--max-time', '-o', '--output', '-H', '--header', '-X', '--request', '-d', '--data', '-u', '--user', '-w', '--write-out', '-A', '--user-agent', '--retry'])[0];
  if (!url) return err("curl: try 'curl --help' or 'curl --manual' for more information\n", 2);
  const m = /^(?:https?:\/\/)?([^/:]+)(?::(\d+))?/.exec(url);
  const hostPart = m?.[1] ?? '';
  const port = Number(m?.[2] ?? (url.startsWith('https') ? 443 : 80));
  if (!parseIp(hostPart)) return err(`curl: (6) Could not resolve host: ${hostPart}\n`, 6);
  if (hostPart === '169.254.169.254') {
    const vm = server(ctx.cloud, ctx.host);
    if (vm && guestView(ctx.cloud, vm).metadata) {
      const path = /^(?:https?:\/\/)?[^/]+(\/.*)?$/.exec(url)?.[1] ?? '/';
      const r = metadataAnswer(ctx.cloud, vm, path);
      // curl -f turns the 404 page into an error, as scripts use it.
      if (r.status === 404 && argv.some((x) => /^-[a-zA-Z]*f/.test(x))) return err('curl: (22) The requested URL returned error: 404\n', 22);
      return ok(r.body);
    }
    return err(`curl: (7) Failed to connect to 169.254.169.254 port ${port} after 3072 ms: Couldn't connect to server\n`, 7);
  }
  const t = trace(ctx.cloud, endpoint(ctx.host, ns), hostPart, 'tcp', port);
  if (t.verdict === 'ok' || t.verdict === 'refused') return err(`curl: (7) Failed to connect to ${hostPart} port ${port} after 0 ms: Couldn't connect to server\n`, 7);
  if (t.verdict === 'host-unreachable') return err(`curl: (7) Failed to connect to ${hostPart} port ${port} after 3072 ms: Couldn't connect to server\n`, 7);
  const ct = argv.indexOf('--connect-timeout');
  const secs = ct >= 0 ? Number(argv[ct + 1]) : NaN;
  if (Number.isFinite(secs) && secs > 0) return err(`curl: (28) Failed to connect to ${hostPart} port ${port} after ${Math.round(secs * 1000) + 4} ms: Timeout was reached\n`, 28);
  return err(`curl: (28) Failed to connect to ${hostPart} port ${port} after 130000 ms: Couldn't connect to server\n`, 28);
}

/** Ports of br-int on the network node: DHCP taps, router qr-/qg-, tagged with the node-local VLAN of their network. */
function brIntPorts(cloud: Cloud): Array<{ name: string; tag: number }> {
  const nets: string[] = [];
  const out: Array<{ name: string; tag: number }> = [];
  for (const p of cloud.ports) {
    const prefix = p.deviceOwner === 'network:dhcp' ? 'tap' : p.deviceOwner === 'network:router_interface' ? 'qr-' : p.deviceOwner === 'network:router_gateway' ? 'qg-' : null;
    if (!prefix) continue;
    if (!nets.includes(p.networkId)) nets.push(p.networkId);
    out.push({ name: (prefix + p.id).slice(0, 14), tag: nets.indexOf(p.networkId) + 1 });
  }
  return out;
}

const BRIDGES = ['br-ex', 'br-int', 'br-tun'];

export function ovsShow(cloud: Cloud): string {
  const hex = (cloud.projects[0]?.id ?? '').replace(/-/g, '').padEnd(32, '0');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  const head = (b: string) => `    Bridge ${b}\n        Controller "tcp:127.0.0.1:6633"\n            is_connected: true\n        fail_mode: secure\n        datapath_type: system\n`;
  const port = (n: string, type: string | null, opts: string | null, tag: number | null) =>
    `        Port ${n}\n${tag !== null ? `            tag: ${tag}\n` : ''}            Interface ${n}\n${type ? `                type: ${type}\n` : ''}${opts ? `                options: {${opts}}\n` : ''}`;
  let s = `${uuid}\n    Manager "ptcp:6640:127.0.0.1"\n        is_connected: true\n`;
  s += head('br-int') + port('br-int', 'internal', null, null) + port('patch-tun', 'patch', 'peer=patch-int', null);
  for (const p of brIntPorts(cloud)) s += port(p.name, 'internal', null, p.tag);
  s += port('int-br-ex', 'patch', 'peer=phy-br-ex', null);
  s += head('br-tun') + port('patch-int', 'patch', 'peer=patch-tun', null) + port('br-tun', 'internal', null, null);
  s += head('br-ex') + port('phy-br-ex', 'patch', 'peer=int-br-ex', null) + port('br-ex', 'internal', null, null);
  for (const n of brExPorts(cloud)) s += port(n, null, null, null);
  return `${s}    ovs_version: "2.17.9"\n`;
}

export function ovsVsctl(cloud: Cloud, argv: string[]): HostResult {
  const wired = brExPorts(cloud);
  const ports = (b: string) => b === 'br-ex' ? [...wired, 'phy-br-ex'] : b === 'br-int' ? [...brIntPorts(cloud).map((p) => p.name), 'int-br-ex', 'patch-tun'] : ['patch-int'];
  // Command options come before the command: --may-exist, --if-exists (and the harmless --no-wait).
  const opts = new Set<string>();
  let i = 0;
  for (; i < argv.length && (argv[i] ?? '').startsWith('--'); i++) {
    const o = argv[i] ?? '';
    if (!['--may-exist', '--if-exists', '--no-wait'].includes(o)) return err(`ovs-vsctl: unrecognized option '${o}'\n`);
    opts.add(o);
  }
  const a = argv.slice(i);
  const sub = a[0];
  const need = (n: number) => err(`ovs-vsctl: '${sub ?? ''}' command requires at least ${n} arguments\n`);
  if (sub === undefined) return err('ovs-vsctl: missing command name (use --help for help)\n');
  if (sub === 'show') return ok(ovsShow(cloud));
  if (sub === 'list-br') return ok(BRIDGES.map((b) => `${b}\n`).join(''));
  if (sub === 'br-exists') return a[1] === undefined ? need(1) : BRIDGES.includes(a[1]) ? ok('') : err('', 2);
  if (sub === 'port-to-br' || sub === 'iface-to-br') {
    if (a[1] === undefined) return need(1);
    const owner = BRIDGES.find((b) => ports(b).includes(a[1] ?? '') || b === a[1]);
    return owner ? ok(`${owner}\n`) : err(`ovs-vsctl: no port named ${a[1]}\n`);
  }
  if (sub === 'list-ports' || sub === 'list-ifaces' || sub === 'add-port' || sub === 'del-port') {
    const br = a[1];
    const iface = a[2];
    if (!br) return need(sub.startsWith('list') ? 1 : 2);
    if (sub === 'del-port' && iface === undefined) {
      // `del-port PORT` finds the bridge itself.
      const owner = BRIDGES.find((b) => ports(b).includes(br));
      if (!owner) return opts.has('--if-exists') ? ok('') : err(`ovs-vsctl: no port named ${br}\n`);
      return ovsVsctl(cloud, [...opts, 'del-port', owner, br]);
    }
    if (!BRIDGES.includes(br)) return err(`ovs-vsctl: no bridge named ${br}\n`);
    if (sub === 'list-ports' || sub === 'list-ifaces') return ok(ports(br).sort().map((p) => `${p}\n`).join(''));
    if (!iface) return need(2);
    if (sub === 'add-port') {
      const owner = BRIDGES.find((b) => ports(b).includes(iface));
      if (owner === br && opts.has('--may-exist')) return ok('');
      if (owner) return err(`ovs-vsctl: cannot create a port named ${iface} because a port named ${iface} already exists on bridge ${owner}\n`);
      if (br !== 'br-ex' || !/^(eth|ens|enp|eno)\w+$/.test(iface)) return err(`ovs-vsctl: stacklab only wires the node's physical NICs (eth1, eth3, …) to br-ex\n`);
      return { stdout: '', stderr: '', exitCode: 0, cloud: withInfra(cloud, { brExPorts: [...wired, iface] }) };
    }
    if (br !== 'br-ex' || !wired.includes(iface)) {
      if (opts.has('--if-exists') && !ports(br).includes(iface)) return ok('');
      return err(`ovs-vsctl: bridge ${br} does not have a port ${iface}\n`);
    }
    return { stdout: '', stderr: '', exitCode: 0, cloud: withInfra(cloud, { brExPorts: wired.filter((p) => p !== iface) }) };
  }
  return err(`ovs-vsctl: unknown command '${sub}'; use --help for help\n`);
}

const NODE_ROUTES: RouteEntry[] = [
  { dest: 'default', via: '10.0.0.1', dev: 'eth0', proto: 'static', src: null },
  { dest: '10.0.0.0/24', via: null, dev: 'eth0', proto: 'kernel', src: '10.0.0.11' },
];

/** `ip addr|link|route` (with -4/-6) and `route -n` in the network node's root namespace. */
function nodeIp(cloud: Cloud, argv: string[]): HostResult {
  if (argv[0] === 'route') return argv[1] === '-n' ? ok(renderRouteN(NODE_ROUTES)) : err('route: stacklab prints the table with -n only\n', 1);
  const six = argv.includes('-6');
  const four = argv.includes('-4');
  const a = argv.slice(1).filter((x) => x !== '-4' && x !== '-6');
  const sub = a[0];
  const text = nodeIpAddr(cloud);
  if (sub === 'a' || sub === 'addr' || sub === 'address') {
    const dev = a[1] === 'show' && a[2] === 'dev' ? a[3] : a[1] === 'show' ? a[2] : undefined;
    let blocks = text.split(/(?=^\d+: )/m);
    if (dev !== undefined) {
      blocks = blocks.filter((b) => b.split(':')[1]?.trim() === dev);
      if (blocks.length === 0) return err(`Device "${dev}" does not exist.\n`);
    }
    const out = blocks.join('');
    return ok(six ? familyOnly(out, 6) : four ? familyOnly(out, 4) : out);
  }
  if (sub === 'link' || sub === 'l') {
    return ok(text.split('\n').filter((l) => /^\d+: /.test(l) || l.startsWith('    link/')).map((l) => `${l.replace(' group default', ' mode DEFAULT group default')}\n`).join(''));
  }
  if ((sub === 'route' || sub === 'r') && six) {
    return ok('::1 dev lo proto kernel metric 256 pref medium\nfe80::/64 dev eth0 proto kernel metric 256 pref medium\n'
      + (brExPorts(cloud).length === 0 ? `fe80::/64 dev ${cloud.config.flatNetworks.includes('default') ? 'eth3' : 'eth1'} proto kernel metric 256 pref medium\n` : ''));
  }
  if (sub === 'route' || sub === 'r') return ok(renderIpRoute(NODE_ROUTES).replace('proto static ', ''));
  if (sub === 'netns') return err(`Command "${a[1] ?? ''}" is unknown, try "ip netns help".\n`, 255);
  return err(`Object "${sub ?? ''}" is unknown, try "ip help".\n`, 255);
}

/** The network node's own interfaces (root namespace). */
export function nodeIpAddr(cloud: Cloud): string {
  const wired = brExPorts(cloud);
  const nic = cloud.config.flatNetworks.includes('default') ? 'eth3' : 'eth1';
  const down = (i: number, n: string, mac: string) => `${i}: ${n}: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default qlen 1000\n    link/ether ${mac} brd ff:ff:ff:ff:ff:ff\n`;
  let s = LO;
  s += '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n    link/ether 52:54:00:4a:10:0b brd ff:ff:ff:ff:ff:ff\n'
    + '    inet 10.0.0.11/24 brd 10.0.0.255 scope global eth0\n       valid_lft forever preferred_lft forever\n'
    + '    inet6 fe80::5054:ff:fe4a:100b/64 scope link \n       valid_lft forever preferred_lft forever\n';
  s += wired.includes(nic)
    ? `3: ${nic}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel master ovs-system state UP group default qlen 1000\n    link/ether 52:54:00:4a:10:0e brd ff:ff:ff:ff:ff:ff\n`
    : `3: ${nic}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n    link/ether 52:54:00:4a:10:0e brd ff:ff:ff:ff:ff:ff\n`;
  s += '    inet6 fe80::5054:ff:fe4a:100e/64 scope link \n       valid_lft forever preferred_lft forever\n';
  s += down(4, 'ovs-system', '6a:1f:0c:3e:52:a1') + down(5, 'br-ex', '0e:5c:91:4f:2b:48') + down(6, 'br-int', '36:8d:e2:7a:c4:4f') + down(7, 'br-tun', 'b2:41:7f:09:d3:4e');
  return s;
}

export function runTraceroute(ctx: HostCtx, argv: string[], ns: string | null = null): HostResult {
  const numeric = argv.includes('-n');
  const target = operands(argv, ['-m', '-q', '-w', '-p', '-f', '-s', '-i', '-z', '-N'])[0];
  if (!target) return err('Specify "host" missing argument.\n', 2);
  if (!parseIp(target)) return err(`${target}: Name or service not known\nCannot handle "host" cmdline arg \`${target}' on position 1 (argc ${argv.length - 1})\n`, 2);
  const vm = server(ctx.cloud, ctx.host);
  const busybox = vm !== undefined && ctx.cloud.images.find((i) => i.id === vm.imageId)?.osFamily === 'cirros';
  const t = trace(ctx.cloud, endpoint(ctx.host, ns), target, 'udp', 33434);
  if (t.verdict === 'net-unreachable' && t.hops.length === 0) return err('connect: Network is unreachable\n', 1);
  const mi = argv.indexOf('-m');
  const maxHops = mi >= 0 && Number.isInteger(Number(argv[mi + 1])) && Number(argv[mi + 1]) > 0 ? Math.min(255, Number(argv[mi + 1])) : 30;
  let out = `traceroute to ${target} (${target}), ${maxHops} hops max, ${busybox ? 46 : 60} byte packets\n`;
  const name = (a: string) => (numeric ? a : `${a} (${a})`);
  const ms = (h: number, k: number) => (0.2 + ((h * 7 + k * 3) % 10) / 20).toFixed(3);
  // UDP probes: intermediate routers answer; the target answers only when the path lets it in.
  const outside = (ctx.host === 'laptop' || ctx.host === 'network') && ns === null;
  const hops = outside ? (t.verdict === 'ok' ? [{ address: target }] : []) : t.verdict === 'ok' ? t.hops : t.hops.slice(0, -1);
  // Both traceroutes print the hop number as %2d.
  const num = (n: number) => String(n).padStart(2);
  hops.slice(0, maxHops).forEach((h, i) => { out += `${num(i + 1)}  ${name(h.address)}  ${ms(i, 1)} ms  ${ms(i, 2)} ms  ${ms(i, 3)} ms\n`; });
  if (t.verdict !== 'ok') {
    // Unanswered probes: the tool keeps trying up to its hop maximum (-m, 30 by default).
    const last = maxHops;
    for (let i = hops.length + 1; i <= last; i++) out += busybox ? `${num(i)}  *  *  *\n` : `${num(i)}  * * *\n`;
  }
  return ok(out);
}
