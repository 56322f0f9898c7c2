/**
 * Issue #17, Keystone's application credentials (Zed): the store (memory and SQLite share one
 * contract; secrets kept only as hashes; a restart keeps them), the REST API (create with the
 * secret shown once, list, show, delete; keystone's errors, limits, and its schema's words, the
 * latter compared with jsonschema's own text on keystone's schemas), the `application_credential`
 * authentication method, and the real python-openstackclient end to end.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { keystoneRouter } from '../../server/http/openstack/keystone.js';
import {
  accessRulesPermit,
  tokenContext,
  tokenStore,
  type TokenStore,
} from '../../server/http/openstack/tokens.js';
import { passwordFor } from '../../server/http/openstack/credentials.js';
import {
  APP_CRED_CREATE,
  schemaViolation,
  TOKEN_ISSUE,
} from '../../server/http/openstack/auth-schema.js';
import {
  sqliteAppCredentials,
  tagKey,
  type AppCredential,
  type AppCredentialStore,
} from '../../server/store/app-credentials.js';
import { memoryStore } from '../../server/store/memory.js';
import { workspaces, type Workspaces } from '../../server/workspace/index.js';
import { testConfig } from '../support/server-config.js';

const golden = JSON.parse(
  readFileSync(new URL('./keystone-schema.golden.json', import.meta.url), 'utf8'),
) as Record<string, Array<[unknown, string | null]>>;

describe("keystone's schema messages (golden: jsonschema on keystone's Zed schemas)", () => {
  it('token requests', () => {
    for (const [auth, want] of golden['token_issue'] ?? [])
      expect(schemaViolation(TOKEN_ISSUE, auth), JSON.stringify(auth)).toBe(want);
  });
  it('application credentials', () => {
    for (const [body, want] of golden['application_credential_create'] ?? [])
      expect(schemaViolation(APP_CRED_CREATE, body), JSON.stringify(body)).toBe(want);
  });
  it('stays linear on deep and wide instances', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 800; i += 1) deep = { a: deep };
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    const started = performance.now();
    expect(schemaViolation(TOKEN_ISSUE, deep)).toMatch(/^'identity' is a required property/);
    expect(schemaViolation(TOKEN_ISSUE, wide)).toMatch(/^'identity' is a required property/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

const cred = (over: Partial<AppCredential> = {}): AppCredential => ({
  id: 'c1',
  learner: 'la',
  workspace: 'sandbox:empty',
  name: 'ci',
  description: null,
  userId: 'u1',
  userName: 'admin',
  projectId: 'p1',
  roles: [{ id: 'r1', name: 'member' }],
  expiresAt: null,
  unrestricted: false,
  accessRules: null,
  createdAt: 1,
  ...over,
});

// The stores' shared contract (memory, SQLite, PostgreSQL): test/app-credentials-store.test.ts.
const dbDir = mkdtempSync(join(tmpdir(), 'stacklab-appcred-'));

describe('the SQLite store on disk', () => {
  it('keeps credentials across a reopen, and their secrets only as hashes', async () => {
    const file = join(dbDir, 'restart.db');
    const s = sqliteAppCredentials(file, tagKey('server secret'));
    await s.create(
      cred({
        accessRules: [{ id: 'a1', service: 'network', method: 'GET', path: '/v2.0/networks' }],
      }),
      'the-plain-secret-value',
      20,
    );
    await s.close();
    const bytes =
      readFileSync(file).toString('latin1') +
      (existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`).toString('latin1') : '');
    expect(bytes).not.toContain('the-plain-secret-value');
    const again = sqliteAppCredentials(file, tagKey('server secret'));
    expect((await again.get('c1'))?.accessRules).toEqual([
      { id: 'a1', service: 'network', method: 'GET', path: '/v2.0/networks' },
    ]);
    expect(
      (await again.authenticate({ name: 'ci', user: { id: 'u1' } }, 'the-plain-secret-value'))?.id,
    ).toBe('c1');
    await again.close();
    // Another server secret cannot find it by name (the lookup tag is keyed), though the id still proves it.
    const other = sqliteAppCredentials(file, tagKey('another secret'));
    expect(
      await other.authenticate({ name: 'ci', user: { id: 'u1' } }, 'the-plain-secret-value'),
    ).toBeNull();
    expect((await other.authenticate({ id: 'c1' }, 'the-plain-secret-value'))?.id).toBe('c1');
    await other.close();
  });
});

// The REST API on its own Express app, with a clock the test moves.
const config = testConfig('appcred');
const T0 = Date.parse('2026-12-03T10:00:00.000Z');
let clock = T0;
let base = '';
let server: Server;
let tokens: TokenStore;
let spaces: Workspaces;
let creds: AppCredentialStore;
const dbFile = join(dbDir, 'api.db');

function mount(store: AppCredentialStore): Promise<void> {
  const app = express();
  creds = store;
  app.use(
    '/openstack/identity',
    keystoneRouter({ workspaces: spaces, tokens, config, now: () => clock }, () => true, store),
  );
  server = app.listen(0, '127.0.0.1');
  return new Promise((ok) =>
    server.once('listening', () => {
      const a = server.address();
      base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/openstack/identity`;
      ok();
    }),
  );
}
const unmount = () => new Promise<void>((ok) => server.close(() => ok()));

beforeAll(async () => {
  spaces = workspaces({
    store: memoryStore(),
    labs: () => [],
    now: () => clock,
    log: () => undefined,
  });
  tokens = tokenStore();
  await mount(sqliteAppCredentials(dbFile, tagKey(config.secret)));
});
afterAll(async () => {
  await unmount();
  await creds.close();
});

let n = 0;
const learner = () => `appcred${(n += 1)}`;

type Body = Record<string, unknown>;
async function call(method: string, path: string, opts: { token?: string; body?: unknown } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(opts.token ? { 'x-auth-token': opts.token } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(opts.body !== undefined
      ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }
      : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: (text ? JSON.parse(text) : null) as Body,
  };
}

/** A password login to the learner's workspace: their token and user id. */
async function login(who: string, key = 'sandbox:public-cloud') {
  const { auth, projects } = (await spaces.open(who, spaces.parse(key)!)).state().cloud;
  const project = projects.find((p) => p.id === auth.projectId)?.name ?? '';
  const r = await call('POST', '/v3/auth/tokens', {
    body: {
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: auth.userName,
              domain: { name: 'Default' },
              password: passwordFor(config.secret, who, key),
            },
          },
        },
        scope: { project: { name: project, domain: { name: 'Default' } } },
      },
    },
  });
  expect(r.status).toBe(201);
  return {
    token: r.headers.get('x-subject-token') ?? '',
    userId: auth.userId,
    userName: auth.userName,
    projectId: auth.projectId,
  };
}

