/**
 * Both cores (issue #19): `stacklab serve` with STACKLAB_WORKERS=2, a real primary and two real
 * workers on one SQLite file. Each learner's requests and terminal reach one worker; a Keystone
 * token issued on one worker validates (and is revoked) on the other; a worker killed with SIGKILL
 * is replaced and its learners carry on with their history; hostile connections to the primary
 * stall nobody; a lab reload on one worker reaches the other.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cloudsAuth, passwordLoginBody } from '../support/keystone-login.js';
import {
  httpCall,
  newLearnerCookie,
  startServerProcess,
  type ServerProcess,
} from '../support/server-process.js';
import { WsClient, type TerminalReply } from '../support/ws-client.js';

const WORKSPACE = 'sandbox:empty';
const INSTRUCTOR = 'fuzz-instructor-token';
let server: ServerProcess;
const clients: WsClient[] = [];

beforeAll(async () => {
  const data = mkdtempSync(join(tmpdir(), 'stacklab-cluster-'));
  const client = mkdtempSync(join(tmpdir(), 'stacklab-client-'));
  writeFileSync(join(client, 'index.html'), '<!doctype html><title>t</title>');
  server = await startServerProcess(
    {
      STACKLAB_WORKERS: '2',
      STACKLAB_DATA: data,
      STACKLAB_CLIENT: client,
      STACKLAB_NEW_LEARNERS_PER_ADDRESS: '0',
      STACKLAB_WATCH_LABS: '0',
    },
    { startTimeoutMs: 90_000 },
  );
}, 100_000);

afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await server?.stop(5000);
});

const workerOf = (r: { headers: Record<string, unknown> }) =>
  String(r.headers['x-stacklab-worker'] ?? '');

/** A fresh connection per call (no keep-alive pool): every request goes through the primary's routing. */
const call = (path: string, opts: Parameters<typeof httpCall>[2] = {}) =>
  httpCall(server.base, path, {
    ...opts,
    headers: { Connection: 'close', ...(opts.headers ?? {}) },
  });

async function terminal(cookie: string): Promise<{ client: WsClient; worker: string }> {
  const ws = new WebSocket(
    `ws://127.0.0.1:${server.port}/ws?workspace=${encodeURIComponent(WORKSPACE)}`,
    {
      headers: { Cookie: cookie, Origin: server.base },
    },
  );
  let worker = '';
  ws.once('upgrade', (res) => (worker = String(res.headers['x-stacklab-worker'] ?? '')));
  const client = new WsClient(ws);
  clients.push(client);
  const hello = await client.next(15_000);
  if (hello === null) throw new Error(`no terminal:\n${server.outputTail()}`);
  return { client, worker };
}

async function mustRun(c: WsClient, line: string): Promise<TerminalReply> {
  const r = await c.run(line, 15_000);
  if (r?.t !== 'result' || r.exitCode !== 0) throw new Error(`${line}: ${JSON.stringify(r)}`);
  return r;
}

/** Learners (cookies) by the worker they reach, at least `per` on each. */
async function learnersOnEachWorker(per: number): Promise<Map<string, string[]>> {
  const by = new Map<string, string[]>([
    ['0', []],
    ['1', []],
  ]);
  for (let i = 0; i < 60 && [...by.values()].some((l) => l.length < per); i++) {
    const cookie = await newLearnerCookie(server.base);
    by.get(workerOf(await call('/api/me', { headers: { Cookie: cookie } })))?.push(cookie);
  }
  for (const [w, l] of by)
    if (l.length < per) throw new Error(`60 learners, fewer than ${per} on worker ${w}`);
  return by;
}

