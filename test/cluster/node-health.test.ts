/**
 * /healthz on a node of two workers, answered by the real primary (server/cluster/primary.ts) for
 * the whole node: it asks every ready worker over IPC and answers 200 only when each passes. The
 * workers are scripted (test/cluster/health-worker.ts) so that one can fail, hang, send junk or
 * crash on cue while the other is fine.
 */
import cluster from 'node:cluster';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrimary, type RunningPrimary } from '../../server/cluster/primary.js';
import { REPO_ROOT } from '../support/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'stacklab-node-health-'));
const logs: string[] = [];
let primary: RunningPrimary;

beforeAll(async () => {
  process.env['HEALTH_WORKER_DIR'] = dir;
  cluster.setupPrimary({
    exec: join(REPO_ROOT, 'test/cluster/health-worker.ts'),
    execArgv: ['--import', 'tsx'],
  });
  primary = await startPrimary({
    workers: 2,
    port: 0,
    host: '127.0.0.1',
    keystoneLearner: () => null,
    log: (m) => logs.push(m),
  });
}, 30_000);

afterAll(async () => {
  await primary?.close();
  rmSync(dir, { recursive: true, force: true });
});

const setMode = (index: number, mode: string) => writeFileSync(join(dir, `mode-${index}`), mode);
const asked = (index: number) => {
  try {
    return readFileSync(join(dir, `asked-${index}`)).length;
  } catch {
    return 0;
  }
};
const pidOf = (index: number) => Number(readFileSync(join(dir, `pid-${index}`), 'utf8'));
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
/** Past the 250 ms the node reuses an answer for. */
const stale = () => sleep(300);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

/** One request on its own connection, as a load balancer's check opens one. */
function get(path: string, method = 'GET'): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port: primary.port, path, method, agent: false, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          ok({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            ms: performance.now() - t0,
          }),
        );
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${path}`)));
    req.on('error', fail);
    req.end();
  });
}

const health = async () => {
  const r = await get('/healthz');
  return { ...r, json: JSON.parse(r.body) as { ok: boolean; error?: string } };
};

/** Asks until the node answers `status` (a worker is being started again meanwhile). */
async function until(status: number, withinMs: number): Promise<{ ok: boolean; error?: string }> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const r = await health();
    if (r.status === status) return r.json;
    if (Date.now() > deadline) throw new Error(`still ${r.status} ${r.body} after ${withinMs} ms`);
    await sleep(100);
  }
}

describe('the node answers /healthz for every worker', () => {
  it('200 while both pass, answered by the primary (no worker header), never cached, closed after', async () => {
    const r = await health();
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ ok: true });
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['connection']).toBe('close');
    expect(r.headers['x-stacklab-worker']).toBeUndefined();
    // HEAD: the same status, no body; a query string is still the check.
    const head = await get('/healthz', 'HEAD');
    expect([head.status, head.body]).toEqual([200, '']);
    expect((await get('/healthz?probe=1')).status).toBe(200);
    // Anything else still goes to a worker.
    expect((await get('/healthzz')).body).toMatch(/^worker [01]$/);
    expect((await get('/api/healthz')).body).toMatch(/^worker [01]$/);
    expect((await get('/healthz', 'POST')).body).toMatch(/^worker [01]$/);
  });

  it("one worker's store fails: 503 with its words, whichever connection asks; 200 again once it recovers", async () => {
    setMode(1, 'fail');
    await stale();
    for (let i = 0; i < 6; i += 1) {
      const r = await health();
      expect(r.status).toBe(503);
      expect(r.json).toEqual({
        ok: false,
        error: 'worker 1: the database file is gone (deleted or moved away)',
      });
    }
    expect(logs).toContain(
      'node health check failing: worker 1: the database file is gone (deleted or moved away)',
    );
    setMode(1, 'ok');
    await stale();
    expect((await health()).status).toBe(200);
    expect(logs).toContain('node health check: every worker passes again');
  });

  it('a worker that never answers: 503 within the bound, and the primary serves everyone meanwhile', async () => {
    setMode(0, 'silent');
    await stale();
    const check = health();
    // While the question waits, other connections are handed and answered at once (both workers).
    const meanwhile = await Promise.all(Array.from({ length: 6 }, () => get('/api/me')));
    expect(new Set(meanwhile.map((r) => r.body))).toEqual(new Set(['worker 0', 'worker 1']));
    for (const r of meanwhile) expect(r.ms).toBeLessThan(1000);
    const r = await check;
    expect(r.status).toBe(503);
    expect(r.json).toEqual({ ok: false, error: 'worker 0 did not answer within 1500 ms' });
    expect(r.ms).toBeGreaterThanOrEqual(1400);
    expect(r.ms).toBeLessThan(3000);
    setMode(0, 'ok');
    await stale();
    expect((await health()).status).toBe(200);
  }, 15_000);

  it('junk and forged IPC answers are ignored: the worker counts as not answering, the primary carries on', async () => {
    setMode(1, 'junk');
    await stale();
    const r = await health();
    expect(r.status).toBe(503);
    expect(r.json).toEqual({ ok: false, error: 'worker 1 did not answer within 1500 ms' });
    // Nothing of the junk reached the answer (no injected header, no 100 kB error).
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.body.length).toBeLessThan(200);
    setMode(1, 'ok');
    await stale();
    expect((await health()).status).toBe(200);
    expect((await get('/api/me')).body).toMatch(/^worker [01]$/);
  }, 15_000);

  it('1,000 checks at once: every one answered, a handful of IPC rounds', async () => {
    setMode(1, 'fail');
    await stale();
    const before = [asked(0), asked(1)];
    const t0 = Date.now();
    const all = await Promise.all(Array.from({ length: 1000 }, () => health()));
    const elapsed = Date.now() - t0;
    expect(all.every((r) => r.status === 503 && r.json.error?.startsWith('worker 1: '))).toBe(true);
    // One round in flight at a time, its answer reused for 250 ms: at most one round per 250 ms.
    const bound = Math.ceil(elapsed / 250) + 1;
    for (const [i, n] of [asked(0), asked(1)].entries()) {
      expect(n - (before[i] ?? 0)).toBeGreaterThanOrEqual(1);
      expect(n - (before[i] ?? 0)).toBeLessThanOrEqual(bound);
    }
    setMode(1, 'ok');
    await stale();
  }, 30_000);

  it('a worker being started again does not fail the node; one that keeps crashing does, until it stays up', async () => {
    // One death (quick or not: the workers are a few seconds old) is a restart, not a crash loop.
    const pid = pidOf(1);
    process.kill(pid, 'SIGKILL');
    // Its replacement starts (a few hundred ms): the node answers for the remaining worker meanwhile.
    const during = await health();
    expect(during.status).toBe(200);
    await sleep(2000);
    expect(pidOf(1)).not.toBe(pid);
    // Now it dies as soon as it starts, again and again.
    setMode(1, 'crash');
    process.kill(pidOf(1), 'SIGKILL');
    expect(await until(503, 10_000)).toEqual({
      ok: false,
      error: 'worker 1 keeps exiting soon after it starts',
    });
    setMode(1, 'ok');
    expect(await until(200, 20_000)).toEqual({ ok: true });
    // And it is asked again, as any ready worker.
    const n = asked(1);
    await stale();
    await health();
    expect(asked(1)).toBe(n + 1);
  }, 60_000);
});
