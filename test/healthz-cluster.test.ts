/**
 * /healthz with STACKLAB_WORKERS=2 and the real app in each worker: the primary answers a check for
 * the whole node (server/cluster/node-health.ts), asking each worker's own check over IPC. With one
 * worker's SQLite file replaced under it and the other worker fine, every check says 503 (before,
 * checks reached the workers in turn and a load balancer saw 200 and 503 by turns); a stopped
 * worker makes the node fail within the bound; the node passes again once both do.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  httpCall,
  newLearnerCookie,
  startServerProcess,
  type ServerProcess,
} from './support/server-process.js';

let server: ServerProcess;
const data = mkdtempSync(join(tmpdir(), 'stacklab-healthz-cluster-'));
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
/** Past the 250 ms the node (and each worker) reuses an answer for. */
const stale = () => sleep(300);

beforeAll(async () => {
  server = await startServerProcess(
    {
      STACKLAB_WORKERS: '2',
      STACKLAB_DATA: data,
      STACKLAB_SECRET: 'healthz-cluster',
      STACKLAB_INSTRUCTOR_TOKEN: 'i',
      STACKLAB_WATCH_LABS: '0',
      STACKLAB_NEW_LEARNERS_PER_ADDRESS: '0',
    },
    { startTimeoutMs: 40_000 },
  );
}, 60_000);

afterAll(async () => {
  await server?.stop(2000);
  rmSync(data, { recursive: true, force: true });
});

/** Ten checks, each on a new connection (as a load balancer's): the statuses and bodies seen. */
async function checks(): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < 10; i += 1) {
    const r = await httpCall(server.base, '/healthz', { headers: { Connection: 'close' } });
    // The primary answers: no worker did.
    expect(r.headers['x-stacklab-worker']).toBeUndefined();
    seen.add(`${r.status} ${r.body.toString()}`);
  }
  return seen;
}

/** Checks until the node answers `status`, or fails after `withinMs`. */
async function until(status: number, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const r = await httpCall(server.base, '/healthz', { headers: { Connection: 'close' } });
    if (r.status === status) return;
    if (Date.now() > deadline)
      throw new Error(`still ${r.status} ${r.body.toString()}:\n${server.outputTail()}`);
    await sleep(200);
  }
}

/** The pid of the worker with this index (its environment names it). */
function workerPid(index: number): number {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== server.pid) continue;
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (env.includes(`STACKLAB_WORKER_INDEX=${index}`)) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no worker ${index}`);
}

/**
 * A worker's own answer: a learner's request takes a kept-alive connection to their worker, and a
 * /healthz after it on that connection is that worker's (the primary reads only a first head).
 */
async function ownCheck(worker: string): Promise<number> {
  // Up to 20 s: a worker just replaced takes a few seconds to start (its learners go elsewhere meanwhile).
  // A connection a killed worker held ends under the request that reuses it (the kernel closes it
  // a moment after the kill): that try is lost, as a real client's would be, and the next is made.
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(100)) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const cookie = await newLearnerCookie(server.base, { headers: { Connection: 'close' } });
      const first = await fetchOn(agent, '/api/me', cookie);
      if (first.worker !== worker) continue;
      const own = await fetchOn(agent, '/healthz', cookie);
      expect(own.worker).toBe(worker);
      return own.status;
    } catch (e) {
      if (!isConnectionLost(e)) throw e;
    } finally {
      agent.destroy();
    }
  }
  throw new Error(`no learner reached worker ${worker}`);
}

/** The connection ended or was reset under the request (its worker died a moment before). */
function isConnectionLost(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || (e instanceof Error && e.message === 'socket hang up');
}

function fetchOn(
  agent: Agent,
  path: string,
  cookie: string,
): Promise<{ status: number; worker: string }> {
  return new Promise((ok, fail) => {
    const req = request(`${server.base}${path}`, { agent, headers: { Cookie: cookie } }, (res) => {
      res.resume();
      res.on('end', () =>
        ok({ status: res.statusCode ?? 0, worker: String(res.headers['x-stacklab-worker'] ?? '') }),
      );
    });
    req.on('error', fail);
    req.end();
  });
}

it("one worker's database file replaced under it: the node fails every check until that worker is fine too", async () => {
  expect(await checks()).toEqual(new Set(['200 {"ok":true}']));
  // Another file in its place: both workers still hold the one they opened, and both fail.
  const file = join(data, 'stacklab.db');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  writeFileSync(file, '');
  await stale();
  const both = 'worker 0: the database file was replaced by another one';
  expect(await checks()).toEqual(new Set([`503 {"ok":false,"error":"${both}"}`]));
  // Worker 1 is replaced and opens the file now there: it passes; worker 0 still fails, and the
  // node says so on every check, not every other one.
  process.kill(workerPid(1), 'SIGKILL');
  expect(await ownCheck('1')).toBe(200);
  expect(await checks()).toEqual(new Set([`503 {"ok":false,"error":"${both}"}`]));
  expect(await ownCheck('0')).toBe(503);
  // Worker 0 replaced as well: the node passes again.
  process.kill(workerPid(0), 'SIGKILL');
  expect(await ownCheck('0')).toBe(200);
  expect(await checks()).toEqual(new Set(['200 {"ok":true}']));
}, 90_000);

it('a stopped worker: 503 within the bound naming it, and 200 once it runs again', async () => {
  const pid = workerPid(0);
  process.kill(pid, 'SIGSTOP');
  try {
    await stale();
    const t0 = performance.now();
    const r = await httpCall(server.base, '/healthz', { headers: { Connection: 'close' } });
    const ms = performance.now() - t0;
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body.toString())).toEqual({
      ok: false,
      error: 'worker 0 did not answer within 1500 ms',
    });
    expect(ms).toBeLessThan(3000);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  await until(200, 10_000);
}, 30_000);
