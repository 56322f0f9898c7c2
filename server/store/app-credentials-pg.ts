/**
 * Keystone's application credentials and token revocations in PostgreSQL (issue #19): the
 * database the nodes of a deployment share, so a credential made through one node opens the
 * learner's workspace through any other, and a token revoked on one is refused by all (each node
 * polls the revocations: revocations.ts). Their own two tables, created at open under an advisory
 * lock (nodes starting together take turns; the others find them made), and their own small pool,
 * apart from the cloud store's. Same contract and same hashing as the SQLite and memory stores.
 * The database's failures come out as StoreErrors in words (keystone answers 503), never a crash.
 */
import pg from 'pg';
import {
  fromRow,
  hashSecret,
  secretMatches,
  tagOf,
  type AppCredential,
  type AppCredentialStore,
  type CreateRefusal,
  type Row,
} from './app-credentials.js';
import {
  revocationOfRow,
  rowOfRevocation,
  type RawRevocation,
  type RevocationStore,
} from './revocations.js';
import { openPgPool, pgStoreError as failure } from './pg-pool.js';
import { StoreError } from './types.js';

/** The advisory lock taken to create the tables (any fixed number apart from the cloud store's; this one spells KSAC). */
const SCHEMA_LOCK = 0x4b534143;
/** The advisory lock revocations are written under: ids then commit in their order, so a reader that saw id n never misses a smaller one. */
const REVOCATION_LOCK = 0x4b535256;

const SCHEMA = `CREATE TABLE IF NOT EXISTS app_credential (
    id TEXT PRIMARY KEY, learner_id TEXT NOT NULL, workspace TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
    user_id TEXT NOT NULL, user_name TEXT NOT NULL, project_id TEXT NOT NULL, roles TEXT NOT NULL, expires_at BIGINT,
    unrestricted BOOLEAN NOT NULL, access_rules TEXT, created_at BIGINT NOT NULL, secret_hash TEXT NOT NULL,
    secret_tag TEXT NOT NULL, seq BIGSERIAL, UNIQUE (learner_id, workspace, name));
  CREATE INDEX IF NOT EXISTS app_credential_tag ON app_credential (secret_tag);
  CREATE TABLE IF NOT EXISTS token_revocation (id BIGSERIAL PRIMARY KEY, audit_id TEXT, app_credential TEXT,
    until_ms BIGINT, created_at BIGINT NOT NULL);
  CREATE INDEX IF NOT EXISTS token_revocation_until ON token_revocation (until_ms);`;

export interface KeystonePostgresOptions {
  /** Connections kept open at most (logins and revocations are few). Default 2. */
  poolSize?: number;
  /** Waiting longer for a connection fails (the request gets 503). Default 5,000 ms. */
  connectTimeoutMs?: number;
  /** The server cancels a statement running longer. Default 10,000 ms. */
  statementTimeoutMs?: number;
  /** Where failures no request waits for go (an idle connection dropped). Default stderr. */
  log?: (message: string) => void;
}

export interface KeystonePostgres {
  credentials: AppCredentialStore;
  revocations: RevocationStore;
  /** Ends the pool (closing both stores does too). */
  close(): Promise<void>;
}

/**
 * PostgreSQL's text cannot hold U+0000: a credential's name and description (a learner's words)
 * are kept as JSON strings, which spell it `\u0000`, and looked up the same way. The other
 * columns hold what the server made (ids, hashes, the cloud's user).
 */
const text = (s: string) => JSON.stringify(s);
const untext = (s: string): string => {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'string' ? v : s;
  } catch {
    return s;
  }
};
const hasNul = (s: string) => s.includes('\u0000');

interface PgRow extends Omit<Row, 'unrestricted'> {
  unrestricted: boolean;
}
const credOf = (r: PgRow): AppCredential =>
  fromRow({
    ...r,
    name: untext(r.name),
    description: r.description === null ? null : untext(r.description),
  });

/** Creates the tables if missing, one node at a time, on a connection of its own. */
async function createTables(url: string, connectTimeoutMs: number): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: 'stacklab keystone schema',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await client.query(SCHEMA);
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `fn` on one connection inside a transaction (rolled back if it throws). */
async function inTransaction<R>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<R>): Promise<R> {
  const c = await pool.connect();
  let broken = false;
  try {
    await c.query('BEGIN');
    const r = await fn(c);
    await c.query('COMMIT');
    return r;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    // A connection that could not even roll back is dropped, not handed to the next request.
    c.release(broken);
  }
}

