/** `neutron address-scope-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { createAddressScope, deleteAddressScope, updateAddressScope } from '../../sim/ops/subnet-pool.js';
import { addressScopeDict, listAddressScopes } from '../../sim/api/neutron/index.js';
import { visibleScopes } from '../../sim/visibility.js';
import { bBool, bInt, bStr, bulkDelete, compact, find, given, list, num, s, send, show, specFilters, table, type Handler } from './common.js';

export const findScope = (c: Cloud, ref: string) => find(visibleScopes(c), 'address_scope', ref);

export const addressScopeCommands: Record<string, Handler> = {
  'address-scope-create': (c, a, extra) => {
    const own = given({ name: s(a, 'name'), ip_version: num(a, 'ip_version'), tenant_id: s(a, 'tenant_id'), shared: a['shared'] === true ? true : undefined });
    const b = send(c, 'address_scopes', 'create', '/v2.0/address-scopes', own, extra);
    const scope = createAddressScope(c, compact<Parameters<typeof createAddressScope>[1]>({
      name: bStr(b, 'name') ?? '',
      ipVersion: (bInt(b, 'ip_version') ?? 4) as 4 | 6,
      shared: bBool(b, 'shared'),
      projectId: bStr(b, 'tenant_id'),
    }));
    return show(a, addressScopeDict(scope), 'address_scope');
  },
  'address-scope-list': (c, a, extra) => {
    const cols = ['id', 'name', 'ip_version'];
    const scopes = listAddressScopes(c, { filters: specFilters(extra) });
    return table(a, cols, scopes.map((x) => cols.map((k) => x[k] ?? null)), scopes);
  },
  'address-scope-show': (c, a) => show(a, addressScopeDict(findScope(c, s(a, 'id') ?? ''))),
  'address-scope-update': (c, a, extra) => {
    const scope = findScope(c, s(a, 'id') ?? '');
    const own = given({ name: s(a, 'name'), shared: a['shared'] === true ? true : undefined });
    const b = send(c, 'address_scopes', 'update', `/v2.0/address-scopes/${scope.id}`, own, extra);
    updateAddressScope(c, scope, compact<Parameters<typeof updateAddressScope>[2]>({ name: bStr(b, 'name'), shared: bBool(b, 'shared') }));
    return { stdout: `Updated address_scope: ${s(a, 'id') ?? ''}\n` };
  },
  'address-scope-delete': (c, a) => bulkDelete('address_scope', list(a, 'id'), (id) => deleteAddressScope(c, findScope(c, id))),
};
