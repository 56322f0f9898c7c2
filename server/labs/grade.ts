/** The grader: a learner's cloud, history and answers → per-step, per-check results. Pure. */
import { extended } from '../sim/objects.js';
import type { Cloud } from '../sim/model/cloud.js';
import { checkType, Params, type CheckContext, type CheckType, type GradeInput, type ReachFn } from './checks.js';
import { invocations } from './history.js';
import { simReach } from './reach.js';
import type { CheckDef, CheckResult, CheckState, GradeResult, HistoryCommand, Lab, StepResult } from './types.js';

export interface GradeOptions {
  /** Answers to question checks, by check id. */
  answers?: Record<string, string>;
  /** The reach query; defaults to server/sim/reach.ts `trace`. `null` disables it (reach checks then fail with a reason). */
  reach?: ReachFn | null;
  /**
   * The grade before this one, of the same lab, and which inputs changed since: a check that reads
   * none of them keeps its outcome, so a command that only read the cloud (a list, a ping) costs
   * the checks of what was run, not every state and reachability check again.
   */
  since?: GradeSince;
}

export interface GradeSince {
  lab: Lab;
  result: GradeResult;
  changed: ReadonlySet<GradeInput>;
}

function checkTypeOf(def: CheckDef): CheckType {
  const t = checkType(def.type);
  if (t === undefined) throw new Error(`unknown check type ${def.type}`);
  return t;
}

/**
 * A check's result from the grade before, when nothing it reads has changed: as it was, except
 * that a failing check's `todo`/`fail` follows the history (what the learner has started on).
 */
function keptCheck(def: CheckDef, before: CheckResult, cloud: Cloud, ctx: Omit<CheckContext, 'checkId' | 'cloud'>, changed: ReadonlySet<GradeInput>): CheckResult {
  if (before.passed || (before.reason ?? before.why).startsWith(INTERNAL) || (!changed.has('history') && !changed.has('answers'))) return before;
  let started: boolean;
  try {
    started = checkTypeOf(def).started(new Params(def.params), extended(ctx, { cloud, checkId: def.id }));
  } catch {
    return gradeCheck(def, cloud, ctx);
  }
  const state: CheckState = started ? 'fail' : 'todo';
  return state === before.state ? before : extended(before, { state });
}

const INTERNAL = 'internal error while checking: ';

function gradeCheck(def: CheckDef, cloud: Cloud, ctx: Omit<CheckContext, 'checkId' | 'cloud'>): CheckResult {
  const t = checkTypeOf(def);
  let ok: boolean;
  let why: string;
  let started = true;
  try {
    const p = new Params(def.params);
    const full = extended(ctx, { cloud, checkId: def.id });
    const o = t.evaluate(p, full);
    ok = def.not ? !o.ok : o.ok;
    why = def.not && !ok ? `expected the opposite, but ${o.why}` : o.why;
    if (!ok) started = t.started(p, full);
  } catch (e) {
    ok = false;
    why = `${INTERNAL}${e instanceof Error ? e.message : String(e)}`;
  }
  // The instructor's text replaces the reason for the learner; instructors still see the real one.
  const reason = !ok && def.fail !== null ? why : undefined;
  if (reason !== undefined) why = def.fail as string;
  const state: CheckState = ok ? 'pass' : started ? 'fail' : 'todo';
  return { id: def.id, type: def.type, title: def.title, points: def.points, earned: ok ? def.points : 0, passed: ok, state, why, ...(reason !== undefined ? { reason } : {}) };
}

/** A step's state: `pass` when every check passes, `fail` when one fails, else `todo`. */
function stepState(checks: readonly CheckResult[]): CheckState {
  if (checks.every((c) => c.state === 'pass')) return 'pass';
  return checks.some((c) => c.state === 'fail') ? 'fail' : 'todo';
}

/**
 * Grades every step of an (instantiated) lab against the learner's cloud and history: entries
 * with `ran` are graded on what actually ran; entries without it on their line, parsed.
 */
export function grade(lab: Lab, cloud: Cloud, history: readonly HistoryCommand[], opts: GradeOptions = {}): GradeResult {
  const ctx = { cloud, history: invocations(history), answers: opts.answers ?? {}, reach: opts.reach === undefined ? simReach : opts.reach };
  const since = opts.since?.lab === lab ? opts.since : undefined;
  const before = new Map<string, CheckResult>();
  if (since) for (const st of since.result.steps) for (const c of st.checks) before.set(c.id, c);
  const steps: StepResult[] = lab.steps.map((s) => {
    const checks = s.checks.map((c) => {
      const kept = before.get(c.id);
      if (since && kept && !checkTypeOf(c).reads.some((r) => since.changed.has(r))) return keptCheck(c, kept, cloud, ctx, since.changed);
      return gradeCheck(c, cloud, ctx);
    });
    const points = checks.reduce((a, c) => a + c.points, 0);
    const earned = checks.reduce((a, c) => a + c.earned, 0);
    return { id: s.id, title: s.title, passed: checks.every((c) => c.passed), state: stepState(checks), points, earned, checks };
  });
  // Nothing moved: the grade before, as it was (whoever sent it need not send it again).
  if (since && steps.every((s, i) => s.checks.every((c, j) => c === since.result.steps[i]?.checks[j]))) return since.result;
  const points = steps.reduce((a, s) => a + s.points, 0);
  const earned = steps.reduce((a, s) => a + s.earned, 0);
  return {
    labId: lab.id,
    passed: steps.every((s) => s.passed),
    points,
    earned,
    percent: points === 0 ? 0 : Math.floor((earned * 100) / points),
    steps,
  };
}

/** A grade as the learner's page receives it: without the reasons a lab's `fail:` texts hide. */
export function learnerGrade(result: GradeResult): GradeResult {
  if (!result.steps.some((s) => s.checks.some((c) => c.reason !== undefined))) return result;
  return extended(result, {
    steps: result.steps.map((s) => extended(s, { checks: s.checks.map(({ reason: _hidden, ...c }) => c) })),
  });
}
