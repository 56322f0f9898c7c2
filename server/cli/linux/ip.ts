/** `ip addr|link|route [-4|-6] [-br]` and `ip netns list|exec` on each host, from the data of interfaces.ts. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Server } from '../../sim/model/compute.js';
import { findNamespace, namespaceEntries, type Namespace } from '../../sim/dataplane/index.js';
import { guestView } from '../../sim/dataplane/guest.js';
import { ipAddr, ipBriefAddr, ipBriefLink, ipLink, ipRoute, type IpAddress, type IpLink, type IpRoute, type IpStyle, type LinkCounters } from '../../render/iproute.js';
import { AMPHORA_NETNS, type AmphoraNic, type AmphoraRoute, type AmphoraView } from '../../sim/dataplane/lb-amphora.js';
import { hashSeed } from '../../sim/rng.js';
import { cidrContains, parseCidr, parseIp } from '../../sim/ipam.js';
import { err, ok, type HostResult } from './host.js';
import { guestChanges, type GuestChange } from '../../sim/ops/server.js';
import { guestLinks, guestRoutes, guestRoutes6, LAPTOP_LINKS, LAPTOP_ROUTES, NODE_ROUTES, nodeLinks, nodeRoutes6, nsLinks, nsRoutes, nsRoutes6 } from './interfaces.js';

const isAddr = (sub: string | undefined) => sub === 'a' || sub === 'addr' || sub === 'address';
const isLink = (sub: string | undefined) => sub === 'link' || sub === 'l';
const isRoute = (sub: string | undefined) => sub === 'route' || sub === 'r';
const UNKNOWN_OBJECT = (sub: string | undefined) => err(`Object "${sub ?? ''}" is unknown, try "ip help".\n`, 255);

/** The words after `ip`, with -4/-6 taken out, and the family they asked for. */
function family(argv: string[]): { a: string[]; want: 4 | 6 | undefined } {
  const want = argv.includes('-6') ? 6 : argv.includes('-4') ? 4 : undefined;
  return { a: argv.slice(1).filter((x) => x !== '-4' && x !== '-6'), want };
}

const addrText = (links: IpLink[], want: 4 | 6 | undefined, brief: boolean, st: IpStyle) => ok(brief ? ipBriefAddr(links, want, st) : ipAddr(links, want, st));
const linkText = (links: IpLink[], brief: boolean, st: IpStyle) => ok(brief ? ipBriefLink(links, st) : ipLink(links, st));

/**
 * What a link has carried by now, for `ip -s link`: nothing when it is down; else a steady
 * trickle (ARP, DHCP renewals, the agents' and the learner's traffic) that grows with each
 * command run, fixed by the link's name and MAC so that two looks agree.
 */
export function linkCounters(cloud: Cloud, l: IpLink): LinkCounters {
  if (l.state === 'DOWN' || !l.flags.split(',').includes('UP')) return { rx: [0, 0], tx: [0, 0] };
  const h = hashSeed(`${l.name} ${l.link.address}`);
  const rxp = 40 + (h % 97) + cloud.tick * (2 + (h % 3));
  const txp = 30 + ((h >>> 8) % 89) + cloud.tick * (1 + ((h >>> 4) % 3));
  return { rx: [rxp * (84 + (h % 60)), rxp], tx: [txp * (70 + ((h >>> 12) % 50)), txp] };
}

/** `ip addr [show [dev] DEV]`: the device named, or all of them. */
function addrShow(links: IpLink[], a: string[], want: 4 | 6 | undefined, brief: boolean, st: IpStyle, text = addrText, busybox = false): HostResult {
  // show, list or lst, or any prefix of them (`ip a s eth0`).
  const reads = a[1] !== undefined && a[1] !== '' && ['show', 'list', 'lst'].some((v) => v.startsWith(a[1] as string));
  const dev = reads && a[2] === 'dev' ? a[3] : reads ? a[2] : undefined;
  if (dev === undefined) return text(links, want, brief, st);
  const picked = links.filter((l) => l.name === dev);
  // BusyBox's ip (CirrOS) dies in its name lookup; iproute2 says it in its own words.
  if (picked.length === 0) return err(busybox ? `ip: can't find device '${dev}'\n` : `Device "${dev}" does not exist.\n`, busybox && text !== addrText ? 2 : 1);
  return text(picked, want, brief, st);
}

