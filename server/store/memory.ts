/**
 * An in-memory CloudStore, for tests and for running without a disk. Its calls complete at once;
 * they answer promises only because a store may be a server (see types.ts).
 */
import { StoreConflict, type CloudStore, type HistoryEntry, type Learner } from './types.js';
import { asyncStore, type SyncStore } from './sync.js';

export function memoryStore(): CloudStore {
  return asyncStore(memorySync());
}

function memorySync(): SyncStore {
  const learners = new Map<string, Learner>();
  const sessions = new Map<string, { snapshot: string; seq: number }>();
  const histories = new Map<string, HistoryEntry[]>();
  const key = (l: string, w: string) => `${l}\u0000${w}`;
  const copy = (e: HistoryEntry): HistoryEntry => ({
    ...e,
    ...(e.ran ? { ran: e.ran.map((a) => [...a]) } : {}),
    ...(e.request ? { request: { ...e.request, path: [...e.request.path], query: e.request.query.map(([k, v]): [string, string] => [k, v]) } } : {}),
  });
  const append = (k: string, e: Omit<HistoryEntry, 'seq'>): HistoryEntry => {
    const h = histories.get(k) ?? [];
    const saved = { ...copy({ ...e, seq: 0 }), seq: h.length + 1 };
    h.push(saved);
    histories.set(k, h);
    return copy(saved);
  };
  /** Optimistic concurrency: a writer that did not see the last entry changes nothing. */
  const expect = (learnerId: string, workspace: string, expectedSeq: number | undefined) => {
    const last = histories.get(key(learnerId, workspace))?.length ?? 0;
    if (expectedSeq !== undefined && expectedSeq !== last) throw new StoreConflict(learnerId, workspace, expectedSeq, last);
  };
  const store: SyncStore = {
    createLearner(id, name, at) {
      if (learners.has(id)) throw new Error(`learner ${id} exists`);
      const l = { id, name, createdAt: at };
      learners.set(id, l);
      return { ...l };
    },
    ensureLearner(id, name, at) {
      return store.getLearner(id) ?? store.createLearner(id, name, at);
    },
    getLearner(id) {
      const l = learners.get(id);
      return l ? { ...l } : null;
    },
    renameLearner(id, name) {
      const l = learners.get(id);
      if (l) learners.set(id, { ...l, name });
    },
    loadSession(learnerId, workspace) {
      const s = sessions.get(key(learnerId, workspace));
      return s ? { ...s } : null;
    },
    saveStep(learnerId, workspace, snapshot, entry, expectedSeq, newLearner) {
      const k = key(learnerId, workspace);
      expect(learnerId, workspace, expectedSeq);
      const saved = append(k, entry);
      if (newLearner && !learners.has(learnerId)) learners.set(learnerId, { id: learnerId, name: newLearner.name, createdAt: entry.at });
      if (snapshot !== null) sessions.set(k, { snapshot, seq: saved.seq });
      return saved;
    },
    saveSnapshot(learnerId, workspace, snapshot, seq) {
      const k = key(learnerId, workspace);
      // A late writer never takes the workspace back to an older snapshot.
      if ((sessions.get(k)?.seq ?? -1) > seq) return;
      sessions.set(k, { snapshot, seq });
    },
    historySince(learnerId, workspace, afterSeq) {
      return (histories.get(key(learnerId, workspace)) ?? []).filter((e) => e.seq > afterSeq).map(copy);
    },
    headsSince(learnerId, workspace, afterSeq) {
      return (histories.get(key(learnerId, workspace)) ?? []).filter((e) => e.seq > afterSeq).map((e) => {
        const { stdout: _out, stderr: _err, ...head } = copy(e);
        return head;
      });
    },
    commandLines(learnerId, workspace, afterSeq, uptoSeq, limit, maxLength) {
      // Code points, as SQL counts characters (a UTF-16 length is never less).
      const fits = (line: string) => !line.includes('\u0000') && (line.length <= maxLength || [...line].length <= maxLength);
      const lines = (histories.get(key(learnerId, workspace)) ?? []).filter((e) => e.seq > afterSeq && e.seq <= uptoSeq && e.kind === 'command' && fits(e.line)).map((e) => e.line);
      return limit > 0 ? lines.slice(-limit) : [];
    },
    attemptCommands(learnerId, workspace) {
      const out: Array<{ line: string; ran?: string[][] }> = [];
      const seen = new Set<string>();
      if (!workspace.startsWith('lab:')) return out;
      const { reset } = store.lastSeqs(learnerId, workspace);
      for (const e of histories.get(key(learnerId, workspace)) ?? []) {
        if (e.seq <= reset || e.kind !== 'command') continue;
        const k = e.ran === undefined ? `line\u0000${e.line}` : `ran\u0000${JSON.stringify(e.ran)}`;
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(e.ran === undefined ? { line: e.line } : { line: e.line, ran: e.ran.map((a) => [...a]) });
      }
      return out;
    },
    resetSession(learnerId, workspace, snapshot, at, expectedSeq) {
      const k = key(learnerId, workspace);
      expect(learnerId, workspace, expectedSeq);
      const saved = append(k, { kind: 'reset', line: '#reset', stdout: '', stderr: '', exitCode: 0, at });
      sessions.set(k, { snapshot, seq: saved.seq });
      return saved;
    },
    history(learnerId, workspace, limit = 1000) {
      return (histories.get(key(learnerId, workspace)) ?? []).slice(-limit).map(copy);
    },
    historyOfKind(learnerId, workspace, kind) {
      return (histories.get(key(learnerId, workspace)) ?? []).filter((e) => e.kind === kind).map(copy);
    },
    lastSeqs(learnerId, workspace) {
      const h = histories.get(key(learnerId, workspace)) ?? [];
      let reset = 0;
      for (const e of h) if (e.kind === 'reset') reset = e.seq;
      return { last: h.length, reset };
    },
    storedOutputBytes(learnerId, workspace) {
      let n = 0;
      for (const e of histories.get(key(learnerId, workspace)) ?? []) n += e.stdout.length + e.stderr.length;
      return n;
    },
    learnersIn(workspace) {
      const keys = new Set([...sessions.keys(), ...histories.keys()]);
      return [...keys].filter((k) => k.endsWith(`\u0000${workspace}`)).map((k) => k.slice(0, k.indexOf('\u0000'))).sort();
    },
    ping() {},
    close() {},
  };
  return store;
}
