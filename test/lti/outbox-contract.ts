/**
 * The score outbox's contract (server/lti/outbox.ts ScoreOutbox), run on memory, SQLite and
 * PostgreSQL, and the shared contract of the queues several processes or nodes use together.
 */
import { describe, expect, it } from 'vitest';
import type { ScoreBody } from '../../server/lti/ags.js';
import { MAX_PER_ITEM, type NewScore, type ScoreOutbox } from '../../server/lti/outbox.js';

export const body = (scoreGiven: number, at = 0): ScoreBody => ({
  userId: 'u1',
  scoreGiven,
  scoreMaximum: 10,
  activityProgress: scoreGiven === 10 ? 'Completed' : 'InProgress',
  gradingProgress: 'FullyGraded',
  timestamp: new Date(at).toISOString(),
});

export const score = (learner: string, lineitem: string, b: ScoreBody): NewScore => ({
  learner,
  issuer: 'https://lms.test',
  clientId: 'c1',
  lineitem,
  body: b,
});

export function runOutboxContract(name: string, open: () => ScoreOutbox | Promise<ScoreOutbox>) {
  describe(`score outbox contract: ${name}`, () => {
    it('keeps scores in order, one head per learner and line item', async () => {
      const o = await open();
      await o.enqueue(score('a', 'li1', body(1)), 100);
      await o.enqueue(score('b', 'li1', body(1)), 101);
      await o.enqueue(score('a', 'li1', body(2)), 102);
      await o.enqueue(score('a', 'li2', body(5)), 103);
      expect(await o.count()).toBe(4);
      expect((await o.heads()).map((r) => [r.learner, r.lineitem, r.body.scoreGiven])).toEqual([
        ['a', 'li1', 1],
        ['b', 'li1', 1],
        ['a', 'li2', 5],
      ]);
      const [first] = await o.heads();
      expect(first).toMatchObject({
        createdAt: 100,
        nextAt: 100,
        attempts: 0,
        lastError: null,
        issuer: 'https://lms.test',
        clientId: 'c1',
      });
      expect(await o.superseded(first!)).toBe(true);
      await o.sent(first!.id);
      expect((await o.heads()).map((r) => [r.learner, r.lineitem, r.body.scoreGiven])).toEqual([
        ['b', 'li1', 1],
        ['a', 'li1', 2],
        ['a', 'li2', 5],
      ]);
      expect(await o.superseded((await o.heads())[1]!)).toBe(false);
      await o.close();
    });

    it('skips a score that says the same as the last one queued, even once sent', async () => {
      const o = await open();
      expect((await o.enqueue(score('a', 'li', body(3, 1)), 1)).queued).not.toBeNull();
      expect((await o.enqueue(score('a', 'li', body(3, 2)), 2)).queued).toBeNull();
      await o.sent((await o.heads())[0]!.id);
      expect((await o.enqueue(score('a', 'li', body(3, 3)), 3)).queued).toBeNull();
      expect(await o.count()).toBe(0);
      // Another line item or learner is not "the same"; going back to an older value is a change.
      expect((await o.enqueue(score('a', 'other', body(3)), 4)).queued).not.toBeNull();
      expect((await o.enqueue(score('b', 'li', body(3)), 4)).queued).not.toBeNull();
      expect((await o.enqueue(score('a', 'li', body(4)), 5)).queued).not.toBeNull();
      expect((await o.enqueue(score('a', 'li', body(3)), 6)).queued).not.toBeNull();
      expect(await o.count()).toBe(4);
      await o.close();
    });

    it('counts failures, keeps the error and the next time, and restamps', async () => {
      const o = await open();
      const { queued } = await o.enqueue(score('a', 'li', body(1)), 10);
      await o.failed(queued!.id, 5000, 'the score endpoint answered 503');
      await o.failed(queued!.id, 9000, 'no answer in time');
      await o.restamp(queued!.id, '2030-01-01T00:00:00.000Z');
      expect(await o.all()).toEqual([
        expect.objectContaining({
          attempts: 2,
          nextAt: 9000,
          lastError: 'no answer in time',
          body: { ...body(1), timestamp: '2030-01-01T00:00:00.000Z' },
        }),
      ]);
      // Unknown ids are ignored (the row was sent or dropped meanwhile).
      await o.failed(9999, 1, 'x');
      await o.sent(9999);
      await o.restamp(9999, 'x');
      expect(await o.count()).toBe(1);
      await o.close();
    });

    it(`keeps at most ${MAX_PER_ITEM} scores per learner and line item: the head and the newest`, async () => {
      const o = await open();
      for (let i = 0; i < MAX_PER_ITEM + 5; i++) {
        const { dropped } = await o.enqueue(score('a', 'li', body(i)), i);
        expect(dropped).toBe(i < MAX_PER_ITEM ? 0 : 1);
      }
      await o.enqueue(score('b', 'li', body(1)), 0);
      const mine = (await o.all()).filter((r) => r.learner === 'a');
      expect(mine).toHaveLength(MAX_PER_ITEM);
      expect(mine[0]!.body.scoreGiven).toBe(0);
      expect(mine[1]!.body.scoreGiven).toBe(6);
      expect(mine.at(-1)!.body.scoreGiven).toBe(MAX_PER_ITEM + 4);
      expect(await o.count()).toBe(MAX_PER_ITEM + 1);
      await o.close();
    });

    it('gives back every string as it was queued, U+0000 and U+FFFF included', async () => {
      const o = await open();
      const odd = score('le\u0000arner\uffff', 'https://lms.test/li\u0000/\uffff1', { ...body(2), userId: 'u\u0000\uffff0' });
      const { queued } = await o.enqueue({ ...odd, issuer: 'https://lms.test/\u0000', clientId: 'c\uffff' }, 1);
      await o.failed(queued!.id, 2, 'answered \u0000');
      expect(await o.all()).toEqual([
        expect.objectContaining({ learner: odd.learner, lineitem: odd.lineitem, issuer: 'https://lms.test/\u0000', clientId: 'c\uffff', body: odd.body, lastError: 'answered \u0000' }),
      ]);
      expect((await o.enqueue(odd, 3)).queued).toBeNull();
      expect(await o.claim(queued!.id)).toMatchObject({ id: queued!.id, learner: odd.learner });
      await o.close();
    });
  });
}

