/** Address helpers for checks: canonical forms, CIDR membership, host parts (ipaddr.js). */
import ipaddr from 'ipaddr.js';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

function parse(s: string): Addr | null {
  const t = s.trim();
  if (!ipaddr.isValid(t)) return null;
  try {
    return ipaddr.parse(t);
  } catch {
    return null;
  }
}

export function isIp(s: string): boolean {
  return parse(s) !== null;
}

export function ipVersion(s: string): 4 | 6 | null {
  const a = parse(s);
  return a === null ? null : a.kind() === 'ipv4' ? 4 : 6;
}

/** Canonical text of an address (IPv6 compressed, lower case); anything else unchanged. */
export function canonicalIp(s: string): string {
  const a = parse(s);
  return a === null ? s : a.toString();
}

/** Canonical `addr/len`, or null when `s` is not a CIDR. */
export function canonicalCidr(s: string): string | null {
  try {
    const [a, len] = ipaddr.parseCIDR(s.trim());
    return `${a.toString()}/${len}`;
  } catch {
    return null;
  }
}

/** Whether address `ip` lies inside `cidr`. */
export function inCidr(ip: string, cidr: string): boolean {
  const a = parse(ip);
  if (a === null) return false;
  try {
    const range = ipaddr.parseCIDR(cidr.trim());
    return a.kind() === range[0].kind() && a.match(range);
  } catch {
    return false;
  }
}

/** Whether the host part of `ip` in `cidr` equals the host part written as `host` (e.g. `::beef`). */
export function hostPartIs(ip: string, cidr: string, host: string): boolean {
  const a = parse(ip);
  const h = parse(host);
  if (a === null || h === null || a.kind() !== h.kind()) return false;
  let len: number;
  try {
    len = ipaddr.parseCIDR(cidr.trim())[1];
  } catch {
    return false;
  }
  const ab = a.toByteArray();
  const hb = h.toByteArray();
  for (let i = 0; i < ab.length; i++) {
    const bitsInNet = Math.max(0, Math.min(8, len - i * 8));
    const hostMask = 0xff >> bitsInNet;
    if (((ab[i] ?? 0) & hostMask) !== ((hb[i] ?? 0) & hostMask)) return false;
  }
  return true;
}

/** Whether every address of `inner` (an address or a CIDR) lies inside `outer` (a CIDR). */
export function cidrWithin(inner: string, outer: string): boolean {
  try {
    const o = ipaddr.parseCIDR(outer.trim());
    const a = parse(inner);
    const [addr, len] = a !== null ? [a, a.kind() === 'ipv4' ? 32 : 128] : ipaddr.parseCIDR(inner.trim());
    return addr.kind() === o[0].kind() && len >= o[1] && addr.match(o);
  } catch {
    return false;
  }
}
