/**
 * Issue #19: keystone when the store of credentials or revocations fails. A revoke whose write
 * fails still holds on this node (the token is refused here at once) and the client is told 503,
 * keystone's "try again" answer for a store failure, never a crash or a stack; a credential store
 * that fails answers 503 the same way. Also: revocations written by the durable calls are what
 * another node's follower applies.
 */
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keystoneRouter } from '../server/http/openstack/keystone.js';
import { passwordFor } from '../server/http/openstack/credentials.js';
import { tokenStore, type Revocation, type TokenStore } from '../server/http/openstack/tokens.js';
import {
  memoryAppCredentials,
  tagKey,
  type AppCredentialStore,
} from '../server/store/app-credentials.js';
import { followRevocations, memoryRevocations } from '../server/store/revocations.js';
import { memoryStore } from '../server/store/memory.js';
import { StoreError } from '../server/store/types.js';
import { workspaces, type Workspaces } from '../server/workspace/index.js';
import { appCredentialLoginBody, passwordLoginBody } from './support/keystone-login.js';
import { testConfig } from './support/server-config.js';

const config = testConfig('revoke-keystone');
const NOW = Date.parse('2026-12-04T18:00:00.000Z');
const KEY = 'sandbox:public-cloud';
const UNAVAILABLE = {
  error: {
    code: 503,
    title: 'Service Unavailable',
    message: 'The service is temporarily unavailable: try again in a moment.',
  },
};

let spaces: Workspaces;
let server: Server;
let base = '';
let tokens: TokenStore;
/** What the revocation store does with the next writes: keep them, or fail as a database that went away. */
let storeDown = false;
const written: Revocation[] = [];
const logs: string[] = [];
let creds: AppCredentialStore;
let credsDown = false;

