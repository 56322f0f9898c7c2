/**
 * Keystone token revocations every process of a deployment must honour (issue #19): a revoked
 * token's audit id, or a deleted application credential's id, with the time after which no token
 * it names can be valid anyway. Written once by the process that revoked (which applies it at
 * once), read by every process: at start (all still in force) and then every second or so (rows
 * after the last one seen), so a token revoked on one node is refused on the others within a poll
 * interval, and still refused after every node restarted. Implementations: memory (one process),
 * SQLite (a table in the clouds' file: the workers of one machine) and PostgreSQL
 * (app-credentials-pg.ts: every machine). Rows are validated when read: one written by hand with
 * garbage in it is skipped and named in the log, never applied, never a crash.
 */
import Database from 'better-sqlite3';
import { StoreError } from './types.js';

/** A revocation as stored: exactly one of the two names, and its end (ms since the epoch; null: never). */
export interface StoredRevocation {
  auditId?: string;
  appCredential?: string;
  until: number | null;
}

/** A row read back: its revocation, or why it cannot be one (then it is skipped). */
export type RevocationRow =
  { id: number; revocation: StoredRevocation } | { id: number; problem: string };

export interface RevocationStore {
  /** Writes a revocation for every process to read; rejects with a StoreError when the database fails. */
  add(r: StoredRevocation): Promise<void>;
  /** Rows after `afterId` still in force at `now` (until null or later), in id order, at most `limit`. */
  after(afterId: number, now: number, limit: number): Promise<RevocationRow[]>;
  /** Deletes the rows no token can need any more (until ≤ now); how many went. */
  sweep(now: number): Promise<number>;
  close(): Promise<void>;
}

/** Far above what a process issues (22-character audit ids, 32-character credential ids). */
const MAX_NAME = 200;

/** The raw columns of a row, whatever a hand (or another version) put there. */
export interface RawRevocation {
  id: unknown;
  audit_id: unknown;
  app_credential: unknown;
  until_ms: unknown;
}

const isName = (v: unknown): v is string =>
  typeof v === 'string' && v !== '' && v.length <= MAX_NAME;

/** A raw row checked field by field: a revocation, or the reason it is not one. */
export function revocationOfRow(raw: RawRevocation): RevocationRow {
  const id = typeof raw.id === 'bigint' ? Number(raw.id) : raw.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id))
    return { id: -1, problem: 'its id is not an integer' };
  const until = typeof raw.until_ms === 'bigint' ? Number(raw.until_ms) : raw.until_ms;
  if (until !== null && (typeof until !== 'number' || !Number.isFinite(until)))
    return { id, problem: 'until_ms is neither a time nor null' };
  const audit = raw.audit_id;
  const cred = raw.app_credential;
  if ((audit === null) === (cred === null))
    return { id, problem: 'it names neither or both of audit_id and app_credential' };
  if (audit !== null && !isName(audit)) return { id, problem: 'audit_id is not a short text' };
  if (cred !== null && !isName(cred)) return { id, problem: 'app_credential is not a short text' };
  return {
    id,
    revocation: {
      ...(isName(audit) ? { auditId: audit } : {}),
      ...(isName(cred) ? { appCredential: cred } : {}),
      until,
    },
  };
}

/** The row a revocation becomes, or a StoreError for one that names nothing (a caller's bug, refused before the database). */
export function rowOfRevocation(r: StoredRevocation): {
  audit: string | null;
  cred: string | null;
  until: number | null;
} {
  const audit = r.auditId ?? null;
  const cred = r.appCredential ?? null;
  if (
    (audit === null) === (cred === null) ||
    (audit !== null && !isName(audit)) ||
    (cred !== null && !isName(cred))
  )
    throw new StoreError(
      'a revocation names exactly one short audit id or application credential',
      'INVALID',
    );
  const until = r.until !== null && Number.isFinite(r.until) ? Math.floor(r.until) : null;
  return { audit, cred, until };
}

/** Revocations of this process only (tests, `store: memory`). */
export function memoryRevocations(): RevocationStore {
  const rows: RawRevocation[] = [];
  let next = 1;
  let closed = false;
  const open = () => {
    if (closed) throw new StoreError('the revocations are closed', 'CLOSED');
  };
  return {
    add: async (r) => {
      open();
      const { audit, cred, until } = rowOfRevocation(r);
      rows.push({ id: next++, audit_id: audit, app_credential: cred, until_ms: until });
    },
    after: async (afterId, now, limit) => {
      open();
      return rows
        .filter(
          (r) =>
            (r.id as number) > afterId && (r.until_ms === null || (r.until_ms as number) > now),
        )
        .slice(0, limit)
        .map(revocationOfRow);
    },
    sweep: async (now) => {
      open();
      const before = rows.length;
      const kept = rows.filter((r) => r.until_ms === null || (r.until_ms as number) > now);
      rows.splice(0, rows.length, ...kept);
      return before - kept.length;
    },
    close: async () => {
      closed = true;
    },
  };
}

const storeErrorOf = (e: unknown): StoreError => {
  if (e instanceof StoreError) return e;
  const code =
    typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'UNKNOWN';
  return new StoreError("the server's database failed", code, e);
};

/**
 * Revocations in a SQLite file (the clouds' file: its own connection and table, created if
 * missing), read by every worker of the machine. SQLite keeps whatever type a hand writes in a
 * column, which the reader's checks are for.
 */
