/** A Neutron subnet. Addresses are kept as canonical strings; CIDR math lives in ipam.ts. */
import type { Std } from './std.js';

export type Ipv6Mode = 'slaac' | 'dhcpv6-stateful' | 'dhcpv6-stateless';

export interface AllocationPool {
  start: string;
  end: string;
}

export interface HostRoute {
  destination: string;
  nexthop: string;
}

export interface Subnet extends Std {
  networkId: string;
  ipVersion: 4 | 6;
  cidr: string;
  gatewayIp: string | null;
  allocationPools: AllocationPool[];
  enableDhcp: boolean;
  dnsNameservers: string[];
  hostRoutes: HostRoute[];
  ipv6RaMode: Ipv6Mode | null;
  ipv6AddressMode: Ipv6Mode | null;
  subnetpoolId: string | null;
  serviceTypes: string[];
  segmentId: string | null;
}
