/**
 * POST, PUT and DELETE /v2.0/security-group-rules: a body's attributes as the security group
 * plugin takes them. The legacy CLI's security-group-rule-create and -delete go through these.
 */
import type { Cloud } from '../../../model/cloud.js';
import type { SecurityGroupRule } from '../../../model/security-group.js';
import { neutronError } from '../../../errors.js';
import { createSecurityGroupRule, deleteSecurityGroupRule } from '../../../ops/security-group.js';
import { visibleRules } from '../../../visibility.js';
import type { JsonObject } from '../../json.js';
import { ruleDict } from '../security-group.js';
import type { CollectionWrites } from './types.js';
import { internalServerError, owner, pyText, withFaultTypes } from './checks.js';
import { int, ordered, prepare, text } from './order.js';
import { groupById } from './security-group.js';

const PATH = '/v2.0/security-group-rules';

/** The keys of a POST answer (no tags: the rule is read before its extensions fill them). */
const ORDER = [
  'id',
  'tenant_id',
  'security_group_id',
  'ethertype',
  'direction',
  'protocol',
  'port_range_min',
  'port_range_max',
  'remote_ip_prefix',
  'remote_address_group_id',
  'normalized_cidr',
  'remote_group_id',
  'description',
  'created_at',
  'updated_at',
  'revision_number',
  'project_id',
];

/** A rule the caller can see, or Neutron's 404. */
export function ruleById(c: Cloud, id: string, path: string): SecurityGroupRule {
  const r = visibleRules(c).find((x) => x.id === id);
  if (!r) throw neutronError.notFound(path, `Security group rule ${id} does not exist`);
  return r;
}

/** A text attribute that may be None. */
const textOrNull = (b: JsonObject, k: string): string | null => text(b, k) ?? null;

/** POST /v2.0/security-group-rules with the `security_group_rule` object: the new rule. */
export function postSecurityGroupRule(
  c: Cloud,
  member: JsonObject,
  path: string = PATH,
): SecurityGroupRule {
  return withFaultTypes(() => {
    const b = prepare(c, 'security_group_rules', 'create', path, member);
    const direction = b['direction'] as 'ingress' | 'egress';
    const remotes = ['remote_ip_prefix', 'remote_group_id', 'remote_address_group_id'].filter(
      (k) => (b[k] ?? null) !== null,
    );
    if (remotes.length > 1) {
      throw neutronError.badRequest(
        path,
        'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.',
      );
    }
    const g = groupById(c, text(b, 'security_group_id') ?? pyText(b['security_group_id']), path);
    const protocol = b['protocol'] ?? null;
    const rule = createSecurityGroupRule(c, {
      securityGroupId: g.id,
      direction,
      ethertype: text(b, 'ethertype') === 'IPv6' ? 'IPv6' : 'IPv4',
      protocol: protocol === null ? null : pyText(protocol),
      portRangeMin: int(b, 'port_range_min') ?? null,
      portRangeMax: int(b, 'port_range_max') ?? null,
      remoteIpPrefix: textOrNull(b, 'remote_ip_prefix'),
      remoteGroupId: textOrNull(b, 'remote_group_id'),
      remoteAddressGroupId: textOrNull(b, 'remote_address_group_id'),
      ...(text(b, 'description') !== undefined
        ? { description: text(b, 'description') as string }
        : {}),
      ...(owner(b) !== undefined ? { projectId: owner(b) as string } : {}),
    });
    return rule;
  });
}

/** PUT /v2.0/security-group-rules/ID: Neutron 21's ML2 has no update_security_group_rule, so a valid body is its 500. */
export function putSecurityGroupRule(
  c: Cloud,
  id: string,
  member: JsonObject,
  path: string = `${PATH}/${id}`,
): never {
  return withFaultTypes(() => {
    prepare(c, 'security_group_rules', 'update', path, member);
    throw internalServerError(path);
  });
}

/** DELETE /v2.0/security-group-rules/ID. */
export function deleteSecurityGroupRuleById(
  c: Cloud,
  id: string,
  path: string = `${PATH}/${id}`,
): void {
  withFaultTypes(() => deleteSecurityGroupRule(c, ruleById(c, id, path)));
}

export const securityGroupRuleWrites: CollectionWrites = {
  create: (c, member, path) => ordered(ruleDict(postSecurityGroupRule(c, member, path), c), ORDER),
  update: (c, id, member, path) => putSecurityGroupRule(c, id, member, path),
  remove: (c, id, path) => deleteSecurityGroupRuleById(c, id, path),
};
