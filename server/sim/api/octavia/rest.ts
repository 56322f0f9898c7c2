/**
 * Octavia's v2 REST API (Octavia 11, Zed) over a learner's cloud, pure: version discovery, every
 * /v2 (and /v2.0) route python-octaviaclient 3.1 calls, reads with Octavia's filters, fields,
 * sorting and paging, writes running the ops of sim/ops/octavia in one transaction, and Octavia's
 * error bodies (`{"faultcode": …, "faultstring": …, "debuginfo": null}`, webob's own for routing).
 * The answers are the dictionaries of ./index.ts in the API's key order.
 */
import type { Cloud } from '../../model/cloud.js';
import type {
  HealthMonitor,
  L7Policy,
  L7Rule,
  Listener,
  LoadBalancer,
  Member,
  OctaviaBase,
  OctaviaQuota,
  Pool,
  SessionPersistence,
} from '../../model/octavia.js';
import { pyRepr, type Json, type JsonObject } from '../json.js';
import type { Answer, ApiCall, ApiContext, ApiResult, Service } from '../request.js';
import { SimError } from '../../errors.js';
import { transact } from '../../clone.js';
import { rolesOf } from '../../ops/context.js';
import {
  authorize,
  driversOf,
  isLbAdmin,
  isMutable,
  lbState,
  pend,
  POLICY_DENIED,
} from '../../ops/octavia/common.js';
import {
  createLoadBalancer,
  deleteLoadBalancer,
  failoverLoadBalancer,
  updateLoadBalancer,
  QUOTA_KEYS,
  type LoadBalancerUpdate,
} from '../../ops/octavia/loadbalancer.js';
import {
  createHealthMonitor,
  createL7Policy,
  createL7Rule,
  createListener,
  createMember,
  createPool,
  deleteHealthMonitor,
  deleteL7Policy,
  deleteL7Rule,
  deleteListener,
  deleteMember,
  deletePool,
  updateHealthMonitor,
  updateL7Policy,
  updateL7Rule,
  updateListener,
  updateMember,
  updatePool,
  type HealthMonitorUpdate,
  type L7PolicyUpdate,
  type L7RuleUpdate,
  type ListenerUpdate,
  type MemberUpdate,
  type PoolUpdate,
} from '../../ops/octavia/children.js';
import { resetLbQuota, setLbQuota } from '../../ops/octavia/quota.js';
import { visibleNetworks, visiblePorts, visibleSubnets } from '../../visibility.js';
import { pyJson } from '../neutron/rest-errors.js';
import {
  amphoraDict,
  defaultQuota,
  healthMonitorDict,
  l7PolicyDict,
  l7RuleDict,
  listenerDict,
  listProviders,
  listQuotas,
  listUnconfigured,
  loadBalancerDict,
  loadBalancerStats,
  memberDict,
  poolDict,
  providerCapabilities,
  quotaDict,
  showQuota,
  statsDict,
  statusTree,
  visibleAmphorae,
} from './index.js';
import { BODIES, fault, readBody, readListBody, type BodySpec } from './body.js';
import {
  applyPage,
  PecanError,
  readPage,
  selectFields,
  type Listing,
  type Page,
} from './listing.js';

// ---- answers ---------------------------------------------------------------------------------

const JSON_TYPE = 'application/json';

/**
 * A JSON answer. A write's answer is given as a thunk: its text is made when read (the web layer
 * reads it at once; a CLI's set, which prints nothing, never does, and spares the dictionary).
 */
function json(status: number, value: Json | (() => Json)): Answer {
  if (typeof value !== 'function') return { status, contentType: JSON_TYPE, body: pyJson(value, false) };
  let body: string | undefined;
  return {
    status,
    contentType: JSON_TYPE,
    get body(): string {
      return (body ??= pyJson(value(), false));
    },
  };
}

/** No body and no Content-Type (Octavia's 202 and 204): the web layer sends no header for ''. */
function empty(status: number): Answer {
  return { status, contentType: '', body: '' };
}

/** An API error as WSME renders it (Client below 500, Server from 500). */
function faultAnswer(status: number, message: string): Answer {
  return json(status, {
    faultcode: status >= 500 ? 'Server' : 'Client',
    faultstring: message,
    debuginfo: null,
  });
}

const PAGES: Record<number, [string, string]> = {
  404: ['Not Found', 'The resource could not be found.<br /><br />\n\n\n'],
  405: ['Method Not Allowed', 'The method {m} is not allowed for this resource. <br /><br />\n'],
};

/** webob's own error (routing, the pagination hook): JSON when the client asks for it, else its HTML page. */
function pecanAnswer(e: PecanError, accept: string | undefined, method = ''): Answer {
  if (accept?.includes('json'))
    return json(e.status, { code: e.status, title: e.title, description: e.description });
  const [title, text] = PAGES[e.status] ?? [e.title, `${e.description ?? ''}<br /><br />\n\n\n`];
  const body = `<html>\n <head>\n  <title>${e.status} ${title}</title>\n </head>\n <body>\n  <h1>${e.status} ${title}</h1>\n  ${text.replace('{m}', method)}\n </body>\n</html>`;
  return { status: e.status, contentType: 'text/html; charset=UTF-8', body };
}

const notFoundRoute = (): PecanError => new PecanError(404, 'Not Found', '');
class MethodNotAllowed extends PecanError {
  constructor(readonly allow = 'DELETE, GET, POST, PUT') {
    super(405, 'Method Not Allowed', '');
  }
}

function errorAnswer(e: unknown, ctx: ApiContext, method: string): Answer {
  if (e instanceof MethodNotAllowed)
    return { ...pecanAnswer(e, ctx.accept, method), headers: { Allow: e.allow } };
  if (e instanceof PecanError) return pecanAnswer(e, ctx.accept, method);
  if (e instanceof SimError) return faultAnswer(e.status, e.message);
  return faultAnswer(500, e instanceof Error ? e.message : String(e));
}

// ---- the API's dictionaries in its key order ---------------------------------------------------

const LB_KEYS = [
  'id',
  'name',
  'description',
  'provisioning_status',
  'operating_status',
  'admin_state_up',
  'project_id',
  'created_at',
  'updated_at',
  'vip_address',
  'vip_port_id',
  'vip_subnet_id',
  'vip_network_id',
  'additional_vips',
  'listeners',
  'pools',
  'provider',
  'flavor_id',
  'vip_qos_policy_id',
  'tags',
  'availability_zone',
  'tenant_id',
];
const LB_CREATE_KEYS = [
  'listeners',
  'pools',
  ...LB_KEYS.filter((k) => k !== 'listeners' && k !== 'pools'),
];
const LISTENER_KEYS = [
  'id',
  'name',
  'description',
  'provisioning_status',
  'operating_status',
  'admin_state_up',
  'protocol',
  'protocol_port',
  'connection_limit',
  'default_tls_container_ref',
  'sni_container_refs',
  'project_id',
  'default_pool_id',
  'l7policies',
  'insert_headers',
  'created_at',
  'updated_at',
  'loadbalancers',
  'timeout_client_data',
  'timeout_member_connect',
  'timeout_member_data',
  'timeout_tcp_inspect',
  'tags',
  'client_ca_tls_container_ref',
  'client_authentication',
  'client_crl_container_ref',
  'allowed_cidrs',
  'tls_ciphers',
  'tls_versions',
  'alpn_protocols',
  'tenant_id',
];
const POOL_KEYS = [
  'id',
  'name',
  'description',
  'provisioning_status',
  'operating_status',
  'admin_state_up',
  'protocol',
  'lb_algorithm',
  'session_persistence',
  'project_id',
  'loadbalancers',
  'listeners',
  'created_at',
  'updated_at',
  'healthmonitor_id',
  'members',
  'tags',
  'tls_container_ref',
  'ca_tls_container_ref',
  'crl_container_ref',
  'tls_enabled',
  'tls_ciphers',
  'tls_versions',
  'alpn_protocols',
  'tenant_id',
];
const MEMBER_KEYS = [
  'id',
  'name',
  'operating_status',
  'provisioning_status',
  'admin_state_up',
  'address',
  'protocol_port',
  'weight',
  'backup',
  'subnet_id',
  'project_id',
  'created_at',
  'updated_at',
  'monitor_address',
  'monitor_port',
  'tags',
  'tenant_id',
];
const MONITOR_KEYS = [
  'id',
  'name',
  'type',
  'delay',
  'timeout',
  'max_retries',
  'max_retries_down',
  'http_method',
  'url_path',
  'expected_codes',
  'admin_state_up',
  'project_id',
  'pools',
  'provisioning_status',
  'operating_status',
  'created_at',
  'updated_at',
  'tags',
  'http_version',
  'domain_name',
  'tenant_id',
];
const POLICY_KEYS = [
  'id',
  'name',
  'description',
  'provisioning_status',
  'operating_status',
  'admin_state_up',
  'project_id',
  'action',
  'listener_id',
  'redirect_pool_id',
  'redirect_url',
  'redirect_prefix',
  'position',
  'rules',
  'created_at',
  'updated_at',
  'tags',
  'redirect_http_code',
  'tenant_id',
];
const RULE_KEYS = [
  'id',
  'type',
  'compare_type',
  'key',
  'value',
  'invert',
  'provisioning_status',
  'operating_status',
  'created_at',
  'updated_at',
  'project_id',
  'admin_state_up',
  'tags',
  'tenant_id',
];
const AMPHORA_KEYS = [
  'id',
  'loadbalancer_id',
  'compute_id',
  'lb_network_ip',
  'vrrp_ip',
  'ha_ip',
  'vrrp_port_id',
  'ha_port_id',
  'cert_expiration',
  'cert_busy',
  'role',
  'status',
  'vrrp_interface',
  'vrrp_id',
  'vrrp_priority',
  'cached_zone',
  'created_at',
  'updated_at',
  'image_id',
  'compute_flavor',
];
const QUOTA_ORDER = [
  'load_balancer',
  'listener',
  'member',
  'pool',
  'health_monitor',
  'l7policy',
  'l7rule',
];
const STATS_ORDER = [
  'bytes_in',
  'bytes_out',
  'active_connections',
  'total_connections',
  'request_errors',
];

