/** Test helpers: a lab from a few check blocks, a cloud after some commands. */
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';
import { parseLab } from '../../server/labs/parse.js';
import { grade, type GradeOptions } from '../../server/labs/grade.js';
import type { CheckResult, Lab } from '../../server/labs/types.js';

export function session(fixture: string, lines: string[], seed = 7): SessionState {
  let s = createSession({ fixture, seed });
  for (const l of lines) s = runLine(s, l).state;
  return s;
}

/** A one-step lab whose check block is `yaml`. */
export function labWith(yaml: string, fixture = 'public-cloud'): Lab {
  const text = `---\nid: t\ntitle: T\nsummary: S\nminutes: 1\nfixture: ${fixture}\n---\n\n## Step\n\n\`\`\`check\n${yaml}\n\`\`\`\n\n\`\`\`solution\ntrue\n\`\`\`\n`;
  return parseLab(text, 'test.md');
}

/** Grades the single check of `yaml` against a session. */
export function one(yaml: string, s: SessionState, opts: GradeOptions = {}): CheckResult {
  const r = grade(labWith(yaml), s.cloud, s.history, opts);
  const c = r.steps[0]?.checks[0];
  if (!c) throw new Error('no check');
  return c;
}
