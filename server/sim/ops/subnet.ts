/** Subnet operations with Neutron's validation order and messages, subnet-pool allocation and DHCP side effects. */
import { removeById, writable } from '../clone.js';
import { portsOnSubnet } from '../index.js';
import type { Cloud } from '../model/cloud.js';
import type { Network } from '../model/network.js';
import type { AllocationPool, HostRoute, Ipv6Mode, Subnet } from '../model/subnet.js';
import type { Std } from '../model/std.js';
import type { SubnetPool } from '../model/subnet-pool.js';
import { neutronError, SimError } from '../errors.js';
import {
  allocateFromPool,
  hostRoutesProblem,
  cidrContains,
  cidrsOverlap,
  defaultPools,
  formatCidr,
  formatIp,
  parseCidr,
  parseIp,
  validatePools,
  gatewayInvalid,
  sortPools,
  type Cidr,
  type IpRange,
} from '../ipam.js';
import { afterIdDrawn, checkOwner, newStd, touch } from './context.js';
import { checkQuota } from './quota.js';
import { addAutoAddresses, subnetCidr, syncDhcpPort } from './port.js';
import { DEVICE_OWNER } from '../model/port.js';
import { grants } from './rbac.js';
import { segmentById } from '../agents.js';

const PATH = '/v2.0/subnets';
const MAX_DNS = 5;
const MAX_ROUTES = 20;

export interface SubnetCreate {
  name: string;
  networkId: string;
  ipVersion: 4 | 6;
  cidr?: string;
  subnetpoolId?: string;
  useDefaultSubnetpool?: boolean;
  prefixLength?: number;
  /** undefined = auto (first address), null = no gateway. */
  gatewayIp?: string | null;
  allocationPools?: AllocationPool[];
  enableDhcp?: boolean;
  dnsNameservers?: string[];
  hostRoutes?: HostRoute[];
  ipv6RaMode?: Ipv6Mode;
  ipv6AddressMode?: Ipv6Mode;
  description?: string;
  serviceTypes?: string[];
  projectId?: string;
  /** The network segment the subnet is associated with (routed networks), or none. */
  segmentId?: string | null;
}

/** The subnet pool id of IPv6 prefix delegation (neutron-lib's IPV6_PD_POOL_ID), and the prefix its subnets have until one is delegated. */
export const PD_POOL_ID = 'prefix_delegation';
const PD_PROVISIONAL_PREFIX = '::/64';

/** _validate_subnet_for_pd: IPv6, with SLAAC or stateless DHCPv6 for both modes. */
function checkPrefixDelegation(path: string, req: SubnetCreate): void {
  if (req.ipVersion !== 6) throw neutronError.badRequest(path, 'Bad subnets request: Prefix Delegation can only be used with IPv6 subnets..');
  const modes: ReadonlyArray<Ipv6Mode | undefined> = ['slaac', 'dhcpv6-stateless'];
  if (!modes.includes(req.ipv6RaMode)) throw neutronError.badRequest(path, 'Bad subnets request: IPv6 RA Mode must be SLAAC or Stateless for Prefix Delegation..');
  if (!modes.includes(req.ipv6AddressMode)) throw neutronError.badRequest(path, 'Bad subnets request: IPv6 Address Mode must be SLAAC or Stateless for Prefix Delegation..');
}

/**
 * A new subnet may not overlap another of its network (but the ones waiting for a delegated
 * prefix), and all of one IP version come from the same pool (or none).
 */
function checkNetworkFits(c: Cloud, net: Network, cidr: Cidr, poolId: string | null, path: string): void {
  if (c.subnets.some((s) => s.networkId === net.id && s.cidr !== PD_PROVISIONAL_PREFIX && cidrsOverlap(subnetCidr(s), cidr))) {
    throw neutronError.invalidInput(path, `Requested subnet with cidr: ${formatCidr(cidr)} for network: ${net.id} overlaps with another subnet.`);
  }
  if (c.subnets.some((s) => s.networkId === net.id && s.ipVersion === cidr.version && s.subnetpoolId !== poolId)) {
    throw neutronError.badRequest(path, 'Subnets hosted on the same network must be allocated from the same subnet pool.');
  }
}

