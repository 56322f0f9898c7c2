/** The LTI score outbox's contract on memory and SQLite (PostgreSQL: shared-postgres.test.ts), two outboxes on one SQLite file, a restart, damaged rows and failures. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { memoryOutbox, sqliteOutbox } from '../../server/lti/outbox.js';
import { StoreError } from '../../server/store/types.js';
import { body, runOutboxContract, runSharedOutboxContract, score } from './outbox-contract.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'stacklab-outbox-')), 'stacklab.db');

runOutboxContract('memory', memoryOutbox);
runOutboxContract('sqlite', () => sqliteOutbox(tempFile()));
runSharedOutboxContract('sqlite', async (opts) => {
  const file = tempFile();
  return [sqliteOutbox(file, { ...opts, owner: 'a' }), sqliteOutbox(file, { ...opts, owner: 'b' })];
});

describe('SQLite outbox across a restart', () => {
  it('reloads queued scores, their failures and the last score queued', async () => {
    const file = tempFile();
    const before = sqliteOutbox(file);
    const { queued } = await before.enqueue(score('a', 'li', body(7, 5)), 5);
    await before.failed(queued!.id, 12345, 'the score endpoint answered 503');
    await before.close();
    const after = sqliteOutbox(file);
    expect(await after.all()).toEqual([
      { ...queued, attempts: 1, nextAt: 12345, lastError: 'the score endpoint answered 503' },
    ]);
    expect((await after.enqueue(score('a', 'li', body(7, 9)), 9)).queued).toBeNull();
    expect((await after.enqueue(score('a', 'li', body(8, 9)), 9)).queued!.id).toBeGreaterThan(queued!.id);
    await after.close();
  });

  it('a database failure is a StoreError rejection, never an exception thrown at the caller', async () => {
    const o = sqliteOutbox(tempFile());
    await o.close();
    const p = o.heads();
    expect(p).toBeInstanceOf(Promise);
    await expect(p).rejects.toThrow(StoreError);
    await expect(o.enqueue(score('a', 'li', body(1)), 1)).rejects.toThrow("the server's database failed");
  });

  it('skips a damaged row with one line in the log, and the other learners\' scores still go', async () => {
    const file = tempFile();
    const logged: string[] = [];
    const o = sqliteOutbox(file, { log: (m) => logged.push(m) });
    await o.enqueue(score('a', 'li', body(1)), 1);
    await o.enqueue(score('b', 'li', body(1)), 1);
    const db = new Database(file);
    db.prepare("UPDATE lti_score_outbox SET body = '{not json' WHERE learner = 'a'").run();
    db.close();
    expect((await o.heads()).map((r) => r.learner)).toEqual(['b']);
    expect((await o.all()).map((r) => r.learner)).toEqual(['b']);
    expect(logged).toEqual([expect.stringMatching(/^LTI score \d+ to li ignored: its body is not a score/)]);
    await o.close();
  });
});
