/**
 * Octavia's v2 API as it answers: one dictionary per object (key order as the API serializes it),
 * the status tree, statistics, quotas, and what each caller may see. Operating statuses come from
 * the health manager's view (sim/dataplane/loadbalancer.ts): stored ones with the no-op drivers,
 * derived from the data plane with the amphora drivers.
 */
import type { Cloud } from '../../model/cloud.js';
import type { Amphora, HealthMonitor, L7Policy, L7Rule, Listener, LoadBalancer, Member, OctaviaQuota, OctaviaState, Pool } from '../../model/octavia.js';
import type { JsonObject } from '../json.js';
import { tagsMatch, type TagFilter } from '../../visibility.js';
import { octaviaHealth } from '../../dataplane/loadbalancer.js';
import { authorize, lbState, octaviaError, visibleTo } from '../../ops/octavia/common.js';
import { PROVIDERS, QUOTA_KEYS, quotaOf } from '../../ops/octavia/loadbalancer.js';
import { policyInUse, poolListeners } from '../../ops/octavia/lifecycle.js';

const ids = (xs: ReadonlyArray<{ id: string }>): JsonObject[] => xs.map((x) => ({ id: x.id }));

function status(c: Cloud, id: string): string {
  return octaviaHealth(c).status(id);
}

export function loadBalancerDict(c: Cloud, lb: LoadBalancer): JsonObject {
  const s = lbState(c);
  return {
    id: lb.id,
    name: lb.name,
    description: lb.description,
    project_id: lb.projectId,
    provisioning_status: lb.provisioningStatus,
    operating_status: status(c, lb.id),
    admin_state_up: lb.adminStateUp,
    vip_address: lb.vipAddress,
    vip_port_id: lb.vipPortId,
    vip_subnet_id: lb.vipSubnetId,
    vip_network_id: lb.vipNetworkId,
    vip_qos_policy_id: lb.vipQosPolicyId,
    provider: lb.provider,
    flavor_id: lb.flavorId,
    availability_zone: lb.availabilityZone,
    listeners: ids(s.listeners.filter((l) => l.loadbalancerId === lb.id)),
    pools: ids(s.pools.filter((p) => p.loadbalancerId === lb.id)),
    created_at: lb.createdAt,
    updated_at: lb.updatedAt,
    tags: [...lb.tags],
    additional_vips: [],
  };
}

export function listenerDict(c: Cloud, l: Listener): JsonObject {
  const s = lbState(c);
  return {
    id: l.id,
    name: l.name,
    description: l.description,
    project_id: l.projectId,
    provisioning_status: l.provisioningStatus,
    operating_status: status(c, l.id),
    admin_state_up: l.adminStateUp,
    protocol: l.protocol,
    protocol_port: l.protocolPort,
    connection_limit: l.connectionLimit,
    default_tls_container_ref: l.defaultTlsContainerRef,
    sni_container_refs: [...l.sniContainerRefs],
    default_pool_id: l.defaultPoolId,
    l7policies: ids(s.l7Policies.filter((p) => p.listenerId === l.id).sort((a, b) => a.position - b.position)),
    insert_headers: l.insertHeaders,
    loadbalancers: [{ id: l.loadbalancerId }],
    timeout_client_data: l.timeoutClientData,
    timeout_member_connect: l.timeoutMemberConnect,
    timeout_member_data: l.timeoutMemberData,
    timeout_tcp_inspect: l.timeoutTcpInspect,
    client_ca_tls_container_ref: l.clientCaTlsContainerRef,
    client_authentication: l.clientAuthentication,
    client_crl_container_ref: l.clientCrlContainerRef,
    allowed_cidrs: l.allowedCidrs === null ? null : [...l.allowedCidrs],
    tls_ciphers: l.tlsCiphers,
    tls_versions: l.tlsVersions === null ? null : [...l.tlsVersions],
    alpn_protocols: l.alpnProtocols === null ? null : [...l.alpnProtocols],
    created_at: l.createdAt,
    updated_at: l.updatedAt,
    tags: [...l.tags],
  };
}

