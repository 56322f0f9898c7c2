/** A Neutron port: VM NICs, DHCP ports, router interfaces and gateways, floating-IP ports. */
import type { Std } from './std.js';

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
  deviceOwner: string;
  status: 'ACTIVE' | 'DOWN' | 'BUILD' | 'ERROR' | 'N/A';
  adminStateUp: boolean;
  securityGroupIds: string[];
  portSecurityEnabled: boolean;
  allowedAddressPairs: AllowedAddressPair[];
  /** binding:host_id ('' when unbound) and binding:vif_type ('unbound', 'ovs', ...). */
  bindingHostId: string;
  bindingVifType: string;
  bindingVnicType: string;
}
