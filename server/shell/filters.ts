/** The text filters learners pipe into: grep, head, tail, wc, sort, uniq, cut, less/more, cat. */
import { COST } from './limits.js';
import { compileGrep, PatternError, wordSpan, type GrepRegex } from './regex.js';
import { ownValue } from '../sim/objects.js';
import type { CommandOutput } from '../render/output.js';

export type FilterResult = CommandOutput;

const done = (stdout: string, exitCode = 0): FilterResult => ({ stdout, stderr: '', exitCode });
const err = (stderr: string, exitCode = 2): FilterResult => ({ stdout: '', stderr, exitCode });

function lines(text: string): string[] {
  if (text === '') return [];
  const ls = text.split('\n');
  if (ls[ls.length - 1] === '') ls.pop();
  return ls;
}

const join = (ls: string[]) => (ls.length ? `${ls.join('\n')}\n` : '');

const GREP_USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";

/** GNU grep's default GREP_COLORS: the match (`ms=01;31`), the line number (`ln=32`), the separator (`se=36`); each ends by erasing to the line's end. */
const GREP_SGR = { match: '\x1b[01;31m\x1b[K', line: '\x1b[32m\x1b[K', sep: '\x1b[36m\x1b[K', end: '\x1b[m\x1b[K' };

/** `--color[=WHEN]`: whether to colour, or null when WHEN is not one grep knows. */
function grepColor(a: string, tty: boolean): boolean | null {
  const when = a.includes('=') ? a.slice(a.indexOf('=') + 1) : 'auto';
  if (['always', 'yes', 'force'].includes(when)) return true;
  if (['never', 'no', 'none'].includes(when)) return false;
  if (['auto', 'tty', 'if-tty'].includes(when)) return tty;
  return null;
}

/** `tty`: grep's output is the terminal (for --color=auto). */
function grep(args: string[], input: string, charge: Charge, tty = false): FilterResult {
  let invert = false;
  let color = false;
  let ignore = false;
  let matcherFlag: string | null = null;
  let count = false;
  let number = false;
  let word = false;
  let only = false;
  let quiet = false;
  const patterns: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      for (const rest of args.slice(i + 1)) (patterns.length === 0 ? patterns : files).push(rest);
      break;
    }
    if (/^--colou?r(=|$)/.test(a)) {
      const c = grepColor(a, tty);
      if (c === null) return err(GREP_USAGE, 2);
      color = c;
    } else if (a === '-e') {
      const p = args[++i];
      if (p === undefined) return err(`grep: option requires an argument -- 'e'\n${GREP_USAGE}`);
      patterns.push(p);
    } else if (/^-[a-zA-Z]+$/.test(a)) {
      for (const f of a.slice(1)) {
        if (f === 'v') invert = true;
        else if (f === 'i') ignore = true;
        else if (f === 'E' || f === 'F' || f === 'G') {
          if (matcherFlag !== null && matcherFlag !== f) return err('grep: conflicting matchers specified\n');
          matcherFlag = f;
        } else if (f === 'c') count = true;
        else if (f === 'n') number = true;
        else if (f === 'w') word = true;
        else if (f === 'o') only = true;
        else if (f === 'q') quiet = true;
        else if (f === 's' || f === 'H' || f === 'h') continue;
        else return err(`grep: invalid option -- '${f}'\n${GREP_USAGE}`);
      }
    } else if (patterns.length === 0) patterns.push(a);
    else files.push(a);
  }
  if (patterns.length === 0) return err(GREP_USAGE);
  const extended = matcherFlag === 'E';
  const fixed = matcherFlag === 'F';
  if (files.length > 0) return err(`grep: ${files[0]}: No such file or directory\n`);
  // A pattern with newlines is several patterns, as in GNU grep.
  const all = patterns.flatMap((p) => p.split('\n'));
  charge(all.reduce((n, p) => n + p.length, 0) * COST.patternChar);
  let compiled: GrepRegex;
  try {
    compiled = compileGrep(all, { extended, fixed, ignoreCase: ignore, word }, (size) => charge(size * COST.regexInstruction));
  } catch (e) {
    if (e instanceof PatternError) return err(`grep: ${e.message}\n`);
    throw e;
  }
  const { re, inner } = compiled;
  const warnings = compiled.warnings.map((w) => `grep: warning: ${w}\n`).join('');
  // Matching is linear in the line, times the program's size when the DFA gives up (-o runs
  // the slower matcher that finds where matches are).
  charge(input.length * (1 + compiled.size) * (only ? 4 : 1));
  const out: string[] = [];
  const matcher = (only || color) && !invert ? re.matcher('') : null;
  const num = (n: number) => (color ? `${GREP_SGR.line}${n}${GREP_SGR.end}${GREP_SGR.sep}:${GREP_SGR.end}` : `${n}:`);
  const paint = (t: string) => (color ? `${GREP_SGR.match}${t}${GREP_SGR.end}` : t);
  let matched = 0;
  let idx = 0;
  const ls = lines(input);
  charge(ls.length * COST.regexLine);
  for (const l of ls) {
    idx++;
    const hit = re.test(l);
    if (hit === invert) continue;
    matched++;
    if (quiet || count) continue;
    if (matcher) {
      // Every non-empty match, leftmost-longest, as GNU grep -o prints them (and colours them).
      matcher.resetMatcherInput(l);
      let pos = 0;
      let shown = 0;
      let painted = number ? num(idx) : '';
      while (pos <= l.length && matcher.find(pos)) {
        charge(inner ? 3 * COST.regexMatch : COST.regexMatch);
        const span: [number, number] | null = inner ? wordSpan(l, matcher.start(), matcher.end(), inner) : [matcher.start(), matcher.end()];
        if (span === null) {
          pos = matcher.start() + 1;
          continue;
        }
        const [s, e] = span;
        if (e > s && only) out.push(`${number ? num(idx) : ''}${paint(l.slice(s, e))}`);
        if (e > s && !only) {
          painted += l.slice(shown, s) + paint(l.slice(s, e));
          shown = e;
        }
        pos = e > s ? e : s + 1;
      }
      if (!only) out.push(painted + l.slice(shown));
    } else if (!only) out.push(number ? `${num(idx)}${l}` : l);
  }
  const code = matched > 0 ? 0 : 1;
  if (quiet) return { stdout: '', stderr: warnings, exitCode: code };
  if (count) return { stdout: `${matched}\n`, stderr: warnings, exitCode: code };
  return { stdout: join(out), stderr: warnings, exitCode: code };
}

