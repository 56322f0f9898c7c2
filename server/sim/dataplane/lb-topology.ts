/**
 * Lookups the load balancer's data plane shares (health, balancing, haproxy.cfg): an index of
 * the Octavia state by id, built once per cloud object, and how an amphora reaches a member.
 */
import { extended } from '../objects.js';
import type { Cloud } from '../model/cloud.js';
import type { Port } from '../model/port.js';
import type { Server } from '../model/compute.js';
import type { Amphora, HealthMonitor, L7Policy, L7Rule, Listener, LoadBalancer, Member, OctaviaState, Pool } from '../model/octavia.js';
import { ingressAllowed } from '../reach.js';
import { vmHttp, type HttpRequest, type HttpResponse } from './http.js';
import { portById } from '../index.js';

/** The object arrays of the Octavia state (its counters and cursors change with every request: read them from the cloud). */
export type OctaviaObjects = Pick<OctaviaState, 'loadBalancers' | 'listeners' | 'pools' | 'members' | 'healthMonitors' | 'l7Policies' | 'l7Rules' | 'amphorae'>;

/** The Octavia objects grouped the way the data plane walks them (arrays keep the state's order). */
export interface OctaviaIndex {
  state: OctaviaObjects;
  listenersOf: Map<string, Listener[]>;
  poolsOf: Map<string, Pool[]>;
  membersOf: Map<string, Member[]>;
  monitorOf: Map<string, HealthMonitor>;
  policiesOf: Map<string, L7Policy[]>;
  rulesOf: Map<string, L7Rule[]>;
  amphoraeOf: Map<string, Amphora[]>;
  pools: Map<string, Pool>;
  /** `subnetId|address` -> the port holding that fixed IP. */
  portsByAddress: Map<string, Port>;
  /**
   * The web servers' answers to health checks, by server, port and request: valid as long as the
   * index (its inputs include everything vmHttp reads); many members share a VM and a check.
   */
  checkAnswers: Map<string, HttpResponse | null>;
  /** `lbId|subnetId` -> the address the load balancer's HAProxy connects to that subnet from. */
  sources: Map<string, string | null>;
  serversById: Map<string, Server>;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

/** A published cloud is a plain object; an op's draft (sim/clone.ts) still changes and is never memoised. */
function published(c: Cloud): boolean {
  return Object.getPrototypeOf(c) === Object.prototype;
}

/** Everything the derived views read: the Octavia objects, the VMs, their ports and groups, the guests' subnets. */
function inputs(c: Cloud): unknown[] {
  const o = c.octavia;
  return [o?.listeners, o?.pools, o?.members, o?.healthMonitors, o?.l7Policies, o?.l7Rules, o?.amphorae, c.servers, c.ports, c.securityGroupRules, c.subnets, c.networks, c.images, c.config];
}

/**
 * `f` memoised per published cloud, and across clouds sharing all of its inputs: a command that
 * touches neither the load balancers nor the VMs, ports and groups keeps those arrays (copy on
 * write), and so does a request that only moves the counters and cursors.
 */
export function memoised<T>(f: (c: Cloud) => T): (c: Cloud) => T {
  const perCloud = new WeakMap<Cloud, T>();
  const perState = new WeakMap<object, { inputs: unknown[]; value: T }>();
  return (c) => {
    if (!published(c)) return f(c);
    const hit = perCloud.get(c);
    if (hit !== undefined) return hit;
    const key = c.octavia?.loadBalancers;
    const now = inputs(c);
    const prev = key && perState.get(key);
    const value = prev && prev.inputs.every((x, i) => x === now[i]) ? prev.value : f(c);
    if (key) perState.set(key, { inputs: now, value });
    perCloud.set(c, value);
    return value;
  };
}

/** The index of `c.octavia` (empty when the cloud has no load balancer yet). */
export const octaviaIndex = memoised(buildIndex);

function buildIndex(c: Cloud): OctaviaIndex {
  const state: OctaviaObjects = c.octavia ?? { loadBalancers: [], listeners: [], pools: [], members: [], healthMonitors: [], l7Policies: [], l7Rules: [], amphorae: [] };
  const ix: OctaviaIndex = {
    state, listenersOf: new Map(), poolsOf: new Map(), membersOf: new Map(), monitorOf: new Map(), policiesOf: new Map(),
    rulesOf: new Map(), amphoraeOf: new Map(), pools: new Map(), portsByAddress: new Map(), checkAnswers: new Map(),
    sources: new Map(), serversById: new Map(c.servers.map((s) => [s.id, s])),
  };
  for (const l of state.listeners) push(ix.listenersOf, l.loadbalancerId, l);
  for (const p of state.pools) {
    push(ix.poolsOf, p.loadbalancerId, p);
    ix.pools.set(p.id, p);
  }
  for (const m of state.members) push(ix.membersOf, m.poolId, m);
  for (const h of state.healthMonitors) ix.monitorOf.set(h.poolId, h);
  for (const p of state.l7Policies) push(ix.policiesOf, p.listenerId, p);
  for (const r of state.l7Rules) push(ix.rulesOf, r.l7policyId, r);
  for (const a of state.amphorae) if (a.loadbalancerId) push(ix.amphoraeOf, a.loadbalancerId, a);
  if (state.members.length > 0) {
    for (const p of c.ports) for (const f of p.fixedIps) ix.portsByAddress.set(`${f.subnetId}|${f.ipAddress}`, p);
  }
  for (const list of ix.policiesOf.values()) list.sort((a, b) => a.position - b.position);
  return ix;
}

/** An enabled health monitor of the pool (a disabled one renders no `check`: HAProxy does not probe). */
export function activeMonitor(ix: OctaviaIndex, poolId: string): HealthMonitor | undefined {
  const hm = ix.monitorOf.get(poolId);
  return hm?.adminStateUp ? hm : undefined;
}

/**
 * The member's VM: the server whose port holds the member's address on the member's subnet
 * (Octavia's `subnet_id`; without one, the VIP subnet, where Octavia assumes the member is).
 */
export function memberTarget(c: Cloud, ix: OctaviaIndex, lb: LoadBalancer, m: Member, address = m.address): { port: Port; server: Server } | null {
  const port = ix.portsByAddress.get(`${m.subnetId ?? lb.vipSubnetId}|${address}`);
  if (!port) return null;
  const server = ix.serversById.get(port.deviceId);
  return server ? { port, server } : null;
}

/**
 * The address HAProxy connects from: the amphora's VRRP port address on the VIP network (the
 * active amphora: MASTER, or the only one). Octavia plugs the amphora into member subnets too;
 * a port of the amphora's VM on the member's subnet, when the control plane made one, wins.
 */
export function amphoraSource(c: Cloud, ix: OctaviaIndex, lb: LoadBalancer, m: Member): string | null {
  const key = `${lb.id}|${m.subnetId ?? lb.vipSubnetId}`;
  let src = ix.sources.get(key);
  if (src === undefined) {
    src = sourceOn(c, ix, lb, m.subnetId ?? lb.vipSubnetId);
    ix.sources.set(key, src);
  }
  return src;
}

function sourceOn(c: Cloud, ix: OctaviaIndex, lb: LoadBalancer, subnet: string): string | null {
  const amps = ix.amphoraeOf.get(lb.id) ?? [];
  const amp = amps.find((a) => a.role === 'MASTER') ?? amps[0];
  if (!amp) return null;
  const plugged = c.ports.find((p) => p.deviceId === amp.computeId && p.fixedIps.some((f) => f.subnetId === subnet));
  const own = plugged?.fixedIps.find((f) => f.subnetId === subnet)?.ipAddress;
  if (own) return own;
  if (amp.vrrpIp) return amp.vrrpIp;
  return portById(c, amp.vrrpPortId)?.fixedIps[0]?.ipAddress ?? null;
}

type Request = Omit<HttpRequest, 'srcIp' | 'dstIp' | 'port'>;

/**
 * What the member's VM answers HAProxy on `port`: null when the packet never gets an answer
 * (no VM, VM not ACTIVE, its security group drops the amphora, nothing listens). With `check`,
 * the answer is a health check's, shared by every check of that server with the same request
 * (a web server answers a request alike whichever amphora sends it).
 */
export function memberAnswer(c: Cloud, ix: OctaviaIndex, lb: LoadBalancer, m: Member, address: string, port: number, req: Request, check = false): HttpResponse | null {
  const target = memberTarget(c, ix, lb, m, address);
  const src = amphoraSource(c, ix, lb, m);
  if (!target || !src || target.server.status !== 'ACTIVE') return null;
  if (!ingressAllowed(c, target.port, src, 'tcp', port)) return null;
  const ask = () => vmHttp(c, target.server.id, port, extended(req, { srcIp: src, dstIp: address, port }));
  if (!check) return ask();
  const key = `${target.server.id}|${address}|${port}|${req.method}|${req.path}|${req.host ?? ''}`;
  let answer = ix.checkAnswers.get(key);
  if (answer === undefined) {
    answer = ask();
    ix.checkAnswers.set(key, answer);
  }
  return answer;
}

/** Whether the member's VM answers a ping from the amphora (PING monitors). */
export function memberPings(c: Cloud, ix: OctaviaIndex, lb: LoadBalancer, m: Member, address: string): boolean {
  const target = memberTarget(c, ix, lb, m, address);
  const src = amphoraSource(c, ix, lb, m);
  return !!target && !!src && target.server.status === 'ACTIVE' && ingressAllowed(c, target.port, src, 'icmp', null);
}
