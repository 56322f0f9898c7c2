/**
 * Stores whose calls complete at once (memory, SQLite) are written synchronously and answer the
 * asynchronous CloudStore through asyncStore: one resolved promise per call.
 */
import type { CloudStore, EntryHead, EntryKind, HistoryEntry, Learner, NewEntry } from './types.js';

/** The synchronous store underneath: every call of the CloudStore is one of these, resolved. */
export interface SyncStore {
  createLearner(id: string, name: string, at: number): Learner;
  ensureLearner(id: string, name: string, at: number): Learner;
  getLearner(id: string): Learner | null;
  renameLearner(id: string, name: string): void;
  loadSession(learnerId: string, workspace: string): { snapshot: string; seq: number } | null;
  saveStep(learnerId: string, workspace: string, snapshot: string | null, entry: NewEntry, expectedSeq?: number): HistoryEntry;
  saveSnapshot(learnerId: string, workspace: string, snapshot: string, seq: number, at: number): void;
  historySince(learnerId: string, workspace: string, afterSeq: number): HistoryEntry[];
  headsSince(learnerId: string, workspace: string, afterSeq: number): EntryHead[];
  attemptCommands(learnerId: string, workspace: string): Array<{ line: string; ran?: string[][] }>;
  resetSession(learnerId: string, workspace: string, snapshot: string, at: number, expectedSeq?: number): HistoryEntry;
  history(learnerId: string, workspace: string, limit?: number): HistoryEntry[];
  historyOfKind(learnerId: string, workspace: string, kind: EntryKind): HistoryEntry[];
  lastSeqs(learnerId: string, workspace: string): { last: number; reset: number };
  storedOutputBytes(learnerId: string, workspace: string): number;
  learnersIn(workspace: string): string[];
  close(): void;
}

/** A CloudStore answering with a synchronous one's results (and its throws as rejections). */
export function asyncStore(s: SyncStore): CloudStore {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(s) as Array<keyof SyncStore>) {
    const fn = s[name] as (...a: unknown[]) => unknown;
    out[name] = (...a: unknown[]) => {
      try {
        return Promise.resolve(fn(...a));
      } catch (e) {
        return Promise.reject(e);
      }
    };
  }
  return out as unknown as CloudStore;
}
