/**
 * One path query for ping/ssh/curl: from a host to an address, through routers, NAT and
 * security groups, with a verdict and its reason.
 */
import type { Cloud } from './model/cloud.js';
import type { Server } from './model/compute.js';
import type { Port } from './model/port.js';
import type { Router } from './model/router.js';
import type { SecurityGroupRule } from './model/security-group.js';
import { cidrContains, parseCidr, parseIp } from './ipam.js';
import { devName, subnetById } from './dataplane/index.js';
import { groupBy, memo } from './memo.js';
import { routerForwards } from './dataplane/sysctl.js';
import { DEVICE_OWNER } from './model/port.js';
import { isGuarded, isVipPort, vipDropReason, vipVerdict } from './dataplane/lb-vip.js';
import { crossScopeDrop, leavesUnNated, scopedButNated, unNatedDrop, upstreamRoute } from './dataplane/scope-reach.js';
import { PORTS_BY_NETWORK, findFirst, inCollectionOrder, portById, portsOnSubnet } from './index.js';

export type Endpoint = { kind: 'laptop' } | { kind: 'network' } | { kind: 'ns'; name: string } | { kind: 'vm'; serverId: string };
export type Proto = 'icmp' | 'tcp' | 'udp';

export interface Hop { address: string; nat?: string }
export type Verdict = 'ok' | 'dropped' | 'no-route' | 'host-unreachable' | 'net-unreachable' | 'refused';
export interface Trace { hops: Hop[]; verdict: Verdict; reason: string }

/**
 * A place the packet meets, in order, for explanations (sim/api/packet-path.ts). The query notes
 * each place before it decides anything there, so when it stops, its last step is where.
 */
export type ReachStep =
  /** A VM's NIC: leaving it (`out`) or delivered to it (`in`). */
  | { kind: 'tap'; port: Port; direction: 'out' | 'in' }
  /** The port's security groups; `src`: the source address they see. */
  | { kind: 'security-group'; port: Port; direction: 'egress' | 'ingress'; src: string }
  /**
   * The source's subnet and the next hop on it: the destination itself, its gateway, or none
   * (null); `onLink`, the destination's subnet when it is another one on the same network, which
   * the guest reaches on-link (its lease's route).
   */
  | { kind: 'subnet'; subnetId: string; nextHop: string | null; onLink?: string }
  /** A router's qr- device on that subnet, or its qg- device (`subnetId` null). */
  | { kind: 'router-port'; router: Router; subnetId: string | null }
  /** The qrouter- namespace: it routes, forwards (sysctl) and filters (address scopes). */
  | { kind: 'router'; router: Router }
  /** The router's nat table: a DNAT or SNAT rule rewrites `from` to `to`; `none`: same scope, no NAT. */
  | { kind: 'nat'; router: Router; rule: 'DNAT' | 'SNAT' | 'none'; from: string; to: string }
  /** The router of the network, outside Neutron: the upstream gateway of an external or provider network. */
  | { kind: 'upstream'; networkId: string }
  /** The Internet's routers. */
  | { kind: 'internet' }
  /** A load balancer's amphora, behind its VIP port. */
  | { kind: 'vip'; port: Port }
  /** Another port that answers for itself (a router's or DHCP's address). */
  | { kind: 'port'; port: Port };
type Steps = ReachStep[] | undefined;

/** Whether the physical NIC of the external network is on br-ex (network-node fixture starts without). */
export function externalWired(cloud: Cloud): boolean {
  return brExPorts(cloud).length > 0;
}

/** Physical NICs on br-ex: the learner's changes, or the fixture default. */
export function brExPorts(cloud: Cloud): string[] {
  if (cloud.infra?.brExPorts) return cloud.infra.brExPorts;
  const blogNode = cloud.config.flatNetworks.includes('default');
  return defaultWired(cloud) ? [blogNode ? 'eth3' : 'eth1'] : [];
}

/**
 * Fixture default without infra state: the blog's all-in-one node (physnet "default", VLAN
 * tenant networks) has eth3 off br-ex until the learner adds it, unless the fixture itself
 * built the external network (it was created before the fixture's first VM port); every other
 * cloud has its provider NIC on br-ex.
 */
export function defaultWired(cloud: Cloud): boolean {
  const blogNode = cloud.config.tenantNetworkType === 'vlan' && cloud.config.flatNetworks.includes('default');
  if (!blogNode) return true;
  // The first VM port, once per published collection (every ping asks).
  const firstVm = memo(cloud, 'reach.firstVmPort', [cloud.ports], () => {
    let first = Infinity;
    for (const p of cloud.ports) if (p.deviceOwner.startsWith('compute:') && p.stdAttrId < first) first = p.stdAttrId;
    return first;
  });
  if (firstVm === Infinity) return false;
  return cloud.networks.some((n) => n.external && n.stdAttrId < firstVm);
}

/** A load balancer's VIP past its security group: the amphora accepts or resets (undefined: no VIP). */
function vipHop(cloud: Cloud, port: Port, proto: Proto, dport: number | null, hops: Hop[], via: string): Trace | undefined {
  const v = vipVerdict(cloud, port, proto, dport);
  return v ? { hops, verdict: v.verdict, reason: `${via}; ${v.reason}` } : undefined;
}

/** Why a guarded port's security groups dropped the packet (a VIP's group says which listener is missing). */
function sgDrop(cloud: Cloud, port: Port, proto: Proto, dport: number | null, fallback: string): string {
  return vipDropReason(cloud, port, proto, dport) ?? fallback;
}

function portWithIp(cloud: Cloud, ip: string): Port | undefined {
  // The first port (in order) holding each address, built once per published collection.
  return memo(cloud, 'reach.portByIp', [cloud.ports], () => {
    const by = new Map<string, Port>();
    for (const p of cloud.ports) for (const f of p.fixedIps) if (!by.has(f.ipAddress)) by.set(f.ipAddress, p);
    return by;
  }).get(ip);
}

/** The router ports (device owner network:router_*) of each router, in order. */
function routerOwnPorts(cloud: Cloud, routerId: string): Port[] {
  return memo(cloud, 'reach.routerPorts', [cloud.ports], () => groupBy(cloud.ports.filter((p) => p.deviceOwner.startsWith('network:router_')), (p) => p.deviceId)).get(routerId) ?? [];
}

/** The DHCP ports of each network, in order. */
function dhcpPorts(cloud: Cloud, networkId: string): Port[] {
  return memo(cloud, 'reach.dhcpPorts', [cloud.ports], () => groupBy(cloud.ports.filter((p) => p.deviceOwner === DEVICE_OWNER.dhcp), (p) => p.networkId)).get(networkId) ?? [];
}

/** Whether an address is in one of an address group's CIDRs (a rule with the group as its remote lets it in). */
export function inAddressGroup(cloud: Cloud, groupId: string, ip: string): boolean {
  const a = parseIp(ip);
  const g = cloud.addressGroups?.find((x) => x.id === groupId);
  if (!a || !g) return false;
  return g.addresses.some((x) => {
    const c = parseCidr(x);
    return c !== null && cidrContains(c, a.version, a.value);
  });
}

