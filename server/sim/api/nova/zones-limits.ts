/**
 * Nova's availability zones (`/os-availability-zone`, `/detail` for admins) and absolute limits
 * (`/limits`), as plain JSON: the REST API serves them, and `openstack availability zone list` and
 * `limits show` print them.
 */
import type { Cloud } from '../../model/cloud.js';
import type { Server } from '../../model/compute.js';
import { novaError } from '../../errors.js';
import type { JsonObject } from '../json.js';
import { showQuotaSet } from './quota.js';

/** When Stacklab's Nova services last reported (fixed: the simulation has no heartbeats). */
const SERVICES_SINCE = '2024-05-01T10:00:00.000000';

/**
 * availabilityZoneInfo: the one zone `nova`; with `detail` (admins only: Nova's policy refuses a
 * member with 403) also `internal`, and each zone's hosts with their services.
 */
export function availabilityZoneInfo(c: Cloud, detail: boolean): JsonObject[] {
  if (detail && !c.auth.admin) {
    throw novaError.forbidden(
      '/os-availability-zone/detail',
      "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed.",
    );
  }
  const zone: JsonObject = { zoneName: 'nova', zoneState: { available: true }, hosts: null };
  if (!detail) return [zone];
  const svc = (name: string) => ({
    [name]: { available: true, active: true, updated_at: SERVICES_SINCE },
  });
  const hosts: JsonObject = {};
  for (const h of c.config.computeHosts) hosts[h] = svc('nova-compute');
  const internal: JsonObject = {
    zoneName: 'internal',
    zoneState: { available: true },
    hosts: { controller: { ...svc('nova-conductor'), ...svc('nova-scheduler') } },
  };
  return [internal, { ...zone, hosts }];
}

/**
 * The absolute limits of a project in Nova's order (the quota resources'): the network ones until
 * 2.36, the image metadata until 2.39, personality until 2.57. Another project's (`tenant_id`) are
 * an admin's to read (os_compute_api:limits:other_project, even for one's own id).
 */
export function absoluteLimits(c: Cloud, minor: number, tenantId?: string): JsonObject {
  if (tenantId !== undefined && !c.auth.admin) {
    throw novaError.forbidden(
      '/limits',
      "Policy doesn't allow os_compute_api:limits:other_project to be performed.",
    );
  }
  const project = tenantId ?? c.auth.projectId;
  const q = showQuotaSet(c, project);
  const mine = c.servers.filter((s) => s.projectId === project);
  const flavorOf = (s: Server) => c.flavors.find((f) => f.id === s.flavorId);
  const abs: JsonObject = {
    maxTotalInstances: q['instances'] ?? -1,
    maxTotalCores: q['cores'] ?? -1,
    maxTotalRAMSize: q['ram'] ?? -1,
    maxServerMeta: q['metadata_items'] ?? -1,
  };
  if (minor < 39) abs['maxImageMeta'] = q['metadata_items'] ?? -1;
  if (minor < 57)
    Object.assign(abs, {
      maxPersonality: q['injected_files'] ?? -1,
      maxPersonalitySize: q['injected_file_content_bytes'] ?? -1,
    });
  Object.assign(abs, {
    maxTotalKeypairs: q['key_pairs'] ?? -1,
    maxServerGroups: q['server_groups'] ?? -1,
    maxServerGroupMembers: q['server_group_members'] ?? -1,
  });
  if (minor < 36)
    Object.assign(abs, {
      maxTotalFloatingIps: q['floating_ips'] ?? -1,
      maxSecurityGroups: q['security_groups'] ?? -1,
      maxSecurityGroupRules: q['security_group_rules'] ?? -1,
    });
  abs['totalRAMUsed'] = mine.reduce((n, s) => n + (flavorOf(s)?.ram ?? 0), 0);
  abs['totalCoresUsed'] = mine.reduce((n, s) => n + (flavorOf(s)?.vcpus ?? 0), 0);
  abs['totalInstancesUsed'] = mine.length;
  if (minor < 36) Object.assign(abs, { totalFloatingIpsUsed: 0, totalSecurityGroupsUsed: 0 });
  abs['totalServerGroupsUsed'] = 0;
  return abs;
}
