/** `neutron security-group-*` and `security-group-rule-*` */
import { extended } from '../../sim/objects.js';
import type { Cloud } from '../../sim/model/cloud.js';
import { ensureDefaultGroup } from '../../sim/ops/security-group.js';
import { deleteSecurityGroupById, postSecurityGroup, putSecurityGroup } from '../../sim/api/neutron/requests/security-group.js';
import { deleteSecurityGroupRuleById, postSecurityGroupRule } from '../../sim/api/neutron/requests/security-group-rule.js';
import { getRule, groupDict, listGroups, listRules, ruleDict } from '../../sim/api/neutron/index.js';
import type { JsonObject } from '../../sim/api/json.js';
import { visibleGroups } from '../../sim/visibility.js';
import { formatted } from '../../render/pyvalue.js';
import { CliError } from '../errors.js';
import { bulkDelete, find, given, list, s, show, listQuery, table, type Handler, updateBody } from './common.js';

/** neutronclient shows by id first, then lists by name; the list makes the project's default group. */
export function findGroup(c: Cloud, ref: string) {
  if (!visibleGroups(c).some((g) => g.id === ref)) ensureDefaultGroup(c, c.auth.projectId);
  return find(visibleGroups(c), 'security_group', ref);
}

/** neutronclient's one-line summary of a rule (an API dict) in security-group-list. */
function ruleSummary(r: JsonObject): string {
  const num = (k: string): number | null => (typeof r[k] === 'number' ? (r[k] as number) : null);
  const text = (k: string): string | null => (typeof r[k] === 'string' ? (r[k] as string) : null);
  const min = num('port_range_min');
  const max = num('port_range_max');
  const out: string[] = [text('direction') ?? '', text('ethertype') ?? ''];
  const p = text('protocol');
  let pp: string | null = null;
  if (p === 'tcp' || p === 'udp') {
    pp = min && min === max ? `${min}/${p}` : min ? `${min}-${max ?? 'None'}/${p}` : p;
  } else if (p === 'icmp') {
    const o: string[] = [];
    if (min !== null) o.push(`type:${min}`);
    if (max !== null) o.push(`code:${max}`);
    pp = o.length ? `icmp (${o.join(', ')})` : 'icmp';
  } else if (p !== null && p !== '') pp = p;
  if (pp) out.push(pp);
  const prefix = text('remote_ip_prefix');
  if (prefix) out.push(`remote_ip_prefix: ${prefix}`);
  const group = text('remote_group_id');
  if (group) out.push(`remote_group_id: ${group}`);
  return out.join(', ');
}

/**
 * security-group-rule-list's port/protocol column (neutronclient's _get_protocol_port): ports only
 * for tcp and udp by name (a range from a true minimum), an ICMP type and code, any other protocol
 * as given; none is `any`.
 */
function portProtocol(r: JsonObject): string {
  const protocol = typeof r['protocol'] === 'string' ? r['protocol'] : null;
  const min = typeof r['port_range_min'] === 'number' ? r['port_range_min'] : null;
  const max = typeof r['port_range_max'] === 'number' ? r['port_range_max'] : null;
  if (protocol === 'tcp' || protocol === 'udp') {
    if (min && min === max) return `${min}/${protocol}`;
    return min ? `${min}-${max === null ? 'None' : max}/${protocol}` : protocol;
  }
  if (protocol === 'icmp') {
    const opts = [...(min !== null ? [`type:${min}`] : []), ...(max !== null ? [`code:${max}`] : [])];
    return opts.length > 0 ? `icmp (${opts.join(', ')})` : 'icmp';
  }
  return protocol || 'any';
}

