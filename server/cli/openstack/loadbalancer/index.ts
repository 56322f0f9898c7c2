/** `openstack loadbalancer …` (python-octaviaclient 3.1.0): projects what sim/api/octavia answers. */
import type { Cloud } from '../../../sim/model/cloud.js';
import type { HealthMonitor, L7Policy, L7Rule, Listener, LoadBalancer, Member, Pool } from '../../../sim/model/octavia.js';
import {
  checkLoadBalancerGet, findL7Rule, healthMonitorDict, listProviders, providerCapabilities, l7PolicyDict, l7RuleDict, listenerDict, loadBalancerDict, memberDict, poolDict, quotaDict, listQuotas, showQuota, defaultQuota, loadBalancerStats, listUnconfigured, statsDict, statusTree,
  listAmphorae, listHealthMonitors, listL7Policies, listL7Rules, listLbPools, listListeners, listLoadBalancers, listMembers, showAmphora, type OctaviaQuery,
  visibleHealthMonitors, visibleL7Policies, visibleLbPools, visibleListeners, visibleLoadBalancers, visibleMembers,
} from '../../../sim/api/octavia/index.js';
import { SimError } from '../../../sim/errors.js';
import type { JsonObject } from '../../../sim/api/json.js';
import { octaviaCall } from '../../../sim/api/octavia/rest.js';
import { requestId } from '../../../sim/api/request-id.js';
import { lbState } from '../../../sim/ops/octavia/common.js';
import { settleOctavia } from '../../../sim/ops/octavia/lifecycle.js';
import { resetLbQuota, setLbQuota } from '../../../sim/ops/octavia/quota.js';
import { visibleNetworks, visiblePorts, visibleSubnets } from '../../../sim/visibility.js';
import { pyJsonDumps } from '../../../render/pyvalue.js';
import { CliError } from '../../errors.js';
import { flag, none, num, pair, req, sdkInt, str, tagFilter, type Args, type OscCommand, type Output } from '../common.js';
import { findProject } from '../project.js';
import { always, formatKv, mapAttrs, pyFloatOf, pyIntOf, pyListOf, pyStrOf, strOrUnset, TAG_ATTRS, unsetsOf, type AttrMap, type AttrRule } from './attrs.js';
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

/** How octaviaclient prints each kind's dictionary (a show's, or a create's answer). */
const SHOWS = {
  loadbalancer: (d: JsonObject): Output => showOf(d, LB_ROWS, LB_FMT),
  listener: (d: JsonObject): Output => showOf(d, LISTENER_ROWS, LISTENER_FMT),
  pool: (d: JsonObject): Output => showOf({ ...d, healthmonitor_id: d['healthmonitor_id'] ?? '' }, POOL_ROWS, POOL_FMT),
  member: (d: JsonObject): Output => showOf(d, MEMBER_ROWS, TAGS_FMT),
  // Octavia stores http_version as a float: the client prints 1.0, 1.1.
  healthmonitor: (d: JsonObject): Output => showOf(d, MONITOR_ROWS, MONITOR_FMT, ['http_version']),
  l7policy: (d: JsonObject): Output => showOf(d, L7POLICY_ROWS, L7POLICY_FMT),
  rule: (d: JsonObject): Output => showOf(d, L7RULE_ROWS, TAGS_FMT),
};
const lbShow = (c: Cloud, lb: LoadBalancer): Output => SHOWS.loadbalancer(loadBalancerDict(c, lb));
const listenerShow = (c: Cloud, l: Listener): Output => SHOWS.listener(listenerDict(c, l));
const poolShow = (c: Cloud, p: Pool): Output => SHOWS.pool(poolDict(c, p));
const memberShow = (c: Cloud, m: Member): Output => SHOWS.member(memberDict(c, m));
const monitorShow = (c: Cloud, h: HealthMonitor): Output => SHOWS.healthmonitor(healthMonitorDict(c, h));
const policyShow = (c: Cloud, p: L7Policy): Output => SHOWS.l7policy(l7PolicyDict(c, p));
const ruleShow = (c: Cloud, r: L7Rule): Output => SHOWS.rule(l7RuleDict(c, r));

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

// ---- octaviaclient's attribute maps (v2_utils.get_*_attrs) ------------------------------------

