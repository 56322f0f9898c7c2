/** `openstack security group …` and `openstack security group rule …` */
import type { Cloud } from '../../sim/model/cloud.js';
import type { SecurityGroup, SecurityGroupRule } from '../../sim/model/security-group.js';
import type { CellValue, PyValue } from '../../render/pyvalue.js';
import { formatted } from '../../render/pyvalue.js';
import {
  checkProtocolFilter,
  createSecurityGroup,
  createSecurityGroupRule,
  deleteSecurityGroup,
  deleteSecurityGroupRule,
  normalizedCidr,
  updateSecurityGroup,
  type RuleCreate,
} from '../../sim/ops/security-group.js';
import { CliError } from '../errors.js';
import { byTags, deleteEach, findBy, flag, none, num, pair, req, str, strs, type Args, type OscCommand, type Output } from './common.js';
import { kvLine, sortFields } from './format.js';
import { sortedById } from './network.js';
import { findProject } from './project.js';
import { visibleGroups, visibleRules } from '../../sim/visibility.js';

export function findSecurityGroup(c: Cloud, nameOrId: string): SecurityGroup {
  return findBy(visibleGroups(c), 'SecurityGroup', nameOrId);
}

/** A rule as Neutron returns it inside its group (API key order). */
function ruleDict(r: SecurityGroupRule): Record<string, PyValue> {
  return {
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
    standard_attr_id: r.stdAttrId,
    description: r.description,
    tags: [],
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    revision_number: r.revision,
    project_id: r.projectId,
  };
}

/** OSC's rules column: one line per rule, falsy values and ownership keys dropped, keys sorted. */
function rulesCell(c: Cloud, g: SecurityGroup): CellValue {
  const rules = c.securityGroupRules.filter((r) => r.securityGroupId === g.id).map(ruleDict);
  const lines = rules.map((d) => {
    const kept: Record<string, PyValue> = {};
    for (const [k, v] of Object.entries(d)) {
      if (k === 'security_group_id' || k === 'project_id' || k === 'tenant_id') continue;
      if (v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0)) continue;
      kept[k] = v;
    }
    return kvLine(kept);
  });
  return formatted(lines.join('\n'), rules);
}

