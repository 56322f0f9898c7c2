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
}

/**
 * How often (ms of `now`) the map is swept of keys idle for IDLE_MS whose bucket is full again.
 * Keys are never moved or dropped on the way of a call: forgetting a learner whose bucket refilled
 * between two commands (at one command a second, nearly every learner) made a new bucket and a
 * delete and a set in the map per command, the map's table was rebuilt every few dozen calls, and
 * both lived long enough for the collector to promote them, a class's worth a second.
 */
const SWEEP_MS = 10_000;
const IDLE_MS = 60_000;

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
  /** A sixteenth of the keys is made free at once when the map is full, so sweeps stay rare. */
  const room = Math.max(1, Math.floor(opts.maxKeys / 16));
  let swept = 0;
  // A full bucket is what an unknown key gets anyway: forgetting one changes nothing.
  const full = (b: Bucket, now: number) => b.tokens + ((now - b.last) / 1000) * opts.rate >= opts.burst;
  /** Forgets the keys unused for `idle` ms whose bucket is full. */
  const sweep = (now: number, idle: number) => {
    swept = now;
    for (const [k, b] of map) if (now - b.last >= idle && full(b, now)) map.delete(k);
  };
  /**
   * Room for a new key in a full map: every full bucket goes; if that is not a sixteenth of the
   * map, the least recently used keys go too (their balance is lost: only a flood of maxKeys
   * distinct keys can do that, and a key in use is the last to go).
   */
  const makeRoom = (now: number) => {
    sweep(now, 0);
    const over = map.size - (opts.maxKeys - room);
    if (over <= 0) return;
    // The cut-off time, from a sorted copy of the times alone (no array of the entries).
    const times = new Float64Array(map.size);
    let i = 0;
    for (const b of map.values()) times[i++] = b.last;
    const cutoff = times.sort()[over - 1] as number;
    let left = over;
    for (const [k, b] of map) {
      if (left === 0) break;
      if (b.last <= cutoff) {
        map.delete(k);
        left--;
      }
    }
  };
  /** The key's bucket brought up to `now`. */
  const refill = (key: string, now: number): Bucket => {
    let b = map.get(key);
    if (b) {
      b.tokens = Math.min(opts.burst, b.tokens + (Math.max(0, now - b.last) / 1000) * opts.rate);
      b.last = now;
    } else {
      if (map.size >= opts.maxKeys) makeRoom(now);
      b = { tokens: opts.burst, last: now };
      map.set(key, b);
    }
    // A class that has come and gone leaves nothing behind (the key just used is not idle).
    if (now - swept >= SWEEP_MS || now < swept) sweep(now, IDLE_MS);
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
