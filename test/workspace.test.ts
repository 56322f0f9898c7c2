/**
 * Learners' workspaces: what was acknowledged is what comes back (replay reproduces the state and
 * every output, whatever was typed: comments, errors, variables, `$(…)`, identity variables,
 * blank lines, terminal widths), snapshots are counted from the store (not per connection),
 * idle workspaces leave memory and come back intact, and a store that cannot write refuses the
 * command in words while nothing changes.
 */
import { describe, expect, it } from 'vitest';
import { runLine, serializeSession } from '../server/shell/session.js';
import { memoryStore } from '../server/store/memory.js';
import { StoreError, type CloudStore } from '../server/store/types.js';
import { seedRng, randInt } from '../server/sim/rng.js';
import { loadLabs } from '../server/labs/index.js';
import { workspaces, type Workspaces } from '../server/workspace/index.js';
import { freshState, replayEntry } from '../server/workspace/replay.js';

const LABS = loadLabs();

function manager(store: CloudStore, clock = { t: 1_000 }, limits = {}): Workspaces {
  return workspaces({ store, labs: () => LABS, now: () => clock.t, log: () => {}, limits });
}

const VOCABULARY = [
  'openstack network create n$I',
  'openstack network list',
  'openstack network show n1',
  'openstack network show nope',
  'openstack subnet create s$I --network n1 --subnet-range 10.0.$I.0/24',
  '# a comment $I',
  '#',
  'X=$(openstack network create x$I -f value -c id)',
  'echo $X',
  'echo "$(openstack network list -f value -c Name | wc -l)"',
  'openstack router create r$I',
  'openstack router add subnet r1 s1',
  'export OS_PROJECT_NAME=other',
  'export OS_PROJECT_NAME=pub1',
  'false && openstack network create never',
  'true || openstack network create never2',
  'neutron net-list',
  'neutron net-create legacy$I',
  'openstack port create --network n1 p$I',
  'openstack server create --flavor a1-ram2-disk20-perf1 --image "CirrOS 5.2" --network n1 vm$I',
  'openstack server list',
  'openstack router set --external-gateway ext-floating1 r1',
  'openstack floating ip create ext-floating1',
  'openstack network delete n$I',
  'no-such-command',
  'openstack network create',
  '"unterminated',
  '',
  '   ',
  'echo a | grep a | wc -c',
  'history | tail -3',
  'openstack --fit-width network list',
];

describe('workspace: replay reproduces what was acknowledged', () => {
  it('a property over random scripts: reopened state and re-run outputs equal the live ones', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const r = seedRng(seed);
      const store = memoryStore();
      const clock = { t: 1_000 };
      const key = seed % 2 === 0 ? 'sandbox:public-cloud' : 'lab:private-floating-ip';
      let spaces = manager(store, clock, { snapshotEvery: 5 + (seed % 7) });
      const ref = spaces.parse(key);
      if (!ref) throw new Error('no workspace');
      let w = await spaces.open('learner-x', ref);
      const acknowledged: Array<{ line: string; stdout: string; stderr: string; exitCode: number }> = [];
      for (let i = 0; i < 60; i++) {
        if (randInt(r, 0, 9) === 0) w.resize(randInt(r, 40, 200));
        if (randInt(r, 0, 14) === 0) {
          // A restart of the server (or an eviction): a new manager over the same store.
          spaces = manager(store, clock, { snapshotEvery: 5 + (seed % 7) });
          w = await spaces.open('learner-x', ref);
        }
        const line = (VOCABULARY[randInt(r, 0, VOCABULARY.length - 1)] as string).replaceAll('$I', String(randInt(r, 1, 3)));
        clock.t += 1000;
        const reply = await w.run(line);
        if (line.trim() !== '') acknowledged.push({ line, stdout: reply.stdout, stderr: reply.stderr, exitCode: reply.exitCode });
      }
      const live = serializeSession(w.state());
      const reopened = (await manager(store, clock).open('learner-x', ref)).state();
      expect(serializeSession({ ...reopened, columns: w.state().columns }), `seed ${seed}`).toBe(live);
      // The shell's history is not in a snapshot: the reopened one is read from the entries.
      expect(reopened.history.lines(), `seed ${seed}`).toEqual(w.state().history.lines());
      // From the very start, every stored command gives the acknowledged output again.
      let s = freshState(ref, 'learner-x');
      const entries = (await store.historySince('learner-x', ref.key, 0)).filter((e) => e.kind === 'command');
      expect(entries.map((e) => e.line)).toEqual(acknowledged.map((a) => a.line));
      entries.forEach((e, i) => {
        const at = e.cols !== undefined ? { ...s, columns: e.cols } : s;
        const out = runLine(at, e.line);
        expect({ line: e.line, stdout: out.result.stdout, stderr: out.result.stderr, exitCode: out.result.exitCode }, `seed ${seed}, entry ${i}`).toEqual(acknowledged[i]);
        s = replayEntry(s, e);
      });
    }
  });
});


