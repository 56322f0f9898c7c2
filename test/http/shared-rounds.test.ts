/**
 * sharedRounds (server/http/health.ts), the mechanism under both /healthz checks, driven directly
 * with a fake clock and rounds the test ends by hand: one round shared by a flood of checks, the
 * answer reused for freshMs, a round that never ends given up on, a broken round turned into a
 * failing answer, and one log line per change of answer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  sharedRounds,
  type Health,
  type Round,
  type SharedRoundsOptions,
} from '../../server/http/health.js';

const words = {
  failing: 'check failing',
  again: 'check passes again',
  unexpected: 'the check broke',
};

/** Rounds the test controls: each call records one round; the test settles its answer and its end apart. */
function rounds() {
  const made: Array<{ answer: (h: Health) => void; fail: (e: unknown) => void; end: () => void }> =
    [];
  const round = (): Round => {
    let answer: (h: Health) => void = () => undefined;
    let fail: (e: unknown) => void = () => undefined;
    let end: () => void = () => undefined;
    const a = new Promise<Health>((ok, no) => {
      answer = ok;
      fail = no;
    });
    const ended = new Promise<void>((ok) => (end = ok));
    made.push({ answer, fail, end });
    return { answer: a, ended };
  };
  /** The last round made, answered `h` and ended. */
  const finish = (h: Health) => {
    const r = made.at(-1);
    r?.answer(h);
    r?.end();
  };
  return { round, made, finish };
}

const tick = () => new Promise((ok) => setTimeout(ok, 0));

let clock = 0;
let logged: string[] = [];
const opts = (more: Partial<SharedRoundsOptions> = {}): SharedRoundsOptions => ({
  freshMs: 250,
  abandonMs: 1000,
  now: () => clock,
  log: (m) => logged.push(m),
  words,
  ...more,
});

// A rejection nobody handles fails the test run instead of passing silently.
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
beforeEach(() => {
  clock = 0;
  logged = [];
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('sharedRounds', () => {
  it('a flood of checks during one round makes one round, and all of them get its answer', async () => {
    const r = rounds();
    const check = sharedRounds(r.round, opts());
    const all = Array.from({ length: 1000 }, () => check());
    // The round starts within the first check, not a tick later.
    expect(r.made).toHaveLength(1);
    clock = 999;
    all.push(check());
    r.finish({ ok: false, error: 'down' });
    for (const h of await Promise.all(all)) expect(h).toEqual({ ok: false, error: 'down' });
    expect(r.made).toHaveLength(1);
  });

  it('the answer is reused for freshMs after the round ended (not after it started), then a new round', async () => {
    const r = rounds();
    const check = sharedRounds(r.round, opts());
    const first = check();
    clock = 400;
    r.finish({ ok: true });
    expect(await first).toEqual({ ok: true });
    // 249 ms after the end: still fresh, though 649 ms after the start.
    clock = 649;
    expect(await check()).toEqual({ ok: true });
    expect(r.made).toHaveLength(1);
    clock = 650;
    const second = check();
    expect(r.made).toHaveLength(2);
    r.finish({ ok: false, error: 'down' });
    expect(await second).toEqual({ ok: false, error: 'down' });
  });

  it('an answer given before the round ends is shared until the end, then reused for freshMs', async () => {
    const r = rounds();
    const check = sharedRounds(r.round, opts());
    const first = check();
    // Answered by a deadline: the work (a ping holding a connection) goes on.
    r.made[0]?.answer({ ok: false, error: 'late' });
    expect(await first).toEqual({ ok: false, error: 'late' });
    clock = 900;
    expect(await check()).toEqual({ ok: false, error: 'late' });
    expect(r.made).toHaveLength(1);
    r.made[0]?.end();
    await tick();
    clock = 1149;
    expect(await check()).toEqual({ ok: false, error: 'late' });
    expect(r.made).toHaveLength(1);
    clock = 1150;
    void check();
    expect(r.made).toHaveLength(2);
  });

  it('a round that never ends is given up on after abandonMs: one new round, not one per check', async () => {
    const r = rounds();
    const check = sharedRounds(r.round, opts());
    const stuck = check();
    clock = 999;
    void check();
    expect(r.made).toHaveLength(1);
    clock = 1000;
    const fresh = check();
    void check();
    void check();
    expect(r.made).toHaveLength(2);
    r.finish({ ok: true });
    expect(await fresh).toEqual({ ok: true });
    // The abandoned round's checks are still waiting on it: they get its answer when it comes.
    r.made[0]?.answer({ ok: false, error: 'very late' });
    expect(await stuck).toEqual({ ok: false, error: 'very late' });
    // Its end, long after, does not make the current answer stale.
    r.made[0]?.end();
    await tick();
    clock = 1100;
    expect(await check()).toEqual({ ok: true });
    expect(r.made).toHaveLength(2);
  });

  it('abandonMs Infinity never gives a round up', () => {
    const r = rounds();
    const check = sharedRounds(r.round, opts({ abandonMs: Infinity }));
    void check();
    clock = Number.MAX_SAFE_INTEGER;
    void check();
    expect(r.made).toHaveLength(1);
  });

  it('a round that rejects or throws at once is a failing answer, never a rejected check', async () => {
    let mode: 'reject' | 'throw' | 'reject-end' = 'reject';
    let made = 0;
    const check = sharedRounds(
      (): Round => {
        made += 1;
        if (mode === 'throw') throw new Error('secret internals');
        const failed = Promise.reject(new Error('secret internals'));
        return { answer: failed, ended: mode === 'reject-end' ? failed : Promise.resolve() };
      },
      opts({ freshMs: 0 }),
    );
    const broken = { ok: false, error: 'the check broke' };
    expect(await check()).toEqual(broken);
    mode = 'throw';
    await tick();
    expect(await check()).toEqual(broken);
    // A round that threw has ended: the next check starts another.
    await tick();
    clock = 1;
    mode = 'reject-end';
    expect(await check()).toEqual(broken);
    await tick();
    clock = 2;
    expect(await check()).toEqual(broken);
    expect(made).toBe(4);
    await tick();
    expect(unhandled).toEqual([]);
    // Failing all along: logged once.
    expect(logged).toEqual(['check failing: the check broke']);
  });

  it('logs once per change of answer, not once per check', async () => {
    const r = rounds();
    const check = sharedRounds(r.round, opts({ freshMs: 0 }));
    const next = async (h: Health, checks = 5) => {
      clock += 1;
      const all = Array.from({ length: checks }, () => check());
      r.finish(h);
      await Promise.all(all);
      await tick();
    };
    await next({ ok: true });
    expect(logged).toEqual([]);
    await next({ ok: false, error: 'a' });
    await next({ ok: false, error: 'b' });
    await next({ ok: false, error: 'a' });
    await next({ ok: true });
    await next({ ok: true });
    await next({ ok: false, error: 'c' });
    expect(logged).toEqual(['check failing: a', 'check passes again', 'check failing: c']);
    expect(r.made).toHaveLength(7);
  });

  it('no log given: changes of answer are still answered', async () => {
    const r = rounds();
    const check = sharedRounds(r.round, opts({ log: undefined }));
    const h = check();
    r.finish({ ok: false, error: 'down' });
    expect(await h).toEqual({ ok: false, error: 'down' });
  });
});
