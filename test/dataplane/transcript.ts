/** Replays a data-plane script through a learner's session (the same engine as the web terminal), prompt by prompt. */
import { createSession, prompt, runLine } from '../../server/shell/session.js';

export function replay(fixture: string, lines: string[], host: string): string {
  let s = createSession({ fixture, seed: 1, host });
  let out = '';
  for (const line of lines) {
    out += `${prompt(s)}${line}\n`;
    const r = runLine(s, line);
    s = r.state;
    out += r.result.stdout + r.result.stderr;
    if (r.result.exitCode !== 0) out += `[exit ${r.result.exitCode}]\n`;
  }
  return out;
}
