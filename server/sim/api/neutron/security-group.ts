/** Neutron security groups and their rules as the API returns them. */
import type { Cloud } from '../../model/cloud.js';
import type { SecurityGroup, SecurityGroupRule } from '../../model/security-group.js';
import { normalizedCidr } from '../../ops/security-group.js';
import { visibleGroups, visibleRules } from '../../visibility.js';
import type { JsonObject } from '../json.js';
import { listOf, type ListQuery } from './common.js';

/** A rule: as POST/GET /v2.0/security-group-rules return it, or (`embedded`) as a group embeds it. */
function ruleBody(r: SecurityGroupRule, embedded: boolean): JsonObject {
  const d: JsonObject = {
    id: r.id,
    tenant_id: r.projectId,
    security_group_id: r.securityGroupId,
    ethertype: r.ethertype,
    direction: r.direction,
    protocol: r.protocol,
    port_range_min: r.portRangeMin,
    port_range_max: r.portRangeMax,
    remote_ip_prefix: r.remoteIpPrefix,
    remote_address_group_id: null,
    normalized_cidr: normalizedCidr(r),
    remote_group_id: r.remoteGroupId,
  };
  if (embedded) d['standard_attr_id'] = r.stdAttrId;
  d['description'] = r.description;
  if (embedded) d['tags'] = [];
  d['created_at'] = r.createdAt;
  d['updated_at'] = r.updatedAt;
  d['revision_number'] = r.revision;
  d['project_id'] = r.projectId;
  return d;
}

export function ruleDict(r: SecurityGroupRule): JsonObject {
  return ruleBody(r, false);
}

/**
 * A rule as a group embeds it: the rule's own dictionary with `standard_attr_id` and `tags`
 * (as the oracle's group responses carry them).
 */
export function embeddedRuleDict(r: SecurityGroupRule): JsonObject {
  return ruleBody(r, true);
}

/** A group's rules in the order they were created. */
export function groupRules(c: Cloud, g: SecurityGroup): SecurityGroupRule[] {
  return c.securityGroupRules.filter((r) => r.securityGroupId === g.id);
}

export function groupDict(c: Cloud, g: SecurityGroup): JsonObject {
  return {
    id: g.id,
    name: g.name,
    tenant_id: g.projectId,
    description: g.description,
    stateful: g.stateful,
    security_group_rules: groupRules(c, g).map(embeddedRuleDict),
    tags: [...g.tags],
    created_at: g.createdAt,
    updated_at: g.updatedAt,
    revision_number: g.revision,
    project_id: g.projectId,
  };
}

/** GET /v2.0/security-groups */
export function listGroups(c: Cloud, q: ListQuery = {}): JsonObject[] {
  return listOf(visibleGroups(c), (g) => groupDict(c, g), q, '/v2.0/security-groups');
}

/** GET /v2.0/security-group-rules */
export function listRules(c: Cloud, q: ListQuery = {}): JsonObject[] {
  return listOf(visibleRules(c), ruleDict, q, '/v2.0/security-group-rules');
}