const S = (key: string): AttrRule => ({ key, conv: pyStrOf });
const I = (key: string): AttrRule => ({ key, conv: pyIntOf });
const L = (key: string): AttrRule => ({ key, conv: pyListOf });
const ON = { enable: { key: 'admin_state_up', conv: always(true) }, disable: { key: 'admin_state_up', conv: always(false) } };
const lbId = (c: Cloud, x: string) => findLoadBalancer(c, x).id;
const listenerId = (c: Cloud, x: string) => findListener(c, x).id;
const poolId = (c: Cloud, x: string) => findPool(c, x).id;
const projectId = (c: Cloud, x: string) => findProject(c, x).id;

/**
 * neutronclient's list_qos_policies: Stacklab's Neutron (as the oracle's) has no QoS extension,
 * so any lookup is its 404, in neutronclient's words (`none`, `null`, `void` are None first).
 */
function qosPolicyId(c: Cloud, x: string): null {
  if (['none', 'null', 'void'].includes(x.toLowerCase())) return null;
  const msg = 'The resource could not be found.';
  throw new CliError(`${msg}\nNeutron server returns request_ids: ['${requestId(c, msg, 'length')}']`);
}

const LB_ATTRS: AttrMap = {
  name: S('name'), description: S('description'), protocol: S('protocol'),
  loadbalancer: { key: 'loadbalancer_id', find: lbId },
  connection_limit: S('connection_limit'), protocol_port: I('protocol_port'),
  project: { key: 'project_id', find: projectId },
  vip_address: S('vip_address'),
  vip_port_id: { key: 'vip_port_id', find: (c, x) => findLb(visiblePorts(c), 'ports', x).id },
  vip_subnet_id: { key: 'vip_subnet_id', find: findSubnetId },
  vip_network_id: { key: 'vip_network_id', find: (c, x) => findLb(visibleNetworks(c), 'networks', x).id },
  vip_qos_policy_id: { key: 'vip_qos_policy_id', find: qosPolicyId },
  ...ON,
  cascade: { key: 'cascade', conv: always(true) },
  provisioning_status: S('provisioning_status'), operating_status: S('operating_status'), provider: S('provider'),
  // Stacklab's clouds have no Octavia flavors: any lookup finds none.
  flavor: { key: 'flavor_id', find: (_c, x) => { throw new CliError(`Unable to locate ${x} in flavors`); } },
  availability_zone: S('availability_zone'),
  ...TAG_ATTRS,
};

const LISTENER_ATTRS: AttrMap = {
  name: S('name'), description: S('description'), protocol: S('protocol'),
  listener: { key: 'listener_id', find: listenerId },
  loadbalancer: { key: 'loadbalancer_id', find: lbId },
  // The client sends the limit as text (`set` gives argparse no type): Octavia reads it.
  connection_limit: S('connection_limit'), protocol_port: I('protocol_port'),
  default_pool: { key: 'default_pool_id', find: poolId },
  project: { key: 'project_id', find: projectId },
  ...ON,
  insert_headers: { key: 'insert_headers', conv: formatKv },
  default_tls_container_ref: S('default_tls_container_ref'), sni_container_refs: L('sni_container_refs'),
  timeout_client_data: I('timeout_client_data'), timeout_member_connect: I('timeout_member_connect'),
  timeout_member_data: I('timeout_member_data'), timeout_tcp_inspect: I('timeout_tcp_inspect'),
  client_ca_tls_container_ref: { key: 'client_ca_tls_container_ref', conv: strOrUnset },
  client_authentication: S('client_authentication'),
  client_crl_container_ref: { key: 'client_crl_container_ref', conv: strOrUnset },
  allowed_cidrs: L('allowed_cidrs'), tls_ciphers: S('tls_ciphers'), tls_versions: L('tls_versions'), alpn_protocols: L('alpn_protocols'),
  ...TAG_ATTRS,
};