function countArg(args: string[], name: string): { n: number; fromStart?: boolean } | FilterResult {
  let n = 10;
  let fromStart = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    let v: string | undefined;
    if (a === '-n') v = args[++i];
    else if (a.startsWith('-n')) v = a.slice(2);
    else if (/^-\d+$/.test(a)) v = a.slice(1);
    else return err(`${name}: cannot open '${a}' for reading: No such file or directory\n`, 1);
    if (v === undefined || !/^[+-]?\d+$/.test(v)) return err(`${name}: invalid number of lines: '${v ?? ''}'\n`, 1);
    if (v.startsWith('+')) fromStart = true;
    // Any count past the input's length is the whole input (Number stays finite for 300 digits).
    n = Math.abs(Number(v));
  }
  return { n, fromStart };
}

/** The first n lines of text, found without splitting all of it. */
function firstLines(text: string, n: number): string {
  let end = 0;
  for (let k = 0; k < n; k++) {
    const nl = text.indexOf('\n', end);
    if (nl < 0) return join(lines(text));
    end = nl + 1;
  }
  return text.slice(0, end);
}

function head(args: string[], input: string): FilterResult {
  const c = countArg(args, 'head');
  if ('exitCode' in c) return c;
  return done(firstLines(input, c.n));
}

function tail(args: string[], input: string, charge: Charge): FilterResult {
  const c = countArg(args, 'tail');
  if ('exitCode' in c) return c;
  const ls = lines(input);
  charge(ls.length * COST.filterLine);
  return done(join(c.fromStart ? ls.slice(Math.max(0, c.n - 1)) : c.n === 0 ? [] : ls.slice(-c.n)));
}

/** UTF-8 length of a string (what wc -c counts), without encoding it. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** JavaScript's \s (what wc has counted words by here), without a regex per character. */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * The one-letter options of a coreutils filter's arguments: clustered short ones (`-rn`), and the
 * long ones it knows by their letter (`--numeric-sort` is n, not the letters of its name); other
 * long options, and operands, are left out. `-` alone is standard input.
 */
function optionLetters(args: readonly string[], long: Readonly<Record<string, string>>): Set<string> {
  const out = new Set<string>();
  for (const a of args) {
    if (a.startsWith('--')) {
      const l = ownValue(long, a);
      if (l !== undefined) out.add(l);
    } else if (a.startsWith('-') && a !== '-') for (const ch of a.slice(1)) out.add(ch);
  }
  return out;
}

/** The columns a line takes on a terminal, as wc -L counts them: tabs to the next multiple of 8. */
function lineWidth(line: string): number {
  let w = 0;
  for (const ch of line) w = ch === '\t' ? w + 8 - (w % 8) : w + 1;
  return w;
}

