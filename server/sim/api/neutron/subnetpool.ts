/** Neutron subnet pools and address scopes as the API returns them. */
import type { Cloud } from '../../model/cloud.js';
import type { AddressScope, SubnetPool } from '../../model/subnet-pool.js';
import { visiblePools, visibleScopes } from '../../visibility.js';
import type { JsonObject } from '../json.js';
import { listOf, stdAttrs, type ListQuery } from './common.js';

export function subnetPoolDict(p: SubnetPool): JsonObject {
  return {
    id: p.id,
    name: p.name,
    tenant_id: p.projectId,
    prefixes: [...p.prefixes],
    min_prefixlen: p.minPrefixlen,
    max_prefixlen: p.maxPrefixlen,
    default_prefixlen: p.defaultPrefixlen,
    is_default: p.isDefault,
    shared: p.shared,
    default_quota: p.defaultQuota,
    address_scope_id: p.addressScopeId,
    ip_version: p.ipVersion,
    ...stdAttrs(p),
    project_id: p.projectId,
  };
}

/** The prefix lengths, which Neutron's GET (and POST) answer as text: `"24"`, where a PUT answers 24. */
export const SUBNET_POOL_LENGTHS = ['default_prefixlen', 'min_prefixlen', 'max_prefixlen'] as const;

/** A pool as GET answers it: its prefix lengths as text. */
export function subnetPoolGetDict(p: SubnetPool): JsonObject {
  const d = subnetPoolDict(p);
  for (const k of SUBNET_POOL_LENGTHS) d[k] = String(d[k]);
  return d;
}

/** GET /v2.0/subnetpools */
export function listSubnetPools(c: Cloud, q: ListQuery = {}): JsonObject[] {
  return listOf(visiblePools(c), subnetPoolGetDict, q, '/v2.0/subnetpools');
}

export function addressScopeDict(s: AddressScope): JsonObject {
  return { id: s.id, name: s.name, tenant_id: s.projectId, shared: s.shared, ip_version: s.ipVersion, project_id: s.projectId };
}

/** GET /v2.0/address-scopes */
export function listAddressScopes(c: Cloud, q: ListQuery = {}): JsonObject[] {
  return listOf(visibleScopes(c), addressScopeDict, q, '/v2.0/address-scopes');
}
