/**
 * One learner's operations never interleave, and several processes may serve one learner over
 * one store (issue #19): commands sent without waiting run in the order sent; two workspace
 * managers (two processes) sharing a store each read the other's commands before running theirs;
 * a write refused because another writer went ahead (StoreConflict) runs again on the workspace
 * read anew, and is recorded once; a conflict that never ends reaches the learner in words, with
 * nothing changed. The stores here answer late (random delays), as a database server does.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { serializeSession } from '../server/shell/session.js';
import { memoryStore } from '../server/store/memory.js';
import { StoreConflict, type CloudStore } from '../server/store/types.js';
import { randInt, seedRng } from '../server/sim/rng.js';
import { workspaces, type Workspaces, type WorkspaceRef } from '../server/workspace/index.js';
import { terminals } from '../server/http/terminal.js';
import type { ServerMessage } from '../server/http/protocol.js';

const KEY = 'sandbox:empty';

function manager(store: CloudStore, opts: { shared?: boolean; log?: string[]; idleMs?: number; clock?: { t: number }; justConfirmedMs?: number } = {}): Workspaces {
  const clock = opts.clock ?? { t: 1_000 };
  return workspaces({
    store,
    labs: () => [],
    now: () => clock.t,
    log: (m) => opts.log?.push(m),
    sharedStore: opts.shared ?? false,
    limits: { snapshotEvery: 7, ...(opts.idleMs !== undefined ? { idleMs: opts.idleMs } : {}), ...(opts.justConfirmedMs !== undefined ? { justConfirmedMs: opts.justConfirmedMs } : {}) },
  });
}

function refOf(spaces: Workspaces): WorkspaceRef {
  const ref = spaces.parse(KEY);
  if (!ref) throw new Error(`no workspace ${KEY}`);
  return ref;
}

/** Every call of `inner` answered after 0–`maxMs` ms (seeded), as a server's would be. */
function delayed(inner: CloudStore, seed: number, maxMs = 3): CloudStore {
  const rng = seedRng(seed);
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(inner) as Array<keyof CloudStore>) {
    const fn = inner[name] as (...a: unknown[]) => Promise<unknown>;
    out[name] = async (...a: unknown[]) => {
      await new Promise((r) => setTimeout(r, randInt(rng, 0, maxMs)));
      return fn(...a);
    };
  }
  return out as unknown as CloudStore;
}

/** A store counting its calls by name. */
function counted(inner: CloudStore): { store: CloudStore; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(inner) as Array<keyof CloudStore>) {
    const fn = inner[name] as (...a: unknown[]) => Promise<unknown>;
    out[name] = (...a: unknown[]) => {
      calls[name] = (calls[name] ?? 0) + 1;
      return fn(...a);
    };
  }
  return { store: out as unknown as CloudStore, calls };
}

const lineAt = (i: number) => (i % 5 === 0 ? `openstack network create n${i}` : i % 5 === 1 ? 'openstack network list -f value -c Name' : i % 5 === 2 ? `X=${i}` : i % 5 === 3 ? 'echo $X' : `# note ${i}`);

const NOT_SAVED = (why: string) => `stacklab: this command was not run: ${why}, so it could not be saved. Your cloud is as it was; try again in a moment.\n`;
const CONFLICT = 'your workspace was being changed elsewhere at the same time (another window or server)';