/** A dictionary in the given key order; `tenant_id` is the project (Octavia still sends it); absent values left out. */
function ordered(d: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) {
    const v = k === 'tenant_id' ? d['project_id'] : d[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const lbApi = (c: Cloud, x: LoadBalancer, keys = LB_KEYS): JsonObject =>
  ordered(loadBalancerDict(c, x), keys);
const listenerApi = (c: Cloud, x: Listener): JsonObject => {
  const d = listenerDict(c, x);
  return ordered({ ...d, insert_headers: d['insert_headers'] ?? {} }, LISTENER_KEYS);
};
const poolApi = (c: Cloud, x: Pool): JsonObject => {
  const d = poolDict(c, x);
  // Octavia leaves healthmonitor_id out of a pool without one.
  if (d['healthmonitor_id'] === null) delete d['healthmonitor_id'];
  return ordered(d, POOL_KEYS);
};
const memberApi = (c: Cloud, x: Member): JsonObject => ordered(memberDict(c, x), MEMBER_KEYS);
const monitorApi = (c: Cloud, x: HealthMonitor): JsonObject =>
  ordered(healthMonitorDict(c, x), MONITOR_KEYS);
const policyApi = (c: Cloud, x: L7Policy): JsonObject => ordered(l7PolicyDict(c, x), POLICY_KEYS);
const ruleApi = (c: Cloud, x: L7Rule): JsonObject => ordered(l7RuleDict(c, x), RULE_KEYS);
const template = (keys: readonly string[]): JsonObject =>
  Object.fromEntries(keys.map((k) => [k, null]));

// ---- policy and lookups -------------------------------------------------------------------------

/** Zed's default policy for one object: the role (authorize), then the object's project. */
function allow(c: Cloud, projectId: string, need: 'read' | 'write'): void {
  authorize(c, need);
  if (isLbAdmin(c)) return;
  if (need === 'read' && rolesOf(c).includes('load-balancer_global_observer')) return;
  if (projectId !== c.auth.projectId) throw fault(403, POLICY_DENIED);
}

/** The objects of a list the caller sees: the policy (403), then admins all, others their project's. */
function seen<T extends { projectId: string }>(c: Cloud, items: readonly T[]): T[] {
  authorize(c, 'read');
  if (isLbAdmin(c) || rolesOf(c).includes('load-balancer_global_observer')) return [...items];
  return items.filter((i) => i.projectId === c.auth.projectId);
}

const notFound = (resource: string, id: string): SimError =>
  fault(404, `${resource} ${id} not found.`);

function find<T extends { id: string }>(items: readonly T[], resource: string, id: string): T {
  const x = items.find((i) => i.id === id);
  if (!x) throw notFound(resource, id);
  return x;
}

// ---- versions --------------------------------------------------------------------------------

/** Octavia's API versions: 2.0 to 2.26 (Zed's current), each with the date it was added. */
const VERSIONS: ReadonlyArray<[string, string]> = [
  ['2016-12-11T00:00:00Z', ''],
  ['2018-04-20T00:00:00Z', ''],
  ['2018-07-31T00:00:00Z', ''],
  ['2018-12-18T00:00:00Z', ''],
  ['2018-12-19T00:00:00Z', ''],
  ['2019-01-21T00:00:00Z', ''],
  ['2019-01-25T00:00:00Z', ''],
  ['2018-01-25T12:00:00Z', ''],
  ['2019-02-12T00:00:00Z', ''],
  ['2019-03-04T00:00:00Z', ''],
  ['2019-03-05T00:00:00Z', ''],
  ['2019-06-24T00:00:00Z', ''],
  ['2019-09-11T00:00:00Z', ''],
  ['2019-09-13T00:00:00Z', ''],
  ['2019-11-10T00:00:00Z', ''],
  ['2020-03-10T00:00:00Z', ''],
  ['2020-03-15T00:00:00Z', ''],
  ['2020-04-29T00:00:00Z', ''],
  ['2020-04-29T01:00:00Z', ''],
  ['2020-05-12T00:00:00Z', ''],
  ['2020-08-02T00:00:00Z', ''],
  ['2020-09-03T00:00:00Z', ''],
  ['2020-09-04T00:00:00Z', ''],
  ['2020-09-07T00:00:00Z', ''],
  ['2020-10-15T00:00:00Z', ''],
  ['2021-10-02T00:00:00Z', ''],
  ['2022-08-29T00:00:00Z', ''],
];

export function octaviaVersions(base: string): Answer {
  const href = `${base.replace(/\/$/, '')}/v2`;
  return json(200, {
    versions: VERSIONS.map(([updated], i) => ({
      id: `v2.${i}`,
      status: i === VERSIONS.length - 1 ? 'CURRENT' : 'SUPPORTED',
      updated,
      links: [{ href, rel: 'self' }],
    })),
  });
}

// ---- reads -----------------------------------------------------------------------------------

interface Request {
  c: Cloud;
  call: ApiCall;
  ctx: ApiContext;
  page: Page;
  /** The collection's URL, for the links. */
  url: string;
}

function list(
  r: Request,
  key: string,
  linksKey: string,
  rows: JsonObject[],
  keys: readonly string[],
  markerRow: (id: string) => JsonObject | undefined,
  extra?: Listing['extraKeys'],
): Answer {
  const out = applyPage(
    { rows, markerRow, ...(extra ? { extraKeys: extra } : {}) },
    r.page,
    r.url,
    template(keys),
  );
  return json(200, { [key]: out.rows, [linksKey]: out.links });
}

function show(r: Request, key: string, d: JsonObject): Answer {
  return json(200, { [key]: selectFields(d, r.page.fields) });
}

/** Filters on a parent that is a reference list in the dictionary (`loadbalancer_id` of a listener). */
const ref =
  (field: string) =>
  (row: JsonObject): Json => {
    const v = row[field];
    return Array.isArray(v) && v[0] && typeof v[0] === 'object' && !Array.isArray(v[0])
      ? (v[0]['id'] ?? null)
      : null;
  };

// ---- writes ----------------------------------------------------------------------------------

type Body = JsonObject;
const s = (b: Body, k: string): string | undefined =>
  typeof b[k] === 'string' ? (b[k] as string) : undefined;
const n = (b: Body, k: string): number | undefined =>
  typeof b[k] === 'number' ? (b[k] as number) : undefined;
const bool = (b: Body, k: string): boolean | undefined =>
  typeof b[k] === 'boolean' ? (b[k] as boolean) : undefined;
const strs = (b: Body, k: string): string[] | undefined =>
  Array.isArray(b[k]) ? (b[k] as Json[]).map(String) : undefined;
const given = (b: Body, k: string): boolean => k in b;
/** An update's value: absent (undefined), or given (null = back to the default, as the client's unset sends). */
function upd<T>(
  b: Body,
  k: string,
  read: (b: Body, k: string) => T | undefined,
  whenNull: T,
): T | undefined {
  if (!given(b, k)) return undefined;
  return b[k] === null ? whenNull : read(b, k);
}
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Single-call ("graph") creates are not simulated: a refusal in Octavia's words for a bad request. */
function noGraph(b: Body, keys: readonly string[]): void {
  for (const k of keys) {
    const v = b[k];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) {
      throw fault(
        400,
        `Validation failure: Stacklab does not simulate creating ${k} in the same call; create them one by one.`,
      );
    }
  }
}

function sessionPersistenceOf(v: Json | undefined): SessionPersistence | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const t = v['type'];
  return {
    type: (t ?? 'SOURCE_IP') as SessionPersistence['type'],
    cookieName: typeof v['cookie_name'] === 'string' ? v['cookie_name'] : null,
    persistenceTimeout:
      typeof v['persistence_timeout'] === 'number' ? v['persistence_timeout'] : null,
    persistenceGranularity:
      typeof v['persistence_granularity'] === 'string' ? v['persistence_granularity'] : null,
  };
}

