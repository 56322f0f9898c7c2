/** Two processes' score outboxes on one SQLite file (cluster workers): every score is sent exactly once, and a dead sender's claim runs out. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { AgsClient, ScoreBody } from '../../server/lti/ags.js';
import { sqliteOutbox } from '../../server/lti/outbox.js';
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

  // A claim's lease (held, let go, run out) is in the shared outbox contract, on SQLite and PostgreSQL
  // (test/lti/outbox-contract.ts runSharedOutboxContract).
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
