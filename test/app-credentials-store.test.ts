/**
 * Issue #19: keystone's application credentials and token revocations in every store: memory,
 * SQLite and PostgreSQL keep one contract each (hostile input first), and what only a shared store
 * meets: two nodes creating at once, tables created by nodes starting together, rows written by a
 * hand with garbage in them, a database that goes away.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { keystonePostgres } from '../server/store/app-credentials-pg.js';
import {
  memoryAppCredentials,
  sqliteAppCredentials,
  tagKey,
  type AppCredential,
  type AppCredentialStore,
} from '../server/store/app-credentials.js';
import {
  followRevocations,
  memoryRevocations,
  sqliteRevocations,
  type RevocationStore,
  type StoredRevocation,
} from '../server/store/revocations.js';
import { StoreError } from '../server/store/types.js';
import { startPostgres } from './support/postgres.js';

let skipped = '';
const server = await startPostgres((reason) => {
  skipped = reason;
  console.warn(`PostgreSQL keystone store tests skipped: ${reason}`);
});
const dir = mkdtempSync(join(tmpdir(), 'stacklab-appcred-store-'));
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const KEY = tagKey('contract secret');
let n = 0;
const sqliteFile = () => join(dir, `s${(n += 1)}.db`);

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

const rejection = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

/** A store of each kind, and a second one on the same data (another node, or the same after a restart). */
interface Kind {
  name: string;
  skip: boolean;
  open(): Promise<{
    creds: AppCredentialStore;
    revs: RevocationStore;
    again(): Promise<{ creds: AppCredentialStore; revs: RevocationStore }>;
  }>;
}

const kinds: Kind[] = [
  {
    name: 'memory',
    skip: false,
    open: async () => {
      const creds = memoryAppCredentials(KEY);
      const revs = memoryRevocations();
      // Memory has one process: "again" is the same data.
      return { creds, revs, again: async () => ({ creds, revs }) };
    },
  },
  {
    name: 'SQLite',
    skip: false,
    open: async () => {
      const file = sqliteFile();
      const pair = () => ({
        creds: sqliteAppCredentials(file, KEY),
        revs: sqliteRevocations(file),
      });
      return { ...pair(), again: async () => pair() };
    },
  },
  {
    name: 'PostgreSQL',
    skip: !server,
    open: async () => {
      const url = await server!.newDatabase();
      const pair = async () => {
        const k = await keystonePostgres(url, KEY);
        return { creds: k.credentials, revs: k.revocations };
      };
      return { ...(await pair()), again: pair };
    },
  },
];

