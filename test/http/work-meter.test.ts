/**
 * The work meter of REST calls that are not on a workspace (server/http/openstack/work-meter.ts):
 * it counts the time the call's code runs and the work it reports from elsewhere, never the time
 * one of its waits is pending, also when waits overlap.
 */
import { describe, expect, it } from 'vitest';
import { workMeter } from '../../server/http/openstack/work-meter.js';

/** A clock the test moves, and a promise the test settles. */
function setup() {
  let now = 1000;
  const meter = workMeter(() => now);
  const deferred = <T>() => {
    let settle: (v: T) => void = () => undefined;
    let fail: (e: unknown) => void = () => undefined;
    const p = new Promise<T>((ok, ko) => ((settle = ok), (fail = ko)));
    return { p, settle, fail };
  };
  return { meter, deferred, pass: (ms: number) => void (now += ms) };
}

describe('the work meter', () => {
  it('counts running time but not a wait', async () => {
    const { meter, deferred, pass } = setup();
    pass(3);
    const d = deferred<string>();
    const waited = meter.wait(d.p);
    pass(500); // the store's turn, other learners' work
    d.settle('ok');
    expect(await waited).toBe('ok');
    pass(2);
    expect(meter.total()).toBe(5);
  });

  it('does not count overlapping waits until the last one ends', async () => {
    const { meter, deferred, pass } = setup();
    const a = deferred<number>();
    const b = deferred<number>();
    const both = Promise.all([meter.wait(a.p), meter.wait(b.p)]);
    pass(40);
    a.settle(1);
    await a.p;
    pass(40);
    b.settle(2);
    expect(await both).toEqual([1, 2]);
    pass(1);
    expect(meter.total()).toBe(1);
  });

  it('passes a rejection on, and counts again after it', async () => {
    const { meter, deferred, pass } = setup();
    const d = deferred<never>();
    const waited = meter.wait(d.p);
    pass(100);
    d.fail(new Error('store down'));
    await expect(waited).rejects.toThrow('store down');
    pass(4);
    expect(meter.total()).toBe(4);
  });

  it('adds work done elsewhere, and only a real amount', () => {
    const { meter } = setup();
    meter.add(12.5);
    meter.add(-50);
    meter.add(Number.NaN);
    meter.add(Number.POSITIVE_INFINITY);
    expect(meter.total()).toBe(12.5);
  });
});