/** `ip link [show [dev] DEV]`. */
const linkShow = (links: IpLink[], a: string[], brief: boolean, st: IpStyle, busybox = false) =>
  addrShow(links, a, undefined, brief, st, (picked, _w, b, s) => linkText(picked, b, s), busybox);

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
    : where === 'vm' ? 'a guest NIC comes up with its DHCP client (sudo udhcpc -i eth1 on CirrOS, sudo dhclient ens4 elsewhere) or by hand (ip link set DEV up, ip addr add ADDR/LEN dev DEV, ip route add default via GW)'
      : "the node's interfaces, addresses and routes are the Neutron agents' (change them with openstack commands)";
  return err(`stacklab: ip ${object} ${verb} is not simulated here: ${hint}\n`, 1);
}

/** The command `ip OBJECT WORD` names (see VERBS), or undefined. */
function ipVerb(a: string[], tool: 'iproute2' | 'busybox'): string | undefined {
  const object = ipObject(a[0]);
  const word = a[1];
  return object === null || word === undefined || word === '' ? undefined : VERBS[tool][object].find((v) => v.startsWith(word));
}

/**
 * `ip route get ADDRESS` (iproute2, IPv4): the route the kernel picks from the table (the longest
 * prefix, then the lowest metric), with the source address it would use and the caller's uid, or
 * `local` for one of the host's own addresses; its words for no route and for no address.
 */
function routeGet(routes: IpRoute[], links: IpLink[], words: string[], uid: number | null): HostResult {
  // uid null: BusyBox's ip (one line, two blanks before src, no uid, no cache line).
  const busybox = uid === null;
  const target = words.find((w) => !['to', 'from', 'iif', 'oif', 'mark', 'tos', 'vrf', 'connected', 'fibmatch'].includes(w));
  const [addr = '', len] = (target ?? '').split('/');
  const dst = parseIp(addr);
  if (busybox && (target === undefined || !dst)) return err('ip: need at least destination address\n', 1);
  if (target === undefined) return err('need at least a destination address\n', 1);
  if (!dst) return err(`Error: any valid prefix is expected rather than "${target}".\n`, 1);
  if (dst.version !== 4) return err("stacklab: ip route get is not simulated here for IPv6: `ip -6 route` prints the table it would look up, and `stacklab trace` a packet's path\n", 1);
  const warn = len !== undefined && len !== '32' ? `Warning: /${len} as prefix is invalid, only /32 (or none) is supported.\n` : '';
  const own = links.find((l) => l.addrs.some((x) => x.family === 4 && x.cidr.split('/')[0] === addr));
  if (own && busybox) return ok(`local ${addr} dev lo  src ${addr} \n`);
  if (own) return { stdout: `local ${addr} dev lo src ${addr} uid ${uid} \n    cache <local> \n`, stderr: warn, exitCode: 0 };
  let best: { r: IpRoute; prefix: number } | null = null;
  for (const r of routes) {
    const c = r.dest === 'default' ? parseCidr('0.0.0.0/0') : parseCidr(r.dest.includes('/') ? r.dest : `${r.dest}/32`);
    if (!c || c.version !== 4 || !cidrContains(c, 4, dst.value)) continue;
    if (!best || c.prefix > best.prefix || (c.prefix === best.prefix && (r.metric ?? 0) < (best.r.metric ?? 0))) best = { r, prefix: c.prefix };
  }
  if (!best) return { stdout: '', stderr: `${busybox ? 'ip: ' : warn}RTNETLINK answers: Network is unreachable\n`, exitCode: 2 };
  const { r } = best;
  const src = r.src ?? links.find((l) => l.name === r.dev)?.addrs.find((x) => x.family === 4 && x.scope === 'global')?.cidr.split('/')[0];
  if (busybox) return ok(`${addr}${r.via ? ` via ${r.via}` : ''} dev ${r.dev}${src ? `  src ${src}` : ''} \n`);
  const out = `${addr}${r.via ? ` via ${r.via}` : ''} dev ${r.dev}${src ? ` src ${src}` : ''} uid ${uid} \n    cache \n`;
  return { stdout: out, stderr: warn, exitCode: 0 };
}

