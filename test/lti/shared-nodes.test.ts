/**
 * Two Stacklab nodes on one PostgreSQL, as behind HAProxy: LTI is one service whichever node a
 * request reaches. A login started on one node completes on the other, a replay to the first is
 * refused, a platform registered on one node's class page launches on the other, both publish one
 * JWKS (a Deep Linking answer one node signs checks against the other's), a score of a launch one
 * node recorded is sent by the other, each score reaches the platform once when both nodes send,
 * and a database that goes away shows the learner a page in words.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import type { Config } from '../../server/http/config.js';
import type { GradeResult } from '../../server/labs/types.js';
import { sharedToolKey } from '../../server/lti/keys.js';
import { postgresOutbox } from '../../server/lti/outbox-postgres.js';
import { openLtiDatabase, postgresLtiStore } from '../../server/lti/postgres.js';
import { scoreReporter, type ScoreReporter } from '../../server/lti/scores.js';
import { startMockLms, type LaunchForm, type MockLms } from '../support/mock-lms.js';
import { startPostgres } from '../support/postgres.js';
import { testConfig } from '../support/server-config.js';

const LAB = 'direct-attach';
const TOKEN = 'lti-nodes-instructor';

let skipped = '';
const pg = await startPostgres((reason) => {
  skipped = reason;
  console.warn(`LTI on two nodes tests skipped: ${reason}`);
});

let url = '';
let configs: Config[] = [];
let a: RunningServer;
let b: RunningServer;
let lms: MockLms;

beforeAll(async () => {
  if (!pg) return;
  url = await pg.newDatabase();
  // Same name, so the same secret and instructor token: as two nodes of one deployment.
  configs = [testConfig('lti-nodes', { STACKLAB_DATABASE_URL: url }), testConfig('lti-nodes', { STACKLAB_DATABASE_URL: url })];
  [a, b] = await Promise.all(configs.map((c) => startServer(c))) as [RunningServer, RunningServer];
  lms = await startMockLms();
  lms.trustTool(`${a.url}/lti/jwks`);
  // Registered on A's class page only.
  const r = await fetch(`${a.url}/api/instructor/lti/platforms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(lms.registration()),
  });
  expect(r.status, await r.clone().text()).toBe(201);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), lms?.close()]);
  await pg?.stop();
});

/** The first half of a launch on `node`: its login, then the platform's answer (the form the browser would post). */
async function loginOn(node: RunningServer, sub: string): Promise<LaunchForm> {
  const login = await fetch(lms.loginUrl(node.url, lms.prepare({ sub, custom: { lab: LAB } })), { redirect: 'manual' });
  expect(login.status, await login.clone().text()).toBe(302);
  const auth = await fetch(login.headers.get('location') ?? '', { headers: { accept: 'application/json' } });
  expect(auth.status).toBe(200);
  return (await auth.json()) as LaunchForm;
}

const postLaunch = (node: RunningServer, fields: Record<string, string>) =>
  fetch(`${node.url}/lti/launch`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });

const sessionOf = (r: Response) => /#session=([A-Za-z0-9._-]+)$/.exec(r.headers.get('location') ?? '')?.[1] ?? null;

const nonceOf = (idToken: string) =>
  (JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString()) as { nonce: string }).nonce;

