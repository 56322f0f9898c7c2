/**
 * What a project may see (Neutron's GET policies, Zed defaults): admins see everything; other
 * projects see their own resources, shared and external networks, subnets of shared networks,
 * shared pools and scopes, what an RBAC policy shares with them (sim/ops/rbac), and the ports of
 * their own networks. Both CLIs look names up in these lists, so a resource another project may
 * not see is "not found" for it.
 */
import type { Cloud } from './model/cloud.js';
import type { Network } from './model/network.js';
import type { Subnet } from './model/subnet.js';
import type { Port } from './model/port.js';
import type { Router } from './model/router.js';
import type { FloatingIp } from './model/floating-ip.js';
import type { SecurityGroup, SecurityGroupRule } from './model/security-group.js';
import type { AddressScope, SubnetPool } from './model/subnet-pool.js';
import type { AddressGroup } from './model/address-group.js';
import { owns } from './ops/context.js';
import { grants } from './ops/rbac.js';

/** A network shared with the caller's project by an RBAC policy (for its use or as external). */
function grantedNetwork(c: Cloud, id: string): boolean {
  return grants(c, 'network', id, 'access_as_shared', c.auth.projectId) || grants(c, 'network', id, 'access_as_external', c.auth.projectId);
}

export function visibleNetworks(c: Cloud): Network[] {
  return c.networks.filter((n) => owns(c, n.projectId) || n.shared || n.external || grantedNetwork(c, n.id));
}

/** A member sees an external network that is not shared, but not its subnets (checked on the oracle). */
export function visibleSubnets(c: Cloud): Subnet[] {
  const shared = new Set(c.networks.filter((n) => n.shared || grants(c, 'network', n.id, 'access_as_shared', c.auth.projectId)).map((n) => n.id));
  return c.subnets.filter((s) => owns(c, s.projectId) || shared.has(s.networkId));
}

/** Whether the caller sees the port (one of `visiblePorts`). */
export function isVisiblePort(c: Cloud, p: Port): boolean {
  if (c.auth.admin || p.projectId === c.auth.projectId) return true;
  if (p.projectId === '') return false;
  return c.networks.find((n) => n.id === p.networkId)?.projectId === c.auth.projectId;
}

export function visiblePorts(c: Cloud): Port[] {
  if (c.auth.admin) return c.ports;
  const mine = new Set(c.networks.filter((n) => n.projectId === c.auth.projectId).map((n) => n.id));
  return c.ports.filter((p) => p.projectId === c.auth.projectId || (mine.has(p.networkId) && p.projectId !== ''));
}

export function visibleRouters(c: Cloud): Router[] {
  return c.routers.filter((r) => owns(c, r.projectId));
}

/** Whether the caller sees the floating IP (one of `visibleFloatingIps`). */
export function isVisibleFloatingIp(c: Cloud, f: FloatingIp): boolean {
  return owns(c, f.projectId);
}

export function visibleFloatingIps(c: Cloud): FloatingIp[] {
  return c.floatingIps.filter((f) => isVisibleFloatingIp(c, f));
}

export function visibleGroups(c: Cloud): SecurityGroup[] {
  return c.securityGroups.filter((g) => owns(c, g.projectId) || grants(c, 'security_group', g.id, 'access_as_shared', c.auth.projectId));
}

export function visibleRules(c: Cloud): SecurityGroupRule[] {
  const groups = new Set(visibleGroups(c).map((g) => g.id));
  return c.securityGroupRules.filter((r) => groups.has(r.securityGroupId));
}

export function visiblePools(c: Cloud): SubnetPool[] {
  return c.subnetPools.filter((p) => owns(c, p.projectId) || p.shared || grants(c, 'subnetpool', p.id, 'access_as_shared', c.auth.projectId));
}

export function visibleScopes(c: Cloud): AddressScope[] {
  return c.addressScopes.filter((s) => owns(c, s.projectId) || s.shared || grants(c, 'address_scope', s.id, 'access_as_shared', c.auth.projectId));
}

/** Address groups the caller may read: its project's, and those shared with it by an RBAC policy (an admin reads all). */
export function visibleAddressGroups(c: Cloud): AddressGroup[] {
  return (c.addressGroups ?? []).filter((g) => owns(c, g.projectId) || grants(c, 'address_group', g.id, 'access_as_shared', c.auth.projectId));
}

/** Neutron's tag filters on lists: all of `tags`, any of `any`, not all of `notAll`, none of `notAny`. */
export interface TagFilter { tags: string[]; any: string[]; notAll: string[]; notAny: string[] }

export function tagsMatch(have: readonly string[], f: TagFilter): boolean {
  return f.tags.every((t) => have.includes(t))
    && (f.any.length === 0 || f.any.some((t) => have.includes(t)))
    && (f.notAll.length === 0 || !f.notAll.every((t) => have.includes(t)))
    && !f.notAny.some((t) => have.includes(t));
}
