/**
 * LTI 1.3 launches against a mock platform (test/support/mock-lms.ts): login → auth → launch opens
 * the lab with a session token that works for the API and the terminal; every bad launch is
 * refused with a clear page and changes nothing for anybody else.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { startMockLms, type LaunchSpec, type MockLms } from '../support/mock-lms.js';
import { testConfig } from '../support/server-config.js';
import { WsClient } from '../support/ws-client.js';

let lms: MockLms;
let server: RunningServer;
let lab: string;

beforeAll(async () => {
  lms = await startMockLms();
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-lti-launch-'));
  const file = join(dir, 'lti-platforms.json');
  writeFileSync(file, JSON.stringify([lms.registration()]));
  server = await startServer(testConfig('lti-launch', { STACKLAB_LTI_PLATFORMS: file }));
  lms.trustTool(`${server.url}/lti/jwks`);
  const config = (await (await fetch(`${server.url}/lti/config`)).json()) as { labs: Array<{ id: string }> };
  lab = config.labs[0]?.id ?? '';
});

afterAll(async () => {
  await server.close();
  await lms.close();
});

const sessionOf = (location: string | null) => /#session=([A-Za-z0-9._-]+)$/.exec(location ?? '')?.[1] ?? '';

async function launched(spec: LaunchSpec = {}): Promise<{ location: string; token: string }> {
  const { response } = await lms.launch(server.url, { custom: { lab }, ...spec });
  expect(response.status, await response.clone().text()).toBe(303);
  const location = response.headers.get('location') ?? '';
  return { location, token: sessionOf(location) };
}

/** A page's text with the character references decoded (quotes are escaped in the HTML). */
const decoded = (html: string) => html.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));

const api = (path: string, token: string) => fetch(`${server.url}${path}`, { headers: { 'X-Stacklab-Session': token } });

/** What a refused launch answered: status, and the page's text. */
async function refused(spec: LaunchSpec): Promise<{ status: number; text: string; type: string }> {
  const { response } = await lms.launch(server.url, { custom: { lab }, ...spec });
  return { status: response.status, text: decoded(await response.text()), type: response.headers.get('content-type') ?? '' };
}

function terminal(token: string): Promise<WsClient | null> {
  const port = new URL(server.url).port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?workspace=${encodeURIComponent(`lab:${lab}`)}&session=${encodeURIComponent(token)}`, {
    headers: { Origin: `http://127.0.0.1:${port}` },
  });
  const c = new WsClient(ws);
  return new Promise((resolve) => {
    ws.once('unexpected-response', () => resolve(null));
    void c.next(5000).then((m) => resolve(m === null ? null : c));
  });
}

