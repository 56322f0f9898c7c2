/** Load balancers: create (VIP, amphora), update, delete (with --cascade), failover; quotas. */
import type { Cloud } from '../../model/cloud.js';
import type { LoadBalancer, OctaviaQuota, OctaviaState } from '../../model/octavia.js';
import type { Port } from '../../model/port.js';
import { SimError } from '../../errors.js';
import { newId } from '../context.js';
import { API, authorize, checkText, driversOf, isMutable, lbState, lbWrite, newBase, octaviaError, pend, tagSet } from './common.js';
import { parseIp } from '../../ipam.js';
import { allocateVip, amphoraRecord, plugAmphora, unplugAmphora, vipGroupName } from './neutron.js';
import { portById } from '../../index.js';

export const PROVIDERS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'amphora', description: 'The Octavia Amphora driver.' },
  { name: 'octavia', description: 'Deprecated alias of the Octavia Amphora driver.' },
];

/** The quota names in the API's order, with the resource name QuotaException prints. */
export const QUOTA_KEYS: ReadonlyArray<{ key: keyof OctaviaQuota; api: string; resource: string }> = [
  { key: 'loadBalancer', api: 'load_balancer', resource: 'Load Balancer' },
  { key: 'listener', api: 'listener', resource: 'Listener' },
  { key: 'pool', api: 'pool', resource: 'Pool' },
  { key: 'healthMonitor', api: 'health_monitor', resource: 'Health Monitor' },
  { key: 'member', api: 'member', resource: 'Member' },
  { key: 'l7Policy', api: 'l7policy', resource: 'L7 Policy' },
  { key: 'l7Rule', api: 'l7rule', resource: 'L7 Rule' },
];

/** A project's effective quota (absent = the default, -1: unlimited). */
export function quotaOf(s: OctaviaState, projectId: string, key: keyof OctaviaQuota): number {
  return s.quotas[projectId]?.[key] ?? -1;
}

/** QuotaException (403) when the project already has as many objects as its quota allows. */
export function checkLbQuota(c: Cloud, projectId: string, key: keyof OctaviaQuota, used: number): void {
  const s = lbWrite(c);
  // Octavia makes the project's quota record (all None) the first time it checks it.
  if (!s.quotas[projectId]) s.quotas = { ...s.quotas, [projectId]: {} };
  const limit = quotaOf(s, projectId, key);
  if (limit >= 0 && used >= limit) {
    const resource = QUOTA_KEYS.find((q) => q.key === key)?.resource ?? key;
    throw octaviaError(403, `Quota has been met for resources: ${resource}`);
  }
}

export interface LoadBalancerCreate {
  name: string;
  description: string;
  adminStateUp: boolean;
  vipSubnetId: string | null;
  /** Required when no subnet and no port is given. */
  vipNetworkId: string | null;
  vipPortId: string | null;
  vipAddress?: string;
  provider?: string;
  flavorId?: string;
  availabilityZone?: string;
  projectId?: string;
  tags: string[];
}

/** The no-op network driver's VIP (the oracle): its address unless one is given. */
const NOOP_VIP = '198.51.100.1';

function checkProvider(provider: string | undefined): string {
  const p = provider ?? 'amphora';
  if (!PROVIDERS.some((x) => x.name === p)) throw octaviaError(400, `Provider '${p}' is not enabled.`, `${API}/loadbalancers`);
  return p;
}

/**
 * Where the VIP goes (Octavia's _validate_port_and_fill_or_validate_subnet and friends): a given
 * port's address in the given subnet, or its given address, or its only address; else the given
 * subnet (and address); else the network's first IPv4 subnet. The no-op network driver's ports
 * have no fixed IPs, so there a port alone cannot place the VIP.
 */