export const securityGroupCommands: Record<string, Handler> = {
  'security-group-create': (c, a, extra) => {
    const own = given({ name: s(a, 'name'), description: s(a, 'description'), tenant_id: s(a, 'tenant_id') });
    const g = postSecurityGroup(c, { ...own, ...extra });
    return show(a, groupDict(c, g), 'security_group');
  },
  'security-group-list': (c, a, extra) => {
    const groups = listGroups(c, listQuery(a, extra));
    return table(
      a,
      ['id', 'name', 'security_group_rules'],
      groups.map((g) => {
        // Tables show a summary line per rule; other formats get the rules themselves.
        const rules = Array.isArray(g['security_group_rules']) ? (g['security_group_rules'] as JsonObject[]) : [];
        return [g['id'] ?? null, g['name'] ?? null, formatted(rules.map(ruleSummary).sort().join('\n'), rules)];
      }),
      groups,
    );
  },
  // ShowSecurityGroup.json_indent: each rule as JSON indented by 5.
  'security-group-show': (c, a) => show(a, groupDict(c, findGroup(c, s(a, 'id') ?? '')), undefined, 5),
  'security-group-update': (c, a, extra) => {
    const body = updateBody('security_group', { ...given({ name: s(a, 'name'), description: s(a, 'description') }), ...extra });
    const g = findGroup(c, s(a, 'id') ?? '');
    putSecurityGroup(c, g.id, body);
    return { stdout: `Updated security_group: ${s(a, 'id') ?? ''}\n` };
  },
  // Rules have no name: the reference goes to the server as an id.
  'security-group-rule-show': (c, a) => show(a, ruleDict(getRule(c, s(a, 'id') ?? ''), c)),
  'security-group-delete': (c, a) => bulkDelete('security_group', list(a, 'id'), (id) => deleteSecurityGroupById(c, findGroup(c, id).id)),
  'security-group-rule-create': (c, a, extra) => {
    const g = findGroup(c, s(a, 'security_group_id') ?? '');
    const remoteGroup = s(a, 'remote_group_id');
    const own = given({
      security_group_id: g.id,
      direction: s(a, 'direction') ?? 'ingress',
      ethertype: s(a, 'ethertype') ?? 'IPv4',
      protocol: s(a, 'protocol'),
      port_range_min: s(a, 'port_range_min'),
      port_range_max: s(a, 'port_range_max'),
      remote_ip_prefix: s(a, 'remote_ip_prefix'),
      tenant_id: s(a, 'tenant_id'),
      description: s(a, 'description'),
      remote_group_id: remoteGroup !== undefined ? findGroup(c, remoteGroup).id : undefined,
    });
    const rule = postSecurityGroupRule(c, { ...own, ...extra });
    return show(a, ruleDict(rule, c), 'security_group_rule');
  },
  'security-group-rule-list': (c, a, extra) => {
    const rules = listRules(c, listQuery(a, extra));
    // Groups are shown by name (any group the rule names, as Stacklab always did), read after the
    // list, which may have made the project's default group; --no-nameconv keeps the ids, and the
    // API's column names in the header.
    const raw = a['no_nameconv'] === true;
    const names = new Map<string, string>(raw ? [] : c.securityGroups.filter((g) => g.name !== '').map((g) => [g.id, g.name]));
    const group = raw ? 'security_group_id' : 'security_group';
    const cols = ['id', group, 'direction', 'ethertype', 'port/protocol', 'remote'];
    // neutronclient's rows: the API's rule with security_group_id renamed security_group (a name)
    // and the port/protocol and remote digests added, so -c and -F may name any of them.
    const rows = rules.map((r) => {
      const remoteGroup = r['remote_group_id'];
      const prefix = typeof r['remote_ip_prefix'] === 'string' ? r['remote_ip_prefix'] : null;
      const remoteName = typeof remoteGroup === 'string' ? (names.get(remoteGroup) ?? remoteGroup) : undefined;
      const remote = remoteName !== undefined ? `${remoteName} (group)` : prefix && prefix !== '0.0.0.0/0' && prefix !== '::/0' ? `${prefix} (CIDR)` : 'any';
      const sg = String(r['security_group_id']);
      const { security_group_id: _sg, ...rest } = r;
      return extended(rest, { [group]: names.get(sg) ?? sg, 'port/protocol': portProtocol(r), remote }) as JsonObject;
    });
    return table(a, cols, rows.map((r) => cols.map((k) => r[k] ?? null)), rows);
  },
  'security-group-rule-delete': (c, a) =>
    bulkDelete('security_group_rule', list(a, 'id'), (id) => {
      const r = c.securityGroupRules.find((x) => x.id === id);
      if (!r) throw new CliError(`Unable to find security_group_rule with name or id '${id}'`);
      deleteSecurityGroupRuleById(c, r.id);
    }),
};