/**
 * What DHCP cannot serve (Neutron's _validate_subnet, in its order): a prefix too long, a
 * multicast or loopback network, IPv4's 0.0.0.0.
 */
function checkDhcpCidr(path: string, cidr: Cidr): void {
  if ((cidr.version === 4 && cidr.prefix >= 31) || (cidr.version === 6 && cidr.prefix >= 127)) {
    throw neutronError.invalidInput(path, 'Subnet has a prefix length that is incompatible with DHCP service enabled.');
  }
  const within = (outer: string) => {
    const o = parseCidr(outer) as Cidr;
    return o.version === cidr.version && cidr.prefix >= o.prefix && cidrContains(o, cidr.version, cidr.network);
  };
  if (within('224.0.0.0/4') || within('ff00::/8')) throw neutronError.invalidInput(path, 'Multicast IP subnet is not supported if enable_dhcp is True.');
  if (within('127.0.0.0/8') || within('::1/128')) throw neutronError.invalidInput(path, 'Loopback IP subnet is not supported if enable_dhcp is True.');
  // Neutron's message really ends with two periods.
  if (cidr.version === 4 && cidr.network === 0n) throw neutronError.invalidInput(path, "First IP '0.0.0.0' of network is not supported if enable_dhcp is True..");
}

/** A gateway given with the CIDR: of the subnet's IP version, and one the subnet can have. */
function checkGivenGateway(path: string, cidr: Cidr, ipVersion: 4 | 6, raw: string): void {
  const p = parseIp(raw);
  if (p && p.version !== ipVersion) throw neutronError.invalidInput(path, `gateway_ip '${raw}' does not match the ip_version '${ipVersion}'.`);
  if (p) checkGateway(path, cidr, p.value);
}

function checkDnsCount(path: string, servers: readonly string[]): void {
  if (servers.length > MAX_DNS) {
    throw neutronError.badRequest(path, `Unable to complete operation for new subnet. The number of DNS nameservers exceeds the limit ${MAX_DNS}.`);
  }
}

/** The API's check of host_routes (neutron-lib's validate_hostroutes). */
function checkHostRoutes(path: string, routes: readonly HostRoute[]): void {
  const bad = hostRoutesProblem(routes);
  if (bad) throw neutronError.badRequest(path, `Invalid input for host_routes. Reason: ${bad}.`);
}

function checkHostRoutesCount(path: string, routes: readonly unknown[]): void {
  if (routes.length > MAX_ROUTES) {
    throw neutronError.badRequest(path, `Unable to complete operation for new subnet. The number of host routes exceeds the limit ${MAX_ROUTES}.`);
  }
}

/** A DNS server of the other IP version than the subnet's (checked for subnets with a given CIDR). */
function checkDnsVersions(path: string, servers: readonly string[], version: 4 | 6): void {
  for (const d of servers) {
    if (parseIp(d)?.version !== version) {
      throw neutronError.invalidInput(path, `dns_nameserver '${d}' does not match the ip_version '${version}'.`);
    }
  }
}

/** Each host route's next hop, then its destination, of the subnet's IP version (_validate_host_route). */
function checkHostRouteVersions(path: string, routes: readonly HostRoute[], version: 4 | 6): void {
  for (const r of routes) {
    for (const [name, addr] of [['nexthop', r.nexthop], ['destination', r.destination]] as const) {
      const v = name === 'nexthop' ? parseIp(addr)?.version : parseCidr(addr)?.version;
      if (v !== undefined && v !== version) throw neutronError.invalidInput(path, `${name} '${addr}' does not match the ip_version '${version}'.`);
    }
  }
}