export function poolDict(c: Cloud, p: Pool): JsonObject {
  const s = lbState(c);
  const hm = s.healthMonitors.find((h) => h.poolId === p.id);
  const sp = p.sessionPersistence;
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    project_id: p.projectId,
    provisioning_status: p.provisioningStatus,
    operating_status: status(c, p.id),
    admin_state_up: p.adminStateUp,
    protocol: p.protocol,
    lb_algorithm: p.lbAlgorithm,
    session_persistence: sp
      ? { type: sp.type, cookie_name: sp.cookieName, persistence_timeout: sp.persistenceTimeout, persistence_granularity: sp.persistenceGranularity }
      : null,
    healthmonitor_id: hm ? hm.id : null,
    loadbalancers: [{ id: p.loadbalancerId }],
    listeners: ids(poolListeners(s, p.id)),
    members: ids(s.members.filter((m) => m.poolId === p.id)),
    tls_container_ref: p.tlsContainerRef,
    ca_tls_container_ref: p.caTlsContainerRef,
    crl_container_ref: p.crlContainerRef,
    tls_enabled: p.tlsEnabled,
    tls_ciphers: p.tlsCiphers,
    tls_versions: p.tlsVersions === null ? null : [...p.tlsVersions],
    alpn_protocols: p.alpnProtocols === null ? null : [...p.alpnProtocols],
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    tags: [...p.tags],
  };
}

export function memberDict(c: Cloud, m: Member): JsonObject {
  return {
    id: m.id,
    name: m.name,
    project_id: m.projectId,
    provisioning_status: m.provisioningStatus,
    operating_status: status(c, m.id),
    admin_state_up: m.adminStateUp,
    address: m.address,
    protocol_port: m.protocolPort,
    weight: m.weight,
    backup: m.backup,
    subnet_id: m.subnetId,
    monitor_port: m.monitorPort,
    monitor_address: m.monitorAddress,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    tags: [...m.tags],
  };
}

export function healthMonitorDict(c: Cloud, h: HealthMonitor): JsonObject {
  return {
    id: h.id,
    name: h.name,
    project_id: h.projectId,
    provisioning_status: h.provisioningStatus,
    operating_status: status(c, h.id),
    admin_state_up: h.adminStateUp,
    type: h.type,
    delay: h.delay,
    timeout: h.timeout,
    max_retries: h.maxRetries,
    max_retries_down: h.maxRetriesDown,
    http_method: h.httpMethod,
    url_path: h.urlPath,
    expected_codes: h.expectedCodes,
    http_version: h.httpVersion,
    domain_name: h.domainName,
    pools: [{ id: h.poolId }],
    created_at: h.createdAt,
    updated_at: h.updatedAt,
    tags: [...h.tags],
  };
}

export function l7PolicyDict(c: Cloud, p: L7Policy): JsonObject {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    project_id: p.projectId,
    provisioning_status: p.provisioningStatus,
    operating_status: status(c, p.id),
    admin_state_up: p.adminStateUp,
    listener_id: p.listenerId,
    action: p.action,
    position: p.position,
    redirect_pool_id: p.redirectPoolId,
    redirect_url: p.redirectUrl,
    redirect_prefix: p.redirectPrefix,
    redirect_http_code: p.redirectHttpCode,
    rules: ids(lbState(c).l7Rules.filter((r) => r.l7policyId === p.id)),
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    tags: [...p.tags],
  };
}

export function l7RuleDict(c: Cloud, r: L7Rule): JsonObject {
  return {
    id: r.id,
    project_id: r.projectId,
    provisioning_status: r.provisioningStatus,
    operating_status: status(c, r.id),
    admin_state_up: r.adminStateUp,
    type: r.type,
    compare_type: r.compareType,
    key: r.key,
    value: r.value,
    invert: r.invert,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    tags: [...r.tags],
  };
}

