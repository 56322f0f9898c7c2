/** One contract, run against every CloudStore implementation. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreConflict, type NewEntry } from '../server/store/types.js';
import { runStoreContract } from './support/store-contract.js';
import { memoryStore } from '../server/store/memory.js';
import { sqliteStore, type SqliteOptions } from '../server/store/sqlite.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

runStoreContract('memory', memoryStore);
/** The contract on a SQLite file, opened with `opts` each time (and again after closing). */
function sqliteContract(name: string, opts: SqliteOptions): void {
  let file = '';
  runStoreContract(
    name,
    () => {
      const d = mkdtempSync(join(tmpdir(), 'stacklab-store-'));
      dirs.push(d);
      file = join(d, 'stacklab.db');
      return sqliteStore(file, opts);
    },
    async (s) => {
      await s.close();
      return sqliteStore(file, opts);
    },
  );
}
sqliteContract('sqlite', {});
// As the server opens it: steps committed on the writer thread, checkpoints on theirs.
const SERVER = { writerThread: true, backgroundCheckpoints: true } as const;
sqliteContract('sqlite with the writer thread', SERVER);

describe('SQLite: two processes on one file', () => {
  const cmd = (line: string): NewEntry => ({
    kind: 'command',
    line,
    stdout: '',
    stderr: '',
    exitCode: 0,
    at: 1,
  });

  it('one writer wins a race for the same entry; the other is refused and writes nothing', async () => {
    const d = mkdtempSync(join(tmpdir(), 'stacklab-store-'));
    dirs.push(d);
    const f = join(d, 'stacklab.db');
    const one = sqliteStore(f);
    const two = sqliteStore(f);
    await one.ensureLearner('a', 'Ada', 1);
    await one.saveStep('a', 'lab:w', null, cmd('first'), 0);
    const [x, y] = await Promise.allSettled([
      one.saveStep('a', 'lab:w', null, cmd('from one'), 1),
      two.saveStep('a', 'lab:w', null, cmd('from two'), 1),
    ]);
    expect([x.status, y.status].sort()).toEqual(['fulfilled', 'rejected']);
    const lost = (x.status === 'rejected' ? x : y) as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(StoreConflict);
    expect((await two.history('a', 'lab:w')).map((h) => h.seq)).toEqual([1, 2]);
    expect(await two.lastSeqs('a', 'lab:w')).toEqual({ last: 2, reset: 0 });
    await one.close();
    await two.close();
  });

  it("with writer threads: each learner's steps land once, in order, whichever process writes them", async () => {
    const d = mkdtempSync(join(tmpdir(), 'stacklab-store-'));
    dirs.push(d);
    const f = join(d, 'stacklab.db');
    const one = sqliteStore(f, SERVER);
    const two = sqliteStore(f, SERVER);
    const learners = ['a', 'b', 'c', 'd'];
    for (const l of learners) await one.ensureLearner(l, l, 1);
    // Two processes, each learner's steps alternating between them (as after a failover), 20 each.
    for (let i = 0; i < 20; i++) {
      const saved = await Promise.all(
        learners.map((l, j) =>
          ((i + j) % 2 === 0 ? one : two).saveStep(l, 'lab:w', null, cmd(`${l} ${i}`), i),
        ),
      );
      expect(saved.map((e) => e.seq)).toEqual(learners.map(() => i + 1));
    }
    for (const l of learners)
      expect((await two.history(l, 'lab:w')).map((h) => h.line)).toEqual(
        Array.from({ length: 20 }, (_, i) => `${l} ${i}`),
      );
    await one.close();
    await two.close();
  });
});
