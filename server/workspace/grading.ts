/** Grading learners from the store, without opening their workspaces: state by replay, attempt from the typed history. */
import type { CloudStore } from '../store/types.js';
import type { GradeStore, Lab } from '../labs/index.js';
import { activityOf, addToAttempt, emptyAttempt } from './attempt.js';
import { labKey, parseWorkspace } from './keys.js';
import { loadState } from './replay.js';

/** The read interface `gradeCommand` needs, over a CloudStore (labs live in workspaces `lab:<id>`), names and activity included. */
export function gradeStoreFor(store: CloudStore, labs: readonly Lab[]): GradeStore {
  return {
    learners: (labId) => store.learnersIn(labKey(labId)),
    attempt: async (labId, learner) => {
      const ref = parseWorkspace(labKey(labId), labs);
      if (!ref) return null;
      const state = await loadState(store, ref, learner);
      // The attempt and the activity read the same entries (those after the last reset) once, without their output.
      const since = await store.headsSince(learner, ref.key, (await store.lastSeqs(learner, ref.key)).reset);
      const a = emptyAttempt();
      for (const e of since) addToAttempt(a, e);
      const reveals = [...(await store.historyOfKind(learner, ref.key, 'hint')), ...(await store.historyOfKind(learner, ref.key, 'solution'))];
      return { cloud: state.cloud, history: a.commands, answers: a.answers, activity: activityOf(since, reveals) };
    },
    name: async (learner) => (await store.getLearner(learner))?.name ?? null,
  };
}