describe('an LTI launch from the platform', () => {
  it('login redirects to the platform with the OIDC parameters', async () => {
    const hint = lms.prepare({ custom: { lab } });
    const r = await fetch(lms.loginUrl(server.url, hint, { lti_message_hint: 'mh-1' }), { redirect: 'manual' });
    expect(r.status).toBe(302);
    const u = new URL(r.headers.get('location') ?? '');
    expect(u.origin + u.pathname).toBe(lms.authUrl);
    const q = Object.fromEntries(u.searchParams);
    expect(q).toMatchObject({
      response_type: 'id_token', response_mode: 'form_post', scope: 'openid', prompt: 'none',
      client_id: lms.clientId, redirect_uri: `${server.url}/lti/launch`, login_hint: hint, lti_message_hint: 'mh-1',
    });
    expect(q['state']).toMatch(/^[\w-]{20,}$/);
    expect(q['nonce']).toMatch(/^[\w-]{20,}$/);
    expect(q['state']).not.toBe(q['nonce']);
    // The same by POST, as Moodle sends it.
    const p = await fetch(`${server.url}/lti/login`, {
      method: 'POST', redirect: 'manual',
      body: new URLSearchParams({ iss: lms.issuer, login_hint: hint, target_link_uri: `${server.url}/lti/launch`, client_id: lms.clientId }),
    });
    expect(p.status).toBe(302);
    expect(p.headers.get('location')).toContain(`${lms.authUrl}?`);
  });

  it('opens the lab with a session token: the API and the terminal answer that learner, named from the claims', async () => {
    const { location, token } = await launched({ sub: 'u-ada' });
    expect(location).toMatch(new RegExp(`^/lab/${lab}#session=v1\\.lti-[\\w-]{22}\\.`));
    const me = (await (await api('/api/me', token)).json()) as { id: string; name: string };
    expect(me.id).toMatch(/^lti-[A-Za-z0-9_-]{22}$/);
    expect(me.name).toBe('Ada Lovelace');
    const labView = await api(`/api/labs/${lab}`, token);
    expect(labView.status).toBe(200);
    expect(((await labView.json()) as { id: string }).id).toBe(lab);
    const t = await terminal(token);
    expect(t).not.toBeNull();
    const r = await t?.run('echo launched', 5000);
    expect(r?.t).toBe('result');
    t?.close();
    // A forged token opens nothing.
    expect(await terminal(`${token.slice(0, -2)}xx`)).toBeNull();
    expect((await api('/api/me', `${token.slice(0, -2)}xx`)).status).toBe(401);
  });

  it('is the same learner on every launch of the same platform user; another user is another learner', async () => {
    const a = await launched({ sub: 'u-same', name: 'First Name' });
    const b = await launched({ sub: 'u-same', name: null, givenName: 'Grace', familyName: 'Hopper', claims: { given_name: 'Grace', family_name: 'Hopper' } });
    const c = await launched({ sub: 'u-other' });
    const id = async (t: string) => ((await (await api('/api/me', t)).json()) as { id: string; name: string });
    const [ma, mb, mc] = [await id(a.token), await id(b.token), await id(c.token)];
    expect(mb.id).toBe(ma.id);
    expect(mb.name).toBe('Grace Hopper');
    expect(mc.id).not.toBe(ma.id);
  });

  it('a name with control characters is cleaned; a long one is cut to 40 characters', async () => {
    const { token } = await launched({ sub: 'u-name', name: `Evil\u001b[31m\u0007 ${'x'.repeat(60)}` });
    const me = (await (await api('/api/me', token)).json()) as { name: string };
    expect(me.name).toMatch(/^Evil \[31m x+$/);
    expect(me.name.length).toBeLessThanOrEqual(40);
  });

  it('finds the lab in the target link URI when there is no custom parameter', async () => {
    const { location } = await launched({ custom: {}, claims: { 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri': `${server.url}/lti/launch?lab=${lab}` } });
    expect(location.startsWith(`/lab/${lab}#`)).toBe(true);
  });

  it('lets the platform frame the pages: its origin joins frame-ancestors, without X-Frame-Options', async () => {
    const r = await fetch(`${server.url}/lab/${lab}`);
    expect(r.headers.get('content-security-policy')).toMatch(new RegExp(`frame-ancestors 'self' ${lms.url.replace(/[.:/]/g, '\\$&')}(;|$)`));
    expect(r.headers.get('x-frame-options')).toBeNull();
  });
});

describe('refused launches: a clear page, nothing else affected', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ['a bad signature', { sign: 'wrong-key' }, 401, /signature does not match the key Mock LMS publishes/],
    ['an unknown signing key', { sign: 'unknown-kid' }, 401, /signed with a key that .* does not list/],
    ['a wrong audience', { claims: { aud: 'someone-else' } }, 401, /not addressed to this tool's client ID \(stacklab-client\)/],
    ['several audiences without azp', { claims: { aud: ['stacklab-client', 'other'] } }, 401, /authorized party \(azp\)/],
    ['an expired token', { claims: { iat: now() - 4000, exp: now() - 3000 } }, 401, /has expired/],
    ['another issuer', { claims: { iss: 'https://evil.example.org' } }, 401, /issuer is not/],
    ['an unknown deployment', { deploymentId: 'deployment-9' }, 403, /deployment "deployment-9", which is not registered \(registered: deployment-1\)/],
    ['no deployment', { omit: ['https://purl.imsglobal.org/spec/lti/claim/deployment_id'] }, 400, /no deployment_id/],
    ['another LTI version', { claims: { 'https://purl.imsglobal.org/spec/lti/claim/version': '1.1' } }, 400, /LTI version "1.1"/],
    ['another message type', { messageType: 'LtiSubmissionReviewRequest' }, 400, /LtiSubmissionReviewRequest/],
    ['no nonce', { omit: ['nonce'] }, 401, /nonce/],
    ['an unknown lab', { custom: { lab: 'no-such-lab' } }, 404, /lab "no-such-lab", which this Stacklab does not have/],
    ['no lab at all', { custom: {} }, 400, /custom parameter lab=ID/],
    ['no user', { omit: ['sub'] }, 400, /no sub claim/],
  ] as Array<[string, LaunchSpec, number, RegExp]>)('%s', async (_what, spec, status, message) => {
    const r = await refused(spec);
    expect(r.status).toBe(status);
    expect(r.type).toMatch(/^text\/html/);
    expect(r.text).toMatch(message);
  });

  it('a replayed state, an unknown state, a replayed id_token with a fresh login', async () => {
    const { response, form } = await lms.launch(server.url, { custom: { lab } });
    expect(response.status).toBe(303);
    const post = (fields: Record<string, string>) =>
      fetch(`${server.url}/lti/launch`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
    const again = await post(form.fields);
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/already used, took longer than ten minutes/);
    const unknown = await post({ ...form.fields, state: 'made-up' });
    expect(unknown.status).toBe(400);
    // A fresh login's state with the old token: its nonce is not this login's.
    const hint = lms.prepare({ custom: { lab } });
    const login = await fetch(lms.loginUrl(server.url, hint), { redirect: 'manual' });
    const state = new URL(login.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const replay = await post({ id_token: form.fields.id_token, state });
    expect(replay.status).toBe(401);
    expect(await replay.text()).toMatch(/issued for another login/);
  });

  it('the platform\'s own error, a missing token, a GET, an oversized body', async () => {
    const post = (body: string) => fetch(`${server.url}/lti/launch`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const e = await post('error=login_required&error_description=Not+logged+in&state=x');
    expect(e.status).toBe(401);
    expect(await e.text()).toMatch(/login_required.*Not logged in/);
    const m = await post('state=x');
    expect(m.status).toBe(400);
    expect(await m.text()).toMatch(/did not post an id_token and a state/);
    const big = await post(`id_token=${'a'.repeat(100_000)}&state=x`);
    expect(big.status).toBe(400);
    expect(big.headers.get('content-type')).toMatch(/^text\/html/);
    const g = await fetch(`${server.url}/lti/launch`);
    expect(g.status).toBe(400);
    expect(await g.text()).toMatch(/Open the activity from your course page/);
  });

  it('logins from unknown platforms, clients or deployments, or without parameters', async () => {
    const login = async (params: Record<string, string>) => {
      const r = await fetch(`${server.url}/lti/login?${new URLSearchParams(params)}`, { redirect: 'manual' });
      return { status: r.status, text: decoded(await r.text()), type: r.headers.get('content-type') ?? '' };
    };
    const base = { iss: lms.issuer, login_hint: 'h', target_link_uri: `${server.url}/lti/launch` };
    const u = await login({ ...base, iss: 'https://unknown.example.org' });
    expect(u).toMatchObject({ status: 400, type: expect.stringMatching(/^text\/html/) as unknown });
    expect(u.text).toMatch(/No platform with issuer https:\/\/unknown\.example\.org is registered/);
    expect((await login({ ...base, client_id: 'other' })).text).toMatch(/and client ID other/);
    const d = await login({ ...base, lti_deployment_id: 'dep-x' });
    expect(d.status).toBe(403);
    expect(d.text).toMatch(/deployment "dep-x"/);
    expect((await login({ iss: lms.issuer })).text).toMatch(/did not send iss, login_hint and target_link_uri/);
    // Hostile values are escaped on the page.
    const hostile = await fetch(`${server.url}/lti/login?${new URLSearchParams({ ...base, iss: '<script>x</script>' })}`);
    const raw = await hostile.text();
    expect(raw).not.toContain('<script>x');
    expect(raw).toContain('&#60;script&#62;x');
  });

  it('hostile requests get a 4xx page, never a crash', async () => {
    const post = (path: string, body: string, type = 'application/x-www-form-urlencoded') =>
      fetch(`${server.url}${path}`, { method: 'POST', body, headers: { 'content-type': type }, redirect: 'manual' });
    const cases = [
      await post('/lti/launch', Array.from({ length: 200 }, (_, i) => `p${i}=1`).join('&')),
      await post('/lti/launch', 'id_token=%E0%A4%A&state=%'),
      await post('/lti/launch', '{"id_token":"x","state":"y"}', 'application/json'),
      await post('/lti/launch', 'id_token=a&id_token=b&state=s'),
      await post('/lti/login', `iss=${encodeURIComponent(lms.issuer)}&iss=x&login_hint=h&target_link_uri=t`),
      await post('/lti/deep-link', 'pick=a.b.c&lab=%00'),
      await fetch(`${server.url}/lti/login?iss=${'x'.repeat(5000)}&login_hint=h&target_link_uri=t`),
      await fetch(`${server.url}/lti/launch`, { method: 'PUT', body: 'x' }),
    ];
    for (const r of cases) {
      expect(r.status, await r.clone().text()).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect(cases[0]?.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('after all of that, other learners and good launches still work', async () => {
    const visitor = await fetch(`${server.url}/api/me`);
    expect(visitor.status).toBe(200);
    const { token } = await launched({ sub: 'u-after' });
    expect((await api(`/api/labs/${lab}`, token)).status).toBe(200);
  });
});

describe('configured origins', () => {
  it('STACKLAB_PUBLIC_URL is the redirect URI; STACKLAB_FRAME_ANCESTORS=\'none\' keeps every frame out', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'stacklab-lti-origin-')), 'lti-platforms.json');
    writeFileSync(file, JSON.stringify([lms.registration()]));
    const other = await startServer(testConfig('lti-origin', {
      STACKLAB_LTI_PLATFORMS: file, STACKLAB_PUBLIC_URL: 'https://lab.example.org', STACKLAB_FRAME_ANCESTORS: "'none'",
    }));
    try {
      const r = await fetch(lms.loginUrl(other.url, lms.prepare()), { redirect: 'manual' });
      expect(new URL(r.headers.get('location') ?? '').searchParams.get('redirect_uri')).toBe('https://lab.example.org/lti/launch');
      const page = await fetch(`${other.url}/lab/${lab}`);
      expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'$/);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      const c = (await (await fetch(`${other.url}/lti/config`)).json()) as { loginUrl: string; https: boolean };
      expect(c).toMatchObject({ loginUrl: 'https://lab.example.org/lti/login', https: true });
    } finally {
      await other.close();
    }
  });
});

describe('the tool\'s published values', () => {
  it('GET /lti/jwks is the tool\'s public key; /lti/config and /lti/canvas.json give the registration values', async () => {
    const jwks = (await (await fetch(`${server.url}/lti/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]?.['d']).toBeUndefined();
    const c = (await (await fetch(`${server.url}/lti/config`)).json()) as Record<string, unknown>;
    expect(c).toMatchObject({
      loginUrl: `${server.url}/lti/login`, redirectUris: [`${server.url}/lti/launch`], jwksUrl: `${server.url}/lti/jwks`,
      deepLinkingUrl: `${server.url}/lti/launch`, targetLinkUri: `${server.url}/lti/launch`, customParameters: 'lab=LAB_ID', https: false,
    });
    const canvas = (await (await fetch(`${server.url}/lti/canvas.json`)).json()) as Record<string, unknown>;
    expect(canvas).toMatchObject({ oidc_initiation_url: `${server.url}/lti/login`, public_jwk_url: `${server.url}/lti/jwks` });
  });
});
