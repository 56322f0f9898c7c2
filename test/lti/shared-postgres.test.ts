/**
 * LTI's state in PostgreSQL: the LtiStore and outbox contracts, what two nodes on one database see
 * of each other, nodes creating the tables together, the tool key made once for all, and rows
 * damaged by hand or a server that goes away. Each store has its own pool, as each node has.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sharedToolKey, toolJwks } from '../../server/lti/keys.js';
import { postgresOutbox } from '../../server/lti/outbox-postgres.js';
import { openLtiDatabase, postgresLtiStore, type LtiDatabase } from '../../server/lti/postgres.js';
import { StoreError } from '../../server/store/types.js';
import { rejection, sql, startPostgres } from '../support/postgres.js';
import { launch, platform, runLtiStoreContract, runSharedLtiStoreContract } from './lti-store-contract.js';
import { body, runOutboxContract, runSharedOutboxContract, score } from './outbox-contract.js';

let skipped = '';
const server = await startPostgres((reason) => {
  skipped = reason;
  console.warn(`LTI on PostgreSQL tests skipped: ${reason}`);
});
afterAll(() => server?.stop());

const quiet = () => undefined;
/** A node's LTI database on `url` (a fresh database when none is named). */
const node = async (url?: string, log: (m: string) => void = quiet): Promise<LtiDatabase> =>
  openLtiDatabase(url ?? (await server!.newDatabase()), { log, connectTimeoutMs: 1000 });


