/**
 * The queue of scores waiting to reach an LMS: written before anything is sent, deleted only
 * when the platform took the score, so a platform that is down, or a restart, loses nothing.
 * Three implementations share one contract: SQLite (table `lti_score_outbox` in DATA/stacklab.db,
 * its own connection, like server/store/app-credentials.ts), memory (memory stores, tests) and
 * PostgreSQL (server/lti/outbox-postgres.ts: one queue for every node).
 *
 * Scores of one learner for one line item are kept in order (each replaces the previous one in
 * the gradebook, so sending them out of order would leave an older grade there); the sender
 * only ever takes the oldest of each (`heads`).
 *
 * Several processes may share one queue (cluster workers, nodes): a score is `claim`ed before it is sent,
 * a lease kept in its row (`claimed_by`, `claimed_until`), so no two processes send it; when a
 * process dies mid-send its lease runs out and another process sends the score.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../http/config.js';
import { asynchronous, sqliteFailure } from '../store/sync.js';
import type { ScoreBody } from './ags.js';

/** A score to queue: for whom, where it goes, what it says. */
export interface NewScore {
  learner: string;
  issuer: string;
  clientId: string;
  lineitem: string;
  body: ScoreBody;
}

export interface QueuedScore extends NewScore {
  /** Queue order (increasing). */
  id: number;
  createdAt: number;
  /** Not sent before this (ms since the epoch). */
  nextAt: number;
  /** Failed attempts so far. */
  attempts: number;
  lastError: string | null;
}

/**
 * The queue, asynchronous (a queue shared by several nodes answers over the network); a database
 * failure rejects with a StoreError.
 */
export interface ScoreOutbox {
  /**
   * Queues a score, unless it says the same (scoreGiven, scoreMaximum, progress) as the last one
   * queued for that learner and line item (then `queued` is null). `dropped`: how many older,
   * not yet sent scores of that learner and line item were dropped to keep it to MAX_PER_ITEM.
   */
  enqueue(s: NewScore, now: number): Promise<{ queued: QueuedScore | null; dropped: number }>;
  /**
   * The oldest score of each learner and line item, oldest first: what may be sent next (a score
   * another process holds a live claim on is not listed).
   */
  heads(): Promise<QueuedScore[]>;
  /**
   * Takes a score to send: this outbox holds it for its lease (LEASE_MS by default), and no other
   * process sharing the queue gets it meanwhile. Null when another holds it, or it was sent or is
   * no longer the oldest of its learner and line item. `sent` and `failed` let it go.
   */
  claim(id: number): Promise<QueuedScore | null>;
  /** Everything queued, oldest first (the class page, tests). */
  all(): Promise<QueuedScore[]>;
  /** Whether a newer score of the same learner and line item is queued behind this one. */
  superseded(row: QueuedScore): Promise<boolean>;
  /** The platform took it: gone from the queue. */
  sent(id: number): Promise<void>;
  /** An attempt failed: counted, the error kept, not tried again before `nextAt`. */
  failed(id: number, nextAt: number, error: string): Promise<void>;
  /** Gives a queued score a new timestamp (a platform refused it as not newer than what it holds). */
  restamp(id: number, timestamp: string): Promise<void>;
  count(): Promise<number>;
  close(): Promise<void>;
}


/**
 * Scores kept per learner and line item while the platform does not take them. A learner who
 * keeps changing their grade during a long outage must not grow the database without bound;
 * the newest score is what the gradebook ends with, so the oldest waiting ones go first
 * (never the one being sent).
 */
export const MAX_PER_ITEM = 100;

/**
 * How long a claim holds a score: far longer than one attempt (the AGS client gives up after
 * 10 s, its token request included), so a lease only runs out when its process died.
 */
export const LEASE_MS = 5 * 60_000;

/** What makes two scores "the same" for the gradebook (the timestamp does not). */
export const fingerprint = (b: ScoreBody) =>
  JSON.stringify([
    b.scoreGiven ?? null,
    b.scoreMaximum ?? null,
    b.activityProgress,
    b.gradingProgress,
    b.userId,
  ]);

const itemKey = (learner: string, lineitem: string) => `${learner}\u0000${lineitem}`;

const copy = (r: QueuedScore): QueuedScore => ({ ...r, body: { ...r.body } });

