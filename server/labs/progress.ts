/** Per-learner progress: when each step was first passed, hints revealed, solutions shown. */
import type { GradeResult } from './types.js';

export interface StepProgress {
  /** ISO time the step first passed, or null. Never cleared once set. */
  passedAt: string | null;
  /** How many hints have been revealed (they are revealed one at a time). */
  hintsShown: number;
  /** ISO time the learner first asked to see the solution, or null. */
  solutionShownAt: string | null;
}

export interface LabProgress {
  labId: string;
  learnerId: string;
  steps: Record<string, StepProgress>;
  /** Latest score, for lists and exports. */
  earned: number;
  points: number;
  percent: number;
}

export function emptyProgress(labId: string, learnerId: string): LabProgress {
  return { labId, learnerId, steps: {}, earned: 0, points: 0, percent: 0 };
}

function stepOf(p: LabProgress, id: string): StepProgress {
  return p.steps[id] ?? { passedAt: null, hintsShown: 0, solutionShownAt: null };
}

/** Folds a new grade into the progress: steps passing for the first time get `now`. */
export function recordGrade(p: LabProgress, g: GradeResult, now: string): LabProgress {
  const steps = { ...p.steps };
  for (const s of g.steps) {
    const prev = stepOf(p, s.id);
    steps[s.id] = { ...prev, passedAt: prev.passedAt ?? (s.passed ? now : null) };
  }
  return { ...p, steps, earned: g.earned, points: g.points, percent: g.percent };
}

/** Records that the learner revealed the next hint of a step. */
export function recordHint(p: LabProgress, stepId: string, hintCount: number): LabProgress {
  const prev = stepOf(p, stepId);
  return { ...p, steps: { ...p.steps, [stepId]: { ...prev, hintsShown: Math.min(hintCount, prev.hintsShown + 1) } } };
}

/** Records that the learner opened a step's solution (the first time counts). */
export function recordSolutionShown(p: LabProgress, stepId: string, now: string): LabProgress {
  const prev = stepOf(p, stepId);
  return { ...p, steps: { ...p.steps, [stepId]: { ...prev, solutionShownAt: prev.solutionShownAt ?? now } } };
}
