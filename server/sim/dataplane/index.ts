/**
 * Derived data-plane views of a Cloud (ML2/OVS, legacy L3 agent, Zed): namespaces, devices,
 * addresses, routes and iptables. Pure: recomputed from the Cloud on every call.
 */
import type { Cloud } from '../model/cloud.js';
import type { Port } from '../model/port.js';
import type { Router } from '../model/router.js';
import type { Subnet } from '../model/subnet.js';
import { broadcast, cidrContains, formatIp, parseCidr, parseIp, eui64 } from '../ipam.js';
import { DEVICE_OWNER } from '../model/port.js';

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

export function linkLocal(mac: string): string {
  const ll = parseCidr('fe80::/64');
  return ll ? formatIp(6, eui64(ll, mac)) : 'fe80::';
}

function subnetOf(cloud: Cloud, id: string): Subnet | undefined {
  return cloud.subnets.find((s) => s.id === id);
}

function ifindex(cloud: Cloud, port: Port): number {
  return 10 + cloud.ports.indexOf(port);
}

function v4Addr(address: string, subnet: Subnet | undefined, dev: string): Addr {
  void dev;
  const c = subnet ? parseCidr(subnet.cidr) : null;
  if (c && c.version === 4) return { version: 4, address, prefix: c.prefix, brd: formatIp(4, broadcast(c)), scope: 'global' };
  return { version: 4, address, prefix: 32, brd: address, scope: 'global' };
}

function portDevice(cloud: Cloud, port: Port, prefix: string): Device {
  const name = devName(prefix, port.id);
  const net = cloud.networks.find((n) => n.id === port.networkId);
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
  const internal = cloud.ports.filter((p) => p.deviceId === r.id && p.deviceOwner === DEVICE_OWNER.routerInterface);
  const gateway = cloud.ports.find((p) => p.deviceId === r.id && p.deviceOwner === DEVICE_OWNER.routerGateway);
  return { internal, gateway };
}

export function routerFips(cloud: Cloud, r: Router) {
  return cloud.floatingIps.filter((f) => f.routerId === r.id && f.portId !== null && f.fixedIpAddress !== null);
}

/** Device list with link-local addresses appended (sorted: v4 first, then global v6, then link-local). */
function finish(d: Device): Device {
  const v4 = d.addrs.filter((a) => a.version === 4);
  const v6 = d.addrs.filter((a) => a.version === 6);
  return { ...d, addrs: [...v4, ...v6, { version: 6, address: linkLocal(d.mac), prefix: 64, scope: 'link' }] };
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
  const ports = cloud.ports.filter((p) => p.networkId === networkId && p.deviceOwner === DEVICE_OWNER.dhcp);
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

/** All namespaces on the network node, newest first (tmpfs directory order); ids by creation. */
export function namespaces(cloud: Cloud): Namespace[] {
  const items: Array<{ kind: 'qrouter' | 'qdhcp'; id: string; created: string; seq: number }> = [];
  for (const r of cloud.routers) items.push({ kind: 'qrouter', id: r.id, created: r.createdAt, seq: r.stdAttrId });
  for (const n of cloud.networks) {
    const hasDhcp = cloud.subnets.some((s) => s.networkId === n.id && s.enableDhcp);
    const port = cloud.ports.find((p) => p.networkId === n.id && p.deviceOwner === DEVICE_OWNER.dhcp);
    if (hasDhcp && port) items.push({ kind: 'qdhcp', id: n.id, created: port.createdAt, seq: port.stdAttrId });
  }
  items.sort((a, b) => a.seq - b.seq);
  const out = items.map((it, i) => {
    if (it.kind === 'qrouter') {
      const r = cloud.routers.find((x) => x.id === it.id);
      return r ? routerNamespace(cloud, r, i) : dhcpNamespace(cloud, it.id, i);
    }
    return dhcpNamespace(cloud, it.id, i);
  });
  return out.reverse();
}

export function findNamespace(cloud: Cloud, name: string): Namespace | undefined {
  return namespaces(cloud).find((n) => n.name === name);
}
