/**
 * Issue #19: application credentials and token revocations shared by the nodes of a deployment.
 * Two app servers on one PostgreSQL database (as two machines behind HAProxy): a credential made
 * through A's keystone opens the workspace through B; a token revoked on A, or made from a
 * credential deleted on A, is refused by B within the poll interval (short here), and by both
 * after both restart; a learner can neither read nor delete another's credential through either
 * node. One node on SQLite: a revoked token stays refused after a restart on the same data folder.
 */
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../server/http/config.js';
import { startServer, type RunningServer } from '../server/http/app.js';
import { appCredentialLoginBody, cloudsAuth, passwordLoginBody } from './support/keystone-login.js';
import { startPostgres } from './support/postgres.js';
import { newLearnerCookie } from './support/server-process.js';
import { testConfig } from './support/server-config.js';

let skipped = '';
const pgServer = await startPostgres((reason) => {
  skipped = reason;
  console.warn(`revocations across nodes on PostgreSQL skipped: ${reason}`);
});
afterAll(() => pgServer?.stop());

/** How often each node reads new revocations here (the default is 1 s). */
const POLL_MS = 40;
const ID = '/openstack/identity';

const configsMade: Config[] = [];
afterAll(() => {
  for (const c of configsMade)
    for (const d of [c.dataDir, c.clientDir]) rmSync(d, { recursive: true, force: true });
});

