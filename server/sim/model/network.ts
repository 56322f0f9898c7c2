/** A Neutron network with the provider, external and port-security extensions. */
import type { Std } from './std.js';

export type NetworkType = 'flat' | 'vlan' | 'vxlan' | 'geneve' | 'gre' | 'local';

export interface Network extends Std {
  adminStateUp: boolean;
  shared: boolean;
  external: boolean;
  /** Value of `is_default` (auto-allocated-topology); meaningful for external networks. */
  isDefault: boolean;
  mtu: number;
  portSecurityEnabled: boolean;
  networkType: NetworkType;
  physicalNetwork: string | null;
  segmentationId: number | null;
  availabilityZoneHints: string[];
  status: 'ACTIVE' | 'DOWN' | 'BUILD' | 'ERROR';
}
