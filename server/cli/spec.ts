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
export type ArgType = ((raw: string) => { ok: true; value: unknown } | { ok: false; message: string }) & {
  /** A Python number type whose values argparse prints unquoted in errors (float kept as its repr text). */
  readonly pyNumber?: true;
  /**
   * An osc-lib Action's own check (MultiKeyValueAction, KeyValueAction, RangeAction), not a
   * `type=`: argparse runs it when it calls the action, after its mutually exclusive check, so
   * `--no-fixed-ip --fixed-ip bogus=1` is the group's usage error before the bad key.
   */
  readonly inAction?: true;
};

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

/**
 * A real client's argparse parser as captured into JSON (osc-parsers.json by
 * scripts/extract-osc-specs.py, neutron-parsers.json the same way): one argument. The keys only
 * OSC's parsers have (`type`, `requiredKeys`, `optionalKeys`) are absent in neutronclient's.
 */
export interface CapturedArg {
  flags: string[];
  dest: string;
  action: string;
  metavar?: string | string[] | null;
  help?: string | null;
  nargs?: string | number;
  required?: boolean;
  choices?: string[];
  default?: unknown;
  const?: unknown;
  type?: string;
  requiredKeys?: string[];
  optionalKeys?: string[];
  group?: string;
  section?: string;
}

/** A captured command parser: its program name, texts, arguments, mutually exclusive groups, sections. */
export interface CapturedCommand {
  prog: string;
  description: string | null;
  epilog?: string | null;
  args: CapturedArg[];
  groups: Array<{ id: string; required: boolean }>;
  sections: Array<{ title: string; description?: string }>;
}

/** The ArgSpec of a captured argument, with the action (and converter) its client's parser applies. */
export function capturedArg(a: CapturedArg, action: ArgSpec['action'] = a.action as ArgSpec['action'], type?: ArgType): ArgSpec {
  const spec: ArgSpec = { flags: a.flags, dest: a.dest, action };
  const metavar = Array.isArray(a.metavar) ? a.metavar.join(' ') : a.metavar;
  if (metavar !== undefined && metavar !== null) spec.metavar = metavar;
  if (a.help !== undefined) spec.help = a.help;
  if (a.nargs !== undefined) spec.nargs = a.nargs as ArgSpec['nargs'];
  if (a.required) spec.required = true;
  if (a.choices !== undefined) spec.choices = a.choices;
  if (a.default !== undefined) spec.default = a.type === 'int' && typeof a.default === 'string' ? Number(a.default) : a.default;
  if (a.const !== undefined) spec.const = a.const;
  if (type) spec.type = type;
  if (a.group !== undefined) spec.group = a.group;
  if (a.section !== undefined) spec.section = a.section;
  return spec;
}

/** The ParserSpec of a captured parser, each argument converted by `arg`. */
export function capturedParser(c: CapturedCommand, arg: (a: CapturedArg) => ArgSpec = (a) => capturedArg(a)): ParserSpec {
  const spec: ParserSpec = { prog: c.prog, args: c.args.map(arg), groups: c.groups, sections: c.sections };
  if (c.description) spec.description = c.description;
  if (c.epilog) spec.epilog = c.epilog;
  return spec;
}
