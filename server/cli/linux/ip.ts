/** `ip addr|link|route [-4|-6] [-br]` and `ip netns list|exec` on each host, from the data of interfaces.ts. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Server } from '../../sim/model/compute.js';
import { findNamespace, namespaceEntries, type Namespace } from '../../sim/dataplane/index.js';
import { guestView } from '../../sim/dataplane/guest.js';
import { ipAddr, ipBriefAddr, ipBriefLink, ipLink, ipRoute, type IpAddress, type IpLink, type IpRoute, type IpStyle, type LinkCounters } from '../../render/iproute.js';
import { AMPHORA_NETNS, type AmphoraNic, type AmphoraRoute, type AmphoraView } from '../../sim/dataplane/lb-amphora.js';
import { hashSeed } from '../../sim/rng.js';
import { err, ok, type HostResult } from './host.js';
import { guestIpWrite, ipVerb, ipVerbAnswer, isAddr, isLink, isRoute, routeGet } from './ip-commands.js';
import { guestLinks, guestRoutes, guestRoutes6, LAPTOP_LINKS, LAPTOP_ROUTES, NODE_ROUTES, nodeLinks, nodeRoutes6, nsLinks, nsRoutes, nsRoutes6 } from './interfaces.js';

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


/** `ip …` inside a qrouter-/qdhcp- namespace (`brief`: -br, see ipDisplay). */
export function ipInNamespace(cloud: Cloud, ns: Namespace, argv: string[], brief = false, st: IpStyle = {}): HostResult {
  const { a, want } = family(argv);
  const links = nsLinks(ns);
  if (ipVerb(a, 'iproute2') === 'get') return routeGet({ v4: nsRoutes(ns.routes), v6: nsRoutes6(cloud, ns) }, links, a.slice(2), 0, want);
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
  if (ipVerb(a, busybox ? 'busybox' : 'iproute2') === 'get') return routeGet({ v4: guestRoutes(g), v6: guestRoutes6(g) }, guestLinks(g), a.slice(2), busybox ? null : root ? 0 : 1000, want);
  if (root) {
    const write = guestIpWrite(cloud, vm, a, busybox);
    if (write) return write;
  }
  const verb = ipVerbAnswer(a, 'vm', busybox ? 'busybox' : 'iproute2', root);
  if (verb) return verb;
  if (isAddr(a[0])) return addrShow(guestLinks(g), a, want, brief, st, addrText, busybox);
  if (isLink(a[0])) return linkShow(guestLinks(g), a, brief, st, busybox);
  if (isRoute(a[0])) return ok(ipRoute(want === 6 ? guestRoutes6(g) : guestRoutes(g), busybox));
  return UNKNOWN_OBJECT(a[0]);
}

/** `ip addr|link|route` (with -4/-6) in the network node's root namespace. */
export function ipOnNode(cloud: Cloud, argv: string[], brief = false, st: IpStyle = {}): HostResult {
  const { a, want } = family(argv);
  const sub = a[0];
  if (ipVerb(a, 'iproute2') === 'get') return routeGet({ v4: NODE_ROUTES, v6: nodeRoutes6(cloud) }, nodeLinks(cloud), a.slice(2), 0, want);
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
