/**
 * Listeners, pools, members, health monitors, L7 policies and rules: create, update, delete with
 * Octavia's validation order and messages. Every change puts the load balancer (and the
 * listeners it touches) PENDING_UPDATE until the worker has it (see lifecycle.ts).
 */
import type { Cloud } from '../../model/cloud.js';
import type { HealthMonitor, L7Policy, L7Rule, Listener, LoadBalancer, Member, OctaviaBase, Pool, SessionPersistence } from '../../model/octavia.js';
import { parseCidr, parseIp } from '../../ipam.js';
import { newId } from '../context.js';
import { authorize, checkRange, checkText, driversOf, isMutable, lbWrite, newBase, octaviaError, pend, tagSet } from './common.js';
import { lbOf, listenerOf, policyOf, poolListeners, poolOf } from './lifecycle.js';
import { checkLbQuota } from './loadbalancer.js';
import { checkL7Rule } from './l7-validate.js';
import { closeListenerPort, openListenerPort } from './neutron.js';

const VALID_POOL_PROTOCOLS: Record<string, readonly string[]> = {
  TCP: ['HTTP', 'HTTPS', 'PROXY', 'PROXYV2', 'TCP'],
  HTTP: ['HTTP', 'PROXY', 'PROXYV2'],
  HTTPS: ['HTTPS', 'PROXY', 'PROXYV2', 'TCP'],
  TERMINATED_HTTPS: ['HTTP', 'PROXY', 'PROXYV2'],
  UDP: ['UDP'],
  SCTP: ['SCTP'],
  PROMETHEUS: [],
};

/** ImmutableObject (409) for the parent the API checks, then the load balancer. */
function checkMutable(resource: string, o: OctaviaBase): void {
  if (!isMutable(o)) throw octaviaError(409, `${resource} ${o.id} is immutable and cannot be updated.`);
}

/** The load balancer (and the given listeners) go PENDING_UPDATE for the worker's job. */
function lockLb(c: Cloud, lb: LoadBalancer, listeners: readonly Listener[]): void {
  checkMutable('Load Balancer', lb);
  pend(c, lb, 'PENDING_UPDATE');
  for (const l of listeners) if (l.provisioningStatus === 'ACTIVE') pend(c, l, 'PENDING_UPDATE');
}

function projectCount<T extends OctaviaBase>(items: readonly T[], projectId: string): number {
  return items.filter((i) => i.projectId === projectId).length;
}

// ---- listeners -----------------------------------------------------------------------------

export interface ListenerCreate {
  loadbalancerId: string;
  name: string;
  description: string;
  protocol: Listener['protocol'];
  protocolPort: number;
  adminStateUp: boolean;
  connectionLimit?: number;
  defaultPoolId?: string;
  defaultTlsContainerRef?: string;
  sniContainerRefs?: string[];
  insertHeaders?: Record<string, string>;
  timeoutClientData?: number;
  timeoutMemberConnect?: number;
  timeoutMemberData?: number;
  timeoutTcpInspect?: number;
  allowedCidrs?: string[];
  tlsCiphers?: string;
  tlsVersions?: string[];
  alpnProtocols?: string[];
  tags: string[];
}

function checkConnectionLimit(v: number | undefined): void {
  if (v !== undefined && v < -1) {
    throw octaviaError(400, `Invalid input for field/attribute connection_limit. Value: '${v}'. Value should be greater or equal to -1`);
  }
}

/**
 * WSME's CIDR list type; the message shows Python's repr of the list. An item may be None: a bare
 * `--allowed-cidr` (the client's nargs='?') appends None, and the client sends it.
 */
function checkCidrs(cidrs: ReadonlyArray<string | null> | null | undefined): void {
  if (!cidrs || cidrs.every((x) => typeof x === 'string' && parseCidr(x) !== null)) return;
  throw octaviaError(400, `Invalid input for field/attribute allowed_cidrs. Value: '[${cidrs.map((x) => (typeof x === 'string' ? `'${x}'` : 'None')).join(', ')}]'. Value should be IPv4 or IPv6 CIDR format`);
}

/** The controller's _validate_cidr_compatible_with_vip: each allowed CIDR of the VIP's IP version. */
function checkCidrsVip(lb: LoadBalancer, cidrs: ReadonlyArray<string | null> | null | undefined): void {
  const vip = parseIp(lb.vipAddress);
  for (const cidr of cidrs ?? []) {
    const net = cidr === null ? null : parseCidr(cidr);
    if (net === null || vip === null || net.version === vip.version) continue;
    throw octaviaError(400, `Validation failure: CIDR ${cidr} IP version incompatible with VIP ${lb.vipAddress} IP version.`);
  }
}

