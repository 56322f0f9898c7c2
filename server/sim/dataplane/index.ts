/**
 * Derived data-plane views of a Cloud (ML2/OVS, legacy L3 agent, Zed): namespaces, devices,
 * addresses, routes and iptables. Pure: recomputed from the Cloud on every call.
 */
import { extended } from '../objects.js';
import type { Cloud } from '../model/cloud.js';
import type { Port } from '../model/port.js';
import type { Router } from '../model/router.js';
import type { Subnet } from '../model/subnet.js';
import { broadcast, cidrContains, formatIp, parseCidr, parseIp, eui64 } from '../ipam.js';
import { DEVICE_OWNER } from '../model/port.js';
import type { FloatingIp } from '../model/floating-ip.js';
import type { Network } from '../model/network.js';
import { firstBy, groupBy, memo } from '../memo.js';

export interface Addr {
  version: 4 | 6;
  address: string;
  prefix: number;
  brd?: string;
  scope: 'global' | 'link' | 'host';
}

export interface Device {
  index: number;
  name: string;
  mtu: number;
  mac: string;
  portId: string | null;
  addrs: Addr[];
}

export interface RouteEntry {
  dest: string; // 'default' or CIDR
  via: string | null;
  dev: string;
  proto: 'static' | 'kernel';
  src: string | null;
}

export interface Namespace {
  name: string;
  id: number;
  kind: 'qrouter' | 'qdhcp';
  objectId: string;
  devices: Device[];
  routes: RouteEntry[];
}

export const devName = (prefix: string, portId: string): string => (prefix + portId).slice(0, 14);

const LINK_LOCAL = parseCidr('fe80::/64');

export function linkLocal(mac: string): string {
  return LINK_LOCAL ? formatIp(6, eui64(LINK_LOCAL, mac)) : 'fe80::';
}

// ---- lookups by id ------------------------------------------------------------------------
//
// A namespace is made of a few ports, subnets and floating IPs; finding them by scanning every
// collection made each namespace cost what the whole cloud holds. These indexes are built once
// per published collection (memo.ts) and answer as the scans did: the first match, in order.

interface PortIndex {
  /** The position in cloud.ports of each router and DHCP port (a device's ifindex is 10 + that). */
  pos: Map<Port, number>;
  /** The interface and gateway ports of each router (by device id), in order. */
  routerPorts: Map<string, Port[]>;
  /** The DHCP ports of each network, in order. */
  dhcpByNetwork: Map<string, Port[]>;
}

function portIndex(cloud: Cloud): PortIndex {
  // Only the few ports namespaces are made of are indexed: most ports are VMs' and floating IPs'.
  return memo(cloud, 'dataplane.ports', [cloud.ports], () => {
    const routers: Port[] = [];
    const dhcp: Port[] = [];
    const pos = new Map<Port, number>();
    cloud.ports.forEach((p, i) => {
      if (p.deviceOwner === DEVICE_OWNER.routerInterface || p.deviceOwner === DEVICE_OWNER.routerGateway) routers.push(p);
      else if (p.deviceOwner === DEVICE_OWNER.dhcp) dhcp.push(p);
      else return;
      // indexOf answers a port's first position.
      if (!pos.has(p)) pos.set(p, i);
    });
    return { pos, routerPorts: groupBy(routers, (p) => p.deviceId), dhcpByNetwork: groupBy(dhcp, (p) => p.networkId) };
  });
}

function subnetsById(cloud: Cloud): Map<string, Subnet> {
  return memo(cloud, 'dataplane.subnets', [cloud.subnets], () => firstBy(cloud.subnets, (s) => s.id));
}

function networksById(cloud: Cloud): Map<string, Network> {
  return memo(cloud, 'dataplane.networks', [cloud.networks], () => firstBy(cloud.networks, (n) => n.id));
}

function fipsByRouter(cloud: Cloud): Map<string | null, FloatingIp[]> {
  return memo(cloud, 'dataplane.fips', [cloud.floatingIps], () => groupBy(cloud.floatingIps, (f) => f.routerId));
}

function subnetOf(cloud: Cloud, id: string): Subnet | undefined {
  return subnetsById(cloud).get(id);
}

/** The subnets of each network, in order. */
export function subnetsOfNetwork(cloud: Cloud, networkId: string): readonly Subnet[] {
  return memo(cloud, 'dataplane.subnetsByNetwork', [cloud.subnets], () => groupBy(cloud.subnets, (x) => x.networkId)).get(networkId) ?? [];
}

