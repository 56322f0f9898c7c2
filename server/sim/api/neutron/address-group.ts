/**
 * Neutron's address groups as the API returns them (checked on the oracle): a GET's dictionary,
 * and the fuller one add_addresses and remove_addresses answer (the object's own, with its
 * standard attributes and whether it is shared with the caller).
 */
import type { Cloud } from '../../model/cloud.js';
import type { AddressGroup } from '../../model/address-group.js';
import { grants } from '../../ops/rbac.js';
import { visibleAddressGroups } from '../../visibility.js';
import { SimError } from '../../errors.js';
import type { JsonObject } from '../json.js';
import { listOf, type ListQuery } from './common.js';

const PATH = '/v2.0/address-groups';

export function addressGroupDict(g: AddressGroup): JsonObject {
  return { id: g.id, name: g.name, project_id: g.projectId, addresses: [...g.addresses], description: g.description, tenant_id: g.projectId };
}

/** What PUT …/add_addresses and …/remove_addresses answer. */
export function addressGroupActionDict(c: Cloud, g: AddressGroup): JsonObject {
  return {
    id: g.id,
    name: g.name,
    project_id: g.projectId,
    shared: grants(c, 'address_group', g.id, 'access_as_shared', c.auth.projectId),
    addresses: [...g.addresses],
    revision_number: g.revision,
    description: g.description,
    created_at: g.createdAt,
    updated_at: g.updatedAt,
    tenant_id: g.projectId,
  };
}

/** GET /v2.0/address-groups */
export function listAddressGroups(c: Cloud, q: ListQuery = {}): JsonObject[] {
  return listOf(visibleAddressGroups(c), addressGroupDict, q, PATH);
}

/** One the caller may read, by id, or Neutron's AddressGroupNotFound. */
export function addressGroupById(c: Cloud, id: string, path = `${PATH}/${id}`): AddressGroup {
  const g = visibleAddressGroups(c).find((x) => x.id === id);
  if (!g) throw new SimError(404, `Address group ${id} could not be found.`, path, 'network', 'AddressGroupNotFound');
  return g;
}
