/**
 * Scores to the LMS (LTI Assignment and Grade Services): graded events → outbox → token + score
 * requests to a fake platform on loopback. The clock is a variable the tests move, and nothing is
 * sent but by flush() (except in the background-loop test), so back-off is checked by value, not by waiting.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GradeResult, StepResult } from '../../server/labs/index.js';
import { SCORE_MEDIA_TYPE, SCORE_SCOPE } from '../../server/lti/ags.js';
import { loadToolKey, type ToolKey } from '../../server/lti/keys.js';
import { memoryOutbox, sqliteOutbox } from '../../server/lti/outbox.js';
import {
  activityProgress,
  REFUSED_BACKOFF_MS,
  scoreReporter,
  type ScoreReporter,
  type ScoreReporterDeps,
} from '../../server/lti/scores.js';
import { memoryLtiStore } from '../../server/lti/store.js';
import type { LaunchRecord, LtiStore } from '../../server/lti/types.js';
import { startMockAgs, type MockAgs } from '../support/mock-ags.js';
import { testConfig } from '../support/server-config.js';

const ISSUER = 'https://lms.test';
const CLIENT = 'stacklab-client';
const UA = /^Stacklab\/\d+\.\d+\.\d+\S* \(\+LTI 1\.3\)$/;

const step = (i: number, state: StepResult['state'], points = 1): StepResult => ({
  id: `s${i}`,
  title: `Step ${i}`,
  passed: state === 'pass',
  state,
  points,
  earned: state === 'pass' ? points : 0,
  checks: [],
});

/** A grade of a four-step lab (one point each) with these step states. */
function grade(...states: Array<StepResult['state']>): GradeResult {
  const steps = states.map((s, i) => step(i + 1, s));
  const earned = steps.reduce((n, s) => n + s.earned, 0);
  const points = steps.reduce((n, s) => n + s.points, 0);
  return {
    labId: 'lab-a',
    passed: earned === points,
    points,
    earned,
    percent: Math.floor((earned / points) * 100),
    steps,
  };
}

const passed = (n: number) => grade(...[0, 1, 2, 3].map((i) => (i < n ? 'pass' : 'todo')));

let key: ToolKey;
let mock: MockAgs;
let lti: LtiStore;
let clock: number;
let logs: string[];
let reporters: ScoreReporter[];

beforeEach(async () => {
  key ??= await loadToolKey(null);
  mock = await startMockAgs(key.publicJwk, CLIENT);
  lti = memoryLtiStore();
  await lti.savePlatform({
    issuer: ISSUER,
    clientId: CLIENT,
    name: 'Test LMS',
    authUrl: `${mock.origin}/auth`,
    tokenUrl: mock.tokenUrl,
    jwksUrl: `${mock.origin}/jwks`,
    deploymentIds: ['d1'],
    source: 'file',
  });
  // The fake platform checks the assertion's exp against its own clock: start from the real time.
  clock = Date.now();
  logs = [];
  reporters = [];
});

afterEach(async () => {
  for (const r of reporters) r.close();
  await mock.close();
});

function launch(over: Partial<LaunchRecord> = {}): LaunchRecord {
  const r: LaunchRecord = {
    learner: 'learner-1',
    issuer: ISSUER,
    clientId: CLIENT,
    deploymentId: 'd1',
    sub: 'lms-user-1',
    labId: 'lab-a',
    name: 'Ada',
    lineitem: `${mock.origin}/courses/1/lineitems/7`,
    scopes: ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem', SCORE_SCOPE],
    at: clock,
    ...over,
  };
  lti.saveLaunch(r);
  return r;
}

function reporter(over: Partial<ScoreReporterDeps> = {}): ScoreReporter {
  const r = scoreReporter({
    config: testConfig('ags'),
    lti,
    key,
    labs: () => [],
    log: (m) => logs.push(m),
    now: () => clock,
    outbox: memoryOutbox(),
    random: () => 0.5,
    background: false,
    ...over,
  });
  reporters.push(r);
  return r;
}

const graded = (r: ScoreReporter, result: GradeResult, learner = 'learner-1') =>
  r.graded({ learner, labId: 'lab-a', result, at: clock });
const given = () => mock.scores.map((s) => s.body.scoreGiven);

