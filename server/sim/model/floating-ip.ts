/** A floating IP: an address on an external network, optionally DNATed to a port's fixed IP. */
import type { Std } from './std.js';

export interface FloatingIp extends Std {
  floatingNetworkId: string;
  floatingIpAddress: string;
  subnetId: string | null;
  portId: string | null;
  fixedIpAddress: string | null;
  routerId: string | null;
  status: 'ACTIVE' | 'DOWN' | 'ERROR';
}