function wc(args: string[], input: string): FilterResult {
  const o = optionLetters(args, { '--lines': 'l', '--words': 'w', '--chars': 'm', '--bytes': 'c', '--max-line-length': 'L' });
  const want = { l: o.has('l'), w: o.has('w'), m: o.has('m'), c: o.has('c'), L: o.has('L') };
  const all = !want.l && !want.w && !want.m && !want.c && !want.L;
  let l = 0;
  if (all || want.l) for (let i = input.indexOf('\n'); i >= 0; i = input.indexOf('\n', i + 1)) l++;
  let w = 0;
  if (all || want.w) {
    let inWord = false;
    for (let i = 0; i < input.length; i++) {
      const space = isSpace(input.charCodeAt(i));
      if (!space && !inWord) w++;
      inWord = !space;
    }
  }
  const c = all || want.c ? utf8Length(input) : 0;
  if (all) return done(`${String(l).padStart(7)} ${String(w).padStart(7)} ${String(c).padStart(7)}\n`);
  let m = 0;
  if (want.m) for (const _ of input) m++;
  const L = want.L ? input.split('\n').reduce((max, line) => Math.max(max, lineWidth(line)), 0) : 0;
  // coreutils' order: lines, words, characters, bytes, longest line.
  const parts = [want.l ? l : null, want.w ? w : null, want.m ? m : null, want.c ? c : null, want.L ? L : null].filter((x): x is number => x !== null);
  return done(parts.length === 1 ? `${parts[0]}\n` : `${parts.map((x) => String(x).padStart(7)).join(' ')}\n`);
}

// Collators made once: String.prototype.localeCompare with options builds one on every call.
const COLLATE = new Intl.Collator('en', { sensitivity: 'variant' });
const COLLATE_FOLD = new Intl.Collator('en', { sensitivity: 'base' });

/** sort -n's key: the number a line starts with (after blanks), a line with none is 0. */
function numericKey(line: string): number {
  const m = /^[ \t]*(-?(?:\d+(?:\.\d*)?|\.\d+))/.exec(line);
  return m ? Number.parseFloat(m[1] as string) : 0;
}

function sort(args: string[], input: string, charge: Charge): FilterResult {
  const o = optionLetters(args, { '--numeric-sort': 'n', '--general-numeric-sort': 'n', '--reverse': 'r', '--unique': 'u', '--ignore-case': 'f' });
  let ls = lines(input);
  charge(ls.length * (COST.filterLine + Math.ceil(Math.log2(ls.length + 1)) * COST.sortCompare));
  if (o.has('n') || o.has('g')) {
    // Equal numbers (every line without one is 0) fall back to the whole lines, as sort does.
    const keys = new Map(ls.map((l) => [l, numericKey(l)]));
    ls.sort((a, b) => (keys.get(a) as number) - (keys.get(b) as number) || COLLATE.compare(a, b));
  } else ls.sort((o.has('f') ? COLLATE_FOLD : COLLATE).compare);
  if (o.has('r')) ls.reverse();
  if (o.has('u')) ls = ls.filter((l, i) => i === 0 || l !== ls[i - 1]);
  return done(join(ls));
}

function uniq(args: string[], input: string, charge: Charge): FilterResult {
  const ls = lines(input);
  charge(ls.length * COST.filterLine);
  const o = optionLetters(args, { '--count': 'c', '--repeated': 'd', '--unique': 'u', '--ignore-case': 'i' });
  const same = o.has('i') ? (a: string, b: string) => a.toLowerCase() === b.toLowerCase() : (a: string, b: string) => a === b;
  let groups: Array<[string, number]> = [];
  for (const l of ls) {
    const last = groups[groups.length - 1];
    if (last && same(last[0], l)) last[1]++;
    else groups.push([l, 1]);
  }
  // -d: one line of each group of several; -u: the lines no other repeats; both: none.
  if (o.has('d')) groups = groups.filter(([, n]) => n > 1);
  if (o.has('u')) groups = groups.filter(([, n]) => n === 1);
  if (o.has('c')) return done(join(groups.map(([l, n]) => `${String(n).padStart(7)} ${l}`)));
  return done(join(groups.map(([l]) => l)));
}

const CUT_TRY = "Try 'cut --help' for more information.\n";
const cutFail = (msg: string): FilterResult => err(`cut: ${msg}\n${CUT_TRY}`, 1);

/**
 * A cut list (`1,3-5,7-`) as sorted, merged [from, to] ranges, `to` Infinity for an open end:
 * never one entry per position, so `-f 1-300000000` costs what `-f 1-3` does. Errors are
 * coreutils 9.1's set_fields.
 */
