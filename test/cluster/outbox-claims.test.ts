/** Two processes' score outboxes on one SQLite file (cluster workers): every score is sent exactly once, and a dead sender's claim runs out. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { AgsClient, ScoreBody } from '../../server/lti/ags.js';
import { sqliteOutbox, type ScoreOutbox } from '../../server/lti/outbox.js';
import { scoreReporter, type ScoreReporter } from '../../server/lti/scores.js';
import type { LtiStore } from '../../server/lti/types.js';
import type { ToolKey } from '../../server/lti/keys.js';
import { testConfig } from '../support/server-config.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'stacklab-claims-')), 'stacklab.db');
const body = (n: number): ScoreBody => ({
  userId: 'u',
  scoreGiven: n,
  scoreMaximum: 1000,
  activityProgress: 'InProgress',
  gradingProgress: 'FullyGraded',
  timestamp: new Date(n).toISOString(),
});

const open: Array<{ close(): void }> = [];
afterEach(() => open.splice(0).forEach((o) => o.close()));

/** A reporter over its own connection to the file; its client records each score it sends, after a random delay. */
function sender(
  file: string,
  sent: Array<{ by: string; learner: string; score: number }>,
  by: string,
): ScoreReporter {
  const client: AgsClient = {
    async postScore(t, score) {
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      sent.push({ by, learner: t.lineitem, score: score.scoreGiven ?? -1 });
      return { kind: 'sent', status: 200 };
    },
    clearTokens: () => undefined,
  };
  const r = scoreReporter({
    config: testConfig('claims'),
    lti: { platform: () => ({ tokenUrl: 'https://lms.test/token' }) } as unknown as LtiStore,
    key: {} as ToolKey,
    labs: () => [],
    log: () => undefined,
    now: Date.now,
    outbox: sqliteOutbox(file, { owner: by }),
    client,
    background: false,
  });
  open.push(r);
  return r;
}

describe('score outbox claims', () => {
  it('two senders on one file, 40 learners × 10 scores: each score sent once, in order per learner', async () => {
    const file = tempFile();
    const writer = sqliteOutbox(file);
    open.push(writer);
    for (let n = 0; n < 10; n += 1)
      for (let l = 0; l < 40; l += 1)
        await writer.enqueue(
          {
            learner: `l${l}`,
            issuer: 'https://lms.test',
            clientId: 'c',
            lineitem: `https://lms.test/li/${l}`,
            body: body(n),
          },
          0,
        );
    expect(await writer.count()).toBe(400);
    const sent: Array<{ by: string; learner: string; score: number }> = [];
    const a = sender(file, sent, 'a');
    const b = sender(file, sent, 'b');
    for (let round = 0; round < 50 && (await writer.count()) > 0; round += 1)
      await Promise.all([a.flush(), b.flush(), a.flush(), b.flush()]);
    expect(await writer.count()).toBe(0);
    expect(sent).toHaveLength(400);
    const keys = sent.map((s) => `${s.learner}#${s.score}`);
    expect(new Set(keys).size).toBe(400);
    for (let l = 0; l < 40; l += 1)
      expect(
        sent.filter((s) => s.learner === `https://lms.test/li/${l}`).map((s) => s.score),
      ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Both did some of the work (the claims split it, they did not serialize it on one side).
    expect(new Set(sent.map((s) => s.by)).size).toBe(2);
  });

  it('a claim keeps the score from the other outbox until it is let go or its lease runs out (the claimer died)', async () => {
    const file = tempFile();
    let clock = 1000;
    const a: ScoreOutbox = sqliteOutbox(file, { owner: 'a', leaseMs: 500, now: () => clock });
    const b: ScoreOutbox = sqliteOutbox(file, { owner: 'b', leaseMs: 500, now: () => clock });
    open.push(a, b);
    const { queued } = await a.enqueue(
      { learner: 'x', issuer: 'i', clientId: 'c', lineitem: 'li', body: body(1) },
      0,
    );
    await a.enqueue({ learner: 'x', issuer: 'i', clientId: 'c', lineitem: 'li', body: body(2) }, 0);
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
  });

  it('a queue written before claims existed gains the columns, and two openings migrate it once', async () => {
    const file = tempFile();
    const db = new Database(file);
    db.exec(`CREATE TABLE lti_score_outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT, learner TEXT NOT NULL, lineitem TEXT NOT NULL, issuer TEXT NOT NULL,
      client_id TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL, next_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT);
      INSERT INTO lti_score_outbox (learner, lineitem, issuer, client_id, body, created_at, next_at)
      VALUES ('x', 'li', 'i', 'c', '${JSON.stringify(body(3))}', 0, 0);`);
    db.close();
    const a = sqliteOutbox(file, { owner: 'a' });
    const b = sqliteOutbox(file, { owner: 'b' });
    open.push(a, b);
    const [row] = await a.heads();
    expect(row?.body.scoreGiven).toBe(3);
    expect(await a.claim(row!.id)).not.toBeNull();
    expect(await b.claim(row!.id)).toBeNull();
  });
});
