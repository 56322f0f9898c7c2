/**
 * The PostgreSQL store: the shared contract, then what only a store shared by several nodes
 * meets: writers racing on one workspace, nodes migrating together, the server going away.
 * Each store here has its own pool, as each node of a deployment has.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../server/http/app.js';
import { loadConfig } from '../server/http/config.js';
import { postgresStore } from '../server/store/postgres.js';
import { StoreConflict, StoreError, type CloudStore, type NewEntry } from '../server/store/types.js';
import { rejection, sql, startPostgres } from './support/postgres.js';
import { newLearnerCookie } from './support/server-process.js';
import { testConfig } from './support/server-config.js';
import { openTerminal, type Terminal } from './support/terminal-client.js';
import { runStoreContract } from './support/store-contract.js';

let skipped = '';
const server = await startPostgres((reason) => {
  skipped = reason;
  console.warn(`PostgreSQL store tests skipped: ${reason}`);
});
afterAll(() => server?.stop());

const urls = new WeakMap<CloudStore, string>();
const fresh = async (): Promise<CloudStore> => {
  const url = await server!.newDatabase();
  const s = await postgresStore(url);
  urls.set(s, url);
  return s;
};
const cmd = (line: string, extra: Partial<NewEntry> = {}): NewEntry => ({ kind: 'command', line, stdout: `${line}\n`, stderr: '', exitCode: 0, at: 1, ...extra });


describe.skipIf(!server)(server ? 'PostgreSQL store' : `PostgreSQL store (skipped: ${skipped})`, () => {
  runStoreContract('postgres', fresh, async (s) => {
    await s.close();
    return postgresStore(urls.get(s)!);
  });

  it('lets exactly one of two nodes write when both saw the same version, leaving no gap', async () => {
    const a = await fresh();
    const url = urls.get(a)!;
    const b = await postgresStore(url);
    await a.ensureLearner('l', 'Lea', 1);
    for (let round = 0; round < 25; round++) {
      const seen = (await a.lastSeqs('l', 'lab:x')).last;
      const results = await Promise.all(
        [a, b].map((s, i) => rejection(s.saveStep('l', 'lab:x', `SNAP ${round}/${i}`, cmd(`r${round} n${i}`, { ran: [['echo', `${round}`]] }), seen))),
      );
      const conflicts = results.filter((r) => r instanceof StoreConflict);
      expect(results.filter((r) => r === null)).toHaveLength(1);
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0]).toMatchObject({ expected: seen, actual: seen + 1 });
    }
    const history = await b.history('l', 'lab:x');
    expect(history.map((h) => h.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(history.map((h) => h.line.split(' ')[0])).toEqual(Array.from({ length: 25 }, (_, i) => `r${i}`));
    // The snapshot and the attempt are the winner's, never the loser's.
    const winner = history.at(-1)!.line.split(' ')[1];
    expect(await a.loadSession('l', 'lab:x')).toEqual({ snapshot: `SNAP 24/${winner!.slice(1)}`, seq: 25 });
    expect((await a.attemptCommands('l', 'lab:x')).map((c) => c.line)).toEqual(history.map((h) => h.line));
    expect(await a.storedOutputBytes('l', 'lab:x')).toBe(history.reduce((n, h) => n + h.stdout.length, 0));
    await Promise.all([a.close(), b.close()]);
  });

  it('serialises three nodes that retry on conflict: every command once, each node in its order', async () => {
    const first = await fresh();
    const url = urls.get(first)!;
    const nodes = [first, await postgresStore(url, { poolSize: 2 }), await postgresStore(url, { poolSize: 2 })];
    await first.ensureLearner('l', 'Lea', 1);
    let conflicts = 0;
    const node = async (s: CloudStore, n: number) => {
      for (let i = 0; i < 15; i++) {
        // As a workspace does: read the version, write after it, read again when another node got there first.
        for (;;) {
          const { last } = await s.lastSeqs('l', 'w');
          try {
            await s.saveStep('l', 'w', null, cmd(`n${n} c${i}`), last);
            break;
          } catch (e) {
            if (!(e instanceof StoreConflict)) throw e;
            conflicts++;
          }
        }
      }
    };
    await Promise.all(nodes.map(node));
    const history = await first.history('l', 'w');
    expect(history.map((h) => h.seq)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    for (let n = 0; n < 3; n++) {
      expect(history.filter((h) => h.line.startsWith(`n${n} `)).map((h) => h.line)).toEqual(Array.from({ length: 15 }, (_, i) => `n${n} c${i}`));
    }
    expect(await first.lastSeqs('l', 'w')).toEqual({ last: 45, reset: 0 });
    // Not a proof of racing (the scheduler decides), but three tight loops nearly always collide.
    console.info(`three nodes: ${conflicts} conflicts retried`);
    await Promise.all(nodes.map((s) => s.close()));
  });

  it('migrates once when three nodes start together, and refuses a newer schema', async () => {
    const url = await server!.newDatabase();
    const nodes = await Promise.all([postgresStore(url), postgresStore(url), postgresStore(url)]);
    // Each migration recorded once, in order (a second run would have failed on its CREATE TABLE).
    const versions = (await sql<{ version: number }>(url, 'SELECT version FROM stacklab_schema ORDER BY version')).map((r) => r.version);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
    await nodes[0]!.ensureLearner('a', 'Ada', 1);
    await nodes[1]!.saveStep('a', 'w', 'S', cmd('one'), 0);
    expect((await nodes[2]!.history('a', 'w')).map((h) => h.line)).toEqual(['one']);
    await Promise.all(nodes.map((s) => s.close()));
    // Opening again changes nothing.
    await (await postgresStore(url)).close();
    expect(await sql(url, 'SELECT version FROM stacklab_schema')).toHaveLength(versions.length);
    await sql(url, 'INSERT INTO stacklab_schema (version) VALUES (99)');
    const e = await rejection(postgresStore(url));
    expect(e).toBeInstanceOf(StoreError);
    expect(e).toMatchObject({ code: 'SCHEMA' });
    expect((e as Error).message).toContain(`newer Stacklab (schema 99; this one knows ${versions.length})`);
  });

  it('a node that comes back sees everything acknowledged, by any node', async () => {
    const a = await fresh();
    const url = urls.get(a)!;
    await a.ensureLearner('a', 'Ada', 1);
    await a.saveStep('a', 'lab:x', 'S1', cmd('one', { ran: [['one']] }));
    await a.resetSession('a', 'lab:x', 'FRESH', 2, 1);
    await a.saveStep('a', 'lab:x', null, { kind: 'passed', line: '#passed s1', stdout: '', stderr: '', exitCode: 0, at: 3, step: 's1' }, 2);
    await a.close();
    const b = await postgresStore(url);
    expect(await b.getLearner('a')).toEqual({ id: 'a', name: 'Ada', createdAt: 1 });
    expect(await b.loadSession('a', 'lab:x')).toEqual({ snapshot: 'FRESH', seq: 2 });
    expect(await b.lastSeqs('a', 'lab:x')).toEqual({ last: 3, reset: 2 });
    expect(await b.attemptCommands('a', 'lab:x')).toEqual([]);
    expect((await b.historyOfKind('a', 'lab:x', 'passed')).map((e) => e.step)).toEqual(['s1']);
    expect(await b.learnersIn('lab:x')).toEqual(['a']);
    await b.close();
  });

  it('keeps any string as given: NUL bytes, U+FFFF, lines longer than an index entry', async () => {
    const s = await fresh();
    const odd = 'a\u0000b\uffff0c\uffff1\u0000\u0000\uffff';
    await s.ensureLearner(`id${odd}`, `name${odd}`, 1);
    expect(await s.getLearner(`id${odd}`)).toEqual({ id: `id${odd}`, name: `name${odd}`, createdAt: 1 });
    const long = `echo ${'x'.repeat(100_000)}`;
    await s.saveStep(`id${odd}`, `lab:${odd}`, `snap${odd}`, cmd(odd, { stdout: odd, stderr: odd, prompt: odd, ran: [['echo', odd]] }), 0);
    await s.saveStep(`id${odd}`, `lab:${odd}`, null, cmd(long, { ran: [['echo', 'x'.repeat(100_000)]] }), 1);
    await s.saveStep(`id${odd}`, `lab:${odd}`, null, cmd(long), 2);
    const [e] = await s.history(`id${odd}`, `lab:${odd}`, 1_000);
    expect(e).toMatchObject({ line: odd, stdout: odd, stderr: odd, prompt: odd, ran: [['echo', odd]] });
    expect(await s.loadSession(`id${odd}`, `lab:${odd}`)).toEqual({ snapshot: `snap${odd}`, seq: 1 });
    expect((await s.attemptCommands(`id${odd}`, `lab:${odd}`)).map((c) => c.line)).toEqual([odd, long, long]);
    expect(await s.learnersIn(`lab:${odd}`)).toEqual([`id${odd}`]);
    expect(await s.storedOutputBytes(`id${odd}`, `lab:${odd}`)).toBe(2 * odd.length + 2 * (long.length + 1));
    // A limit that is not a count reads everything, as SQLite's LIMIT -1.
    expect(await s.history(`id${odd}`, `lab:${odd}`, -1)).toHaveLength(3);
    await s.close();
  });

  it('says what is wrong when the database refuses: read-only, busy, too many connections', async () => {
    const s = await fresh();
    const url = urls.get(s)!;
    await s.ensureLearner('a', 'Ada', 1);
    await s.saveStep('a', 'w', null, cmd('one'), 0);
    // Another session holds the workspace's row: a write waits for it, up to the statement timeout.
    const quick = await postgresStore(url, { statementTimeoutMs: 300 });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query("SELECT * FROM workspace_state WHERE learner_id = 'a' FOR UPDATE");
    const busy = await rejection(quick.saveStep('a', 'w', null, cmd('two'), 1));
    expect(busy).toBeInstanceOf(StoreError);
    expect(busy).toMatchObject({ message: "the server's database is busy", code: '57014' });
    // With every connection of the pool waiting, the next command waits its turn up to the connect timeout.
    const narrow = await postgresStore(url, { poolSize: 1, connectTimeoutMs: 200 });
    const waiting = narrow.saveStep('a', 'w', null, cmd('two'), 1);
    expect(await rejection(narrow.lastSeqs('a', 'w'))).toMatchObject({ name: 'StoreError', message: "the server's database is busy", code: 'POOL_TIMEOUT' });
    await holder.query('ROLLBACK');
    await holder.end();
    expect((await waiting).seq).toBe(2);
    expect(await rejection(quick.saveStep('a', 'w', null, cmd('two again'), 1))).toBeInstanceOf(StoreConflict);
    await Promise.all([quick.close(), narrow.close()]);
    // A read-only database (a standby, or an operator's switch): reads go on, writes are refused in words.
    const db = new URL(url).pathname.slice(1);
    await sql(url, `ALTER DATABASE ${db} SET default_transaction_read_only = on`);
    const ro = await postgresStore(url).catch((e: unknown) => e);
    // Opening migrates nothing (the schema is current) but its transaction is read-only too: allowed, it writes nothing.
    expect(ro).not.toBeInstanceOf(Error);
    const readOnly = ro as CloudStore;
    expect((await readOnly.history('a', 'w')).map((h) => h.line)).toEqual(['one', 'two']);
    expect(await rejection(readOnly.saveStep('a', 'w', null, cmd('three'), 2))).toMatchObject({ name: 'StoreError', message: "the server's database is read-only", code: '25006' });
    await readOnly.close();
    const writable = new URL(url);
    writable.searchParams.set('options', '-c default_transaction_read_only=off');
    await sql(writable.href, `ALTER DATABASE ${db} RESET default_transaction_read_only`);
    // A role allowed no connections meets PostgreSQL's "too many connections" at once.
    const role = `limited_${db.slice(-12)}`;
    await sql(url, `CREATE ROLE ${role} LOGIN CONNECTION LIMIT 0`);
    const limited = new URL(url);
    limited.username = role;
    const full = await rejection(postgresStore(limited.href));
    expect(full).toBeInstanceOf(StoreError);
    expect(full).toMatchObject({ code: '53300' });
    expect((full as Error).message).toMatch(/^PostgreSQL at postgresql:\/\/limited_\w+@127\.0\.0\.1:\d+\/\w+ cannot be used: the server's database is busy \(/);
    await sql(url, `DROP ROLE ${role}`);
    await s.close();
  });

  it.skipIf(!server?.outage)('survives the server going away: refused in words, never a crash, working again after a restart', async () => {
    const logged: string[] = [];
    const s = await fresh();
    const url = urls.get(s)!;
    await s.close();
    const node = await postgresStore(url, { connectTimeoutMs: 1000, log: (m) => logged.push(m) });
    await node.ensureLearner('a', 'Ada', 1);
    // Several idle connections in the pool, all of which the stop drops.
    await Promise.all([1, 2, 3].map((i) => node.lastSeqs('a', `w${i}`)));
    await node.saveStep('a', 'w', 'S1', cmd('one'), 0);
    await server!.outage!.halt();
    try {
      const down = await rejection(node.saveStep('a', 'w', null, cmd('two'), 1));
      expect(down).toBeInstanceOf(StoreError);
      expect(down).toMatchObject({ message: "the server's database is unreachable" });
      expect(await rejection(node.loadSession('a', 'w'))).toMatchObject({ message: "the server's database is unreachable" });
      const opening = await rejection(postgresStore(url, { connectTimeoutMs: 1000 }));
      expect(opening).toBeInstanceOf(StoreError);
      expect((opening as Error).message).toMatch(/cannot be used: the server's database is unreachable .*Check that it runs/);
    } finally {
      await server!.outage!.resume();
    }
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((m) => m.startsWith('PostgreSQL (workspaces): an idle connection failed'))).toBe(true);
    // Nothing of the refused command was kept; the next one goes through.
    expect(await node.lastSeqs('a', 'w')).toEqual({ last: 1, reset: 0 });
    expect((await node.saveStep('a', 'w', null, cmd('two'), 1)).seq).toBe(2);
    expect((await node.history('a', 'w')).map((h) => h.line)).toEqual(['one', 'two']);
    await node.close();
    // After close: refused in words, not a crash.
    expect(await rejection(node.lastSeqs('a', 'w'))).toBeInstanceOf(StoreError);
  });
});

describe.skipIf(!server)('two servers on one PostgreSQL database', () => {
  it('serve one learner in turn and at once: each sees what the other wrote, every command kept once', async () => {
    const url = await server!.newDatabase();
    // Same secret (same test name): the cookie one node signs, the other accepts, as behind a load balancer.
    const configs = [testConfig('pg-nodes', { STACKLAB_DATABASE_URL: url }), testConfig('pg-nodes', { STACKLAB_DATABASE_URL: url })];
    const nodes = await Promise.all(configs.map((c) => startServer(c)));
    const [a, b] = nodes as [RunningServer, RunningServer];
    const terminals: Terminal[] = [];
    try {
      const cookie = await newLearnerCookie(a.url);
      const onA = await openTerminal(a.url, cookie);
      const onB = await openTerminal(b.url, cookie);
      terminals.push(onA, onB);
      expect((await onA.run('openstack network create n1 -f value -c name')).stdout).toBe('n1\n');
      // B never had this workspace in memory: it reads it from the database.
      expect((await onB.run('openstack network list -f value -c Name --sort-column Name')).stdout).toBe('n1\n');
      // A holds an older version now: it reads B's entry before writing its own.
      expect((await onA.run('openstack network create n2 -f value -c name')).stdout).toBe('n2\n');
      expect((await onB.run('openstack network list -f value -c Name --sort-column Name')).stdout).toBe('n1\nn2\n');
      // Both at once: one write wins, the other is refused by the database and run again after it.
      const [x, y] = await Promise.all([onA.run('openstack network create n3 -f value -c name'), onB.run('openstack network create n4 -f value -c name')]);
      expect([x.stdout, y.stdout]).toEqual(['n3\n', 'n4\n']);
      expect((await onA.run('openstack network list -f value -c Name --sort-column Name')).stdout).toBe('n1\nn2\nn3\nn4\n');
      const rows = await sql<{ seq: number; line: string }>(url, "SELECT seq, line FROM history WHERE kind = 'command' ORDER BY seq");
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(rows.filter((r) => r.line.includes('create')).map((r) => r.line.split(' ')[3]).sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
    } finally {
      for (const t of terminals) t.close();
      await Promise.all(nodes.map((n) => n.close()));
      for (const c of configs) for (const d of [c.dataDir, c.clientDir]) rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('STACKLAB_DATABASE_URL', () => {
  const data = mkdtempSync(join(tmpdir(), 'stacklab-pgcfg-'));
  afterAll(() => rmSync(data, { recursive: true, force: true }));
  const load = (url: string) => loadConfig({ STACKLAB_DATA: data, STACKLAB_DATABASE_URL: url }).databaseUrl;

  it('takes a PostgreSQL URL, and none by default', () => {
    expect(loadConfig({ STACKLAB_DATA: data }).databaseUrl).toBeNull();
    expect(load('postgres://stacklab:pw@db.example.org:5432/stacklab')).toBe('postgres://stacklab:pw@db.example.org:5432/stacklab');
    expect(load('postgresql://db/stacklab?sslmode=require')).toBe('postgresql://db/stacklab?sslmode=require');
    expect(load('postgresql:///stacklab?host=/run/postgresql')).toBe('postgresql:///stacklab?host=/run/postgresql');
    expect(loadConfig({ STACKLAB_DATA: data }).databasePoolSize).toBe(10);
    expect(loadConfig({ STACKLAB_DATA: data, STACKLAB_DATABASE_POOL: '3' }).databasePoolSize).toBe(3);
    expect(() => loadConfig({ STACKLAB_DATA: data, STACKLAB_DATABASE_POOL: '0' })).toThrow('STACKLAB_DATABASE_POOL must be a whole number ≥ 1, not 0');
  });

  it('refuses anything else in words, without printing a password', () => {
    for (const bad of ['mysql://u:secret@db/stacklab', 'postgres://u:secret@db', 'postgres://u:secret@db/', 'db.example.org/stacklab secret', 'postgres:///stacklab']) {
      let message = '';
      try {
        load(bad);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, bad).toMatch(/^STACKLAB_DATABASE_URL must be a PostgreSQL URL such as postgres:\/\/stacklab:password@db\.example\.org:5432\/stacklab, not /);
      expect(message, bad).not.toContain('secret');
    }
  });
});