export function createListener(c: Cloud, r: ListenerCreate): Listener {
  checkText('name', r.name);
  checkText('description', r.description);
  checkConnectionLimit(r.connectionLimit);
  checkCidrs(r.allowedCidrs);
  authorize(c, 'write');
  const s = lbWrite(c);
  const lb = lbOf(s, r.loadbalancerId);
  if (r.protocol === 'TERMINATED_HTTPS' && r.defaultTlsContainerRef === undefined && (r.sniContainerRefs ?? []).length === 0) {
    throw octaviaError(400, 'Validation failure: An SNI or default certificate container reference must be provided for TERMINATED_HTTPS protocol listeners.');
  }
  checkLbQuota(c, lb.projectId, 'listener', projectCount(s.listeners, lb.projectId));
  lockLb(c, lb, []);
  const taken = s.listeners.find((l) => l.loadbalancerId === lb.id && l.protocolPort === r.protocolPort && sameFamily(l.protocol, r.protocol));
  // Octavia names the protocol of the listener already there.
  if (taken) throw octaviaError(409, `Another Listener on this Load Balancer is already using protocol ${taken.protocol} and protocol_port ${r.protocolPort}`);
  checkCidrsVip(lb, r.allowedCidrs);
  const pool = r.defaultPoolId !== undefined ? defaultPoolFor(s.pools, r.defaultPoolId, lb, r.protocol) : null;
  const l: Listener = Object.assign(newBase(c, newId(c), r.name, r.description, lb.projectId, r.adminStateUp, 'OFFLINE'), {
    loadbalancerId: lb.id,
    protocol: r.protocol,
    protocolPort: r.protocolPort,
    connectionLimit: r.connectionLimit ?? -1,
    defaultPoolId: pool?.id ?? null,
    defaultTlsContainerRef: r.defaultTlsContainerRef ?? null,
    sniContainerRefs: r.sniContainerRefs ?? [],
    insertHeaders: r.insertHeaders ?? null,
    timeoutClientData: r.timeoutClientData ?? 50000,
    timeoutMemberConnect: r.timeoutMemberConnect ?? 5000,
    timeoutMemberData: r.timeoutMemberData ?? 50000,
    timeoutTcpInspect: r.timeoutTcpInspect ?? 0,
    clientCaTlsContainerRef: null,
    clientAuthentication: 'NONE' as const,
    clientCrlContainerRef: null,
    allowedCidrs: r.allowedCidrs ?? null,
    // Kept as given (Octavia checks them and sets its defaults only for a TLS-terminating listener).
    tlsCiphers: r.tlsCiphers ?? null,
    tlsVersions: r.tlsVersions ?? null,
    alpnProtocols: r.alpnProtocols ?? null,
  });
  l.tags = tagSet(r.tags);
  l.peerPort = nextPeerPort(s.listeners.filter((x) => x.loadbalancerId === lb.id));
  s.listeners.push(l);
  if (driversOf(c) === 'amphora') openListenerPort(c, lb, l);
  return l;
}

/** Octavia's _find_next_peer_port: 1025 for a load balancer's first listener, then one above the highest. */
function nextPeerPort(siblings: readonly Listener[]): number {
  const max = Math.max(0, ...siblings.map((l) => l.peerPort ?? 0));
  return max === 0 ? 1025 : max + 1;
}

/** TCP-based protocols share a port; UDP and SCTP have their own. */
function sameFamily(a: string, b: string): boolean {
  const fam = (p: string) => (p === 'UDP' ? 'udp' : p === 'SCTP' ? 'sctp' : 'tcp');
  return fam(a) === fam(b);
}

function defaultPoolFor(pools: readonly Pool[], poolId: string, lb: LoadBalancer, protocol: string): Pool {
  const pool = pools.find((p) => p.id === poolId && p.loadbalancerId === lb.id);
  if (!pool) throw octaviaError(404, `Pool ${poolId} not found.`);
  // The controller's _validate_pool: the pool must speak a protocol the listener can hand it.
  if (!(VALID_POOL_PROTOCOLS[protocol] ?? []).includes(pool.protocol)) {
    throw octaviaError(400, `Validation failure: The pool protocol '${pool.protocol}' is invalid while the listener protocol is '${protocol}'.`);
  }
  // Listeners of one load balancer may share a default pool (the oracle takes a second one).
  return pool;
}

export interface ListenerUpdate {
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  connectionLimit?: number;
  defaultPoolId?: string | null;
  insertHeaders?: Record<string, string> | null;
  timeoutClientData?: number;
  timeoutMemberConnect?: number;
  timeoutMemberData?: number;
  timeoutTcpInspect?: number;
  allowedCidrs?: string[] | null;
  /** null: Octavia's default again (its _set_default_on_none). */
  tlsCiphers?: string | null;
  tlsVersions?: string[] | null;
  alpnProtocols?: string[] | null;
  tags?: string[];
}

const TLS_VERSIONS = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const ALPN_PROTOCOLS = ['h2', 'http/1.1', 'http/1.0'];
/** Octavia's [api_settings] defaults for a listener's TLS (the OWASP suite B ciphers and versions). */
const DEFAULT_CIPHERS = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA256:DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256';
const DEFAULT_TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'];
const DEFAULT_ALPN = ['h2', 'http/1.1', 'http/1.0'];

