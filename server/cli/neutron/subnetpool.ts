/** `neutron subnetpool-*` */
import { createSubnetPool } from '../../sim/ops/subnet-pool.js';
import { listSubnetPools, subnetPoolDict } from '../../sim/api/neutron/index.js';
import { list, s, show, table, type Handler } from './common.js';

export const subnetPoolCommands: Record<string, Handler> = {
  'subnetpool-create': (c, a) => {
    const p = createSubnetPool(c, {
      name: s(a, 'name') ?? '',
      prefixes: list(a, 'prefixes'),
      ...(s(a, 'default_prefixlen') !== undefined ? { defaultPrefixlen: Number(s(a, 'default_prefixlen')) } : {}),
      ...(s(a, 'min_prefixlen') !== undefined ? { minPrefixlen: Number(s(a, 'min_prefixlen')) } : {}),
      ...(s(a, 'max_prefixlen') !== undefined ? { maxPrefixlen: Number(s(a, 'max_prefixlen')) } : {}),
    });
    return show(a, subnetPoolDict(p), 'subnetpool');
  },
  'subnetpool-list': (c, a) => {
    const cols = ['id', 'name', 'prefixes', 'default_prefixlen', 'address_scope_id', 'is_default'];
    const pools = listSubnetPools(c);
    return table(a, cols, pools.map((p) => cols.map((k) => p[k] ?? null)), pools);
  },
};