/** Security-group ingress check for a VM port (stateful; egress assumed open). */
export function ingressAllowed(cloud: Cloud, port: Port, src: string, proto: Proto, dport: number | null): boolean {
  return !port.portSecurityEnabled || ingressRule(cloud, port, src, proto, dport) !== null;
}

/** The first ingress rule of the port's groups that lets the packet in (port security aside). */
export function ingressRule(cloud: Cloud, port: Port, src: string, proto: Proto, dport: number | null): SecurityGroupRule | null {
  const sip = parseIp(src);
  const v = sip?.version === 6 ? 'IPv6' : 'IPv4';
  for (const gid of port.securityGroupIds) {
    for (const r of cloud.securityGroupRules) {
      if (r.securityGroupId !== gid || r.direction !== 'ingress' || r.ethertype !== v) continue;
      if (r.protocol !== null && r.protocol !== proto && !(proto === 'icmp' && r.protocol === 'ipv6-icmp')) continue;
      if (proto !== 'icmp' && dport !== null && r.portRangeMin !== null && (dport < r.portRangeMin || dport > (r.portRangeMax ?? r.portRangeMin))) continue;
      if (r.remoteGroupId !== null) {
        const srcPort = portWithIp(cloud, src);
        if (!srcPort?.securityGroupIds.includes(r.remoteGroupId)) continue;
      }
      if (r.remoteIpPrefix !== null) {
        const c = parseCidr(r.remoteIpPrefix);
        if (!c || !sip || !cidrContains(c, sip.version, sip.value)) continue;
      }
      if ((r.remoteAddressGroupId ?? null) !== null && !inAddressGroup(cloud, r.remoteAddressGroupId as string, src)) continue;
      return r;
    }
  }
  return null;
}

/** What is behind a port the packet got through to: a VM's tap, a VIP's amphora, or the port itself. */
function arrival(port: Port): ReachStep {
  if (isVipPort(port)) return { kind: 'vip', port };
  return port.deviceOwner.startsWith('compute:') ? { kind: 'tap', port, direction: 'in' } : { kind: 'port', port };
}

/**
 * Whether the router forwards both ways between the given subnets' interfaces (null: its
 * gateway): each packet is forwarded only if the interface it came in on forwards (`sysctl`).
 */
function forwards(cloud: Cloud, router: Router, subnets: Array<string | null>, to: string): boolean {
  const v = parseIp(to)?.version === 6 ? 6 : 4;
  return subnets.every((sid) => {
    const p = cloud.ports.find((x) => x.deviceId === router.id
      && (sid === null ? x.deviceOwner === DEVICE_OWNER.routerGateway : x.deviceOwner !== DEVICE_OWNER.routerGateway && x.fixedIps.some((f) => f.subnetId === sid)));
    return !p || routerForwards(cloud, router.id, devName(sid === null ? 'qg-' : 'qr-', p.id), v);
  });
}

const NOT_FORWARDING = 'the router namespace does not forward (sysctl forwarding is 0)';

/**
 * The router that serves the subnet: the one whose interface holds the subnet's gateway address
 * (another router may have a port on the subnet too, `router add port`), else the first with an
 * interface there.
 */
function routerOfSubnet(cloud: Cloud, subnetId: string): Router | undefined {
  const gw = cloud.subnets.find((s) => s.id === subnetId)?.gatewayIp ?? null;
  return (gw !== null ? routerAt(cloud, subnetId, gw) : undefined) ?? routerOf(cloud, interfacesOn(cloud, subnetId)[0]);
}

/** The routers' interface ports on the subnet, in the ports' order. */
export function interfacesOn(cloud: Cloud, subnetId: string): Port[] {
  return inCollectionOrder(cloud, 'ports', portsOnSubnet(cloud, subnetId).filter((x) => x.deviceOwner === DEVICE_OWNER.routerInterface));
}

function routerOf(cloud: Cloud, p: Port | undefined): Router | undefined {
  return p ? cloud.routers.find((r) => r.id === p.deviceId) : undefined;
}

/** The router whose interface on the subnet has the address `ip` (a next hop a guest routes through), if any. */
function routerAt(cloud: Cloud, subnetId: string, ip: string): Router | undefined {
  return routerOf(cloud, interfacesOn(cloud, subnetId).find((x) => x.fixedIps.some((f) => f.subnetId === subnetId && f.ipAddress === ip)));
}

function vmPort(cloud: Cloud, serverId: string): Port | undefined {
  const s = cloud.servers.find((x) => x.id === serverId);
  const nic = s?.nics[0];
  return nic ? portById(cloud, nic.portId) : undefined;
}

/** Whether the VM holds an IPv4 address of its first NIC (DHCP, the config drive, or one set by hand). */
export function vmHasAddress(cloud: Cloud, serverId: string): boolean {
  const port = vmPort(cloud, serverId);
  const s = cloud.servers.find((x) => x.id === serverId);
  if (!port || !s) return false;
  return port.fixedIps.some((f) => parseIp(f.ipAddress)?.version === 4 && guestHolds(cloud, s, port, f.ipAddress));
}

function portConfigured(cloud: Cloud, s: Server, port: Port): boolean {
  return port.fixedIps.some((f) => {
    const sub = cloud.subnets.find((x) => x.id === f.subnetId);
    return sub !== undefined && (sub.enableDhcp || s.configDrive);
  });
}

/**
 * Whether a DHCP client ran on the guest's NIC number `index`: at boot on the first always, on
 * the others only on a cloud-init image (it configures every NIC Nova's network data lists at
 * first boot) and only if they were there at boot; CirrOS's init runs DHCP on eth0 alone, and no
 * guest configures a NIC hot-plugged later, until the learner runs a DHCP client on it.
 */
export function guestDhcpRan(cloud: Cloud, s: Server, index: number): boolean {
  const nic = s.nics[index];
  if (nic === undefined) return false;
  if (index === 0 || nic.guestUp === true) return true;
  const family = cloud.images.find((i) => i.id === s.imageId)?.osFamily ?? 'cirros';
  return family !== 'cirros' && nic.hotplugged !== true;
}

/** Whether the NIC's link is up: as the learner set it by hand (`ip link set`), else as DHCP left it. */
export function guestNicUp(cloud: Cloud, s: Server, index: number): boolean {
  const link = s.nics[index]?.linkUp;
  return link ?? guestDhcpRan(cloud, s, index);
}

/** The guest's name for its NIC number `index`: eth0, eth1… on CirrOS; ens3, ens4… (the next PCI slots) on the cloud images. */
export function guestNicName(cloud: Cloud, s: Server, index: number): string {
  const family = cloud.images.find((i) => i.id === s.imageId)?.osFamily ?? 'cirros';
  return family === 'cirros' ? `eth${index}` : `ens${index + 3}`;
}

