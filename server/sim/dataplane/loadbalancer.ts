/**
 * The load balancer's data plane, derived from the Octavia model: the operating statuses a real
 * cloud's health manager reports, and what HAProxy on the amphora does with a request to a VIP.
 *
 * Health follows Octavia 11 (Zed): the amphora's HAProxy renders a frontend per enabled listener
 * and a backend per enabled pool of it (octavia/common/jinja/haproxy/combined_listeners/
 * templates/haproxy.cfg.j2 and macros.j2: members with `check` only under an enabled monitor,
 * `disabled` when admin-down), reports what `show stat` says in its heartbeat
 * (octavia/amphorae/backends/utils/haproxy_query.py get_pool_status), and the health manager
 * turns that into operating statuses (octavia/amphorae/drivers/health/heartbeat_udp.py
 * UpdateHealthDb.update_health and _process_pool_status; in Zed the former
 * controller/healthmanager/health_drivers/update_db.py lives there). Objects not yet deployed
 * keep what the API wrote at creation (octavia/db/prepare.py: OFFLINE; members NO_MONITOR when
 * their pool has no monitor); monitors, L7 policies and rules are ONLINE once deployed when
 * enabled, else OFFLINE (controller/worker/v2/tasks/database_tasks.py Mark*ActiveInDB).
 */
import type { Cloud } from '../model/cloud.js';
import type { Listener, LoadBalancer, Member, OperatingStatus, Pool } from '../model/octavia.js';
import type { HttpRequest, HttpResponse } from './http.js';
import { activeMonitor, memberAnswer, memberPings, memoised, octaviaIndex, type OctaviaIndex } from './lb-topology.js';
import { applyL7, requestCookie } from './lb-l7.js';
import { bySource, roundRobin, sticksToSource } from './lb-balance.js';

export interface OctaviaHealth {
  /** The operating status of a load balancer, listener, pool, member, monitor, L7 policy or rule. */
  status(id: string): OperatingStatus;
}

/** HAProxy's view of one server line: `show stat` status, as the heartbeat carries it. */
type ServerStat = 'UP' | 'DOWN' | 'MAINT' | 'DRAIN' | 'no check';

/** The health manager's view of `c` (one pass over the Octavia state, memoised: see lb-topology.ts). */
export const octaviaHealth = memoised((c: Cloud): OctaviaHealth => {
  const statuses = c.config.octavia?.drivers === 'noop' ? storedStatuses(c) : derivedStatuses(c);
  return { status: (id) => statuses.get(id) ?? 'OFFLINE' };
});

/** What the amphora's HAProxy knows of every object (whatever the drivers report to the API). */
const derivedStatuses = memoised(heartbeats);

/** The no-op drivers never send a heartbeat: the database keeps what the API and worker wrote. */
function storedStatuses(c: Cloud): Map<string, OperatingStatus> {
  const out = new Map<string, OperatingStatus>();
  const o = c.octavia;
  if (!o) return out;
  for (const list of [o.loadBalancers, o.listeners, o.pools, o.members, o.healthMonitors, o.l7Policies, o.l7Rules]) {
    for (const x of list) out.set(x.id, x.operatingStatus);
  }
  return out;
}

const deployed = (x: { provisioningStatus: string }): boolean => x.provisioningStatus !== 'PENDING_CREATE';

function heartbeats(c: Cloud): Map<string, OperatingStatus> {
  const ix = octaviaIndex(c);
  const out = new Map<string, OperatingStatus>();
  const { state } = ix;
  // What the API wrote at creation, and what the worker sets on the objects without a heartbeat.
  for (const x of [...state.loadBalancers, ...state.listeners, ...state.pools]) out.set(x.id, 'OFFLINE');
  for (const m of state.members) out.set(m.id, memberAtRest(ix, m));
  for (const x of [...state.healthMonitors, ...state.l7Policies, ...state.l7Rules]) out.set(x.id, deployed(x) && x.adminStateUp ? 'ONLINE' : 'OFFLINE');
  for (const lb of state.loadBalancers) if (deployed(lb)) heartbeat(c, ix, lb, out);
  return out;
}