describe.skipIf(!server)(server ? 'LTI on PostgreSQL' : `LTI on PostgreSQL (skipped: ${skipped})`, () => {
  runLtiStoreContract('postgres', async () => postgresLtiStore(await node(), quiet));
  runSharedLtiStoreContract('postgres', async () => {
    const url = await server!.newDatabase();
    return [postgresLtiStore(await node(url), quiet), postgresLtiStore(await node(url), quiet)];
  });
  runOutboxContract('postgres', async () => postgresOutbox(await node()));
  runSharedOutboxContract('postgres', async (opts) => {
    const url = await server!.newDatabase();
    return [postgresOutbox(await node(url), { ...opts, owner: 'a' }), postgresOutbox(await node(url), { ...opts, owner: 'b' })];
  });

  it('creates its tables once when three nodes start together, and again finds them', async () => {
    const url = await server!.newDatabase();
    const nodes = await Promise.all([node(url), node(url), node(url)]);
    const tables = await sql<{ name: string }>(url, "SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'lti\\_%' ORDER BY 1");
    expect(tables.map((t) => t.name)).toEqual(['lti_launch', 'lti_nonce', 'lti_platform', 'lti_score_last', 'lti_score_outbox', 'lti_state', 'lti_tool_key']);
    const stores = nodes.map((db) => postgresLtiStore(db, quiet));
    await stores[0]!.savePlatform(platform('https://a.example.org'));
    await Promise.all(stores.map((s) => s.close()));
    const again = postgresLtiStore(await node(url), quiet);
    expect(await again.platforms()).toEqual([platform('https://a.example.org')]);
    await again.close();
  });

  it('makes the tool key once: nodes starting together all sign with it and publish one JWKS', async () => {
    const url = await server!.newDatabase();
    const dbs = await Promise.all([node(url), node(url), node(url)]);
    const keys = await Promise.all(dbs.map((db) => sharedToolKey(db)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(toolJwks(keys[1]!)).toEqual(toolJwks(keys[0]!));
    expect(await sql(url, 'SELECT count(*)::int AS n FROM lti_tool_key')).toEqual([{ n: 1 }]);
    // A restart reads the same key.
    expect((await sharedToolKey(await node(url))).kid).toBe(keys[0]!.kid);
  });

  it('refuses to start on a damaged tool key, saying which row to delete', async () => {
    const url = await server!.newDatabase();
    await node(url);
    await sql(url, "INSERT INTO lti_tool_key (id, jwk, created_at) VALUES (1, '{\"kty\":\"EC\"}', 0)");
    const e = await rejection(sharedToolKey(await node(url)));
    expect(e).toBeInstanceOf(StoreError);
    expect((e as Error).message).toMatch(/LTI tool key in the database \(table lti_tool_key\) is not an RSA private key: delete its row/);
    await sql(url, "UPDATE lti_tool_key SET jwk = '{\"kty\":\"RSA\",\"d\":\"x\",\"n\":\"y\",\"e\":\"AQAB\"}'");
    expect((await rejection(sharedToolKey(await node(url))) as Error).message).toMatch(/cannot be used .*delete its row/);
  });

  it('skips rows damaged by hand with a line in the log, and goes on with the good ones', async () => {
    const url = await server!.newDatabase();
    const logged: string[] = [];
    const db = await node(url, (m) => logged.push(m));
    const s = postgresLtiStore(db, (m) => logged.push(m));
    const o = postgresOutbox(db, { log: (m) => logged.push(m) });
    await s.savePlatform(platform('https://a.example.org'));
    await o.enqueue(score('a', 'li', body(1)), 1);
    await o.enqueue(score('b', 'li', body(1)), 1);
    await sql(
      url,
      `INSERT INTO lti_platform VALUES ('https://b.example.org', 'c1', 'null'), ('https://c.example.org', 'c1', '{"issuer":"ftp://x","clientId":"c1"}');
       INSERT INTO lti_state VALUES ('st', '{"nonce":1}', 99999);
       INSERT INTO lti_launch VALUES ('l1', 'lab-a', '{"learner":"l1"', 1);
       UPDATE lti_score_outbox SET body = '"just text"' WHERE learner = 'a';`,
    );
    expect((await s.platforms()).map((p) => p.issuer)).toEqual(['https://a.example.org']);
    expect(await s.platform('https://c.example.org')).toBeNull();
    expect(await s.takeState('st', 1)).toBeNull();
    expect(await s.launchFor('l1', 'lab-a')).toBeNull();
    expect((await o.heads()).map((r) => r.learner)).toEqual(['b']);
    expect(await o.claim((await sql<{ id: number }>(url, "SELECT id FROM lti_score_outbox WHERE learner = 'a'"))[0]!.id)).toBeNull();
    for (const kind of ['platform', 'state', 'launch']) expect(logged).toContainEqual(expect.stringMatching(new RegExp(`^LTI ${kind} row ignored`)));
    expect(logged).toContainEqual(expect.stringMatching(/^LTI score \d+ to li ignored: its body is not a score \("\\"just text\\""\)/));
    // A good launch written after is read as usual.
    await s.saveLaunch(launch('l2', 'lab-a', null));
    expect(await s.launchFor('l2', 'lab-a')).toEqual(launch('l2', 'lab-a', null));
    await Promise.all([s.close(), o.close()]);
  });

  it.skipIf(!server?.outage)('answers in words while the server is away, and works again once it is back', async () => {
    const url = await server!.newDatabase();
    const logged: string[] = [];
    const db = await node(url, (m) => logged.push(m));
    const s = postgresLtiStore(db, quiet);
    const o = postgresOutbox(db);
    await s.putState('before', { nonce: 'n', issuer: 'i', clientId: 'c', targetLinkUri: 't', expires: 10_000 });
    await server!.outage!.halt();
    try {
      for (const p of [s.takeState('before', 1), s.useNonce('i', 'n', 10, 1), s.platforms(), o.heads(), o.enqueue(score('a', 'li', body(1)), 1)]) {
        const e = await rejection(p);
        expect(e).toBeInstanceOf(StoreError);
        expect((e as Error).message).toBe("the server's database is unreachable");
      }
      const opening = await rejection(node(url));
      expect((opening as Error).message).toMatch(/^PostgreSQL at postgresql:\/\/.* cannot keep LTI's tables: the server's database is unreachable/);
    } finally {
      await server!.outage!.resume();
    }
    // Nothing was lost or half done: the state is still there, once.
    expect(await s.takeState('before', 1)).toMatchObject({ nonce: 'n' });
    expect(await s.takeState('before', 1)).toBeNull();
    expect((await o.enqueue(score('a', 'li', body(1)), 1)).queued).not.toBeNull();
    await Promise.all([s.close(), o.close()]);
    // Closed: refused in words, not a crash.
    expect(await rejection(s.platforms())).toBeInstanceOf(StoreError);
  });
});
