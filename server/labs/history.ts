/**
 * The learner's history as invocations: "did the learner run X" is then a match on invocations,
 * the same whichever CLI dialect (`openstack` or `neutron`) the learner used. An entry that
 * carries `ran` (what the shell actually executed, after expansion) gives one invocation per
 * command run: `false && openstack network list` gives none, `ip netns exec $R route -n` the
 * namespace `$R` held. Older entries without `ran` are parsed statically: each line is split
 * into the commands it names (pipelines, `;`/`&&`/`||`, `$(…)`), variables left as `$NAME`.
 * Either way `sudo`, `env`, assignments and `ip netns exec NS` are taken off and the namespace
 * remembered.
 */
import { parseLine, type Word } from '../shell/words.js';
import { sudoCommand } from '../shell/sudo.js';
import type { HistoryCommand } from './types.js';

/**
 * The history entry for a line runLine has just run (its `result`, a LineResult): with what
 * actually ran, so grading sees the commands executed rather than the line's text.
 */
export function historyCommand(line: string, result: { ran?: readonly (readonly string[])[] }): HistoryCommand {
  return result.ran === undefined ? { line } : { line, ran: result.ran };
}

export interface Invocation {
  /** Arguments with `--opt=value` kept whole; in a parsed (not `ran`) entry variables appear as `$NAME`. */
  argv: readonly string[];
  /** Network namespace the command ran in (`ip netns exec NS …`, `ip -n NS …`), or null. */
  netns: string | null;
  /** Index of the history line. */
  line: number;
  /** True when the invocation comes from `ran` (expanded and really executed), false when parsed from the line. */
  ran: boolean;
}

function wordText(w: Word, nested: string[]): string {
  return w
    .map((p) => {
      if (p.kind === 'lit') return p.text;
      if (p.kind === 'var') return `$${p.name}`;
      nested.push(p.source);
      return `$(${p.source})`;
    })
    .join('');
}

const ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Takes `sudo`, `env`, assignments and namespace wrappers off; returns the inner command. */
function unwrap(argv: readonly string[]): { argv: readonly string[]; netns: string | null } {
  // The array itself when nothing is taken off (most commands): an attempt keeps its commands,
  // and their invocations for as long, so a copy would be kept twice.
  let a = argv;
  let netns: string | null = null;
  for (;;) {
    const head = a[0];
    if (head === undefined) break;
    if (head === 'sudo') {
      // With its options (-u USER, -E, --, …) and VAR=value words.
      a = sudoCommand(a.slice(1));
      continue;
    }
    if (head === 'env' || ASSIGN.test(head)) {
      a = a.slice(1);
      continue;
    }
    if (head === 'ip' && a[1] === 'netns' && a[2] === 'exec' && a[3] !== undefined) {
      netns = a[3];
      a = a.slice(4);
      continue;
    }
    if (head === 'ip' && (a[1] === '-n' || a[1] === '-netns' || a[1] === '--netns') && a[2] !== undefined) {
      netns = a[2];
      a = ['ip', ...a.slice(3)];
      continue;
    }
    break;
  }
  return { argv: a, netns };
}

/** Invocations named by a line, parsed statically (no expansion, `&&`/`||` not evaluated). */
function parsedInvocations(text: string, line: number, out: Invocation[], depth = 0): void {
  let pipelines;
  try {
    pipelines = parseLine(text);
  } catch {
    return;
  }
  for (const p of pipelines) {
    for (const cmd of p.commands) {
      const nested: string[] = [];
      const argv = cmd.map((w) => wordText(w, nested));
      const u = unwrap(argv);
      if (u.argv.length > 0) out.push({ argv: u.argv, netns: u.netns, line, ran: false });
      if (depth < 4) for (const n of nested) parsedInvocations(n, line, out, depth + 1);
    }
  }
}

/** Appends the invocations of history entry `i`. */
function entryInvocations(h: HistoryCommand, i: number, out: Invocation[]): void {
  if (h.ran === undefined) {
    parsedInvocations(h.line, i, out);
    return;
  }
  for (const argv of h.ran) {
    const u = unwrap(argv);
    if (u.argv.length > 0) out.push({ argv: u.argv, netns: u.netns, line: i, ran: true });
  }
}

/** How far a history was turned into invocations: its length then, and its last entry (to tell an append from a replacement). */
interface Made {
  out: Invocation[];
  count: number;
  last: HistoryCommand | undefined;
}

const made = new WeakMap<readonly HistoryCommand[], Made>();