/** A project given in a create's body: only an admin may name another one. */
function projectOf(c: Cloud, b: Body): string | undefined {
  const p = s(b, 'project_id');
  if (p !== undefined && p !== c.auth.projectId && !isLbAdmin(c)) throw fault(403, POLICY_DENIED);
  return p;
}

/** With the amphora drivers, Octavia asks Neutron with the caller's token: another project's subnet is not found. */
function checkVisible(c: Cloud, kind: 'Subnet' | 'Network' | 'Port', id: string | undefined): void {
  if (id === undefined || driversOf(c) !== 'amphora') return;
  const items: ReadonlyArray<{ id: string }> =
    kind === 'Subnet'
      ? visibleSubnets(c)
      : kind === 'Network'
        ? visibleNetworks(c)
        : visiblePorts(c);
  if (!items.some((x) => x.id === id)) throw fault(400, `${kind} ${id} not found.`);
}

/**
 * JSON null for an attribute a create needs: WSME lets it through as None (only a missing one is
 * "Mandatory field missing"), and Octavia fails where None first hurts, each in its own words (the
 * octavia-oracle's answers, 2026-12-05): a lookup of id None, its own checks, or the database's
 * NOT NULL, which the controller reports as a wrong protocol (listeners) or an unknown error.
 */
const isNull = (b: Body, k: string): boolean => b[k] === null;
/** An id as Octavia looks it up: None when given as null. */
const idOf = (b: Body, k: string): string => s(b, k) ?? 'None';
/** What the pool and member controllers answer when the database refuses a NOT NULL column left None. */
const UNKNOWN_ERROR = 'Something unknown went wrong';

function loadBalancerCreate(c: Cloud, b: Body): Answer {
  authorize(c, 'write');
  const projectId = projectOf(c, b);
  noGraph(b, ['listeners', 'pools', 'additional_vips']);
  const subnet = s(b, 'vip_subnet_id');
  const network = s(b, 'vip_network_id');
  const port = s(b, 'vip_port_id');
  if (subnet === undefined && network === undefined && port === undefined)
    throw fault(
      400,
      'Validation failure: VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.',
    );
  checkVisible(c, 'Port', port);
  checkVisible(c, 'Network', network);
  checkVisible(c, 'Subnet', subnet);
  if (s(b, 'flavor_id') !== undefined) throw fault(400, 'Validation failure: Invalid flavor_id.');
  if (s(b, 'availability_zone') !== undefined)
    throw fault(400, 'Validation failure: Invalid availability zone.');
  const lb = createLoadBalancer(c, {
    name: s(b, 'name') ?? '',
    description: s(b, 'description') ?? '',
    adminStateUp: bool(b, 'admin_state_up') ?? true,
    vipSubnetId: subnet ?? null,
    vipNetworkId: network ?? null,
    vipPortId: port ?? null,
    ...compact({ vipAddress: s(b, 'vip_address'), provider: s(b, 'provider'), projectId }),
    tags: strs(b, 'tags') ?? [],
  });
  return json(201, () => ({ loadbalancer: lbApi(c, lb, LB_CREATE_KEYS) }));
}

const HTTP_HEADERS = ['X-Forwarded-For', 'X-Forwarded-Port', 'X-Forwarded-Proto'];
const SSL_HEADERS = [
  'X-SSL-Client-Verify',
  'X-SSL-Client-Has-Cert',
  'X-SSL-Client-DN',
  'X-SSL-Client-CN',
  'X-SSL-Issuer',
  'X-SSL-Client-SHA1',
  'X-SSL-Client-Not-Before',
  'X-SSL-Client-Not-After',
];

/**
 * The listener controller's _validate_insert_headers: only HTTP and TERMINATED_HTTPS listeners
 * insert headers, only the headers Octavia knows, the client certificate's only with TLS.
 * `shown` is how the message prints the names (a create's `dict_keys([…])`, an update's list).
 */
function checkInsertHeaders(names: readonly string[], protocol: string, shown: string): void {
  if (protocol !== 'HTTP' && protocol !== 'TERMINATED_HTTPS')
    throw fault(400, `insert-headers is not a valid option for a ${protocol} protocol listener.`);
  if (names.some((h) => !HTTP_HEADERS.includes(h) && !SSL_HEADERS.includes(h)))
    throw fault(400, `${shown} is not a valid option for insert_headers`);
  const ssl = names.filter((h) => SSL_HEADERS.includes(h));
  if (protocol !== 'TERMINATED_HTTPS' && ssl.length > 0)
    throw fault(400, `${pyRepr(ssl)} is not a valid option for ${protocol} protocol listener.`);
}

function listenerCreate(c: Cloud, b: Body): Answer {
  const lb = find(lbState(c).loadBalancers, 'Load Balancer', idOf(b, 'loadbalancer_id'));
  allow(c, lb.projectId, 'write');
  projectOf(c, b);
  noGraph(b, ['default_pool', 'l7policies']);
  // A None protocol is a KeyError in Octavia's protocol map: a 500 saying "None".
  if (isNull(b, 'protocol')) throw fault(500, 'None');
  // Any database error of a listener is reported as its protocol being wrong.
  if (isNull(b, 'protocol_port')) throw fault(400, `${s(b, 'protocol') ?? 'None'} is not a valid option for protocol`);
  const headers = b['insert_headers'];
  if (headers && typeof headers === 'object' && !Array.isArray(headers) && Object.keys(headers).length > 0)
    checkInsertHeaders(Object.keys(headers), s(b, 'protocol') ?? 'None', `dict_keys(${pyRepr(Object.keys(headers))})`);
  const l = createListener(c, {
    loadbalancerId: lb.id,
    name: s(b, 'name') ?? '',
    description: s(b, 'description') ?? '',
    protocol: s(b, 'protocol') as Listener['protocol'],
    protocolPort: n(b, 'protocol_port') as number,
    adminStateUp: bool(b, 'admin_state_up') ?? true,
    ...compact({
      connectionLimit: n(b, 'connection_limit'),
      defaultPoolId: s(b, 'default_pool_id'),
      defaultTlsContainerRef: s(b, 'default_tls_container_ref'),
      sniContainerRefs: strs(b, 'sni_container_refs'),
      insertHeaders:
        b['insert_headers'] && typeof b['insert_headers'] === 'object'
          ? (Object.fromEntries(
              Object.entries(b['insert_headers']).map(([k, v]) => [k, String(v)]),
            ) as Record<string, string>)
          : undefined,
      timeoutClientData: n(b, 'timeout_client_data'),
      timeoutMemberConnect: n(b, 'timeout_member_connect'),
      timeoutMemberData: n(b, 'timeout_member_data'),
      timeoutTcpInspect: n(b, 'timeout_tcp_inspect'),
      allowedCidrs: strs(b, 'allowed_cidrs'),
      tlsCiphers: s(b, 'tls_ciphers'),
      tlsVersions: strs(b, 'tls_versions'),
      alpnProtocols: strs(b, 'alpn_protocols'),
    }),
    tags: strs(b, 'tags') ?? [],
  });
  return json(201, () => ({ listener: listenerApi(c, l) }));
}

