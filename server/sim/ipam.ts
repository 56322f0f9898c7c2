/**
 * Address arithmetic for the simulated Neutron IPAM: parsing and formatting (ipaddr.js), CIDR
 * math on BigInt (IPv6 needs 128 bits), allocation pools, free-address picking and subnet-pool
 * allocation, with Neutron's messages.
 */
import { pyDuplicates, type PyJson } from './python.js';
import ipaddr from 'ipaddr.js';
import { randInt, type RngState } from './rng.js';

export type IpVersion = 4 | 6;

export interface Cidr {
  version: IpVersion;
  network: bigint;
  prefix: number;
}

/** An inclusive address range of one IP version. */
export interface IpRange {
  start: bigint;
  end: bigint;
}

const bits = (v: IpVersion) => (v === 4 ? 32 : 128);

function bytesToBig(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

const HEXWORD = /^[0-9a-fA-F]{1,4}$/;

/**
 * RFC 4291 text form as glibc's inet_pton reads it (what netaddr uses with INET_PTON): hex
 * words, one `::`, an optional dotted quad in the last 32 bits. Own parser because ipaddr.js
 * turns `::1.2.3.4` into `::ffff:1.2.3.4`.
 */
function parseIpv6(s: string): bigint | null {
  let head = s;
  let v4: bigint | null = null;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return null;
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(tail)) return null;
    v4 = bytesToBig(ipaddr.IPv4.parse(tail).toByteArray());
    head = s.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::"; "a:b:1.2.3.4" leaves "a:b:" whose trailing colon is a separator.
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const words = v4 === null ? 8 : 6;
  const dbl = head.indexOf('::');
  if (dbl >= 0 && head.indexOf('::', dbl + 1) >= 0) return null;
  const split = (part: string): string[] | null => (part === '' ? [] : part.split(':'));
  let parts: string[];
  if (dbl >= 0) {
    const left = split(head.slice(0, dbl));
    const right = split(head.slice(dbl + 2));
    if (!left || !right) return null;
    const fill = words - left.length - right.length;
    if (fill < 1) return null;
    parts = [...left, ...Array<string>(fill).fill('0'), ...right];
  } else {
    parts = head === '' ? [] : head.split(':');
    if (parts.length !== words) return null;
  }
  let v = 0n;
  for (const w of parts) {
    if (!HEXWORD.test(w)) return null;
    v = (v << 16n) | BigInt(Number.parseInt(w, 16));
  }
  return v4 === null ? v : (v << 32n) | v4;
}

/** Four decimal octets without leading zeros, each ≤ 255 (ipaddr.js's isValidFourPartDecimal). */
const QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/**
 * A dotted quad's value, or null. Addresses are parsed for every port an allocation looks at,
 * so this is one regular expression rather than ipaddr.js's validate-then-parse (same answers).
 */
function parseQuad(s: string): bigint | null {
  const m = QUAD.exec(s);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return null;
    v = v * 256 + o;
  }
  return BigInt(v);
}

/** Strict parse: dotted-quad IPv4 (no leading zeros) or RFC 4291 IPv6 (no zone ids); null when invalid. */
export function parseIp(s: string): { version: IpVersion; value: bigint } | null {
  const v4 = parseQuad(s);
  if (v4 !== null) return { version: 4, value: v4 };
  if (s.includes(':')) {
    const v = parseIpv6(s);
    if (v !== null) return { version: 6, value: v };
  }
  return null;
}

function formatIpv4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((sh) => String((v >> sh) & 0xffn)).join('.');
}

/**
 * IPv6 as glibc's inet_ntop writes it (netaddr, hence Neutron, uses it): the longest run of two
 * or more zero words (the first on a tie) becomes `::`, lowercase hex; an address whose first
 * 96 bits are zero except ::0.0.0.0/::1-like forms, or an IPv4-mapped one, ends in a dotted quad.
 */
function formatIpv6(v: bigint): string {
  const w: number[] = [];
  for (let i = 7; i >= 0; i--) w.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  // glibc: embedded IPv4 when the zero run is exactly words 0-5, or words 0-4 then ffff.
  if (bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
    return (bestLen === 6 ? '::' : '::ffff:') + formatIpv4(v & 0xffffffffn);
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestBase) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += (w[i] as number).toString(16);
  }
  return out;
}

/** Canonical text: dotted quad, or compressed lowercase IPv6 exactly as Neutron prints it. */
export function formatIp(version: IpVersion, v: bigint): string {
  return version === 4 ? formatIpv4(v) : formatIpv6(v);
}