/**
 * Whether the guest holds `address` of its port: the NIC is up and the address came to it (an
 * IPv4 one by DHCP or the config drive, an IPv6 one by SLAAC/DHCPv6 or the config drive), or
 * the learner set it on the NIC by hand (`ip addr add`).
 */
function guestHolds(cloud: Cloud, s: Server, port: Port, address: string): boolean {
  const index = s.nics.findIndex((n) => n.portId === port.id);
  if (index < 0 || !guestNicUp(cloud, s, index)) return false;
  if (s.nics[index]?.addrs?.some((a) => a.split('/')[0] === address)) return true;
  const f = port.fixedIps.find((x) => x.ipAddress === address);
  const sub = f ? cloud.subnets.find((x) => x.id === f.subnetId) : undefined;
  if (!sub) return true;
  if (sub.ipVersion === 6) return s.configDrive || sub.ipv6AddressMode !== null;
  return guestDhcpRan(cloud, s, index) && (s.configDrive || sub.enableDhcp);
}

/** Whether the NIC's DHCP lease (or the config drive's address) is on it: up, a client ran, a subnet that gives one. */
export function guestLeased(cloud: Cloud, s: Server, index: number): boolean {
  const port = portById(cloud, s.nics[index]?.portId);
  return port !== undefined && guestNicUp(cloud, s, index) && guestDhcpRan(cloud, s, index) && portConfigured(cloud, s, port);
}

/** Whether the guest answers on this port of its: the NIC is up and holds one of its addresses. */
export function guestUsesPort(cloud: Cloud, s: Server, portId: string): boolean {
  const index = s.nics.findIndex((n) => n.portId === portId);
  const port = portById(cloud, portId);
  if (index < 0 || port === undefined || !guestNicUp(cloud, s, index)) return false;
  return (guestDhcpRan(cloud, s, index) && portConfigured(cloud, s, port)) || port.fixedIps.some((f) => guestHolds(cloud, s, port, f.ipAddress));
}

/**
 * The port a packet from the VM to `to` leaves by: the NIC whose subnet holds the address (the
 * connected route) among those the guest brought up, else the first (its default route).
 */
function vmPortFor(cloud: Cloud, serverId: string, to: string): Port | undefined {
  const s = cloud.servers.find((x) => x.id === serverId);
  const dst = parseIp(to);
  if (s && dst) {
    for (const [i, nic] of s.nics.entries()) {
      if (i === 0 || !guestUsesPort(cloud, s, nic.portId)) continue;
      const p = portById(cloud, nic.portId);
      const onLink = p?.fixedIps.some((f) => {
        const c = parseCidr(cloud.subnets.find((x) => x.id === f.subnetId)?.cidr ?? '');
        return c !== null && cidrContains(c, dst.version, dst.value);
      });
      if (p && onLink) return p;
    }
    // A route set by hand to a network that holds it: its NIC.
    const manual = guestRoute(cloud, s, to);
    if (manual && guestNicUp(cloud, s, manual.dev)) return portById(cloud, s.nics[manual.dev]?.portId);
    // Off the connected subnets: the NIC of a default route set by hand, else the first. (A NIC
    // brought up later on CirrOS lists its default route first, but the kernel keeps using a
    // default whose gateway answers ARP: fib_select_default.)
    const dev = s.guestDefault?.dev;
    if (dev !== undefined) return portById(cloud, s.nics[dev]?.portId);
  }
  return vmPort(cloud, serverId);
}

/**
 * The guest's DHCP client, which decides how the lease's routes look (reference dataplane.md
 * §4.1): CirrOS 0.5's udhcpc with its cirros-dhcpc script (BusyBox `route`), Debian's ISC
 * dhclient under ifupdown (dhclient-script and its rfc3442 hook: `ip route add`), Ubuntu's
 * systemd-networkd.
 */
export function dhcpClient(family: 'cirros' | 'debian' | 'ubuntu'): 'cirros-dhcpc' | 'dhclient' | 'networkd' {
  return family === 'cirros' ? 'cirros-dhcpc' : family === 'debian' ? 'dhclient' : 'networkd';
}

/**
 * The IPv4 routes to other networks that the NIC's lease offers the guest, as Neutron's DHCP agent
 * (Zed, dhcp.py) sends them in option 121: one on-link route (`via` null: gateway 0.0.0.0) for
 * each other IPv4 subnet of the network on the same segment, then the subnet's host routes (the
 * config drive lists those too), all but a default route (that one only stands in for a missing
 * gateway). The metadata route is the lease's too, but shown apart (GuestView's `metadataVia`).
 * `refused`: the host routes whose next hop is off the subnet (Neutron takes any address), which
 * BusyBox's `route add` (`SIOCADDRT: Network is unreachable`) and dhclient's `ip route add`
 * (`Nexthop has invalid gateway`, silenced) do not install; systemd-networkd is left as it was.
 */
export function offeredLeaseRoutes(cloud: Cloud, s: Server, index: number): { installed: LeaseRoute[]; refused: LeaseRoute[] } {
  const port = portById(cloud, s.nics[index]?.portId);
  const f = port?.fixedIps.find((x) => parseIp(x.ipAddress)?.version === 4);
  const sub = f ? cloud.subnets.find((x) => x.id === f.subnetId) : undefined;
  if (!sub || !guestLeased(cloud, s, index)) return { installed: [], refused: [] };
  // Only the DHCP agent adds them: a config drive's network data lists the host routes alone.
  const onLink = !sub.enableDhcp ? [] : cloud.subnets
    .filter((o) => o.networkId === sub.networkId && o.ipVersion === 4 && o.cidr !== sub.cidr && o.segmentId === sub.segmentId)
    .map((o) => ({ dest: o.cidr, via: null }));
  const family = cloud.images.find((i) => i.id === s.imageId)?.osFamily ?? 'cirros';
  const checks = dhcpClient(family) !== 'networkd';
  const c = parseCidr(sub.cidr);
  const reachable = (via: string) => {
    const g = parseIp(via);
    return !checks || (c !== null && g !== null && g.version === 4 && cidrContains(c, 4, g.value));
  };
  const host = sub.hostRoutes.filter((r) => r.destination !== '0.0.0.0/0').map((r) => ({ dest: r.destination, via: r.nexthop }));
  return { installed: [...onLink, ...host.filter((r) => reachable(r.via))], refused: host.filter((r) => !reachable(r.via)) };
}

/** A route a lease gives: `via` null for an on-link one. */
export interface LeaseRoute {
  dest: string;
  via: string | null;
}

/** The lease routes the guest installed on its NIC number `index` (offeredLeaseRoutes). */
export function leaseRoutes(cloud: Cloud, s: Server, index: number): LeaseRoute[] {
  return offeredLeaseRoutes(cloud, s, index).installed;
}

