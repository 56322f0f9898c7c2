/**
 * GNU grep's regular expressions (POSIX basic and extended, with GNU's extensions) translated to
 * RE2 syntax and compiled with re2js, which matches in time linear in the input: no pattern a
 * learner types can backtrack catastrophically (`grep -E '(a+)+$'` took seconds with RegExp).
 * Errors and warnings are GNU grep 3.8's (Debian 12), found by trying each case on the real tool.
 */
import { RE2JS } from 're2js';

/** A pattern grep refuses; the message is what GNU grep prints after `grep: `. */
export class PatternError extends Error {}

/**
 * RE2 program size (about one instruction per character of the pattern, times counted repeats)
 * above which grep says "Regular expression too big": compiling costs 2–4 µs an instruction
 * and matching a line can cost its length times the program size, so the size is bounded (a
 * 4 KiB line of `a{1000}` would be 500,000 instructions).
 */
export const MAX_PROGRAM = 2000;

/** GNU's RE_DUP_MAX: a larger count is "Regular expression too big" in GNU grep too. */
const DUP_MAX = 32767;
/** RE2 refuses counted repeats above 1000. */
const RE2_DUP_MAX = 1000;

const CLASSES = new Set([
  'alpha',
  'upper',
  'lower',
  'digit',
  'xdigit',
  'space',
  'print',
  'punct',
  'graph',
  'cntrl',
  'blank',
  'alnum',
]);

export interface Translated {
  /** The pattern in RE2 syntax. */
  source: string;
  /** Estimated program size (instructions). */
  size: number;
  /** Uses `\<` or `\>`, which need re2js's lookbehinds. */
  lookbehind: boolean;
  /** Warnings GNU grep prints before it goes on (`* at start of expression`). */
  warnings: string[];
}

/** One literal character as RE2 source (outside a bracket expression). */
function literal(c: string): string {
  const code = c.charCodeAt(0);
  // Letters, digits and anything beyond ASCII stand for themselves; ASCII punctuation is escaped.
  if (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    c === '_' ||
    c === ' ' ||
    code > 127
  )
    return c;
  return code < 32 || code === 127 ? `\\x{${code.toString(16)}}` : `\\${c}`;
}

/** One character inside an RE2 bracket expression. */
function classChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code > 127
  )
    return c;
  return `\\x{${code.toString(16)}}`;
}

interface Frame {
  /** The group's source so far (the alternatives done and the atoms before the pending one). */
  src: string;
  /** Size of the finished alternatives. */
  total: number;
  /** Size of the current alternative. */
  cur: number;
}

/**
 * A parse of one pattern, BRE or ERE, into RE2 source (see translate). The output is only ever
 * concatenated (V8 ropes): wrapping the last atom in a group never copies what came before.
 */
class Translator {
  readonly frames: Frame[] = [];
  top: Frame = { src: '', total: 0, cur: 0 };
  /** The last atom's source, still open to a repetition; '' when there is none to repeat. */
  last = '';
  lastSize = 0;
  /** The last atom cannot take a repetition as is in RE2 (a repetition or an assertion). */
  lastWrap = false;
  /** At the start of an expression: the pattern's, a group's or an alternative's. */
  atStart = true;
  groups = 0;
  lookbehind = false;
  readonly warnings: string[] = [];
  i = 0;
  /** Atoms and operators so far: each is an instruction at least, so past MAX_PROGRAM it is too big. */
  items = 0;

  constructor(
    readonly p: string,
    readonly ere: boolean,
  ) {}

  count(): void {
    if (++this.items > MAX_PROGRAM) throw new PatternError('Regular expression too big');
  }

  atom(src: string, size = 1, wrap = false): void {
    this.count();
    this.top.src += this.last;
    this.last = src;
    this.lastSize = size;
    this.lastWrap = wrap;
    this.top.cur += size;
    this.atStart = false;
  }

  /** An anchor: repeatable only inside a group, and `^` keeps the start of the expression. */
  anchor(src: string): void {
    const start = this.atStart;
    this.atom(src, 1, true);
    if (src === '^') this.atStart = start;
  }

  repeat(min: number, max: number): void {
    // max -1: no upper bound.
    if (max > RE2_DUP_MAX || min > RE2_DUP_MAX)
      throw new PatternError('Regular expression too big');
    this.count();
    const op =
      min === 0 && max === -1
        ? '*'
        : min === 1 && max === -1
          ? '+'
          : min === 0 && max === 1
            ? '?'
            : max === -1
              ? `{${min},}`
              : min === max
                ? `{${min}}`
                : `{${min},${max}}`;
    this.last = (this.lastWrap ? `(?:${this.last})` : this.last) + op;
    // RE2 copies the repeated atom as many times as the count says.
    const copies = Math.max(1, max === -1 ? min + 1 : max);
    this.top.cur += this.lastSize * (copies - 1) + 1;
    this.lastSize = this.lastSize * copies + 1;
    this.lastWrap = true;
  }

