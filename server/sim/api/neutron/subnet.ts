/** Neutron subnets as the API returns them. */
import type { Cloud } from '../../model/cloud.js';
import type { Subnet } from '../../model/subnet.js';
import { visibleSubnets } from '../../visibility.js';
import type { JsonObject } from '../json.js';
import { listOf, stdAttrs, type ListQuery } from './common.js';

export function subnetDict(s: Subnet): JsonObject {
  return {
    id: s.id,
    name: s.name,
    tenant_id: s.projectId,
    network_id: s.networkId,
    ip_version: s.ipVersion,
    subnetpool_id: s.subnetpoolId,
    enable_dhcp: s.enableDhcp,
    ipv6_ra_mode: s.ipv6RaMode,
    ipv6_address_mode: s.ipv6AddressMode,
    gateway_ip: s.gatewayIp,
    cidr: s.cidr,
    allocation_pools: s.allocationPools.map((p) => ({ start: p.start, end: p.end })),
    host_routes: s.hostRoutes.map((r) => ({ destination: r.destination, nexthop: r.nexthop })),
    dns_nameservers: [...s.dnsNameservers],
    // Neutron answers with them in its table's key order (by type), whatever the order given.
    service_types: [...s.serviceTypes].sort(),
    segment_id: s.segmentId,
    ...stdAttrs(s),
    project_id: s.projectId,
  };
}

/**
 * GET /v2.0/subnets. `shared` is a filter the dictionary does not show: the subnet's network's
 * (Neutron lists by it through the network).
 */
export function listSubnets(c: Cloud, q: ListQuery = {}): JsonObject[] {
  const shared = (s: Subnet) => c.networks.find((n) => n.id === s.networkId)?.shared ?? false;
  return listOf(visibleSubnets(c), subnetDict, q, '/v2.0/subnets', { keys: ['shared'], full: (s) => ({ ...subnetDict(s), shared: shared(s) }) });
}
