/** `neutron address-scope-*` */
import { listAddressScopes } from '../../sim/api/neutron/index.js';
import { table, type Handler } from './common.js';

export const addressScopeCommands: Record<string, Handler> = {
  'address-scope-list': (c, a) => {
    const cols = ['id', 'name', 'ip_version'];
    const scopes = listAddressScopes(c);
    return table(a, cols, scopes.map((x) => cols.map((k) => x[k] ?? null)), scopes);
  },
};