describe('a score reaches the platform', () => {
  it('with the AGS body, media type, bearer token and User-Agent', async () => {
    launch();
    const r = reporter();
    graded(r, grade('pass', 'pass', 'fail', 'todo'));
    expect(await r.pending()).toBe(1);
    await r.flush();
    expect(await r.pending()).toBe(0);
    expect(mock.scoreRequests).toHaveLength(1);
    const req = mock.scoreRequests[0]!;
    expect(req.path).toBe('/courses/1/lineitems/7/scores');
    expect(req.headers['content-type']).toBe(SCORE_MEDIA_TYPE);
    expect(req.headers.authorization).toBe('Bearer token-1');
    expect(req.headers['user-agent']).toMatch(UA);
    expect(JSON.parse(req.body)).toEqual({
      userId: 'lms-user-1',
      scoreGiven: 2,
      scoreMaximum: 4,
      activityProgress: 'InProgress',
      gradingProgress: 'FullyGraded',
      timestamp: new Date(clock).toISOString(),
    });
    expect(new Date(clock).toISOString()).toMatch(/\.\d{3}Z$/);
  });

  it('after a token request authenticated by a client assertion signed with the tool key', async () => {
    launch();
    const r = reporter();
    graded(r, passed(1));
    await r.flush();
    expect(mock.tokenRequests).toHaveLength(1);
    const req = mock.tokenRequests[0]!;
    expect(req.headers['user-agent']).toMatch(UA);
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(req.body));
    expect(form).toMatchObject({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      scope: SCORE_SCOPE,
    });
    // The fake platform verified it with the tool's public key (iss, sub, aud checked there).
    expect(mock.assertions).toHaveLength(1);
    const { payload, header } = mock.assertions[0]!;
    expect(header).toMatchObject({ alg: 'RS256', kid: key.kid });
    expect(payload).toMatchObject({
      iss: CLIENT,
      sub: CLIENT,
      aud: mock.tokenUrl,
      iat: Math.floor(clock / 1000),
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(mock.scores).toHaveLength(1);
  });

  it('keeps the query string of a line item URL after /scores', async () => {
    launch({ lineitem: `${mock.origin}/mod/lti/services.php/2/lineitems/7/lineitem?type_id=3` });
    const r = reporter();
    graded(r, passed(4));
    await r.flush();
    expect(mock.scores.map((s) => s.path)).toEqual([
      '/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=3',
    ]);
    expect(mock.scores[0]!.body).toMatchObject({
      scoreGiven: 4,
      scoreMaximum: 4,
      activityProgress: 'Completed',
    });
  });
});

describe('what is queued', () => {
  it('nothing for a learner without a launch, a launch without a line item or without the score scope', async () => {
    const r = reporter();
    graded(r, passed(1), 'nobody');
    launch({ learner: 'no-item', lineitem: null });
    graded(r, passed(1), 'no-item');
    launch({
      learner: 'no-scope',
      scopes: ['https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly'],
    });
    graded(r, passed(1), 'no-scope');
    launch({ learner: 'bad-item', lineitem: 'not a url' });
    graded(r, passed(1), 'bad-item');
    expect(await r.pending()).toBe(0);
    await r.flush();
    expect(mock.tokenRequests).toHaveLength(0);
    expect(mock.scoreRequests).toHaveLength(0);
    expect(logs.join('\n')).toContain('not a URL');
  });

  it('not a score identical to the last one, even once it was sent', async () => {
    launch();
    const r = reporter();
    graded(r, passed(1));
    clock += 1000;
    graded(r, passed(1));
    expect(await r.pending()).toBe(1);
    await r.flush();
    clock += 1000;
    graded(r, passed(1));
    expect(await r.pending()).toBe(0);
    graded(r, passed(2));
    graded(r, passed(1));
    await r.flush();
    expect(given()).toEqual([1, 2, 1]);
  });

  it('the progress: Initialized, Started, InProgress, Completed', () => {
    expect(activityProgress(grade('todo', 'todo', 'todo', 'todo'))).toBe('Initialized');
    expect(activityProgress(grade('fail', 'todo', 'todo', 'todo'))).toBe('Started');
    expect(activityProgress(grade('pass', 'fail', 'todo', 'todo'))).toBe('InProgress');
    expect(activityProgress(grade('pass', 'pass', 'pass', 'pass'))).toBe('Completed');
  });

  it('a lab without points: progress only, no scoreGiven', async () => {
    launch();
    const r = reporter();
    const steps = [step(1, 'pass', 0)];
    graded(r, { labId: 'lab-a', passed: true, points: 0, earned: 0, percent: 0, steps });
    await r.flush();
    expect(mock.scores[0]!.body).toEqual({
      userId: 'lms-user-1',
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      timestamp: new Date(clock).toISOString(),
    });
  });
});

describe('a platform that is down', () => {
  it('is retried with exponential back-off, then gets every score in order', async () => {
    launch();
    const outbox = memoryOutbox();
    const r2 = reporter({ outbox });
    mock.scoreReplies.push(503, 503, { status: 502, body: '<html>bad gateway</html>' });
    graded(r2, passed(1));
    graded(r2, passed(2));
    graded(r2, passed(3), 'learner-2');
    launch({ learner: 'learner-2', sub: 'lms-user-2' });
    graded(r2, passed(3), 'learner-2');
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const t = clock;
      await r2.flush();
      // One request per round: a failure holds the platform's other learners too.
      expect(mock.scoreRequests).toHaveLength(attempt);
      const head = (await outbox.heads())[0]!;
      expect(head).toMatchObject({
        attempts: attempt,
        body: expect.objectContaining({ scoreGiven: 1 }),
      });
      waits.push(head.nextAt - t);
      // Not due yet: nothing is sent.
      clock = head.nextAt - 1;
      await r2.flush();
      expect(mock.scoreRequests).toHaveLength(attempt);
      clock = head.nextAt;
    }
    // 5 s doubling, half of it jittered (random() = 0.5 here).
    expect(waits).toEqual([3750, 7500, 15000]);
    expect((await outbox.heads())[0]!.lastError).toBe(
      'the score endpoint answered 502: <html>bad gateway</html>',
    );
    await r2.flush();
    expect(await r2.pending()).toBe(0);
    expect(mock.scores.map((s) => [s.body.userId, s.body.scoreGiven])).toEqual([
      ['lms-user-1', 1],
      ['lms-user-1', 2],
      ['lms-user-2', 3],
    ]);
    expect(logs.some((l) => l.includes('sent after 3 failed attempts'))).toBe(true);
  });

  it('that cannot be reached at all (connection refused) keeps the score', async () => {
    launch({ lineitem: 'http://127.0.0.1:1/lineitems/1' });
    await lti.savePlatform({ ...(await lti.platform(ISSUER, CLIENT))!, tokenUrl: 'http://127.0.0.1:1/token' });
    const outbox = memoryOutbox();
    const r = reporter({ outbox });
    graded(r, passed(1));
    await r.flush();
    expect(await outbox.all()).toEqual([expect.objectContaining({ attempts: 1, nextAt: clock + 3750 })]);
    expect((await outbox.all())[0]!.lastError).toMatch(/fetch failed|ECONNREFUSED/);
  });

  it('survives a restart: the queued score is sent by the next process', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'stacklab-ags-')), 'stacklab.db');
    launch();
    mock.scoreReplies.push(503);
    const first = reporter({ outbox: sqliteOutbox(file) });
    graded(first, passed(2));
    await first.flush();
    expect(await first.pending()).toBe(1);
    first.close();

    const outbox = sqliteOutbox(file);
    expect(await outbox.all()).toEqual([
      expect.objectContaining({ attempts: 1, lastError: expect.stringContaining('503') }),
    ]);
    const second = reporter({ outbox });
    await second.flush();
    expect(mock.scores).toHaveLength(0); // not due yet: the back-off survived too
    clock += 3750;
    await second.flush();
    expect(await second.pending()).toBe(0);
    expect(given()).toEqual([2]);
    // The last score queued survived as well: the same grade again is not queued twice.
    graded(second, passed(2));
    expect(await second.pending()).toBe(0);
  });

  it('closing with a send in flight keeps the score queued', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'stacklab-ags-')), 'stacklab.db');
    launch();
    mock.scoreReplies.push({ status: 200, hang: true });
    const r = reporter({ outbox: sqliteOutbox(file) });
    graded(r, passed(1));
    const sending = r.flush();
    await vi.waitFor(() => expect(mock.scoreRequests).toHaveLength(1));
    r.close();
    await sending;
    const after = sqliteOutbox(file);
    expect(await after.count()).toBe(1);
    after.close();
  });
});

