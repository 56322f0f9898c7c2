/** Runs lines one after the other in a learner's session: the session after them and what each printed (stdout then stderr). */
import { runLine, type RunOptions, type SessionState } from '../../server/shell/session.js';

export function runLines(s: SessionState, lines: string[], opts: RunOptions = {}): { state: SessionState; out: string[] } {
  const out: string[] = [];
  for (const l of lines) {
    const r = runLine(s, l, opts);
    s = r.state;
    out.push(r.result.stdout + r.result.stderr);
  }
  return { state: s, out };
}
