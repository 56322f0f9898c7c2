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
 * Keys unused this long whose bucket is full again are forgotten. Keys are never moved or dropped
 * on the way of a call: forgetting a learner whose bucket refilled between two commands (at one
 * command a second, nearly every learner) made a new bucket and a delete and a set in the map per
 * command, the map's table was rebuilt every few dozen calls, and both lived long enough for the
 * collector to promote them, a class's worth a second.
 */
const IDLE_MS = 60_000;
/**
 * Work a call does for the map at most: keys looked at by the sweep that goes round the map a few
 * at a time, and keys sampled to choose one to forget when the map is full. A whole-map pass at
 * maxKeys (100,000) held the event loop for 40-90 ms, and anyone can fill the map.
 */
const SWEEP_STEP = 2;
const SAMPLE = 32;

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
  // A full bucket is what an unknown key gets anyway: forgetting one changes nothing.
  const full = (b: Bucket, now: number) => b.tokens + ((now - b.last) / 1000) * opts.rate >= opts.burst;
  /** Where the sweep is in the map's order (a Map's iterator survives deletions and new keys). */
  let cursor: Iterator<string> = map.keys();
  /** The next key in the map's order, round and round (undefined: the map is empty). */
  const nextKey = (): string | undefined => {
    let r = cursor.next();
    if (r.done === true) {
      cursor = map.keys();
      r = cursor.next();
    }
    return r.done === true ? undefined : r.value;
  };
  /** The next `n` keys: those idle and full again are forgotten. */
  const sweep = (now: number, n: number) => {
    for (let i = 0; i < n; i++) {
      const k = nextKey();
      if (k === undefined) return;
      const b = map.get(k) as Bucket;
      if (now - b.last >= IDLE_MS && full(b, now)) map.delete(k);
    }
  };
  /**
   * Room for a new key in a full map: the first full bucket among the next SAMPLE keys goes, or
   * else the least recently used of them (its balance is lost: only a flood of maxKeys distinct
   * keys can do that, and a key in use is the last to be chosen).
   */
  const makeRoom = (now: number) => {
    let oldest: string | undefined;
    let oldestLast = Infinity;
    for (let i = 0; i < SAMPLE; i++) {
      const k = nextKey();
      if (k === undefined) return;
      const b = map.get(k) as Bucket;
      if (full(b, now)) {
        map.delete(k);
        return;
      }
      if (b.last < oldestLast) {
        oldest = k;
        oldestLast = b.last;
      }
    }
    if (oldest !== undefined) map.delete(oldest);
  };
  /** The key's bucket brought up to `now`. */
  const refill = (key: string, now: number): Bucket => {
    let b = map.get(key);
    if (b) {
      // A clock that steps back neither takes tokens away nor, later, gives the same time twice.
      b.tokens = Math.min(opts.burst, b.tokens + (Math.max(0, now - b.last) / 1000) * opts.rate);
      b.last = Math.max(b.last, now);
    } else {
      if (map.size >= opts.maxKeys) makeRoom(now);
      b = { tokens: opts.burst, last: now };
      map.set(key, b);
    }
    // A class that has come and gone leaves nothing behind, a few keys a call.
    sweep(now, SWEEP_STEP);
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