/** Waits until `ok()` holds, or fails after `ms` naming what did not come. */
async function poll(ok: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Solves the lab's first step in a terminal on `node` with the session of a launch; resolves with the points earned. */
async function solveFirstStep(node: RunningServer, session: string): Promise<number> {
  const view = (await (await fetch(`${node.url}/api/labs/${LAB}`, { headers: { 'X-Stacklab-Session': session } })).json()) as { steps: Array<{ id: string }> };
  const port = new URL(node.url).port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?workspace=${encodeURIComponent(`lab:${LAB}`)}&session=${encodeURIComponent(session)}`, {
    headers: { Origin: `http://127.0.0.1:${port}` },
  });
  const got: Array<Record<string, unknown>> = [];
  ws.on('message', (d: Buffer) => got.push(JSON.parse(d.toString()) as Record<string, unknown>));
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok());
    ws.once('error', fail);
  });
  try {
    const next = async (t: string, from: number) => {
      await poll(() => got.slice(from).some((m) => m['t'] === t || m['t'] === 'error'), `a ${t} message`);
      const m = got.slice(from).find((x) => x['t'] === t || x['t'] === 'error') ?? {};
      if (m['t'] === 'error') throw new Error(`the terminal answered an error: ${String(m['message'])}`);
      return m;
    };
    let from = got.length;
    ws.send(JSON.stringify({ t: 'solution', step: view.steps[0]?.id }));
    const lines = (await next('solution', from))['lines'] as string[];
    for (const line of lines) {
      from = got.length;
      ws.send(JSON.stringify({ t: 'line', line }));
      expect((await next('result', from))['exitCode'], line).toBe(0);
    }
    await poll(() => got.some((m) => m['t'] === 'grade' && (m['result'] as GradeResult).earned > 0), 'a grade with points');
    return (got.filter((m) => m['t'] === 'grade').at(-1)!['result'] as GradeResult).earned;
  } finally {
    ws.terminate();
  }
}