  open(): void {
    this.count();
    this.top.src += this.last;
    this.last = '';
    this.frames.push(this.top);
    this.top = { src: '', total: 0, cur: 0 };
    this.groups++;
    this.atStart = true;
  }

  close(): void {
    const inner = this.top;
    const parent = this.frames.pop() as Frame;
    this.top = parent;
    const size = inner.total + inner.cur + 1;
    parent.cur += size;
    this.last = `(?:${inner.src}${this.last})`;
    this.lastSize = size;
    this.lastWrap = false;
    this.atStart = false;
  }

  alternate(): void {
    this.count();
    this.top.total += this.top.cur + 1;
    this.top.cur = 0;
    this.top.src += `${this.last}|`;
    this.last = '';
    this.atStart = true;
  }

  /**
   * An interval at this.i (just after `{` or `\{`), glibc's parse_dup_op: its [min, max], or
   * null when an ERE's malformed interval is an ordinary `{`.
   */
  interval(): [number, number] | null {
    const p = this.p;
    const close = this.ere ? '}' : '\\}';
    // fetch_number: -1 no digits, -2 something else (or the end of the pattern).
    const number = (): { n: number; stop: string } => {
      let n = -1;
      for (;;) {
        if (this.i >= p.length) return { n: -2, stop: 'end' };
        if (p.startsWith(close, this.i)) {
          this.i += close.length;
          return { n, stop: 'close' };
        }
        const c = p[this.i] as string;
        this.i++;
        if (c === ',') return { n, stop: ',' };
        // In a BRE a backslash pair is one token.
        if (c === '\\' && !this.ere && this.i < p.length) this.i++;
        n =
          c < '0' || c > '9' || n === -2
            ? -2
            : n === -1
              ? Number(c)
              : Math.min(DUP_MAX + 1, n * 10 + Number(c));
      }
    };
    const begin = this.i;
    const first = number();
    let min = first.n;
    let max = -2;
    if (min === -1) {
      if (first.stop === ',') min = 0;
      else throw new PatternError('Invalid content of \\{\\}');
    }
    let stop = first.stop;
    if (min !== -2) {
      if (first.stop === 'close') max = min;
      else if (first.stop === ',') {
        const second = number();
        max = second.n;
        stop = second.stop;
      }
    }
    if (min === -2 || max === -2) {
      if (this.ere) {
        this.i = begin;
        return null;
      }
      throw new PatternError(stop === 'end' ? 'Unmatched \\{' : 'Invalid content of \\{\\}');
    }
    if ((max !== -1 && min > max) || stop !== 'close')
      throw new PatternError('Invalid content of \\{\\}');
    if ((max === -1 ? min : max) > DUP_MAX) throw new PatternError('Regular expression too big');
    return [min, max];
  }

  /** A bracket expression; this.i is just after `[`. */
  bracket(): void {
    const p = this.p;
    let i = this.i;
    let negate = false;
    if (p[i] === '^') {
      negate = true;
      i++;
    }
    if (i >= p.length) throw new PatternError('Invalid regular expression');
    const unmatched = () => new PatternError('Unmatched [, [^, [:, [., or [=');
    const begin = i;
    let body = '';
    let ranges = false;
    let first = true;
    // One item: a character (collating element) or a class; returns the char, or null for a class.
    const item = (): { char: string | null; src: string } => {
      const c = p[i] as string;
      if (c === '[' && (p[i + 1] === ':' || p[i + 1] === '.' || p[i + 1] === '=')) {
        const kind = p[i + 1] as string;
        const end = p.indexOf(`${kind}]`, i + 2);
        if (end < 0) throw unmatched();
        const name = p.slice(i + 2, end);
        i = end + 2;
        if (kind === ':') {
          if (!CLASSES.has(name)) throw new PatternError('Invalid character class name');
          return { char: null, src: `[:${name}:]` };
        }
        if ([...name].length !== 1) throw new PatternError('Invalid collation character');
        return { char: name, src: classChar(name) };
      }
      const cp = p.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      i += ch.length;
      return { char: ch, src: classChar(ch) };
    };
    for (;;) {
      if (i >= p.length) throw unmatched();
      if (p[i] === ']' && !first) break;
      first = false;
      this.count();
      const a = item();
      // A range: `-` followed by something other than the closing `]`.
      if (p[i] === '-' && i + 1 < p.length && p[i + 1] !== ']') {
        i++;
        const b = item();
        if (
          a.char === null ||
          b.char === null ||
          (b.char.codePointAt(0) ?? 0) < (a.char.codePointAt(0) ?? 0)
        ) {
          throw new PatternError('Invalid range end');
        }
        body += `${a.src}-${b.src}`;
        ranges = true;
      } else body += a.src;
    }
    const content = p.slice(begin, i);
    i++;
    // `[:space:]` where `[[:space:]]` was meant: GNU grep refuses it.
    if (
      !ranges &&
      content.length > 2 &&
      content.startsWith(':') &&
      content.endsWith(':') &&
      /[^:]/.test(content)
    ) {
      throw new PatternError('character class syntax is [[:space:]], not [:space:]');
    }
    this.i = i;
    this.atom(`[${negate ? '^' : ''}${body}]`);
  }