export function amphoraDict(a: Amphora): JsonObject {
  return {
    id: a.id,
    loadbalancer_id: a.loadbalancerId,
    compute_id: a.computeId,
    lb_network_ip: a.lbNetworkIp,
    vrrp_ip: a.vrrpIp,
    ha_ip: a.haIp,
    vrrp_port_id: a.vrrpPortId,
    ha_port_id: a.haPortId,
    cert_expiration: a.certExpiration,
    cert_busy: a.certBusy,
    role: a.role,
    status: a.status,
    vrrp_interface: a.vrrpInterface,
    vrrp_id: a.vrrpId,
    vrrp_priority: a.vrrpPriority,
    cached_zone: a.cachedZone,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    image_id: a.imageId,
    compute_flavor: a.computeFlavor,
  };
}

/** GET /v2/lbaas/loadbalancers/{id}/status: the whole tree, in the API's key order. */
export function statusTree(c: Cloud, lb: LoadBalancer): JsonObject {
  const s = lbState(c);
  const poolNode = (p: Pool): JsonObject => {
    const hm = s.healthMonitors.find((h) => h.poolId === p.id);
    return {
      id: p.id,
      name: p.name,
      provisioning_status: p.provisioningStatus,
      operating_status: status(c, p.id),
      ...(hm ? { health_monitor: { id: hm.id, name: hm.name, type: hm.type, provisioning_status: hm.provisioningStatus, operating_status: status(c, hm.id) } } : {}),
      members: s.members
        .filter((m) => m.poolId === p.id)
        .map((m) => ({ id: m.id, name: m.name, operating_status: status(c, m.id), provisioning_status: m.provisioningStatus, address: m.address, protocol_port: m.protocolPort })),
    };
  };
  const listeners = s.listeners.filter((l) => l.loadbalancerId === lb.id);
  return {
    loadbalancer: {
      id: lb.id,
      name: lb.name,
      operating_status: status(c, lb.id),
      provisioning_status: lb.provisioningStatus,
      listeners: listeners.map((l) => ({
        id: l.id,
        name: l.name,
        operating_status: status(c, l.id),
        provisioning_status: l.provisioningStatus,
        pools: listenerPools(s, l).map(poolNode),
      })),
    },
  };
}