/** The pid of the worker with this index (its environment names it). */
function workerPid(index: string): number {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== server.pid) continue;
      if (
        readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .includes(`STACKLAB_WORKER_INDEX=${index}`)
      )
        return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no worker ${index}`);
}

describe('STACKLAB_WORKERS=2', () => {
  it("each learner's requests and terminal reach one worker; learners spread over both", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 16; i++) {
      const cookie = await newLearnerCookie(server.base);
      const workers = new Set<string>();
      for (let k = 0; k < 5; k++)
        workers.add(workerOf(await call('/api/me', { headers: { Cookie: cookie } })));
      const t = await terminal(cookie);
      workers.add(t.worker);
      t.client.ws.close();
      expect([...workers], `learner ${i}`).toHaveLength(1);
      seen.add([...workers][0] ?? '');
    }
    expect([...seen].sort()).toEqual(['0', '1']);
  }, 60_000);

  it('a Keystone token issued on one worker validates on the other; revoked on one, refused on the other', async () => {
    const by = await learnersOnEachWorker(1);
    const on = (w: string) => ({ Cookie: by.get(w)?.[0] ?? '' });
    const cookie = await newLearnerCookie(server.base);
    const file = await call(`/api/me/clouds.yaml?workspace=${encodeURIComponent(WORKSPACE)}`, {
      headers: { Cookie: cookie },
    });
    const { auth, tokensPath } = cloudsAuth(file.body.toString());
    const login = () => call(tokensPath, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: passwordLoginBody(auth) });
    // Logins carry no learner: round robin gives tokens from both workers.
    const tokens = new Map<string, string>();
    for (let i = 0; i < 6 && tokens.size < 2; i++) {
      const r = await login();
      expect(r.status).toBe(201);
      tokens.set(workerOf(r), String(r.headers['x-subject-token']));
    }
    expect([...tokens.keys()].sort()).toEqual(['0', '1']);
    // A request's cookie picks the worker (keystone ignores the cookie): each token on each worker.
    for (const [issuer, token] of tokens)
      for (const w of ['0', '1']) {
        const r = await call(tokensPath, {
          headers: { ...on(w), 'X-Auth-Token': token, 'X-Subject-Token': token },
        });
        expect(r.status, `token of worker ${issuer} on worker ${w}`).toBe(200);
        expect(workerOf(r)).toBe(w);
      }
    const [t0, t1] = [tokens.get('0') ?? '', tokens.get('1') ?? ''];
    // Worker 0 revokes worker 1's token; worker 1 refuses it (404 for the subject, 401 as the caller).
    const del = await call(tokensPath, {
      method: 'DELETE',
      headers: { ...on('0'), 'X-Auth-Token': t0, 'X-Subject-Token': t1 },
    });
    expect(del.status).toBe(204);
    expect(workerOf(del)).toBe('0');
    let refused = 0;
    for (let i = 0; i < 50 && refused === 0; i++) {
      const r = await call(tokensPath, {
        headers: { ...on('1'), 'X-Auth-Token': t0, 'X-Subject-Token': t1 },
      });
      if (r.status === 404) refused += 1;
      else await new Promise((ok) => setTimeout(ok, 20));
    }
    expect(refused).toBe(1);
    const asCaller = await call(tokensPath, {
      headers: { ...on('1'), 'X-Auth-Token': t1, 'X-Subject-Token': t0 },
    });
    expect(asCaller.status).toBe(401);
    // Without a cookie, the token itself routes: to its learner's worker, every time.
    const routed = new Set<string>();
    for (let i = 0; i < 4; i++)
      routed.add(
        workerOf(
          await call(tokensPath, {
            headers: { 'X-Auth-Token': t0, 'X-Subject-Token': t0 },
          }),
        ),
      );
    expect(routed.size).toBe(1);
  }, 60_000);

  it('a worker killed with SIGKILL is replaced; its learners carry on with their history', async () => {
    const by = await learnersOnEachWorker(1);
    const cookie = by.get('1')?.[0] ?? '';
    const before = await terminal(cookie);
    expect(before.worker).toBe('1');
    await mustRun(before.client, 'openstack network create kept-1');
    const pid = workerPid('1');
    process.kill(pid, 'SIGKILL');
    // Meanwhile the other worker serves them (correctness never depends on routing).
    const during = await terminal(cookie);
    expect(
      (await mustRun(during.client, 'openstack network list -f value -c Name')).stdout,
    ).toContain('kept-1');
    await mustRun(during.client, 'openstack network create kept-2');
    during.client.ws.close();
    let back = '';
    for (let i = 0; i < 300 && back !== '1'; i++) {
      back = workerOf(await call('/api/me', { headers: { Cookie: cookie } }));
      if (back !== '1') await new Promise((ok) => setTimeout(ok, 100));
    }
    expect(back).toBe('1');
    expect(workerPid('1')).not.toBe(pid);
    const after = await terminal(cookie);
    expect(after.worker).toBe('1');
    const names =
      (await mustRun(after.client, 'openstack network list -f value -c Name')).stdout ?? '';
    expect(names).toContain('kept-1');
    expect(names).toContain('kept-2');
  }, 90_000);

  it('hostile connections to the primary (garbage, a 1 MB head, silent sockets) stall nobody', async () => {
    const silent = Array.from({ length: 50 }, () => connect(server.port, '127.0.0.1'));
    const closedAt: number[] = [];
    const t0 = Date.now();
    for (const s of silent) {
      s.on('error', () => undefined);
      // Read (the 408), or the end of the stream is never seen.
      s.resume();
      s.on('close', () => closedAt.push(Date.now() - t0));
    }
    const huge = connect(server.port, '127.0.0.1');
    huge.on('error', () => undefined);
    const hugeAnswer = new Promise<string>((ok) => {
      let got = '';
      huge.on('data', (d) => (got += d.toString('latin1')));
      huge.on('close', () => ok(got));
    });
    huge.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(1024 * 1024)}\r\n\r\n`);
    const garbage = connect(server.port, '127.0.0.1');
    garbage.on('error', () => undefined);
    const garbageAnswer = new Promise<string>((ok) => {
      let got = '';
      garbage.on('data', (d) => (got += d.toString('latin1')));
      garbage.on('close', () => ok(got));
    });
    garbage.write('\u0000\u00ff\u0001 not http at all\r\n\r\n');
    // Meanwhile a learner is served at once.
    const cookie = await newLearnerCookie(server.base);
    const start = Date.now();
    for (let i = 0; i < 10; i++)
      expect((await call('/api/me', { headers: { Cookie: cookie } })).status).toBe(200);
    expect(Date.now() - start).toBeLessThan(3000);
    expect(await hugeAnswer).toMatch(/^HTTP\/1\.1 431 /);
    expect(await garbageAnswer).toMatch(/^HTTP\/1\.1 400 /);
    // The silent ones are closed after the head timeout (5 s), not kept.
    await new Promise((ok) => setTimeout(ok, 7000));
    expect(closedAt).toHaveLength(50);
    expect(Math.min(...closedAt)).toBeGreaterThan(4000);
    expect((await call('/healthz')).status).toBe(200);
  }, 30_000);

  it("the class page's Reload on one worker reaches the other", async () => {
    const by = await learnersOnEachWorker(1);
    const labsOf = async (w: string) => {
      const r = await call('/api/instructor/labs/status', {
        headers: { Cookie: by.get(w)?.[0] ?? '', Authorization: `Bearer ${INSTRUCTOR}` },
      });
      expect(workerOf(r)).toBe(w);
      return JSON.parse(r.body.toString()) as { lastReload: { at: number | string } };
    };
    const before = (await labsOf('1')).lastReload.at;
    const r = await call('/api/instructor/labs/reload', {
      method: 'POST',
      headers: {
        Cookie: by.get('0')?.[0] ?? '',
        Authorization: `Bearer ${INSTRUCTOR}`,
        Origin: server.base,
      },
    });
    expect(r.status).toBe(200);
    expect(workerOf(r)).toBe('0');
    let after = before;
    for (let i = 0; i < 50 && after === before; i++) {
      after = (await labsOf('1')).lastReload.at;
      if (after === before) await new Promise((ok) => setTimeout(ok, 50));
    }
    expect(after).not.toBe(before);
  }, 30_000);

  it('SIGHUP to the primary reloads the labs in every worker', async () => {
    const by = await learnersOnEachWorker(1);
    const lastReload = async (w: string) => {
      const r = await call('/api/instructor/labs/status', {
        headers: { Cookie: by.get(w)?.[0] ?? '', Authorization: `Bearer ${INSTRUCTOR}` },
      });
      expect(workerOf(r)).toBe(w);
      return (JSON.parse(r.body.toString()) as { lastReload: { at: number | string } }).lastReload
        .at;
    };
    const before = [await lastReload('0'), await lastReload('1')];
    process.kill(server.pid, 'SIGHUP');
    let after = before;
    for (let i = 0; i < 50 && (after[0] === before[0] || after[1] === before[1]); i++) {
      await new Promise((ok) => setTimeout(ok, 50));
      after = [await lastReload('0'), await lastReload('1')];
    }
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(server.exit).toBeNull();
  }, 30_000);
});
