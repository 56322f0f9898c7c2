/** `neutron subnet-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { postSubnet, putSubnet, subnetWrites } from '../../sim/api/neutron/requests/subnets.js';
import { listSubnets, subnetDict } from '../../sim/api/neutron/index.js';
import { networkSegments } from '../../sim/agents.js';
import { visiblePools, visibleSubnets } from '../../sim/visibility.js';
import { bulkDelete, jsonLines, find, given, kv, list, num, s, show, table, type Args, type Handler, listQuery, updateBody } from './common.js';
import { findNetwork } from './net.js';
import type { SpecValue } from './values-specs.js';
import type { JsonObject } from '../../sim/api/json.js';

const stringList = (v: SpecValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
const dictList = (v: SpecValue | undefined): Array<Record<string, string>> =>
  (Array.isArray(v) ? v : v !== undefined ? [v] : []).filter((x): x is Record<string, string> => typeof x === 'object' && x !== null && !Array.isArray(x));

export const findSubnet = (c: Cloud, ref: string) => find(visibleSubnets(c), 'subnet', ref);

/** The attributes subnet-create and subnet-update send alike (empty lists are not sent). */
function subnetAttrs(a: Args, dhcp: boolean | undefined, pools: JsonObject[], routes: JsonObject[], dns: string[]) {
  return {
    name: s(a, 'name'),
    description: s(a, 'description'),
    gateway_ip: a['no_gateway'] === true ? null : s(a, 'gateway'),
    enable_dhcp: dhcp,
    allocation_pools: pools.length ? pools : undefined,
    host_routes: routes.length ? routes : undefined,
    dns_nameservers: dns.length ? dns : undefined,
  };
}

export const subnetCommands: Record<string, Handler> = {
  'subnet-create': (c, a, extra) => {
    const net = findNetwork(c, s(a, 'network_id') ?? '');
    const dhcp = a['disable_dhcp'] === true ? false : a['enable_dhcp'] === 'False' || a['enable_dhcp'] === 'false' ? false : a['enable_dhcp'] === true ? true : undefined;
    // List-valued value specs (`--dns_nameservers list=true a b`, `--host_routes type=dict list=true …`)
    // extend the options' own lists, as neutronclient's _merge_args does; the rest go into the body.
    const { allocation_pools: xPools, host_routes: xRoutes, dns_nameservers: xDns, ...rest } = extra;
    const pools = [...list(a, 'allocation_pools').map(kv), ...dictList(xPools)].map((p) => ({ start: p['start'] ?? '', end: p['end'] ?? '' }));
    const routes = [...list(a, 'host_routes').map(kv), ...dictList(xRoutes)].map((r) => ({ destination: r['destination'] ?? '', nexthop: r['nexthop'] ?? '' }));
    const dns = [...list(a, 'dns_nameservers'), ...stringList(xDns)];
    const pool = s(a, 'subnetpool');
    // find_resourceid_by_name_or_id: segments have no name, a member lists none.
    const segment = s(a, 'segment') ? find(networkSegments(c).map((x) => ({ id: x.id, name: '' })), 'segment', s(a, 'segment') ?? '').id : undefined;
    const own = given({
      network_id: net.id,
      ip_version: num(a, 'ip_version') ?? 4,
      cidr: s(a, 'cidr'),
      tenant_id: s(a, 'tenant_id'),
      ...subnetAttrs(a, dhcp, pools, routes, dns),
      // `--subnetpool None` sends None (a subnet with a CIDR of its own).
      subnetpool_id: pool === undefined ? undefined : pool === 'None' ? null : find(visiblePools(c), 'subnetpool', pool).id,
      segment_id: segment,
      prefixlen: s(a, 'prefixlen'),
      use_default_subnetpool: a['use_default_subnetpool'] === true ? true : undefined,
      ipv6_ra_mode: s(a, 'ipv6_ra_mode'),
      ipv6_address_mode: s(a, 'ipv6_address_mode'),
    });
    const sub = postSubnet(c, { ...own, ...rest });
    return show(a, subnetDict(sub), 'subnet');
  },
  'subnet-list': (c, a, extra) => {
    const subs = listSubnets(c, listQuery(a, extra));
    return table(a, ['id', 'name', 'cidr', 'allocation_pools'], subs.map((x) => [x['id'] ?? null, x['name'] ?? null, x['cidr'] ?? null, x['allocation_pools'] ?? null]), subs, {
      allocation_pools: jsonLines,
      dns_nameservers: jsonLines,
      host_routes: jsonLines,
    });
  },
  'subnet-show': (c, a) => show(a, subnetDict(findSubnet(c, s(a, 'id') ?? ''))),
  'subnet-update': (c, a, extra) => {
    const dhcp = a['disable_dhcp'] === true ? false : a['enable_dhcp'] === true ? true : undefined;
    const pools = list(a, 'allocation_pools').map(kv).map((p) => ({ start: p['start'] ?? '', end: p['end'] ?? '' }));
    const routes = list(a, 'host_routes').map(kv).map((r) => ({ destination: r['destination'] ?? '', nexthop: r['nexthop'] ?? '' }));
    const dns = list(a, 'dns_nameservers');
    const own = given({
      ...subnetAttrs(a, dhcp, pools, routes, dns),
    });
    const body = updateBody('subnet', { ...own, ...extra });
    const sub = findSubnet(c, s(a, 'id') ?? '');
    putSubnet(c, sub, body);
    return { stdout: `Updated subnet: ${s(a, 'id') ?? ''}\n` };
  },
  'subnet-delete': (c, a) => bulkDelete('subnet', list(a, 'id'), (id) => {
    const x = findSubnet(c, id);
    subnetWrites.remove?.(c, x.id, `/v2.0/subnets/${x.id}`);
  }),
};
