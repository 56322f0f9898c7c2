/** Token buckets: per key, bounded, forgetting keys whose bucket is full again. */
import { describe, expect, it } from 'vitest';
import { buckets, counter } from './limits.js';

describe('buckets', () => {
  it('gives a burst, then the rate', () => {
    const b = buckets({ rate: 2, burst: 3, maxKeys: 10 });
    expect([b.take('a', 0), b.take('a', 0), b.take('a', 0), b.take('a', 0)]).toEqual([true, true, true, false]);
    expect(b.take('a', 400)).toBe(false);
    expect(b.take('a', 500)).toBe(true);
    expect(b.take('b', 500)).toBe(true);
  });
  it('charges time spent, even below zero, and is positive again once refilled', () => {
    const b = buckets({ rate: 250, burst: 500, maxKeys: 10 });
    b.charge('a', 0, 900);
    expect(b.positive('a', 0)).toBe(false);
    expect(b.positive('a', 1000)).toBe(false);
    expect(b.positive('a', 1700)).toBe(true);
  });
  it('forgets keys whose bucket has filled up again, and never holds more than maxKeys', () => {
    const b = buckets({ rate: 10, burst: 10, maxKeys: 1000 });
    for (let i = 0; i < 5000; i++) b.take(`learner-${i}`, i);
    expect(b.size()).toBeLessThanOrEqual(1000);
    // Long after, the calls that follow sweep every full bucket away, a few keys a call.
    for (let i = 0; i < 600; i++) b.take('late', 10_000_000 + i);
    expect(b.size()).toBe(1);
  });
  it('keeps a key in use through a flood of new ones smaller than maxKeys every few seconds, and its balance exact', () => {
    const b = buckets({ rate: 1, burst: 2, maxKeys: 100 });
    let taken = 0;
    // 'a' asks for two tokens a second for a minute (it gets one: the rate); 15 strangers a second
    // (75 in 5 s: under maxKeys).
    for (let t = 0; t <= 60_000; t += 1000) {
      for (const _ of [1, 2]) if (b.take('a', t)) taken++;
      for (let i = 0; i < 15; i++) b.take(`stranger-${t}-${i}`, t + i);
    }
    // The burst, then one a second. Forgotten even once, 'a' would have got a full burst back.
    expect(taken).toBe(2 + 60);
    expect(b.positive('a', 60_000)).toBe(false);
    expect(b.size()).toBeLessThanOrEqual(100);
  });
  it('keeps the bucket of a key in use even when it is full between calls (a class at one command a second)', () => {
    // Rate 20, one call a second: every bucket is full again before its next call. Forgetting it
    // then would cost a new bucket and a delete and a set in the map per call.
    const b = buckets({ rate: 20, burst: 60, maxKeys: 1000 });
    for (let t = 0; t < 30_000; t += 1000)
      for (let i = 0; i < 100; i++) {
        b.take(`learner-${i}`, t + i);
        expect(b.size()).toBe(100 - (t === 0 ? 99 - i : 0));
      }
    // Idle for a minute and full: forgotten as the calls that follow go round the map.
    for (let i = 0; i < 60; i++) b.take('late', 100_000 + i);
    expect(b.size()).toBe(1);
  });
  it('keeps a key idle but in debt until its bucket is full again', () => {
    const b = buckets({ rate: 1, burst: 2, maxKeys: 10 });
    b.charge('a', 0, 200); // 200 tokens in debt: full again after 202 s
    for (let i = 0; i < 10; i++) b.take('x', 100_000 + i);
    expect(b.size()).toBe(2);
    for (let i = 0; i < 10; i++) b.take('x', 300_000 + i);
    expect(b.size()).toBe(1);
  });
  it('in a flood of more keys than maxKeys, the least recently used go first, and a key in use keeps its balance', () => {
    const b = buckets({ rate: 1, burst: 2, maxKeys: 100 });
    let taken = 0;
    for (let i = 0; i < 2000; i++) {
      // Strangers that drain their bucket: a sweep of full buckets frees nothing.
      b.take(`stranger-${i}`, i);
      b.take(`stranger-${i}`, i);
      if (i % 10 === 0 && b.take('a', i)) taken++;
      expect(b.size()).toBeLessThanOrEqual(100);
    }
    // 'a' asked 200 times in 2 s: its burst of 2, then one a second. Forgotten once, it would
    // have had a full burst again.
    expect(taken).toBe(3);
  });
  it('does a bounded amount of work a call, however many keys (anyone can fill the map)', () => {
    // Counts the map's entries read (by get or by any iterator): a whole-map pass over 100,000
    // keys held the event loop 40-90 ms.
    let reads = 0;
    const proto = Map.prototype as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>;
    const names: PropertyKey[] = ['get', 'keys', 'values', 'entries', Symbol.iterator];
    const saved = names.map((n) => proto[n] as (...a: unknown[]) => unknown);
    names.forEach((n, i) => {
      const orig = saved[i] as (...a: unknown[]) => unknown;
      proto[n] = function (this: unknown, ...a: unknown[]) {
        if (n === 'get') {
          reads++;
          return orig.apply(this, a);
        }
        const it = orig.apply(this, a) as Iterator<unknown>;
        return {
          next: () => {
            reads++;
            return it.next();
          },
          [Symbol.iterator]() {
            return this;
          },
        };
      };
    });
    let worst = 0;
    try {
      const b = buckets({ rate: 1, burst: 2, maxKeys: 100_000 });
      let t = 0;
      for (let i = 0; i < 100_000; i++) b.take(`k${i}`, (t += 0.01));
      for (let i = 0; i < 1000; i++) {
        reads = 0;
        b.take(`new-${i}`, (t += 0.01)); // a full map: room made for each
        b.take('k5', t + 61_000 + i); // long after: every key idle and full
        worst = Math.max(worst, reads);
      }
      expect(b.size()).toBeLessThanOrEqual(100_000);
    } finally {
      names.forEach((n, i) => {
        proto[n] = saved[i] as (...a: unknown[]) => unknown;
      });
    }
    // Two calls: each its own get, the sweep's few keys, and for the new key a sample of 32.
    expect(worst).toBeLessThanOrEqual(2 + 2 * 2 * 2 + 32 * 2 + 2);
  });
  it('gives no tokens twice for the same time when the clock steps back', () => {
    const b = buckets({ rate: 10, burst: 10, maxKeys: 10 });
    for (let i = 0; i < 10; i++) b.take('a', 1000);
    expect(b.take('a', 500)).toBe(false); // the clock stepped back half a second
    expect(b.take('a', 1000)).toBe(false); // back where it was: nothing refilled yet
    expect(b.take('a', 1100)).toBe(true);
  });
  it('refills from the last call, whether or not the key was moved in the order', () => {
    const b = buckets({ rate: 10, burst: 10, maxKeys: 10 });
    for (let i = 0; i < 10; i++) b.take('a', 0);
    expect(b.take('a', 50)).toBe(false);
    expect(b.take('a', 100)).toBe(true);
    expect(b.take('a', 100)).toBe(false);
    // Past the reordering interval: the same arithmetic.
    expect(b.take('a', 6_000)).toBe(true);
    expect([...Array(9)].map(() => b.take('a', 6_000)).every(Boolean)).toBe(true);
    expect(b.take('a', 6_000)).toBe(false);
  });
});

describe('counter', () => {
  it('refuses past the maximum and forgets released keys', () => {
    const c = counter(2);
    expect([c.acquire('a'), c.acquire('a'), c.acquire('a')]).toEqual([true, true, false]);
    c.release('a');
    expect(c.acquire('a')).toBe(true);
    c.release('a');
    c.release('a');
    expect(c.count('a')).toBe(0);
  });
});
