/**
 * Lab checks for load balancers (Octavia): a load balancer by name and where its VIP is, its
 * listener, pool, health monitor, the members (named by the server whose address they carry),
 * the floating IP on its VIP port, the web servers behind it, and HTTP through it as `curl`
 * gets it. Operating statuses are the ones the health manager reports
 * (sim/dataplane/loadbalancer.ts), so "DEGRADED" means what a real cloud would show. Nothing
 * depends on UUIDs: objects are found by name, members by address.
 *
 * Types only come from checks.ts (which registers these), so the two modules do not load each
 * other.
 */
import type { Cloud } from '../sim/model/cloud.js';
import type { Server } from '../sim/model/compute.js';
import type { HealthMonitor, Listener, LoadBalancer, Member, OperatingStatus, Pool } from '../sim/model/octavia.js';
import { octaviaHealth, serveVip } from '../sim/dataplane/loadbalancer.js';
import { vmWebServers, type HttpResponse } from '../sim/dataplane/http.js';
import { trace } from '../sim/reach.js';
import { serverAddresses } from './attributes.js';
import { normalise, type Invocation } from './history.js';
import { changedAny, probedOrOpened, someInvocation } from './started.js';
import type { CheckContext, CheckType, Outcome, Params } from './checks.js';
import { portById } from '../sim/index.js';

const OPERATING: readonly OperatingStatus[] = ['ONLINE', 'OFFLINE', 'DEGRADED', 'ERROR', 'NO_MONITOR', 'DRAINING'];
const pass = (why: string): Outcome => ({ ok: true, why });
const failed = (why: string): Outcome => ({ ok: false, why });

// ---------------------------------------------------------------- what the learner sees

/** The load balancers the learner's token lists (their project's; every one for an admin), not deleted. */
function visibleLbs(c: Cloud): LoadBalancer[] {
  return (c.octavia?.loadBalancers ?? []).filter((lb) => lb.provisioningStatus !== 'DELETED' && (c.auth.admin || lb.projectId === c.auth.projectId));
}

function lbNamed(c: Cloud, name: string): LoadBalancer[] {
  return visibleLbs(c).filter((lb) => lb.name === name);
}

function listenersOf(c: Cloud, lb: LoadBalancer): Listener[] {
  return (c.octavia?.listeners ?? []).filter((l) => l.loadbalancerId === lb.id);
}

function poolsOf(c: Cloud, lbs: readonly LoadBalancer[]): Pool[] {
  const ids = new Set(lbs.map((lb) => lb.id));
  return (c.octavia?.pools ?? []).filter((p) => ids.has(p.loadbalancerId));
}

function poolNamed(c: Cloud, name: string): Pool[] {
  return poolsOf(c, visibleLbs(c)).filter((p) => p.name === name);
}

function membersOf(c: Cloud, pool: Pool): Member[] {
  return (c.octavia?.members ?? []).filter((m) => m.poolId === pool.id);
}

function monitorOf(c: Cloud, pool: Pool): HealthMonitor | undefined {
  return c.octavia?.healthMonitors.find((h) => h.poolId === pool.id);
}

function subnetName(c: Cloud, id: string | null): string {
  return c.subnets.find((s) => s.id === id)?.name ?? '(a deleted subnet)';
}

const endpoint = (address: string, port: number) => `${address.includes(':') ? `[${address}]` : address}:${port}`;

/** The members of a pool that carry one of the server's addresses. */
function membersOfServer(c: Cloud, pool: Pool, s: Server): Member[] {
  const mine = new Set(serverAddresses(c, s));
  return membersOf(c, pool).filter((m) => mine.has(m.address));
}

// ---------------------------------------------------------------- when a check has started

const LB_WRITES = new Set(['create', 'set', 'unset', 'delete', 'failover']);
const SERVER_POWER = new Set(['stop', 'start', 'reboot', 'delete', 'create']);

