/**
 * Interface and route text from data: `ip addr`, `ip link`, `ip -br`, `ip route` as iproute2 6.1
 * and BusyBox 1.29 (CirrOS) print them, and net-tools' `route -n`.
 */

export interface IpAddress {
  family: 4 | 6;
  /** `address/prefix` */
  cidr: string;
  brd?: string;
  scope: string;
  /** Address flags after the scope: `dynamic`, `noprefixroute`. */
  flags?: string;
  /** Lifetimes; `forever` when absent. */
  valid?: string;
  preferred?: string;
}

export interface IpLink {
  index: number;
  name: string;
  flags: string;
  mtu: number;
  qdisc: string;
  /** The device enslaving this one (`ovs-system`). */
  master?: string;
  /** Operational state; BusyBox's layout prints neither state nor group. */
  state?: string;
  qlen: number;
  link: { type: 'ether' | 'loopback'; address: string; brd: string };
  addrs: IpAddress[];
}

/** A link's counters for `ip -s link`: bytes and packets received and sent. */
export interface LinkCounters { rx: [number, number]; tx: [number, number] }

/** How iproute2 prints: `-c` colours (as `ip -c` does whatever the output), `-s` adds each link's counters. */
export interface IpStyle { color?: boolean; stats?: (l: IpLink) => LinkCounters }

/** iproute2's colours: interface names cyan, MACs yellow, IPv4 magenta, IPv6 blue, UP green, DOWN red. */
const SGR = { ifname: 36, mac: 33, inet: 35, inet6: 34, UP: 32, DOWN: 31 } as const;
function paint(st: IpStyle, kind: keyof typeof SGR | undefined, text: string): string {
  return st.color === true && kind !== undefined ? `\x1b[${SGR[kind]}m${text}\x1b[0m` : text;
}
const stateKind = (state: string) => (state === 'UP' || state === 'DOWN' ? state : undefined);
const family = (a: string) => (a.includes(':') ? 'inet6' : 'inet');

function header(l: IpLink, mode: boolean, st: IpStyle): string {
  const group = l.state === undefined ? '' : ` state ${paint(st, stateKind(l.state), `${l.state} `)}${mode ? 'mode DEFAULT ' : ''}group default`;
  return `${l.index}: ${paint(st, 'ifname', `${l.name}: `)}<${l.flags}> mtu ${l.mtu} qdisc ${l.qdisc}${l.master ? ` master ${l.master}` : ''}${group} qlen ${l.qlen}\n`;
}

const linkLine = (l: IpLink, st: IpStyle) => `    link/${l.link.type} ${paint(st, 'mac', l.link.address)} brd ${paint(st, 'mac', l.link.brd)}\n`;

/** `ip -s link`'s counters in iproute2 6.1's layout (no errors, drops or multicast in the simulation). */
function statsLines(c: LinkCounters): string {
  const row = (v: number[]) => `    ${v.map((n, i) => String(n).padStart(i === 0 ? 10 : i === 1 ? 7 : i === 2 ? 6 : 7)).join(' ')} \n`;
  return `    RX:  bytes packets errors dropped  missed   mcast           \n${row([...c.rx, 0, 0, 0, 0])}`
    + `    TX:  bytes packets errors dropped carrier collsns           \n${row([...c.tx, 0, 0, 0, 0])}`;
}

function addrLines(l: IpLink, a: IpAddress, st: IpStyle): string {
  const flags = a.flags ? ` ${a.flags}` : '';
  const slash = a.cidr.indexOf('/');
  const cidr = `${paint(st, a.family === 4 ? 'inet' : 'inet6', a.cidr.slice(0, slash))}${a.cidr.slice(slash)}`;
  // iproute2 labels IPv4 addresses with their device; IPv6 lines end with a blank.
  const line = a.family === 4
    ? `    inet ${cidr}${a.brd ? ` brd ${paint(st, 'inet', `${a.brd} `)}` : ' '}scope ${a.scope}${flags} ${l.name}\n`
    : `    inet6 ${cidr} scope ${a.scope}${flags} \n`;
  return `${line}       valid_lft ${a.valid ?? 'forever'} preferred_lft ${a.preferred ?? 'forever'}\n`;
}

