/** `openstack loadbalancer …` (python-octaviaclient 3.1.0): projects what sim/api/octavia answers. */
import type { Cloud } from '../../../sim/model/cloud.js';
import type { HealthMonitor, L7Policy, L7Rule, Listener, LoadBalancer, Member, Pool, SessionPersistence } from '../../../sim/model/octavia.js';
import {
  checkLoadBalancerGet, findL7Rule, healthMonitorDict, listProviders, providerCapabilities, sessionPersistence, l7PolicyDict, l7RuleDict, listenerDict, loadBalancerDict, memberDict, poolDict, quotaDict, listQuotas, showQuota, defaultQuota, loadBalancerStats, listUnconfigured, statsDict, statusTree,
  listAmphorae, listHealthMonitors, listL7Policies, listL7Rules, listLbPools, listListeners, listLoadBalancers, listMembers, showAmphora, type OctaviaQuery,
  visibleHealthMonitors, visibleL7Policies, visibleLbPools, visibleListeners, visibleLoadBalancers, visibleMembers,
} from '../../../sim/api/octavia/index.js';
import { SimError } from '../../../sim/errors.js';
import { lbState } from '../../../sim/ops/octavia/common.js';
import { createLoadBalancer, deleteLoadBalancer, failoverLoadBalancer, updateLoadBalancer } from '../../../sim/ops/octavia/loadbalancer.js';
import {
  createHealthMonitor, createL7Policy, createL7Rule, createListener, createMember, createPool, deleteHealthMonitor, deleteL7Policy, deleteL7Rule, deleteListener, deleteMember, deletePool,
  updateHealthMonitor, updateL7Policy, updateL7Rule, updateListener, updateMember, updatePool,
} from '../../../sim/ops/octavia/children.js';
import { settleOctavia } from '../../../sim/ops/octavia/lifecycle.js';
import { resetLbQuota, setLbQuota } from '../../../sim/ops/octavia/quota.js';
import { visibleNetworks, visiblePorts, visibleSubnets } from '../../../sim/visibility.js';
import { pyJsonDumps } from '../../../render/pyvalue.js';
import { CliError } from '../../errors.js';
import { flag, none, num, pair, req, sdkInt, str, strs, tagFilter, type Args, type OscCommand, type Output } from '../common.js';
import { findProject } from '../project.js';
import { checkPort, checkWeight, findLb, flatList, hash, idList, lbCommand, listOf, showOf, type Formatter } from './format.js';

const LB_ROWS = ['admin_state_up', 'availability_zone', 'created_at', 'description', 'flavor_id', 'id', 'listeners', 'name', 'operating_status', 'pools', 'project_id', 'provider', 'provisioning_status', 'updated_at', 'vip_address', 'vip_network_id', 'vip_port_id', 'vip_qos_policy_id', 'vip_subnet_id', 'tags', 'additional_vips'];
const LB_COLUMNS = ['id', 'name', 'project_id', 'vip_address', 'provisioning_status', 'operating_status', 'provider'];
const LISTENER_ROWS = ['admin_state_up', 'connection_limit', 'created_at', 'default_pool_id', 'default_tls_container_ref', 'description', 'id', 'insert_headers', 'l7policies', 'loadbalancers', 'name', 'operating_status', 'project_id', 'protocol', 'protocol_port', 'provisioning_status', 'sni_container_refs', 'timeout_client_data', 'timeout_member_connect', 'timeout_member_data', 'timeout_tcp_inspect', 'updated_at', 'client_ca_tls_container_ref', 'client_authentication', 'client_crl_container_ref', 'allowed_cidrs', 'tls_ciphers', 'tls_versions', 'alpn_protocols', 'tags'];
const LISTENER_COLUMNS = ['id', 'default_pool_id', 'name', 'project_id', 'protocol', 'protocol_port', 'admin_state_up'];
const POOL_ROWS = ['admin_state_up', 'created_at', 'description', 'healthmonitor_id', 'id', 'lb_algorithm', 'listeners', 'loadbalancers', 'members', 'name', 'operating_status', 'project_id', 'protocol', 'provisioning_status', 'session_persistence', 'updated_at', 'tls_container_ref', 'ca_tls_container_ref', 'crl_container_ref', 'tls_enabled', 'tls_ciphers', 'tls_versions', 'tags', 'alpn_protocols'];
const POOL_COLUMNS = ['id', 'name', 'project_id', 'provisioning_status', 'protocol', 'lb_algorithm', 'admin_state_up'];
const MEMBER_ROWS = ['address', 'admin_state_up', 'created_at', 'id', 'name', 'operating_status', 'project_id', 'protocol_port', 'provisioning_status', 'subnet_id', 'updated_at', 'weight', 'monitor_port', 'monitor_address', 'backup', 'tags'];
const MEMBER_COLUMNS = ['id', 'name', 'project_id', 'provisioning_status', 'address', 'protocol_port', 'operating_status', 'weight'];
const MONITOR_ROWS = ['project_id', 'name', 'admin_state_up', 'pools', 'created_at', 'provisioning_status', 'updated_at', 'delay', 'expected_codes', 'max_retries', 'http_method', 'timeout', 'max_retries_down', 'url_path', 'type', 'id', 'operating_status', 'http_version', 'domain_name', 'tags'];
const MONITOR_COLUMNS = ['id', 'name', 'project_id', 'type', 'admin_state_up'];
const L7POLICY_ROWS = ['listener_id', 'description', 'admin_state_up', 'rules', 'project_id', 'created_at', 'provisioning_status', 'updated_at', 'redirect_pool_id', 'redirect_url', 'redirect_prefix', 'action', 'position', 'id', 'operating_status', 'name', 'redirect_http_code', 'tags'];
const L7POLICY_COLUMNS = ['id', 'name', 'project_id', 'provisioning_status', 'action', 'position', 'admin_state_up'];
const L7RULE_ROWS = ['created_at', 'compare_type', 'provisioning_status', 'invert', 'admin_state_up', 'updated_at', 'value', 'key', 'project_id', 'type', 'id', 'operating_status', 'tags'];
const L7RULE_COLUMNS = ['id', 'project_id', 'provisioning_status', 'compare_type', 'type', 'key', 'value', 'invert', 'admin_state_up'];
const AMPHORA_ROWS = ['id', 'loadbalancer_id', 'compute_id', 'lb_network_ip', 'vrrp_ip', 'ha_ip', 'vrrp_port_id', 'ha_port_id', 'cert_expiration', 'cert_busy', 'role', 'status', 'vrrp_interface', 'vrrp_id', 'vrrp_priority', 'cached_zone', 'created_at', 'updated_at', 'image_id', 'compute_flavor'];
const AMPHORA_COLUMNS = ['id', 'loadbalancer_id', 'status', 'role', 'lb_network_ip', 'ha_ip'];
const AMPHORA_COLUMNS_LONG = [...AMPHORA_COLUMNS, 'compute_id', 'cached_zone', 'image_id'];
const QUOTA_ROWS = ['load_balancer', 'listener', 'pool', 'health_monitor', 'member', 'l7policy', 'l7rule'];
const STATS_ROWS = ['active_connections', 'bytes_in', 'bytes_out', 'request_errors', 'total_connections'];