function words(inv: Invocation): string[] {
  return normalise(inv.argv).filter((t, i) => i === 0 || !t.startsWith('-'));
}

/** Whether the history changed an Octavia object (`openstack loadbalancer … create|set|…`). */
export function changedLoadBalancers(history: readonly Invocation[]): boolean {
  return someInvocation(history, 'lb-changed', (inv) => {
    const w = words(inv);
    return w[0] === 'openstack' && w[1] === 'loadbalancer' && (LB_WRITES.has(w[2] ?? '') || LB_WRITES.has(w[3] ?? ''));
  });
}

/** Whether the history started, stopped, created or deleted a server (what changes a member's health). */
function changedServerPower(history: readonly Invocation[]): boolean {
  return someInvocation(history, 'server-power', (inv) => {
    const w = words(inv);
    return (w[0] === 'openstack' && w[1] === 'server' && SERVER_POWER.has(w[2] ?? '')) || (w[0] === 'nova' && ['stop', 'start', 'reboot', 'boot', 'delete'].includes(w[1] ?? ''));
  });
}

const lbStarted = (_p: Params, ctx: CheckContext) => changedLoadBalancers(ctx.history);
const healthStarted = (_p: Params, ctx: CheckContext) => changedLoadBalancers(ctx.history) || changedServerPower(ctx.history);

// ---------------------------------------------------------------- the check types

const loadBalancerCheck: CheckType = {
  name: 'load-balancer',
  reads: ['cloud'],
  doc: 'A load balancer of that name exists, with its VIP on `subnet` (if given), and the health manager reports it `operating` (if given: ONLINE, DEGRADED, ERROR, OFFLINE…).',
  params: {
    name: { type: 'string', required: true, doc: 'load balancer name' },
    subnet: { type: 'string', doc: 'name of the subnet its VIP is on' },
    operating: { type: 'string', oneOf: OPERATING, doc: 'expected operating status (ONLINE, DEGRADED, ERROR, OFFLINE, NO_MONITOR, DRAINING)' },
  },
  title: (p) => {
    const parts = [p.opt('subnet') !== undefined ? `has its VIP on ${p.str('subnet')}` : 'exists', p.opt('operating') !== undefined ? `is ${p.str('operating')}` : ''];
    return `load balancer ${p.str('name')} ${parts.filter((x) => x !== '').join(' and ')}`;
  },
  started: (p, ctx) => (p.opt('operating') !== undefined ? healthStarted(p, ctx) : lbStarted(p, ctx)),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const name = p.str('name');
    const found = lbNamed(c, name);
    if (found.length === 0) return failed(`there is no load balancer named ${name}`);
    const subnet = p.opt('subnet');
    const want = p.opt('operating');
    const health = octaviaHealth(c);
    let why = '';
    for (const lb of found) {
      if (lb.provisioningStatus === 'ERROR') why = `load balancer ${name} is in ERROR: delete it and create it again`;
      else if (lb.provisioningStatus === 'PENDING_DELETE') why = `load balancer ${name} is being deleted`;
      else if (subnet !== undefined && subnetName(c, lb.vipSubnetId) !== subnet) why = `load balancer ${name} has its VIP on ${subnetName(c, lb.vipSubnetId)}, not on ${subnet}`;
      else if (want !== undefined && health.status(lb.id) !== want) why = `load balancer ${name} is ${health.status(lb.id)}, not ${want}`;
      else return pass(`load balancer ${name} has its VIP ${lb.vipAddress} on ${subnetName(c, lb.vipSubnetId)} and is ${health.status(lb.id)}`);
    }
    return failed(why);
  },
};

