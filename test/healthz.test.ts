/**
 * GET /healthz asks the store: 200 while it answers, 503 saying what failed when its SQLite file
 * is gone, replaced or unreadable, when it is closed, when PostgreSQL stops, or when it does not
 * answer within the bound. However many checks arrive, one ping at a time reaches the store.
 */
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../server/http/app.js';
import { healthCheck } from '../server/http/health.js';
import { memoryStore } from '../server/store/memory.js';
import { sqliteStore } from '../server/store/sqlite.js';
import { StoreError, type CloudStore } from '../server/store/types.js';
import { startPostgres } from './support/postgres.js';
import { testConfig } from './support/server-config.js';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function serve(env: Record<string, string> = {}, store?: CloudStore) {
  const config = testConfig('healthz', env);
  const s = await startServer(config, store ? { store } : {});
  running.push(s);
  return { url: s.url, config };
}

async function health(url: string): Promise<{ status: number; body: { ok: boolean; error?: string }; text: string; ms: number }> {
  const t0 = performance.now();
  const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text) as { ok: boolean; error?: string }, text, ms: performance.now() - t0 };
}

/** Past the 250 ms an answer is reused for (server/http/health.ts `freshMs`): the next check asks the store. */
const stale = () => new Promise((ok) => setTimeout(ok, 300));

/** A memory store whose ping is the test's, counting its calls. */
function storeWithPing(ping: () => Promise<void>): CloudStore & { pings: () => number } {
  let n = 0;
  const store = memoryStore();
  store.ping = () => {
    n += 1;
    return ping();
  };
  return Object.assign(store, { pings: () => n });
}

describe('/healthz on a working store', () => {
  it('answers 200 {"ok":true} on memory and on SQLite, never cached', async () => {
    for (const env of [{}, { STACKLAB_STORE: 'sqlite' }] as Array<Record<string, string>>) {
      const { url } = await serve(env);
      const r = await fetch(`${url}/healthz`);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ ok: true });
      expect(r.headers.get('cache-control')).toBe('no-store');
      // Asked before any learner: no cookie handed out.
      expect(r.headers.get('set-cookie')).toBeNull();
    }
  });

  it('is not held back by the per-address limit on new visitors', async () => {
    const { url } = await serve({ STACKLAB_NEW_LEARNERS_PER_ADDRESS: '1' });
    expect((await fetch(`${url}/api/me`)).status).toBe(200);
    expect((await fetch(`${url}/api/me`)).status).toBe(429);
    for (let i = 0; i < 20; i += 1) expect((await health(url)).status).toBe(200);
  });
});

describe('/healthz on SQLite that went wrong', () => {
  it('503 once the database file is deleted (the open file still answers reads), without naming the path', async () => {
    const { url, config } = await serve({ STACKLAB_STORE: 'sqlite' });
    expect((await health(url)).status).toBe(200);
    const file = join(config.dataDir, 'stacklab.db');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    await stale();
    const r = await health(url);
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ ok: false, error: 'the database file is gone (deleted or moved away)' });
    expect(r.text).not.toContain(config.dataDir);
  });

  it('503 when another file was put in its place', async () => {
    const { url, config } = await serve({ STACKLAB_STORE: 'sqlite' });
    const file = join(config.dataDir, 'stacklab.db');
    rmSync(file);
    writeFileSync(file, '');
    expect((await health(url)).body).toEqual({ ok: false, error: 'the database file was replaced by another one' });
  });

  // root reads and writes whatever the mode says: this case only exists for other users.
  it.skipIf(process.getuid?.() === 0)('503 when the file is no longer readable and writable by the server', async () => {
    const { url, config } = await serve({ STACKLAB_STORE: 'sqlite' });
    const file = join(config.dataDir, 'stacklab.db');
    chmodSync(file, 0o000);
    try {
      expect((await health(url)).body).toEqual({ ok: false, error: 'the database file is no longer readable and writable by the server' });
    } finally {
      chmodSync(file, 0o600);
    }
    await stale();
    expect((await health(url)).status).toBe(200);
  });

  it('503 once the store is closed under the server', async () => {
    const { config } = await serve();
    const store = sqliteStore(join(config.dataDir, 'given.db'));
    const { url } = await serve({}, store);
    expect((await health(url)).status).toBe(200);
    await store.close();
    await stale();
    const r = await health(url);
    expect(r.status).toBe(503);
    expect(r.body.ok).toBe(false);
    expect(r.body.error).toMatch(/database/);
  });
});

