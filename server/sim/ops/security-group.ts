/** Security groups and rules with Neutron's validation and the default group's four rules. */
import { extended } from '../objects.js';
import type { Cloud } from '../model/cloud.js';
import type { SecurityGroup, SecurityGroupRule } from '../model/security-group.js';
import { neutronError, SimError } from '../errors.js';
import { formatCidr, parseCidr } from '../ipam.js';
import { pyIntText } from '../python.js';
import { newStd, touch } from './context.js';
import { checkQuota } from './quota.js';
import { grants } from './rbac.js';

const PATH = '/v2.0/security-groups';
const RULE_PATH = '/v2.0/security-group-rules';

/** Protocol names Neutron accepts (neutron-lib constants, Zed), in the order its error lists them. */
export const PROTOCOL_NAMES = [
  'ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', 'ip', 'ipip', 'ipv6-encap', 'ipv6-frag',
  'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', 'ospf', 'pgm', 'rsvp', 'sctp', 'tcp',
  'udp', 'udplite', 'vrrp',
] as const;

const PORT_PROTOCOLS = ['tcp', 'udp', 'dccp', 'sctp', 'udplite', '6', '17', '33', '132', '136'];
const ICMP_PROTOCOLS = ['icmp', 'ipv6-icmp', 'icmpv6', '1', '58'];

/** A rule of group `g`, owned by `projectId` (the group's own rules: the group's project). */
function newRule(c: Cloud, g: SecurityGroup, r: Omit<SecurityGroupRule, keyof ReturnType<typeof newStd> | 'securityGroupId'>, projectId = g.projectId): SecurityGroupRule {
  const std = newStd(c, '', projectId, '', 0);
  // Object.assign: the keys of { ...std, securityGroupId, ...r } without a spread (see newStd).
  const rule: SecurityGroupRule = Object.assign(std, { securityGroupId: g.id }, r);
  c.securityGroupRules.push(rule);
  return rule;
}

function anyRule(direction: 'ingress' | 'egress', ethertype: 'IPv4' | 'IPv6', remoteGroupId: string | null) {
  return { direction, ethertype, protocol: null, portRangeMin: null, portRangeMax: null, remoteIpPrefix: null, remoteGroupId };
}

export function createSecurityGroup(
  c: Cloud,
  req: { name: string; description?: string; projectId?: string; stateful?: boolean },
  opts: { isDefault?: boolean } = {},
): SecurityGroup {
  const projectId = req.projectId ?? c.auth.projectId;
  if (!opts.isDefault) {
    checkNameNotDefault(PATH, req.name);
    checkQuota(c, 'security_group', projectId, c.securityGroups.filter((g) => g.projectId === projectId).length, PATH);
    // After the API's quota check: a project's first group can take it one over its limit.
    ensureDefaultGroup(c, projectId);
  }
  const g: SecurityGroup = Object.assign(newStd(c, req.name, projectId, req.description ?? '', 0), { stateful: req.stateful ?? true });
  c.securityGroups.push(g);
  for (const eth of ['IPv4', 'IPv6'] as const) {
    if (opts.isDefault) newRule(c, g, anyRule('ingress', eth, g.id));
    newRule(c, g, anyRule('egress', eth, null));
  }
  touch(c, g);
  return g;
}

/**
 * The group Neutron creates for a project when it is first needed: on listing groups or rules,
 * creating a group, a network or a port, and updating a port (again after it was deleted). A
 * member never makes one for another project (null then, as when none is there).
 */
export function ensureDefaultGroup(c: Cloud, projectId: string): SecurityGroup | null {
  const found = c.securityGroups.find((g) => g.projectId === projectId && g.name === 'default');
  if (found) return found;
  if (projectId !== c.auth.projectId && !c.auth.admin) return null;
  return createSecurityGroup(c, { name: 'default', description: 'Default security group', projectId }, { isDefault: true });
}