const listenerCheck: CheckType = {
  name: 'listener',
  reads: ['cloud'],
  doc: 'The load balancer has a listener with that protocol and port (and name, if given).',
  params: {
    loadbalancer: { type: 'string', required: true, doc: 'load balancer name' },
    protocol: { type: 'string', oneOf: ['HTTP', 'HTTPS', 'TCP', 'UDP', 'TERMINATED_HTTPS', 'SCTP', 'PROMETHEUS'], doc: 'HTTP, HTTPS, TCP, UDP…' },
    port: { type: 'number', doc: 'the port it listens on' },
    name: { type: 'string', doc: 'listener name' },
  },
  title: (p) =>
    `load balancer ${p.str('loadbalancer')} has ${p.opt('name') !== undefined ? `listener ${p.str('name')}` : 'a listener'}${p.opt('protocol') !== undefined ? ` for ${p.str('protocol')}` : ''}${p.num('port') !== undefined ? ` on port ${p.num('port') ?? ''}` : ''}`,
  started: lbStarted,
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const lbs = lbNamed(c, p.str('loadbalancer'));
    if (lbs.length === 0) return failed(`there is no load balancer named ${p.str('loadbalancer')}`);
    const all = lbs.flatMap((lb) => listenersOf(c, lb));
    const hit = all.find(
      (l) => (p.opt('name') === undefined || l.name === p.opt('name')) && (p.opt('protocol') === undefined || l.protocol === p.opt('protocol')) && (p.num('port') === undefined || l.protocolPort === p.num('port')),
    );
    if (hit) return pass(`listener ${hit.name || '(unnamed)'} of ${p.str('loadbalancer')} takes ${hit.protocol} on port ${hit.protocolPort}`);
    if (all.length === 0) return failed(`load balancer ${p.str('loadbalancer')} has no listener yet`);
    return failed(`load balancer ${p.str('loadbalancer')} has no such listener (its listeners: ${all.map((l) => `${l.name || '(unnamed)'} ${l.protocol} on port ${l.protocolPort}`).join('; ')})`);
  },
};

const poolCheck: CheckType = {
  name: 'pool',
  reads: ['cloud'],
  doc: 'A pool (by name, or the default pool of a listener) exists with that algorithm and protocol (if given).',
  params: {
    name: { type: 'string', doc: 'pool name' },
    listener: { type: 'string', doc: 'listener name: the pool must be its default pool' },
    algorithm: { type: 'string', oneOf: ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'], doc: 'ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP, SOURCE_IP_PORT' },
    protocol: { type: 'string', oneOf: ['HTTP', 'HTTPS', 'TCP', 'UDP', 'PROXY', 'PROXYV2', 'SCTP'], doc: 'HTTP, HTTPS, TCP, UDP, PROXY…' },
  },
  validate: (p) => (p.opt('name') === undefined && p.opt('listener') === undefined ? 'needs name or listener' : null),
  title: (p) => {
    const who = p.opt('name') !== undefined ? `pool ${p.str('name')}` : `listener ${p.str('listener')}'s default pool`;
    const what = [p.opt('protocol'), p.opt('algorithm')].filter((x) => x !== undefined).join(' ');
    const of = p.opt('name') !== undefined && p.opt('listener') !== undefined ? ` is listener ${p.str('listener')}'s default pool` : '';
    return `${who}${of}${what !== '' ? `${of !== '' ? ',' : ''} balances ${what}` : of === '' ? ' exists' : ''}`;
  },
  started: lbStarted,
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const all = poolsOf(c, visibleLbs(c));
    let candidates = p.opt('name') !== undefined ? all.filter((x) => x.name === p.opt('name')) : all;
    if (candidates.length === 0) return failed(`there is no pool named ${p.str('name')}`);
    const listenerName = p.opt('listener');
    if (listenerName !== undefined) {
      const listeners = visibleLbs(c).flatMap((lb) => listenersOf(c, lb)).filter((l) => l.name === listenerName);
      if (listeners.length === 0) return failed(`there is no listener named ${listenerName}`);
      const defaults = new Set(listeners.map((l) => l.defaultPoolId));
      const own = candidates.filter((x) => defaults.has(x.id));
      if (own.length === 0) return failed(p.opt('name') !== undefined ? `pool ${p.str('name')} is not the default pool of listener ${listenerName}` : `listener ${listenerName} has no default pool`);
      candidates = own;
    }
    let why = '';
    for (const pool of candidates) {
      const label = pool.name !== '' ? `pool ${pool.name}` : 'the pool';
      if (p.opt('protocol') !== undefined && pool.protocol !== p.opt('protocol')) why = `${label} speaks ${pool.protocol}, not ${p.str('protocol')}`;
      else if (p.opt('algorithm') !== undefined && pool.lbAlgorithm !== p.opt('algorithm')) why = `${label} uses ${pool.lbAlgorithm}, not ${p.str('algorithm')}`;
      else return pass(`${label} balances ${pool.protocol} ${pool.lbAlgorithm}`);
    }
    return failed(why);
  },
};