/** The devices `ip [-4|-6] addr` lists, each with the addresses it shows: with a family, only those of it (and devices having one). */
function shown(links: readonly IpLink[], family: 4 | 6 | undefined): Array<[IpLink, IpAddress[]]> {
  if (family === undefined) return links.map((l) => [l, l.addrs]);
  return links.map((l): [IpLink, IpAddress[]] => [l, l.addrs.filter((a) => a.family === family)]).filter(([, addrs]) => addrs.length > 0);
}

/** `ip addr`; with a family (`ip -4|-6 addr`) the devices are shown without their link/ line. */
export function ipAddr(links: readonly IpLink[], family?: 4 | 6, st: IpStyle = {}): string {
  return shown(links, family).map(([l, addrs]) => header(l, false, st) + (family === undefined ? linkLine(l, st) : '') + addrs.map((a) => addrLines(l, a, st)).join('')).join('');
}

/** `ip link`: iproute2 adds the link mode to the header, BusyBox does not. */
export function ipLink(links: readonly IpLink[], st: IpStyle = {}): string {
  return links.map((l) => header(l, true, st) + linkLine(l, st) + (st.stats ? statsLines(st.stats(l)) : '')).join('');
}

/** `ip -br`'s first columns (iproute2 6.1): the name padded to 16, the state to 14. */
const briefStart = (l: IpLink, state: string, st: IpStyle) => `${paint(st, 'ifname', `${l.name.padEnd(16)} `)}${paint(st, stateKind(state), `${state.padEnd(14)} `)}`;
const briefAddr = (a: IpAddress, st: IpStyle) => {
  const slash = a.cidr.indexOf('/');
  return `${paint(st, family(a.cidr), a.cidr.slice(0, slash))}${a.cidr.slice(slash)} `;
};

/** `ip -br [-4|-6] addr`: one line per device of `ipAddr`, its addresses each followed by a blank. */
export function ipBriefAddr(links: readonly IpLink[], want?: 4 | 6, st: IpStyle = {}): string {
  return shown(links, want).map(([l, addrs]) => (l.state === undefined ? '' : `${briefStart(l, l.state, st)}${addrs.map((a) => briefAddr(a, st)).join('')}\n`)).join('');
}

/** `ip -br link`: one line per device, its MAC and flags. */
export function ipBriefLink(links: readonly IpLink[], st: IpStyle = {}): string {
  return links.map((l) => (l.state === undefined ? '' : `${briefStart(l, l.state, st)}${paint(st, 'mac', `${l.link.address} `)}<${l.flags}> \n`)).join('');
}

export interface IpRoute {
  /** `default`, a CIDR or an address. */
  dest: string;
  via?: string;
  dev: string;
  proto?: string;
  scope?: string;
  src?: string;
  metric?: number;
  /** IPv6 routes: `expires`, `hoplimit` and `pref` (whose presence also ends the line without a blank). */
  expires?: string;
  hoplimit?: number;
  pref?: string;
}

/** `ip route` / `ip -6 route`; BusyBox prints `scope link ` with one more blank before `src`. */
export function ipRoute(routes: readonly IpRoute[], busybox = false): string {
  return routes.map((r) => {
    if (busybox) return `${busyboxRoute(r)}\n`;
    let s = r.dest;
    if (r.via !== undefined) s += ` via ${r.via}`;
    s += ` dev ${r.dev}`;
    if (r.proto !== undefined) s += ` proto ${r.proto}`;
    if (r.scope !== undefined) s += ` scope ${r.scope}`;
    if (r.src !== undefined) s += ` src ${r.src}`;
    if (r.metric !== undefined) s += ` metric ${r.metric}`;
    if (r.expires !== undefined) s += ` expires ${r.expires}`;
    if (r.hoplimit !== undefined) s += ` hoplimit ${r.hoplimit}`;
    return r.pref !== undefined ? `${s} pref ${r.pref}\n` : `${s} \n`;
  }).join('');
}