export { subnetOf as subnetById };

/** A device's ifindex, by its port's position in cloud.ports. */
function ifindex(cloud: Cloud, port: Port): number {
  return 10 + (portIndex(cloud).pos.get(port) ?? cloud.ports.indexOf(port));
}

function v4Addr(address: string, subnet: Subnet | undefined, dev: string): Addr {
  void dev;
  const c = subnet ? parseCidr(subnet.cidr) : null;
  if (c && c.version === 4) return { version: 4, address, prefix: c.prefix, brd: formatIp(4, broadcast(c)), scope: 'global' };
  return { version: 4, address, prefix: 32, brd: address, scope: 'global' };
}

function portDevice(cloud: Cloud, port: Port, prefix: string): Device {
  const name = devName(prefix, port.id);
  const net = networksById(cloud).get(port.networkId);
  const addrs: Addr[] = [];
  for (const f of port.fixedIps) {
    const s = subnetOf(cloud, f.subnetId);
    if (s?.ipVersion === 6) {
      const c = parseCidr(s.cidr);
      addrs.push({ version: 6, address: f.ipAddress, prefix: c?.prefix ?? 64, scope: 'global' });
    } else addrs.push(v4Addr(f.ipAddress, s, name));
  }
  return { index: ifindex(cloud, port), name, mtu: net?.mtu ?? 1500, mac: port.macAddress, portId: port.id, addrs };
}

export function routerPorts(cloud: Cloud, r: Router): { internal: Port[]; gateway: Port | undefined } {
  const own = portIndex(cloud).routerPorts.get(r.id) ?? [];
  const internal = own.filter((p) => p.deviceOwner === DEVICE_OWNER.routerInterface);
  const gateway = own.find((p) => p.deviceOwner === DEVICE_OWNER.routerGateway);
  return { internal, gateway };
}

export function routerFips(cloud: Cloud, r: Router): FloatingIp[] {
  return (fipsByRouter(cloud).get(r.id) ?? []).filter((f) => f.portId !== null && f.fixedIpAddress !== null);
}

/** Device list with link-local addresses appended (sorted: v4 first, then global v6, then link-local). */
function finish(d: Device): Device {
  const v4 = d.addrs.filter((a) => a.version === 4);
  const v6 = d.addrs.filter((a) => a.version === 6);
  return extended(d, { addrs: [...v4, ...v6, { version: 6, address: linkLocal(d.mac), prefix: 64, scope: 'link' }] });
}

function connected(dev: Device): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const a of dev.addrs) {
    if (a.version !== 4 || a.prefix === 32) continue;
    const c = parseCidr(`${a.address}/${a.prefix}`);
    if (c) out.push({ dest: `${formatIp(4, c.network)}/${c.prefix}`, via: null, dev: dev.name, proto: 'kernel', src: a.address });
  }
  return out;
}

export function routerNamespace(cloud: Cloud, r: Router, id: number): Namespace {
  const { internal, gateway } = routerPorts(cloud, r);
  const devices: Device[] = internal.map((p) => finish(portDevice(cloud, p, 'qr-')));
  const routes: RouteEntry[] = [];
  let gwDev: Device | undefined;
  if (gateway) {
    const d = portDevice(cloud, gateway, 'qg-');
    for (const f of routerFips(cloud, r)) d.addrs.push({ version: 4, address: f.floatingIpAddress, prefix: 32, brd: f.floatingIpAddress, scope: 'global' });
    gwDev = finish(d);
    devices.push(gwDev);
    const v4 = gateway.fixedIps.map((f) => subnetOf(cloud, f.subnetId)).find((s) => s?.ipVersion === 4);
    if (v4?.gatewayIp) routes.push({ dest: 'default', via: v4.gatewayIp, dev: gwDev.name, proto: 'static', src: null });
  }
  devices.sort((a, b) => a.index - b.index);
  const conn = devices.flatMap(connected);
  // Extra routes (`router set --route`, `router add route`): the L3 agent adds them via the
  // interface whose subnet holds the next hop, `proto static` (IPv4 here; IPv6 in ip -6 route).
  const extra: RouteEntry[] = [];
  for (const x of r.routes) {
    const hop = parseIp(x.nexthop);
    if (!hop || hop.version !== 4) continue;
    const dev = devices.find((d) => d.addrs.some((a) => {
      if (a.version !== 4 || a.prefix === 32) return false;
      const c = parseCidr(`${a.address}/${a.prefix}`);
      return c !== null && cidrContains(c, 4, hop.value);
    }));
    if (dev) extra.push({ dest: x.destination, via: x.nexthop, dev: dev.name, proto: 'static', src: null });
  }
  routes.push(...[...conn, ...extra].sort((a, b) => cmpCidr(a.dest, b.dest)));
  return { name: `qrouter-${r.id}`, id, kind: 'qrouter', objectId: r.id, devices, routes };
}