for (const kind of kinds) {
  describe.skipIf(kind.skip)(
    kind.skip
      ? `${kind.name} (skipped: ${skipped})`
      : `the ${kind.name} application-credential store`,
    () => {
      it('keeps hostile text as given and finds nothing with it: NUL, U+FFFF, quotes, long names', async () => {
        const { creds } = await kind.open();
        const name = 'a\u0000b\'"\\%_\uffff';
        const description = `x\u0000${'é'.repeat(300)}`;
        expect(await creds.create(cred({ name, description }), 's\u0000ecret', 20)).toBeNull();
        expect(await creds.get('c1')).toEqual(cred({ name, description }));
        expect((await creds.list('la', 'sandbox:empty')).map((c) => c.name)).toEqual([name]);
        expect((await creds.authenticate({ name, user: { id: 'u1' } }, 's\u0000ecret'))?.id).toBe(
          'c1',
        );
        // Lookups with text no id or user has answer "none", never a database error.
        expect(await creds.get('c1\u0000')).toBeNull();
        expect(await creds.authenticate({ id: '\u0000' }, 'x')).toBeNull();
        expect(
          await creds.authenticate({ name, user: { name: 'ad\u0000min' } }, 's\u0000ecret'),
        ).toBeNull();
        expect(
          await creds.authenticate({ name: '%', user: { id: 'u1' } }, 's\u0000ecret'),
        ).toBeNull();
        expect(await creds.delete('\u0000')).toBe(false);
        expect(await creds.get('x'.repeat(100_000))).toBeNull();
        await creds.close();
      });

      it('creates, lists per learner and workspace, finds by id, deletes', async () => {
        const { creds: s } = await kind.open();
        expect(await s.create(cred(), 'secret-1', 20)).toBeNull();
        expect(await s.create(cred({ id: 'c2', learner: 'lb' }), 'secret-2', 20)).toBeNull();
        expect(
          await s.create(cred({ id: 'c3', workspace: 'sandbox:public-cloud' }), 'secret-3', 20),
        ).toBeNull();
        expect(
          await s.create(
            cred({
              id: 'c4',
              name: 'later',
              createdAt: 2,
              accessRules: [{ id: 'a', service: 'network', method: 'GET', path: '/**' }],
            }),
            's',
            20,
          ),
        ).toBeNull();
        expect((await s.list('la', 'sandbox:empty')).map((c) => c.id)).toEqual(['c1', 'c4']);
        expect(await s.get('c2')).toEqual(cred({ id: 'c2', learner: 'lb' }));
        expect((await s.get('c4'))?.accessRules).toEqual([
          { id: 'a', service: 'network', method: 'GET', path: '/**' },
        ]);
        expect(await s.get('nope')).toBeNull();
        expect(await s.delete('c1')).toBe(true);
        expect(await s.delete('c1')).toBe(false);
        expect((await s.list('la', 'sandbox:empty')).map((c) => c.id)).toEqual(['c4']);
        await s.close();
      });

      it('refuses a name taken in the same workspace, and more than the limit', async () => {
        const { creds: s } = await kind.open();
        expect(await s.create(cred(), 'x', 2)).toBeNull();
        expect(await s.create(cred({ id: 'c2' }), 'x', 2)).toBe('duplicate');
        expect(await s.create(cred({ id: 'c2', learner: 'lb' }), 'x', 2)).toBeNull();
        expect(await s.create(cred({ id: 'c3', name: 'two' }), 'x', 2)).toBeNull();
        expect(await s.create(cred({ id: 'c4', name: 'three' }), 'x', 2)).toBe('limit');
        await s.close();
      });

      it('authenticates by id, or by name and user (id or name) among learners sharing a user, only with the secret', async () => {
        const { creds: s } = await kind.open();
        await s.create(cred(), 'alpha', 20);
        // Another learner's cloud has the same user and a credential of the same name.
        await s.create(cred({ id: 'c2', learner: 'lb' }), 'beta', 20);
        expect((await s.authenticate({ id: 'c1' }, 'alpha'))?.learner).toBe('la');
        expect(await s.authenticate({ id: 'c1' }, 'beta')).toBeNull();
        expect(await s.authenticate({ id: 'c1' }, '')).toBeNull();
        expect((await s.authenticate({ name: 'ci', user: { id: 'u1' } }, 'beta'))?.learner).toBe(
          'lb',
        );
        expect(
          (await s.authenticate({ name: 'ci', user: { name: 'admin' } }, 'alpha'))?.learner,
        ).toBe('la');
        expect(await s.authenticate({ name: 'ci', user: { name: 'other' } }, 'alpha')).toBeNull();
        expect(await s.authenticate({ name: 'cd', user: { id: 'u1' } }, 'alpha')).toBeNull();
        // Same name, user and secret in two learners' workspaces: keystone's "exactly one" rule refuses both.
        await s.create(cred({ id: 'c3', learner: 'lc' }), 'beta', 20);
        expect(await s.authenticate({ name: 'ci', user: { id: 'u1' } }, 'beta')).toBeNull();
        await s.close();
      });

      it('never lets creations racing (on one node or two) pass the limit or share a name', async () => {
        const first = await kind.open();
        const second = await first.again();
        const stores = [first.creds, second.creds];
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            stores[i % 2]!.create(cred({ id: `r${i}`, name: `n${i % 4}` }), 'x', 3),
          ),
        );
        expect(results.filter((r) => r === null)).toHaveLength(3);
        const names = (await first.creds.list('la', 'sandbox:empty')).map((c) => c.name);
        expect(names).toHaveLength(3);
        expect(new Set(names).size).toBe(3);
        await first.creds.close();
        await second.creds.close();
      });

      it('sees what the other node (or the same after a restart) made and deleted', async () => {
        const first = await kind.open();
        await first.creds.create(cred(), 'alpha', 20);
        const second = await first.again();
        expect((await second.creds.authenticate({ id: 'c1' }, 'alpha'))?.id).toBe('c1');
        expect(await first.creds.delete('c1')).toBe(true);
        expect(await second.creds.get('c1')).toBeNull();
        await first.creds.close();
        await second.creds.close();
      });

      it('refuses every call once closed, with a StoreError', async () => {
        const { creds, revs } = await kind.open();
        await creds.close();
        await revs.close();
        expect(await rejection(creds.get('c1'))).toBeInstanceOf(StoreError);
        expect(await rejection(creds.create(cred(), 'x', 20))).toBeInstanceOf(StoreError);
        expect(await rejection(revs.add({ auditId: 'a', until: null }))).toBeInstanceOf(StoreError);
        expect(await rejection(revs.after(0, 0, 10))).toBeInstanceOf(StoreError);
      });
    },
  );

  describe.skipIf(kind.skip)(
    kind.skip ? `${kind.name} revocations (skipped)` : `the ${kind.name} revocation store`,
    () => {
      it('refuses a revocation that names nothing, or both, or a huge name', async () => {
        const { revs } = await kind.open();
        expect(await rejection(revs.add({ until: 5 }))).toBeInstanceOf(StoreError);
        expect(
          await rejection(revs.add({ auditId: 'a', appCredential: 'c', until: 5 })),
        ).toBeInstanceOf(StoreError);
        expect(await rejection(revs.add({ auditId: 'a'.repeat(201), until: 5 }))).toBeInstanceOf(
          StoreError,
        );
        expect(await revs.after(0, 0, 10)).toEqual([]);
        await revs.close();
      });

      it('reads in order after an id, only those in force, in bounded batches; sweeps the expired', async () => {
        const first = await kind.open();
        const { revs } = first;
        await revs.add({ auditId: 'a1', until: 100 });
        await revs.add({ appCredential: 'c1', until: null });
        await revs.add({ auditId: 'a2', until: 300 });
        await revs.add({ auditId: 'a3', until: Number.POSITIVE_INFINITY });
        const all = await revs.after(0, 150, 10);
        expect(all.map((r) => ('revocation' in r ? r.revocation : r))).toEqual([
          { appCredential: 'c1', until: null },
          { auditId: 'a2', until: 300 },
          // An infinite end is kept as "never".
          { auditId: 'a3', until: null },
        ]);
        const ids = all.map((r) => r.id);
        expect([...ids].sort((a, b) => a - b)).toEqual(ids);
        expect((await revs.after(0, 150, 2)).map((r) => r.id)).toEqual(ids.slice(0, 2));
        expect((await revs.after(ids[1]!, 150, 10)).map((r) => r.id)).toEqual(ids.slice(2));
        // Another node (or the next start) reads the same.
        const other = await first.again();
        expect((await other.revs.after(0, 150, 10)).map((r) => r.id)).toEqual(ids);
        expect(await revs.sweep(350)).toBe(2);
        expect(
          (await revs.after(0, 0, 10)).map((r) => ('revocation' in r ? r.revocation : r)),
        ).toEqual([
          { appCredential: 'c1', until: null },
          { auditId: 'a3', until: null },
        ]);
        await revs.close();
        await other.revs.close();
      });

      it('a follower applies every row in force at start (more than a batch), then new ones at each poll, and goes on after the store fails', async () => {
        const { revs } = await kind.open();
        for (let i = 0; i < 25; i++)
          await revs.add({ auditId: `old${i}`, until: i < 5 ? 10 : 10_000 });
        const applied: StoredRevocation[] = [];
        const logs: string[] = [];
        let failing = false;
        const flaky: RevocationStore = {
          ...revs,
          after: (a, now, limit) =>
            failing
              ? Promise.reject(new StoreError("the server's database is unreachable", 'CONNECTION'))
              : revs.after(a, now, limit),
        };
        const f = followRevocations(flaky, (r) => applied.push(r), {
          intervalMs: 60_000,
          batch: 7,
          now: () => 1000,
          log: (m) => logs.push(m),
        });
        await f.start();
        expect(applied.map((r) => r.auditId)).toEqual(
          Array.from({ length: 20 }, (_, i) => `old${i + 5}`),
        );
        await revs.add({ appCredential: 'gone', until: null });
        failing = true;
        await f.poll();
        await f.poll();
        expect(logs.filter((l) => /could not be read or written/.test(l))).toHaveLength(1);
        failing = false;
        await f.poll();
        expect(applied.at(-1)).toEqual({ appCredential: 'gone', until: null });
        expect(applied).toHaveLength(21);
        expect(logs.at(-1)).toMatch(/read and written again/);
        f.stop();
        await revs.close();
      });

      it('a revocation that could not be written is kept and written at a later poll, once the store is back', async () => {
        const first = await kind.open();
        const { revs } = first;
        let down = true;
        const unreachable = () =>
          Promise.reject(new StoreError("the server's database is unreachable", 'CONNECTION'));
        const flaky: RevocationStore = {
          ...revs,
          add: (r) => (down ? unreachable() : revs.add(r)),
          after: (a, now, limit) => (down ? unreachable() : revs.after(a, now, limit)),
        };
        const f = followRevocations(flaky, () => undefined, {
          intervalMs: 60_000,
          now: () => 1000,
          log: () => undefined,
        });
        expect(await rejection(f.write({ auditId: 'late', until: 5000 }))).toBeInstanceOf(
          StoreError,
        );
        // One that names nothing is refused for good, not kept.
        expect(await rejection(f.write({ until: 5000 }))).toBeInstanceOf(StoreError);
        expect(f.unsent()).toBe(1);
        await f.poll();
        expect(f.unsent()).toBe(1);
        down = false;
        await f.poll();
        expect(f.unsent()).toBe(0);
        const other = await first.again();
        expect(
          (await other.revs.after(0, 1000, 10)).map((r) => ('revocation' in r ? r.revocation : r)),
        ).toEqual([{ auditId: 'late', until: 5000 }]);
        await revs.close();
        await other.revs.close();
      });
    },
  );
}

