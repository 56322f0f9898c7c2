/**
 * Python 3.11's argparse, as the real clients parse their options: interleaved positionals and
 * options, `--opt=value`, unique-prefix abbreviations, nargs, actions, choices, type converters,
 * mutually exclusive groups, and the exact usage, help and error texts (with cliff's help
 * formatter, which keeps explicit line breaks in help strings).
 */
import { extended } from '../sim/objects.js';
import type { ArgSpec, ParseResult, ParserSpec } from './spec.js';
import { wrap } from '../render/textwrap.js';

// ---- formatting ----------------------------------------------------------------------------

/** Whether argparse prints the choices unquoted: they are numbers (int or float typed). */
function numericChoices(a: ArgSpec): boolean {
  if (a.choices !== undefined && a.type?.pyNumber === true) return true;
  return a.choices !== undefined && a.type !== undefined && a.choices.every((c) => /^-?\d+$/.test(c)) && a.type('0').ok && typeof (a.type('0') as { value: unknown }).value === 'number';
}

function metavarFor(a: ArgSpec, defaultMetavar: string): string {
  if (a.metavar !== undefined) return a.metavar;
  if (a.choices !== undefined) return `{${a.choices.join(',')}}`;
  return defaultMetavar;
}

function takesNoValue(a: ArgSpec): boolean {
  const act = a.action ?? 'store';
  return act === 'store_true' || act === 'store_false' || act === 'store_const' || act === 'append_const' || act === 'count' || act === 'help';
}

function formatArgs(a: ArgSpec, defaultMetavar: string): string {
  const m = metavarFor(a, defaultMetavar);
  const n = a.nargs;
  if (n === undefined) return m;
  if (n === '?') return `[${m}]`;
  if (n === '*') return `[${m} ...]`;
  if (n === '+') return `${m} [${m} ...]`;
  return Array.from({ length: n }, () => m).join(' ');
}

const defaultOptMetavar = (a: ArgSpec) => a.dest.toUpperCase();

function invocation(a: ArgSpec): string {
  if (a.flags.length === 0) return metavarFor(a, a.dest);
  if (takesNoValue(a)) return a.flags.join(', ');
  const args = formatArgs(a, defaultOptMetavar(a));
  return a.flags.map((f) => `${f} ${args}`).join(', ');
}

function actionName(a: ArgSpec): string {
  if (a.flags.length > 0) return a.flags.join('/');
  return a.metavar ?? a.dest;
}

/** The usage text of one side (optionals or positionals), with group brackets, as argparse builds it. */
function actionsUsage(spec: ParserSpec, actions: ArgSpec[]): string {
  const inserts = new Map<number, string>();
  const inGroup = new Set<ArgSpec>();
  for (const g of spec.groups ?? []) {
    const members = spec.args.filter((a) => a.group === g.id);
    if (members.length === 0) continue;
    const start = actions.indexOf(members[0] as ArgSpec);
    if (start < 0) continue;
    const end = start + members.length;
    if (!members.every((m, i) => actions[start + i] === m)) continue;
    for (const m of members) inGroup.add(m);
    const [open, close] = g.required ? ['(', ')'] : ['[', ']'];
    inserts.set(start, inserts.has(start) ? `${inserts.get(start)} ${open}` : open);
    inserts.set(end, inserts.has(end) ? `${inserts.get(end)}${close}` : close);
    for (let i = start + 1; i < end; i++) inserts.set(i, '|');
  }
  const parts: Array<string | null> = [];
  actions.forEach((a, i) => {
    if (a.help === null) {
      parts.push(null);
      if (inserts.get(i) === '|') inserts.delete(i);
      else if (inserts.get(i + 1) === '|') inserts.delete(i + 1);
      return;
    }
    if (a.flags.length === 0) {
      let part = formatArgs(a, a.dest);
      if (inGroup.has(a) && part.startsWith('[') && part.endsWith(']')) part = part.slice(1, -1);
      parts.push(part);
      return;
    }
    const flag = a.flags[0] as string;
    let part = takesNoValue(a) ? flag : `${flag} ${formatArgs(a, defaultOptMetavar(a))}`;
    if (!a.required && !inGroup.has(a)) part = `[${part}]`;
    parts.push(part);
  });
  for (const i of [...inserts.keys()].sort((x, y) => y - x)) parts.splice(i, 0, inserts.get(i) as string);
  let text = parts.filter((p): p is string => p !== null).join(' ');
  text = text.replace(/([[(]) /g, '$1').replace(/ ([\])])/g, '$1').replace(/[[(] *[\])]/g, '');
  return text.trim();
}

