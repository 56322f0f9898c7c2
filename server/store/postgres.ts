/**
 * The PostgreSQL CloudStore: one database shared by every process and machine of a deployment.
 * A command is one statement (so one transaction) that moves its workspace's version on under
 * that workspace's row lock, so writers on different nodes take turns per workspace and a stale
 * one is refused with StoreConflict. PostgreSQL's and the network's failures come out as
 * StoreErrors in words, as SQLite's do, and never crash the process.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { metaOf, withMeta } from './entry-meta.js';
import { dec, decOrNull, enc, openPgPool, pgStoreError as storeError, redacted, pgTypes as types, type PgPoolOptions } from './pg-pool.js';
import { StoreConflict, StoreError, type CloudStore, type EntryHead, type EntryKind, type HistoryEntry, type Learner,  } from './types.js';

/**
 * Forward-only migrations; the index + 1 is the version recorded in stacklab_schema. Never edit
 * a shipped one. The shape is SQLite's after its migration 6: a row per workspace holds its
 * version (last_seq), its last reset and its output's size, so reading them costs one row; a lab
 * attempt's distinct commands have their own table, keyed by a digest of the command because a
 * B-tree key cannot hold the longest lines (PostgreSQL caps an index entry near 2.7 kB); the
 * bookkeeping entries are found through an index that only they are written to.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE learner (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL);
   CREATE TABLE session (learner_id TEXT NOT NULL REFERENCES learner (id), workspace TEXT NOT NULL,
     snapshot TEXT NOT NULL, seq INTEGER NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (learner_id, workspace));
   CREATE INDEX session_workspace ON session (workspace);
   CREATE TABLE workspace_state (learner_id TEXT NOT NULL, workspace TEXT NOT NULL, last_seq INTEGER NOT NULL,
     last_reset INTEGER NOT NULL, output_bytes BIGINT NOT NULL, PRIMARY KEY (learner_id, workspace));
   CREATE INDEX workspace_state_workspace ON workspace_state (workspace);
   CREATE TABLE history (learner_id TEXT NOT NULL, workspace TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
     line TEXT NOT NULL, stdout TEXT NOT NULL, stderr TEXT NOT NULL, exit_code INTEGER NOT NULL, at BIGINT NOT NULL, meta TEXT,
     PRIMARY KEY (learner_id, workspace, seq));
   CREATE INDEX history_mark ON history (learner_id, workspace, kind, seq) WHERE kind NOT IN ('command', 'api');
   CREATE TABLE attempt_command (learner_id TEXT NOT NULL, workspace TEXT NOT NULL, since INTEGER NOT NULL, cmd BYTEA NOT NULL,
     seq INTEGER NOT NULL, line TEXT NOT NULL, ran TEXT, PRIMARY KEY (learner_id, workspace, since, cmd));`,
];

/** The advisory lock nodes take to migrate one at a time (any fixed number; this one spells STKL). */
const MIGRATION_LOCK = 0x53544b4c;

/** The pool's options (pg-pool.ts); poolSize defaults to 10. */
export type PostgresOptions = PgPoolOptions;

interface HeadRow {
  seq: number;
  kind: EntryKind;
  line: string;
  exitCode: number;
  at: number;
  meta: string | null;
}
interface Row extends HeadRow {
  stdout: string;
  stderr: string;
}

const headOf = (r: HeadRow): EntryHead => withMeta({ seq: r.seq, kind: r.kind, line: dec(r.line), exitCode: r.exitCode, at: r.at }, decOrNull(r.meta));
const entryOf = (r: Row): HistoryEntry => ({ ...headOf(r), stdout: dec(r.stdout), stderr: dec(r.stderr) });

const HEAD_COLS = 'seq, kind, line, exit_code AS "exitCode", at, meta';
const COLS = `${HEAD_COLS}, stdout, stderr`;

/*
 * The first part of a step: the workspace's row moves to the next seq, or (the writer having seen
 * another version) no row comes back and nothing else is written. The UPDATE waits for the row's
 * lock, so two nodes writing one workspace take turns, and the second then finds the version moved.
 */
const NEXT_SET = `last_seq = w.last_seq + 1, last_reset = CASE WHEN $3::text = 'reset' THEN w.last_seq + 1 ELSE w.last_reset END,
  output_bytes = w.output_bytes + $10::bigint`;
const FIRST_ROW = `INSERT INTO workspace_state AS w (learner_id, workspace, last_seq, last_reset, output_bytes)
  VALUES ($1::text, $2::text, 1, CASE WHEN $3::text = 'reset' THEN 1 ELSE 0 END, $10::bigint)`;