/** What the health monitor reports about a member, in a learner's words. */
function describeHealth(status: OperatingStatus): string {
  if (status === 'NO_MONITOR') return 'NO_MONITOR (no health monitor checks it)';
  if (status === 'ERROR') return 'ERROR (the health monitor gets no answer from it)';
  return status;
}

const memberCheck: CheckType = {
  name: 'member',
  reads: ['cloud'],
  doc:
    "A pool has a member at one of the server's addresses (on `port`, if given). `operating` asks the status the health manager reports; `healthy: true` asks that a health monitor finds the member ONLINE whenever its server runs (a stopped server's member may be ERROR).",
  params: {
    pool: { type: 'string', required: true, doc: 'pool name' },
    server: { type: 'string', required: true, doc: 'the server whose address the member carries' },
    port: { type: 'number', doc: 'the member port (protocol_port)' },
    operating: { type: 'string', oneOf: OPERATING, doc: 'expected operating status (ONLINE, ERROR, NO_MONITOR…)' },
    healthy: { type: 'boolean', doc: 'the health monitor finds it ONLINE while its server runs' },
  },
  title: (p) => {
    const base = `server ${p.str('server')} is a member of pool ${p.str('pool')}${p.num('port') !== undefined ? ` on port ${p.num('port') ?? ''}` : ''}`;
    if (p.opt('operating') !== undefined) return `${base}, ${p.str('operating')}`;
    return p.bool('healthy') === true ? `the health monitor of ${p.str('pool')} finds ${p.str('server')} up while it runs` : base;
  },
  started: (p, ctx) => (p.opt('operating') !== undefined || p.bool('healthy') === true ? healthStarted(p, ctx) : lbStarted(p, ctx)),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const pools = poolNamed(c, p.str('pool'));
    if (pools.length === 0) return failed(`there is no pool named ${p.str('pool')}`);
    const servers = c.servers.filter((s) => s.name === p.str('server'));
    if (servers.length === 0) return failed(`there is no server named ${p.str('server')}`);
    const mine = pools.flatMap((pool) => servers.flatMap((s) => membersOfServer(c, pool, s).map((m) => ({ m, s }))));
    if (mine.length === 0) {
      const others = pools.flatMap((pool) => membersOf(c, pool)).map((m) => endpoint(m.address, m.protocolPort));
      const addrs = servers.flatMap((s) => serverAddresses(c, s));
      return failed(`no member of pool ${p.str('pool')} has ${p.str('server')}'s address (${addrs.join(', ') || 'it has none'}); ${others.length > 0 ? `its members: ${others.join(', ')}` : 'the pool has no members'}`);
    }
    const port = p.num('port');
    const onPort = port === undefined ? mine : mine.filter(({ m }) => m.protocolPort === port);
    if (onPort.length === 0) return failed(`${p.str('server')}'s member of ${p.str('pool')} is on port ${mine.map(({ m }) => m.protocolPort).join(', ')}, not ${port ?? ''}`);
    const health = octaviaHealth(c);
    const want = p.opt('operating');
    const healthy = p.bool('healthy') === true;
    let why = '';
    for (const { m, s } of onPort) {
      const status = health.status(m.id);
      const label = `member ${endpoint(m.address, m.protocolPort)} (${s.name})`;
      if (want !== undefined && status !== want) why = `${label} is ${describeHealth(status)}, not ${want}`;
      else if (healthy && status !== 'ONLINE' && (s.status === 'ACTIVE' || status === 'NO_MONITOR')) why = `${label} is ${describeHealth(status)}${s.status === 'ACTIVE' && status !== 'NO_MONITOR' ? ` although ${s.name} is running` : ''}`;
      else return pass(`${label} is ${status}`);
    }
    return failed(why);
  },
};