const LB_FMT: Record<string, Formatter> = { listeners: idList, pools: idList, l7policies: idList, tags: flatList };
const LISTENER_FMT: Record<string, Formatter> = { loadbalancers: idList, pools: idList, l7policies: idList, insert_headers: hash, allowed_cidrs: flatList, tags: flatList };
const POOL_FMT: Record<string, Formatter> = { loadbalancers: idList, members: idList, listeners: idList, session_persistence: hash, tags: flatList };
const TAGS_FMT: Record<string, Formatter> = { tags: flatList };
/** http_version is a float in the API (1.0, 1.1): Python prints `1.0` (as text here: JSON shows it quoted). */
const MONITOR_FMT: Record<string, Formatter> = { pools: idList, tags: flatList };
const L7POLICY_FMT: Record<string, Formatter> = { rules: idList, tags: flatList };

// ---- lookups (octaviaclient's list-based find) ---------------------------------------------

const findLoadBalancer = (c: Cloud, x: string): LoadBalancer => findLb(visibleLoadBalancers(c), 'loadbalancers', x);
const findListener = (c: Cloud, x: string): Listener => findLb(visibleListeners(c), 'listeners', x);
const findPool = (c: Cloud, x: string): Pool => findLb(visibleLbPools(c), 'pools', x);
const findMember = (c: Cloud, pool: Pool, x: string): Member => findLb(visibleMembers(c, pool.id), 'members', x);
const findMonitor = (c: Cloud, x: string): HealthMonitor => findLb(visibleHealthMonitors(c), 'healthmonitors', x);
const findPolicy = (c: Cloud, x: string): L7Policy => findLb(visibleL7Policies(c), 'l7policies', x);
const findRule = (c: Cloud, p: L7Policy, x: string): L7Rule => findL7Rule(c, p.id, x);
const findSubnetId = (c: Cloud, x: string): string => findLb(visibleSubnets(c), 'subnets', x).id;

/** `--wait`: the client polls until the object is ACTIVE (the worker finishes at once here). */
function waited(c: Cloud, a: Args): void {
  if (flag(a, 'wait')) settleOctavia(c, true);
}

/** `--enable | --disable` (create's `--enable` defaults to True, so `--disable` is read first). */
function enabled(a: Args): boolean | undefined {
  return pair(a, 'disable', 'enable') === undefined ? undefined : !flag(a, 'disable');
}

function tagsOf(a: Args): string[] {
  return strs(a, 'tags');
}

/** `set --tag/--no-tag`: the new tag list, or undefined when unchanged. */
function setTags(a: Args, current: readonly string[]): string[] | undefined {
  const add = strs(a, 'tags');
  if (!flag(a, 'no_tag') && add.length === 0) return undefined;
  return [...(flag(a, 'no_tag') ? [] : current), ...add];
}

function unsetTags(a: Args, current: readonly string[]): string[] | undefined {
  if (flag(a, 'all_tag')) return [];
  const drop = strs(a, 'tags');
  return drop.length === 0 ? undefined : current.filter((t) => !drop.includes(t));
}

/** octaviaclient's _format_kv: `k=v,k2=v2` into a dict (Python's unpacking error otherwise). */
function keyValues(raw: string): Record<string, string> {
  const kv: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const bits = part.split('=');
    if (bits.length !== 2) throw new CliError(bits.length < 2 ? 'not enough values to unpack (expected 2, got 1)' : `too many values to unpack (expected 2)`);
    kv[bits[0] as string] = bits[1] as string;
  }
  return kv;
}

/** `--session-persistence type=X,cookie_name=Y`: the client's parse; the API checks the type. */
function persistence(raw: string | undefined): SessionPersistence | null | undefined {
  return raw === undefined ? undefined : sessionPersistence(keyValues(raw));
}

const lbShow = (c: Cloud, lb: LoadBalancer): Output => showOf(loadBalancerDict(c, lb), LB_ROWS, LB_FMT);
const listenerShow = (c: Cloud, l: Listener): Output => showOf(listenerDict(c, l), LISTENER_ROWS, LISTENER_FMT);
const poolShow = (c: Cloud, p: Pool): Output => showOf({ ...poolDict(c, p), healthmonitor_id: poolDict(c, p)['healthmonitor_id'] ?? '' }, POOL_ROWS, POOL_FMT);
const memberShow = (c: Cloud, m: Member): Output => showOf(memberDict(c, m), MEMBER_ROWS, TAGS_FMT);
// Octavia stores http_version as a float: the client prints 1.0, 1.1.
const monitorShow = (c: Cloud, h: HealthMonitor): Output => showOf(healthMonitorDict(c, h), MONITOR_ROWS, MONITOR_FMT, ['http_version']);
const policyShow = (c: Cloud, p: L7Policy): Output => showOf(l7PolicyDict(c, p), L7POLICY_ROWS, L7POLICY_FMT);
const ruleShow = (c: Cloud, r: L7Rule): Output => showOf(l7RuleDict(c, r), L7RULE_ROWS, TAGS_FMT);