  /** A repetition operator where GNU grep has one; true when one was taken. */
  repetition(c: string): boolean {
    const ere = this.ere;
    const simple = ere ? c === '*' || c === '+' || c === '?' : c === '*';
    if (!simple) return false;
    this.i++;
    if (this.atStart || this.last === '') {
      if (!ere) {
        this.atom(literal(c));
        return true;
      }
      // GNU grep warns and the operator repeats nothing.
      this.warnings.push(`${c} at start of expression`);
      return true;
    }
    this.repeat(c === '+' ? 1 : 0, c === '?' ? 1 : -1);
    return true;
  }

  escape(): void {
    const p = this.p;
    const ere = this.ere;
    if (this.i + 1 >= p.length) throw new PatternError('Trailing backslash');
    const c = p[this.i + 1] as string;
    this.i += 2;
    if (c >= '1' && c <= '9') {
      if (Number(c) > this.groups) throw new PatternError('Invalid back reference');
      throw new PatternError(
        `back-reference \\${c} is not supported here (this grep matches in linear time)`,
      );
    }
    if (!ere) {
      if (c === '(') return this.open();
      if (c === ')') {
        if (this.frames.length === 0) throw new PatternError('Unmatched ) or \\)');
        return this.close();
      }
      if (c === '|') return this.alternate();
      if (c === '{') {
        if (this.atStart || this.last === '') return this.atom(literal('{'));
        const iv = this.interval() as [number, number];
        return this.repeat(iv[0], iv[1]);
      }
      if (c === '+' || c === '?') {
        if (this.atStart || this.last === '') return this.atom(literal(c));
        return this.repeat(c === '+' ? 1 : 0, c === '?' ? 1 : -1);
      }
    }
    switch (c) {
      case 'w':
      case 'W':
      case 's':
      case 'S':
        return this.atom(`\\${c}`);
      case 'b':
      case 'B':
        return this.atom(`\\${c}`, 1, true);
      case '<':
        this.lookbehind = true;
        return this.atom('\\b(?<!\\w)', 1, true);
      case '>':
        this.lookbehind = true;
        return this.atom('\\b(?<=\\w)', 1, true);
      case '`':
        return this.atom('\\A', 1, true);
      case "'":
        return this.atom('\\z', 1, true);
      default:
        // Any other escaped character is itself (GNU grep 3.8: `\d` is `d`, `\.` a dot).
        return this.atom(literal(c));
    }
  }

  run(): Translated {
    const p = this.p;
    const ere = this.ere;
    while (this.i < p.length) {
      const c = p[this.i] as string;
      if (c === '\\') this.escape();
      else if (c === '[') {
        this.i++;
        this.bracket();
      } else if (c === '.') {
        this.i++;
        this.atom('.');
      } else if (this.repetition(c)) continue;
      else if (c === '^') {
        this.i++;
        // In a BRE `^` is an anchor only at the start of an expression.
        if (ere || this.atStart) this.anchor('^');
        else this.atom(literal(c));
      } else if (c === '$') {
        this.i++;
        // In a BRE `$` is an anchor only at the end of an expression.
        if (
          ere ||
          this.i === p.length ||
          p.startsWith('\\)', this.i) ||
          p.startsWith('\\|', this.i)
        )
          this.anchor('$');
        else this.atom(literal(c));
      } else if (ere && c === '(') {
        this.i++;
        this.open();
      } else if (ere && c === ')') {
        this.i++;
        // An unmatched `)` is an ordinary character in GNU's ERE.
        if (this.frames.length === 0) this.atom(literal(c));
        else this.close();
      } else if (ere && c === '|') {
        this.i++;
        this.alternate();
      } else if (ere && c === '{') {
        this.i++;
        const iv = this.interval();
        if (iv === null) this.atom(literal(c));
        else if (this.atStart || this.last === '')
          this.warnings.push('{...} at start of expression');
        else this.repeat(iv[0], iv[1]);
      } else {
        const cp = p.codePointAt(this.i) ?? 0;
        const ch = String.fromCodePoint(cp);
        this.i += ch.length;
        this.atom(literal(ch));
      }
    }
    if (this.frames.length > 0) throw new PatternError('Unmatched ( or \\(');
    return {
      source: this.top.src + this.last,
      size: this.top.total + this.top.cur + 1,
      lookbehind: this.lookbehind,
      warnings: this.warnings,
    };
  }
}