describe('one workspace: operations in the order called', () => {
  it('50 lines sent without waiting run one after another: seqs 1..50 in order, outputs and state as a sequential run', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => lineAt(i));
    const store = memoryStore();
    const spaces = manager(delayed(store, 1));
    const w = await spaces.open('ada', refOf(spaces));
    const replies = await Promise.all(lines.map((l) => w.run(l)));

    // The same lines one by one, each awaited, on another store.
    const seqStore = memoryStore();
    const seqSpaces = manager(seqStore);
    const seq = await seqSpaces.open('ada', refOf(seqSpaces));
    const expected = [];
    for (const l of lines) expected.push(await seq.run(l));

    const history = await store.history('ada', KEY, 100);
    expect(history.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(history.map((e) => e.line)).toEqual(lines);
    expect(replies.map((r) => [r.stdout, r.stderr, r.exitCode])).toEqual(expected.map((r) => [r.stdout, r.stderr, r.exitCode]));
    expect(serializeSession(w.state())).toBe(serializeSession(seq.state()));
    // The networks listed by the 47th line: every network created before it (listed by id).
    expect(replies[46]?.stdout.trim().split('\n').sort()).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45].map((i) => `n${i}`).sort());
  });

  it('reset, answer, grade and reads queue behind a running command', async () => {
    const store = memoryStore();
    const spaces = manager(delayed(store, 2));
    const w = await spaces.open('ada', refOf(spaces));
    const created = w.run('openstack network create before-reset');
    const reset = w.reset();
    const after = w.run('openstack network list -f value -c Name');
    const lines = w.recentLines(10);
    expect((await created).exitCode).toBe(0);
    expect((await reset).stdout).toContain('back to its starting state');
    expect((await after).stdout).not.toContain('before-reset');
    expect(await lines).toEqual(['openstack network create before-reset', 'openstack network list -f value -c Name']);
    expect((await store.history('ada', KEY)).map((e) => e.kind)).toEqual(['command', 'reset', 'command']);
  });

  it('two opens at once share one read of the store', async () => {
    const { store, calls } = counted(delayed(memoryStore(), 3));
    const spaces = manager(store);
    const ref = refOf(spaces);
    const [a, b] = await Promise.all([spaces.open('ada', ref), spaces.open('ada', ref)]);
    expect(calls['loadSession']).toBe(1);
    await a.run('openstack network create shared');
    expect((await b.run('openstack network list -f value -c Name')).stdout).toBe('shared\n');
    expect(spaces.liveCount()).toBe(1);
  });

  it('a workspace with an operation queued or running is not evicted', async () => {
    const clock = { t: 1_000 };
    const spaces = manager(delayed(memoryStore(), 4, 5), { idleMs: 10, clock });
    const w = await spaces.open('ada', refOf(spaces));
    const running = w.run('openstack network create busy');
    clock.t += 1_000;
    expect(await spaces.evictIdle()).toBe(0);
    expect(spaces.liveCount()).toBe(1);
    await running;
    expect(await spaces.evictIdle()).toBe(1);
    expect(spaces.liveCount()).toBe(0);
  });
});