describe('tokens', () => {
  it('are reused until shortly before they expire, and replaced after a 401', async () => {
    launch();
    launch({ learner: 'learner-2', sub: 'lms-user-2' });
    const r = reporter();
    graded(r, passed(1));
    graded(r, passed(1), 'learner-2');
    await r.flush();
    expect(mock.tokenRequests).toHaveLength(1);
    expect(mock.scores).toHaveLength(2);

    // The platform revoked it: the 401 drops it, a new one is asked for, the score goes through.
    mock.validTokens.clear();
    graded(r, passed(2));
    await r.flush();
    expect(mock.tokenRequests).toHaveLength(2);
    expect(mock.scoreRequests.map((q) => q.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
    ]);
    expect(given()).toEqual([1, 1, 2]);

    // expires_in 3600: still used 58 minutes later, not 59 minutes later (a minute's margin).
    clock += 58 * 60_000;
    graded(r, passed(3));
    await r.flush();
    expect(mock.tokenRequests).toHaveLength(2);
    clock += 60_000;
    graded(r, passed(4));
    await r.flush();
    expect(mock.tokenRequests).toHaveLength(3);
    expect(given()).toEqual([1, 1, 2, 3, 4]);
  });

  it('a score endpoint refusing a fresh token too backs off (no endless token requests)', async () => {
    launch();
    const outbox = memoryOutbox();
    const r = reporter({ outbox });
    mock.scoreReplies.push(401, 401);
    graded(r, passed(1));
    await r.flush();
    expect(mock.tokenRequests).toHaveLength(2);
    expect(mock.scoreRequests).toHaveLength(2);
    expect(await outbox.all()).toEqual([expect.objectContaining({ attempts: 1, nextAt: clock + 3750 })]);
    clock += 3750;
    await r.flush();
    expect(given()).toEqual([1]);
  });

  it('a token endpoint refusing the tool (invalid_client) keeps the score and backs off long', async () => {
    launch();
    const outbox = memoryOutbox();
    const r = reporter({ outbox });
    mock.tokenReplies.push({ status: 400, body: '{"error":"invalid_client"}' });
    graded(r, passed(1));
    await r.flush();
    expect(mock.scoreRequests).toHaveLength(0);
    expect(await outbox.all()).toEqual([
      expect.objectContaining({ attempts: 1, nextAt: clock + REFUSED_BACKOFF_MS }),
    ]);
    expect(logs.join('\n')).toContain('invalid_client');
  });
});