/** validate.check_tls_version_list and check_alpn_protocols of what is given (None: the default again). */
function checkTlsLists(u: { tlsVersions?: string[] | null; alpnProtocols?: string[] | null }): void {
  if (u.tlsVersions !== undefined && u.tlsVersions !== null) {
    if (u.tlsVersions.length === 0) throw octaviaError(400, 'Validation failure: Empty TLS version list. Either specify at least one TLS version or remove this parameter to use the default.');
    const bad = u.tlsVersions.filter((v) => !TLS_VERSIONS.includes(v));
    if (bad.length > 0) throw octaviaError(400, `Validation failure: Invalid TLS versions: ${bad.join(', ')}`);
  }
  if (u.alpnProtocols !== undefined && u.alpnProtocols !== null) {
    if (u.alpnProtocols.length === 0) throw octaviaError(400, 'Validation failure: Empty ALPN protocol list. Either specify at least one ALPN protocol or remove this parameter to use the default.');
    const bad = u.alpnProtocols.filter((v) => !ALPN_PROTOCOLS.includes(v));
    if (bad.length > 0) throw octaviaError(400, `Validation failure: Invalid ALPN protocol: ${bad.join(', ')}`);
  }
}

export function updateListener(c: Cloud, l: Listener, u: ListenerUpdate): void {
  checkText('name', u.name);
  checkText('description', u.description);
  checkConnectionLimit(u.connectionLimit);
  checkCidrs(u.allowedCidrs);
  authorize(c, 'write');
  const s = lbWrite(c);
  const lb = lbOf(s, l.loadbalancerId);
  checkCidrsVip(lb, u.allowedCidrs);
  checkTlsLists(u);
  lockLb(c, lb, []);
  if (u.defaultPoolId !== undefined) l.defaultPoolId = u.defaultPoolId === null ? null : defaultPoolFor(s.pools, u.defaultPoolId, lb, l.protocol).id;
  const cidrsChanged = u.allowedCidrs !== undefined;
  if (cidrsChanged && driversOf(c) === 'amphora') closeListenerPort(c, lb, l, []);
  Object.assign(
    l,
    withoutUndefined({
      ...u,
      defaultPoolId: undefined,
      tlsCiphers: u.tlsCiphers === null ? DEFAULT_CIPHERS : u.tlsCiphers,
      tlsVersions: u.tlsVersions === null ? [...DEFAULT_TLS_VERSIONS] : u.tlsVersions,
      alpnProtocols: u.alpnProtocols === null ? [...DEFAULT_ALPN] : u.alpnProtocols,
      tags: u.tags === undefined ? undefined : tagSet(u.tags),
    }),
  );
  if (cidrsChanged && driversOf(c) === 'amphora') openListenerPort(c, lb, l);
  pend(c, l, 'PENDING_UPDATE');
}

export function deleteListener(c: Cloud, l: Listener): void {
  authorize(c, 'write');
  const s = lbWrite(c);
  const lb = lbOf(s, l.loadbalancerId);
  lockLb(c, lb, []);
  pend(c, l, 'PENDING_DELETE');
  for (const p of s.l7Policies.filter((x) => x.listenerId === l.id)) pend(c, p, 'PENDING_DELETE');
  if (driversOf(c) === 'amphora') closeListenerPort(c, lb, l, s.listeners.filter((x) => x.loadbalancerId === lb.id));
}

// ---- pools ---------------------------------------------------------------------------------

export interface PoolCreate {
  loadbalancerId: string;
  listenerId: string | null;
  name: string;
  description: string;
  protocol: Pool['protocol'];
  lbAlgorithm: Pool['lbAlgorithm'];
  adminStateUp: boolean;
  sessionPersistence: SessionPersistence | null;
  tlsEnabled?: boolean;
  tlsCiphers?: string;
  tlsVersions?: string[];
  alpnProtocols?: string[];
  tags: string[];
}

function checkAlgorithm(algorithm: string | undefined): void {
  if (algorithm === 'SOURCE_IP_PORT') {
    throw octaviaError(501, "Provider 'amphora' does not support a requested option: Amphora provider does not support SOURCE_IP_PORT algorithm.");
  }
}

/** validate.check_session_persistence. */
function checkPersistence(sp: SessionPersistence | null | undefined): void {
  if (!sp) return;
  if (sp.cookieName && sp.type !== 'APP_COOKIE') throw octaviaError(400, 'Validation failure: Field "cookie_name" can only be specified with session persistence of type "APP_COOKIE".');
  if (sp.cookieName && /[\x00-\x20\x22\x28-\x29\x2c\x2f\x3a-\x40\x5b-\x5d\x7b\x7d\x7f]/.test(sp.cookieName)) throw octaviaError(400, 'Validation failure: Supplied "cookie_name" is invalid.');
  if (sp.type === 'APP_COOKIE' && !sp.cookieName) throw octaviaError(400, 'Validation failure: Field "cookie_name" must be specified when using the "APP_COOKIE" session persistence type.');
}

