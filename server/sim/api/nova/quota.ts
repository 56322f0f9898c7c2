/** Nova quota sets (`/os-quota-sets/{project}`, microversion 2.1) as the API answers them. */
import type { Cloud } from '../../model/cloud.js';
import { novaQuotas, updateNovaQuotas, type NovaQuotaKey } from '../../ops/quota.js';
import type { JsonObject } from '../json.js';

export { NOVA_QUOTA_KEYS, type NovaQuotaKey } from '../../ops/quota.js';

/**
 * GET /os-quota-sets/{project}: Nova's defaults, with the limits the simulation enforces
 * (instances, key pairs) as the project has them.
 */
export function showQuotaSet(c: Cloud, projectId: string): JsonObject {
  const q = novaQuotas(c, projectId);
  return {
    id: projectId,
    cores: 20,
    fixed_ips: -1,
    floating_ips: -1,
    injected_file_content_bytes: 10240,
    injected_file_path_bytes: 255,
    injected_files: 5,
    instances: q.instances,
    key_pairs: q.key_pairs,
    metadata_items: 128,
    ram: 51200,
    security_group_rules: -1,
    security_groups: -1,
    server_group_members: 10,
    server_groups: 10,
  };
}

/** PUT /os-quota-sets/{project} (admin only). */
export function updateQuotaSet(c: Cloud, projectId: string, changes: Partial<Record<NovaQuotaKey, number>>): JsonObject {
  updateNovaQuotas(c, projectId, changes);
  return showQuotaSet(c, projectId);
}