/** In memory (lost on restart: memory stores only). */
export function memoryOutbox(): ScoreOutbox {
  let rows: QueuedScore[] = [];
  const last = new Map<string, string>();
  let nextId = 1;
  const find = (id: number) => rows.find((r) => r.id === id);
  return asynchronous<ScoreOutbox>({
    enqueue(s, now) {
      const key = itemKey(s.learner, s.lineitem);
      const fp = fingerprint(s.body);
      if (last.get(key) === fp) return { queued: null, dropped: 0 };
      last.set(key, fp);
      const row: QueuedScore = {
        ...s,
        body: { ...s.body },
        id: nextId++,
        createdAt: now,
        nextAt: now,
        attempts: 0,
        lastError: null,
      };
      rows.push(row);
      const mine = rows.filter((r) => itemKey(r.learner, r.lineitem) === key);
      const drop = new Set(
        mine.slice(1, 1 + Math.max(0, mine.length - MAX_PER_ITEM)).map((r) => r.id),
      );
      rows = rows.filter((r) => !drop.has(r.id));
      return { queued: copy(row), dropped: drop.size };
    },
    heads() {
      const seen = new Set<string>();
      return rows
        .filter((r) => {
          const k = itemKey(r.learner, r.lineitem);
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        })
        .map(copy);
    },
    all: () => rows.map(copy),
    // One process: a head is always free to take.
    claim(id) {
      const r = find(id);
      return r && !rows.some((o) => o.id < id && itemKey(o.learner, o.lineitem) === itemKey(r.learner, r.lineitem))
        ? copy(r)
        : null;
    },
    superseded: (row) =>
      rows.some((r) => r.id > row.id && r.learner === row.learner && r.lineitem === row.lineitem),
    sent(id) {
      rows = rows.filter((r) => r.id !== id);
    },
    failed(id, nextAt, error) {
      const r = find(id);
      if (!r) return;
      r.attempts += 1;
      r.nextAt = nextAt;
      r.lastError = error;
    },
    restamp(id, timestamp) {
      const r = find(id);
      if (r) r.body = { ...r.body, timestamp };
    },
    count: () => rows.length,
    close: () => undefined,
  }, sqliteFailure);
}

/** A row of the queue's table, as SQLite and PostgreSQL return it. */
export interface Row {
  id: number;
  learner: string;
  lineitem: string;
  issuer: string;
  client_id: string;
  body: string;
  created_at: number;
  next_at: number;
  attempts: number;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: number;
}

const isBody = (b: unknown): b is ScoreBody =>
  typeof b === 'object' && b !== null && typeof (b as ScoreBody).userId === 'string' && typeof (b as ScoreBody).timestamp === 'string';

/**
 * A row as a queued score, or null when its body is not a score (a row damaged or written by
 * another program): skipped, and said once per row in the log, rather than stopping the queue.
 */
export function rowReader(log: (message: string) => void): (r: Row) => QueuedScore | null {
  const told = new Set<number>();
  return (r) => {
    let body: unknown;
    try {
      body = JSON.parse(r.body);
    } catch {
      body = null;
    }
    if (!isBody(body)) {
      if (!told.has(r.id) && told.size < 1000) log(`LTI score ${r.id} to ${r.lineitem} ignored: its body is not a score (${JSON.stringify(r.body.slice(0, 80))})`);
      told.add(r.id);
      return null;
    }
    return {
      id: r.id,
      learner: r.learner,
      lineitem: r.lineitem,
      issuer: r.issuer,
      clientId: r.client_id,
      body,
      createdAt: r.created_at,
      nextAt: r.next_at,
      attempts: r.attempts,
      lastError: r.last_error,
    };
  };
}

export interface SqliteOutboxOptions {
  /** Who claims (default: random, one per outbox, i.e. per process). */
  owner?: string;
  /** A claim's lease (default LEASE_MS). */
  leaseMs?: number;
  /** The clock leases are read against (default Date.now). */
  now?: () => number;
  /** Where damaged rows are reported (default stderr). */
  log?: (message: string) => void;
}

/**
 * Adds the claim columns to a table made before claims (migration), once: in an immediate
 * transaction, so two processes opening the file together do not both add them.
 */
function migrateClaims(db: Database.Database): void {
  db.transaction(() => {
    const cols = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('lti_score_outbox')").all();
    if (cols.some((c) => c.name === 'claimed_by')) return;
    db.exec(`ALTER TABLE lti_score_outbox ADD COLUMN claimed_by TEXT;
      ALTER TABLE lti_score_outbox ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;`);
  }).immediate();
}

