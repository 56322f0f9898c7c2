/**
 * Opening a lab workspace from the store (issue #19): it reads what replay and grading need (the
 * entries after the snapshot without their output, the attempt's distinct commands, answers and
 * passes), never the whole history with its output, and what it opens grades exactly as the
 * workspace did while it was in memory: after resets, answers, repeats and a damaged row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { grade, labFor, loadLabs, type Lab } from '../server/labs/index.js';
import { deserializeSession, serializeSession } from '../server/shell/session.js';
import { randInt, seedRng } from '../server/sim/rng.js';
import { memoryStore } from '../server/store/memory.js';
import { sqliteStore } from '../server/store/sqlite.js';
import type { CloudStore } from '../server/store/types.js';
import { addToAttempt, emptyAttempt } from '../server/workspace/attempt.js';
import { workspaces, type Workspaces } from '../server/workspace/index.js';
import { replay } from '../server/workspace/replay.js';

const LABS = loadLabs();
const dir = mkdtempSync(join(tmpdir(), 'stacklab-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const manager = (store: CloudStore, clock = { t: 1_000 }): Workspaces => workspaces({ store, labs: () => LABS, now: () => clock.t++, log: () => {} });

const EXTRA = ['openstack network list', 'openstack router list', 'neutron router-list', 'ip netns', 'openstack port list --long', '# a comment', 'openstack no such command', 'openstack server list'];

/** Types a long attempt into a lab workspace: its solution among repeats and extras, answers, a reset, more. */
async function typeAttempt(ws: Workspaces, learner: string, lab: Lab, seed: number): Promise<void> {
  const ref = ws.parse(`lab:${lab.id}`);
  if (!ref) throw new Error(lab.id);
  const w = await ws.open(learner, ref);
  const rng = seedRng(seed);
  const solution = lab.steps.flatMap((s) => s.solution);
  const questions = lab.steps.flatMap((s) => s.checks).filter((c) => c.type === 'question');
  const round = async () => {
    for (const line of solution) {
      await w.run(line);
      await w.grade();
      const extra = EXTRA[randInt(rng, 0, EXTRA.length - 1)] as string;
      for (let i = randInt(rng, 0, 3); i > 0; i--) await w.run(extra);
    }
    for (const q of questions) await w.answer(q.id, `guess ${randInt(rng, 0, 3)}`);
  };
  await round();
  await w.grade();
  await w.reset();
  await round();
  await round();
  await w.grade();
}

/** A store whose reads of whole entries (with their output) are counted. */
function counting(store: CloudStore): { store: CloudStore; wholeReads: string[] } {
  const wholeReads: string[] = [];
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if ((prop === 'historySince' || prop === 'history') && typeof v === 'function') {
        return (...args: unknown[]) => {
          wholeReads.push(String(prop));
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return v;
    },
  });
  return { store: proxy, wholeReads };
}

describe('opening a lab workspace from the store', () => {
  for (const labId of ['connect-public-network', 'load-balancing', 'troubleshooting']) {
    it(`grades ${labId} as the live workspace did, reading no entry's output`, async () => {
      const lab = LABS.find((l) => l.id === labId) as Lab;
      for (const [name, open] of [
        ['sqlite', () => sqliteStore(join(dir, `${labId}.db`))],
        ['memory', (() => {
          const m = memoryStore();
          return () => m;
        })()],
      ] as const) {
        const first = open();
        const live = manager(first);
        await typeAttempt(live, 'ada', lab, labId.length);
        const ref = live.parse(`lab:${lab.id}`);
        if (!ref) throw new Error(lab.id);
        const was = await live.open('ada', ref);
        const before = { grade: JSON.stringify(await was.grade()), state: serializeSession(was.state()) };
        const again = name === 'sqlite' ? ((await first.close()), open()) : first;
        const { store, wholeReads } = counting(again);
        const w = await manager(store).open('ada', ref);
        expect(wholeReads, name).toEqual([]);
        expect(serializeSession(w.state()), name).toBe(before.state);
        expect(JSON.stringify(await w.grade()), name).toBe(before.grade);
        await again.close();
      }
    });
  }

  it('a database from before attempts were kept apart gets them from its history, grading as every entry says (a damaged meta cell included)', async () => {
    const file = join(dir, 'damaged.db');
    const lab = LABS.find((l) => l.id === 'connect-public-network') as Lab;
    const store = sqliteStore(file);
    await typeAttempt(manager(store), 'bob', lab, 7);
    await store.close();
    // Back to schema 4 (no attempt_command table), with a row whose extras cannot be read: the
    // migration fills the table from the history, that row counting as a line without `ran` (parsed).
    const db = new Database(file);
    // Migrations 6 and 5 undone (what 6 added and dropped, then 5's table).
    db.exec(`DROP TABLE history_mark;
      ALTER TABLE session DROP COLUMN output_bytes;
      CREATE INDEX history_kind ON history (learner_id, workspace, kind, seq);
      CREATE INDEX history_output ON history (learner_id, workspace, (length(stdout) + length(stderr)));
      DROP TABLE attempt_command;`);
    db.pragma('user_version = 4');
    db.prepare("UPDATE history SET meta = '{damaged' WHERE rowid = (SELECT rowid FROM history WHERE kind = 'command' ORDER BY seq DESC LIMIT 1)").run();
    db.close();
    const reopened = sqliteStore(file);
    const ref = manager(reopened).parse(`lab:${lab.id}`);
    if (!ref) throw new Error(lab.id);
    const w = await manager(reopened).open('bob', ref);
    // The old way: every entry since the last reset, with its output, through addToAttempt.
    const { reset } = await reopened.lastSeqs('bob', ref.key);
    const attempt = emptyAttempt();
    for (const e of (await reopened.historySince('bob', ref.key, reset))) addToAttempt(attempt, e);
    const every = (await reopened.historySince('bob', ref.key, reset)).filter((e) => e.kind === 'command').map((e) => (e.ran ? { line: e.line, ran: e.ran } : { line: e.line }));
    const stored = await reopened.loadSession('bob', ref.key);
    const state = replay(ref, 'bob', stored ? deserializeSession(stored.snapshot) : null, await reopened.historySince('bob', ref.key, stored?.seq ?? 0));
    const mine = labFor(lab, 'bob');
    const full = grade(mine, state.cloud, every, { answers: attempt.answers });
    expect(JSON.stringify((await w.grade())?.result)).toBe(JSON.stringify(full));
    expect(every.some((c) => c.ran === undefined)).toBe(true);
    await reopened.close();
  });
});