function cutList(spec: string, positions: boolean): Array<[number, number]> | string {
  const numberedFrom1 = positions ? 'byte/character positions are numbered from 1' : 'fields are numbered from 1';
  const ranges: Array<[number, number]> = [];
  let lhs = false;
  let rhs = false;
  let dash = false;
  let initial = 1;
  let value = 0;
  let digits = '';
  for (let i = 0; ; i++) {
    const c = spec[i];
    if (c === '-') {
      if (dash) return positions ? 'invalid byte or character range' : 'invalid field range';
      dash = true;
      if (lhs && value === 0) return numberedFrom1;
      initial = lhs ? value : 1;
      value = 0;
      digits = '';
    } else if (c === undefined || c === ',' || c === ' ' || c === '\t') {
      if (dash) {
        dash = false;
        if (!lhs && !rhs) return 'invalid range with no endpoint: -';
        if (!rhs) ranges.push([initial, Infinity]);
        else {
          if (value < initial) return 'invalid decreasing range';
          ranges.push([initial, value]);
        }
      } else {
        if (value === 0) return numberedFrom1;
        ranges.push([value, value]);
      }
      value = 0;
      digits = '';
      if (c === undefined) break;
      lhs = rhs = false;
    } else if (c >= '0' && c <= '9') {
      if (dash) rhs = true;
      else lhs = true;
      digits += c;
      // UINTMAX_MAX and beyond are too large; below it a double is exact enough to order ranges.
      const d = digits.replace(/^0+/, '');
      if (d.length > 20 || (d.length === 20 && d >= '18446744073709551615')) {
        const bad = /^\d*/.exec(spec.slice(i - digits.length + 1))?.[0] ?? digits;
        return positions ? `byte/character offset '${bad}' is too large` : `field number '${bad}' is too large`;
      }
      value = Number(d || '0');
    } else {
      return positions ? `invalid byte/character position '${spec.slice(i)}'` : `invalid field value '${spec.slice(i)}'`;
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    // Overlapping ranges merge, adjacent ones stay apart (--output-delimiter goes between them).
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** The positions 1..∞ not in the ranges (--complement). */
function complement(ranges: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let next = 1;
  for (const [a, b] of ranges) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next !== Infinity) out.push([next, Infinity]);
  return out;
}

/**
 * The fields of a line in the ranges: each range is found with indexOf and copied as one slice,
 * so nothing past the last range is looked at and `-f 2-` is one copy.
 */
function cutFields(line: string, delim: string, ranges: Array<[number, number]>, outDelim: string): string {
  const picked: string[] = [];
  // Field k starts at `start`.
  let k = 1;
  let start = 0;
  for (const [from, to] of ranges) {
    for (; k < from; k++) {
      const end = line.indexOf(delim, start);
      if (end < 0) return picked.join(outDelim);
      start = end + delim.length;
    }
    // Where field `to` ends (-1: the end of the line).
    let end = to === Infinity ? -1 : line.indexOf(delim, start);
    for (; end >= 0 && k < to; k++) end = line.indexOf(delim, end + delim.length);
    const text = end < 0 ? line.slice(start) : line.slice(start, end);
    picked.push(outDelim === delim ? text : text.split(delim).join(outDelim));
    if (end < 0) break;
    start = end + delim.length;
    k++;
  }
  return picked.join(outDelim);
}

const UTF8 = new TextEncoder();
const FROM_UTF8 = new TextDecoder();

const NOT_ASCII = /[^\x00-\x7f]/;

/** Bytes of a line in the ranges (coreutils' -c counts bytes too); broken characters show as U+FFFD. */
function cutBytes(line: string, ranges: Array<[number, number]>, outDelim: string | null, charge: Charge): string {
  const parts: string[] = [];
  if (!NOT_ASCII.test(line)) {
    // One byte a character.
    for (const [a, b] of ranges) {
      if (a > line.length) break;
      parts.push(line.slice(a - 1, b));
    }
    return parts.join(outDelim ?? '');
  }
  charge(COST.utf8Line);
  const bytes = UTF8.encode(line);
  for (const [a, b] of ranges) {
    if (a > bytes.length) break;
    parts.push(FROM_UTF8.decode(bytes.subarray(a - 1, Math.min(b, bytes.length))));
  }
  return parts.join(outDelim ?? '');
}

function cut(args: string[], input: string, charge: Charge): FilterResult {
  let mode: 'b' | 'c' | 'f' | null = null;
  let spec = '';
  let delim: string | null = null;
  let outDelim: string | null = null;
  let onlyDelimited = false;
  let invert = false;
  const files: string[] = [];
  const setList = (m: 'b' | 'c' | 'f', v: string): string | null => {
    if (mode !== null) return 'only one list may be specified';
    mode = m;
    spec = v;
    return null;
  };
  const setDelim = (v: string): string | null => {
    if (utf8Length(v) > 1) return 'the delimiter must be a single character';
    delim = v === '' ? '\0' : v;
    return null;
  };
  const LONG: Record<string, string> = { '--bytes': 'b', '--characters': 'c', '--fields': 'f', '--delimiter': 'd', '--output-delimiter': 'O', '--only-delimited': 's', '--complement': 'C' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-' || !a.startsWith('-')) {
      files.push(a);
      continue;
    }
    if (a === '--') {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      const opt = LONG[name];
      if (opt === undefined) return err(`cut: unrecognized option '${a}'\n${CUT_TRY}`, 1);
      if (opt === 's' || opt === 'C') {
        if (opt === 's') onlyDelimited = true;
        else invert = true;
        continue;
      }
      const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined) return err(`cut: option '${name}' requires an argument\n${CUT_TRY}`, 1);
      const problem = opt === 'd' ? setDelim(v) : opt === 'O' ? ((outDelim = v), null) : setList(opt as 'b' | 'c' | 'f', v);
      if (problem) return cutFail(problem);
      continue;
    }
    for (let k = 1; k < a.length; k++) {
      const f = a[k] as string;
      if (f === 's') onlyDelimited = true;
      else if (f === 'n' || f === 'z') continue;
      else if (f === 'b' || f === 'c' || f === 'f' || f === 'd') {
        const v = k + 1 < a.length ? a.slice(k + 1) : args[++i];
        if (v === undefined) return err(`cut: option requires an argument -- '${f}'\n${CUT_TRY}`, 1);
        const problem = f === 'd' ? setDelim(v) : setList(f, v);
        if (problem) return cutFail(problem);
        break;
      } else return err(`cut: invalid option -- '${f}'\n${CUT_TRY}`, 1);
    }
  }
  if (mode === null) return cutFail('you must specify a list of bytes, characters, or fields');
  if (delim !== null && mode !== 'f') return cutFail('an input delimiter may be specified only when operating on fields');
  if (onlyDelimited && mode !== 'f') return cutFail('suppressing non-delimited lines makes sense\n\tonly when operating on fields');
  const list = cutList(spec, mode !== 'f');
  if (typeof list === 'string') return cutFail(list);
  const ranges = invert ? complement(list) : list;
  // Files other than stdin do not exist on this machine; stdin is still read.
  const missing = files.filter((f) => f !== '-');
  const stderr = missing.map((f) => `cut: ${f}: No such file or directory\n`).join('');
  if (missing.length > 0 && missing.length === files.length) return { stdout: '', stderr, exitCode: 1 };
  const d: string = delim ?? '\t';
  const out: string[] = [];
  const ls = lines(input);
  charge(ls.length * (COST.filterLine + COST.cutLine));
  for (const l of ls) {
    if (mode !== 'f') out.push(cutBytes(l, ranges, outDelim, charge));
    else if (!l.includes(d)) {
      if (!onlyDelimited) out.push(l);
    } else out.push(cutFields(l, d, ranges, outDelim ?? d));
  }
  return { stdout: join(out), stderr, exitCode: missing.length > 0 ? 1 : 0 };
}

