/**
 * The learner's cloud as the topology view draws it: networks, routers, servers and load
 * balancers in creation order, with their ports, addresses and floating IPs, and the namespaces
 * of the network node when the learner has a shell there. Only what the learner's own API calls
 * would list is in it (the same visibility as the CLIs), so another project's routers, the
 * service project's management network and the amphorae never appear.
 *
 * `details` holds each element's `openstack … show` rows; the core does not format, so the CLI
 * layer passes its show projection in (server/workspace/topology.ts).
 *
 * Element ids (the SVG's `data-id`, the keys of `details`, the steps of a packet path):
 * `net:ID`, `subnet:ID`, `router:ID`, `server:ID`, `port:ID`, `fip:ADDRESS`, `lb:ID`,
 * `ns:NAME`, and the fixed ends `internet` and `laptop`.
 */
import type { Cloud } from '../model/cloud.js';
import type { Network } from '../model/network.js';
import type { Port } from '../model/port.js';
import type { Router } from '../model/router.js';
import type { Server } from '../model/compute.js';
import type { FloatingIp } from '../model/floating-ip.js';
import type { LoadBalancer } from '../model/octavia.js';
import { visibleFloatingIps, visibleNetworks, visiblePorts, visibleRouters, visibleSubnets } from '../visibility.js';
import { interfacePorts } from '../ops/router.js';
import { namespaces } from '../dataplane/index.js';
import { loadBalancerDict, visibleLbPools, visibleLoadBalancers, visibleMembers } from './octavia/index.js';

export interface TopoSubnet { id: string; name: string; cidr: string; ipVersion: 4 | 6; gatewayIp: string | null }
export interface TopoNetwork {
  id: string;
  name: string;
  external: boolean;
  shared: boolean;
  status: string;
  subnets: TopoSubnet[];
  /** false: another project's network the learner sees (shared / external) */
  own: boolean;
}
export interface TopoPortLink { portId: string; networkId: string; ips: string[] }
export interface TopoRouter {
  id: string;
  name: string;
  status: string;
  gateway: { networkId: string; ips: string[]; snat: boolean } | null;
  /** qr- ports, one per port (ips: its fixed IPs) */
  interfaces: TopoPortLink[];
}
export interface TopoServer {
  id: string;
  name: string;
  /** ACTIVE, SHUTOFF, BUILD, ERROR… */
  status: string;
  ports: Array<TopoPortLink & { floatingIps: string[] }>;
}
export interface TopoLoadBalancer {
  id: string;
  name: string;
  vipAddress: string;
  vipNetworkId: string;
  vipPortId: string;
  provisioningStatus: string;
  operatingStatus: string;
  floatingIps: string[];
  members: Array<{ address: string; serverId: string | null; poolName: string }>;
}
export interface TopoNamespace { host: string; name: string; kind: 'qrouter' | 'qdhcp'; ofId: string }
/** `rows`: what the show prints; absent in the socket's topology (the page asks for one element's rows on click). */
export interface TopoDetail { command: string; rows?: Array<[string, string]> }
export interface Topology {
  /** creation order (stdAttrId), so a new one is appended */
  networks: TopoNetwork[];
  routers: TopoRouter[];
  servers: TopoServer[];
  loadBalancers: TopoLoadBalancer[];
  /** only when the session has the network node (host `network`); else [] */
  namespaces: TopoNamespace[];
  /** Per element id: the command `openstack <kind> show NAME`, and (when asked for) the rows it prints. */
  details: Record<string, TopoDetail>;
}

/** The `openstack` objects whose `show` the details panel repeats. */
export type ShowKind = 'network' | 'subnet' | 'router' | 'server' | 'port' | 'floating ip' | 'loadbalancer';

/**
 * The rows `openstack KIND show ID` prints in its table (field, value as the table shows it).
 * The CLI layer gives it: formatting is the CLI's, and the core does not depend on it.
 */
export type ShowRows = (cloud: Cloud, kind: ShowKind, id: string) => Array<[string, string]>;

/** The host whose namespaces are listed, when the session has a shell on it. */
const NETWORK_HOST = 'network';

/**
 * The topology the learner sees. `hosts`: the machines the session has a shell on (besides VMs);
 * `show`: the CLI's show projection, to fill every element's `details` rows (absent: commands only,
 * the rows of one element come from `elementRows` when the learner opens it).
 */