/** A member HAProxy does not report on: NO_MONITOR stays, anything else reads OFFLINE. */
function memberAtRest(ix: OctaviaIndex, m: Member): OperatingStatus {
  return ix.monitorOf.has(m.poolId) ? 'OFFLINE' : 'NO_MONITOR';
}

/** One heartbeat of the load balancer's amphora, processed as update_health does. */
function heartbeat(c: Cloud, ix: OctaviaIndex, lb: LoadBalancer, out: Map<string, OperatingStatus>): void {
  let lbStatus: OperatingStatus = lb.adminStateUp ? 'ONLINE' : 'OFFLINE';
  const pools = new Set<string>();
  for (const l of ix.listenersOf.get(lb.id) ?? []) {
    // A frontend exists for an enabled, deployed listener of an enabled load balancer; HAProxy
    // reports it OPEN (no connection stays open here, so never FULL). One that should run but
    // does not report is ERROR while the load balancer is ACTIVE, as update_health decides.
    const reports = lb.adminStateUp && l.adminStateUp && deployed(l);
    if (!reports) {
      out.set(l.id, l.adminStateUp && lb.provisioningStatus === 'ACTIVE' ? 'ERROR' : 'OFFLINE');
      continue;
    }
    out.set(l.id, 'ONLINE');
    for (const pid of listenerPools(ix, l.id, l.defaultPoolId)) pools.add(pid);
  }
  for (const pid of pools) {
    const pool = ix.pools.get(pid);
    if (!pool?.adminStateUp || !deployed(pool)) continue;
    lbStatus = backendStatus(c, ix, lb, pool, lbStatus, out);
  }
  out.set(lb.id, lbStatus);
}

/** The pools a listener's frontend uses (the translator's `listener.pools`: default and L7 targets). */
function listenerPools(ix: OctaviaIndex, listenerId: string, defaultPoolId: string | null): string[] {
  const ids = defaultPoolId ? [defaultPoolId] : [];
  for (const p of ix.policiesOf.get(listenerId) ?? []) if (p.action === 'REDIRECT_TO_POOL' && p.redirectPoolId) ids.push(p.redirectPoolId);
  return ids;
}

/** _process_pool_status: the backend's and its servers' statuses; returns the load balancer's. */
function backendStatus(c: Cloud, ix: OctaviaIndex, lb: LoadBalancer, pool: Pool, lbIn: OperatingStatus, out: Map<string, OperatingStatus>): OperatingStatus {
  let lbStatus = lbIn;
  const members = (ix.membersOf.get(pool.id) ?? []).filter(deployed);
  const stats = members.map((m) => serverStat(c, ix, lb, pool, m));
  // haproxy's stats: a backend is UP when its usable servers weigh something, or it has none.
  const up = members.length === 0 || members.some((m, i) => m.weight > 0 && (stats[i] === 'UP' || stats[i] === 'no check'));
  let poolStatus: OperatingStatus = up ? 'ONLINE' : 'ERROR';
  if (!up) lbStatus = 'ERROR';
  members.forEach((m, i) => {
    const s = stats[i];
    if (s === 'DOWN' && poolStatus === 'ONLINE') {
      poolStatus = 'DEGRADED';
      if (lbStatus === 'ONLINE') lbStatus = 'DEGRADED';
    }
    out.set(m.id, MEMBER_STATUS[s ?? 'MAINT']);
  });
  out.set(pool.id, poolStatus);
  return lbStatus;
}

const MEMBER_STATUS: Record<ServerStat, OperatingStatus> = { UP: 'ONLINE', DOWN: 'ERROR', MAINT: 'OFFLINE', DRAIN: 'DRAINING', 'no check': 'NO_MONITOR' };