function checkIpv6Modes(
  path: string,
  ipVersion: 4 | 6,
  ra: Ipv6Mode | null,
  addr: Ipv6Mode | null,
  dhcp: boolean,
  cidr: Cidr | null,
): void {
  if (ipVersion === 4) {
    if (ra !== null) throw neutronError.invalidInput(path, 'ipv6_ra_mode is not valid when ip_version is 4.');
    if (addr !== null) throw neutronError.invalidInput(path, 'ipv6_address_mode is not valid when ip_version is 4.');
    return;
  }
  if (!dhcp && (ra !== null || addr !== null)) {
    throw neutronError.invalidInput(path, 'ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False.');
  }
  if (ra !== null && addr !== null && ra !== addr) {
    throw neutronError.invalidInput(
      path,
      `ipv6_ra_mode set to '${ra}' with ipv6_address_mode set to '${addr}' is not valid. If both attributes are set, they must be the same value.`,
    );
  }
  const auto = addr === 'slaac' || addr === 'dhcpv6-stateless' || ra === 'slaac' || ra === 'dhcpv6-stateless';
  if (auto && cidr && cidr.prefix !== 64) {
    throw neutronError.invalidInput(
      path,
      `Invalid CIDR ${formatCidr(cidr)} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64.`,
    );
  }
}

/** The API's check of allocation_pools: each start, then end, must be an IP address. */
function checkPoolAddresses(path: string, pools: readonly AllocationPool[]): void {
  for (const p of pools) {
    for (const a of [p.start, p.end]) {
      if (!parseIp(a)) throw neutronError.badRequest(path, `Invalid input for allocation_pools. Reason: '${a}' is not a valid IP address.`);
    }
  }
}

/**
 * The pools as ranges, as Neutron's IPAM makes them: a start and end of two IP versions make no
 * range (the pool as given is not valid), a range of the other version than the subnet's neither.
 */
function poolsToRanges(pools: AllocationPool[], version: 4 | 6, path: string): IpRange[] {
  checkPoolAddresses(path, pools);
  return pools.map((p) => {
    const s = parseIp(p.start) as { version: 4 | 6; value: bigint };
    const e = parseIp(p.end) as { version: 4 | 6; value: bigint };
    if (s.version !== e.version) throw neutronError.badRequest(path, `The allocation pool {'start': '${p.start}', 'end': '${p.end}'} is not valid.`);
    if (s.version !== version) throw neutronError.badRequest(path, `The allocation pool ${p.start}-${p.end} is not valid.`);
    return { start: s.value, end: e.value };
  });
}

function rangesToPools(version: 4 | 6, ranges: IpRange[]): AllocationPool[] {
  return ranges.map((r) => ({ start: formatIp(version, r.start), end: formatIp(version, r.end) }));
}

function checkGateway(path: string, cidr: Cidr, gw: bigint): void {
  // An IPv4 gateway may not be the first or last address of the block, whatever its size.
  if (gatewayInvalid(cidr, gw)) throw neutronError.invalidInput(path, 'Gateway is not valid on subnet.');
}

function parseUserCidr(path: string, raw: string): Cidr {
  const c = parseCidr(raw);
  if (!c) throw neutronError.invalidInput(path, `${raw} is not in a CIDR format.`);
  return c;
}

/** `deferDhcp`: fixtures wire DHCP ports after their VMs (the blog's VMs hold the .2 addresses). */
/** The CIDR a pool gives a subnet: the one asked for, or the first free one of the prefix length. */
function allocateFrom(c: Cloud, pool: SubnetPool, cidr: Cidr | null, prefixLength: number | undefined, path: string): Cidr {
  const prefixLen = cidr !== null ? cidr.prefix : (prefixLength ?? pool.defaultPrefixlen);
  const maxBits = pool.ipVersion === 4 ? 32 : 128;
  // A prefix length asked alone makes an address of the pool's version first; a given CIDR is
  // only measured against the pool's limits (its version is not checked: it comes from a pool).
  if (cidr === null && prefixLen > maxBits) {
    throw neutronError.badRequest(path, `invalid IPNetwork ${pool.ipVersion === 4 ? '0.0.0.0' : '::'}/${prefixLen}`);
  }
  if (prefixLen > pool.maxPrefixlen) {
    throw neutronError.badRequest(path, `Unable to allocate subnet with prefix length ${prefixLen}, maximum allowed prefix is ${pool.maxPrefixlen}.`);
  }
  if (prefixLen < pool.minPrefixlen) {
    throw neutronError.badRequest(path, `Unable to allocate subnet with prefix length ${prefixLen}, minimum allowed prefix is ${pool.minPrefixlen}.`);
  }
  const prefixes = pool.prefixes.map((p) => parseCidr(p)).filter((p): p is Cidr => p !== null);
  const allocated = c.subnets.filter((s) => s.subnetpoolId === pool.id).map(subnetCidr);
  const got = allocateFromPool(prefixes, allocated, cidr !== null ? { cidr } : { prefixLen });
  if (!got.ok) throw got.status === 500 ? neutronError.server(path, got.message) : neutronError.badRequest(path, got.message);
  return got.cidr;
}