/** `usage: prog …` wrapped as argparse wraps it (width = columns - 2). */
export function formatUsage(spec: ParserSpec, columns = 80): string {
  const textWidth = Math.max(columns - 2, 11);
  const prefix = 'usage: ';
  const optionals = spec.args.filter((a) => a.flags.length > 0);
  const positionals = spec.args.filter((a) => a.flags.length === 0);
  const optUsage = actionsUsage(spec, optionals);
  const posUsage = actionsUsage(spec, positionals);
  const full = [spec.prog, optUsage, posUsage].filter((s) => s !== '').join(' ');
  if (prefix.length + full.length <= textWidth) return `${prefix}${full}\n`;
  const partRe = /\(.*?\)+(?=\s|$)|\[.*?\]+(?=\s|$)|\S+/g;
  const optParts = optUsage.match(partRe) ?? [];
  const posParts = posUsage.match(partRe) ?? [];
  const getLines = (parts: string[], indent: string, pre?: string): string[] => {
    const lines: string[] = [];
    let line: string[] = [];
    let len = pre !== undefined ? pre.length - 1 : indent.length - 1;
    for (const part of parts) {
      if (len + 1 + part.length > textWidth && line.length > 0) {
        lines.push(indent + line.join(' '));
        line = [];
        len = indent.length - 1;
      }
      line.push(part);
      len += part.length + 1;
    }
    if (line.length > 0) lines.push(indent + line.join(' '));
    if (pre !== undefined && lines.length > 0) lines[0] = (lines[0] as string).slice(indent.length);
    return lines;
  };
  let lines: string[];
  if (prefix.length + spec.prog.length <= 0.75 * textWidth) {
    const indent = ' '.repeat(prefix.length + spec.prog.length + 1);
    if (optParts.length > 0) {
      lines = getLines([spec.prog, ...optParts], indent, prefix);
      lines.push(...getLines(posParts, indent));
    } else if (posParts.length > 0) {
      lines = getLines([spec.prog, ...posParts], indent, prefix);
    } else lines = [spec.prog];
  } else {
    const indent = ' '.repeat(prefix.length);
    const parts = [...optParts, ...posParts];
    lines = getLines(parts, indent);
    if (lines.length > 1) {
      lines = [...getLines(optParts, indent), ...getLines(posParts, indent)];
    }
    lines = [spec.prog, ...lines];
  }
  return `${prefix}${lines.join('\n')}\n`;
}

/** argparse's %-style help interpolation (%(default)s, %(choices)s, %(prog)s, %%). */
function expandHelp(a: ArgSpec, prog: string, text: string): string {
  const params: Record<string, string> = {
    prog,
    dest: a.dest,
    default: a.default === undefined || a.default === null ? 'None' : Array.isArray(a.default) ? `[${a.default.map((x) => `'${String(x)}'`).join(', ')}]` : typeof a.default === 'boolean' ? (a.default ? 'True' : 'False') : String(a.default),
    metavar: a.metavar ?? 'None',
    choices: a.choices ? a.choices.join(', ') : 'None',
    required: a.required ? 'True' : 'False',
    nargs: a.nargs === undefined ? 'None' : String(a.nargs),
    const: a.const === undefined ? 'None' : String(a.const),
  };
  return text.replace(/%(?:\((\w+)\))?([sdr%])/g, (m, name: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    if (name === undefined) return m;
    return params[name] ?? m;
  });
}