/**
 * The route to another network that `to` takes in the guest, the longest prefix among those set
 * by hand (`ip route add CIDR via G`) and those the leases gave (a route set by hand wins a tie),
 * or null: then the default route.
 */
export function guestRoute(cloud: Cloud, s: Server, to: string): { dest: string; via: string | null; dev: number } | null {
  const dst = parseIp(to);
  let best: { r: { dest: string; via: string | null; dev: number }; prefix: number } | null = null;
  const leased = s.nics.flatMap((_, dev) => leaseRoutes(cloud, s, dev).map((r) => ({ ...r, dev })));
  for (const r of [...(s.guestRoutes ?? []), ...leased]) {
    const c = parseCidr(r.dest);
    if (!dst || !c || c.version !== dst.version || !cidrContains(c, dst.version, dst.value)) continue;
    if (!best || c.prefix > best.prefix) best = { r, prefix: c.prefix };
  }
  return best?.r ?? null;
}

/**
 * Whether the guest has a route to `to` on this NIC towards `gateway`: one set by hand to a
 * network that holds it, else its default route (the DHCP lease's, its subnet's gateway, or one
 * set by hand); 'other' when the route set by hand points elsewhere.
 */
function guestDefaultRoute(cloud: Cloud, s: Server, port: Port, gateway: string | null, to: string): 'yes' | 'no' | 'other' {
  const index = s.nics.findIndex((n) => n.portId === port.id);
  const manual = guestRoute(cloud, s, to);
  if (manual !== null && manual.dev === index) return manual.via === gateway ? 'yes' : 'other';
  if (s.guestDefault !== undefined) return s.guestDefault.dev !== index ? 'no' : s.guestDefault.via === gateway ? 'yes' : 'other';
  return guestDhcpRan(cloud, s, index) && portConfigured(cloud, s, port) ? 'yes' : 'no';
}

/** 127.0.0.0/8 and ::1: every host and namespace has its own `lo`, up. */
export function isLoopback(ip: string): boolean {
  const a = parseIp(ip);
  return a !== null && (a.version === 4 ? a.value >> 24n === 127n : a.value === 1n);
}

/** The path query; `steps`, when given, collects the places the packet meets (see ReachStep). */
export function trace(cloud: Cloud, from: Endpoint, to: string, proto: Proto, port: number | null, steps?: ReachStep[]): Trace {
  const dst = parseIp(to);
  if (!dst) return { hops: [], verdict: 'no-route', reason: 'bad address' };
  // The host answers itself; nothing listens on a port there in this simulation.
  if (isLoopback(to)) return { hops: [{ address: to }], verdict: proto === 'icmp' ? 'ok' : 'refused', reason: 'loopback: the host itself answers' };
  return unlessStopped(cloud, from.kind === 'laptop' ? fromOutside(cloud, to, proto, port, 'the laptop', steps)
    : from.kind === 'network' ? fromOutside(cloud, to, proto, port, 'the network node', steps)
      : from.kind === 'vm' ? fromVm(cloud, from.serverId, to, proto, port, steps)
        : fromNamespace(cloud, from.name, to, proto, port, steps));
}

/**
 * A stopped VM (SHUTOFF) has no tap device: nothing answers ARP for its address, so the last
 * router (or the sender, on the same subnet) reports the host unreachable.
 */
function unlessStopped(cloud: Cloud, t: Trace): Trace {
  const last = t.hops.at(-1)?.address;
  if (t.verdict !== 'ok' || last === undefined) return t;
  const fip = cloud.floatingIps.find((f) => f.floatingIpAddress === last && f.portId !== null);
  const port = cloud.ports.find((p) => p.deviceOwner.startsWith('compute:') && (fip ? p.id === fip.portId : p.fixedIps.some((f) => f.ipAddress === last)));
  const vm = port ? cloud.servers.find((s) => s.id === port.deviceId) : undefined;
  if (vm?.status === 'SHUTOFF') return { hops: t.hops, verdict: 'host-unreachable', reason: `the VM ${vm.name} is stopped (SHUTOFF): nothing answers ARP for ${last}` };
  // An address the guest does not hold: on a NIC it never brought up (CirrOS's eth1, any
  // hot-plugged one), or one neither DHCP nor a config drive gave it.
  const index = vm && port ? vm.nics.findIndex((n) => n.portId === port.id) : -1;
  const address = fip ? fip.fixedIpAddress ?? last : last;
  if (vm && port && index >= 0 && !guestHolds(cloud, vm, port, address)) {
    const why = !guestNicUp(cloud, vm, index) ? `has not brought up ${guestNicName(cloud, vm, index)} (no DHCP client ran on it in the guest)`
      : `has no address ${address} (its subnet has no DHCP and the VM no config drive)`;
    return { hops: t.hops, verdict: 'host-unreachable', reason: `the VM ${vm.name} ${why}: nothing answers ARP for ${address}` };
  }
  return t;
}

function fromOutside(cloud: Cloud, to: string, proto: Proto, dport: number | null, who: string, steps: Steps): Trace {
  const fip = cloud.floatingIps.find((f) => f.floatingIpAddress === to);
  const gwPort = cloud.ports.find((p) => p.deviceOwner === DEVICE_OWNER.routerGateway && p.fixedIps.some((f) => f.ipAddress === to));
  if (!fip && !gwPort) {
    steps?.push({ kind: 'internet' });
    const direct = directRoute(cloud, to);
    if (!direct) return { hops: [], verdict: 'dropped', reason: unannounced(cloud, to) ?? `${to} is not an address ${who} can reach (fixed IPs are private)` };
    const src = parseIp(to)?.version === 6 ? '2001:db8:ffff::10' : '203.0.113.200';
    steps?.push(...directSteps(direct), { kind: 'security-group', port: direct.port, direction: 'ingress', src });
    if (!ingressAllowed(cloud, direct.port, src, proto, dport)) {
      return { hops: direct.hops, verdict: 'dropped', reason: sgDrop(cloud, direct.port, proto, dport, `security groups of port ${direct.port.id} allow no ${proto}${dport ? `/${dport}` : ''} ingress from outside`) };
    }
    steps?.push(arrival(direct.port));
    return vipHop(cloud, direct.port, proto, dport, direct.hops, direct.reason) ?? { hops: direct.hops, verdict: 'ok', reason: direct.reason };
  }
  steps?.push({ kind: 'internet' }, { kind: 'upstream', networkId: fip?.floatingNetworkId ?? gwPort?.networkId ?? '' });
  if (!externalWired(cloud)) return { hops: [], verdict: 'host-unreachable', reason: 'the physical NIC of the external network is not on br-ex' };
  if (gwPort) {
    const owner = cloud.routers.find((r) => r.id === gwPort.deviceId);
    if (owner) steps?.push({ kind: 'router-port', router: owner, subnetId: null });
    return { hops: [{ address: to }], verdict: proto === 'icmp' ? 'ok' : 'refused', reason: 'router gateway answers' };
  }
  if (!fip?.portId || !fip.fixedIpAddress) return { hops: [], verdict: 'host-unreachable', reason: 'floating IP is not associated: nothing answers ARP for it' };
  const port = portById(cloud, fip.portId);
  const hops: Hop[] = [{ address: to, nat: `DNAT ${to} -> ${fip.fixedIpAddress}` }, { address: fip.fixedIpAddress }];
  if (!port) return { hops, verdict: 'dropped', reason: 'no port' };
  const router = cloud.routers.find((r) => r.id === fip.routerId);
  const sid = port.fixedIps.find((f) => f.ipAddress === fip.fixedIpAddress)?.subnetId ?? null;
  if (router) {
    steps?.push({ kind: 'router-port', router, subnetId: null }, { kind: 'nat', router, rule: 'DNAT', from: to, to: fip.fixedIpAddress }, { kind: 'router', router });
  }
  if (router && !forwards(cloud, router, [null, sid], to)) return { hops, verdict: 'dropped', reason: NOT_FORWARDING };
  if (router) steps?.push({ kind: 'router-port', router, subnetId: sid });
  steps?.push({ kind: 'security-group', port, direction: 'ingress', src: '203.0.113.10' });
  if (!ingressAllowed(cloud, port, '203.0.113.10', proto, dport)) {
    return { hops, verdict: 'dropped', reason: sgDrop(cloud, port, proto, dport, `security groups of port ${port.id} allow no ${proto}${dport ? `/${dport}` : ''} ingress from outside`) };
  }
  steps?.push(arrival(port));
  return vipHop(cloud, port, proto, dport, hops, 'floating IP DNAT') ?? { hops, verdict: 'ok', reason: 'floating IP DNAT and security group ingress rule' };
}

