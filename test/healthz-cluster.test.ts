/**
 * /healthz with STACKLAB_WORKERS=2: the primary hands each check (no learner in it) to a worker in
 * turn, and that worker answers for itself. With the SQLite file deleted under the running server,
 * every worker says so (each checks the file it opened), so the node fails its checks whichever
 * worker a check reaches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { httpCall, startServerProcess, type ServerProcess } from './support/server-process.js';

let server: ServerProcess;
const data = mkdtempSync(join(tmpdir(), 'stacklab-healthz-cluster-'));

beforeAll(async () => {
  server = await startServerProcess(
    { STACKLAB_WORKERS: '2', STACKLAB_DATA: data, STACKLAB_SECRET: 'healthz-cluster', STACKLAB_INSTRUCTOR_TOKEN: 'i', STACKLAB_WATCH_LABS: '0' },
    { startTimeoutMs: 40_000 },
  );
}, 60_000);

afterAll(async () => {
  await server?.stop(2000);
  rmSync(data, { recursive: true, force: true });
});

/** Ten checks, each on a new connection (so the primary hands them round robin): worker → statuses seen. */
async function checks(): Promise<Map<string, Set<number>>> {
  const seen = new Map<string, Set<number>>();
  for (let i = 0; i < 10; i += 1) {
    const r = await httpCall(server.base, '/healthz', { headers: { Connection: 'close' } });
    const worker = String(r.headers['x-stacklab-worker'] ?? '');
    if (!seen.has(worker)) seen.set(worker, new Set());
    seen.get(worker)?.add(r.status);
    if (r.status === 503) expect(JSON.parse(r.body.toString())).toEqual({ ok: false, error: 'the database file is gone (deleted or moved away)' });
  }
  return seen;
}

it('each worker answers for itself: 200 from both, then 503 from both once the database file is gone', async () => {
  expect(await checks()).toEqual(new Map([['0', new Set([200])], ['1', new Set([200])]]));
  const file = join(data, 'stacklab.db');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  // Past the 250 ms a worker reuses its last answer for.
  await new Promise((ok) => setTimeout(ok, 300));
  expect(await checks()).toEqual(new Map([['0', new Set([503])], ['1', new Set([503])]]));
}, 30_000);
