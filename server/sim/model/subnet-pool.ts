/** Subnet pools and address scopes (Neutron's subnet allocation). */
import type { Std } from './std.js';

export interface SubnetPool extends Std {
  ipVersion: 4 | 6;
  prefixes: string[];
  defaultPrefixlen: number;
  minPrefixlen: number;
  maxPrefixlen: number;
  shared: boolean;
  isDefault: boolean;
  addressScopeId: string | null;
  defaultQuota: number | null;
}

export interface AddressScope {
  id: string;
  name: string;
  projectId: string;
  ipVersion: 4 | 6;
  shared: boolean;
}