/** The outbox in a SQLite file (the clouds' file: its own connection and tables, created if missing). */
export function sqliteOutbox(file: string, opts: SqliteOutboxOptions = {}): ScoreOutbox {
  const owner = opts.owner ?? `${process.pid}-${randomBytes(6).toString('hex')}`;
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  const clock = opts.now ?? Date.now;
  const fromRow = rowReader(opts.log ?? ((m) => console.error(m)));
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 2000');
  db.exec(`CREATE TABLE IF NOT EXISTS lti_score_outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT, learner TEXT NOT NULL, lineitem TEXT NOT NULL, issuer TEXT NOT NULL,
      client_id TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL, next_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT);
    CREATE INDEX IF NOT EXISTS lti_score_outbox_item ON lti_score_outbox (learner, lineitem, id);
    CREATE TABLE IF NOT EXISTS lti_score_last (
      learner TEXT NOT NULL, lineitem TEXT NOT NULL, fingerprint TEXT NOT NULL, PRIMARY KEY (learner, lineitem));`);
  migrateClaims(db);
  const lastOf = db.prepare<[string, string], { fingerprint: string }>(
    'SELECT fingerprint FROM lti_score_last WHERE learner = ? AND lineitem = ?',
  );
  const setLast = db.prepare<[string, string, string]>(
    `INSERT INTO lti_score_last (learner, lineitem, fingerprint) VALUES (?, ?, ?)
     ON CONFLICT (learner, lineitem) DO UPDATE SET fingerprint = excluded.fingerprint`,
  );
  const insert = db.prepare<[string, string, string, string, string, number, number]>(
    `INSERT INTO lti_score_outbox (learner, lineitem, issuer, client_id, body, created_at, next_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const countItem = db.prepare<[string, string], { n: number }>(
    'SELECT count(*) AS n FROM lti_score_outbox WHERE learner = ? AND lineitem = ?',
  );
  // The oldest waiting scores after the head (the head may be in flight).
  const trim = db.prepare<[string, string, number]>(
    `DELETE FROM lti_score_outbox WHERE id IN (
       SELECT id FROM lti_score_outbox WHERE learner = ? AND lineitem = ? ORDER BY id LIMIT ? OFFSET 1)`,
  );
  const byId = db.prepare<[number], Row>('SELECT * FROM lti_score_outbox WHERE id = ?');
  const headOnly = `id = (SELECT min(id) FROM lti_score_outbox i WHERE i.learner = o.learner AND i.lineitem = o.lineitem)`;
  // Free: unclaimed, claimed by this outbox, or its lease ran out.
  const free = `(claimed_by IS NULL OR claimed_by = @owner OR claimed_until <= @now)`;
  const heads = db.prepare<{ owner: string; now: number }, Row>(
    `SELECT * FROM lti_score_outbox o WHERE ${headOnly} AND ${free} ORDER BY id`,
  );
  const claim = db.prepare<{ id: number; owner: string; now: number; until: number }, Row>(
    `UPDATE lti_score_outbox AS o SET claimed_by = @owner, claimed_until = @until
     WHERE id = @id AND ${headOnly} AND ${free} RETURNING *`,
  );
  const all = db.prepare<[], Row>('SELECT * FROM lti_score_outbox ORDER BY id');
  const later = db.prepare<[string, string, number], { one: number }>(
    'SELECT 1 AS one FROM lti_score_outbox WHERE learner = ? AND lineitem = ? AND id > ? LIMIT 1',
  );
  const del = db.prepare<[number]>('DELETE FROM lti_score_outbox WHERE id = ?');
  const fail = db.prepare<[number, string, number]>(
    'UPDATE lti_score_outbox SET attempts = attempts + 1, next_at = ?, last_error = ?, claimed_by = NULL, claimed_until = 0 WHERE id = ?',
  );
  const setBody = db.prepare<[string, number]>('UPDATE lti_score_outbox SET body = ? WHERE id = ?');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM lti_score_outbox');

  const enqueue = db.transaction((s: NewScore, now: number) => {
    const fp = fingerprint(s.body);
    if (lastOf.get(s.learner, s.lineitem)?.fingerprint === fp) return { queued: null, dropped: 0 };
    setLast.run(s.learner, s.lineitem, fp);
    const id = Number(
      insert.run(s.learner, s.lineitem, s.issuer, s.clientId, JSON.stringify(s.body), now, now)
        .lastInsertRowid,
    );
    const over = (countItem.get(s.learner, s.lineitem)?.n ?? 0) - MAX_PER_ITEM;
    const dropped = over > 0 ? trim.run(s.learner, s.lineitem, over).changes : 0;
    const row = byId.get(id);
    return { queued: row ? fromRow(row) : null, dropped };
  });

  return asynchronous<ScoreOutbox>({
    enqueue: (s, now) => enqueue(s, now),
    heads: () => heads.all({ owner, now: clock() }).flatMap((r) => fromRow(r) ?? []),
    claim(id) {
      const now = clock();
      const row = claim.get({ id, owner, now, until: now + leaseMs });
      return row ? fromRow(row) : null;
    },
    all: () => all.all().flatMap((r) => fromRow(r) ?? []),
    superseded: (row) => later.get(row.learner, row.lineitem, row.id) !== undefined,
    sent: (id) => void del.run(id),
    failed: (id, nextAt, error) => void fail.run(nextAt, error.slice(0, 1000), id),
    restamp(id, timestamp) {
      const r = byId.get(id);
      const q = r ? fromRow(r) : null;
      if (q) setBody.run(JSON.stringify({ ...q.body, timestamp }), id);
    },
    count: () => count.get()?.n ?? 0,
    close: () => db.close(),
  }, sqliteFailure);
}

/**
 * The outbox of a node without PostgreSQL (with it, server/lti/index.ts opens
 * server/lti/outbox-postgres.ts's): SQLite beside the clouds, or memory with a memory store (or a store
 * handed in by a test). A database that cannot take the table must not stop the server: the
 * scores are then kept in memory, and the log says so.
 */
export function openOutbox(
  config: Config,
  givenStore: boolean,
  log: (message: string) => void,
): ScoreOutbox {
  if (config.store === 'memory' || givenStore) return memoryOutbox();
  try {
    return sqliteOutbox(join(config.dataDir, 'stacklab.db'), { log });
  } catch (e) {
    log(
      `LTI scores queued in memory only (lost on restart): ${e instanceof Error ? e.message : String(e)}`,
    );
    return memoryOutbox();
  }
}
