/**
 * Nova's deprecated security group proxy (`/os-security-group-rules`, what `nova secgroup-add-rule`
 * calls): Nova checks the ports and protocol itself, then creates the rule in Neutron and turns
 * Neutron's errors into its own 400s.
 */
import type { Cloud } from '../../model/cloud.js';
import { novaError, SimError } from '../../errors.js';
import { createSecurityGroupRule as neutronCreateRule } from '../../ops/security-group.js';
import type { JsonObject } from '../json.js';

const PATH = '/os-security-group-rules';

/** The request body's fields, as the client sends them (strings, unchecked). */
export interface NovaRuleCreate {
  parentGroupId: string;
  ipProtocol: string;
  fromPort: string;
  toPort: string;
  cidr: string;
}

/** POST /os-security-group-rules: an ingress IPv4 rule, as Nova's dictionary of it. */
export function createSecurityGroupRule(c: Cloud, r: NovaRuleCreate): JsonObject {
  const p = r.ipProtocol.toLowerCase();
  const from = Number(r.fromPort);
  const to = Number(r.toPort);
  if (!/^-?\d+$/.test(r.fromPort) || !/^-?\d+$/.test(r.toPort)) throw novaError.badRequest(PATH, 'Invalid port range');
  if (!['tcp', 'udp', 'icmp'].includes(p)) throw novaError.badRequest(PATH, `Invalid IP protocol ${r.ipProtocol}.`);
  if (p !== 'icmp' && (from < 1 || to > 65535 || from > to)) {
    throw novaError.badRequest(PATH, `Invalid port range ${from}:${to}. Valid TCP ports should be between 1-65535`);
  }
  // Nova maps ICMP -1 (any type/code) onto Neutron's "unset".
  const min = p === 'icmp' && from === -1 ? null : from;
  const max = p === 'icmp' && to === -1 ? null : to;
  let id: string;
  try {
    id = neutronCreateRule(c, {
      securityGroupId: r.parentGroupId,
      direction: 'ingress',
      ethertype: 'IPv4',
      protocol: p,
      portRangeMin: min,
      portRangeMax: max,
      remoteIpPrefix: r.cidr,
      remoteGroupId: null,
    }).id;
  } catch (e) {
    if (e instanceof SimError && e.status === 409) throw novaError.badRequest(PATH, `This rule already exists in group ${r.parentGroupId}`);
    if (e instanceof SimError) throw novaError.badRequest(PATH, e.message);
    throw e;
  }
  return { id, parent_group_id: r.parentGroupId, ip_protocol: p, from_port: from, to_port: to, ip_range: { cidr: r.cidr }, group: {} };
}
