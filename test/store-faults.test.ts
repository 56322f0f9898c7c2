/**
 * The SQLite store under faults and across versions: a database written by the previous schema
 * migrates its bookkeeping rows to typed entries; a full disk, a damaged or foreign file come
 * out as StoreErrors in words (never a raw SqliteError), and nothing acknowledged is lost.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../server/store/sqlite.js';
import { StoreError } from '../server/store/types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'stacklab-faults-'));
  dirs.push(d);
  return join(d, 'stacklab.db');
}

describe('sqlite store: migrations', async () => {
  it('turns the old `#` bookkeeping rows into typed entries and keeps typed comments as commands', async () => {
    const file = tempFile();
    const old = new Database(file);
    old.exec(`CREATE TABLE learner (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE session (learner_id TEXT NOT NULL REFERENCES learner(id), workspace TEXT NOT NULL,
        snapshot TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (learner_id, workspace));
      CREATE TABLE history (learner_id TEXT NOT NULL, workspace TEXT NOT NULL, seq INTEGER NOT NULL,
        line TEXT NOT NULL, stdout TEXT NOT NULL, stderr TEXT NOT NULL, exit_code INTEGER NOT NULL, at INTEGER NOT NULL,
        PRIMARY KEY (learner_id, workspace, seq));
      ALTER TABLE session ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
      PRAGMA user_version = 2;`);
    old.prepare('INSERT INTO learner VALUES (?, ?, ?)').run('a', 'Ada', 1);
    const ins = old.prepare("INSERT INTO history VALUES ('a', 'lab:x', ?, ?, ?, '', 0, ?)");
    const rows: Array<[string, string]> = [
      ['openstack network list', 'out\n'],
      ['# list the networks', ''],
      ['#answer q-1 hello  world', ''],
      ['#passed step-1', ''],
      ['#solution step-2', ''],
      ['#reset', ''],
      ['#passed looks like bookkeeping but printed', 'x'],
    ];
    rows.forEach(([line, out], i) => ins.run(i + 1, line, out, i + 1));
    old.close();
    const s = sqliteStore(file);
    const h = await s.history('a', 'lab:x');
    expect(h.map((e) => e.kind)).toEqual([
      'command',
      'command',
      'answer',
      'passed',
      'solution',
      'reset',
      'command',
    ]);
    expect(h[2]).toMatchObject({ check: 'q-1', value: 'hello  world' });
    expect(h[3]).toMatchObject({ step: 'step-1' });
    expect(h[4]).toMatchObject({ step: 'step-2' });
    expect(await s.lastSeqs('a', 'lab:x')).toEqual({ last: 7, reset: 6 });
    // Migration 6: the version, last reset, output size and bookkeeping marks come from the rows.
    expect(await s.storedOutputBytes('a', 'lab:x')).toBe(5);
    expect((await s.historyOfKind('a', 'lab:x', 'passed')).map((e) => e.step)).toEqual(['step-1']);
    expect(await s.attemptCommands('a', 'lab:x')).toEqual([
      { line: '#passed looks like bookkeeping but printed' },
    ]);
    expect(
      (
        await s.saveStep(
          'a',
          'lab:x',
          null,
          { kind: 'command', line: 'ls', stdout: '', stderr: '', exitCode: 0, at: 8 },
          7,
        )
      ).seq,
    ).toBe(8);
    expect(await s.attemptCommands('a', 'lab:x')).toEqual([
      { line: '#passed looks like bookkeeping but printed' },
      { line: 'ls' },
    ]);
    await s.close();
  });

  it('migration 6 takes a version-5 database with sandboxes and labs as they were', async () => {
    const file = tempFile();
    const s5 = sqliteStore(file);
    await s5.close();
    // Roll the schema back to 5 by hand: what a database of the previous release holds.
    const d = new Database(file);
    d.exec(`DROP TABLE history_mark; ALTER TABLE session DROP COLUMN output_bytes;
      CREATE INDEX history_kind ON history (learner_id, workspace, kind, seq);
      CREATE INDEX history_output ON history (learner_id, workspace, (length(stdout) + length(stderr)));
      CREATE INDEX attempt_command_order ON attempt_command (learner_id, workspace, since, seq);
      PRAGMA user_version = 5;`);
    d.prepare("INSERT INTO learner VALUES ('a', 'Ada', 1)").run();
    const ins = d.prepare(
      "INSERT INTO history (learner_id, workspace, seq, kind, line, stdout, stderr, exit_code, at, meta) VALUES ('a', ?, ?, ?, ?, ?, '', 0, 1, ?)",
    );
    const cmd = d.prepare("INSERT INTO attempt_command VALUES ('a', ?, ?, ?, ?, ?, NULL)");
    ins.run('sandbox:empty', 1, 'command', 'ls', 'abc', null);
    cmd.run('sandbox:empty', 0, 'line:ls', 1, 'ls');
    ins.run('lab:x', 1, 'command', 'ls', 'o', null);
    cmd.run('lab:x', 0, 'line:ls', 1, 'ls');
    ins.run('lab:x', 2, 'reset', '#reset', '', null);
    ins.run('lab:x', 3, 'command', 'pwd', 'oo', null);
    cmd.run('lab:x', 2, 'line:pwd', 3, 'pwd');
    ins.run('lab:x', 4, 'hint', '#hint s1 1', '', '{"step":"s1","value":"1"}');
    d.close();
    const s = sqliteStore(file);
    expect(await s.lastSeqs('a', 'lab:x')).toEqual({ last: 4, reset: 2 });
    expect(await s.lastSeqs('a', 'sandbox:empty')).toEqual({ last: 1, reset: 0 });
    expect(await s.storedOutputBytes('a', 'lab:x')).toBe(3);
    expect(await s.attemptCommands('a', 'lab:x')).toEqual([{ line: 'pwd' }]);
    expect(await s.attemptCommands('a', 'sandbox:empty')).toEqual([]);
    expect((await s.historyOfKind('a', 'lab:x', 'hint')).map((e) => [e.step, e.value])).toEqual([
      ['s1', '1'],
    ]);
    expect(await s.learnersIn('lab:x')).toEqual(['a']);
    await s.close();
    const check = new Database(file);
    expect(
      check
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'")
        .all(),
    ).toEqual([]);
    check.close();
  });

  it('refuses a database from a newer Stacklab instead of guessing', async () => {
    const file = tempFile();
    const d = new Database(file);
    d.pragma('user_version = 99');
    d.close();
    expect(() => sqliteStore(file)).toThrow(/newer Stacklab/);
  });
});

describe('sqlite store: faults', async () => {
  // As tests and one-off commands open it, and as the server does (steps committed on the writer thread).
  for (const [name, mode] of [
    ["on the server's connection", {}],
    ['with the writer thread', { writerThread: true }],
  ] as const) {
    it(`${name}: a full disk refuses the write with a StoreError in words and keeps what was acknowledged`, async () => {
      const file = tempFile();
      const s = sqliteStore(file, { ...mode, maxBytes: 64 * 1024 });
      await s.ensureLearner('a', 'Ada', 1);
      const big = 'x'.repeat(8 * 1024);
      let acknowledged = 0;
      let failure: unknown = null;
      for (let i = 0; i < 100 && failure === null; i++) {
        try {
          await s.saveStep('a', 'w', null, {
            kind: 'command',
            line: `echo ${i}`,
            stdout: big,
            stderr: '',
            exitCode: 0,
            at: i,
          });
          acknowledged++;
        } catch (e) {
          failure = e;
        }
      }
      expect(failure).toBeInstanceOf(StoreError);
      expect((failure as StoreError).code).toMatch(/^SQLITE_FULL/);
      expect((failure as StoreError).message).toBe("the server's disk is full");
      // Reads still work, and every acknowledged entry is there.
      expect(await s.history('a', 'w', 1000)).toHaveLength(acknowledged);
      await s.close();
      const again = sqliteStore(file);
      expect(await again.history('a', 'w', 1000)).toHaveLength(acknowledged);
      await again.close();
    });

    it(`${name}: a step that fails in a group commit fails alone: the others of its turn are saved`, async () => {
      const s = sqliteStore(tempFile(), mode);
      await s.ensureLearner('a', 'Ada', 1);
      await s.ensureLearner('b', 'Bob', 1);
      const step = (line: string) => ({
        kind: 'command' as const,
        line,
        stdout: '',
        stderr: '',
        exitCode: 0,
        at: 1,
      });
      // 'ghost' has no learner row: its snapshot breaks the foreign key, which rolls the group back.
      const answers = await Promise.allSettled([
        s.saveStep('a', 'w', null, step('a1')),
        s.saveStep('ghost', 'w', 'G1', step('g1')),
        s.saveStep('b', 'w', 'B1', step('b1')),
      ]);
      expect(answers.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((answers[1] as PromiseRejectedResult).reason).toBeInstanceOf(StoreError);
      expect((await s.history('a', 'w')).map((e) => [e.seq, e.line])).toEqual([[1, 'a1']]);
      expect(await s.loadSession('b', 'w')).toEqual({ snapshot: 'B1', seq: 1 });
      expect(await s.history('ghost', 'w')).toEqual([]);
      await s.close();
    });

    it(`${name}: a read sees every step asked for before it, committed or still waiting for its turn`, async () => {
      const file = tempFile();
      const s = sqliteStore(file, mode);
      await s.ensureLearner('a', 'Ada', 1);
      const saved = s.saveStep('a', 'w', 'S1', {
        kind: 'command',
        line: 'l',
        stdout: 'o',
        stderr: '',
        exitCode: 0,
        at: 1,
      });
      expect((await s.history('a', 'w')).map((e) => e.line)).toEqual(['l']);
      expect((await saved).seq).toBe(1);
      // A read of another workspace leaves the waiting step to its group (another connection does
      // not see it yet); a read of its own workspace commits it first.
      const other = new Database(file, { readonly: true });
      const rowsOf = () =>
        (
          other
            .prepare("SELECT count(*) AS n FROM history WHERE learner_id = 'a' AND workspace = 'v'")
            .get() as { n: number }
        ).n;
      const waiting = s.saveStep('a', 'v', null, {
        kind: 'command',
        line: 'k',
        stdout: '',
        stderr: '',
        exitCode: 0,
        at: 1,
      });
      expect(await s.lastSeqs('b', 'v')).toEqual({ last: 0, reset: 0 });
      expect(rowsOf()).toBe(0);
      expect(await s.lastSeqs('a', 'v')).toEqual({ last: 1, reset: 0 });
      expect(rowsOf()).toBe(1);
      await waiting;
      other.close();
      // Closing commits what waits too.
      const last = s.saveStep('a', 'w', null, {
        kind: 'command',
        line: 'm',
        stdout: '',
        stderr: '',
        exitCode: 0,
        at: 2,
      });
      await s.close();
      expect((await last).seq).toBe(2);
      const again = sqliteStore(file);
      expect((await again.history('a', 'w')).map((e) => e.line)).toEqual(['l', 'm']);
      await again.close();
    });

    it(`${name}: a disk that fills during a group commit refuses only the steps that do not fit`, async () => {
      const file = tempFile();
      const s = sqliteStore(file, { ...mode, maxBytes: 64 * 1024 });
      const learners = Array.from({ length: 12 }, (_, i) => `l${i}`);
      for (const l of learners) await s.ensureLearner(l, l, 1);
      const big = 'x'.repeat(8 * 1024);
      const answers = await Promise.allSettled(
        learners.map((l) =>
          s.saveStep(l, 'w', null, {
            kind: 'command',
            line: 'cat big',
            stdout: big,
            stderr: '',
            exitCode: 0,
            at: 1,
          }),
        ),
      );
      const ok = learners.filter((_, i) => answers[i]?.status === 'fulfilled');
      const refused = answers.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused)
        expect((r.reason as StoreError).message).toBe("the server's disk is full");
      await s.close();
      const again = sqliteStore(file);
      for (const l of learners)
        expect(await again.history(l, 'w')).toHaveLength(ok.includes(l) ? 1 : 0);
      await again.close();
    });
  }

  it('a file that is not a database is refused at start with what to do', async () => {
    const file = tempFile();
    writeFileSync(file, 'this is not a database, just text that happens to be here\n'.repeat(200));
    let err: unknown;
    try {
      sqliteStore(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain('is not a healthy Stacklab database');
    expect((err as Error).message).toContain('restore the file from a backup');
  });

  it('a truncated or damaged database is refused at start, not half-served', async () => {
    const file = tempFile();
    const s = sqliteStore(file);
    await s.ensureLearner('a', 'Ada', 1);
    for (let i = 0; i < 300; i++)
      await s.saveStep('a', 'w', `{"snapshot":${i}}`, {
        kind: 'command',
        line: `echo ${i}`,
        stdout: 'y'.repeat(500),
        stderr: '',
        exitCode: 0,
        at: i,
      });
    await s.close();
    const whole = readFileSync(file);
    // Damage: garbage over pages in the middle.
    const damaged = Buffer.from(whole);
    damaged.fill(0xa5, 8192, 8192 + 3 * 4096);
    writeFileSync(file, damaged);
    expect(() => sqliteStore(file)).toThrow(StoreError);
    // Truncated: the file cut in the middle of its pages.
    writeFileSync(file, whole);
    truncateSync(file, Math.floor(whole.length / 2));
    expect(() => sqliteStore(file)).toThrow(/not a healthy Stacklab database/);
  });
});