/**
 * Charges work units (see limits.ts) before a filter does the work; throws when the line is
 * over its budget. The default charges nothing (unit tests of the filters alone).
 */
export type Charge = (units: number) => void;

const free: Charge = () => {};

/** Runs a filter on piped input; null when `name` is not one of them. */
export function runFilter(name: string, args: string[], input: string, charge: Charge = free, tty = false): FilterResult | null {
  // Every filter reads its whole input at least once.
  if (FILTERS.includes(name)) charge(input.length * COST.filterChar);
  switch (name) {
    case 'grep':
      return grep(args, input, charge, tty);
    case 'egrep':
      return grep(['-E', ...args], input, charge, tty);
    case 'head':
      return head(args, input);
    case 'tail':
      return tail(args, input, charge);
    case 'wc':
      charge(input.length * COST.wcChar);
      return wc(args, input);
    case 'sort':
      return sort(args, input, charge);
    case 'uniq':
      return uniq(args, input, charge);
    case 'cut':
      return cut(args, input, charge);
    case 'less':
    case 'more':
    case 'cat':
      return args.length === 0 ? done(input) : null;
    default:
      return null;
  }
}

export const FILTERS = ['grep', 'egrep', 'head', 'tail', 'wc', 'sort', 'uniq', 'cut', 'less', 'more'];
