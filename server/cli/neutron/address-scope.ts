/** `neutron address-scope-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { addressScopeWrites } from '../../sim/api/neutron/requests/address-scopes.js';
import { postAddressScope, putAddressScope } from '../../sim/api/neutron/requests/address-scopes.js';
import { addressScopeDict, listAddressScopes } from '../../sim/api/neutron/index.js';
import { visibleScopes } from '../../sim/visibility.js';
import { bulkDelete, find, given, list, num, s, show, listQuery, table, type Handler, updateBody } from './common.js';

export const findScope = (c: Cloud, ref: string) => find(visibleScopes(c), 'address_scope', ref);

export const addressScopeCommands: Record<string, Handler> = {
  'address-scope-create': (c, a, extra) => {
    const own = given({ name: s(a, 'name'), ip_version: num(a, 'ip_version'), tenant_id: s(a, 'tenant_id'), shared: a['shared'] === true ? true : undefined });
    const scope = postAddressScope(c, { ...own, ...extra });
    return show(a, addressScopeDict(scope), 'address_scope');
  },
  'address-scope-list': (c, a, extra) => {
    const cols = ['id', 'name', 'ip_version'];
    const scopes = listAddressScopes(c, listQuery(a, extra));
    return table(a, cols, scopes.map((x) => cols.map((k) => x[k] ?? null)), scopes);
  },
  'address-scope-show': (c, a) => show(a, addressScopeDict(findScope(c, s(a, 'id') ?? ''))),
  'address-scope-update': (c, a, extra) => {
    const own = given({ name: s(a, 'name'), shared: a['shared'] === true ? true : undefined });
    const body = updateBody('address_scope', { ...own, ...extra });
    const scope = findScope(c, s(a, 'id') ?? '');
    putAddressScope(c, scope, body);
    return { stdout: `Updated address_scope: ${s(a, 'id') ?? ''}\n` };
  },
  'address-scope-delete': (c, a) => bulkDelete('address_scope', list(a, 'id'), (id) => {
    const x = findScope(c, id);
    addressScopeWrites.remove?.(c, x.id, `/v2.0/address-scopes/${x.id}`);
  }),
};