export function createPool(c: Cloud, r: PoolCreate): Pool {
  checkText('name', r.name);
  checkText('description', r.description);
  authorize(c, 'write');
  checkPersistence(r.sessionPersistence);
  const s = lbWrite(c);
  const listener = r.listenerId !== null ? listenerOf(s, r.listenerId) : null;
  const lb = lbOf(s, listener?.loadbalancerId ?? r.loadbalancerId);
  if (listener && !(VALID_POOL_PROTOCOLS[listener.protocol] ?? []).includes(r.protocol)) {
    throw octaviaError(400, `Validation failure: The pool protocol '${r.protocol}' is invalid while the listener protocol is '${listener.protocol}'.`);
  }
  checkLbQuota(c, lb.projectId, 'pool', projectCount(s.pools, lb.projectId));
  lockLb(c, lb, listener ? [listener] : []);
  if (listener && listener.defaultPoolId !== null) throw octaviaError(409, 'This listener already has a default pool');
  checkAlgorithm(r.lbAlgorithm);
  if (r.tlsEnabled === true) checkTlsLists({ tlsVersions: r.tlsVersions ?? [...DEFAULT_TLS_VERSIONS], alpnProtocols: r.alpnProtocols ?? [...DEFAULT_ALPN] });
  const p: Pool = Object.assign(newBase(c, newId(c), r.name, r.description, lb.projectId, r.adminStateUp, 'OFFLINE'), {
    loadbalancerId: lb.id,
    protocol: r.protocol,
    lbAlgorithm: r.lbAlgorithm,
    sessionPersistence: r.sessionPersistence,
    tlsEnabled: r.tlsEnabled ?? false,
    tlsContainerRef: null,
    caTlsContainerRef: null,
    crlContainerRef: null,
    // db_prepare.create_pool: a TLS pool gets the defaults of what it was not given.
    tlsCiphers: r.tlsCiphers ?? (r.tlsEnabled === true ? DEFAULT_CIPHERS : null),
    tlsVersions: r.tlsVersions ?? (r.tlsEnabled === true ? [...DEFAULT_TLS_VERSIONS] : null),
    alpnProtocols: r.alpnProtocols ?? (r.tlsEnabled === true ? [...DEFAULT_ALPN] : null),
  });
  p.tags = tagSet(r.tags);
  s.pools.push(p);
  if (listener) listener.defaultPoolId = p.id;
  return p;
}

export interface PoolUpdate {
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  lbAlgorithm?: Pool['lbAlgorithm'];
  sessionPersistence?: SessionPersistence | null;
  tlsEnabled?: boolean;
  /** null: Octavia's default again. */
  tlsCiphers?: string | null;
  tlsVersions?: string[] | null;
  alpnProtocols?: string[] | null;
  tags?: string[];
}

export function updatePool(c: Cloud, p: Pool, u: PoolUpdate): void {
  checkText('name', u.name);
  checkText('description', u.description);
  authorize(c, 'write');
  checkPersistence(u.sessionPersistence);
  // The controller sets the versions' and ciphers' defaults for None first, then checks the lists.
  const tls = {
    tlsCiphers: u.tlsCiphers === null ? DEFAULT_CIPHERS : u.tlsCiphers,
    tlsVersions: u.tlsVersions === null ? [...DEFAULT_TLS_VERSIONS] : u.tlsVersions,
    alpnProtocols: u.alpnProtocols === null ? [...DEFAULT_ALPN] : u.alpnProtocols,
  };
  checkTlsLists(tls);
  const s = lbWrite(c);
  lockLb(c, lbOf(s, p.loadbalancerId), poolListeners(s, p.id));
  checkAlgorithm(u.lbAlgorithm);
  Object.assign(p, withoutUndefined({ ...u, ...tls, tags: u.tags === undefined ? undefined : tagSet(u.tags) }));
  pend(c, p, 'PENDING_UPDATE');
}

export function deletePool(c: Cloud, p: Pool): void {
  authorize(c, 'write');
  const s = lbWrite(c);
  const policy = s.l7Policies.find((x) => x.redirectPoolId === p.id);
  if (policy) throw octaviaError(409, `Pool ${p.id} is in use by L7 policy ${policy.id}`);
  lockLb(c, lbOf(s, p.loadbalancerId), poolListeners(s, p.id));
  pend(c, p, 'PENDING_DELETE');
}

// ---- members -------------------------------------------------------------------------------

export interface MemberCreate {
  poolId: string;
  name: string;
  address: string;
  protocolPort: number;
  subnetId: string | null;
  weight?: number;
  backup?: boolean;
  monitorAddress?: string;
  monitorPort?: number;
  adminStateUp: boolean;
  tags: string[];
}

function checkAddress(field: string, v: string | undefined): void {
  if (v !== undefined && parseIp(v) === null) {
    throw octaviaError(400, `Invalid input for field/attribute ${field}. Value: '${v}'. Value should be IPv4 or IPv6 format`);
  }
}

/** Members and monitors: the pool must be mutable first, then the load balancer; both are locked (PENDING_UPDATE). */
function lockPool(c: Cloud, p: Pool): void {
  const s = lbWrite(c);
  authorize(c, 'write');
  checkMutable('Pool', p);
  lockLb(c, lbOf(s, p.loadbalancerId), poolListeners(s, p.id));
  pend(c, p, 'PENDING_UPDATE');
}