describe.skipIf(!pg)(pg ? 'LTI on two nodes' : `LTI on two nodes (skipped: ${skipped})`, () => {
  it('both nodes publish one JWKS (one key, kept in the database)', async () => {
    const [ja, jb] = await Promise.all([a, b].map(async (n) => (await fetch(`${n.url}/lti/jwks`)).json()));
    expect((ja as { keys: unknown[] }).keys).toHaveLength(1);
    expect(jb).toEqual(ja);
  });

  it('a login started on A completes on B; the same launch replayed to A is refused', async () => {
    const form = await loginOn(a, 'across');
    const onB = await postLaunch(b, form.fields);
    expect(onB.status, await onB.clone().text()).toBe(303);
    expect(sessionOf(onB)).not.toBeNull();
    const replay = await postLaunch(a, form.fields);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('Launch link expired or used');
  });

  it('an id_token B accepted is refused by A even under a fresh state with its nonce (the nonce is shared)', async () => {
    const form = await loginOn(a, 'nonce');
    expect((await postLaunch(b, form.fields)).status).toBe(303);
    // A login in flight that names the token's nonce, as if A had issued it: only the nonce can refuse it now.
    const db = await openLtiDatabase(url);
    const side = postgresLtiStore(db, () => undefined);
    await side.putState('forged-state', { nonce: nonceOf(form.fields.id_token), issuer: lms.issuer, clientId: lms.clientId, targetLinkUri: `${a.url}/lti/launch`, expires: Date.now() + 60_000 });
    await side.close();
    const replay = await postLaunch(a, { id_token: form.fields.id_token, state: 'forged-state' });
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain('Launch replayed');
  });

  it("a platform registered on A's class page is listed by B and launches on B", async () => {
    const listed = (await (await fetch(`${b.url}/api/instructor/lti/platforms`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { platforms: Array<{ issuer: string }> };
    expect(listed.platforms.map((p) => p.issuer)).toEqual([lms.issuer]);
    const { response } = await lms.launch(b.url, { sub: 'on-b', custom: { lab: LAB } });
    expect(response.status, await response.clone().text()).toBe(303);
  });

  it('a lab picked in a Deep Linking request shown by A is answered by B, signed with the key A publishes', async () => {
    const { response } = await lms.launch(a.url, { messageType: 'LtiDeepLinkingRequest' });
    expect(response.status).toBe(200);
    const field = (html: string, name: string) =>
      new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))) ?? '';
    const pick = field(await response.text(), 'pick');
    const r = await fetch(`${b.url}/lti/deep-link`, { method: 'POST', body: new URLSearchParams({ pick, lab: LAB }) });
    expect(r.status).toBe(200);
    const { payload } = await jwtVerify(field(await r.text(), 'JWT'), createRemoteJWKSet(new URL(`${a.url}/lti/jwks`)), {
      issuer: lms.clientId,
      audience: lms.issuer,
      algorithms: ['RS256'],
    });
    expect(payload['https://purl.imsglobal.org/spec/lti-dl/claim/content_items']).toEqual([expect.objectContaining({ custom: { lab: LAB } })]);
  });

  it('B sends the scores of a launch A recorded, each once', async () => {
    const sub = 'launched-on-a';
    const { response } = await lms.launch(a.url, { sub, custom: { lab: LAB } });
    expect(response.status).toBe(303);
    const earned = await solveFirstStep(b, sessionOf(response) ?? '');
    await poll(() => lms.scores.some((s) => s.body['userId'] === sub && s.body['scoreGiven'] === earned), `the score ${earned} of ${sub}`);
    const mine = lms.scores.filter((s) => s.body['userId'] === sub);
    expect(new Set(mine.map((s) => s.lineitem))).toEqual(new Set([lms.lineitemUrl(`li-${sub}`)]));
    // One post per grade change, none twice, in order.
    const stamps = mine.map((s) => String(s.body['timestamp']));
    expect(new Set(stamps).size).toBe(stamps.length);
    expect([...stamps].sort()).toEqual(stamps);
  }, 30_000);

  it('scores queued on A are sent exactly once when A and B both send', async () => {
    // Each node's sender, as startServer makes it, over its own pool; driven by flush() here.
    const nodes = await Promise.all([openLtiDatabase(url), openLtiDatabase(url)]);
    const key = await sharedToolKey(nodes[0]!);
    const stores = nodes.map((db) => postgresLtiStore(db, () => undefined));
    const reporters: ScoreReporter[] = nodes.map((db, i) =>
      scoreReporter({ config: configs[0]!, lti: stores[i]!, key, labs: () => [], log: () => undefined, now: Date.now, outbox: postgresOutbox(db), background: false }),
    );
    const learners = Array.from({ length: 12 }, (_, i) => `race-${i}`);
    const lti = stores[0]!;
    for (const l of learners)
      await lti.saveLaunch({ learner: l, issuer: lms.issuer, clientId: lms.clientId, deploymentId: lms.deploymentId, sub: l, labId: LAB, name: '', lineitem: lms.lineitemUrl(l), scopes: ['https://purl.imsglobal.org/spec/lti-ags/scope/score'], at: Date.now() });
    const result = (earned: number): GradeResult => ({ labId: LAB, passed: false, points: 10, earned, percent: earned * 10, steps: [] });
    for (const l of learners) for (const earned of [1, 2, 3]) reporters[0]!.graded({ learner: l, labId: LAB, result: result(earned), at: Date.now() });
    expect(await reporters[0]!.pending()).toBe(36);
    const before = lms.scores.length;
    for (let round = 0; round < 40 && (await reporters[1]!.pending()) > 0; round++)
      await Promise.all([reporters[0]!.flush(), reporters[1]!.flush(), reporters[1]!.flush(), reporters[0]!.flush()]);
    const sent = lms.scores.slice(before);
    expect(sent).toHaveLength(36);
    for (const l of learners) expect(sent.filter((s) => s.body['userId'] === l).map((s) => s.body['scoreGiven'])).toEqual([1, 2, 3]);
    for (const r of reporters) r.close();
    await Promise.all(stores.map((st) => st.close()));
  }, 60_000);

  it.skipIf(!pg?.outage)('with the database away, a launch shows the learner a page in words; the nodes go on', async () => {
    const form = await loginOn(a, 'outage');
    await pg!.outage!.halt();
    try {
      const login = await fetch(lms.loginUrl(a.url, lms.prepare({ sub: 'outage' })), { redirect: 'manual' });
      expect(login.status).toBe(503);
      expect(login.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await login.text()).toMatch(/<h1>Try again in a moment<\/h1><p>Stacklab&#39;s database is not available right now \(the server&#39;s database is unreachable\)/);
      const launch = await postLaunch(b, form.fields);
      expect(launch.status).toBe(503);
      expect(await launch.text()).toContain('Try again in a moment');
      const api = await fetch(`${b.url}/api/instructor/lti/platforms`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(api.status).toBe(503);
      expect(((await api.json()) as { error: string }).error).toMatch(/database is not available right now/);
    } finally {
      await pg!.outage!.resume();
    }
    // The refused post did not use the login: it completes now, and new launches work on both nodes.
    expect((await postLaunch(b, form.fields)).status).toBe(303);
    for (const node of [a, b]) expect((await lms.launch(node.url, { sub: 'after', custom: { lab: LAB } })).response.status).toBe(303);
  }, 60_000);
});