/**
 * What root may change by hand in a guest (its state until the next boot, sim/ops/server.ts
 * guestChanges): `ip link set DEV up|down`, `ip addr add|del ADDR[/LEN] dev DEV`, `ip addr
 * flush dev DEV`, `ip route add|del default via GW [dev DEV]`. Each refusal in the tool's words
 * (iproute2 6.1 and BusyBox 1.35, checked in a network namespace on this machine); null for
 * what Stacklab does not simulate.
 */
function guestIpWrite(cloud: Cloud, vm: Server, a: string[], busybox: boolean): HostResult | null {
  const g = guestView(cloud, vm);
  const names = [g.nic, ...g.extra.map((n) => n.name)];
  const object = ipObject(a[0]);
  const verb = ipVerb(a, busybox ? 'busybox' : 'iproute2');
  const rest = a.slice(2);
  const bb = (m: string) => (busybox ? `ip: ${m}` : m);
  const noDevice = (d: string) => err(busybox ? `ip: can't find device '${d}'\n` : `Cannot find device "${d}"\n`, 1);
  const change = (c: GuestChange): HostResult => ({ stdout: '', stderr: '', exitCode: 0, cloud: guestChanges(cloud, vm.id, c) });
  const valueOf = (key: string) => {
    const i = rest.indexOf(key);
    return i >= 0 ? rest[i + 1] : undefined;
  };
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
    const dev = valueOf('dev') ?? (verb === 'flush' ? rest.find((w) => w !== 'dev') : undefined);
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
      if (current.some((x) => x.split('/')[0] === addr)) return err(bb(busybox ? 'RTNETLINK answers: File exists\n' : 'Error: ipv4: Address already assigned.\n'), 2);
      // The saved workspace stays small: a bound no lesson reaches.
      if (current.length >= MAX_GUEST_ADDRESSES) return err(`stacklab: at most ${MAX_GUEST_ADDRESSES} addresses on a NIC here\n`, 1);
      return change({ nic: { index, addrs: [...current, cidr] } });
    }
    if (!current.includes(cidr) && !(len === undefined && current.some((x) => x.split('/')[0] === addr))) {
      return err(bb(busybox ? 'RTNETLINK answers: Cannot assign requested address\n' : 'Error: ipv4: Address not found.\n'), 2);
    }
    return change({ nic: { index, addrs: current.filter((x) => x.split('/')[0] !== addr) } });
  }
  if (object === 'route' && (verb === 'add' || verb === 'delete') && rest[0] === 'default') {
    const leased = [g.up && g.v4?.gateway, ...g.extra.map((n) => n.up && n.v4?.gateway)].some((x) => typeof x === 'string' && x !== '');
    if (verb === 'delete') {
      if (vm.guestDefault) return change({ guestDefault: null });
      // The lease's own default route: removing it by hand is not simulated.
      return leased ? null : err(bb('RTNETLINK answers: No such process\n'), 2);
    }
    const via = valueOf('via');
    const dev = valueOf('dev');
    if (via === undefined || parseIp(via)?.version !== 4) return null;
    if (dev !== undefined && !names.includes(dev)) return noDevice(dev);
    // Same destination and metric as a route there: udhcpc's lease installs its default with metric
    // 0, as `ip route add` does (systemd-networkd's has 100, so both stand on the cloud images).
    if (vm.guestDefault || (busybox && leased)) return err(bb('RTNETLINK answers: File exists\n'), 2);
    // The gateway must be on a connected network of the NIC (of any up NIC without dev).
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
    if (index < 0 || !onLink(index)) return err(busybox ? 'ip: RTNETLINK answers: Network is unreachable\n' : 'Error: Nexthop has invalid gateway.\n', 2);
    return change({ guestDefault: { via, dev: index } });
  }
  return null;
}