function vipPlacement(c: Cloud, r: LoadBalancerCreate): { networkId: string; subnetId: string; address?: string; portId?: string } {
  if (r.vipPortId !== null) {
    const port = portById(c, r.vipPortId);
    const ips = port && driversOf(c) === 'amphora' ? port.fixedIps : [];
    const at = (ip: { subnetId: string; ipAddress: string } | undefined, message: string) => {
      if (!ip || !port) throw octaviaError(400, `Validation failure: ${message}`, `${API}/loadbalancers`);
      return { networkId: port.networkId, subnetId: ip.subnetId, address: ip.ipAddress, portId: port.id };
    };
    if (r.vipSubnetId !== null) return at(ips.find((f) => f.subnetId === r.vipSubnetId), 'No VIP address found on the specified VIP port within the specified subnet.');
    if (r.vipAddress !== undefined) return at(ips.find((f) => f.ipAddress === r.vipAddress), 'Specified VIP address not found on the specified VIP port.');
    return at(ips.length === 1 ? ips[0] : undefined, "VIP port's subnet could not be determined. Please specify either a VIP subnet or address.");
  }
  if (r.vipSubnetId !== null) {
    const sub = c.subnets.find((s) => s.id === r.vipSubnetId);
    if (!sub) throw octaviaError(400, `Validation failure: Subnet ${r.vipSubnetId} not found.`);
    return { networkId: sub.networkId, subnetId: sub.id, ...(r.vipAddress !== undefined ? { address: r.vipAddress } : {}) };
  }
  const net = r.vipNetworkId ?? '';
  const sub = c.subnets.find((s) => s.networkId === net && s.ipVersion === 4) ?? c.subnets.find((s) => s.networkId === net);
  if (!sub) throw octaviaError(400, 'Validation failure: Supplied network does not contain a subnet.');
  return { networkId: net, subnetId: sub.id, ...(r.vipAddress !== undefined ? { address: r.vipAddress } : {}) };
}

export function createLoadBalancer(c: Cloud, r: LoadBalancerCreate): LoadBalancer {
  checkText('name', r.name);
  checkText('description', r.description);
  if (r.vipAddress !== undefined && parseIp(r.vipAddress) === null) {
    throw octaviaError(400, `Invalid input for field/attribute vip_address. Value: '${r.vipAddress}'. Value should be IPv4 or IPv6 format`);
  }
  authorize(c, 'write');
  const projectId = r.projectId ?? c.auth.projectId;
  const provider = checkProvider(r.provider);
  checkLbQuota(c, projectId, 'loadBalancer', lbState(c).loadBalancers.filter((l) => l.projectId === projectId).length);
  const s = lbWrite(c);
  const id = newId(c);
  const lb: LoadBalancer = Object.assign(newBase(c, id, r.name, r.description, projectId, r.adminStateUp, 'OFFLINE'), {
    vipAddress: '',
    vipNetworkId: '',
    vipSubnetId: '',
    vipPortId: '',
    vipQosPolicyId: null,
    provider,
    flavorId: r.flavorId ?? null,
    availabilityZone: r.availabilityZone ?? null,
    amphoraIds: [],
    topology: 'SINGLE' as const,
  });
  lb.tags = tagSet(r.tags);
  if (driversOf(c) === 'noop') placeNoop(c, lb, r);
  else placeAmphora(c, lb, vipPlacement(c, r), s);
  s.loadBalancers.push(lb);
  return lb;
}

/** The oracle's no-op network driver: random network/port ids, 198.51.100.1 unless given. */
function placeNoop(c: Cloud, lb: LoadBalancer, r: LoadBalancerCreate): void {
  if (r.vipPortId !== null) vipPlacement(c, r);
  lb.vipAddress = r.vipAddress ?? NOOP_VIP;
  lb.vipNetworkId = r.vipNetworkId ?? newId(c);
  lb.vipPortId = r.vipPortId ?? newId(c);
  lb.vipSubnetId = r.vipSubnetId ?? newId(c);
  const amp = newId(c);
  lbWrite(c).amphorae.push(noopAmphora(c, amp, lb));
  lb.amphoraIds = [amp];
}

function noopAmphora(c: Cloud, id: string, lb: LoadBalancer): OctaviaState['amphorae'][number] {
  const computeId = newId(c);
  const vrrpPortId = newId(c);
  const haPortId = newId(c);
  return amphoraRecord(c, { id, loadbalancerId: lb.id, computeId, lbNetworkIp: '192.0.2.1', vrrpIp: lb.vipAddress, haIp: lb.vipAddress, vrrpPortId, haPortId, createdAt: lb.createdAt, updatedAt: lb.createdAt });
}

