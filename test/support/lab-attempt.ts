/** A learner's attempt at a lab, graded as the server grades it: what the lab tests share. */
import { runLine } from '../../server/shell/session.js';
import { grade } from '../../server/labs/grade.js';
import { labSession } from '../../server/labs/cli.js';
import { historyCommand } from '../../server/labs/history.js';
import { expectedAnswers, Params } from '../../server/labs/checks.js';
import type { CheckResult, HistoryCommand, Lab } from '../../server/labs/types.js';

/**
 * Every step's solution before `stepId` (all of them when null), then `lines`; the grade's checks
 * by id. Questions are answered right unless `answers` gives another answer; `false`: none answered.
 */
export function attempt(lab: Lab, stepId: string | null, lines: string[], answers: Record<string, string> | false = {}): Record<string, CheckResult> {
  let state = labSession(lab);
  const history: HistoryCommand[] = [];
  const run = (line: string) => {
    const r = runLine(state, line);
    state = r.state;
    history.push(historyCommand(line, r.result));
  };
  const at = stepId === null ? lab.steps.length : lab.steps.findIndex((s) => s.id === stepId);
  if (at < 0) throw new Error(`no step ${stepId ?? ''} in ${lab.id}`);
  for (const s of lab.steps.slice(0, at)) s.solution.forEach(run);
  lines.forEach(run);
  const given: Record<string, string> = {};
  if (answers !== false) {
    for (const c of lab.steps.flatMap((s) => s.checks)) {
      if (c.type !== 'question') continue;
      const want = answers[c.id] ?? expectedAnswers(new Params(c.params), state.cloud)[0];
      if (want !== undefined) given[c.id] = want;
    }
  }
  const g = grade(lab, state.cloud, history, { answers: given });
  return Object.fromEntries(g.steps.flatMap((s) => s.checks.map((c) => [c.id, c])));
}