/**
 * How Neutron stores a new list of routes (a subnet's host routes, a router's routes): it deletes
 * the ones no longer asked for and adds the new ones, so the kept ones stay where they were and
 * the new ones come last (in the order asked: Neutron's own order among them is a Python set's).
 */
export function mergeRoutes<T extends { destination: string; nexthop: string }>(old: readonly T[], asked: readonly T[]): T[] {
  const same = (a: T, b: T) => a.destination === b.destination && a.nexthop === b.nexthop;
  const added: T[] = [];
  for (const r of asked) if (!old.some((o) => same(o, r)) && !added.some((a) => same(a, r))) added.push({ ...r });
  return [...old.filter((o) => asked.some((r) => same(o, r))).map((o) => ({ ...o })), ...added];
}

export function createSubnet(c: Cloud, req: SubnetCreate, opts: { deferDhcp?: boolean } = {}): Subnet {
  const path = PATH;
  const net = c.networks.find((n) => n.id === req.networkId);
  if (!net) throw neutronError.notFound(path, `Network ${req.networkId} could not be found.`);
  const projectId = req.projectId ?? c.auth.projectId;
  if (!c.auth.admin && net.projectId !== c.auth.projectId && !net.shared && !grants(c, 'network', net.id, 'access_as_shared', c.auth.projectId)) {
    throw neutronError.forbidden(path, `Tenant ${c.auth.projectId} not allowed to create subnet on this network`);
  }
  let cidr: Cidr | null = null;
  if (req.cidr !== undefined) cidr = parseUserCidr(path, req.cidr);
  // The CIDR's IP version is the plugin's check (below), after every attribute's own.
  const versionOfCidr = (given: Cidr) => {
    if (given.version !== req.ipVersion) {
      throw neutronError.invalidInput(path, `cidr '${req.cidr}' does not match the ip_version '${req.ipVersion}'.`);
    }
  };
  // The API checks the attributes in the order of Neutron's attribute map.
  if (req.gatewayIp !== undefined && req.gatewayIp !== null && !parseIp(req.gatewayIp)) {
    throw neutronError.badRequest(path, `Invalid input for gateway_ip. Reason: '${req.gatewayIp}' is not a valid IP address.`);
  }
  checkPoolAddresses(path, req.allocationPools ?? []);
  for (const d of req.dnsNameservers ?? []) {
    if (!parseIp(d)) throw neutronError.badRequest(path, `Invalid input for dns_nameservers. Reason: '${d}' is not a valid nameserver. '${d}' is not a valid IP address.`);
  }
  checkHostRoutes(path, req.hostRoutes ?? []);
  checkQuota(c, 'subnet', projectId, c.subnets.filter((s) => s.projectId === projectId).length, path);

  // Subnet pools (Neutron's ipam "subnet request" factory).
  if (cidr !== null && req.prefixLength !== undefined) {
    throw neutronError.badRequest(path, 'Bad subnets request: cidr and prefixlen must not be supplied together.');
  }
  let poolId: string | null = req.subnetpoolId ?? null;
  if (poolId === null && req.useDefaultSubnetpool) {
    // The default pool of the CIDR's version when one is given, else of ip_version.
    const version = cidr?.version ?? req.ipVersion;
    const def = c.subnetPools.find((p) => p.isDefault && p.ipVersion === version);
    if (!def) throw neutronError.badRequest(path, `Bad subnets request: No default subnetpool found for IPv${version}.`);
    poolId = def.id;
  }
  if (poolId === null && cidr === null) {
    throw neutronError.badRequest(path, 'Bad subnets request: a subnetpool must be specified in the absence of a cidr.');
  }
  // validate_pools_with_subnetpool: pools only for a given CIDR (Neutron's message ends with two periods).
  if (poolId !== null && cidr === null && req.allocationPools !== undefined) {
    throw neutronError.badRequest(path, 'Bad subnets request: allocation_pools allowed only for specific subnet requests..');
  }
  // IPv6 prefix delegation: with a CIDR, an ordinary subnet; without, one on the provisional
  // prefix (::/64) until the delegated one comes, validated only for what PD needs.
  let pd = false;
  if (poolId === PD_POOL_ID && cidr !== null) poolId = null;
  else if (poolId === PD_POOL_ID) {
    checkPrefixDelegation(path, req);
    pd = true;
    cidr = parseCidr(PD_PROVISIONAL_PREFIX) as Cidr;
  }
  if (poolId !== null && !pd) {
    const pool = c.subnetPools.find((p) => p.id === poolId);
    if (!pool) throw neutronError.notFound(path, `Subnet pool ${poolId} could not be found.`);
    if (pool.ipVersion !== req.ipVersion) {
      throw neutronError.badRequest(path, `Bad subnets request: Cannot allocate IPv${req.ipVersion} subnet from IPv${pool.ipVersion} subnet pool.`);
    }
    // Neutron draws the subnet's id before the pool allocates its prefix.
    cidr = afterIdDrawn(c, () => allocateFrom(c, pool, cidr, req.prefixLength, path));
  }
  if (cidr === null) throw neutronError.badRequest(path, 'Bad subnets request: a subnetpool must be specified in the absence of a cidr.');
  // _validate_subnet starts with the CIDR's version (a subnet with a given CIDR only).
  if (poolId === null) versionOfCidr(cidr);
  const dhcp = req.enableDhcp ?? true;
  if (dhcp) checkDhcpCidr(path, cidr);
  if (cidr.prefix === 0) throw neutronError.invalidInput(path, '0 is not allowed as CIDR prefix length.');
  if (cidr.version === 6 && cidr.network === 0n && !pd) {
    throw neutronError.invalidInput(path, "IPv6 subnet '::' is not supported");
  }
  // Neutron validates a subnet with a given CIDR only (_validate_subnet): its gateway, then its
  // DNS servers, host routes and IPv6 modes. One from a pool keeps the modes only when it is an
  // IPv6 subnet with DHCP, and drops them silently otherwise.
  if (poolId === null) {
    if (req.gatewayIp !== undefined && req.gatewayIp !== null) checkGivenGateway(path, cidr, req.ipVersion, req.gatewayIp);
    checkDnsCount(path, req.dnsNameservers ?? []);
    checkDnsVersions(path, req.dnsNameservers ?? [], cidr.version);
    checkHostRoutesCount(path, req.hostRoutes ?? []);
    checkHostRouteVersions(path, req.hostRoutes ?? [], cidr.version);
    checkIpv6Modes(path, req.ipVersion, req.ipv6RaMode ?? null, req.ipv6AddressMode ?? null, dhcp, cidr);
  }
  const keepModes = poolId === null || (req.ipVersion === 6 && dhcp);
  // Gateway "auto": the first host address for IPv4 and for IPv6 subnets taken from a pool;
  // for an explicit IPv6 CIDR Zed picks the subnet-router anycast address (the network itself).
  let gw: bigint | null;
  if (req.gatewayIp === undefined) {
    gw = cidr.version === 6 && (poolId === null || pd) ? cidr.network : cidr.network + 1n;
    if (cidr.version === 4 && cidr.prefix === 31) {
      throw neutronError.conflict(path, `Gateway IP ${formatIp(4, gw)} cannot be allocated in CIDR ${formatCidr(cidr)}`);
    }
  }
  else if (req.gatewayIp === null) gw = null;
  else {
    const p = parseIp(req.gatewayIp);
    if (!p || p.version !== cidr.version) {
      throw neutronError.badRequest(path, `Invalid input for gateway_ip. Reason: '${req.gatewayIp}' is not a valid IP address.`);
    }
    gw = p.value;
    checkGateway(path, cidr, gw);
  }
  let ranges: IpRange[];
  if (req.allocationPools !== undefined && req.allocationPools.length > 0) {
    // Neutron keeps user-given pools in address order.
    ranges = sortPools(poolsToRanges(req.allocationPools, cidr.version, path));
    const bad = validatePools(cidr, ranges, gw);
    if (bad) throw bad.status === 409 ? neutronError.conflict(path, bad.message) : neutronError.badRequest(path, bad.message);
  } else {
    ranges = defaultPools(cidr, gw);
  }
  // Checked when Neutron saves the subnet, which has its id by then.
  afterIdDrawn(c, () => checkNetworkFits(c, net, cidr as Cidr, poolId, path));
  checkDnsCount(path, req.dnsNameservers ?? []);
  checkHostRoutesCount(path, req.hostRoutes ?? []);
  const segmentId = req.segmentId ?? null;
  // save_subnet looks the segment up before it stores the subnet, and checks the association after.
  afterIdDrawn(c, () => {
    if (segmentId !== null && !segmentById(c, segmentId)) throw new SimError(404, `Segment ${segmentId} could not be found.`, path, 'network', 'SegmentNotFound');
    checkSegments(c, net.id, path, [...segmentIds(c, net.id), ...((req.serviceTypes ?? []).includes(ROUTED) ? [] : [segmentId])], segmentId);
  });
  const std = newStd(c, req.name, projectId, req.description ?? '', 0);
  const subnet: Subnet = Object.assign<Std, Omit<Subnet, keyof Std>>(std, {
    networkId: net.id,
    ipVersion: req.ipVersion,
    cidr: formatCidr(cidr),
    gatewayIp: gw === null ? null : formatIp(cidr.version, gw),
    allocationPools: rangesToPools(cidr.version, ranges),
    enableDhcp: dhcp,
    dnsNameservers: [...(req.dnsNameservers ?? [])],
    hostRoutes: (req.hostRoutes ?? []).map((r) => ({ ...r })),
    ipv6RaMode: keepModes ? (req.ipv6RaMode ?? null) : null,
    ipv6AddressMode: keepModes ? (req.ipv6AddressMode ?? null) : null,
    subnetpoolId: poolId,
    serviceTypes: [...(req.serviceTypes ?? [])],
    segmentId,
  });
  c.subnets.push(subnet);
  // The network's revision moves: made the draft's own first (it may share the others, clone.ts).
  const owned = writable(c, 'networks', net);
  touch(c, owned);
  addAutoAddresses(c, subnet);
  if (!opts.deferDhcp) syncDhcpPort(c, owned);
  return subnet;
}

