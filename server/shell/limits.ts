/**
 * What one typed line may cost (issue #10). One Node process serves a whole class, so no line may
 * hold the event loop or the heap for long. Work is counted in deterministic units, never in
 * time, so that replaying a history gives the same output byte for byte.
 */

import { MAX_PATTERN, patternSize } from '../cli/pattern.js';

/** The limits, documented in README.md ("The terminal"). */
export const LIMITS = {
  /** Characters in one typed line. */
  line: 4096,
  /**
   * Work units one line may use, `$(…)` included: a unit is about a nanosecond of work on the
   * 2-core reference machine (see COST), so a line stops after some 15–25 ms.
   */
  work: 16_000_000,
  /** Simple commands run by one line, `$(…)` included. */
  commands: 256,
  /** `$(…)` substitutions one line may run. */
  substitutions: 64,
  /** Commands in one pipeline. */
  pipeline: 32,
  /** Words of one command after expansion. */
  words: 16_384,
  /** Characters of stdout and stderr shown for one line; the rest is cut with a note. */
  output: 1_048_576,
  /** Characters in one variable's value. */
  variable: 262_144,
  /** Characters in all variables together (names and values). */
  variables: 1_048_576,
  /** Number of variables. */
  variableCount: 1000,
} as const;

/**
 * What things cost, in work units (about a nanosecond each, measured with the worst inputs
 * found: e.g. re2js compiles about 2–4 µs an instruction, and a match costs up to 0.7 ns a
 * character per instruction of the program when its DFA gives up).
 */
export const COST = {
  /** Every simple command, on top of what it reads and writes. */
  command: 2_000,
  /** `openstack`, `neutron`, `nova`: the slowest take about a millisecond on a large cloud. */
  client: 1_000_000,
  /** A host command (ip, iptables, ping, ssh…): they derive the data plane first. */
  host: 100_000,
  /** A `$(…)`: parsing its source and running it. */
  substitution: 5_000,
  /** A variable `env` sorts and prints, an entry `history` prints, an argument of export/unset. */
  entry: 1_500,
  /** A character of an expanded value (`$VAR`, `$(…)`), and of a command's output. */
  char: 3,
  /** More per character of what a client or host command prints: it renders it first. */
  renderedChar: 14,
  /** A word made by field splitting. */
  word: 30,
  /** A character of a filter's input (read, split), and a line of it. */
  filterChar: 2,
  filterLine: 50,
  /** More per character for wc (words and UTF-8 bytes are counted one character at a time). */
  wcChar: 12,
  /** More per line for cut. */
  cutLine: 100,
  /** grep: compiling, per RE2 instruction; matching, per line, and per match -o prints (-ow: three times). */
  regexInstruction: 4_000,
  /** grep: a character of the patterns, translated to RE2 syntax. */
  patternChar: 20,
  regexLine: 150,
  regexMatch: 5_000,
  /** A sort comparison (Intl.Collator). */
  sortCompare: 300,
  /** A line with other than ASCII through `cut -b/-c` (UTF-8 encoded and decoded). */
  utf8Line: 2_000,
  /**
   * A host command's number argument, per unit of it: it may be a count the command loops over
   * (`ping -c N` builds N replies, about 80 ns each, before it prints anything).
   */
  count: 100,
} as const;


/**
 * What a command's arguments may cost the CLI that reads them: some are regular expressions it
 * compiles (`server list --name`, `sysctl -r`) at COST.regexInstruction an instruction, so every
 * argument is charged as one, estimated as the CLIs do: its length times its counted repeats.
 */
export function argumentsCost(args: readonly string[]): number {
  let n = 0;
  for (const a of args) {
    n += Math.min(patternSize(a), MAX_PATTERN);
  }
  return n * COST.regexInstruction;
}

/** What a host command's number arguments may cost, taken as counts it loops over (COST.count). */
export function countsCost(argv: readonly string[]): number {
  let n = 0;
  for (const a of argv) if (/^\d+$/.test(a)) n += Math.min(Number(a), 1e12);
  return n * COST.count;
}

/** A limit stopped the line; the message is printed after `stacklab: `. */
export class LimitError extends Error {}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The work of one line, shared by the line and every `$(…)` in it. */
export class Budget {
  work = 0;
  commands = 0;
  substitutions = 0;

  /** Counts units of work; throws LimitError past the line's budget. (Bound: passed around as is.) */
  readonly charge = (units: number): void => {
    this.work += units;
    if (this.work > LIMITS.work)
      throw new LimitError(`this line does too much work (limit: ${fmt(LIMITS.work)} units)`);
  };

  command(cost: number): void {
    if (++this.commands > LIMITS.commands)
      throw new LimitError(`this line runs too many commands (limit: ${fmt(LIMITS.commands)})`);
    this.charge(cost);
  }

  substitution(): void {
    if (++this.substitutions > LIMITS.substitutions) {
      throw new LimitError(
        `this line runs too many $(…) substitutions (limit: ${fmt(LIMITS.substitutions)})`,
      );
    }
  }
}

/** The message for a limit that stopped the line. */
export function stoppedMessage(e: LimitError): string {
  return `stacklab: ${e.message}; it was stopped\n`;
}

/** A command's words past LIMITS.words. */
export function tooManyWords(): LimitError {
  return new LimitError(
    `this line expands to too many words (limit: ${fmt(LIMITS.words)} in one command)`,
  );
}

/**
 * Cuts what a line shows to LIMITS.output characters (stdout first, then stderr), with a note on
 * stderr saying how much was left out.
 */
export function cutOutput(stdout: string, stderr: string): { stdout: string; stderr: string } {
  const total = stdout.length + stderr.length;
  if (total <= LIMITS.output) return { stdout, stderr };
  const out = stdout.slice(0, LIMITS.output);
  const err = stderr.slice(0, LIMITS.output - out.length);
  const nl = out.length > 0 && !out.endsWith('\n') && err === '' ? '\n' : '';
  return {
    stdout: out + nl,
    stderr: `${err}${err !== '' && !err.endsWith('\n') ? '\n' : ''}stacklab: output cut at ${fmt(LIMITS.output)} characters (${fmt(total - out.length - err.length)} more not shown)\n`,
  };
}

/** How many variables there are and their characters (names and values). */
export interface VariableStats {
  count: number;
  size: number;
}

export function variableStats(env: Record<string, string>): VariableStats {
  const stats = { count: 0, size: 0 };
  for (const [k, v] of Object.entries(env)) {
    stats.count++;
    stats.size += k.length + v.length;
  }
  return stats;
}

/**
 * Checks `name=value` against the limits, given the variable's old value and the stats of all of
 * them; the bash-like error, or null when it fits.
 */
export function variableProblem(
  name: string,
  value: string,
  old: string | undefined,
  stats: VariableStats,
): string | null {
  if (value.length > LIMITS.variable)
    return `bash: ${name}: value too large (limit: ${fmt(LIMITS.variable)} characters)\n`;
  if (old === undefined && stats.count >= LIMITS.variableCount)
    return `bash: ${name}: too many variables (limit: ${fmt(LIMITS.variableCount)})\n`;
  const after = stats.size - (old === undefined ? -name.length : old.length) + value.length;
  if (after > LIMITS.variables)
    return `bash: ${name}: variables too large (limit: ${fmt(LIMITS.variables)} characters in all)\n`;
  return null;
}
