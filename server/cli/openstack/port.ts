/** `openstack port …` */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Port } from '../../sim/model/port.js';
import type { CellValue, PyValue } from '../../render/pyvalue.js';
import { formatted } from '../../render/pyvalue.js';
import { apiFixedIps, createPort, deletePort, updatePort, type FixedIpRequest, type PortCreate, type PortUpdate } from '../../sim/ops/port.js';
import { CliError } from '../errors.js';
import { policyError } from '../../sim/ops/context.js';
import { byTags, deleteEach, dicts, findBy, flag, none, pair, req, str, strs, type Args, type OscCommand, type Output } from './common.js';
import { dictLines, kvLine, listCol, sortFields, upDown } from './format.js';
import { findNetwork, sortedById } from './network.js';
import { findProject } from './project.js';
import { findSecurityGroup } from './security-group.js';
import { findSubnet } from './subnet.js';
import { visiblePorts } from '../../sim/visibility.js';

export function findPort(c: Cloud, nameOrId: string): Port {
  return findBy(visiblePorts(c), 'Port', nameOrId);
}

/** One `ip_address='…', subnet_id='…'` line per address; the machine form keeps the API's key order. */
export function fixedIpsCell(p: Port): CellValue {
  return dictLines(apiFixedIps(p).map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })));
}

const OVS_VIF_DETAILS: Record<string, PyValue> = {
  bridge_name: 'br-int',
  connectivity: 'l2',
  datapath_type: 'system',
  ovs_hybrid_plug: false,
  port_filter: true,
};

function dictCell(d: Record<string, PyValue>): CellValue {
  return formatted(kvLine(d), d);
}