export interface SubnetUpdate {
  name?: string;
  description?: string;
  enableDhcp?: boolean;
  gatewayIp?: string | null;
  allocationPools?: AllocationPool[];
  dnsNameservers?: string[];
  hostRoutes?: HostRoute[];
  serviceTypes?: string[];
  segmentId?: string | null;
}

/** The device owner of a routed network's router port: subnets of that service type have no say in the network's segments. */
const ROUTED = 'network:routed';

/** get_subnet_segment_ids: the segment of each subnet of the network (null for none), but the routed ports' subnets. */
function segmentIds(c: Cloud, networkId: string): Array<string | null> {
  return c.subnets.filter((s) => s.networkId === networkId && !s.serviceTypes.includes(ROUTED)).map((s) => s.segmentId);
}

const segmentError = (status: number, type: string, message: string, path: string) => new SimError(status, message, path, 'network', type);

/**
 * _validate_segment (ipam_backend_mixin): a network's subnets are all associated with segments or
 * none is; an update may only associate the only subnet of a network that has none; the segment
 * must be the subnet's network's. `segments` is what the network's subnets say once the write is
 * stored (a create) or before it (an update, with `old` the subnet's segment).
 */
function checkSegments(c: Cloud, networkId: string, path: string, segments: Array<string | null>, segmentId: string | null, update?: { old: string | null }): void {
  const associated = new Set(segments);
  const notAll = () =>
    segmentError(400, 'SubnetsNotAllAssociatedWithSegments', `All of the subnets on network '${networkId}' must either all be associated with segments or all not associated with any segment.`, path);
  if (associated.has(null) && associated.size > 1) throw notAll();
  if (update && update.old !== segmentId) {
    if (segments.length > 1) throw notAll();
    if (!associated.has(null) && !associated.has(segmentId)) {
      throw segmentError(400, 'SubnetSegmentAssociationChangeNotAllowed', 'A subnet that is already associated with a segment cannot have its segment association changed.', path);
    }
  }
  if (segmentId !== null) {
    const segment = segmentById(c, segmentId);
    // An update names a segment that does not exist: Neutron reads an attribute of None (its 500).
    if (!segment) throw segmentError(500, 'HTTPInternalServerError', 'Request Failed: internal server error while processing your request.', path);
    if (segment.network.id !== networkId) {
      throw segmentError(400, 'NetworkIdsDontMatch', `The subnet's network id, '${networkId}', doesn't match the network_id of segment '${segmentId}'`, path);
    }
  }
}