/** Two outboxes on one queue (processes on one SQLite file, nodes on one PostgreSQL). */
export type OpenPair = (opts: { leaseMs: number; now: () => number }) => Promise<[ScoreOutbox, ScoreOutbox]>;

/** What only a queue shared by several processes meets: claims, their leases, claims racing. */
export function runSharedOutboxContract(name: string, openPair: OpenPair) {
  describe(`shared score outbox contract: ${name}`, () => {
    it('a claim keeps the score from the other outbox until it is let go or its lease runs out', async () => {
      let clock = 1000;
      const [a, b] = await openPair({ leaseMs: 500, now: () => clock });
      const { queued } = await a.enqueue(score('x', 'li', body(1)), 0);
      await a.enqueue(score('x', 'li', body(2)), 0);
      const id = queued!.id;
      expect((await a.claim(id))?.id).toBe(id);
      expect(await b.claim(id)).toBeNull();
      expect(await b.heads()).toEqual([]);
      expect((await a.heads()).map((r) => r.id)).toEqual([id]);
      // Not the head: never claimable (scores of one learner and line item go in order).
      expect(await b.claim(id + 1)).toBeNull();
      clock += 499;
      expect(await b.claim(id)).toBeNull();
      clock += 1;
      expect((await b.claim(id))?.id).toBe(id);
      expect(await a.claim(id)).toBeNull();
      // A failed attempt lets it go at once.
      await b.failed(id, clock, 'down');
      expect((await a.claim(id))?.attempts).toBe(1);
      await a.sent(id);
      expect(await b.claim(id)).toBeNull();
      expect((await b.claim(id + 1))?.id).toBe(id + 1);
      await Promise.all([a.close(), b.close()]);
    });

    it('of two outboxes claiming the same heads at once, exactly one gets each', async () => {
      const [a, b] = await openPair({ leaseMs: 60_000, now: Date.now });
      for (let l = 0; l < 30; l++) await a.enqueue(score(`l${l}`, 'li', body(1)), 0);
      const heads = await a.heads();
      expect(heads).toHaveLength(30);
      const got = await Promise.all(heads.flatMap((h) => [a.claim(h.id), b.claim(h.id)]));
      for (let i = 0; i < heads.length; i++) expect([got[2 * i], got[2 * i + 1]].filter((r) => r !== null)).toHaveLength(1);
      await Promise.all([a.close(), b.close()]);
    });

    it('two outboxes queueing scores of one learner and line item keep one "last score" between them', async () => {
      const [a, b] = await openPair({ leaseMs: 60_000, now: Date.now });
      const results = await Promise.all([a, b, a, b].map((o) => o.enqueue(score('x', 'li', body(5)), 1)));
      // The same score queued four times at once is queued once: the others see it as the last one.
      expect(results.filter((r) => r.queued !== null)).toHaveLength(1);
      expect(await b.count()).toBe(1);
      await Promise.all([a.close(), b.close()]);
    });
  });
}