function cmpCidr(a: string, b: string): number {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return a < b ? -1 : 1;
  return x.network < y.network ? -1 : x.network > y.network ? 1 : x.prefix - y.prefix;
}

export function dhcpNamespace(cloud: Cloud, networkId: string, id: number): Namespace {
  const ports = portIndex(cloud).dhcpByNetwork.get(networkId) ?? [];
  const devices = ports.map((p) => finish(portDevice(cloud, p, 'tap')));
  const routes: RouteEntry[] = [];
  const dev = devices[0];
  if (dev) {
    const s = cloud.subnets.find((x) => x.networkId === networkId && x.ipVersion === 4 && x.enableDhcp);
    if (s?.gatewayIp) routes.push({ dest: 'default', via: s.gatewayIp, dev: dev.name, proto: 'static', src: null });
    routes.push(...connected(dev));
  }
  return { name: `qdhcp-${networkId}`, id, kind: 'qdhcp', objectId: networkId, devices, routes };
}

/** A namespace as `ip netns` lists it, before its devices and routes are derived. */
export interface NamespaceEntry {
  name: string;
  id: number;
  kind: 'qrouter' | 'qdhcp';
  objectId: string;
}

interface NamespaceList {
  /** Newest first (tmpfs directory order). */
  entries: NamespaceEntry[];
  byName: Map<string, NamespaceEntry>;
}

function namespaceList(cloud: Cloud): NamespaceList {
  const deps = [cloud.ports, cloud.routers, cloud.networks, cloud.subnets];
  return memo(cloud, 'dataplane.namespaces', deps, () => {
    const items: Array<{ kind: 'qrouter' | 'qdhcp'; id: string; seq: number }> = [];
    for (const r of cloud.routers) items.push({ kind: 'qrouter', id: r.id, seq: r.stdAttrId });
    const withDhcp = new Set<string>();
    for (const s of cloud.subnets) if (s.enableDhcp) withDhcp.add(s.networkId);
    const dhcp = portIndex(cloud).dhcpByNetwork;
    for (const n of cloud.networks) {
      const port = dhcp.get(n.id)?.[0];
      if (withDhcp.has(n.id) && port) items.push({ kind: 'qdhcp', id: n.id, seq: port.stdAttrId });
    }
    items.sort((a, b) => a.seq - b.seq);
    const entries = items.map((it, i): NamespaceEntry => ({ name: `${it.kind}-${it.id}`, id: i, kind: it.kind, objectId: it.id })).reverse();
    // Names are unique (router and network ids are); the first one wins as `find` would.
    return { entries, byName: firstBy(entries, (e) => e.name) };
  });
}

function deriveNamespace(cloud: Cloud, e: NamespaceEntry): Namespace {
  if (e.kind === 'qrouter') {
    const r = memo(cloud, 'dataplane.routers', [cloud.routers], () => firstBy(cloud.routers, (x) => x.id)).get(e.objectId);
    if (r) return routerNamespace(cloud, r, e.id);
  }
  return dhcpNamespace(cloud, e.objectId, e.id);
}

/** The namespaces on the network node, names and ids only (what `ip netns` prints), newest first. */
export function namespaceEntries(cloud: Cloud): readonly NamespaceEntry[] {
  return namespaceList(cloud).entries;
}

/** All namespaces on the network node, newest first (tmpfs directory order); ids by creation. */
export function namespaces(cloud: Cloud): Namespace[] {
  return namespaceList(cloud).entries.map((e) => deriveNamespace(cloud, e));
}

/** One namespace by name, derived alone (only its own ports, subnets and floating IPs are read). */
export function findNamespace(cloud: Cloud, name: string): Namespace | undefined {
  const e = namespaceList(cloud).byName.get(name);
  return e ? deriveNamespace(cloud, e) : undefined;
}