const credAuth = (ac: Body, extra: Body = {}) => ({
  auth: { identity: { methods: ['application_credential'], application_credential: ac }, ...extra },
});
const collection = (userId: string) => `/v3/users/${userId}/application_credentials`;
const UNAUTHORIZED = {
  error: {
    code: 401,
    title: 'Unauthorized',
    message: 'The request you have made requires authentication.',
  },
};

describe('POST /v3/users/{user_id}/application_credentials', () => {
  it('creates one with a generated secret shown once; show and list never show it', async () => {
    const me = await login(learner());
    const r = await call('POST', collection(me.userId), {
      token: me.token,
      body: { application_credential: { name: 'ci', description: 'for CI' } },
    });
    expect(r.status).toBe(201);
    const ac = r.json['application_credential'] as Body;
    expect(ac['id']).toMatch(/^[0-9a-f]{32}$/);
    expect(ac['secret']).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(ac).toMatchObject({
      name: 'ci',
      description: 'for CI',
      project_id: me.projectId,
      expires_at: null,
      unrestricted: false,
    });
    expect(ac['links']).toEqual({
      self: `${base}/v3/users/${me.userId}/application_credentials/${String(ac['id'])}`,
    });
    // The token's roles, with keystone's role refs.
    expect((ac['roles'] as Body[]).map((x) => x['name'])).toEqual([
      'member',
      'load-balancer_member',
      'reader',
    ]);
    expect((ac['roles'] as Body[])[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name: 'member',
      domain_id: null,
      description: null,
      options: {},
    });
    const shown = await call('GET', `${collection(me.userId)}/${String(ac['id'])}`, {
      token: me.token,
    });
    expect(shown.status).toBe(200);
    const { secret: _secret, ...rest } = ac;
    expect(shown.json['application_credential']).toEqual(rest);
    const listed = await call('GET', collection(me.userId), { token: me.token });
    expect(listed.json).toEqual({
      application_credentials: [rest],
      links: { self: `${base}${collection(me.userId)}`, previous: null, next: null },
    });
    expect(
      (await call('GET', `${collection(me.userId)}?name=ci`, { token: me.token })).json[
        'application_credentials'
      ],
    ).toHaveLength(1);
    expect(
      (await call('GET', `${collection(me.userId)}?name=cd`, { token: me.token })).json[
        'application_credentials'
      ],
    ).toEqual([]);
    expect(
      (await call('HEAD', `${collection(me.userId)}/${String(ac['id'])}`, { token: me.token }))
        .status,
    ).toBe(200);
  });

  it('takes a chosen secret, roles among the token’s, an expiry and access rules', async () => {
    const me = await login(learner());
    const r = await call('POST', collection(me.userId), {
      token: me.token,
      body: {
        application_credential: {
          name: 'ro',
          secret: 'my secret',
          roles: [{ name: 'reader' }],
          expires_at: '2027-01-01T00:00:00.000000Z',
          access_rules: [{ service: 'network', method: 'GET', path: '/v2.0/networks' }],
        },
      },
    });
    expect(r.status).toBe(201);
    const ac = r.json['application_credential'] as Body;
    expect(ac['secret']).toBe('my secret');
    expect(ac['expires_at']).toBe('2027-01-01T00:00:00.000000');
    expect((ac['roles'] as Body[]).map((x) => x['name'])).toEqual(['reader']);
    expect(ac['access_rules']).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        service: 'network',
        path: '/v2.0/networks',
        method: 'GET',
      },
    ]);
  });

  it("answers in keystone's words: schema, roles, expiry, duplicates, the limit, another user", async () => {
    const me = await login(learner());
    const post = (body: unknown, userId = me.userId) =>
      call('POST', collection(userId), { token: me.token, body });
    const cases: Array<[unknown, number, string]> = [
      [
        { application_credential: { name: '' } },
        400,
        golden['application_credential_create']?.[0]?.[1] ?? '',
      ],
      [
        {},
        400,
        golden['application_credential_create']?.find(([b]) => JSON.stringify(b) === '{}')?.[1] ??
          '',
      ],
      [
        { application_credential: { name: 'x', roles: [{ name: 'admin' }] } },
        400,
        'Invalid application credential: Cannot create an application credential with unassigned role',
      ],
      [
        { application_credential: { name: 'x', roles: [{ name: 'nosuch' }] } },
        404,
        'Could not find role: nosuch.',
      ],
      [
        { application_credential: { name: 'x', expires_at: 'tomorrow' } },
        400,
        'Timestamp not in expected format. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      ],
      [
        { application_credential: { name: 'x', expires_at: '2026-12-03T09:00:00' } },
        400,
        "The 'expires_at' must not be before now. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.",
      ],
      [
        '{"application_credential": ',
        400,
        'Expecting to find valid JSON in request body. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      ],
    ];
    for (const [body, status, message] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect((r.json['error'] as Body)['message'], JSON.stringify(body)).toBe(message);
    }
    const other = await post({ application_credential: { name: 'x' } }, 'someone-else');
    expect(other.status).toBe(403);
    expect(other.json).toEqual({
      error: {
        code: 403,
        title: 'Forbidden',
        message:
          'You are not authorized to perform the requested action: identity:create_application_credential.',
      },
    });
    expect((await post({ application_credential: { name: 'dup' } })).status).toBe(201);
    const dup = await post({ application_credential: { name: 'dup' } });
    expect(dup.status).toBe(409);
    expect(dup.json).toEqual({
      error: {
        code: 409,
        title: 'Conflict',
        message:
          'Conflict occurred attempting to store application_credential - Duplicate entry found with name dup.',
      },
    });
    for (let i = 1; i < 20; i += 1)
      expect((await post({ application_credential: { name: `n${i}` } })).status).toBe(201);
    const full = await post({ application_credential: { name: 'one-too-many' } });
    expect(full.status).toBe(403);
    expect((full.json['error'] as Body)['message']).toBe(
      'Unable to create additional application credentials, maximum of 20 already exceeded for user.',
    );
    expect(
      (
        await call('POST', collection(me.userId), {
          body: { application_credential: { name: 'x' } },
        })
      ).json,
    ).toEqual(UNAUTHORIZED);
  });
});

