/**
 * Persistence of learners' workspaces. One call per command appends the command to the history
 * (and, every few commands, stores the new session snapshot) in a single transaction; the reply
 * goes out after it.
 */

/**
 * What a history row records. `command` rows are typed lines (comments included: they move the
 * simulated clock like any line, so replay runs them too); `api` rows are writes a learner's own
 * client made through the cloud's REST APIs (replayed too: the request is kept); the others are
 * bookkeeping of the workspace, never replayed: a reset, an answer to a question, a step that
 * first passed, a solution shown, a hint shown (`value` is its number, from 1).
 */
export type EntryKind = 'command' | 'api' | 'reset' | 'answer' | 'passed' | 'solution' | 'hint';

/** An API write as recorded: enough to run it again (server/sim/api/request.ts's ApiCall). */
export interface ApiRequestRecord {
  service: string;
  method: string;
  path: string[];
  query: Array<[string, string]>;
  body: string;
  microversion?: string;
}

export interface HistoryEntry {
  seq: number;
  kind: EntryKind;
  /** The typed line; for bookkeeping rows a readable summary (`#reset`, `#answer CHECK VALUE`, …). */
  line: string;
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Milliseconds since the epoch (wall clock of the server, for instructors' views). */
  at: number;
  /** command: the terminal width it ran with (some output depends on it, so replay uses it too). */
  cols?: number;
  /** command: the prompt it was typed at (shown again in a restored scrollback). */
  prompt?: string;
  /** command: the argv of every command that actually ran (after expansion), for graders. */
  ran?: string[][];
  /** command: Ctrl-C ended it after this many seconds (a ping without a count); replay ends it there too. */
  interrupted?: number;
  /** command: the stored stdout/stderr were cut (the learner saw them whole). */
  truncated?: boolean;
  /** answer: the question's check id and the answer given; hint: the hint's number (1 = the first). */
  check?: string;
  value?: string;
  /** passed, solution, hint: the step. */
  step?: string;
  /** api: the request, run again by replay (its answer's status is `exitCode`: 0 below 400, else the status). */
  request?: ApiRequestRecord;
}

export type NewEntry = Omit<HistoryEntry, 'seq'>;

/** A history entry without its output (stdout, stderr): what replay, grading and bookkeeping read. */
export type EntryHead = Omit<HistoryEntry, 'stdout' | 'stderr'>;

export interface Learner {
  id: string;
  name: string;
  createdAt: number;
}

/** A store that cannot do what was asked: the disk is full, the file read-only or damaged. */
export class StoreError extends Error {
  constructor(
    /** What a learner is told (never a stack or a path). */
    message: string,
    /** SQLite's code or similar, for the log. */
    readonly code: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/**
 * Another writer (a second process or node sharing the store) appended to the workspace since
 * the caller last read it: nothing was written. The caller reads the workspace again (its history
 * is the truth) and runs the learner's command on that, so two writers never interleave one
 * learner's commands (optimistic concurrency, the workspace's last seq being its version).
 */
export class StoreConflict extends Error {
  constructor(
    readonly learnerId: string,
    readonly workspace: string,
    /** The last seq the writer had. */
    readonly expected: number,
    /** The last seq in the store. */
    readonly actual: number,
  ) {
    super(`workspace ${workspace} of ${learnerId} is at entry ${actual}, not ${expected}`);
    this.name = 'StoreConflict';
  }
}

/** A learner to create with a step when they have no row yet (their first entry). */
export interface NewLearner {
  name: string;
}

/**
 * Asynchronous, so a store may be a server (PostgreSQL) as well as a file (SQLite, whose calls
 * complete at once). Every write of a workspace can name the version the writer saw
 * (`expectedSeq`, the seq of the last entry it has; 0 for none): when the store holds another,
 * the write is refused with StoreConflict and changes nothing.
 */
export interface CloudStore {
  createLearner(id: string, name: string, at: number): Promise<Learner>;
  /** The learner, created with this name if it does not exist yet. */
  ensureLearner(id: string, name: string, at: number): Promise<Learner>;
  getLearner(id: string): Promise<Learner | null>;
  renameLearner(id: string, name: string): Promise<void>;
  /**
   * The latest stored snapshot of a learner's workspace and the history sequence number it
   * includes; later command entries are replayed on it (the simulation is deterministic).
   */
  loadSession(learnerId: string, workspace: string): Promise<{ snapshot: string; seq: number } | null>;
  /**
   * Atomically: append the entry (seq assigned by the store: the last + 1) and, when given, store
   * the new snapshot as of that entry. With `expectedSeq`, refused with StoreConflict unless the
   * workspace's last entry is that one. With `newLearner`, the learner's row is created with that
   * name (at the entry's time) if it does not exist yet, with the step: a learner's first command
   * is one write, not two (at the start of a class every learner's first command comes at once).
   */
  saveStep(
    learnerId: string,
    workspace: string,
    snapshot: string | null,
    entry: NewEntry,
    expectedSeq?: number,
    newLearner?: NewLearner,
  ): Promise<HistoryEntry>;
  /**
   * Stores a snapshot as of an existing entry (after a long replay, or before eviction). A snapshot
   * older than the stored one is ignored (a late writer never takes the workspace back).
   */
  saveSnapshot(learnerId: string, workspace: string, snapshot: string, seq: number, at: number): Promise<void>;
  /** History entries after `afterSeq`, oldest first (for replay). */
  historySince(learnerId: string, workspace: string, afterSeq: number): Promise<HistoryEntry[]>;
  /**
   * The same entries as historySince without their output, oldest first: what opening a
   * workspace needs (replay, the attempt, its passes), without reading megabytes of output.
   */
  headsSince(learnerId: string, workspace: string, afterSeq: number): Promise<EntryHead[]>;
  /**
   * The lines of the newest `limit` `command` entries with afterSeq < seq <= uptoSeq whose line
   * is at most `maxLength` characters (Unicode code points) long, oldest first, and nothing else
   * of them: the shell's history of a snapshot (snapshots leave it to this table) and the
   * terminal's recent lines. Longer lines were refused unrun; a read never carries them. Nor
   * lines with a NUL character (SQLite counts a text's characters up to its first NUL).
   */
  commandLines(learnerId: string, workspace: string, afterSeq: number, uptoSeq: number, limit: number, maxLength: number): Promise<string[]>;
  /**
   * The distinct commands of the `command` entries after the last reset, each at its first
   * occurrence, oldest first: what graders read of an attempt (see server/workspace/attempt.ts).
   * Two entries are the same command when both recorded the same `ran` (their lines may differ),
   * or neither recorded one and their lines are the same. Reads as many rows as there are
   * distinct commands, not the history. Kept for lab workspaces (`lab:…`) only: a sandbox has no
   * grader, and its commands pay for no attempt (other workspaces answer []).
   */
  attemptCommands(learnerId: string, workspace: string): Promise<Array<{ line: string; ran?: string[][] }>>;
  /**
   * Starts a workspace over: the snapshot is replaced, the history kept with a reset entry.
   * `expectedSeq` as in saveStep.
   */
  resetSession(learnerId: string, workspace: string, snapshot: string, at: number, expectedSeq?: number): Promise<HistoryEntry>;
  /** The newest `limit` entries, oldest first. */
  history(learnerId: string, workspace: string, limit?: number): Promise<HistoryEntry[]>;
  /** Entries of one kind, oldest first (bookkeeping such as the steps passed). */
  historyOfKind(learnerId: string, workspace: string, kind: EntryKind): Promise<HistoryEntry[]>;
  /**
   * The sequence number of the last entry (0 when there is none: the workspace's version) and of
   * the last reset (0: none). Cheap: one row, read before each command where the store is shared.
   */
  lastSeqs(learnerId: string, workspace: string): Promise<{ last: number; reset: number }>;
  /** Bytes of output stored for a workspace (stdout + stderr of every entry). */
  storedOutputBytes(learnerId: string, workspace: string): Promise<number>;
  /** Learners who have a session in a workspace (for instructors' views and grading). */
  learnersIn(workspace: string): Promise<string[]>;
  /**
   * Resolves when the store answers a read now (for /healthz: a node whose database is gone takes
   * no learners); rejects with a StoreError otherwise.
   */
  ping(): Promise<void>;
  close(): Promise<void>;
}
