/** `neutron tag-add / tag-replace / tag-remove` and the other read-only extras (`net-external-list`, `service-provider-list`). */
import type { Cloud } from '../../sim/model/cloud.js';
import { listNetworks, type FilterValue } from '../../sim/api/neutron/index.js';
import { deleteTag, deleteTags, putTag, putTags, type Tagged } from '../../sim/api/neutron/requests/tags.js';
import { listServiceProviders } from '../../sim/api/neutron/service-provider.js';
import { CliError } from '../errors.js';
import { dictTable, list, listQuery, s, specFilters, type Args, type Handler } from './common.js';
import { findNetwork, networkTable } from './net.js';
import { findPort } from './port.js';
import { findRouter } from './router.js';
import { findSubnet } from './subnet.js';
import { findPool } from './subnetpool.js';

/** The client's TAG_RESOURCES, each with its collection and its name-or-ID lookup. */
const TAGGABLE: Record<string, { plural: string; find: (c: Cloud, ref: string) => Tagged & { id: string } }> = {
  network: { plural: 'networks', find: findNetwork },
  subnet: { plural: 'subnets', find: findSubnet },
  port: { plural: 'ports', find: findPort },
  router: { plural: 'routers', find: findRouter },
  subnetpool: { plural: 'subnetpools', find: findPool },
};

/** The resource `--resource-type/--resource` name (argparse has checked the type), and its tags' path. */
function target(c: Cloud, a: Args): { r: Tagged; path: string } {
  const t = TAGGABLE[s(a, 'resource_type') ?? ''];
  if (!t) throw new Error(`tag: unchecked resource type ${String(a['resource_type'])}`);
  const r = t.find(c, s(a, 'resource') ?? '');
  return { r, path: `/v2.0/${t.plural}/${r.id}/tags` };
}

export const tagCommands: Record<string, Handler> = {
  'tag-add': (c, a) => {
    const tag = s(a, 'tag') ?? '';
    if (tag === '') throw new CliError('Cannot add an empty value as tag');
    const { r, path } = target(c, a);
    putTag(c, r, tag, path);
    return { stdout: '' };
  },
  'tag-replace': (c, a) => {
    const { r, path } = target(c, a);
    putTags(c, r, list(a, 'tags'), path);
    return { stdout: '' };
  },
  'tag-remove': (c, a) => {
    const tag = s(a, 'tag');
    if (a['all'] !== true && tag === undefined) throw new CliError('--all or --tag must be specified');
    const { r, path } = target(c, a);
    if (a['all'] === true) deleteTags(c, r);
    else deleteTag(c, r, tag ?? '', path);
    return { stdout: '' };
  },
  // net-list with the filter router:external=True (its own filter options go to the server too).
  'net-external-list': (c, a, extra) => {
    const q = listQuery(a, extra);
    const filters: Record<string, FilterValue> = { ...q.filters, 'router:external': 'True' };
    for (const k of ['name', 'admin_state_up', 'status', 'shared']) if (typeof a[k] === 'string') filters[k] = a[k];
    return networkTable(c, a, listNetworks(c, { ...q, filters }));
  },
  'service-provider-list': (c, a, extra) => dictTable(a, ['service_type', 'name', 'default'], listServiceProviders(specFilters(extra))),
};
