/**
 * The SQLite CloudStore (better-sqlite3, WAL): forward-only migrations, one transaction per
 * command. SQLite's failures (a full disk, a read-only or damaged file) come out as StoreErrors
 * that say what is wrong in words, so the web layer can refuse one command and stay up.
 */
import { chmodSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { withMeta } from './entry-meta.js';
import { backgroundCheckpoints, RESTART_PAGES, type Checkpointer } from './sqlite-checkpoint.js';
import { writerThread, type Writer } from './sqlite-writer.js';
import {
  MARKED,
  busyOutcome,
  settled,
  storeError,
  writerConnection,
  writes,
  type StepArgs,
  type StepOutcome,
  type Writes,
} from './sqlite-writes.js';
import { asyncStore, type SyncStore } from './sync.js';
import {
  StoreConflict,
  StoreError,
  type CloudStore,
  type EntryHead,
  type EntryKind,
  type HistoryEntry,
  type Learner,
  type NewEntry,
  type NewLearner,
} from './types.js';

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
  // 6: what every command paid for migrations 4-5 (three more b-trees per insert, +50 µs a command)
  // moves off the command's path: the bookkeeping entries (resets, answers, passes, solutions,
  // hints: a few per step, never commands) are listed by kind in their own table; the size of the
  // stored output is kept with each snapshot (as of its entry: the few entries after it are added
  // when asked); the attempt's distinct commands are kept for labs only (what graders read) and put
  // in order by sorting the few rows read. A command costs one history row again.
  `CREATE TABLE history_mark (learner_id TEXT NOT NULL, workspace TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL,
     PRIMARY KEY (learner_id, workspace, kind, seq)) WITHOUT ROWID;
   INSERT INTO history_mark (learner_id, workspace, kind, seq)
     SELECT learner_id, workspace, kind, seq FROM history WHERE kind NOT IN ('command', 'api');
   ALTER TABLE session ADD COLUMN output_bytes INTEGER NOT NULL DEFAULT 0;
   UPDATE session SET output_bytes = (SELECT COALESCE(SUM(length(h.stdout) + length(h.stderr)), 0) FROM history h
     WHERE h.learner_id = session.learner_id AND h.workspace = session.workspace AND h.seq <= session.seq);
   DROP INDEX history_kind;
   DROP INDEX history_output;
   DROP INDEX attempt_command_order;
   DELETE FROM attempt_command WHERE workspace NOT LIKE 'lab:%';`,
];

export interface SqliteOptions {
  /** A ceiling on the database's size (SQLite's max_page_count): past it writes fail as on a full disk. */
  maxBytes?: number;
  /**
   * Checkpoint the write-ahead log on a thread of its own instead of in the commits (the server's
   * store; see sqlite-checkpoint.ts). Off by default: a store opened for a test or a one-off
   * command starts no thread.
   */
  backgroundCheckpoints?: boolean;
  /**
   * With backgroundCheckpoints: once the log is this long, the commit that finds it so checkpoints
   * what the thread has not yet copied, and the log starts over (see sqlite-checkpoint.ts).
   * Default 1 GiB (RESTART_PAGES), or maxBytes when that is smaller (at least 1,000 pages).
   */
  walRestartBytes?: number;
  /** With backgroundCheckpoints: how often the thread checkpoints (default 500 ms). */
  checkpointEveryMs?: number;
  /**
   * Commit commands' steps on a thread of their own (the server's store; see sqlite-writer.ts).
   * Off by default, as backgroundCheckpoints.
   */
  writerThread?: boolean;
  /** Where the store says what an operator should know (the writer thread stopped). Default: stderr. */
  log?: (message: string) => void;
  /**
   * How long a group of steps waits for a file another process has locked before its steps are
   * refused as busy (milliseconds; default BUSY_WAIT_MS). The wait never sleeps the event loop.
   */
  busyTimeoutMs?: number;
}

/** A group's wait for a file another process holds (SQLite's own busy timeout is as long). */
export const BUSY_WAIT_MS = 5000;