function poolCreate(c: Cloud, b: Body): Answer {
  const st = lbState(c);
  const lbId = s(b, 'loadbalancer_id');
  const listenerId = s(b, 'listener_id');
  let lb: LoadBalancer;
  if (lbId !== undefined) lb = find(st.loadBalancers, 'Load Balancer', lbId);
  else if (listenerId !== undefined) {
    // Octavia reads the listener's load balancer without checking it exists.
    const l = st.listeners.find((x) => x.id === listenerId);
    if (!l) throw fault(500, "'NoneType' object has no attribute 'load_balancer_id'");
    lb = find(st.loadBalancers, 'Load Balancer', l.loadbalancerId);
  } else
    throw fault(
      400,
      'Validation failure: Must provide at least one of: loadbalancer_id, listener_id',
    );
  allow(c, lb.projectId, 'write');
  projectOf(c, b);
  if (listenerId !== undefined) find(st.listeners, 'Listener', listenerId);
  noGraph(b, ['healthmonitor', 'members']);
  if (isNull(b, 'protocol') || isNull(b, 'lb_algorithm')) throw fault(500, UNKNOWN_ERROR);
  const p = createPool(c, {
    loadbalancerId: lb.id,
    listenerId: listenerId ?? null,
    name: s(b, 'name') ?? '',
    description: s(b, 'description') ?? '',
    protocol: s(b, 'protocol') as Pool['protocol'],
    lbAlgorithm: s(b, 'lb_algorithm') as Pool['lbAlgorithm'],
    adminStateUp: bool(b, 'admin_state_up') ?? true,
    sessionPersistence: sessionPersistenceOf(b['session_persistence']),
    ...compact({
      tlsEnabled: bool(b, 'tls_enabled'),
      tlsCiphers: s(b, 'tls_ciphers'),
      tlsVersions: strs(b, 'tls_versions'),
      alpnProtocols: strs(b, 'alpn_protocols'),
    }),
    tags: strs(b, 'tags') ?? [],
  });
  return json(201, () => ({ pool: poolApi(c, p) }));
}

function memberCreate(c: Cloud, pool: Pool, b: Body): Answer {
  allow(c, pool.projectId, 'write');
  // Python's ipaddress, given None, raises a ValueError nobody catches.
  if (isNull(b, 'address')) throw fault(500, 'None does not appear to be an IPv4 or IPv6 address');
  // A None subnet_id is as none given.
  checkVisible(c, 'Subnet', s(b, 'subnet_id'));
  if (isNull(b, 'protocol_port')) throw fault(500, UNKNOWN_ERROR);
  const m = createMember(c, {
    poolId: pool.id,
    name: s(b, 'name') ?? '',
    address: s(b, 'address') as string,
    protocolPort: n(b, 'protocol_port') as number,
    subnetId: s(b, 'subnet_id') ?? null,
    ...compact({
      weight: n(b, 'weight'),
      backup: bool(b, 'backup'),
      monitorAddress: s(b, 'monitor_address'),
      monitorPort: n(b, 'monitor_port'),
    }),
    adminStateUp: bool(b, 'admin_state_up') ?? true,
    tags: strs(b, 'tags') ?? [],
  });
  return json(201, () => ({ member: memberApi(c, m) }));
}

function monitorCreate(c: Cloud, b: Body): Answer {
  const pool = find(lbState(c).pools, 'Pool', idOf(b, 'pool_id'));
  allow(c, pool.projectId, 'write');
  for (const k of ['type', 'delay', 'timeout', 'max_retries'])
    if (isNull(b, k)) throw fault(400, `None is not a valid option for ${k}`);
  const h = createHealthMonitor(c, {
    poolId: pool.id,
    name: s(b, 'name') ?? '',
    type: s(b, 'type') as HealthMonitor['type'],
    delay: n(b, 'delay') as number,
    timeout: n(b, 'timeout') as number,
    maxRetries: n(b, 'max_retries') as number,
    ...compact({
      maxRetriesDown: n(b, 'max_retries_down'),
      httpMethod: s(b, 'http_method'),
      urlPath: s(b, 'url_path'),
      expectedCodes: s(b, 'expected_codes'),
      httpVersion: n(b, 'http_version'),
      domainName: s(b, 'domain_name'),
    }),
    adminStateUp: bool(b, 'admin_state_up') ?? true,
    tags: strs(b, 'tags') ?? [],
  });
  return json(201, () => ({ healthmonitor: monitorApi(c, h) }));
}

function policyCreate(c: Cloud, b: Body): Answer {
  const l = find(lbState(c).listeners, 'Listener', idOf(b, 'listener_id'));
  allow(c, l.projectId, 'write');
  noGraph(b, ['rules']);
  if (isNull(b, 'action')) throw fault(400, 'Invalid L7 Policy action specified: None');
  const p = createL7Policy(c, {
    listenerId: l.id,
    name: s(b, 'name') ?? '',
    description: s(b, 'description') ?? '',
    action: s(b, 'action') as L7Policy['action'],
    ...compact({
      position: n(b, 'position'),
      redirectPoolId: s(b, 'redirect_pool_id'),
      redirectUrl: s(b, 'redirect_url'),
      redirectPrefix: s(b, 'redirect_prefix'),
      redirectHttpCode: n(b, 'redirect_http_code'),
    }),
    adminStateUp: bool(b, 'admin_state_up') ?? true,
    tags: strs(b, 'tags') ?? [],
  });
  return json(201, () => ({ l7policy: policyApi(c, p) }));
}

function ruleCreate(c: Cloud, p: L7Policy, b: Body): Answer {
  allow(c, p.projectId, 'write');
  const nullRule = isNull(b, 'type') ? 'invalid rule type' : isNull(b, 'value') ? 'L7 rule type requires a value' : isNull(b, 'compare_type') ? 'invalid comparison type for rule type' : null;
  if (nullRule !== null) throw fault(400, `Error parsing L7Rule: Invalid L7 Rule: ${nullRule}`);
  const r = createL7Rule(c, {
    l7policyId: p.id,
    type: s(b, 'type') as L7Rule['type'],
    compareType: s(b, 'compare_type') as L7Rule['compareType'],
    ...compact({ key: s(b, 'key') }),
    value: s(b, 'value') as string,
    invert: bool(b, 'invert') ?? false,
    adminStateUp: bool(b, 'admin_state_up') ?? true,
    tags: strs(b, 'tags') ?? [],
  });
  return json(201, () => ({ rule: ruleApi(c, r) }));
}

const text = (b: Body, k: string): string | undefined => upd(b, k, s, '');
const tagsUpd = (b: Body): string[] | undefined => upd(b, 'tags', strs, []);

function loadBalancerUpdate(b: Body): LoadBalancerUpdate {
  return compact({
    name: text(b, 'name'),
    description: text(b, 'description'),
    adminStateUp: upd(b, 'admin_state_up', bool, true),
    vipQosPolicyId: given(b, 'vip_qos_policy_id') ? (s(b, 'vip_qos_policy_id') ?? null) : undefined,
    tags: tagsUpd(b),
  });
}

