/**
 * POST, PUT and DELETE /v2.0/rbac-policies: the body as sim/api/neutron/rbac.ts reads it (the
 * legacy CLI's rbac-create and rbac-update send theirs there too), each answer in the order the
 * RBAC object gives its fields.
 */
import type { CollectionWrites } from './types.js';
import { postRbacPolicy, putRbacPolicy, removeRbacPolicy } from '../rbac.js';
import { ordered } from './order.js';

export { postRbacPolicy, putRbacPolicy, removeRbacPolicy };

const ORDER = [
  'id',
  'project_id',
  'action',
  'object_id',
  'target_tenant',
  'object_type',
  'tenant_id',
];

export const rbacPolicyWrites: CollectionWrites = {
  create: (c, member) => ordered(postRbacPolicy(c, member), ORDER),
  update: (c, id, member) => ordered(putRbacPolicy(c, id, member), ORDER),
  remove: (c, id) => removeRbacPolicy(c, id),
};
