/**
 * Address arithmetic for the simulated Neutron IPAM: parsing and formatting (ipaddr.js), CIDR
 * math on BigInt (IPv6 needs 128 bits), allocation pools, free-address picking and subnet-pool
 * allocation, with Neutron's messages.
 */
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

/** Strict parse: dotted-quad IPv4 or RFC 4291 IPv6 (no zone ids); null when invalid. */
export function parseIp(s: string): { version: IpVersion; value: bigint } | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) {
    return { version: 4, value: bytesToBig(ipaddr.IPv4.parse(s).toByteArray()) };
  }
  if (s.includes(':') && !s.includes('%') && ipaddr.IPv6.isValid(s)) {
    return { version: 6, value: bytesToBig(ipaddr.IPv6.parse(s).toByteArray()) };
  }
  return null;
}

export function formatIp(version: IpVersion, v: bigint): string {
  const n = version === 4 ? 4 : 16;
  const bytes: number[] = [];
  for (let i = n - 1; i >= 0; i--) bytes.push(Number((v >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

function mask(version: IpVersion, prefix: number): bigint {
  const b = bits(version);
  return ((1n << BigInt(b)) - 1n) ^ ((1n << BigInt(b - prefix)) - 1n);
}

/** `10.7.0.5/24` → 10.7.0.0/24 (host bits cleared, as Neutron normalises); a bare address is a host route. */
export function parseCidr(s: string): Cidr | null {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const ip = parseIp(addr);
  if (!ip) return null;
  let prefix = bits(ip.version);
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > bits(ip.version)) return null;
  }
  return { version: ip.version, network: ip.value & mask(ip.version, prefix), prefix };
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
 * Neutron's default allocation pools: IPv4 from network+1 to broadcast-1 (/31 and /32: the
 * whole block), IPv6 from ::1 to the last address; minus the gateway, which may split the range.
 */
export function defaultPools(c: Cidr, gateway: bigint | null): IpRange[] {
  let start: bigint;
  let end: bigint;
  if (c.version === 4 && c.prefix >= 31) {
    start = c.network;
    end = broadcast(c);
  } else if (c.version === 4) {
    start = c.network + 1n;
    end = broadcast(c) - 1n;
  } else {
    start = c.network + 1n;
    end = broadcast(c);
  }
  if (gateway === null || gateway < start || gateway > end) return [{ start, end }];
  const out: IpRange[] = [];
  if (gateway > start) out.push({ start, end: gateway - 1n });
  if (gateway < end) out.push({ start: gateway + 1n, end });
  return out;
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
export function validatePools(c: Cidr, pools: IpRange[], gateway: bigint | null): { status: number; message: string } | null {
  const first = c.version === 4 && c.prefix < 31 ? c.network + 1n : c.network;
  const last = c.version === 4 && c.prefix < 31 ? broadcast(c) - 1n : broadcast(c);
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

/** The first free address of the pools ("prefer next": DHCP ports). */
export function firstFree(pools: IpRange[], used: Set<bigint>): bigint | null {
  for (const p of pools) {
    for (let a = p.start; a <= p.end; a++) if (!used.has(a)) return a;
  }
  return null;
}

/** Zed IPAM for ordinary ports: a random address among the first `window` free ones. */
export function randomFree(pools: IpRange[], used: Set<bigint>, rng: RngState, window = 1000): bigint | null {
  const candidates: bigint[] = [];
  for (const p of pools) {
    for (let a = p.start; a <= p.end && candidates.length < window; a++) if (!used.has(a)) candidates.push(a);
    if (candidates.length >= window) break;
  }
  if (candidates.length === 0) return null;
  return candidates[randInt(rng, 0, candidates.length - 1)] ?? null;
}

/** EUI-64 address from a /64 and a MAC: ff:fe in the middle, universal/local bit flipped. */
export function eui64(prefix: Cidr, mac: string): bigint {
  const b = mac.split(':').map((x) => Number.parseInt(x, 16));
  const iid = [((b[0] ?? 0) ^ 0x02) & 0xff, b[1] ?? 0, b[2] ?? 0, 0xff, 0xfe, b[3] ?? 0, b[4] ?? 0, b[5] ?? 0];
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
    const fits = free.some((f) => f.version === want.version && f.prefix <= want.prefix && cidrsOverlap(f, want));
    if (fits) return { ok: true, cidr: want };
    return { ok: false, status: 500, message: 'Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.' };
  }
  const bySize = free
    .map((f, i) => ({ f, i }))
    .sort((a, b) => b.f.prefix - a.f.prefix || a.i - b.i)
    .map((x) => x.f);
  const block = bySize.find((f) => f.prefix <= req.prefixLen);
  if (!block) {
    return { ok: false, status: 500, message: `Failed to allocate subnet: Insufficient prefix space to allocate subnet size /${req.prefixLen}.` };
  }
  return { ok: true, cidr: { version: block.version, network: block.network, prefix: req.prefixLen } };
}
