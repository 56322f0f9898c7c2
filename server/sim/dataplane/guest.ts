/** The guest's view of its network (NICs, addresses, gateways, nameservers, metadata) as data; console.ts prints its boot. */
import type { Cloud } from '../model/cloud.js';
import type { Server } from '../model/compute.js';
import { broadcast, formatIp, parseCidr } from '../ipam.js';
import { dhcpClient, guestLeased, guestNicName, guestNicUp, interfacesOn, offeredLeaseRoutes } from '../reach.js';
import { DEVICE_OWNER, type Port } from '../model/port.js';
import { linkLocal } from './index.js';
import { findFirst, portById, PORTS_BY_NETWORK } from '../index.js';

export { dhcpClient };

/**
 * A NIC's IPv4 lease: its address and subnet, the gateway, and where the metadata route points
 * (the DHCP agent's option 121: the gateway on a subnet a router serves, the DHCP port's address
 * on an isolated one whose agent serves metadata; null when it sends none).
 */
export interface LeaseV4 {
  address: string;
  prefix: number;
  brd: string;
  cidr: string;
  gateway: string | null;
  metadataVia: string | null;
}

/** A NIC past the first: up (with what DHCP gave it) when the guest brought it up at boot, else DOWN. */
export interface GuestNic {
  index: number;
  name: string;
  mac: string;
  mtu: number;
  up: boolean;
  v4: LeaseV4 | null;
  v6: Array<{ address: string; prefix: number }>;
  metadata: boolean;
  /** The router its IPv6 default route points at (from the advertisements), or null. */
  ra: string | null;
  /** IPv4 addresses the learner added by hand (`ip addr add`). */
  manual: ManualAddress[];
}

/** An address set by hand: no lease, no broadcast unless given, scope global. */
export interface ManualAddress {
  address: string;
  prefix: number;
  /** The connected network, `a.b.c.0/p`. */
  cidr: string;
}

export interface GuestView {
  family: 'cirros' | 'debian' | 'ubuntu';
  nic: string;
  mac: string;
  mtu: number;
  v4: LeaseV4 | null;
  v6: Array<{ address: string; prefix: number }>;
  nameservers: string[];
  metadata: boolean;
  /** The router the first NIC's IPv6 default route points at (from the advertisements), or null. */
  ra: string | null;
  /** Whether the first NIC's link is up (`ip link set eth0 down` takes it down). */
  up: boolean;
  /** The first NIC's addresses set by hand. */
  manual: ManualAddress[];
  /** A default route set by hand (`ip route add default via G`): the gateway and the NIC's name. */
  manualDefault: { via: string; dev: string } | null;
  /** Routes set by hand (`ip route add CIDR via G`) on NICs that are up: destination, gateway, NIC name. */
  manualRoutes: Array<{ dest: string; via: string | null; dev: string }>;
  /** Routes the leases gave (the subnets' host routes, DHCP option 121), NIC by NIC in Nova's order. */
  leaseRoutes: Array<{ dest: string; via: string | null; dev: string }>;
  /** The first NIC's lease routes its DHCP client could not add (a next hop off the subnet). */
  refusedRoutes: Array<{ dest: string; via: string | null }>;
  /** The other NICs, in Nova's order (eth1…, or ens4… on the cloud images: the next PCI slots). */
  extra: GuestNic[];
}

interface Lease {
  v4: GuestView['v4'];
  v6: GuestView['v6'];
  nameservers: string[];
  metadata: boolean;
  ra: string | null;
}