function scopeOf(cloud: Cloud, subnetId: string): string | null {
  const sub = cloud.subnets.find((s) => s.id === subnetId);
  const pool = sub?.subnetpoolId ? cloud.subnetPools.find((p) => p.id === sub.subnetpoolId) : undefined;
  return pool?.addressScopeId ?? null;
}

/**
 * A fixed IP reachable from the internet without NAT: a VM on a provider (external or shared
 * VLAN/flat) network, or behind a router when the subnet is IPv6 or in the external network's
 * address scope.
 */
function directRoute(cloud: Cloud, to: string): Direct | null {
  const port = portWithIp(cloud, to);
  if (!port || !isGuarded(port)) return null;
  const fixed = port.fixedIps.find((f) => f.ipAddress === to);
  const net = cloud.networks.find((n) => n.id === port.networkId);
  if (!fixed || !net) return null;
  if (net.external || (net.shared && (net.networkType === 'vlan' || net.networkType === 'flat'))) {
    return { port, hops: [{ address: to }], reason: 'provider network address', router: null, subnetId: fixed.subnetId };
  }
  const router = routerOfSubnet(cloud, fixed.subnetId);
  if (!router?.gateway) return null;
  const qr = cloud.ports.find((p) => p.deviceId === router.id && p.fixedIps.some((f) => f.subnetId === fixed.subnetId));
  const gwIp = qr?.fixedIps.find((f) => f.subnetId === fixed.subnetId)?.ipAddress ?? '';
  const hops: Hop[] = [{ address: gwIp }, { address: to }];
  if (!forwards(cloud, router, [null, fixed.subnetId], to)) return null;
  if (parseIp(to)?.version === 6) return { port, hops, reason: 'IPv6 routed without NAT', router, subnetId: fixed.subnetId };
  const scope = scopeOf(cloud, fixed.subnetId);
  const extScope = router.gateway.externalFixedIps.map((f) => scopeOf(cloud, f.subnetId)).find((x) => x !== null) ?? null;
  if (scope === null || scope !== extScope) return null;
  const upstream = upstreamRoute(cloud, router, to);
  return upstream.routed ? { port, hops, reason: upstream.reason, router, subnetId: fixed.subnetId } : null;
}

/** A fixed IP routed from the Internet without NAT: its port, and the router in front of it (null: a provider network). */
interface Direct { port: Port; hops: Hop[]; reason: string; router: Router | null; subnetId: string }

/** The places a direct route passes before the port's security groups. */
function directSteps(d: Direct): ReachStep[] {
  if (d.router === null) return [{ kind: 'upstream', networkId: d.port.networkId }];
  const r = d.router;
  return [{ kind: 'upstream', networkId: r.gateway?.networkId ?? '' }, { kind: 'router-port', router: r, subnetId: null }, { kind: 'router', router: r }, { kind: 'router-port', router: r, subnetId: d.subnetId }];
}

/** Why an address routed without NAT is still out of reach from outside: its prefix is not announced. */
function unannounced(cloud: Cloud, to: string): string | null {
  const fixed = portWithIp(cloud, to)?.fixedIps.find((f) => f.ipAddress === to);
  const router = fixed ? routerOfSubnet(cloud, fixed.subnetId) : undefined;
  const port = router ? cloud.ports.find((p) => p.deviceId === router.id && p.fixedIps.some((f) => f.subnetId === fixed?.subnetId)) : undefined;
  if (!router || !port || parseIp(to)?.version !== 4) return null;
  if (!leavesUnNated(cloud, router, port.networkId)) return scopedButNated(cloud, router, port.networkId, to);
  const upstream = upstreamRoute(cloud, router, to);
  return upstream.routed ? null : upstream.reason;
}

