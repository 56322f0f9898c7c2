/**
 * The web layer's limits, tried as an attacker would: one learner with many terminals, a flood
 * of cookieless visits, a store that cannot write — and, on a real server process, a full disk
 * followed by kill -9: every acknowledged command is there after the restart, and the server
 * stayed up through the full disk.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { startServer, type RunningServer } from '../server/http/app.js';
import { memoryStore } from '../server/store/memory.js';
import { StoreError, type CloudStore } from '../server/store/types.js';
import { openTerminal, type Terminal } from './support/terminal-client.js';
import { newLearnerCookie, startServerProcess } from './support/server-process.js';
import { testConfig } from './support/server-config.js';

const configFor = (env: Record<string, string> = {}) => testConfig('limits', env);

const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function serve(store: CloudStore = memoryStore()) {
  const server = await startServer(configFor(), { store });
  servers.push(server);
  return server.url.replace('localhost', '127.0.0.1');
}

describe('limits per learner', () => {
  it('the message rate is per learner, not per connection: 8 terminals together get one budget', async () => {
    const base = await serve();
    const cookie = await newLearnerCookie(base);
    const terms: Terminal[] = [];
    for (let i = 0; i < 8; i++) terms.push(await openTerminal(base, cookie));
    // 8 × 40 lines at once: the burst is 60 for the learner, whichever terminal sends.
    const started = Date.now();
    for (const t of terms) for (let i = 0; i < 40; i++) t.send({ t: 'line', line: 'true' });
    const answered = () => terms.flatMap((t) => t.received.filter((m) => m['t'] === 'result'));
    while (answered().length < 320 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
    const seconds = (Date.now() - started) / 1000;
    const all = answered();
    const refused = all.filter((m) => m['stderr'] === 'stacklab: too many commands at once: this one was not run. Slow down.\n').length;
    const results = all.filter((m) => m['exitCode'] === 0).length;
    // Every line gets a result; 60 run at once, then 20 a second (however slow the machine is).
    expect(results + refused).toBe(320);
    expect(results).toBeGreaterThanOrEqual(60);
    expect(results).toBeLessThanOrEqual(60 + Math.ceil(seconds * 20) + 1);
    expect(refused).toBeGreaterThan(150);
    for (const t of terms) t.close();
  });

  it('a learner has at most 8 terminals open; the 9th is closed with a reason', async () => {
    const base = await serve();
    const cookie = await newLearnerCookie(base);
    const terms: Terminal[] = [];
    for (let i = 0; i < 8; i++) terms.push(await openTerminal(base, cookie));
    const ninth = await openTerminal(base, cookie);
    expect(await ninth.closed).toBe(1008);
    expect(ninth.received[0]?.['message']).toMatch(/8 terminals open already/);
    terms[0]?.close();
    await terms[0]?.closed;
    await new Promise((r) => setTimeout(r, 50));
    const again = await openTerminal(base, cookie);
    expect((await again.run('echo ok')).stdout).toBe('ok\n');
    for (const t of [...terms, again]) t.close();
  });
});

describe('visitors without a session', () => {
  it('2,000 cookieless visits create no learner rows', async () => {
    const store = memoryStore();
    let created = 0;
    const counting: CloudStore = {
      ...store,
      createLearner: async (...a) => (created++, (await store.createLearner(...a))),
      ensureLearner: async (...a) => (created++, (await store.ensureLearner(...a))),
    };
    const base = await serve(counting);
    const cookie = await newLearnerCookie(base);
    let ok = 1;
    const started = Date.now();
    for (let i = 0; i < 2000; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => fetch(`${base}/api/labs`).then((r) => (r.arrayBuffer(), r.status))));
      ok += batch.filter((s) => s === 200).length;
    }
    const seconds = (Date.now() - started) / 1000;
    expect(created).toBe(0);
    // One address: a burst of 300 cookies, then 2 a second (however slow this machine is today).
    expect(ok).toBeGreaterThanOrEqual(300);
    expect(ok).toBeLessThanOrEqual(300 + Math.ceil(seconds * 2) + 1);
    const next = await Promise.all(Array.from({ length: 10 }, () => fetch(`${base}/api/labs`)));
    const refused = next.find((r) => r.status === 429);
    expect(refused?.headers.get('retry-after')).toBe('30');
    // A learner with a cookie is not affected by the address's budget.
    expect((await fetch(`${base}/api/labs`, { headers: { cookie } })).status).toBe(200);
  });
});

describe('behind a proxy', () => {
  it('STACKLAB_NEW_LEARNERS_PER_ADDRESS=0 turns the per-address limit off', async () => {
    const server = await startServer(configFor({ STACKLAB_NEW_LEARNERS_PER_ADDRESS: '0' }), { store: memoryStore() });
    servers.push(server);
    const base = server.url.replace('localhost', '127.0.0.1');
    const statuses = await Promise.all(Array.from({ length: 500 }, () => fetch(`${base}/api/me`).then((r) => (r.arrayBuffer(), r.status))));
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});

describe('a store that cannot write', () => {
  it('refuses the command in words and the server keeps serving', async () => {
    const inner = memoryStore();
    let broken = false;
    const store: CloudStore = {
      ...inner,
      saveStep: (...a) => {
        if (broken) throw new StoreError("the server's database is read-only", 'SQLITE_READONLY');
        return inner.saveStep(...a);
      },
    };
    const base = await serve(store);
    const t = await openTerminal(base, await newLearnerCookie(base));
    expect((await t.run('openstack network create kept')).exitCode).toBe(0);
    broken = true;
    const r = await t.run('openstack network create lost');
    expect(r.stderr).toContain("this command was not run: the server's database is read-only");
    broken = false;
    const list = await t.run('openstack network list -f value -c Name');
    expect(list.stdout).toContain('kept');
    expect(list.stdout).not.toContain('lost');
    expect((await fetch(`${base}/healthz`)).ok).toBe(true);
    t.close();
  });
});

describe('a real server: full disk, then kill -9', () => {
  it('stays up through the full disk and loses nothing acknowledged', { timeout: 60_000 }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'stacklab-full-'));
    const env = { STACKLAB_DATA: data, STACKLAB_STORE: 'sqlite', STACKLAB_SECRET: 'full-secret', STACKLAB_DB_MAX_MB: '1' };
    const first = await startServerProcess(env);
    onTestFinished(() => first.stop(500));
    const cookie = await newLearnerCookie(first.base);
    const t = await openTerminal(first.base, cookie);
    await t.run(`A=${'z'.repeat(3000)}`);
    const acknowledged: string[] = [];
    let refusal = '';
    for (let i = 0; i < 2000 && refusal === ''; i++) {
      const line = `echo ${i} $A $A $A $A $A`;
      const r = await t.run(line);
      if (r.stderr.includes('too many commands at once')) {
        // The learner's message rate (20/s): wait and type it again.
        await new Promise((ok) => setTimeout(ok, 100));
        i--;
        continue;
      }
      if (r.stderr.includes('could not be saved')) refusal = r.stderr;
      else acknowledged.push(line);
    }
    expect(refusal).toBe("stacklab: this command was not run: the server's disk is full, so it could not be saved. Your cloud is as it was; try again in a moment.\n");
    // Still up: another learner is served (a small write may still fit a page; a big one is refused in words).
    expect((await fetch(`${first.base}/healthz`)).ok).toBe(true);
    const other = await openTerminal(first.base, await newLearnerCookie(first.base));
    const small = await other.run('openstack network list');
    expect(small.exitCode === 0 || small.stderr.includes("the server's disk is full")).toBe(true);
    expect((await other.run(`Q=${'q'.repeat(3900)}; echo $Q $Q $Q $Q $Q`)).stderr).toContain("the server's disk is full");
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startServerProcess({ ...env, STACKLAB_DB_MAX_MB: '' });
    onTestFinished(() => second.stop(500));
    const again = await openTerminal(second.base, cookie);
    await again.run('true');
    const history = again.received.find((m) => m['t'] === 'hello')?.['history'] as string[];
    const typed = history.filter((l) => l.startsWith('echo '));
    // Every acknowledged line (fewer than the 500 lines the terminal gets back), none refused.
    expect(acknowledged.length).toBeGreaterThan(10);
    expect(acknowledged.length).toBeLessThan(490);
    expect(typed).toEqual(acknowledged);
    // The variable set before the disk filled up is there too (replayed from the history).
    expect((await again.run('echo ${#A} $A')).stdout.length).toBeGreaterThan(3000);
    again.close();
  });
});
