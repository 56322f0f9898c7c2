/** `openstack quota show|set`: Nova's quota set and Neutron's quotas, merged as OSC 6.0 prints them. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { CellValue } from '../../render/pyvalue.js';
import { NOVA_QUOTA_KEYS, showQuotaSet, updateQuotaSet, type NovaQuotaKey } from '../../sim/api/nova/index.js';
import { NEUTRON_QUOTA_KEYS, showQuota, updateQuota } from '../../sim/api/neutron/index.js';
import { none, req, str, type Args, type OscCommand, type Output } from './common.js';
import { attr } from './format.js';
import { findProject } from './project.js';

function quotaShow(c: Cloud, a: Args): Output {
  const projectArg = str(a, 'project');
  const project = findProject(c, projectArg ?? c.auth.projectId);
  const q = showQuota(c, project.id);
  const nova = showQuotaSet(c, project.id);
  // OSC renames the keys; Neutron's answer wins where both services have one (floating IPs).
  const fields: Array<[string, CellValue]> = [
    ['cores', attr(nova, 'cores')],
    ['fixed-ips', attr(nova, 'fixed_ips')],
    ['floating-ips', attr(q, 'floatingip')],
    ['injected-file-size', attr(nova, 'injected_file_content_bytes')],
    ['injected-files', attr(nova, 'injected_files')],
    ['injected-path-size', attr(nova, 'injected_file_path_bytes')],
    ['instances', attr(nova, 'instances')],
    ['key-pairs', attr(nova, 'key_pairs')],
    ['networks', attr(q, 'network')],
    ['ports', attr(q, 'port')],
    ['project', project.id],
    ['project_name', project.name],
    ['properties', attr(nova, 'metadata_items')],
    ['ram', attr(nova, 'ram')],
    ['rbac_policies', attr(q, 'rbac_policy')],
    ['routers', attr(q, 'router')],
    ['secgroup-rules', attr(q, 'security_group_rule')],
    ['secgroups', attr(q, 'security_group')],
    ['server-group-members', attr(nova, 'server_group_members')],
    ['server-groups', attr(nova, 'server_groups')],
    ['subnet_pools', attr(q, 'subnetpool')],
    ['subnets', attr(q, 'subnet')],
  ];
  return { kind: 'show', data: { fields } };
}

/** `quota set PROJECT`: Nova's limits first, then Neutron's. */
function quotaSet(c: Cloud, a: Args): Output {
  const project = findProject(c, req(a, 'project'));
  const nova: Partial<Record<NovaQuotaKey, number>> = {};
  for (const k of NOVA_QUOTA_KEYS) if (typeof a[k] === 'number') nova[k] = a[k] as number;
  if (Object.keys(nova).length > 0) updateQuotaSet(c, project.id, nova);
  const neutron: Record<string, number> = {};
  for (const k of NEUTRON_QUOTA_KEYS) if (typeof a[k] === 'number') neutron[k] = a[k] as number;
  if (Object.keys(neutron).length > 0) updateQuota(c, project.id, neutron);
  return none;
}

export const quotaCommands: OscCommand[] = [
  { name: 'quota show', run: ({ cloud, args }) => quotaShow(cloud, args) },
  { name: 'quota set', style: 'nova', run: ({ cloud, args }) => quotaSet(cloud, args) },
];
