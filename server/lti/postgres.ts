/**
 * LTI's state in PostgreSQL (STACKLAB_DATABASE_URL), shared by every node of a deployment: the
 * platforms registered on the class page, logins in flight, nonces seen, launches, the score
 * outbox (server/lti/outbox-postgres.ts) and the tool's key pair (server/lti/keys.ts). A small pool
 * of its own (the cloud store's is server/store/postgres.ts); its tables are created when missing,
 * one node at a time, so nodes starting together do not trip over each other.
 */
import type pg from 'pg';
import { dec, enc, openPgPool, pgStoreError, redacted } from '../store/pg-pool.js';
import { StoreError } from '../store/types.js';
import { readRow } from './rows.js';
import type { LtiStore } from './types.js';

/** Runs one statement; its rows. */
export type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

/** The LTI tables' connection pool, shared by the node's LTI store, outbox and key. */
export interface LtiDatabase {
  query: Query;
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (query: Query) => Promise<T>): Promise<T>;
  /** One more user of the pool; the function it returns lets go, and the last to let go closes the pool. */
  retain(): () => Promise<void>;
}

export interface LtiDatabaseOptions {
  /** Connections kept open at most (default 2: LTI is a few statements per launch and per score). */
  poolSize?: number;
  /** The server cancels a statement that runs longer (default 10,000 ms). */
  statementTimeoutMs?: number;
  /** Waiting longer for a connection fails (default 5,000 ms). */
  connectTimeoutMs?: number;
  log?: (message: string) => void;
}

/** The advisory lock nodes take to create the LTI tables one at a time ("STLT"). */
const SCHEMA_LOCK = 0x53544c54;

/**
 * Created when missing (never altered: a new column would need a migration here). The JSON cells
 * hold what SQLite's tables hold, so a record reads back the same from either.
 */
const SCHEMA = `CREATE TABLE IF NOT EXISTS lti_platform (
    issuer TEXT NOT NULL, client_id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (issuer, client_id));
  CREATE TABLE IF NOT EXISTS lti_state (state TEXT PRIMARY KEY, json TEXT NOT NULL, expires BIGINT NOT NULL);
  CREATE INDEX IF NOT EXISTS lti_state_expires ON lti_state (expires);
  CREATE TABLE IF NOT EXISTS lti_nonce (
    issuer TEXT NOT NULL, nonce TEXT NOT NULL, expires BIGINT NOT NULL, PRIMARY KEY (issuer, nonce));
  CREATE INDEX IF NOT EXISTS lti_nonce_expires ON lti_nonce (expires);
  CREATE TABLE IF NOT EXISTS lti_launch (
    learner TEXT NOT NULL, lab_id TEXT NOT NULL, json TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (learner, lab_id));
  CREATE TABLE IF NOT EXISTS lti_score_outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, learner TEXT NOT NULL, lineitem TEXT NOT NULL,
    issuer TEXT NOT NULL, client_id TEXT NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL,
    next_at BIGINT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, claimed_by TEXT,
    claimed_until BIGINT NOT NULL DEFAULT 0);
  CREATE INDEX IF NOT EXISTS lti_score_outbox_item ON lti_score_outbox (learner, lineitem, id);
  CREATE TABLE IF NOT EXISTS lti_score_last (
    learner TEXT NOT NULL, lineitem TEXT NOT NULL, fingerprint TEXT NOT NULL, PRIMARY KEY (learner, lineitem));
  CREATE TABLE IF NOT EXISTS lti_tool_key (id INTEGER PRIMARY KEY CHECK (id = 1), jwk TEXT NOT NULL, created_at BIGINT NOT NULL);`;

/** NUL-safe text (a platform may send U+0000 in a state or a line item URL): the shared encoding. */
export { dec, enc };

/** A failure in the words the routes show ("Stacklab's database is not available right now (…)"). */
export const ltiStoreError = pgStoreError;

/**
 * Opens the pool and creates the LTI tables if missing (under an advisory lock: the first node
 * creates them while the others wait, then find them there). A server that cannot be reached is
 * refused with a StoreError that says so.
 */