/** What HAProxy's `show stat` says of a member's server line. */
function serverStat(c: Cloud, ix: OctaviaIndex, lb: LoadBalancer, pool: Pool, m: Member): ServerStat {
  if (!m.adminStateUp) return 'MAINT';
  const hm = activeMonitor(ix, pool.id);
  if (!hm) return 'no check';
  if (!probe(c, ix, lb, m)) return 'DOWN';
  // haproxy_query: an UP server of weight 0 is draining.
  return m.weight === 0 ? 'DRAIN' : 'UP';
}

/** Whether the member passes its pool's health check (the pool has an enabled monitor). */
function probe(c: Cloud, ix: OctaviaIndex, lb: LoadBalancer, m: Member): boolean {
  const hm = activeMonitor(ix, m.poolId);
  if (!hm) return true;
  const address = m.monitorAddress ?? m.address;
  const port = m.monitorPort ?? m.protocolPort;
  if (hm.type === 'PING') return memberPings(c, ix, lb, m, address);
  const req = { method: hm.httpMethod ?? 'GET', path: hm.urlPath ?? '/', host: hm.domainName, headers: {} };
  const answer = memberAnswer(c, ix, lb, m, address, port, req, true);
  if (!answer) return false;
  switch (hm.type) {
    case 'HTTP':
      return answer.raw === undefined && expectedCode(hm.expectedCodes ?? '200', answer.status);
    // The VMs serve plain HTTP: a TLS handshake (check-ssl, ssl-hello-chk) never completes.
    case 'HTTPS':
    case 'TLS-HELLO':
      return false;
    default:
      // TCP, UDP-CONNECT, SCTP: something accepted the connection.
      return true;
  }
}

/** Octavia's expected_codes: `200`, `200,202`, `200-204` (rendered as `http-check expect rstatus`). */
function expectedCode(codes: string, status: number): boolean {
  return codes.split(',').some((part) => {
    const [lo, hi] = part.trim().split('-').map(Number);
    if (lo === undefined || Number.isNaN(lo)) return false;
    return hi === undefined ? status === lo : status >= lo && status <= hi;
  });
}

// ---- serving a VIP ------------------------------------------------------------------------------

/** HAProxy 2.x's own answers (http_err_msgs), as curl shows them. */
function haproxyPage(status: number, reason: string, text: string): HttpResponse {
  const body = `<html><body><h1>${status} ${reason}</h1>\n${text}\n</body></html>\n`;
  return { version: 'HTTP/1.1', status, reason, headers: [['content-length', String(body.length)], ['cache-control', 'no-cache'], ['content-type', 'text/html']], body };
}

export const HAPROXY_403 = haproxyPage(403, 'Forbidden', 'Request forbidden by administrative rules.');
export const HAPROXY_502 = haproxyPage(502, 'Bad Gateway', 'The server returned an invalid or incomplete response.');
export const HAPROXY_503 = haproxyPage(503, 'Service Unavailable', 'No server is available to handle this request.');

