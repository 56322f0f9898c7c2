import { describe, expect, it } from 'vitest';
import {
  allocateFromPool,
  broadcast,
  cidrContains,
  cidrsOverlap,
  defaultPools,
  eui64,
  firstFree,
  formatCidr,
  formatIp,
  formatPools,
  gatewayInvalid,
  mergeCidrs,
  parseCidr,
  parseIp,
  randomFree,
  size,
  sortPools,
  validatePools,
  type Cidr,
  type IpRange,
} from './ipam.js';
import { seedRng } from './rng.js';

const cidr = (s: string) => parseCidr(s) as Cidr;
const ip = (s: string) => (parseIp(s) as { value: bigint }).value;
const range = (a: string, b: string): IpRange => ({ start: ip(a), end: ip(b) });
const canon = (s: string) => {
  const p = parseIp(s);
  return p ? formatIp(p.version, p.value) : null;
};

describe('addresses', () => {
  it('is strict about IPv4', () => {
    for (const bad of [
      '10.0.0.300',
      'foo',
      '10.0.0',
      '10.0.0.01',
      '1.2.3.4.5',
      ' 10.0.0.1',
      '10.0.0.1/32',
      '',
    ]) {
      expect(parseIp(bad)).toBeNull();
    }
    expect(parseIp('10.0.0.1')).toEqual({ version: 4, value: 0x0a000001n });
    expect(formatIp(4, 0xffffffffn)).toBe('255.255.255.255');
  });
  it('writes IPv6 the way Neutron (netaddr → glibc inet_ntop) does; values from Python on the oracle host', () => {
    const cases: [string, string][] = [
      ['2001:DB8:0:0::1', '2001:db8::1'],
      ['::2', '::2'],
      ['::1', '::1'],
      ['0:0:0:0:0:0:0:0', '::'],
      ['::1.2.3.4', '::1.2.3.4'],
      ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
      ['::ffff:0:0', '::ffff:0.0.0.0'],
      ['::ffff:1:2', '::ffff:0.1.0.2'],
      ['::ffff:0:1.2.3.4', '::ffff:0:102:304'],
      ['0:0:0:0:0:1:0:0', '::1:0:0'],
      ['1:0:0:1::1', '1:0:0:1::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
      ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
      ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
      ['2001:db8::ffff:ffff:ffff:ffff', '2001:db8::ffff:ffff:ffff:ffff'],
      ['2001:db8:1:0:ffff:ffff:ffff:ffff', '2001:db8:1:0:ffff:ffff:ffff:ffff'],
    ];
    for (const [input, out] of cases) expect(canon(input), input).toBe(out);
    for (const bad of [
      '1:::2',
      '1::2::3',
      ':1::',
      '12345::',
      '1:2:3:4:5:6:7:8:9',
      '::1.2.3',
      'fe80::1%eth0',
      '2001:db8::/64',
      'g::1',
    ]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });
});

describe('CIDRs as the subnet API reads them (netaddr.IPNetwork; checked on Neutron 21)', () => {
  it('normalises what Neutron accepts', () => {
    const cases: [string, string][] = [
      ['10.7.0.5/24', '10.7.0.0/24'],
      ['10.14.0.0', '10.14.0.0/32'],
      ['10.16.0.0/024', '10.16.0.0/24'],
      ['10.017.0.0/24', '10.17.0.0/24'],
      ['10.18/24', '10.18.0.0/24'],
      ['10/8', '10.0.0.0/8'],
      ['10.19.0.0/255.255.255.0', '10.19.0.0/24'],
      ['1.2.3.4/0.0.0.255', '1.2.3.0/24'],
      [' 10.20.0.0/24', '10.20.0.0/24'],
      ['10.0.0.0/24\n', '10.0.0.0/24'],
      ['10.0.0.0/+24', '10.0.0.0/24'],
      ['2001:db8:8::5/64', '2001:db8:8::/64'],
      ['2001:DB8:9:0:0::/64', '2001:db8:9::/64'],
      ['2001:db8::/0128', '2001:db8::/128'],
      ['::ffff:10.21.0.0/120', '::ffff:10.21.0.0/120'],
      ['::ffff:0:0/96', '::ffff:0.0.0.0/96'],
      ['10.0.0.0/0', '0.0.0.0/0'],
    ];
    for (const [input, out] of cases)
      expect(formatCidr(cidr(input)), JSON.stringify(input)).toBe(out);
  });
  it('refuses what Neutron calls "not in a CIDR format"', () => {
    for (const bad of [
      '10.0.0.300/24',
      '10.15.0.0/33',
      '10.0.0.0/-1',
      '0x0a.0.0.0/8',
      '1.2.3.4/',
      '/24',
      '256/8',
      '10.256/16',
      '1.2.3.4.5/8',
      '10.0.0.0/255.255.0.255',
      '1.2.3.4/32/1',
      'fe80::1%eth0/64',
      '2001:db8::/129',
      'foo',
    ]) {
      expect(parseCidr(bad), bad).toBeNull();
    }
  });
  it('does block arithmetic on BigInt', () => {
    const c = cidr('2001:db8::/64');
    expect(size(c)).toBe(1n << 64n);
    expect(formatIp(6, broadcast(c))).toBe('2001:db8::ffff:ffff:ffff:ffff');
    expect(formatIp(4, broadcast(cidr('10.0.0.0/24')))).toBe('10.0.0.255');
    expect(cidrContains(c, 6, ip('2001:db8::1234'))).toBe(true);
    expect(cidrContains(c, 6, ip('2001:db8:1::'))).toBe(false);
    expect(cidrContains(cidr('10.0.0.0/8'), 6, 0x0a000001n)).toBe(false);
    expect(cidrsOverlap(cidr('10.0.0.0/24'), cidr('10.0.0.128/25'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.0.0/24'), cidr('10.0.1.0/24'))).toBe(false);
    expect(cidrsOverlap(cidr('0.0.0.0/0'), cidr('::/0'))).toBe(false);
  });
});

describe('default allocation pools (values observed on Neutron 21)', () => {
  const pools = (c: string, gw: string | null) =>
    formatPools(cidr(c).version, defaultPools(cidr(c), gw === null ? null : ip(gw)));
  it('IPv4', () => {
    expect(pools('10.0.0.0/24', '10.0.0.1')).toBe('10.0.0.2-10.0.0.254');
    expect(pools('10.4.0.0/24', '10.4.0.100')).toBe('10.4.0.1-10.4.0.99,10.4.0.101-10.4.0.254');
    expect(pools('10.6.0.0/24', '10.6.0.254')).toBe('10.6.0.1-10.6.0.253');
    expect(pools('10.5.0.0/24', null)).toBe('10.5.0.1-10.5.0.254');
    expect(pools('10.8.0.0/24', '10.9.0.1')).toBe('10.8.0.1-10.8.0.254');
    expect(pools('10.10.0.0/29', '10.10.0.6')).toBe('10.10.0.1-10.10.0.5');
    expect(pools('10.1.0.0/30', '10.1.0.1')).toBe('10.1.0.2-10.1.0.2');
    expect(pools('10.11.0.0/30', '10.11.0.2')).toBe('10.11.0.1-10.11.0.1');
    expect(pools('10.2.1.0/31', null)).toBe('10.2.1.0-10.2.1.1');
    expect(pools('10.3.0.0/32', '10.3.0.1')).toBe('10.3.0.0-10.3.0.0');
    expect(pools('10.3.1.0/32', null)).toBe('10.3.1.0-10.3.1.0');
  });
  it('IPv6: no broadcast, the pool runs to the last address', () => {
    expect(pools('2001:db8::/64', '2001:db8::')).toBe('2001:db8::1-2001:db8::ffff:ffff:ffff:ffff');
    expect(pools('2001:db8:1::/64', '2001:db8:1::1')).toBe(
      '2001:db8:1::2-2001:db8:1:0:ffff:ffff:ffff:ffff',
    );
    expect(pools('2001:db8:2::/64', null)).toBe('2001:db8:2::1-2001:db8:2:0:ffff:ffff:ffff:ffff');
    expect(pools('2001:db8:3::/64', '2001:db8:3::ffff:ffff:ffff:ffff')).toBe(
      '2001:db8:3::1-2001:db8:3:0:ffff:ffff:ffff:fffe',
    );
    expect(pools('2001:db8:b::/64', '::ffff:1.2.3.4')).toBe(
      '2001:db8:b::1-2001:db8:b:0:ffff:ffff:ffff:ffff',
    );
    expect(pools('2001:db8:5::/126', '2001:db8:5::')).toBe('2001:db8:5::1-2001:db8:5::3');
    expect(pools('2001:db8:6::/127', '2001:db8:6::')).toBe('2001:db8:6::1-2001:db8:6::1');
    // A single-address block keeps its address even when it is the gateway.
    expect(pools('2001:db8:7::/128', '2001:db8:7::')).toBe('2001:db8:7::-2001:db8:7::');
    expect(pools('::ffff:10.21.0.0/120', '::ffff:10.21.0.0')).toBe(
      '::ffff:10.21.0.1-::ffff:10.21.0.255',
    );
  });
});

describe('pool validation (messages and statuses from Neutron 21)', () => {
  it('rejects an inverted pool before anything else', () => {
    expect(
      validatePools(
        cidr('10.63.0.0/24'),
        [range('10.63.0.20', '10.63.0.10'), range('10.63.0.2', '10.63.1.5')],
        ip('10.63.0.1'),
      ),
    ).toEqual({
      status: 400,
      message: "The allocation pool {'start': '10.63.0.20', 'end': '10.63.0.10'} is not valid.",
    });
  });
  it('keeps pools off the network address (v4 and v6) and the v4 broadcast', () => {
    const spans = (c: string, a: string, b: string, gw: string | null = null) =>
      validatePools(cidr(c), [range(a, b)], gw === null ? null : ip(gw));
    expect(spans('10.61.0.0/24', '10.61.0.0', '10.61.0.10')).toEqual({
      status: 400,
      message:
        'The allocation pool 10.61.0.0-10.61.0.10 spans beyond the subnet cidr 10.61.0.0/24.',
    });
    expect(spans('10.62.0.0/24', '10.62.0.20', '10.62.0.255')?.message).toBe(
      'The allocation pool 10.62.0.20-10.62.0.255 spans beyond the subnet cidr 10.62.0.0/24.',
    );
    expect(spans('2001:db8:20::/64', '2001:db8:20::', '2001:db8:20::10')?.message).toBe(
      'The allocation pool 2001:db8:20::-2001:db8:20::10 spans beyond the subnet cidr 2001:db8:20::/64.',
    );
    expect(
      spans(
        '2001:db8:21::/64',
        '2001:db8:21::5',
        '2001:db8:21::ffff:ffff:ffff:ffff',
        '2001:db8:21::',
      ),
    ).toBeNull();
    expect(spans('10.60.0.0/31', '10.60.0.0', '10.60.0.1')).toBeNull();
    expect(spans('10.1.0.0/24', '10.1.0.10', '10.1.1.20')?.message).toBe(
      'The allocation pool 10.1.0.10-10.1.1.20 spans beyond the subnet cidr 10.1.0.0/24.',
    );
  });
  it('reports the first overlapping pair, then a gateway inside a pool', () => {
    const c = cidr('10.64.0.0/24');
    expect(
      validatePools(
        c,
        [
          range('10.64.0.2', '10.64.0.10'),
          range('10.64.0.5', '10.64.0.20'),
          range('10.64.0.1', '10.64.0.1'),
        ],
        ip('10.64.0.1'),
      ),
    ).toEqual({
      status: 409,
      message:
        'Found overlapping allocation pools: 10.64.0.2-10.64.0.10 10.64.0.5-10.64.0.20 for subnet 10.64.0.0/24.',
    });
    expect(
      validatePools(cidr('10.66.0.0/24'), [range('10.66.0.1', '10.66.0.10')], ip('10.66.0.5')),
    ).toEqual({
      status: 409,
      message: 'Gateway ip 10.66.0.5 conflicts with allocation pool 10.66.0.1-10.66.0.10.',
    });
    expect(
      validatePools(
        cidr('10.65.0.0/24'),
        [range('10.65.0.50', '10.65.0.60'), range('10.65.0.2', '10.65.0.10')],
        ip('10.65.0.1'),
      ),
    ).toBeNull();
  });
});

describe('gateways and pool order (Neutron 21)', () => {
  it('refuses the first and last address of any IPv4 block as gateway', () => {
    expect(gatewayInvalid(cidr('10.12.0.0/24'), ip('10.12.0.0'))).toBe(true);
    expect(gatewayInvalid(cidr('10.13.0.0/24'), ip('10.13.0.255'))).toBe(true);
    expect(gatewayInvalid(cidr('10.2.2.0/31'), ip('10.2.2.1'))).toBe(true);
    expect(gatewayInvalid(cidr('10.2.3.0/31'), ip('10.2.3.0'))).toBe(true);
    expect(gatewayInvalid(cidr('10.3.2.5/32'), ip('10.3.2.5'))).toBe(true);
    expect(gatewayInvalid(cidr('10.8.0.0/24'), ip('10.9.0.1'))).toBe(false);
    expect(gatewayInvalid(cidr('10.4.0.0/24'), ip('10.4.0.100'))).toBe(false);
    expect(gatewayInvalid(cidr('2001:db8:4::/64'), ip('2001:db8:4::'))).toBe(false);
    expect(gatewayInvalid(cidr('2001:db8:3::/64'), ip('2001:db8:3::ffff:ffff:ffff:ffff'))).toBe(
      false,
    );
  });
  it('shows user pools in address order', () => {
    const given = [range('10.65.0.50', '10.65.0.60'), range('10.65.0.2', '10.65.0.10')];
    expect(formatPools(4, sortPools(given))).toBe('10.65.0.2-10.65.0.10,10.65.0.50-10.65.0.60');
    expect(formatPools(4, given)).toBe('10.65.0.50-10.65.0.60,10.65.0.2-10.65.0.10');
  });
});

describe('address selection', () => {
  const pools = [range('10.0.0.2', '10.0.0.254')];
  it('"prefer next" takes the lowest free address, across pools in order', () => {
    expect(formatIp(4, firstFree(pools, new Set([ip('10.0.0.2')])) as bigint)).toBe('10.0.0.3');
    expect(
      formatIp(
        4,
        firstFree(pools, new Set([ip('10.0.0.2'), ip('10.0.0.3'), ip('10.0.0.5')])) as bigint,
      ),
    ).toBe('10.0.0.4');
    const split = [range('10.0.0.1', '10.0.0.2'), range('10.0.0.4', '10.0.0.9')];
    expect(formatIp(4, firstFree(split, new Set([ip('10.0.0.1'), ip('10.0.0.2')])) as bigint)).toBe(
      '10.0.0.4',
    );
    expect(firstFree([range('10.0.0.2', '10.0.0.2')], new Set([ip('10.0.0.2')]))).toBeNull();
  });
  it('random pick: uniform over the first `window` free addresses, never a used one', () => {
    const rng = seedRng(3);
    const used = new Set([ip('10.0.0.3'), ip('10.0.0.4')]);
    const picks = Array.from({ length: 2000 }, () => randomFree(pools, used, rng, 5) as bigint);
    // The first five free addresses are .2 .5 .6 .7 .8.
    expect([...new Set(picks)].sort((a, b) => Number(a - b)).map((p) => formatIp(4, p))).toEqual([
      '10.0.0.2',
      '10.0.0.5',
      '10.0.0.6',
      '10.0.0.7',
      '10.0.0.8',
    ]);
    const wide = Array.from({ length: 200 }, () => randomFree(pools, new Set(), rng) as bigint);
    expect(new Set(wide).size).toBeGreaterThan(100);
    expect(wide.every((p) => p >= ip('10.0.0.2') && p <= ip('10.0.0.254'))).toBe(true);
    expect(randomFree([range('10.0.0.2', '10.0.0.2')], new Set([ip('10.0.0.2')]), rng)).toBeNull();
  });
  it('the window stays inside the first pool with space (Neutron 21: 20 ports on .1-.99,.101-.254 all ≤ .99)', () => {
    const split = [range('10.50.0.1', '10.50.0.99'), range('10.50.0.101', '10.50.0.254')];
    const rng = seedRng(11);
    const used = new Set<bigint>();
    for (let i = 0; i < 99; i++) {
      const a = randomFree(split, used, rng) as bigint;
      expect(a <= ip('10.50.0.99')).toBe(true);
      used.add(a);
    }
    expect(used.size).toBe(99);
    expect(formatIp(4, randomFree(split, used, rng) as bigint)).toMatch(
      /^10\.50\.0\.(10[1-9]|1[1-9]\d|2[0-4]\d|25[0-4])$/,
    );
  });
  it('is deterministic for a seed', () => {
    const pick = () => {
      const rng = seedRng(5);
      return [1, 2, 3].map(() => formatIp(4, randomFree(pools, new Set(), rng) as bigint));
    };
    expect(pick()).toEqual(pick());
  });
  it('works on a /64 without enumerating it', () => {
    const v6 = [range('2001:db8::2', '2001:db8::ffff:ffff:ffff:ffff')];
    const used = new Set<bigint>();
    const rng = seedRng(1);
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      const a = randomFree(v6, used, rng) as bigint;
      expect(a >= ip('2001:db8::2') && a <= ip('2001:db8::3e9') + BigInt(used.size)).toBe(true);
      expect(used.has(a)).toBe(false);
      used.add(a);
    }
    expect(firstFree(v6, new Set())).toBe(ip('2001:db8::2'));
    expect(performance.now() - t0).toBeLessThan(2000);
  });
  it('EUI-64 from a MAC (universal/local bit flipped, ff:fe inserted)', () => {
    expect(formatIp(6, eui64(cidr('2001:db8::/64'), 'fa:16:3e:5c:1d:2e'))).toBe(
      '2001:db8::f816:3eff:fe5c:1d2e',
    );
    expect(formatIp(6, eui64(cidr('2001:db8:a::/64'), '00:00:00:00:00:01'))).toBe(
      '2001:db8:a:0:200:ff:fe00:1',
    );
  });
});

describe('subnet pools (Neutron 21: pool 203.0.113.0/24 + 10.10.0.0/16 + 10.11.0.0/16 + 198.51.100.0/25 + 198.51.100.128/25)', () => {
  const prefixes = [
    '203.0.113.0/24',
    '10.10.0.0/16',
    '10.11.0.0/16',
    '198.51.100.0/25',
    '198.51.100.128/25',
  ].map(cidr);
  it('compacts the prefixes like netaddr.cidr_merge (the pool shows these)', () => {
    expect(mergeCidrs(prefixes).map(formatCidr)).toEqual([
      '10.10.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
    ]);
    expect(
      mergeCidrs([cidr('10.0.0.0/25'), cidr('10.0.0.128/25'), cidr('10.0.1.0/24')]).map(formatCidr),
    ).toEqual(['10.0.0.0/23']);
    expect(
      mergeCidrs([cidr('10.0.0.0/24'), cidr('10.0.0.64/26'), cidr('10.0.2.0/24')]).map(formatCidr),
    ).toEqual(['10.0.0.0/24', '10.0.2.0/24']);
  });
  it('replays the observed sequence of requests and answers', () => {
    const allocated: Cidr[] = [];
    const steps: [{ prefixLen: number } | { cidr: Cidr }, string][] = [
      [{ cidr: cidr('203.0.113.128/26') }, '203.0.113.128/26'],
      [{ prefixLen: 26 }, '203.0.113.192/26'],
      [{ prefixLen: 26 }, '203.0.113.0/26'],
      [{ prefixLen: 24 }, '198.51.100.0/24'],
      [{ prefixLen: 28 }, '203.0.113.64/28'],
      [{ prefixLen: 16 }, '10.10.0.0/16'],
      [
        { prefixLen: 8 },
        'Failed to allocate subnet: Insufficient prefix space to allocate subnet size /8.',
      ],
      [
        { cidr: cidr('192.168.0.0/24') },
        'Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.',
      ],
      [
        { cidr: cidr('10.10.0.0/16') },
        'Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.',
      ],
      [
        { cidr: cidr('10.12.0.0/24') },
        'Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.',
      ],
      [{ cidr: cidr('10.11.5.0/24') }, '10.11.5.0/24'],
      [
        { prefixLen: 15 },
        'Failed to allocate subnet: Insufficient prefix space to allocate subnet size /15.',
      ],
    ];
    for (const [req, want] of steps) {
      const got = allocateFromPool(prefixes, allocated, req);
      if (got.ok) {
        expect(formatCidr(got.cidr)).toBe(want);
        allocated.push(got.cidr);
      } else {
        expect(got.status).toBe(500);
        expect(got.message).toBe(want);
      }
    }
  });
  it('IPv6 pools hand out /64s in order', () => {
    const p6 = [cidr('2001:db8::/48')];
    const a = allocateFromPool(p6, [], { prefixLen: 64 });
    expect(a.ok && formatCidr(a.cidr)).toBe('2001:db8::/64');
    const b = allocateFromPool(p6, [cidr('2001:db8::/64')], { prefixLen: 64 });
    expect(b.ok && formatCidr(b.cidr)).toBe('2001:db8:0:1::/64');
  });
});
