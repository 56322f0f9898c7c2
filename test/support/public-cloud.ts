/** A public-cloud session after some command lines, each of which must succeed (a broken setup tests nothing). */
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';

export function publicCloudAfter(lines: readonly string[]): SessionState {
  let s = createSession({ fixture: 'public-cloud' });
  for (const l of lines) {
    const r = runLine(s, l);
    if (r.result.exitCode !== 0) throw new Error(`${l}: ${r.result.stderr}`);
    s = r.state;
  }
  return s;
}
