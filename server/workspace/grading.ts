/** Grading learners from the store, without opening their workspaces: state by replay, attempt from the typed history. */
import type { CloudStore } from '../store/types.js';
import type { GradeStore, Lab } from '../labs/index.js';
import { attemptFromStore } from './attempt.js';
import { labKey, parseWorkspace } from './keys.js';
import { loadState } from './replay.js';

/** The read interface `gradeCommand` needs, over a CloudStore (labs live in workspaces `lab:<id>`). */
export function gradeStoreFor(store: CloudStore, labs: readonly Lab[]): GradeStore {
  return {
    learners: (labId) => store.learnersIn(labKey(labId)),
    attempt: (labId, learner) => {
      const ref = parseWorkspace(labKey(labId), labs);
      if (!ref) return null;
      const state = loadState(store, ref, learner);
      const a = attemptFromStore(store, learner, ref.key);
      return { cloud: state.cloud, history: a.commands, answers: a.answers };
    },
  };
}