export function topologyOf(cloud: Cloud, hosts: readonly string[], show?: ShowRows): Topology {
  const ports = new Map(visiblePorts(cloud).map((p) => [p.id, p]));
  const fips = attachedFips(cloud);
  const subnets = subnetsByNetwork(cloud);
  const networks = byCreation(visibleNetworks(cloud)).map((n) => networkOf(cloud, n, subnets.get(n.id) ?? []));
  const routers = byCreation(visibleRouters(cloud)).map((r) => routerOf(cloud, r));
  const servers = visibleServers(cloud).map((s) => serverOf(s, ports, fips));
  const loadBalancers = visibleLoadBalancers(cloud).map((lb) => loadBalancerOf(cloud, lb, servers, fips));
  return {
    networks,
    routers,
    servers,
    loadBalancers,
    namespaces: hosts.includes(NETWORK_HOST) ? namespacesOf(cloud, new Set([...networks, ...routers].map((x) => x.id))) : [],
    details: detailsOf(cloud, show, { networks, routers, servers, loadBalancers }, ports),
  };
}

function byCreation<T extends { stdAttrId: number }>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => a.stdAttrId - b.stdAttrId);
}

/** Floating IPs mapped to a port, by port id, in creation order. */
function attachedFips(cloud: Cloud): Map<string, FloatingIp[]> {
  const out = new Map<string, FloatingIp[]>();
  for (const f of byCreation(visibleFloatingIps(cloud))) {
    if (f.portId === null) continue;
    const list = out.get(f.portId);
    if (list) list.push(f);
    else out.set(f.portId, [f]);
  }
  return out;
}

function addresses(fips: Map<string, FloatingIp[]>, portId: string): string[] {
  return (fips.get(portId) ?? []).map((f) => f.floatingIpAddress);
}

/** The subnets the learner sees, by network, in creation order. */
function subnetsByNetwork(cloud: Cloud): Map<string, TopoSubnet[]> {
  const out = new Map<string, TopoSubnet[]>();
  for (const s of byCreation(visibleSubnets(cloud))) {
    const sub: TopoSubnet = { id: s.id, name: s.name, cidr: s.cidr, ipVersion: s.ipVersion, gatewayIp: s.gatewayIp };
    const list = out.get(s.networkId);
    if (list) list.push(sub);
    else out.set(s.networkId, [sub]);
  }
  return out;
}

function networkOf(cloud: Cloud, n: Network, subnets: TopoSubnet[]): TopoNetwork {
  return {
    id: n.id,
    name: n.name,
    external: n.external,
    shared: n.shared,
    status: n.status,
    subnets,
    own: n.projectId === cloud.auth.projectId,
  };
}

function linkOf(p: Port): TopoPortLink {
  return { portId: p.id, networkId: p.networkId, ips: p.fixedIps.map((f) => f.ipAddress) };
}

function routerOf(cloud: Cloud, r: Router): TopoRouter {
  const g = r.gateway;
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    gateway: g ? { networkId: g.networkId, ips: g.externalFixedIps.map((f) => f.ipAddress), snat: g.enableSnat } : null,
    interfaces: byCreation(interfacePorts(cloud, r)).map(linkOf),
  };
}

/** The servers `openstack server list` shows: the learner's project's (admins too, without --all-projects). */
function visibleServers(cloud: Cloud): Server[] {
  return cloud.servers.filter((s) => s.projectId === cloud.auth.projectId);
}

function serverOf(s: Server, ports: Map<string, Port>, fips: Map<string, FloatingIp[]>): TopoServer {
  const nics = s.nics.flatMap((nic) => {
    const p = ports.get(nic.portId);
    // Not a spread of linkOf: a key added after a spread is slow in Node 20.
    return p ? [{ portId: p.id, networkId: p.networkId, ips: p.fixedIps.map((f) => f.ipAddress), floatingIps: addresses(fips, p.id) }] : [];
  });
  return { id: s.id, name: s.name, status: s.status, ports: nics };
}

function loadBalancerOf(cloud: Cloud, lb: LoadBalancer, servers: readonly TopoServer[], fips: Map<string, FloatingIp[]>): TopoLoadBalancer {
  const d = loadBalancerDict(cloud, lb);
  const members = visibleLbPools(cloud)
    .filter((p) => p.loadbalancerId === lb.id)
    .flatMap((pool) =>
      visibleMembers(cloud, pool.id).map((m) => ({
        address: m.address,
        serverId: servers.find((s) => s.ports.some((p) => p.ips.includes(m.address)))?.id ?? null,
        poolName: pool.name,
      })),
    );
  return {
    id: lb.id,
    name: lb.name,
    vipAddress: lb.vipAddress,
    vipNetworkId: lb.vipNetworkId,
    vipPortId: lb.vipPortId,
    provisioningStatus: String(d['provisioning_status']),
    operatingStatus: String(d['operating_status']),
    floatingIps: addresses(fips, lb.vipPortId),
    members,
  };
}

