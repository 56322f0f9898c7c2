/**
 * Issue #17: API calls are limited like terminal commands, and by the same allowance: a learner
 * who has spent their burst in the terminal has nothing left for their own client (and the other
 * way round), so a second way in is not a second allowance. Another learner is not affected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { testConfig } from '../support/server-config.js';
import { openTerminal, type Terminal } from '../support/terminal-client.js';

const WORKSPACE = 'sandbox:empty';

interface Learner {
  cookie: string;
  token: string;
}

/** A new learner (a cookie from the clouds.yaml download) and a token from their password. */
async function learner(url: string): Promise<Learner> {
  const res = await fetch(`${url}/api/me/clouds.yaml?workspace=${WORKSPACE}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const cloud = (parse(await res.text()) as { clouds: { stacklab: { auth: Record<string, string> } } }).clouds.stacklab.auth;
  const login = await fetch(`${url}/openstack/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: cloud['username'], domain: { name: cloud['user_domain_name'] }, password: cloud['password'] } } },
        scope: { project: { name: cloud['project_name'], domain: { name: cloud['project_domain_name'] } } },
      },
    }),
  });
  expect(login.status).toBe(201);
  return { cookie, token: login.headers.get('x-subject-token') ?? '' };
}

describe('one allowance for the terminal and the API', () => {
  let app: RunningServer;
  let term: Terminal;
  let a: Learner;
  let b: Learner;

  beforeAll(async () => {
    app = await startServer(testConfig('shared-budget'));
    a = await learner(app.url);
    b = await learner(app.url);
    term = await openTerminal(app.url, a.cookie, WORKSPACE);
  });
  afterAll(async () => {
    term?.close();
    await app?.close();
  });

  const list = (who: Learner) => fetch(`${app.url}/openstack/network/v2.0/networks`, { headers: { 'x-auth-token': who.token } }).then((r) => r.status);

  it('a burst spent in the terminal leaves the API answering 429, while another learner is served', async () => {
    // The terminal's burst is 60 messages: spend it at once (each `#` line is a message, refused or not).
    const started = performance.now();
    const before = term.received.filter((m) => m['t'] === 'result').length;
    for (let i = 0; i < 80; i++) term.send({ t: 'line', line: `# ${i}` });
    while (term.received.filter((m) => m['t'] === 'result').length < before + 80) await new Promise((ok) => setTimeout(ok, 5));
    const statuses = await Promise.all(Array.from({ length: 100 }, () => list(a)));
    const seconds = (performance.now() - started) / 1000;
    // With one allowance, only what refilled since the burst (20 a second) is served; with two, the API's own 60 would be.
    const served = statuses.filter((s) => s === 200).length;
    expect(served).toBeLessThanOrEqual(Math.floor(20 * seconds) + 2);
    expect(statuses.filter((s) => s === 429).length).toBe(100 - served);
    if (seconds < 2) expect(served).toBeLessThan(60);
    expect(await list(b)).toBe(200);
  }, 30_000);
});