const POOL_ATTRS: AttrMap = {
  name: S('name'), description: S('description'), protocol: S('protocol'),
  pool: { key: 'pool_id', find: poolId },
  loadbalancer: { key: 'loadbalancer_id', find: lbId },
  lb_algorithm: S('lb_algorithm'),
  listener: { key: 'listener_id', find: listenerId },
  project: { key: 'project_id', find: projectId },
  session_persistence: { key: 'session_persistence', conv: formatKv },
  ...ON,
  tls_container_ref: { key: 'tls_container_ref', conv: strOrUnset },
  ca_tls_container_ref: { key: 'ca_tls_container_ref', conv: strOrUnset },
  crl_container_ref: { key: 'crl_container_ref', conv: strOrUnset },
  enable_tls: { key: 'tls_enabled', conv: always(true) }, disable_tls: { key: 'tls_enabled', conv: always(false) },
  tls_ciphers: S('tls_ciphers'), tls_versions: L('tls_versions'), alpn_protocols: L('alpn_protocols'),
  ...TAG_ATTRS,
};

const MEMBER_ATTRS: AttrMap = {
  name: S('name'), address: S('address'), protocol_port: I('protocol_port'),
  project_id: { key: 'project_id', find: projectId },
  pool: { key: 'pool_id', find: poolId },
  member: { key: 'member_id', parent: 'pool', child: (c, pool, x) => findLb(visibleMembers(c, pool), 'members', x).id },
  enable_backup: { key: 'backup', conv: always(true) }, disable_backup: { key: 'backup', conv: always(false) },
  weight: I('weight'),
  subnet_id: { key: 'subnet_id', find: findSubnetId },
  monitor_port: I('monitor_port'), monitor_address: S('monitor_address'),
  ...ON,
  ...TAG_ATTRS,
};

const MONITOR_ATTRS: AttrMap = {
  health_monitor: { key: 'health_monitor_id', find: (c, x) => findMonitor(c, x).id },
  project: { key: 'project_id', find: projectId },
  name: S('name'),
  pool: { key: 'pool_id', find: poolId },
  delay: I('delay'), expected_codes: S('expected_codes'), max_retries: I('max_retries'), http_method: S('http_method'),
  type: S('type'), timeout: I('timeout'), max_retries_down: I('max_retries_down'), url_path: S('url_path'),
  ...ON,
  http_version: { key: 'http_version', conv: pyFloatOf }, domain_name: S('domain_name'),
  ...TAG_ATTRS,
};

const POLICY_ATTRS: AttrMap = {
  name: S('name'), description: S('description'), redirect_url: S('redirect_url'),
  redirect_http_code: I('redirect_http_code'), redirect_prefix: S('redirect_prefix'),
  l7policy: { key: 'l7policy_id', find: (c, x) => findPolicy(c, x).id },
  redirect_pool: { key: 'redirect_pool_id', find: poolId },
  listener: { key: 'listener_id', find: listenerId },
  action: S('action'),
  position: I('position'),
  ...ON,
  ...TAG_ATTRS,
};

const RULE_ATTRS: AttrMap = {
  action: S('action'),
  project: { key: 'project_id', find: projectId },
  invert: { key: 'invert', conv: always(true) },
  l7rule: { key: 'l7rule_id', parent: 'l7policy', child: (c, policy, x) => findL7Rule(c, policy, x).id },
  l7policy: { key: 'l7policy_id', find: (c, x) => findPolicy(c, x).id },
  value: S('value'), key: S('key'), type: S('type'), compare_type: S('compare_type'),
  ...ON,
  ...TAG_ATTRS,
};

/** Takes `key` out of the attributes (the id a command's URL names). */
function pop(attrs: JsonObject, key: string): string {
  const v = attrs[key];
  delete attrs[key];
  return String(v);
}

/** set_tags_for_set: the tags given join the object's (all of them replace them with --no-tag). */
function tagsForSet(attrs: JsonObject, current: readonly string[], clear: boolean): void {
  const add = attrs['tags'];
  if (Array.isArray(add) && add.length > 0) attrs['tags'] = [...new Set([...(clear ? [] : current), ...(add as string[])])];
  else if (clear) attrs['tags'] = [];
}

/** set_tags_for_unset: --all-tag clears them, --tag drops the ones given. */
function tagsForUnset(attrs: JsonObject, current: readonly string[], clear: boolean): void {
  if (clear) attrs['tags'] = [];
  else if (Array.isArray(attrs['tags']) && attrs['tags'].length > 0) {
    const drop = new Set(attrs['tags'] as string[]);
    attrs['tags'] = current.filter((t) => !drop.has(t));
  }
}

/**
 * What a create prints: Octavia's answer, as octaviaclient formats it; with --wait, the object
 * fetched again once the worker is done (the client's second GET).
 */