/** `ip …` inside a qrouter-/qdhcp- namespace (`brief`: -br, see ipDisplay). */
export function ipInNamespace(cloud: Cloud, ns: Namespace, argv: string[], brief = false, st: IpStyle = {}): HostResult {
  const { a, want } = family(argv);
  const links = nsLinks(ns);
  if (ipVerb(a, 'iproute2') === 'get' && want !== 6) return routeGet(nsRoutes(ns.routes), links, a.slice(2), 0);
  const verb = ipVerbAnswer(a, 'namespace', 'iproute2', true);
  if (verb) return verb;
  const sub = a[0];
  if (isAddr(sub)) return addrShow(links, a, want, brief, st);
  if (isLink(sub)) return linkShow(links, a, brief, st);
  if (isRoute(sub)) return ok(ipRoute(want === 6 ? nsRoutes6(cloud, ns) : nsRoutes(ns.routes)));
  return UNKNOWN_OBJECT(sub);
}

/** `ip …` in a VM: BusyBox's ip on CirrOS, iproute2 elsewhere. */
export function ipOnVm(cloud: Cloud, vm: Server, argv: string[], brief = false, st: IpStyle = {}, root = false): HostResult {
  const g = guestView(cloud, vm);
  const { a, want } = family(argv);
  const busybox = g.family === 'cirros';
  if (!busybox && ipVerb(a, 'iproute2') === 'get' && want !== 6) return routeGet(guestRoutes(g), guestLinks(g), a.slice(2), root ? 0 : 1000);
  if (busybox && ipVerb(a, 'busybox') === 'get' && want !== 6) return routeGet(guestRoutes(g), guestLinks(g), a.slice(2), null);
  if (root) {
    const write = guestIpWrite(cloud, vm, a, busybox);
    if (write) return write;
  }
  const verb = ipVerbAnswer(a, 'vm', busybox ? 'busybox' : 'iproute2', root);
  if (verb) return verb;
  if (isAddr(a[0])) return addrShow(guestLinks(g), a, want, brief, st, addrText, busybox);
  if (isLink(a[0])) return linkShow(guestLinks(g), a, brief, st, busybox);
  if (isRoute(a[0])) return ok(want === 6 ? ipRoute(guestRoutes6(g)) : ipRoute(guestRoutes(g), g.family === 'cirros'));
  return UNKNOWN_OBJECT(a[0]);
}

/** `ip addr|link|route` (with -4/-6) in the network node's root namespace. */
export function ipOnNode(cloud: Cloud, argv: string[], brief = false, st: IpStyle = {}): HostResult {
  const { a, want } = family(argv);
  const sub = a[0];
  if (ipVerb(a, 'iproute2') === 'get' && want !== 6) return routeGet(NODE_ROUTES, nodeLinks(cloud), a.slice(2), 0);
  const verb = ipVerbAnswer(a, 'node', 'iproute2', true);
  if (verb) return verb;
  if (isAddr(sub)) return addrShow(nodeLinks(cloud), a, want, brief, st);
  if (isLink(sub)) return linkShow(nodeLinks(cloud), a, brief, st);
  if (isRoute(sub) && want === 6) return ok(ipRoute(nodeRoutes6(cloud)));
  if (isRoute(sub)) return ok(ipRoute(NODE_ROUTES));
  if (sub === 'netns') return err(`Command "${a[1] ?? ''}" is unknown, try "ip netns help".\n`, 255);
  return UNKNOWN_OBJECT(sub);
}

