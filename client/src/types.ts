/** The shapes the client reads from the server's JSON API and WebSocket. */

export interface LabSummary {
  id: string;
  title: string;
  summary: string;
  minutes: number;
}

export interface LabView extends LabSummary {
  intro: string;
  steps: Array<{ id: string; title: string; body: string; hints: string[]; checks: Array<{ id: string; type: string; title: string; points: number }> }>;
  /** The lab prints wide tables: "fit tables to the terminal" starts on (absent: off). */
  fitWidth?: boolean;
  /** What the learner has learned, shown when the lab is complete (absent: the summary). */
  outcomes?: string[];
}

/** A check's state: `todo` until the learner has done something it looks at. */
export type CheckState = 'pass' | 'fail' | 'todo';

export interface GradedCheck {
  id: string;
  passed: boolean;
  why: string;
  state?: CheckState;
}

export interface Grade {
  percent: number;
  earned: number;
  points: number;
  steps: Array<{ id: string; passed: boolean; earned: number; points: number; checks: GradedCheck[] }>;
}

export interface Progress {
  lab: string;
  steps: number;
  passed: number;
  percent: number;
}

export type ServerMessage =
  | { t: 'grade'; result: Grade; firstPassed: Record<string, number> }
  | { t: 'solution'; step: string; lines: string[] }
  | { t: 'hello'; prompt: string; history: string[]; workspace: string; fixture: string; learner: string; scrollback?: string }
  | { t: 'result'; stdout: string; stderr: string; exitCode: number; prompt: string }
  | { t: 'output'; stdout: string }
  | { t: 'completion'; candidates: string[]; replacement?: string }
  | { t: 'error'; message: string };

/** A check's state as the page shows it (a server without `state` gives only `passed`). */
export function stateOf(c: GradedCheck): CheckState {
  return c.state ?? (c.passed ? 'pass' : 'fail');
}
