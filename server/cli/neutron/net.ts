/** `neutron net-*` */
import { extended } from '../../sim/objects.js';
import type { Cloud } from '../../sim/model/cloud.js';
import { networkWrites, postNetwork, putNetwork } from '../../sim/api/neutron/requests/networks.js';
import { listNetworks, networkDict, type FilterValue } from '../../sim/api/neutron/index.js';
import { visibleNetworks, visibleSubnets } from '../../sim/visibility.js';
import { formatted } from '../../render/pyvalue.js';
import { bulkDelete, dictTable, find, given, jsonLines, list, num, s, listQuery, show, table, type Args, type Handler, type Out, updateBody } from './common.js';
import type { JsonObject } from '../../sim/api/json.js';
import { ipAvailabilityDict, listIpAvailabilities } from '../../sim/api/neutron/ip-availability.js';

export const findNetwork = (c: Cloud, ref: string) => find(visibleNetworks(c), 'network', ref);

/** net-list's table (and its subclasses', e.g. net-list-on-dhcp-agent). */
export function networkTable(c: Cloud, a: Args, nets: JsonObject[]): Out {
  // neutronclient asks for the subnets' CIDRs too (the ones the caller may list; the others stay
  // bare ids): the table shows one "id cidr" line per subnet.
  const cidrs = new Map(visibleSubnets(c).map((x) => [x.id, x.cidr]));
  return table(a, ['id', 'name', 'subnets'], nets.map((n) => {
    const subs = (n['subnets'] as string[]).map((id): Record<string, string> => {
      const cidr = cidrs.get(id);
      return cidr === undefined ? { id } : { id, cidr };
    });
    return [n['id'] ?? null, n['name'] ?? null, formatted(subs.map((x) => `${x['id'] ?? ''} ${x['cidr'] ?? ''}`).join('\n'), subs)];
  }), nets);
}

export const netCommands: Record<string, Handler> = {
  'net-create': (c, a, extra) => {
    // neutronclient always sends admin_state_up; value specs go into the body as given.
    const own = given({
      admin_state_up: a['admin_state'] !== false,
      name: s(a, 'name'),
      shared: a['shared'] === true ? true : undefined,
      tenant_id: s(a, 'tenant_id'),
      description: s(a, 'description'),
      'provider:network_type': s(a, 'provider:network_type'),
      'provider:physical_network': s(a, 'provider:physical_network'),
      'provider:segmentation_id': s(a, 'provider:segmentation_id'),
      availability_zone_hints: list(a, 'availability_zone_hints').length ? list(a, 'availability_zone_hints') : undefined,
    });
    const n = postNetwork(c, { ...own, ...extra });
    return show(a, networkDict(c, n, 'create'), 'network');
  },
  'net-list': (c, a, extra) => {
    // net-list's own filter options go to the server like the value specs.
    const q = listQuery(a, extra);
    const filters: Record<string, FilterValue> = { ...q.filters };
    for (const k of ['name', 'admin_state_up', 'status', 'shared', 'router:external']) if (typeof a[k] === 'string') filters[k] = a[k];
    const tags = (k: string) => (typeof a[k] === 'string' ? (a[k] as string).split(',') : []);
    const nets = listNetworks(c, { ...q, filters, tags: { tags: tags('tags'), any: tags('tags_any'), notAll: tags('not_tags'), notAny: tags('not_tags_any') } });
    return networkTable(c, a, nets);
  },
  'net-show': (c, a) => show(a, networkDict(c, findNetwork(c, s(a, 'id') ?? ''), 'show')),
  'net-update': (c, a, extra) => {
    const body = updateBody('network', { ...given({ name: s(a, 'name'), description: s(a, 'description') }), ...extra });
    const n = findNetwork(c, s(a, 'id') ?? '');
    putNetwork(c, n, body);
    return { stdout: `Updated network: ${s(a, 'id') ?? ''}\n` };
  },
  // neutronclient lists the availability of every network, an --ip-version as a filter.
  'net-ip-availability-list': (c, a, extra) => {
    const v = num(a, 'ip_version');
    const q = listQuery(a, extra);
    const rows = listIpAvailabilities(c, { ...q, filters: { ...q.filters, ...(v !== undefined ? { ip_version: v } : {}) } });
    return dictTable(a, ['network_id', 'network_name', 'total_ips', 'used_ips'], rows);
  },
  // The subnets' availability is text in every format: one JSON object per line.
  'net-ip-availability-show': (c, a) => {
    const d = ipAvailabilityDict(c, findNetwork(c, s(a, 'network_id') ?? ''));
    return show(a, extended(d, { subnet_ip_availability: jsonLines(d['subnet_ip_availability'] ?? []) }));
  },
  'net-delete': (c: Cloud, a: Args) => bulkDelete('network', list(a, 'id'), (id) => {
    const n = findNetwork(c, id);
    networkWrites.remove?.(c, n.id, `/v2.0/networks/${n.id}`);
  }),
};