function listenerUpdate(b: Body): ListenerUpdate {
  return compact({
    name: text(b, 'name'),
    description: text(b, 'description'),
    adminStateUp: upd(b, 'admin_state_up', bool, true),
    connectionLimit: upd(b, 'connection_limit', n, -1),
    defaultPoolId: given(b, 'default_pool_id') ? (s(b, 'default_pool_id') ?? null) : undefined,
    insertHeaders: given(b, 'insert_headers')
      ? b['insert_headers'] &&
        typeof b['insert_headers'] === 'object' &&
        !Array.isArray(b['insert_headers'])
        ? (Object.fromEntries(
            Object.entries(b['insert_headers']).map(([k, v]) => [k, String(v)]),
          ) as Record<string, string>)
        : null
      : undefined,
    timeoutClientData: upd(b, 'timeout_client_data', n, 50000),
    timeoutMemberConnect: upd(b, 'timeout_member_connect', n, 5000),
    timeoutMemberData: upd(b, 'timeout_member_data', n, 50000),
    timeoutTcpInspect: upd(b, 'timeout_tcp_inspect', n, 0),
    allowedCidrs: given(b, 'allowed_cidrs') ? (strs(b, 'allowed_cidrs') ?? null) : undefined,
    tlsCiphers: given(b, 'tls_ciphers') ? (s(b, 'tls_ciphers') ?? null) : undefined,
    tlsVersions: given(b, 'tls_versions') ? (strs(b, 'tls_versions') ?? null) : undefined,
    alpnProtocols: given(b, 'alpn_protocols') ? (strs(b, 'alpn_protocols') ?? null) : undefined,
    tags: tagsUpd(b),
  });
}

function poolUpdate(b: Body): PoolUpdate {
  return compact({
    name: text(b, 'name'),
    description: text(b, 'description'),
    adminStateUp: upd(b, 'admin_state_up', bool, true),
    lbAlgorithm: s(b, 'lb_algorithm') as Pool['lbAlgorithm'] | undefined,
    sessionPersistence: given(b, 'session_persistence')
      ? sessionPersistenceOf(b['session_persistence'])
      : undefined,
    tlsEnabled: upd(b, 'tls_enabled', bool, false),
    tlsCiphers: given(b, 'tls_ciphers') ? (s(b, 'tls_ciphers') ?? null) : undefined,
    tlsVersions: given(b, 'tls_versions') ? (strs(b, 'tls_versions') ?? null) : undefined,
    alpnProtocols: given(b, 'alpn_protocols') ? (strs(b, 'alpn_protocols') ?? null) : undefined,
    tags: tagsUpd(b),
  });
}

function memberUpdate(b: Body): MemberUpdate {
  return compact({
    name: text(b, 'name'),
    weight: upd(b, 'weight', n, 1),
    backup: upd(b, 'backup', bool, false),
    monitorAddress: given(b, 'monitor_address') ? (s(b, 'monitor_address') ?? null) : undefined,
    monitorPort: given(b, 'monitor_port') ? (n(b, 'monitor_port') ?? null) : undefined,
    adminStateUp: upd(b, 'admin_state_up', bool, true),
    tags: tagsUpd(b),
  });
}

function monitorUpdate(b: Body): HealthMonitorUpdate {
  const nullable = <T>(
    k: string,
    read: (b: Body, k: string) => T | undefined,
  ): T | null | undefined => (given(b, k) ? (read(b, k) ?? null) : undefined);
  return compact({
    name: text(b, 'name'),
    delay: n(b, 'delay'),
    timeout: n(b, 'timeout'),
    maxRetries: n(b, 'max_retries'),
    maxRetriesDown: upd(b, 'max_retries_down', n, 3),
    httpMethod: nullable('http_method', s),
    urlPath: nullable('url_path', s),
    expectedCodes: nullable('expected_codes', s),
    httpVersion: nullable('http_version', n),
    domainName: nullable('domain_name', s),
    adminStateUp: upd(b, 'admin_state_up', bool, true),
    tags: tagsUpd(b),
  });
}

function policyUpdate(b: Body): L7PolicyUpdate {
  const nullable = <T>(
    k: string,
    read: (b: Body, k: string) => T | undefined,
  ): T | null | undefined => (given(b, k) ? (read(b, k) ?? null) : undefined);
  return compact({
    name: text(b, 'name'),
    description: text(b, 'description'),
    action: s(b, 'action') as L7Policy['action'] | undefined,
    position: n(b, 'position'),
    redirectPoolId: nullable('redirect_pool_id', s),
    redirectUrl: nullable('redirect_url', s),
    redirectPrefix: nullable('redirect_prefix', s),
    redirectHttpCode: nullable('redirect_http_code', n),
    adminStateUp: upd(b, 'admin_state_up', bool, true),
    tags: tagsUpd(b),
  });
}

function ruleUpdate(b: Body): L7RuleUpdate {
  return compact({
    type: s(b, 'type') as L7Rule['type'] | undefined,
    compareType: s(b, 'compare_type') as L7Rule['compareType'] | undefined,
    key: given(b, 'key') ? (s(b, 'key') ?? null) : undefined,
    value: s(b, 'value'),
    invert: upd(b, 'invert', bool, false),
    adminStateUp: upd(b, 'admin_state_up', bool, true),
    tags: tagsUpd(b),
  });
}

const TRUE = ['true', '1', 'yes', 'on', 't', 'y'];

/**
 * PUT /v2/lbaas/pools/{id}/members: the pool's members become the given list (by address and
 * port): new ones created, the others' given values updated (WSME's defaults for the rest),
 * those not listed deleted unless `additive_only`. One job for the worker: the pool, its load
 * balancer and listeners go PENDING_UPDATE once. 202 without a body; nothing to do is a no-op.
 */
function memberBatch(c: Cloud, poolId: string, members: Body[], additiveOnly: boolean): Answer {
  const st = lbState(c);
  const pool = find(st.pools, 'Pool', poolId);
  allow(c, pool.projectId, 'write');
  const lb = find(st.loadBalancers, 'Load Balancer', pool.loadbalancerId);
  for (const [what, o] of [
    ['Load Balancer', lb],
    ['Pool', pool],
  ] as const) {
    if (!isMutable(o)) throw fault(409, `${what} ${o.id} is immutable and cannot be updated.`);
  }
  const old = st.members.filter((m) => m.poolId === pool.id);
  const key = (address: string, port: number) => `${address} ${port}`;
  const oldKeys = new Map(old.map((m) => [key(m.address, m.protocolPort), m]));
  const newKeys = new Set(
    members.map((m) => key(s(m, 'address') ?? '', n(m, 'protocol_port') ?? 0)),
  );
  const created = members.filter(
    (m) => !oldKeys.has(key(s(m, 'address') ?? '', n(m, 'protocol_port') ?? 0)),
  );
  const updated = members.filter((m) =>
    oldKeys.has(key(s(m, 'address') ?? '', n(m, 'protocol_port') ?? 0)),
  );
  const deleted = additiveOnly
    ? []
    : old.filter((m) => !newKeys.has(key(m.address, m.protocolPort)));
  if (created.length + updated.length + deleted.length === 0) return empty(202);
  for (const m of created) checkVisible(c, 'Subnet', s(m, 'subnet_id'));
  // Each op locks the pool for its own job; the batch is one job, so the locks are undone between ops.
  const locked = [lb, pool, ...st.listeners.filter((l) => l.loadbalancerId === lb.id)];
  const before = locked.map((o) => [o.provisioningStatus, o.settlesAt] as const);
  const unlock = () =>
    locked.forEach(
      (o, i) => ([o.provisioningStatus, o.settlesAt] = before[i] as (typeof before)[number]),
    );
  for (const m of deleted) {
    deleteMember(c, m);
    unlock();
  }
  for (const b of created) {
    createMember(c, {
      poolId: pool.id,
      name: s(b, 'name') ?? '',
      address: s(b, 'address') as string,
      protocolPort: n(b, 'protocol_port') as number,
      subnetId: s(b, 'subnet_id') ?? null,
      ...compact({
        weight: n(b, 'weight'),
        backup: bool(b, 'backup'),
        monitorAddress: s(b, 'monitor_address'),
        monitorPort: n(b, 'monitor_port'),
      }),
      adminStateUp: bool(b, 'admin_state_up') ?? true,
      tags: strs(b, 'tags') ?? [],
    });
    unlock();
  }
  for (const b of updated) {
    const m = oldKeys.get(key(s(b, 'address') ?? '', n(b, 'protocol_port') ?? 0)) as Member;
    updateMember(c, m, {
      ...compact({ name: s(b, 'name'), tags: strs(b, 'tags') }),
      weight: n(b, 'weight') ?? 1,
      backup: bool(b, 'backup') ?? false,
      adminStateUp: bool(b, 'admin_state_up') ?? true,
      monitorAddress: s(b, 'monitor_address') ?? null,
      monitorPort: n(b, 'monitor_port') ?? null,
    });
    unlock();
  }
  for (const o of locked) if (o.provisioningStatus === 'ACTIVE') pend(c, o, 'PENDING_UPDATE');
  return empty(202);
}