/** The article as the monitor type is read out: an HTTP, an SCTP, a TCP, a PING. */
const anOrA = (type: string) => (/^(HTTP|SCTP)/.test(type) ? 'an' : 'a');

const healthMonitorCheck: CheckType = {
  name: 'health-monitor',
  reads: ['cloud'],
  doc: 'The pool has a health monitor (of that type and URL path, if given).',
  params: {
    pool: { type: 'string', required: true, doc: 'pool name' },
    monitor: { type: 'string', oneOf: ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'SCTP'], doc: "the monitor's type: HTTP, HTTPS, PING, TCP, TLS-HELLO, UDP-CONNECT, SCTP" },
    url_path: { type: 'string', doc: 'the path an HTTP(S) monitor asks for' },
  },
  title: (p) => `pool ${p.str('pool')} has ${p.opt('monitor') !== undefined ? `${anOrA(p.str('monitor'))} ${p.str('monitor')}` : 'a'} health monitor${p.opt('url_path') !== undefined ? ` asking for ${p.str('url_path')}` : ''}`,
  started: lbStarted,
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const pools = poolNamed(c, p.str('pool'));
    if (pools.length === 0) return failed(`there is no pool named ${p.str('pool')}`);
    const monitors = pools.map((pool) => monitorOf(c, pool)).filter((h): h is HealthMonitor => h !== undefined);
    if (monitors.length === 0) return failed(`pool ${p.str('pool')} has no health monitor: nothing notices a dead member`);
    let why = '';
    for (const h of monitors) {
      if (p.opt('monitor') !== undefined && h.type !== p.opt('monitor')) why = `pool ${p.str('pool')}'s health monitor is ${h.type}, not ${p.str('monitor')}`;
      else if (p.opt('url_path') !== undefined && h.urlPath !== p.opt('url_path')) why = `pool ${p.str('pool')}'s health monitor asks for ${h.urlPath ?? 'no path'}, not ${p.str('url_path')}`;
      else return pass(`pool ${p.str('pool')} has ${anOrA(h.type)} ${h.type} health monitor every ${h.delay} s`);
    }
    return failed(why);
  },
};

const lbFloatingIp: CheckType = {
  name: 'lb-floating-ip',
  reads: ['cloud'],
  doc: "A floating IP (from that external network, if given) is associated with the load balancer's VIP port.",
  params: {
    loadbalancer: { type: 'string', required: true, doc: 'load balancer name' },
    network: { type: 'string', doc: 'external network the floating IP comes from' },
  },
  title: (p) => `load balancer ${p.str('loadbalancer')}'s VIP has a floating IP${p.opt('network') !== undefined ? ` from ${p.str('network')}` : ''}`,
  started: (_p, ctx) => changedAny(ctx.history, ['floating-ip']),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const lbs = lbNamed(c, p.str('loadbalancer'));
    if (lbs.length === 0) return failed(`there is no load balancer named ${p.str('loadbalancer')}`);
    const vipPorts = new Set(lbs.map((lb) => lb.vipPortId));
    const want = p.opt('network');
    const onVip = c.floatingIps.filter((f) => f.portId !== null && vipPorts.has(f.portId));
    const hit = onVip.find((f) => want === undefined || c.networks.find((n) => n.id === f.floatingNetworkId)?.name === want);
    if (hit) return pass(`floating IP ${hit.floatingIpAddress} leads to the VIP ${hit.fixedIpAddress ?? ''}`);
    if (onVip.length > 0) return failed(`the VIP's floating IP ${onVip.map((f) => f.floatingIpAddress).join(', ')} is not from ${want ?? ''}`);
    const free = c.floatingIps.filter((f) => f.portId === null && f.projectId === c.auth.projectId).map((f) => f.floatingIpAddress);
    return failed(
      `no floating IP is associated with the VIP port of ${p.str('loadbalancer')} (${lbs.map((lb) => lb.vipAddress).join(', ')})${free.length > 0 ? `; floating IP ${free.join(', ')} is allocated but not associated` : ''}`,
    );
  },
};

