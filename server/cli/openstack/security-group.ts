/** `openstack security group …` and `openstack security group rule …`: projects what sim/api/neutron answers onto OSC 6.0's columns. */
import { extended } from '../../sim/objects.js';
import type { Cloud } from '../../sim/model/cloud.js';
import type { SecurityGroup } from '../../sim/model/security-group.js';
import type { JsonObject } from '../../sim/api/json.js';
import { groupDict, listGroups, listRules, ruleDict, type FilterValue } from '../../sim/api/neutron/index.js';
import type { CellValue, PyValue } from '../../render/pyvalue.js';
import { formatted } from '../../render/pyvalue.js';
import { ensureDefaultGroup } from '../../sim/ops/security-group.js';
import { deleteSecurityGroupById, postSecurityGroup, putSecurityGroup } from '../../sim/api/neutron/requests/security-group.js';
import { deleteSecurityGroupRuleById, postSecurityGroupRule } from '../../sim/api/neutron/requests/security-group-rule.js';
import { CliError, afterCommit } from '../errors.js';
import { createdWithTags, deleteEach, findBy, flag, none, num, pair, req, sdkBody, str, strs, tagFilter, type Args, type OscCommand, type Output, sdkUpdate } from './common.js';
import { attr, kvLine, sortFields } from './format.js';
import { findProject } from './project.js';
import { findAddressGroup } from './address-group.js';
import { visibleGroups, visibleRules } from '../../sim/visibility.js';
import { setTagsAsClient, tagsPath } from '../../sim/api/neutron/requests/tags.js';

export function findSecurityGroup(c: Cloud, nameOrId: string): SecurityGroup {
  // OSC looks up by id first; a name is then listed, and listing makes the default group.
  if (!visibleGroups(c).some((g) => g.id === nameOrId)) ensureDefaultGroup(c, c.auth.projectId);
  return findBy(visibleGroups(c), 'SecurityGroup', nameOrId);
}

/** OSC's rules column: one line per rule, falsy values and ownership keys dropped, keys sorted. */
function rulesCell(d: JsonObject): CellValue {
  const rules = Array.isArray(d['security_group_rules']) ? (d['security_group_rules'] as JsonObject[]) : [];
  const lines = rules.map((r) => {
    const kept: Record<string, PyValue> = {};
    for (const [k, v] of Object.entries(r)) {
      if (k === 'security_group_id' || k === 'project_id' || k === 'tenant_id') continue;
      if (v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0)) continue;
      kept[k] = v;
    }
    return kvLine(kept);
  });
  return formatted(lines.join('\n'), rules);
}