/** Translates one GNU grep pattern (basic unless `extended`) to RE2 syntax; throws PatternError. */
export function translate(pattern: string, extended: boolean): Translated {
  return new Translator(pattern, extended).run();
}

export interface GrepRegex {
  /** Any of the patterns; with -w, with the non-word character (or line end) on each side. */
  re: RE2JS;
  /** With -w, the patterns alone, to find which part of a match of `re` is the word. */
  inner: RE2JS | null;
  /** Estimated program size: what a line costs to match, per character. */
  size: number;
  warnings: string[];
}

/**
 * Compiles grep's patterns (one regex matching any of them). With `word`, a match must stand
 * between non-word characters (or the line's ends), as `grep -w` wants: `re` matches it with
 * those characters (a capture group would make re2js rerun the match, in time that grows with
 * the line), and wordSpan finds the word in it.
 */
export function compileGrep(
  patterns: string[],
  opts: { extended: boolean; fixed: boolean; ignoreCase: boolean; word: boolean },
  /** Told the program's estimated size before it is compiled (what compiling will cost). */
  beforeCompile: (size: number) => void = () => {},
): GrepRegex {
  let size = 0;
  let lookbehind = false;
  const warnings: string[] = [];
  const sources: string[] = [];
  const tooBig = () => new PatternError('Regular expression too big');
  for (const p of patterns) {
    if (opts.fixed) {
      size += p.length + 1;
      if (size > MAX_PROGRAM) throw tooBig();
      sources.push([...p].map(literal).join(''));
      continue;
    }
    const t = translate(p, opts.extended);
    sources.push(t.source);
    size += t.size + 1;
    // Checked as it goes: a pattern as long as a variable is never translated to the end.
    if (size > MAX_PROGRAM) throw tooBig();
    lookbehind ||= t.lookbehind;
    warnings.push(...t.warnings);
  }
  beforeCompile(opts.word ? 2 * size : size);
  const any =
    sources.length === 1 ? (sources[0] as string) : sources.map((s) => `(?:${s})`).join('|');
  // POSIX semantics: the leftmost match is the longest one (what `grep -o` prints).
  const flags =
    RE2JS.LONGEST_MATCH |
    (opts.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) |
    (lookbehind ? RE2JS.LOOKBEHINDS : 0);
  try {
    if (!opts.word) return { re: RE2JS.compile(any, flags), inner: null, size, warnings };
    return {
      re: RE2JS.compile(`(?:^|\\W)(?:${any})(?:\\W|$)`, flags),
      inner: RE2JS.compile(any, flags),
      size,
      warnings,
    };
  } catch {
    // What the translation lets through and RE2 still refuses is its size (nested counts).
    throw new PatternError('Regular expression too big');
  }
}

const isWordChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * The word in a -w match [start, end) of `re`: it may have taken a non-word character on either
 * side. The earliest start and then the longest word the patterns match exactly, as GNU grep
 * picks; null if none (which `re` having matched rules out).
 */
export function wordSpan(
  line: string,
  start: number,
  end: number,
  inner: RE2JS,
): [number, number] | null {
  const starts = start === 0 ? [0, 1] : [start + 1];
  const ends = end === line.length ? [end, end - 1] : [end - 1];
  for (const a of starts) {
    if (a > 0 && isWordChar(line.charCodeAt(a - 1))) continue;
    for (const b of ends) {
      if (b < a || (b < line.length && isWordChar(line.charCodeAt(b)))) continue;
      if (inner.testExact(line.slice(a, b))) return [a, b];
    }
  }
  return null;
}
