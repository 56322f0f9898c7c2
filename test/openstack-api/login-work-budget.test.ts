/**
 * A keystone login pays the work the server does for it, not its wait (issue #19): with the event
 * loop kept busy by something else (other learners' commands), a login's wall time is mostly
 * waiting, and charging that refused a busy but healthy server's ordinary logins with 429. What a
 * login does pay: the event loop's own time on it and the scrypt hash of an application
 * credential's secret (its measured cost, not its wait in the thread pool's queue), so floods of
 * wrong secrets and junk bodies still run their budget out.
 */
import { scryptSync } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buckets,
  learnerBudget,
  type Buckets,
  type LearnerBudget,
} from '../../server/http/limits.js';
import { openstackRoutes } from '../../server/http/openstack/index.js';
import { passwordFor } from '../../server/http/openstack/credentials.js';
import { tokenStore } from '../../server/http/openstack/tokens.js';
import { memoryStore } from '../../server/store/memory.js';
import { workspaces } from '../../server/workspace/index.js';
import { appCredentialLoginBody, passwordLoginBody } from '../support/keystone-login.js';
import { testConfig } from '../support/server-config.js';

const config = testConfig('login-work');

/** The OpenStack routes alone on a loopback port, with the budgets given; its base URL and how to close it. */
async function serve(budgets: {
  budget?: LearnerBudget;
  anonymous?: LearnerBudget;
}): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  const spaces = workspaces({
    store: memoryStore(),
    labs: () => [],
    now: Date.now,
    log: () => undefined,
  });
  openstackRoutes(app, {
    workspaces: spaces,
    tokens: tokenStore(),
    config,
    now: Date.now,
    ...budgets,
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const a = server.address();
  return {
    url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/openstack`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Keeps the event loop busy as a class's commands do: 50 ms of work every 60 ms, until stopped. */
function busyLoop(): () => void {
  const timer = setInterval(() => {
    const until = performance.now() + 50;
    while (performance.now() < until);
  }, 60);
  return () => clearInterval(timer);
}

/** Buckets that note every charge (key and milliseconds) before making it. */
function recording(b: Buckets, charges: Array<{ key: string; ms: number }>): Buckets {
  return {
    ...b,
    charge: (key, now, cost) => (charges.push({ key, ms: cost }), b.charge(key, now, cost)),
  };
}

const json = { 'content-type': 'application/json' };

describe('a keystone login is charged its work, not its wait', () => {
  let app: Awaited<ReturnType<typeof serve>>;
  let tokensUrl = '';
  let passwordBody = '';
  let credential = { id: '', secret: '' };
  let owner = { token: '', userId: '' };
  const learnerCharges: Array<{ key: string; ms: number }> = [];
  const addressCharges: Array<{ key: string; ms: number }> = [];

  beforeAll(async () => {
    const budget = learnerBudget();
    // The addresses' budget: calls to spare, and a small time budget that only the hashes' work
    // can run out (however slow the machine: the usual 500 ms a second refills as fast as a slow
    // machine hashes).
    const anonymous = {
      calls: buckets({ rate: 1, burst: 100_000, maxKeys: 10 }),
      work: recording(buckets({ rate: 1, burst: 200, maxKeys: 10 }), addressCharges),
    };
    app = await serve({
      budget: { calls: budget.calls, work: recording(budget.work, learnerCharges) },
      anonymous,
    });
    tokensUrl = `${app.url}/identity/v3/auth/tokens`;
    // The empty sandbox's user and project (what its clouds.yaml names), the learner's password.
    passwordBody = passwordLoginBody({
      username: 'admin',
      project_name: 'admin',
      password: passwordFor(config.secret, 'learner-1', 'sandbox:empty'),
    });
    const login = await fetch(tokensUrl, { method: 'POST', headers: json, body: passwordBody });
    expect(login.status).toBe(201);
    const token = login.headers.get('x-subject-token') ?? '';
    const userId = ((await login.json()) as { token: { user: { id: string } } }).token.user.id;
    owner = { token, userId };
    const made = await fetch(`${app.url}/identity/v3/users/${userId}/application_credentials`, {
      method: 'POST',
      headers: { ...json, 'x-auth-token': token },
      body: JSON.stringify({ application_credential: { name: 'laptop' } }),
    });
    expect(made.status).toBe(201);
    credential = ((await made.json()) as { application_credential: { id: string; secret: string } })
      .application_credential;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('password and application credential logins stay 201 while the event loop is busy with others', async () => {
    // Charged by wall time, each login paid up to 50 ms of waiting for the loop (its body, the
    // hash's answer) and the learner's 500 ms burst ran out after some twenty logins.
    const stop = busyLoop();
    const statuses: number[] = [];
    try {
      for (let i = 0; i < 16; i++) {
        statuses.push(
          (await fetch(tokensUrl, { method: 'POST', headers: json, body: passwordBody })).status,
        );
        statuses.push(
          (
            await fetch(tokensUrl, {
              method: 'POST',
              headers: json,
              body: JSON.stringify(appCredentialLoginBody(credential)),
            })
          ).status,
        );
      }
    } finally {
      stop();
    }
    expect(statuses).toEqual(statuses.map(() => 201));
  }, 30_000);

  it("a flood of wrong secrets for one credential pays each hash from the caller's address, not the owner's budget", async () => {
    await new Promise((r) => setTimeout(r, 3100)); // the learner's buckets fill up again
    learnerCharges.length = 0;
    addressCharges.length = 0;
    const wrong = JSON.stringify(
      appCredentialLoginBody({ id: credential.id, secret: 'not-the-secret' }),
    );
    const statuses: number[] = [];
    // As an attacker who learnt the id sends them: eight at a time, until refused.
    while (!statuses.includes(429) && statuses.length < 400)
      statuses.push(
        ...(await Promise.all(
          Array.from({ length: 8 }, () =>
            fetch(tokensUrl, { method: 'POST', headers: json, body: wrong }).then((r) => r.status),
          ),
        )),
      );
    expect(statuses).toContain(429);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    // Each wrong secret was charged at least the hash's own cost: scrypt at the stored hashes' cost, on one core.
    const hash = Math.min(
      ...[1, 2, 3].map(() => {
        const started = performance.now();
        scryptSync('x', Buffer.alloc(16), 32, { N: 4096, r: 8, p: 1 });
        return performance.now() - started;
      }),
    );
    const charged = addressCharges.map((c) => c.ms).sort((x, y) => x - y);
    // Without the hash, a wrong secret costs well under a millisecond here.
    expect(charged[Math.floor(charged.length / 2)]).toBeGreaterThan(hash / 3);
    // ... to the address: the credential's owner paid nothing, and their own calls (on their
    // token, from wherever they are) go on.
    expect(learnerCharges).toEqual([]);
    const mine = await fetch(
      `${app.url}/identity/v3/users/${owner.userId}/application_credentials`,
      {
        headers: { 'x-auth-token': owner.token },
      },
    );
    expect(mine.status).toBe(200);
  }, 30_000);
});

describe('calls without a token are charged to the address, by their work', () => {
  let app: Awaited<ReturnType<typeof serve>> | undefined;
  let tokensUrl = '';
  const charges: Array<{ key: string; ms: number }> = [];

  beforeEach(async () => {
    // A small time budget for the address and calls to spare, so that only their work can refuse them.
    charges.length = 0;
    const anonymous = {
      calls: buckets({ rate: 1, burst: 100_000, maxKeys: 10 }),
      work: recording(buckets({ rate: 1, burst: 100, maxKeys: 10 }), charges),
    };
    app = await serve({ anonymous });
    tokensUrl = `${app.url}/identity/v3/auth/tokens`;
  });
  afterEach(async () => {
    await app?.close();
  });

  it('a flood of wrong passwords from one address ends in 429', async () => {
    const body = JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: 'admin', domain: { name: 'Default' }, password: `x.${'y'.repeat(43)}` },
          },
        },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5000 && statuses.at(-1) !== 429; i++)
      statuses.push((await fetch(tokensUrl, { method: 'POST', headers: json, body })).status);
    expect(statuses.at(-1)).toBe(429);
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set([401]));
    expect(charges.every((c) => c.key.startsWith('address ') && c.ms > 0)).toBe(true);
  }, 60_000);

  it('junk bodies pay their parsing and end in 429', async () => {
    // Not JSON keystone takes (an array), but 100 KiB of it for JSON.parse to read first.
    const junk = `[${Array.from({ length: 20_000 }, (_, i) => i).join(',')}]`.padEnd(
      100 * 1024,
      ' ',
    );
    const small = '[]';
    const send = (body: string) =>
      fetch(tokensUrl, { method: 'POST', headers: json, body }).then((r) => r.status);
    // Alternating, so the event loop's moods fall on both alike.
    for (let i = 0; i < 10; i++) {
      expect(await send(small)).toBe(400);
      expect(await send(junk)).toBe(400);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const smallMs = median(charges.filter((_, i) => i % 2 === 0).map((c) => c.ms));
    const junkMs = median(charges.filter((_, i) => i % 2 === 1).map((c) => c.ms));
    expect(junkMs).toBeGreaterThan(smallMs);
    const statuses: number[] = [];
    for (let i = 0; i < 5000 && statuses.at(-1) !== 429; i++) statuses.push(await send(junk));
    expect(statuses.at(-1)).toBe(429);
  }, 60_000);
});