/** The objects as the API returns them after the command (the worker may have finished with --wait). */
function fresh<T extends { id: string }>(items: readonly T[], o: T): T {
  return items.find((x) => x.id === o.id) ?? o;
}

/**
 * The query octaviaclient sends for a list: the options given as Octavia's filters (`names` maps
 * an option's dest to its query parameter; `enabled` is admin_state_up) and the tag filters.
 */
function queryOf(a: Args, names: Record<string, string>, extra: Record<string, string | boolean> = {}): OctaviaQuery {
  const filters: Record<string, string | boolean> = { ...extra };
  for (const [dest, param] of Object.entries(names)) {
    const v = str(a, dest);
    if (v !== undefined) filters[param] = v;
  }
  const on = enabled(a);
  if (on !== undefined) filters['admin_state_up'] = on;
  return { filters, tags: tagFilter(a) };
}

// ---- load balancers --------------------------------------------------------------------------

function lbCreate(c: Cloud, a: Args): Output {
  const subnet = str(a, 'vip_subnet_id');
  const network = str(a, 'vip_network_id');
  const port = str(a, 'vip_port_id');
  const project = str(a, 'project');
  const subnetId = subnet !== undefined ? findSubnetId(c, subnet) : null;
  const networkId = network !== undefined ? findLb(visibleNetworks(c), 'networks', network).id : null;
  const portId = port !== undefined ? findLb(visiblePorts(c), 'ports', port).id : null;
  const projectId = project !== undefined ? findProject(c, project).id : undefined;
  const flavor = str(a, 'flavor');
  if (flavor !== undefined) throw new CliError(`Unable to locate ${flavor} in flavors`);
  if (subnetId === null && networkId === null && portId === null) {
    throw new CliError('Missing required argument: Requires one of --vip-subnet-id, --vip-network-id or --vip-port-id');
  }
  if (networkId !== null && portId !== null) throw new CliError('Argument error: --vip-port-id can not be used with --vip-network-id');
  const vipAddress = str(a, 'vip_address');
  const provider = str(a, 'provider');
  const az = str(a, 'availability_zone');
  const lb = createLoadBalancer(c, {
    name: str(a, 'name') ?? '',
    description: str(a, 'description') ?? '',
    adminStateUp: enabled(a) ?? true,
    vipSubnetId: subnetId,
    vipNetworkId: networkId,
    vipPortId: portId,
    ...(vipAddress !== undefined ? { vipAddress } : {}),
    ...(provider !== undefined ? { provider } : {}),
    ...(az !== undefined ? { availabilityZone: az } : {}),
    ...(projectId !== undefined ? { projectId } : {}),
    tags: tagsOf(a),
  });
  waited(c, a);
  return lbShow(c, fresh(lbState(c).loadBalancers, lb));
}

function lbList(c: Cloud, a: Args): Output {
  const refs: Record<string, string> = {};
  const project = str(a, 'project');
  if (project !== undefined) refs['project_id'] = findProject(c, project).id;
  const subnet = str(a, 'vip_subnet_id');
  if (subnet !== undefined) refs['vip_subnet_id'] = findSubnetId(c, subnet);
  const network = str(a, 'vip_network_id');
  if (network !== undefined) refs['vip_network_id'] = findLb(visibleNetworks(c), 'networks', network).id;
  const names = { name: 'name', provisioning_status: 'provisioning_status', operating_status: 'operating_status', provider: 'provider', vip_port_id: 'vip_port_id' };
  return listOf(listLoadBalancers(c, queryOf(a, names, refs)), LB_COLUMNS);
}

function lbShowCmd(c: Cloud, a: Args): Output {
  const target = req(a, 'loadbalancer');
  checkLoadBalancerGet(c, target);
  return lbShow(c, findLoadBalancer(c, target));
}

function lbSet(c: Cloud, a: Args): Output {
  const lb = findLoadBalancer(c, req(a, 'loadbalancer'));
  const name = str(a, 'name');
  const description = str(a, 'description');
  const qos = str(a, 'vip_qos_policy_id');
  const tags = setTags(a, lb.tags);
  const on = enabled(a);
  updateLoadBalancer(c, lb, {
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(qos !== undefined ? { vipQosPolicyId: qos } : {}),
    ...(on !== undefined ? { adminStateUp: on } : {}),
    ...(tags !== undefined ? { tags } : {}),
  });
  waited(c, a);
  return none;
}

function lbUnset(c: Cloud, a: Args): Output {
  const lb = findLoadBalancer(c, req(a, 'loadbalancer'));
  const tags = unsetTags(a, lb.tags);
  const u = {
    ...(flag(a, 'name') ? { name: '' } : {}),
    ...(flag(a, 'description') ? { description: '' } : {}),
    ...(flag(a, 'vip_qos_policy_id') ? { vipQosPolicyId: null } : {}),
    ...(tags !== undefined ? { tags } : {}),
  };
  // octaviaclient sends nothing when nothing is to be unset.
  if (Object.keys(u).length === 0) return none;
  updateLoadBalancer(c, lb, u);
  waited(c, a);
  return none;
}

function lbStatus(c: Cloud, a: Args): Output {
  const lb = findLoadBalancer(c, req(a, 'loadbalancer'));
  return { kind: 'text', stdout: `${pyJsonDumps(statusTree(c, lb), { indent: 4 })}\n` };
}

// ---- listeners --------------------------------------------------------------------------------