/** cliff's _SmartHelpFormatter: explicit line breaks kept, each line wrapped like argparse. */
function splitHelp(text: string, width: number): string[] {
  const lines = text.includes('\n') ? text.split(/\r\n|\r|\n/) : [text];
  return lines.flatMap((l) => {
    const t = l.replace(/\s+/g, ' ').trim();
    const w = wrap(t, width);
    return w.length === 0 ? [] : w;
  });
}

function fillText(text: string, width: number, indent: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return wrap(t, Math.max(1, width - indent.length))
    .map((l) => indent + l)
    .join('\n');
}

/** `prog --help`, byte for byte as argparse with cliff's formatter prints it. */
export function formatHelp(spec: ParserSpec, columns = 80): string {
  const width = Math.max(columns - 2, 11);
  const visible = spec.args.filter((a) => a.help !== null);
  const maxLen = Math.max(0, ...visible.map((a) => invocation(a).length + 2));
  const helpPos = Math.min(maxLen + 2, 24);
  const helpWidth = Math.max(width - helpPos, 11);
  const formatAction = (a: ArgSpec): string => {
    const indent = 2;
    const actionWidth = helpPos - indent - 2;
    const header = invocation(a);
    const help = a.help === undefined || a.help === null ? '' : expandHelp(a, spec.prog, a.help);
    if (help.trim() === '') return `${' '.repeat(indent)}${header}\n`;
    const lines = splitHelp(help, helpWidth);
    let out: string;
    let first: number;
    if (header.length <= actionWidth) {
      out = `${' '.repeat(indent)}${header.padEnd(actionWidth)}  `;
      first = 0;
    } else {
      out = `${' '.repeat(indent)}${header}\n`;
      first = helpPos;
    }
    if (lines.length === 0) return `${out.trimEnd()}\n`;
    out += `${' '.repeat(first)}${lines[0]}\n`;
    for (const l of lines.slice(1)) out += `${' '.repeat(helpPos)}${l}\n`;
    return out;
  };
  const sections: Array<{ title: string; description?: string; actions: ArgSpec[] }> = [
    { title: 'positional arguments', actions: visible.filter((a) => a.flags.length === 0 && a.section === undefined) },
    { title: 'options', actions: visible.filter((a) => a.flags.length > 0 && a.section === undefined) },
    ...(spec.sections ?? []).map((s) => ({ ...s, actions: visible.filter((a) => a.section === s.title) })),
  ];
  let out = formatUsage(spec, columns) + '\n';
  if (spec.description) out += `${fillText(spec.description, width, '')}\n\n`;
  for (const s of sections) {
    const items: string[] = [];
    if (s.description) items.push(`${fillText(s.description, width, '  ')}\n\n`);
    for (const a of s.actions) items.push(formatAction(a));
    if (items.length === 0) continue;
    out += `\n${s.title}:\n${items.join('')}\n`;
  }
  if (spec.epilog) out += `${fillText(spec.epilog, width, '')}\n\n`;
  out = out.replace(/\n\n\n+/g, '\n\n');
  return `${out.replace(/^\n+|\n+$/g, '')}\n`;
}

// ---- parsing -------------------------------------------------------------------------------

class ArgError extends Error {
  constructor(
    readonly action: ArgSpec | null,
    message: string,
  ) {
    super(message);
  }
}

interface OptionMatch {
  action: ArgSpec | null;
  flag: string;
  explicit: string | null;
}

function looksNegativeNumber(s: string): boolean {
  return /^-\d+$|^-\d*\.\d+$/.test(s);
}