/**
 * The invocations of a history: from `ran` when an entry has it, else parsed from its line
 * (lines the shell cannot parse give none).
 *
 * A learner's attempt is an array that only grows (a reset starts a new one), and it is graded
 * after every command: so the invocations of an array are kept, and when the same array comes
 * back longer only its new entries are parsed, appended to the same returned array. Memos of
 * what checks found (started.ts, the `ran` check) extend the same way, so grading after a command
 * costs what that command added, not the length of the history. An array that was shortened or
 * whose last seen entry was replaced is read again from the start into a new array.
 */
export function invocations(history: readonly HistoryCommand[]): Invocation[] {
  let m = made.get(history);
  if (m !== undefined && (history.length < m.count || (m.count > 0 && history[m.count - 1] !== m.last))) m = undefined;
  if (m === undefined) {
    m = { out: [], count: 0, last: undefined };
    made.set(history, m);
  }
  for (let i = m.count; i < history.length; i++) entryInvocations(history[i] as HistoryCommand, i, m.out);
  m.count = history.length;
  m.last = history[history.length - 1];
  return m.out;
}

/**
 * Memos over an invocation array that only grows (what `invocations` returns): `scan` sees each
 * invocation once, in order, and the state it builds is kept per array and per key. An array
 * that was shortened, or whose last seen invocation changed, is scanned again from the start.
 */
export function scanned<S>(history: readonly Invocation[], memo: WeakMap<readonly Invocation[], Map<string, Scan<S>>>, key: string, start: () => S, scan: (state: S, inv: Invocation, index: number) => void): S {
  let byKey = memo.get(history);
  if (byKey === undefined) {
    byKey = new Map();
    memo.set(history, byKey);
  }
  let s = byKey.get(key);
  if (s !== undefined && (history.length < s.count || (s.count > 0 && history[s.count - 1] !== s.last))) s = undefined;
  if (s === undefined) {
    s = { state: start(), count: 0, last: undefined };
    byKey.set(key, s);
  }
  for (let i = s.count; i < history.length; i++) scan(s.state, history[i] as Invocation, i);
  s.count = history.length;
  s.last = history[history.length - 1];
  return s.state;
}

/** What `scanned` keeps for one array and key. */
export interface Scan<S> {
  state: S;
  count: number;
  last: Invocation | undefined;
}

/** Equivalent commands in the two CLI dialects: openstack words (+ an option that selects the action) ↔ neutron subcommand. */
const DIALECTS: Array<{ os: string; opt?: string; neutron: string }> = [
  { os: 'network create', neutron: 'net-create' },
  { os: 'network delete', neutron: 'net-delete' },
  { os: 'network list', neutron: 'net-list' },
  { os: 'network show', neutron: 'net-show' },
  { os: 'network set', neutron: 'net-update' },
  { os: 'subnet create', neutron: 'subnet-create' },
  { os: 'subnet delete', neutron: 'subnet-delete' },
  { os: 'subnet list', neutron: 'subnet-list' },
  { os: 'subnet show', neutron: 'subnet-show' },
  { os: 'subnet set', neutron: 'subnet-update' },
  { os: 'subnet pool create', neutron: 'subnetpool-create' },
  { os: 'subnet pool delete', neutron: 'subnetpool-delete' },
  { os: 'subnet pool list', neutron: 'subnetpool-list' },
  { os: 'subnet pool show', neutron: 'subnetpool-show' },
  { os: 'port create', neutron: 'port-create' },
  { os: 'port delete', neutron: 'port-delete' },
  { os: 'port list', neutron: 'port-list' },
  { os: 'port show', neutron: 'port-show' },
  { os: 'port set', neutron: 'port-update' },
  { os: 'router create', neutron: 'router-create' },
  { os: 'router delete', neutron: 'router-delete' },
  { os: 'router list', neutron: 'router-list' },
  { os: 'router show', neutron: 'router-show' },
  { os: 'router add subnet', neutron: 'router-interface-add' },
  { os: 'router add port', neutron: 'router-interface-add' },
  { os: 'router remove subnet', neutron: 'router-interface-delete' },
  { os: 'router remove port', neutron: 'router-interface-delete' },
  { os: 'router set', opt: '--external-gateway', neutron: 'router-gateway-set' },
  { os: 'router unset', opt: '--external-gateway', neutron: 'router-gateway-clear' },
  { os: 'router set', neutron: 'router-update' },
  { os: 'floating ip create', neutron: 'floatingip-create' },
  { os: 'floating ip delete', neutron: 'floatingip-delete' },
  { os: 'floating ip list', neutron: 'floatingip-list' },
  { os: 'floating ip show', neutron: 'floatingip-show' },
  { os: 'floating ip set', opt: '--port', neutron: 'floatingip-associate' },
  { os: 'floating ip unset', opt: '--port', neutron: 'floatingip-disassociate' },
  { os: 'security group create', neutron: 'security-group-create' },
  { os: 'security group delete', neutron: 'security-group-delete' },
  { os: 'security group list', neutron: 'security-group-list' },
  { os: 'security group show', neutron: 'security-group-show' },
  { os: 'security group rule create', neutron: 'security-group-rule-create' },
  { os: 'security group rule delete', neutron: 'security-group-rule-delete' },
  { os: 'security group rule list', neutron: 'security-group-rule-list' },
];

