/**
 * RBAC policies (`/v2.0/rbac-policies`). Stacklab's model has no policies of its own yet: these are
 * the ones Neutron creates by itself, a wildcard `access_as_shared` for each shared network, subnet
 * pool and address scope, and `access_as_external` for each external network, owned by the
 * object's project. Their ids are derived from the object's (stable for its life). The server
 * lists its policy tables one after the other (networks, subnet pools, address scopes), each in
 * the order the policies were made: per network, shared before external (as a create makes them).
 */
import type { Cloud } from '../../model/cloud.js';
import { hashSeed, seedRng, uuid4 } from '../../rng.js';
import { neutronError } from '../../errors.js';
import type { JsonObject } from '../json.js';
import { matchesFilters, type FilterValue } from './common.js';

const PATH = '/v2.0/rbac-policies';
const ATTRIBUTES = ['id', 'object_type', 'object_id', 'action', 'target_tenant', 'project_id', 'tenant_id'];

function policy(objectType: string, objectId: string, projectId: string, action: string): JsonObject {
  return {
    id: uuid4(seedRng(hashSeed(`rbac/${objectType}/${objectId}/${action}`))),
    project_id: projectId,
    object_type: objectType,
    object_id: objectId,
    target_tenant: '*',
    action,
    tenant_id: projectId,
  };
}

/** Every implicit policy, in the server's order; a non-admin sees those its project owns. */
function policies(c: Cloud): JsonObject[] {
  const all: JsonObject[] = [];
  for (const n of c.networks) {
    if (n.shared) all.push(policy('network', n.id, n.projectId, 'access_as_shared'));
    if (n.external) all.push(policy('network', n.id, n.projectId, 'access_as_external'));
  }
  for (const p of c.subnetPools) if (p.shared) all.push(policy('subnetpool', p.id, p.projectId, 'access_as_shared'));
  for (const s of c.addressScopes) if (s.shared) all.push(policy('address_scope', s.id, s.projectId, 'access_as_shared'));
  return c.auth.admin ? all : all.filter((p) => p['project_id'] === c.auth.projectId);
}

/** GET /v2.0/rbac-policies with exact-match filters (an unknown one is refused even with no rows). */
export function listRbacPolicies(c: Cloud, filters: Readonly<Record<string, FilterValue>> = {}): JsonObject[] {
  const unknown = Object.keys(filters).filter((k) => !ATTRIBUTES.includes(k));
  if (unknown.length > 0) throw neutronError.invalidFilter(PATH, unknown);
  return policies(c).filter((p) => matchesFilters(p, filters, PATH));
}

/** GET /v2.0/rbac-policies/{id} */
export function showRbacPolicy(c: Cloud, id: string): JsonObject {
  const p = policies(c).find((x) => x['id'] === id);
  if (!p) throw neutronError.notFound(`${PATH}/${id}`, `RBAC policy of type unknown with ID ${id} not found`);
  return p;
}
