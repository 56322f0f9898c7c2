/**
 * POST, PUT and DELETE /v2.0/address-groups, and the member actions add_addresses and
 * remove_addresses (whose body is `{"addresses": [...]}`, read as Neutron's plugin reads it:
 * checked on the oracle).
 */
import type { Cloud } from '../../../model/cloud.js';
import type { AddressGroup } from '../../../model/address-group.js';
import { addAddresses, createAddressGroup, deleteAddressGroup, removeAddresses, updateAddressGroup } from '../../../ops/address-group.js';
import { checkOwner } from '../../../ops/context.js';
import type { JsonObject } from '../../json.js';
import { addressGroupActionDict, addressGroupById, addressGroupDict } from '../address-group.js';
import { internalServerError } from './checks.js';
import type { CollectionWrites } from './types.js';
import { defined, prepare, text } from './order.js';

const PATH = '/v2.0/address-groups';

export function postAddressGroup(c: Cloud, body: JsonObject): AddressGroup {
  const b = prepare(c, 'address_groups', 'create', PATH, body);
  const addresses = b['addresses'];
  return createAddressGroup(
    c,
    defined<Parameters<typeof createAddressGroup>[1]>({
      name: text(b, 'name') ?? '',
      description: text(b, 'description'),
      projectId: text(b, 'tenant_id'),
      addresses: Array.isArray(addresses) ? addresses.map(String) : [],
    }),
  );
}

/**
 * The addresses of an action's body as the plugin iterates them: a string is its characters (each
 * then no network: netaddr's error); no `addresses` key, or an item that is no string, fails
 * inside Neutron (its 500).
 */
function actionAddresses(body: JsonObject, path: string): string[] {
  if (!Object.hasOwn(body, 'addresses')) throw internalServerError(path);
  const v = body['addresses'];
  if (typeof v === 'string') return [...v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw internalServerError(path);
  return v as string[];
}

/** A member action: the group looked up (a 404), the policy (a 403), then the body. */
function action(op: 'add' | 'remove') {
  return (c: Cloud, id: string, body: JsonObject): JsonObject => {
    const path = `${PATH}/${id}/${op}_addresses`;
    const g = addressGroupById(c, id, path);
    checkOwner(c, g.projectId, path, `${op}_addresses`);
    const addresses = actionAddresses(body, path);
    if (op === 'add') addAddresses(c, g, addresses);
    else removeAddresses(c, g, addresses);
    return { address_group: addressGroupActionDict(c, g) };
  };
}

export const addressGroupWrites: CollectionWrites = {
  create: (c, member) => addressGroupDict(postAddressGroup(c, member)),
  // The body is checked before the group is looked up (a bad body on a missing one is a 400).
  update: (c, id, member, path) => {
    const b = prepare(c, 'address_groups', 'update', path, member);
    const g = addressGroupById(c, id, path);
    updateAddressGroup(c, g, defined<Parameters<typeof updateAddressGroup>[2]>({ name: text(b, 'name'), description: text(b, 'description') }));
    return addressGroupDict(g);
  },
  remove: (c, id, path) => deleteAddressGroup(c, addressGroupById(c, id, path)),
  actions: {
    add_addresses: action('add'),
    remove_addresses: action('remove'),
  },
};