/** The openstack words of each DIALECTS entry, split once (commandKey runs for every invocation). */
const DIALECT_WORDS: ReadonlyArray<{ d: (typeof DIALECTS)[number]; os: readonly string[] }> = DIALECTS.map((d) => ({ d, os: d.os.split(' ') }));

/** `ip` object abbreviations as iproute2 accepts them. */
const IP_OBJECTS: Array<[string, string]> = [
  ['address', 'a'],
  ['route', 'r'],
  ['link', 'l'],
  ['neighbour', 'n'],
  ['rule', 'ru'],
];

function ipObject(word: string): string {
  if (word === 'neigh') return 'neighbour';
  for (const [full, min] of IP_OBJECTS) {
    if (word.length >= min.length && full.startsWith(word)) return full;
  }
  return word;
}

/**
 * One command pattern the learner may have run: command words, then what must (or must not)
 * appear among the arguments. Written by an instructor as `words… [--opt] [--opt=VALUE] [!--opt] [arg]`.
 */
export interface Pattern {
  words: string[];
  /** Options that must appear (with any value). */
  options: string[];
  /** Options that must appear with this value (`--opt=VALUE` in the pattern; `--opt VALUE` or `--opt=VALUE` in the command). */
  values: Array<[string, string]>;
  /** Options that must not appear (`!--opt` in the pattern): a filter pointing elsewhere is a near miss. */
  absent: string[];
  /** Other tokens that must appear among the arguments (alone, or as the value of `x=ARG`). */
  args: string[];
}

function optName(tok: string): string {
  const i = tok.indexOf('=');
  return tok.startsWith('-') && i > 0 ? tok.slice(0, i) : tok;
}

/** Normalises an argv for matching: global openstack/neutron options off, `ip` objects spelled out. */
export function normalise(argv: readonly string[]): readonly string[] {
  const [head, ...rest] = argv;
  if (head === undefined) return [];
  if (head === 'openstack' || head === 'neutron') {
    const out: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const t = rest[i] as string;
      if (out.length === 0 && t.startsWith('--os-')) {
        if (!t.includes('=')) i++;
        continue;
      }
      if (out.length === 0 && (t === '--debug' || t === '-v' || t === '-q' || t === '--insecure')) continue;
      out.push(t);
    }
    return [head, ...out];
  }
  if (head === 'ip') {
    const flags: string[] = [];
    let i = 0;
    while (i < rest.length && (rest[i] as string).startsWith('-')) flags.push(rest[i++] as string);
    const obj = rest[i];
    if (obj === undefined) return ['ip', ...flags];
    return ['ip', ipObject(obj), ...rest.slice(i + 1), ...flags];
  }
  return argv;
}

/** Parses a pattern written by an instructor, e.g. `openstack port list --long` or `iptables-save`. */
export function parsePattern(text: string): Pattern {
  const raw = text.trim().split(/\s+/).filter((t) => t !== '');
  const absent = raw.filter((t) => t.startsWith('!-')).map((t) => optName(t.slice(1)));
  const toks = normalise(raw.filter((t) => !t.startsWith('!-')));
  const words: string[] = [];
  let i = 0;
  while (i < toks.length && !(toks[i] as string).startsWith('-')) words.push(toks[i++] as string);
  const options: string[] = [];
  const values: Array<[string, string]> = [];
  const args: string[] = [];
  for (; i < toks.length; i++) {
    const t = toks[i] as string;
    if (t.startsWith('-')) {
      options.push(optName(t));
      if (optName(t) !== t) values.push([optName(t), t.slice(optName(t).length + 1)]);
    } else args.push(t);
  }
  return { words, options, values, absent, args };
}

/** Whether `rest` gives option `o` the value `v` (`--o v` or `--o=v`). */
function hasValue(rest: readonly string[], o: string, v: string): boolean {
  return rest.some((t, k) => t === `${o}=${v}` || (t === o && rest[k + 1] === v));
}

