/**
 * The amphora's `/var/lib/octavia/<lb id>/haproxy.cfg`, rendered from the load balancer's
 * listeners, pools, members, monitors and L7 policies the way Octavia 11's combined-listeners
 * templates do (octavia/common/jinja/haproxy/combined_listeners/jinja_cfg.py and templates/
 * base.j2, haproxy.cfg.j2, macros.j2), with the amphora driver's defaults: HAProxy 2.4 (an
 * Ubuntu 22.04 amphora), [haproxy_amphora] base_path /var/lib/octavia, connection logging on,
 * default_connection_limit 50000, stick size 10k. The goldens in test/lb-dataplane/haproxy/ were
 * rendered by Octavia's own templater (test/lb-dataplane/capture-haproxy.py).
 *
 * Not rendered (nothing in Stacklab makes them): TLS (certificates, TERMINATED_HTTPS binds,
 * pool TLS), ACTIVE_STANDBY peers, PROMETHEUS listeners, PROXY/PROXYV2 pools' send-proxy.
 */
import type { Cloud } from '../model/cloud.js';
import type { HealthMonitor, L7Policy, L7Rule, Listener, LoadBalancer, Member, Pool } from '../model/octavia.js';
import { octaviaIndex, type OctaviaIndex } from './lb-topology.js';

export const AMPHORA_BASE = '/var/lib/octavia';
const DEFAULT_MAXCONN = 50000;
const MAX_MAXCONN = 1000000;
const LOG_FORMAT = '{{ project_id }} {{ lb_id }} %f %ci %cp %t %{+Q}r %ST %B %U %[ssl_c_verify] %{+Q}[ssl_c_s_dn] %b %s %Tt %tsc';
/** UDP and SCTP listeners are served by keepalived (LVS), not HAProxy. */
const LVS = new Set<Listener['protocol']>(['UDP', 'SCTP']);
const MODE: Record<string, string> = { HTTP: 'http', TERMINATED_HTTPS: 'http', PROMETHEUS: 'http', TCP: 'tcp', HTTPS: 'tcp', PROXY: 'proxy', PROXYV2: 'proxy', UDP: 'udp', SCTP: 'sctp' };
const BALANCE: Record<Pool['lbAlgorithm'], string> = { ROUND_ROBIN: 'roundrobin', LEAST_CONNECTIONS: 'leastconn', SOURCE_IP: 'source', SOURCE_IP_PORT: 'roundrobin' };
const MATCH: Record<L7Rule['compareType'], string> = { REGEX: '-m reg', STARTS_WITH: '-m beg', ENDS_WITH: '-m end', CONTAINS: '-m sub', EQUAL_TO: '-m str' };

/** Jinja's autoescape (the templater's environment has it on): values land HTML-escaped. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

const limitOf = (l: Listener): number => (l.connectionLimit > -1 ? l.connectionLimit : DEFAULT_MAXCONN);

/** The listeners HAProxy is configured with (the file exists only when there is one). */
export function haproxyListeners(c: Cloud, lb: LoadBalancer): Listener[] {
  return (octaviaIndex(c).listenersOf.get(lb.id) ?? []).filter((l) => !LVS.has(l.protocol));
}

/** The rendered haproxy.cfg of the load balancer's amphora; null when it has no HAProxy listener yet. */
export function haproxyCfg(c: Cloud, lb: LoadBalancer): string | null {
  const ix = octaviaIndex(c);
  const listeners = haproxyListeners(c, lb);
  if (listeners.length === 0) return null;
  const sum = listeners.reduce((s, l) => s + limitOf(l), 0);
  const out = [
    `# Configuration for loadbalancer ${lb.id}`,
    'global',
    '    daemon',
    '    user nobody',
    '    log /run/rsyslog/octavia/log local0',
    '    log /run/rsyslog/octavia/log local1 notice',
    `    stats socket ${AMPHORA_BASE}/${lb.id}.sock mode 0666 level user`,
    `    server-state-file ${AMPHORA_BASE}/${lb.id}/servers-state`,
    `    maxconn ${sum > 0 && sum < MAX_MAXCONN ? sum : MAX_MAXCONN}`,
  ];
  const enabled = listeners.filter((l) => l.adminStateUp);
  const pinged = enabled.some((l) => listenerPools(ix, l).some((p) => p.adminStateUp && monitorOf(ix, p)?.type === 'PING'));
  // HAProxy >= 2.2 runs external checks (the ping wrapper) only with insecure-fork-wanted.
  if (pinged) out.push('    external-check', '    insecure-fork-wanted');
  out.push('', 'defaults', '    log global', '    retries 3', '    option redispatch', '    option splice-request', '    option splice-response', '    option http-keep-alive', '', '', '', '');
  if (lb.adminStateUp) {
    for (const l of enabled) {
      out.push(...frontend(ix, lb, l), '');
      for (const p of listenerPools(ix, l)) if (p.adminStateUp) out.push(...backend(ix, l, p), '');
    }
  }
  return `${out.join('\n')}\n`;
}