/** `security group show`/`create` rows from the API's group. */
function groupShow(d: JsonObject): Output {
  const fields: Array<[string, CellValue]> = [
    ['created_at', attr(d, 'created_at')],
    ['description', attr(d, 'description')],
    ['id', attr(d, 'id')],
    ['name', attr(d, 'name')],
    ['project_id', attr(d, 'project_id')],
    ['revision_number', attr(d, 'revision_number')],
    ['rules', rulesCell(d)],
    ['stateful', attr(d, 'stateful')],
    // OSC 6.0 has no formatter for a group's tags: the raw list shows.
    ['tags', rawList(d, 'tags')],
    ['updated_at', attr(d, 'updated_at')],
  ];
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

/** `security group rule show`/`create` rows from the API's rule. */
/** OSC's rule show fills a missing remote prefix with "any address" of the rule's ethertype (create does not). */
function withShownPrefix(d: JsonObject): JsonObject {
  if (d['remote_ip_prefix']) return d;
  const any = d['ethertype'] === 'IPv4' ? '0.0.0.0/0' : d['ethertype'] === 'IPv6' ? '::/0' : null;
  return extended(d, { remote_ip_prefix: any });
}

function ruleShow(d: JsonObject): Output {
  const fields: Array<[string, CellValue]> = [
    ['created_at', attr(d, 'created_at')],
    ['description', attr(d, 'description')],
    ['direction', attr(d, 'direction')],
    ['ether_type', attr(d, 'ethertype')],
    ['id', attr(d, 'id')],
    ['name', attr(d, 'name')],
    ['port_range_max', attr(d, 'port_range_max')],
    ['port_range_min', attr(d, 'port_range_min')],
    ['project_id', attr(d, 'project_id')],
    ['protocol', attr(d, 'protocol')],
    ['remote_address_group_id', attr(d, 'remote_address_group_id')],
    ['remote_group_id', attr(d, 'remote_group_id')],
    ['remote_ip_prefix', attr(d, 'remote_ip_prefix')],
    ['revision_number', attr(d, 'revision_number')],
    ['security_group_id', attr(d, 'security_group_id')],
    // openstacksdk's tags attribute is a list even when the response has none.
    ['tags', rawList(d, 'tags')],
    ['updated_at', attr(d, 'updated_at')],
  ];
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

const rawList = (d: JsonObject, k: string): PyValue => (Array.isArray(d[k]) ? [...(d[k] as PyValue[])] : []);

const ICMP = ['icmp', 'ipv6-icmp', 'icmpv6', '1', '58'];
/** OSC takes these for IPv6 when no --ethertype is given: `ipv6-*` names, icmpv6, and their numbers. */
const isIpv6Protocol = (p: string): boolean => p.startsWith('ipv6-') || ['icmpv6', '41', '43', '44', '58', '59', '60'].includes(p);

/** OSC 6.0's port-range cell; it tests values for truth, so ICMP type 0 and code 0 are not shown. */
function portRange(r: JsonObject): string {
  const protocol = r['protocol'];
  const min = typeof r['port_range_min'] === 'number' ? r['port_range_min'] : null;
  const max = typeof r['port_range_max'] === 'number' ? r['port_range_max'] : null;
  if (typeof protocol === 'string' && ICMP.includes(protocol)) {
    let out = '';
    if (min) out += `type=${min}`;
    if (max) out += `:code=${max}`;
    return out;
  }
  if (!min && !max) return '';
  return `${min ?? max}:${max ?? min}`;
}

function ruleCreate(c: Cloud, a: Args): Output {
  const g = findSecurityGroup(c, req(a, 'group'));
  // _get_protocol: --proto wins over --protocol; 'any' is None.
  const rawProto = str(a, 'proto') ?? str(a, 'protocol') ?? 'any';
  const protocol = rawProto === 'any' ? null : rawProto;
  const b: JsonObject = { protocol };
  const d = str(a, 'description');
  if (d !== undefined) b['description'] = d;
  b['direction'] = flag(a, 'egress') ? 'egress' : 'ingress';
  const eth = str(a, 'ethertype') ?? (protocol !== null && isIpv6Protocol(protocol) ? 'IPv6' : 'IPv4');
  b['ethertype'] = eth;
  const icmpType = num(a, 'icmp_type');
  const icmpCode = num(a, 'icmp_code');
  const dst = a['dst_port'] as [number, number] | undefined | null;
  const isIcmp = protocol !== null && ICMP.includes(protocol);
  // OSC tests the ICMP values for truth: a type or code of 0 passes these two checks as if not given.
  const icmpGiven = Boolean(icmpType) || Boolean(icmpCode);
  if (dst && icmpGiven) {
    throw new CliError('Argument --dst-port not allowed with arguments --icmp-type and --icmp-code');
  }
  if (icmpType === undefined && icmpCode !== undefined) {
    throw new CliError('Argument --icmp-type required with argument --icmp-code');
  }
  if (icmpGiven && !isIcmp) {
    throw new CliError('ICMP IP protocol required with arguments --icmp-type and --icmp-code');
  }
  // For backwards compatibility OSC ignores the destination ports of an ICMP protocol.
  if (dst && !isIcmp) {
    b['port_range_min'] = dst[0];
    b['port_range_max'] = dst[1];
  }
  if (icmpType !== undefined && icmpType >= 0) b['port_range_min'] = icmpType;
  if (icmpCode !== undefined && icmpCode >= 0) b['port_range_max'] = icmpCode;
  const remoteGroup = str(a, 'remote_group');
  const remoteIp = str(a, 'remote_ip');
  const remoteAddressGroup = str(a, 'remote_address_group');
  if (remoteGroup !== undefined) b['remote_group_id'] = findSecurityGroup(c, remoteGroup).id;
  else if (remoteAddressGroup !== undefined) b['remote_address_group_id'] = findAddressGroup(c, remoteAddressGroup).id;
  else if (remoteIp !== undefined) b['remote_ip_prefix'] = remoteIp;
  else if (eth === 'IPv4') b['remote_ip_prefix'] = '0.0.0.0/0';
  else if (eth === 'IPv6') b['remote_ip_prefix'] = '::/0';
  b['security_group_id'] = g.id;
  const project = str(a, 'project');
  if (project !== undefined) b['project_id'] = findProject(c, project).id;
  const { body } = sdkBody(b, a, {});
  return ruleShow(ruleDict(postSecurityGroupRule(c, body), c));
}

function ruleList(c: Cloud, a: Args): Output {
  const groupArg = str(a, 'group');
  const groupId = groupArg === undefined ? undefined : findSecurityGroup(c, groupArg).id;
  const proto = str(a, 'protocol');
  // OSC 6.0 parses --ethertype but never sends it: the list is not filtered (checked on the oracle).
  const dir = pair(a, 'ingress', 'egress');
  // The query in openstacksdk's order (the URL of Neutron's 400 for a protocol it refuses).
  const q: Record<string, FilterValue> = {};
  if (dir !== undefined) q['direction'] = dir ? 'ingress' : 'egress';
  if (proto !== undefined) q['protocol'] = proto;
  if (groupId !== undefined) q['security_group_id'] = groupId;
  const rules = listRules(c, { filters: q });
  const headers = ['ID', 'IP Protocol', 'Ethertype', 'IP Range', 'Port Range', 'Direction', 'Remote Security Group', 'Remote Address Group'];
  if (groupArg === undefined) headers.push('Security Group');
  const rows = rules.map((r) => {
    const row: CellValue[] = [
      attr(r, 'id'),
      attr(r, 'protocol'),
      attr(r, 'ethertype'),
      attr(r, 'remote_ip_prefix') ?? (r['ethertype'] === 'IPv4' ? '0.0.0.0/0' : '::/0'),
      portRange(r),
      attr(r, 'direction'),
      attr(r, 'remote_group_id'),
      attr(r, 'remote_address_group_id'),
    ];
    if (groupArg === undefined) row.push(attr(r, 'security_group_id'));
    return row;
  });
  return { kind: 'list', data: { headers, rows } };
}

export const securityGroupCommands: OscCommand[] = [
  {
    name: 'security group create',
    style: 'wrapped',
    run: ({ cloud: c, args: a }) => {
      const name = req(a, 'name');
      // OSC fills the description with the name when none is given.
      const b: JsonObject = { name, description: str(a, 'description') ?? name };
      if (flag(a, 'stateful')) b['stateful'] = true;
      if (flag(a, 'stateless')) b['stateful'] = false;
      const project = str(a, 'project');
      if (project !== undefined) b['project_id'] = findProject(c, project).id;
      const g = postSecurityGroup(c, sdkBody(b, a, {}).body);
      return createdWithTags(c, g, strs(a, 'tags'), tagsPath('security-groups', g.id), () => groupShow(groupDict(c, g)));
    },
  },
  {
    name: 'security group list',
    run: ({ cloud: c, args: a }) => {
      const q: Record<string, FilterValue> = {};
      const project = str(a, 'project');
      if (project !== undefined) q['project_id'] = findProject(c, project).id;
      const groups = listGroups(c, { filters: q, tags: tagFilter(a) });
      return {
        kind: 'list',
        data: {
          headers: ['ID', 'Name', 'Description', 'Project', 'Tags'],
          rows: groups.map((g) => [attr(g, 'id'), attr(g, 'name'), attr(g, 'description'), attr(g, 'project_id'), rawList(g, 'tags')]),
        },
      };
    },
  },
  { name: 'security group show', style: 'wrapped', run: ({ cloud: c, args: a }) => groupShow(groupDict(c, findSecurityGroup(c, req(a, 'group')))) },
  {
    name: 'security group set',
    run: ({ cloud: c, args: a }) => {
      const g = findSecurityGroup(c, req(a, 'group'));
      const b: JsonObject = {};
      const name = str(a, 'name');
      if (name !== undefined) b['name'] = name;
      const d = str(a, 'description');
      if (d !== undefined) b['description'] = d;
      if (flag(a, 'stateful')) b['stateful'] = true;
      if (flag(a, 'stateless')) b['stateful'] = false;
      // The SDK sends what differs from the group it found (nothing: no request).
      sdkUpdate(groupDict(c, g), sdkBody(b, a, {}).body, (send) => putSecurityGroup(c, g.id, send));
      afterCommit(() => setTagsAsClient(c, g, { clear: flag(a, 'no_tag'), add: strs(a, 'tags') }, tagsPath('security-groups', g.id)));
      return none;
    },
  },
  {
    // Tags only (OSC 6.0's UnsetSecurityGroup): the group found, then its tags put as the client does.
    name: 'security group unset',
    run: ({ cloud: c, args: a }) => {
      const g = findSecurityGroup(c, req(a, 'group'));
      afterCommit(() => setTagsAsClient(c, g, { clear: flag(a, 'all_tag'), remove: strs(a, 'tags') }, tagsPath('security-groups', g.id)));
      return none;
    },
  },
  {
    name: 'security group delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'group'), { one: 'group', many: 'groups' }, (t) => deleteSecurityGroupById(c, findSecurityGroup(c, t).id)),
  },
  { name: 'security group rule create', style: 'wrapped', run: ({ cloud, args }) => ruleCreate(cloud, args) },
  {
    name: 'security group rule list',
    run: ({ cloud, args }) => ruleList(cloud, args),
    // OSC 6.0 still accepts --long and logs, before anything else, that it does nothing.
    warns: (a) => (flag(a, 'long') ? 'The --long option has been deprecated and is no longer needed' : undefined),
  },
  {
    name: 'security group rule show',
    style: 'wrapped',
    run: ({ cloud: c, args: a }) => ruleShow(withShownPrefix(ruleDict(findBy(visibleRules(c).map((r) => extended(r, { name: '' })), 'SecurityGroupRule', req(a, 'rule')), c))),
  },
  {
    name: 'security group rule delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'rule'), { one: 'rule', many: 'rules' }, (t) => {
        const r = findBy(visibleRules(c).map((x) => extended(x, { name: '' })), 'SecurityGroupRule', t);
        deleteSecurityGroupRuleById(c, r.id);
      }),
  },
];