function fromVm(cloud: Cloud, serverId: string, to: string, proto: Proto, dport: number | null, steps: Steps): Trace {
  const port = vmPortFor(cloud, serverId, to);
  if (!port || !vmHasAddress(cloud, serverId)) {
    const s = cloud.servers.find((x) => x.id === serverId);
    const down = s !== undefined && !guestNicUp(cloud, s, 0);
    return { hops: [], verdict: 'net-unreachable', reason: down ? `the VM's ${guestNicName(cloud, s, 0)} is down (ip link set … down in the guest)` : 'the VM has no address (no DHCP, no config drive, none set by hand)' };
  }
  const want = parseIp(to)?.version ?? 4;
  const vm = cloud.servers.find((x) => x.id === serverId);
  const fixed = port.fixedIps.find((f) => parseIp(f.ipAddress)?.version === want && (vm === undefined || guestHolds(cloud, vm, port, f.ipAddress)));
  if (!fixed) return { hops: [], verdict: 'net-unreachable', reason: `no IPv${want} address on the VM` };
  steps?.push({ kind: 'tap', port, direction: 'out' }, { kind: 'security-group', port, direction: 'egress', src: fixed.ipAddress });
  const sub = cloud.subnets.find((s) => s.id === fixed.subnetId);
  const dst = parseIp(to);
  const c = sub ? parseCidr(sub.cidr) : null;
  if (dst && c && cidrContains(c, dst.version, dst.value)) {
    steps?.push({ kind: 'subnet', subnetId: fixed.subnetId, nextHop: to });
    const target = portWithIp(cloud, to);
    const net = cloud.networks.find((n) => n.id === port.networkId);
    const provider = net !== undefined && (net.external || (net.shared && (net.networkType === 'vlan' || net.networkType === 'flat')));
    if (!target && provider && to === sub?.gatewayIp) {
      steps?.push({ kind: 'upstream', networkId: port.networkId });
      return { hops: [{ address: to }], verdict: 'ok', reason: "the provider network's physical router" };
    }
    if (!target) return { hops: [], verdict: 'host-unreachable', reason: 'nothing answers ARP' };
    if (isGuarded(target)) steps?.push({ kind: 'security-group', port: target, direction: 'ingress', src: fixed.ipAddress });
    if (isGuarded(target) && !ingressAllowed(cloud, target, fixed.ipAddress, proto, dport)) {
      return { hops: [{ address: to }], verdict: 'dropped', reason: sgDrop(cloud, target, proto, dport, 'security group') };
    }
    steps?.push(arrival(target));
    return vipHop(cloud, target, proto, dport, [{ address: to }], 'same subnet') ?? { hops: [{ address: to }], verdict: 'ok', reason: 'same subnet' };
  }
  // Another IPv4 subnet of the network: the lease's on-link route puts it on the wire as it is.
  const best = want === 4 && vm ? guestRoute(cloud, vm, to) : null;
  if (vm && best && best.via === null) return onLinkDelivery(cloud, vm, port, fixed.ipAddress, fixed.subnetId, to, proto, dport, steps);
  const router = routerOfSubnet(cloud, fixed.subnetId);
  const net = cloud.networks.find((n) => n.id === port.networkId);
  const provider = net !== undefined && (net.external || (net.shared && (net.networkType === 'vlan' || net.networkType === 'flat')));
  // Off the subnet the guest needs a default route: its lease's, or one set by hand (IPv4).
  const route = want === 4 && vm ? guestDefaultRoute(cloud, vm, port, sub?.gatewayIp ?? null, to) : 'yes';
  if (route === 'no') return { hops: [], verdict: 'net-unreachable', reason: `the VM has no default route (its address was set by hand: ip route add default via ${sub?.gatewayIp ?? 'GATEWAY'})` };
  if (route === 'other') {
    // A route set by hand through another address on the subnet: another router's interface
    // there forwards like the gateway's router (two routers on one subnet); anything else does not.
    const manual = vm ? guestRoute(cloud, vm, to) : null;
    const via = manual?.via ?? vm?.guestDefault?.via ?? '';
    const other = routerAt(cloud, fixed.subnetId, via);
    if (other) {
      steps?.push({ kind: 'subnet', subnetId: fixed.subnetId, nextHop: via });
      return throughRouter(cloud, other, via, port, fixed.ipAddress, to, proto, dport, steps);
    }
    const which = manual ? `route to ${manual.dest}` : 'default route';
    return { hops: [], verdict: 'host-unreachable', reason: `the VM's ${which} points at ${via}, which is neither its subnet's gateway nor another router's address there: nothing there forwards` };
  }
  steps?.push({ kind: 'subnet', subnetId: fixed.subnetId, nextHop: sub?.gatewayIp ?? null });
  if (!router && provider && sub?.gatewayIp) {
    // A provider network: the provider's physical router forwards, no Neutron router and no NAT.
    steps?.push({ kind: 'upstream', networkId: port.networkId });
    const hops: Hop[] = [{ address: sub.gatewayIp }];
    const target = portWithIp(cloud, to);
    if (target && isGuarded(target)) {
      hops.push({ address: to });
      steps?.push({ kind: 'security-group', port: target, direction: 'ingress', src: fixed.ipAddress });
      if (!ingressAllowed(cloud, target, fixed.ipAddress, proto, dport)) return { hops, verdict: 'dropped', reason: sgDrop(cloud, target, proto, dport, 'security group') };
      steps?.push(arrival(target));
      return vipHop(cloud, target, proto, dport, hops, "routed by the provider network's router") ?? { hops, verdict: 'ok', reason: "routed by the provider network's router" };
    }
    if (target) return { hops, verdict: 'dropped', reason: 'not reachable from a provider network' };
    hops.push({ address: to });
    steps?.push({ kind: 'internet' });
    return { hops, verdict: 'ok', reason: "the provider network's router, no NAT" };
  }
  if (!router || !sub?.gatewayIp) return { hops: [], verdict: 'host-unreachable', reason: 'subnet not attached to a router' };
  return throughRouter(cloud, router, sub.gatewayIp, port, fixed.ipAddress, to, proto, dport, steps);
}

/**
 * A packet the guest sends on-link to an address of another subnet on its network (the route
 * Neutron's DHCP agent adds for each such subnet): whatever holds the address on the network
 * answers ARP, as on one subnet. The answer needs a way back: the far guest's own on-link route
 * (its lease has one for this subnet too), else its default route through a router with an
 * interface on this subnet; a router's interface answers when its router has one here.
 */
function onLinkDelivery(cloud: Cloud, vm: Server, port: Port, src: string, srcSubnet: string, to: string, proto: Proto, dport: number | null, steps: Steps): Trace {
  const target = findFirst(cloud, PORTS_BY_NETWORK, port.networkId, (p) => p.fixedIps.some((f) => f.ipAddress === to));
  const tsub = target?.fixedIps.find((f) => f.ipAddress === to)?.subnetId;
  const cidr = cloud.subnets.find((x) => x.id === tsub)?.cidr ?? guestRoute(cloud, vm, to)?.dest ?? '';
  steps?.push({ kind: 'subnet', subnetId: srcSubnet, nextHop: to, onLink: cidr });
  const hops: Hop[] = [{ address: to }];
  if (!target) return { hops: [], verdict: 'host-unreachable', reason: 'nothing answers ARP (on-link: another subnet of the network)' };
  const back = replyWayBack(cloud, target, src, srcSubnet);
  if (isGuarded(target)) steps?.push({ kind: 'security-group', port: target, direction: 'ingress', src });
  if (isGuarded(target) && !ingressAllowed(cloud, target, src, proto, dport)) {
    return { hops, verdict: 'dropped', reason: sgDrop(cloud, target, proto, dport, 'security group') };
  }
  // It arrives; what is lost is the answer.
  steps?.push(arrival(target));
  if (back !== null) return { hops, verdict: 'dropped', reason: back };
  const how = 'on-link: another subnet of the same network';
  return vipHop(cloud, target, proto, dport, hops, how) ?? { hops, verdict: 'ok', reason: how };
}

