/**
 * How the SQLite store writes a command's step (its history entry, the attempt's distinct command,
 * a snapshot now and then), on whichever connection runs it: the server's own, or the writer
 * thread's (sqlite-writer.ts). One copy of the statements and of what a group commit does, so the
 * two can never write differently.
 */
import { extended } from '../sim/objects.js';
import DatabaseDriver from 'better-sqlite3';
import type Database from 'better-sqlite3';
import { metaOf } from './entry-meta.js';
import {
  StoreConflict,
  StoreError,
  type EntryKind,
  type HistoryEntry,
  type NewEntry,
  type NewLearner,
} from './types.js';

/** Kinds of entry listed in history_mark (the rest are found by walking the history). */
export const MARKED: ReadonlySet<EntryKind> = new Set([
  'reset',
  'answer',
  'passed',
  'solution',
  'hint',
]);

/** Words for SQLite's result codes, as a learner or an operator should read them. */
export function storeError(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const code =
    typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'UNKNOWN';
  const what = code.startsWith('SQLITE_FULL')
    ? "the server's disk is full"
    : code.startsWith('SQLITE_READONLY')
      ? "the server's database is read-only"
      : code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')
        ? "the server's database is damaged"
        : code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')
          ? 'the server cannot read or write its database'
          : code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
            ? "the server's database is busy"
            : "the server's database failed";
  return new StoreError(what, code, e);
}

/** saveStep's arguments. */
export type StepArgs = [
  learnerId: string,
  workspace: string,
  snapshot: string | null,
  e: NewEntry,
  expectedSeq: number | undefined,
  newLearner?: NewLearner,
];

/**
 * A step's outcome as plain data (it may cross from the writer thread): saved (its seq: the
 * entry itself is the caller's already), refused by a newer version, or failed.
 */
export type StepOutcome =
  | { saved: number }
  | { conflict: [learnerId: string, workspace: string, expected: number, actual: number] }
  | { failed: [message: string, code: string, detail: string] };

/** A step's outcome as its caller gets it: the entry saved, or the StoreConflict / StoreError thrown. */
export function settled(o: StepOutcome, step: StepArgs): HistoryEntry {
  if ('saved' in o) return extended(step[3], { seq: o.saved });
  if ('conflict' in o) throw new StoreConflict(...o.conflict);
  const [message, code, detail] = o.failed;
  // What SQLite said, for the log (an Error does not cross threads whole).
  throw new StoreError(message, code, new Error(detail));
}

function outcomeOf(e: unknown): StepOutcome {
  if (e instanceof StoreConflict)
    return { conflict: [e.learnerId, e.workspace, e.expected, e.actual] };
  const err = storeError(e);
  const cause = err.cause ?? e;
  return {
    failed: [err.message, err.code, cause instanceof Error ? cause.message : String(cause)],
  };
}

export interface Writes {
  /** One step in its own IMMEDIATE transaction. */
  saveStep(...a: StepArgs): HistoryEntry;
  /** A reset: its entry and the fresh snapshot, in one transaction. */
  reset(
    learnerId: string,
    workspace: string,
    snapshot: string,
    at: number,
    expectedSeq: number | undefined,
  ): HistoryEntry;
  putSession(learner: string, workspace: string, snapshot: string, at: number, seq: number): void;
  /** The learner's row, created with this name if it does not exist yet (a step's newLearner too). */
  ensureLearner(id: string, name: string, at: number): void;
  lastSeqOf(learnerId: string, workspace: string): number;
  lastResetOf(learnerId: string, workspace: string): number;
  /**
   * The steps of one turn in one transaction (group commit): a commit costs more than the rows it
   * writes. Each step is checked against its own version, so a conflict refuses that step only;
   * when the transaction fails as a whole (a full disk, say), nothing of it was written and each
   * step is tried alone, so each caller gets its own answer.
   */
  commitGroup(steps: readonly StepArgs[]): StepOutcome[];
  /**
   * commitGroup that gives up at once when another connection holds the write lock: null, with
   * nothing written (the caller tries again later). On a connection that does not wait for locks
   * (busy_timeout 0, writerConnection's `wait: false`): SQLite's busy handler waits by sleeping.
   */
  tryCommitGroup(steps: readonly StepArgs[]): StepOutcome[] | null;
}