function listenerCreate(c: Cloud, a: Args): Output {
  const lb = findLoadBalancer(c, req(a, 'loadbalancer'));
  const defaultPool = str(a, 'default_pool');
  const poolId = defaultPool !== undefined ? findPool(c, defaultPool).id : undefined;
  const port = num(a, 'protocol_port');
  checkPort(port, 'protocol-port');
  const l = createListener(c, {
    loadbalancerId: lb.id,
    name: str(a, 'name') ?? '',
    description: str(a, 'description') ?? '',
    protocol: req(a, 'protocol') as Listener['protocol'],
    protocolPort: port ?? 0,
    adminStateUp: enabled(a) ?? true,
    ...optionalNums(a, { connectionLimit: 'connection_limit', timeoutClientData: 'timeout_client_data', timeoutMemberConnect: 'timeout_member_connect', timeoutMemberData: 'timeout_member_data', timeoutTcpInspect: 'timeout_tcp_inspect' }),
    ...(poolId !== undefined ? { defaultPoolId: poolId } : {}),
    ...(str(a, 'default_tls_container_ref') !== undefined ? { defaultTlsContainerRef: str(a, 'default_tls_container_ref') as string } : {}),
    ...(strs(a, 'allowed_cidrs').length > 0 ? { allowedCidrs: strs(a, 'allowed_cidrs') } : {}),
    ...(str(a, 'insert_headers') !== undefined ? { insertHeaders: keyValues(str(a, 'insert_headers') as string) } : {}),
    tags: tagsOf(a),
  });
  waited(c, a);
  return listenerShow(c, fresh(lbState(c).listeners, l));
}

/** An option argparse keeps as text that octaviaclient converts with int() (delay, timeout, …). */
function int(a: Args, dest: string): number | undefined {
  return num(a, dest) ?? sdkInt(a, dest);
}