async function call(
  node: RunningServer,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
) {
  const res = await fetch(`${node.url}${ID}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: (text ? JSON.parse(text) : null) as Record<string, unknown>,
    token: res.headers.get('x-subject-token') ?? '',
  };
}

/** A new learner's password token from `node` (their clouds.yaml's auth), and their user id. */
async function learnerLogin(
  node: RunningServer,
): Promise<{ token: string; userId: string; auth: Record<string, string> }> {
  const cookie = await newLearnerCookie(node.url);
  const yaml = await (
    await fetch(`${node.url}/api/me/clouds.yaml?workspace=sandbox:public-cloud`, {
      headers: { cookie },
    })
  ).text();
  const { auth } = cloudsAuth(yaml);
  return { ...(await passwordToken(node, auth)), auth };
}

async function passwordToken(
  node: RunningServer,
  auth: Record<string, string>,
): Promise<{ token: string; userId: string }> {
  const r = await call(node, 'POST', '/v3/auth/tokens', {}, passwordLoginBody(auth));
  expect(r.status).toBe(201);
  return { token: r.token, userId: (r.json['token'] as { user: { id: string } }).user.id };
}

/** The status of validating `token` with itself (200 valid; 401 refused as the caller). */
const check = async (node: RunningServer, token: string) =>
  (await call(node, 'GET', '/v3/auth/tokens', { 'x-auth-token': token, 'x-subject-token': token }))
    .status;

/** Polls until `node` refuses `token`, for at most `ms`: how long it took. */
async function refusedWithin(node: RunningServer, token: string, ms: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if ((await check(node, token)) === 401) return Date.now() - started;
    await new Promise((ok) => setTimeout(ok, 10));
  }
  throw new Error(`still valid on ${node.url} after ${ms} ms`);
}

const credAuth = appCredentialLoginBody;

describe.skipIf(!pgServer)(
  pgServer
    ? 'two nodes on one PostgreSQL database'
    : `two nodes on one PostgreSQL database (skipped: ${skipped})`,
  () => {
    it('share credentials and revocations, within the poll interval and across a restart of both; a learner never reaches another’s credential', async () => {
      const url = await pgServer!.newDatabase();
      // Same secret (same name): the cookie and the token one node makes, the other accepts.
      const configs = [
        testConfig('revnodes', { STACKLAB_DATABASE_URL: url }),
        testConfig('revnodes', { STACKLAB_DATABASE_URL: url }),
      ];
      configsMade.push(...configs);
      const start = () =>
        Promise.all(configs.map((c) => startServer(c, { revocationPollMs: POLL_MS })));
      let [a, b] = (await start()) as [RunningServer, RunningServer];
      try {
        const me = await learnerLogin(a);
        // A credential made through A opens the workspace through B.
        const made = await call(
          a,
          'POST',
          `/v3/users/${me.userId}/application_credentials`,
          { 'x-auth-token': me.token },
          { application_credential: { name: 'ci' } },
        );
        expect(made.status).toBe(201);
        const ac = made.json['application_credential'] as { id: string; secret: string };
        const onB = await call(b, 'POST', '/v3/auth/tokens', {}, credAuth(ac));
        expect(onB.status).toBe(201);
        expect(
          (onB.json['token'] as { application_credential: { id: string } }).application_credential
            .id,
        ).toBe(ac.id);

        // Another learner: cannot see, show or delete it through either node.
        const other = await learnerLogin(b);
        for (const node of [a, b]) {
          expect(
            (
              await call(
                node,
                'GET',
                `/v3/users/${other.userId}/application_credentials/${ac.id}`,
                { 'x-auth-token': other.token },
              )
            ).status,
          ).toBe(404);
          expect(
            (
              await call(
                node,
                'DELETE',
                `/v3/users/${other.userId}/application_credentials/${ac.id}`,
                { 'x-auth-token': other.token },
              )
            ).status,
          ).toBe(404);
          const listed = await call(
            node,
            'GET',
            `/v3/users/${other.userId}/application_credentials`,
            { 'x-auth-token': other.token },
          );
          expect(listed.json['application_credentials']).toEqual([]);
          // Nor authenticate with it without its secret.
          expect(
            (
              await call(
                node,
                'POST',
                '/v3/auth/tokens',
                {},
                credAuth({ id: ac.id, secret: 'guess' }),
              )
            ).status,
          ).toBe(401);
        }
        expect(
          (
            await call(b, 'GET', `/v3/users/${me.userId}/application_credentials/${ac.id}`, {
              'x-auth-token': me.token,
            })
          ).status,
        ).toBe(200);
        // Nor revoke my tokens (a token from the credential, a password one) through either node: another's token is as unknown as none.
        for (const node of [a, b])
          for (const mine of [onB.token, me.token])
            expect(
              (
                await call(node, 'DELETE', '/v3/auth/tokens', {
                  'x-auth-token': other.token,
                  'x-subject-token': mine,
                })
              ).status,
            ).toBe(404);
        await new Promise((ok) => setTimeout(ok, 3 * POLL_MS));
        for (const node of [a, b])
          for (const mine of [onB.token, me.token]) expect(await check(node, mine)).toBe(200);

        // A token revoked on A: valid on B before, refused on B within a few poll intervals.
        const revoked = (await passwordToken(a, me.auth)).token;
        const kept = (await passwordToken(a, me.auth)).token;
        expect(await check(b, revoked)).toBe(200);
        expect(
          (
            await call(a, 'DELETE', '/v3/auth/tokens', {
              'x-auth-token': revoked,
              'x-subject-token': revoked,
            })
          ).status,
        ).toBe(204);
        expect(await check(a, revoked)).toBe(401);
        expect(await refusedWithin(b, revoked, 20 * POLL_MS)).toBeLessThan(20 * POLL_MS);

        // The credential deleted on A: its token made on B is refused on B.
        expect(await check(b, onB.token)).toBe(200);
        expect(
          (
            await call(a, 'DELETE', `/v3/users/${me.userId}/application_credentials/${ac.id}`, {
              'x-auth-token': me.token,
            })
          ).status,
        ).toBe(204);
        await refusedWithin(b, onB.token, 20 * POLL_MS);
        expect((await call(b, 'POST', '/v3/auth/tokens', {}, credAuth(ac))).status).toBe(404);

        // Both restart (nothing in memory survives): the revoked stay refused, the kept stay valid.
        await Promise.all([a.close(), b.close()]);
        [a, b] = (await start()) as [RunningServer, RunningServer];
        for (const node of [a, b]) {
          expect(await check(node, revoked)).toBe(401);
          expect(await check(node, onB.token)).toBe(401);
          expect(await check(node, kept)).toBe(200);
        }
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  },
);

describe.skipIf(!pgServer)('two nodes when the revocations cannot be written', () => {
  it('a revoke answers 503 and holds on its node; the revocation is written once the table is back, and the other node refuses the token', async () => {
    const url = await pgServer!.newDatabase();
    const configs = [
      testConfig('revoutage', { STACKLAB_DATABASE_URL: url }),
      testConfig('revoutage', { STACKLAB_DATABASE_URL: url }),
    ];
    configsMade.push(...configs);
    const [a, b] = (await Promise.all(
      configs.map((c) => startServer(c, { revocationPollMs: POLL_MS })),
    )) as [RunningServer, RunningServer];
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const me = await learnerLogin(a);
      const revoked = (await passwordToken(a, me.auth)).token;
      expect(await check(b, revoked)).toBe(200);
      // The revocations' table goes away (an operator's mistake, a failed migration): the workspaces still work.
      await admin.query('ALTER TABLE token_revocation RENAME TO token_revocation_away');
      const answer = await call(a, 'DELETE', '/v3/auth/tokens', {
        'x-auth-token': revoked,
        'x-subject-token': revoked,
      });
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual({
        error: {
          code: 503,
          title: 'Service Unavailable',
          message: 'The service is temporarily unavailable: try again in a moment.',
        },
      });
      // Refused on A at once; B cannot know yet.
      expect(await check(a, revoked)).toBe(401);
      await new Promise((ok) => setTimeout(ok, 5 * POLL_MS));
      expect(await check(b, revoked)).toBe(200);
      await admin.query('ALTER TABLE token_revocation_away RENAME TO token_revocation');
      // A writes it at one of its polls; B reads it at one of its own.
      await refusedWithin(b, revoked, 50 * POLL_MS);
      expect(await check(b, me.token)).toBe(200);
    } finally {
      await admin.end();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('one node on SQLite', () => {
  it('a revoked token stays refused after a restart on the same data folder; others stay valid', async () => {
    const config = testConfig('revsqlite', { STACKLAB_STORE: 'sqlite' });
    configsMade.push(config);
    let node = await startServer(config, { revocationPollMs: POLL_MS });
    try {
      const me = await learnerLogin(node);
      const revoked = (await passwordToken(node, me.auth)).token;
      expect(
        (
          await call(node, 'DELETE', '/v3/auth/tokens', {
            'x-auth-token': revoked,
            'x-subject-token': revoked,
          })
        ).status,
      ).toBe(204);
      await node.close();
      node = await startServer(config, { revocationPollMs: POLL_MS });
      expect(await check(node, revoked)).toBe(401);
      expect(await check(node, me.token)).toBe(200);
    } finally {
      await node.close();
    }
  });
});
