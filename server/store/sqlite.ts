/**
 * The SQLite CloudStore (better-sqlite3, WAL): forward-only migrations, one transaction per
 * command. SQLite's failures (a full disk, a read-only or damaged file) come out as StoreErrors
 * that say what is wrong in words, so the web layer can refuse one command and stay up.
 */
import { chmodSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StoreError, type CloudStore, type ApiRequestRecord, type EntryHead, type EntryKind, type HistoryEntry, type Learner, type NewEntry } from './types.js';

/** Forward-only migrations; the index + 1 is the schema version. Never edit a shipped one. */
const MIGRATIONS: string[] = [
  `CREATE TABLE learner (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE session (learner_id TEXT NOT NULL REFERENCES learner(id), workspace TEXT NOT NULL,
     snapshot TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (learner_id, workspace));
   CREATE TABLE history (learner_id TEXT NOT NULL, workspace TEXT NOT NULL, seq INTEGER NOT NULL,
     line TEXT NOT NULL, stdout TEXT NOT NULL, stderr TEXT NOT NULL, exit_code INTEGER NOT NULL, at INTEGER NOT NULL,
     PRIMARY KEY (learner_id, workspace, seq));`,
  // 2: snapshots are taken every few commands; the history after a snapshot is replayed.
  `ALTER TABLE session ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;`,
  // 3: typed history rows. Bookkeeping used to ride in \`line\` as '#reset', '#answer CHECK VALUE',
  // '#passed STEP' and '#solution STEP' (with no output); those rows get their kind, the rest are
  // commands (typed comments included: they are replayed now, as they moved the clock when typed).
  `ALTER TABLE history ADD COLUMN kind TEXT NOT NULL DEFAULT 'command';
   ALTER TABLE history ADD COLUMN meta TEXT;
   UPDATE history SET kind = 'reset' WHERE line = '#reset' AND stdout = '' AND stderr = '';
   UPDATE history SET kind = 'answer',
       meta = json_object('check', substr(line, 9, instr(substr(line, 9), ' ') - 1), 'value', substr(line, 9 + instr(substr(line, 9), ' ')))
     WHERE line GLOB '#answer [a-z0-9]* *' AND stdout = '' AND stderr = '';
   UPDATE history SET kind = 'passed', meta = json_object('step', substr(line, 9))
     WHERE line GLOB '#passed [a-z0-9]*' AND line NOT GLOB '#passed * *' AND stdout = '' AND stderr = '';
   UPDATE history SET kind = 'solution', meta = json_object('step', substr(line, 11))
     WHERE line GLOB '#solution [a-z0-9]*' AND line NOT GLOB '#solution * *' AND stdout = '' AND stderr = '';`,
  // 4: opening a workspace with a long history reads its last reset, its passes and the size of
  // its stored output from indexes, not by walking every row (and its output's overflow pages).
  `CREATE INDEX history_kind ON history (learner_id, workspace, kind, seq);
   CREATE INDEX history_output ON history (learner_id, workspace, (length(stdout) + length(stderr)));`,
  // 5: each attempt's distinct commands (what graders read: see attemptCommands), one row per
  // command the first time the attempt (the entries after reset \`since\`) ran it, so opening a
  // workspace reads as many rows as the learner typed different commands. Filled from the history
  // in order: INSERT OR IGNORE keeps the first. A damaged meta cell counts as no \`ran\`.
  `CREATE TABLE attempt_command (learner_id TEXT NOT NULL, workspace TEXT NOT NULL, since INTEGER NOT NULL, cmd TEXT NOT NULL,
     seq INTEGER NOT NULL, line TEXT NOT NULL, ran TEXT, PRIMARY KEY (learner_id, workspace, since, cmd));
   CREATE INDEX attempt_command_order ON attempt_command (learner_id, workspace, since, seq);
   INSERT OR IGNORE INTO attempt_command (learner_id, workspace, since, cmd, seq, line, ran)
     SELECT learner_id, workspace, since, CASE WHEN ran IS NULL THEN 'line:' || line ELSE 'ran:' || ran END, seq, line, ran FROM (
       SELECT h.learner_id, h.workspace, h.seq, h.line,
         CASE WHEN json_valid(h.meta) AND json_type(h.meta, '$.ran') = 'array' THEN json(json_extract(h.meta, '$.ran')) END AS ran,
         (SELECT COALESCE(MAX(r.seq), 0) FROM history r WHERE r.learner_id = h.learner_id AND r.workspace = h.workspace AND r.kind = 'reset' AND r.seq < h.seq) AS since
       FROM history h WHERE h.kind = 'command' ORDER BY h.learner_id, h.workspace, h.seq);`,
];