/** The API's name_not_default validator (a create's or an update's name, in any case). */
function checkNameNotDefault(path: string, name: string | undefined): void {
  if (name !== undefined && name.toLowerCase() === 'default') throw neutronError.conflict(path, 'Default security group already exists.');
}

export function updateSecurityGroup(c: Cloud, g: SecurityGroup, upd: { name?: string; description?: string; stateful?: boolean }): void {
  const path = `${PATH}/${g.id}`;
  checkNameNotDefault(path, upd.name);
  // A group's ports were set up for its statefulness: it changes only while no port has the group.
  if (upd.stateful !== undefined && upd.stateful !== g.stateful && c.ports.some((p) => p.securityGroupIds.includes(g.id))) {
    throw neutronError.conflict(path, `Security Group ${g.id} in use.`);
  }
  if (g.name === 'default' && upd.name !== undefined) {
    throw neutronError.conflict(path, 'Updating default security group not allowed.');
  }
  if (upd.name !== undefined) g.name = upd.name;
  if (upd.description !== undefined) g.description = upd.description;
  if (upd.stateful !== undefined) g.stateful = upd.stateful;
  touch(c, g);
}

export function deleteSecurityGroup(c: Cloud, g: SecurityGroup): void {
  const path = `${PATH}/${g.id}`;
  if (c.ports.some((p) => p.securityGroupIds.includes(g.id))) {
    throw neutronError.conflict(path, `Security Group ${g.id} in use.`);
  }
  if (g.name === 'default' && !c.auth.admin) {
    throw neutronError.conflict(path, 'Insufficient rights for removing default security group.');
  }
  c.securityGroupRules = c.securityGroupRules.filter((r) => r.securityGroupId !== g.id && r.remoteGroupId !== g.id);
  c.securityGroups = c.securityGroups.filter((x) => x.id !== g.id);
}

export interface RuleCreate {
  securityGroupId: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  portRangeMin: number | null;
  portRangeMax: number | null;
  remoteIpPrefix: string | null;
  remoteGroupId: string | null;
  remoteAddressGroupId?: string | null;
  description?: string;
  /** The rule's own project (the request's, else the caller's): not necessarily the group's. */
  projectId?: string;
}

function pyProtocolList(): string {
  return `[None, ${PROTOCOL_NAMES.map((p) => `'${p}'`).join(', ')}]`;
}

/** A rule-list `protocol` filter is validated like a rule's protocol (400 from the list URL). */
export function checkProtocolFilter(path: string, protocol: string): void {
  const p = protocol.toLowerCase();
  // Python's int() first, as convert_protocol tries it (` 17`, `+6` and `0_6` are numbers).
  const n = pyIntText(p);
  if (!(PROTOCOL_NAMES as readonly string[]).includes(p) && !(n !== null && n >= 0n && n <= 255n)) {
    throw neutronError.badRequest(
      path,
      `Security group rule protocol ${protocol} not supported. Only protocol values ${pyProtocolList()} and integer representations [0 to 255] are supported.`,
    );
  }
}

/** Protocol names by number (neutron-lib's map without the legacy `icmpv6`). */
const PROTOCOL_NUMBERS: Record<string, string> = {
  ah: '51', dccp: '33', egp: '8', esp: '50', gre: '47', hopopt: '0', icmp: '1', igmp: '2', ip: '0', ipip: '4',
  'ipv6-encap': '41', 'ipv6-frag': '44', 'ipv6-icmp': '58', icmpv6: '58', 'ipv6-nonxt': '59', 'ipv6-opts': '60',
  'ipv6-route': '43', ospf: '89', pgm: '113', rsvp: '46', sctp: '132', tcp: '6', udp: '17', udplite: '136', vrrp: '112',
};
const PROTOCOL_BY_NUMBER: Record<string, string> = Object.fromEntries(
  Object.entries(PROTOCOL_NUMBERS).filter(([name]) => name !== 'icmpv6').map(([name, num]) => [num, name]),
);

/**
 * A protocol as Neutron compares rules: its name and number, with IPv6's legacy ICMP names and
 * number 1 taken as ipv6-icmp (58). Unknown numbers stand for themselves.
 */