/** What a step is told when the file stayed locked past the store's wait. */
export function busyOutcome(waitedMs: number): StepOutcome {
  return {
    failed: ["the server's database is busy", 'SQLITE_BUSY', `database is locked (waited ${Math.round(waitedMs)} ms)`],
  };
}

/** The file is locked by another connection (or being recovered by one: SQLITE_BUSY_RECOVERY). */
const isBusy = (e: unknown) => String((e as { code?: unknown } | null)?.code ?? '').startsWith('SQLITE_BUSY');

/** How a connection that commits steps is set up (the writer thread's, or the server's own second one). */
export interface WriterSetup {
  /** SQLite's max_page_count (the store's size ceiling), or none. */
  maxPageCount: number | null;
  /**
   * The log's length (pages) past which a commit checkpoints it (SQLite's wal_autocheckpoint):
   * 1,000 by default; RESTART_PAGES while the checkpoint thread does the copying (sqlite-checkpoint.ts).
   */
  autocheckpointPages: number;
  /** Whether a commit waits (SQLite's busy handler, which sleeps the thread) for another connection's lock. */
  wait: boolean;
}

/** A connection to a migrated Stacklab database that commits steps, set up as the server's own. */
export function writerConnection(file: string, setup: WriterSetup): Database.Database {
  const db = new DatabaseDriver(file, { fileMustExist: true });
  try {
    // As the server's connection (journal_mode = WAL is kept in the file itself).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (setup.maxPageCount !== null) db.pragma(`max_page_count = ${setup.maxPageCount}`);
    db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(setup.autocheckpointPages))}`);
    if (!setup.wait) db.pragma('busy_timeout = 0');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** The write statements of a migrated Stacklab database, on `db`. */
export function writes(db: Database.Database): Writes {
  const q = {
    // A snapshot never replaces a newer one: a late writer (another process) cannot take the workspace
    // back. It carries the size of the output stored up to its entry: the old size plus the entries since.
    putSession: db.prepare(
      `INSERT INTO session (learner_id, workspace, snapshot, updated_at, seq, output_bytes)
       SELECT @learner, @workspace, @snapshot, @at, @seq, COALESCE(s.output_bytes, 0) +
         (SELECT COALESCE(SUM(length(h.stdout) + length(h.stderr)), 0) FROM history h
          WHERE h.learner_id = @learner AND h.workspace = @workspace AND h.seq > COALESCE(s.seq, 0) AND h.seq <= @seq)
       FROM (SELECT 1) LEFT JOIN session s ON s.learner_id = @learner AND s.workspace = @workspace
       WHERE true
       ON CONFLICT (learner_id, workspace) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at,
         seq = excluded.seq, output_bytes = excluded.output_bytes
       WHERE excluded.seq >= session.seq`,
    ),
    insCommand: db.prepare(
      `INSERT OR IGNORE INTO attempt_command (learner_id, workspace, since, cmd, seq, line, ran)
       VALUES (@learner, @workspace, @since, CASE WHEN @ran IS NULL THEN 'line:' || @line ELSE 'ran:' || @ran END, @seq, @line, @ran)`,
    ),
    lastSeq: db.prepare(
      'SELECT COALESCE(MAX(seq), 0) AS seq FROM history WHERE learner_id = ? AND workspace = ?',
    ),
    lastReset: db.prepare(
      "SELECT COALESCE(MAX(seq), 0) AS seq FROM history_mark WHERE learner_id = ? AND workspace = ? AND kind = 'reset'",
    ),
    insMark: db.prepare(
      'INSERT INTO history_mark (learner_id, workspace, kind, seq) VALUES (?, ?, ?, ?)',
    ),
    ensureLearner: db.prepare(
      'INSERT INTO learner (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
    ),
    insHistory: db.prepare(
      'INSERT INTO history (learner_id, workspace, seq, kind, line, stdout, stderr, exit_code, at, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
  };
  const lastSeqOf = (learnerId: string, workspace: string) =>
    (q.lastSeq.get(learnerId, workspace) as { seq: number }).seq;
  const lastResetOf = (learnerId: string, workspace: string) =>
    (q.lastReset.get(learnerId, workspace) as { seq: number }).seq;
  const putSession = (
    learner: string,
    workspace: string,
    snapshot: string,
    at: number,
    seq: number,
  ) => {
    q.putSession.run({ learner, workspace, snapshot, at, seq });
  };
  /** Appends an entry as the workspace's next (refused unless the writer saw the last one, when it says which it saw). */
  const append = (
    learnerId: string,
    workspace: string,
    e: NewEntry,
    expectedSeq: number | undefined,
  ): HistoryEntry => {
    const last = lastSeqOf(learnerId, workspace);
    if (expectedSeq !== undefined && expectedSeq !== last)
      throw new StoreConflict(learnerId, workspace, expectedSeq, last);
    const seq = last + 1;
    q.insHistory.run(
      learnerId,
      workspace,
      seq,
      e.kind,
      e.line,
      e.stdout,
      e.stderr,
      e.exitCode,
      e.at,
      metaOf(e),
    );
    if (MARKED.has(e.kind)) q.insMark.run(learnerId, workspace, e.kind, seq);
    // Graders read a lab attempt's distinct commands; a sandbox has no grader.
    if (e.kind === 'command' && workspace.startsWith('lab:')) {
      q.insCommand.run({
        learner: learnerId,
        workspace,
        since: lastResetOf(learnerId, workspace),
        seq,
        ran: e.ran === undefined ? null : JSON.stringify(e.ran),
        line: e.line,
      });
    }
    return extended(e, { seq });
  };
  const ensureLearner = (id: string, name: string, at: number) => {
    q.ensureLearner.run(id, name, at);
  };
  const saveOne = (...[learnerId, workspace, snapshot, e, expectedSeq, newLearner]: StepArgs) => {
    const saved = append(learnerId, workspace, e, expectedSeq);
    // After the version check: a refused step creates nothing.
    if (newLearner) ensureLearner(learnerId, newLearner.name, e.at);
    if (snapshot !== null) putSession(learnerId, workspace, snapshot, e.at, saved.seq);
    return saved;
  };
  // IMMEDIATE: the write lock is taken before the version is read, so two processes sharing the
  // file cannot both append the same seq (the second waits, then sees the first's entry).
  const saveStep = db.transaction(saveOne);
  const saveSteps = db.transaction((steps: readonly StepArgs[]) =>
    steps.map((a): StepOutcome => {
      try {
        return { saved: saveOne(...a).seq };
      } catch (e) {
        if (e instanceof StoreConflict) return outcomeOf(e);
        throw e;
      }
    }),
  );
  const reset = db.transaction(
    (
      learnerId: string,
      workspace: string,
      snapshot: string,
      at: number,
      expectedSeq: number | undefined,
    ) => {
      const saved = append(
        learnerId,
        workspace,
        { kind: 'reset', line: '#reset', stdout: '', stderr: '', exitCode: 0, at },
        expectedSeq,
      );
      putSession(learnerId, workspace, snapshot, at, saved.seq);
      return saved;
    },
  );
  const commitGroup = (steps: readonly StepArgs[]): StepOutcome[] => {
    if (steps.length > 1) {
      try {
        return saveSteps.immediate(steps);
      } catch {
        // Rolled back whole: each step alone below.
      }
    }
    return steps.map((a) => {
      try {
        return { saved: saveStep.immediate(...a).seq };
      } catch (e) {
        return outcomeOf(e);
      }
    });
  };
  return {
    saveStep: (...a) => saveStep.immediate(...a),
    reset: (...a) => reset.immediate(...a),
    putSession,
    ensureLearner,
    lastSeqOf,
    lastResetOf,
    commitGroup,
    tryCommitGroup(steps) {
      // BEGIN IMMEDIATE takes the write lock first, so a locked file is found before anything is
      // written; the rest of the transaction never waits for another connection (WAL).
      try {
        return steps.length > 1
          ? saveSteps.immediate(steps)
          : steps.map((a) => ({ saved: saveStep.immediate(...a).seq }));
      } catch (e) {
        if (isBusy(e)) return null;
        if (e instanceof StoreConflict) return [outcomeOf(e)];
      }
      // Failed as a whole for another reason (a full disk): each step alone, for its own answer.
      return commitGroup(steps);
    },
  };
}