describe('workspace: snapshots', () => {
  it('are counted from the stored snapshot, so a learner who reconnects often still gets them', async () => {
    const store = memoryStore();
    const clock = { t: 1 };
    let maxReplay = 0;
    for (let c = 0; c < 300; c++) {
      // A new connection (and, every few, a new server) for every three commands.
      const spaces = manager(store, clock, { idleMs: 0 });
      const ref = spaces.parse('sandbox:empty');
      if (!ref) throw new Error('no workspace');
      const w = await spaces.open('a', ref);
      w.attach();
      for (let i = 0; i < 3; i++) await w.run(`echo ${c}-${i}`);
      w.detach();
      const saved = await store.loadSession('a', 'sandbox:empty');
      maxReplay = Math.max(maxReplay, (await store.lastSeqs('a', 'sandbox:empty')).last - (saved?.seq ?? 0));
    }
    // 900 commands; never more than the snapshot interval (25 plus this learner's offset < 25) to replay.
    expect(await store.loadSession('a', 'sandbox:empty')).not.toBeNull();
    expect(maxReplay).toBeLessThan(50);
  });

  it('are spread: learners typing in step do not all snapshot at the same command', async () => {
    const store = memoryStore();
    const spaces = manager(store);
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no workspace');
    const learners = Array.from({ length: 40 }, (_, i) => `learner-${i}`);
    const firstSnapshotAt = new Set<number>();
    const ws = await Promise.all(learners.map((l) => spaces.open(l, ref)));
    for (let i = 1; i <= 50; i++) {
      for (const [k, w] of ws.entries()) {
        await w.run(`echo ${i}`);
        const s = await store.loadSession(learners[k] as string, ref.key);
        if (s && s.seq === i) firstSnapshotAt.add(i);
      }
    }
    expect(firstSnapshotAt.size).toBeGreaterThan(10);
  });

  it('leave the shell history to the history table: a reopened workspace shows the same `history`', async () => {
    const store = memoryStore();
    const clock = { t: 1 };
    let spaces = manager(store, clock);
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no workspace');
    let w = await spaces.open('a', ref);
    const reopen = async () => {
      spaces = manager(store, clock);
      w = await spaces.open('a', ref);
    };
    for (let i = 1; i <= 40; i++) await w.run(`echo before-reset-${i}`);
    await w.reset();
    // Lines runLine does not keep (blank, too long) are recorded or not, but never shown.
    const long = `echo ${'x'.repeat(5000)}`;
    for (let i = 1; i <= 1300; i++) await w.run(i % 10 === 0 ? long : i % 89 === 0 ? '   ' : `echo after-${i}`);
    await w.run('echo last');
    const live = w.state().history.lines();
    expect(live).toHaveLength(1000);
    expect(live.some((l) => l.startsWith('echo before'))).toBe(false);
    const saved = await store.loadSession('a', ref.key);
    expect(saved && saved.seq > 1000).toBe(true);
    expect(JSON.parse(saved?.snapshot ?? '{}')).not.toHaveProperty('history');
    await reopen();
    expect(w.state().history.lines()).toEqual(live);
    expect((await w.run('history | tail -2')).stdout).toBe('  999  echo last\n 1000  history | tail -2\n');
    // A snapshot just after a reset: only the lines after it.
    await w.reset();
    for (let i = 1; i <= 60; i++) await w.run(`echo again-${i}`);
    const again = w.state().history.lines();
    await reopen();
    expect(w.state().history.lines()).toEqual(again);
    expect(again[0]).toBe('echo again-1');
  });

  it('bring the history back with a bounded read: the last 2,000 entries, lines up to 4,096 characters', async () => {
    const store = memoryStore();
    const calls: unknown[][] = [];
    const spied: CloudStore = { ...store, commandLines: (...a) => (calls.push(a), store.commandLines(...a)) };
    const spaces = manager(spied);
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no workspace');
    const w = await spaces.open('a', ref);
    for (let i = 1; i <= 3000; i++) await w.run(i % 3 === 0 ? `echo ${'x'.repeat(5000)}` : `echo ${i}`);
    const live = w.state().history.lines();
    const saved = await store.loadSession('a', ref.key);
    const reopened = await manager(spied).open('a', ref);
    const [read] = calls as Array<[string, string, number, number, number, number]>;
    expect(read?.slice(2)).toEqual([(saved?.seq ?? 0) - 2000, saved?.seq, 1000, 4096]);
    // Two in three lines were kept: the window's 2,000 entries hold ~1,333 of them, more than enough.
    expect(live).toHaveLength(1000);
    expect(reopened.state().history.lines()).toEqual(live);
  });

  it('stored before they left the history out still bring their history back', async () => {
    const store = memoryStore();
    let spaces = manager(store);
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no workspace');
    const w = await spaces.open('a', ref);
    for (let i = 1; i <= 3; i++) await w.run(`echo ${i}`);
    const { last } = await store.lastSeqs('a', ref.key);
    const old = { ...(JSON.parse(serializeSession(w.state())) as object), history: ['from an old snapshot'] };
    await store.saveSnapshot('a', ref.key, JSON.stringify(old), last, 2);
    spaces = manager(store);
    expect((await spaces.open('a', ref)).state().history.lines()).toEqual(['from an old snapshot']);
  });

  it('a long replay on open is stored as a snapshot right away', async () => {
    const store = memoryStore();
    await store.ensureLearner('a', 'Ada', 1);
    for (let i = 1; i <= 90; i++) await store.saveStep('a', 'sandbox:empty', null, { kind: 'command', line: `openstack network create n${i}`, stdout: '', stderr: '', exitCode: 0, at: i, cols: 80 });
    expect(await store.loadSession('a', 'sandbox:empty')).toBeNull();
    const spaces = manager(store);
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no workspace');
    const w = await spaces.open('a', ref);
    expect(w.state().cloud.networks.filter((n) => n.name.startsWith('n'))).toHaveLength(90);
    expect((await store.loadSession('a', 'sandbox:empty'))?.seq).toBe(90);
  });
});