/** The translator's `listener.pools`: the default pool, then the L7 policies' target pools. */
function listenerPools(ix: OctaviaIndex, l: Listener): Pool[] {
  const ids = [l.defaultPoolId, ...(ix.policiesOf.get(l.id) ?? []).filter((p) => p.action === 'REDIRECT_TO_POOL').map((p) => p.redirectPoolId)];
  const out: Pool[] = [];
  for (const id of ids) {
    const p = id ? ix.pools.get(id) : undefined;
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

function monitorOf(ix: OctaviaIndex, p: Pool): HealthMonitor | undefined {
  const hm = ix.monitorOf.get(p.id);
  return hm?.adminStateUp ? hm : undefined;
}

function logFormat(lb: LoadBalancer, l: Listener): string {
  let f = LOG_FORMAT.replace('{{ project_id }}', lb.projectId).replace('{{ lb_id }}', lb.id);
  // HAProxy cannot log HTTP fields of TCP listeners: Octavia blanks them.
  if (l.protocol !== 'HTTP' && l.protocol !== 'TERMINATED_HTTPS') f = f.replace('%{+Q}r', '-').replace('%r', '-').replace('%{+Q}ST', '-').replace('%ST', '-');
  return f.replace(/ /g, '\\ ');
}

function frontend(ix: OctaviaIndex, lb: LoadBalancer, l: Listener): string[] {
  const out = [`frontend ${l.id}`, `    maxconn ${limitOf(l)}`];
  if (l.protocol === 'TERMINATED_HTTPS') out.push('    redirect scheme https if !{ ssl_fc }');
  out.push(`    bind ${lb.vipAddress}:${l.protocolPort}`, `    mode ${MODE[l.protocol] ?? 'tcp'}`);
  for (const p of ix.policiesOf.get(l.id) ?? []) {
    const rules = (ix.rulesOf.get(p.id) ?? []).filter((r) => r.adminStateUp && !/[\x00-\x1f\x7f-\x9f]/.test(r.value));
    if (p.adminStateUp && rules.length > 0) out.push(...policyLines(ix, l, p, rules));
  }
  const def = l.defaultPoolId ? ix.pools.get(l.defaultPoolId) : undefined;
  if (def?.adminStateUp) out.push(`    default_backend ${def.id}:${l.id}`);
  out.push(`    timeout client ${l.timeoutClientData || 50000}`);
  if (l.timeoutTcpInspect) out.push(`    tcp-request inspect-delay ${l.timeoutTcpInspect}`);
  out.push(`    log-format ${logFormat(lb, l)}`);
  return out;
}

/** HAProxy reads a space or backslash in an ACL value as a separator or escape: Octavia escapes them. */
function aclValue(v: string): string {
  return esc(v.replace(/\\/g, '\\\\').replace(/ /g, '\\ '));
}

function acl(r: L7Rule): string {
  const m = MATCH[r.compareType];
  const key = esc(r.key ?? '');
  switch (r.type) {
    case 'HOST_NAME':
      return `acl ${r.id} req.hdr(host) -i ${m} ${aclValue(r.value)}`;
    case 'PATH':
      return `acl ${r.id} path ${m} ${aclValue(r.value)}`;
    case 'FILE_TYPE':
      return `acl ${r.id} path_end ${m} ${aclValue(r.value)}`;
    case 'HEADER':
      return `acl ${r.id} req.hdr(${key}) ${m} ${aclValue(r.value)}`;
    case 'COOKIE':
      return `acl ${r.id} req.cook(${key}) ${m} ${aclValue(r.value)}`;
    case 'SSL_CONN_HAS_CERT':
      return `acl ${r.id} ssl_c_used`;
    case 'SSL_VERIFY_RESULT':
      return `acl ${r.id} ssl_c_verify eq ${aclValue(r.value)}`;
    case 'SSL_DN_FIELD':
      return `acl ${r.id} ssl_c_s_dn(${key}) ${m} ${aclValue(r.value)}`;
  }
}

/** A URL with control characters or spaces is cleared by the translator (and renders empty). */
const url = (u: string | null): string => (u === null || /[\x00-\x20\x7f-\x9f]/.test(u) ? '' : esc(u));

function policyLines(ix: OctaviaIndex, l: Listener, p: L7Policy, rules: L7Rule[]): string[] {
  const out = rules.map((r) => `        ${acl(r)}`);
  const cond = `if ${rules.map((r) => `${r.invert ? '!' : ''}${r.id}`).join(' ')}`;
  const code = p.redirectHttpCode ? ` code ${p.redirectHttpCode}` : '';
  const target = p.redirectPoolId ? ix.pools.get(p.redirectPoolId) : undefined;
  if (p.action === 'REJECT') out.push(`    http-request deny ${cond}`);
  else if (p.action === 'REDIRECT_TO_URL') out.push(`    redirect${code} location ${url(p.redirectUrl)} ${cond}`);
  else if (p.action === 'REDIRECT_TO_POOL' && target?.adminStateUp) out.push(`    use_backend ${target.id}:${l.id} ${cond}`);
  else if (p.action === 'REDIRECT_PREFIX') out.push(`    redirect${code} prefix ${url(p.redirectPrefix)} ${cond}`);
  return out;
}

/** Octavia's expected_codes expanded (`200-202,204` -> 200|201|202|204; Octavia's own order is a set's). */
function rstatus(codes: string): string {
  const out: string[] = [];
  for (const part of codes.split(/, */)) {
    const [lo, hi] = part.split('-');
    if (!lo) continue;
    if (hi === undefined) out.push(lo);
    else for (let i = Number(lo); i <= Number(hi); i++) out.push(String(i));
  }
  return [...new Set(out)].join('|');
}

function monitorLines(hm: HealthMonitor): string[] {
  const out = ['    load-server-state-from-file global', `    timeout check ${hm.timeout}s`];
  if (hm.type === 'HTTP' || hm.type === 'HTTPS') {
    const head = `    option httpchk ${esc(hm.httpMethod ?? 'GET')} ${esc(hm.urlPath ?? '/')}`;
    const version = hm.httpVersion === null ? null : hm.httpVersion.toFixed(1);
    if (version === '1.1' && hm.domainName) out.push(`${head} HTTP/1.1\\r\\nHost:\\ ${esc(hm.domainName)}`);
    else if (version !== null) out.push(`${head} HTTP/${version}\\r\\n`);
    else out.push(head);
    out.push(`    http-check expect rstatus ${rstatus(hm.expectedCodes ?? '200')}`);
  }
  if (hm.type === 'TLS-HELLO') out.push('    option ssl-hello-chk');
  if (hm.type === 'PING') out.push('    option external-check', `    external-check command ${AMPHORA_BASE}/ping-wrapper.sh`);
  return out;
}

function backend(ix: OctaviaIndex, l: Listener, p: Pool): string[] {
  const proxied = p.protocol === 'PROXY' || p.protocol === 'PROXYV2';
  const mode = proxied ? (MODE[l.protocol] ?? 'tcp') : (MODE[p.protocol] ?? 'tcp');
  const out = [`backend ${p.id}:${l.id}`, `    mode ${mode}`];
  if (p.protocol === 'HTTP' || (p.protocol === 'PROXY' && mode === 'http')) out.push('    http-reuse safe');
  out.push(`    balance ${BALANCE[p.lbAlgorithm]}`);
  const sp = p.sessionPersistence;
  if (sp?.type === 'SOURCE_IP') out.push('    stick-table type ip size 10k', '    stick on src');
  if (sp?.type === 'APP_COOKIE') {
    const name = esc(sp.cookieName ?? '');
    out.push('    stick-table type string len 64 size 10k', `    stick store-response res.cook(${name})`, `    stick match req.cook(${name})`);
  }
  if (sp?.type === 'HTTP_COOKIE') out.push('    cookie SRV insert indirect nocache');
  const hm = monitorOf(ix, p);
  if (hm) out.push(...monitorLines(hm));
  const headers = l.insertHeaders ?? {};
  const on = (h: string): boolean => (headers[h] ?? 'False').toLowerCase() === 'true';
  if (p.protocol === 'HTTP') {
    if (on('X-Forwarded-For')) out.push('    option forwardfor');
    if (on('X-Forwarded-Port')) out.push('    http-request set-header X-Forwarded-Port %[dst_port]');
  }
  if (on('X-Forwarded-Proto') && l.protocol === 'HTTP') out.push('    http-request set-header X-Forwarded-Proto http');
  out.push(`    fullconn ${limitOf(l)}`, '    option allbackups', `    timeout connect ${l.timeoutMemberConnect || 5000}`, `    timeout server ${l.timeoutMemberData || 50000}`);
  for (const m of ix.membersOf.get(p.id) ?? []) out.push(`    ${serverLine(p, m, hm)}`);
  return out;
}

function serverLine(p: Pool, m: Member, hm: HealthMonitor | undefined): string {
  let s = `server ${m.id} ${esc(m.address)}:${m.protocolPort} weight ${m.weight}`;
  if (hm) {
    s += ` check${hm.type === 'HTTPS' ? ' check-ssl verify none' : ''} inter ${hm.delay}s fall ${hm.maxRetriesDown} rise ${hm.maxRetries}`;
    if (m.monitorAddress) s += ` addr ${esc(m.monitorAddress)}`;
    if (m.monitorPort) s += ` port ${m.monitorPort}`;
  }
  if (p.sessionPersistence?.type === 'HTTP_COOKIE') s += ` cookie ${m.id}`;
  if (m.backup) s += ' backup';
  if (!m.adminStateUp) s += ' disabled';
  return s;
}