function optionalNums(a: Args, keys: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, dest] of Object.entries(keys)) {
    const v = int(a, dest);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function listenerList(c: Cloud, a: Args): Output {
  const lb = str(a, 'loadbalancer');
  const refs: Record<string, string> = lb !== undefined ? { loadbalancer_id: findLoadBalancer(c, lb).id } : {};
  return listOf(listListeners(c, queryOf(a, { name: 'name' }, refs)), LISTENER_COLUMNS, { loadbalancers: idList });
}

function listenerSet(c: Cloud, a: Args): Output {
  const l = findListener(c, req(a, 'listener'));
  const defaultPool = str(a, 'default_pool');
  const tags = setTags(a, l.tags);
  const on = enabled(a);
  updateListener(c, l, {
    ...optionalNums(a, { connectionLimit: 'connection_limit', timeoutClientData: 'timeout_client_data', timeoutMemberConnect: 'timeout_member_connect', timeoutMemberData: 'timeout_member_data', timeoutTcpInspect: 'timeout_tcp_inspect' }),
    ...(str(a, 'name') !== undefined ? { name: str(a, 'name') as string } : {}),
    ...(str(a, 'description') !== undefined ? { description: str(a, 'description') as string } : {}),
    ...(defaultPool !== undefined ? { defaultPoolId: ['none', 'null', 'void'].includes(defaultPool.toLowerCase()) ? null : findPool(c, defaultPool).id } : {}),
    ...(strs(a, 'allowed_cidrs').length > 0 ? { allowedCidrs: strs(a, 'allowed_cidrs') } : {}),
    ...(str(a, 'insert_headers') !== undefined ? { insertHeaders: keyValues(str(a, 'insert_headers') as string) } : {}),
    ...(on !== undefined ? { adminStateUp: on } : {}),
    ...(tags !== undefined ? { tags } : {}),
  });
  waited(c, a);
  return none;
}

/** Unset: Octavia puts back the defaults of what is unset. */
function listenerUnset(c: Cloud, a: Args): Output {
  const l = findListener(c, req(a, 'listener'));
  const tags = unsetTags(a, l.tags);
  const u = {
    ...(flag(a, 'name') ? { name: '' } : {}),
    ...(flag(a, 'description') ? { description: '' } : {}),
    ...(flag(a, 'connection_limit') ? { connectionLimit: -1 } : {}),
    ...(flag(a, 'default_pool_id') ? { defaultPoolId: null } : {}),
    ...(flag(a, 'insert_headers') ? { insertHeaders: null } : {}),
    ...(flag(a, 'timeout_client_data') ? { timeoutClientData: 50000 } : {}),
    ...(flag(a, 'timeout_member_connect') ? { timeoutMemberConnect: 5000 } : {}),
    ...(flag(a, 'timeout_member_data') ? { timeoutMemberData: 50000 } : {}),
    ...(flag(a, 'timeout_tcp_inspect') ? { timeoutTcpInspect: 0 } : {}),
    ...(flag(a, 'allowed_cidrs') ? { allowedCidrs: null } : {}),
    ...(tags !== undefined ? { tags } : {}),
  };
  if (Object.keys(u).length === 0) return none;
  updateListener(c, l, u);
  waited(c, a);
  return none;
}

// ---- pools ------------------------------------------------------------------------------------

function poolCreate(c: Cloud, a: Args): Output {
  const listener = str(a, 'listener');
  const lbArg = str(a, 'loadbalancer');
  const l = listener !== undefined ? findListener(c, listener) : null;
  const lb = lbArg !== undefined ? findLoadBalancer(c, lbArg) : null;
  const p = createPool(c, {
    loadbalancerId: l?.loadbalancerId ?? lb?.id ?? '',
    listenerId: l?.id ?? null,
    name: str(a, 'name') ?? '',
    description: str(a, 'description') ?? '',
    protocol: req(a, 'protocol') as Pool['protocol'],
    lbAlgorithm: req(a, 'lb_algorithm') as Pool['lbAlgorithm'],
    adminStateUp: enabled(a) ?? true,
    sessionPersistence: persistence(str(a, 'session_persistence')) ?? null,
    ...(pair(a, 'enable_tls', 'disable_tls') !== undefined ? { tlsEnabled: pair(a, 'enable_tls', 'disable_tls') as boolean } : {}),
    tags: tagsOf(a),
  });
  waited(c, a);
  return poolShow(c, fresh(lbState(c).pools, p));
}

function poolList(c: Cloud, a: Args): Output {
  const lb = str(a, 'loadbalancer');
  const refs: Record<string, string> = lb !== undefined ? { loadbalancer_id: findLoadBalancer(c, lb).id } : {};
  return listOf(listLbPools(c, queryOf(a, {}, refs)), POOL_COLUMNS);
}

function poolSet(c: Cloud, a: Args): Output {
  const p = findPool(c, req(a, 'pool'));
  const sp = persistence(str(a, 'session_persistence'));
  const tags = setTags(a, p.tags);
  const on = enabled(a);
  const tls = pair(a, 'enable_tls', 'disable_tls');
  updatePool(c, p, {
    ...(str(a, 'name') !== undefined ? { name: str(a, 'name') as string } : {}),
    ...(str(a, 'description') !== undefined ? { description: str(a, 'description') as string } : {}),
    ...(str(a, 'lb_algorithm') !== undefined ? { lbAlgorithm: str(a, 'lb_algorithm') as Pool['lbAlgorithm'] } : {}),
    ...(sp !== undefined ? { sessionPersistence: sp } : {}),
    ...(on !== undefined ? { adminStateUp: on } : {}),
    ...(tls !== undefined ? { tlsEnabled: tls } : {}),
    ...(tags !== undefined ? { tags } : {}),
  });
  waited(c, a);
  return none;
}

function poolUnset(c: Cloud, a: Args): Output {
  const p = findPool(c, req(a, 'pool'));
  const tags = unsetTags(a, p.tags);
  const u = {
    ...(flag(a, 'name') ? { name: '' } : {}),
    ...(flag(a, 'description') ? { description: '' } : {}),
    ...(flag(a, 'session_persistence') ? { sessionPersistence: null } : {}),
    ...(tags !== undefined ? { tags } : {}),
  };
  if (Object.keys(u).length === 0) return none;
  updatePool(c, p, u);
  waited(c, a);
  return none;
}

// ---- members ----------------------------------------------------------------------------------

function memberCreate(c: Cloud, a: Args): Output {
  const pool = findPool(c, req(a, 'pool'));
  const subnet = str(a, 'subnet_id');
  const subnetId = subnet !== undefined ? findSubnetId(c, subnet) : null;
  const port = num(a, 'protocol_port');
  checkPort(port, 'protocol-port');
  checkWeight(num(a, 'weight'));
  const backup = pair(a, 'enable_backup', 'disable_backup');
  const m = createMember(c, {
    poolId: pool.id,
    name: str(a, 'name') ?? '',
    address: req(a, 'address'),
    protocolPort: port ?? 0,
    subnetId,
    ...optionalNums(a, { weight: 'weight', monitorPort: 'monitor_port' }),
    ...(backup !== undefined ? { backup } : {}),
    ...(str(a, 'monitor_address') !== undefined ? { monitorAddress: str(a, 'monitor_address') as string } : {}),
    adminStateUp: enabled(a) ?? true,
    tags: tagsOf(a),
  });
  waited(c, a);
  return memberShow(c, fresh(lbState(c).members, m));
}

function memberSet(c: Cloud, a: Args): Output {
  const pool = findPool(c, req(a, 'pool'));
  const m = findMember(c, pool, req(a, 'member'));
  checkWeight(num(a, 'weight'));
  const backup = pair(a, 'enable_backup', 'disable_backup');
  const tags = setTags(a, m.tags);
  const on = enabled(a);
  updateMember(c, m, {
    ...optionalNums(a, { weight: 'weight', monitorPort: 'monitor_port' }),
    ...(str(a, 'name') !== undefined ? { name: str(a, 'name') as string } : {}),
    ...(str(a, 'monitor_address') !== undefined ? { monitorAddress: str(a, 'monitor_address') as string } : {}),
    ...(backup !== undefined ? { backup } : {}),
    ...(on !== undefined ? { adminStateUp: on } : {}),
    ...(tags !== undefined ? { tags } : {}),
  });
  waited(c, a);
  return none;
}

function memberUnset(c: Cloud, a: Args): Output {
  const pool = findPool(c, req(a, 'pool'));
  const m = findMember(c, pool, req(a, 'member'));
  const tags = unsetTags(a, m.tags);
  const u = {
    ...(flag(a, 'name') ? { name: '' } : {}),
    ...(flag(a, 'weight') ? { weight: 1 } : {}),
    ...(flag(a, 'backup') ? { backup: false } : {}),
    ...(flag(a, 'monitor_address') ? { monitorAddress: null } : {}),
    ...(flag(a, 'monitor_port') ? { monitorPort: null } : {}),
    ...(tags !== undefined ? { tags } : {}),
  };
  if (Object.keys(u).length === 0) return none;
  updateMember(c, m, u);
  waited(c, a);
  return none;
}

// ---- health monitors -------------------------------------------------------------------------

function monitorCreate(c: Cloud, a: Args): Output {
  const pool = findPool(c, req(a, 'pool'));
  const h = createHealthMonitor(c, {
    poolId: pool.id,
    name: str(a, 'name') ?? '',
    type: req(a, 'type') as HealthMonitor['type'],
    delay: int(a, 'delay') ?? 0,
    timeout: int(a, 'timeout') ?? 0,
    maxRetries: int(a, 'max_retries') ?? 0,
    ...optionalNums(a, { maxRetriesDown: 'max_retries_down' }),
    ...httpVersion(a),
    ...optionalStrs(a, { httpMethod: 'http_method', urlPath: 'url_path', expectedCodes: 'expected_codes', domainName: 'domain_name' }),
    adminStateUp: enabled(a) ?? true,
    tags: tagsOf(a),
  });
  waited(c, a);
  return monitorShow(c, fresh(lbState(c).healthMonitors, h));
}

/** `--http-version 1.0|1.1` (argparse keeps the float's repr). */
function httpVersion(a: Args): { httpVersion?: number } {
  const v = str(a, 'http_version');
  return v === undefined ? {} : { httpVersion: Number(v) };
}

function optionalStrs(a: Args, keys: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, dest] of Object.entries(keys)) {
    const v = str(a, dest);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function monitorSet(c: Cloud, a: Args): Output {
  const h = findMonitor(c, req(a, 'health_monitor'));
  const tags = setTags(a, h.tags);
  const on = enabled(a);
  updateHealthMonitor(c, h, {
    ...optionalNums(a, { delay: 'delay', timeout: 'timeout', maxRetries: 'max_retries', maxRetriesDown: 'max_retries_down' }),
    ...httpVersion(a),
    ...optionalStrs(a, { name: 'name', httpMethod: 'http_method', urlPath: 'url_path', expectedCodes: 'expected_codes', domainName: 'domain_name' }),
    ...(on !== undefined ? { adminStateUp: on } : {}),
    ...(tags !== undefined ? { tags } : {}),
  });
  waited(c, a);
  return none;
}

function monitorUnset(c: Cloud, a: Args): Output {
  const h = findMonitor(c, req(a, 'health_monitor'));
  const tags = unsetTags(a, h.tags);
  const u = {
    ...(flag(a, 'name') ? { name: '' } : {}),
    ...(flag(a, 'domain_name') ? { domainName: null } : {}),
    ...(flag(a, 'expected_codes') ? { expectedCodes: null } : {}),
    ...(flag(a, 'http_method') ? { httpMethod: null } : {}),
    ...(flag(a, 'http_version') ? { httpVersion: null } : {}),
    ...(flag(a, 'max_retries_down') ? { maxRetriesDown: 3 } : {}),
    ...(flag(a, 'url_path') ? { urlPath: null } : {}),
    ...(tags !== undefined ? { tags } : {}),
  };
  if (Object.keys(u).length === 0) return none;
  updateHealthMonitor(c, h, u);
  waited(c, a);
  return none;
}

// ---- L7 policies and rules -------------------------------------------------------------------

function policyCreate(c: Cloud, a: Args): Output {
  const l = findListener(c, req(a, 'listener'));
  const action = req(a, 'action') as L7Policy['action'];
  const pool = str(a, 'redirect_pool');
  if (action === 'REDIRECT_TO_POOL' && pool === undefined) throw new CliError('Missing argument: --redirect-pool');
  if (action === 'REDIRECT_TO_URL' && str(a, 'redirect_url') === undefined) throw new CliError('Missing argument: --redirect-url');
  if (action === 'REDIRECT_PREFIX' && str(a, 'redirect_prefix') === undefined) throw new CliError('Missing argument: --redirect-prefix');
  const p = createL7Policy(c, {
    listenerId: l.id,
    name: str(a, 'name') ?? '',
    description: str(a, 'description') ?? '',
    action,
    ...(pool !== undefined ? { redirectPoolId: findPool(c, pool).id } : {}),
    ...optionalStrs(a, { redirectUrl: 'redirect_url', redirectPrefix: 'redirect_prefix' }),
    ...optionalNums(a, { position: 'position', redirectHttpCode: 'redirect_http_code' }),
    adminStateUp: enabled(a) ?? true,
    tags: tagsOf(a),
  });
  waited(c, a);
  return policyShow(c, fresh(lbState(c).l7Policies, p));
}

function policySet(c: Cloud, a: Args): Output {
  const p = findPolicy(c, req(a, 'l7policy'));
  const pool = str(a, 'redirect_pool');
  const tags = setTags(a, p.tags);
  const on = enabled(a);
  updateL7Policy(c, p, {
    ...optionalStrs(a, { name: 'name', description: 'description', redirectUrl: 'redirect_url', redirectPrefix: 'redirect_prefix' }),
    ...optionalNums(a, { position: 'position', redirectHttpCode: 'redirect_http_code' }),
    ...(str(a, 'action') !== undefined ? { action: str(a, 'action') as L7Policy['action'] } : {}),
    ...(pool !== undefined ? { redirectPoolId: findPool(c, pool).id } : {}),
    ...(on !== undefined ? { adminStateUp: on } : {}),
    ...(tags !== undefined ? { tags } : {}),
  });
  waited(c, a);
  return none;
}

function policyUnset(c: Cloud, a: Args): Output {
  const p = findPolicy(c, req(a, 'l7policy'));
  const tags = unsetTags(a, p.tags);
  const u = {
    ...(flag(a, 'name') ? { name: '' } : {}),
    ...(flag(a, 'description') ? { description: '' } : {}),
    ...(flag(a, 'redirect_http_code') ? { redirectHttpCode: null } : {}),
    ...(tags !== undefined ? { tags } : {}),
  };
  if (Object.keys(u).length === 0) return none;
  updateL7Policy(c, p, u);
  waited(c, a);
  return none;
}

function ruleCreate(c: Cloud, a: Args): Output {
  const p = findPolicy(c, req(a, 'l7policy'));
  const type = req(a, 'type') as L7Rule['type'];
  const key = str(a, 'key');
  if ((type === 'COOKIE' || type === 'HEADER') && key === undefined) throw new CliError(`Missing argument: --type ${type} requires --key <key>`);
  const r = createL7Rule(c, {
    l7policyId: p.id,
    type,
    compareType: req(a, 'compare_type') as L7Rule['compareType'],
    ...(key !== undefined ? { key } : {}),
    value: req(a, 'value'),
    invert: flag(a, 'invert'),
    adminStateUp: enabled(a) ?? true,
    tags: tagsOf(a),
  });
  // octaviaclient 3.1.0 waits on the rule with the policy's id: Octavia answers 404 at once.
  if (flag(a, 'wait')) return { kind: 'text', stdout: '', stderr: `${p.id} not found (HTTP 404)\n`, exitCode: 1 };
  return ruleShow(c, r);
}

function ruleSet(c: Cloud, a: Args): Output {
  const p = findPolicy(c, req(a, 'l7policy'));
  const rule = findRule(c, p, req(a, 'l7rule'));
  const tags = setTags(a, rule.tags);
  const on = enabled(a);
  updateL7Rule(c, rule, {
    ...optionalStrs(a, { key: 'key', value: 'value' }),
    ...(str(a, 'type') !== undefined ? { type: str(a, 'type') as L7Rule['type'] } : {}),
    ...(str(a, 'compare_type') !== undefined ? { compareType: str(a, 'compare_type') as L7Rule['compareType'] } : {}),
    ...(flag(a, 'invert') ? { invert: true } : {}),
    ...(on !== undefined ? { adminStateUp: on } : {}),
    ...(tags !== undefined ? { tags } : {}),
  });
  waited(c, a);
  return none;
}

function ruleUnset(c: Cloud, a: Args): Output {
  const p = findPolicy(c, req(a, 'l7policy'));
  const rule = findRule(c, p, req(a, 'l7rule_id'));
  const tags = unsetTags(a, rule.tags);
  const u = {
    ...(flag(a, 'invert') ? { invert: false } : {}),
    ...(flag(a, 'key') ? { key: null } : {}),
    ...(tags !== undefined ? { tags } : {}),
  };
  if (Object.keys(u).length === 0) return none;
  updateL7Rule(c, rule, u);
  waited(c, a);
  return none;
}

// ---- quotas, providers, amphorae -------------------------------------------------------------

/** oslo's is_uuid_like: a UUID with or without dashes (Keystone project ids are 32 hex digits). */
const uuidLike = (s: string): boolean => /^[0-9a-f]{32}$/i.test(s.replace(/-/g, '')) && /^([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.test(s);

/** A UUID-like project goes straight to Octavia (any id: defaults when it has no record); names through Keystone. */
function quotaShow(c: Cloud, a: Args): Output {
  const given = req(a, 'project');
  const projectId = uuidLike(given) ? given : findProject(c, given).id;
  return showOf(showQuota(c, projectId), QUOTA_ROWS);
}

function quotaSet(c: Cloud, a: Args): Output {
  const p = findProject(c, req(a, 'project'));
  const values: Record<string, number> = {};
  for (const [dest, key] of [['load_balancer', 'loadBalancer'], ['listener', 'listener'], ['pool', 'pool'], ['health_monitor', 'healthMonitor'], ['member', 'member'], ['l7policy', 'l7Policy'], ['l7rule', 'l7Rule']] as const) {
    const v = int(a, dest);
    if (v !== undefined) values[key] = v;
  }
  if (Object.keys(values).length === 0) {
    throw new CliError('Missing required argument. Requires at least one of: --healthmonitor, --listener, --loadbalancer, --member, --pool, --l7policy, --l7rule');
  }
  setLbQuota(c, p.id, values);
  return showOf(quotaDict(c, p.id), QUOTA_ROWS);
}

function quotaUnset(c: Cloud, a: Args): Output {
  const p = findProject(c, req(a, 'project'));
  const values: Record<string, null> = {};
  for (const [dest, key] of [['loadbalancer', 'loadBalancer'], ['listener', 'listener'], ['pool', 'pool'], ['healthmonitor', 'healthMonitor'], ['member', 'member'], ['l7policy', 'l7Policy'], ['l7rule', 'l7Rule']] as const) {
    if (flag(a, dest)) values[key] = null;
  }
  if (Object.keys(values).length === 0) return none;
  setLbQuota(c, p.id, values);
  return none;
}

function quotaList(c: Cloud, a: Args): Output {
  const project = str(a, 'project');
  return listOf(listQuotas(c, project !== undefined ? findProject(c, project).id : null), ['project_id', ...QUOTA_ROWS]);
}

function amphoraList(c: Cloud, a: Args): Output {
  const lb = str(a, 'loadbalancer');
  const refs: Record<string, string> = lb !== undefined ? { loadbalancer_id: findLoadBalancer(c, lb).id } : {};
  const q = queryOf(a, { compute_id: 'compute_id', role: 'role', status: 'status' }, refs);
  return listOf(listAmphorae(c, q), flag(a, 'long') ? AMPHORA_COLUMNS_LONG : AMPHORA_COLUMNS);
}

/** octaviaclient answers any 404 of an amphora with its bare "<id> not found (HTTP 404)". */
function amphoraShow(c: Cloud, a: Args): Output {
  const id = req(a, 'amphora_id');
  try {
    return showOf(showAmphora(c, id), AMPHORA_ROWS);
  } catch (e) {
    if (e instanceof SimError && e.status === 404) throw new CliError(`${id} not found (HTTP 404)`);
    throw e;
  }
}

const emptyList = (columns: string[]) => (c: Cloud): Output => listOf(listUnconfigured(c), columns);

// ---- deletes and stats --------------------------------------------------------------------

function deleteOne(run: (c: Cloud, a: Args) => void) {
  return (c: Cloud, a: Args): Output => {
    run(c, a);
    waited(c, a);
    return none;
  };
}

export const loadBalancerCommands: OscCommand[] = [
  lbCommand('loadbalancer create', lbCreate),
  lbCommand('loadbalancer list', lbList),
  lbCommand('loadbalancer show', lbShowCmd),
  lbCommand('loadbalancer set', lbSet),
  lbCommand('loadbalancer unset', lbUnset),
  lbCommand('loadbalancer delete', deleteOne((c, a) => deleteLoadBalancer(c, findLoadBalancer(c, req(a, 'loadbalancer')), flag(a, 'cascade')))),
  lbCommand('loadbalancer failover', deleteOne((c, a) => failoverLoadBalancer(c, findLoadBalancer(c, req(a, 'loadbalancer'))))),
  lbCommand('loadbalancer status show', lbStatus),
  lbCommand('loadbalancer stats show', (c, a) => {
    const lb = findLoadBalancer(c, req(a, 'loadbalancer'));
    return showOf(loadBalancerStats(c, lb), STATS_ROWS);
  }),
  lbCommand('loadbalancer listener create', listenerCreate),
  lbCommand('loadbalancer listener list', listenerList),
  lbCommand('loadbalancer listener show', (c, a) => listenerShow(c, findListener(c, req(a, 'listener')))),
  lbCommand('loadbalancer listener set', listenerSet),
  lbCommand('loadbalancer listener unset', listenerUnset),
  lbCommand('loadbalancer listener delete', deleteOne((c, a) => deleteListener(c, findListener(c, req(a, 'listener'))))),
  lbCommand('loadbalancer listener stats show', (c, a) => showOf(statsDict(c, [findListener(c, req(a, 'listener')).id]), STATS_ROWS)),
  lbCommand('loadbalancer pool create', poolCreate),
  lbCommand('loadbalancer pool list', poolList),
  lbCommand('loadbalancer pool show', (c, a) => poolShow(c, findPool(c, req(a, 'pool')))),
  lbCommand('loadbalancer pool set', poolSet),
  lbCommand('loadbalancer pool unset', poolUnset),
  lbCommand('loadbalancer pool delete', deleteOne((c, a) => deletePool(c, findPool(c, req(a, 'pool'))))),
  lbCommand('loadbalancer member create', memberCreate),
  lbCommand('loadbalancer member list', (c, a) => listOf(listMembers(c, findPool(c, req(a, 'pool')).id, queryOf(a, {})), MEMBER_COLUMNS)),
  lbCommand('loadbalancer member show', (c, a) => memberShow(c, findMember(c, findPool(c, req(a, 'pool')), req(a, 'member')))),
  lbCommand('loadbalancer member set', memberSet),
  lbCommand('loadbalancer member unset', memberUnset),
  lbCommand('loadbalancer member delete', deleteOne((c, a) => deleteMember(c, findMember(c, findPool(c, req(a, 'pool')), req(a, 'member'))))),
  lbCommand('loadbalancer healthmonitor create', monitorCreate),
  lbCommand('loadbalancer healthmonitor list', (c, a) => listOf(listHealthMonitors(c, queryOf(a, {})), MONITOR_COLUMNS, { pools: idList })),
  lbCommand('loadbalancer healthmonitor show', (c, a) => monitorShow(c, findMonitor(c, req(a, 'health_monitor')))),
  lbCommand('loadbalancer healthmonitor set', monitorSet),
  lbCommand('loadbalancer healthmonitor unset', monitorUnset),
  lbCommand('loadbalancer healthmonitor delete', deleteOne((c, a) => deleteHealthMonitor(c, findMonitor(c, req(a, 'health_monitor'))))),
  lbCommand('loadbalancer l7policy create', policyCreate),
  lbCommand('loadbalancer l7policy list', (c, a) => {
    const listener = str(a, 'listener');
    const refs: Record<string, string> = listener !== undefined ? { listener_id: findListener(c, listener).id } : {};
    return listOf(listL7Policies(c, queryOf(a, {}, refs)), L7POLICY_COLUMNS, { rules: idList });
  }),
  lbCommand('loadbalancer l7policy show', (c, a) => policyShow(c, findPolicy(c, req(a, 'l7policy')))),
  lbCommand('loadbalancer l7policy set', policySet),
  lbCommand('loadbalancer l7policy unset', policyUnset),
  lbCommand('loadbalancer l7policy delete', deleteOne((c, a) => deleteL7Policy(c, findPolicy(c, req(a, 'l7policy'))))),
  lbCommand('loadbalancer l7rule create', ruleCreate),
  lbCommand('loadbalancer l7rule list', (c, a) => listOf(listL7Rules(c, findPolicy(c, req(a, 'l7policy')).id, queryOf(a, {})), L7RULE_COLUMNS)),
  lbCommand('loadbalancer l7rule show', (c, a) => {
    const p = findPolicy(c, req(a, 'l7policy'));
    return ruleShow(c, findRule(c, p, req(a, 'l7rule')));
  }),
  lbCommand('loadbalancer l7rule set', ruleSet),
  lbCommand('loadbalancer l7rule unset', ruleUnset),
  lbCommand(
    'loadbalancer l7rule delete',
    deleteOne((c, a) => {
      const p = findPolicy(c, req(a, 'l7policy'));
      deleteL7Rule(c, findRule(c, p, req(a, 'l7rule')));
    }),
  ),
  lbCommand('loadbalancer quota show', quotaShow),
  lbCommand('loadbalancer quota set', quotaSet),
  lbCommand('loadbalancer quota unset', quotaUnset),
  lbCommand('loadbalancer quota reset', (c, a) => {
    resetLbQuota(c, findProject(c, req(a, 'project')).id);
    return none;
  }),
  lbCommand('loadbalancer quota list', quotaList),
  lbCommand('loadbalancer quota defaults show', (c) => showOf(defaultQuota(c), QUOTA_ROWS)),
  lbCommand('loadbalancer provider list', (c) => listOf(listProviders(c), ['name', 'description'])),
  lbCommand('loadbalancer provider capability list', (c, a) => {
    const type = flag(a, 'flavor') ? 'flavor' : flag(a, 'availability_zone') ? 'availability_zone' : null;
    return listOf(providerCapabilities(c, req(a, 'provider'), type), ['type', 'name', 'description']);
  }),
  lbCommand('loadbalancer flavor list', emptyList(['id', 'name', 'flavor_profile_id', 'enabled'])),
  lbCommand('loadbalancer flavorprofile list', emptyList(['id', 'name', 'provider_name'])),
  lbCommand('loadbalancer availabilityzone list', emptyList(['name', 'availability_zone_profile_id', 'enabled'])),
  lbCommand('loadbalancer amphora list', amphoraList),
  lbCommand('loadbalancer amphora show', amphoraShow),
];