describe('workspace: memory', () => {
  it('2,000 learners opened then idle leave memory and come back intact on their next command', async () => {
    const store = memoryStore();
    const clock = { t: 1_000 };
    const spaces = manager(store, clock, { idleMs: 60_000 });
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no workspace');
    for (let i = 0; i < 2000; i++) {
      const w = await spaces.open(`l${i}`, ref);
      w.attach();
      await w.run(`openstack network create net-of-l${i}`);
      w.detach();
    }
    expect(spaces.liveCount()).toBe(2000);
    clock.t += 30_000;
    expect(await spaces.evictIdle()).toBe(0);
    clock.t += 31_000;
    expect(await spaces.evictIdle()).toBe(2000);
    expect(spaces.liveCount()).toBe(0);
    for (const i of [0, 999, 1999]) {
      const w = await spaces.open(`l${i}`, ref);
      const r = await w.run('openstack network list -f value -c Name');
      expect(r.stdout).toContain(`net-of-l${i}`);
    }
  });

  it('never evicts a workspace with a terminal open', async () => {
    const clock = { t: 0 };
    const spaces = manager(memoryStore(), clock, { idleMs: 10 });
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no workspace');
    (await spaces.open('a', ref)).attach();
    clock.t += 1_000_000;
    expect(await spaces.evictIdle()).toBe(0);
  });

  it('creates no learner row until the learner does something', async () => {
    const store = memoryStore();
    const spaces = manager(store);
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no workspace');
    const w = await spaces.open('newcomer', ref);
    await w.run('');
    expect(await store.getLearner('newcomer')).toBeNull();
    await w.run('openstack network list');
    expect(await store.getLearner('newcomer')).not.toBeNull();
  });

  it("creates the learner's row with their first step: one write, not two (a class's first commands come at once)", async () => {
    const inner = memoryStore();
    const writes: string[] = [];
    const store: CloudStore = {
      ...inner,
      ensureLearner: (...a) => (writes.push('ensureLearner'), inner.ensureLearner(...a)),
      saveStep: (...a) => (writes.push(a[5] ? 'saveStep+learner' : 'saveStep'), inner.saveStep(...a)),
    };
    const spaces = manager(store);
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no workspace');
    const w = await spaces.open('first-timer', ref);
    await w.run('openstack network list');
    await w.run('openstack network list');
    expect(writes).toEqual(['saveStep+learner', 'saveStep']);
    expect((await inner.getLearner('first-timer'))?.name).toBe('learner-first-');
  });
});

