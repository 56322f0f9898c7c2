/** Neutron quotas (`/v2.0/quotas/{project}`) as the API answers them. */
import type { Cloud } from '../../model/cloud.js';
import { neutronError } from '../../errors.js';
import { deleteQuotas, neutronQuotas, NEUTRON_QUOTA_KEYS, updateQuotas, type NeutronQuotaKey } from '../../ops/quota.js';
import type { JsonObject } from '../json.js';

export { NEUTRON_QUOTA_KEYS, type NeutronQuotaKey };

/** neutron-lib's DB_INTEGER_MAX_VALUE: a quota limit's largest. */
const DB_INTEGER_MAX = 2147483647n;

/** A limit within the quotas extension's range (-1 to DB_INTEGER_MAX_VALUE), or its 400 quoting the value. */
export function quotaInRange(path: string, key: string, n: bigint): number {
  const why = n > DB_INTEGER_MAX ? `is too large - must be no larger than '${DB_INTEGER_MAX}'` : n < -1n ? "is too small - must be at least '-1'" : null;
  if (why !== null) throw neutronError.badRequest(path, `Invalid input for ${key}. Reason: '${n}' ${why}.`);
  return Number(n);
}

/** GET /v2.0/quotas/{project}: every limit, in the API's order. */
export function showQuota(c: Cloud, projectId: string): JsonObject {
  return { ...neutronQuotas(c, projectId) };
}

/**
 * PUT /v2.0/quotas/{project}. A key that is no Neutron resource (the LBaaS v1 ones neutronclient
 * still offers) is refused before anything changes.
 */
export function updateQuota(c: Cloud, projectId: string, body: Readonly<Record<string, number | string>>): JsonObject {
  const known = new Set<string>(NEUTRON_QUOTA_KEYS);
  const unknown = Object.keys(body).filter((k) => !known.has(k));
  if (unknown.length > 0) throw neutronError.unrecognizedAttributes(`/v2.0/quotas/${projectId}`, unknown);
  const changes: Partial<Record<NeutronQuotaKey, number>> = {};
  for (const [k, v] of Object.entries(body)) {
    const n = Number(v);
    changes[k as NeutronQuotaKey] = Number.isFinite(n) ? quotaInRange(`/v2.0/quotas/${projectId}`, k, BigInt(Math.trunc(n))) : n;
  }
  return { ...updateQuotas(c, projectId, changes) };
}

/** DELETE /v2.0/quotas/{project} */
export function deleteQuota(c: Cloud, projectId: string): void {
  deleteQuotas(c, projectId);
}

/**
 * GET /v2.0/quotas: the projects with limits of their own, each with its limits and both owner
 * keys (the learner's project when its limits differ from the defaults).
 */
export function listQuotas(c: Cloud): JsonObject[] {
  const home = c.quotaProjectId ?? c.auth.projectId;
  const defaults = JSON.stringify(defaultQuota(c));
  const others = Object.keys(c.otherQuotas ?? {}).filter((p) => p !== home);
  const ids = JSON.stringify(neutronQuotas(c, home)) === defaults ? others : [...others, home];
  return ids.map((p) => ({ ...neutronQuotas(c, p), project_id: p, tenant_id: p }));
}

/** GET /v2.0/quotas/{project}/default: the limits of a project with none of its own (no project has the empty id). */
export function defaultQuota(c: Cloud): JsonObject {
  return { ...neutronQuotas(c, '') };
}
