/**
 * Issue #17: the web layer of the services (server/http/openstack/service.ts) carries a write in
 * and its answer out, and only that: the token opens its own learner's workspace, the write is
 * committed before the answer (a store that cannot commit gets 503 and nothing changes), a body
 * over the services' limit gets oslo's 413 before any controller, the answer carries a request id,
 * and the learner's open terminal sees the change.
 */
import { type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { memoryStore } from '../../server/store/memory.js';
import { StoreError, type CloudStore } from '../../server/store/types.js';
import { loadLabs } from '../../server/labs/index.js';
import { workspaces, type Workspaces } from '../../server/workspace/index.js';
import { tokenStore, type TokenStore } from '../../server/http/openstack/tokens.js';
import { MAX_API_BODY, serviceRouter } from '../../server/http/openstack/service.js';
import { loadConfig } from '../../server/http/config.js';

const NOW = 1_800_000_000_000;
let server: Server;
let base = '';
let spaces: Workspaces;
let tokens: TokenStore;
let broken = false;
const store = memoryStore();
const faulty: CloudStore = {
  ...store,
  saveStep: (...args) => {
    if (broken) throw new StoreError('the server’s disk is full', 'SQLITE_FULL');
    return store.saveStep(...args);
  },
};

beforeAll(async () => {
  spaces = workspaces({ store: faulty, labs: () => loadLabs(), now: () => NOW, log: () => {} });
  tokens = tokenStore();
  const app = express();
  app.use('/openstack/network', serviceRouter({ workspaces: spaces, tokens, config: loadConfig({}), now: () => NOW }, 'network', () => {}));
  server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/openstack/network`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const ref = () => spaces.parse('sandbox:empty')!;
const tokenOf = (learner: string) => tokens.issue(learner, ref(), NOW).token;
const post = (token: string, body: string) =>
  fetch(`${base}/v2.0/networks`, { method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body });

describe('the services’ web layer', () => {
  it('commits a write before answering, in the token’s own workspace only, with a request id', async () => {
    const notified: string[] = [];
    const stop = (await spaces.open('ada', ref())).onApiWrite(() => notified.push('ada'));
    const r = await post(tokenOf('ada'), '{"network": {"name": "mine"}}');
    stop();
    expect(r.status).toBe(201);
    expect(r.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
    expect((await store.history('ada', 'sandbox:empty')).map((e) => [e.kind, e.line])).toEqual([['api', 'POST /network/v2.0/networks']]);
    expect((await spaces.open('ada', ref())).state().cloud.networks.map((n) => n.name)).toContain('mine');
    expect((await spaces.open('bob', ref())).state().cloud.networks.map((n) => n.name)).not.toContain('mine');
    expect(notified).toEqual(['ada']);
  });

  it('answers 503 and changes nothing when the store cannot commit', async () => {
    const before = (await spaces.open('cy', ref())).state().cloud.networks.length;
    broken = true;
    const r = await post(tokenOf('cy'), '{"network": {"name": "lost"}}').finally(() => (broken = false));
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('5');
    expect((await spaces.open('cy', ref())).state().cloud.networks.length).toBe(before);
    expect(await store.history('cy', 'sandbox:empty')).toEqual([]);
  });

  it('refuses a body over the limit with oslo’s 413, before any controller and without recording it', async () => {
    const r = await post(tokenOf('dee'), `{"network": {"name": "${'x'.repeat(MAX_API_BODY)}"}}`);
    expect(r.status).toBe(413);
    expect(await r.text()).toBe('Request is too large.');
    expect(await store.history('dee', 'sandbox:empty')).toEqual([]);
  });

  it('answers keystonemiddleware’s 401 to a write without a valid token, recording nothing', async () => {
    const r = await post('gAAAAAnot-a-token', '{"network": {"name": "x"}}');
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Keystone uri=/);
  });
});
