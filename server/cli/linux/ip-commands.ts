/**
 * `ip`'s commands beyond showing (the tools' command words, iproute2's and BusyBox's), `ip route
 * get`, and what root may change by hand in a guest. ip.ts shows; this file answers the rest.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Server } from '../../sim/model/compute.js';
import { dhcpClient, guestView, type GuestView } from '../../sim/dataplane/guest.js';
import { guestChanges, type GuestChange } from '../../sim/ops/server.js';
import { cidrContains, formatIp, parseCidr, parseIp } from '../../sim/ipam.js';
import { ipRouteGet, type IpLink, type IpRoute } from '../../render/iproute.js';
import { err, ok, type HostResult } from './host.js';

export const isAddr = (sub: string | undefined) => sub === 'a' || sub === 'addr' || sub === 'address';
export const isLink = (sub: string | undefined) => sub === 'link' || sub === 'l';
export const isRoute = (sub: string | undefined) => sub === 'route' || sub === 'r';

type IpObject = 'address' | 'link' | 'route';

/** Addresses a learner may set by hand on one guest NIC. */
const MAX_GUEST_ADDRESSES = 64;

/**
 * The commands of each object in the order the tool tries them, each word matching any prefix of
 * it (iproute2 6.1's do_ipaddr/do_iplink/do_iproute, BusyBox 1.29's ip applets): `ip a a` adds,
 * `ip link s` sets. `show` reads; `get` asks the kernel for one route; the rest write.
 */
const VERBS: Record<'iproute2' | 'busybox', Record<IpObject, string[]>> = {
  iproute2: {
    address: ['add', 'change', 'chg', 'replace', 'delete', 'list', 'show', 'lst', 'flush', 'save', 'showdump', 'restore', 'help'],
    link: ['add', 'set', 'change', 'replace', 'delete', 'show', 'lst', 'list', 'xstats', 'afstats', 'property', 'help'],
    route: ['list', 'show', 'lst', 'get', 'add', 'delete', 'change', 'chg', 'append', 'replace', 'prepend', 'test', 'flush', 'save', 'restore', 'showdump', 'help'],
  },
  busybox: {
    address: ['add', 'change', 'chg', 'delete', 'flush', 'list', 'show', 'lst'],
    link: ['add', 'delete', 'list', 'set', 'show'],
    route: ['add', 'append', 'change', 'chg', 'delete', 'get', 'list', 'show', 'prepend', 'replace', 'test', 'flush'],
  },
};
const READS = new Set(['list', 'show', 'lst', 'showdump', 'xstats', 'afstats', 'help', 'save']);

function ipObject(sub: string | undefined): IpObject | null {
  return isAddr(sub) ? 'address' : isLink(sub) ? 'link' : isRoute(sub) ? 'route' : null;
}

/**
 * What `ip OBJECT WORD …` is short of showing: null when it shows (no word, or show/list), else
 * the answer. The tools' own words for an unknown command and, for a user, the kernel's refusal;
 * a change as root is not simulated (the node's interfaces are the agents', a guest's come from
 * its DHCP client), and Stacklab says so.
 */
export function ipVerbAnswer(a: string[], where: 'node' | 'namespace' | 'vm', tool: 'iproute2' | 'busybox', root: boolean): HostResult | null {
  const object = ipObject(a[0]);
  const word = a[1];
  if (object === null || word === undefined) return null;
  const verb = VERBS[tool][object].find((v) => v.startsWith(word));
  if (verb === undefined) {
    // A device name where iproute2 wants `show dev`: its unknown command (BusyBox: invalid argument).
    return tool === 'busybox' ? err(`ip: invalid argument '${word}' to 'ip'\n`, 1) : err(`Command "${word}" is unknown, try "ip ${object} help".\n`, 255);
  }
  if (READS.has(verb) && verb !== 'help' && verb !== 'save') return null;
  if (!root && verb !== 'get' && verb !== 'help') {
    // BusyBox's ip as a user (checked with Debian's busybox 1.35 on this machine).
    if (tool === 'busybox' && verb === 'flush') return err("ip: can't send flush request: Operation not permitted\n", 1);
    if (tool === 'busybox') return err(object === 'link' ? 'ip: SIOCSIFFLAGS: Operation not permitted\n' : 'ip: RTNETLINK answers: Operation not permitted\n', 2);
    // iproute2 6.1 as a user (checked on this machine): a flush fails on its request.
    if (verb === 'flush') return err('Failed to send flush request: Operation not permitted\n', object === 'address' ? 255 : 2);
    return err('RTNETLINK answers: Operation not permitted\n', 2);
  }
  const hint = verb === 'get' ? "`ip route` (or `route -n`) prints the table it would look up, and `stacklab trace` a packet's path"
    : where === 'vm' ? 'a guest NIC comes up with its DHCP client (sudo udhcpc -i eth1 on CirrOS, sudo dhclient ens4 elsewhere) or by hand (ip link set DEV up, ip addr add ADDR/LEN dev DEV, ip route add default|CIDR via GW, ip route add CIDR dev DEV)'
      : "the node's interfaces, addresses and routes are the Neutron agents' (change them with openstack commands)";
  return err(`stacklab: ip ${object} ${verb} is not simulated here: ${hint}\n`, 1);
}

