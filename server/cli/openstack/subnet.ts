/** `openstack subnet …`: projects what sim/api/neutron answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { HostRoute, Subnet } from '../../sim/model/subnet.js';
import type { CellValue } from '../../render/pyvalue.js';
import type { Json, JsonObject } from '../../sim/api/json.js';
import { formatted } from '../../render/pyvalue.js';
import { createSubnet, deleteSubnet, updateSubnet, type SubnetCreate, type SubnetUpdate } from '../../sim/ops/subnet.js';
import { listSubnets as apiListSubnets, subnetDict, type FilterValue } from '../../sim/api/neutron/index.js';
import { CliError } from '../errors.js';
import { createdWithTags, deleteEach, dicts, findBy, flag, none, num, pair, req, str, strs, tagFilter, type Args, type OscCommand, type Output, sdkUpdate } from './common.js';
import { attr, listAttr, sortFields } from './format.js';
import { findNetwork } from './network.js';
import { findProject } from './project.js';
import { findSubnetPool } from './subnet-pool.js';
import { visibleSubnets } from '../../sim/visibility.js';
import { convertToInt } from '../../sim/api/neutron/body.js';
import { setTagsAsClient } from '../../sim/api/neutron/requests/tags.js';
import { serviceTypesOf } from '../../sim/api/neutron/requests/subnets.js';

export function findSubnet(c: Cloud, nameOrId: string): Subnet {
  return findBy(visibleSubnets(c), 'Subnet', nameOrId);
}

const objs = (v: Json | undefined): Array<{ [k: string]: Json }> => (Array.isArray(v) ? (v as Array<{ [k: string]: Json }>) : []);

/** OSC's AllocationPoolsColumn: `start-end`, comma-separated. */
function pools(d: JsonObject): CellValue {
  const ps = objs(d['allocation_pools']);
  return formatted(ps.map((p) => `${String(p['start'])}-${String(p['end'])}`).join(','), ps);
}

/** OSC's HostRoutesColumn: the API's nexthop shown as `gateway`. */
function routes(d: JsonObject): CellValue {
  const rs = objs(d['host_routes']);
  return formatted(rs.map((r) => `destination='${String(r['destination'])}', gateway='${String(r['nexthop'])}'`).join('\n'), rs);
}