/** `ip addr|route` on the laptop (it has no namespaces; -4/-6 are not understood there). */
export function ipOnLaptop(argv: string[], brief = false, st: IpStyle = {}): HostResult {
  const sub = argv[1];
  if (isAddr(sub)) return addrText(LAPTOP_LINKS, undefined, brief, st);
  if (isRoute(sub)) return ok(ipRoute(LAPTOP_ROUTES));
  if (sub === 'netns') return ok('');
  return UNKNOWN_OBJECT(sub);
}

/** `ip netns [list]` and `ip netns exec NS CMD…` on the network node; `exec` runs the command in the namespace. */
export function ipNetns(cloud: Cloud, argv: string[], exec: (ns: Namespace, inner: string[]) => HostResult | null): HostResult {
  const sub = argv[2];
  if (sub === undefined || sub === 'list' || sub === 'ls') {
    return ok(namespaceEntries(cloud).map((n) => `${n.name} (id: ${n.id})\n`).join(''));
  }
  if (sub === 'exec') {
    const name = argv[3] ?? '';
    const ns = findNamespace(cloud, name);
    if (!ns) return err(`Cannot open network namespace "${name}": No such file or directory\n`, 1);
    const inner = argv.slice(4);
    if (inner.length === 0) return err('No command specified\n', 255);
    return exec(ns, inner) ?? err(`exec of "${inner[0] ?? ''}" failed: No such file or directory\n`, 255);
  }
  return err(`Command "${sub}" is unknown, try "ip netns help".\n`, 255);
}

/** iproute2's display options: -c/-color[=WHEN], -br/-brief, -s/-stats/-statistics. */
const IP_DISPLAY = /^(-br|-brief|-c|-color|--color|-s|-stats|-statistics)(=.*)?$/;

/**
 * `ip` without its display options (wherever they stand), and what they ask: `-br` (`ip -br
 * addr|link` prints one line per device; other objects print as without it), `-c` colours
 * (alone or `=always` whatever the output, `=auto` on a terminal only: iproute2 6.1, checked on
 * this machine) and `-s` the links' counters.
 */
export function ipDisplay(argv: string[], tty = false): { argv: string[]; brief: boolean; color: boolean; stats: boolean } {
  const flags = argv.slice(1).filter((x) => IP_DISPLAY.test(x));
  const color = flags.filter((f) => /^(-c|-color|--color)(=|$)/.test(f)).map((f) => f.split('=')[1] ?? 'always').at(-1);
  return {
    argv: argv.filter((x, i) => i === 0 || !IP_DISPLAY.test(x)),
    brief: flags.some((f) => f.startsWith('-br')),
    color: color === 'always' || (color === 'auto' && tty),
    stats: flags.some((f) => /^-s/.test(f)),
  };
}

// ---- an amphora (an operator's ssh session on it) -------------------------------------------------

const AMP_UP = 'BROADCAST,MULTICAST,UP,LOWER_UP';
const LOOPBACK_BRD = '00:00:00:00:00:00';