describe('a platform refusing or limiting', () => {
  it('429 is honoured with its Retry-After', async () => {
    launch();
    const outbox = memoryOutbox();
    const r = reporter({ outbox });
    mock.scoreReplies.push({ status: 429, headers: { 'Retry-After': '120' } });
    graded(r, passed(1));
    await r.flush();
    expect((await outbox.heads())[0]!.nextAt).toBe(clock + 120_000);
    clock += 119_999;
    await r.flush();
    expect(mock.scoreRequests).toHaveLength(1);
    clock += 1;
    await r.flush();
    expect(given()).toEqual([1]);
  });

  it('another 4xx keeps the score, logs why and waits long; other learners are not held', async () => {
    launch();
    launch({ learner: 'learner-2', sub: 'lms-user-2' });
    const outbox = memoryOutbox();
    const r = reporter({ outbox });
    mock.scoreReplies.push({ status: 400, body: '{"error":"user not in course"}' });
    graded(r, passed(1));
    graded(r, passed(2), 'learner-2');
    await r.flush();
    expect(given()).toEqual([2]);
    expect(await outbox.all()).toEqual([
      expect.objectContaining({
        learner: 'learner-1',
        attempts: 1,
        nextAt: clock + REFUSED_BACKOFF_MS,
      }),
    ]);
    expect(logs.join('\n')).toMatch(/refused, kept.*user not in course/);
  });

  it('409 (a score as new is held): dropped when a newer one follows, else restamped and sent again', async () => {
    launch();
    const r = reporter();
    mock.scoreReplies.push(409);
    graded(r, passed(1));
    graded(r, passed(2));
    await r.flush();
    expect(given()).toEqual([2]);
    expect(await r.pending()).toBe(0);

    const stamped = new Date(clock).toISOString();
    mock.scoreReplies.push(409);
    graded(r, passed(3));
    await r.flush();
    expect(await r.pending()).toBe(1);
    clock += 1100;
    await r.flush();
    expect(given()).toEqual([2, 3]);
    expect(mock.scores[1]!.body.timestamp).toBe(new Date(clock).toISOString());
    expect(mock.scores[1]!.body.timestamp).not.toBe(stamped);
  });
});

