/**
 * Address groups (Neutron 21's address_group_db): made by any project member, changed and deleted
 * by their owner or an admin, shared with RBAC. Addresses are stored as Neutron normalises them
 * (the network of each CIDR, IPv6 compact), in the order they were added; a group some security
 * group rule uses cannot be deleted.
 */
import type { Cloud } from '../model/cloud.js';
import type { AddressGroup } from '../model/address-group.js';
import { SimError } from '../errors.js';
import { formatCidr, parseCidr } from '../ipam.js';
import { checkOwner, newStd, touch } from './context.js';

const PATH = '/v2.0/address-groups';

function groups(c: Cloud): AddressGroup[] {
  c.addressGroups ??= [];
  return c.addressGroups;
}

/**
 * Each address as netaddr's IPNetwork reads it, its host bits cleared (`10.0.5.7/24` is
 * 10.0.5.0/24), duplicates once: what the group holds. netaddr's AddrFormatError (a 400) for one
 * it cannot read.
 */
export function normalisedAddresses(path: string, addresses: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of addresses) {
    const cidr = parseCidr(a);
    if (!cidr) throw new SimError(400, `invalid IPNetwork ${a}`, path, 'network', 'AddrFormatError');
    const n = formatCidr(cidr);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

export function createAddressGroup(
  c: Cloud,
  req: { name: string; description?: string; projectId?: string; addresses: readonly string[] },
): AddressGroup {
  const addresses = normalisedAddresses(PATH, req.addresses);
  const g: AddressGroup = Object.assign(newStd(c, req.name, req.projectId ?? c.auth.projectId, req.description ?? '', 0), { addresses });
  groups(c).push(g);
  return g;
}

export function updateAddressGroup(c: Cloud, g: AddressGroup, upd: { name?: string; description?: string }): void {
  checkOwner(c, g.projectId, `${PATH}/${g.id}`, 'update_address_group');
  if (upd.name !== undefined) g.name = upd.name;
  if (upd.description !== undefined) g.description = upd.description;
  touch(c, g);
}

/** PUT …/add_addresses: all or none; those already there are Neutron's AddressesAlreadyExist. */
export function addAddresses(c: Cloud, g: AddressGroup, addresses: readonly string[]): void {
  const path = `${PATH}/${g.id}/add_addresses`;
  checkOwner(c, g.projectId, path, 'add_addresses');
  const wanted = normalisedAddresses(path, addresses);
  const there = wanted.filter((a) => g.addresses.includes(a));
  if (there.length > 0) {
    throw new SimError(400, `Addresses ${pyList(there)} already exist in the address group ${g.id}.`, path, 'network', 'AddressesAlreadyExist');
  }
  g.addresses = [...g.addresses, ...wanted];
  touch(c, g);
}

/** PUT …/remove_addresses: all or none; those not there are Neutron's AddressesNotFound. */
export function removeAddresses(c: Cloud, g: AddressGroup, addresses: readonly string[]): void {
  const path = `${PATH}/${g.id}/remove_addresses`;
  checkOwner(c, g.projectId, path, 'remove_addresses');
  const gone = normalisedAddresses(path, addresses);
  const missing = gone.filter((a) => !g.addresses.includes(a));
  if (missing.length > 0) {
    throw new SimError(404, `Addresses ${pyList(missing)} not found in the address group ${g.id}.`, path, 'network', 'AddressesNotFound');
  }
  g.addresses = g.addresses.filter((a) => !gone.includes(a));
  touch(c, g);
}

export function deleteAddressGroup(c: Cloud, g: AddressGroup): void {
  const path = `${PATH}/${g.id}`;
  checkOwner(c, g.projectId, path, 'delete_address_group');
  if (c.securityGroupRules.some((r) => r.remoteAddressGroupId === g.id)) {
    throw new SimError(409, `Address group ${g.id} is in use on one or more security group rules.`, path, 'network', 'AddressGroupInUse');
  }
  c.addressGroups = groups(c).filter((x) => x.id !== g.id);
}

function pyList(items: readonly string[]): string {
  return `[${items.map((a) => `'${a}'`).join(', ')}]`;
}
