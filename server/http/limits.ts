/**
 * Rate limits of the web layer: token buckets kept per learner (shared by all their terminals)
 * and per remote address (for visitors without a session), in maps that forget idle keys so an
 * attacker cycling keys cannot grow them without bound.
 */

export interface BucketOptions {
  /** Tokens added per second. */
  rate: number;
  /** Largest number of tokens (the burst). */
  burst: number;
  /** At most this many keys are remembered; the least recently used go first. */
  maxKeys: number;
}

interface Bucket {
  tokens: number;
  last: number;
  /** When the key was last put at the end of the map's order. */
  placed: number;
}

/**
 * A key is put back at the end of the order at most this often (ms). Moving it on every call (a
 * delete and a set: several per command) left the map's table full of holes and made it rebuild
 * its table every few hundred calls, a table of the whole class that the collector promoted. An
 * order at most a few seconds stale is what forgetting needs: a key is forgotten only once its
 * bucket is full again, and the least recently used first within a few seconds.
 */
const REORDER_MS = 5_000;

export interface Buckets {
  /** Takes one token for this key at time `now` (ms); false when there is none left. */
  take(key: string, now: number): boolean;
  /** Whether the key has a positive balance now. */
  positive(key: string, now: number): boolean;
  /** Takes `cost` tokens whatever the balance (it may go below zero: the key then waits longer). */
  charge(key: string, now: number, cost: number): void;
  size(): number;
}

export function buckets(opts: BucketOptions): Buckets {
  const map = new Map<string, Bucket>();
  /** The key's bucket brought up to `now` (and put at the end of the order, if it was not lately). */
  const refill = (key: string, now: number): Bucket => {
    let b = map.get(key);
    if (b) {
      b.tokens = Math.min(opts.burst, b.tokens + ((now - b.last) / 1000) * opts.rate);
      b.last = now;
      if (now - b.placed < REORDER_MS && now >= b.placed) return b;
      map.delete(key);
      b.placed = now;
    } else {
      b = { tokens: opts.burst, last: now, placed: now };
      // A full bucket is what an unknown key gets anyway, so forgetting the oldest is safe.
      if (map.size >= opts.maxKeys) map.delete(map.keys().next().value as string);
    }
    map.set(key, b);
    // Keys are kept in the order of their last use (to REORDER_MS): the oldest ones whose bucket
    // has filled up again are what an unknown key gets anyway, so they are forgotten (a class that
    // has come and gone leaves nothing behind).
    for (const [k, old] of map) {
      if (old === b || old.tokens + ((now - old.last) / 1000) * opts.rate < opts.burst) break;
      map.delete(k);
    }
    return b;
  };
  return {
    take(key, now) {
      const b = refill(key, now);
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
    positive: (key, now) => refill(key, now).tokens > 0,
    charge(key, now, cost) {
      refill(key, now).tokens -= cost;
    },
    size: () => map.size,
  };
}

/** Counts open connections per key, refusing more than `max`. */
export interface Counter {
  acquire(key: string): boolean;
  release(key: string): void;
  count(key: string): number;
}

export function counter(max: number): Counter {
  const map = new Map<string, number>();
  return {
    acquire(key) {
      const n = map.get(key) ?? 0;
      if (n >= max) return false;
      map.set(key, n + 1);
      return true;
    },
    release(key) {
      const n = (map.get(key) ?? 0) - 1;
      if (n <= 0) map.delete(key);
      else map.set(key, n);
    },
    count: (key) => map.get(key) ?? 0,
  };
}

/** Messages (terminal lines, API calls) a learner may send per second, sustained, and in a burst. */
export const LEARNER_CALLS = { rate: 20, burst: 60 };
/** Milliseconds of server time a learner's commands and API calls may use per second, and in a burst. */
export const LEARNER_WORK_MS = { rate: 250, burst: 500 };

/**
 * A learner's one budget for everything they make the server do: their terminals' messages and
 * their own clients' API calls draw on the same buckets (keyed by learner id), so a second way in
 * is not a second allowance.
 */
export interface LearnerBudget {
  calls: Buckets;
  work: Buckets;
}

/**
 * `callsPerSecond`: the configured call rate (STACKLAB_CALLS_PER_SECOND); bursts and the server
 * time budget scale with it (by default 20 calls and 250 ms a second, bursts of 60 and 500 ms).
 */
export function learnerBudget(callsPerSecond = LEARNER_CALLS.rate): LearnerBudget {
  const scale = callsPerSecond / LEARNER_CALLS.rate;
  const calls = { rate: callsPerSecond, burst: LEARNER_CALLS.burst * scale };
  const work = { rate: LEARNER_WORK_MS.rate * scale, burst: LEARNER_WORK_MS.burst * scale };
  return { calls: buckets({ ...calls, maxKeys: 100_000 }), work: buckets({ ...work, maxKeys: 100_000 }) };
}