export function portShow(c: Cloud, p: Port): Output {
  const admin = c.auth.admin;
  const bound = p.bindingHostId !== '';
  const fields: Array<[string, CellValue]> = [
    ['admin_state_up', upDown(p.adminStateUp)],
    // The API's key order (mac_address first); tables sort the keys anyway.
    ['allowed_address_pairs', dictLines(p.allowedAddressPairs.map((x) => ({ mac_address: x.macAddress, ip_address: x.ipAddress })))],
    ['binding_host_id', admin ? p.bindingHostId : null],
    ['binding_profile', admin ? dictCell({}) : null],
    ['binding_vif_details', admin ? dictCell(bound ? OVS_VIF_DETAILS : {}) : null],
    ['binding_vif_type', admin ? p.bindingVifType : null],
    ['binding_vnic_type', p.bindingVnicType],
    ['created_at', p.createdAt],
    ['data_plane_status', null],
    ['description', p.description],
    ['device_id', p.deviceId],
    ['device_owner', p.deviceOwner],
    ['device_profile', null],
    ['dns_assignment', null],
    ['dns_domain', null],
    ['dns_name', null],
    ['extra_dhcp_opts', dictLines([])],
    ['fixed_ips', fixedIpsCell(p)],
    ['id', p.id],
    ['ip_allocation', 'immediate'],
    ['mac_address', p.macAddress],
    ['name', p.name],
    ['network_id', p.networkId],
    ['numa_affinity_policy', null],
    ['port_security_enabled', p.portSecurityEnabled],
    ['project_id', p.projectId],
    ['propagate_uplink_status', null],
    ['qos_network_policy_id', null],
    ['qos_policy_id', null],
    ['resource_request', null],
    ['revision_number', p.revision],
    ['security_group_ids', listCol(p.securityGroupIds)],
    ['status', p.status],
    ['tags', listCol(p.tags)],
    ['trunk_details', null],
    ['updated_at', p.updatedAt],
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

/** `--host` binds a port to a host: binding:host_id is an admin-only attribute in Neutron's policy. */
function bindingHost(c: Cloud, a: Args, action: 'create' | 'update', path: string): string | undefined {
  const host = action === 'update' && a['host'] === true ? '' : str(a, 'host');
  if (host !== undefined && !c.auth.admin) throw policyError(path, `(rule:${action}_port and rule:${action}_port:binding:host_id)`);
  return host;
}

function create(c: Cloud, a: Args): Output {
  const net = findNetwork(c, req(a, 'network'));
  const r: PortCreate = { networkId: net.id, name: req(a, 'name') };
  const host = bindingHost(c, a, 'create', '/v2.0/ports');
  if (host !== undefined) r.bindingHostId = host;
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
  const project = str(a, 'project');
  if (project !== undefined) r.projectId = findProject(c, project).id;
  const p = createPort(c, r);
  for (const t of strs(a, 'tags')) if (!p.tags.includes(t)) p.tags.push(t);
  return portShow(c, p);
}

function list(c: Cloud, a: Args): Output {
  let ports = byTags(a, sortedById(visiblePorts(c)));
  const net = str(a, 'network');
  if (net !== undefined) {
    const n = findNetwork(c, net);
    ports = ports.filter((p) => p.networkId === n.id);
  }
  const owner = str(a, 'device_owner');
  if (owner !== undefined) ports = ports.filter((p) => p.deviceOwner === owner);
  const router = str(a, 'router');
  if (router !== undefined) {
    const id = findBy(c.routers.filter((r) => c.auth.admin || r.projectId === c.auth.projectId), 'Router', router).id;
    ports = ports.filter((p) => p.deviceId === id);
  }
  const server = str(a, 'server');
  if (server !== undefined) {
    const s = c.servers.find((x) => x.id === server) ?? c.servers.find((x) => x.name === server);
    ports = ports.filter((p) => s !== undefined && p.deviceId === s.id);
  }
  const dev = str(a, 'device_id');
  if (dev !== undefined) ports = ports.filter((p) => p.deviceId === dev);
  const host = str(a, 'host');
  if (host !== undefined) ports = ports.filter((p) => p.bindingHostId === host);
  const mac = str(a, 'mac_address');
  if (mac !== undefined) ports = ports.filter((p) => p.macAddress === mac);
  const name = str(a, 'name');
  if (name !== undefined) ports = ports.filter((p) => p.name === name);
  const project = str(a, 'project');
  if (project !== undefined) {
    const pid = findProject(c, project).id;
    ports = ports.filter((p) => p.projectId === pid);
  }
  for (const f of dicts(a, 'fixed_ip')) {
    const sub = f['subnet'] !== undefined ? findSubnet(c, f['subnet']).id : undefined;
    const ip = f['ip-address'];
    const substr = f['ip-substring'];
    ports = ports.filter((p) =>
      p.fixedIps.some(
        (x) =>
          (sub === undefined || x.subnetId === sub) &&
          (ip === undefined || x.ipAddress === ip) &&
          (substr === undefined || x.ipAddress.includes(substr)),
      ),
    );
  }
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
  const cell = (p: Port, attr: string): CellValue => {
    switch (attr) {
      case 'id':
        return p.id;
      case 'name':
        return p.name;
      case 'mac_address':
        return p.macAddress;
      case 'fixed_ips':
        return fixedIpsCell(p);
      case 'status':
        return p.status;
      case 'security_group_ids':
        // OSC 6.0 reads a `security_groups` attribute the SDK does not have: always None.
        return null;
      case 'device_owner':
        return p.deviceOwner;
      case 'tags':
        return listCol(p.tags);
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
  const ips = fixedIpRequests(c, a);
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
  updatePort(c, p, u);
  if (flag(a, 'no_tag')) p.tags = [];
  for (const t of strs(a, 'tags')) if (!p.tags.includes(t)) p.tags.push(t);
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
    const ids = groups.map((g) => findSecurityGroup(c, g).id);
    u.securityGroupIds = p.securityGroupIds.filter((id) => !ids.includes(id));
  }
  if (flag(a, 'host')) u.bindingHostId = bindingHost(c, a, 'update', `/v2.0/ports/${p.id}`) ?? '';
  if (Object.keys(u).length > 0) updatePort(c, p, u);
  if (flag(a, 'all_tag')) p.tags = [];
  const tags = strs(a, 'tags');
  p.tags = p.tags.filter((t) => !tags.includes(t));
  return none;
}

export const portCommands: OscCommand[] = [
  { name: 'port create', run: ({ cloud, args }) => create(cloud, args) },
  { name: 'port list', run: ({ cloud, args }) => list(cloud, args) },
  { name: 'port show', run: ({ cloud: c, args: a }) => portShow(c, findPort(c, req(a, 'port'))) },
  { name: 'port set', run: ({ cloud, args }) => set(cloud, args) },
  { name: 'port unset', run: ({ cloud, args }) => unset(cloud, args) },
  {
    name: 'port delete',
    run: ({ cloud: c, args: a }) => deleteEach(c, strs(a, 'port'), { one: 'port', many: 'ports' }, (t) => deletePort(c, findPort(c, t))),
  },
];