function created<T extends { id: string }>(
  c: Cloud,
  a: Args,
  answer: { data: () => JsonObject | null },
  key: keyof typeof SHOWS,
  items: (c: Cloud) => readonly T[],
  show: (c: Cloud, x: T) => Output,
): Output {
  const d = answer.data()?.[key] as JsonObject;
  if (!flag(a, 'wait')) return SHOWS[key](d);
  waited(c, a);
  const o = items(c).find((x) => x.id === d['id']);
  if (!o) throw new Error(`octavia: the ${key} answered is not in the cloud`);
  return show(c, o);
}

/**
 * An unset: octaviaclient sends nothing (and looks nothing up) when nothing is to be unset; else
 * the options given as None (Octavia's defaults again) and the tags left.
 */
function unsetCommand(kind: string, path: (c: Cloud, a: Args) => { path: string[]; tags: readonly string[] }) {
  return (c: Cloud, a: Args): Output => {
    const attrs = unsetsOf(a);
    if (Object.keys(attrs).length === 0 && !flag(a, 'all_tag')) return none;
    const target = path(c, a);
    tagsForUnset(attrs, target.tags, flag(a, 'all_tag'));
    octaviaCall(c, 'PUT', target.path, { [kind]: attrs });
    waited(c, a);
    return none;
  };
}

/**
 * A set: the options as the client's attribute map reads them (lookups included), its own checks,
 * the ids the URL names taken out, the tags merged with the object's, then one PUT.
 */
function setCommand(
  kind: string,
  map: AttrMap,
  target: (c: Cloud, attrs: JsonObject) => { path: string[]; tags: readonly string[] },
  check: (attrs: JsonObject) => void = () => {},
) {
  return (c: Cloud, a: Args): Output => {
    const attrs = mapAttrs(c, a, map);
    check(attrs);
    const t = target(c, attrs);
    tagsForSet(attrs, t.tags, flag(a, 'no_tag'));
    octaviaCall(c, 'PUT', t.path, { [kind]: attrs });
    waited(c, a);
    return none;
  };
}

// ---- load balancers --------------------------------------------------------------------------