const webServer: CheckType = {
  name: 'web-server',
  reads: ['cloud'],
  doc: "A server was booted with user data that starts a web server on the port (whether it runs now or not: `member` and `lb-serves` see that).",
  params: {
    server: { type: 'string', required: true, doc: 'server name' },
    port: { type: 'number', required: true, doc: 'the port its web server listens on' },
  },
  title: (p) => `server ${p.str('server')} starts a web server on port ${p.num('port') ?? ''} at boot`,
  started: (_p, ctx) => changedServerPower(ctx.history),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const servers = c.servers.filter((s) => s.name === p.str('server'));
    if (servers.length === 0) return failed(`there is no server named ${p.str('server')}`);
    const port = p.num('port');
    let why = '';
    for (const s of servers) {
      const webs = vmWebServers(c, s);
      if (webs.some((w) => w.port === port)) return pass(`server ${s.name} serves HTTP on port ${port ?? ''}`);
      why =
        s.userData === undefined ? `server ${s.name} was created without user data, so nothing starts a web server in it`
        : webs.length === 0 ? `the user data of ${s.name} starts no web server (or the VM cannot read it)`
        : `server ${s.name}'s web server listens on port ${webs.map((w) => w.port).join(', ')}, not ${port ?? ''}`;
    }
    return failed(why);
  },
};

/** Where the laptop's requests come from once they cross the external network (the reach query's outside source). */
const LAPTOP_SOURCE = '203.0.113.10';

/**
 * The answers to `n` GETs of `/` in a row from `from` (laptop or a server) to `address:port`, as
 * curl gets them: the reach query's path to the VIP (floating IP, router, security groups), then
 * the load balancer behind it, its round-robin position carried from one request to the next
 * on a copy of the cloud (the learner's cloud is not changed). Or why no connection is made.
 */
function getThrough(c: Cloud, from: string, lb: LoadBalancer, address: string, port: number, n: number): { error: string } | { responses: HttpResponse[] } {
  const vm = from === 'laptop' ? undefined : c.servers.find((s) => s.name === from);
  if (from !== 'laptop' && vm === undefined) return { error: `there is no server named ${from}` };
  const t = trace(c, vm ? { kind: 'vm', serverId: vm.id } : { kind: 'laptop' }, address, 'tcp', port);
  if (t.verdict !== 'ok') return { error: t.reason };
  const srcIp = vm ? (serverAddresses(c, vm)[0] ?? '') : LAPTOP_SOURCE;
  const responses: HttpResponse[] = [];
  let cloud = c;
  for (let i = 0; i < n; i++) {
    const r = serveVip(cloud, { srcIp, dstIp: lb.vipAddress, port, method: 'GET', path: '/', host: address, headers: { 'User-Agent': 'curl/7.88.1', Accept: '*/*' } });
    if (r === null) return { error: `nothing listens on port ${port} of the VIP ${lb.vipAddress}` };
    responses.push(r.response);
    cloud = r.cloud;
  }
  return { responses };
}

