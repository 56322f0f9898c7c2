/**
 * Issue #17, Keystone v3: version discovery, password tokens scoped to the learner's own project,
 * validation and revocation, expiry, keystone's error bodies, the learner's credentials (derived,
 * never another learner's), the /api/me downloads, and the API's rate limit. Most cases run the
 * OpenStack routes on their own Express app with a clock the test moves; the downloads run on the
 * whole server (startServer), since they need the learner cookie.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { openstackRoutes } from '../../server/http/openstack/index.js';
import { tokenContext, tokenStore, type TokenStore } from '../../server/http/openstack/tokens.js';
import { passwordFor, passwordOwner } from '../../server/http/openstack/credentials.js';
import { SERVICES } from '../../server/http/openstack/endpoints.js';
import { memoryStore } from '../../server/store/memory.js';
import { workspaces, type Workspaces } from '../../server/workspace/index.js';
import { testConfig } from '../support/server-config.js';

const config = testConfig('keystone');
const SECRET = config.secret;
const T0 = Date.parse('2026-12-03T10:00:00.250Z');
let clock = T0;
let base = '';
let server: Server;
let tokens: TokenStore;
let spaces: Workspaces;

beforeAll(async () => {
  const app = express();
  spaces = workspaces({
    store: memoryStore(),
    labs: () => [],
    now: () => clock,
    log: () => undefined,
  });
  tokens = tokenStore();
  openstackRoutes(app, { workspaces: spaces, tokens, config, now: () => clock });
  server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/openstack`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

/** A password request as the openstack client sends it (clouds.yaml: names, domain Default). */
function passwordAuth(password: string, opts: { user?: object; project?: object | null } = {}) {
  const scope =
    opts.project === null
      ? {}
      : { scope: { project: opts.project ?? { name: 'admin', domain: { name: 'Default' } } } };
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { ...(opts.user ?? { name: 'admin', domain: { name: 'Default' } }), password },
        },
      },
      ...scope,
    },
  };
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { res, body: await res.text() };
}

/** A GET with a Host header of our choosing (fetch does not let a caller set Host). */
async function getWithHost(path: string, host: string): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  const port = new URL(base).port;
  return new Promise((ok, ko) => {
    const r = request(
      { host: '127.0.0.1', port, path, method: 'GET', headers: { host } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }));
      },
    );
    r.on('error', ko);
    r.end();
  });
}

/** A fresh clock-independent learner id per test, so rate limits and tokens never meet. */
let n = 0;
const learner = () => `learner${(n += 1)}`;

/** Logs in as the workspace's own user to its own project, as its clouds.yaml says. */
async function login(who: string, key = 'sandbox:empty') {
  const { auth, projects } = (await spaces.open(who, spaces.parse(key)!)).state().cloud;
  const project = projects.find((p) => p.id === auth.projectId)?.name ?? '';
  const { res, body } = await post(
    passwordAuth(passwordFor(SECRET, who, key), {
      user: { name: auth.userName, domain: { name: 'Default' } },
      project: { name: project, domain: { name: 'Default' } },
    }),
  );
  expect(res.status).toBe(201);
  return {
    token: res.headers.get('x-subject-token') ?? '',
    body: JSON.parse(body) as { token: Record<string, unknown> },
  };
}

const UNAUTHORIZED = {
  error: {
    code: 401,
    title: 'Unauthorized',
    message: 'The request you have made requires authentication.',
  },
};

