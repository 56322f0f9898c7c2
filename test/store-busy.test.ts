/**
 * Several processes share one SQLite file (STACKLAB_WORKERS > 1): while one commits, the others'
 * commits find the file locked. SQLite's own busy handler waits by sleeping the thread that asked
 * — the event loop, for a worker's steps — 1, 2, 5, 10 … ms at a time (issue #19: in the two-worker
 * load bench the event loops slept hundreds of times a second). The store waits without sleeping:
 * its group is tried again a moment later, the event loop goes on meanwhile, and every step is
 * answered once committed — or refused as busy after the store's wait, as before.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../server/store/sqlite.js';
import { StoreError, type NewEntry } from '../server/store/types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function dbFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'stacklab-busy-'));
  dirs.push(d);
  return join(d, 'stacklab.db');
}

const cmd = (line: string, at = 1): NewEntry => ({ kind: 'command', line, stdout: '', stderr: '', exitCode: 0, at });

/** The longest gap between ticks of a 2 ms interval while `work` runs: how long the event loop stood still. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stall: number }> {
  let last = performance.now();
  let stall = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 2);
  try {
    const result = await work();
    stall = Math.max(stall, performance.now() - last);
    return { result, stall };
  } finally {
    clearInterval(tick);
  }
}

/** Another process's connection holding the write lock (here the same thread: the store must not sleep for it). */
function otherWriter(file: string): { release: () => void; close: () => void } {
  const other = new Database(file);
  other.pragma('busy_timeout = 0');
  other.exec('BEGIN IMMEDIATE');
  let open = true;
  return {
    release: () => {
      if (open) other.exec('COMMIT');
      open = false;
    },
    close: () => {
      if (open) other.exec('ROLLBACK');
      open = false;
      other.close();
    },
  };
}

describe('sqlite store: a file locked by another process', () => {
  it('waits for the lock without stopping the event loop, then commits every step in order', async () => {
    const file = dbFile();
    const s = sqliteStore(file);
    await s.ensureLearner('a', 'Ada', 1);
    await s.saveStep('a', 'w', null, cmd('first'));
    const other = otherWriter(file);
    setTimeout(other.release, 300);
    const { result, stall } = await longestStall(() =>
      Promise.all([
        s.saveStep('a', 'w', null, cmd('second'), 1),
        s.saveStep('b', 'w', null, cmd('b one'), undefined, { name: 'Bea' }),
        // A read of the workspace waits for its step.
        s.history('a', 'w', 10),
        s.saveStep('a', 'w', null, cmd('third'), 2),
      ]),
    );
    other.close();
    // SQLite's busy handler would have held the thread for its whole timeout (the lock's holder
    // shares it here, so it could never let go), then refused the steps as busy.
    expect(stall).toBeLessThan(150);
    const [second, bOne, read, third] = result;
    expect(second.seq).toBe(2);
    expect(bOne.seq).toBe(1);
    expect(third.seq).toBe(3);
    // It sees every step asked before it (and may see the one asked after it, committed together).
    expect(read.map((e) => e.line).slice(0, 2)).toEqual(['first', 'second']);
    expect((await s.history('a', 'w', 10)).map((e) => e.line)).toEqual(['first', 'second', 'third']);
    expect(await s.getLearner('b')).toMatchObject({ name: 'Bea' });
    await s.close();
  });

  it('keeps taking steps while it waits: they are committed after the waiting group, in order', async () => {
    const file = dbFile();
    const s = sqliteStore(file);
    await s.ensureLearner('a', 'Ada', 1);
    const other = otherWriter(file);
    const first = s.saveStep('a', 'w', null, cmd('one'), 0);
    // Later turns of the event loop add steps while the first group waits for the lock.
    const later: Array<Promise<unknown>> = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 20));
      later.push(s.saveStep('a', 'w', null, cmd(`more ${i}`), i + 1));
    }
    other.release();
    await Promise.all([first, ...later]);
    expect((await s.history('a', 'w', 10)).map((e) => e.line)).toEqual(['one', 'more 0', 'more 1', 'more 2', 'more 3', 'more 4']);
    other.close();
    await s.close();
  });

  it("refuses the steps as busy once the lock stays taken past the store's wait, and nothing is half-written", async () => {
    const file = dbFile();
    const s = sqliteStore(file, { busyTimeoutMs: 400 });
    await s.ensureLearner('a', 'Ada', 1);
    const other = otherWriter(file);
    const { result, stall } = await longestStall(() =>
      Promise.allSettled([s.saveStep('a', 'w', null, cmd('one')), s.saveStep('a', 'w', null, cmd('two'))]),
    );
    expect(stall).toBeLessThan(150);
    for (const r of result) {
      expect(r.status).toBe('rejected');
      const reason = (r as PromiseRejectedResult).reason as StoreError;
      expect(reason).toBeInstanceOf(StoreError);
      expect(reason.message).toBe("the server's database is busy");
    }
    other.close();
    // The lock gone, the store writes again, from the same version.
    expect((await s.saveStep('a', 'w', null, cmd('three'), 0)).seq).toBe(1);
    expect((await s.history('a', 'w', 10)).map((e) => e.line)).toEqual(['three']);
    await s.close();
  });

  it('writes other than steps wait for a waiting group before they run', async () => {
    const file = dbFile();
    const s = sqliteStore(file);
    await s.ensureLearner('a', 'Ada', 1);
    const other = otherWriter(file);
    const step = s.saveStep('a', 'w', null, cmd('one'), 0);
    setTimeout(other.release, 100);
    // A reset asked after the step comes after it (its version is the step's).
    const reset = s.resetSession('a', 'w', '{}', 2, 1);
    expect((await step).seq).toBe(1);
    expect((await reset).seq).toBe(2);
    other.close();
    await s.close();
  });
});
