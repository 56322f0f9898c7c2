/**
 * RBAC policies (`/v2.0/rbac-policies`): those made with `rbac create` and those an object's own
 * flag stands for (a wildcard `access_as_shared` for each shared network, subnet pool and address
 * scope, `access_as_external` for each external network, owned by the object's project; see
 * sim/ops/rbac). A project other than admin sees the policies it owns, not those that target it.
 */
import type { Cloud } from '../../model/cloud.js';
import type { RbacPolicy } from '../../model/rbac.js';
import { neutronError } from '../../errors.js';
import { allRbacPolicies, createRbacPolicy, deleteRbacPolicy, updateRbacPolicy, type RbacCreate } from '../../ops/rbac.js';
import type { Json, JsonObject } from '../json.js';
import { pyStr } from './body.js';
import { listOf, type ListQuery } from './common.js';

const PATH = '/v2.0/rbac-policies';

function toJson(p: RbacPolicy): JsonObject {
  return {
    id: p.id,
    project_id: p.projectId,
    object_type: p.objectType,
    object_id: p.objectId,
    target_tenant: p.targetTenant,
    action: p.action,
    tenant_id: p.projectId,
  };
}

function policies(c: Cloud): JsonObject[] {
  const all = allRbacPolicies(c);
  return (c.auth.admin ? all : all.filter((p) => p.projectId === c.auth.projectId)).map(toJson);
}

/**
 * GET /v2.0/rbac-policies with exact-match filters, read as any list's (listOf: the attribute map's
 * filters and converters; an unknown key is refused even with no rows).
 */
export function listRbacPolicies(c: Cloud, q: ListQuery = {}): JsonObject[] {
  // In the order allRbacPolicies gives (the server's), not by id.
  const rows = policies(c).map((d, i) => ({ id: String(i).padStart(9, '0'), d }));
  return listOf(rows, (r) => r.d, q, PATH);
}

/** GET /v2.0/rbac-policies/{id} */
export function showRbacPolicy(c: Cloud, id: string): JsonObject {
  const p = policies(c).find((x) => x['id'] === id);
  if (!p) throw neutronError.notFound(`${PATH}/${id}`, `RBAC policy of type unknown with ID ${id} not found`);
  return p;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const POST_KEYS = ['object_type', 'object_id', 'action', 'target_tenant', 'tenant_id', 'project_id'];

function text(b: JsonObject, k: string): string | undefined {
  const v = b[k];
  return typeof v === 'string' ? v : undefined;
}

/** The attributes a POST must carry, in the order Neutron's attribute map checks them. */
const REQUIRED = ['object_type', 'object_id', 'target_tenant', 'action'];

/** `target_tenant`: a string of at most 255 characters (Neutron's type:string validator). */
function checkTarget(path: string, v: unknown): string {
  if (typeof v !== 'string') throw neutronError.badRequest(path, `Invalid input for target_tenant. Reason: '${pyStr(v as Json)}' is not a valid string.`);
  if (v.length > 255) throw neutronError.badRequest(path, `Invalid input for target_tenant. Reason: '${v}' exceeds maximum length of 255.`);
  return v;
}

/** POST /v2.0/rbac-policies: a body of the policy's attributes (the client's value specs too). */
export function postRbacPolicy(c: Cloud, body: JsonObject): JsonObject {
  const unknown = Object.keys(body).filter((k) => !POST_KEYS.includes(k));
  if (unknown.length > 0) throw neutronError.unrecognizedAttributes(PATH, unknown);
  const missing = REQUIRED.find((k) => !(k in body));
  if (missing !== undefined) throw neutronError.badRequest(PATH, `Failed to parse request. Required attribute '${missing}' not specified`);
  const targetTenant = checkTarget(PATH, body['target_tenant']);
  const objectId = text(body, 'object_id') ?? '';
  if (!UUID.test(objectId)) throw neutronError.invalidUuid(PATH, 'object_id', objectId);
  const projectId = text(body, 'project_id') ?? text(body, 'tenant_id');
  const req: RbacCreate = {
    objectType: text(body, 'object_type') ?? '',
    objectId,
    action: text(body, 'action') ?? '',
    targetTenant,
    ...(projectId === undefined ? {} : { projectId }),
  };
  return toJson(createRbacPolicy(c, req));
}

/** PUT /v2.0/rbac-policies/{id}: `target_tenant` is the one attribute that may change. */
export function putRbacPolicy(c: Cloud, id: string, body: JsonObject): JsonObject {
  const path = `${PATH}/${id}`;
  const unknown = Object.keys(body).filter((k) => !POST_KEYS.includes(k));
  if (unknown.length > 0) throw neutronError.unrecognizedAttributes(path, unknown);
  const readOnly = Object.keys(body).find((k) => k !== 'target_tenant');
  if (readOnly !== undefined) throw neutronError.badRequest(path, `Cannot update read-only attribute ${readOnly}`);
  return toJson(updateRbacPolicy(c, id, checkTarget(path, body['target_tenant'])));
}

/** DELETE /v2.0/rbac-policies/{id} */
export function removeRbacPolicy(c: Cloud, id: string): void {
  deleteRbacPolicy(c, id);
}
