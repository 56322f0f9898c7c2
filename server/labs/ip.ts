/**
 * Address helpers for checks: canonical forms, CIDR membership, host parts. Built on the core's
 * IP library (server/sim/ipam.ts), so an address a learner types or pastes is written the way the
 * cloud writes it (`::1.2.3.4` stays `::1.2.3.4`, as glibc and Neutron print it).
 */
import { cidrContains, formatIp, parseCidr, parseIp, type Cidr, type IpVersion } from '../sim/ipam.js';

const bits = (v: IpVersion) => (v === 4 ? 32 : 128);

function parse(s: string): { version: IpVersion; value: bigint } | null {
  return parseIp(s.trim());
}

/** A CIDR or a single address (a host route) as a network. */
function network(s: string): Cidr | null {
  const a = parse(s);
  return a ? { version: a.version, network: a.value, prefix: bits(a.version) } : parseCidr(s);
}

export function isIp(s: string): boolean {
  return parse(s) !== null;
}

export function ipVersion(s: string): IpVersion | null {
  return parse(s)?.version ?? null;
}

/** Canonical text of an address (IPv6 compressed, lower case); anything else unchanged. */
export function canonicalIp(s: string): string {
  const a = parse(s);
  return a === null ? s : formatIp(a.version, a.value);
}

/** Canonical `addr/len` (the address kept as written, host bits and all), or null when `s` is not one. */
export function canonicalCidr(s: string): string | null {
  const t = s.trim();
  const slash = t.indexOf('/');
  if (slash < 0) return null;
  const a = parse(t.slice(0, slash));
  const len = t.slice(slash + 1).trim();
  if (a === null || !/^\d{1,3}$/.test(len) || Number(len) > bits(a.version)) return null;
  return `${formatIp(a.version, a.value)}/${Number(len)}`;
}

/** Whether address `ip` lies inside `cidr`. */
export function inCidr(ip: string, cidr: string): boolean {
  const a = parse(ip);
  const c = parseCidr(cidr);
  return a !== null && c !== null && a.version === c.version && cidrContains(c, a.version, a.value);
}

/** Whether the host part of `ip` in `cidr` equals the host part written as `host` (e.g. `::beef`). */
export function hostPartIs(ip: string, cidr: string, host: string): boolean {
  const a = parse(ip);
  const h = parse(host);
  const c = parseCidr(cidr);
  if (a === null || h === null || c === null || a.version !== h.version || a.version !== c.version) return false;
  const hostMask = (1n << BigInt(bits(c.version) - c.prefix)) - 1n;
  return (a.value & hostMask) === (h.value & hostMask);
}

/** Whether every address of `inner` (an address or a CIDR) lies inside `outer` (a CIDR). */
export function cidrWithin(inner: string, outer: string): boolean {
  const o = parseCidr(outer);
  const i = network(inner);
  return o !== null && i !== null && i.version === o.version && i.prefix >= o.prefix && cidrContains(o, i.version, i.network);
}