function parseOptional(spec: ParserSpec, arg: string, byFlag: Map<string, ArgSpec>): OptionMatch | null {
  if (!arg.startsWith('-') || arg === '-') return null;
  const exact = byFlag.get(arg);
  if (exact) return { action: exact, flag: arg, explicit: null };
  if (arg.includes('=')) {
    const i = arg.indexOf('=');
    const flag = arg.slice(0, i);
    const hit = byFlag.get(flag);
    if (hit) return { action: hit, flag, explicit: arg.slice(i + 1) };
  }
  // Abbreviations (allow_abbrev) and short options with an attached value.
  const matches: OptionMatch[] = [];
  if (arg.startsWith('--')) {
    const [prefix, explicit] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, null];
    for (const [flag, action] of byFlag) if (flag.startsWith(prefix)) matches.push({ action, flag, explicit });
  } else {
    const short = arg.slice(0, 2);
    const rest = arg.slice(2);
    for (const [flag, action] of byFlag) {
      if (flag === short) matches.push({ action, flag, explicit: rest });
      else if (flag.startsWith('--') ? false : flag.startsWith(arg)) matches.push({ action, flag, explicit: null });
    }
  }
  if (matches.length > 1) {
    throw new ArgError(null, `ambiguous option: ${arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg} could match ${matches.map((m) => m.flag).join(', ')}`);
  }
  if (matches.length === 1) return matches[0] as OptionMatch;
  if (looksNegativeNumber(arg) && ![...byFlag.keys()].some(looksNegativeNumber)) return null;
  if (arg.includes(' ')) return null;
  return { action: null, flag: arg, explicit: null };
}

const regexCache = new Map<string, RegExp>();

/** Compiled `^…` regexes for nargs patterns, cached (the same few shapes recur on every line). */
function anchored(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    re = new RegExp(`^${source}`);
    regexCache.set(source, re);
  }
  return re;
}

function nargsPattern(a: ArgSpec): string {
  const n = a.nargs;
  let p: string;
  if (takesNoValue(a)) p = '(-*-*)';
  else if (n === undefined) p = '(-*A-*)';
  else if (n === '?') p = '(-*A?-*)';
  else if (n === '*') p = '(-*[A-]*)';
  else if (n === '+') p = '(-*A[A-]*)';
  else p = `(-*${Array.from({ length: n }, () => 'A').join('-*')}-*)`;
  if (a.flags.length > 0) p = p.replace(/-\*/g, '').replace(/-/g, '');
  return p;
}

function convertValue(a: ArgSpec, raw: string): unknown {
  let value: unknown = raw;
  if (a.type) {
    const r = a.type(raw);
    if (!r.ok) throw new ArgError(a, r.message);
    value = r.value;
  }
  if (a.choices !== undefined) {
    const asText = typeof value === 'string' ? value : String(value);
    if (!a.choices.includes(asText)) {
      const numeric = numericChoices(a);
      const repr = (s: string) => (numeric ? s : `'${s}'`);
      const shown = typeof value === 'number' || a.type?.pyNumber === true ? asText : `'${asText}'`;
      throw new ArgError(a, `invalid choice: ${shown} (choose from ${a.choices.map(repr).join(', ')})`);
    }
  }
  return value;
}

function errorResult(spec: ParserSpec, message: string, columns: number): ParseResult {
  return { ok: false, stdout: '', stderr: `${formatUsage(spec, columns)}${spec.prog}: error: ${message}\n`, exitCode: 2 };
}

/**
 * Parses argv like `parser.parse_args(argv)`. Type converters may throw (osc-lib's actions
 * that fail outside argparse); that propagates to the caller.
 */
/**
 * Parses argv as argparse would. `defaults` replaces the spec's default of an option that is
 * in the spec (as cliff does when it reads CLIFF_MAX_TERM_WIDTH / CLIFF_FIT_WIDTH while building
 * its parser); an option given on the line still wins.
 */
export function parseArgs(spec: ParserSpec, argv: string[], opts: { columns?: number; defaults?: Record<string, unknown> } = {}): ParseResult {
  return parseKnownArgs(spec, argv, extended(opts, { strict: true }));
}

/**
 * argparse's parse_known_args: the arguments no option or positional takes come back in
 * `extras`, in order, instead of failing (unless `strict`, which is parse_args).
 */
