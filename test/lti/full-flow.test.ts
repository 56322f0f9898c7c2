/**
 * LTI end to end with the real server (issue #18): a mock platform registered on the class page
 * launches a lab with an AGS claim, the learner solves steps in the terminal, and the platform
 * receives each new score (earned of total points, FullyGraded) through its token and score
 * endpoints. A platform that is down for a while gets the scores later; a launch without an AGS
 * claim sends nothing.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { startMockLms, type LaunchSpec, type MockLms, type ReceivedScore } from '../support/mock-lms.js';
import { testConfig } from '../support/server-config.js';

const LAB = 'direct-attach';
let lms: MockLms;
let server: RunningServer;

beforeAll(async () => {
  lms = await startMockLms();
});

afterAll(async () => {
  await lms.close();
});

interface Grade {
  earned: number;
  points: number;
  steps: Array<{ passed: boolean }>;
}

/** A learner's terminal that keeps every message, so a test can wait for a result or a grade. */
class Learner {
  private messages: Array<Record<string, unknown>> = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => this.messages.push(JSON.parse(d.toString()) as Record<string, unknown>));
  }

  static async open(token: string): Promise<Learner> {
    const port = new URL(server.url).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?workspace=${encodeURIComponent(`lab:${LAB}`)}&session=${encodeURIComponent(token)}`, {
      headers: { Origin: `http://127.0.0.1:${port}` },
    });
    const l = new Learner(ws);
    await new Promise<void>((ok, fail) => {
      ws.once('open', () => ok());
      ws.once('unexpected-response', (_q, res) => fail(new Error(`terminal refused: ${res.statusCode}`)));
      ws.once('error', fail);
    });
    return l;
  }

  /** The first message of type `t` after index `from` (waits up to 10 s). */
  private async waitFor(t: string, from: number): Promise<Record<string, unknown>> {
    await poll(() => this.messages.slice(from).some((m) => m['t'] === t || m['t'] === 'error'), `a ${t} message`);
    const m = this.messages.slice(from).find((x) => x['t'] === t || x['t'] === 'error') ?? {};
    if (m['t'] === 'error') throw new Error(`the terminal answered an error: ${String(m['message'])}`);
    return m;
  }

  async run(line: string): Promise<void> {
    const from = this.messages.length;
    this.ws.send(JSON.stringify({ t: 'line', line }));
    const r = await this.waitFor('result', from);
    expect(r['exitCode'], `${line}: ${String(r['stderr'])}`).toBe(0);
  }

  /** Runs a step's solution as the page shows it (with this learner's parameters filled in). */
  async solve(step: string): Promise<void> {
    const from = this.messages.length;
    this.ws.send(JSON.stringify({ t: 'solution', step }));
    const lines = (await this.waitFor('solution', from))['lines'] as string[];
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) await this.run(line);
  }

  /** The latest grade the server pushed (after the last command's result). */
  async grade(): Promise<Grade> {
    await poll(() => this.messages.some((m) => m['t'] === 'grade'), 'a grade');
    const all = this.messages.filter((m) => m['t'] === 'grade');
    return (all[all.length - 1] as { result: Grade }).result;
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Waits until `ok()` holds, or fails after `ms` naming what did not come. */
async function poll(ok: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function launch(spec: LaunchSpec): Promise<string> {
  const { response } = await lms.launch(server.url, { custom: { lab: LAB }, ...spec });
  expect(response.status, await response.clone().text()).toBe(303);
  const token = /#session=([A-Za-z0-9._-]+)$/.exec(response.headers.get('location') ?? '')?.[1];
  if (!token) throw new Error('the launch gave no session token');
  return token;
}

async function stepIds(token: string): Promise<string[]> {
  const view = (await (await fetch(`${server.url}/api/labs/${LAB}`, { headers: { 'X-Stacklab-Session': token } })).json()) as { steps: Array<{ id: string }> };
  return view.steps.map((s) => s.id);
}

const scoresOf = (sub: string): ReceivedScore[] => lms.scores.filter((s) => s.body['userId'] === sub);
const last = <T>(xs: T[]): T | undefined => xs[xs.length - 1];

/** Waits until the platform's last score for `sub` is `earned` of `points` (the background sender's pace). */
async function received(sub: string, g: Grade, ms = 10_000): Promise<ReceivedScore> {
  await poll(() => {
    const s = last(scoresOf(sub));
    return s?.body['scoreGiven'] === g.earned && s.body['scoreMaximum'] === g.points;
  }, `score ${g.earned}/${g.points} for ${sub} at the platform`, ms);
  return last(scoresOf(sub)) as ReceivedScore;
}

// Memory, as most tests run; SQLite, as a real server runs (the score outbox is then on disk).
describe.each(['memory', 'sqlite'])('launch, solve, the platform receives the scores (%s store)', (store) => {
  beforeAll(async () => {
    server = await startServer(testConfig(`lti-full-flow-${store}`, { STACKLAB_STORE: store }));
    lms.trustTool(`${server.url}/lti/jwks`);
    // Registered as an instructor does it on the class page, not through a platforms file.
    const r = await fetch(`${server.url}/api/instructor/lti/platforms`, {
      method: 'POST',
      headers: { authorization: `Bearer lti-full-flow-${store}-instructor`, 'content-type': 'application/json' },
      body: JSON.stringify(lms.registration()),
    });
    expect(r.status, await r.clone().text()).toBe(201);
  });

  afterAll(async () => {
    await server.close();
  });

  it('sends each new score of two solved steps, as AGS asks', async () => {
    const sub = `flow-ada-${store}`;
    const token = await launch({ sub });
    const [first, second] = await stepIds(token);
    expect(second).toBeDefined();
    const term = await Learner.open(token);
    try {
      await term.solve(first ?? '');
      const g1 = await term.grade();
      expect(g1.steps[0]?.passed).toBe(true);
      expect(g1.earned).toBeGreaterThan(0);
      expect(g1.earned).toBeLessThan(g1.points);
      const s1 = await received(sub, g1);
      expect(s1.body).toMatchObject({ userId: sub, activityProgress: 'InProgress', gradingProgress: 'FullyGraded' });
      expect(s1.lineitem).toBe(lms.lineitemUrl(`li-${sub}`));

      await term.solve(second ?? '');
      const g2 = await term.grade();
      expect(g2.steps[1]?.passed).toBe(true);
      expect(g2.earned).toBeGreaterThan(g1.earned);
      const s2 = await received(sub, g2);
      expect(s2.body['activityProgress']).toBe(g2.steps.every((s) => s.passed) ? 'Completed' : 'InProgress');

      for (const s of scoresOf(sub)) {
        expect(s.contentType).toMatch(/^application\/vnd\.ims\.lis\.v1\.score\+json/);
        expect(s.authorization).toMatch(/^Bearer [0-9a-f]{32}$/);
        expect(s.userAgent).toMatch(/^Stacklab\//);
        expect(new Date(String(s.body['timestamp'])).toISOString()).toBe(s.body['timestamp']);
      }
      // Scores arrive in the order they were given.
      const stamps = scoresOf(sub).map((s) => String(s.body['timestamp']));
      expect([...stamps].sort()).toEqual(stamps);
      // The bearer token came from the platform's token endpoint, asked for with the score scope and Stacklab's User-Agent.
      expect(lms.tokenRequests.length).toBeGreaterThan(0);
      expect(lms.tokenRequests.every((r) => r['scope'] === 'https://purl.imsglobal.org/spec/lti-ags/scope/score')).toBe(true);
      expect(lms.tokenUserAgents.every((ua) => /^Stacklab\//.test(ua))).toBe(true);
    } finally {
      term.close();
    }
  }, 30_000);

  it('keeps the scores while the platform is down, and delivers them once it is back', async () => {
    const sub = `flow-down-${store}`;
    const token = await launch({ sub });
    const [first, second] = await stepIds(token);
    const failedBefore = lms.failedScores.length;
    // The next two score posts are answered 503: the first try and the first retry.
    lms.failScores(2);
    const term = await Learner.open(token);
    try {
      await term.solve(first ?? '');
      await term.solve(second ?? '');
      const g = await term.grade();
      expect(g.steps[1]?.passed).toBe(true);
      // Back-off: about 5 s then 10 s at most (FIRST_BACKOFF_MS, with jitter).
      const s = await received(sub, g, 30_000);
      expect(s.body).toMatchObject({ userId: sub, gradingProgress: 'FullyGraded' });
      expect(lms.failedScores.length - failedBefore).toBe(2);
      expect(lms.failedScores.slice(failedBefore).every((f) => f.body['userId'] === sub)).toBe(true);
      // The scores that failed were not dropped: each one's timestamp reached the platform later.
      const delivered = new Set(scoresOf(sub).map((x) => x.body['timestamp']));
      for (const f of lms.failedScores.slice(failedBefore)) expect(delivered.has(f.body['timestamp'])).toBe(true);
    } finally {
      term.close();
    }
  }, 45_000);

  it('sends nothing for a launch without an AGS claim', async () => {
    const quiet = `flow-no-ags-${store}`;
    const quietToken = await launch({ sub: quiet, lineitem: null });
    const [first] = await stepIds(quietToken);
    const term = await Learner.open(quietToken);
    try {
      await term.solve(first ?? '');
      expect((await term.grade()).earned).toBeGreaterThan(0);
    } finally {
      term.close();
    }
    // A learner with AGS after it: once their score is in, the quiet one's would have been too.
    const sub = `flow-after-${store}`;
    const token = await launch({ sub });
    const other = await Learner.open(token);
    try {
      await other.solve(first ?? '');
      await received(sub, await other.grade());
    } finally {
      other.close();
    }
    expect([...lms.scores, ...lms.failedScores].filter((s) => s.body['userId'] === quiet)).toEqual([]);
  }, 30_000);
});
