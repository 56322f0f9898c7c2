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
    // Long after, one more use sweeps every full bucket away.
    b.take('late', 10_000_000);
    expect(b.size()).toBe(1);
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