describe('workspace: what is stored', () => {
  it('keeps at most 16 KiB of each output, then 1 KiB once the workspace has stored 4 MiB', async () => {
    const store = memoryStore();
    const spaces = manager(store);
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no workspace');
    const w = await spaces.open('a', ref);
    await w.run(`A=${'x'.repeat(4000)}`);
    const big = await w.run('echo $A $A $A $A $A $A');
    expect(big.stdout.length).toBeGreaterThan(20_000);
    const last = (await store.history('a', ref.key, 1))[0];
    expect(last?.truncated).toBe(true);
    expect(last?.stdout.length).toBeLessThan(17 * 1024);
    expect(last?.stdout).toContain('more characters were shown but not kept');
    for (let i = 0; i < 300; i++) await w.run('echo $A $A $A $A $A $A');
    const bytes = await store.storedOutputBytes('a', ref.key);
    expect(bytes).toBeLessThan(4 * 1024 * 1024 + 300 * 1200);
    expect((await store.history('a', ref.key, 1))[0]?.stdout.length).toBeLessThan(1200);
  });
});

/** A store whose writes fail (as a read-only database or a full disk do) until `healthy` is set. */
function failingStore(inner: CloudStore, code: string, message: string): CloudStore & { healthy: boolean } {
  const fail = () => {
    throw new StoreError(message, code);
  };
  const s = {
    ...inner,
    healthy: false,
    saveStep: async (...a: Parameters<CloudStore['saveStep']>) => (s.healthy ? (await inner.saveStep(...a)) : fail()),
    resetSession: async (...a: Parameters<CloudStore['resetSession']>) => (s.healthy ? (await inner.resetSession(...a)) : fail()),
    saveSnapshot: async (...a: Parameters<CloudStore['saveSnapshot']>) => (s.healthy ? (await inner.saveSnapshot(...a)) : fail()),
    ensureLearner: async (...a: Parameters<CloudStore['ensureLearner']>) => (s.healthy ? (await inner.ensureLearner(...a)) : fail()),
  };
  return s;
}

describe('workspace: a store that cannot write', () => {
  for (const [code, words] of [
    ['SQLITE_READONLY', "the server's database is read-only"],
    ['SQLITE_FULL', "the server's disk is full"],
  ] as const) {
    it(`${code}: the command is refused in words, nothing changes, and the learner goes on once it is back`, async () => {
      const inner = memoryStore();
      const store = failingStore(inner, code, words);
      store.healthy = true;
      const spaces = manager(store);
      const ref = spaces.parse('lab:private-floating-ip');
      if (!ref) throw new Error('no workspace');
      const w = await spaces.open('a', ref);
      await w.run('openstack network create kept');
      store.healthy = false;
      const before = serializeSession(w.state());
      const r = await w.run('openstack network create lost');
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toBe(`stacklab: this command was not run: ${words}, so it could not be saved. Your cloud is as it was; try again in a moment.\n`);
      expect(serializeSession(w.state())).toBe(before);
      expect((await w.reset()).stderr).toContain(words);
      expect((await w.answer('anything', '42'))?.stderr).toContain(words);
      expect(await w.grade()).not.toBeNull();
      store.healthy = true;
      expect((await w.run('openstack network list -f value -c Name')).stdout).toContain('kept');
      expect((await w.run('openstack network list -f value -c Name')).stdout).not.toContain('lost');
      expect((await inner.history('a', ref.key)).filter((e) => e.kind === 'command').map((e) => e.line)).toEqual([
        'openstack network create kept',
        'openstack network list -f value -c Name',
        'openstack network list -f value -c Name',
      ]);
    });
  }
});

describe('workspace: steps passed are counted per attempt', () => {
  it('a reset starts the count again, and a step passed again after it is recorded again', async () => {
    const store = memoryStore();
    const spaces = manager(store);
    const ref = spaces.parse('lab:direct-attach');
    const lab = LABS.find((l) => l.id === 'direct-attach');
    if (!ref || !lab) throw new Error('no lab direct-attach');
    const first = lab.steps[0];
    if (!first) throw new Error('the lab has no step');
    const w = await spaces.open('a', ref);
    const solve = async () => {
      for (const line of first.solution) await w.run(line);
      return (await w.grade())?.firstPassed ?? {};
    };
    expect(Object.keys(await solve())).toContain(first.id);
    await w.reset();
    expect((await w.grade())?.firstPassed).toEqual({});
    expect(Object.keys(await solve())).toContain(first.id);
    expect((await store.historyOfKind('a', ref.key, 'passed')).filter((e) => e.step === first.id)).toHaveLength(2);
    // Reopened from the store: the passes of this attempt only.
    expect(Object.keys((await (await manager(store).open('a', ref)).grade())?.firstPassed ?? {})).toContain(first.id);
  });
});
