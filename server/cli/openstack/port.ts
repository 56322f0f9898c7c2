/** `openstack port …`: projects what sim/api/neutron answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Port } from '../../sim/model/port.js';
import type { CellValue, PyValue } from '../../render/pyvalue.js';
import { formatted } from '../../render/pyvalue.js';
import { createPort, deletePort, updatePort, type DhcpOptRequest, type FixedIpRequest, type PortCreate, type PortUpdate } from '../../sim/ops/port.js';
import { dhcpOptsOf } from '../../sim/api/neutron/requests/port.js';
import type { JsonObject } from '../../sim/api/json.js';
import { authorizeBindingHost, listPorts, portDict, type FilterValue, type FixedIpFilter } from '../../sim/api/neutron/index.js';
import { CliError } from '../errors.js';
import { createdWithTags, deleteEach, dicts, findBy, flag, none, pair, refuseDnsOptions, req, str, strs, tagFilter, type Args, type OscCommand, type Output, sdkUpdate } from './common.js';
import { attr, dictLines, kvLine, listAttr, sortFields, upDown } from './format.js';
import { findNetwork } from './network.js';
import { findProject } from './project.js';
import { findSecurityGroup } from './security-group.js';
import { findSubnet } from './subnet.js';
import { visiblePorts, visibleRouters } from '../../sim/visibility.js';
import { setTagsAsClient } from '../../sim/api/neutron/requests/tags.js';

export function findPort(c: Cloud, nameOrId: string): Port {
  return findBy(visiblePorts(c), 'Port', nameOrId);
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

function fixedIpRequests(c: Cloud, a: Args): FixedIpRequest[] | undefined {
  const given = dicts(a, 'fixed_ip');
  if (given.length === 0) return undefined;
  return given.map((d) => {
    const r: FixedIpRequest = {};
    const sub = d['subnet'];
    if (sub !== undefined) {
      // OSC resolves the subnet name client-side.
      r.subnetId = findSubnet(c, sub).id;
    }
    if (d['ip-address'] !== undefined) r.ipAddress = d['ip-address'];
    return r;
  });
}

function groupIds(c: Cloud, a: Args): string[] | undefined {
  const groups = strs(a, 'security_group');
  if (flag(a, 'no_security_group')) return [];
  if (groups.length === 0) return undefined;
  return groups.map((g) => findSecurityGroup(c, g).id);
}

/** `--host` binds a port to a host (binding:host_id, which the API lets admins alone send). */
function bindingHost(c: Cloud, a: Args, action: 'create' | 'update', path: string): string | undefined {
  const host = action === 'update' && a['host'] === true ? '' : str(a, 'host');
  if (host !== undefined) authorizeBindingHost(c, action, path);
  return host;
}

/**
 * `--extra-dhcp-option name=N[,value=V,ip-version=4|6]` as OSC sends them (opt_name, then
 * opt_value and ip_version when given), read as the API reads extra_dhcp_opts.
 */
function dhcpOptions(a: Args): DhcpOptRequest[] | undefined {
  const given = dicts(a, 'extra_dhcp_options');
  if (given.length === 0) return undefined;
  const body: JsonObject[] = given.map((o) => ({
    opt_name: o['name'] ?? '',
    ...(o['value'] !== undefined ? { opt_value: o['value'] } : {}),
    ...(o['ip-version'] !== undefined ? { ip_version: o['ip-version'] } : {}),
  }));
  return dhcpOptsOf('/v2.0/ports', body);
}