/**
 * The network node's namespaces (what `ip netns` lists there), oldest first so new ones append;
 * only those of drawn routers and networks (a root shell on the node sees every project's).
 */
function namespacesOf(cloud: Cloud, drawn: ReadonlySet<string>): TopoNamespace[] {
  return namespaces(cloud)
    .reverse()
    .filter((ns) => drawn.has(ns.objectId))
    .map((ns) => ({
      host: NETWORK_HOST,
      name: ns.name,
      kind: ns.kind,
      ofId: ns.kind === 'qrouter' ? `router:${ns.objectId}` : `net:${ns.objectId}`,
    }));
}

/** A word the emulated shell reads back as itself. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9._:@/+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * How show commands name the resources of one kind: by name when it is unique among those the
 * learner can list (the CLI finds it), else by id; by id too when the name would read as an
 * option (`-x`) or holds a control character (a command line cannot carry it).
 */
function namer(all: ReadonlyArray<{ name: string }>): (item: { id: string; name: string }) => string {
  const counts = new Map<string, number>();
  for (const x of all) counts.set(x.name, (counts.get(x.name) ?? 0) + 1);
  const usable = (name: string) => name !== '' && counts.get(name) === 1 && !name.startsWith('-') && !/[\x00-\x1f\x7f]/.test(name);
  return (item) => shellWord(usable(item.name) ? item.name : item.id);
}

/** `details`: one show per drawn element the learner may show (ports by id: they seldom have a name). */
/** The show behind an element id of the topology: its kind and the id (or address) it looks up. */
const SHOWN_BY_PREFIX: Record<string, ShowKind> = { net: 'network', subnet: 'subnet', router: 'router', server: 'server', port: 'port', fip: 'floating ip', lb: 'loadbalancer' };

/**
 * The rows of one element's show, if the topology draws it (null otherwise: an element the learner
 * cannot see, or no element at all, is never shown).
 */
export function elementRows(cloud: Cloud, t: Topology, elementId: string, show: ShowRows): Array<[string, string]> | null {
  if (!Object.hasOwn(t.details, elementId)) return null;
  const at = elementId.indexOf(':');
  const kind = SHOWN_BY_PREFIX[elementId.slice(0, at)];
  return kind === undefined ? null : show(cloud, kind, elementId.slice(at + 1));
}

function detailsOf(cloud: Cloud, show: ShowRows | undefined, t: Omit<Topology, 'details' | 'namespaces'>, ports: Map<string, Port>): Record<string, TopoDetail> {
  const out: Record<string, TopoDetail> = {};
  const add = (elementId: string, kind: ShowKind, id: string, ref: string) => {
    out[elementId] = show ? { command: `openstack ${kind} show ${ref}`, rows: show(cloud, kind, id) } : { command: `openstack ${kind} show ${ref}` };
  };
  const port = (portId: string) => {
    if (ports.has(portId)) add(`port:${portId}`, 'port', portId, portId);
  };
  const fip = (address: string) => add(`fip:${address}`, 'floating ip', address, address);
  const net = namer(t.networks);
  const subnet = namer(visibleSubnets(cloud));
  for (const n of t.networks) {
    add(`net:${n.id}`, 'network', n.id, net(n));
    for (const s of n.subnets) add(`subnet:${s.id}`, 'subnet', s.id, subnet(s));
  }
  const router = namer(t.routers);
  for (const r of t.routers) {
    add(`router:${r.id}`, 'router', r.id, router(r));
    r.interfaces.forEach((i) => port(i.portId));
  }
  const server = namer(t.servers);
  for (const s of t.servers) {
    add(`server:${s.id}`, 'server', s.id, server(s));
    for (const p of s.ports) {
      port(p.portId);
      p.floatingIps.forEach(fip);
    }
  }
  const lbName = namer(t.loadBalancers);
  for (const lb of t.loadBalancers) {
    add(`lb:${lb.id}`, 'loadbalancer', lb.id, lbName(lb));
    lb.floatingIps.forEach(fip);
  }
  return out;
}
