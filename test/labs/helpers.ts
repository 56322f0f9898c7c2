/** Test helpers: a lab from a few check blocks, a cloud after some commands. */
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';
import { parseLab } from '../../server/labs/parse.js';
import { grade, type GradeOptions } from '../../server/labs/grade.js';
import { historyCommand } from '../../server/labs/history.js';
import type { CheckResult, HistoryCommand, Lab } from '../../server/labs/types.js';

/** A session after some lines, with the history the grader takes (what ran, as runLine reports it). */
export interface Attempt extends SessionState {
  commands: HistoryCommand[];
}

export function session(fixture: string, lines: string[], seed = 7): Attempt {
  let s = createSession({ fixture, seed });
  const commands: HistoryCommand[] = [];
  for (const l of lines) {
    const r = runLine(s, l);
    s = r.state;
    commands.push(historyCommand(l, r.result));
  }
  return { ...s, commands };
}

/** The same history as entries recorded before `ran` existed: the grader parses their lines. */
export function linesOnly(s: Attempt): HistoryCommand[] {
  return s.commands.map((c) => ({ line: c.line }));
}

/** A one-step lab whose check block is `yaml`. */
export function labWith(yaml: string, fixture = 'public-cloud'): Lab {
  const text = `---\nid: t\ntitle: T\nsummary: S\nminutes: 1\nfixture: ${fixture}\n---\n\n## Step\n\n\`\`\`check\n${yaml}\n\`\`\`\n\n\`\`\`solution\ntrue\n\`\`\`\n`;
  return parseLab(text, 'test.md');
}

/** Grades the single check of `yaml` against a session (its `commands`, or `history` when given). */
export function one(yaml: string, s: Attempt, opts: GradeOptions = {}, history: readonly HistoryCommand[] = s.commands): CheckResult {
  const r = grade(labWith(yaml), s.cloud, history, opts);
  const c = r.steps[0]?.checks[0];
  if (!c) throw new Error('no check');
  return c;
}