/** Rows a hand (or another program) wrote, with garbage in them: skipped and named in the log, the good ones applied. */
async function garbageIsSkipped(
  revs: RevocationStore,
  write: (values: unknown[][]) => Promise<void>,
  garbage: unknown[][],
) {
  await revs.add({ auditId: 'good-before', until: null });
  await write(garbage);
  await revs.add({ auditId: 'good-after', until: null });
  const applied: StoredRevocation[] = [];
  const logs: string[] = [];
  const f = followRevocations(revs, (r) => applied.push(r), {
    intervalMs: 60_000,
    log: (m) => logs.push(m),
  });
  await f.start();
  f.stop();
  expect(applied.map((r) => r.auditId)).toEqual(['good-before', 'good-after']);
  expect(logs).toHaveLength(garbage.length);
  for (const l of logs) expect(l).toMatch(/^token revocation row \d+ skipped: /);
}

describe('revocation rows with garbage in them', () => {
  it('SQLite: wrong types (a blob, a text time), both or neither name, empty or huge names', async () => {
    const file = sqliteFile();
    const revs = sqliteRevocations(file);
    const db = new Database(file);
    try {
      await garbageIsSkipped(
        revs,
        async (rows) => {
          const insert = db.prepare(
            'INSERT INTO token_revocation (audit_id, app_credential, until_ms, created_at) VALUES (?, ?, ?, 0)',
          );
          for (const r of rows) insert.run(...r);
        },
        [
          [null, null, null],
          ['a', 'c', null],
          [Buffer.from('blob'), null, null],
          ['', null, null],
          ['x'.repeat(500), null, null],
          ['a', null, 'tomorrow'],
          [null, Buffer.from('c'), null],
        ],
      );
    } finally {
      db.close();
      await revs.close();
    }
  });

  it.skipIf(!server)('PostgreSQL: both or neither name, empty or huge names', async () => {
    const url = await server!.newDatabase();
    const k = await keystonePostgres(url, KEY);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await garbageIsSkipped(
        k.revocations,
        async (rows) => {
          for (const r of rows)
            await c.query(
              'INSERT INTO token_revocation (audit_id, app_credential, until_ms, created_at) VALUES ($1, $2, $3, 0)',
              r,
            );
        },
        [
          [null, null, null],
          ['a', 'c', null],
          ['', null, null],
          ['x'.repeat(500), null, null],
        ],
      );
    } finally {
      await c.end();
      await k.close();
    }
  });
});

