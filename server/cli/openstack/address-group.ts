/**
 * `openstack address group create|list|show|set|unset|delete`, as OSC 6.0 does them (checked on
 * the oracle, test/transcripts/78): each address read by netaddr on the client first
 * (`10.0.0.1` is sent as 10.0.0.1/32; one it cannot read is its error), the writes through
 * Neutron's API, `set --address` as add_addresses after any update, `unset --address` as
 * remove_addresses.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { AddressGroup } from '../../sim/model/address-group.js';
import type { JsonObject } from '../../sim/api/json.js';
import { addressGroupDict, listAddressGroups } from '../../sim/api/neutron/address-group.js';
import { addressGroupWrites, postAddressGroup } from '../../sim/api/neutron/requests/address-groups.js';
import type { FilterValue } from '../../sim/api/neutron/index.js';
import { visibleAddressGroups } from '../../sim/visibility.js';
import { canonicalCidr } from '../../sim/ipam.js';
import type { CellValue, PyValue } from '../../render/pyvalue.js';
import { afterCommit, CliError } from '../errors.js';
import { deleteEach, findBy, none, req, sdkBody, sdkUpdate, str, strs, type Args, type OscCommand, type Output } from './common.js';
import { attr } from './format.js';
import { findProject } from './project.js';

const PATH = '/v2.0/address-groups';

/** openstacksdk's find_address_group: by id, else by a unique name among those the caller sees. */
export function findAddressGroup(c: Cloud, nameOrId: string): AddressGroup {
  return findBy(visibleAddressGroups(c), 'AddressGroup', nameOrId);
}

/** OSC's _format_addresses: str(netaddr.IPNetwork(a)) of each, netaddr's error for one it cannot read. */
function clientAddresses(a: Args): string[] {
  return strs(a, 'address').map((x) => {
    const cidr = canonicalCidr(x);
    if (cidr === null) throw new CliError(`invalid IPNetwork ${x}`);
    return cidr;
  });
}

function show(d: JsonObject): Output {
  const fields: Array<[string, CellValue]> = ['addresses', 'description', 'id', 'name', 'project_id'].map((k): [string, CellValue] => [k, attr(d, k)]);
  return { kind: 'show', data: { fields } };
}

function create(c: Cloud, a: Args): Output {
  const b: JsonObject = { name: req(a, 'name') };
  const description = str(a, 'description');
  if (description) b['description'] = description;
  b['addresses'] = clientAddresses(a);
  const project = str(a, 'project');
  if (project !== undefined) b['project_id'] = findProject(c, project).id;
  return show(addressGroupDict(postAddressGroup(c, sdkBody(b, a, {}).body)));
}

function list(c: Cloud, a: Args): Output {
  const filters: Record<string, FilterValue> = {};
  const name = str(a, 'name');
  if (name) filters['name'] = name;
  const project = str(a, 'project');
  if (project !== undefined) filters['project_id'] = findProject(c, project).id;
  const keys = ['id', 'name', 'description', 'project_id', 'addresses'];
  const rows = listAddressGroups(c, { filters }).map((d) => keys.map((k): CellValue => (d[k] ?? null) as PyValue));
  return { kind: 'list', data: { headers: ['ID', 'Name', 'Description', 'Project', 'Addresses'], rows } };
}

function action(c: Cloud, g: AddressGroup, op: 'add' | 'remove', addresses: string[]): void {
  const act = addressGroupWrites.actions?.[`${op}_addresses`];
  act?.(c, g.id, { addresses }, `${PATH}/${g.id}/${op}_addresses`);
}

function set(c: Cloud, a: Args): Output {
  const g = findAddressGroup(c, req(a, 'address_group'));
  const b: JsonObject = {};
  const name = str(a, 'name');
  if (name !== undefined) b['name'] = name;
  const description = str(a, 'description');
  if (description !== undefined) b['description'] = description;
  const { body } = sdkBody(b, a, {});
  if (Object.keys(body).length > 0) {
    sdkUpdate(addressGroupDict(g), body, (send) => addressGroupWrites.update?.(c, g.id, send, `${PATH}/${g.id}`));
  }
  // add_addresses after the update committed: its refusal (or netaddr's, on the client) leaves the rename.
  afterCommit(() => {
    const addresses = clientAddresses(a);
    if (addresses.length > 0) action(c, g, 'add', addresses);
  });
  return none;
}

function unset(c: Cloud, a: Args): Output {
  const g = findAddressGroup(c, req(a, 'address_group'));
  const addresses = clientAddresses(a);
  if (addresses.length > 0) action(c, g, 'remove', addresses);
  return none;
}

export const addressGroupCommands: OscCommand[] = [
  { name: 'address group create', run: ({ cloud, args }) => create(cloud, args) },
  { name: 'address group list', run: ({ cloud, args }) => list(cloud, args) },
  { name: 'address group show', run: ({ cloud: c, args: a }) => show(addressGroupDict(findAddressGroup(c, req(a, 'address_group')))) },
  { name: 'address group set', run: ({ cloud, args }) => set(cloud, args) },
  { name: 'address group unset', run: ({ cloud, args }) => unset(cloud, args) },
  {
    name: 'address group delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'address_group'), { one: 'address group', many: 'address groups' }, (t) => {
        const g = findAddressGroup(c, t);
        addressGroupWrites.remove?.(c, g.id, `${PATH}/${g.id}`);
      }),
  },
];
