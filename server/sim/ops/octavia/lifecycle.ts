/**
 * The controller worker's side of the lifecycle: what a command left PENDING_* is finished before
 * the learner's next command (ACTIVE, or gone for PENDING_DELETE), with the statuses and
 * timestamps Octavia's worker writes. Also the lookups the ops share (an object's load balancer).
 */
import type { Cloud } from '../../model/cloud.js';
import type { L7Policy, Listener, LoadBalancer, OctaviaBase, OctaviaState, Pool } from '../../model/octavia.js';
import { driversOf, lbTime } from './common.js';
import { deallocateVip, unplugAmphora } from './neutron.js';

/** Whether a published cloud has a worker job to finish at its tick (cheap: load balancers only). */
export function octaviaPending(c: Cloud): boolean {
  const s = c.octavia;
  if (!s) return false;
  for (const lb of s.loadBalancers) if (lb.settlesAt !== 0 && lb.settlesAt <= c.tick) return true;
  return false;
}

/** `force` (the client's --wait): every job finishes now. */
let forcing = false;

function due(c: Cloud, o: OctaviaBase): boolean {
  return o.settlesAt !== 0 && (forcing || o.settlesAt <= c.tick);
}

/**
 * An object as the worker leaves it: ACTIVE (a copy; published objects are never changed), or
 * null once deleted. Monitors, L7 policies and rules are ONLINE once the worker has them
 * (OFFLINE when disabled).
 */
function finished<T extends OctaviaBase>(c: Cloud, o: T, onlineWhenActive: boolean): T | null {
  if (!due(c, o)) return o;
  if (o.provisioningStatus === 'PENDING_DELETE') return null;
  const n: T = { ...o, settlesAt: 0, updatedAt: lbTime(c) };
  if (n.provisioningStatus.startsWith('PENDING_')) n.provisioningStatus = 'ACTIVE';
  if (onlineWhenActive) n.operatingStatus = n.adminStateUp ? 'ONLINE' : 'OFFLINE';
  return n;
}

function finishAll<T extends OctaviaBase>(c: Cloud, items: readonly T[], onlineWhenActive: boolean, deleted: { any: boolean }): T[] {
  const out: T[] = [];
  for (const o of items) {
    const n = finished(c, o, onlineWhenActive);
    if (n) out.push(n);
    else deleted.any = true;
  }
  return out;
}

/**
 * Finishes every due job (between command lines), or every job (`force`: the client's --wait).
 * `published`: the state of the published cloud the draft `c` stands for, so that the worker
 * copies only what it finishes instead of the draft copying the whole Octavia state.
 */
export function settleOctavia(c: Cloud, force = false, published?: OctaviaState): void {
  forcing = force;
  try {
    const src = published ?? c.octavia;
    if (src) c.octavia = settled(c, src);
  } finally {
    forcing = false;
  }
}

function settled(c: Cloud, src: OctaviaState): OctaviaState {
  const s: OctaviaState = { ...src };
  const deleted = { any: false };
  for (const lb of src.loadBalancers) {
    if (due(c, lb) && lb.provisioningStatus === 'PENDING_DELETE') {
      removeLoadBalancer(c, s, lb);
      deleted.any = true;
    }
  }
  s.listeners = finishAll(c, src.listeners, false, deleted);
  s.pools = finishAll(c, src.pools, false, deleted);
  s.members = finishAll(c, src.members, false, deleted);
  s.healthMonitors = finishAll(c, src.healthMonitors, true, deleted);
  s.l7Policies = finishAll(c, src.l7Policies, true, deleted);
  s.l7Rules = finishAll(c, src.l7Rules, true, deleted);
  s.loadBalancers = finishAll(c, s.loadBalancers, false, deleted);
  if (deleted.any) dropOrphans(s);
  return s;
}