beforeAll(async () => {
  spaces = workspaces({
    store: memoryStore(),
    labs: () => [],
    now: () => NOW,
    log: () => undefined,
  });
  tokens = tokenStore({
    secret: config.secret,
    parseWorkspace: (k) => spaces.parse(k),
    persist: async (r) => {
      if (storeDown) throw new StoreError("the server's database is unreachable", 'CONNECTION');
      written.push(r);
    },
    log: (m) => logs.push(m),
  });
  const real = memoryAppCredentials(tagKey(config.secret));
  // Every call fails while credsDown, as a store whose database went away.
  creds = Object.fromEntries(
    Object.entries(real).map(([k, fn]) => [
      k,
      (...a: unknown[]) =>
        credsDown
          ? Promise.reject(new StoreError("the server's database is unreachable", 'CONNECTION'))
          : (fn as (...x: unknown[]) => unknown)(...a),
    ]),
  ) as unknown as AppCredentialStore;
  const app = express();
  app.use(
    '/openstack/identity',
    keystoneRouter({ workspaces: spaces, tokens, config, now: () => NOW }, () => true, creds),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((ok) => server.once('listening', () => ok()));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/openstack/identity`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

async function call(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    json: (text ? JSON.parse(text) : null) as Record<string, unknown>,
    token: res.headers.get('x-subject-token') ?? '',
  };
}

/** What keystone says of a token checking itself (200 valid, 401 not). */
const tokenStatus = async (token: string) => (await call('GET', '/v3/auth/tokens', { 'x-auth-token': token, 'x-subject-token': token })).status;

let n = 0;
async function login() {
  const who = `rk${(n += 1)}`;
  const { auth, projects } = (await spaces.open(who, spaces.parse(KEY)!)).state().cloud;
  const project = projects.find((p) => p.id === auth.projectId)?.name ?? '';
  const body: unknown = JSON.parse(passwordLoginBody({ username: auth.userName, password: passwordFor(config.secret, who, KEY), project_name: project }));
  const r = await call('POST', '/v3/auth/tokens', {}, body);
  expect(r.status).toBe(201);
  return { token: r.token, userId: auth.userId };
}

describe('a revoke when the revocation store is down', () => {
  it('DELETE /v3/auth/tokens: 503 in keystone words, and the token is refused here at once', async () => {
    const me = await login();
    const other = await login();
    storeDown = true;
    try {
      const r = await call('DELETE', '/v3/auth/tokens', {
        'x-auth-token': me.token,
        'x-subject-token': me.token,
      });
      expect(r.status).toBe(503);
      expect(r.json).toEqual(UNAVAILABLE);
      expect(r.text).not.toMatch(/StoreError|at .*\.ts/);
    } finally {
      storeDown = false;
    }
    expect(
      await tokenStatus(me.token),
    ).toBe(401);
    // The other learner's token is untouched, and the next revoke is written.
    expect(
      await tokenStatus(other.token),
    ).toBe(200);
    const before = written.length;
    expect(
      (
        await call('DELETE', '/v3/auth/tokens', {
          'x-auth-token': other.token,
          'x-subject-token': other.token,
        })
      ).status,
    ).toBe(204);
    expect(written.slice(before)).toEqual([{ auditId: expect.any(String), until: NOW + 3600_000 }]);
  });

  it("a credential's delete: 503, its tokens refused here at once; the credential is gone", async () => {
    const me = await login();
    const made = await call(
      'POST',
      `/v3/users/${me.userId}/application_credentials`,
      { 'x-auth-token': me.token },
      { application_credential: { name: 'ci' } },
    );
    expect(made.status).toBe(201);
    const ac = made.json['application_credential'] as { id: string; secret: string };
    const fromCred = await call(
      'POST',
      '/v3/auth/tokens',
      {},
      appCredentialLoginBody(ac),
    );
    expect(fromCred.status).toBe(201);
    storeDown = true;
    try {
      const r = await call('DELETE', `/v3/users/${me.userId}/application_credentials/${ac.id}`, {
        'x-auth-token': me.token,
      });
      expect(r.status).toBe(503);
      expect(r.json).toEqual(UNAVAILABLE);
    } finally {
      storeDown = false;
    }
    expect(
      await tokenStatus(fromCred.token),
    ).toBe(401);
    expect(
      (
        await call('GET', `/v3/users/${me.userId}/application_credentials/${ac.id}`, {
          'x-auth-token': me.token,
        })
      ).status,
    ).toBe(404);
  });

  it('a revoke nobody waits for that cannot be written is logged, never thrown; a token the per-learner bound drops is not written', async () => {
    const asked: Revocation[] = [];
    const s = tokenStore({
      perLearner: 1,
      persist: (r) => {
        asked.push(r);
        return Promise.reject(new StoreError("the server's database is unreachable", 'CONNECTION'));
      },
      log: (m) => logs.push(m),
    });
    const ref = spaces.parse(KEY)!;
    const first = s.issue('x', ref, NOW).token;
    const second = s.issue('x', ref, NOW).token;
    expect(s.lookup(first, NOW)).toBeNull();
    expect(asked).toEqual([]);
    expect(s.revoke(second, NOW)).toBe(true);
    await new Promise((ok) => setImmediate(ok));
    expect(s.lookup(second, NOW)).toBeNull();
    expect(asked).toHaveLength(1);
    expect(logs.at(-1)).toMatch(/^a token revocation was not written .*unreachable/);
  });
});

describe('a credential store that is down', () => {
  it('answers 503 to a login, a create, a list, a show and a delete, then works again', async () => {
    const me = await login();
    const made = await call(
      'POST',
      `/v3/users/${me.userId}/application_credentials`,
      { 'x-auth-token': me.token },
      { application_credential: { name: 'ci' } },
    );
    const ac = made.json['application_credential'] as { id: string; secret: string };
    credsDown = true;
    try {
      const answers = [
        await call(
          'POST',
          '/v3/auth/tokens',
          {},
          appCredentialLoginBody(ac),
        ),
        await call(
          'POST',
          `/v3/users/${me.userId}/application_credentials`,
          { 'x-auth-token': me.token },
          { application_credential: { name: 'cd' } },
        ),
        await call('GET', `/v3/users/${me.userId}/application_credentials`, {
          'x-auth-token': me.token,
        }),
        await call('GET', `/v3/users/${me.userId}/application_credentials/${ac.id}`, {
          'x-auth-token': me.token,
        }),
        await call('DELETE', `/v3/users/${me.userId}/application_credentials/${ac.id}`, {
          'x-auth-token': me.token,
        }),
      ];
      for (const r of answers) expect([r.status, r.json]).toEqual([503, UNAVAILABLE]);
    } finally {
      credsDown = false;
    }
    expect(
      (
        await call('GET', `/v3/users/${me.userId}/application_credentials/${ac.id}`, {
          'x-auth-token': me.token,
        })
      ).status,
    ).toBe(200);
  });
});

describe('what a revoke writes is what another node applies', () => {
  it("a token's audit id and a credential's id, through a follower on another token store", async () => {
    const store = memoryRevocations();
    const ref = spaces.parse(KEY)!;
    const a = tokenStore({
      secret: 'shared',
      parseWorkspace: (k) => spaces.parse(k),
      persist: (r) => store.add(r),
    });
    const b = tokenStore({ secret: 'shared', parseWorkspace: (k) => spaces.parse(k) });
    const follower = followRevocations(store, (r) => b.applyRevocation(r), {
      intervalMs: 60_000,
      now: () => NOW,
    });
    await follower.start();
    const plain = a.issue('l', ref, NOW).token;
    const cred = a.issue('l', ref, NOW, {
      appCredential: { id: 'c9', name: 'ci', unrestricted: false, roles: [], accessRules: null },
    }).token;
    const kept = a.issue('l', ref, NOW).token;
    expect(await a.revokeDurably(plain, NOW)).toBe(true);
    expect(await a.revokeDurably(plain, NOW)).toBe(false);
    expect(await a.revokeAppCredentialDurably('c9', NOW)).toBe(1);
    // Not yet read by B: still valid there (the window is the poll interval).
    expect(b.lookup(plain, NOW)).not.toBeNull();
    await follower.poll();
    expect(b.lookup(plain, NOW)).toBeNull();
    expect(b.lookup(cred, NOW)).toBeNull();
    expect(b.lookup(kept, NOW)).not.toBeNull();
    // The credential's row is kept past any token of it (TTL and a margin for clocks), then swept.
    const rows = await store.after(0, NOW, 10);
    expect(rows.map((r) => ('revocation' in r ? r.revocation.until : null))).toEqual([
      NOW + 3600_000,
      NOW + 3600_000 + 600_000,
    ]);
    follower.stop();
  });
});