/** Why the answer from `target` to `src` (on `srcSubnet`, the same network) is lost, or null when it comes back. */
function replyWayBack(cloud: Cloud, target: Port, src: string, srcSubnet: string): string | null {
  const at = target.fixedIps.find((f) => cloud.subnets.some((x) => x.id === f.subnetId && x.ipVersion === 4))?.subnetId ?? null;
  const srcCidr = cloud.subnets.find((x) => x.id === srcSubnet)?.cidr ?? '';
  if (target.deviceOwner === DEVICE_OWNER.routerInterface || target.deviceOwner === DEVICE_OWNER.routerInterfaceDistributed) {
    const router = cloud.routers.find((r) => r.id === target.deviceId);
    return router && interfacesOn(cloud, srcSubnet).some((p) => p.deviceId === router.id) ? null
      : `the answer has no way back: router ${router?.name || target.deviceId} has no interface on ${srcCidr} and ${router?.gateway ? 'sends it out of its gateway' : 'no route there'}`;
  }
  const server = target.deviceOwner.startsWith('compute:') ? cloud.servers.find((x) => x.id === target.deviceId) : undefined;
  if (!server) return null;
  const r = guestRoute(cloud, server, src);
  if (r && r.via === null) return null;
  const nic = server.nics.findIndex((n) => n.portId === target.id);
  const gateway = guestDhcpRan(cloud, server, nic) ? (cloud.subnets.find((x) => x.id === at)?.gatewayIp ?? null) : null;
  const via = r?.via ?? server.guestDefault?.via ?? gateway;
  const router = via !== null && at !== null ? routerAt(cloud, at, via) : undefined;
  if (router && interfacesOn(cloud, srcSubnet).some((p) => p.deviceId === router.id)) return null;
  const how = r ? `its route to ${r.dest} points at ${via}` : via === null ? 'it has no default route'
    : router ? `its default route goes to router ${router.name || router.id}, which has no interface on ${srcCidr}` : `its default route points at ${via}, where no router is`;
  return `the answer has no way back: ${server.name} has no on-link route to ${srcCidr} and ${how}`;
}

/** Off-subnet traffic from `port` (address `src`) through its subnet's Neutron router. */
function throughRouter(cloud: Cloud, router: Router, gatewayIp: string, port: Port, src: string, to: string, proto: Proto, dport: number | null, steps: Steps): Trace {
  const hops: Hop[] = [{ address: gatewayIp }];
  const target = portWithIp(cloud, to);
  const from = port.fixedIps.find((f) => f.ipAddress === src)?.subnetId ?? null;
  steps?.push({ kind: 'router-port', router, subnetId: from }, { kind: 'router', router });
  // A fixed IP on a network this router has no interface on goes out of the gateway like any
  // other address, where only a public (directly routed) one is reached.
  if (target && isGuarded(target) && !onRouter(cloud, router, target.networkId) && !directRoute(cloud, to)) {
    return { hops, verdict: 'dropped', reason: `${to} is a fixed IP behind another router: ${router.name || router.id} has no interface on its network and sends it out of its gateway, where fixed IPs are not routed` };
  }
  // On that network but not on the address's subnet (a network of several): no route there either.
  const onSubnet = target?.fixedIps.find((f) => f.ipAddress === to)?.subnetId;
  if (target && isGuarded(target) && onSubnet !== undefined && !interfacesOn(cloud, onSubnet).some((p) => p.deviceId === router.id) && !directRoute(cloud, to)) {
    const cidr = cloud.subnets.find((x) => x.id === onSubnet)?.cidr ?? onSubnet;
    return { hops, verdict: router.gateway ? 'dropped' : 'net-unreachable', reason: `${router.name || router.id} has an interface on ${to}'s network but none on its subnet ${cidr}, so no route there${router.gateway ? ': it sends it out of its gateway, where fixed IPs are not routed' : ''}` };
  }
  if (target && isGuarded(target)) {
    hops.push({ address: to });
    const tsub = target.fixedIps.find((f) => f.ipAddress === to)?.subnetId ?? null;
    // A packet that comes in on a non-forwarding interface is dropped before any TTL check (no
    // hop answers); one whose reply comes back through such an interface is lost on the way back.
    if (!forwards(cloud, router, [from], to)) return { hops: [], verdict: 'dropped', reason: NOT_FORWARDING };
    if (!forwards(cloud, router, [tsub], to)) return { hops, verdict: 'dropped', reason: NOT_FORWARDING };
    const scopeDrop = onRouter(cloud, router, target.networkId) ? crossScopeDrop(cloud, port.networkId, target.networkId, to) : null;
    if (scopeDrop) return { hops: [{ address: gatewayIp }], verdict: 'dropped', reason: scopeDrop };
    steps?.push({ kind: 'router-port', router, subnetId: tsub }, { kind: 'security-group', port: target, direction: 'ingress', src });
    if (!ingressAllowed(cloud, target, src, proto, dport)) return { hops, verdict: 'dropped', reason: sgDrop(cloud, target, proto, dport, 'security group') };
    steps?.push(arrival(target));
    return vipHop(cloud, target, proto, dport, hops, 'routed east-west without NAT') ?? { hops, verdict: 'ok', reason: 'routed east-west without NAT' };
  }
  if (target?.deviceId === router.id) return { hops: [{ address: to }], verdict: 'ok', reason: 'router address' };
  if (!router.gateway) {
    const mistake = cloud.ports.some((p) => p.deviceId === router.id && p.deviceOwner === DEVICE_OWNER.routerInterface
      && cloud.networks.find((n) => n.id === p.networkId)?.external === true);
    return { hops, verdict: 'net-unreachable', reason: mistake
      ? 'the public subnet was added as a normal router interface, not as the external gateway'
      : 'router has no external gateway' };
  }
  const fip = cloud.floatingIps.find((f) => f.portId === port.id);
  const v4 = parseIp(to)?.version !== 6;
  const unNated = !fip && v4 && leavesUnNated(cloud, router, port.networkId);
  if (!router.gateway.enableSnat && !fip && !unNated) {
    return { hops, verdict: 'dropped', reason: (v4 ? unNatedDrop(cloud, router, port.networkId) : null) ?? 'SNAT disabled and no floating IP' };
  }
  if (!externalWired(cloud)) {
    steps?.push({ kind: 'router-port', router, subnetId: null });
    return { hops, verdict: 'dropped', reason: 'the physical NIC of the external network is not on br-ex' };
  }
  if (!forwards(cloud, router, [from], to)) return { hops: [], verdict: 'dropped', reason: NOT_FORWARDING };
  if (!forwards(cloud, router, [null], to)) return { hops, verdict: 'dropped', reason: NOT_FORWARDING };
  const ext = cloud.subnets.find((s) => s.networkId === router.gateway?.networkId && s.ipVersion === 4);
  steps?.push(...egressSteps(router, fip?.floatingIpAddress ?? null, unNated, src, to));
  if (unNated) return unNatedEgress(cloud, router, hops, ext?.gatewayIp ?? null, src, to, steps);
  if (ext?.gatewayIp) hops.push({ address: ext.gatewayIp, nat: fip ? `SNAT -> ${fip.floatingIpAddress}` : 'SNAT -> router gateway' });
  hops.push({ address: to });
  steps?.push({ kind: 'internet' });
  return { hops, verdict: 'ok', reason: fip ? 'floating IP SNAT' : 'router SNAT' };
}

