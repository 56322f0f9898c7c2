/**
 * The interfaces and routes of each host as iproute2 data for render/iproute.ts: a namespace's
 * (sim/dataplane), a VM's (its guest view: BusyBox's layout on CirrOS), the network node's and
 * the laptop's own. `ip` and `route -n` print them.
 */
import { extended } from '../../sim/objects.js';
import type { Cloud } from '../../sim/model/cloud.js';
import { linkLocal, type Device, type Namespace, type RouteEntry } from '../../sim/dataplane/index.js';
import { dhcpClient, hostShown, leaseRouteTable, sortByDestination, type GuestNic, type GuestView } from '../../sim/dataplane/guest.js';
import { brExPorts } from '../../sim/reach.js';
import { formatIp, parseCidr } from '../../sim/ipam.js';
import type { IpAddress, IpLink, IpRoute } from '../../render/iproute.js';
import { DEVICE_OWNER } from '../../sim/model/port.js';

const UP = 'BROADCAST,MULTICAST,UP,LOWER_UP';
const ETHER_BRD = 'ff:ff:ff:ff:ff:ff';

function loopback(busybox: boolean): IpLink {
  return {
    index: 1, name: 'lo', flags: 'LOOPBACK,UP,LOWER_UP', mtu: 65536, qdisc: 'noqueue', state: busybox ? undefined : 'UNKNOWN', qlen: busybox ? 1 : 1000,
    link: { type: 'loopback', address: '00:00:00:00:00:00', brd: '00:00:00:00:00:00' },
    addrs: [{ family: 4, cidr: '127.0.0.1/8', scope: 'host' }, { family: 6, cidr: '::1/128', scope: 'host' }],
  };
}

const LO = loopback(false);

const ether = (mac: string): IpLink['link'] => ({ type: 'ether', address: mac, brd: ETHER_BRD });

/** A namespace's interfaces: lo, then its qr-/qg-/tap devices. */
export function nsLinks(ns: Namespace): IpLink[] {
  return [LO, ...ns.devices.map(nsLink)];
}

/** A qr-/qg-/tap device of a namespace (OVS internal ports: state UNKNOWN). */
function nsLink(d: Device): IpLink {
  const addrs = d.addrs.map((a): IpAddress => a.version === 4
    ? { family: 4, cidr: `${a.address}/${a.prefix}`, brd: a.brd ?? a.address, scope: 'global' }
    : { family: 6, cidr: `${a.address}/${a.prefix}`, scope: a.scope });
  return { index: d.index, name: d.name, flags: UP, mtu: d.mtu, qdisc: 'noqueue', state: 'UNKNOWN', qlen: 1000, link: ether(d.mac), addrs };
}

/** A VM's interfaces: BusyBox's layout on CirrOS, iproute2's (DHCP lease lifetimes) elsewhere. */
export function guestLinks(g: GuestView): IpLink[] {
  const first: GuestNic = { index: 2, name: g.nic, mac: g.mac, mtu: g.mtu, up: g.up, v4: g.v4, v6: g.v6, metadata: g.metadata, ra: g.ra, manual: g.manual };
  return [loopback(g.family === 'cirros'), ...[first, ...g.extra].map((n) => guestLink(g.family === 'cirros', n))];
}

/** One NIC: up with its addresses, or as the kernel leaves a NIC no one brought up (no addresses, qdisc noop). */
function guestLink(busybox: boolean, n: GuestNic): IpLink {
  // Down: no lease and no link-local address, but what was set by hand stays on it.
  const manual: IpAddress[] = n.manual.map((m) => ({ family: 4, cidr: `${m.address}/${m.prefix}`, scope: 'global' }));
  if (!n.up) return { index: n.index, name: n.name, flags: 'BROADCAST,MULTICAST', mtu: n.mtu, qdisc: 'noop', state: busybox ? undefined : 'DOWN', qlen: 1000, link: ether(n.mac), addrs: manual };
  const addrs: IpAddress[] = [];
  if (n.v4) {
    const v4: IpAddress = { family: 4, cidr: `${n.v4.address}/${n.v4.prefix}`, brd: n.v4.brd, scope: 'global' };
    addrs.push(busybox ? v4 : extended(v4, { flags: 'dynamic', valid: '86400sec', preferred: '86400sec' }));
  }
  // Addresses added by hand: no broadcast (none was given), no lifetimes.
  addrs.push(...manual);
  for (const a of n.v6) addrs.push({ family: 6, cidr: `${a.address}/${a.prefix}`, scope: 'global' });
  addrs.push({ family: 6, cidr: `${linkLocal(n.mac)}/64`, scope: 'link' });
  return {
    index: n.index, name: n.name, flags: UP, mtu: n.mtu, qdisc: busybox ? 'pfifo_fast' : 'fq_codel', state: busybox ? undefined : 'UP', qlen: 1000,
    link: ether(n.mac), addrs,
  };
}

