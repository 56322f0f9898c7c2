/** Neutron networks as the API returns them (Zed, ML2 with the provider, external-net, port-security and auto-allocated-topology extensions). */
import type { Cloud } from '../../model/cloud.js';
import type { Network } from '../../model/network.js';
import { networkAddressScope } from '../../ops/subnet-pool.js';
import { grants } from '../../ops/rbac.js';
import { visibleNetworks } from '../../visibility.js';
import { getAgent, networksOnAgent } from '../../agents.js';
import type { JsonObject } from '../json.js';
import { listOf, sortedById, stdAttrs, type ListQuery } from './common.js';

/** The provider attributes: admin only by policy, so other users do not get the keys at all. */
export const PROVIDER_KEYS = ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id'] as const;

/** `phase`: the POST answer or a GET (auto-allocated-topology adds is_default on create, and on GET only for external networks). */
/** The network as the caller sees it (`full`: as an admin does, for filtering before policy strips keys). */
export function networkDict(c: Cloud, n: Network, phase: 'create' | 'show' = 'show', full = false): JsonObject {
  const d: JsonObject = {
    id: n.id,
    name: n.name,
    tenant_id: n.projectId,
    admin_state_up: n.adminStateUp,
    mtu: n.mtu,
    status: n.status,
    subnets: c.subnets.filter((s) => s.networkId === n.id).map((s) => s.id),
    // A network shared with the caller's project by a policy reads as shared to that project (not to the owner).
    shared: n.shared || grants(c, 'network', n.id, 'access_as_shared', c.auth.projectId),
    availability_zone_hints: [...n.availabilityZoneHints],
    availability_zones: [],
    ipv4_address_scope: networkAddressScope(c, n.id, 4),
    ipv6_address_scope: networkAddressScope(c, n.id, 6),
    'router:external': n.external,
    port_security_enabled: n.portSecurityEnabled,
    'provider:network_type': n.networkType,
    'provider:physical_network': n.physicalNetwork,
    'provider:segmentation_id': n.segmentationId,
    l2_adjacency: true,
    ...stdAttrs(n),
    project_id: n.projectId,
  };
  if (phase === 'create' || n.external) d['is_default'] = n.isDefault;
  if (!c.auth.admin && !full) for (const k of PROVIDER_KEYS) delete d[k];
  return d;
}

/**
 * GET /v2.0/networks. A member's filters on the provider attributes match as an admin's would:
 * Neutron filters in the database, then policy strips the keys (checked on the oracle: a member's
 * `--provider-network-type flat` lists the flat external network it can see).
 */
export function listNetworks(c: Cloud, q: ListQuery = {}): JsonObject[] {
  return listOf(visibleNetworks(c), (n) => networkDict(c, n), q, '/v2.0/networks', c.auth.admin ? undefined : { keys: PROVIDER_KEYS, full: (n) => networkDict(c, n, 'show', true) });
}

/** GET /v2.0/agents/{id}/dhcp-networks: the networks a DHCP agent serves (no query). */
export function listAgentNetworks(c: Cloud, agentId: string): JsonObject[] {
  return sortedById(networksOnAgent(c, getAgent(c, agentId))).map((n) => networkDict(c, n));
}
