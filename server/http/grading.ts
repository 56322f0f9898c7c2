/** Grading learners from the store: their latest cloud (snapshot + replay), commands and answers. */
import type { CloudStore } from '../store/types.js';
import { labFor, labSession, type GradeStore, type Lab } from '../labs/index.js';
import { deserializeSession, runLine } from '../shell/session.js';

/** A learner's attempt in a workspace since the last reset: commands typed and answers given. */
export function attemptOf(store: CloudStore, learner: string, workspace: string): { history: string[]; answers: Record<string, string> } {
  const all = store.history(learner, workspace, 5000).map((h) => h.line);
  const since = all.slice(all.lastIndexOf('#reset') + 1);
  const answers: Record<string, string> = {};
  for (const l of since) {
    const m = /^#answer (\S+) (.*)$/.exec(l);
    if (m) answers[m[1] as string] = m[2] as string;
  }
  return { history: since.filter((l) => !l.startsWith('#')), answers };
}

/** The read interface `gradeCommand` needs, over a CloudStore (labs live in workspaces `lab:<id>`). */
export function gradeStoreFor(store: CloudStore, labs: Lab[]): GradeStore {
  return {
    learners: (labId) => store.learnersIn(`lab:${labId}`),
    attempt: (labId, learner) => {
      const workspace = `lab:${labId}`;
      const lab = labs.find((l) => l.id === labId);
      const saved = store.loadSession(learner, workspace);
      if (!saved && !lab) return null;
      // No snapshot yet: the learner's fresh lab cloud, then everything they typed.
      let state = saved ? deserializeSession(saved.snapshot) : labSession(labFor(lab as Lab, learner));
      for (const e of store.historySince(learner, workspace, saved?.seq ?? 0)) if (!e.line.startsWith('#')) state = runLine(state, e.line).state;
      return { cloud: state.cloud, ...attemptOf(store, learner, workspace) };
    },
  };
}