/** The NIC the node wires to br-ex: eth3 on the blog's node (flat `default`), eth1 elsewhere. */
const nodeNic = (cloud: Cloud) => (cloud.config.flatNetworks.includes('default') ? 'eth3' : 'eth1');

/** The network node's own interfaces (root namespace). */
export function nodeLinks(cloud: Cloud): IpLink[] {
  const nic = nodeNic(cloud);
  const down = (index: number, name: string, mac: string): IpLink => ({ index, name, flags: 'BROADCAST,MULTICAST', mtu: 1500, qdisc: 'noop', state: 'DOWN', qlen: 1000, link: ether(mac), addrs: [] });
  return [
    LO,
    { index: 2, name: 'eth0', flags: UP, mtu: 1500, qdisc: 'fq_codel', state: 'UP', qlen: 1000, link: ether('52:54:00:4a:10:0b'),
      addrs: [{ family: 4, cidr: '10.0.0.11/24', brd: '10.0.0.255', scope: 'global' }, { family: 6, cidr: 'fe80::5054:ff:fe4a:100b/64', scope: 'link' }] },
    { index: 3, name: nic, flags: UP, mtu: 1500, qdisc: 'fq_codel', master: brExPorts(cloud).includes(nic) ? 'ovs-system' : undefined, state: 'UP', qlen: 1000,
      link: ether('52:54:00:4a:10:0e'), addrs: [{ family: 6, cidr: 'fe80::5054:ff:fe4a:100e/64', scope: 'link' }] },
    down(4, 'ovs-system', '6a:1f:0c:3e:52:a1'), down(5, 'br-ex', '0e:5c:91:4f:2b:48'), down(6, 'br-int', '36:8d:e2:7a:c4:4f'), down(7, 'br-tun', 'b2:41:7f:09:d3:4e'),
  ];
}

/** The node's interfaces other than lo (what its sysctl tables list). */
export function nodeDevices(cloud: Cloud): string[] {
  return nodeLinks(cloud).slice(1).map((l) => l.name);
}

