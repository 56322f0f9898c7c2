/** `neutron subnetpool-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { subnetPoolWrites } from '../../sim/api/neutron/requests/subnetpools.js';
import { postSubnetPool, putSubnetPool } from '../../sim/api/neutron/requests/subnetpools.js';
import { visiblePools } from '../../sim/visibility.js';
import { findScope } from './address-scope.js';
import { listSubnetPools, subnetPoolGetDict } from '../../sim/api/neutron/index.js';
import { bulkDelete, find, given, list, num, s, show, listQuery, table, type Handler, updateBody } from './common.js';

export const findPool = (c: Cloud, ref: string) => find(visiblePools(c), 'subnetpool', ref);

/** `--address-scope`: the client looks the scope up and sends its id (last in the body). */
const scopeId = (c: Cloud, ref: string | undefined): string | undefined => (ref === undefined ? undefined : findScope(c, ref).id);

export const subnetPoolCommands: Record<string, Handler> = {
  'subnetpool-create': (c, a, extra) => {
    const own = given({
      name: s(a, 'name'),
      prefixes: list(a, 'prefixes'),
      tenant_id: s(a, 'tenant_id'),
      description: s(a, 'description'),
      default_prefixlen: num(a, 'default_prefixlen'),
      min_prefixlen: num(a, 'min_prefixlen'),
      max_prefixlen: num(a, 'max_prefixlen'),
      // The client sends `shared` only when --shared is given.
      shared: a['shared'] === true ? true : undefined,
      is_default: s(a, 'is_default'),
      address_scope_id: scopeId(c, s(a, 'address_scope')),
    });
    const p = postSubnetPool(c, { ...own, ...extra });
    return show(a, subnetPoolGetDict(p), 'subnetpool');
  },
  'subnetpool-list': (c, a, extra) => {
    const cols = ['id', 'name', 'prefixes', 'default_prefixlen', 'address_scope_id', 'is_default'];
    const pools = listSubnetPools(c, listQuery(a, extra));
    return table(a, cols, pools.map((p) => cols.map((k) => p[k] ?? null)), pools);
  },
  'subnetpool-show': (c, a) => show(a, subnetPoolGetDict(findPool(c, s(a, 'id') ?? ''))),
  'subnetpool-update': (c, a, extra) => {
    // neutronclient's update looks the address scope up (the body) before the pool.
    const scope = s(a, 'address_scope');
    const scopeId = a['no_address_scope'] === true ? null : scope !== undefined ? findScope(c, scope).id : undefined;
    const own = given({
      name: s(a, 'name'),
      description: s(a, 'description'),
      prefixes: list(a, 'prefixes').length ? list(a, 'prefixes') : undefined,
      default_prefixlen: num(a, 'default_prefixlen'),
      min_prefixlen: num(a, 'min_prefixlen'),
      max_prefixlen: num(a, 'max_prefixlen'),
      is_default: s(a, 'is_default'),
      address_scope_id: scopeId,
    });
    const body = updateBody('subnetpool', { ...own, ...extra });
    const pool = findPool(c, s(a, 'id') ?? '');
    putSubnetPool(c, pool, body);
    return { stdout: `Updated subnetpool: ${s(a, 'id') ?? ''}\n` };
  },
  'subnetpool-delete': (c, a) => bulkDelete('subnetpool', list(a, 'id'), (id) => {
    const p = findPool(c, id);
    subnetPoolWrites.remove?.(c, p.id, `/v2.0/subnetpools/${p.id}`);
  }),
};