function mask(version: IpVersion, prefix: number): bigint {
  const b = bits(version);
  return ((1n << BigInt(b)) - 1n) ^ ((1n << BigInt(b - prefix)) - 1n);
}

/** netaddr's partial IPv4 network address: `10` → 10.0.0.0, `10.18` → 10.18.0.0 (1-4 decimal parts). */
function parsePartialIpv4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length > 4 || parts.some((p) => !/^\d{1,3}$/.test(p))) return null;
  let v = 0n;
  for (let i = 0; i < 4; i++) {
    const n = Number(parts[i] ?? '0');
    if (n > 255) return null;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

/** Prefix length of a netmask (255.255.255.0) or hostmask (0.0.0.255), else null. */
function maskToPrefix(version: IpVersion, m: bigint): number | null {
  const b = bits(version);
  for (let p = 0; p <= b; p++) {
    if (m === mask(version, p) || m === (((1n << BigInt(b)) - 1n) ^ mask(version, p))) return p;
  }
  return null;
}

/**
 * A CIDR as netaddr.IPNetwork reads it, i.e. what Neutron's subnet API accepts: surrounding
 * blanks ignored; host bits allowed and cleared (`10.7.0.5/24` → 10.7.0.0/24); a bare address is
 * a host route (/32, /128); partial IPv4 (`10.18/24`); leading zeros in the prefix (`/024`) and in
 * IPv4 octets (`10.017.0.0`, decimal); a netmask or hostmask instead of a length. Null when
 * netaddr would refuse it (`10.0.0.300/24`, `/33`).
 */
export function parseCidr(raw: string): Cidr | null {
  const net = parseCidrWithHost(raw);
  return net === null ? null : { version: net.version, network: net.address & mask(net.version, net.prefix), prefix: net.prefix };
}

/**
 * neutron-lib's convert_cidr_to_canonical_format: the CIDR as netaddr reads it (`10.0.0/24` is
 * 10.0.0.0/24), its address kept (host bits too), IPv6 in its compact form; null when netaddr
 * cannot read it.
 */
export function canonicalCidr(raw: string): string | null {
  const net = parseCidrWithHost(raw);
  return net === null ? null : `${formatIp(net.version, net.address)}/${net.prefix}`;
}

/** As parseCidr, but with the address as given (netaddr's IPNetwork keeps its host bits: `10.0.0.5/24`). */
export function parseCidrWithHost(raw: string): { version: IpVersion; address: bigint; prefix: number } | null {
  const s = raw.trim();
  const slash = s.indexOf('/');
  const addr = (slash < 0 ? s : s.slice(0, slash)).trim();
  let version: IpVersion;
  let value: bigint;
  if (addr.includes(':')) {
    const v = parseIpv6(addr);
    if (v === null) return null;
    version = 6;
    value = v;
  } else {
    const v = parsePartialIpv4(addr);
    if (v === null) return null;
    version = 4;
    value = v;
  }
  let prefix = bits(version);
  if (slash >= 0) {
    const p = s.slice(slash + 1).trim();
    if (/^\+?\d+$/.test(p)) {
      prefix = Number(p);
    } else {
      const m = version === 4 ? parsePartialIpv4(p) : p.includes(':') ? parseIpv6(p) : null;
      if (m === null || (version === 4 && p.split('.').length !== 4)) return null;
      const fromMask = maskToPrefix(version, m);
      if (fromMask === null) return null;
      prefix = fromMask;
    }
    if (prefix > bits(version)) return null;
  }
  return { version, address: value, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.version, c.network)}/${c.prefix}`;
}

export function size(c: Cidr): bigint {
  return 1n << BigInt(bits(c.version) - c.prefix);
}

/** Last address of the block (the IPv4 broadcast address). */
export function broadcast(c: Cidr): bigint {
  return c.network + size(c) - 1n;
}

export function cidrContains(c: Cidr, version: IpVersion, ip: bigint): boolean {
  return version === c.version && ip >= c.network && ip <= broadcast(c);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && a.network <= broadcast(b) && b.network <= broadcast(a);
}

/**
 * Neutron's default allocation pools (ipam utils generate_pools): a single-address block is its
 * own pool whatever the gateway (v4 /32, v6 /128); otherwise IPv4 from network+1 to broadcast-1
 * (/31: both addresses), IPv6 from network+1 to the last address; minus the gateway, which may
 * split the range. Observed on Neutron 21: 2001:db8::/64 gw 2001:db8:: → 2001:db8::1-…:ffff,
 * gw ::1 → ::2-…:ffff; 10.0.0.0/24 gw .100 → .1-.99,.101-.254.
 */
export function defaultPools(c: Cidr, gateway: bigint | null): IpRange[] {
  const first = c.network;
  const last = broadcast(c);
  if (first === last) return [{ start: first, end: last }];
  if (c.version === 4 && c.prefix === 31)
    return removeAddress({ start: first, end: last }, gateway);
  const start = first + 1n;
  const end = c.version === 4 ? last - 1n : last;
  return removeAddress({ start, end }, gateway);
}

function removeAddress(r: IpRange, a: bigint | null): IpRange[] {
  if (a === null || a < r.start || a > r.end) return [{ ...r }];
  const out: IpRange[] = [];
  if (a > r.start) out.push({ start: r.start, end: a - 1n });
  if (a < r.end) out.push({ start: a + 1n, end: r.end });
  return out;
}

/**
 * Neutron refuses ("Gateway is not valid on subnet.") an IPv4 gateway that is the first or last
 * address of the block, for every prefix length: on Neutron 21 both addresses of a /31 and the
 * address of a /32 are refused. IPv6 gateways and gateways outside the block are accepted.
 */
export function gatewayInvalid(c: Cidr, gateway: bigint): boolean {
  return c.version === 4 && (gateway === c.network || gateway === broadcast(c));
}

/** Neutron stores and shows user-given pools in address order (given .50-.60,.2-.10 → .2-.10,.50-.60). */
export function sortPools(pools: IpRange[]): IpRange[] {
  return [...pools].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

export function formatRange(version: IpVersion, r: IpRange): string {
  return `${formatIp(version, r.start)}-${formatIp(version, r.end)}`;
}

/** OSC's table form of allocation pools: `a-b,c-d`. */
export function formatPools(version: IpVersion, pools: IpRange[]): string {
  return pools.map((p) => formatRange(version, p)).join(',');
}

/**
 * Validates user-given pools the way Neutron does, in its order: each pool valid and inside the
 * subnet, then no overlaps, then the gateway outside them. Returns Neutron's error or null.
 */
export function validatePools(
  c: Cidr,
  pools: IpRange[],
  gateway: bigint | null,
): { status: number; message: string } | null {
  // Pools may not hold the network address (IPv6 too: 2001:db8::-… "spans beyond") nor the
  // IPv4 broadcast; a v4 /31 and a single-address block may use all of their addresses.
  const whole = size(c) === 1n || (c.version === 4 && c.prefix === 31);
  const first = whole ? c.network : c.network + 1n;
  const last = c.version === 4 && !whole ? broadcast(c) - 1n : broadcast(c);
  for (const p of pools) {
    if (p.start > p.end) {
      return {
        status: 400,
        message: `The allocation pool {'start': '${formatIp(c.version, p.start)}', 'end': '${formatIp(c.version, p.end)}'} is not valid.`,
      };
    }
    if (p.start < first || p.end > last) {
      return {
        status: 400,
        message: `The allocation pool ${formatRange(c.version, p)} spans beyond the subnet cidr ${formatCidr(c)}.`,
      };
    }
  }
  for (let i = 0; i < pools.length; i++) {
    for (let j = i + 1; j < pools.length; j++) {
      const a = pools[i] as IpRange;
      const b = pools[j] as IpRange;
      if (a.start <= b.end && b.start <= a.end) {
        return {
          status: 409,
          message: `Found overlapping allocation pools: ${formatRange(c.version, a)} ${formatRange(c.version, b)} for subnet ${formatCidr(c)}.`,
        };
      }
    }
  }
  if (gateway !== null) {
    const hit = pools.find((p) => gateway >= p.start && gateway <= p.end);
    if (hit) {
      return {
        status: 409,
        message: `Gateway ip ${formatIp(c.version, gateway)} conflicts with allocation pool ${formatRange(c.version, hit)}.`,
      };
    }
  }
  return null;
}

/**
 * Addresses in use: a set, or (cheaper, what an IPv4 allocation builds) their values as
 * numbers, in any order, repeats allowed.
 */
export type UsedAddresses = Set<bigint> | readonly number[];

/** The used addresses of one range: how many, and the k-th free address of the range. */
interface UsedIn {
  count: number;
  kthFree(k: bigint): bigint;
}

/** The largest range end whose addresses are exact as doubles (every IPv4 range). */
const EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** Ranges up to this many addresses (a /12 of IPv4) are searched with one byte per address. */
const BITMAP_MAX = 1 << 20;

/**
 * A range's used addresses as a bitmap: no sort at all. An external network's floating IPs are
 * thousands of addresses, looked at again for every one allocated.
 */
function bitmapUsed(start: number, size: number, used: readonly number[]): UsedIn {
  const taken = new Uint8Array(size);
  let count = 0;
  for (const u of used) {
    const i = u - start;
    if (i >= 0 && i < size && taken[i] === 0) {
      taken[i] = 1;
      count++;
    }
  }
  return {
    count,
    kthFree(k) {
      let left = Number(k);
      for (let i = 0; i < size; i++) {
        if (taken[i] !== 0) continue;
        if (left === 0) return BigInt(start + i);
        left--;
      }
      return BigInt(start + size);
    },
  };
}

/** The used addresses inside `r`, sorted once (as doubles when the range allows: many times faster than bigints). */
function usedIn(r: IpRange, used: UsedAddresses): UsedIn {
  if (r.end <= EXACT) {
    const start = Number(r.start);
    const end = Number(r.end);
    if (Array.isArray(used) && end - start < BITMAP_MAX) return bitmapUsed(start, end - start + 1, used);
    const inRange = new Set<number>();
    for (const u of used) {
      const n = Number(u);
      if (n >= start && n <= end) inRange.add(n);
    }
    const sorted = Float64Array.from(inRange).sort();
    return {
      count: sorted.length,
      kthFree(k) {
        let cand = start + Number(k);
        for (const u of sorted) {
          if (u <= cand) cand++;
          else break;
        }
        return BigInt(cand);
      },
    };
  }
  const out: bigint[] = [];
  for (const x of used) {
    const u = typeof x === 'number' ? BigInt(x) : x;
    if (u >= r.start && u <= r.end) out.push(u);
  }
  out.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return { count: out.length, kthFree: (k) => kthFree(r, out, k) };
}

/** The k-th (0-based) free address of `r` given its sorted used addresses; O(|used|), no enumeration. */
function kthFree(r: IpRange, sortedUsed: bigint[], k: bigint): bigint {
  let cand = r.start + k;
  for (const u of sortedUsed) {
    if (u <= cand) cand++;
    else break;
  }
  return cand;
}

/** The first free address of the pools, in pool order ("prefer next": DHCP ports). */
export function firstFree(pools: IpRange[], used: UsedAddresses): bigint | null {
  for (const p of pools) {
    if (p.start > p.end) continue;
    const u = usedIn(p, used);
    if (BigInt(u.count) < p.end - p.start + 1n) return u.kthFree(0n);
  }
  return null;
}

/**
 * Zed IPAM for ordinary ports (neutrondb_ipam `_generate_ips`): the first pool, in pool order,
 * that still has a free address is used; the pick is uniform among that pool's first `window`
 * (1000) free addresses. The window never spans pools: with pools .1-.99 and .101-.254 every
 * port lands in .1-.99 until it is full (checked on Neutron 21). O(|used|) even on a /64.
 */
export function randomFree(
  pools: IpRange[],
  used: UsedAddresses,
  rng: RngState,
  window = 1000,
): bigint | null {
  for (const p of pools) {
    if (p.start > p.end) continue;
    const u = usedIn(p, used);
    const free = p.end - p.start + 1n - BigInt(u.count);
    if (free <= 0n) continue;
    const n = free < BigInt(window) ? Number(free) : window;
    return u.kthFree(BigInt(randInt(rng, 0, n - 1)));
  }
  return null;
}

/** EUI-64 address from a /64 and a MAC: ff:fe in the middle, universal/local bit flipped. */
/** One of netaddr's EUI-48 spellings: `count` hex words of 1..`maxDigits` digits joined by `sep`. */
function macFormat(sep: string, count: number, minDigits: number, maxDigits: number): RegExp {
  const word = `([0-9a-f]{${minDigits},${maxDigits}})`;
  return new RegExp(`^${Array.from({ length: count }, () => word).join(sep)}$`, 'i');
}

/** The spellings netaddr accepts (UNIX/Windows, Cisco, PostgreSQL, bare): Neutron stores the text as given. */
const MAC_FORMATS = [
  macFormat(':', 6, 1, 2),
  macFormat('-', 6, 1, 2),
  macFormat(':', 3, 1, 4),
  macFormat('-', 3, 1, 4),
  macFormat('\\.', 3, 1, 4),
  macFormat('-', 2, 5, 6),
  macFormat(':', 2, 5, 6),
  macFormat('', 1, 11, 12),
];

/** A MAC address's 48-bit value in any spelling netaddr reads (`11:22:33` is Cisco's 0011.0022.0033), else null. */
export function parseMac(text: string): bigint | null {
  for (const re of MAC_FORMATS) {
    const m = re.exec(text);
    if (!m) continue;
    const words = m.slice(1) as string[];
    const width = BigInt(48 / words.length);
    return words.reduce((acc, w) => (acc << width) | BigInt(`0x${w}`), 0n);
  }
  return null;
}

/** A MAC address as netaddr prints it by default (and as Neutron's filters compare it): `aa:bb:cc:dd:ee:ff`. */
export function formatMac(value: bigint): string {
  return Array.from({ length: 6 }, (_, i) => ((value >> BigInt(40 - 8 * i)) & 0xffn).toString(16).padStart(2, '0')).join(':');
}

/** neutron-lib's MAC validator: a netaddr spelling, not all zeros nor the broadcast address. */
export function validMac(text: string): boolean {
  const v = parseMac(text);
  return v !== null && v !== 0n && v !== 0xffffffffffffn;
}

export function eui64(prefix: Cidr, mac: string): bigint {
  const v = parseMac(mac) ?? 0n;
  const b = Array.from({ length: 6 }, (_, i) => Number((v >> BigInt(40 - 8 * i)) & 0xffn));
  const iid = [
    ((b[0] ?? 0) ^ 0x02) & 0xff,
    b[1] ?? 0,
    b[2] ?? 0,
    0xff,
    0xfe,
    b[3] ?? 0,
    b[4] ?? 0,
    b[5] ?? 0,
  ];
  return prefix.network | bytesToBig(iid);
}

/** Splits a range into the fewest CIDR blocks (netaddr's iter_cidrs). */
function rangeToCidrs(version: IpVersion, start: bigint, end: bigint): Cidr[] {
  const out: Cidr[] = [];
  const b = bits(version);
  let cur = start;
  while (cur <= end) {
    let prefix = b;
    // Grow the block while it stays aligned and inside the range.
    while (prefix > 0) {
      const bigger = 1n << BigInt(b - prefix + 1);
      if (cur % bigger !== 0n || cur + bigger - 1n > end) break;
      prefix--;
    }
    out.push({ version, network: cur, prefix });
    cur += 1n << BigInt(b - prefix);
  }
  return out;
}

/** Merges overlapping and adjacent blocks into the fewest CIDRs (netaddr.cidr_merge). */
export function mergeCidrs(cidrs: Cidr[]): Cidr[] {
  const out: Cidr[] = [];
  for (const version of [4, 6] as const) {
    const ranges = cidrs
      .filter((c) => c.version === version)
      .map((c) => ({ start: c.network, end: broadcast(c) }))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const merged: IpRange[] = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r.start <= last.end + 1n) {
        if (r.end > last.end) last.end = r.end;
      } else merged.push({ ...r });
    }
    for (const r of merged) out.push(...rangeToCidrs(version, r.start, r.end));
  }
  return out;
}

/** Free space of a pool: its prefixes minus the allocated blocks, as CIDR blocks in address order. */
function freeBlocks(prefixes: Cidr[], allocated: Cidr[]): Cidr[] {
  const out: Cidr[] = [];
  for (const p of mergeCidrs(prefixes)) {
    const taken = allocated
      .filter((a) => cidrsOverlap(a, p))
      .map((a) => ({ start: a.network, end: broadcast(a) }))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let cur = p.network;
    const end = broadcast(p);
    for (const t of taken) {
      if (t.start > cur) out.push(...rangeToCidrs(p.version, cur, t.start - 1n));
      if (t.end + 1n > cur) cur = t.end + 1n;
    }
    if (cur <= end) out.push(...rangeToCidrs(p.version, cur, end));
  }
  return out;
}

/**
 * Neutron's subnet allocation from a pool. Any-subnet requests take the first block of the
 * requested size inside the smallest free block that can hold it; specific requests must fit
 * inside one free block.
 */
export function allocateFromPool(
  prefixes: Cidr[],
  allocated: Cidr[],
  req: { prefixLen: number } | { cidr: Cidr },
): { ok: true; cidr: Cidr } | { ok: false; status: number; message: string } {
  const free = freeBlocks(prefixes, allocated);
  if ('cidr' in req) {
    const want = req.cidr;
    const fits = free.some(
      (f) => f.version === want.version && f.prefix <= want.prefix && cidrsOverlap(f, want),
    );
    if (fits) return { ok: true, cidr: want };
    return {
      ok: false,
      status: 500,
      message:
        'Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.',
    };
  }
  const bySize = free
    .map((f, i) => ({ f, i }))
    .sort((a, b) => b.f.prefix - a.f.prefix || a.i - b.i)
    .map((x) => x.f);
  const block = bySize.find((f) => f.prefix <= req.prefixLen);
  if (!block) {
    return {
      ok: false,
      status: 500,
      message: `Failed to allocate subnet: Insufficient prefix space to allocate subnet size /${req.prefixLen}.`,
    };
  }
  return {
    ok: true,
    cidr: { version: block.version, network: block.network, prefix: req.prefixLen },
  };
}

/**
 * neutron-lib's validate_route_cidr: why `raw` cannot be a route's destination (no network, host
 * bits set or no prefix, loopback), or null.
 */
export function routeCidrProblem(raw: string): string | null {
  const c = /\s/.test(raw) ? null : parseCidr(raw);
  if (!c) return `'${raw}' is not a valid CIDR`;
  const slash = raw.indexOf('/');
  const ip = parseIp(slash < 0 ? raw : raw.slice(0, slash));
  if (slash < 0 || (ip !== null && ip.value !== c.network)) return `'${raw}' is not a recognized CIDR, '${formatCidr(c)}' is recommended`;
  const loopback = c.version === 4 ? c.prefix >= 8 && c.network >> 24n === 127n : c.prefix === 128 && c.network === 1n;
  return loopback ? `'${raw}' is not a routable CIDR` : null;
}

/** neutron-lib's validate_hostroutes on routes whose keys are right: why they are refused, or null. */
export function hostRoutesProblem(routes: ReadonlyArray<{ destination: string; nexthop: string }>): string | null {
  const seen = new Set<string>();
  for (const r of routes) {
    const bad = routeCidrProblem(r.destination) ?? (parseIp(r.nexthop) && !/\s/.test(r.nexthop) ? null : `'${r.nexthop}' is not a valid IP address`);
    if (bad) return bad;
    const key = `${r.destination}\n${r.nexthop}`;
    if (seen.has(key)) return `Duplicate hostroute '{'destination': '${r.destination}', 'nexthop': '${r.nexthop}'}'`;
    seen.add(key);
  }
  return null;
}

/**
 * neutron-lib's validate_ip_address: netaddr reads IPv4 groups with leading zeros but Neutron then
 * refuses any spelling other than the canonical one. Null when the address is accepted.
 */
export function ipAddressError(ip: string): string | null {
  if (parseIp(ip) !== null) return null;
  const groups = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip)?.slice(1).map((g) => Number.parseInt(g, 10));
  if (groups && groups.every((g) => g <= 255)) return `'${ip}' is not an accepted IP address, '${groups.join('.')}' is recommended`;
  return `'${ip}' is not a valid IP address`;
}

/**
 * neutron-lib's validate_subnet: what netaddr reads as a network (host bits kept), written with a
 * length and, for IPv4, as netaddr writes it. Null when accepted.
 */
export function subnetError(data: string): string | null {
  const net = /\s/.test(data) ? null : parseCidrWithHost(data);
  if (net === null) return `'${data}' is not a valid IP subnet`;
  if (!data.includes('/') || (net.version === 4 && `${formatIp(4, net.address)}/${net.prefix}` !== data)) {
    const cidr = formatCidr({ version: net.version, network: net.address & mask(net.version, net.prefix), prefix: net.prefix });
    return `'${data}' isn't a recognized IP subnet cidr, '${cidr}' is recommended`;
  }
  return null;
}

/**
 * neutron-lib's validate_subnet_list on a list's items: the items that repeat an earlier one
 * (as Python writes them, joined), else the first item validate_subnet refuses. Null when accepted.
 */
export function subnetListError(items: readonly PyJson[]): string | null {
  const dups = pyDuplicates(items);
  if (dups.length > 0) return `Duplicate items in the list: '${dups.map((x) => (typeof x === 'string' ? x : String(x))).join(', ')}'`;
  for (const x of items) {
    const why = subnetError(typeof x === 'string' ? x : String(x));
    if (why !== null) return why;
  }
  return null;
}
