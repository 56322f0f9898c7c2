/** `openstack subnet …`: projects what sim/api/neutron answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Subnet } from '../../sim/model/subnet.js';
import type { CellValue } from '../../render/pyvalue.js';
import type { Json, JsonObject } from '../../sim/api/json.js';
import { formatted, pyRepr } from '../../render/pyvalue.js';
import { findSegment, listSubnets as apiListSubnets, subnetDict, type FilterValue } from '../../sim/api/neutron/index.js';
import { postSubnet, putSubnet, subnetWrites } from '../../sim/api/neutron/requests/subnets.js';
import { pyEquals } from '../../sim/python.js';
import { CliError, afterCommit } from '../errors.js';
import { createdWithTags, deleteEach, dicts, findBy, flag, none, num, pair, req, sdkBody, sdkUpdate, str, strs, tagFilter, type Args, type OscCommand, type Output } from './common.js';
import { attr, listAttr, sortFields } from './format.js';
import { findNetwork } from './network.js';
import { findProject } from './project.js';
import { findSubnetPool } from './subnet-pool.js';
import { visibleSubnets } from '../../sim/visibility.js';
import { setTagsAsClient, tagsPath } from '../../sim/api/neutron/requests/tags.js';

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

/** The wire names of openstacksdk's Subnet attributes that differ from them (OSC's own keys and `--extra-property`). */
const SDK_SUBNET_NAMES: Readonly<Record<string, string>> = {
  is_dhcp_enabled: 'enable_dhcp',
  prefix_length: 'prefixlen',
  subnet_pool_id: 'subnetpool_id',
  use_default_subnet_pool: 'use_default_subnetpool',
};

/** openstacksdk's find_segment: by id (segments have no name here); a member finds none. */
function findSegmentId(c: Cloud, ref: string): string {
  const seg = findSegment(c, ref);
  if (!seg) throw new CliError(`No Segment found for ${ref}`);
  return String(seg['id']);
}

/** MultiKeyValueAction's dicts as given (their keys in the order typed). */
const given = (a: Args, k: string): JsonObject[] => dicts(a, k).map((d) => ({ ...d }));

/** convert_entries_to_nexthop: each route's `gateway` key becomes `nexthop`, moved to the end. */
function toNexthop(routes: JsonObject[]): JsonObject[] {
  return routes.map((r) => {
    const out: JsonObject = { ...r };
    if ('gateway' in out) {
      out['nexthop'] = out['gateway'] ?? null;
      delete out['gateway'];
    }
    return out;
  });
}

/**
 * _get_attrs: what `subnet create` and `subnet set` send, in OSC's order, as given (text stays
 * text: Neutron converts `--prefix-length`); names looked up where OSC looks them up.
 */
function subnetAttrs(c: Cloud, a: Args, isCreate: boolean): JsonObject {
  const b: JsonObject = {};
  const name = str(a, 'name');
  if (name !== undefined) b['name'] = name;
  if (isCreate) {
    const project = str(a, 'project');
    if (project !== undefined) b['project_id'] = findProject(c, project).id;
    b['network_id'] = findNetwork(c, req(a, 'network')).id;
    const pool = str(a, 'subnet_pool');
    if (pool !== undefined) b['subnetpool_id'] = findSubnetPool(c, pool).id;
    if (str(a, 'use_prefix_delegation')) b['subnetpool_id'] = 'prefix_delegation';
    if (flag(a, 'use_default_subnet_pool')) b['use_default_subnet_pool'] = true;
    const pl = str(a, 'prefix_length');
    if (pl !== undefined) b['prefixlen'] = pl;
    const range = str(a, 'subnet_range');
    if (range !== undefined) b['cidr'] = range;
    b['ip_version'] = num(a, 'ip_version') ?? 4;
    const ra = str(a, 'ipv6_ra_mode');
    if (ra !== undefined) b['ipv6_ra_mode'] = ra;
    const am = str(a, 'ipv6_address_mode');
    if (am !== undefined) b['ipv6_address_mode'] = am;
  }
  const segment = str(a, 'network_segment');
  if (segment !== undefined) b['segment_id'] = findSegmentId(c, segment);
  const gw = str(a, 'gateway')?.toLowerCase();
  if (gw !== undefined) {
    if (!isCreate && gw === 'auto') throw new CliError('Auto option is not available for Subnet Set. Valid options are <ip-address> or none');
    if (gw !== 'auto') b['gateway_ip'] = gw === 'none' ? null : gw;
  }
  if (dicts(a, 'allocation_pools').length > 0) b['allocation_pools'] = given(a, 'allocation_pools');
  if (flag(a, 'dhcp')) b['enable_dhcp'] = true;
  if (flag(a, 'no_dhcp')) b['enable_dhcp'] = false;
  if (flag(a, 'dns_publish_fixed_ip')) b['dns_publish_fixed_ip'] = true;
  if (flag(a, 'no_dns_publish_fixed_ip')) b['dns_publish_fixed_ip'] = false;
  if (strs(a, 'dns_nameservers').length > 0) b['dns_nameservers'] = strs(a, 'dns_nameservers');
  if (dicts(a, 'host_routes').length > 0) b['host_routes'] = toNexthop(given(a, 'host_routes'));
  if (strs(a, 'service_types').length > 0) b['service_types'] = strs(a, 'service_types');
  const d = str(a, 'description');
  if (d !== undefined) b['description'] = d;
  return b;
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
  const found = subnetDict(s);
  const b = subnetAttrs(c, a, false);
  // Without --no-*, OSC appends the subnet's values to the new ones (service types always).
  const list = (k: string) => (Array.isArray(found[k]) ? (found[k] as Json[]) : []);
  for (const [k, clear] of [['dns_nameservers', 'no_dns_nameservers'], ['host_routes', 'no_host_route'], ['allocation_pools', 'no_allocation_pool']] as const) {
    if (k in b) {
      if (!flag(a, clear)) b[k] = [...(b[k] as Json[]), ...list(k)];
    } else if (flag(a, clear)) b[k] = [];
  }
  if ('service_types' in b) b['service_types'] = [...(b['service_types'] as Json[]), ...list('service_types')];
  const { body } = sdkBody(b, a, SDK_SUBNET_NAMES);
  sdkUpdate(found, body, (send) => putSubnet(c, s, send));
  afterCommit(() => setTagsAsClient(c, s, { clear: flag(a, 'no_tag'), add: strs(a, 'tags') }, tagsPath('subnets', s.id)));
  return none;
}