function quotaValues(b: Body): Partial<Record<keyof OctaviaQuota, number | null>> {
  const out: Partial<Record<keyof OctaviaQuota, number | null>> = {};
  const alias: Record<string, string> = {
    loadbalancer: 'load_balancer',
    healthmonitor: 'health_monitor',
  };
  for (const [k, v] of Object.entries(b)) {
    const q = QUOTA_KEYS.find((x) => x.api === (alias[k] ?? k));
    if (q) out[q.key] = typeof v === 'number' ? v : null;
  }
  return out;
}

// ---- the router ------------------------------------------------------------------------------

type Route = (r: Request) => Answer;
type Write = (c: Cloud) => Answer;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE']);

function methodNotAllowed(): never {
  throw new MethodNotAllowed();
}

/** A collection (`GET`, `POST`) or one of its members (`GET`, `PUT`, `DELETE`). */
function rest(
  method: string,
  handlers: { get?: Route; post?: Route; put?: Route; del?: Route },
  r: Request,
): Answer {
  const h =
    method === 'GET' || method === 'HEAD'
      ? handlers.get
      : method === 'POST'
        ? handlers.post
        : method === 'PUT'
          ? handlers.put
          : method === 'DELETE'
            ? handlers.del
            : undefined;
  if (!h) return methodNotAllowed();
  return h(r);
}

/** A body read before any lookup (WSME runs before the controller). */
function withBody(r: Request, spec: BodySpec, run: (b: Body) => Write): Write {
  const b = readBody(r.call.body, spec);
  return run(b);
}

/** Marks a write: the router runs it inside one transaction. */
class WriteRoute {
  constructor(readonly run: Write) {}
}
function write(run: Write): never {
  throw new WriteRoute(run);
}

function lbRoutes(r: Request, rest2: string[]): Answer {
  const { c, call } = r;
  const st = lbState(c);
  const [id, sub, ...more] = rest2;
  if (id === undefined) {
    return rest(
      call.method,
      {
        get: () =>
          list(
            r,
            'loadbalancers',
            'loadbalancers_links',
            seen(c, st.loadBalancers).map((x) => lbApi(c, x)),
            LB_KEYS,
            (m) => markerOf(c, st.loadBalancers, m, lbApi),
          ),
        post: () =>
          write(withBody(r, BODIES.loadbalancerPost, (b) => (d) => loadBalancerCreate(d, b))),
      },
      r,
    );
  }
  if (more.length > 0) throw notFoundRoute();
  if (
    sub !== undefined &&
    !['stats', 'status', 'failover'].includes(sub) &&
    (call.method === 'GET' || call.method === 'HEAD')
  ) {
    const lb = find(st.loadBalancers, 'Load Balancer', id);
    allow(c, lb.projectId, 'read');
    return json(200, { loadbalancer: extraSegment(lbApi(c, lb), sub) });
  }
  if (sub === undefined) {
    return rest(
      call.method,
      {
        get: () => {
          const lb = find(st.loadBalancers, 'Load Balancer', id);
          allow(c, lb.projectId, 'read');
          return show(r, 'loadbalancer', lbApi(c, lb));
        },
        put: () =>
          write(
            withBody(r, BODIES.loadbalancerPut, (b) => (d) => {
              const lb = find(lbState(d).loadBalancers, 'Load Balancer', id);
              allow(d, lb.projectId, 'write');
              updateLoadBalancer(d, lb, loadBalancerUpdate(b));
              return json(200, () => ({ loadbalancer: lbApi(d, lb) }));
            }),
          ),
        del: () =>
          write((d) => {
            const lb = find(lbState(d).loadBalancers, 'Load Balancer', id);
            allow(d, lb.projectId, 'write');
            const cascade = call.query.filter(([k]) => k === 'cascade').pop()?.[1];
            deleteLoadBalancer(
              d,
              lb,
              cascade !== undefined &&
                ['true', '1', 'yes', 'on', 't', 'y'].includes(cascade.toLowerCase()),
            );
            return empty(204);
          }),
      },
      r,
    );
  }
  const lbFor = (cl: Cloud, need: 'read' | 'write'): LoadBalancer => {
    const lb = find(lbState(cl).loadBalancers, 'Load Balancer', id);
    allow(cl, lb.projectId, need);
    return lb;
  };
  if (sub === 'stats' && (call.method === 'GET' || call.method === 'HEAD'))
    return json(200, { stats: ordered(loadBalancerStats(c, lbFor(c, 'read')), STATS_ORDER) });
  if (sub === 'status' && (call.method === 'GET' || call.method === 'HEAD'))
    return json(200, { statuses: statusTree(c, lbFor(c, 'read')) });
  if (sub === 'failover' && call.method === 'PUT') {
    return write((d) => {
      const lb = find(lbState(d).loadBalancers, 'Load Balancer', id);
      failoverLoadBalancer(d, lb);
      return empty(202);
    });
  }
  if (sub === 'stats' || sub === 'status' || sub === 'failover') return methodNotAllowed();
  throw notFoundRoute();
}

/**
 * GET …/{id}/{x}: pecan passes the extra segment to get_one as its `fields` argument, a string,
 * which Octavia's field filter tests with `in`: the attributes whose names are in it survive.
 */
function extraSegment(d: JsonObject, segment: string): JsonObject {
  return Object.fromEntries(Object.entries(d).filter(([k]) => segment.includes(k)));
}

function markerOf<T extends { id: string }>(
  c: Cloud,
  items: readonly T[],
  id: string,
  dict: (c: Cloud, x: T) => JsonObject,
): JsonObject | undefined {
  const x = items.find((i) => i.id === id);
  return x ? dict(c, x) : undefined;
}

/** The generic shape of listeners, pools, health monitors and L7 policies. */
interface Kind<T extends OctaviaBase> {
  key: string;
  plural: string;
  resource: string;
  keys: readonly string[];
  items: (c: Cloud) => readonly T[];
  dict: (c: Cloud, x: T) => JsonObject;
  extra?: Listing['extraKeys'];
  post: BodySpec;
  put: BodySpec;
  create: (c: Cloud, b: Body) => Answer;
  update: (c: Cloud, x: T, b: Body) => void;
  remove: (c: Cloud, x: T) => void;
  /**
   * What a PUT or DELETE finds the object among, when not `items`: the member and L7 rule
   * controllers look a child up by its id alone, whatever parent the URL names.
   */
  byId?: (c: Cloud) => readonly T[];
}

