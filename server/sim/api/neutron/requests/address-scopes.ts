/**
 * POST, PUT and DELETE /v2.0/address-scopes: a body's attributes as the address scope ops take
 * them. The legacy CLI's address-scope-create and -update send their bodies through
 * postAddressScope and putAddressScope.
 */
import type { Cloud } from '../../../model/cloud.js';
import type { AddressScope } from '../../../model/subnet-pool.js';
import {
  createAddressScope,
  deleteAddressScope,
  updateAddressScope,
} from '../../../ops/subnet-pool.js';
import { visibleScopes } from '../../../visibility.js';
import type { JsonObject } from '../../json.js';
import { addressScopeDict } from '../subnetpool.js';
import type { CollectionWrites } from './types.js';
import {
  defined,
  flag,
  ordered,
  prepare,
  text,
  visible,
} from './order.js';

const PATH = '/v2.0/address-scopes';

/** The keys of every answer (the address scope object's order). */
const ORDER = ['id', 'project_id', 'name', 'shared', 'ip_version', 'tenant_id'];

/** POST /v2.0/address-scopes with this `address_scope` body: the new scope. */
export function postAddressScope(c: Cloud, body: JsonObject): AddressScope {
  const b = prepare(c, 'address_scopes', 'create', PATH, body);
  const version = b['ip_version'] as 4 | 6;
  return createAddressScope(
    c,
    defined<Parameters<typeof createAddressScope>[1]>({
      name: text(b, 'name') ?? '',
      ipVersion: version,
      shared: flag(b, 'shared'),
      projectId: text(b, 'tenant_id'),
    }),
  );
}

/** PUT /v2.0/address-scopes/ID with this `address_scope` body, on the scope the caller named. */
export function putAddressScope(c: Cloud, scope: AddressScope, body: JsonObject): AddressScope {
  const b = prepare(c, 'address_scopes', 'update', `${PATH}/${scope.id}`, body);
  updateAddressScope(
    c,
    scope,
    defined<Parameters<typeof updateAddressScope>[2]>({
      name: text(b, 'name'),
      shared: flag(b, 'shared'),
    }),
  );
  return scope;
}

function findScope(c: Cloud, id: string, path: string): AddressScope {
  return visible(visibleScopes(c), id, path, `Address scope ${id} could not be found.`);
}

export const addressScopeWrites: CollectionWrites = {
  create: (c, member) => ordered(addressScopeDict(postAddressScope(c, member)), ORDER),
  // The body is checked before the resource is looked up (a bad body on a missing one is a 400).
  update: (c, id, member, path) => {
    prepare(c, 'address_scopes', 'update', path, member);
    return ordered(addressScopeDict(putAddressScope(c, findScope(c, id, path), member)), ORDER);
  },
  remove: (c, id, path) => deleteAddressScope(c, findScope(c, id, path)),
};