function protocolKey(protocol: string | null, ethertype: string): string {
  if (protocol === null) return '+';
  let p = protocol;
  if (ethertype === 'IPv6') {
    if (p === 'icmp' || p === 'icmpv6') p = 'ipv6-icmp';
    else if (p === '1') p = '58';
  }
  const num = PROTOCOL_NUMBERS[p];
  if (num !== undefined) return `${p}/${num}`;
  return `${PROTOCOL_BY_NUMBER[p] ?? p}/${p}`;
}

/** What makes two rules the same for Neutron: any-address prefixes equal no prefix. */
function ruleKey(r: Pick<SecurityGroupRule, 'direction' | 'ethertype' | 'portRangeMin' | 'portRangeMax' | 'protocol' | 'remoteGroupId' | 'remoteIpPrefix' | 'remoteAddressGroupId'>): string {
  const prefix = r.remoteIpPrefix === null || r.remoteIpPrefix === '0.0.0.0/0' || r.remoteIpPrefix === '::/0' ? '+' : r.remoteIpPrefix;
  const n = (v: number | string | null | undefined) => (v === null || v === undefined ? '+' : String(v));
  return [r.direction, r.ethertype, n(r.portRangeMax), n(r.portRangeMin), protocolKey(r.protocol, r.ethertype), n(r.remoteGroupId), n(r.remoteAddressGroupId), prefix].join(' ');
}