/** The pools a listener uses (Octavia's Listener.pools): its default pool, then those its enabled L7 policies with rules redirect to. */
function listenerPools(s: OctaviaState, l: Listener): Pool[] {
  const idsInOrder = [l.defaultPoolId, ...s.l7Policies.filter((p) => p.listenerId === l.id && policyInUse(s, p)).map((p) => p.redirectPoolId)];
  const out: Pool[] = [];
  for (const id of idsInOrder) {
    const p = id === null ? undefined : s.pools.find((x) => x.id === id);
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

/** Listener statistics (zero until the data plane counts requests), summed per load balancer. */
export function statsDict(c: Cloud, listenerIds: readonly string[]): JsonObject {
  const s = lbState(c);
  const sum = { active_connections: 0, bytes_in: 0, bytes_out: 0, request_errors: 0, total_connections: 0 };
  for (const id of listenerIds) {
    const st = s.stats[id];
    if (!st) continue;
    sum.active_connections += st.activeConnections;
    sum.bytes_in += st.bytesIn;
    sum.bytes_out += st.bytesOut;
    sum.request_errors += st.requestErrors;
    sum.total_connections += st.totalConnections;
  }
  return sum;
}

/** A project's quotas in the API's key order (-1 = unlimited). */
export function quotaDict(c: Cloud, projectId: string | null): JsonObject {
  const out: JsonObject = {};
  for (const q of QUOTA_KEYS) out[q.api] = projectId === null ? -1 : quotaOf(lbState(c), projectId, q.key);
  return out;
}

/** GET /v2/lbaas/quotas/{project}: one's own, or any as an admin. */
export function showQuota(c: Cloud, projectId: string): JsonObject {
  authorize(c, projectId === c.auth.projectId ? 'read' : 'admin');
  return quotaDict(c, projectId);
}

/** GET /v2/lbaas/quotas/defaults: admins only. */
export function defaultQuota(c: Cloud): JsonObject {
  authorize(c, 'admin');
  return quotaDict(c, null);
}

/**
 * GET /v2/lbaas/quotas[?project_id=P]: the quota records (set by an admin, or made by Octavia at
 * a project's first create), what was set and None for the rest; a member sees only its own.
 */
export function listQuotas(c: Cloud, projectId: string | null): JsonObject[] {
  authorize(c, 'read');
  const s = lbState(c);
  return Object.keys(s.quotas)
    .filter((p) => (c.auth.admin || p === c.auth.projectId) && (projectId === null || p === projectId))
    .map((p) => {
      const q = s.quotas[p] ?? {};
      const out: JsonObject = { project_id: p };
      for (const k of QUOTA_KEYS) out[k.api] = q[k.key] ?? null;
      return out;
    });
}

/** GET …/loadbalancers/{id}/stats: its listeners' counters added up. */
export const loadBalancerStats = (c: Cloud, lb: LoadBalancer): JsonObject =>
  statsDict(c, lbState(c).listeners.filter((l) => l.loadbalancerId === lb.id).map((l) => l.id));

/** GET on flavors, flavor profiles, availability zones: none configured (Octavia's defaults). */
export function listUnconfigured(c: Cloud): JsonObject[] {
  authorize(c, 'read');
  return [];
}

export const quotaKeyOf = (api: string): keyof OctaviaQuota | undefined => QUOTA_KEYS.find((q) => q.api === api)?.key;

// ---- what a caller sees ----------------------------------------------------------------------

/** GET on a collection: the policy first (403), then the caller's projects' objects. */
function visible<K extends 'loadBalancers' | 'listeners' | 'pools' | 'members' | 'healthMonitors' | 'l7Policies' | 'l7Rules'>(c: Cloud, kind: K): OctaviaState[K] {
  authorize(c, 'read');
  return visibleTo(c, lbState(c)[kind] as OctaviaState[K][number][]) as OctaviaState[K];
}
export const visibleLoadBalancers = (c: Cloud): LoadBalancer[] => visible(c, 'loadBalancers');
export const visibleListeners = (c: Cloud): Listener[] => visible(c, 'listeners');
export const visibleLbPools = (c: Cloud): Pool[] => visible(c, 'pools');
export const visibleMembers = (c: Cloud, poolId: string): Member[] => visible(c, 'members').filter((m) => m.poolId === poolId);
export const visibleHealthMonitors = (c: Cloud): HealthMonitor[] => visible(c, 'healthMonitors');
export const visibleL7Policies = (c: Cloud): L7Policy[] => visible(c, 'l7Policies');
export const visibleL7Rules = (c: Cloud, policyId: string): L7Rule[] => visible(c, 'l7Rules').filter((r) => r.l7policyId === policyId);
/** Amphorae: admins only (403 for everyone else, as Zed's policy says). */
export function visibleAmphorae(c: Cloud): Amphora[] {
  authorize(c, 'admin');
  return [...lbState(c).amphorae];
}

/**
 * octaviaclient's lookup of an L7 rule: by id, else a list filtered by name, which Octavia
 * rejects (400) since rules have no name.
 */
export function findL7Rule(c: Cloud, policyId: string, idOrName: string): L7Rule {
  const r = visibleL7Rules(c, policyId).find((y) => y.id === idOrName);
  if (!r) throw octaviaError(400, 'One or more arguments are either duplicate or invalid');
  return r;
}

/**
 * A list request's query: Octavia's exact-match filters on the API's attributes (a parent's
 * `<parent>_id` matches the object's `<parent>s` references) and the tag filters.
 */
export interface OctaviaQuery {
  filters?: Readonly<Record<string, string | boolean>>;
  tags?: TagFilter;
}

function matches(d: JsonObject, key: string, want: string | boolean): boolean {
  if (key in d) return d[key] === want;
  const refs = key.endsWith('_id') ? d[`${key.slice(0, -3)}s`] : undefined;
  return Array.isArray(refs) && refs.some((r) => typeof r === 'object' && r !== null && !Array.isArray(r) && r['id'] === want);
}

/** GET on a collection with a query: the dictionaries of the visible objects that pass it. */
function query<T extends { tags: string[] }>(items: readonly T[], dict: (x: T) => JsonObject, q: OctaviaQuery): JsonObject[] {
  const filters = Object.entries(q.filters ?? {});
  const out: JsonObject[] = [];
  for (const it of items) {
    if (q.tags && !tagsMatch(it.tags, q.tags)) continue;
    const d = dict(it);
    if (filters.every(([k, v]) => matches(d, k, v))) out.push(d);
  }
  return out;
}

export const listLoadBalancers = (c: Cloud, q: OctaviaQuery = {}): JsonObject[] => query(visibleLoadBalancers(c), (x) => loadBalancerDict(c, x), q);
export const listListeners = (c: Cloud, q: OctaviaQuery = {}): JsonObject[] => query(visibleListeners(c), (x) => listenerDict(c, x), q);
export const listLbPools = (c: Cloud, q: OctaviaQuery = {}): JsonObject[] => query(visibleLbPools(c), (x) => poolDict(c, x), q);
export const listMembers = (c: Cloud, poolId: string, q: OctaviaQuery = {}): JsonObject[] => query(visibleMembers(c, poolId), (x) => memberDict(c, x), q);
export const listHealthMonitors = (c: Cloud, q: OctaviaQuery = {}): JsonObject[] => query(visibleHealthMonitors(c), (x) => healthMonitorDict(c, x), q);
export const listL7Policies = (c: Cloud, q: OctaviaQuery = {}): JsonObject[] => query(visibleL7Policies(c), (x) => l7PolicyDict(c, x), q);
export const listL7Rules = (c: Cloud, policyId: string, q: OctaviaQuery = {}): JsonObject[] => query(visibleL7Rules(c, policyId), (x) => l7RuleDict(c, x), q);
export const listAmphorae = (c: Cloud, q: OctaviaQuery = {}): JsonObject[] => query(visibleAmphorae(c).map((a) => ({ ...a, tags: [] })), amphoraDict, q);

/** GET /v2/octavia/amphorae/{id}: a missing one is a 404 before the policy is asked. */
export function showAmphora(c: Cloud, id: string): JsonObject {
  if (!lbState(c).amphorae.some((x) => x.id === id)) throw octaviaError(404, `${id} not found`);
  const amp = visibleAmphorae(c).find((x) => x.id === id);
  if (!amp) throw octaviaError(404, `${id} not found`);
  return amphoraDict(amp);
}

/** GET by id of another project's load balancer: 403 (the object exists, policy refuses it). */
export function checkLoadBalancerGet(c: Cloud, id: string): void {
  const lb = lbState(c).loadBalancers.find((l) => l.id === id);
  if (lb && visibleTo(c, [lb]).length === 0) throw octaviaError(403, 'Policy does not allow this request to be performed.');
}

/** GET /v2/lbaas/providers */
export function listProviders(c: Cloud): JsonObject[] {
  authorize(c, 'read');
  return PROVIDERS.map((p) => ({ ...p }));
}

/** What the amphora provider lets flavors and availability zones set (its driver's schema). */
const CAPABILITIES: ReadonlyArray<[string, string, string]> = [
  ['flavor', 'loadbalancer_topology', 'The load balancer topology. One of: SINGLE - One amphora per load balancer. ACTIVE_STANDBY - Two amphora per load balancer.'],
  ['flavor', 'compute_flavor', 'The compute driver flavor ID.'],
  ['flavor', 'amp_image_tag', 'The amphora image tag.'],
  ['availability_zone', 'compute_zone', 'The compute availability zone.'],
  ['availability_zone', 'management_network', 'The management network ID for the amphora.'],
  ['availability_zone', 'valid_vip_networks', 'List of network IDs that are allowed for VIP use. This overrides/replaces the list of allowed networks configured in `octavia.conf`.'],
];

/** GET /v2/lbaas/providers/{provider}/flavor_capabilities and …/availability_zone_capabilities (null: both, as the client asks). */
export function providerCapabilities(c: Cloud, provider: string, type: 'flavor' | 'availability_zone' | null): JsonObject[] {
  authorize(c, 'read');
  if (!PROVIDERS.some((p) => p.name === provider)) throw octaviaError(400, `Provider '${provider}' is not enabled.`);
  return CAPABILITIES.filter(([t]) => type === null || t === type).map(([t, name, description]) => ({ type: t, name, description }));
}

