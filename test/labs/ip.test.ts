/** The checks' address helpers write addresses as the cloud does (one IP library: server/sim/ipam.ts). */
import { describe, expect, it } from 'vitest';
import { canonicalCidr, canonicalIp, cidrWithin, hostPartIs, inCidr, ipVersion, isIp } from '../../server/labs/ip.js';
import { formatIp, parseIp } from '../../server/sim/ipam.js';

describe('labs/ip', () => {
  it('agrees with the core on IPv6 text, embedded IPv4 included', () => {
    for (const a of ['::1.2.3.4', '::ffff:10.0.0.1', '2001:DB8:0:0:0:0:0:BEEF', 'fe80::1', '::']) {
      const p = parseIp(a);
      expect(p).not.toBeNull();
      if (p) expect(canonicalIp(a)).toBe(formatIp(p.version, p.value));
    }
    expect(canonicalIp('::1.2.3.4')).toBe('::1.2.3.4');
    expect(canonicalIp(' 2001:DB8::BEEF ')).toBe('2001:db8::beef');
  });
  it('is strict about what an address is', () => {
    expect(isIp('010.0.0.1')).toBe(false);
    expect(isIp('0x0a.0.0.1')).toBe(false);
    expect(isIp('10.1')).toBe(false);
    expect(ipVersion('10.0.0.1')).toBe(4);
    expect(ipVersion('::1')).toBe(6);
  });
  it('keeps an address with its prefix length as written, and checks membership', () => {
    expect(canonicalCidr('180.180.180.48/24')).toBe('180.180.180.48/24');
    expect(canonicalCidr('2001:DB8::1/64')).toBe('2001:db8::1/64');
    expect(canonicalCidr('10.0.0.1/33')).toBeNull();
    expect(inCidr('10.0.0.5', '10.0.0.0/24')).toBe(true);
    expect(inCidr('10.0.1.5', '10.0.0.0/24')).toBe(false);
    expect(inCidr('::1', '10.0.0.0/8')).toBe(false);
    expect(hostPartIs('2001:db8:1::beef', '2001:db8:1::/64', '::beef')).toBe(true);
    expect(hostPartIs('2001:db8:1::cafe', '2001:db8:1::/64', '::beef')).toBe(false);
    expect(cidrWithin('10.0.0.0/28', '10.0.0.0/24')).toBe(true);
    expect(cidrWithin('10.0.0.0/16', '10.0.0.0/24')).toBe(false);
    expect(cidrWithin('10.0.0.9', '10.0.0.0/24')).toBe(true);
  });
});
