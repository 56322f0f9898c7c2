/** An in-memory CloudStore, for tests and for running without a disk. */
import type { CloudStore, HistoryEntry, Learner } from './types.js';

export function memoryStore(): CloudStore {
  const learners = new Map<string, Learner>();
  const sessions = new Map<string, { snapshot: string; seq: number }>();
  const histories = new Map<string, HistoryEntry[]>();
  const key = (l: string, w: string) => `${l}\u0000${w}`;
  return {
    createLearner(id, name, at) {
      const l = { id, name, createdAt: at };
      learners.set(id, l);
      return { ...l };
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
    saveStep(learnerId, workspace, snapshot, entry) {
      const k = key(learnerId, workspace);
      const h = histories.get(k) ?? [];
      const saved = { ...entry, seq: h.length + 1 };
      if (snapshot !== null) sessions.set(k, { snapshot, seq: saved.seq });
      histories.set(k, [...h, saved]);
      return { ...saved };
    },
    historySince(learnerId, workspace, afterSeq) {
      return (histories.get(key(learnerId, workspace)) ?? []).filter((e) => e.seq > afterSeq).map((e) => ({ ...e }));
    },
    resetSession(learnerId, workspace, snapshot, at) {
      const k = key(learnerId, workspace);
      const h = histories.get(k) ?? [];
      const seq = h.length + 1;
      sessions.set(k, { snapshot, seq });
      histories.set(k, [...h, { seq, line: '#reset', stdout: '', stderr: '', exitCode: 0, at }]);
    },
    history(learnerId, workspace, limit = 1000) {
      return (histories.get(key(learnerId, workspace)) ?? []).slice(-limit).map((e) => ({ ...e }));
    },
    learnersIn(workspace) {
      const keys = new Set([...sessions.keys(), ...histories.keys()]);
      return [...keys].filter((k) => k.endsWith(`\u0000${workspace}`)).map((k) => k.slice(0, k.indexOf('\u0000'))).sort();
    },
    close() {},
  };
}