/** The command `ip OBJECT WORD` names (see VERBS), or undefined. */
export function ipVerb(a: string[], tool: 'iproute2' | 'busybox'): string | undefined {
  const object = ipObject(a[0]);
  const word = a[1];
  return object === null || word === undefined || word === '' ? undefined : VERBS[tool][object].find((v) => v.startsWith(word));
}

/** A host's routing tables as `ip route get` looks them up. */
export interface RouteTables {
  v4: readonly IpRoute[];
  v6: readonly IpRoute[];
}

/** `ip route get`'s words that take a value, and its flags: what is left is the destination. */
const GET_VALUED = ['from', 'iif', 'oif', 'mark', 'tos', 'vrf', 'dport', 'sport', 'ipproto', 'uid'];
const GET_FLAGS = ['to', 'connected', 'fibmatch'];

function getTarget(words: string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (GET_VALUED.includes(w)) i++;
    else if (!GET_FLAGS.includes(w)) return w;
  }
  return undefined;
}

/**
 * `ip [-4|-6] route get ADDRESS`: the route the kernel picks from the table of the address's
 * family (the longest prefix, then the lowest metric), with the source address it would use, or
 * `local` for one of the host's own addresses; the tool's words for no route, no address, or one
 * of the other family. `uid`: iproute2's caller, null for BusyBox's ip (CirrOS). The layouts are
 * render/iproute.ts ipRouteGet's.
 */
export function routeGet(tables: RouteTables, links: IpLink[], words: string[], uid: number | null, want?: 4 | 6): HostResult {
  const busybox = uid === null;
  const target = getTarget(words);
  const [given = '', len] = (target ?? '').split('/');
  const dst = parseIp(given);
  if (busybox && (target === undefined || !dst || (want !== undefined && dst.version !== want))) return err('ip: need at least destination address\n', 1);
  if (target === undefined) return err('need at least a destination address\n', 1);
  if (want === 6 && dst?.version !== 6) return err(`Error: inet6 prefix is expected rather than "${target}".\n`, 1);
  if (want === 4 && dst?.version !== 4) return err(`Error: inet prefix is expected rather than "${target}".\n`, 1);
  if (!dst) return err(`Error: any valid prefix is expected rather than "${target}".\n`, 1);
  const family = dst.version;
  const width = family === 4 ? 32 : 128;
  const warn = !busybox && len !== undefined && len !== String(width) ? `Warning: /${len} as prefix is invalid, only /${width} (or none) is supported.\n` : '';
  const addr = formatIp(family, dst.value);
  const fromAt = words.indexOf('from');
  const fromIp = fromAt >= 0 ? parseIp(words[fromAt + 1] ?? '') : null;
  const from = fromIp?.version === family ? formatIp(family, fromIp.value) : '::';
  const addrsOf = (l: IpLink | undefined) => l?.addrs.filter((x) => x.family === family) ?? [];
  const hostOf = (cidr: string) => parseIp(cidr.split('/')[0] ?? '')?.value;
  if (links.some((l) => addrsOf(l).some((x) => hostOf(x.cidr) === dst.value))) {
    return { stdout: ipRouteGet({ family, dst: addr, from, route: null, src: addr }, uid), stderr: warn, exitCode: 0 };
  }
  const route = longestMatch(family === 4 ? tables.v4 : tables.v6, family, dst.value);
  if (!route) return { stdout: '', stderr: `${busybox ? 'ip: ' : warn}RTNETLINK answers: Network is unreachable\n`, exitCode: 2 };
  // The outgoing device's global address; for IPv6 its link-local one towards a link-local
  // destination, or when it has no other.
  const addrs = addrsOf(links.find((l) => l.name === route.dev));
  const global = addrs.find((x) => x.scope === 'global');
  const local = family === 6 ? addrs.find((x) => x.scope === 'link') : undefined;
  const linkLocal = family === 6 && LINK_LOCAL !== null && cidrContains(LINK_LOCAL, 6, dst.value);
  const src = route.src ?? (linkLocal ? local : (global ?? local))?.cidr.split('/')[0];
  return { stdout: ipRouteGet({ family, dst: addr, from, route, src }, uid), stderr: warn, exitCode: 0 };
}