/** _update_arguments: each value taken out of the subnet's list (its first equal one), or the option's error. */
function without(list: readonly Json[], remove: readonly Json[], option: string): Json[] {
  const left = [...list];
  for (const x of remove) {
    const i = left.findIndex((y) => pyEquals(x, y));
    if (i < 0) throw new CliError(`Subnet does not contain ${option} ${typeof x === 'string' ? x : pyRepr(x)}`);
    left.splice(i, 1);
  }
  return left;
}

function unsetSubnet(c: Cloud, a: Args): Output {
  const s = findSubnet(c, req(a, 'subnet'));
  const found = subnetDict(s);
  const list = (k: string) => (Array.isArray(found[k]) ? (found[k] as Json[]) : []);
  // OSC's order: the gateway, DNS servers, host routes, allocation pools, service types.
  const b: JsonObject = {};
  if (flag(a, 'gateway')) b['gateway_ip'] = null;
  const dns = strs(a, 'dns_nameservers');
  if (dns.length > 0) b['dns_nameservers'] = without(list('dns_nameservers'), dns, 'dns-nameserver');
  const hr = toNexthop(given(a, 'host_routes'));
  if (hr.length > 0) b['host_routes'] = without(list('host_routes'), hr, 'host-route');
  const ap = given(a, 'allocation_pools');
  if (ap.length > 0) b['allocation_pools'] = without(list('allocation_pools'), ap, 'allocation-pool');
  const st = strs(a, 'service_types');
  if (st.length > 0) b['service_types'] = without(list('service_types'), st, 'service-type');
  // NeutronUnsetCommandWithExtraArgs: each extra property's name, set to None.
  const { body } = sdkBody(b, a, SDK_SUBNET_NAMES, true);
  sdkUpdate(found, body, (send) => putSubnet(c, s, send));
  afterCommit(() => setTagsAsClient(c, s, { clear: flag(a, 'all_tag'), remove: strs(a, 'tags') }, tagsPath('subnets', s.id)));
  return none;
}

export const subnetCommands: OscCommand[] = [
  {
    name: 'subnet create', shares: true,
    run: ({ cloud: c, args: a }) => {
      const { body } = sdkBody(subnetAttrs(c, a, true), a, SDK_SUBNET_NAMES);
      const s = postSubnet(c, body);
      return createdWithTags(c, s, strs(a, 'tags'), tagsPath('subnets', s.id), () => subnetShow(subnetDict(s)));
    },
  },
  { name: 'subnet list', run: ({ cloud, args }) => listSubnets(cloud, args) },
  { name: 'subnet show', run: ({ cloud: c, args: a }) => subnetShow(subnetDict(findSubnet(c, req(a, 'subnet')))) },
  { name: 'subnet set', shares: true, run: ({ cloud, args }) => setSubnet(cloud, args) },
  { name: 'subnet unset', shares: true, run: ({ cloud, args }) => unsetSubnet(cloud, args) },
  {
    name: 'subnet delete', shares: true,
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'subnet'), { one: 'subnet', many: 'subnets' }, (t) => {
        const s = findSubnet(c, t);
        subnetWrites.remove?.(c, s.id, `/v2.0/subnets/${s.id}`);
      }),
  },
];
