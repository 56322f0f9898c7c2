/** Security groups and their rules (allow-only, stateful). */
import type { Std } from './std.js';

export interface SecurityGroup extends Std {
  stateful: boolean;
}

export interface SecurityGroupRule extends Std {
  securityGroupId: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  /** Protocol name or number as given (lower-cased), null = any. */
  protocol: string | null;
  portRangeMin: number | null;
  portRangeMax: number | null;
  remoteIpPrefix: string | null;
  remoteGroupId: string | null;
  /** An address group as the remote (absent in rules made before address groups were simulated: none). */
  remoteAddressGroupId?: string | null;
}