/**
 * One route in BusyBox's layout (CirrOS's ip; checked on busybox 1.35): no protocol, preference
 * or hop limit, a blank around each field after the device, and an IPv6 route's lifetime as
 * `expires 0sec` (BusyBox divides the kernel's ticks by the wrong clock rate).
 */
function busyboxRoute(r: IpRoute): string {
  let s = r.dest;
  if (r.via !== undefined) s += ` via ${r.via}`;
  s += ` dev ${r.dev} `;
  if (r.scope !== undefined) s += `scope ${r.scope} `;
  if (r.src !== undefined) s += ` src ${r.src} `;
  if (r.metric !== undefined) s += ` metric ${r.metric} `;
  if (r.expires !== undefined) s += ' expires 0sec';
  return s;
}

/** What `ip route get` found: the route (null: the host's own address, `local`), the source it uses. */
export interface RouteLookup {
  family: 4 | 6;
  dst: string;
  /** The source asked for (`from`): printed by IPv6's layout only, `::` when none. */
  from: string;
  route: IpRoute | null;
  src: string | undefined;
}

/**
 * `ip route get`'s answer in iproute2 6.1's layout (IPv4 with the caller's uid and a cache line;
 * IPv6 with `from`, protocol, metric, hop limit and preference), or BusyBox 1.35's (`uid` null):
 * both checked in a network namespace on the development machine.
 */
export function ipRouteGet(l: RouteLookup, uid: number | null): string {
  const { dst, from, route: r, src } = l;
  const busybox = uid === null;
  if (l.family === 4) {
    if (r === null) return busybox ? `local ${dst} dev lo  src ${dst} \n` : `local ${dst} dev lo src ${dst} uid ${uid} \n    cache <local> \n`;
    const head = `${dst}${r.via !== undefined ? ` via ${r.via}` : ''} dev ${r.dev}`;
    return busybox ? `${head}${src ? `  src ${src}` : ''} \n` : `${head}${src ? ` src ${src}` : ''} uid ${uid} \n    cache \n`;
  }
  if (r === null) {
    return busybox
      ? `local ${dst} from ${from} dev lo table local  src ${dst}  metric 0 \n`
      : `local ${dst} from ${from} dev lo table local proto kernel src ${dst} metric 0 pref medium\n`;
  }
  const head = `${dst} from ${from} ${r.via !== undefined ? `via ${r.via} ` : ''}dev ${r.dev} `;
  const metric = r.metric ?? 1024;
  if (busybox) return `${head}${src ? ` src ${src} ` : ''} metric ${metric} \n`;
  return `${head}${r.proto ? `proto ${r.proto} ` : ''}${src ? `src ${src} ` : ''}metric ${metric} ${r.hoplimit !== undefined ? `hoplimit ${r.hoplimit} ` : ''}pref ${r.pref ?? 'medium'}\n`;
}

/** The dotted netmask of an IPv4 prefix length. */
function mask4(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((sh) => (m >>> sh) & 255).join('.');
}

/** `route -n` (net-tools): the IPv4 table, gateway 0.0.0.0 for connected routes. */
export function routeN(routes: ReadonlyArray<Pick<IpRoute, 'dest' | 'via' | 'dev' | 'metric'>>): string {
  let s = 'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n';
  for (const r of routes) {
    const [net = '', len] = r.dest === 'default' ? ['0.0.0.0', '0'] : r.dest.split('/');
    const prefix = Number(len);
    const flags = (r.via !== undefined ? 'UG' : 'U') + (prefix === 32 ? 'H' : '');
    s += `${net.padEnd(15)} ${(r.via ?? '0.0.0.0').padEnd(15)} ${mask4(prefix).padEnd(15)} ${flags.padEnd(5)} ${String(r.metric ?? 0).padEnd(6)} ${'0'.padEnd(6)} ${'0'.padStart(3)} ${r.dev}\n`;
  }
  return s;
}