export interface SqliteOptions {
  /** A ceiling on the database's size (SQLite's max_page_count): past it writes fail as on a full disk. */
  maxBytes?: number;
}

/** Words for SQLite's result codes, as a learner or an operator should read them. */
function storeError(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'UNKNOWN';
  const what = code.startsWith('SQLITE_FULL')
    ? "the server's disk is full"
    : code.startsWith('SQLITE_READONLY')
      ? "the server's database is read-only"
      : code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')
        ? "the server's database is damaged"
        : code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')
          ? "the server cannot read or write its database"
          : code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
            ? "the server's database is busy"
            : "the server's database failed";
  return new StoreError(what, code, e);
}

/** Runs a store operation; SQLite's exceptions become StoreErrors. */
function guarded<A extends unknown[], R>(fn: (...a: A) => R): (...a: A) => R {
  return (...a) => {
    try {
      return fn(...a);
    } catch (e) {
      throw storeError(e);
    }
  };
}

interface Row {
  seq: number;
  kind: HistoryEntry['kind'];
  line: string;
  stdout: string;
  stderr: string;
  exitCode: number;
  at: number;
  meta: string | null;
}

/** The optional fields of an entry kept as JSON in `meta`. */
const META_KEYS = ['cols', 'prompt', 'ran', 'interrupted', 'truncated', 'check', 'value', 'step', 'request'] as const;

function metaOf(e: NewEntry): string | null {
  const m: Record<string, unknown> = {};
  for (const k of META_KEYS) if (e[k] !== undefined) m[k] = e[k];
  return Object.keys(m).length > 0 ? JSON.stringify(m) : null;
}

/** A stored API request, when the cell holds a whole one (a damaged one is dropped, not guessed). */
function apiRequestOf(v: unknown): ApiRequestRecord | null {
  if (v === null || typeof v !== 'object') return null;
  const r = v as Record<string, unknown>;
  const strings = (a: unknown) => Array.isArray(a) && a.every((x) => typeof x === 'string');
  if (typeof r['service'] !== 'string' || typeof r['method'] !== 'string' || typeof r['body'] !== 'string' || !strings(r['path'])) return null;
  if (!Array.isArray(r['query']) || !r['query'].every((q) => Array.isArray(q) && q.length === 2 && strings(q))) return null;
  const out: ApiRequestRecord = { service: r['service'], method: r['method'], path: r['path'] as string[], query: r['query'] as Array<[string, string]>, body: r['body'] };
  if (typeof r['microversion'] === 'string') out.microversion = r['microversion'];
  return out;
}

type HeadRow = Omit<Row, 'stdout' | 'stderr'>;

function entryOf(r: Row): HistoryEntry {
  const { stdout, stderr, ...head } = r;
  return { ...headOf(head), stdout, stderr };
}

/** An entry without its output, with the extras its `meta` cell holds. */
function headOf(r: HeadRow): EntryHead {
  const { meta, ...rest } = r;
  if (meta === null) return rest;
  let m: Record<string, unknown> = {};
  try {
    m = JSON.parse(meta) as Record<string, unknown>;
  } catch {
    // A damaged meta cell loses its extras, not the row.
  }
  const e: EntryHead = { ...rest };
  if (typeof m['cols'] === 'number') e.cols = m['cols'];
  if (typeof m['prompt'] === 'string') e.prompt = m['prompt'];
  if (Array.isArray(m['ran'])) e.ran = m['ran'] as string[][];
  if (typeof m['interrupted'] === 'number') e.interrupted = m['interrupted'];
  if (m['truncated'] === true) e.truncated = true;
  if (typeof m['check'] === 'string') e.check = m['check'];
  if (typeof m['value'] === 'string') e.value = m['value'];
  if (typeof m['step'] === 'string') e.step = m['step'];
  const request = apiRequestOf(m['request']);
  if (request) e.request = request;
  return e;
}

/**
 * Opens (creating if need be) the database. A file that is not a Stacklab database, or is
 * damaged, is refused with a StoreError that says what to do; nothing is changed in it.
 */
