/**
 * The rule Neutron's policy engine checks for a write (neutron/policy.py's _build_match_rule): the
 * action's own rule, then, in the attribute map's order, a rule for each attribute whose policy is
 * enforced (enforce_policy) that the request sets (a create: to other than the attribute's
 * default), with a rule for each key of the dicts when its value is a list of them. The request is
 * refused as a whole when any of these rules fails, and the refusal prints the whole rule as
 * oslo.policy writes nested "and" checks.
 */
import type { Json, JsonObject } from '../../json.js';
import { attributeMap, type BodyResource } from '../body.js';
import { pyEquals } from '../../../python.js';
import { policyError } from '../../../ops/context.js';

/** A rule: the action's own (`create_port`), an attribute's (`create_port:fixed_ips`) or a key's in it. */
export interface Rule {
  action: string;
  attr?: string;
  key?: string;
}

/** One check: a rule, or "and" of checks (oslo.policy's RuleCheck and AndCheck). */
type Check = Rule | Check[];

const ruleName = (r: Rule): string => [r.action, r.attr, r.key].filter((x) => x !== undefined).join(':');
const show = (c: Check): string => (Array.isArray(c) ? `(${c.map(show).join(' and ')})` : `rule:${ruleName(c)}`);
const rules = (c: Check): Rule[] => (Array.isArray(c) ? c.flatMap(rules) : [c]);

/** The check of `action` (`create_port`) on `body` (the prepared request) for `resource`'s map. */
export function matchRule(resource: BodyResource, action: 'create' | 'update', singular: string, body: JsonObject): Check {
  const act = `${action}_${singular}`;
  let match: Check = { action: act };
  for (const [attr, spec] of Object.entries(attributeMap(resource) ?? {})) {
    const policy = spec.policy;
    if (policy === undefined || !Object.hasOwn(body, attr)) continue;
    const value = body[attr] as Json;
    if (action === 'create' && Object.hasOwn(policy, 'default') && pyEquals(value, policy.default as Json)) continue;
    let rule: Check = { action: act, attr };
    if (Array.isArray(value)) {
      const subs = value.flatMap((x) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.keys(x).map((key) => ({ action: act, attr, key })) : []));
      if (subs.length > 0) rule = [rule, subs];
    }
    match = [match, rule];
  }
  return match;
}

/**
 * Refuses the request (403 PolicyNotAuthorized naming the whole rule) when `denied` says any rule
 * of its check fails for the caller.
 */
export function enforcePolicy(path: string, check: Check, denied: (rule: Rule) => boolean): void {
  if (rules(check).some(denied)) throw policyError(path, show(check));
}
