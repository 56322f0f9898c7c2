/**
 * Neutron quotas: the defaults (Zed), updates and deletes (admin only), and the check on create.
 * The learner's project keeps its limits in `cloud.quotas`; limits set for any other project id
 * are kept in `cloud.otherQuotas`, as Neutron stores quotas for any id it is given, and each
 * project's own limits are enforced when it creates something.
 */
import type { Cloud, Quotas } from '../model/cloud.js';
import { neutronError, novaError } from '../errors.js';
import { policyError } from './context.js';

/** Neutron's and Nova's default quotas (Zed). */
export const DEFAULT_QUOTAS: Quotas = {
  network: 100,
  subnet: 100,
  port: 500,
  router: 10,
  floatingip: 50,
  security_group: 10,
  security_group_rule: 100,
  subnetpool: -1,
  instances: 10,
  key_pairs: 100,
};

/** The Neutron resources `quota-show`/`quota-update` know, in the API's order. */
export const NEUTRON_QUOTA_KEYS = ['floatingip', 'network', 'port', 'rbac_policy', 'router', 'security_group', 'security_group_rule', 'subnet', 'subnetpool'] as const;
export type NeutronQuotaKey = (typeof NEUTRON_QUOTA_KEYS)[number];

const RBAC_DEFAULT = 10;

/** The project whose limits `cloud.quotas` holds: the learner's (in older snapshots, the session's). */
function quotaHome(c: Cloud): string {
  return c.quotaProjectId ?? c.auth.projectId;
}

/** A project's Neutron quotas as the API returns them. */
export function neutronQuotas(c: Cloud, projectId: string): Record<NeutronQuotaKey, number> {
  const own = projectId === quotaHome(c);
  const q: Partial<Quotas> & { rbac_policy?: number } = own ? c.quotas : (c.otherQuotas?.[projectId] ?? {});
  const get = (k: NeutronQuotaKey): number => {
    if (k === 'rbac_policy') return q.rbac_policy ?? RBAC_DEFAULT;
    return q[k] ?? DEFAULT_QUOTAS[k];
  };
  return Object.fromEntries(NEUTRON_QUOTA_KEYS.map((k) => [k, get(k)])) as Record<NeutronQuotaKey, number>;
}

/**
 * Neutron's quota check for one more resource of a project, against that project's limits:
 * `Quota exceeded for resources: ['network'].` (409).
 */
export function checkQuota(c: Cloud, resource: Exclude<NeutronQuotaKey, 'rbac_policy'>, projectId: string, used: number, path: string): void {
  const limit = neutronQuotas(c, projectId)[resource];
  if (limit >= 0 && used + 1 > limit) {
    throw neutronError.conflict(path, `Quota exceeded for resources: ['${resource}'].`);
  }
}

/** PUT /v2.0/quotas/{project}: each limit an integer of at least -1 (unlimited). */
export function updateQuotas(c: Cloud, projectId: string, changes: Partial<Record<NeutronQuotaKey, number>>): Record<NeutronQuotaKey, number> {
  const path = `/v2.0/quotas/${projectId}`;
  if (!c.auth.admin) throw policyError(path, 'rule:update_quota');
  for (const [k, v] of Object.entries(changes)) {
    if (v !== undefined && v < -1) throw neutronError.badRequest(path, `Invalid input for ${k}. Reason: '${v}' is too small - must be at least '-1'.`);
  }
  if (projectId === quotaHome(c)) {
    c.quotas = Object.assign({}, c.quotas, changes);
  } else {
    c.otherQuotas = { ...(c.otherQuotas ?? {}), [projectId]: { ...(c.otherQuotas?.[projectId] ?? {}), ...changes } };
  }
  return neutronQuotas(c, projectId);
}

/** DELETE /v2.0/quotas/{project}: back to the defaults (Nova's limits are not Neutron's to reset). */
export function deleteQuotas(c: Cloud, projectId: string): void {
  if (!c.auth.admin) throw policyError(`/v2.0/quotas/${projectId}`, 'rule:delete_quota');
  if (projectId === quotaHome(c)) {
    c.quotas = { ...DEFAULT_QUOTAS, instances: c.quotas.instances, key_pairs: c.quotas.key_pairs };
  } else if (c.otherQuotas?.[projectId]) {
    const others = { ...c.otherQuotas };
    delete others[projectId];
    c.otherQuotas = others;
  }
}

// ---- Nova ---------------------------------------------------------------------------------------

/** The Nova limits the simulation enforces (instances in createServer, key pairs in createKeypair). */
export const NOVA_QUOTA_KEYS = ['instances', 'key_pairs'] as const;
export type NovaQuotaKey = (typeof NOVA_QUOTA_KEYS)[number];

/** A project's enforced Nova limits: the learner's own, the defaults for any other project. */
export function novaQuotas(c: Cloud, projectId: string): Record<NovaQuotaKey, number> {
  const q = projectId === quotaHome(c) ? c.quotas : DEFAULT_QUOTAS;
  return { instances: q.instances, key_pairs: q.key_pairs };
}

/**
 * PUT /os-quota-sets/{project} (admin only). Stacklab keeps Nova's limits for the learner's own
 * project only: for another project the call succeeds and changes nothing.
 */
export function updateNovaQuotas(c: Cloud, projectId: string, changes: Partial<Record<NovaQuotaKey, number>>): void {
  if (!c.auth.admin) throw novaError.forbidden(`/os-quota-sets/${projectId}`, "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed.");
  if (projectId === quotaHome(c)) c.quotas = Object.assign({}, c.quotas, changes);
}