export function createMember(c: Cloud, r: MemberCreate): Member {
  checkText('name', r.name);
  checkAddress('address', r.address);
  checkAddress('monitor_address', r.monitorAddress);
  checkRange('monitor_port', r.monitorPort, 1, 65535);
  authorize(c, 'write');
  const s = lbWrite(c);
  const pool = poolOf(s, r.poolId);
  checkLbQuota(c, pool.projectId, 'member', projectCount(s.members, pool.projectId));
  lockPool(c, pool);
  if (s.members.some((m) => m.poolId === pool.id && m.address === r.address && m.protocolPort === r.protocolPort)) {
    throw octaviaError(409, `Another member on this pool is already using ip ${r.address} on protocol_port ${r.protocolPort}`);
  }
  // db_prepare.create_member: OFFLINE until the first health check when the pool has a monitor.
  const monitored = s.healthMonitors.some((h) => h.poolId === pool.id);
  const m: Member = Object.assign(newBase(c, newId(c), r.name, '', pool.projectId, r.adminStateUp, monitored ? 'OFFLINE' : 'NO_MONITOR'), {
    poolId: pool.id,
    address: r.address,
    protocolPort: r.protocolPort,
    subnetId: r.subnetId,
    weight: r.weight ?? 1,
    backup: r.backup ?? false,
    monitorAddress: r.monitorAddress ?? null,
    monitorPort: r.monitorPort ?? null,
  });
  m.tags = tagSet(r.tags);
  s.members.push(m);
  return m;
}

export interface MemberUpdate {
  name?: string;
  weight?: number;
  backup?: boolean;
  monitorAddress?: string | null;
  monitorPort?: number | null;
  adminStateUp?: boolean;
  tags?: string[];
}

export function updateMember(c: Cloud, m: Member, u: MemberUpdate): void {
  checkText('name', u.name);
  checkAddress('monitor_address', u.monitorAddress ?? undefined);
  checkRange('monitor_port', u.monitorPort, 1, 65535);
  const s = lbWrite(c);
  lockPool(c, poolOf(s, m.poolId));
  Object.assign(m, withoutUndefined({ ...u, tags: u.tags === undefined ? undefined : tagSet(u.tags) }));
  pend(c, m, 'PENDING_UPDATE');
}

export function deleteMember(c: Cloud, m: Member): void {
  const s = lbWrite(c);
  lockPool(c, poolOf(s, m.poolId));
  pend(c, m, 'PENDING_DELETE');
}

// ---- health monitors -----------------------------------------------------------------------

export interface HealthMonitorCreate {
  poolId: string;
  name: string;
  type: HealthMonitor['type'];
  delay: number;
  timeout: number;
  maxRetries: number;
  maxRetriesDown?: number;
  httpMethod?: string;
  urlPath?: string;
  expectedCodes?: string;
  httpVersion?: number;
  domainName?: string;
  adminStateUp: boolean;
  tags: string[];
}

const CODES = /^(\d{3}(\s*,\s*\d{3})*)$|^(\d{3}-\d{3})$/;

function checkMonitorValues(urlPath: string | undefined, codes: string | undefined): void {
  if (urlPath !== undefined && !/^\/[^\s]*$/.test(urlPath)) {
    throw octaviaError(400, `Invalid input for field/attribute url_path. Value: '${urlPath}'. Value must be a valid URL Path string`);
  }
  if (codes !== undefined && !CODES.test(codes)) {
    throw octaviaError(400, `Invalid input for field/attribute expected_codes. Value: '${codes}'. Value should match the pattern ${CODES.source}`);
  }
}

const isHttp = (t: string): boolean => t === 'HTTP' || t === 'HTTPS';

/**
 * A domain name needs HTTP/1.1 (the Host header): Octavia's health monitor controller checks the
 * request's values, on an update each laid over the stored one (a given value first).
 */
function checkDomainName(httpVersion: number | null | undefined, domainName: string | null | undefined): void {
  if (domainName && !httpVersion) throw octaviaError(400, "Validation failure: 'http_version' must be specified when 'domain_name' is provided.");
  if (httpVersion && domainName && httpVersion < 1.1) {
    // Python's '%s' % float: 1.0, 1.1.
    throw octaviaError(400, `http_version ${Number.isInteger(httpVersion) ? httpVersion.toFixed(1) : String(httpVersion)} is not a valid option for health monitors HTTP 1.1 domain name health check`);
  }
}

/** The controller's _validate_healthmonitor_request_for_udp_sctp: what a UDP or SCTP pool can be checked with. */
function checkUdpMonitor(pool: Pool, type: string, delay: number | undefined): void {
  if (!['UDP-CONNECT', 'SCTP', 'TCP', 'HTTP'].includes(type)) {
    throw octaviaError(400, `Validation failure: The associated pool protocol is ${pool.protocol}, so only a UDP-CONNECT/SCTP/TCP/HTTP health monitor is supported.`);
  }
  if (type === 'UDP-CONNECT' && delay !== undefined && delay < 3) {
    throw octaviaError(400, `Validation failure: The request delay value ${delay} should be larger than 3 for UDP-CONNECT health monitor type.`);
  }
}