export async function openLtiDatabase(url: string, opts: LtiDatabaseOptions = {}): Promise<LtiDatabase> {
  const pool = openPgPool(url, 'stacklab lti', 'LTI', { ...opts, poolSize: opts.poolSize ?? 2 });
  const query: Query = async (text, values = []) => {
    try {
      return (await pool.query(text, values)).rows;
    } catch (e) {
      throw ltiStoreError(e);
    }
  };
  async function transaction<T>(fn: (q: Query) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      throw ltiStoreError(e);
    }
    const q: Query = async (text, values = []) => {
      try {
        return (await client.query(text, values)).rows;
      } catch (e) {
        throw ltiStoreError(e);
      }
    };
    let broken = false;
    try {
      await q('BEGIN');
      const out = await fn(q);
      await q('COMMIT');
      return out;
    } catch (e) {
      // A connection that failed mid-transaction is not handed out again.
      broken = await client.query('ROLLBACK').then(() => false, () => true);
      throw ltiStoreError(e);
    } finally {
      client.release(broken);
    }
  }
  try {
    await transaction(async (q) => {
      await q('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await q(SCHEMA);
    });
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new StoreError(
      `PostgreSQL at ${redacted(url)} cannot keep LTI's tables: ${ltiStoreError(e).message} (${e instanceof StoreError && e.cause instanceof Error ? e.cause.message : String(e)})`,
      e instanceof StoreError ? e.code : 'UNKNOWN',
      e,
    );
  }
  let users = 0;
  let ended: Promise<void> | null = null;
  return {
    query,
    transaction,
    retain() {
      users += 1;
      let released = false;
      return async () => {
        if (!released) {
          released = true;
          users -= 1;
        }
        if (users === 0) ended ??= pool.end().catch(() => undefined);
        await ended;
      };
    },
  };
}

/** The LTI store on PostgreSQL: every node reads and writes the same rows, each rule holds across nodes by one statement. */
export function postgresLtiStore(db: LtiDatabase, log: (message: string) => void): LtiStore {
  const release = db.retain();
  const { query } = db;
  const list = async () =>
    (await query<{ json: string }>('SELECT json FROM lti_platform ORDER BY issuer, client_id')).flatMap((r) => readRow('platform', r.json, log) ?? []);
  return {
    platforms: list,
    async platform(issuer, clientId) {
      const rows = await query<{ json: string }>(
        'SELECT json FROM lti_platform WHERE issuer = $1 AND ($2::text IS NULL OR client_id = $2) ORDER BY client_id',
        [enc(issuer), clientId === undefined ? null : enc(clientId)],
      );
      for (const r of rows) {
        const p = readRow('platform', r.json, log);
        if (p) return p;
      }
      return null;
    },
    async savePlatform(p) {
      await query(
        'INSERT INTO lti_platform (issuer, client_id, json) VALUES ($1, $2, $3) ON CONFLICT (issuer, client_id) DO UPDATE SET json = excluded.json',
        [enc(p.issuer), enc(p.clientId), JSON.stringify(p)],
      );
    },
    async deletePlatform(issuer, clientId) {
      return (await query('DELETE FROM lti_platform WHERE issuer = $1 AND client_id = $2 RETURNING 1', [enc(issuer), enc(clientId)])).length > 0;
    },
    async putState(state, s) {
      // Logins that never came back are dropped an hour after they expired (by the next login).
      await query(
        `WITH purge AS (DELETE FROM lti_state WHERE expires <= $4 AND state <> $1)
         INSERT INTO lti_state (state, json, expires) VALUES ($1, $2, $3)
         ON CONFLICT (state) DO UPDATE SET json = excluded.json, expires = excluded.expires`,
        [enc(state), JSON.stringify(s), s.expires, s.expires - 3600_000],
      );
    },
    async takeState(state, now) {
      // One statement takes it: of two nodes deleting the same row, only one gets it back.
      const [row] = await query<{ json: string; expires: number }>('DELETE FROM lti_state WHERE state = $1 RETURNING json, expires', [enc(state)]);
      return row && row.expires > now ? readRow('state', row.json, log) : null;
    },
    async useNonce(issuer, nonce, expires, now) {
      // Inserted, or taking over an expired row; a live row (seen on any node) returns nothing. The
      // purge leaves this nonce's row to the upsert (one statement may not change a row twice).
      const rows = await query(
        `WITH purge AS (DELETE FROM lti_nonce WHERE expires <= $4 AND NOT (issuer = $1 AND nonce = $2))
         INSERT INTO lti_nonce AS n (issuer, nonce, expires) VALUES ($1, $2, $3)
         ON CONFLICT (issuer, nonce) DO UPDATE SET expires = excluded.expires WHERE n.expires <= $4
         RETURNING 1`,
        [enc(issuer), enc(nonce), expires, now],
      );
      return rows.length > 0;
    },
    async saveLaunch(r) {
      await query(
        'INSERT INTO lti_launch (learner, lab_id, json, at) VALUES ($1, $2, $3, $4) ON CONFLICT (learner, lab_id) DO UPDATE SET json = excluded.json, at = excluded.at',
        [enc(r.learner), enc(r.labId), JSON.stringify(r), r.at],
      );
    },
    async launchFor(learner, labId) {
      const [row] = await query<{ json: string }>('SELECT json FROM lti_launch WHERE learner = $1 AND lab_id = $2', [enc(learner), enc(labId)]);
      return row ? readRow('launch', row.json, log) : null;
    },
    close: release,
  };
}