export function parseKnownArgs(
  spec: ParserSpec,
  argv: string[],
  opts: { columns?: number; defaults?: Record<string, unknown>; strict?: boolean } = {},
): ParseResult | { ok: true; values: Record<string, unknown>; extras: string[] } {
  const columns = opts.columns ?? 80;
  try {
    const extras: string[] = [];
    const values = parse(spec, argv, opts.defaults, opts.strict ? undefined : extras);
    return opts.strict ? { ok: true, values } : { ok: true, values, extras };
  } catch (e) {
    if (e instanceof HelpRequested) return { ok: false, stdout: formatHelp(spec, columns), stderr: '', exitCode: 0 };
    if (e instanceof ArgError) {
      const msg = e.action ? `argument ${actionName(e.action)}: ${e.message}` : e.message;
      return errorResult(spec, msg, columns);
    }
    throw e;
  }
}

class HelpRequested extends Error {}

interface Prepared {
  defaults: Record<string, unknown>;
  byFlag: Map<string, ArgSpec>;
  groupOf: Map<ArgSpec, string>;
  positionals: ArgSpec[];
  required: ArgSpec[];
  /** The anchored nargs regex of each option. */
  optionRe: Map<ArgSpec, RegExp>;
  /** posRe[i][n]: the anchored regex for the n positionals from positionals[i] on (filled on demand). */
  posRe: Array<Array<RegExp | undefined>>;
  /** Members of each required mutually exclusive group. */
  requiredGroups: Array<{ members: ArgSpec[] }>;
}

const prepared = new WeakMap<ParserSpec, Prepared>();

/** What parsing needs from a spec, computed once per spec. */
function prepare(spec: ParserSpec): Prepared {
  let p = prepared.get(spec);
  if (p) return p;
  // Built with fromEntries, which makes a fast-properties object: the copy parse() makes of it
  // on every call is then several times cheaper than from an object built key by key.
  const entries: Array<[string, unknown]> = [];
  const withDefault = new Set<string>();
  for (const a of spec.args) {
    if ((a.action ?? 'store') === 'help') continue;
    // The first action with a dest sets its default, as argparse does.
    if (withDefault.has(a.dest)) continue;
    withDefault.add(a.dest);
    entries.push([a.dest, a.default !== undefined ? a.default : (a.action === 'store_true' ? false : a.action === 'store_false' ? true : null)]);
  }
  const defaults = Object.fromEntries(entries);
  const byFlag = new Map<string, ArgSpec>();
  for (const a of spec.args) for (const f of a.flags) byFlag.set(f, a);
  const groupOf = new Map<ArgSpec, string>();
  for (const a of spec.args) if (a.group !== undefined) groupOf.set(a, a.group);
  const positionals = spec.args.filter((a) => a.flags.length === 0);
  const optionRe = new Map<ArgSpec, RegExp>();
  for (const a of spec.args) if (a.flags.length > 0) optionRe.set(a, anchored(nargsPattern(a)));
  p = {
    defaults,
    byFlag,
    groupOf,
    positionals,
    required: spec.args.filter((a) => a.required),
    optionRe,
    posRe: positionals.map(() => []),
    requiredGroups: (spec.groups ?? []).filter((g) => g.required).map((g) => ({ members: spec.args.filter((a) => a.group === g.id) })),
  };
  prepared.set(spec, p);
  return p;
}

/** The regex matching the pattern of the `n` positionals from `positionals[offset]` on. */
function positionalsRe(p: Prepared, offset: number, n: number): RegExp {
  const row = p.posRe[offset] as Array<RegExp | undefined>;
  let re = row[n];
  if (!re) {
    re = anchored(p.positionals.slice(offset, offset + n).map(nargsPattern).join(''));
    row[n] = re;
  }
  return re;
}

/** What parse() keeps track of (module-level helpers rather than closures: parse runs per command). */
interface ParseState {
  prep: Prepared;
  argv: string[];
  /** One letter per argv string: O (option), A (argument), - (the first "--"). */
  patternStr: string;
  values: Record<string, unknown>;
  seen: Set<ArgSpec>;
  seenNonDefault: Set<ArgSpec>;
  /** Positionals are consumed in order: the ones left are prep.positionals[posDone…]. */
  posDone: number;
}