/** What the guest's DHCP (or config drive) gives it on a port: its first IPv4 address, IPv6 ones, DNS, metadata. */
function lease(cloud: Cloud, server: Server, port: Port | undefined, got: boolean): Lease {
  const out: Lease = { v4: null, v6: [], nameservers: [], metadata: false, ra: null };
  for (const f of port?.fixedIps ?? []) {
    const sub = cloud.subnets.find((s) => s.id === f.subnetId);
    const c = sub ? parseCidr(sub.cidr) : null;
    if (!sub || !c) continue;
    if (sub.ipVersion === 4 && got && !out.v4) {
      const dhcp = findFirst(cloud, PORTS_BY_NETWORK, sub.networkId, (p) => p.deviceOwner === DEVICE_OWNER.dhcp);
      const dhcpIps = dhcp?.fixedIps.filter((x) => x.subnetId === sub.id).map((x) => x.ipAddress) ?? [];
      out.nameservers = sub.dnsNameservers.length > 0 ? sub.dnsNameservers : dhcpIps;
      const routed = interfacesOn(cloud, sub.id).length > 0;
      // Routed subnets get metadata via the router; isolated ones only where the DHCP agent
      // serves it (enable_isolated_metadata, on in public clouds, off on the blog's node), and
      // then their route points at the agent's own port (Neutron's dnsmasq options, Zed).
      const isolatedMetadata = !routed && sub.enableDhcp && !cloud.config.flatNetworks.includes('default');
      out.metadata = routed || isolatedMetadata;
      const metadataVia = routed ? sub.gatewayIp : isolatedMetadata ? (dhcpIps[0] ?? null) : null;
      out.v4 = { address: f.ipAddress, prefix: c.prefix, brd: formatIp(4, broadcast(c)), cidr: `${formatIp(4, c.network)}/${c.prefix}`, gateway: sub.gatewayIp, metadataVia };
    }
    if (sub.ipVersion === 6 && (sub.ipv6AddressMode !== null || server.configDrive)) {
      out.v6.push({ address: f.ipAddress, prefix: c.prefix });
      // The default route comes from the advertisements: a Neutron router's interface, else a
      // provider network's physical router (its own link-local address).
      const rtr = interfacesOn(cloud, sub.id)[0];
      out.ra ??= rtr ? linkLocal(rtr.macAddress) : sub.gatewayIp ? 'fe80::1' : null;
    }
  }
  return out;
}

function manualAddresses(addrs: readonly string[] | undefined): ManualAddress[] {
  return (addrs ?? []).flatMap((a) => {
    const c = parseCidr(a);
    const [address = ''] = a.split('/');
    return c ? [{ address, prefix: c.prefix, cidr: `${formatIp(4, c.network)}/${c.prefix}` }] : [];
  });
}

/** One IPv4 route of a guest's table, in the fields `ip route` shows (render/iproute.ts `IpRoute`). */
export interface GuestRoute {
  dest: string;
  via?: string;
  dev: string;
  proto?: string;
  scope?: string;
  src?: string;
  metric?: number;
}

/** A route's destination as `ip route` lists it: a /32 as its address (route -n reads it back as a /32). */
export function hostShown(dest: string): string {
  return dest.endsWith('/32') ? dest.slice(0, -3) : dest;
}

/**
 * The IPv4 routes the leases on `nics` installed, as the guest's DHCP client adds them
 * (`dhcpClient`), NIC by NIC: CirrOS's cirros-dhcpc with BusyBox's `route` and Debian's
 * dhclient-script with `ip route add` (no protocol, no metric), systemd-networkd with `proto
 * dhcp`, the address as source, metric 100 and a host route to the gateway. Each lease: its
 * default route, its connected route, the metadata route, option 121's routes (an on-link one
 * with scope link). dhclient's `ip route add` of a destination an earlier NIC's lease holds (same
 * metric) fails with File exists, and the route is left out. (BusyBox's `route add`, an ioctl,
 * takes it and lists it before the older one; it is kept after, as `ip route get` and the data
 * plane pick the older one, whose gateway answers: the kernel's fib_select_default.)
 */
