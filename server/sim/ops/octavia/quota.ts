/** Octavia quotas per project: set, unset (back to the default), reset (all back to defaults). */
import type { Cloud } from '../../model/cloud.js';
import type { OctaviaQuota } from '../../model/octavia.js';
import { authorize, lbWrite, octaviaError } from './common.js';

/** Setting quotas is for admins (Zed default policy: load-balancer:quota:put is admin-only). */
export function setLbQuota(c: Cloud, projectId: string, values: Partial<Record<keyof OctaviaQuota, number | null>>): void {
  authorize(c, 'admin');
  for (const v of Object.values(values)) {
    if (v !== null && v !== undefined && v < -1) throw octaviaError(400, `Invalid input for field/attribute quota. Value: '${v}'. Value should be greater or equal to -1`);
  }
  const s = lbWrite(c);
  const next: Partial<OctaviaQuota> = { ...(s.quotas[projectId] ?? {}) };
  for (const [k, v] of Object.entries(values) as Array<[keyof OctaviaQuota, number | null | undefined]>) {
    if (v === undefined) continue;
    if (v === null) delete next[k];
    else next[k] = v;
  }
  s.quotas = { ...s.quotas, [projectId]: next };
}

export function resetLbQuota(c: Cloud, projectId: string): void {
  authorize(c, 'admin');
  const s = lbWrite(c);
  const rest = { ...s.quotas };
  delete rest[projectId];
  s.quotas = rest;
}
