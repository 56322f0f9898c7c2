/**
 * Authoring without restarts, over HTTP: the class page's Reload and status (instructors only),
 * a broken labs folder that never takes the server down, a new lab in the catalogue at once, a
 * changed lab graded with its new checks in an open terminal, and a lab removed under a learner.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { MAX_LAB_BYTES } from '../../server/labs/registry.js';
import { openTerminal } from '../support/terminal-client.js';
import { newLearnerCookie } from '../support/server-process.js';
import { testConfig } from '../support/server-config.js';
import { tinyLab } from '../labs/registry-labs.js';

const TOKEN = 'labs-reload-instructor';
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function serve(files: Record<string, string>, watch = false) {
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-labs-http-'));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const server = await startServer(testConfig('labs-reload', { STACKLAB_LABS: dir, STACKLAB_WATCH_LABS: watch ? '1' : '0' }));
  servers.push(server);
  const base = server.url.replace('localhost', '127.0.0.1');
  const cookie = await newLearnerCookie(base);
  const as = (auth: string | null): Record<string, string> => (auth === null ? {} : { Authorization: `Bearer ${auth}` });
  return {
    dir,
    base,
    cookie,
    server,
    reload: (auth: string | null = TOKEN) => fetch(`${base}/api/instructor/labs/reload`, { method: 'POST', headers: as(auth) }),
    status: (auth: string | null = TOKEN) => fetch(`${base}/api/instructor/labs/status`, { headers: as(auth) }),
    labIds: async () => ((await (await fetch(`${base}/api/labs`, { headers: { cookie } })).json()) as Array<{ id: string }>).map((l) => l.id),
  };
}

async function until(ok: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the class page lab API', () => {
  it('reload and status are for instructors only: a missing or wrong token gets 401 with where to find it', async () => {
    const s = await serve({ '01-a.md': tinyLab('alpha') });
    for (const r of [await s.reload(null), await s.reload('wrong'), await s.status(null), await s.status('nope')]) {
      expect(r.status).toBe(401);
      expect(((await r.json()) as { help: string }).help).toMatch(/instructor-token/);
    }
    const learnerTry = await fetch(`${s.base}/api/instructor/labs/reload`, { method: 'POST', headers: { cookie: s.cookie } });
    expect(learnerTry.status).toBe(401);
  });

  it('Reload returns the report, and a new lab is in the catalogue at once', async () => {
    const s = await serve({ '01-a.md': tinyLab('alpha') });
    expect(await s.labIds()).toEqual(['alpha']);
    writeFileSync(join(s.dir, '02-b.md'), tinyLab('bravo'));
    expect(await s.labIds()).toEqual(['alpha']);
    const r = await s.reload();
    expect(r.status).toBe(200);
    const report = (await r.json()) as { at: string; added: string[]; changed: string[]; removed: string[]; problems: unknown[] };
    expect(report).toMatchObject({ added: ['bravo'], changed: [], removed: [], problems: [] });
    expect(new Date(report.at).toISOString()).toBe(report.at);
    expect(await s.labIds()).toEqual(['alpha', 'bravo']);
    expect((await fetch(`${s.base}/api/labs/bravo`, { headers: { cookie: s.cookie } })).status).toBe(200);
  });

  it('status lists the labs, the problems as file:line: message, and the last reload', async () => {
    const s = await serve({ '01-a.md': tinyLab('alpha'), '02-b.md': tinyLab('bravo').replace('fixture: empty', 'fixture: nowhere') });
    const body = (await (await s.status()).json()) as {
      labs: Array<{ id: string; title: string; file: string }>;
      problems: Array<{ file: string; line: number; message: string; text: string }>;
      lastReload: { at: string; added: string[] };
    };
    expect(body.labs.map((l) => [l.id, l.title])).toEqual([['alpha', 'Lab alpha']]);
    expect(body.labs[0]?.file).toMatch(/01-a\.md$/);
    expect(body.problems).toHaveLength(1);
    expect(body.problems[0]?.text).toMatch(/02-b\.md:6: .*nowhere/);
    expect(body.lastReload.added).toEqual(['alpha']);
  });

  it('a broken, colliding, huge or unreadable lab, or a deleted folder, never takes the server down', async () => {
    const s = await serve({ '01-a.md': tinyLab('alpha') });
    writeFileSync(join(s.dir, '02-broken.md'), '---\nid: [\n---\n## x\n```check\n- type: nosuch\n```\n');
    writeFileSync(join(s.dir, '03-copy.md'), tinyLab('alpha'));
    writeFileSync(join(s.dir, '04-huge.md'), 'x'.repeat(MAX_LAB_BYTES + 10));
    writeFileSync(join(s.dir, '05-binary.md'), Buffer.from([0, 1, 2, 0xff, 0xfe]));
    const r = await s.reload();
    expect(r.status).toBe(200);
    const report = (await r.json()) as { problems: Array<{ text: string }> };
    const texts = report.problems.map((p) => p.text).join('\n');
    for (const f of ['02-broken.md', '03-copy.md', '04-huge.md', '05-binary.md']) expect(texts).toContain(f);
    expect(await s.labIds()).toEqual(['alpha']);
    rmSync(s.dir, { recursive: true });
    const gone = (await (await s.reload()).json()) as { removed: string[]; problems: Array<{ message: string }> };
    expect(gone.removed).toEqual([]);
    expect(gone.problems[0]?.message).toMatch(/cannot read the labs folder/);
    expect(await s.labIds()).toEqual(['alpha']);
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
  });
});

describe('learners in a lab while it is reloaded', () => {
  it('a changed lab grades an open terminal with its new checks; the history stays', async () => {
    const s = await serve({ '01-a.md': tinyLab('alpha', { network: 'net-a' }) });
    const term = await openTerminal(s.base, s.cookie, 'lab:alpha');
    expect((await term.run('openstack network create net-z -f value -c name')).stdout).toBe('net-z\n');
    const grades = () => term.received.filter((m) => m['t'] === 'grade') as Array<{ result: { earned: number } }>;
    await until(async () => grades().length > 0);
    expect(grades().at(-1)?.result.earned).toBe(0);
    writeFileSync(join(s.dir, '01-a.md'), tinyLab('alpha', { network: 'net-z' }));
    expect(((await (await s.reload()).json()) as { changed: string[] }).changed).toEqual(['alpha']);
    // The next line is graded with the new check, on the cloud the learner built before the reload.
    await term.run('openstack network list -f value -c Name');
    await until(async () => grades().at(-1)?.result.earned === 1);
    const lab = (await (await fetch(`${s.base}/api/labs/alpha`, { headers: { cookie: s.cookie } })).json()) as { steps: Array<{ checks: Array<{ title: string }> }> };
    expect(lab.steps[0]?.checks[0]?.title).toMatch(/net-z/);
    term.close();
    await term.closed;
  });

  it('a lab removed under an open terminal: its lines get a clear message, the page a 404, the server survives', async () => {
    const s = await serve({ '01-a.md': tinyLab('alpha'), '02-b.md': tinyLab('bravo') });
    const term = await openTerminal(s.base, s.cookie, 'lab:alpha');
    expect((await term.run('openstack network create net-a -f value -c name')).stdout).toBe('net-a\n');
    rmSync(join(s.dir, '01-a.md'));
    expect(((await (await s.reload()).json()) as { removed: string[] }).removed).toEqual(['alpha']);
    const r = await term.run('openstack network list');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/the lab 'alpha' was removed from this server .*Your work in it is kept/);
    expect((await fetch(`${s.base}/api/labs/alpha`, { headers: { cookie: s.cookie } })).status).toBe(404);
    await expect(openTerminal(s.base, s.cookie, 'lab:alpha')).rejects.toThrow(/403/);
    // The rest of the server goes on: another lab, and a sandbox.
    const other = await openTerminal(s.base, s.cookie, 'lab:bravo');
    expect((await other.run('echo ok')).stdout).toBe('ok\n');
    // The lab back: the open terminal works again, with the work it had.
    writeFileSync(join(s.dir, '01-a.md'), tinyLab('alpha'));
    expect(((await (await s.reload()).json()) as { added: string[] }).added).toEqual(['alpha']);
    expect((await term.run('openstack network list -f value -c Name')).stdout).toBe('net-a\n');
    for (const t of [term, other]) t.close();
  });

  it('with the watcher on (development), a saved lab appears in the catalogue without any action', async () => {
    const s = await serve({ '01-a.md': tinyLab('alpha') }, true);
    writeFileSync(join(s.dir, '02-b.md'), tinyLab('bravo'));
    await until(async () => (await s.labIds()).includes('bravo'));
    const status = (await (await s.status()).json()) as { lastReload: { added: string[] } };
    expect(status.lastReload.added).toEqual(['bravo']);
  });
});
