/** `neutron subnet-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { createSubnet, deleteSubnet, updateSubnet, type SubnetUpdate } from '../../sim/ops/subnet.js';
import { listSubnets, subnetDict } from '../../sim/api/neutron/index.js';
import { visiblePools, visibleSubnets } from '../../sim/visibility.js';
import { bulkDelete, find, kv, list, s, show, table, truth, type Handler, specFilters } from './common.js';
import { findNetwork } from './net.js';
import type { SpecValue } from './values-specs.js';

const stringList = (v: SpecValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
const dictList = (v: SpecValue | undefined): Array<Record<string, string>> =>
  (Array.isArray(v) ? v : v !== undefined ? [v] : []).filter((x): x is Record<string, string> => typeof x === 'object' && x !== null && !Array.isArray(x));

export const findSubnet = (c: Cloud, ref: string) => find(visibleSubnets(c), 'subnet', ref);

export const subnetCommands: Record<string, Handler> = {
  'subnet-create': (c, a, extra) => {
    const net = findNetwork(c, s(a, 'network_id') ?? '');
    const gw = a['no_gateway'] === true ? null : s(a, 'gateway');
    const dhcp = a['disable_dhcp'] === true ? false : a['enable_dhcp'] === 'False' || a['enable_dhcp'] === 'false' ? false : truth(extra['enable_dhcp']);
    // List-valued value specs (`--dns_nameservers list=true a b`, `--host_routes type=dict list=true …`)
    // extend the options' own lists, as neutronclient's _merge_args does.
    const pools = [...list(a, 'allocation_pools').map(kv), ...dictList(extra['allocation_pools'])].map((p) => ({ start: p['start'] ?? '', end: p['end'] ?? '' }));
    const routes = [...list(a, 'host_routes').map(kv), ...dictList(extra['host_routes'])].map((r) => ({ destination: r['destination'] ?? '', nexthop: r['nexthop'] ?? '' }));
    const dns = [...list(a, 'dns_nameservers'), ...stringList(extra['dns_nameservers'])];
    const pool = s(a, 'subnetpool');
    const sub = createSubnet(c, {
      name: s(a, 'name') ?? '',
      networkId: net.id,
      ipVersion: (Number(s(a, 'ip_version') ?? 4) as 4 | 6),
      ...(s(a, 'cidr') !== undefined ? { cidr: s(a, 'cidr') as string } : {}),
      ...(gw !== undefined ? { gatewayIp: gw } : {}),
      ...(dhcp !== undefined ? { enableDhcp: dhcp } : {}),
      ...(pools.length ? { allocationPools: pools } : {}),
      ...(routes.length ? { hostRoutes: routes } : {}),
      ...(dns.length ? { dnsNameservers: dns } : {}),
      ...(pool !== undefined ? { subnetpoolId: find(visiblePools(c), 'subnetpool', pool).id } : {}),
      ...(s(a, 'prefixlen') !== undefined ? { prefixLength: Number(s(a, 'prefixlen')) } : {}),
      ...(a['use_default_subnetpool'] === true ? { useDefaultSubnetpool: true } : {}),
      ...(s(a, 'ipv6_ra_mode') !== undefined ? { ipv6RaMode: s(a, 'ipv6_ra_mode') as 'slaac' } : {}),
      ...(s(a, 'ipv6_address_mode') !== undefined ? { ipv6AddressMode: s(a, 'ipv6_address_mode') as 'slaac' } : {}),
    });
    return show(a, subnetDict(sub), 'subnet');
  },
  'subnet-list': (c, a, extra) => {
    const subs = listSubnets(c, { filters: specFilters(extra) });
    return table(a, ['id', 'name', 'cidr', 'allocation_pools'], subs.map((x) => [x['id'] ?? null, x['name'] ?? null, x['cidr'] ?? null, x['allocation_pools'] ?? null]), subs);
  },
  'subnet-show': (c, a) => show(a, subnetDict(findSubnet(c, s(a, 'id') ?? ''))),
  'subnet-update': (c, a, extra) => {
    const sub = findSubnet(c, s(a, 'id') ?? '');
    const upd: SubnetUpdate = {};
    const name = s(a, 'name');
    if (name !== undefined) upd.name = name;
    const d = s(a, 'description');
    if (d !== undefined) upd.description = d;
    if (a['no_gateway'] === true) upd.gatewayIp = null;
    else if (s(a, 'gateway') !== undefined) upd.gatewayIp = s(a, 'gateway') as string;
    const dhcp = a['disable_dhcp'] === true ? false : a['enable_dhcp'] === true ? true : truth(extra['enable_dhcp']);
    if (dhcp !== undefined) upd.enableDhcp = dhcp;
    const pools = list(a, 'allocation_pools').map(kv).map((p) => ({ start: p['start'] ?? '', end: p['end'] ?? '' }));
    if (pools.length) upd.allocationPools = pools;
    const routes = list(a, 'host_routes').map(kv).map((r) => ({ destination: r['destination'] ?? '', nexthop: r['nexthop'] ?? '' }));
    if (routes.length) upd.hostRoutes = routes;
    if (list(a, 'dns_nameservers').length) upd.dnsNameservers = list(a, 'dns_nameservers');
    updateSubnet(c, sub, upd);
    return { stdout: `Updated subnet: ${s(a, 'id') ?? ''}\n` };
  },
  'subnet-delete': (c, a) => bulkDelete('subnet', list(a, 'id'), (id) => deleteSubnet(c, findSubnet(c, id))),
};