/** Runs a store operation; SQLite's exceptions become StoreErrors. */
function guarded<A extends unknown[], R>(fn: (...a: A) => R): (...a: A) => R {
  return (...a) => {
    try {
      return fn(...a);
    } catch (e) {
      // A conflict is not a failure of the store: the caller reads the workspace again.
      throw e instanceof StoreConflict ? e : storeError(e);
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

type HeadRow = Omit<Row, 'stdout' | 'stderr'>;

function entryOf(r: Row): HistoryEntry {
  const { stdout, stderr, ...head } = r;
  return { ...headOf(head), stdout, stderr };
}

/** An entry without its output, with the extras its `meta` cell holds (a damaged cell loses its extras, not the row). */
function headOf(r: HeadRow): EntryHead {
  const { meta, ...rest } = r;
  return withMeta(rest, meta);
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
    throw new StoreError(
      `${file} was written by a newer Stacklab (schema ${version}; this one knows ${MIGRATIONS.length}). Upgrade Stacklab, or point STACKLAB_DATA elsewhere.`,
      'SCHEMA',
    );
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
    getLearner: db.prepare('SELECT id, name, created_at AS createdAt FROM learner WHERE id = ?'),
    renameLearner: db.prepare('UPDATE learner SET name = ? WHERE id = ?'),
    getSession: db.prepare(
      'SELECT snapshot, seq FROM session WHERE learner_id = ? AND workspace = ?',
    ),
    learnersIn: db.prepare(
      'SELECT learner_id AS id FROM session WHERE workspace = ? UNION SELECT learner_id FROM history WHERE workspace = ? ORDER BY 1',
    ),
    since: db.prepare(
      `SELECT ${cols} FROM history WHERE learner_id = ? AND workspace = ? AND seq > ? ORDER BY seq`,
    ),
    headsSince: db.prepare(
      `SELECT ${headCols} FROM history WHERE learner_id = ? AND workspace = ? AND seq > ? ORDER BY seq`,
    ),
    commandLines: db.prepare(
      `SELECT line FROM (SELECT seq, line FROM history WHERE learner_id = ? AND workspace = ? AND seq > ? AND seq <= ? AND kind = 'command'
         AND instr(line, char(0)) = 0 AND length(line) <= ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
    ).pluck(),
    attemptCommands: db.prepare(
      `SELECT seq, line, ran FROM attempt_command WHERE learner_id = ? AND workspace = ?
         AND since = (SELECT COALESCE(MAX(seq), 0) FROM history_mark WHERE learner_id = ? AND workspace = ? AND kind = 'reset')`,
    ),
    outputBytes: db.prepare(
      `SELECT COALESCE(s.output_bytes, 0) + (SELECT COALESCE(SUM(length(h.stdout) + length(h.stderr)), 0) FROM history h
         WHERE h.learner_id = @learner AND h.workspace = @workspace AND h.seq > COALESCE(s.seq, 0)) AS n
       FROM (SELECT 1) LEFT JOIN session s ON s.learner_id = @learner AND s.workspace = @workspace`,
    ),
    ofMarkedKind: db.prepare(
      `SELECT ${cols
        .split(', ')
        .map((c) => `h.${c}`)
        .join(
          ', ',
        )} FROM history_mark m JOIN history h ON h.learner_id = m.learner_id AND h.workspace = m.workspace AND h.seq = m.seq
       WHERE m.learner_id = ? AND m.workspace = ? AND m.kind = ? ORDER BY m.seq`,
    ),
    ofKind: db.prepare(
      `SELECT ${cols} FROM history WHERE learner_id = ? AND workspace = ? AND kind = ? ORDER BY seq`,
    ),
    ping: db.prepare('SELECT count(*) FROM sqlite_schema'),
    history: db.prepare(
      `SELECT ${cols} FROM (SELECT * FROM history WHERE learner_id = ? AND workspace = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
    ),
  };
  const w = writes(db);
  const { lastSeqOf, lastResetOf, putSession } = w;
  const rows = (r: unknown[]) => (r as Row[]).map(entryOf);
  const sync: SyncStore = {
    createLearner: guarded((id: string, name: string, at: number): Learner => {
      q.insLearner.run(id, name, at);
      return { id, name, createdAt: at };
    }),
    ensureLearner: guarded((id: string, name: string, at: number): Learner => {
      w.ensureLearner(id, name, at);
      return q.getLearner.get(id) as Learner;
    }),
    getLearner: guarded((id: string) => (q.getLearner.get(id) as Learner | undefined) ?? null),
    renameLearner: guarded((id: string, name: string) => {
      q.renameLearner.run(name, id);
    }),
    loadSession: guarded((learnerId: string, workspace: string) => {
      const row = q.getSession.get(learnerId, workspace) as
        { snapshot: string; seq: number } | undefined;
      return row ? { snapshot: row.snapshot, seq: row.seq } : null;
    }),
    historySince: guarded((learnerId: string, workspace: string, afterSeq: number) =>
      rows(q.since.all(learnerId, workspace, afterSeq)),
    ),
    headsSince: guarded((learnerId: string, workspace: string, afterSeq: number) =>
      (q.headsSince.all(learnerId, workspace, afterSeq) as HeadRow[]).map(headOf),
    ),
    commandLines: guarded((learnerId: string, workspace: string, afterSeq: number, uptoSeq: number, limit: number, maxLength: number) =>
      q.commandLines.all(learnerId, workspace, afterSeq, uptoSeq, maxLength, Math.max(0, limit)) as string[],
    ),
    attemptCommands: guarded((learnerId: string, workspace: string) =>
      (
        q.attemptCommands.all(learnerId, workspace, learnerId, workspace) as Array<{
          seq: number;
          line: string;
          ran: string | null;
        }>
      )
        .sort((x, y) => x.seq - y.seq)
        .map((r) => {
          const ran = r.ran === null ? undefined : (JSON.parse(r.ran) as unknown);
          return Array.isArray(ran) ? { line: r.line, ran: ran as string[][] } : { line: r.line };
        }),
    ),
    saveStep: guarded(
      (
        l: string,
        ws: string,
        s: string | null,
        e: NewEntry,
        expectedSeq?: number,
        newLearner?: NewLearner,
      ) => w.saveStep(l, ws, s, e, expectedSeq, newLearner),
    ),
    saveSnapshot: guarded((l: string, ws: string, snapshot: string, seq: number, at: number) => {
      putSession(l, ws, snapshot, at, seq);
    }),
    resetSession: guarded((l: string, ws: string, s: string, at: number, expectedSeq?: number) =>
      w.reset(l, ws, s, at, expectedSeq),
    ),
    history: guarded((learnerId: string, workspace: string, limit = 1000) =>
      rows(q.history.all(learnerId, workspace, limit)),
    ),
    historyOfKind: guarded((learnerId: string, workspace: string, kind: EntryKind) =>
      rows((MARKED.has(kind) ? q.ofMarkedKind : q.ofKind).all(learnerId, workspace, kind)),
    ),
    lastSeqs: guarded((learnerId: string, workspace: string) => ({
      last: lastSeqOf(learnerId, workspace),
      reset: lastResetOf(learnerId, workspace),
    })),
    storedOutputBytes: guarded(
      (learnerId: string, workspace: string) =>
        (q.outputBytes.get({ learner: learnerId, workspace }) as { n: number }).n,
    ),
    learnersIn: guarded((workspace: string) =>
      (q.learnersIn.all(workspace, workspace) as Array<{ id: string }>).map((r) => r.id),
    ),
    // A read through the connection (a page of the schema). An open file that was deleted still
    // answers: the server's /healthz also checks the file on disk (server/http/health.ts).
    ping: guarded(() => {
      q.ping.get();
    }),
    close() {
      try {
        db.close();
      } catch {
        // Closing a database whose disk went away: nothing more to save.
      }
    },
  };
  let writer: Writer | null = null;
  let checkpointer: Checkpointer | null = null;
  const page = db.pragma('page_size', { simple: true }) as number;
  const maxPageCount = opts.maxBytes === undefined ? null : Math.max(1, Math.floor(opts.maxBytes / page));
  // The log starts over at RESTART_PAGES, or within the database's own ceiling (STACKLAB_DB_MAX_MB
  // keeps a small disk from filling: the log must not take 1 GiB of it), but never below SQLite's
  // usual 1,000 pages.
  const restartPages =
    opts.walRestartBytes !== undefined
      ? Math.max(1, Math.ceil(opts.walRestartBytes / page))
      : Math.min(RESTART_PAGES, Math.max(1000, maxPageCount ?? RESTART_PAGES));
  const setup = {
    maxPageCount,
    autocheckpointPages: opts.backgroundCheckpoints ? restartPages : 1000,
  };
  // Without the writer thread, steps are committed on a second connection of this thread that never
  // waits for a lock (groupCommit tries again later, and the event loop goes on): where processes
  // share the file, SQLite's busy handler would sleep the event loop (issue #19).
  let here: Here | null = null;
  if (!opts.writerThread) {
    try {
      const conn = writerConnection(file, { ...setup, wait: false });
      here = { db: conn, writes: writes(conn) };
    } catch (e) {
      db.close();
      const err = storeError(e);
      throw new StoreError(`${file} cannot be opened: ${err.message} (${(e as Error).message}). Check the disk and the file's permissions, then start again.`, err.code, e);
    }
  }
  if (opts.backgroundCheckpoints) {
    db.pragma(`wal_autocheckpoint = ${restartPages}`);
    checkpointer = backgroundCheckpoints(
      file,
      () => {
        try {
          db.pragma('wal_autocheckpoint = 1000');
          here?.db.pragma('wal_autocheckpoint = 1000');
        } catch {
          // Closed meanwhile.
        }
        writer?.autocheckpoint();
      },
      // Passes come soon from 3/4 of the bound, so the commit that starts the log over finds little to copy.
      { everyMs: opts.checkpointEveryMs, soonPages: Math.max(1, Math.floor((restartPages * 3) / 4)) },
    );
  }
  if (opts.writerThread) writer = writerThread({ file, ...setup }, opts.log ?? ((m) => console.error(m)));
  return groupCommit(sync, w, here, writer, checkpointer, opts.busyTimeoutMs ?? BUSY_WAIT_MS);
}

/** The reads whose first two arguments name one workspace (learner, workspace). */
const READS_OF_ONE = new Set<keyof CloudStore>([
  'loadSession',
  'historySince',
  'headsSince',
  'commandLines',
  'attemptCommands',
  'history',
  'historyOfKind',
  'lastSeqs',
  'storedOutputBytes',
]);

/** Calls that only read (the others write on the server's connection). */
const READS = new Set<keyof CloudStore>([...READS_OF_ONE, 'getLearner', 'learnersIn', 'ping']);

const keyOf = (learnerId: unknown, workspace: unknown) =>
  `${String(learnerId)}\u0000${String(workspace)}`;

/** The server's own connection that commits steps when there is no writer thread. */
interface Here {
  db: Database.Database;
  writes: Writes;
}

/**
 * The store with saveStep committed in groups: the steps asked for in one turn of the event loop
 * are written in one transaction just after it (setImmediate), and each caller's promise settles
 * when that transaction has committed (acknowledged = on disk as before; a step still waits for
 * nothing but the other steps of its turn). With a writer thread, one group is committed there at
 * a time while the event loop goes on (the steps asked for meanwhile make the next group). A read
 * of a workspace with a step waiting or being committed, and any other call, first waits for those
 * steps, so a read sees every step asked for before it and the server's connection never writes
 * while the thread does. Without a thread, the event loop commits each group itself, on a
 * connection of its own that never waits for a lock: a file another process is writing is tried
 * again a moment later (waitForLock), never slept on. A group that fails as a whole is tried step
 * by step (Writes.commitGroup).
 */
function groupCommit(
  sync: SyncStore,
  w: Writes,
  here: Here | null,
  writer: Writer | null,
  checkpointer: Checkpointer | null,
  busyWaitMs: number,
): CloudStore {
  // Where the event loop commits steps itself: the connection that does not wait for locks.
  const local = here?.writes ?? w;
  type Waiting = {
    args: StepArgs;
    resolve: (e: HistoryEntry) => void;
    reject: (e: unknown) => void;
  };
  let waiting: Waiting[] = [];
  /** The group on the writer thread, and the workspaces it writes. */
  let flight: { keys: Set<string>; done: Promise<void> } | null = null;
  const settle = (group: readonly Waiting[], outcomes: readonly StepOutcome[]) =>
    group.forEach((g, i) => {
      try {
        g.resolve(settled(outcomes[i] as StepOutcome, g.args));
      } catch (e) {
        g.reject(e);
      }
    });
  /** Steps asked for, and steps answered (groups are answered in the order they were asked). */
  let asked = 0;
  let answered = 0;
  /**
   * The event loop's commit found the file locked by another process (workers sharing it): the
   * group is tried again a moment later instead of SQLite's busy handler sleeping the event loop
   * (1, 2, 5, 10 … ms at a time). Meanwhile it is the flight (reads of its workspaces and other
   * writes wait for it), and steps asked since join it. Past busyWaitMs its steps are refused
   * as busy, as SQLite's own timeout would have.
   */
  const waitForLock = (first: Waiting[]) => {
    let group = first;
    const since = performance.now();
    let tries = 0;
    let finished!: () => void;
    const keys = new Set(group.map((g) => keyOf(g.args[0], g.args[1])));
    flight = { keys, done: new Promise<void>((resolve) => (finished = resolve)) };
    const again = () => {
      if (waiting.length > 0) {
        for (const g of waiting) keys.add(keyOf(g.args[0], g.args[1]));
        group = group.concat(waiting);
        waiting = [];
      }
      const waited = performance.now() - since;
      const outcomes =
        local.tryCommitGroup(group.map((g) => g.args)) ??
        (waited < busyWaitMs ? null : group.map(() => busyOutcome(waited)));
      if (outcomes === null) {
        // A commit holds the lock for a fraction of a millisecond: the next turns first, then a timer.
        tries += 1;
        if (tries <= 3) setImmediate(again);
        else setTimeout(again, 1);
        return;
      }
      try {
        settle(group, outcomes);
      } finally {
        answered += group.length;
        flight = null;
        finished();
        if (waiting.length > 0) setImmediate(commit);
      }
    };
    setImmediate(again);
  };
  const commit = () => {
    if (waiting.length === 0 || flight !== null) return;
    const group = waiting;
    waiting = [];
    if (writer === null) {
      const outcomes = local.tryCommitGroup(group.map((g) => g.args));
      if (outcomes === null) {
        waitForLock(group);
        return;
      }
      settle(group, outcomes);
      answered += group.length;
      return;
    }
    const done = writer
      .commit(group.map((g) => g.args))
      .then(
        // null: the thread never started, nothing of the group was written: the server's connection writes it.
        (outcomes) => (outcomes === null ? settle(group, w.commitGroup(group.map((g) => g.args))) : settle(group, outcomes)),
        (e: unknown) => group.forEach((g) => g.reject(e)),
      )
      // Whatever happened, every step gets an answer and the next group may go.
      .catch((e: unknown) => group.forEach((g) => g.reject(storeError(e))))
      .then(() => {
        answered += group.length;
        flight = null;
        // The next group goes after this turn: whoever waited for this one (a write on the
        // server's connection) runs first, while the thread writes nothing. A reader that waited
        // before the write may post a group first (its step was asked during this one), but then
        // the write's own steps are in it: a write waits for two groups at most, however many
        // learners type (test/store-writer.test.ts).
        if (waiting.length > 0) setImmediate(commit);
      });
    flight = { keys: new Set(group.map((g) => keyOf(g.args[0], g.args[1]))), done };
  };
  /**
   * Until every step asked for so far is answered and, for a write on the server's connection
   * (`quiet`), the thread is not writing. Later steps do not hold it up (a busy class would).
   */
  const until = async (target: number, quiet: boolean) => {
    while (answered < target || (quiet && flight !== null)) {
      commit();
      if (flight === null) break; // no thread: committed just now
      await flight.done;
    }
  };
  const store = asyncStore(sync);
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(store) as Array<keyof CloudStore>) {
    const fn = store[name] as (...a: unknown[]) => Promise<unknown>;
    // A read of one workspace waits only when a step of that workspace waits or is being
    // committed: reads of others (the version check before each command where the store is
    // shared, say) leave the group to grow. Other reads wait for the steps asked before them;
    // writes also for the thread to be idle (one writer at a time on the file).
    const write = !READS.has(name);
    const mustWait = READS_OF_ONE.has(name)
      ? (a: unknown[]) => {
          const k = keyOf(a[0], a[1]);
          return (
            waiting.some((g) => keyOf(g.args[0], g.args[1]) === k) || (flight?.keys.has(k) ?? false)
          );
        }
      : () => waiting.length > 0 || flight !== null;
    out[name] = (...a: unknown[]) => {
      if (!mustWait(a)) return fn(...a);
      const target = asked;
      commit();
      // Committed here and now (no thread): the call goes on at once, as before.
      if (answered >= target && (!write || flight === null)) return fn(...a);
      return until(target, write).then(() => fn(...a));
    };
  }
  // The writer first, then the checkpoint thread, then the server's connection, the last, which leaves a clean file.
  out['close'] = async () => {
    await until(asked, true);
    await writer?.stop();
    try {
      here?.db.close();
    } catch {
      // A disk gone: nothing more to save.
    }
    await checkpointer?.stop();
    sync.close();
  };
  out['saveStep'] = (...args: StepArgs) =>
    new Promise<HistoryEntry>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(commit);
      waiting.push({ args, resolve, reject });
      asked++;
    });
  return out as unknown as CloudStore;
}