function groupShow(c: Cloud, g: SecurityGroup): Output {
  const fields: Array<[string, CellValue]> = [
    ['created_at', g.createdAt],
    ['description', g.description],
    ['id', g.id],
    ['name', g.name],
    ['project_id', g.projectId],
    ['revision_number', g.revision],
    ['rules', rulesCell(c, g)],
    ['stateful', g.stateful],
    ['tags', [...g.tags]],
    ['updated_at', g.updatedAt],
  ];
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

function ruleShow(r: SecurityGroupRule): Output {
  const fields: Array<[string, CellValue]> = [
    ['created_at', r.createdAt],
    ['description', r.description],
    ['direction', r.direction],
    ['ether_type', r.ethertype],
    ['id', r.id],
    ['name', null],
    ['port_range_max', r.portRangeMax],
    ['port_range_min', r.portRangeMin],
    ['project_id', r.projectId],
    ['protocol', r.protocol],
    ['remote_address_group_id', null],
    ['remote_group_id', r.remoteGroupId],
    ['remote_ip_prefix', r.remoteIpPrefix],
    ['revision_number', r.revision],
    ['security_group_id', r.securityGroupId],
    ['tags', []],
    ['updated_at', r.updatedAt],
  ];
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

const ICMP = ['icmp', 'ipv6-icmp', 'icmpv6', '1', '58'];
const IPV6_ONLY = ['ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route'];

/** OSC 6.0's port-range cell; it tests values for truth, so ICMP type 0 and code 0 are not shown. */
function portRange(r: SecurityGroupRule): string {
  if (r.protocol !== null && ICMP.includes(r.protocol)) {
    let out = '';
    if (r.portRangeMin) out += `type=${r.portRangeMin}`;
    if (r.portRangeMax) out += `:code=${r.portRangeMax}`;
    return out;
  }
  if (!r.portRangeMin && !r.portRangeMax) return '';
  const lo = r.portRangeMin ?? r.portRangeMax;
  const hi = r.portRangeMax ?? r.portRangeMin;
  return `${lo}:${hi}`;
}

function ruleCreate(c: Cloud, a: Args): Output {
  const g = findSecurityGroup(c, req(a, 'group'));
  const rawProto = str(a, 'protocol') ?? str(a, 'proto');
  const protocol = rawProto === undefined || rawProto === 'any' ? null : rawProto;
  const icmpType = num(a, 'icmp_type');
  const icmpCode = num(a, 'icmp_code');
  const dst = a['dst_port'] as [number, number] | undefined | null;
  const isIcmp = protocol !== null && ICMP.includes(protocol);
  if (dst && (icmpType !== undefined || icmpCode !== undefined)) {
    throw new CliError('Argument --dst-port not allowed with arguments --icmp-type and --icmp-code');
  }
  if (icmpType === undefined && icmpCode !== undefined) {
    throw new CliError('Argument --icmp-type required with argument --icmp-code');
  }
  if ((icmpType !== undefined || icmpCode !== undefined) && !isIcmp) {
    throw new CliError('ICMP IP protocol required with arguments --icmp-type and --icmp-code');
  }
  let ethertype: 'IPv4' | 'IPv6' = 'IPv4';
  const eth = str(a, 'ethertype');
  if (eth !== undefined) ethertype = eth as 'IPv4' | 'IPv6';
  else if (protocol !== null && IPV6_ONLY.includes(protocol)) ethertype = 'IPv6';
  const r: RuleCreate = {
    securityGroupId: g.id,
    direction: flag(a, 'egress') ? 'egress' : 'ingress',
    ethertype,
    protocol,
    portRangeMin: null,
    portRangeMax: null,
    remoteIpPrefix: null,
    remoteGroupId: null,
  };
  if (dst && !isIcmp) {
    r.portRangeMin = dst[0];
    r.portRangeMax = dst[1];
  }
  if (icmpType !== undefined && icmpType >= 0) r.portRangeMin = icmpType;
  if (icmpCode !== undefined && icmpCode >= 0) r.portRangeMax = icmpCode;
  const remoteIp = str(a, 'remote_ip');
  const remoteGroup = str(a, 'remote_group');
  if (remoteIp !== undefined) r.remoteIpPrefix = remoteIp;
  else if (remoteGroup !== undefined) r.remoteGroupId = findSecurityGroup(c, remoteGroup).id;
  else r.remoteIpPrefix = ethertype === 'IPv4' ? '0.0.0.0/0' : '::/0';
  const d = str(a, 'description');
  if (d !== undefined) r.description = d;
  return ruleShow(createSecurityGroupRule(c, r));
}

function ruleList(c: Cloud, a: Args): Output {
  let rules = sortedById(visibleRules(c));
  const groupArg = str(a, 'group');
  const groupId = groupArg === undefined ? undefined : findSecurityGroup(c, groupArg).id;
  if (groupId !== undefined) rules = rules.filter((r) => r.securityGroupId === groupId);
  const proto = str(a, 'protocol');
  // OSC 6.0 parses --ethertype but never sends it: the list is not filtered (checked on the oracle).
  const dir = pair(a, 'ingress', 'egress');
  if (proto !== undefined) {
    // Neutron validates the filter like a rule's protocol ("any" too), naming the list URL.
    const query = [
      ...(dir !== undefined ? [`direction=${dir ? 'ingress' : 'egress'}`] : []),
      `protocol=${encodeURIComponent(proto)}`,
      ...(groupId !== undefined ? [`security_group_id=${groupId}`] : []),
    ];
    checkProtocolFilter(`/v2.0/security-group-rules?${query.join('&')}`, proto);
    rules = rules.filter((r) => r.protocol === proto);
  }
  if (dir !== undefined) rules = rules.filter((r) => r.direction === (dir ? 'ingress' : 'egress'));
  const headers = ['ID', 'IP Protocol', 'Ethertype', 'IP Range', 'Port Range', 'Direction', 'Remote Security Group', 'Remote Address Group'];
  if (groupArg === undefined) headers.push('Security Group');
  const rows = rules.map((r) => {
    const row: CellValue[] = [
      r.id,
      r.protocol,
      r.ethertype,
      r.remoteIpPrefix ?? (r.ethertype === 'IPv4' ? '0.0.0.0/0' : '::/0'),
      portRange(r),
      r.direction,
      r.remoteGroupId,
      null,
    ];
    if (groupArg === undefined) row.push(r.securityGroupId);
    return row;
  });
  const out: Output = { kind: 'list', data: { headers, rows } };
  // OSC 6.0 still accepts --long and logs that it does nothing.
  if (flag(a, 'long')) out.warning = 'The --long option has been deprecated and is no longer needed';
  return out;
}

export const securityGroupCommands: OscCommand[] = [
  {
    name: 'security group create',
    style: 'wrapped',
    run: ({ cloud: c, args: a }) => {
      const name = req(a, 'name');
      const project = str(a, 'project');
      const g = createSecurityGroup(c, {
        name,
        // OSC fills the description with the name when none is given.
        description: str(a, 'description') ?? name,
        ...(flag(a, 'stateless') ? { stateful: false } : {}),
        ...(project !== undefined ? { projectId: findProject(c, project).id } : {}),
      });
      for (const t of strs(a, 'tags')) if (!g.tags.includes(t)) g.tags.push(t);
      return groupShow(c, g);
    },
  },
  {
    name: 'security group list',
    run: ({ cloud: c, args: a }) => {
      let groups = byTags(a, sortedById(visibleGroups(c)));
      const project = str(a, 'project');
      if (project !== undefined) {
        const pid = findProject(c, project).id;
        groups = groups.filter((g) => g.projectId === pid);
      }
      return {
        kind: 'list',
        data: {
          headers: ['ID', 'Name', 'Description', 'Project', 'Tags'],
          rows: groups.map((g) => [g.id, g.name, g.description, g.projectId, [...g.tags]]),
        },
      };
    },
  },
  { name: 'security group show', style: 'wrapped', run: ({ cloud: c, args: a }) => groupShow(c, findSecurityGroup(c, req(a, 'group'))) },
  {
    name: 'security group set',
    run: ({ cloud: c, args: a }) => {
      const g = findSecurityGroup(c, req(a, 'group'));
      const name = str(a, 'name');
      const d = str(a, 'description');
      const stateful = pair(a, 'stateful', 'stateless');
      updateSecurityGroup(c, g, {
        ...(name !== undefined ? { name } : {}),
        ...(d !== undefined ? { description: d } : {}),
        ...(stateful !== undefined ? { stateful } : {}),
      });
      if (flag(a, 'no_tag')) g.tags = [];
      for (const t of strs(a, 'tags')) if (!g.tags.includes(t)) g.tags.push(t);
      return none;
    },
  },
  {
    name: 'security group delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'group'), { one: 'group', many: 'groups' }, (t) => deleteSecurityGroup(c, findSecurityGroup(c, t))),
  },
  { name: 'security group rule create', style: 'wrapped', run: ({ cloud, args }) => ruleCreate(cloud, args) },
  { name: 'security group rule list', run: ({ cloud, args }) => ruleList(cloud, args) },
  {
    name: 'security group rule show',
    style: 'wrapped',
    run: ({ cloud: c, args: a }) => ruleShow(findBy(visibleRules(c).map((r) => ({ ...r, name: '' })), 'SecurityGroupRule', req(a, 'rule'))),
  },
  {
    name: 'security group rule delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'rule'), { one: 'rule', many: 'rules' }, (t) => {
        const r = findBy(visibleRules(c).map((x) => ({ ...x, name: '' })), 'SecurityGroupRule', t);
        deleteSecurityGroupRule(c, r);
      }),
  },
];