function credentialStore(
  pool: pg.Pool,
  key: Buffer,
  run: <R>(fn: () => Promise<R>) => Promise<R>,
  onClose: () => Promise<void>,
): AppCredentialStore {
  const COLS = `id, learner_id, workspace, name, description, user_id, user_name, project_id, roles, expires_at,
    unrestricted, access_rules, created_at, secret_hash, secret_tag`;
  return {
    create: (cred, secret, limit, work) =>
      run(async () => {
        // Hashed before the transaction: the database is not held for scrypt's ~30 ms.
        const hash = await hashSecret(secret, work);
        const tag = tagOf(key, secret);
        return inTransaction(pool, async (c): Promise<CreateRefusal | null> => {
          // One creation at a time per learner's workspace, whichever node: the count below stays true until the insert.
          await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
            `app credential ${cred.learner}\n${cred.workspace}`,
          ]);
          const { rows } = await c.query<{ n: number; taken: number }>(
            'SELECT count(*)::int AS n, count(*) FILTER (WHERE name = $3)::int AS taken FROM app_credential WHERE learner_id = $1 AND workspace = $2',
            [cred.learner, cred.workspace, text(cred.name)],
          );
          const { n, taken } = rows[0] ?? { n: 0, taken: 0 };
          if (n >= limit) return 'limit';
          if (taken > 0) return 'duplicate';
          await c.query(
            `INSERT INTO app_credential (${COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
            [
              cred.id,
              cred.learner,
              cred.workspace,
              text(cred.name),
              cred.description === null ? null : text(cred.description),
              cred.userId,
              cred.userName,
              cred.projectId,
              JSON.stringify(cred.roles),
              cred.expiresAt,
              cred.unrestricted,
              cred.accessRules === null ? null : JSON.stringify(cred.accessRules),
              cred.createdAt,
              hash,
              tag,
            ],
          );
          return null;
        });
      }),
    list: (learner, workspace) =>
      run(async () => {
        const { rows } = await pool.query<PgRow>(
          `SELECT ${COLS} FROM app_credential WHERE learner_id = $1 AND workspace = $2 ORDER BY created_at, seq`,
          [learner, workspace],
        );
        return rows.map(credOf);
      }),
    get: (id) =>
      run(async () => {
        if (hasNul(id)) return null;
        const { rows } = await pool.query<PgRow>(
          `SELECT ${COLS} FROM app_credential WHERE id = $1`,
          [id],
        );
        return rows[0] ? credOf(rows[0]) : null;
      }),
    authenticate: (by, secret, work) =>
      run(async () => {
        let rows: PgRow[];
        if ('id' in by) {
          if (hasNul(by.id)) return null;
          rows = (
            await pool.query<PgRow>(`SELECT ${COLS} FROM app_credential WHERE id = $1`, [by.id])
          ).rows;
        } else {
          const user = 'id' in by.user ? by.user.id : by.user.name;
          if (hasNul(user)) return null;
          const column = 'id' in by.user ? 'user_id' : 'user_name';
          rows = (
            await pool.query<PgRow>(
              `SELECT ${COLS} FROM app_credential WHERE secret_tag = $1 AND name = $2 AND ${column} = $3 LIMIT 2`,
              [tagOf(key, secret), text(by.name), user],
            )
          ).rows;
        }
        const r = rows.length === 1 ? rows[0] : undefined;
        return r && (await secretMatches(secret, r.secret_hash, work)) ? credOf(r) : null;
      }),
    delete: (id) =>
      run(async () => {
        if (hasNul(id)) return false;
        return (
          ((await pool.query('DELETE FROM app_credential WHERE id = $1', [id])).rowCount ?? 0) > 0
        );
      }),
    close: onClose,
  };
}

function revocationStore(
  pool: pg.Pool,
  run: <R>(fn: () => Promise<R>) => Promise<R>,
  onClose: () => Promise<void>,
): RevocationStore {
  return {
    add: (r) =>
      run(async () => {
        const { audit, cred, until } = rowOfRevocation(r);
        await inTransaction(pool, async (c) => {
          await c.query('SELECT pg_advisory_xact_lock($1)', [REVOCATION_LOCK]);
          await c.query(
            'INSERT INTO token_revocation (audit_id, app_credential, until_ms, created_at) VALUES ($1, $2, $3, $4)',
            [audit, cred, until, Date.now()],
          );
        });
      }),
    after: (afterId, now, limit) =>
      run(async () => {
        const { rows } = await pool.query<RawRevocation>(
          'SELECT id, audit_id, app_credential, until_ms FROM token_revocation WHERE id > $1 AND (until_ms IS NULL OR until_ms > $2) ORDER BY id LIMIT $3',
          [afterId, now, limit],
        );
        return rows.map(revocationOfRow);
      }),
    sweep: (now) =>
      run(
        async () =>
          (await pool.query('DELETE FROM token_revocation WHERE until_ms <= $1', [now])).rowCount ??
          0,
      ),
    close: onClose,
  };
}

/** Opens both stores on one small pool, creating their tables if missing. */
export async function keystonePostgres(
  url: string,
  key: Buffer,
  opts: KeystonePostgresOptions = {},
): Promise<KeystonePostgres> {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
  try {
    await createTables(url, connectTimeoutMs);
  } catch (e) {
    throw failure(e);
  }
  const pool = openPgPool(url, 'stacklab keystone', 'keystone', { ...opts, poolSize: opts.poolSize ?? 2 });
  let ended: Promise<void> | null = null;
  const end = () => (ended ??= pool.end().catch(() => undefined));
  const run = async <R>(fn: () => Promise<R>): Promise<R> => {
    if (ended) throw new StoreError("the server's database connection is closed", 'CLOSED');
    try {
      return await fn();
    } catch (e) {
      throw failure(e);
    }
  };
  // Each store refuses calls once closed; the pool ends when both are (or the bundle is).
  let open = 2;
  const part = () => {
    let done = false;
    return {
      run: <R>(fn: () => Promise<R>): Promise<R> =>
        done
          ? Promise.reject(new StoreError("the server's database connection is closed", 'CLOSED'))
          : run(fn),
      close: async () => {
        if (!done) {
          done = true;
          open -= 1;
        }
        if (open === 0) await end();
      },
    };
  };
  const c = part();
  const r = part();
  return {
    credentials: credentialStore(pool, key, c.run, c.close),
    revocations: revocationStore(pool, r.run, r.close),
    close: end,
  };
}
