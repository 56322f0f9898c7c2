/** Headless runs: a script of command lines (the oracle's syntax) through one session. */
import { createSession, runLine, type SessionState } from './session.js';

export interface TranscriptEntry {
  command: string;
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs each line as a learner would type it. `#` comment lines and blank lines produce no
 * entry; a trailing backslash joins a line with the next, as run-script.sh does.
 */
export function runScript(
  lines: string[],
  opts: { fixture: string; seed?: number; columns?: number; host?: string; state?: SessionState },
): TranscriptEntry[] {
  let state = opts.state ?? createSession({ fixture: opts.fixture, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.columns !== undefined ? { columns: opts.columns } : {}), ...(opts.host !== undefined ? { host: opts.host } : {}) });
  const out: TranscriptEntry[] = [];
  let pending = '';
  for (const raw of lines) {
    if (raw.endsWith('\\')) {
      pending += raw.slice(0, -1);
      continue;
    }
    const line = pending + raw;
    pending = '';
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const r = runLine(state, line);
    state = r.state;
    // What ran is for graders, not part of a transcript.
    const { ran: _ran, ...result } = r.result;
    out.push({ command: line, ...result });
  }
  return out;
}

/**
 * A session after setup lines that must all succeed (benches, tests, fixtures of scenarios): the
 * first failing line throws with its error, since a broken setup measures or tests nothing.
 */
export function runSetup(state: SessionState, lines: readonly string[]): SessionState {
  let s = state;
  for (const l of lines) {
    const r = runLine(s, l);
    if (r.result.exitCode !== 0) throw new Error(`${l}: ${r.result.stderr}`);
    s = r.state;
  }
  return s;
}

/** The text transcript `stacklab run` prints: `$ cmd`, stdout, stderr, `[exit N]` when N ≠ 0. */
export function formatTranscript(entries: TranscriptEntry[]): string {
  return entries
    .map((e) => `$ ${e.command}\n${e.stdout}${e.stderr}${e.exitCode !== 0 ? `[exit ${e.exitCode}]\n` : ''}`)
    .join('');
}