/** `subnet show`/`create` rows from the API's subnet (an attribute the response lacks is None). */
export function subnetShow(d: JsonObject): Output {
  const fields: Array<[string, CellValue]> = [
    ['allocation_pools', pools(d)],
    ['cidr', attr(d, 'cidr')],
    ['created_at', attr(d, 'created_at')],
    ['description', attr(d, 'description')],
    ['dns_nameservers', listAttr(d, 'dns_nameservers')],
    ['dns_publish_fixed_ip', attr(d, 'dns_publish_fixed_ip')],
    ['enable_dhcp', attr(d, 'enable_dhcp')],
    ['gateway_ip', attr(d, 'gateway_ip')],
    ['host_routes', routes(d)],
    ['id', attr(d, 'id')],
    ['ip_version', attr(d, 'ip_version')],
    ['ipv6_address_mode', attr(d, 'ipv6_address_mode')],
    ['ipv6_ra_mode', attr(d, 'ipv6_ra_mode')],
    ['name', attr(d, 'name')],
    ['network_id', attr(d, 'network_id')],
    ['project_id', attr(d, 'project_id')],
    ['revision_number', attr(d, 'revision_number')],
    ['segment_id', attr(d, 'segment_id')],
    ['service_types', listAttr(d, 'service_types')],
    ['subnetpool_id', attr(d, 'subnetpool_id')],
    ['tags', listAttr(d, 'tags')],
    ['updated_at', attr(d, 'updated_at')],
  ];
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

function hostRoutes(a: Args, k: string): HostRoute[] {
  return dicts(a, k).map((d) => ({ destination: d['destination'] ?? '', nexthop: d['gateway'] ?? '' }));
}

function allocationPools(a: Args, k: string): Array<{ start: string; end: string }> {
  return dicts(a, k).map((d) => ({ start: d['start'] ?? '', end: d['end'] ?? '' }));
}

function createReq(c: Cloud, a: Args): SubnetCreate {
  const net = findNetwork(c, req(a, 'network'));
  const r: SubnetCreate = { name: req(a, 'name'), networkId: net.id, ipVersion: (num(a, 'ip_version') ?? 4) as 4 | 6 };
  const range = str(a, 'subnet_range');
  if (range !== undefined) r.cidr = range;
  const pool = str(a, 'subnet_pool');
  if (pool !== undefined) r.subnetpoolId = findSubnetPool(c, pool).id;
  if (flag(a, 'use_default_subnet_pool')) r.useDefaultSubnetpool = true;
  const pl = str(a, 'prefix_length');
  if (pl !== undefined) r.prefixLength = convertToInt(pl, '/v2.0/subnets');
  const gw = str(a, 'gateway');
  if (gw !== undefined && gw.toLowerCase() !== 'auto') r.gatewayIp = gw.toLowerCase() === 'none' ? null : gw;
  const dhcp = pair(a, 'dhcp', 'no_dhcp');
  if (dhcp !== undefined) r.enableDhcp = dhcp;
  const ap = allocationPools(a, 'allocation_pools');
  if (ap.length > 0) r.allocationPools = ap;
  const dns = strs(a, 'dns_nameservers');
  if (dns.length > 0) r.dnsNameservers = dns;
  const hr = hostRoutes(a, 'host_routes');
  if (hr.length > 0) r.hostRoutes = hr;
  const ra = str(a, 'ipv6_ra_mode');
  if (ra !== undefined) r.ipv6RaMode = ra as SubnetCreate['ipv6RaMode'] & string;
  const am = str(a, 'ipv6_address_mode');
  if (am !== undefined) r.ipv6AddressMode = am as SubnetCreate['ipv6AddressMode'] & string;
  const d = str(a, 'description');
  if (d !== undefined) r.description = d;
  const st = strs(a, 'service_types');
  // Read as the API reads the body's service_types (this handler still calls the op itself).
  if (st.length > 0) r.serviceTypes = serviceTypesOf('/v2.0/subnets', st);
  const project = str(a, 'project');
  if (project !== undefined) r.projectId = findProject(c, project).id;
  return r;
}

/** The order of openstacksdk's Subnet query parameters: the order of the URL's query. */
const SDK_QUERY_ORDER = ['cidr', 'gateway_ip', 'ip_version', 'name', 'network_id', 'project_id', 'enable_dhcp', 'subnetpool_id'];

/** The query `subnet list`'s options send (names looked up in OSC's order; the query in the SDK's). */
function listQuery(c: Cloud, a: Args): Record<string, FilterValue> {
  const q: Record<string, FilterValue> = {};
  const netArg = str(a, 'network');
  if (netArg !== undefined) q['network_id'] = findNetwork(c, netArg).id;
  const v = num(a, 'ip_version');
  if (v !== undefined) q['ip_version'] = v;
  const dhcp = pair(a, 'dhcp', 'no_dhcp');
  if (dhcp !== undefined) q['enable_dhcp'] = dhcp;
  const name = str(a, 'name');
  if (name !== undefined) q['name'] = name;
  const gw = str(a, 'gateway');
  if (gw !== undefined) q['gateway_ip'] = gw;
  const range = str(a, 'subnet_range');
  if (range !== undefined) q['cidr'] = range;
  const pool = str(a, 'subnet_pool');
  if (pool !== undefined) q['subnetpool_id'] = findSubnetPool(c, pool).id;
  const project = str(a, 'project');
  if (project !== undefined) q['project_id'] = findProject(c, project).id;
  const ordered: Record<string, FilterValue> = {};
  for (const k of SDK_QUERY_ORDER) if (k in q) ordered[k] = q[k] as FilterValue;
  return ordered;
}

function listSubnets(c: Cloud, a: Args): Output {
  const subs = apiListSubnets(c, { filters: listQuery(c, a), tags: tagFilter(a) });
  if (flag(a, 'long')) {
    return {
      kind: 'list',
      data: {
        headers: ['ID', 'Name', 'Network', 'Subnet', 'Project', 'DHCP', 'Name Servers', 'Allocation Pools', 'Host Routes', 'IP Version', 'Gateway', 'Service Types', 'Tags'],
        rows: subs.map((s) => [
          attr(s, 'id'),
          attr(s, 'name'),
          attr(s, 'network_id'),
          attr(s, 'cidr'),
          attr(s, 'project_id'),
          attr(s, 'enable_dhcp'),
          listAttr(s, 'dns_nameservers'),
          pools(s),
          routes(s),
          attr(s, 'ip_version'),
          attr(s, 'gateway_ip'),
          listAttr(s, 'service_types'),
          listAttr(s, 'tags'),
        ]),
      },
    };
  }
  return { kind: 'list', data: { headers: ['ID', 'Name', 'Network', 'Subnet'], rows: subs.map((s) => [attr(s, 'id'), attr(s, 'name'), attr(s, 'network_id'), attr(s, 'cidr')]) } };
}

function setSubnet(c: Cloud, a: Args): Output {
  const s = findSubnet(c, req(a, 'subnet'));
  const u: SubnetUpdate = {};
  const name = str(a, 'name');
  if (name !== undefined) u.name = name;
  const d = str(a, 'description');
  if (d !== undefined) u.description = d;
  const dhcp = pair(a, 'dhcp', 'no_dhcp');
  if (dhcp !== undefined) u.enableDhcp = dhcp;
  const gw = str(a, 'gateway');
  if (gw !== undefined) {
    if (gw.toLowerCase() === 'auto') {
      throw new CliError('Auto option is not available for Subnet Set. Valid options are <ip-address> or none');
    }
    u.gatewayIp = gw.toLowerCase() === 'none' ? null : gw;
  }
  // Without --no-*, OSC appends the new values to the existing ones.
  const ap = allocationPools(a, 'allocation_pools');
  // OSC sends the new pools first, then the existing ones.
  if (ap.length > 0 || flag(a, 'no_allocation_pool')) u.allocationPools = [...ap, ...(flag(a, 'no_allocation_pool') ? [] : s.allocationPools)];
  const dns = strs(a, 'dns_nameservers');
  // OSC puts the new servers before the old ones; Neutron keeps the order it is sent.
  if (dns.length > 0 || flag(a, 'no_dns_nameservers')) u.dnsNameservers = [...dns, ...(flag(a, 'no_dns_nameservers') ? [] : s.dnsNameservers)];
  const hr = hostRoutes(a, 'host_routes');
  if (hr.length > 0 || flag(a, 'no_host_route')) u.hostRoutes = [...(flag(a, 'no_host_route') ? [] : s.hostRoutes), ...hr];
  const st = strs(a, 'service_types');
  if (st.length > 0) u.serviceTypes = serviceTypesOf(`/v2.0/subnets/${s.id}`, [...s.serviceTypes, ...st]);
  sdkUpdate(s, u, (send) => updateSubnet(c, s, send));
  setTagsAsClient(c, s, { clear: flag(a, 'no_tag'), add: strs(a, 'tags') });
  return none;
}

function unsetSubnet(c: Cloud, a: Args): Output {
  const s = findSubnet(c, req(a, 'subnet'));
  // OSC's order: the gateway, DNS servers, host routes, allocation pools, service types.
  const u: SubnetUpdate = {};
  if (flag(a, 'gateway')) u.gatewayIp = null;
  const dns = strs(a, 'dns_nameservers');
  if (dns.length > 0) {
    for (const d of dns) if (!s.dnsNameservers.includes(d)) throw new CliError(`Subnet does not contain dns-nameserver ${d}`);
    u.dnsNameservers = s.dnsNameservers.filter((d) => !dns.includes(d));
  }
  const hr = hostRoutes(a, 'host_routes');
  if (hr.length > 0) {
    for (const r of hr) {
      if (!s.hostRoutes.some((x) => x.destination === r.destination && x.nexthop === r.nexthop)) {
        throw new CliError(`Subnet does not contain host-route {'destination': '${r.destination}', 'nexthop': '${r.nexthop}'}`);
      }
    }
    u.hostRoutes = s.hostRoutes.filter((x) => !hr.some((r) => r.destination === x.destination && r.nexthop === x.nexthop));
  }
  const ap = allocationPools(a, 'allocation_pools');
  if (ap.length > 0) {
    const left = [...s.allocationPools];
    for (const p of ap) {
      const i = left.findIndex((x) => x.start === p.start && x.end === p.end);
      if (i < 0) throw new CliError(`Subnet does not contain allocation-pool {'start': '${p.start}', 'end': '${p.end}'}`);
      left.splice(i, 1);
    }
    u.allocationPools = left;
  }
  const st = strs(a, 'service_types');
  if (st.length > 0) {
    for (const t of st) if (!s.serviceTypes.includes(t)) throw new CliError(`Subnet does not contain service-type ${t}`);
    u.serviceTypes = s.serviceTypes.filter((t) => !st.includes(t));
  }
  sdkUpdate(s, u, (send) => updateSubnet(c, s, send));
  setTagsAsClient(c, s, { clear: flag(a, 'all_tag'), remove: strs(a, 'tags') });
  return none;
}

export const subnetCommands: OscCommand[] = [
  {
    name: 'subnet create',
    run: ({ cloud: c, args: a }) => {
      const s = createSubnet(c, createReq(c, a));
      return createdWithTags(c, s, strs(a, 'tags'), () => subnetShow(subnetDict(s)));
    },
  },
  { name: 'subnet list', run: ({ cloud, args }) => listSubnets(cloud, args) },
  { name: 'subnet show', run: ({ cloud: c, args: a }) => subnetShow(subnetDict(findSubnet(c, req(a, 'subnet')))) },
  { name: 'subnet set', run: ({ cloud, args }) => setSubnet(cloud, args) },
  { name: 'subnet unset', run: ({ cloud, args }) => unsetSubnet(cloud, args) },
  {
    name: 'subnet delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'subnet'), { one: 'subnet', many: 'subnets' }, (t) => deleteSubnet(c, findSubnet(c, t))),
  },
];