const NEXT = {
  /** No version named: after whatever is there. */
  any: `${FIRST_ROW} ON CONFLICT (learner_id, workspace) DO UPDATE SET ${NEXT_SET} RETURNING w.last_seq, w.last_reset`,
  /** The writer saw no entry: only if the workspace has none (no row yet). */
  first: `${FIRST_ROW} ON CONFLICT (learner_id, workspace) DO NOTHING RETURNING w.last_seq, w.last_reset`,
  /** The writer saw entry $15: only if it is still the last. */
  after: `UPDATE workspace_state AS w SET ${NEXT_SET} WHERE w.learner_id = $1::text AND w.workspace = $2::text AND w.last_seq = $15::int
  RETURNING w.last_seq, w.last_reset`,
};

/**
 * A whole step as one statement: the version, the history row, the attempt's command (a lab's,
 * when new since the last reset) and the snapshot (never over a newer one) all hang on the row the
 * first part returned, so a refused step writes nothing and an accepted one is one round trip.
 * A learner's first step creates their row too ($14, their name): the session row refers to it,
 * and foreign keys are checked at the statement's end, when both are there.
 */
const step = (next: string): string => `WITH st AS (${next}),
  l AS (INSERT INTO learner (id, name, created_at) SELECT $1::text, $14::text, $8::bigint FROM st WHERE $14::text IS NOT NULL
    ON CONFLICT (id) DO NOTHING),
  h AS (INSERT INTO history (learner_id, workspace, seq, kind, line, stdout, stderr, exit_code, at, meta)
    SELECT $1::text, $2::text, st.last_seq, $3::text, $4::text, $5::text, $6::text, $7::int, $8::bigint, $9::text FROM st),
  a AS (INSERT INTO attempt_command (learner_id, workspace, since, cmd, seq, line, ran)
    SELECT $1::text, $2::text, st.last_reset, $12::bytea, st.last_seq, $4::text, $13::text FROM st WHERE $12::bytea IS NOT NULL
    ON CONFLICT DO NOTHING),
  s AS (INSERT INTO session (learner_id, workspace, snapshot, seq, updated_at)
    SELECT $1::text, $2::text, $11::text, st.last_seq, $8::bigint FROM st WHERE $11::text IS NOT NULL
    ON CONFLICT (learner_id, workspace) DO UPDATE SET snapshot = excluded.snapshot, seq = excluded.seq, updated_at = excluded.updated_at
    WHERE session.seq <= excluded.seq)
  SELECT last_seq AS seq FROM st`;
const STEP = { any: step(NEXT.any), first: step(NEXT.first), after: step(NEXT.after) };

/**
 * Applies the missing migrations in one transaction, one node at a time, on a connection of its
 * own: without the pool's timeouts, as a migration of a big table (or the wait for another node's)
 * may take longer than any command.
 */
async function migrate(url: string, connectTimeout: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeout, keepAlive: true, application_name: 'stacklab migration', types });
  // A connection that drops reports on the client as well as to the query; unheard, that would end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('BEGIN');
    // Nodes starting together wait here for the first to finish; the others then find nothing to do.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    // Created only when missing: even CREATE … IF NOT EXISTS is refused by a read-only database,
    // which a current schema lets the store open (to read; its writes are refused in words).
    const { rows: found } = await client.query<{ found: boolean }>("SELECT to_regclass('stacklab_schema') IS NOT NULL AS found");
    if (found[0]?.found !== true) await client.query('CREATE TABLE stacklab_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM stacklab_schema');
    const version = rows[0]?.v ?? 0;
    if (version > MIGRATIONS.length) {
      throw new StoreError(
        `the database was written by a newer Stacklab (schema ${version}; this one knows ${MIGRATIONS.length}). Upgrade Stacklab, or point STACKLAB_DATABASE_URL elsewhere.`,
        'SCHEMA',
      );
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v] as string);
      await client.query('INSERT INTO stacklab_schema (version) VALUES ($1)', [v + 1]);
    }
    await client.query('COMMIT');
  } finally {
    // Ending the connection rolls back whatever was not committed.
    await client.end().catch(() => undefined);
  }
}

/**
 * Connects to PostgreSQL (`url`: postgres://user:password@host:port/database) and brings the
 * schema up to date. A server that cannot be reached, or a database of a newer Stacklab, is
 * refused with a StoreError that says what to do.
 */