function kindRoutes<T extends OctaviaBase>(
  r: Request,
  k: Kind<T>,
  rest2: string[],
  child?: (x: T, rest3: string[]) => Answer,
): Answer {
  const { c, call } = r;
  const [id, sub, ...more] = rest2;
  if (id === undefined) {
    return rest(
      call.method,
      {
        get: () =>
          list(
            r,
            k.plural,
            `${k.plural}_links`,
            seen(c, k.items(c)).map((x) => k.dict(c, x)),
            k.keys,
            (m) => markerOf(c, k.items(c), m, k.dict),
            k.extra,
          ),
        post: () => write(withBody(r, k.post, (b) => (d) => k.create(d, b))),
      },
      r,
    );
  }
  if (sub !== undefined) {
    if (!child) {
      if (sub === 'stats' && more.length === 0 && k.key === 'listener') {
        if (call.method !== 'GET' && call.method !== 'HEAD') return methodNotAllowed();
        const x = find(k.items(c), k.resource, id);
        allow(c, x.projectId, 'read');
        return json(200, { stats: ordered(statsDict(c, [x.id]), STATS_ORDER) });
      }
      if (more.length > 0 || (call.method !== 'GET' && call.method !== 'HEAD'))
        throw notFoundRoute();
      const x = find(k.items(c), k.resource, id);
      allow(c, x.projectId, 'read');
      return json(200, { [k.key]: extraSegment(k.dict(c, x), sub) });
    }
    const parent = k.items(c).find((x) => x.id === id);
    if (!parent) throw new PecanError(404, 'Bad Request', `${k.resource} ${id} not found.`);
    return child(parent, [sub, ...more]);
  }
  return rest(
    call.method,
    {
      get: () => {
        const x = find(k.items(c), k.resource, id);
        allow(c, x.projectId, 'read');
        return show(r, k.key, k.dict(c, x));
      },
      put: () =>
        write(
          withBody(r, k.put, (b) => (d) => {
            const x = find((k.byId ?? k.items)(d), k.resource, id);
            allow(d, x.projectId, 'write');
            k.update(d, x, b);
            return json(200, () => ({ [k.key]: k.dict(d, x) }));
          }),
        ),
      del: () =>
        write((d) => {
          const x = find((k.byId ?? k.items)(d), k.resource, id);
          allow(d, x.projectId, 'write');
          k.remove(d, x);
          return empty(204);
        }),
    },
    r,
  );
}

const LISTENERS: Kind<Listener> = {
  key: 'listener',
  plural: 'listeners',
  resource: 'Listener',
  keys: LISTENER_KEYS,
  items: (c) => lbState(c).listeners,
  dict: listenerApi,
  extra: { loadbalancer_id: ref('loadbalancers') },
  post: BODIES.listenerPost,
  put: BODIES.listenerPut,
  create: listenerCreate,
  update: (c, x, b) => {
    // _validate_listener_PUT: a UDP or SCTP listener takes no headers, then the headers' own check.
    const headers = b['insert_headers'];
    if (headers && typeof headers === 'object' && !Array.isArray(headers) && Object.keys(headers).length > 0) {
      if (x.protocol === 'UDP' || x.protocol === 'SCTP')
        throw fault(400, `Validation failure: ${x.protocol} protocol listener does not support TLS or header insertion.`);
      checkInsertHeaders(Object.keys(headers), x.protocol, pyRepr(Object.keys(headers)));
    }
    updateListener(c, x, listenerUpdate(b));
  },
  remove: deleteListener,
};
const POOLS: Kind<Pool> = {
  key: 'pool',
  plural: 'pools',
  resource: 'Pool',
  keys: POOL_KEYS,
  items: (c) => lbState(c).pools,
  dict: poolApi,
  extra: { loadbalancer_id: ref('loadbalancers') },
  post: BODIES.poolPost,
  put: BODIES.poolPut,
  create: poolCreate,
  update: (c, x, b) => updatePool(c, x, poolUpdate(b)),
  remove: deletePool,
};
const MONITORS: Kind<HealthMonitor> = {
  key: 'healthmonitor',
  plural: 'healthmonitors',
  resource: 'Health Monitor',
  keys: MONITOR_KEYS,
  items: (c) => lbState(c).healthMonitors,
  dict: monitorApi,
  extra: { pool_id: ref('pools') },
  post: BODIES.monitorPost,
  put: BODIES.monitorPut,
  create: monitorCreate,
  update: (c, x, b) => updateHealthMonitor(c, x, monitorUpdate(b)),
  remove: deleteHealthMonitor,
};
const POLICIES: Kind<L7Policy> = {
  key: 'l7policy',
  plural: 'l7policies',
  resource: 'L7 Policy',
  keys: POLICY_KEYS,
  items: (c) => lbState(c).l7Policies,
  dict: policyApi,
  post: BODIES.policyPost,
  put: BODIES.policyPut,
  create: policyCreate,
  update: (c, x, b) => updateL7Policy(c, x, policyUpdate(b)),
  remove: deleteL7Policy,
};

function membersOf(pool: Pool): Kind<Member> {
  return {
    key: 'member',
    plural: 'members',
    resource: 'Member',
    keys: MEMBER_KEYS,
    items: (c) => lbState(c).members.filter((m) => m.poolId === pool.id),
    dict: memberApi,
    post: BODIES.memberPost,
    put: BODIES.memberPut,
    create: (c, b) => memberCreate(c, find(lbState(c).pools, 'Pool', pool.id), b),
    update: (c, x, b) => updateMember(c, x, memberUpdate(b)),
    remove: deleteMember,
    byId: (c) => lbState(c).members,
  };
}

function rulesOf(p: L7Policy): Kind<L7Rule> {
  return {
    key: 'rule',
    plural: 'rules',
    resource: 'L7 Rule',
    keys: RULE_KEYS,
    items: (c) => lbState(c).l7Rules.filter((x) => x.l7policyId === p.id),
    dict: ruleApi,
    post: BODIES.rulePost,
    put: BODIES.rulePut,
    create: (c, b) => ruleCreate(c, find(lbState(c).l7Policies, 'L7 Policy', p.id), b),
    update: (c, x, b) => updateL7Rule(c, x, ruleUpdate(b)),
    remove: deleteL7Rule,
    byId: (c) => lbState(c).l7Rules,
  };
}

function quotaRoutes(r: Request, rest2: string[]): Answer {
  const { c, call } = r;
  const [project, sub, ...more] = rest2;
  const quota = (q: JsonObject): JsonObject => ordered(q, QUOTA_ORDER);
  if (project === undefined) {
    if (call.method !== 'GET' && call.method !== 'HEAD') return methodNotAllowed();
    const want =
      call.query.filter(([k]) => k === 'project_id' || k === 'tenant_id').pop()?.[1] ?? null;
    const rows = listQuotas(c, want).map((q) => ({
      project_id: q['project_id'] ?? null,
      loadbalancer: q['load_balancer'] ?? null,
      load_balancer: q['load_balancer'] ?? null,
      listener: q['listener'] ?? null,
      member: q['member'] ?? null,
      pool: q['pool'] ?? null,
      healthmonitor: q['health_monitor'] ?? null,
      health_monitor: q['health_monitor'] ?? null,
      l7policy: q['l7policy'] ?? null,
      l7rule: q['l7rule'] ?? null,
      tenant_id: q['project_id'] ?? null,
    }));
    return json(200, { quotas: rows.map((x) => selectFields(x, r.page.fields)), quotas_links: [] });
  }
  if (more.length > 0 || (sub !== undefined && sub !== 'default')) throw notFoundRoute();
  if (project === 'defaults' || sub === 'default') {
    if (call.method !== 'GET' && call.method !== 'HEAD') return methodNotAllowed();
    return json(200, { quota: quota(defaultQuota(c)) });
  }
  return rest(
    call.method,
    {
      get: () => json(200, { quota: quota(showQuota(c, project)) }),
      put: () =>
        write(
          withBody(r, BODIES.quotaPut, (b) => (d) => {
            setLbQuota(d, project, quotaValues(b));
            return json(202, { quota: quota(quotaDict(d, project)) });
          }),
        ),
      del: () =>
        write((d) => {
          resetLbQuota(d, project);
          return empty(202);
        }),
    },
    r,
  );
}

/** Flavors, flavor profiles, availability zones and their profiles: none configured. */
function unconfigured(
  r: Request,
  key: string,
  linksKey: string,
  resource: string,
  rest2: string[],
): Answer {
  const { c, call } = r;
  const [id, ...more] = rest2;
  if (more.length > 0) throw notFoundRoute();
  if (id === undefined) {
    if (call.method === 'POST') {
      authorize(c, 'admin');
      throw fault(400, `Validation failure: Stacklab's clouds have no ${key} to configure.`);
    }
    if (call.method !== 'GET' && call.method !== 'HEAD') return methodNotAllowed();
    listUnconfigured(c);
    return json(200, { [key]: [], [linksKey]: [] });
  }
  if (call.method === 'POST') return methodNotAllowed();
  throw notFound(resource, id);
}