export const NODE_ROUTES: IpRoute[] = [
  { dest: 'default', via: '10.0.0.1', dev: 'eth0' },
  { dest: '10.0.0.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '10.0.0.11' },
];

/** The learner's laptop: one Wi-Fi interface behind a home router, the internet beyond. */
export const LAPTOP_LINKS: IpLink[] = [LO, {
  index: 2, name: 'wlp2s0', flags: UP, mtu: 1500, qdisc: 'noqueue', state: 'UP', qlen: 1000, link: ether('3c:58:c2:8e:41:07'),
  addrs: [
    { family: 4, cidr: '192.168.1.23/24', brd: '192.168.1.255', scope: 'global', flags: 'dynamic noprefixroute', valid: '86154sec', preferred: '86154sec' },
    { family: 6, cidr: 'fe80::3e58:c2ff:fe8e:4107/64', scope: 'link', flags: 'noprefixroute' },
  ],
}];

export const LAPTOP_ROUTES: IpRoute[] = [
  { dest: 'default', via: '192.168.1.1', dev: 'wlp2s0', proto: 'dhcp', src: '192.168.1.23', metric: 600 },
  { dest: '192.168.1.0/24', dev: 'wlp2s0', proto: 'kernel', scope: 'link', src: '192.168.1.23', metric: 600 },
];

/** A namespace's IPv4 routes as iproute2 shows them: connected ones `proto kernel scope link src`. */
export function nsRoutes(routes: RouteEntry[]): IpRoute[] {
  return routes.map((r) => r.via
    ? { dest: r.dest, via: r.via, dev: r.dev, proto: r.proto }
    : { dest: r.dest, dev: r.dev, proto: 'kernel', scope: 'link', src: r.src ?? '' });
}

/** An IPv6 route of the kernel (`metric 256`) or the agents. */
const route6 = (dest: string, dev: string, more: Partial<IpRoute> = {}): IpRoute => ({ dest, dev, proto: 'kernel', metric: 256, ...more, pref: 'medium' });

/**
 * `ip -6 route` in a router namespace: the connected /64s of its global addresses, a link-local
 * route per port, then the default route the L3 agent adds via the external subnet's IPv6 gateway.
 */
export function nsRoutes6(cloud: Cloud, ns: Namespace): IpRoute[] {
  const out: IpRoute[] = [];
  for (const d of ns.devices) {
    for (const a of d.addrs) {
      if (a.version !== 6 || a.scope !== 'global') continue;
      const c = parseCidr(`${a.address}/${a.prefix}`);
      if (c) out.push(route6(`${formatIp(6, c.network)}/${a.prefix}`, d.name));
    }
  }
  for (const d of ns.devices) out.push(route6('fe80::/64', d.name));
  const r = ns.kind === 'qrouter' ? cloud.routers.find((x) => x.id === ns.objectId) : undefined;
  const qg = ns.devices.find((d) => d.name.startsWith('qg-'));
  if (r && qg) {
    const gw = cloud.ports.find((p) => p.deviceId === r.id && p.deviceOwner === DEVICE_OWNER.routerGateway);
    const v6 = gw?.fixedIps.map((f) => cloud.subnets.find((x) => x.id === f.subnetId)).find((x) => x?.ipVersion === 6 && x.gatewayIp);
    if (v6?.gatewayIp) out.push(route6('default', qg.name, { via: v6.gatewayIp.split('/')[0] ?? v6.gatewayIp, proto: 'static', metric: 1024 }));
  }
  return out;
}

/** The guest's NICs that are up, with their lease and their addresses set by hand. */
function upNics(g: GuestView): Array<{ dev: string; v4: GuestView['v4']; metadata: boolean; manual: GuestNic['manual'] }> {
  const first = { dev: g.nic, v4: g.v4, metadata: g.metadata, manual: g.manual, up: g.up };
  return [first, ...g.extra.map((n) => ({ dev: n.name, v4: n.v4, metadata: n.metadata, manual: n.manual, up: n.up }))].filter((n) => n.up);
}

/**
 * A VM's IPv4 routes: what its leases installed (guest.ts `leaseRouteTable`), the kernel's
 * connected route of each address set by hand, and the routes set by hand (no protocol, no
 * metric; one without a gateway on-link). The kernel lists the defaults first (by metric, then
 * as added), then the rest by destination.
 */
export function guestRoutes(g: GuestView): IpRoute[] {
  const busybox = g.family === 'cirros';
  const nics = upNics(g);
  const { defaults: leased, rest } = leaseRouteTable(g, nics);
  for (const l of nics) {
    for (const m of l.manual) rest.push(busybox ? { dest: m.cidr, dev: l.dev, scope: 'link', src: m.address } : { dest: m.cidr, dev: l.dev, proto: 'kernel', scope: 'link', src: m.address });
  }
  for (const r of g.manualRoutes) rest.push({ dest: hostShown(r.dest), ...(r.via !== null ? { via: r.via } : { scope: 'link' }), dev: r.dev });
  const manual: IpRoute[] = g.manualDefault ? [{ dest: 'default', via: g.manualDefault.via, dev: g.manualDefault.dev }] : [];
  // A default route added by hand has metric 0: before systemd-networkd's (100), after the others' (also 0, added first).
  const defaults = dhcpClient(g.family) === 'networkd' ? [...manual, ...leased] : [...leased, ...manual];
  return [...defaults, ...sortByDestination(rest)];
}

/** `ip -6 route` in a VM: its prefixes, link-local, and the default route learned from the router's advertisements. */
export function guestRoutes6(g: GuestView): IpRoute[] {
  const nics = [{ dev: g.nic, v6: g.v6, ra: g.ra }, ...g.extra.filter((n) => n.up).map((n) => ({ dev: n.name, v6: n.v6, ra: n.ra }))];
  const prefixes: IpRoute[] = [];
  const defaults: IpRoute[] = [];
  for (const n of nics) {
    for (const a of n.v6) {
      const c = parseCidr(`${a.address}/${a.prefix}`);
      if (c) prefixes.push(route6(`${formatIp(6, c.network)}/${a.prefix}`, n.dev));
    }
    if (n.ra && n.v6.length > 0) defaults.push(route6('default', n.dev, { via: n.ra, proto: 'ra', metric: 1024, expires: '1798sec', hoplimit: 64 }));
  }
  // BusyBox's ip lists the local table's multicast route too (iproute2 shows the main table only).
  const multicast = g.family === 'cirros' ? nics.map((n) => route6('multicast ff00::/8', n.dev)) : [];
  return [...prefixes, ...nics.map((n) => route6('fe80::/64', n.dev)), ...defaults, ...multicast];
}

/** `ip -6 route` on the node: lo, eth0's link-local, and the br-ex NIC's while it is not on the bridge. */
export function nodeRoutes6(cloud: Cloud): IpRoute[] {
  const routes = [route6('::1', 'lo'), route6('fe80::/64', 'eth0')];
  if (brExPorts(cloud).length === 0) routes.push(route6('fe80::/64', nodeNic(cloud)));
  return routes;
}

/**
 * A VM's table as `route -n` reads it from the kernel (/proc/net/route): every IPv4 route, each
 * host route (a gateway's or the metadata address's) as a /32, with its metric (net-tools 2.10
 * checked against iproute2's in a network namespace).
 */
export function guestRouteTable(g: GuestView): IpRoute[] {
  return guestRoutes(g).map((r) => ({
    dest: r.dest === 'default' || r.dest.includes('/') ? r.dest : `${r.dest}/32`,
    ...(r.via ? { via: r.via } : {}),
    dev: r.dev,
    ...(r.metric !== undefined ? { metric: r.metric } : {}),
  }));
}