/** A real cloud: the VIP port from the subnet, the VIP group and an amphora on the VIP network. */
function placeAmphora(c: Cloud, lb: LoadBalancer, where: ReturnType<typeof vipPlacement>, s: OctaviaState): void {
  const net = c.networks.find((n) => n.id === where.networkId);
  if (net && !net.portSecurityEnabled) throw providerError(lb, 'Port security must be enabled on the VIP network.');
  const vip = where.portId !== undefined ? portById(c, where.portId) : allocateVipOrFail(c, lb, where);
  if (!vip) throw octaviaError(400, `Validation failure: Port ${where.portId ?? ''} not found.`);
  lb.vipNetworkId = vip.networkId;
  lb.vipPortId = vip.id;
  lb.vipSubnetId = vip.fixedIps[0]?.subnetId ?? where.subnetId;
  lb.vipAddress = vip.fixedIps[0]?.ipAddress ?? '';
  const amp = plugAmphora(c, lb, vip);
  s.amphorae.push(amp);
  lb.amphoraIds = [amp.id];
}

/** The amphora driver's DriverError as the API answers it (500, Neutron's own message inside). */
function providerError(lb: LoadBalancer, message: string): SimError {
  return octaviaError(500, `Provider '${lb.provider}' reports error: ${message}`, `${API}/loadbalancers`);
}

function allocateVipOrFail(c: Cloud, lb: LoadBalancer, where: { networkId: string; subnetId: string; address?: string }): Port {
  try {
    return allocateVip(c, lb.id, lb.projectId, where.networkId, where.subnetId, where.address);
  } catch (e) {
    if (e instanceof SimError) throw providerError(lb, e.message);
    throw e;
  }
}

/** LBPendingStateError: set/delete/failover of a load balancer the worker is still busy with. */
export function checkLbMutable(lb: LoadBalancer): void {
  if (!isMutable(lb)) throw octaviaError(409, `Invalid state ${lb.provisioningStatus} of loadbalancer resource ${lb.id}`, `${API}/loadbalancers/${lb.id}`);
}

export interface LoadBalancerUpdate {
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  vipQosPolicyId?: string | null;
  tags?: string[];
}

export function updateLoadBalancer(c: Cloud, lb: LoadBalancer, u: LoadBalancerUpdate): void {
  checkText('name', u.name);
  checkText('description', u.description);
  authorize(c, 'write');
  checkLbMutable(lb);
  if (u.name !== undefined) lb.name = u.name;
  if (u.description !== undefined) lb.description = u.description;
  if (u.adminStateUp !== undefined) lb.adminStateUp = u.adminStateUp;
  if (u.vipQosPolicyId !== undefined) lb.vipQosPolicyId = u.vipQosPolicyId;
  if (u.tags !== undefined) lb.tags = tagSet(u.tags);
  pend(c, lb, 'PENDING_UPDATE');
}

/** Without cascade, Octavia refuses a load balancer that has listeners or pools (400). */
export function deleteLoadBalancer(c: Cloud, lb: LoadBalancer, cascade: boolean): void {
  authorize(c, 'write');
  const s = lbWrite(c);
  checkLbMutable(lb);
  if (!cascade && (s.listeners.some((l) => l.loadbalancerId === lb.id) || s.pools.some((p) => p.loadbalancerId === lb.id))) {
    throw octaviaError(400, `Validation failure: Cannot delete Load Balancer ${lb.id} - it has children`, `${API}/loadbalancers/${lb.id}`);
  }
  // With --cascade the children keep their statuses: the worker deletes them with the load balancer.
  pend(c, lb, 'PENDING_DELETE');
}

/** Failover: the worker replaces the load balancer's amphorae (new ids, new VRRP ports). */
export function failoverLoadBalancer(c: Cloud, lb: LoadBalancer): void {
  authorize(c, 'admin');
  checkLbMutable(lb);
  const s = lbWrite(c);
  const old = s.amphorae.filter((a) => a.loadbalancerId === lb.id);
  s.amphorae = s.amphorae.filter((a) => a.loadbalancerId !== lb.id);
  let fresh;
  if (driversOf(c) === 'noop') {
    fresh = noopAmphora(c, newId(c), lb);
  } else {
    for (const a of old) unplugAmphora(c, a);
    const vip = portById(c, lb.vipPortId);
    if (!vip) throw octaviaError(500, `Load balancer ${lb.id} has no VIP port.`);
    const group = c.securityGroups.find((g) => g.name === vipGroupName(lb.id));
    fresh = plugAmphora(c, lb, vip, group?.id);
  }
  s.amphorae.push(fresh);
  lb.amphoraIds = [fresh.id];
  pend(c, lb, 'PENDING_UPDATE');
}