function lbCreate(c: Cloud, a: Args): Output {
  const attrs = mapAttrs(c, a, LB_ATTRS);
  if (!['vip_subnet_id', 'vip_network_id', 'vip_port_id'].some((k) => k in attrs)) {
    throw new CliError('Missing required argument: Requires one of --vip-subnet-id, --vip-network-id or --vip-port-id');
  }
  if ('vip_network_id' in attrs && 'vip_port_id' in attrs) throw new CliError('Argument error: --vip-port-id can not be used with --vip-network-id');
  const answer = octaviaCall(c, 'POST', ['loadbalancers'], { loadbalancer: attrs });
  return created(c, a, answer, 'loadbalancer', (d) => lbState(d).loadBalancers, lbShow);
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

const lbSet = setCommand('loadbalancer', LB_ATTRS, (c, x) => {
  const id = pop(x, 'loadbalancer_id');
  return { path: ['loadbalancers', id], tags: findLoadBalancer(c, id).tags };
});

const lbUnset = unsetCommand('loadbalancer', (c, a) => {
  const lb = findLoadBalancer(c, req(a, 'loadbalancer'));
  return { path: ['loadbalancers', lb.id], tags: lb.tags };
});

function lbDelete(c: Cloud, a: Args): Output {
  const attrs = mapAttrs(c, a, LB_ATTRS);
  const id = pop(attrs, 'loadbalancer_id');
  octaviaCall(c, 'DELETE', ['loadbalancers', id], undefined, attrs['cascade'] === true ? [['cascade', 'True']] : []);
  waited(c, a);
  return none;
}

function lbFailover(c: Cloud, a: Args): Output {
  const attrs = mapAttrs(c, a, LB_ATTRS);
  octaviaCall(c, 'PUT', ['loadbalancers', pop(attrs, 'loadbalancer_id'), 'failover']);
  waited(c, a);
  return none;
}

function lbStatus(c: Cloud, a: Args): Output {
  const lb = findLoadBalancer(c, req(a, 'loadbalancer'));
  return { kind: 'text', stdout: `${pyJsonDumps(statusTree(c, lb), { indent: 4 })}\n` };
}

// ---- listeners --------------------------------------------------------------------------------

function listenerCreate(c: Cloud, a: Args): Output {
  const attrs = mapAttrs(c, a, LISTENER_ATTRS);
  checkPort(attrs['protocol_port'] as number | undefined, 'protocol-port');
  const answer = octaviaCall(c, 'POST', ['listeners'], { listener: attrs });
  return created(c, a, answer, 'listener', (d) => lbState(d).listeners, listenerShow);
}

function listenerList(c: Cloud, a: Args): Output {
  const lb = str(a, 'loadbalancer');
  const refs: Record<string, string> = lb !== undefined ? { loadbalancer_id: findLoadBalancer(c, lb).id } : {};
  return listOf(listListeners(c, queryOf(a, { name: 'name' }, refs)), LISTENER_COLUMNS, { loadbalancers: idList });
}

const listenerSet = setCommand('listener', LISTENER_ATTRS, (c, x) => {
  const id = pop(x, 'listener_id');
  return { path: ['listeners', id], tags: findListener(c, id).tags };
});

const listenerUnset = unsetCommand('listener', (c, a) => {
  const l = findListener(c, req(a, 'listener'));
  return { path: ['listeners', l.id], tags: l.tags };
});

// ---- pools ------------------------------------------------------------------------------------

function poolCreate(c: Cloud, a: Args): Output {
  const answer = octaviaCall(c, 'POST', ['pools'], { pool: mapAttrs(c, a, POOL_ATTRS) });
  return created(c, a, answer, 'pool', (d) => lbState(d).pools, poolShow);
}

function poolList(c: Cloud, a: Args): Output {
  const lb = str(a, 'loadbalancer');
  const refs: Record<string, string> = lb !== undefined ? { loadbalancer_id: findLoadBalancer(c, lb).id } : {};
  return listOf(listLbPools(c, queryOf(a, {}, refs)), POOL_COLUMNS);
}

const poolSet = setCommand('pool', POOL_ATTRS, (c, x) => {
  const id = pop(x, 'pool_id');
  return { path: ['pools', id], tags: findPool(c, id).tags };
});

const poolUnset = unsetCommand('pool', (c, a) => {
  const p = findPool(c, req(a, 'pool'));
  return { path: ['pools', p.id], tags: p.tags };
});

// ---- members ----------------------------------------------------------------------------------

/** validate.check_member_attrs: the client's own range checks of the port and the weight. */
function checkMember(attrs: JsonObject): void {
  checkPort(attrs['protocol_port'] as number | undefined, 'protocol-port');
  checkWeight(attrs['weight'] as number | undefined);
}

function memberCreate(c: Cloud, a: Args): Output {
  const attrs = mapAttrs(c, a, MEMBER_ATTRS);
  checkMember(attrs);
  const pool = pop(attrs, 'pool_id');
  const answer = octaviaCall(c, 'POST', ['pools', pool, 'members'], { member: attrs });
  return created(c, a, answer, 'member', (d) => lbState(d).members, memberShow);
}

const memberSet = setCommand(
  'member',
  MEMBER_ATTRS,
  (c, x) => {
    const pool = pop(x, 'pool_id');
    const id = pop(x, 'member_id');
    return { path: ['pools', pool, 'members', id], tags: lbState(c).members.find((m) => m.id === id)?.tags ?? [] };
  },
  checkMember,
);

const memberUnset = unsetCommand('member', (c, a) => {
  const pool = findPool(c, req(a, 'pool'));
  const m = findMember(c, pool, req(a, 'member'));
  return { path: ['pools', pool.id, 'members', m.id], tags: m.tags };
});

// ---- health monitors -------------------------------------------------------------------------

function monitorCreate(c: Cloud, a: Args): Output {
  const answer = octaviaCall(c, 'POST', ['healthmonitors'], { healthmonitor: mapAttrs(c, a, MONITOR_ATTRS) });
  return created(c, a, answer, 'healthmonitor', (d) => lbState(d).healthMonitors, monitorShow);
}

const monitorSet = setCommand('healthmonitor', MONITOR_ATTRS, (c, x) => {
  const id = pop(x, 'health_monitor_id');
  return { path: ['healthmonitors', id], tags: findMonitor(c, id).tags };
});

const monitorUnset = unsetCommand('healthmonitor', (c, a) => {
  const h = findMonitor(c, req(a, 'health_monitor'));
  return { path: ['healthmonitors', h.id], tags: h.tags };
});

// ---- L7 policies and rules -------------------------------------------------------------------

/** validate.check_l7policy_attrs: a redirect needs its target. */
function checkPolicy(attrs: JsonObject): void {
  const need: Record<string, [string, string]> = {
    REDIRECT_TO_POOL: ['redirect_pool_id', '--redirect-pool'],
    REDIRECT_TO_URL: ['redirect_url', '--redirect-url'],
    REDIRECT_PREFIX: ['redirect_prefix', '--redirect-prefix'],
  };
  const n = typeof attrs['action'] === 'string' ? need[attrs['action']] : undefined;
  if (n !== undefined && !(n[0] in attrs)) throw new CliError(`Missing argument: ${n[1]}`);
}

function policyCreate(c: Cloud, a: Args): Output {
  const attrs = mapAttrs(c, a, POLICY_ATTRS);
  checkPolicy(attrs);
  const answer = octaviaCall(c, 'POST', ['l7policies'], { l7policy: attrs });
  return created(c, a, answer, 'l7policy', (d) => lbState(d).l7Policies, policyShow);
}

const policySet = setCommand(
  'l7policy',
  POLICY_ATTRS,
  (c, x) => {
    const id = pop(x, 'l7policy_id');
    return { path: ['l7policies', id], tags: findPolicy(c, id).tags };
  },
  checkPolicy,
);

const policyUnset = unsetCommand('l7policy', (c, a) => {
  const p = findPolicy(c, req(a, 'l7policy'));
  return { path: ['l7policies', p.id], tags: p.tags };
});

/** validate.check_l7rule_attrs: a COOKIE or HEADER rule needs its key. */
function checkRule(attrs: JsonObject): void {
  const type = attrs['type'];
  if ((type === 'COOKIE' || type === 'HEADER') && !('key' in attrs)) throw new CliError(`Missing argument: --type ${type} requires --key <key>`);
}

function ruleCreate(c: Cloud, a: Args): Output {
  const attrs = mapAttrs(c, a, RULE_ATTRS);
  checkRule(attrs);
  const policy = pop(attrs, 'l7policy_id');
  const answer = octaviaCall(c, 'POST', ['l7policies', policy, 'rules'], { rule: attrs });
  // octaviaclient 3.1.0 waits on the rule with the policy's id: Octavia answers 404 at once.
  if (flag(a, 'wait')) return { kind: 'text', stdout: '', stderr: `${policy} not found (HTTP 404)\n`, exitCode: 1 };
  return SHOWS.rule(answer.data()?.['rule'] as JsonObject);
}

const ruleSet = setCommand(
  'rule',
  RULE_ATTRS,
  (c, x) => {
    const policy = pop(x, 'l7policy_id');
    const id = pop(x, 'l7rule_id');
    return { path: ['l7policies', policy, 'rules', id], tags: lbState(c).l7Rules.find((r) => r.id === id)?.tags ?? [] };
  },
  checkRule,
);

// octaviaclient's unset sends the rule's id as given, unlooked-up: the API finds it or not.
const ruleUnset = unsetCommand('rule', (c, a) => {
  const p = findPolicy(c, req(a, 'l7policy'));
  const id = req(a, 'l7rule_id');
  return { path: ['l7policies', p.id, 'rules', id], tags: lbState(c).l7Rules.find((r) => r.id === id)?.tags ?? [] };
});

// ---- quotas, providers, amphorae -------------------------------------------------------------

/** oslo's is_uuid_like: a UUID with or without dashes (Keystone project ids are 32 hex digits). */
const uuidLike = (s: string): boolean => /^[0-9a-f]{32}$/i.test(s.replace(/-/g, '')) && /^([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.test(s);

/** A UUID-like project goes straight to Octavia (any id: defaults when it has no record); names through Keystone. */
function quotaShow(c: Cloud, a: Args): Output {
  const given = req(a, 'project');
  const projectId = uuidLike(given) ? given : findProject(c, given).id;
  return showOf(showQuota(c, projectId), QUOTA_ROWS);
}

/** An option argparse keeps as text that octaviaclient converts with int(). */
function int(a: Args, dest: string): number | undefined {
  return num(a, dest) ?? sdkInt(a, dest);
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

/** A delete: the object looked up as the client's attribute map does, then DELETE on its URL. */
function deleteVia(map: AttrMap, path: (attrs: JsonObject) => string[]) {
  return (c: Cloud, a: Args): Output => {
    octaviaCall(c, 'DELETE', path(mapAttrs(c, a, map)));
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
  lbCommand('loadbalancer delete', lbDelete),
  lbCommand('loadbalancer failover', lbFailover),
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
  lbCommand('loadbalancer listener delete', deleteVia(LISTENER_ATTRS, (x) => ['listeners', String(x['listener_id'])])),
  lbCommand('loadbalancer listener stats show', (c, a) => showOf(statsDict(c, [findListener(c, req(a, 'listener')).id]), STATS_ROWS)),
  lbCommand('loadbalancer pool create', poolCreate),
  lbCommand('loadbalancer pool list', poolList),
  lbCommand('loadbalancer pool show', (c, a) => poolShow(c, findPool(c, req(a, 'pool')))),
  lbCommand('loadbalancer pool set', poolSet),
  lbCommand('loadbalancer pool unset', poolUnset),
  lbCommand('loadbalancer pool delete', deleteVia(POOL_ATTRS, (x) => ['pools', String(x['pool_id'])])),
  lbCommand('loadbalancer member create', memberCreate),
  lbCommand('loadbalancer member list', (c, a) => listOf(listMembers(c, findPool(c, req(a, 'pool')).id, queryOf(a, {})), MEMBER_COLUMNS)),
  lbCommand('loadbalancer member show', (c, a) => memberShow(c, findMember(c, findPool(c, req(a, 'pool')), req(a, 'member')))),
  lbCommand('loadbalancer member set', memberSet),
  lbCommand('loadbalancer member unset', memberUnset),
  lbCommand('loadbalancer member delete', deleteVia(MEMBER_ATTRS, (x) => ['pools', String(x['pool_id']), 'members', String(x['member_id'])])),
  lbCommand('loadbalancer healthmonitor create', monitorCreate),
  lbCommand('loadbalancer healthmonitor list', (c, a) => listOf(listHealthMonitors(c, queryOf(a, {})), MONITOR_COLUMNS, { pools: idList })),
  lbCommand('loadbalancer healthmonitor show', (c, a) => monitorShow(c, findMonitor(c, req(a, 'health_monitor')))),
  lbCommand('loadbalancer healthmonitor set', monitorSet),
  lbCommand('loadbalancer healthmonitor unset', monitorUnset),
  lbCommand('loadbalancer healthmonitor delete', deleteVia(MONITOR_ATTRS, (x) => ['healthmonitors', String(x['health_monitor_id'])])),
  lbCommand('loadbalancer l7policy create', policyCreate),
  lbCommand('loadbalancer l7policy list', (c, a) => {
    const listener = str(a, 'listener');
    const refs: Record<string, string> = listener !== undefined ? { listener_id: findListener(c, listener).id } : {};
    return listOf(listL7Policies(c, queryOf(a, {}, refs)), L7POLICY_COLUMNS, { rules: idList });
  }),
  lbCommand('loadbalancer l7policy show', (c, a) => policyShow(c, findPolicy(c, req(a, 'l7policy')))),
  lbCommand('loadbalancer l7policy set', policySet),
  lbCommand('loadbalancer l7policy unset', policyUnset),
  lbCommand('loadbalancer l7policy delete', deleteVia(POLICY_ATTRS, (x) => ['l7policies', String(x['l7policy_id'])])),
  lbCommand('loadbalancer l7rule create', ruleCreate),
  lbCommand('loadbalancer l7rule list', (c, a) => listOf(listL7Rules(c, findPolicy(c, req(a, 'l7policy')).id, queryOf(a, {})), L7RULE_COLUMNS)),
  lbCommand('loadbalancer l7rule show', (c, a) => {
    const p = findPolicy(c, req(a, 'l7policy'));
    return ruleShow(c, findRule(c, p, req(a, 'l7rule')));
  }),
  lbCommand('loadbalancer l7rule set', ruleSet),
  lbCommand('loadbalancer l7rule unset', ruleUnset),
  lbCommand('loadbalancer l7rule delete', deleteVia(RULE_ATTRS, (x) => ['l7policies', String(x['l7policy_id']), 'rules', String(x['l7rule_id'])])),
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
