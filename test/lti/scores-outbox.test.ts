/** The LTI score outbox's contract, for both implementations (memory and SQLite), and SQLite's survival of a restart. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScoreBody } from '../../server/lti/ags.js';
import {
  MAX_PER_ITEM,
  memoryOutbox,
  sqliteOutbox,
  type NewScore,
  type ScoreOutbox,
} from '../../server/lti/outbox.js';

const body = (scoreGiven: number, at = 0): ScoreBody => ({
  userId: 'u1',
  scoreGiven,
  scoreMaximum: 10,
  activityProgress: scoreGiven === 10 ? 'Completed' : 'InProgress',
  gradingProgress: 'FullyGraded',
  timestamp: new Date(at).toISOString(),
});

const score = (learner: string, lineitem: string, b: ScoreBody): NewScore => ({
  learner,
  issuer: 'https://lms.test',
  clientId: 'c1',
  lineitem,
  body: b,
});

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'stacklab-outbox-')), 'stacklab.db');

function runOutboxContract(name: string, open: () => ScoreOutbox) {
  describe(`score outbox contract: ${name}`, () => {
    it('keeps scores in order, one head per learner and line item', () => {
      const o = open();
      o.enqueue(score('a', 'li1', body(1)), 100);
      o.enqueue(score('b', 'li1', body(1)), 101);
      o.enqueue(score('a', 'li1', body(2)), 102);
      o.enqueue(score('a', 'li2', body(5)), 103);
      expect(o.count()).toBe(4);
      expect(o.heads().map((r) => [r.learner, r.lineitem, r.body.scoreGiven])).toEqual([
        ['a', 'li1', 1],
        ['b', 'li1', 1],
        ['a', 'li2', 5],
      ]);
      const [first] = o.heads();
      expect(first).toMatchObject({
        createdAt: 100,
        nextAt: 100,
        attempts: 0,
        lastError: null,
        issuer: 'https://lms.test',
        clientId: 'c1',
      });
      expect(o.superseded(first!)).toBe(true);
      o.sent(first!.id);
      expect(o.heads().map((r) => [r.learner, r.lineitem, r.body.scoreGiven])).toEqual([
        ['b', 'li1', 1],
        ['a', 'li1', 2],
        ['a', 'li2', 5],
      ]);
      expect(o.superseded(o.heads()[1]!)).toBe(false);
      o.close();
    });

    it('skips a score that says the same as the last one queued, even once sent', () => {
      const o = open();
      expect(o.enqueue(score('a', 'li', body(3, 1)), 1).queued).not.toBeNull();
      expect(o.enqueue(score('a', 'li', body(3, 2)), 2).queued).toBeNull();
      o.sent(o.heads()[0]!.id);
      expect(o.enqueue(score('a', 'li', body(3, 3)), 3).queued).toBeNull();
      expect(o.count()).toBe(0);
      // Another line item or learner is not "the same"; going back to an older value is a change.
      expect(o.enqueue(score('a', 'other', body(3)), 4).queued).not.toBeNull();
      expect(o.enqueue(score('b', 'li', body(3)), 4).queued).not.toBeNull();
      expect(o.enqueue(score('a', 'li', body(4)), 5).queued).not.toBeNull();
      expect(o.enqueue(score('a', 'li', body(3)), 6).queued).not.toBeNull();
      expect(o.count()).toBe(4);
      o.close();
    });

    it('counts failures, keeps the error and the next time, and restamps', () => {
      const o = open();
      const { queued } = o.enqueue(score('a', 'li', body(1)), 10);
      o.failed(queued!.id, 5000, 'the score endpoint answered 503');
      o.failed(queued!.id, 9000, 'no answer in time');
      o.restamp(queued!.id, '2030-01-01T00:00:00.000Z');
      expect(o.all()).toEqual([
        expect.objectContaining({
          attempts: 2,
          nextAt: 9000,
          lastError: 'no answer in time',
          body: { ...body(1), timestamp: '2030-01-01T00:00:00.000Z' },
        }),
      ]);
      // Unknown ids are ignored (the row was sent or dropped meanwhile).
      o.failed(9999, 1, 'x');
      o.sent(9999);
      o.restamp(9999, 'x');
      expect(o.count()).toBe(1);
      o.close();
    });

    it(`keeps at most ${MAX_PER_ITEM} scores per learner and line item: the head and the newest`, () => {
      const o = open();
      for (let i = 0; i < MAX_PER_ITEM + 5; i++) {
        const { dropped } = o.enqueue(score('a', 'li', body(i)), i);
        expect(dropped).toBe(i < MAX_PER_ITEM ? 0 : 1);
      }
      o.enqueue(score('b', 'li', body(1)), 0);
      const mine = o.all().filter((r) => r.learner === 'a');
      expect(mine).toHaveLength(MAX_PER_ITEM);
      expect(mine[0]!.body.scoreGiven).toBe(0);
      expect(mine[1]!.body.scoreGiven).toBe(6);
      expect(mine.at(-1)!.body.scoreGiven).toBe(MAX_PER_ITEM + 4);
      expect(o.count()).toBe(MAX_PER_ITEM + 1);
      o.close();
    });
  });
}

runOutboxContract('memory', memoryOutbox);
runOutboxContract('sqlite', () => sqliteOutbox(tempFile()));

describe('SQLite outbox across a restart', () => {
  it('reloads queued scores, their failures and the last score queued', () => {
    const file = tempFile();
    const before = sqliteOutbox(file);
    const { queued } = before.enqueue(score('a', 'li', body(7, 5)), 5);
    before.failed(queued!.id, 12345, 'the score endpoint answered 503');
    before.close();
    const after = sqliteOutbox(file);
    expect(after.all()).toEqual([
      { ...queued, attempts: 1, nextAt: 12345, lastError: 'the score endpoint answered 503' },
    ]);
    expect(after.enqueue(score('a', 'li', body(7, 9)), 9).queued).toBeNull();
    expect(after.enqueue(score('a', 'li', body(8, 9)), 9).queued!.id).toBeGreaterThan(queued!.id);
    after.close();
  });
});
