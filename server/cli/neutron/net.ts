/** `neutron net-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { createNetwork, deleteNetwork, updateNetwork, type NetworkCreate } from '../../sim/ops/network.js';
import { listNetworks, networkDict, type FilterValue } from '../../sim/api/neutron/index.js';
import { visibleNetworks } from '../../sim/visibility.js';
import { formatted } from '../../render/pyvalue.js';
import { bulkDelete, find, list, s, show, specFilters, table, truth, type Args, type Handler } from './common.js';

export const findNetwork = (c: Cloud, ref: string) => find(visibleNetworks(c), 'network', ref);

export const netCommands: Record<string, Handler> = {
  'net-create': (c, a, extra) => {
    const r: NetworkCreate = { name: s(a, 'name') ?? '' };
    if (a['admin_state'] === false) r.adminStateUp = false;
    if (a['shared'] === true) r.shared = true;
    const t = s(a, 'provider:network_type');
    if (t !== undefined) r.networkType = t;
    const p = s(a, 'provider:physical_network');
    if (p !== undefined) r.physicalNetwork = p;
    const seg = s(a, 'provider:segmentation_id');
    if (seg !== undefined) r.segmentationId = Number(seg);
    const ext = truth(extra['router:external']);
    if (ext !== undefined) r.external = ext;
    const d = s(a, 'description');
    if (d !== undefined) r.description = d;
    // Value specs go into the body as given (`--mtu type=int 1400`, `--mtu=1400`).
    const mtu = extra['mtu'];
    if (typeof mtu === 'number' || (typeof mtu === 'string' && /^\d+$/.test(mtu))) r.mtu = Number(mtu);
    const n = createNetwork(c, r);
    return show(a, networkDict(c, n, 'create'), 'network');
  },
  'net-list': (c, a, extra) => {
    // net-list's own filter options go to the server like the value specs.
    const filters: Record<string, FilterValue> = specFilters(extra);
    for (const k of ['name', 'admin_state_up', 'status', 'shared', 'router:external']) if (typeof a[k] === 'string') filters[k] = a[k];
    const tags = (k: string) => (typeof a[k] === 'string' ? (a[k] as string).split(',') : []);
    const nets = listNetworks(c, { filters, tags: { tags: tags('tags'), any: tags('tags_any'), notAll: tags('not_tags'), notAny: tags('not_tags_any') } });
    // neutronclient asks for the subnets' CIDRs too: the table shows one "id cidr" line per subnet.
    const cidrs = new Map(c.subnets.map((x) => [x.id, x.cidr]));
    return table(a, ['id', 'name', 'subnets'], nets.map((n) => {
      const subs = (n['subnets'] as string[]).map((id) => ({ id, cidr: cidrs.get(id) ?? '' }));
      return [n['id'] ?? null, n['name'] ?? null, formatted(subs.map((x) => `${x.id} ${x.cidr}`).join('\n'), subs)];
    }), nets);
  },
  'net-show': (c, a) => show(a, networkDict(c, findNetwork(c, s(a, 'id') ?? ''), 'show')),
  'net-update': (c, a, extra) => {
    const n = findNetwork(c, s(a, 'id') ?? '');
    const ext = truth(extra['router:external']);
    updateNetwork(c, n, {
      ...(s(a, 'name') !== undefined ? { name: s(a, 'name') as string } : {}),
      ...(s(a, 'description') !== undefined ? { description: s(a, 'description') as string } : {}),
      ...(ext !== undefined ? { external: ext } : {}),
      ...(truth(extra['shared']) !== undefined ? { shared: truth(extra['shared']) as boolean } : {}),
    });
    return { stdout: `Updated network: ${s(a, 'id') ?? ''}\n` };
  },
  'net-delete': (c: Cloud, a: Args) => bulkDelete('network', list(a, 'id'), (id) => deleteNetwork(c, findNetwork(c, id))),
};