function route(r: Request, path: string[]): Answer {
  const { c, call } = r;
  const [area, coll, ...rest2] = path;
  if (area === 'octavia') {
    if (coll !== 'amphorae') throw notFoundRoute();
    const [id, sub] = rest2;
    if (rest2.length > 2) throw notFoundRoute();
    if (id === undefined) {
      if (call.method !== 'GET' && call.method !== 'HEAD') return methodNotAllowed();
      const rows = visibleAmphorae(c).map((a) => ordered(amphoraDict(a), AMPHORA_KEYS));
      return list(r, 'amphorae', 'amphorae_links', rows, AMPHORA_KEYS, (m) =>
        rows.find((x) => x['id'] === m),
      );
    }
    if (sub === 'failover' || sub === 'config') {
      if (call.method !== 'PUT') throw new MethodNotAllowed('PUT');
      const amp = find(lbState(c).amphorae, 'Amphora', id);
      authorize(c, 'admin');
      // config: the amphora agent reloads its configuration, nothing the cloud shows changes.
      const lbId = amp.loadbalancerId;
      if (sub === 'config' || lbId === null) return empty(202);
      // failover: the worker replaces the amphora (its load balancer has that one only).
      return write((d) => {
        failoverLoadBalancer(d, find(lbState(d).loadBalancers, 'Load Balancer', lbId));
        return empty(202);
      });
    }
    if (sub === 'stats') {
      if (call.method !== 'GET' && call.method !== 'HEAD') throw new MethodNotAllowed('GET');
      find(lbState(c).amphorae, 'Amphora', id);
      authorize(c, 'admin');
      throw fault(404, `Amphora stats for ${id} not found.`);
    }
    if (sub !== undefined) throw notFoundRoute();
    if (call.method !== 'GET' && call.method !== 'HEAD') return methodNotAllowed();
    const amp = find(lbState(c).amphorae, 'Amphora', id);
    authorize(c, 'admin');
    return show(r, 'amphora', ordered(amphoraDict(amp), AMPHORA_KEYS));
  }
  // Pecan routes /v2/lbaas to the v2 root's index.
  if (area === 'lbaas' && coll === undefined && (call.method === 'GET' || call.method === 'HEAD'))
    return json(200, 'v2');
  if (area !== 'lbaas' || coll === undefined) throw notFoundRoute();
  switch (coll) {
    case 'loadbalancers':
      return lbRoutes(r, rest2);
    case 'listeners':
      return kindRoutes(r, LISTENERS, rest2);
    case 'pools':
      return kindRoutes(r, POOLS, rest2, (pool, [sub, ...more]) => {
        if (sub !== 'members') throw notFoundRoute();
        if (more.length === 0 && call.method === 'PUT') {
          const members = readListBody(call.body, BODIES.membersPut);
          const additive = call.query.filter(([k]) => k === 'additive_only').pop()?.[1];
          return write((d) =>
            memberBatch(
              d,
              pool.id,
              members,
              additive !== undefined && TRUE.includes(additive.toLowerCase()),
            ),
          );
        }
        return kindRoutes(r, membersOf(pool), more);
      });
    case 'healthmonitors':
      return kindRoutes(r, MONITORS, rest2);
    case 'l7policies':
      return kindRoutes(r, POLICIES, rest2, (p, [sub, ...more]) => {
        if (sub !== 'rules') throw notFoundRoute();
        return kindRoutes(r, rulesOf(p), more);
      });
    case 'quotas':
      return quotaRoutes(r, rest2);
    case 'providers': {
      const [name, what, ...more] = rest2;
      if (more.length > 0) throw notFoundRoute();
      if (call.method !== 'GET' && call.method !== 'HEAD') return methodNotAllowed();
      if (name === undefined)
        return json(200, {
          providers: listProviders(c).map((p) => selectFields(p, r.page.fields)),
        });
      if (what !== 'flavor_capabilities' && what !== 'availability_zone_capabilities')
        throw notFoundRoute();
      const type = what === 'flavor_capabilities' ? 'flavor' : 'availability_zone';
      const caps = providerCapabilities(c, name, type).map((x) =>
        selectFields(
          { name: x['name'] ?? null, description: x['description'] ?? null },
          r.page.fields,
        ),
      );
      return json(200, { [what]: caps });
    }
    case 'flavors':
      return unconfigured(r, 'flavors', 'flavors_links', 'Flavor', rest2);
    case 'flavorprofiles':
      return unconfigured(r, 'flavorprofiles', 'flavorprofile_links', 'Flavor Profile', rest2);
    case 'availabilityzones':
      return unconfigured(
        r,
        'availability_zones',
        'availability_zones_links',
        'Availability Zone',
        rest2,
      );
    case 'availabilityzoneprofiles':
      return unconfigured(
        r,
        'availability_zone_profiles',
        'availability_zone_profile_links',
        'Availability Zone Profile',
        rest2,
      );
    default:
      throw notFoundRoute();
  }
}

/** Octavia's API for one call on a cloud: the answer, and the cloud after a write. */
export function octaviaHandle(cloud: Cloud, call: ApiCall, ctx: ApiContext): ApiResult {
  const path =
    call.path.length > 1 && call.path[call.path.length - 1] === ''
      ? call.path.slice(0, -1)
      : call.path;
  const [version, ...rest2] = path;
  try {
    if (version !== 'v2' && version !== 'v2.0')
      throw new PecanError(404, 'Not Found', version === '' || version === undefined ? '' : null);
    if (!METHODS.has(call.method))
      throw rest2.length === 0 ? notFoundRoute() : new MethodNotAllowed();
    if (rest2.length === 0) {
      if (call.method !== 'GET' && call.method !== 'HEAD')
        return { cloud, answer: errorAnswer(new MethodNotAllowed(), ctx, call.method) };
      return { cloud, answer: json(200, 'v2') };
    }
    const page =
      call.method === 'GET' || call.method === 'HEAD' ? readPage(call.query) : readPage([]);
    const url = `${ctx.base.replace(/\/$/, '')}/${path.join('/')}`;
    return { cloud, answer: route({ c: cloud, call, ctx, page, url }, rest2) };
  } catch (e) {
    if (e instanceof WriteRoute) {
      const out = transact(cloud, (d) => e.run(d));
      return out.ok
        ? { cloud: out.cloud, answer: out.value }
        : { cloud: out.cloud, answer: errorAnswer(out.error, ctx, call.method) };
    }
    return { cloud, answer: errorAnswer(e, ctx, call.method) };
  }
}

/**
 * One call a client makes to Octavia's API inside a command (the CLI's octaviaclient): routed,
 * read and answered as over HTTP, but on the command's own draft cloud (the command is the
 * transaction). The API's refusal is thrown as its error; the answer's JSON (null for 202/204) is
 * read only when the caller asks for it (`data()`: a create's, not a set's). `path` is under
 * `/v2/lbaas`; `body` goes as the client's json.dumps of it (its key order).
 */
export function octaviaCall(
  c: Cloud,
  method: string,
  path: readonly string[],
  body?: JsonObject,
  query: Array<[string, string]> = [],
): { data: () => JsonObject | null } {
  const call: ApiCall = {
    service: 'load-balancer',
    method,
    path: ['v2', 'lbaas', ...path],
    query,
    body: body === undefined ? '' : JSON.stringify(body),
  };
  let answer: Answer;
  try {
    answer = route({ c, call, ctx: { base: '' }, page: readPage([]), url: '' }, ['lbaas', ...path]);
  } catch (e) {
    if (!(e instanceof WriteRoute)) throw e;
    answer = e.run(c);
  }
  return { data: () => (answer.body === '' ? null : (JSON.parse(answer.body) as JsonObject)) };
}

export const octaviaService: Service = {
  anonymous: (call, ctx) => {
    const root = call.path.length === 0 || (call.path.length === 1 && call.path[0] === '');
    if (root && (call.method === 'GET' || call.method === 'HEAD')) return octaviaVersions(ctx.base);
    return null;
  },
  handle: octaviaHandle,
};