/** A TCP, PING, TLS-HELLO… monitor takes no HTTP settings (_validate_create_hm, _validate_update_hm). */
function checkHttpOnly(type: string, given: { httpMethod?: unknown; urlPath?: unknown; expectedCodes?: unknown }): void {
  if (isHttp(type)) return;
  for (const [k, v] of [['http_method', given.httpMethod], ['url_path', given.urlPath], ['expected_codes', given.expectedCodes]] as const) {
    if (v !== undefined) throw octaviaError(400, `${k} is not a valid option for health monitors of type ${type}`);
  }
}

export function createHealthMonitor(c: Cloud, r: HealthMonitorCreate): HealthMonitor {
  checkText('name', r.name);
  checkMonitorValues(r.urlPath, r.expectedCodes);
  authorize(c, 'write');
  const s = lbWrite(c);
  const pool = poolOf(s, r.poolId);
  if (pool.protocol === 'UDP' || pool.protocol === 'SCTP') checkUdpMonitor(pool, r.type, r.delay);
  else if (r.type === 'UDP-CONNECT' || r.type === 'SCTP') {
    throw octaviaError(400, `Validation failure: The ${r.type} type is only supported for pools of type UDP/SCTP.`);
  }
  checkLbQuota(c, pool.projectId, 'healthMonitor', projectCount(s.healthMonitors, pool.projectId));
  lockPool(c, pool);
  // Empty values count as not given here (Python's truth), as _validate_create_hm reads them.
  checkHttpOnly(r.type, { httpMethod: r.httpMethod || undefined, urlPath: r.urlPath || undefined, expectedCodes: r.expectedCodes || undefined });
  checkDomainName(r.httpVersion, r.domainName);
  if (s.healthMonitors.some((h) => h.poolId === pool.id)) throw octaviaError(409, 'This pool already has a health monitor');
  const http = isHttp(r.type);
  const h: HealthMonitor = Object.assign(newBase(c, newId(c), r.name, '', pool.projectId, r.adminStateUp, 'OFFLINE'), {
    poolId: pool.id,
    type: r.type,
    delay: r.delay,
    timeout: r.timeout,
    maxRetries: r.maxRetries,
    maxRetriesDown: r.maxRetriesDown ?? 3,
    httpMethod: http ? (r.httpMethod ?? 'GET') : null,
    urlPath: http ? (r.urlPath ?? '/') : null,
    expectedCodes: http ? (r.expectedCodes ?? '200') : null,
    httpVersion: r.httpVersion ?? null,
    domainName: r.domainName ?? null,
  });
  h.tags = tagSet(r.tags);
  s.healthMonitors.push(h);
  return h;
}

export interface HealthMonitorUpdate {
  name?: string;
  delay?: number;
  timeout?: number;
  maxRetries?: number;
  maxRetriesDown?: number;
  httpMethod?: string | null;
  urlPath?: string | null;
  expectedCodes?: string | null;
  httpVersion?: number | null;
  domainName?: string | null;
  adminStateUp?: boolean;
  tags?: string[];
}

export function updateHealthMonitor(c: Cloud, h: HealthMonitor, u: HealthMonitorUpdate): void {
  checkText('name', u.name);
  checkMonitorValues(u.urlPath ?? undefined, u.expectedCodes ?? undefined);
  // Given at all (even None) is too much for a monitor that is not HTTP.
  checkHttpOnly(h.type, u);
  if (u.domainName && !(h.httpVersion || u.httpVersion)) checkDomainName(null, u.domainName);
  if ((h.httpVersion || u.httpVersion) && (h.domainName || u.domainName)) checkDomainName(u.httpVersion || h.httpVersion, u.domainName || h.domainName);
  const s = lbWrite(c);
  const pool = poolOf(s, h.poolId);
  if (pool.protocol === 'UDP' || pool.protocol === 'SCTP') checkUdpMonitor(pool, h.type, u.delay);
  lockPool(c, poolOf(s, h.poolId));
  Object.assign(h, withoutUndefined({ ...u, tags: u.tags === undefined ? undefined : tagSet(u.tags) }));
  // Unset on an HTTP monitor restores the API's defaults.
  if (isHttp(h.type)) {
    h.httpMethod ??= 'GET';
    h.urlPath ??= '/';
    h.expectedCodes ??= '200';
  }
  pend(c, h, 'PENDING_UPDATE');
}

export function deleteHealthMonitor(c: Cloud, h: HealthMonitor): void {
  const s = lbWrite(c);
  lockPool(c, poolOf(s, h.poolId));
  pend(c, h, 'PENDING_DELETE');
}

// ---- L7 policies and rules -----------------------------------------------------------------

export interface L7PolicyCreate {
  listenerId: string;
  name: string;
  description: string;
  action: L7Policy['action'];
  position?: number;
  redirectPoolId?: string;
  redirectUrl?: string;
  redirectPrefix?: string;
  redirectHttpCode?: number;
  adminStateUp: boolean;
  tags: string[];
}

/** The API's URL type (redirect_url, redirect_prefix): an http(s) URL with a host. */
function checkUrl(field: string, v: string | null | undefined): void {
  if (v !== null && v !== undefined && !/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(v)) {
    throw octaviaError(400, `Invalid input for field/attribute ${field}. Value: '${v}'. Value must be a valid URL string`);
  }
}