const REDIRECT_REASONS: Record<number, string> = { 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect' };

/** HAProxy's `redirect location|prefix`: an empty reply that tells the client where to go. */
function redirect(code: number, location: string): HttpResponse {
  return { version: 'HTTP/1.1', status: code, reason: REDIRECT_REASONS[code] ?? 'Found', headers: [['content-length', '0'], ['location', location], ['cache-control', 'no-cache']], body: '' };
}

/** A TCP listener whose backend has no server closes the connection without a byte. */
const EMPTY_REPLY: HttpResponse = { status: 0, reason: '', headers: [], body: '', raw: '' };

/**
 * A request to `req.dstIp`:`req.port` (after any floating-IP DNAT), served by the load balancer
 * whose VIP that is: the listener on that port, its L7 policies, its pool's algorithm over the
 * usable members, the member's answer (HAProxy's own page when none can answer). Returns the
 * cloud with the listener's counters and the pool's round-robin cursor advanced (only the
 * `octavia` key is copied; `c` must be a published cloud, not an op's draft).
 * Null when no load balancer accepts a connection there: not a VIP, or no enabled listener on
 * that port (the amphora then resets the connection, as any closed port does).
 */
export function serveVip(c: Cloud, req: HttpRequest): { cloud: Cloud; response: HttpResponse } | null {
  const ix = octaviaIndex(c);
  const lb = ix.state.loadBalancers.find((x) => x.vipAddress === req.dstIp && x.adminStateUp && deployed(x));
  const listener = lb && (ix.listenersOf.get(lb.id) ?? []).find((l) => l.protocolPort === req.port && l.adminStateUp && deployed(l) && STREAM.has(l.protocol));
  if (!lb || !listener) return null;
  const served = listen(c, ix, lb, listener, req);
  return { cloud: account(c, listener.id, served, req), response: served.response };
}

/** Listeners a TCP client reaches; HTTPS is TLS passthrough (TCP mode) and forwards the bytes as they are. */
const STREAM = new Set<Listener['protocol']>(['HTTP', 'TCP', 'HTTPS']);

interface Served {
  response: HttpResponse;
  /** The pool whose round-robin position advanced, and its new cursor. */
  cursor?: { poolId: string; value: number };
}

function listen(c: Cloud, ix: OctaviaIndex, lb: LoadBalancer, l: Listener, req: HttpRequest): Served {
  const httpMode = l.protocol === 'HTTP';
  let poolId = l.defaultPoolId;
  if (httpMode) {
    const rule = applyL7(ix, l.id, req);
    if (rule?.kind === 'reject') return { response: HAPROXY_403 };
    if (rule?.kind === 'redirect') return { response: redirect(rule.code, rule.location) };
    if (rule?.kind === 'pool') poolId = rule.poolId;
  }
  const pool = poolId ? ix.pools.get(poolId) : undefined;
  if (!pool?.adminStateUp || !deployed(pool)) return { response: httpMode ? HAPROXY_503 : EMPTY_REPLY };
  return toBackend(c, ix, lb, pool, req, httpMode);
}

/**
 * The backend: a server by the pool's algorithm (or the one the client's SRV cookie names, under
 * HTTP_COOKIE persistence: `cookie SRV insert indirect nocache`), and with `option redispatch`
 * (Octavia's defaults) another one when it does not answer.
 */
function toBackend(c: Cloud, ix: OctaviaIndex, lb: LoadBalancer, pool: Pool, req: HttpRequest, httpMode: boolean): Served {
  const unavailable = httpMode ? HAPROXY_503 : EMPTY_REPLY;
  const candidates = usableMembers(c, ix, pool);
  const cookies = httpMode && pool.sessionPersistence?.type === 'HTTP_COOKIE';
  const sent = cookies ? requestCookie(req, 'SRV') : undefined;
  const pinned = candidates.find((m) => m.id === sent);
  const cursor = c.octavia?.cursors[pool.id] ?? 0;
  const first = pinned ?? pick(pool, candidates, req, cursor);
  if (!first) return { response: unavailable };
  const rotates = !pinned && !sticksToSource(pool);
  const others = candidates.filter((m) => m !== first);
  const second = others.length === 0 ? undefined : rotates ? pick(pool, candidates, req, cursor + 1) : others[0];
  const moved = (n: number) => (rotates ? { cursor: { poolId: pool.id, value: cursor + n } } : {});
  for (const [i, m] of (second ? [first, second] : [first]).entries()) {
    const answer = memberAnswer(c, ix, lb, m, m.address, m.protocolPort, { method: req.method, path: req.path, host: req.host, headers: req.headers });
    if (!answer) continue;
    const response = httpMode && answer.raw !== undefined ? HAPROXY_502 : answer;
    return { response: cookies && m.id !== sent ? withCookie(response, m.id) : response, ...moved(i + 1) };
  }
  return { response: unavailable, ...moved(second ? 2 : 1) };
}

/** `cookie SRV insert indirect nocache`: the server's cookie, and no caching of the answer that sets it. */
function withCookie(r: HttpResponse, memberId: string): HttpResponse {
  return { ...r, headers: [...r.headers, ['set-cookie', `SRV=${memberId}; path=/`], ['cache-control', 'private']] };
}

/**
 * The members HAProxy may send new requests to: enabled, passing their check (or unchecked),
 * of weight > 0; backup members only when no other is (`option allbackups`: all of them).
 */
function usableMembers(c: Cloud, ix: OctaviaIndex, pool: Pool): Member[] {
  const health = derivedStatuses(c);
  const up = (ix.membersOf.get(pool.id) ?? []).filter((m) => {
    const s = health.get(m.id);
    return deployed(m) && m.weight > 0 && (s === 'ONLINE' || s === 'NO_MONITOR');
  });
  const active = up.filter((m) => !m.backup);
  return active.length > 0 ? active : up;
}

function pick(pool: Pool, members: Member[], req: HttpRequest, cursor: number): Member | undefined {
  return sticksToSource(pool) ? bySource(members, req.srcIp) : roundRobin(members, cursor);
}

/** Bytes of a message as sent on the wire: start line, headers, blank line, body. */
function requestBytes(req: HttpRequest): number {
  let n = `${req.method} ${req.path} HTTP/1.1\r\n`.length + (req.host === null ? 0 : `Host: ${req.host}\r\n`.length) + 2;
  for (const [k, v] of Object.entries(req.headers)) n += `${k}: ${v}\r\n`.length;
  return n;
}

function responseBytes(r: HttpResponse): number {
  if (r.raw !== undefined) return r.raw.length;
  let n = `${r.version ?? 'HTTP/1.1'} ${r.status} ${r.reason}\r\n`.length + 2 + r.body.length;
  for (const [k, v] of r.headers) n += `${k}: ${v}\r\n`.length;
  return n;
}

/** The cloud with the listener's counters (one connection, its bytes) and the pool's cursor advanced. */
function account(c: Cloud, listenerId: string, served: Served, req: HttpRequest): Cloud {
  const o = c.octavia;
  if (!o) return c;
  const s = o.stats[listenerId] ?? { bytesIn: 0, bytesOut: 0, activeConnections: 0, totalConnections: 0, requestErrors: 0 };
  const stats = { ...o.stats, [listenerId]: { ...s, bytesIn: s.bytesIn + requestBytes(req), bytesOut: s.bytesOut + responseBytes(served.response), totalConnections: s.totalConnections + 1 } };
  const cursors = served.cursor ? { ...o.cursors, [served.cursor.poolId]: served.cursor.value } : o.cursors;
  return { ...c, octavia: { ...o, stats, cursors } };
}

/**
 * Why a listener cannot serve even though its VIP accepts the connection (HAProxy then answers
 * 503 to HTTP clients and closes TCP ones); undefined when its default pool has a usable member.
 */
export function listenerOutage(c: Cloud, listenerId: string): string | undefined {
  const ix = octaviaIndex(c);
  const l = ix.state.listeners.find((x) => x.id === listenerId);
  const lb = l && ix.state.loadBalancers.find((x) => x.id === l.loadbalancerId);
  if (!l || !lb) return undefined;
  const pool = l.defaultPoolId ? ix.pools.get(l.defaultPoolId) : undefined;
  if (!pool) return `listener ${l.id} has no default pool`;
  if (!pool.adminStateUp || !deployed(pool)) return `the default pool ${pool.id} of listener ${l.id} is disabled`;
  if (usableMembers(c, ix, pool).length === 0) return `no healthy member in pool ${pool.id}`;
  return undefined;
}
