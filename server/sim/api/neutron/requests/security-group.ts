/**
 * POST, PUT and DELETE /v2.0/security-groups: a body's attributes as the security group plugin
 * takes them. The legacy CLI's security-group-create, -update and -delete go through these.
 */
import type { Cloud } from '../../../model/cloud.js';
import type { SecurityGroup } from '../../../model/security-group.js';
import { neutronError } from '../../../errors.js';
import {
  createSecurityGroup,
  deleteSecurityGroup,
  updateSecurityGroup,
} from '../../../ops/security-group.js';
import { visibleGroups } from '../../../visibility.js';
import type { JsonObject } from '../../json.js';
import { groupDict } from '../security-group.js';
import type { CollectionWrites } from './types.js';
import { owner, withFaultTypes } from './checks.js';
import { defined, flag, ordered, prepare, text } from './order.js';

const PATH = '/v2.0/security-groups';

/** The keys of a POST or PUT answer. */
const ORDER = [
  'id',
  'name',
  'stateful',
  'tenant_id',
  'description',
  'shared',
  'security_group_rules',
  'tags',
  'created_at',
  'updated_at',
  'revision_number',
  'project_id',
];

/** A group the caller can see, or Neutron's 404. */
export function groupById(c: Cloud, id: string, path: string): SecurityGroup {
  const g = visibleGroups(c).find((x) => x.id === id);
  if (!g) throw neutronError.notFound(path, `Security group ${id} does not exist`);
  return g;
}

/** POST /v2.0/security-groups with the `security_group` object: the new group with its two egress rules. */
export function postSecurityGroup(
  c: Cloud,
  member: JsonObject,
  path: string = PATH,
): SecurityGroup {
  return withFaultTypes(() => {
    const b = prepare(c, 'security_groups', 'create', path, member);
    return createSecurityGroup(
      c,
      defined<Parameters<typeof createSecurityGroup>[1]>({
        name: text(b, 'name') ?? '',
        description: text(b, 'description'),
        projectId: owner(b),
        stateful: flag(b, 'stateful'),
      }),
    );
  });
}

/** PUT /v2.0/security-groups/ID with the `security_group` object. */
export function putSecurityGroup(
  c: Cloud,
  id: string,
  member: JsonObject,
  path: string = `${PATH}/${id}`,
): SecurityGroup {
  return withFaultTypes(() => {
    const b = prepare(c, 'security_groups', 'update', path, member);
    const g = groupById(c, id, path);
    updateSecurityGroup(
      c,
      g,
      defined<Parameters<typeof updateSecurityGroup>[2]>({
        name: text(b, 'name'),
        description: text(b, 'description'),
        stateful: flag(b, 'stateful'),
      }),
    );
    return g;
  });
}

/** DELETE /v2.0/security-groups/ID: the default group and groups in use are refused. */
export function deleteSecurityGroupById(
  c: Cloud,
  id: string,
  path: string = `${PATH}/${id}`,
): void {
  withFaultTypes(() => deleteSecurityGroup(c, groupById(c, id, path)));
}

export const securityGroupWrites: CollectionWrites = {
  create: (c, member, path) => ordered(groupDict(c, postSecurityGroup(c, member, path)), ORDER),
  update: (c, id, member, path) =>
    ordered(groupDict(c, putSecurityGroup(c, id, member, path)), ORDER),
  remove: (c, id, path) => deleteSecurityGroupById(c, id, path),
};
