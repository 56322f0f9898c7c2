/** `neutron subnet-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { postSubnet, putSubnet, subnetWrites } from '../../sim/api/neutron/requests/subnets.js';
import { listSubnets, subnetDict } from '../../sim/api/neutron/index.js';
import { networkSegments } from '../../sim/agents.js';
import { visiblePools, visibleSubnets } from '../../sim/visibility.js';
import { bulkDelete, jsonLines, find, given, kv, list, logWarning, num, s, show, table, type Args, type Handler, listQuery, updateBody } from './common.js';
import { CliError } from '../errors.js';
import { findNetwork } from './net.js';
import type { SpecValue } from './values-specs.js';
import type { JsonObject } from '../../sim/api/json.js';

const stringList = (v: SpecValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
const dictList = (v: SpecValue | undefined): Array<Record<string, string>> =>
  (Array.isArray(v) ? v : v !== undefined ? [v] : []).filter((x): x is Record<string, string> => typeof x === 'object' && x !== null && !Array.isArray(x));

export const findSubnet = (c: Cloud, ref: string) => find(visibleSubnets(c), 'subnet', ref);

/** updatable_args2body's first check, before anything is sent or looked up by subnet-update. */
function checkDhcpFlags(a: Args): void {
  if (a['disable_dhcp'] === true && a['enable_dhcp'] === true) throw new CliError('You cannot enable and disable DHCP at the same time.');
}

/** The IPv6 modes a create sends: refused with IPv4 (updatable_args2body), in neutronclient's order. */
function ipv6Modes(a: Args, version: number): { ipv6_ra_mode?: string; ipv6_address_mode?: string } {
  const ra = s(a, 'ipv6_ra_mode');
  if (ra && version === 4) throw new CliError('--ipv6-ra-mode is invalid when --ip-version is 4');
  const address = s(a, 'ipv6_address_mode');
  if (address && version === 4) throw new CliError('--ipv6-address-mode is invalid when --ip-version is 4');
  return given({ ipv6_ra_mode: ra || undefined, ipv6_address_mode: address || undefined });
}

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
  // CreateSubnet.args2body, in its order: the network, the segment and pool looked up (a pool's
  // version is the subnet's), the CIDR's warning, then updatable_args2body's checks.
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
    // `--subnetpool None` sends None (a subnet with a CIDR of its own); a pool found gives its version.
    const found = pool === undefined || pool === 'None' ? undefined : find(visiblePools(c), 'subnetpool', pool);
    const version = found?.ipVersion ?? num(a, 'ip_version') ?? 4;
    const cidr = s(a, 'cidr');
    const unusable = version === 4 ? '/32' : '/128';
    if (cidr && cidr.endsWith(unusable)) {
      logWarning(a, `An IPv${version} subnet with a ${unusable} CIDR will have only one usable IP address so the device attached to it will not have any IP connectivity.`);
    }
    checkDhcpFlags(a);
    const own = given({
      network_id: net.id,
      ip_version: version,
      cidr,
      tenant_id: s(a, 'tenant_id'),
      ...subnetAttrs(a, dhcp, pools, routes, dns),
      subnetpool_id: pool === undefined ? undefined : found === undefined ? null : found.id,
      segment_id: segment,
      prefixlen: s(a, 'prefixlen'),
      use_default_subnetpool: a['use_default_subnetpool'] === true ? true : undefined,
      ...ipv6Modes(a, version),
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
    checkDhcpFlags(a);
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