export function sqliteStore(file: string, opts: SqliteOptions = {}): CloudStore {
  const existed = existsSync(file);
  let db: Database.Database;
  try {
    db = new Database(file);
    // Reading the schema version is the first read: a file that is not a database fails here.
    db.pragma('user_version', { simple: true });
    if (existed) {
      const check = db.pragma('quick_check', { simple: true }) as string;
      if (check !== 'ok') throw Object.assign(new Error(check), { code: 'SQLITE_CORRUPT' });
    }
  } catch (e) {
    const err = storeError(e);
    throw new StoreError(
      err.code.startsWith('SQLITE_CORRUPT') || err.code.startsWith('SQLITE_NOTADB')
        ? `${file} is not a healthy Stacklab database (${(e as Error).message}). Stop the server, restore the file from a backup (or move it away to start with an empty database), then start again.`
        : `${file} cannot be opened: ${err.message} (${(e as Error).message}). Check the disk and the file's permissions, then start again.`,
      err.code,
      e,
    );
  }
  if (!existed) {
    try {
      // The learners' histories are nobody else's business on the machine.
      chmodSync(file, 0o600);
    } catch {
      // Not ours to fix (a file system without modes); the directory is private anyway.
    }
  }
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process kill (not a power cut) and is ten times faster than FULL.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  if (opts.maxBytes !== undefined) {
    const page = db.pragma('page_size', { simple: true }) as number;
    db.pragma(`max_page_count = ${Math.max(1, Math.floor(opts.maxBytes / page))}`);
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    db.close();
    throw new StoreError(`${file} was written by a newer Stacklab (schema ${version}; this one knows ${MIGRATIONS.length}). Upgrade Stacklab, or point STACKLAB_DATA elsewhere.`, 'SCHEMA');
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  const cols = 'seq, kind, line, stdout, stderr, exit_code AS exitCode, at, meta';
  // What replay and grading read: everything but the output.
  const headCols = 'seq, kind, line, exit_code AS exitCode, at, meta';
  const q = {
    insLearner: db.prepare('INSERT INTO learner (id, name, created_at) VALUES (?, ?, ?)'),
    ensureLearner: db.prepare('INSERT INTO learner (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING'),
    getLearner: db.prepare('SELECT id, name, created_at AS createdAt FROM learner WHERE id = ?'),
    renameLearner: db.prepare('UPDATE learner SET name = ? WHERE id = ?'),
    getSession: db.prepare('SELECT snapshot, seq FROM session WHERE learner_id = ? AND workspace = ?'),
    putSession: db.prepare(
      `INSERT INTO session (learner_id, workspace, snapshot, updated_at, seq) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (learner_id, workspace) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at, seq = excluded.seq`,
    ),
    learnersIn: db.prepare('SELECT learner_id AS id FROM session WHERE workspace = ? UNION SELECT learner_id FROM history WHERE workspace = ? ORDER BY 1'),
    since: db.prepare(`SELECT ${cols} FROM history WHERE learner_id = ? AND workspace = ? AND seq > ? ORDER BY seq`),
    headsSince: db.prepare(`SELECT ${headCols} FROM history WHERE learner_id = ? AND workspace = ? AND seq > ? ORDER BY seq`),
    attemptCommands: db.prepare(
      `SELECT line, ran FROM attempt_command WHERE learner_id = ? AND workspace = ?
         AND since = (SELECT COALESCE(MAX(seq), 0) FROM history WHERE learner_id = ? AND workspace = ? AND kind = 'reset') ORDER BY seq`,
    ),
    // The command's own attempt starts after the last reset so far (this entry is not one).
    insCommand: db.prepare(
      `INSERT OR IGNORE INTO attempt_command (learner_id, workspace, since, cmd, seq, line, ran)
       SELECT @learner, @workspace, (SELECT COALESCE(MAX(seq), 0) FROM history WHERE learner_id = @learner AND workspace = @workspace AND kind = 'reset'),
         CASE WHEN @ran IS NULL THEN 'line:' || @line ELSE 'ran:' || json(@ran) END, @seq, @line, json(@ran)`,
    ),
    nextSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM history WHERE learner_id = ? AND workspace = ?'),
    ofKind: db.prepare(`SELECT ${cols} FROM history WHERE learner_id = ? AND workspace = ? AND kind = ? ORDER BY seq`),
    lastReset: db.prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM history WHERE learner_id = ? AND workspace = ? AND kind = 'reset'"),
    outputBytes: db.prepare('SELECT COALESCE(SUM(length(stdout) + length(stderr)), 0) AS n FROM history WHERE learner_id = ? AND workspace = ?'),
    insHistory: db.prepare(
      'INSERT INTO history (learner_id, workspace, seq, kind, line, stdout, stderr, exit_code, at, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    history: db.prepare(`SELECT ${cols} FROM (SELECT * FROM history WHERE learner_id = ? AND workspace = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`),
  };
  const append = (learnerId: string, workspace: string, e: NewEntry): HistoryEntry => {
    const { seq } = q.nextSeq.get(learnerId, workspace) as { seq: number };
    q.insHistory.run(learnerId, workspace, seq, e.kind, e.line, e.stdout, e.stderr, e.exitCode, e.at, metaOf(e));
    if (e.kind === 'command') q.insCommand.run({ learner: learnerId, workspace, seq, ran: e.ran === undefined ? null : JSON.stringify(e.ran), line: e.line });
    return { ...e, seq };
  };
  const saveStep = db.transaction((learnerId: string, workspace: string, snapshot: string | null, e: NewEntry) => {
    const saved = append(learnerId, workspace, e);
    if (snapshot !== null) q.putSession.run(learnerId, workspace, snapshot, e.at, saved.seq);
    return saved;
  });
  const reset = db.transaction((learnerId: string, workspace: string, snapshot: string, at: number) => {
    const saved = append(learnerId, workspace, { kind: 'reset', line: '#reset', stdout: '', stderr: '', exitCode: 0, at });
    q.putSession.run(learnerId, workspace, snapshot, at, saved.seq);
    return saved;
  });
  const rows = (r: unknown[]) => (r as Row[]).map(entryOf);
  return {
    createLearner: guarded((id: string, name: string, at: number): Learner => {
      q.insLearner.run(id, name, at);
      return { id, name, createdAt: at };
    }),
    ensureLearner: guarded((id: string, name: string, at: number): Learner => {
      q.ensureLearner.run(id, name, at);
      return q.getLearner.get(id) as Learner;
    }),
    getLearner: guarded((id: string) => (q.getLearner.get(id) as Learner | undefined) ?? null),
    renameLearner: guarded((id: string, name: string) => {
      q.renameLearner.run(name, id);
    }),
    loadSession: guarded((learnerId: string, workspace: string) => {
      const row = q.getSession.get(learnerId, workspace) as { snapshot: string; seq: number } | undefined;
      return row ? { snapshot: row.snapshot, seq: row.seq } : null;
    }),
    historySince: guarded((learnerId: string, workspace: string, afterSeq: number) => rows(q.since.all(learnerId, workspace, afterSeq))),
    headsSince: guarded((learnerId: string, workspace: string, afterSeq: number) => (q.headsSince.all(learnerId, workspace, afterSeq) as HeadRow[]).map(headOf)),
    attemptCommands: guarded((learnerId: string, workspace: string) =>
      (q.attemptCommands.all(learnerId, workspace, learnerId, workspace) as Array<{ line: string; ran: string | null }>).map((r) => {
        const ran = r.ran === null ? undefined : (JSON.parse(r.ran) as unknown);
        return Array.isArray(ran) ? { line: r.line, ran: ran as string[][] } : { line: r.line };
      }),
    ),
    saveStep: guarded((l: string, w: string, s: string | null, e: NewEntry) => saveStep(l, w, s, e)),
    saveSnapshot: guarded((l: string, w: string, snapshot: string, seq: number, at: number) => {
      q.putSession.run(l, w, snapshot, at, seq);
    }),
    resetSession: guarded((l: string, w: string, s: string, at: number) => reset(l, w, s, at)),
    history: guarded((learnerId: string, workspace: string, limit = 1000) => rows(q.history.all(learnerId, workspace, limit))),
    historyOfKind: guarded((learnerId: string, workspace: string, kind: EntryKind) => rows(q.ofKind.all(learnerId, workspace, kind))),
    lastSeqs: guarded((learnerId: string, workspace: string) => ({
      last: ((q.nextSeq.get(learnerId, workspace) as { seq: number }).seq) - 1,
      reset: (q.lastReset.get(learnerId, workspace) as { seq: number }).seq,
    })),
    storedOutputBytes: guarded((learnerId: string, workspace: string) => (q.outputBytes.get(learnerId, workspace) as { n: number }).n),
    learnersIn: guarded((workspace: string) => (q.learnersIn.all(workspace, workspace) as Array<{ id: string }>).map((r) => r.id)),
    close() {
      try {
        db.close();
      } catch {
        // Closing a database whose disk went away: nothing more to save.
      }
    },
  };
}
