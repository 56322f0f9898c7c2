/**
 * Learners' regular expressions in the CLIs (`server list --name/--ip/--ip6`, `sysctl -r`):
 * matched in linear time by re2js, never by a backtracking RegExp, and refused when too large to
 * compile quickly. The shell charges every argument by the same size estimate.
 */
import { RE2JS } from 're2js';

/** The largest estimated program compiled (re2js compiles at about 4 µs an instruction). */
export const MAX_PATTERN = 2000;

/** A pattern's RE2 program size, estimated as its length times its counted repeats (RE2 copies what `{n}` repeats). */
export function patternSize(p: string): number {
  let n = p.length;
  if (p.includes('{')) for (const m of p.matchAll(/\{(\d*)(?:,(\d*))?\}/g)) n *= Math.max(1, Number(m[1] || 0), Number(m[2] || 0));
  return n;
}

/** The compiled pattern, or null when it does not compile or is too large to. */
export function linearPattern(p: string): RE2JS | null {
  if (patternSize(p) > MAX_PATTERN) return null;
  try {
    return RE2JS.compile(p);
  } catch {
    return null;
  }
}