describe('a platform no longer registered', () => {
  it('keeps its scores and says so', async () => {
    launch();
    const outbox = memoryOutbox();
    const r = reporter({ outbox });
    graded(r, passed(1));
    await lti.deletePlatform(ISSUER, CLIENT);
    await r.flush();
    expect(mock.tokenRequests).toHaveLength(0);
    expect(await outbox.all()).toEqual([
      expect.objectContaining({
        attempts: 1,
        lastError: 'platform not registered',
        nextAt: clock + REFUSED_BACKOFF_MS,
      }),
    ]);
    expect(logs.join('\n')).toContain('is not registered any more');
  });
});

describe('a hostile platform', () => {
  it('cannot make the server read a huge answer', async () => {
    launch();
    const outbox = memoryOutbox();
    const r = reporter({ outbox });
    mock.tokenReplies.push({ status: 200, huge: true });
    graded(r, passed(1));
    await r.flush();
    expect((await outbox.all())[0]!.lastError).toBe('the token endpoint answered more than 16384 bytes');
    mock.scoreReplies.push({ status: 500, huge: true });
    clock += REFUSED_BACKOFF_MS;
    await r.flush();
    const err = (await outbox.all())[0]!.lastError!;
    expect(err.startsWith('the score endpoint answered 500: aaaa')).toBe(true);
    expect(err.length).toBeLessThan(400);
  });

  it('cannot send a score elsewhere by a redirect', async () => {
    launch();
    const outbox = memoryOutbox();
    const r = reporter({ outbox });
    mock.scoreReplies.push({ status: 307, headers: { Location: `${mock.origin}/other/scores` } });
    graded(r, passed(1));
    await r.flush();
    expect(mock.scoreRequests.map((q) => q.path)).toEqual(['/courses/1/lineitems/7/scores']);
    expect((await outbox.all())[0]!.lastError).toMatch(/answered 307 \(a redirect to .*\/other\/scores\)/);
  });

  it('cannot stall a send past the deadline', async () => {
    launch();
    const outbox = memoryOutbox();
    const r = reporter({ outbox, timeoutMs: 300 });
    mock.scoreReplies.push({ status: 200, hang: true });
    graded(r, passed(1));
    await r.flush();
    expect(await outbox.all()).toEqual([
      expect.objectContaining({ attempts: 1, lastError: 'no answer in time' }),
    ]);
  });
});

describe('the background loop', () => {
  it('sends a new score without flush()', async () => {
    launch();
    const r = reporter({ background: true, now: Date.now });
    graded(r, passed(3));
    await vi.waitFor(() => expect(given()).toEqual([3]), { timeout: 5000 });
    await vi.waitFor(async () => expect(await r.pending()).toBe(0));
  });

  it('tries again by itself once the back-off has passed (2.5 s here)', async () => {
    launch();
    mock.scoreReplies.push(503);
    const r = reporter({ background: true, now: Date.now, random: () => 0 });
    const t0 = Date.now();
    graded(r, passed(2));
    await vi.waitFor(() => expect(mock.scoreRequests).toHaveLength(1), { timeout: 5000 });
    await vi.waitFor(() => expect(given()).toEqual([2]), { timeout: 8000, interval: 100 });
    expect(mock.scoreRequests).toHaveLength(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2500);
    await vi.waitFor(async () => expect(await r.pending()).toBe(0));
  }, 15_000);
});