export function leaseRouteTable(g: GuestView, nics: ReadonlyArray<{ dev: string; v4: GuestView['v4']; metadata: boolean }>): { defaults: GuestRoute[]; rest: GuestRoute[] } {
  const client = dhcpClient(g.family);
  const networkd = client === 'networkd';
  const defaults: GuestRoute[] = [];
  const rest: GuestRoute[] = [];
  const seen = new Set<string>();
  const add = (to: GuestRoute[], r: GuestRoute) => {
    if (client === 'dhclient' && seen.has(r.dest)) return;
    seen.add(r.dest);
    to.push(r);
  };
  for (const n of nics) {
    if (!n.v4) continue;
    const dhcp = networkd ? { dev: n.dev, proto: 'dhcp', src: n.v4.address, metric: 100 } : { dev: n.dev };
    if (n.v4.gateway) add(defaults, { dest: 'default', via: n.v4.gateway, ...dhcp });
    rest.push(client === 'cirros-dhcpc' ? { dest: n.v4.cidr, dev: n.dev, scope: 'link', src: n.v4.address }
      : { dest: n.v4.cidr, dev: n.dev, proto: 'kernel', scope: 'link', src: n.v4.address, ...(networkd ? { metric: 100 } : {}) });
    if (n.v4.gateway && networkd) rest.push({ dest: n.v4.gateway, ...dhcp, scope: 'link' });
    if (n.v4.metadataVia && n.metadata) add(rest, { dest: '169.254.169.254', via: n.v4.metadataVia, ...dhcp });
    for (const r of g.leaseRoutes) {
      if (r.dev !== n.dev) continue;
      add(rest, { dest: hostShown(r.dest), ...(r.via === null ? { scope: 'link' } : { via: r.via }), ...dhcp });
    }
  }
  return { defaults, rest };
}

/** Routes in the order the kernel's table lists them: by destination address, then prefix length (stable otherwise). */
export function sortByDestination<T extends { dest: string }>(routes: T[]): T[] {
  const key = (r: T): [bigint, number] => {
    const [addr = '', len] = r.dest.split('/');
    const c = parseCidr(`${addr}/${len ?? '32'}`);
    return [c?.network ?? 0n, c?.prefix ?? 32];
  };
  return routes.map((r, i) => ({ r, i, k: key(r) })).sort((a, b) => (a.k[0] < b.k[0] ? -1 : a.k[0] > b.k[0] ? 1 : a.k[1] - b.k[1] || a.i - b.i)).map((x) => x.r);
}

export function guestView(cloud: Cloud, server: Server): GuestView {
  const img = cloud.images.find((i) => i.id === server.imageId);
  const family = img?.osFamily ?? 'cirros';
  const portOf = (id: string | undefined) => portById(cloud, id);
  const mtuOf = (p: Port | undefined) => cloud.networks.find((n) => n.id === p?.networkId)?.mtu ?? 1500;
  const port = portOf(server.nics[0]?.portId);
  const up0 = guestNicUp(cloud, server, 0);
  const first = lease(cloud, server, port, guestLeased(cloud, server, 0));
  const extra = server.nics.slice(1).map((n, i): GuestNic => {
    const p = portOf(n.portId);
    const up = guestNicUp(cloud, server, i + 1);
    const l = lease(cloud, server, p, guestLeased(cloud, server, i + 1));
    return {
      index: i + 3, name: guestNicName(cloud, server, i + 1), mac: p?.macAddress ?? 'fa:16:3e:00:00:00', mtu: mtuOf(p), up, v4: l.v4, v6: up ? l.v6 : [],
      metadata: l.metadata, ra: up ? l.ra : null, manual: manualAddresses(n.addrs),
    };
  });
  const dflt = server.guestDefault;
  const offered = server.nics.map((_, i) => offeredLeaseRoutes(cloud, server, i));
  return {
    family, nic: guestNicName(cloud, server, 0), mac: port?.macAddress ?? 'fa:16:3e:00:00:00', mtu: mtuOf(port),
    v4: first.v4, v6: up0 ? first.v6 : [], nameservers: first.nameservers, metadata: first.metadata, ra: up0 ? first.ra : null, extra,
    up: up0, manual: manualAddresses(server.nics[0]?.addrs),
    manualDefault: dflt ? { via: dflt.via, dev: guestNicName(cloud, server, dflt.dev) } : null,
    leaseRoutes: offered.flatMap((o, i) => o.installed.map((r) => ({ ...r, dev: guestNicName(cloud, server, i) }))),
    refusedRoutes: offered[0]?.refused ?? [],
    manualRoutes: (server.guestRoutes ?? [])
      .filter((r) => (r.dev === 0 ? up0 : extra[r.dev - 1]?.up === true))
      .map((r) => ({ dest: r.dest, via: r.via, dev: guestNicName(cloud, server, r.dev) })),
  };
}