/** Subnets belong to their network's owner for updates and deletes (rule:admin_or_network_owner). */
function networkOwner(c: Cloud, s: Subnet): string {
  return c.networks.find((n) => n.id === s.networkId)?.projectId ?? s.projectId;
}

export function updateSubnet(c: Cloud, s: Subnet, upd: SubnetUpdate): Subnet {
  const path = `${PATH}/${s.id}`;
  // The API's checks of the attributes (in the order of Neutron's attribute map), then the policy.
  if (upd.gatewayIp !== undefined && upd.gatewayIp !== null && !parseIp(upd.gatewayIp)) {
    throw neutronError.badRequest(path, `Invalid input for gateway_ip. Reason: '${upd.gatewayIp}' is not a valid IP address.`);
  }
  if (upd.allocationPools !== undefined) checkPoolAddresses(path, upd.allocationPools);
  if (upd.hostRoutes !== undefined) checkHostRoutes(path, upd.hostRoutes);
  checkOwner(c, networkOwner(c, s), path, 'update_subnet');
  const cidr = subnetCidr(s);
  let gw: bigint | null = s.gatewayIp === null ? null : (parseIp(s.gatewayIp)?.value ?? null);
  if (upd.gatewayIp !== undefined) {
    // _validate_subnet: the new gateway's IP version and place first, then whether the old one is in use.
    if (upd.gatewayIp !== null) checkGivenGateway(path, cidr, s.ipVersion, upd.gatewayIp);
    if (s.gatewayIp !== null) {
      const user = c.ports.find(
        (p) => p.deviceOwner.startsWith(DEVICE_OWNER.routerInterface) && p.fixedIps.some((f) => f.subnetId === s.id && f.ipAddress === s.gatewayIp),
      );
      if (user && upd.gatewayIp !== s.gatewayIp) {
        throw neutronError.conflict(path, `Current gateway ip ${s.gatewayIp} already in use by port ${user.id}. Unable to update.`);
      }
    }
    if (upd.gatewayIp === null) gw = null;
    else {
      gw = (parseIp(upd.gatewayIp) as { value: bigint }).value;
    }
  }
  if (upd.segmentId !== undefined) checkSegments(c, s.networkId, path, segmentIds(c, s.networkId), upd.segmentId, { old: s.segmentId });
  if (upd.enableDhcp === false && (s.ipv6AddressMode !== null || s.ipv6RaMode !== null)) {
    throw neutronError.badRequest(path, 'Cannot disable enable_dhcp with ipv6 attributes set');
  }
  if (upd.enableDhcp === true && ((cidr.version === 4 && cidr.prefix >= 31) || (cidr.version === 6 && cidr.prefix >= 127))) {
    throw neutronError.invalidInput(path, 'Subnet has a prefix length that is incompatible with DHCP service enabled.');
  }
  if (upd.dnsNameservers !== undefined && upd.dnsNameservers.length > MAX_DNS) {
    throw neutronError.badRequest(path, `Unable to complete operation for ${s.id}. The number of DNS nameservers exceeds the limit ${MAX_DNS}.`);
  }
  if (upd.dnsNameservers !== undefined) checkDnsVersions(path, upd.dnsNameservers, s.ipVersion);
  if (upd.hostRoutes !== undefined && upd.hostRoutes.length > MAX_ROUTES) {
    throw neutronError.badRequest(path, `Unable to complete operation for ${s.id}. The number of host routes exceeds the limit ${MAX_ROUTES}.`);
  }
  if (upd.hostRoutes !== undefined) checkHostRouteVersions(path, upd.hostRoutes, s.ipVersion);
  if (upd.allocationPools !== undefined) {
    const ranges = poolsToRanges(upd.allocationPools, s.ipVersion, path);
    const bad = validatePools(cidr, ranges, gw);
    if (bad) throw bad.status === 409 ? neutronError.conflict(path, bad.message) : neutronError.badRequest(path, bad.message);
    s.allocationPools = rangesToPools(s.ipVersion, ranges);
  } else if (upd.gatewayIp !== undefined && gw !== null) {
    const ranges = s.allocationPools.map((p) => ({ start: parseIp(p.start)?.value ?? 0n, end: parseIp(p.end)?.value ?? 0n }));
    const bad = validatePools(cidr, ranges, gw);
    if (bad) throw neutronError.conflict(path, bad.message);
  }
  if (upd.name !== undefined) s.name = upd.name;
  if (upd.description !== undefined) s.description = upd.description;
  if (upd.gatewayIp !== undefined) s.gatewayIp = gw === null ? null : formatIp(s.ipVersion, gw);
  if (upd.dnsNameservers !== undefined) s.dnsNameservers = [...upd.dnsNameservers];
  if (upd.hostRoutes !== undefined) s.hostRoutes = mergeRoutes(s.hostRoutes, upd.hostRoutes);
  if (upd.serviceTypes !== undefined) s.serviceTypes = [...upd.serviceTypes];
  if (upd.segmentId !== undefined) s.segmentId = upd.segmentId;
  if (upd.enableDhcp !== undefined) s.enableDhcp = upd.enableDhcp;
  touch(c, s);
  const net = c.networks.find((n) => n.id === s.networkId);
  if (net && upd.enableDhcp !== undefined) syncDhcpPort(c, net);
  return s;
}

