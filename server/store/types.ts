/**
 * Persistence of learners' sessions. One call per command stores the new session snapshot and
 * appends the command to the history in a single transaction; the reply goes out after it.
 */

export interface HistoryEntry {
  seq: number;
  line: string;
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Milliseconds since the epoch (wall clock of the server, for instructors' views). */
  at: number;
}

export interface Learner {
  id: string;
  name: string;
  createdAt: number;
}

export interface CloudStore {
  createLearner(id: string, name: string, at: number): Learner;
  getLearner(id: string): Learner | null;
  renameLearner(id: string, name: string): void;
  /**
   * The latest stored snapshot of a learner's workspace and the history sequence number it
   * includes; later history entries are replayed on it (the simulation is deterministic).
   */
  loadSession(learnerId: string, workspace: string): { snapshot: string; seq: number } | null;
  /**
   * Atomically: append the entry (seq assigned by the store) and, when given, store the new
   * snapshot as of that entry.
   */
  saveStep(learnerId: string, workspace: string, snapshot: string | null, entry: Omit<HistoryEntry, 'seq'>): HistoryEntry;
  /** History entries after `afterSeq`, oldest first (for replay). */
  historySince(learnerId: string, workspace: string, afterSeq: number): HistoryEntry[];
  /** Starts a workspace over: the snapshot is replaced, the history kept with a reset marker. */
  resetSession(learnerId: string, workspace: string, snapshot: string, at: number): void;
  history(learnerId: string, workspace: string, limit?: number): HistoryEntry[];
  /** Learners who have a session in a workspace (for instructors' views and grading). */
  learnersIn(workspace: string): string[];
  close(): void;
}