/** Octavia's validate.sanitize_l7policy_api_args for the fields an action needs. */
function checkPolicyArgs(action: L7Policy['action'], pool: string | null, url: string | null, prefix: string | null): void {
  checkUrl('redirect_url', url);
  checkUrl('redirect_prefix', prefix);
  if (action === 'REDIRECT_TO_URL' && !url) throw octaviaError(400, 'Invalid L7 Policy arguments: redirect_url must not be None');
  if (action === 'REDIRECT_TO_POOL' && !pool) throw octaviaError(400, 'Invalid L7 Policy arguments: redirect_pool_id or redirect_pool must not be None');
  if (action === 'REDIRECT_PREFIX' && !prefix) throw octaviaError(400, 'Invalid L7 Policy arguments: redirect_prefix must not be None');
}

/**
 * The controller's look at a redirect pool (before the quota and the lock): it must exist, and
 * speak a protocol the listener can hand it.
 */
function redirectPool(c: Cloud, l: Listener, poolId: string | undefined): string | null {
  if (poolId === undefined) return null;
  const p = lbWrite(c).pools.find((x) => x.id === poolId);
  if (!p) throw octaviaError(404, `Pool ${poolId} not found.`);
  if (!(VALID_POOL_PROTOCOLS[l.protocol] ?? []).includes(p.protocol)) {
    throw octaviaError(400, `Validation failure: The pool protocol '${p.protocol}' is invalid while the listener protocol is '${l.protocol}'.`);
  }
  return p.id;
}

/** The repository's _pool_check when it writes the policy (after the lock): the pool is the listener's load balancer's. */
function samePoolOwner(c: Cloud, l: Listener, poolId: string | null): void {
  const p = poolId === null ? undefined : lbWrite(c).pools.find((x) => x.id === poolId);
  if (p && (p.loadbalancerId !== l.loadbalancerId || p.projectId !== l.projectId)) throw octaviaError(404, `Pool ${p.id} not found.`);
}

export function createL7Policy(c: Cloud, r: L7PolicyCreate): L7Policy {
  checkText('name', r.name);
  checkText('description', r.description);
  checkRange('position', r.position, 1, 2147483647);
  authorize(c, 'write');
  const s = lbWrite(c);
  const l = listenerOf(s, r.listenerId);
  const poolId = r.action === 'REDIRECT_TO_POOL' ? redirectPool(c, l, r.redirectPoolId) : null;
  checkPolicyArgs(r.action, poolId, r.redirectUrl ?? null, r.redirectPrefix ?? null);
  checkLbQuota(c, l.projectId, 'l7Policy', projectCount(s.l7Policies, l.projectId));
  lockLb(c, lbOf(s, l.loadbalancerId), [l]);
  samePoolOwner(c, l, poolId);
  // The amphora driver's l7policy_create, once the policy is in the database (then rolled back).
  if (l.protocol !== 'HTTP' && l.protocol !== 'TERMINATED_HTTPS') {
    throw octaviaError(501, `Provider 'amphora' does not support a requested option: ${l.protocol} protocol listeners do not support L7 policies`);
  }
  const siblings = s.l7Policies.filter((p) => p.listenerId === l.id).sort((a, b) => a.position - b.position);
  const position = Math.min(r.position ?? siblings.length + 1, siblings.length + 1);
  const redirects = r.action === 'REDIRECT_TO_URL' || r.action === 'REDIRECT_PREFIX';
  const p: L7Policy = Object.assign(newBase(c, newId(c), r.name, r.description, l.projectId, r.adminStateUp, 'OFFLINE'), {
    listenerId: l.id,
    action: r.action,
    position,
    redirectPoolId: poolId,
    redirectUrl: r.action === 'REDIRECT_TO_URL' ? (r.redirectUrl ?? null) : null,
    redirectPrefix: r.action === 'REDIRECT_PREFIX' ? (r.redirectPrefix ?? null) : null,
    redirectHttpCode: redirects ? (r.redirectHttpCode ?? 302) : null,
  });
  p.tags = tagSet(r.tags);
  for (const o of siblings) if (o.position >= position) o.position += 1;
  s.l7Policies.push(p);
  return p;
}

export interface L7PolicyUpdate {
  name?: string;
  description?: string;
  action?: L7Policy['action'];
  position?: number;
  redirectPoolId?: string | null;
  redirectUrl?: string | null;
  redirectPrefix?: string | null;
  redirectHttpCode?: number | null;
  adminStateUp?: boolean;
  tags?: string[];
}