/**
 * Out through the gateway: IPv4 is SNATed to the floating IP or the router's gateway address
 * unless it stays in the external network's scope; IPv6 is routed as it is.
 */
function egressSteps(router: Router, fip: string | null, unNated: boolean, src: string, to: string): ReachStep[] {
  const out: ReachStep[] = [];
  if (parseIp(to)?.version !== 6) {
    const gw = router.gateway?.externalFixedIps.find((f) => parseIp(f.ipAddress)?.version === 4)?.ipAddress ?? '';
    out.push(unNated ? { kind: 'nat', router, rule: 'none', from: src, to: src } : { kind: 'nat', router, rule: 'SNAT', from: src, to: fip ?? gw });
  }
  out.push({ kind: 'router-port', router, subnetId: null }, { kind: 'upstream', networkId: router.gateway?.networkId ?? '' });
  return out;
}

/**
 * Same-scope egress keeps the VM's own source address: the far end sees it, and the replies
 * (and traceroute's time-exceeded messages past the router) come back only if the upstream routes it.
 */
function unNatedEgress(cloud: Cloud, router: Router, hops: Hop[], upstreamGw: string | null, src: string, to: string, steps: Steps): Trace {
  const upstream = upstreamRoute(cloud, router, src);
  if (!upstream.routed) return { hops, verdict: 'dropped', reason: upstream.reason };
  steps?.push({ kind: 'internet' });
  return { hops: [...hops, ...(upstreamGw ? [{ address: upstreamGw }] : []), { address: to }], verdict: 'ok', reason: upstream.reason };
}

/** Whether the router has an interface on the network. */
function onRouter(cloud: Cloud, router: Router, networkId: string): boolean {
  return cloud.ports.some((p) => p.deviceId === router.id && p.deviceOwner === DEVICE_OWNER.routerInterface && p.networkId === networkId);
}

/** Whether `ip` lies in one of the given subnets. */
function inSubnets(cloud: Cloud, subnetIds: string[], ip: string): boolean {
  const a = parseIp(ip);
  return a !== null && subnetIds.some((id) => {
    const c = parseCidr(subnetById(cloud, id)?.cidr ?? '');
    return c !== null && cidrContains(c, a.version, a.value);
  });
}

/**
 * From a qrouter-/qdhcp- namespace on the network node: its connected subnets directly (ARP
 * decides: nothing there is "Destination Host Unreachable"), anything else through the
 * router's default route on the external network, without NAT (the namespace owns qg-).
 */
function fromNamespace(cloud: Cloud, ns: string, to: string, proto: Proto, dport: number | null, steps: Steps): Trace {
  const routerId = ns.startsWith('qrouter-') ? ns.slice(8) : null;
  const networkId = ns.startsWith('qdhcp-') ? ns.slice(6) : null;
  // A name is either qrouter- or qdhcp-, so the two lists never mix (the filter they replace kept port order).
  const own = routerId !== null ? routerOwnPorts(cloud, routerId) : networkId !== null ? dhcpPorts(cloud, networkId) : [];
  if (own.some((p) => p.fixedIps.some((f) => f.ipAddress === to))) return { hops: [{ address: to }], verdict: 'ok', reason: 'own address' };
  const connected = own.flatMap((p) => p.fixedIps.map((f) => f.subnetId));
  const target = portWithIp(cloud, to);
  const gw = own.find((p) => p.deviceOwner === DEVICE_OWNER.routerGateway);
  if (inSubnets(cloud, connected, to)) {
    const onExternal = gw !== undefined && inSubnets(cloud, gw.fixedIps.map((f) => f.subnetId), to);
    if (onExternal && !externalWired(cloud)) return { hops: [], verdict: 'host-unreachable', reason: 'the physical NIC of the external network is not on br-ex' };
    if (target && own.some((p) => p.networkId === target.networkId)) {
      if (isGuarded(target)) {
        const src = own.find((p) => p.networkId === target.networkId)?.fixedIps[0]?.ipAddress ?? '';
        steps?.push({ kind: 'security-group', port: target, direction: 'ingress', src });
        if (!ingressAllowed(cloud, target, src, proto, dport)) return { hops: [{ address: to }], verdict: 'dropped', reason: sgDrop(cloud, target, proto, dport, 'security group') };
      }
      steps?.push(arrival(target));
      return vipHop(cloud, target, proto, dport, [{ address: to }], 'connected') ?? { hops: [{ address: to }], verdict: 'ok', reason: 'connected' };
    }
    const extGw = onExternal ? cloud.subnets.find((x) => gw.fixedIps.some((f) => f.subnetId === x.id) && x.gatewayIp === to) : undefined;
    if (extGw) {
      steps?.push({ kind: 'upstream', networkId: extGw.networkId });
      return { hops: [{ address: to }], verdict: 'ok', reason: "the external network's router" };
    }
    return { hops: [], verdict: 'host-unreachable', reason: 'nothing answers ARP for it' };
  }
  if (networkId !== null) {
    // The DHCP agent gives its namespace a default route via the subnet's gateway (the router).
    const v = parseIp(to)?.version;
    const dhcp = own.find((p) => p.fixedIps.some((f) => parseIp(f.ipAddress)?.version === v));
    const f = dhcp?.fixedIps.find((x) => parseIp(x.ipAddress)?.version === v);
    const sub = f ? cloud.subnets.find((x) => x.id === f.subnetId) : undefined;
    if (!dhcp || !f || !sub?.gatewayIp) return { hops: [], verdict: 'net-unreachable', reason: 'no route' };
    steps?.push({ kind: 'subnet', subnetId: sub.id, nextHop: sub.gatewayIp });
    const router = routerOfSubnet(cloud, sub.id);
    if (!router) return { hops: [], verdict: 'host-unreachable', reason: 'nothing answers ARP for the gateway' };
    return throughRouter(cloud, router, sub.gatewayIp, dhcp, f.ipAddress, to, proto, dport, steps);
  }
  if (!gw) return { hops: [], verdict: 'net-unreachable', reason: 'no route' };
  const v = parseIp(to)?.version;
  const ext = cloud.subnets.find((x) => gw.fixedIps.some((f) => f.subnetId === x.id) && x.ipVersion === v && x.gatewayIp);
  if (!ext?.gatewayIp) return { hops: [], verdict: 'net-unreachable', reason: 'no route' };
  steps?.push({ kind: 'upstream', networkId: gw.networkId });
  if (!externalWired(cloud)) return { hops: [], verdict: 'host-unreachable', reason: 'the physical NIC of the external network is not on br-ex' };
  steps?.push({ kind: 'internet' });
  return { hops: [{ address: ext.gatewayIp }, { address: to }], verdict: 'ok', reason: 'default route via the external gateway' };
}
