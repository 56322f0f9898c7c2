/** A legacy (centralised, non-HA) Neutron router served by the L3 agent. */
import type { Std } from './std.js';
import type { FixedIp } from './port.js';

export interface ExternalGateway {
  networkId: string;
  enableSnat: boolean;
  externalFixedIps: FixedIp[];
}

export interface Route {
  destination: string;
  nexthop: string;
}

export interface Router extends Std {
  adminStateUp: boolean;
  status: 'ACTIVE' | 'DOWN' | 'ERROR';
  distributed: boolean;
  ha: boolean;
  gateway: ExternalGateway | null;
  routes: Route[];
  availabilityZoneHints: string[];
}