describe('two processes over one store (sharedStore)', () => {
  it('a typed line reads no version first; a grade reads it unless this process wrote or read it just now', async () => {
    const { store, calls } = counted(memoryStore());
    // A minute "just now" (no machine is slow enough to make the test flaky), then none.
    const p1 = manager(store, { shared: true, justConfirmedMs: 60_000 });
    const p2 = manager(store, { shared: true });
    const w1 = await p1.open('ada', refOf(p1));
    const w2 = await p2.open('ada', refOf(p2));
    const p3 = manager(store, { shared: true, justConfirmedMs: 0 });
    const w3 = await p3.open('ada', refOf(p3));
    calls['lastSeqs'] = 0;
    for (let i = 0; i < 5; i++) {
      await w1.run(`openstack network create n${i}`);
      await w1.grade();
    }
    expect(calls['lastSeqs']).toBe(0);
    // Another process wrote: within its time, this one's grade does not ask; past it (a third
    // process, held since before all of them), a grade reads the version and catches up, so the
    // line after it runs on the newest with no read and no conflict.
    await w2.run('openstack network create other');
    calls['lastSeqs'] = 0;
    await w1.grade();
    expect(calls['lastSeqs']).toBe(0);
    await w3.grade();
    const read = calls['lastSeqs'] ?? 0;
    expect(read).toBeGreaterThan(0);
    expect((await w3.run('openstack network list -f value -c Name')).stdout.trim().split('\n').sort()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'other']);
    expect(calls['lastSeqs']).toBe(read);
  });

  it('alternating commands: each process sees every command, the history has each once in order, no conflict reaches the learner', async () => {
    const store = delayed(memoryStore(), 5);
    const p1 = manager(store, { shared: true });
    const p2 = manager(store, { shared: true });
    const w1 = await p1.open('ada', refOf(p1));
    const w2 = await p2.open('ada', refOf(p2));
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) {
      const w = i % 2 === 0 ? w1 : w2;
      const create = `openstack network create p${i % 2 + 1}-${i}`;
      const r = await w.run(create);
      expect(r.stderr, create).toBe('');
      expect(r.exitCode).toBe(0);
      sent.push(create);
      // The other process's networks are there too: it read them before running this line.
      const list = await w.run('openstack network list -f value -c Name');
      sent.push('openstack network list -f value -c Name');
      expect(list.stdout.trim().split('\n').sort()).toEqual(sent.filter((l) => l.startsWith('openstack network create')).map((l) => l.split(' ')[3]).sort());
    }
    expect((await store.history('ada', KEY, 100)).map((e) => e.line)).toEqual(sent);
    // p1 is one command behind until it opens (or runs) again.
    expect(serializeSession((await p1.open('ada', refOf(p1))).state())).toBe(serializeSession(w2.state()));
  });

  it('at the same time: what is acknowledged is recorded exactly once, what is refused not at all, and both end on the same cloud', async () => {
    const store = delayed(memoryStore(), 6, 4);
    const p1 = manager(store, { shared: true });
    const p2 = manager(store, { shared: true });
    const w1 = await p1.open('ada', refOf(p1));
    const w2 = await p2.open('ada', refOf(p2));
    const one = Array.from({ length: 10 }, (_, i) => `openstack network create a${i}`);
    const two = Array.from({ length: 10 }, (_, i) => `openstack network create b${i}`);
    const [r1, r2] = await Promise.all([Promise.all(one.map((l) => w1.run(l))), Promise.all(two.map((l) => w2.run(l)))]);
    const acknowledged = [...one.filter((_, i) => r1[i]?.exitCode === 0), ...two.filter((_, i) => r2[i]?.exitCode === 0)];
    const refused = [...r1, ...r2].filter((r) => r.exitCode !== 0);
    for (const r of refused) expect(r.stderr).toBe(NOT_SAVED(CONFLICT));
    const recorded = (await store.history('ada', KEY, 100)).map((e) => e.line);
    expect([...recorded].sort()).toEqual([...acknowledged].sort());
    // Each process's own lines stay in the order it was sent them.
    expect(recorded.filter((l) => l.includes(' a'))).toEqual(one.filter((l) => acknowledged.includes(l)));
    expect(recorded.filter((l) => l.includes(' b'))).toEqual(two.filter((l) => acknowledged.includes(l)));
    // Both answer from the store's version now.
    const names1 = (await w1.run('openstack network list -f value -c Name')).stdout;
    const names2 = (await w2.run('openstack network list -f value -c Name')).stdout;
    expect(names1).toBe(names2);
    expect(names1.trim().split('\n').sort()).toEqual(acknowledged.map((l) => l.split(' ')[3]).sort());
  });

  it('open on a shared store brings a workspace held in memory up to date', async () => {
    const store = memoryStore();
    const p1 = manager(store, { shared: true });
    const p2 = manager(store, { shared: true });
    const w1 = await p1.open('ada', refOf(p1));
    await w1.run('openstack network create first');
    const w2 = await p2.open('ada', refOf(p2));
    await w2.run('openstack network create second');
    // p1 still holds its workspace; opening it again reads the other process's command.
    const again = await p1.open('ada', refOf(p1));
    expect(again.state().cloud.networks.map((n) => n.name).sort()).toEqual(['first', 'second']);
    expect(w1.state().cloud.networks.map((n) => n.name).sort()).toEqual(['first', 'second']);
  });
});

/** The first `times` saveStep calls: another writer appends `theirs` first (when given), so the store refuses the write. */
function contested(inner: CloudStore, times: number, theirs?: string): { store: CloudStore; attempts: () => number } {
  let n = 0;
  const store: CloudStore = {
    ...inner,
    saveStep: async (learner, workspace, snapshot, entry, expectedSeq) => {
      n += 1;
      if (n <= times) {
        if (theirs !== undefined) {
          await inner.saveStep(learner, workspace, null, { kind: 'command', line: theirs, stdout: '', stderr: '', exitCode: 0, at: 1 });
          // The store itself refuses: the writer's version is behind now.
          return inner.saveStep(learner, workspace, snapshot, entry, expectedSeq);
        }
        const { last } = await inner.lastSeqs(learner, workspace);
        throw new StoreConflict(learner, workspace, expectedSeq ?? -1, last);
      }
      return inner.saveStep(learner, workspace, snapshot, entry, expectedSeq);
    },
  };
  return { store, attempts: () => n };
}

