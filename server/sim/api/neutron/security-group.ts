/** Neutron security groups and their rules as the API returns them. */
import type { Cloud } from '../../model/cloud.js';
import type { SecurityGroup, SecurityGroupRule } from '../../model/security-group.js';
import { ensureDefaultGroup, normalizedCidr } from '../../ops/security-group.js';
import { visibleGroups, visibleRules } from '../../visibility.js';
import type { JsonObject } from '../json.js';
import { neutronError } from '../../errors.js';
import { listOf, type ListQuery } from './common.js';

/** A rule: as POST/GET /v2.0/security-group-rules return it, or (`embedded`) as a group embeds it. */
function ruleBody(r: SecurityGroupRule, embedded: boolean, implicit = false): JsonObject {
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
    remote_address_group_id: r.remoteAddressGroupId ?? null,
    normalized_cidr: normalizedCidr(r),
    remote_group_id: r.remoteGroupId,
  };
  if (embedded) d['standard_attr_id'] = r.stdAttrId;
  // The rules Neutron makes with a group were made without a description: None.
  d['description'] = implicit ? null : r.description;
  if (embedded) d['tags'] = [];
  d['created_at'] = r.createdAt;
  d['updated_at'] = r.updatedAt;
  d['revision_number'] = r.revision;
  d['project_id'] = r.projectId;
  return d;
}

/** A rule as GET returns it (the rules made with their group show their None description). */
export function ruleDict(r: SecurityGroupRule, c: Cloud): JsonObject {
  const g = c.securityGroups.find((x) => x.id === r.securityGroupId);
  return ruleBody(r, false, g !== undefined && madeWithGroup(g, r));
}

/**
 * A rule as a group embeds it: the rule's own dictionary with `standard_attr_id` and `tags`
 * (as the oracle's group responses carry them).
 */
export function embeddedRuleDict(r: SecurityGroupRule, implicit = false): JsonObject {
  return ruleBody(r, true, implicit);
}

/**
 * Whether Neutron made the rule with its group (two egress rules; the default group's four):
 * they draw the standard-attribute ids right after the group's, which no later rule can have.
 */
function madeWithGroup(g: SecurityGroup, r: SecurityGroupRule): boolean {
  const made = g.name === 'default' ? 4 : 2;
  const n = r.stdAttrId - g.stdAttrId;
  return n >= 1 && n <= made;
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
    shared: false,
    stateful: g.stateful,
    security_group_rules: groupRules(c, g).map((r) => embeddedRuleDict(r, madeWithGroup(g, r))),
    // Sorted, as the server reads them back from its tags table (stdAttrs does the same for the others).
    tags: [...g.tags].sort(),
    created_at: g.createdAt,
    updated_at: g.updatedAt,
    revision_number: g.revision,
    project_id: g.projectId,
  };
}

/**
 * Listing groups or rules makes the default group of the project asked about (the filter's
 * project, else the caller's) if it has none, as Neutron does: the caller's cloud must be a draft.
 */
function ensureListedDefault(c: Cloud, q: ListQuery): void {
  const filter = q.filters?.['project_id'] ?? q.filters?.['tenant_id'];
  ensureDefaultGroup(c, typeof filter === 'string' && filter !== '' ? filter : c.auth.projectId);
}

/** GET /v2.0/security-groups */
export function listGroups(c: Cloud, q: ListQuery = {}): JsonObject[] {
  ensureListedDefault(c, q);
  return listOf(visibleGroups(c), (g) => groupDict(c, g), q, '/v2.0/security-groups');
}

/** GET /v2.0/security-group-rules */
export function listRules(c: Cloud, q: ListQuery = {}): JsonObject[] {
  ensureListedDefault(c, q);
  return listOf(visibleRules(c), (r) => ruleDict(r, c), q, '/v2.0/security-group-rules');
}

/** GET /v2.0/security-group-rules/{id}: the rule, or Neutron's 404. */
export function getRule(c: Cloud, id: string): SecurityGroupRule {
  const r = visibleRules(c).find((x) => x.id === id);
  if (!r) throw neutronError.notFound(`/v2.0/security-group-rules/${id}`, `Security group rule ${id} does not exist`);
  return r;
}
