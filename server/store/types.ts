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
  /** The stored session snapshot of a learner in a workspace (a lab or a sandbox), or null. */
  loadSession(learnerId: string, workspace: string): string | null;
  /** Atomically: store the new snapshot and append the entry (seq assigned by the store). */
  saveStep(learnerId: string, workspace: string, snapshot: string, entry: Omit<HistoryEntry, 'seq'>): HistoryEntry;
  /** Starts a workspace over: the snapshot is replaced, the history kept with a reset marker. */
  resetSession(learnerId: string, workspace: string, snapshot: string, at: number): void;
  history(learnerId: string, workspace: string, limit?: number): HistoryEntry[];
  close(): void;
}