/** The amphora's NICs as iproute2 lists them (the agent adds addresses without a broadcast). */
function amphoraLinks(nics: AmphoraNic[], ipv6: boolean): IpLink[] {
  const loAddrs: IpAddress[] = [{ family: 4, cidr: '127.0.0.1/8', scope: 'host' }, ...(ipv6 ? [{ family: 6 as const, cidr: '::1/128', scope: 'host' }] : [])];
  const lo: IpLink = { index: 1, name: 'lo', flags: 'LOOPBACK,UP,LOWER_UP', mtu: 65536, qdisc: 'noqueue', state: 'UNKNOWN', qlen: 1000, link: { type: 'loopback', address: LOOPBACK_BRD, brd: LOOPBACK_BRD }, addrs: loAddrs };
  return [lo, ...nics.map((n): IpLink => ({
    index: n.index, name: n.name, flags: AMP_UP, mtu: n.mtu, qdisc: 'fq_codel', state: 'UP', qlen: 1000, link: { type: 'ether', address: n.mac, brd: 'ff:ff:ff:ff:ff:ff' },
    addrs: [
      ...n.addrs.map((cidr): IpAddress => (n.dhcpBrd === null ? { family: 4, cidr, scope: 'global' }
        : { family: 4, cidr, brd: n.dhcpBrd, scope: 'global', flags: 'dynamic', valid: '86400sec', preferred: '86400sec' })),
      ...(n.linkLocal === null ? [] : [{ family: 6 as const, cidr: `${n.linkLocal}/64`, scope: 'link' }]),
    ],
  }))];
}

/**
 * Routes: in the root namespace what systemd-networkd installs for the DHCP lease (metric 100,
 * a route to the gateway); in amphora-haproxy what the agent's interface file sets (a static
 * default route, `onlink`).
 */
function amphoraRoutes(routes: AmphoraRoute[], dhcp: boolean): IpRoute[] {
  const src = routes.find((r) => r.src !== undefined)?.src;
  const out: IpRoute[] = [];
  for (const r of routes) {
    if (r.via === undefined) out.push({ dest: r.dest, dev: r.dev, proto: 'kernel', scope: 'link', ...(r.src ? { src: r.src } : {}), ...(dhcp ? { metric: 100 } : {}) });
    else if (!dhcp) out.push({ dest: r.dest, via: r.via, dev: r.dev, proto: 'static onlink' });
    else out.push({ dest: r.dest, via: r.via, dev: r.dev, proto: 'dhcp', ...(src ? { src } : {}), metric: 100 });
  }
  const gw = dhcp ? routes.find((r) => r.via !== undefined) : undefined;
  if (gw?.via) out.push({ dest: gw.via, dev: gw.dev, proto: 'dhcp', scope: 'link', ...(src ? { src } : {}), metric: 100 });
  return out;
}

function amphoraIp(links: IpLink[], routes: IpRoute[], argv: string[], brief: boolean, st: IpStyle): HostResult {
  const { a, want } = family(argv);
  if (isAddr(a[0])) return addrShow(links, a, want, brief, st);
  if (isLink(a[0])) return linkShow(links, a, brief, st);
  if (isRoute(a[0])) return ok(want === 6 ? '' : ipRoute(routes));
  return UNKNOWN_OBJECT(a[0]);
}

/** `ip …` on an amphora: its root namespace, `ip netns` and `ip netns exec amphora-haproxy ip …`. */
export function ipOnAmphora(view: AmphoraView, argv: string[], brief = false, st: IpStyle = {}, exec: (inner: string[]) => HostResult | null = () => null): HostResult {
  const { a } = family(argv);
  if (a[0] !== 'netns') return amphoraIp(amphoraLinks(view.root.nics, true), amphoraRoutes(view.root.routes, true), argv, brief, st);
  const sub = a[1];
  if (sub === undefined || sub === 'list' || sub === 'ls') return ok(`${AMPHORA_NETNS} (id: 0)\n`);
  if (sub !== 'exec') return err(`Command "${sub}" is unknown, try "ip netns help".\n`, 255);
  const name = a[2] ?? '';
  if (name !== AMPHORA_NETNS) return err(`Cannot open network namespace "${name}": No such file or directory\n`, 1);
  const inner = a.slice(3);
  if (inner.length === 0) return err('No command specified\n', 255);
  if (inner[0] === 'ip') {
    const d = ipDisplay(inner);
    return amphoraIp(amphoraLinks(view.netns.nics, false), amphoraRoutes(view.netns.routes, false), d.argv, d.brief, { color: d.color });
  }
  return exec(inner) ?? err(`exec of "${inner[0] ?? ''}" failed: No such file or directory\n`, 255);
}