export function createSecurityGroupRule(c: Cloud, req: RuleCreate): SecurityGroupRule {
  const path = RULE_PATH;
  const g = c.securityGroups.find((x) => x.id === req.securityGroupId);
  if (!g) throw neutronError.notFound(path, `Security group ${req.securityGroupId} does not exist`);
  let protocol = req.protocol;
  if (protocol !== null) {
    protocol = protocol.toLowerCase();
    const n = /^\d+$/.test(protocol) ? Number(protocol) : NaN;
    if (!(PROTOCOL_NAMES as readonly string[]).includes(protocol) && !(n >= 0 && n <= 255)) {
      throw neutronError.badRequest(
        path,
        `Security group rule protocol ${req.protocol ?? ''} not supported. Only protocol values ${pyProtocolList()} and integer representations [0 to 255] are supported.`,
      );
    }
  }
  // Neutron's canonical forms: IPv6 rules say ipv6-icmp (58) for icmp/icmpv6 (1), and the whole port range is no range.
  if (req.ethertype === 'IPv6' && (protocol === 'icmp' || protocol === 'icmpv6')) protocol = 'ipv6-icmp';
  else if (req.ethertype === 'IPv6' && protocol === '1') protocol = '58';
  if (req.portRangeMin === 1 && req.portRangeMax === 65535) req = extended(req, { portRangeMin: null, portRangeMax: null });
  for (const v of [req.portRangeMin, req.portRangeMax]) {
    if (v !== null && (v < 0 || v > 65535)) throw neutronError.badRequest(path, `Invalid value for port ${v}`);
  }
  if ((req.portRangeMin !== null || req.portRangeMax !== null) && protocol === null) {
    throw neutronError.badRequest(path, 'Must also specify protocol if port range is given.');
  }
  if (protocol !== null && PORT_PROTOCOLS.includes(protocol)) {
    // Neutron's _validate_port_range: port 0 is no port, and a range needs both ends in order.
    if (req.portRangeMin !== null || req.portRangeMax !== null) {
      if (req.portRangeMin === 0 || req.portRangeMax === 0) throw neutronError.badRequest(path, 'Invalid value for port 0');
      if (req.portRangeMin === null || req.portRangeMax === null || req.portRangeMin > req.portRangeMax) {
        throw neutronError.badRequest(path, 'For TCP/UDP protocols, port_range_min must be <= port_range_max');
      }
    }
  } else if (protocol !== null && ICMP_PROTOCOLS.includes(protocol)) {
    if (req.portRangeMin !== null && req.portRangeMin > 255) {
      throw neutronError.badRequest(path, `Invalid value for ICMP type (port-range-min) ${req.portRangeMin}. It must be 0 to 255.`);
    }
    if (req.portRangeMax !== null && req.portRangeMax > 255) {
      throw neutronError.badRequest(path, `Invalid value for ICMP code (port-range-max) ${req.portRangeMax}. It must be 0 to 255.`);
    }
    if (req.portRangeMin === null && req.portRangeMax !== null) {
      throw neutronError.badRequest(path, `ICMP code (port-range-max) ${req.portRangeMax} is provided but ICMP type (port-range-min) is missing.`);
    }
  } else if (protocol !== null && (req.portRangeMin !== null || req.portRangeMax !== null)) {
    throw neutronError.badRequest(
      path,
      `Ports cannot be specified for protocol ${protocol}. Ports are only supported for ['tcp', 'udp', 'dccp', 'sctp', 'udplite'].`,
    );
  }
  let prefix: string | null = null;
  if (req.remoteIpPrefix !== null) {
    const cidr = parseCidr(req.remoteIpPrefix);
    if (!cidr) throw neutronError.badRequest(path, `Invalid CIDR ${req.remoteIpPrefix} given as IP prefix.`);
    const eth = cidr.version === 4 ? 'IPv4' : 'IPv6';
    if (eth !== req.ethertype) {
      throw neutronError.badRequest(path, `Conflicting value ethertype ${req.ethertype} for CIDR ${req.remoteIpPrefix}`);
    }
    prefix = req.remoteIpPrefix.includes('/') ? req.remoteIpPrefix : formatCidr(cidr);
  }
  if (req.remoteGroupId !== null && !c.securityGroups.some((x) => x.id === req.remoteGroupId)) {
    throw neutronError.notFound(path, `Security group ${req.remoteGroupId} does not exist`);
  }
  const projectId = req.projectId ?? c.auth.projectId;
  const addressGroup = req.remoteAddressGroupId ?? null;
  // check_address_group: the rule's project must see it (its own, or shared with it); an admin sees all.
  if (addressGroup !== null && !(c.addressGroups ?? []).some((a) => a.id === addressGroup && (c.auth.admin || a.projectId === projectId || grants(c, 'address_group', a.id, 'access_as_shared', projectId)))) {
    throw new SimError(404, `Address group ${addressGroup} could not be found.`, path, 'network', 'AddressGroupNotFound');
  }
  checkQuota(c, 'security_group_rule', projectId, c.securityGroupRules.filter((r) => r.projectId === projectId).length, path);
  const key = ruleKey(extended(req, { protocol, remoteIpPrefix: prefix }));
  const dup = c.securityGroupRules.find((r) => r.securityGroupId === g.id && ruleKey(r) === key);
  if (dup) throw neutronError.conflict(path, `Security group rule already exists. Rule id is ${dup.id}.`);
  const rule = newRule(c, g, {
    direction: req.direction,
    ethertype: req.ethertype,
    protocol,
    portRangeMin: req.portRangeMin,
    portRangeMax: req.portRangeMax,
    remoteIpPrefix: prefix,
    remoteGroupId: req.remoteGroupId,
    ...(addressGroup !== null ? { remoteAddressGroupId: addressGroup } : {}),
  }, projectId);
  rule.description = req.description ?? '';
  touch(c, g);
  return rule;
}

export function deleteSecurityGroupRule(c: Cloud, rule: SecurityGroupRule): void {
  c.securityGroupRules = c.securityGroupRules.filter((r) => r.id !== rule.id);
  const g = c.securityGroups.find((x) => x.id === rule.securityGroupId);
  if (g) touch(c, g);
}

/** normalized_cidr as Neutron reports it: the prefix with host bits cleared. */
export function normalizedCidr(rule: SecurityGroupRule): string | null {
  if (rule.remoteIpPrefix === null) return null;
  const p = parseCidr(rule.remoteIpPrefix);
  return p ? formatCidr(p) : null;
}
