/**
 * The pool's algorithm, as HAProxy's `balance` picks a server among the usable ones: weighted
 * round robin (ROUND_ROBIN; LEAST_CONNECTIONS too, since no connection stays open here and
 * HAProxy's leastconn then rotates like round robin) and a hash of the source address
 * (SOURCE_IP, and SOURCE_IP session persistence, whose stick table keeps a client on one server).
 * Deterministic: the round-robin position is the pool's cursor in the Octavia state.
 */
import type { Member, Pool } from '../model/octavia.js';

/**
 * The n-th pick (n counted from 0) of smooth weighted round robin over `members` (all of weight
 * > 0): every step each member gains its weight, the richest is picked and pays the total.
 * Weights 1,1 alternate; 1,2 give b a b. The sequence repeats after the total weight.
 */
export function roundRobin<T extends Pick<Member, 'weight'>>(members: readonly T[], n: number): T | undefined {
  const total = members.reduce((s, m) => s + m.weight, 0);
  if (total <= 0) return undefined;
  const credit = members.map(() => 0);
  let pick = 0;
  for (let step = 0; step <= n % total; step++) {
    pick = 0;
    members.forEach((m, i) => {
      credit[i] = (credit[i] ?? 0) + m.weight;
      if ((credit[i] ?? 0) > (credit[pick] ?? 0)) pick = i;
    });
    credit[pick] = (credit[pick] ?? 0) - total;
  }
  return members[pick];
}

/** FNV-1a over the address text: a stable stand-in for HAProxy's source hash. */
export function sourceHash(ip: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ip.length; i++) {
    h ^= ip.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** HAProxy's map-based `balance source`: the hash modulo the total weight names a weighted slot. */
export function bySource<T extends Pick<Member, 'weight'>>(members: readonly T[], ip: string): T | undefined {
  const total = members.reduce((s, m) => s + m.weight, 0);
  if (total <= 0) return undefined;
  let slot = sourceHash(ip) % total;
  for (const m of members) {
    if (slot < m.weight) return m;
    slot -= m.weight;
  }
  return undefined;
}

/** Whether the pool picks by source address (its algorithm or its SOURCE_IP persistence). */
export function sticksToSource(pool: Pool): boolean {
  return pool.lbAlgorithm === 'SOURCE_IP' || pool.lbAlgorithm === 'SOURCE_IP_PORT' || pool.sessionPersistence?.type === 'SOURCE_IP';
}
