/**
 * The instructors' API as a new instructor meets it (issue #18): learners named, steps titled,
 * hints recorded from the page's socket, first passes, time per step, hints and solutions in
 * the CSV and JSON (hostile names neutralised), a drill-down with outputs on demand, and a
 * refused token that says where the right one is.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { memoryStore } from '../../server/store/memory.js';
import { sqliteStore } from '../../server/store/sqlite.js';
import { labFor, loadLabs, stepSeconds, type GradeRow, type Lab } from '../../server/labs/index.js';
import { openTerminal, type Terminal } from '../support/terminal-client.js';
import { newLearnerCookie, REPO_ROOT } from '../support/server-process.js';
import { testConfig } from '../support/server-config.js';

const TOKEN = 'instructor-instructor';
const LAB_ID = 'direct-attach';
const auth = { Authorization: `Bearer ${TOKEN}` };

const store = memoryStore();
let server: RunningServer;
let base: string;
let lab: Lab;
afterAll(async () => {
  await server.close();
});

async function json<T>(path: string, headers: Record<string, string> = auth): Promise<{ status: number; body: T }> {
  const r = await fetch(`${base}${path}`, { headers });
  return { status: r.status, body: (await r.json()) as T };
}

/** A named learner in the lab: their cookie, id and open terminal. */
async function learner(name: string): Promise<{ id: string; t: Terminal }> {
  const cookie = await newLearnerCookie(base);
  const r = await fetch(`${base}/api/me`, { method: 'PUT', headers: { cookie, origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  expect(r.status).toBe(200);
  const { id } = (await r.json()) as { id: string };
  return { id, t: await openTerminal(base, cookie, `lab:${LAB_ID}`) };
}

/** Messages arrive in order: once `true` has answered, whatever was sent before it has been handled. */
const settle = (t: Terminal) => t.run('true');

// One learner who passed the first step with a hint (shown twice) and the second step's solution shown.
let ada: { id: string; t: Terminal };
let bob: { id: string; t: Terminal };
beforeAll(async () => {
  server = await startServer(testConfig('instructor'), { store });
  base = server.url.replace('localhost', '127.0.0.1');
  const found = loadLabs().find((l) => l.id === LAB_ID);
  if (!found) throw new Error(`lab ${LAB_ID} missing`);
  lab = found;
  expect(lab.steps[0]?.hints.length).toBeGreaterThanOrEqual(1);
  ada = await learner('=HYPERLINK("http://evil","Ada")');
  ada.t.send({ t: 'hint', step: lab.steps[0]?.id, n: 1 });
  ada.t.send({ t: 'hint', step: lab.steps[0]?.id, n: 1 });
  // Hints the lab does not have: ignored, not recorded.
  ada.t.send({ t: 'hint', step: lab.steps[0]?.id, n: 99 });
  ada.t.send({ t: 'hint', step: 'no-such-step', n: 1 });
  for (const line of labFor(lab, ada.id).steps[0]?.solution ?? []) await ada.t.run(line);
  // Control characters typed raw (a paste): the stored output may hold them.
  await ada.t.run("echo 'evil \x1b]0;owned\x07 \x1b[31mred\x1b[0m <script>x</script>'");
  ada.t.send({ t: 'solution', step: lab.steps[1]?.id });
  await settle(ada.t);
  bob = await learner('<script>alert(1)</script>');
  await bob.t.run('openstack network list -f value -c Name');
});
afterAll(() => {
  ada.t.close();
  bob.t.close();
});

describe('the grades API', () => {
  it('names every learner and gives the steps with their titles', async () => {
    const { status, body } = await json<GradeRow[]>(`/api/instructor/labs/${LAB_ID}/grades`);
    expect(status).toBe(200);
    const a = body.find((r) => r.learner === ada.id);
    const b = body.find((r) => r.learner === bob.id);
    expect(a?.name).toBe('=HYPERLINK("http://evil","Ada")');
    expect(b?.name).toBe('<script>alert(1)</script>');
    expect(a?.progress.steps.map((s) => s.title)).toEqual(lab.steps.map((s) => s.title));
  });

  it('carries first passes, time per step, hints (each counted once) and solutions', async () => {
    const { body } = await json<GradeRow[]>(`/api/instructor/labs/${LAB_ID}/grades`);
    const a = body.find((r) => r.learner === ada.id);
    const [first, second] = a?.progress.steps ?? [];
    expect(a?.result?.steps[0]?.passed).toBe(true);
    expect(first?.firstPassed).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(first?.seconds).toBeGreaterThanOrEqual(0);
    expect(first?.hints).toBe(1);
    expect(first?.solution).toBe(false);
    expect(second).toMatchObject({ firstPassed: null, seconds: null, hints: 0, solution: true });
    expect(a?.progress.solutions).toEqual([lab.steps[1]?.id]);
    expect(a?.progress.started).toMatch(/^\d{4}-/);
    const b = body.find((r) => r.learner === bob.id);
    expect(b?.progress.steps.every((s) => s.hints === 0 && !s.solution && s.firstPassed === null)).toBe(true);
  });

  it('CSV: the old columns first, then the new ones; a name that is a formula is made text', async () => {
    const r = await fetch(`${base}/api/instructor/labs/${LAB_ID}/grades?format=csv`, { headers: auth });
    expect(r.headers.get('content-type')).toMatch(/text\/csv/);
    const [head, ...rows] = (await r.text()).trim().split('\n');
    const cols = head?.split(',') ?? [];
    const ids = lab.steps.map((s) => s.id);
    expect(cols.slice(0, 4 + ids.length)).toEqual(['learner', 'earned', 'points', 'percent', ...ids]);
    expect(cols.slice(4 + ids.length, 6 + ids.length)).toEqual(['name', 'started']);
    expect(cols).toContain(`${ids[0]} first passed`);
    expect(cols).toContain(`${ids[0]} seconds`);
    expect(cols).toContain(`${ids[0]} hints`);
    expect(cols.at(-1)).toBe('solutions shown');
    // An id is random base64url: one in 64 starts with '-', which the CSV leads with ' as it does
    // every field a spreadsheet would take for a formula.
    const adaId = ada.id.startsWith('-') ? `'${ada.id}` : ada.id;
    const adaRow = rows.find((x) => x.startsWith(`${adaId},`)) ?? '';
    // Quoted (it holds commas and quotes) and led by ' so no spreadsheet evaluates it.
    expect(adaRow).toContain(`,"'=HYPERLINK(""http://evil"",""Ada"")",`);
    expect(adaRow).not.toMatch(/,"?=/);
    expect(adaRow.endsWith(`,${ids[1]}`)).toBe(true);
    const hintsCol = cols.indexOf(`${ids[0]} hints`);
    // The name field holds commas inside its quotes: split the rest of the row after it.
    const afterName = adaRow.slice(adaRow.indexOf('")",') + 4).split(',');
    expect(afterName[hintsCol - (5 + ids.length)]).toBe('1');
  });

  it('neutralises every formula lead: = + - @', async () => {
    const { gradeCommand } = await import('../../server/labs/index.js');
    const store = { learners: () => ['+1', '-2', '@x', '=y', 'ok'], attempt: () => null, name: (id: string) => id };
    const csv = (await gradeCommand(store, { lab: LAB_ID, all: true, format: 'csv' }, { labs: [lab], reach: null })).output;
    const firsts = csv.trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(firsts).toEqual(["'+1", "'-2", "'@x", "'=y", 'ok']);
  });
});

describe('hints on the socket', () => {
  it('are recorded once each as `#hint STEP N`, and only hints the lab has', async () => {
    const { body } = await json<{ history: Array<{ kind: string; line: string; step?: string; value?: string }> }>(`/api/instructor/learners/${ada.id}?workspace=lab:${LAB_ID}`);
    const hints = body.history.filter((e) => e.kind === 'hint');
    expect(hints.map((e) => [e.line, e.step, e.value])).toEqual([[`#hint ${lab.steps[0]?.id} 1`, lab.steps[0]?.id, '1']]);
  });
});

interface Drill {
  learner: { id: string; name: string };
  lab: { id: string; title: string };
  grade: GradeRow;
  history: Array<{ seq: number; kind: string; line: string; prompt?: string; exitCode: number; output: number; step?: string; value?: string }>;
}

describe('the drill-down', () => {
  it('lists the history without outputs, with prompts, exit codes, hints, solutions and first passes', async () => {
    const { status, body } = await json<Drill>(`/api/instructor/labs/${LAB_ID}/learners/${ada.id}`);
    expect(status).toBe(200);
    expect(body.learner.name).toBe('=HYPERLINK("http://evil","Ada")');
    expect(body.lab.title).toBe(lab.title);
    const kinds = body.history.map((e) => e.kind);
    expect(kinds).toContain('hint');
    expect(kinds).toContain('solution');
    expect(kinds).toContain('passed');
    const cmd = body.history.find((e) => e.kind === 'command');
    expect(cmd?.prompt).toMatch(/[$#] ?$/);
    expect(typeof cmd?.exitCode).toBe('number');
    expect(JSON.stringify(body.history)).not.toMatch(/"stdout"|"stderr"/);
    // The grader's checks come whole: each with its why.
    expect(body.grade.result?.steps[0]?.checks.every((c) => typeof c.why === 'string')).toBe(true);
  });

  it("gives one entry's output on demand, control characters made visible", async () => {
    const { body } = await json<Drill>(`/api/instructor/labs/${LAB_ID}/learners/${ada.id}`);
    const evil = body.history.find((e) => e.kind === 'command' && e.line.startsWith('echo'));
    expect(evil?.output).toBeGreaterThan(0);
    expect(evil?.line).toContain('^[]0;owned^G');
    expect(evil?.line).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    const out = await json<{ stdout: string; stderr: string }>(`/api/instructor/labs/${LAB_ID}/learners/${ada.id}/output/${evil?.seq}`);
    expect(out.status).toBe(200);
    expect(out.body.stdout).toContain('evil ^[]0;owned^G');
    expect(out.body.stdout).toContain('<script>x</script>');
    expect(out.body.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });

  it('answers 404 for unknown learners, labs and entries, and 400 for a bad entry number', async () => {
    expect((await json(`/api/instructor/labs/${LAB_ID}/learners/nobody`)).status).toBe(404);
    expect((await json(`/api/instructor/labs/no-such-lab/learners/${ada.id}`)).status).toBe(404);
    expect((await json(`/api/instructor/labs/${LAB_ID}/learners/${ada.id}/output/999999`)).status).toBe(404);
    for (const bad of ['0', '-1', 'x', '1.5']) expect((await json(`/api/instructor/labs/${LAB_ID}/learners/${ada.id}/output/${bad}`)).status).toBe(400);
  });

  it("keeps each learner's history their own", async () => {
    const { body } = await json<Drill>(`/api/instructor/labs/${LAB_ID}/learners/${bob.id}`);
    expect(body.learner.name).toBe('<script>alert(1)</script>');
    expect(body.history.every((e) => e.kind !== 'hint')).toBe(true);
    expect(body.history.some((e) => e.line === 'openstack network list -f value -c Name')).toBe(true);
    expect(body.history.some((e) => e.line.includes('owned'))).toBe(false);
  });
});

describe("the drill-down's checks", () => {
  it("give the grader's own reason beside a lab's custom fail text", async () => {
    const dan = await learner('Dan');
    const step = labFor(lab, dan.id).steps.find((s) => s.checks.some((c) => c.fail !== null));
    const custom = step?.checks.find((c) => c.fail !== null);
    expect(custom).toBeDefined();
    // The lab's text names the learner's own VM first (`{{vm6}} must be on ext-v6only1 …`).
    const vm6 = custom?.fail?.split(' ')[0] ?? '';
    expect(vm6).toMatch(/-v6$/);
    // Not done right (whatever the simulator says of this boot): the custom text shows, the real reason beside it.
    await dan.t.run(`openstack server create --image debian-10.8-openstack-amd64.raw --flavor cpu2-ram6-disk20 --network ext-v6only1 ${vm6}`);
    const { body } = await json<Drill>(`/api/instructor/labs/${LAB_ID}/learners/${dan.id}`);
    const c = body.grade.result?.steps.flatMap((x) => x.checks).find((x) => x.id === custom?.id);
    expect(c?.state).toBe('fail');
    expect(c?.why).toBe(custom?.fail);
    expect(c?.reason).toMatch(new RegExp(vm6));
    expect(c?.reason).not.toBe(c?.why);
    // The learner's own grade never carries it.
    expect(JSON.stringify(dan.t.received.filter((m) => m['t'] === 'grade'))).not.toContain('"reason"');
    dan.t.close();
  });
});

describe('an API call in the drill-down', () => {
  it('is shown as one: method, service and path, its status', async () => {
    // As the learner's own client records a write (server/workspace api): the request is kept.
    await store.createLearner('carol-api', 'Carol', 1);
    await store.saveStep('carol-api', `lab:${LAB_ID}`, null, {
      kind: 'api', line: 'POST /v2.0/networks', stdout: '{}', stderr: '', exitCode: 0, at: 2,
      request: { service: 'network', method: 'POST', path: ['v2.0', 'networks'], query: [], body: '{"network":{"name":"apinet"}}' },
    });
    const { body } = await json<{ history: Array<{ kind: string; api?: { method: string; service: string; path: string } }> }>(`/api/instructor/labs/${LAB_ID}/learners/carol-api`);
    expect(body.history).toHaveLength(1);
    expect(body.history[0]).toMatchObject({ kind: 'api', api: { method: 'POST', service: 'network', path: '/v2.0/networks' } });
  });
});

describe('a missing or wrong token', () => {
  it('is refused with where to find the right one, on every instructor route', async () => {
    for (const path of [
      `/api/instructor/labs/${LAB_ID}/grades`,
      `/api/instructor/labs/${LAB_ID}/grades?format=csv`,
      `/api/instructor/labs/${LAB_ID}/learners/${ada.id}`,
      `/api/instructor/labs/${LAB_ID}/learners/${ada.id}/output/1`,
    ]) {
      for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Authorization: `Bearer ${TOKEN}x` }] as Array<Record<string, string>>) {
        const r = await json<{ error: string; help: string }>(path, headers);
        expect(r.status).toBe(401);
        expect(r.body.error).toMatch(/token/);
        expect(r.body.help).toMatch(/instructor-token/);
      }
    }
  });
});

describe('time per step', () => {
  it('runs from the previous milestone (start, or the last earlier pass) to each first pass', () => {
    expect(stepSeconds(1000, { a: 11_000, b: 71_500, c: 71_900 })).toEqual({ a: 10, b: 60, c: 0 });
    // Passed out of order: each still counts from the pass just before it in time.
    expect(stepSeconds(0, { b: 5000, a: 20_000 })).toEqual({ b: 5, a: 15 });
    expect(stepSeconds(null, {})).toEqual({});
  });
});

describe('npx stacklab grade', () => {
  const grade = (data: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((ok) => {
      execFile(process.execPath, ['--import', 'tsx', 'server/main.ts', 'grade', '--lab', LAB_ID, '--all'], { cwd: REPO_ROOT, env: { ...process.env, STACKLAB_DATA: data } }, (err, stdout, stderr) =>
        ok({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('says which database it read', async () => {
    const data = mkdtempSync(join(tmpdir(), 'stacklab-grade-'));
    await sqliteStore(join(data, 'stacklab.db')).close();
    const r = await grade(data);
    expect(r.stderr).toBe(`stacklab: reading ${join(data, 'stacklab.db')}\n`);
    expect(r.stdout).toBe(`no learner has started ${LAB_ID}\n`);
    expect(r.code).toBe(0);
  }, 30_000);

  it('says so when there is no database, and creates none', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'stacklab-grade-')), 'missing');
    const r = await grade(data);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no database at .*missing\/stacklab\.db.*STACKLAB_DATA/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(data)).toBe(false);
  }, 30_000);
});
