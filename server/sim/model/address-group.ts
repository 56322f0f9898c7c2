/** Neutron's address groups (the address-group extension): named sets of CIDRs a security group rule may take as its remote. */
import type { Std } from './std.js';

export interface AddressGroup extends Std {
  /** Normalised CIDRs (host bits cleared, IPv6 compact), in the order they were added. */
  addresses: string[];
}