/** Stores what an action consumed (argparse's Action.__call__ after _get_values). */
function take(st: ParseState, a: ArgSpec, args: string[]): void {
  const { values, seenNonDefault } = st;
  const { groupOf } = st.prep;
  st.seen.add(a);
  const act = a.action ?? 'store';
  let value: unknown;
  /** The strings an osc-lib action converts itself, after the group check below (ArgType.inAction). */
  let inAction: string[] | null = null;
  switch (act) {
    case 'help':
      throw new HelpRequested();
    case 'store_true':
      value = true;
      break;
    case 'store_false':
      value = false;
      break;
    case 'store_const':
    case 'append_const':
      value = a.const;
      break;
    case 'count':
      value = (typeof values[a.dest] === 'number' ? (values[a.dest] as number) : 0) + 1;
      break;
    default: {
      // argparse drops only the first "--" of the strings a positional consumed.
      const dd = args.indexOf('--');
      const args2 = dd < 0 ? args : [...args.slice(0, dd), ...args.slice(dd + 1)];
      // `--opt=--`: Python 3.11's argparse takes the value "--" off and stores [] (a list where
      // every command expects text; the real client then sends it, and fails its own way). Here it
      // is the error argparse gives an option left without its value.
      if (a.nargs === undefined && args2.length === 0 && a.flags.length > 0) throw new ArgError(a, 'expected one argument');
      const later = a.type?.inAction === true && args2.length > 0;
      if (later) inAction = args2;
      const conv = (x: string) => (later ? x : convertValue(a, x));
      if (a.nargs === undefined || (a.nargs === '?' && args2.length <= 1)) {
        value = args2.length === 0 ? (a.flags.length > 0 ? a.const ?? null : a.default ?? null) : conv(args2[0] as string);
      } else value = args2.map(conv);
    }
  }
  if (value !== a.default) {
    seenNonDefault.add(a);
    const g = groupOf.get(a);
    if (g !== undefined) {
      for (const other of seenNonDefault) {
        if (other !== a && groupOf.get(other) === g) throw new ArgError(a, `not allowed with argument ${actionName(other)}`);
      }
    }
  }
  if (inAction !== null) {
    const strings: string[] = inAction;
    value = Array.isArray(value) ? strings.map((x) => convertValue(a, x)) : convertValue(a, strings[0] as string);
  }
  if (act === 'append' || act === 'append_const') {
    const prev = values[a.dest];
    values[a.dest] = [...(Array.isArray(prev) ? prev : []), value];
  } else values[a.dest] = value;
}

/** Gives the argument strings from `start` on to as many of the remaining positionals as match; returns where they end. */
function consumePositionals(st: ParseState, start: number): number {
  const { prep, argv } = st;
  const selected = st.patternStr.slice(start);
  for (let n = prep.positionals.length - st.posDone; n > 0; n--) {
    const m = positionalsRe(prep, st.posDone, n).exec(selected);
    if (!m) continue;
    let idx = start;
    for (let k = 0; k < n; k++) {
      const count = (m[k + 1] ?? '').length;
      take(st, prep.positionals[st.posDone + k] as ArgSpec, argv.slice(idx, idx + count));
      idx += count;
    }
    st.posDone += n;
    return idx;
  }
  return start;
}

