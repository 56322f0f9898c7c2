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

/**
 * Python's int() of a quota value (exact, however large), or the converter's refusal; then the
 * quotas extension's range, -1 to the database's largest integer (the Neutron oracle's messages).
 */
function limit(path: string, key: string, v: JsonObject[string]): number {
  let n: bigint | null = null;
  if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
  else if (typeof v === 'boolean') n = v ? 1n : 0n;
  else if (typeof v === 'string' && /^\s*[-+]?\d+(_\d+)*\s*$/.test(v)) n = BigInt(v.trim().replace(/_/g, ''));
  if (n !== null) return quotaInRange(path, key, n);
  const shown = typeof v === 'string' ? v : v === null ? 'None' : JSON.stringify(v);
  throw new SimError(
    400,
    `Invalid input for operation: '${shown}' is not an integer.`,
    path,
    'network',
    'InvalidInput',
  );
}

/** PUT /v2.0/quotas/PROJECT with `quota`'s limits: the project's limits after the change. */
export function putQuota(c: Cloud, projectId: string, quota: JsonObject): JsonObject {
  const path = `/v2.0/quotas/${projectId}`;
  const known = new Set<string>(NEUTRON_QUOTA_KEYS);
  const body: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(quota))
    body[k] = known.has(k) ? limit(path, k, v) : typeof v === 'string' ? v : String(v);
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