/** Children whose parent went away in the same job (a pool's members with the pool, …). */
function dropOrphans(s: OctaviaState): void {
  const lbs = new Set(s.loadBalancers.map((l) => l.id));
  s.listeners = s.listeners.filter((l) => lbs.has(l.loadbalancerId));
  s.pools = s.pools.filter((p) => lbs.has(p.loadbalancerId));
  const pools = new Set(s.pools.map((p) => p.id));
  s.members = s.members.filter((m) => pools.has(m.poolId));
  s.healthMonitors = s.healthMonitors.filter((h) => pools.has(h.poolId));
  const listeners = new Set(s.listeners.map((l) => l.id));
  s.l7Policies = s.l7Policies.filter((p) => listeners.has(p.listenerId));
  const policies = new Set(s.l7Policies.map((p) => p.id));
  s.l7Rules = s.l7Rules.filter((r) => policies.has(r.l7policyId));
  s.listeners = s.listeners.map((l) => (l.defaultPoolId !== null && !pools.has(l.defaultPoolId) ? { ...l, defaultPoolId: null } : l));
  s.l7Policies = s.l7Policies.map((p) => (p.redirectPoolId !== null && !pools.has(p.redirectPoolId) ? { ...p, redirectPoolId: null } : p));
  s.stats = Object.fromEntries(Object.entries(s.stats).filter(([id]) => listeners.has(id)));
  s.cursors = Object.fromEntries(Object.entries(s.cursors).filter(([id]) => pools.has(id)));
}

/** A load balancer the worker deleted: its amphorae and (amphora drivers) its Neutron resources. */
function removeLoadBalancer(c: Cloud, s: OctaviaState, lb: LoadBalancer): void {
  const amphorae = s.amphorae.filter((a) => a.loadbalancerId === lb.id);
  if (driversOf(c) === 'amphora') {
    for (const a of amphorae) unplugAmphora(c, a);
    deallocateVip(c, lb);
  }
  s.amphorae = s.amphorae.filter((a) => a.loadbalancerId !== lb.id);
  s.loadBalancers = s.loadBalancers.filter((l) => l.id !== lb.id);
}

// ---- lookups --------------------------------------------------------------------------------

export function lbOf(s: OctaviaState, id: string): LoadBalancer {
  const lb = s.loadBalancers.find((l) => l.id === id);
  if (!lb) throw new Error(`octavia: no load balancer ${id}`);
  return lb;
}

export function poolOf(s: OctaviaState, id: string): Pool {
  const p = s.pools.find((x) => x.id === id);
  if (!p) throw new Error(`octavia: no pool ${id}`);
  return p;
}

export function listenerOf(s: OctaviaState, id: string): Listener {
  const l = s.listeners.find((x) => x.id === id);
  if (!l) throw new Error(`octavia: no listener ${id}`);
  return l;
}

export function policyOf(s: OctaviaState, id: string): L7Policy {
  const p = s.l7Policies.find((x) => x.id === id);
  if (!p) throw new Error(`octavia: no L7 policy ${id}`);
  return p;
}

/**
 * An L7 policy that really sends traffic somewhere: enabled, with at least one rule (Octavia's
 * models count only these when they say which pools a listener uses).
 */
export function policyInUse(s: OctaviaState, p: L7Policy): boolean {
  return p.adminStateUp && s.l7Rules.some((r) => r.l7policyId === p.id);
}

/**
 * Listeners that use a pool (Octavia's Pool.listeners): those it is the default pool of, then
 * those whose enabled L7 policies with rules redirect to it.
 */
export function poolListeners(s: OctaviaState, poolId: string): Listener[] {
  const out = s.listeners.filter((l) => l.defaultPoolId === poolId);
  for (const p of s.l7Policies) {
    if (p.redirectPoolId !== poolId || !policyInUse(s, p)) continue;
    const l = s.listeners.find((x) => x.id === p.listenerId);
    if (l && !out.includes(l)) out.push(l);
  }
  return out;
}