describe.skipIf(!server)('PostgreSQL only', () => {
  it('creates its tables once when three nodes open together, and leaves the cloud store alone', async () => {
    const url = await server!.newDatabase();
    const nodes = await Promise.all([0, 1, 2].map(() => keystonePostgres(url, KEY)));
    await nodes[0]!.credentials.create(cred(), 'alpha', 20);
    expect((await nodes[2]!.credentials.authenticate({ id: 'c1' }, 'alpha'))?.id).toBe('c1');
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query<{ t: string }>(
      "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    );
    // The secret is kept only as hashes.
    const { rows: stored } = await c.query<{ row: string }>(
      'SELECT row_to_json(a)::text AS row FROM app_credential a',
    );
    await c.end();
    expect(rows.map((r) => r.t)).toEqual(['app_credential', 'token_revocation']);
    expect(stored[0]?.row).not.toContain('alpha');
    await Promise.all(nodes.map((k) => k.close()));
  });

  it('says the database is unreachable, in words, when it is (and works again when it is back)', async () => {
    if (!server!.outage) return;
    const url = await server!.newDatabase();
    const k = await keystonePostgres(url, KEY, { connectTimeoutMs: 1000 });
    await k.credentials.create(cred(), 'alpha', 20);
    await server!.outage.halt();
    try {
      const e = await rejection(k.credentials.get('c1'));
      expect(e).toBeInstanceOf(StoreError);
      expect((e as Error).message).toBe("the server's database is unreachable");
      expect(await rejection(k.revocations.add({ auditId: 'a', until: null }))).toBeInstanceOf(
        StoreError,
      );
      // Opening a node while it is down fails in the same words (the node does not start).
      const opening = await rejection(keystonePostgres(url, KEY, { connectTimeoutMs: 1000 }));
      expect((opening as Error).message).toBe("the server's database is unreachable");
    } finally {
      await server!.outage.resume();
    }
    expect((await k.credentials.get('c1'))?.id).toBe('c1');
    await k.close();
  });
});
