/**
 * Declarative argument specs, shaped like Python argparse so that the parser, `--help`,
 * usage/error lines, tab completion and the generated COMMANDS.md all come from one table.
 */

/** What an option does with its value(s), as argparse's `action=`. */
export type ArgAction =
  | 'store'
  | 'store_true'
  | 'store_false'
  | 'store_const'
  | 'append'
  | 'append_const'
  | 'count'
  | 'help';

/** Converts one raw string; on failure `message` is argparse's text after "argument X: ". */
export type ArgType = (raw: string) => { ok: true; value: unknown } | { ok: false; message: string };

export interface ArgSpec {
  /** Option strings (`['-c', '--column']`); empty for a positional. */
  flags: string[];
  /** Key in the parsed values; for positionals also the default metavar. */
  dest: string;
  /** Shown in usage/help instead of the dest (`<network>`, `COLUMN`). */
  metavar?: string;
  /** Help text exactly as the real CLI prints it; `null` hides the argument (argparse.SUPPRESS). */
  help?: string | null;
  /** Default `store`. */
  action?: ArgAction;
  nargs?: '?' | '*' | '+' | number;
  required?: boolean;
  choices?: readonly string[];
  type?: ArgType;
  default?: unknown;
  const?: unknown;
  /** Id of a mutually exclusive group (see ParserSpec.groups). */
  group?: string;
  /** Title of the help section it is listed under; default "positional arguments"/"options". */
  section?: string;
}

export interface MutexGroup {
  id: string;
  required?: boolean;
}

export interface HelpSection {
  title: string;
  description?: string;
}

export interface ParserSpec {
  /** Program name in usage lines, e.g. `openstack network create`. */
  prog: string;
  description?: string;
  epilog?: string;
  args: ArgSpec[];
  groups?: MutexGroup[];
  /** Extra sections in help order after "positional arguments" and "options". */
  sections?: HelpSection[];
}

export type ParseResult =
  | { ok: true; values: Record<string, unknown> }
  /** `-h` gives stdout + exit 0; errors give usage + error on stderr, exit 2. */
  | { ok: false; stdout: string; stderr: string; exitCode: number };