export function deleteSubnet(c: Cloud, s: Subnet): void {
  const path = `${PATH}/${s.id}`;
  checkOwner(c, networkOwner(c, s), path, 'delete_subnet');
  // The ports with an address on the subnet (all on its network), from the index.
  const onSubnet = portsOnSubnet(c, s.id).filter((p) => p.networkId === s.networkId);
  const blocking = onSubnet.filter((p) => p.deviceOwner !== DEVICE_OWNER.dhcp && p.deviceOwner !== DEVICE_OWNER.distributed);
  // Ports whose only tie is an automatic SLAAC address do not block; Neutron drops those addresses.
  const hard = blocking.filter((p) => !(s.ipVersion === 6 && isSlaacOnly(s) && !p.deviceOwner.startsWith('network:router')));
  if (hard.length > 0) {
    throw neutronError.conflict(path, `Unable to complete operation on subnet ${s.id}: One or more ports have an IP allocation from this subnet.`);
  }
  for (const p of onSubnet) writable(c, 'ports', p).fixedIps = p.fixedIps.filter((f) => f.subnetId !== s.id);
  removeById(c, 'subnets', s.id);
  const found = c.networks.find((n) => n.id === s.networkId);
  if (found) {
    const net = writable(c, 'networks', found);
    touch(c, net);
    syncDhcpPort(c, net);
  }
}

function isSlaacOnly(s: Subnet): boolean {
  return s.ipv6AddressMode === 'slaac' || s.ipv6AddressMode === 'dhcpv6-stateless';
}