describe('a write refused by StoreConflict', () => {
  it('once: the command runs again on the workspace read anew, and is recorded once', async () => {
    const inner = memoryStore();
    const { store, attempts } = contested(inner, 1);
    const spaces = manager(store);
    const w = await spaces.open('ada', refOf(spaces));
    const r = await w.run('openstack network create mine -f value -c name');
    expect(r).toMatchObject({ stdout: 'mine\n', stderr: '', exitCode: 0 });
    expect(attempts()).toBe(2);
    expect((await inner.history('ada', KEY)).map((e) => [e.seq, e.line])).toEqual([[1, 'openstack network create mine -f value -c name']]);
  });

  it("once, because another process wrote first: the command runs after the other's, both recorded once, in that order", async () => {
    const inner = memoryStore();
    const { store } = contested(inner, 1, 'openstack network create theirs');
    const spaces = manager(store);
    const w = await spaces.open('ada', refOf(spaces));
    const r = await w.run('openstack network list -f value -c Name');
    expect(r).toMatchObject({ stdout: 'theirs\n', stderr: '', exitCode: 0 });
    expect((await inner.history('ada', KEY)).map((e) => e.line)).toEqual(['openstack network create theirs', 'openstack network list -f value -c Name']);
    expect(w.state().cloud.networks.map((n) => n.name)).toEqual(['theirs']);
  });

  it('for ever: the learner is told in words after 4 tries, and nothing changes', async () => {
    const inner = memoryStore();
    const spaces0 = manager(inner);
    await (await spaces0.open('ada', refOf(spaces0))).run('openstack network create kept');
    const { store, attempts } = contested(inner, Infinity);
    const log: string[] = [];
    const spaces = manager(store, { log });
    const w = await spaces.open('ada', refOf(spaces));
    const before = serializeSession(w.state());
    const r = await w.run('openstack network create lost');
    expect(r).toMatchObject({ stdout: '', stderr: NOT_SAVED(CONFLICT), exitCode: 1 });
    expect(attempts()).toBe(4);
    expect(serializeSession(w.state())).toBe(before);
    expect((await inner.history('ada', KEY)).map((e) => e.line)).toEqual(['openstack network create kept']);
    expect(log.some((m) => m.includes('gave up after 4 tries'))).toBe(true);
    // The other writes say the same, or give the web layer its null (503).
    expect((await w.answer('q', '1'))).toBeNull(); // no lab: nothing to record
    expect((await w.api({ service: 'network', method: 'POST', path: ['v2.0', 'networks'], query: [], body: '{"network":{"name":"api"}}' }, { base: 'http://x' }))).toBeNull();
    expect(w.state().cloud.networks.map((n) => n.name)).toEqual(['kept']);
    // Once the store takes writes again, the learner goes on.
    const healthy = manager(inner);
    expect((await (await healthy.open('ada', refOf(healthy))).run('openstack network list -f value -c Name')).stdout).toBe('kept\n');
  });
});

describe('the terminal socket', () => {
  let wss: WebSocketServer;
  let port = 0;

  beforeAll(async () => {
    const spaces = manager(delayed(memoryStore(), 7, 4));
    const terms = terminals(spaces, () => {});
    wss = new WebSocketServer({ port: 0 });
    const ref = refOf(spaces);
    wss.on('connection', (sock) => terms.attach(sock, 'ada', ref));
    await once(wss, 'listening');
    port = (wss.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => wss.close(() => done())));

  it('answers lines sent at once (before the workspace is even open) in the order sent', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    const got: ServerMessage[] = [];
    let wake = () => {};
    ws.on('message', (d) => {
      got.push(JSON.parse(d.toString()) as ServerMessage);
      wake();
    });
    await once(ws, 'open');
    const lines = Array.from({ length: 20 }, (_, i) => `echo line-${i}`);
    for (const line of lines) ws.send(JSON.stringify({ t: 'line', line }));
    const results = () => got.filter((m): m is Extract<ServerMessage, { t: 'result' }> => m.t === 'result');
    while (results().length < lines.length) await new Promise<void>((r) => (wake = r));
    expect(got[0]?.t).toBe('hello');
    expect(results().map((m) => m.stdout)).toEqual(lines.map((_, i) => `line-${i}\n`));
    ws.close();
  });
});