function matchSameDialect(p: Pattern, argv: readonly string[]): boolean {
  if (argv.length < p.words.length) return false;
  for (let i = 0; i < p.words.length; i++) if (argv[i] !== p.words[i]) return false;
  const rest = argv.slice(p.words.length);
  const opts = new Set(rest.map(optName));
  return (
    p.options.every((o) => opts.has(o)) &&
    p.values.every(([o, v]) => hasValue(rest, o, v)) &&
    p.absent.every((o) => !opts.has(o)) &&
    p.args.every((a) => rest.some((t) => t === a || t.endsWith(`=${a}`)))
  );
}

/**
 * Patterns of the other dialect that mean the same action as `p`. Words after the action
 * (`openstack network show ext-net1`) and positional arguments carry over as arguments that must
 * appear (`neutron net-show ext-net1`); options do not (the dialects name them differently).
 */
function equivalents(p: Pattern): Pattern[] {
  const [head, ...words] = p.words;
  if (head === 'openstack') {
    const hits = DIALECT_WORDS.filter(({ d, os }) => os.every((w, i) => words[i] === w) && (d.opt === undefined || p.options.includes(d.opt)));
    // The most specific entry wins (`router set --external-gateway` over `router set`).
    const best = hits.find((h) => h.d.opt !== undefined) ?? hits[0];
    if (best === undefined) return [];
    const extra = words.slice(best.os.length);
    return [{ words: ['neutron', best.d.neutron], options: [], values: [], absent: [], args: [...extra, ...p.args] }];
  }
  if (head === 'neutron') {
    return DIALECTS.filter((d) => words[0] === d.neutron).map((d) => ({
      words: ['openstack', ...d.os.split(' ')],
      options: d.opt !== undefined ? [d.opt] : [],
      values: [],
      absent: [],
      args: [...words.slice(1), ...p.args],
    }));
  }
  return [];
}

const OSC_VERBS = new Set(['list', 'show', 'create', 'delete', 'set', 'unset', 'add', 'remove']);

/**
 * The command an argv runs, whatever its options and arguments, the same in both dialects:
 * `neutron router-gateway-set …` and `openstack router set --external-gateway …` both give
 * `neutron router-gateway-set`; `ip a` and `ip -4 address show` give `ip address`; other
 * programs their name. Used to tell whether the learner has tried what a `ran` check looks at.
 */
export function commandKey(argv: readonly string[]): string {
  const a = normalise([...argv]);
  const [head, ...rest] = a;
  if (head === undefined) return '';
  if (head === 'neutron') return `neutron ${rest.find((t) => !t.startsWith('-')) ?? ''}`;
  if (head === 'ip') return `ip ${a[1] ?? ''}`;
  if (head !== 'openstack') return head;
  const words = rest.filter((t) => !t.startsWith('-'));
  const opts = rest.filter((t) => t.startsWith('-')).map(optName);
  const hits = DIALECT_WORDS.filter(({ d, os }) => os.every((w, i) => words[i] === w) && (d.opt === undefined || opts.includes(d.opt)));
  const best = hits.find((h) => h.d.opt !== undefined) ?? hits[0];
  if (best !== undefined) return `neutron ${best.d.neutron}`;
  const verb = words.findIndex((w) => OSC_VERBS.has(w));
  return ['openstack', ...(verb < 0 ? words : words.slice(0, verb + 1))].join(' ');
}

/** The command key of a pattern (see commandKey). */
export function patternKey(p: Pattern): string {
  return commandKey([...p.words, ...p.options]);
}

/**
 * Whether an invocation matches the instructor's pattern, in its own dialect or (unless
 * `translate` is false) the other one.
 */
export function matches(pattern: Pattern, inv: Invocation, translate = true): boolean {
  const argv = normalise(inv.argv);
  if (matchSameDialect(pattern, argv)) return true;
  return translate && equivalents(pattern).some((e) => matchSameDialect(e, argv));
}

/**
 * Whether an invocation matches any of a check's patterns. When the patterns already spell out
 * both dialects (`openstack …` and `neutron …`), each matches its own only: the instructor said
 * what counts in each, and a translation would drop the options (`!--network`, `--long`) that
 * make the difference.
 */
export function matchesAny(patterns: readonly Pattern[], inv: Invocation): boolean {
  return patternsMatcher(patterns)(inv);
}

/**
 * matchesAny with its patterns' translations worked out once, for matching many invocations
 * (the same answers as matchesAny for each).
 */
export function patternsMatcher(patterns: readonly Pattern[]): (inv: Invocation) => boolean {
  const heads = new Set(patterns.map((p) => p.words[0]));
  const translate = !(heads.has('openstack') && heads.has('neutron'));
  const all = patterns.flatMap((p) => [p, ...(translate ? equivalents(p) : [])]);
  return (inv) => {
    const argv = normalise(inv.argv);
    return all.some((p) => matchSameDialect(p, argv));
  };
}
