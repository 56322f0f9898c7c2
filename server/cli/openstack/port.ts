/** `openstack port …`: projects what sim/api/neutron answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Port } from '../../sim/model/port.js';
import type { CellValue, PyValue } from '../../render/pyvalue.js';
import { formatted, pyRepr } from '../../render/pyvalue.js';
import { deletePortById, postPort, putPort } from '../../sim/api/neutron/requests/port.js';
import type { Json, JsonObject } from '../../sim/api/json.js';
import { listPorts, portDict, type FilterValue, type FixedIpFilter } from '../../sim/api/neutron/index.js';
import { CliError, afterCommit } from '../errors.js';
import { pyEquals } from '../../sim/python.js';
import {
  createdWithTags,
  deleteEach,
  dicts,
  findBy,
  findIndexed,
  findQosPolicy,
 
  flag,
  none,
  withExtensionCheck,
  req,
  str,
  strs,
  tagFilter,
  type Args,
  type OscCommand,
  type Output,
  sdkBody,
  sdkUpdate,
} from './common.js';
import { attr, dictLines, kvLine, listAttr, sortFields, upDown } from './format.js';
import { findNetwork } from './network.js';
import { findServer } from './find-server.js';
import { findProject } from './project.js';
import { findSecurityGroup } from './security-group.js';
import { findSubnet } from './subnet.js';
import { isVisiblePort, visibleRouters } from '../../sim/visibility.js';
import { PORTS_BY_ID, PORTS_BY_NAME } from '../../sim/index.js';
import { setTagsAsClient, tagsPath } from '../../sim/api/neutron/requests/tags.js';

export function findPort(c: Cloud, nameOrId: string): Port {
  return findIndexed(c, 'Port', nameOrId, { id: PORTS_BY_ID, name: PORTS_BY_NAME }, (p) => isVisiblePort(c, p));
}

type Dicts = Array<Record<string, PyValue>>;
const dictsAttr = (d: JsonObject, k: string): Dicts => (Array.isArray(d[k]) ? (d[k] as Dicts) : []);

/** OSC's DictColumn: `k='v', …` in tables, the dict itself elsewhere; None when the response lacks it. */
function dictCell(d: JsonObject, k: string, sortKeys = false): CellValue {
  const v = d[k];
  if (v === undefined || v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  // binding_vif_details shows with its keys sorted in every format, as Stacklab always printed it.
  const o = sortKeys ? Object.fromEntries(Object.keys(v).sort().map((x) => [x, v[x] ?? null])) : v;
  return formatted(kvLine(o), o);
}

/** `port show`/`create` rows from the API's port (the binding attributes a member does not get are None). */
export function portShow(d: JsonObject): Output {
  const fields: Array<[string, CellValue]> = [
    ['admin_state_up', upDown(d['admin_state_up'] === true)],
    ['allowed_address_pairs', dictLines(dictsAttr(d, 'allowed_address_pairs'))],
    ['binding_host_id', attr(d, 'binding:host_id')],
    ['binding_profile', dictCell(d, 'binding:profile')],
    ['binding_vif_details', dictCell(d, 'binding:vif_details', true)],
    ['binding_vif_type', attr(d, 'binding:vif_type')],
    ['binding_vnic_type', attr(d, 'binding:vnic_type')],
    ['created_at', attr(d, 'created_at')],
    ['data_plane_status', attr(d, 'data_plane_status')],
    ['description', attr(d, 'description')],
    ['device_id', attr(d, 'device_id')],
    ['device_owner', attr(d, 'device_owner')],
    ['device_profile', attr(d, 'device_profile')],
    ['dns_assignment', attr(d, 'dns_assignment')],
    ['dns_domain', attr(d, 'dns_domain')],
    ['dns_name', attr(d, 'dns_name')],
    ['extra_dhcp_opts', dictLines(dictsAttr(d, 'extra_dhcp_opts'))],
    ['fixed_ips', dictLines(dictsAttr(d, 'fixed_ips'))],
    ['id', attr(d, 'id')],
    ['ip_allocation', attr(d, 'ip_allocation')],
    ['mac_address', attr(d, 'mac_address')],
    ['name', attr(d, 'name')],
    ['network_id', attr(d, 'network_id')],
    ['numa_affinity_policy', attr(d, 'numa_affinity_policy')],
    ['port_security_enabled', attr(d, 'port_security_enabled')],
    ['project_id', attr(d, 'project_id')],
    ['propagate_uplink_status', attr(d, 'propagate_uplink_status')],
    ['qos_network_policy_id', attr(d, 'qos_network_policy_id')],
    ['qos_policy_id', attr(d, 'qos_policy_id')],
    ['resource_request', attr(d, 'resource_request')],
    ['revision_number', attr(d, 'revision_number')],
    ['security_group_ids', listAttr(d, 'security_groups')],
    ['status', attr(d, 'status')],
    ['tags', listAttr(d, 'tags')],
    ['trunk_details', attr(d, 'trunk_details')],
    ['updated_at', attr(d, 'updated_at')],
  ];
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

/**
 * `--fixed-ip`s as _prepare_fixed_ips makes them: a subnet named by name or ID becomes its
 * `subnet_id` (an empty one stays `subnet`), `ip-address` becomes `ip_address`; each key moved to
 * the end of its dict, as Python's dict does.
 */
function fixedIpDicts(c: Cloud, a: Args): JsonObject[] {
  return dicts(a, 'fixed_ip').map((given) => {
    const d: JsonObject = { ...given };
    const sub = given['subnet'];
    if (sub !== undefined && sub !== '') {
      const id = findSubnet(c, sub).id;
      delete d['subnet'];
      d['subnet_id'] = id;
    }
    if (given['ip-address'] !== undefined) {
      delete d['ip-address'];
      d['ip_address'] = given['ip-address'];
    }
    return d;
  });
}

/** _convert_address_pairs: `ip_address`, and `mac_address` when given (even empty). */
const addressPairs = (a: Args): JsonObject[] =>
  dicts(a, 'allowed_address_pairs').map((x) => ({ ip_address: x['ip-address'] ?? '', ...(x['mac-address'] !== undefined ? { mac_address: x['mac-address'] } : {}) }));

/** _convert_extra_dhcp_options: `opt_name`, then `opt_value` and `ip_version` when given. */
const dhcpOptions = (a: Args): JsonObject[] =>
  dicts(a, 'extra_dhcp_options').map((o) => ({
    opt_name: o['name'] ?? '',
    ...(o['value'] !== undefined ? { opt_value: o['value'] } : {}),
    ...(o['ip-version'] !== undefined ? { ip_version: o['ip-version'] } : {}),
  }));

/** `--binding-profile`s (JSONKeyValueAction): each one's pairs added to one dict, in order. */
function bindingProfileArg(a: Args, base: JsonObject = {}): JsonObject {
  const out: JsonObject = { ...base };
  for (const pairs of (a['binding_profile'] ?? []) as Array<Array<[string, Json]>>) {
    for (const [k, v] of pairs) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The wire names of openstacksdk's Port attributes that differ from them (for `--extra-property`). */
const SDK_PORT_NAMES: Readonly<Record<string, string>> = {
  binding_host_id: 'binding:host_id',
  binding_profile: 'binding:profile',
  binding_vif_details: 'binding:vif_details',
  binding_vif_type: 'binding:vif_type',
  binding_vnic_type: 'binding:vnic_type',
  is_admin_state_up: 'admin_state_up',
  is_port_security_enabled: 'port_security_enabled',
  security_group_ids: 'security_groups',
};

/**
 * `port create`'s and `port set`'s shared attributes (_get_attrs), in its order, as the SDK names
 * them on the wire; the project and the QoS policy looked up where it looks them up.
 */
function portAttrs(c: Cloud, a: Args): JsonObject {
  const b: JsonObject = {};
  const set = (k: string, v: Json | undefined) => {
    if (v !== undefined) b[k] = v;
  };
  set('description', str(a, 'description'));
  if (str(a, 'device')) b['device_id'] = str(a, 'device') as string;
  set('device_owner', str(a, 'device_owner'));
  if (flag(a, 'enable')) b['admin_state_up'] = true;
  if (flag(a, 'disable')) b['admin_state_up'] = false;
  set('binding:vnic_type', str(a, 'vnic_type'));
  if (str(a, 'host')) b['binding:host_id'] = str(a, 'host') as string;
  set('mac_address', str(a, 'mac_address'));
  set('dns_domain', str(a, 'dns_domain'));
  set('dns_name', str(a, 'dns_name'));
  set('name', str(a, 'name'));
  set('network_id', str(a, 'network'));
  const project = str(a, 'project');
  if (project !== undefined) b['project_id'] = findProject(c, project).id;
  if (flag(a, 'disable_port_security')) b['port_security_enabled'] = false;
  if (flag(a, 'enable_port_security')) b['port_security_enabled'] = true;
  if (str(a, 'qos_policy')) findQosPolicy(str(a, 'qos_policy') as string);
  if (flag(a, 'enable_uplink_status_propagation')) b['propagate_uplink_status'] = true;
  if (flag(a, 'disable_uplink_status_propagation')) b['propagate_uplink_status'] = false;
  if (flag(a, 'numa_policy_required')) b['numa_affinity_policy'] = 'required';
  else if (flag(a, 'numa_policy_preferred')) b['numa_affinity_policy'] = 'preferred';
  else if (flag(a, 'numa_policy_legacy')) b['numa_affinity_policy'] = 'legacy';
  if (str(a, 'device_profile')) b['device_profile'] = str(a, 'device_profile') as string;
  return b;
}

function create(c: Cloud, a: Args): Output {
  const net = findNetwork(c, req(a, 'network'));
  a['network'] = net.id;
  const ips = fixedIpDicts(c, a);
  const b = portAttrs(c, a);
  if (strs(a, 'binding_profile').length > 0) b['binding:profile'] = bindingProfileArg(a);
  if (ips.length > 0) b['fixed_ips'] = ips;
  else if (flag(a, 'no_fixed_ip')) b['fixed_ips'] = [];
  const groups = strs(a, 'security_group');
  if (groups.length > 0) b['security_group_ids'] = groups.map((g) => findSecurityGroup(c, g).id);
  else if (flag(a, 'no_security_group')) b['security_group_ids'] = [];
  if (dicts(a, 'allowed_address_pairs').length > 0) b['allowed_address_pairs'] = addressPairs(a);
  if (dicts(a, 'extra_dhcp_options').length > 0) b['extra_dhcp_opts'] = dhcpOptions(a);
  const { attrs, body } = sdkBody(b, a, SDK_PORT_NAMES);
  const p = withExtensionCheck(attrs, () => postPort(c, body));
  // The SDK's port keeps what it sent that the answer lacks (numa_affinity_policy, device_profile).
  const shown = (): Output => portShow({ ...body, ...portDict(c, p) });
  // Without the tag-ports-during-bulk-creation extension (this ML2 loads none), OSC tags after the POST.
  return createdWithTags(c, p, strs(a, 'tags'), tagsPath('ports', p.id), shown);
}

/** openstacksdk 0.101's Port attributes (`location` aside, which is the client's own). */
const SDK_PORT_ATTRS = new Set([
  'allowed_address_pairs', 'binding_host_id', 'binding_profile', 'binding_vif_details', 'binding_vif_type', 'binding_vnic_type', 'created_at',
  'data_plane_status', 'description', 'device_id', 'device_owner', 'device_profile', 'dns_assignment', 'dns_domain', 'dns_name',
  'extra_dhcp_opts', 'fixed_ips', 'id', 'ip_allocation', 'is_admin_state_up', 'is_port_security_enabled', 'mac_address', 'name',
  'network_id', 'numa_affinity_policy', 'project_id', 'propagate_uplink_status', 'qos_network_policy_id', 'qos_policy_id',
  'resource_request', 'revision_number', 'security_group_ids', 'status', 'tags', 'tenant_id', 'trunk_details', 'updated_at',
]);

function list(c: Cloud, a: Args): Output {
  // OSC's ListPort, in its order: each lookup as it comes (--device-id, --router and --server
  // exclude each other: argparse refused two of them).
  const q: Record<string, FilterValue> = {};
  const owner = str(a, 'device_owner');
  if (owner !== undefined) q['device_owner'] = owner;
  const dev = str(a, 'device_id');
  if (dev !== undefined) q['device_id'] = dev;
  const router = str(a, 'router');
  if (router) q['device_id'] = findBy(visibleRouters(c), 'Router', router).id;
  const server = str(a, 'server');
  if (server) q['device_id'] = findServer(c, server).id;
  const host = str(a, 'host');
  if (host) q['binding:host_id'] = host;
  const net = str(a, 'network');
  if (net) q['network_id'] = findNetwork(c, net).id;
  const mac = str(a, 'mac_address');
  if (mac) q['mac_address'] = mac;
  const name = str(a, 'name');
  if (name) q['name'] = name;
  const project = str(a, 'project');
  if (project) q['project_id'] = findProject(c, project).id;
  const fixed: FixedIpFilter[] = dicts(a, 'fixed_ip').map((f) => {
    const x: FixedIpFilter = {};
    if (f['subnet'] !== undefined) x.subnetId = findSubnet(c, f['subnet']).id;
    if (f['ip-address'] !== undefined) x.ipAddress = f['ip-address'];
    if (f['ip-substring'] !== undefined) x.ipSubstring = f['ip-substring'];
    return x;
  });
  const groups = strs(a, 'security_groups');
  // OSC 6.0 passes the names as they are in a `security_groups` filter, which openstacksdk 0.101
  // refuses before any request is made (checked on the oracle).
  if (groups.length > 0) throw new CliError('Invalid query params: security_groups');
  const headers = ['ID', 'Name', 'MAC Address', 'Fixed IP Addresses', 'Status'];
  const attrs = ['id', 'name', 'mac_address', 'fixed_ips', 'status'];
  if (flag(a, 'long')) {
    headers.push('Security Groups', 'Device Owner', 'Tags');
    attrs.push('security_group_ids', 'device_owner', 'tags');
  }
  const ports = listPorts(c, { filters: q, tags: tagFilter(a) }, fixed);
  const cell = (p: JsonObject, key: string): CellValue => {
    if (!attrs.includes(key)) {
      // osc-lib's get_item_properties reads the lower-cased, underscored name from the SDK's
      // Port: one of its attributes that the list did not fetch (fields=) is None, any other ''.
      const name = key.toLowerCase().replace(/ /g, '_');
      if (name !== key && attrs.includes(name)) return cell(p, name);
      return SDK_PORT_ATTRS.has(name) ? null : '';
    }
    switch (key) {
      case 'id':
      case 'name':
      case 'mac_address':
      case 'status':
      case 'device_owner':
        return attr(p, key);
      case 'fixed_ips':
        return dictLines(dictsAttr(p, 'fixed_ips'));
      case 'security_group_ids':
        // OSC 6.0 reads a `security_groups` attribute the SDK does not have: always None.
        return null;
      case 'tags':
        return listAttr(p, 'tags');
      default:
        return '';
    }
  };
  // OSC 6.0's port list resolves -c itself (osc-lib calculate_header_and_attrs): columns come in
  // the order given, API attribute names are accepted, and an unknown name is an empty column.
  const wanted = strs(a, 'columns');
  let shownHeaders = headers;
  let shownAttrs = attrs;
  if (wanted.length > 0) {
    shownHeaders = wanted.map((w) => (attrs.includes(w) ? (headers[attrs.indexOf(w)] as string) : w));
    shownAttrs = wanted.map((w) => (headers.includes(w) ? (attrs[headers.indexOf(w)] as string) : w));
    a['columns'] = shownHeaders;
  }
  return { kind: 'list', data: { headers: shownHeaders, rows: ports.map((p) => shownAttrs.map((at) => cell(p, at))) } };
}

/** The SDK's update: the attributes that differ from the port it found, sent if any do. */
function update(c: Cloud, p: Port, b: JsonObject): void {
  sdkUpdate(portDict(c, p), b, (send) => putPort(c, p.id, send));
}

function set(c: Cloud, a: Args): Output {
  // OSC resolves --fixed-ip's subnets (_prepare_fixed_ips) before it looks the port up.
  const ips = fixedIpDicts(c, a);
  const p = findPort(c, req(a, 'port'));
  const found = portDict(c, p);
  const b = portAttrs(c, a);
  if (flag(a, 'no_binding_profile')) b['binding:profile'] = {};
  if (strs(a, 'binding_profile').length > 0) {
    // A member's port has no binding:profile (admin only): the SDK's attribute is None.
    const current = b['binding:profile'] ?? found['binding:profile'];
    if (current === undefined || current === null) throw new CliError("'NoneType' object has no attribute 'update'");
    b['binding:profile'] = bindingProfileArg(a, current as JsonObject);
  }
  if (flag(a, 'no_fixed_ip')) b['fixed_ips'] = [];
  if (ips.length > 0) {
    const keep = (b['fixed_ips'] ?? found['fixed_ips'] ?? []) as JsonObject[];
    b['fixed_ips'] = [...keep, ...ips];
  }
  if (flag(a, 'no_security_group')) b['security_group_ids'] = [];
  const groups = strs(a, 'security_group');
  if (groups.length > 0) {
    const keep = (b['security_group_ids'] ?? found['security_groups'] ?? []) as string[];
    b['security_group_ids'] = [...keep, ...groups.map((g) => findSecurityGroup(c, g).id)];
  }
  if (flag(a, 'no_allowed_address_pair')) b['allowed_address_pairs'] = [];
  if (dicts(a, 'allowed_address_pairs').length > 0) {
    const keep = (b['allowed_address_pairs'] ?? found['allowed_address_pairs'] ?? []) as JsonObject[];
    b['allowed_address_pairs'] = [...keep, ...addressPairs(a)];
  }
  if (dicts(a, 'extra_dhcp_options').length > 0) b['extra_dhcp_opts'] = dhcpOptions(a);
  const status = str(a, 'data_plane_status');
  if (status) b['data_plane_status'] = status;
  const { attrs, body } = sdkBody(b, a, SDK_PORT_NAMES);
  if (Object.keys(body).length > 0) withExtensionCheck(attrs, () => update(c, p, body));
  afterCommit(() => setTagsAsClient(c, p, { clear: flag(a, 'no_tag'), add: strs(a, 'tags') }, tagsPath('ports', p.id)));
  return none;
}

/** `list.remove(item)`: the list without the first item equal to it, or the message when none is. */
function removeEach(from: JsonObject[], items: readonly JsonObject[], what: string): JsonObject[] {
  const left = [...from];
  for (const x of items) {
    const i = left.findIndex((y) => pyEquals(x, y));
    if (i < 0) throw new CliError(`Port does not contain ${what} ${pyRepr(x)}`);
    left.splice(i, 1);
  }
  return left;
}

function unset(c: Cloud, a: Args): Output {
  const p = findPort(c, req(a, 'port'));
  const found = portDict(c, p);
  const ips = fixedIpDicts(c, a);
  const b: JsonObject = {};
  // OSC removes an entry only when the converted dict equals one of the port's entries exactly,
  // so `--fixed-ip ip-address=X` alone never matches (a real quirk).
  if (ips.length > 0) b['fixed_ips'] = removeEach((found['fixed_ips'] ?? []) as JsonObject[], ips, 'fixed-ip');
  const keys = strs(a, 'binding_profile');
  if (keys.length > 0) {
    const profile = found['binding:profile'];
    if (profile === undefined || profile === null) throw new CliError("'NoneType' object does not support item deletion");
    const left: JsonObject = { ...(profile as JsonObject) };
    for (const k of keys) {
      if (!Object.hasOwn(left, k)) throw new CliError(`Port does not contain binding-profile ${k}`);
      delete left[k];
    }
    b['binding:profile'] = left;
  }
  const groups = strs(a, 'security_group_ids');
  if (groups.length > 0) {
    // OSC removes each group from the port's list in turn: one the port does not have is an error.
    const left = [...((found['security_groups'] ?? []) as string[])];
    for (const g of groups) {
      const i = left.indexOf(findSecurityGroup(c, g).id);
      if (i < 0) throw new CliError(`Port does not contain security group ${g}`);
      left.splice(i, 1);
    }
    b['security_group_ids'] = left;
  }
  if (dicts(a, 'allowed_address_pairs').length > 0) {
    b['allowed_address_pairs'] = removeEach((found['allowed_address_pairs'] ?? []) as JsonObject[], addressPairs(a), 'allowed-address-pair');
  }
  if (flag(a, 'qos_policy')) b['qos_policy_id'] = null;
  if (flag(a, 'data_plane_status')) b['data_plane_status'] = null;
  if (flag(a, 'numa_policy')) b['numa_affinity_policy'] = null;
  if (flag(a, 'host')) b['binding:host_id'] = null;
  const { body } = sdkBody(b, a, SDK_PORT_NAMES, true);
  if (Object.keys(body).length > 0) update(c, p, body);
  afterCommit(() => setTagsAsClient(c, p, { clear: flag(a, 'all_tag'), remove: strs(a, 'tags') }, tagsPath('ports', p.id)));
  return none;
}

export const portCommands: OscCommand[] = [
  { name: 'port create', shares: true, run: ({ cloud, args }) => create(cloud, args) },
  { name: 'port list', run: ({ cloud, args }) => list(cloud, args) },
  { name: 'port show', run: ({ cloud: c, args: a }) => portShow(portDict(c, findPort(c, req(a, 'port')))) },
  { name: 'port set', shares: true, run: ({ cloud, args }) => set(cloud, args) },
  { name: 'port unset', shares: true, run: ({ cloud, args }) => unset(cloud, args) },
  {
    name: 'port delete',
    shares: true,
    run: ({ cloud: c, args: a }) => deleteEach(c, strs(a, 'port'), { one: 'port', many: 'ports' }, (t) => deletePortById(c, findPort(c, t).id)),
  },
];