/** Whether `text` names `name` as a word of its own (a host name: letters, digits, `-`, `_`, `.` around it are part of another name). */
function names(text: string, name: string): boolean {
  const part = /[A-Za-z0-9_-]/;
  for (let i = text.indexOf(name); i >= 0 && name !== ''; i = text.indexOf(name, i + 1)) {
    const before = text[i - 1] ?? ' ';
    const after = text[i + name.length] ?? ' ';
    if (!part.test(before) && before !== '.' && !part.test(after)) return true;
  }
  return false;
}

/** The reach query's reason with the IDs in it replaced by what the learner knows them as (a name, a port's address). */
export function withNames(c: Cloud, reason: string): string {
  const nameOf = (id: string): string => {
    const lb = c.octavia?.loadBalancers.find((x) => x.id === id);
    if (lb) return lb.name || lb.vipAddress;
    const port = portById(c, id);
    if (port) return port.name || (port.fixedIps.map((f) => f.ipAddress).join(', ') || id);
    return [...c.securityGroups, ...c.routers, ...c.servers].find((x) => x.id === id)?.name ?? id;
  };
  // `lb-<id>`, the VIP's security group, lives in Octavia's project: the learner knows it by its load balancer.
  return reason.replace(/(lb-)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/g, (_all, group: string | undefined, id: string) => `${group !== undefined ? 'of ' : ''}${nameOf(id)}`);
}

const lbServes: CheckType = {
  name: 'lb-serves',
  reads: ['cloud'],
  doc:
    "HTTP through the load balancer works as `curl` gets it, from `from` (default laptop) to its floating IP (or, with `via: vip`, its VIP) on `port` (default 80): a few requests in a row are all answered with a 2xx, and each of `servers` that is running answered at least one (a stopped server need not: the health monitor takes it out).",
  params: {
    loadbalancer: { type: 'string', required: true, doc: 'load balancer name' },
    from: { type: 'string', doc: 'laptop (default) or a server name' },
    via: { type: 'string', oneOf: ['floating-ip', 'vip'], doc: 'the floating IP of the VIP (default) or the VIP itself' },
    port: { type: 'number', doc: 'the listener port (default 80)' },
    servers: { type: 'strings', doc: 'servers whose answers must come through (those running)' },
  },
  title: (p) => {
    const who = p.strs('servers');
    const via = (p.opt('via') ?? 'floating-ip') === 'vip' ? 'VIP' : 'floating IP';
    return `curl from ${p.opt('from') ?? 'the laptop'} through ${p.str('loadbalancer')}'s ${via} is answered${who.length > 1 ? ' by both' : who.length > 0 ? ' by' : ''}${who.length > 0 ? ` ${who.join(' and ')}` : ''}`;
  },
  started: (_p, ctx) => probedOrOpened(ctx.history),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const name = p.str('loadbalancer');
    const lb = lbNamed(c, name)[0];
    if (lb === undefined) return failed(`there is no load balancer named ${name}`);
    const via = p.opt('via') ?? 'floating-ip';
    const address = via === 'vip' ? lb.vipAddress : c.floatingIps.find((f) => f.portId === lb.vipPortId)?.floatingIpAddress;
    if (address === undefined) return failed(`load balancer ${name}'s VIP has no floating IP`);
    const port = p.num('port') ?? 80;
    const servers = p.strs('servers');
    const running = servers.filter((n) => c.servers.some((s) => s.name === n && s.status === 'ACTIVE'));
    if (servers.length > 0 && running.length === 0) return failed(`${servers.join(' and ')} ${servers.length > 1 ? 'are' : 'is'} not running: ${servers.length > 1 ? 'they' : 'it'} cannot answer`);
    // Enough requests for a round-robin pool to come round to every member twice.
    const members = poolsOf(c, [lb]).reduce((n, pool) => n + membersOf(c, pool).length, 0);
    const n = Math.max(4, 2 * members);
    const got = getThrough(c, p.opt('from') ?? 'laptop', lb, address, port, n);
    if ('error' in got) return failed(`${p.opt('from') ?? 'the laptop'} cannot get ${address}:${port}: ${withNames(c, got.error)}`);
    const bad = got.responses.filter((r) => r.status < 200 || r.status > 299);
    if (bad.length > 0) return failed(`${bad.length} of ${n} requests to ${address} got ${bad[0]?.status ?? ''} ${bad[0]?.reason ?? ''}`.trimEnd());
    const answered = (server: string) => got.responses.some((r) => names(r.body, server));
    const silent = running.filter((s) => !answered(s));
    const seen = c.servers.filter((s) => answered(s.name)).map((s) => s.name);
    if (silent.length > 0) return failed(`${silent.join(' and ')} ${silent.length > 1 ? 'are' : 'is'} running but never answered ${n} requests to ${address} (answers came from ${seen.join(', ') || 'no server of yours'})`);
    return pass(`${n} requests to ${address}:${port} were answered by ${seen.join(', ') || 'the load balancer'}`);
  },
};