describe('version discovery', () => {
  it('answers GET / with 300 and the v3 version, linked under the Host the client used', async () => {
    for (const path of ['/openstack/identity', '/openstack/identity/']) {
      const res = await getWithHost(path, 'cloud.example:8080');
      expect(res.status).toBe(300);
      expect(JSON.parse(res.body)).toEqual({
        versions: {
          values: [
            {
              id: 'v3.14',
              status: 'stable',
              updated: '2020-04-07T00:00:00Z',
              links: [{ rel: 'self', href: 'http://cloud.example:8080/openstack/identity/v3/' }],
              'media-types': [
                { base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' },
              ],
            },
          ],
        },
      });
    }
  });

  it('writes bodies as keystone does: jsonutils.dumps for documents, flask.jsonify for errors', async () => {
    const doc = await fetch(`${base}/identity/v3`);
    expect(doc.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await doc.text()).toBe(
      `{"version": {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z", "links": [{"rel": "self", "href": "${base}/identity/v3/"}], "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]}}`,
    );
    const { body } = await post(passwordAuth('wrong'));
    expect(body).toBe(
      '{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}\n',
    );
  });

  it('answers GET /v3 with the version document', async () => {
    const res = await fetch(`${base}/identity/v3`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { version: { id: string; links: Array<{ href: string }> } };
    expect(doc.version.id).toBe('v3.14');
    expect(doc.version.links[0]?.href).toBe(`${base}/identity/v3/`);
  });

  it('never echoes a Host header that is not a host into its links', async () => {
    const { body } = await getWithHost('/openstack/identity/v3', 'evil"><script>');
    expect(body).toContain('"href": "http://localhost/openstack/identity/v3/"');
    expect(body).not.toContain('evil');
  });

  it('answers paths keystone does not route as its flask app does (werkzeug 404/405)', async () => {
    const missing = await fetch(`${base}/identity/v3/nosuch`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await missing.text()).toBe(
      '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n',
    );
    const wrong = await fetch(`${base}/identity/v3/auth/tokens`, { method: 'PUT' });
    expect(wrong.status).toBe(405);
    expect(await wrong.text()).toContain('<title>405 Method Not Allowed</title>');
  });

  it('answers a service Stacklab does not serve with 404', async () => {
    const res = await fetch(`${base}/object-store/v1`);
    expect(res.status).toBe(404);
  });
});

describe('POST /v3/auth/tokens', () => {
  it('issues a project-scoped token for the workspace the password opens, as keystone renders it', async () => {
    const who = learner();
    const { res, body } = await post(passwordAuth(passwordFor(SECRET, who, 'sandbox:empty')));
    expect(res.status).toBe(201);
    const id = res.headers.get('x-subject-token') ?? '';
    expect(id).toMatch(/^gAAAAA[A-Za-z0-9_-]{180,}$/);
    const t = (JSON.parse(body) as { token: Record<string, unknown> }).token;
    const cloud = (await spaces.open(who, spaces.parse('sandbox:empty')!)).state().cloud;
    expect(t['methods']).toEqual(['password']);
    expect(t['user']).toEqual({
      domain: { id: 'default', name: 'Default' },
      id: cloud.auth.userId,
      name: 'admin',
      password_expires_at: null,
    });
    expect(t['project']).toEqual({
      domain: { id: 'default', name: 'Default' },
      id: cloud.auth.projectId,
      name: 'admin',
    });
    expect(t['is_domain']).toBe(false);
    expect((t['roles'] as Array<{ name: string }>).map((r) => r.name)).toEqual([
      'admin',
      'member',
      'reader',
    ]);
    // Fernet keeps whole seconds; keystone prints microseconds. Keystone's default: an hour.
    expect(t['issued_at']).toBe('2026-12-03T10:00:00.000000Z');
    expect(t['expires_at']).toBe('2026-12-03T11:00:00.000000Z');
    expect((t['audit_ids'] as string[])[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const cat = t['catalog'] as Array<{
      type: string;
      endpoints: Array<{ interface: string; region: string; region_id: string; url: string }>;
    }>;
    expect(cat.map((s) => s.type)).toEqual(SERVICES.map((s) => s.type));
    for (const s of cat) {
      expect(s.endpoints.map((e) => e.interface)).toEqual(['public', 'internal', 'admin']);
      expect(new Set(s.endpoints.map((e) => `${e.region}/${e.region_id}`))).toEqual(
        new Set(['RegionOne/RegionOne']),
      );
    }
    expect(cat[0]?.endpoints[0]?.url).toBe(`${base}/identity`);
    expect(cat.find((s) => s.type === 'network')?.endpoints[0]?.url).toBe(`${base}/network`);
    expect(tokenContext(tokens, id, clock)).toMatchObject({
      learner: who,
      workspace: { key: 'sandbox:empty' },
    });
  });

  it('gives a member the roles the fixture grants, with the ones they imply', async () => {
    const { body } = await login(learner(), 'sandbox:public-cloud');
    const roles = (body.token['roles'] as Array<{ name: string }>).map((r) => r.name);
    expect(roles).toEqual(['member', 'load-balancer_member', 'reader']);
    expect(roles).not.toContain('admin');
  });

  it('accepts the user and project by id', async () => {
    const who = learner();
    const cloud = (await spaces.open(who, spaces.parse('sandbox:empty')!)).state().cloud;
    const { res } = await post(
      passwordAuth(passwordFor(SECRET, who, 'sandbox:empty'), {
        user: { id: cloud.auth.userId },
        project: { id: cloud.auth.projectId },
      }),
    );
    expect(res.status).toBe(201);
  });

  it('answers 401 with keystone body for a bad password, another user, project or domain, and unscoped requests', async () => {
    const who = learner();
    const good = passwordFor(SECRET, who, 'sandbox:empty');
    const cases = [
      passwordAuth(`${good.slice(0, -2)}xx`),
      passwordAuth(passwordFor('another server secret', who, 'sandbox:empty')),
      passwordAuth('admin'),
      passwordAuth(good, { user: { name: 'demo', domain: { name: 'Default' } } }),
      passwordAuth(good, { user: { name: 'admin', domain: { name: 'Other' } } }),
      passwordAuth(good, { project: { name: 'demo', domain: { name: 'Default' } } }),
      passwordAuth(good, { project: { name: 'admin', domain: { id: 'other' } } }),
      passwordAuth(good, { project: { id: 'not-the-project' } }),
      passwordAuth(good, { project: null }),
      passwordAuth(passwordFor(SECRET, who, 'sandbox:no-such-fixture')),
    ];
    for (const c of cases) {
      const { res, body } = await post(c);
      expect(res.status, JSON.stringify(c)).toBe(401);
      expect(JSON.parse(body)).toEqual(UNAUTHORIZED);
      expect(res.headers.get('www-authenticate')).toBe(`Keystone uri="${base}/identity"`);
      expect(res.headers.get('x-subject-token')).toBeNull();
    }
  });

  it("never opens another learner's workspace with one learner's password", async () => {
    const a = learner();
    const b = learner();
    const { token } = await login(a);
    expect(tokenContext(tokens, token, clock)?.learner).toBe(a);
    expect(passwordFor(SECRET, a, 'sandbox:empty')).not.toBe(
      passwordFor(SECRET, b, 'sandbox:empty'),
    );
    expect(passwordFor(SECRET, a, 'sandbox:empty')).not.toBe(
      passwordFor(SECRET, a, 'sandbox:public-cloud'),
    );
  });

  it("answers malformed requests with keystone's 400 body, in keystone's order of checks", async () => {
    const expectation = (attribute: string, target: string) => ({
      error: {
        code: 400,
        title: 'Bad Request',
        message: `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
      },
    });
    const bad = (message: string) => ({ error: { code: 400, title: 'Bad Request', message } });
    const cases: Array<[string, Record<string, string>, unknown]> = [
      // keystone/server/flask/request_processing/json_body.py: not JSON, or JSON that is not an object.
      ['{"auth": ', {}, expectation('valid JSON', 'request body')],
      ['[1, 2]', {}, expectation('valid JSON', 'request body')],
      ['"auth"', {}, expectation('valid JSON', 'request body')],
      [
        '{"auth": {}}',
        { 'content-type': 'text/plain' },
        expectation('application/json', 'Content-Type header'),
      ],
      // auth/core.py AuthInfo: no auth at all.
      ['{}', {}, expectation('auth', 'request body')],
      ['', {}, expectation('auth', 'request body')],
      ['{"auth": null}', {}, expectation('auth', 'request body')],
      // auth/schema.py token_issue, as jsonschema words it (golden: jsonschema 4.10 on keystone's schema).
      [
        '{"auth": {"identity": {"methods": "password"}}}',
        {},
        bad(
          "Invalid input for field 'identity/methods': 'password' is not of type 'array'\n\nFailed validating 'type' in schema['properties']['identity']['properties']['methods']:\n    {'items': {'type': 'string'}, 'type': 'array'}\n\nOn instance['identity']['methods']:\n    'password'",
        ),
      ],
      [
        '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "password": 42}}}}}',
        {},
        bad(
          "Invalid input for field 'identity/password/user/password': 42 is not of type 'string'\n\nFailed validating 'type' in schema['properties']['identity']['properties']['password']['properties']['user']['properties']['password']:\n    {'type': 'string'}\n\nOn instance['identity']['password']['user']['password']:\n    42",
        ),
      ],
      [
        '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"password": "x"}}}}}',
        {},
        bad('Invalid input for field identity/password/user: id or name must be present.'),
      ],
      [
        '{"auth": {"identity": {"methods": ["password"]}, "scope": {"project": {"domain": {}}}}}',
        {},
        bad('Invalid input for field scope/project: id or name must be present.'),
      ],
      // The methods listed must each have their section.
      [
        '{"auth": {"identity": {"methods": ["password"]}}}',
        {},
        expectation('password', 'identity'),
      ],
      [
        '{"auth": {"identity": {"methods": ["password", "token"], "password": {}}}}',
        {},
        expectation('token', 'identity'),
      ],
      // The scope: exactly one kind; a project by name needs its domain.
      [
        '{"auth": {"identity": {"methods": ["password"], "password": {}}, "scope": {}}}',
        {},
        expectation('system, project, domain, OS-TRUST:trust or unscoped', 'scope'),
      ],
      [
        '{"auth": {"identity": {"methods": ["password"], "password": {}}, "scope": {"project": {"name": "admin"}}}}',
        {},
        expectation('domain', 'project'),
      ],
      // Then each method: the password method's user.
      [
        '{"auth": {"identity": {"methods": ["password"], "password": {}}, "scope": {"project": {"id": "x"}}}}',
        {},
        expectation('user', 'password'),
      ],
      [
        '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "password": "x"}}}, "scope": {"project": {"id": "x"}}}}',
        {},
        expectation('domain', 'user'),
      ],
      [
        '{"auth": {"identity": {"methods": ["application_credential"], "application_credential": {"secret": "x"}}}}',
        {},
        expectation('name or ID', 'application credential'),
      ],
      [
        '{"auth": {"identity": {"methods": ["application_credential"], "application_credential": {"name": "x", "secret": "x"}}}}',
        {},
        expectation('user', 'application credential'),
      ],
    ];
    for (const [body, headers, want] of cases) {
      const { res, body: got } = await post(body, headers);
      expect(res.status, body).toBe(400);
      expect(JSON.parse(got), body).toEqual(want);
    }
  });

  it('answers an unsupported method with 401 naming the methods, a missing password or no method with 401', async () => {
    const { res, body } = await post(
      '{"auth": {"identity": {"methods": ["kerberos"], "kerberos": {}}}}',
    );
    expect(res.status).toBe(401);
    expect(body).toBe(
      '{"error":{"code":401,"identity":{"methods":["external","password","token","oauth1","mapped","application_credential"]},"message":"Attempted to authenticate with an unsupported method.","title":"Unauthorized"}}\n',
    );
    const scoped = { scope: { project: { name: 'admin', domain: { name: 'Default' } } } };
    for (const identity of [
      { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' } } } },
      { methods: [] },
      { methods: ['external'], external: {} },
    ]) {
      const r = await post({ auth: { identity, ...scoped } });
      expect(r.res.status, JSON.stringify(identity)).toBe(401);
      expect(JSON.parse(r.body)).toEqual(UNAUTHORIZED);
    }
  });

  it('answers hostile bodies with 400 or 401, never an error of its own', async () => {
    const good = passwordFor(SECRET, learner(), 'sandbox:empty');
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const bodies = [
      deep,
      `{"auth": ${'{"a": '.repeat(2000)}1${'}'.repeat(2000)}}`,
      '{"__proto__": {"auth": 1}}',
      '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": {"toString": 1}, "password": 42}}}}}',
      JSON.stringify(
        passwordAuth(good, { user: { name: 'admin\u0000', domain: { name: 'Default' } } }),
      ),
      JSON.stringify(
        passwordAuth(good, { user: { name: ['admin'], domain: { name: 'Default' } } }),
      ),
      JSON.stringify(passwordAuth(good, { project: { name: { $ne: '' } } })),
      JSON.stringify(passwordAuth(`${good}\n`)),
      JSON.stringify(passwordAuth('é'.repeat(10_000))),
      JSON.stringify(passwordAuth(good, { user: { domain: { name: 'Default' } } })),
      '\u0000\u0001',
      'null',
      '"auth"',
    ];
    for (const b of bodies) {
      const { res } = await post(b);
      expect([400, 401], b.slice(0, 80)).toContain(res.status);
    }
  });

  it('refuses a body over keystone’s max_request_body_size with its 413', async () => {
    const { res, body } = await post(`{"pad": "${'x'.repeat(120_000)}"}`);
    expect(res.status).toBe(413);
    expect(JSON.parse(body)).toEqual({
      error: { code: 413, title: 'Request Entity Too Large', message: 'Request is too large.' },
    });
  });
});

describe('GET, HEAD and DELETE /v3/auth/tokens', () => {
  const check = (method: string, auth: string, subject: string, query = '') =>
    fetch(`${base}/identity/v3/auth/tokens${query}`, {
      method,
      headers: { 'x-auth-token': auth, 'x-subject-token': subject },
    });

  it('validates a token: the same body, the subject in X-Subject-Token; HEAD has no body; ?nocatalog drops the catalog', async () => {
    const { token, body } = await login(learner());
    const got = await check('GET', token, token);
    expect(got.status).toBe(200);
    expect(got.headers.get('x-subject-token')).toBe(token);
    expect(await got.json()).toEqual(body);
    const head = await check('HEAD', token, token);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const bare = (await (await check('GET', token, token, '?nocatalog')).json()) as {
      token: Record<string, unknown>;
    };
    expect(bare.token['catalog']).toBeUndefined();
    expect(bare.token['project']).toEqual(body.token['project']);
    const who = tokenContext(tokens, token, clock)!.learner;
    const issued = await fetch(`${base}/identity/v3/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(passwordAuth(passwordFor(SECRET, who, 'sandbox:empty'))),
    });
    expect(issued.status).toBe(201);
    expect(
      ((await issued.json()) as { token: Record<string, unknown> }).token['catalog'],
    ).toBeUndefined();
  });

  it('revokes: DELETE answers 204, then the token is unknown (404) and opens nothing (401)', async () => {
    const { token } = await login(learner());
    const other = (await login(learner())).token;
    expect((await check('DELETE', token, token)).status).toBe(204);
    expect(tokenContext(tokens, token, clock)).toBeNull();
    expect((await check('GET', token, token)).status).toBe(401);
    const gone = await check('GET', other, token);
    expect(gone.status).toBe(404);
    expect(await gone.text()).toBe(
      '{"error":{"code":404,"message":"Failed to validate token","title":"Not Found"}}\n',
    );
  });

  it("treats another learner's token as unknown", async () => {
    const mine = (await login(learner())).token;
    const theirs = (await login(learner())).token;
    expect((await check('GET', mine, theirs)).status).toBe(404);
    expect((await check('DELETE', mine, theirs)).status).toBe(404);
    expect(tokenContext(tokens, theirs, clock)).not.toBeNull();
  });

  it('answers 401 without a valid X-Auth-Token, and 404 without X-Subject-Token', async () => {
    const { token } = await login(learner());
    for (const auth of ['', 'gAAAAAnot-a-token', `${token}x`]) {
      const res = await check('GET', auth, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(UNAUTHORIZED);
    }
    const res = await fetch(`${base}/identity/v3/auth/tokens`, {
      headers: { 'x-auth-token': token },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 404, message: 'No token in the request', title: 'Not Found' },
    });
  });

  it("names a bad subject token in keystone's words: never valid 400, expired or revoked 404, for GET and HEAD", async () => {
    const start = clock;
    const { token: caller } = await login(learner());
    const { token: revoked } = await login(learner());
    const { token: expiring } = await login(learner());
    expect((await check('DELETE', revoked, revoked)).status).toBe(204);
    const never = await check('GET', caller, `gAAAAA${'x'.repeat(198)}`);
    expect(never.status).toBe(400);
    expect(await never.text()).toBe(
      '{"error":{"code":400,"message":"Could not recognize Fernet token","title":"Bad Request"}}\n',
    );
    expect((await check('HEAD', caller, 'garbage')).status).toBe(400);
    const gone = await check('GET', caller, revoked);
    expect(gone.status).toBe(404);
    expect(await gone.text()).toBe(
      '{"error":{"code":404,"message":"Failed to validate token","title":"Not Found"}}\n',
    );
    expect((await check('HEAD', caller, revoked)).status).toBe(404);
    clock = start + 3600_000;
    const { token: fresh } = await login(tokenContext(tokens, caller, start)?.learner ?? learner());
    const expired = await check('GET', fresh, expiring);
    expect(expired.status).toBe(404);
    expect(await expired.json()).toEqual({
      error: { code: 404, message: 'Failed to validate token', title: 'Not Found' },
    });
    expect((await check('DELETE', fresh, expiring)).status).toBe(404);
  });

  it('re-scopes with the token method: a new token for the same workspace, no longer-lived than the first', async () => {
    const { token, body } = await login(learner());
    const project = body.token['project'] as { id: string };
    const { res, body: got } = await post({
      auth: {
        identity: { methods: ['token'], token: { id: token } },
        scope: { project: { id: project.id } },
      },
    });
    expect(res.status).toBe(201);
    const t = (JSON.parse(got) as { token: Record<string, unknown> }).token;
    expect(t['methods']).toEqual(['token', 'password']);
    expect(t['expires_at']).toBe(body.token['expires_at']);
    expect(tokenContext(tokens, res.headers.get('x-subject-token') ?? '', clock)?.learner).toBe(
      tokenContext(tokens, token, clock)?.learner,
    );
    const bad = await post({
      auth: {
        identity: { methods: ['token'], token: { id: 'nope' } },
        scope: { project: { id: project.id } },
      },
    });
    expect(bad.res.status).toBe(400);
  });

  it('expires tokens after keystone’s default hour', async () => {
    // The clock only moves forward (the rate limits' buckets, as the wall clock, never go back).
    const start = clock;
    const { token } = await login(learner());
    clock = start + 3600_000 - 1;
    expect((await check('GET', token, token)).status).toBe(200);
    clock = start + 3600_000;
    expect((await check('GET', token, token)).status).toBe(401);
    expect(tokenContext(tokens, token, clock)).toBeNull();
  });
});

describe('rate limit', () => {
  it('charges API calls to the caller like terminal messages: a burst of 60 (the login is one), then 429', async () => {
    clock += 10_000;
    const { token } = await login(learner());
    const statuses: number[] = [];
    for (let i = 0; i < 60; i += 1)
      statuses.push(
        (await fetch(`${base}/identity/v3`, { headers: { 'x-auth-token': token } })).status,
      );
    expect(statuses.slice(0, 59).every((s) => s === 200)).toBe(true);
    expect(statuses[59]).toBe(429);
    // Another learner is not slowed down by this one.
    const { token: other } = await login(learner());
    expect(
      (await fetch(`${base}/identity/v3`, { headers: { 'x-auth-token': other } })).status,
    ).toBe(200);
    // Logging in again is charged to the learner the password names, whoever's address it comes from.
    expect(
      (
        await post(
          passwordAuth(
            passwordFor(SECRET, tokenContext(tokens, token, clock)!.learner, 'sandbox:empty'),
          ),
        )
      ).res.status,
    ).toBe(429);
    clock += 1000;
    expect(
      (await fetch(`${base}/identity/v3`, { headers: { 'x-auth-token': token } })).status,
    ).toBe(200);
  });

  it('limits calls without a token per address, with room for a class behind one NAT', async () => {
    clock += 10_000;
    const statuses: number[] = [];
    for (let i = 0; i < 301; i += 1) statuses.push((await fetch(`${base}/identity/`)).status);
    expect(statuses.slice(0, 300).every((s) => s === 300)).toBe(true);
    expect(statuses[300]).toBe(429);
    clock += 10_000;
  });
});

describe('the token store', () => {
  const ref = { key: 'sandbox:empty', fixture: 'empty', lab: null };

  it('issues random tokens, revocable, expiring after the TTL', () => {
    const s = tokenStore({ ttlMs: 1000 });
    const a = s.issue('a', ref, 0);
    const b = s.issue('a', ref, 0);
    expect(a.token).not.toBe(b.token);
    expect(tokenContext(s, a.token, 999)).toEqual({
      learner: 'a',
      workspace: ref,
      expiresAt: 1000,
    });
    expect(tokenContext(s, a.token, 1000)).toBeNull();
    expect(s.revoke(b.token, 10)).toBe(true);
    expect(s.revoke(b.token, 10)).toBe(false);
    expect(tokenContext(s, b.token, 10)).toBeNull();
    expect(tokenContext(s, '', 10)).toBeNull();
  });

  it('bounds the tokens of one learner (their oldest go) and of everyone (expired and oldest go)', () => {
    const s = tokenStore({ perLearner: 3, total: 5, ttlMs: 100 });
    const mine = [0, 1, 2, 3].map((i) => s.issue('a', ref, i).token);
    expect(mine.map((t) => tokenContext(s, t, 5) !== null)).toEqual([false, true, true, true]);
    const theirs = [0, 1, 2].map(() => s.issue('b', ref, 5).token);
    expect(s.size()).toBeLessThanOrEqual(5);
    expect(theirs.every((t) => tokenContext(s, t, 6) !== null)).toBe(true);
    s.issue('c', ref, 500);
    expect(s.size()).toBe(1);
  });
});

describe('credentials', () => {
  it('are signed for one learner and workspace with the server secret, and tampering breaks them', () => {
    const p = passwordFor('s1', 'abc', 'lab:01-first-network');
    expect(p).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(passwordOwner('s1', p)).toEqual({
      learner: 'abc',
      workspaceKey: 'lab:01-first-network',
    });
    expect(passwordOwner('s2', p)).toBeNull();
    const [payload, mac] = p.split('.') as [string, string];
    const forged = Buffer.from('xyz\nlab:01-first-network').toString('base64url');
    expect(passwordOwner('s1', `${forged}.${mac}`)).toBeNull();
    expect(passwordOwner('s1', `${payload}.${mac.slice(0, -1)}`)).toBeNull();
    for (const junk of ['', '.', 'a.b', 'x'.repeat(10_000), `${payload}.`, '\u0000.\u0000'])
      expect(passwordOwner('s1', junk)).toBeNull();
  });
});

describe('GET /api/me/clouds.yaml and /api/me/openrc', () => {
  let app: RunningServer;
  beforeAll(async () => {
    app = await startServer(testConfig('keystone-me'));
  });
  afterAll(() => app.close());

  it('gives a visitor a cookie and their own clouds.yaml, which logs in to their workspace', async () => {
    const res = await fetch(`${app.url}/api/me/clouds.yaml?workspace=sandbox:empty`);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/^stacklab_sid=/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=clouds.yaml');
    const doc = parseYaml(await res.text()) as {
      clouds: { stacklab: Record<string, unknown> & { auth: Record<string, string> } };
    };
    const cloud = doc.clouds.stacklab;
    expect(cloud).toMatchObject({
      region_name: 'RegionOne',
      interface: 'public',
      identity_api_version: 3,
    });
    expect(cloud.auth).toMatchObject({
      auth_url: `${app.url}/openstack/identity/v3`,
      project_name: 'admin',
      project_domain_name: 'Default',
      username: 'admin',
      user_domain_name: 'Default',
    });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const learnerId = cookie.slice('stacklab_sid='.length).split('.')[0];
    expect(passwordOwner(testConfig('keystone-me').secret, cloud.auth['password'] ?? '')).toEqual({
      learner: learnerId,
      workspaceKey: 'sandbox:empty',
    });
    const token = await fetch(`${app.url}/openstack/identity/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(passwordAuth(cloud.auth['password'] ?? '')),
    });
    expect(token.status).toBe(201);
  });

  it("gives the cookie's learner the same credentials again, and another learner others", async () => {
    const first = await fetch(`${app.url}/api/me/openrc?workspace=sandbox:empty`);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const again = await fetch(`${app.url}/api/me/openrc?workspace=sandbox:empty`, {
      headers: { cookie },
    });
    expect(again.headers.get('set-cookie')).toBeNull();
    const text = await first.text();
    expect(await again.text()).toBe(text);
    const other = await fetch(`${app.url}/api/me/openrc?workspace=sandbox:empty`);
    expect(await other.text()).not.toBe(text);
  });

  it('serves an openrc a POSIX shell sources into the OS_* variables', async () => {
    const res = await fetch(`${app.url}/api/me/openrc?workspace=sandbox:public-cloud`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=stacklab-openrc.sh');
    const dir = mkdtempSync(join(tmpdir(), 'stacklab-openrc-'));
    writeFileSync(join(dir, 'openrc'), await res.text());
    const env = execFileSync('sh', ['-c', `. ${join(dir, 'openrc')} && env`], {
      env: {},
    }).toString();
    const vars = Object.fromEntries(
      env
        .split('\n')
        .filter((l) => l.startsWith('OS_'))
        .map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
    expect(vars).toMatchObject({
      OS_AUTH_URL: `${app.url}/openstack/identity/v3`,
      OS_IDENTITY_API_VERSION: '3',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'public',
    });
    expect(
      passwordOwner(testConfig('keystone-me').secret, vars['OS_PASSWORD'] ?? '')?.workspaceKey,
    ).toBe('sandbox:public-cloud');
  });

  it('names the public URL behind a proxy, never a forwarded host', async () => {
    const proxied = await startServer(
      testConfig('keystone-proxied', { STACKLAB_PUBLIC_URL: 'https://lab.example.org' }),
    );
    try {
      const res = await fetch(`${proxied.url}/api/me/clouds.yaml?workspace=sandbox:empty`, {
        headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' },
      });
      const doc = parseYaml(await res.text()) as {
        clouds: { stacklab: { auth: Record<string, string> } };
      };
      expect(doc.clouds.stacklab.auth['auth_url']).toBe(
        'https://lab.example.org/openstack/identity/v3',
      );
    } finally {
      await proxied.close();
    }
  });

  it('answers 400 for a missing or unknown workspace', async () => {
    for (const q of [
      '',
      '?workspace=sandbox:nosuch',
      '?workspace=lab:nosuch',
      '?workspace=x&workspace=y',
    ])
      expect((await fetch(`${app.url}/api/me/clouds.yaml${q}`)).status).toBe(400);
  });
});
