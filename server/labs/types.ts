/** The data shapes of a lab: what the Markdown loader produces and what the grader returns. */

/** A location in a lab file, for error messages (`file:line: message`). */
export interface SourcePos {
  file: string;
  line: number;
}

/** One per-learner parameter declared in the front matter (`params:`). */
export type ParamDef =
  | { name: string; kind: 'choose'; values: string[] }
  | { name: string; kind: 'range'; min: number; max: number };

/** One check of a step, as written in a ```check block (validated, not yet evaluated). */
export interface CheckDef {
  /** Unique within the lab: the `id:` given, or `<step id>-<n>`. */
  id: string;
  /** Check type (see CHECK_TYPES in checks.ts). */
  type: string;
  /** What the learner sees next to the check; generated from the parameters unless given. */
  title: string;
  /** Credit for this check (default 1). */
  points: number;
  /** Instructor's failure message; replaces the generated "why" when the check fails. */
  fail: string | null;
  /** Inverts the check: it passes when the predicate does not hold. */
  not: boolean;
  /** The type's own parameters, validated against its schema. */
  params: Record<string, unknown>;
  line: number;
}

export interface Step {
  id: string;
  title: string;
  /** The step's Markdown without the check/hint/solution blocks (command blocks stay). */
  body: string;
  /** Command lines of the ```sh / ```bash / ```shell / ```console blocks, in order (clickable). */
  commands: string[];
  /** Hints, Markdown, revealed one at a time. */
  hints: string[];
  /** The reference solution: command lines, replayed by `stacklab lab check`. */
  solution: string[];
  checks: CheckDef[];
  line: number;
}

export interface Lab {
  id: string;
  title: string;
  summary: string;
  /** Estimated minutes. */
  minutes: number;
  /** Starting cloud (a fixture name in server/sim/fixtures/). */
  fixture: string;
  seed: number;
  /** Host the terminal starts on (laptop, network, …). */
  host: string;
  params: ParamDef[];
  /** What the learner has learned once done: short sentences for the completion screen. */
  outcomes: string[];
  /** True when the lab prints wide tables: the page fits them to the terminal (CLIFF_FIT_WIDTH=1) by default. */
  fitWidth: boolean;
  /** False hides the topology view (the lab asks the learner to find the picture out themselves). Default true. */
  topology: boolean;
  /**
   * Placeholders of the prose's commands (`<router id>`) → a command whose output (its first
   * line, trimmed) stands for it when `stacklab lab check` runs those commands.
   */
  placeholders: Record<string, string>;
  /** Markdown before the first step. */
  intro: string;
  steps: Step[];
  /** File the lab was read from (for messages). */
  file: string;
  /** Parameter values this copy was instantiated with (empty for the template). */
  values: Record<string, string>;
}

/**
 * One entry of a learner's history, as the grader takes it: the typed line and, when the shell
 * recorded it, what actually ran.
 */
export interface HistoryCommand {
  /** The line as typed. */
  line: string;
  /**
   * The argv (after expansion) of every simple command the line actually ran, in execution
   * order, including those inside `$(…)`; commands skipped by `&&`/`||` and pure assignments
   * are not there (runLine's `ran`). Absent for history recorded before the shell kept it: the
   * grader then parses `line` statically.
   */
  ran?: readonly (readonly string[])[];
}

/**
 * Where a check stands: `pass`; `fail` once the learner has done something the check looks at
 * (see each check type's `started`); `todo` before that, so nothing is red before the learner
 * has begun.
 */
export type CheckState = 'pass' | 'fail' | 'todo';

/** Outcome of one check for one learner. */
export interface CheckResult {
  id: string;
  type: string;
  title: string;
  points: number;
  earned: number;
  passed: boolean;
  state: CheckState;
  /** Why it failed (or what was found when it passed); never contains UUIDs the learner did not type. */
  why: string;
  /**
   * When the lab's `fail:` text replaced `why`: the grader's own reason, for instructors only
   * (the learner's page never receives it: see learnerGrade).
   */
  reason?: string;
}

export interface StepResult {
  id: string;
  title: string;
  /** A step passes when all its checks pass. */
  passed: boolean;
  /** `pass` when every check passes, `fail` when one fails, else `todo`. */
  state: CheckState;
  points: number;
  earned: number;
  checks: CheckResult[];
}

export interface GradeResult {
  labId: string;
  passed: boolean;
  points: number;
  earned: number;
  /** earned / points × 100, rounded down to an integer. */
  percent: number;
  steps: StepResult[];
}
