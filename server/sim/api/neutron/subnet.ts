/** Neutron subnets as the API returns them. */
import type { Cloud } from '../../model/cloud.js';
import type { Subnet } from '../../model/subnet.js';
import { visibleSubnets } from '../../visibility.js';
import type { JsonObject } from '../json.js';
import { formatCidr, parseCidr } from '../../ipam.js';
import { neutronError } from '../../errors.js';
import { listOf, queryString, stdAttrs, type ListQuery } from './common.js';

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
    service_types: [...s.serviceTypes],
    segment_id: s.segmentId,
    ...stdAttrs(s),
    project_id: s.projectId,
  };
}

/** GET /v2.0/subnets (a `cidr` filter is read as a CIDR: `10.0.3.1/24` finds 10.0.3.0/24; not a CIDR is refused). */
export function listSubnets(c: Cloud, q: ListQuery = {}): JsonObject[] {
  return listOf(visibleSubnets(c), subnetDict, cidrFiltered(q), '/v2.0/subnets');
}

function cidrFiltered(q: ListQuery): ListQuery {
  const one = q.filters?.['cidr'];
  const many = q.anyOf?.['cidr'];
  if (typeof one !== 'string' && many === undefined) return q;
  const convert = (raw: string) => {
    const got = parseCidr(raw);
    // The URL the client asked (the query as sent, for its error line).
    if (got === null) throw neutronError.invalidInput(`/v2.0/subnets?${queryString(q)}`, `${raw} is not in a CIDR format.`);
    return formatCidr(got);
  };
  return {
    ...q,
    ...(typeof one === 'string' ? { filters: { ...q.filters, cidr: convert(one) } } : {}),
    ...(many !== undefined ? { anyOf: { ...q.anyOf, cidr: many.map(convert) } } : {}),
  };
}
