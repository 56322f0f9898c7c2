import { describe, expect, it } from 'vitest';
import {
  allocateFromPool,
  cidrsOverlap,
  defaultPools,
  eui64,
  firstFree,
  formatCidr,
  formatIp,
  formatPools,
  mergeCidrs,
  parseCidr,
  parseIp,
  randomFree,
  validatePools,
  type Cidr,
} from './ipam.js';
import { seedRng } from './rng.js';

const cidr = (s: string) => parseCidr(s) as Cidr;
const ip = (s: string) => (parseIp(s) as { value: bigint }).value;

describe('parsing and formatting', () => {
  it('is strict about addresses and normalises CIDRs like Neutron', () => {
    expect(parseIp('10.0.0.300')).toBeNull();
    expect(parseIp('foo')).toBeNull();
    expect(formatIp(6, ip('2001:DB8:0:0::1'))).toBe('2001:db8::1');
    expect(formatCidr(cidr('10.7.0.5/24'))).toBe('10.7.0.0/24');
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(formatCidr(cidr('10.9.0.0'))).toBe('10.9.0.0/32');
    expect(cidrsOverlap(cidr('10.0.0.0/24'), cidr('10.0.0.128/25'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.0.0/24'), cidr('10.0.1.0/24'))).toBe(false);
  });
});

describe('default allocation pools (values observed on the real Neutron 21)', () => {
  const pools = (c: string, gw: string | null) => formatPools(cidr(c).version, defaultPools(cidr(c), gw === null ? null : ip(gw)));
  it('IPv4', () => {
    expect(pools('10.0.0.0/24', '10.0.0.1')).toBe('10.0.0.2-10.0.0.254');
    expect(pools('10.1.3.0/24', '10.1.3.100')).toBe('10.1.3.1-10.1.3.99,10.1.3.101-10.1.3.254');
    expect(pools('10.1.4.0/24', '10.1.9.1')).toBe('10.1.4.1-10.1.4.254');
    expect(pools('10.1.0.0/30', '10.1.0.1')).toBe('10.1.0.2-10.1.0.2');
    expect(pools('10.1.2.0/32', '10.1.2.1')).toBe('10.1.2.0-10.1.2.0');
  });
  it('IPv6: the pool runs to the last address', () => {
    expect(pools('2001:db8:1::/64', '2001:db8:1::')).toBe('2001:db8:1::1-2001:db8:1:0:ffff:ffff:ffff:ffff');
    expect(pools('2001:db8:100::/64', '2001:db8:100::1')).toBe('2001:db8:100::2-2001:db8:100:0:ffff:ffff:ffff:ffff');
  });
});

describe('pool validation messages', () => {
  const c = cidr('10.1.8.0/24');
  it('reports each problem in Neutron order and words', () => {
    expect(validatePools(c, [{ start: ip('10.1.8.20'), end: ip('10.1.8.10') }], ip('10.1.8.1'))?.message).toBe(
      "The allocation pool {'start': '10.1.8.20', 'end': '10.1.8.10'} is not valid.",
    );
    expect(validatePools(cidr('10.1.0.0/24'), [{ start: ip('10.1.0.10'), end: ip('10.1.1.20') }], null)?.message).toBe(
      'The allocation pool 10.1.0.10-10.1.1.20 spans beyond the subnet cidr 10.1.0.0/24.',
    );
    const overlap = validatePools(c, [{ start: ip('10.1.8.2'), end: ip('10.1.8.10') }, { start: ip('10.1.8.5'), end: ip('10.1.8.20') }], null);
    expect(overlap).toEqual({ status: 409, message: 'Found overlapping allocation pools: 10.1.8.2-10.1.8.10 10.1.8.5-10.1.8.20 for subnet 10.1.8.0/24.' });
    expect(validatePools(c, [{ start: ip('10.1.8.1'), end: ip('10.1.8.10') }], ip('10.1.8.1'))?.message).toBe(
      'Gateway ip 10.1.8.1 conflicts with allocation pool 10.1.8.1-10.1.8.10.',
    );
    expect(validatePools(c, [{ start: ip('10.1.8.2'), end: ip('10.1.8.10') }], ip('10.1.8.1'))).toBeNull();
  });
});

describe('address selection', () => {
  const pools = [{ start: ip('10.0.0.2'), end: ip('10.0.0.254') }];
  it('DHCP takes the first free address; others a random one among the first free', () => {
    expect(formatIp(4, firstFree(pools, new Set([ip('10.0.0.2')])) as bigint)).toBe('10.0.0.3');
    const rng = seedRng(3);
    const picks = Array.from({ length: 50 }, () => randomFree(pools, new Set(), rng) as bigint);
    expect(new Set(picks).size).toBeGreaterThan(30);
    expect(picks.every((p) => p >= ip('10.0.0.2') && p <= ip('10.0.0.254'))).toBe(true);
    expect(randomFree([{ start: ip('10.0.0.2'), end: ip('10.0.0.2') }], new Set([ip('10.0.0.2')]), rng)).toBeNull();
  });
  it('picks in a /64 without enumerating it', () => {
    const v6 = [{ start: ip('2001:db8::1'), end: ip('2001:db8::ffff:ffff:ffff:ffff') }];
    const t0 = performance.now();
    randomFree(v6, new Set(), seedRng(1));
    expect(performance.now() - t0).toBeLessThan(200);
  });
  it('EUI-64 from a MAC (universal/local bit flipped)', () => {
    expect(formatIp(6, eui64(cidr('2001:db8::/64'), 'fa:16:3e:5c:1d:2e'))).toBe('2001:db8::f816:3eff:fe5c:1d2e');
  });
});

describe('subnet pools', () => {
  const pool = [cidr('10.10.0.0/16')];
  it('takes the first block of the size in the smallest free block, as the capture shows', () => {
    const first = allocateFromPool(pool, [], { prefixLen: 28 });
    expect(first.ok && formatCidr(first.cidr)).toBe('10.10.0.0/28');
    const second = allocateFromPool(pool, [cidr('10.10.0.0/28')], { prefixLen: 26 });
    expect(second.ok && formatCidr(second.cidr)).toBe('10.10.0.64/26');
    const small = allocateFromPool([cidr('203.0.113.0/24')], [cidr('203.0.113.128/26')], { prefixLen: 26 });
    expect(small.ok && formatCidr(small.cidr)).toBe('203.0.113.192/26');
  });
  it('fails with the HTTP 500 messages', () => {
    expect(allocateFromPool(pool, [], { prefixLen: 8 })).toEqual({
      ok: false,
      status: 500,
      message: 'Failed to allocate subnet: Insufficient prefix space to allocate subnet size /8.',
    });
    expect(allocateFromPool(pool, [], { cidr: cidr('192.168.0.0/24') })).toMatchObject({
      ok: false,
      message: 'Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.',
    });
  });
  it('merges prefixes like netaddr.cidr_merge', () => {
    expect(mergeCidrs([cidr('10.0.0.0/25'), cidr('10.0.0.128/25'), cidr('10.0.1.0/24')]).map(formatCidr)).toEqual(['10.0.0.0/23']);
  });
});