/** The route of `table` the kernel picks for an address: the longest prefix, then the lowest metric. */
function longestMatch(table: readonly IpRoute[], version: 4 | 6, dst: bigint): IpRoute | null {
  let best: { r: IpRoute; prefix: number } | null = null;
  const all = version === 4 ? '0.0.0.0/0' : '::/0';
  for (const r of table) {
    const c = parseCidr(r.dest === 'default' ? all : r.dest.includes('/') ? r.dest : `${r.dest}/${version === 4 ? 32 : 128}`);
    if (!c || c.version !== version || !cidrContains(c, version, dst)) continue;
    if (!best || c.prefix > best.prefix || (c.prefix === best.prefix && (r.metric ?? 0) < (best.r.metric ?? 0))) best = { r, prefix: c.prefix };
  }
  return best?.r ?? null;
}

const LINK_LOCAL = parseCidr('fe80::/10');

/**
 * What root may change by hand in a guest (its state until the next boot, sim/ops/server.ts
 * guestChanges): `ip link set DEV up|down`, `ip addr add|del ADDR[/LEN] dev DEV`, `ip addr
 * flush dev DEV`, `ip route add|del default via GW [dev DEV]`. Each refusal in the tool's words
 * (iproute2 6.1 and BusyBox 1.35, checked in a network namespace on this machine); null for
 * what Stacklab does not simulate.
 */