function create(c: Cloud, a: Args): Output {
  const net = findNetwork(c, req(a, 'network'));
  const r: PortCreate = { networkId: net.id, name: req(a, 'name') };
  const host = bindingHost(c, a, 'create', '/v2.0/ports');
  if (host !== undefined) r.bindingHostId = host;
  const vnic = str(a, 'vnic_type');
  if (vnic !== undefined) r.vnicType = vnic;
  const d = str(a, 'description');
  if (d !== undefined) r.description = d;
  const dev = str(a, 'device');
  if (dev !== undefined) r.deviceId = dev;
  const owner = str(a, 'device_owner');
  if (owner !== undefined) r.deviceOwner = owner;
  const mac = str(a, 'mac_address');
  if (mac !== undefined) r.macAddress = mac;
  if (flag(a, 'disable')) r.adminStateUp = false;
  const ips = fixedIpRequests(c, a);
  if (flag(a, 'no_fixed_ip')) r.fixedIps = [];
  else if (ips !== undefined) r.fixedIps = ips;
  const sgs = groupIds(c, a);
  if (sgs !== undefined) r.securityGroupIds = sgs;
  const ps = pair(a, 'enable_port_security', 'disable_port_security');
  if (ps !== undefined) r.portSecurityEnabled = ps;
  const pairs = dicts(a, 'allowed_address_pairs');
  if (pairs.length > 0) {
    r.allowedAddressPairs = pairs.map((x) => ({ ipAddress: x['ip-address'] ?? '', ...(x['mac-address'] ? { macAddress: x['mac-address'] } : {}) }));
  }
  const opts = dhcpOptions(a);
  if (opts !== undefined) r.extraDhcpOpts = opts;
  const project = str(a, 'project');
  if (project !== undefined) r.projectId = findProject(c, project).id;
  refuseDnsOptions(a);
  const p = createPort(c, r);
  // Without the tag-ports-during-bulk-creation extension (this ML2 loads none), OSC tags after the POST.
  return createdWithTags(c, p, strs(a, 'tags'), () => portShow(portDict(c, p)));
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
  const q: Record<string, FilterValue> = {};
  // --router, --server and --device-id all filter on device_id: a port matches them all or none.
  const devices: string[] = [];
  let nothing = false;
  const net = str(a, 'network');
  if (net !== undefined) q['network_id'] = findNetwork(c, net).id;
  const owner = str(a, 'device_owner');
  if (owner !== undefined) q['device_owner'] = owner;
  const router = str(a, 'router');
  if (router !== undefined) devices.push(findBy(visibleRouters(c), 'Router', router).id);
  const server = str(a, 'server');
  if (server !== undefined) {
    const s = c.servers.find((x) => x.id === server) ?? c.servers.find((x) => x.name === server);
    if (s) devices.push(s.id);
    else nothing = true;
  }
  const dev = str(a, 'device_id');
  if (dev !== undefined) devices.push(dev);
  if (devices.some((d) => d !== devices[0])) nothing = true;
  if (devices[0] !== undefined) q['device_id'] = devices[0];
  const host = str(a, 'host');
  if (host !== undefined) q['binding:host_id'] = host;
  const mac = str(a, 'mac_address');
  if (mac !== undefined) q['mac_address'] = mac;
  const name = str(a, 'name');
  if (name !== undefined) q['name'] = name;
  const project = str(a, 'project');
  if (project !== undefined) q['project_id'] = findProject(c, project).id;
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
  const ports = nothing ? [] : listPorts(c, { filters: q, tags: tagFilter(a) }, fixed);
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

function set(c: Cloud, a: Args): Output {
  // OSC resolves --fixed-ip's subnets (_prepare_fixed_ips) before it looks the port up.
  const ips = fixedIpRequests(c, a);
  const p = findPort(c, req(a, 'port'));
  const u: PortUpdate = {};
  const name = str(a, 'name');
  if (name !== undefined) u.name = name;
  const d = str(a, 'description');
  if (d !== undefined) u.description = d;
  const up = pair(a, 'enable', 'disable');
  if (up !== undefined) u.adminStateUp = up;
  const dev = str(a, 'device');
  if (dev !== undefined) u.deviceId = dev;
  const owner = str(a, 'device_owner');
  if (owner !== undefined) u.deviceOwner = owner;
  const host = bindingHost(c, a, 'update', `/v2.0/ports/${p.id}`);
  if (host !== undefined) u.bindingHostId = host;
  const vnic = str(a, 'vnic_type');
  if (vnic !== undefined) u.vnicType = vnic;
  if (flag(a, 'no_fixed_ip') || ips !== undefined) {
    const keep = flag(a, 'no_fixed_ip') ? [] : p.fixedIps.map((f) => ({ subnetId: f.subnetId, ipAddress: f.ipAddress }));
    u.fixedIps = [...keep, ...(ips ?? [])];
  }
  const groups = strs(a, 'security_group');
  if (flag(a, 'no_security_group') || groups.length > 0) {
    const keep = flag(a, 'no_security_group') ? [] : p.securityGroupIds;
    const add = groups.map((g) => findSecurityGroup(c, g).id).filter((id) => !keep.includes(id));
    u.securityGroupIds = [...keep, ...add];
  }
  const ps = pair(a, 'enable_port_security', 'disable_port_security');
  if (ps !== undefined) u.portSecurityEnabled = ps;
  const pairs = dicts(a, 'allowed_address_pairs');
  if (pairs.length > 0 || flag(a, 'no_allowed_address_pair')) {
    const keep = flag(a, 'no_allowed_address_pair') ? [] : p.allowedAddressPairs;
    u.allowedAddressPairs = [
      ...keep,
      ...pairs.map((x) => ({ ipAddress: x['ip-address'] ?? '', ...(x['mac-address'] ? { macAddress: x['mac-address'] } : {}) })),
    ];
  }
  const opts = dhcpOptions(a);
  if (opts !== undefined) u.extraDhcpOpts = opts;
  refuseDnsOptions(a);
  sdkUpdate(p, u, (send) => updatePort(c, p, send));
  setTagsAsClient(c, p, { clear: flag(a, 'no_tag'), add: strs(a, 'tags') });
  return none;
}

function unset(c: Cloud, a: Args): Output {
  const p = findPort(c, req(a, 'port'));
  const u: PortUpdate = {};
  const ips = dicts(a, 'fixed_ip');
  if (ips.length > 0) {
    // OSC 6.0 removes an entry only when the converted dict equals one of the port's entries
    // exactly, so `--fixed-ip ip-address=X` alone never matches (a real quirk).
    let left = [...p.fixedIps];
    for (const x of ips) {
      const want: Record<string, string> = {};
      if (x['subnet'] !== undefined) want['subnet_id'] = findSubnet(c, x['subnet']).id;
      if (x['ip-address'] !== undefined) want['ip_address'] = x['ip-address'];
      const i = left.findIndex((f) => Object.keys(want).length === 2 && want['subnet_id'] === f.subnetId && want['ip_address'] === f.ipAddress);
      if (i < 0) {
        const repr = Object.entries(want).map(([k, v]) => `'${k}': '${v}'`).join(', ');
        throw new CliError(`Port does not contain fixed-ip {${repr}}`);
      }
      left = left.filter((_, k) => k !== i);
    }
    u.fixedIps = left.map((f) => ({ subnetId: f.subnetId, ipAddress: f.ipAddress }));
  }
  const groups = strs(a, 'security_group_ids');
  if (groups.length > 0) {
    // OSC removes each group from the port's list in turn: one the port does not have is an error.
    const left = [...p.securityGroupIds];
    for (const g of groups) {
      const i = left.indexOf(findSecurityGroup(c, g).id);
      if (i < 0) throw new CliError(`Port does not contain security group ${g}`);
      left.splice(i, 1);
    }
    u.securityGroupIds = left;
  }
  if (flag(a, 'host')) u.bindingHostId = bindingHost(c, a, 'update', `/v2.0/ports/${p.id}`) ?? '';
  sdkUpdate(p, u, (send) => updatePort(c, p, send));
  setTagsAsClient(c, p, { clear: flag(a, 'all_tag'), remove: strs(a, 'tags') });
  return none;
}

export const portCommands: OscCommand[] = [
  { name: 'port create', run: ({ cloud, args }) => create(cloud, args) },
  { name: 'port list', run: ({ cloud, args }) => list(cloud, args) },
  { name: 'port show', run: ({ cloud: c, args: a }) => portShow(portDict(c, findPort(c, req(a, 'port')))) },
  { name: 'port set', run: ({ cloud, args }) => set(cloud, args) },
  { name: 'port unset', run: ({ cloud, args }) => unset(cloud, args) },
  {
    name: 'port delete',
    run: ({ cloud: c, args: a }) => deleteEach(c, strs(a, 'port'), { one: 'port', many: 'ports' }, (t) => deletePort(c, findPort(c, t))),
  },
];
