/**
 * A call of the learner's own client on their workspace pays the work the server did for it, not
 * the time it waited (issue #19), as a terminal line does: with a store that takes 300 ms to answer
 * each write (a busy database, other learners' turn), a learner's writes are never refused as over
 * their time budget. Charged by the wall time, the third write in a row was refused (429).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { memoryStore } from '../../server/store/memory.js';
import type { CloudStore } from '../../server/store/types.js';
import { cloudsAuth, passwordLoginBody } from '../support/keystone-login.js';
import { testConfig } from '../support/server-config.js';

describe("the REST API's time budget", () => {
  let app: RunningServer;
  let token = '';

  beforeAll(async () => {
    const base = memoryStore();
    const slow: CloudStore = {
      ...base,
      saveStep: async (...a: Parameters<CloudStore['saveStep']>) => {
        await new Promise((r) => setTimeout(r, 300));
        return base.saveStep(...a);
      },
    };
    app = await startServer(testConfig('api-work-budget'), { store: slow });
    const res = await fetch(`${app.url}/api/me/clouds.yaml?workspace=sandbox:empty`);
    const { auth, tokensPath } = cloudsAuth(await res.text());
    const login = await fetch(new URL(tokensPath, app.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: passwordLoginBody(auth) });
    expect(login.status).toBe(201);
    token = login.headers.get('x-subject-token') ?? '';
  });
  afterAll(async () => {
    await app?.close();
  });

  it('writes that wait 300 ms each on the store are all answered', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${app.url}/openstack/network/v2.0/networks`, {
        method: 'POST',
        headers: { 'x-auth-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ network: { name: `net-${i}` } }),
      });
      statuses.push(r.status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201]);
  });
});