export function guestIpWrite(cloud: Cloud, vm: Server, a: string[], busybox: boolean): HostResult | null {
  const g = guestView(cloud, vm);
  const names = [g.nic, ...g.extra.map((n) => n.name)];
  const object = ipObject(a[0]);
  const verb = ipVerb(a, busybox ? 'busybox' : 'iproute2');
  const rest = a.slice(2);
  const say = refusals(busybox);
  const { bb, noDevice } = say;
  const change = (c: GuestChange): HostResult => ({ stdout: '', stderr: '', exitCode: 0, cloud: guestChanges(cloud, vm.id, c) });
  if (object === 'link' && verb === 'set') {
    const words = rest[0] === 'dev' ? rest.slice(1) : rest;
    const [dev, ...flags] = words;
    if (dev === undefined) return err(busybox ? 'ip: need "dev IFACE"\n' : 'Not enough information: "dev" argument is required.\n', 1);
    const index = names.indexOf(dev);
    if (index < 0) return noDevice(dev);
    const bad = flags.find((f) => f !== 'up' && f !== 'down');
    if (bad !== undefined) return err(busybox ? `ip: either "dev" is duplicate, or "${bad}" is garbage\n` : `Error: either "dev" is duplicate, or "${bad}" is a garbage.\n`, busybox ? 2 : 255);
    const last = flags.at(-1);
    return last === undefined ? ok('') : change({ nic: { index, linkUp: last === 'up' } });
  }
  if (object === 'address' && (verb === 'add' || verb === 'delete' || verb === 'flush')) {
    const dev = valueAfter(rest, 'dev') ?? (verb === 'flush' ? rest.find((w) => w !== 'dev') : undefined);
    if (dev === undefined) return err(busybox ? 'ip: need "dev IFACE"\n' : 'Not enough information: "dev" argument is required.\n', 1);
    const index = names.indexOf(dev);
    if (index < 0) return noDevice(dev);
    const current = vm.nics[index]?.addrs ?? [];
    if (verb === 'flush') return change({ nic: { index, addrs: [] } });
    const raw = rest[0] ?? '';
    const [addr = '', len] = raw.split('/');
    const ip = parseIp(addr);
    const prefix = len === undefined ? 32 : Number(len);
    if (!ip || ip.version !== 4 || !/^\d+$/.test(len ?? '32') || prefix > 32) {
      return busybox ? err('ip: RTNETLINK answers: Numerical result out of range\n', 2) : err(`Error: any valid prefix is expected rather than "${raw}".\n`, 1);
    }
    const cidr = `${addr}/${prefix}`;
    if (verb === 'add') {
      if (current.some((x) => x.split('/')[0] === addr)) return busybox ? say.exists() : err('Error: ipv4: Address already assigned.\n', 2);
      // The saved workspace stays small: a bound no lesson reaches.
      if (current.length >= MAX_GUEST_ADDRESSES) return err(`stacklab: at most ${MAX_GUEST_ADDRESSES} addresses on a NIC here\n`, 1);
      return change({ nic: { index, addrs: [...current, cidr] } });
    }
    if (!current.includes(cidr) && !(len === undefined && current.some((x) => x.split('/')[0] === addr))) {
      return err(bb(busybox ? 'RTNETLINK answers: Cannot assign requested address\n' : 'Error: ipv4: Address not found.\n'), 2);
    }
    return change({ nic: { index, addrs: current.filter((x) => x.split('/')[0] !== addr) } });
  }
  if (object === 'route' && (verb === 'add' || verb === 'delete') && rest[0] !== undefined && rest[0] !== 'default' && !ROUTE_WORDS.includes(rest[0])) {
    const up = (i: number) => (i === 0 ? g.up : g.extra[i - 1]?.up === true);
    return guestRouteWrite(vm, verb, rest, names, onLinkIndex(g, names), up, say, change);
  }
  if (object === 'route' && (verb === 'add' || verb === 'delete') && rest[0] === 'default') {
    const leased = [g.up && g.v4?.gateway, ...g.extra.map((n) => n.up && n.v4?.gateway)].some((x) => typeof x === 'string' && x !== '');
    if (verb === 'delete') {
      if (vm.guestDefault) return change({ guestDefault: null });
      // The lease's own default route: removing it by hand is not simulated.
      return leased ? null : say.noSuch();
    }
    const via = valueAfter(rest, 'via');
    const dev = valueAfter(rest, 'dev');
    if (via === undefined || parseIp(via)?.version !== 4) return null;
    if (dev !== undefined && !names.includes(dev)) return noDevice(dev);
    // Same destination and metric as a route there: udhcpc's and dhclient's leases install their
    // default with metric 0, as `ip route add` does (systemd-networkd's has 100, so both stand).
    if (vm.guestDefault || (dhcpClient(g.family) !== 'networkd' && leased)) return say.exists();
    const index = onLinkIndex(g, names)(via, dev);
    if (index < 0) return say.badGateway();
    return change({ guestDefault: { via, dev: index } });
  }
  return null;
}

/** The word after `key` in an ip command's words (`via GW`, `dev DEV`), or undefined. */
function valueAfter(words: readonly string[], key: string): string | undefined {
  const i = words.indexOf(key);
  return i >= 0 ? words[i + 1] : undefined;
}

/** The refusals a guest's routes and addresses share, in BusyBox's words (CirrOS) or iproute2 6.1's. */
interface Refusals {
  busybox: boolean;
  /** BusyBox prefixes the kernel's answer with `ip: `. */
  bb: (m: string) => string;
  noDevice: (dev: string) => HostResult;
  exists: () => HostResult;
  noSuch: () => HostResult;
  /** A gateway on none of the NIC's connected networks. */
  badGateway: () => HostResult;
}

function refusals(busybox: boolean): Refusals {
  const bb = (m: string) => (busybox ? `ip: ${m}` : m);
  return {
    busybox,
    bb,
    noDevice: (d) => err(busybox ? `ip: can't find device '${d}'\n` : `Cannot find device "${d}"\n`, 1),
    exists: () => err(bb('RTNETLINK answers: File exists\n'), 2),
    noSuch: () => err(bb('RTNETLINK answers: No such process\n'), 2),
    badGateway: () => err(busybox ? 'ip: RTNETLINK answers: Network is unreachable\n' : 'Error: Nexthop has invalid gateway.\n', 2),
  };
}