/** `known` collects the unrecognized arguments instead of failing on them (parse_known_args). */
function parse(spec: ParserSpec, argv: string[], overrides?: Record<string, unknown>, known?: string[]): Record<string, unknown> {
  const prep = prepare(spec);
  const { defaults, byFlag, positionals } = prep;
  const values: Record<string, unknown> = { ...defaults };
  if (overrides) for (const k of Object.keys(overrides)) if (k in values) values[k] = overrides[k];

  // Classify every argument: O (option), A (argument), - (after "--").
  const pattern: string[] = [];
  const optionAt = new Map<number, OptionMatch>();
  let afterDashDash = false;
  argv.forEach((arg, i) => {
    if (afterDashDash) {
      pattern.push('A');
      return;
    }
    if (arg === '--') {
      pattern.push('-');
      afterDashDash = true;
      return;
    }
    const m = parseOptional(spec, arg, byFlag);
    if (m) {
      optionAt.set(i, m);
      pattern.push('O');
    } else pattern.push('A');
  });
  const patternStr = pattern.join('');

  const st: ParseState = { prep, argv, patternStr, values, seen: new Set(), seenNonDefault: new Set(), posDone: 0 };
  const { seen } = st;
  const extras: string[] = [];

  const optionIndices = [...optionAt.keys()].sort((x, y) => x - y);
  let start = 0;
  const maxOption = optionIndices.length ? (optionIndices[optionIndices.length - 1] as number) : -1;
  while (start <= maxOption) {
    const nextOption = optionIndices.find((i) => i >= start) as number;
    if (start !== nextOption) {
      const after = consumePositionals(st, start);
      if (after > start) {
        start = after;
        continue;
      }
      // Arguments no positional wants.
      for (let i = start; i < nextOption; i++) extras.push(argv[i] as string);
      start = nextOption;
    }
    const m = optionAt.get(start) as OptionMatch;
    if (m.action === null) {
      extras.push(argv[start] as string);
      start += 1;
      continue;
    }
    let a = m.action;
    let explicit = m.explicit;
    let optionString = m.flag;
    // `-vvv` / `-vs3`: a single-dash flag taking no value hands the rest to the next short flag.
    while (explicit !== null && explicit !== '' && takesNoValue(a) && optionString[1] !== '-') {
      const nextString = `-${explicit[0] as string}`;
      const next = byFlag.get(nextString);
      if (!next) throw new ArgError(a, `ignored explicit argument '${explicit}'`);
      take(st, a, []);
      a = next;
      optionString = nextString;
      explicit = explicit.length > 1 ? explicit.slice(1) : null;
    }
    if (explicit !== null) {
      if (takesNoValue(a)) throw new ArgError(a, `ignored explicit argument '${explicit}'`);
      take(st, a, [explicit]);
      start += 1;
      continue;
    }
    const rest = patternStr.slice(start + 1);
    const mm = (prep.optionRe.get(a) as RegExp).exec(rest);
    if (!mm) {
      const n = a.nargs;
      const msg = n === undefined ? 'expected one argument' : n === '?' ? 'expected at most one argument' : n === '+' ? 'expected at least one argument' : `expected ${String(n)} argument${n === 1 ? '' : 's'}`;
      throw new ArgError(a, msg);
    }
    const count = (mm[1] ?? '').length;
    take(st, a, argv.slice(start + 1, start + 1 + count));
    start += 1 + count;
  }
  const stop = consumePositionals(st, start);
  for (let i = stop; i < argv.length; i++) extras.push(argv[i] as string);

  const missing = prep.required.filter((a) => !seen.has(a)).map(actionName);
  // Positionals with nargs ? or * are satisfied by nothing; others are required.
  for (const p of positionals.slice(st.posDone)) {
    // argparse makes a `*` positional without a default required too.
    if (p.nargs === '?' || (p.nargs === '*' && p.default !== undefined)) {
      if (!seen.has(p)) take(st, p, []);
    } else if (!p.required) missing.push(actionName(p));
  }
  if (missing.length > 0) throw new ArgError(null, `the following arguments are required: ${[...new Set(missing)].join(', ')}`);
  for (const { members } of prep.requiredGroups) {
    if (!members.some((a) => seen.has(a))) {
      throw new ArgError(null, `one of the arguments ${members.filter((a) => a.help !== null).map(actionName).join(' ')} is required`);
    }
  }
  if (known) known.push(...extras);
  else if (extras.length > 0) throw new ArgError(null, `unrecognized arguments: ${extras.join(' ')}`);
  return values;
}