export function updateL7Policy(c: Cloud, p: L7Policy, u: L7PolicyUpdate): void {
  checkText('name', u.name);
  checkText('description', u.description);
  checkRange('position', u.position, 1, 2147483647);
  authorize(c, 'write');
  const s = lbWrite(c);
  const l = listenerOf(s, p.listenerId);
  const action = u.action ?? p.action;
  const poolId = u.redirectPoolId === undefined ? p.redirectPoolId : u.redirectPoolId === null ? null : redirectPool(c, l, u.redirectPoolId);
  checkPolicyArgs(action, poolId, u.redirectUrl === undefined ? p.redirectUrl : u.redirectUrl, u.redirectPrefix === undefined ? p.redirectPrefix : u.redirectPrefix);
  lockLb(c, lbOf(s, l.loadbalancerId), [l]);
  // Octavia's API takes another load balancer's pool here and its worker then fails writing it
  // (the repository's _pool_check); Stacklab refuses it with that check's words instead.
  samePoolOwner(c, l, u.redirectPoolId === undefined ? null : poolId);
  Object.assign(p, withoutUndefined({ ...u, position: undefined, redirectPoolId: undefined, tags: u.tags === undefined ? undefined : tagSet(u.tags) }));
  p.redirectPoolId = action === 'REDIRECT_TO_POOL' ? poolId : null;
  if (action === 'REDIRECT_TO_URL' || action === 'REDIRECT_PREFIX') p.redirectHttpCode ??= 302;
  if (action === 'REJECT' || action === 'REDIRECT_TO_POOL') {
    p.redirectUrl = null;
    p.redirectPrefix = null;
    p.redirectHttpCode = null;
  }
  if (u.position !== undefined) movePolicy(s.l7Policies.filter((x) => x.listenerId === l.id), p, u.position);
  pend(c, p, 'PENDING_UPDATE');
}

/** Positions stay 1..n without gaps, as Octavia's ordering list keeps them. */
function movePolicy(siblings: L7Policy[], p: L7Policy, position: number): void {
  const order = siblings.filter((x) => x.id !== p.id).sort((a, b) => a.position - b.position);
  order.splice(Math.max(0, Math.min(position - 1, order.length)), 0, p);
  order.forEach((x, i) => (x.position = i + 1));
}

export function deleteL7Policy(c: Cloud, p: L7Policy): void {
  authorize(c, 'write');
  const s = lbWrite(c);
  const l = listenerOf(s, p.listenerId);
  lockLb(c, lbOf(s, l.loadbalancerId), [l]);
  pend(c, p, 'PENDING_DELETE');
  for (const r of s.l7Rules.filter((x) => x.l7policyId === p.id)) pend(c, r, 'PENDING_DELETE');
  const rest = s.l7Policies.filter((x) => x.listenerId === l.id && x.id !== p.id).sort((a, b) => a.position - b.position);
  rest.forEach((x, i) => (x.position = i + 1));
}

export interface L7RuleCreate {
  l7policyId: string;
  type: L7Rule['type'];
  compareType: L7Rule['compareType'];
  key?: string;
  value: string;
  invert: boolean;
  adminStateUp: boolean;
  tags: string[];
}

function lockPolicy(c: Cloud, p: L7Policy): void {
  const s = lbWrite(c);
  authorize(c, 'write');
  checkMutable('L7Policy', p);
  const l = listenerOf(s, p.listenerId);
  lockLb(c, lbOf(s, l.loadbalancerId), [l]);
  pend(c, p, 'PENDING_UPDATE');
}

export function createL7Rule(c: Cloud, r: L7RuleCreate): L7Rule {
  checkL7Rule(r.type, r.compareType, r.key ?? null, r.value);
  authorize(c, 'write');
  const s = lbWrite(c);
  const p = policyOf(s, r.l7policyId);
  checkLbQuota(c, p.projectId, 'l7Rule', projectCount(s.l7Rules, p.projectId));
  lockPolicy(c, p);
  if (s.l7Rules.filter((x) => x.l7policyId === p.id).length >= 50) throw octaviaError(409, `Too many rules on L7 policy ${p.id}`);
  const rule: L7Rule = Object.assign(newBase(c, newId(c), '', '', p.projectId, r.adminStateUp, 'OFFLINE'), {
    l7policyId: p.id,
    type: r.type,
    compareType: r.compareType,
    key: r.key ?? null,
    value: r.value,
    invert: r.invert,
  });
  rule.tags = tagSet(r.tags);
  s.l7Rules.push(rule);
  return rule;
}

export interface L7RuleUpdate {
  type?: L7Rule['type'];
  compareType?: L7Rule['compareType'];
  key?: string | null;
  value?: string;
  invert?: boolean;
  adminStateUp?: boolean;
  tags?: string[];
}

export function updateL7Rule(c: Cloud, r: L7Rule, u: L7RuleUpdate): void {
  checkL7Rule(u.type ?? r.type, u.compareType ?? r.compareType, u.key === undefined ? r.key : u.key, u.value ?? r.value);
  lockPolicy(c, policyOf(lbWrite(c), r.l7policyId));
  Object.assign(r, withoutUndefined({ ...u, tags: u.tags === undefined ? undefined : tagSet(u.tags) }));
  pend(c, r, 'PENDING_UPDATE');
}

export function deleteL7Rule(c: Cloud, r: L7Rule): void {
  lockPolicy(c, policyOf(lbWrite(c), r.l7policyId));
  pend(c, r, 'PENDING_DELETE');
}

/** An update body without the fields the caller left out. */
function withoutUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