describe('authenticating with an application credential', () => {
  async function made(body: Body = {}) {
    const me = await login(learner());
    const r = await call('POST', collection(me.userId), {
      token: me.token,
      body: { application_credential: { name: 'ci', ...body } },
    });
    const ac = r.json['application_credential'] as Body;
    return { me, id: String(ac['id']), secret: String(ac['secret']) };
  }

  it('by id, or by name and user: a token of the credential’s project, with its roles, naming it', async () => {
    const { me, id, secret } = await made({ roles: [{ name: 'member' }] });
    for (const ac of [
      { id, secret },
      { name: 'ci', secret, user: { id: me.userId } },
      { name: 'ci', secret, user: { name: me.userName, domain: { name: 'Default' } } },
    ]) {
      const r = await call('POST', '/v3/auth/tokens', { body: credAuth(ac) });
      expect(r.status, JSON.stringify(ac)).toBe(201);
      const t = r.json['token'] as Body;
      expect(t['methods']).toEqual(['application_credential']);
      expect((t['project'] as Body)['id']).toBe(me.projectId);
      expect((t['user'] as Body)['id']).toBe(me.userId);
      expect((t['roles'] as Body[]).map((x) => x['name'])).toEqual(['member', 'reader']);
      expect(t['application_credential']).toEqual({ id, name: 'ci', restricted: true });
      expect(tokens.lookup(r.headers.get('x-subject-token') ?? '', clock)?.learner).toBe(
        tokens.lookup(me.token, clock)?.learner,
      );
    }
  });

  it("refuses a wrong secret, a scope, an unknown id, and another learner's credential name", async () => {
    const { me, id, secret } = await made();
    expect(
      (await call('POST', '/v3/auth/tokens', { body: credAuth({ id, secret: `${secret}x` }) }))
        .json,
    ).toEqual(UNAUTHORIZED);
    expect((await call('POST', '/v3/auth/tokens', { body: credAuth({ id }) })).json).toEqual(
      UNAUTHORIZED,
    );
    const scoped = await call('POST', '/v3/auth/tokens', {
      body: credAuth({ id, secret }, { scope: { project: { id: me.projectId } } }),
    });
    expect(scoped.status).toBe(401);
    expect(scoped.json).toEqual({
      error: {
        code: 401,
        title: 'Unauthorized',
        identity: {},
        message:
          'Error authenticating with application credential: Application credentials cannot request a scope.',
      },
    });
    const unknown = await call('POST', '/v3/auth/tokens', {
      body: credAuth({ id: 'f'.repeat(32), secret }),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({
      error: {
        code: 404,
        title: 'Not Found',
        message: `Could not find Application Credential: ${'f'.repeat(32)}.`,
      },
    });
    // Another learner of the same fixture has a user of the same name and a credential of the same name: their secret opens theirs only.
    const theirs = await made();
    expect(theirs.me.userName).toBe(me.userName);
    const byName = (s: string) =>
      credAuth({ name: 'ci', secret: s, user: { name: me.userName, domain: { id: 'default' } } });
    expect(
      (
        await call('POST', '/v3/auth/tokens', {
          body: credAuth({ name: 'ci', secret: theirs.secret, user: { id: me.userId } }),
        })
      ).status,
    ).toBe(401);
    const r = await call('POST', '/v3/auth/tokens', { body: byName(theirs.secret) });
    expect(r.status).toBe(201);
    expect(tokens.lookup(r.headers.get('x-subject-token') ?? '', clock)?.learner).toBe(
      tokens.lookup(theirs.me.token, clock)?.learner,
    );
  });

  it('expires: the token lives no longer than the credential, which then opens nothing', async () => {
    const { id, secret } = await made({ expires_at: new Date(clock + 600_000).toISOString() });
    const r = await call('POST', '/v3/auth/tokens', { body: credAuth({ id, secret }) });
    expect(r.status).toBe(201);
    expect((r.json['token'] as Body)['expires_at']).toBe(
      new Date(clock + 600_000).toISOString().replace(/\.\d+Z$/, '.000000Z'),
    );
    const token = r.headers.get('x-subject-token') ?? '';
    clock += 600_000;
    expect(tokens.lookup(token, clock)).toBeNull();
    expect(
      (await call('POST', '/v3/auth/tokens', { body: credAuth({ id, secret }) })).json,
    ).toEqual(UNAUTHORIZED);
  });

  it('a restricted credential’s token cannot manage credentials; an unrestricted one can; deleting revokes its tokens', async () => {
    const { me, id, secret } = await made();
    const viaCred =
      (await call('POST', '/v3/auth/tokens', { body: credAuth({ id, secret }) })).headers.get(
        'x-subject-token',
      ) ?? '';
    const refused = await call('POST', collection(me.userId), {
      token: viaCred,
      body: { application_credential: { name: 'more' } },
    });
    expect(refused.status).toBe(403);
    expect((refused.json['error'] as Body)['message']).toBe(
      "You are not authorized to perform the requested action: Using method 'application_credential' is not allowed for managing additional application credentials..",
    );
    expect(
      (await call('DELETE', `${collection(me.userId)}/${id}`, { token: viaCred })).status,
    ).toBe(403);
    const open = await call('POST', collection(me.userId), {
      token: me.token,
      body: { application_credential: { name: 'open', unrestricted: true } },
    });
    const o = open.json['application_credential'] as Body;
    const viaOpen =
      (
        await call('POST', '/v3/auth/tokens', {
          body: credAuth({ id: o['id'], secret: o['secret'] }),
        })
      ).headers.get('x-subject-token') ?? '';
    expect(
      (
        await call('POST', collection(me.userId), {
          token: viaOpen,
          body: { application_credential: { name: 'child' } },
        })
      ).status,
    ).toBe(201);
    expect(
      (await call('DELETE', `${collection(me.userId)}/${id}`, { token: me.token })).status,
    ).toBe(204);
    expect(tokens.lookup(viaCred, clock)).toBeNull();
    expect((await call('GET', `${collection(me.userId)}/${id}`, { token: me.token })).status).toBe(
      404,
    );
  });

  it("never shows, lists or deletes another learner's credentials", async () => {
    const a = await made();
    const b = await login(learner());
    // Each learner's cloud has its own user id; naming the other's user is refused by keystone's policy.
    expect(b.userId).not.toBe(a.me.userId);
    const theirList = await call('GET', collection(a.me.userId), { token: b.token });
    expect(theirList.status).toBe(403);
    expect(theirList.json).toEqual({
      error: {
        code: 403,
        title: 'Forbidden',
        message:
          'You are not authorized to perform the requested action: identity:list_application_credentials.',
      },
    });
    const shown = await call('GET', `${collection(b.userId)}/${a.id}`, { token: b.token });
    expect(shown.status).toBe(404);
    expect(shown.json).toEqual({
      error: {
        code: 404,
        title: 'Not Found',
        message: `Could not find Application Credential: ${a.id}.`,
      },
    });
    expect(
      (await call('DELETE', `${collection(b.userId)}/${a.id}`, { token: b.token })).status,
    ).toBe(404);
    expect(
      (await call('GET', collection(b.userId), { token: b.token })).json['application_credentials'],
    ).toEqual([]);
    expect(await creds.get(a.id)).not.toBeNull();
  });

  it('survives a restart of the server (the SQLite store reopened): the credential still opens the workspace', async () => {
    const { id, secret } = await made();
    await unmount();
    await creds.close();
    tokens = tokenStore();
    await mount(sqliteAppCredentials(dbFile, tagKey(config.secret)));
    expect((await call('POST', '/v3/auth/tokens', { body: credAuth({ id, secret }) })).status).toBe(
      201,
    );
  });
});

const OPENSTACK = existsSync('/usr/bin/openstack') ? '/usr/bin/openstack' : null;
if (!OPENSTACK)
  console.warn(
    'app-credentials.test.ts: the real-client cases are skipped (no /usr/bin/openstack)',
  );

describe.skipIf(!OPENSTACK)('the real openstack client', () => {
  const run = promisify(execFile);
  let app: RunningServer;
  let dir = '';
  beforeAll(async () => {
    app = await startServer(testConfig('appcred-client'));
    dir = mkdtempSync(join(tmpdir(), 'stacklab-appcred-client-'));
    writeFileSync(
      join(dir, 'clouds.yaml'),
      await (await fetch(`${app.url}/api/me/clouds.yaml?workspace=sandbox:public-cloud`)).text(),
    );
  });
  afterAll(() => app?.close());
  const os = async (args: string[], file = 'clouds.yaml', cloud = 'stacklab') =>
    (
      await run(OPENSTACK as string, ['--os-cloud', cloud, ...args], {
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: dir,
          OS_CLIENT_CONFIG_FILE: join(dir, file),
          LANG: 'C.UTF-8',
        },
        timeout: 60_000,
      })
    ).stdout;

  it('application credential create/list/show/delete, and a v3applicationcredential cloud that lists networks', async () => {
    const made = JSON.parse(
      await os([
        'application',
        'credential',
        'create',
        'ci',
        '--description',
        'for CI',
        '-f',
        'json',
      ]),
    ) as Record<string, unknown>;
    expect(Object.keys(made)).toEqual([
      'description',
      'expires_at',
      'id',
      'name',
      'project_id',
      'roles',
      'secret',
      'unrestricted',
    ]);
    expect(made).toMatchObject({
      description: 'for CI',
      expires_at: null,
      name: 'ci',
      roles: 'member load-balancer_member reader',
      unrestricted: false,
    });
    expect(await os(['application', 'credential', 'list', '-f', 'value', '-c', 'Name'])).toBe(
      'ci\n',
    );
    expect(JSON.parse(await os(['application', 'credential', 'show', 'ci', '-f', 'json']))).toEqual(
      Object.fromEntries(Object.entries(made).filter(([k]) => k !== 'secret')),
    );
    const url = `${app.url}/openstack/identity/v3`;
    writeFileSync(
      join(dir, 'ac.yaml'),
      [
        'clouds:',
        '  byid:',
        '    auth_type: v3applicationcredential',
        '    auth:',
        `      auth_url: "${url}"`,
        `      application_credential_id: "${String(made['id'])}"`,
        `      application_credential_secret: "${String(made['secret'])}"`,
        '    region_name: RegionOne',
        '  byname:',
        '    auth_type: v3applicationcredential',
        '    auth:',
        `      auth_url: "${url}"`,
        '      application_credential_name: ci',
        `      application_credential_secret: "${String(made['secret'])}"`,
        `      username: ${/username: "([^"]*)"/.exec(readFileSync(join(dir, 'clouds.yaml'), 'utf8'))?.[1] ?? ''}`,
        '      user_domain_name: Default',
        '    region_name: RegionOne',
        '',
      ].join('\n'),
    );
    const viaPassword = await os(['network', 'list']);
    expect(await os(['network', 'list'], 'ac.yaml', 'byid')).toBe(viaPassword);
    expect(await os(['network', 'list'], 'ac.yaml', 'byname')).toBe(viaPassword);
    expect(await os(['application', 'credential', 'delete', 'ci'])).toBe('');
    expect(await os(['application', 'credential', 'list', '-f', 'value'])).toBe('');
    const gone = await os(['network', 'list'], 'ac.yaml', 'byid').then(
      () => '',
      (e: { stderr?: string }) => e.stderr ?? '',
    );
    expect(gone).toBe(`Could not find Application Credential: ${String(made['id'])}. (HTTP 404)\n`);
  }, 120_000);
});

describe('access rules', () => {
  it('carry into the token context and permit only matching calls, as keystonemiddleware matches them', async () => {
    const me = await login(learner());
    const r = await call('POST', collection(me.userId), {
      token: me.token,
      body: {
        application_credential: {
          name: 'ruled',
          access_rules: [
            { service: 'network', method: 'GET', path: '/v2.0/networks' },
            { service: 'network', method: 'GET', path: '/v2.0/networks/*' },
            { service: 'compute', method: 'POST', path: '/v2.1/servers/{server_id}/action' },
            { service: 'load-balancer', method: 'GET', path: '/v2/lbaas/**' },
          ],
        },
      },
    });
    const ac = r.json['application_credential'] as Body;
    const viaCred = await call('POST', '/v3/auth/tokens', {
      body: credAuth({ id: ac['id'], secret: ac['secret'] }),
    });
    const ctx = tokenContext(tokens, viaCred.headers.get('x-subject-token') ?? '', clock);
    expect(ctx?.accessRules).toHaveLength(4);
    expect((viaCred.json['token'] as Body)['application_credential']).toMatchObject({
      restricted: true,
      access_rules: expect.any(Array) as unknown,
    });
    const permits = (service: string, method: string, path: string) =>
      accessRulesPermit(ctx!, service, method, path);
    expect(permits('network', 'GET', '/v2.0/networks')).toBe(true);
    expect(permits('network', 'GET', '/v2.0/networks/abc')).toBe(true);
    expect(permits('network', 'GET', '/v2.0/networks/abc/tags')).toBe(false);
    expect(permits('network', 'HEAD', '/v2.0/networks')).toBe(false);
    expect(permits('network', 'DELETE', '/v2.0/networks/abc')).toBe(false);
    expect(permits('network', 'GET', '/v2x0/networks')).toBe(false);
    expect(permits('compute', 'POST', '/v2.1/servers/s1/action')).toBe(true);
    expect(permits('compute', 'POST', '/v2.1/servers/s1/s2/action')).toBe(false);
    expect(permits('load-balancer', 'GET', '/v2/lbaas/pools/p/members')).toBe(true);
    expect(permits('image', 'GET', '/v2/images')).toBe(false);
    // A token without access rules may make any call.
    expect(
      accessRulesPermit(tokenContext(tokens, me.token, clock)!, 'image', 'DELETE', '/v2/images/x'),
    ).toBe(true);
  });
});