export async function postgresStore(url: string, opts: PostgresOptions = {}): Promise<CloudStore> {
  const connectTimeout = opts.connectTimeoutMs ?? 5_000;
  const pool = openPgPool(url, 'stacklab', 'workspaces', { ...opts, poolSize: opts.poolSize ?? 10 });
  try {
    await migrate(url, connectTimeout);
  } catch (e) {
    await pool.end().catch(() => undefined);
    const err = storeError(e);
    if (err.code === 'SCHEMA') throw err;
    throw new StoreError(
      `PostgreSQL at ${redacted(url)} cannot be used: ${err.message} (${e instanceof Error ? e.message : String(e)}). Check that it runs and that STACKLAB_DATABASE_URL names it, then start again.`,
      err.code,
      e,
    );
  }
  const rows = async <R>(text: string, values: unknown[], name?: string): Promise<R[]> => {
    try {
      return (await pool.query<R & pg.QueryResultRow>(name === undefined ? { text, values } : { name, text, values })).rows;
    } catch (e) {
      throw storeError(e);
    }
  };
  const lastSeqs = async (learnerId: string, workspace: string) => {
    const [r] = await rows<{ last: number; reset: number }>(
      'SELECT last_seq AS last, last_reset AS reset FROM workspace_state WHERE learner_id = $1 AND workspace = $2',
      [enc(learnerId), enc(workspace)],
      'stacklab_last_seqs',
    );
    return r ?? { last: 0, reset: 0 };
  };
  /** saveStep's work, with its arguments (resetSession's too). */
  const append = async (...[learnerId, workspace, snapshot, e, expectedSeq, newLearner]: Parameters<CloudStore['saveStep']>): Promise<HistoryEntry> => {
    if (expectedSeq !== undefined && !(Number.isInteger(expectedSeq) && expectedSeq >= 0)) {
      throw new StoreConflict(learnerId, workspace, expectedSeq, (await lastSeqs(learnerId, workspace)).last);
    }
    // Graders read a lab attempt's distinct commands; a sandbox has no grader.
    const lab = e.kind === 'command' && workspace.startsWith('lab:');
    const ran = e.ran === undefined ? null : JSON.stringify(e.ran);
    const cmd = lab ? createHash('sha256').update(ran === null ? `line:${e.line}` : `ran:${ran}`).digest() : null;
    const meta = metaOf(e);
    const values: unknown[] = [
      enc(learnerId), enc(workspace), e.kind, enc(e.line), enc(e.stdout), enc(e.stderr), e.exitCode, e.at,
      meta === null ? null : enc(meta), e.stdout.length + e.stderr.length, snapshot === null ? null : enc(snapshot), cmd, lab && ran !== null ? enc(ran) : null,
      newLearner ? enc(newLearner.name) : null,
    ];
    const which = expectedSeq === undefined ? 'any' : expectedSeq === 0 ? 'first' : 'after';
    if (which === 'after') values.push(expectedSeq);
    const [saved] = await rows<{ seq: number }>(STEP[which], values, `stacklab_step_${which}`);
    if (saved === undefined) throw new StoreConflict(learnerId, workspace, expectedSeq ?? 0, (await lastSeqs(learnerId, workspace)).last);
    return { ...e, seq: saved.seq };
  };
  const learnerOf = (r: { id: string; name: string; createdAt: number }): Learner => ({ id: dec(r.id), name: dec(r.name), createdAt: r.createdAt });
  const getLearner = async (id: string) => {
    const [r] = await rows<Learner>('SELECT id, name, created_at AS "createdAt" FROM learner WHERE id = $1', [enc(id)]);
    return r ? learnerOf(r) : null;
  };
  let closed = false;
  return {
    async createLearner(id, name, at) {
      await rows('INSERT INTO learner (id, name, created_at) VALUES ($1, $2, $3)', [enc(id), enc(name), at]);
      return { id, name, createdAt: at };
    },
    async ensureLearner(id, name, at) {
      // Two statements: the second sees a learner another node created meanwhile (the first waited for it).
      await rows('INSERT INTO learner (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [enc(id), enc(name), at]);
      const l = await getLearner(id);
      if (!l) throw new StoreError("the server's database failed", 'LOST', new Error(`learner ${id} vanished after it was created`));
      return l;
    },
    getLearner,
    async renameLearner(id, name) {
      await rows('UPDATE learner SET name = $2 WHERE id = $1', [enc(id), enc(name)]);
    },
    async loadSession(learnerId, workspace) {
      const [r] = await rows<{ snapshot: string; seq: number }>('SELECT snapshot, seq FROM session WHERE learner_id = $1 AND workspace = $2', [enc(learnerId), enc(workspace)]);
      return r ? { snapshot: dec(r.snapshot), seq: r.seq } : null;
    },
    async saveStep(learnerId, workspace, snapshot, entry, expectedSeq, newLearner) {
      // In the step's statement: a refused step creates no learner either.
      return append(learnerId, workspace, snapshot, entry, expectedSeq, newLearner);
    },
    async saveSnapshot(learnerId, workspace, snapshot, seq, at) {
      await rows(
        `INSERT INTO session (learner_id, workspace, snapshot, seq, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (learner_id, workspace) DO UPDATE SET snapshot = excluded.snapshot, seq = excluded.seq, updated_at = excluded.updated_at
         WHERE session.seq <= excluded.seq`,
        [enc(learnerId), enc(workspace), enc(snapshot), seq, at],
      );
    },
    async historySince(learnerId, workspace, afterSeq) {
      return (await rows<Row>(`SELECT ${COLS} FROM history WHERE learner_id = $1 AND workspace = $2 AND seq > $3 ORDER BY seq`, [enc(learnerId), enc(workspace), afterSeq])).map(entryOf);
    },
    async headsSince(learnerId, workspace, afterSeq) {
      return (
        await rows<HeadRow>(`SELECT ${HEAD_COLS} FROM history WHERE learner_id = $1 AND workspace = $2 AND seq > $3 ORDER BY seq`, [enc(learnerId), enc(workspace), afterSeq], 'stacklab_heads_since')
      ).map(headOf);
    },
    async commandLines(learnerId, workspace, afterSeq, uptoSeq, limit, maxLength) {
      const found = await rows<{ line: string }>(
        `SELECT line FROM (SELECT seq, line FROM history WHERE learner_id = $1 AND workspace = $2 AND seq > $3 AND seq <= $4 AND kind = 'command'
           AND strpos(line, chr(65535) || '0') = 0 AND char_length(line) <= $6 ORDER BY seq DESC LIMIT $5) h ORDER BY seq`,
        [enc(learnerId), enc(workspace), afterSeq, uptoSeq, Math.max(0, Math.floor(limit)), Math.floor(maxLength)],
        'stacklab_command_lines',
      );
      return found.map((r) => dec(r.line));
    },
    async attemptCommands(learnerId, workspace) {
      const found = await rows<{ line: string; ran: string | null }>(
        `SELECT a.line, a.ran FROM attempt_command a JOIN workspace_state w ON w.learner_id = a.learner_id AND w.workspace = a.workspace
         WHERE a.learner_id = $1 AND a.workspace = $2 AND a.since = w.last_reset ORDER BY a.seq`,
        [enc(learnerId), enc(workspace)],
        'stacklab_attempt_commands',
      );
      return found.map((r) => {
        let ran: unknown;
        try {
          ran = r.ran === null ? undefined : (JSON.parse(dec(r.ran)) as unknown);
        } catch {
          // A damaged cell counts as no `ran`, as in SQLite's migration.
        }
        return Array.isArray(ran) ? { line: dec(r.line), ran: ran as string[][] } : { line: dec(r.line) };
      });
    },
    resetSession: (learnerId, workspace, snapshot, at, expectedSeq) =>
      append(learnerId, workspace, snapshot, { kind: 'reset', line: '#reset', stdout: '', stderr: '', exitCode: 0, at }, expectedSeq),
    async history(learnerId, workspace, limit = 1000) {
      // As SQLite's LIMIT: a negative one (or none that is a number) means all.
      const n = Number.isFinite(limit) && limit >= 0 ? Math.floor(limit) : null;
      return (
        await rows<Row>(`SELECT ${COLS} FROM (SELECT * FROM history WHERE learner_id = $1 AND workspace = $2 ORDER BY seq DESC LIMIT $3) h ORDER BY seq`, [enc(learnerId), enc(workspace), n])
      ).map(entryOf);
    },
    async historyOfKind(learnerId, workspace, kind) {
      // The bookkeeping kinds are read through history_mark; the planner takes it only when the query repeats its condition.
      const marked = kind !== 'command' && kind !== 'api' ? "AND kind NOT IN ('command', 'api')" : '';
      return (
        await rows<Row>(`SELECT ${COLS} FROM history WHERE learner_id = $1 AND workspace = $2 AND kind = $3 ${marked} ORDER BY seq`, [enc(learnerId), enc(workspace), kind])
      ).map(entryOf);
    },
    lastSeqs,
    async ping() {
      await rows('SELECT 1', []);
    },
    async storedOutputBytes(learnerId, workspace) {
      const [r] = await rows<{ n: number }>('SELECT output_bytes AS n FROM workspace_state WHERE learner_id = $1 AND workspace = $2', [enc(learnerId), enc(workspace)]);
      return r?.n ?? 0;
    },
    async learnersIn(workspace) {
      const found = await rows<{ id: string }>('SELECT learner_id AS id FROM session WHERE workspace = $1 UNION SELECT learner_id FROM workspace_state WHERE workspace = $1', [enc(workspace)]);
      // Sorted here, not by the database's collation (which depends on its locale), as the other stores sort.
      return found.map((r) => dec(r.id)).sort();
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pool.end();
      } catch {
        // Ending connections to a server that went away: nothing more to save.
      }
    },
  };
}
