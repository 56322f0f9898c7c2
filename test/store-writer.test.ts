/**
 * The SQLite store's writer thread (server/store/sqlite-writer.ts): steps are committed off the
 * event loop, a thread that cannot start hands its groups back unwritten (the server's connection
 * writes them), and one that fails later refuses what it had without stalling anyone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { StoreError, type NewEntry } from '../server/store/types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  vi.doUnmock('../server/store/sqlite-writer.js');
  vi.resetModules();
});
function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'stacklab-writer-'));
  dirs.push(d);
  return join(d, 'stacklab.db');
}
const cmd = (line: string): NewEntry => ({
  kind: 'command',
  line,
  stdout: 'out\n',
  stderr: '',
  exitCode: 0,
  at: 1,
});

describe('the writer thread', () => {
  for (const writerThread of [true, false])
    it(`${writerThread ? 'commits on its own thread: no history row is inserted from the event loop' : 'without it (the control): the event loop inserts them'}`, async () => {
      const { sqliteStore } = await import('../server/store/sqlite.js');
      const file = tempFile();
      const s = sqliteStore(file, { writerThread });
      // Every statement this thread runs, on any connection (the writer thread has its own copy of the driver).
      const probe = new Database(':memory:');
      const Statement = Object.getPrototypeOf(probe.prepare('SELECT 1')) as {
        run: (...a: unknown[]) => unknown;
        source: string;
      };
      const run = Statement.run;
      let inserted = 0;
      Statement.run = function (this: { source: string }, ...a: unknown[]) {
        if (this.source.startsWith('INSERT INTO history ')) inserted++;
        return run.apply(this, a);
      };
      try {
        await s.ensureLearner('a', 'Ada', 1);
        const saved = await Promise.all(
          Array.from({ length: 5 }, (_, i) =>
            s.saveStep('a', 'lab:w', null, cmd(`l${i}`), undefined),
          ),
        );
        expect(saved.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        expect((await s.history('a', 'lab:w')).map((e) => e.line)).toEqual([
          'l0',
          'l1',
          'l2',
          'l3',
          'l4',
        ]);
      } finally {
        Statement.run = run;
        probe.close();
      }
      expect(inserted).toBe(writerThread ? 0 : 5);
      await s.close();
    });

  it("a class typing without pause holds up no other call: reads and the connection's own writes go between groups", async () => {
    const { sqliteStore } = await import('../server/store/sqlite.js');
    const s = sqliteStore(tempFile(), { writerThread: true, backgroundCheckpoints: true });
    const learners = Array.from({ length: 40 }, (_, i) => `l${i}`);
    for (const l of learners) await s.ensureLearner(l, l, 1);
    let typing = true;
    const typists = learners.map(async (l) => {
      let seq = 0;
      while (typing) seq = (await s.saveStep(l, 'lab:w', null, cmd(`c${seq}`), seq)).seq;
      return seq;
    });
    // Meanwhile: reads of no workspace, and writes on the server's connection (which must not meet the thread's).
    const took: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      await s.ping();
      await s.ensureLearner(`new${i}`, 'N', 1);
      await s.saveSnapshot('l0', 'lab:w', `snap ${i}`, 1, 1);
      expect(await s.getLearner(`new${i}`)).toMatchObject({ name: 'N' });
      took.push(performance.now() - t);
    }
    typing = false;
    const typed = await Promise.all(typists);
    expect(Math.min(...typed)).toBeGreaterThan(5);
    // Each round waited for a group or two, never for the class to stop.
    expect(Math.max(...took)).toBeLessThan(2000);
    for (const [i, l] of learners.entries())
      expect((await s.lastSeqs(l, 'lab:w')).last).toBe(typed[i]);
    await s.close();
  });

  it("a write on the server's connection waits only for the groups of steps asked before it, however readers keep coming", async () => {
    // A thread that takes a few milliseconds a group (no file written: only the order is tested).
    let groups = 0;
    vi.doMock('../server/store/sqlite-writer.js', () => ({
      writerThread: () => ({
        commit: (steps: unknown[]) => {
          groups++;
          return new Promise((ok) =>
            setTimeout(() => ok(steps.map((_, i) => ({ saved: i + 1 }))), 3),
          );
        },
        autocheckpoint: () => {},
        stop: () => Promise.resolve(),
      }),
    }));
    const { sqliteStore } = await import('../server/store/sqlite.js');
    const s = sqliteStore(tempFile(), { writerThread: true });
    // Learners who type and at once read their own workspace (which waits for their step): each
    // read ends as a group ends, and its learner's next step is asked for in the same moment.
    let typing = true;
    const readers = Array.from({ length: 20 }, async (_, i) => {
      while (typing) {
        void s.saveStep(`r${i}`, 'lab:w', null, cmd('x'), undefined);
        await s.lastSeqs(`r${i}`, 'lab:w');
      }
    });
    await new Promise((r) => setTimeout(r, 30));
    const waited: number[] = [];
    for (let k = 0; k < 10; k++) {
      const before = groups;
      const wrote = s.ensureLearner(`w${k}`, 'W', 1).then(() => true);
      // Starved (a group posted before it every time): it would wait as long as the class types.
      expect(
        await Promise.race([wrote, new Promise((r) => setTimeout(() => r(false), 2000))]),
      ).toBe(true);
      waited.push(groups - before);
    }
    typing = false;
    await Promise.all(readers);
    // The group in flight when it was asked, and the one holding the steps asked before it: never more.
    expect(Math.max(...waited)).toBeLessThanOrEqual(2);
    await s.close();
  });

  it('that cannot open its file hands the group back unwritten and says why', async () => {
    const { writerThread } = await import('../server/store/sqlite-writer.js');
    const said: string[] = [];
    const w = writerThread(
      { file: join(tempFile(), 'missing', 'x.db'), maxPageCount: null, autocheckpointPages: 1000 },
      (m) => said.push(m),
    );
    expect(await w.commit([['a', 'lab:w', null, cmd('x'), 0]])).toBeNull();
    expect(said.join('\n')).toMatch(
      /writer thread stopped .*commands are written on the server's connection/,
    );
    // And later groups too, at once.
    expect(await w.commit([['a', 'lab:w', null, cmd('y'), 1]])).toBeNull();
    await w.stop();
  });

  it('that runs out of memory in a commit dies alone: its group is refused in words, later groups are handed back', async () => {
    const { sqliteStore } = await import('../server/store/sqlite.js');
    const { writerThread } = await import('../server/store/sqlite-writer.js');
    const file = tempFile();
    const s = sqliteStore(file);
    await s.ensureLearner('a', 'Ada', 1);
    await s.close();
    const said: string[] = [];
    // A thread with a small heap, sent a group far bigger than any a server makes (outputs are cut to 16 KB).
    const w = writerThread(
      { file, maxPageCount: null, autocheckpointPages: 1000 },
      (m) => said.push(m),
      {
        maxOldGenerationSizeMb: 24,
        maxYoungGenerationSizeMb: 4,
      },
    );
    expect(await w.commit([['a', 'lab:w', null, cmd('small'), 0]])).toEqual([{ saved: 1 }]);
    const huge = Array.from({ length: 48 }, (_, i): [string, string, null, NewEntry, undefined] => [
      'a',
      'lab:w',
      null,
      { ...cmd(`big ${i}`), stdout: `${i}`.padEnd(1024 * 1024, 'x') },
      undefined,
    ]);
    const outcome = await w.commit(huge).then(
      () => 'committed',
      (e: unknown) => e,
    );
    // (A StoreError of the freshly imported module: compared by its fields.)
    expect(outcome).toMatchObject({ message: "the server's database failed", code: 'WRITER' });
    expect(said.join('\n')).toMatch(
      /writer thread stopped \(.*memory limit.*\); commands are written on the server's connection/,
    );
    // The thread is gone: later groups come back unwritten, at once, for the server's connection.
    expect(await w.commit([['a', 'lab:w', null, cmd('after'), 1]])).toBeNull();
    await w.stop();
    // The file is whole: the small step is there, and the server's connection writes on.
    const again = sqliteStore(file);
    expect((await again.history('a', 'lab:w')).map((e) => e.line)).toContain('small');
    expect((await again.saveStep('a', 'lab:w', null, cmd('next'), undefined)).seq).toBeGreaterThan(
      1,
    );
    await again.close();
  });

  it("handed back: the server's connection writes the group, in order, nothing lost", async () => {
    vi.doMock('../server/store/sqlite-writer.js', () => ({
      writerThread: () => ({
        commit: () => Promise.resolve(null),
        autocheckpoint: () => {},
        stop: () => Promise.resolve(),
      }),
    }));
    const { sqliteStore } = await import('../server/store/sqlite.js');
    const file = tempFile();
    const s = sqliteStore(file, { writerThread: true });
    await s.ensureLearner('a', 'Ada', 1);
    const seqs = await Promise.all(
      [0, 1, 2].map((i) => s.saveStep('a', 'lab:w', null, cmd(`l${i}`), undefined)),
    );
    expect(seqs.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await s.history('a', 'lab:w')).map((e) => e.line)).toEqual(['l0', 'l1', 'l2']);
    await s.close();
  });

  it('that fails with a group: its steps are refused in words, and the store goes on', async () => {
    let calls = 0;
    vi.doMock('../server/store/sqlite-writer.js', () => ({
      writerThread: () => ({
        // The first group dies with the thread; after that the thread is gone (null: written here).
        commit: () =>
          calls++ === 0
            ? Promise.reject(new StoreError("the server's database failed", 'WRITER'))
            : Promise.resolve(null),
        autocheckpoint: () => {},
        stop: () => Promise.resolve(),
      }),
    }));
    const { sqliteStore } = await import('../server/store/sqlite.js');
    const s = sqliteStore(tempFile(), { writerThread: true });
    await s.ensureLearner('a', 'Ada', 1);
    const lost = await Promise.allSettled([s.saveStep('a', 'lab:w', null, cmd('lost'), 0)]);
    expect(lost[0]?.status).toBe('rejected');
    expect(((lost[0] as PromiseRejectedResult).reason as StoreError).message).toBe(
      "the server's database failed",
    );
    // Nothing waits for ever: reads and later steps go on.
    expect(await s.lastSeqs('a', 'lab:w')).toEqual({ last: 0, reset: 0 });
    expect((await s.saveStep('a', 'lab:w', null, cmd('next'), 0)).seq).toBe(1);
    await s.close();
  });
});
