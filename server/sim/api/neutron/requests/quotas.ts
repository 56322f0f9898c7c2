/**
 * PUT and DELETE /v2.0/quotas/PROJECT (the quotasv2 extension: admin only; a POST is not
 * implemented). The legacy CLI's quota-update and quota-delete send theirs through putQuota and
 * removeQuota. Quotas are no CollectionWrites: the REST layer routes them itself.
 */
import type { Cloud } from '../../../model/cloud.js';
import { SimError } from '../../../errors.js';
import { NEUTRON_QUOTA_KEYS, neutronQuotas, type NeutronQuotaKey } from '../../../ops/quota.js';
import type { JsonObject } from '../../json.js';
import { defaultQuota, deleteQuota, quotaInRange, updateQuota } from '../quota.js';
import { convertToBigInt } from '../body.js';

/** PUT /v2.0/quotas/PROJECT with `quota`'s limits: the project's limits after the change. */
export function putQuota(c: Cloud, projectId: string, quota: JsonObject): JsonObject {
  const path = `/v2.0/quotas/${projectId}`;
  const known = new Set<string>(NEUTRON_QUOTA_KEYS);
  const body: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(quota))
    // Python's int() of the value, exact however large, then the quotas extension's range.
    body[k] = known.has(k) ? quotaInRange(path, k, convertToBigInt(v, path)) : typeof v === 'string' ? v : String(v);
  return updateQuota(c, projectId, body);
}

/** Whether the project has limits of its own (Neutron's quota rows), which DELETE removes. */
function hasOwnLimits(c: Cloud, projectId: string): boolean {
  const home = c.quotaProjectId ?? c.auth.projectId;
  if (projectId !== home) {
    const theirs = c.otherQuotas?.[projectId] ?? {};
    return NEUTRON_QUOTA_KEYS.some((k) => Object.hasOwn(theirs, k));
  }
  const own = neutronQuotas(c, home);
  const defaults = defaultQuota(c);
  return NEUTRON_QUOTA_KEYS.some((k: NeutronQuotaKey) => own[k] !== defaults[k]);
}

/** DELETE /v2.0/quotas/PROJECT: back to the defaults (Neutron's 404 when the project has none of its own). */
export function removeQuota(c: Cloud, projectId: string): void {
  if (c.auth.admin && !hasOwnLimits(c, projectId))
    throw new SimError(
      404,
      `Quota for tenant ${projectId} could not be found.`,
      `/v2.0/quotas/${projectId}`,
      'network',
      'TenantQuotaNotFound',
    );
  deleteQuota(c, projectId);
}
