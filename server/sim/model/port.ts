/** A Neutron port: VM NICs, DHCP ports, router interfaces and gateways, floating-IP ports. */
import type { Std } from './std.js';

/**
 * The device owners Neutron itself sets (neutron_lib.constants DEVICE_OWNER_*), declared once:
 * the ports of DHCP, routers, floating IPs and VMs are told apart by them.
 */
export const DEVICE_OWNER = {
  dhcp: 'network:dhcp',
  routerInterface: 'network:router_interface',
  routerInterfaceDistributed: 'network:router_interface_distributed',
  haRouterReplicatedInterface: 'network:ha_router_replicated_interface',
  routerGateway: 'network:router_gateway',
  routerCentralizedSnat: 'network:router_centralized_snat',
  floatingIp: 'network:floatingip',
  /** The metadata port of OVN and DVR networks. */
  distributed: 'network:distributed',
} as const;

/** One of Neutron's own device owners. */
export type NetworkDeviceOwner = (typeof DEVICE_OWNER)[keyof typeof DEVICE_OWNER];

/** The prefix Nova gives the ports of its instances: `compute:<availability zone>`. */
export const COMPUTE_OWNER_PREFIX = 'compute:';

/**
 * A port's device_owner: one of Neutron's, Nova's `compute:<az>`, '' for none, or any text a
 * user sets with `--device-owner` (the API accepts any string, so the type stays open).
 */
export type DeviceOwner = NetworkDeviceOwner | `compute:${string}` | '' | (string & {});

export interface FixedIp {
  subnetId: string;
  ipAddress: string;
}

export interface AllowedAddressPair {
  ipAddress: string;
  macAddress: string;
}

export interface Port extends Std {
  networkId: string;
  macAddress: string;
  fixedIps: FixedIp[];
  deviceId: string;
  deviceOwner: DeviceOwner;
  status: 'ACTIVE' | 'DOWN' | 'BUILD' | 'ERROR' | 'N/A';
  adminStateUp: boolean;
  securityGroupIds: string[];
  portSecurityEnabled: boolean;
  allowedAddressPairs: AllowedAddressPair[];
  /** binding:host_id ('' when unbound) and binding:vif_type ('unbound', 'ovs', ...). */
  bindingHostId: string;
  bindingVifType: string;
  bindingVnicType: string;
  /** ip_allocation when it is not 'immediate': 'none' for a port created with an empty fixed_ips (no addresses asked for). */
  ipAllocation?: 'none' | 'deferred';
  /** extra_dhcp_opts (the extra_dhcp_opt extension), when the port has any: what its DHCP server adds for it. */
  extraDhcpOpts?: ExtraDhcpOpt[];
  /** binding:profile when it is not empty: a dict an admin gives the binding (ML2 keeps it as given). */
  bindingProfile?: { [key: string]: BindingProfileValue };
}

/** A value of binding:profile: any JSON. */
export type BindingProfileValue = string | number | boolean | null | BindingProfileValue[] | { [key: string]: BindingProfileValue };

/** One extra DHCP option of a port: a dnsmasq option name (or number), its value, for IPv4 or IPv6. */
export interface ExtraDhcpOpt {
  optName: string;
  optValue: string;
  ipVersion: 4 | 6;
}