/**
 * The NIC a gateway is on-link for: on a connected network of the NIC named (of any up NIC when
 * none is named), or -1 (the kernel's "invalid gateway").
 */
function onLinkIndex(g: GuestView, names: readonly string[]): (via: string, dev: string | undefined) => number {
  return (via, dev) => {
    const target = parseIp(via);
    const onLink = (i: number) => {
      const n = i === 0 ? { up: g.up, v4: g.v4, manual: g.manual } : g.extra[i - 1];
      if (!n || !n.up || !target) return false;
      return [...(n.v4 ? [n.v4.cidr] : []), ...n.manual.map((m) => m.cidr)].some((c) => {
        const p = parseCidr(c);
        return p !== null && cidrContains(p, 4, target.value);
      });
    };
    const index = dev !== undefined ? names.indexOf(dev) : names.findIndex((_, i) => onLink(i));
    return index >= 0 && onLink(index) ? index : -1;
  };
}

/** Words `ip route add` may begin with besides a destination (route types, keywords): not simulated. */
const ROUTE_WORDS = ['to', 'via', 'dev', 'unicast', 'local', 'broadcast', 'multicast', 'throw', 'unreachable', 'prohibit', 'blackhole', 'nat'];

/** Routes a guest may hold set by hand (a bound no lesson reaches: the saved workspace stays small). */
const MAX_GUEST_ROUTES = 64;

/**
 * `ip route add|del CIDR via GW [dev DEV]` as root in a guest: a route to a network through a
 * gateway on one of its connected networks, or `ip route add CIDR dev DEV`, on-link (the guest
 * then sends to that network's addresses directly, as to another subnet of its network; iproute2
 * 6.1 and BusyBox 1.35's answers, checked in a network namespace here). An on-link route on a NIC
 * that is down, or a gateway that is not IPv4, is not simulated (null).
 */
function guestRouteWrite(
  vm: Server,
  verb: 'add' | 'delete',
  rest: string[],
  names: readonly string[],
  onLink: (via: string, dev: string | undefined) => number,
  nicUp: (index: number) => boolean,
  say: Refusals,
  change: (c: GuestChange) => HostResult,
): HostResult | null {
  const { busybox } = say;
  const raw = rest[0] ?? '';
  const [addr = '', len] = raw.split('/');
  const ip = parseIp(addr);
  const prefix = len === undefined ? 32 : Number(len);
  if (!ip || ip.version !== 4 || !/^\d+$/.test(len ?? '32') || prefix > 32) {
    return busybox ? err(`ip: an inet prefix is expected rather than "${addr}"\n`, 1) : err(`Error: any valid prefix is expected rather than "${raw}".\n`, 1);
  }
  const net = parseCidr(`${addr}/${prefix}`);
  if (!net || net.network !== ip.value) return err(busybox ? 'ip: RTNETLINK answers: Invalid argument\n' : 'Error: Invalid prefix for given prefix length.\n', 2);
  const dest = `${formatIp(4, net.network)}/${prefix}`;
  const via = valueAfter(rest, 'via');
  const dev = valueAfter(rest, 'dev');
  if (dev !== undefined && !names.includes(dev)) return say.noDevice(dev);
  const current = vm.guestRoutes ?? [];
  if (verb === 'delete') {
    const i = current.findIndex((r) => r.dest === dest && (via === undefined || r.via === via) && (dev === undefined || names[r.dev] === dev));
    return i < 0 ? say.noSuch() : change({ guestRoutes: current.filter((_, j) => j !== i) });
  }
  // On-link (`dev` only) the kernel needs a device to put the route on.
  if (via === undefined && dev === undefined) return err(say.bb('RTNETLINK answers: No such device\n'), 2);
  if (via === undefined ? !nicUp(names.indexOf(dev ?? '')) : parseIp(via)?.version !== 4) return null;
  if (current.some((r) => r.dest === dest)) return say.exists();
  const index = via === undefined ? names.indexOf(dev ?? '') : onLink(via, dev);
  if (index < 0) return say.badGateway();
  if (current.length >= MAX_GUEST_ROUTES) return err(`stacklab: at most ${MAX_GUEST_ROUTES} routes set by hand here\n`, 1);
  return change({ guestRoutes: [...current, { dest, via: via ?? null, dev: index }] });
}