export const LB_CHECK_TYPES: readonly CheckType[] = [loadBalancerCheck, listenerCheck, poolCheck, memberCheck, healthMonitorCheck, lbFloatingIp, webServer, lbServes];

// ---------------------------------------------------------------- question answers

type AnswerFn<T> = (x: T, c: Cloud) => string | number | null | string[];

const LB_ANSWERS: {
  'load-balancer': Record<string, AnswerFn<LoadBalancer>>;
  listener: Record<string, AnswerFn<Listener>>;
  pool: Record<string, AnswerFn<Pool>>;
} = {
  'load-balancer': {
    id: (x) => x.id,
    vip_address: (x) => x.vipAddress,
    vip_port_id: (x) => x.vipPortId,
    vip_subnet: (x, c) => subnetName(c, x.vipSubnetId),
    floating_ip: (x, c) => c.floatingIps.filter((f) => f.portId === x.vipPortId).map((f) => f.floatingIpAddress),
    provider: (x) => x.provider,
    provisioning_status: (x) => x.provisioningStatus,
    operating_status: (x, c) => octaviaHealth(c).status(x.id),
  },
  listener: {
    id: (x) => x.id,
    protocol: (x) => x.protocol,
    protocol_port: (x) => x.protocolPort,
    operating_status: (x, c) => octaviaHealth(c).status(x.id),
  },
  pool: {
    id: (x) => x.id,
    lb_algorithm: (x) => x.lbAlgorithm,
    protocol: (x) => x.protocol,
    operating_status: (x, c) => octaviaHealth(c).status(x.id),
  },
};

type LbKind = keyof typeof LB_ANSWERS;
const isLbKind = (k: string): k is LbKind => Object.prototype.hasOwnProperty.call(LB_ANSWERS, k);

/** The Octavia kinds a question's answer may come from. */
export const LB_ANSWER_KINDS = Object.keys(LB_ANSWERS) as LbKind[];

/** The attributes a question may ask of an Octavia kind (`load-balancer`, `listener`, `pool`), or null for another kind. */
export function lbAnswerAttributes(kind: string): string[] | null {
  return isLbKind(kind) ? Object.keys(LB_ANSWERS[kind]) : null;
}

/** A question's expected answers from an Octavia object of the learner's cloud, or null for another kind. */
export function lbAnswers(c: Cloud, kind: string, name: string | undefined, attribute: string): string[] | null {
  if (!isLbKind(kind)) return null;
  const lbs = visibleLbs(c);
  const objects: Array<LoadBalancer | Listener | Pool> =
    kind === 'load-balancer' ? lbs : kind === 'listener' ? lbs.flatMap((lb) => listenersOf(c, lb)) : poolsOf(c, lbs);
  const x = objects.find((o) => name === undefined || o.name === name);
  const f = (LB_ANSWERS[kind] as Record<string, AnswerFn<LoadBalancer | Listener | Pool>>)[attribute];
  if (x === undefined || f === undefined) return [];
  const v = f(x, c);
  return v === null ? [] : Array.isArray(v) ? v : [String(v)];
}