export function sqliteRevocations(file: string): RevocationStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 2000');
  db.exec(`CREATE TABLE IF NOT EXISTS token_revocation (id INTEGER PRIMARY KEY AUTOINCREMENT, audit_id TEXT,
    app_credential TEXT, until_ms INTEGER, created_at INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS token_revocation_until ON token_revocation (until_ms);`);
  const insert = db.prepare(
    'INSERT INTO token_revocation (audit_id, app_credential, until_ms, created_at) VALUES (?, ?, ?, ?)',
  );
  const after = db.prepare<[number, number, number], RawRevocation>(
    'SELECT id, audit_id, app_credential, until_ms FROM token_revocation WHERE id > ? AND (until_ms IS NULL OR NOT until_ms <= ?) ORDER BY id LIMIT ?',
  );
  // `NOT until_ms <= ?` keeps rows whose until_ms is text (garbage): the reader names them instead of hiding them.
  const sweep = db.prepare(
    "DELETE FROM token_revocation WHERE typeof(until_ms) IN ('integer', 'real') AND until_ms <= ?",
  );
  const run = <R>(fn: () => R): Promise<R> => {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(storeErrorOf(e));
    }
  };
  return {
    add: (r) =>
      run(() => {
        const { audit, cred, until } = rowOfRevocation(r);
        insert.run(audit, cred, until, Date.now());
      }),
    after: (afterId, now, limit) => run(() => after.all(afterId, now, limit).map(revocationOfRow)),
    sweep: (now) => run(() => sweep.run(now).changes),
    close: async () => {
      if (db.open) db.close();
    },
  };
}

export interface FollowOptions {
  /** How often new rows are read (ms): the longest another process accepts a token revoked here. Default 1,000. */
  intervalMs?: number;
  /** Rows read at once; more are read at the next poll (or, at start, at once). Default 1,000. */
  batch?: number;
  /** How often rows no token can need are deleted (ms). Default 60,000. */
  sweepMs?: number;
  now?: () => number;
  log?: (message: string) => void;
}

export interface RevocationFollower {
  /**
   * Writes a revocation made here; when the store fails, rejects with its error and keeps the
   * revocation to write again at each poll until it lands (this process refuses the token meanwhile).
   */
  write(r: StoredRevocation): Promise<void>;
  /** Revocations made here and not written yet. */
  unsent(): number;
  /** Reads every revocation in force (done before the server answers), then polls. */
  start(): Promise<void>;
  /** Reads what is new now (tests; the timer does it otherwise). */
  poll(): Promise<void>;
  /** No more polls (a read under way may end, unlogged); revocations still unwritten are logged. */
  stop(): void;
}

/** Revocations kept to write again, at most (a flood while the database is away): past it the oldest are dropped, logged. */
const MAX_UNSENT = 10_000;

/**
 * This process's link to the shared revocations: writes the ones made here (again at each poll
 * until they land) and applies every revocation in the store to this process's tokens (`apply`:
 * TokenStore's applyRevocation), its own included (applying one twice changes nothing). A store
 * that fails is logged once per outage and tried again at the next poll: the tokens already
 * revoked stay revoked meanwhile.
 */
export function followRevocations(
  store: RevocationStore,
  apply: (r: StoredRevocation) => void,
  opts: FollowOptions = {},
): RevocationFollower {
  const intervalMs = opts.intervalMs ?? 1000;
  const batch = opts.batch ?? 1000;
  const sweepMs = opts.sweepMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const log = opts.log ?? ((m: string) => console.error(m));
  let last = 0;
  let failing = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let lastSweep = now();
  const unsent: StoredRevocation[] = [];

  /** One read of at most `rounds` batches: returns whether the last was full (more may wait). */
  const read = async (rounds: number): Promise<void> => {
    for (let round = 0; round < rounds; round++) {
      const rows = await store.after(last, now(), batch);
      for (const row of rows) {
        last = Math.max(last, row.id);
        if ('problem' in row) log(`token revocation row ${row.id} skipped: ${row.problem}`);
        else apply(row.revocation);
      }
      if (rows.length < batch) return;
    }
  };
  const once = async (rounds: number): Promise<void> => {
    try {
      while (unsent.length > 0) {
        await store.add(unsent[0] as StoredRevocation);
        unsent.shift();
      }
      await read(rounds);
      if (now() - lastSweep >= sweepMs) {
        lastSweep = now();
        await store.sweep(lastSweep);
      }
      if (failing) log('token revocations are read and written again');
      failing = false;
    } catch (e) {
      if (!failing && !stopped)
        log(
          `token revocations could not be read or written (tried again every ${intervalMs} ms): ${e instanceof Error ? e.message : String(e)}`,
        );
      failing = true;
    }
  };
  // One read at a time: a slow database never stacks polls.
  const poll = (rounds = 1): Promise<void> => {
    running ??= once(rounds).finally(() => {
      running = null;
    });
    return running;
  };
  return {
    write: async (r) => {
      // One that names nothing is refused outright: nothing to try again.
      rowOfRevocation(r);
      try {
        await store.add(r);
      } catch (e) {
        unsent.push(r);
        if (unsent.length > MAX_UNSENT) {
          unsent.shift();
          log(
            `a token revocation made here was dropped unwritten: more than ${MAX_UNSENT} wait for the database`,
          );
        }
        throw e;
      }
    },
    unsent: () => unsent.length,
    async start() {
      // At start every row in force is read, however many batches that takes.
      await poll(Number.MAX_SAFE_INTEGER);
      timer = setInterval(() => void poll(), intervalMs);
      timer.unref();
    },
    poll: () => poll(),
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      if (unsent.length > 0)
        log(
          `${unsent.length} token revocation(s) made here were never written: other nodes accept those tokens until they expire`,
        );
    },
  };
}