describe('/healthz on a store that fails or hangs', () => {
  it("503 with the StoreError's words; anything else in general words, never its message", async () => {
    const { url } = await serve({}, storeWithPing(() => Promise.reject(new StoreError("the server's database is unreachable", 'ECONNREFUSED'))));
    expect((await health(url)).body).toEqual({ ok: false, error: "the server's database is unreachable" });
    const other = await serve({}, storeWithPing(() => Promise.reject(new Error('connect to postgres://u:hunter2@db/x failed'))));
    const r = await health(other.url);
    expect(r.body).toEqual({ ok: false, error: 'the database check failed unexpectedly' });
    expect(r.text).not.toContain('hunter2');
    // A ping that throws instead of rejecting is the same failure, not a 500.
    const thrower = await serve({}, storeWithPing(() => { throw new StoreError('the server\'s database failed', 'X'); }));
    expect((await health(thrower.url)).status).toBe(503);
  });

  it('a ping that never answers: 503 within the bound, and 1,000 checks at once make one ping', async () => {
    const store = storeWithPing(() => new Promise<void>(() => undefined));
    const { url } = await serve({}, store);
    const first = await health(url);
    expect(first.status).toBe(503);
    expect(first.body.error).toBe('the database did not answer within 1000 ms');
    expect(first.ms).toBeGreaterThanOrEqual(900);
    expect(first.ms).toBeLessThan(3000);
    const all = await Promise.all(Array.from({ length: 1000 }, () => health(url)));
    expect(all.every((r) => r.status === 503 && r.body.error === first.body.error)).toBe(true);
    expect(store.pings()).toBe(1);
    // The ping still hangs: a check now is answered from it at once, not after another wait.
    const later = await health(url);
    expect(later.status).toBe(503);
    expect(later.ms).toBeLessThan(800);
    expect(store.pings()).toBe(1);
  }, 20_000);

});

const tick = () => new Promise((ok) => setTimeout(ok, 0));

describe('healthCheck', () => {
  it('1,000 checks during a slow ping share it; its answer is reused for a moment, then the store is asked again', async () => {
    let calls = 0;
    let clock = 0;
    let release: () => void = () => undefined;
    const check = healthCheck(
      () => {
        calls += 1;
        return new Promise<void>((ok) => (release = ok));
      },
      { now: () => clock },
    );
    const answers = Promise.all(Array.from({ length: 1000 }, () => check()));
    await tick();
    release();
    expect((await answers).every((h) => h.ok)).toBe(true);
    expect(calls).toBe(1);
    clock = 249;
    expect(await check()).toEqual({ ok: true });
    expect(calls).toBe(1);
    clock = 250;
    const again = check();
    await tick();
    release();
    expect(await again).toEqual({ ok: true });
    expect(calls).toBe(2);
  });

  it('answers again from the store once a late ping settles, and gives up on one that never does', async () => {
    let clock = 0;
    const pending: Array<(fail?: Error) => void> = [];
    let calls = 0;
    const logged: string[] = [];
    const check = healthCheck(
      () => {
        calls += 1;
        return new Promise<void>((ok, no) => pending.push((fail) => (fail ? no(fail) : ok())));
      },
      { timeoutMs: 20, abandonMs: 1000, freshMs: 0, now: () => clock, log: (m) => logged.push(m) },
    );
    expect(await check()).toEqual({ ok: false, error: 'the database did not answer within 20 ms' });
    // Still pending: the same answer, no new ping.
    clock = 500;
    expect(await check()).toMatchObject({ ok: false });
    expect(calls).toBe(1);
    // The late ping settles: the next check asks the store again.
    pending[0]?.();
    await tick();
    const next = check();
    await tick();
    pending[1]?.();
    expect(await next).toEqual({ ok: true });
    expect(calls).toBe(2);
    // A ping that never settles is given up on after abandonMs: one new ping, not one per check.
    clock = 1000;
    const stuck = check();
    expect(await stuck).toMatchObject({ ok: false });
    clock = 1999;
    await check();
    expect(calls).toBe(3);
    clock = 2000;
    const fresh = check();
    await tick();
    pending[3]?.(new StoreError('the server\'s database failed', 'X'));
    expect(await fresh).toEqual({ ok: false, error: "the server's database failed" });
    expect(calls).toBe(4);
    // Changes are logged, not every check (failing for another reason is still failing).
    expect(logged).toEqual([
      'health check failing: the database did not answer within 20 ms',
      'health check: the store answers again',
      'health check failing: the database did not answer within 20 ms',
    ]);
  });
});

let pgSkipped = '';
const pgServer = await startPostgres((reason) => {
  pgSkipped = reason;
});
afterAll(() => pgServer?.stop());

describe.skipIf(!pgServer?.outage)(pgServer?.outage ? '/healthz on PostgreSQL' : `/healthz on PostgreSQL (skipped: ${pgSkipped || 'not our server'})`, () => {
  it('503 while the database server is stopped, 200 once it is back', async () => {
    const { url } = await serve({ STACKLAB_DATABASE_URL: await pgServer!.newDatabase() });
    expect((await health(url)).status).toBe(200);
    await pgServer!.outage!.halt();
    await stale();
    try {
      const down = await health(url);
      expect(down.status).toBe(503);
      expect(down.body.error).toMatch(/database/);
      expect(down.text).not.toMatch(/postgres:\/\/|127\.0\.0\.1/);
    } finally {
      await pgServer!.outage!.resume();
    }
    // The pool reconnects: back within a few checks.
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i += 1) {
      status = (await health(url)).status;
      if (status !== 200) await new Promise((ok) => setTimeout(ok, 250));
    }
    expect(status).toBe(200);
  }, 60_000);
});
