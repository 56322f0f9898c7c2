/**
 * A small bash-compatible line parser: quoting, `$VAR`/`${VAR}`, `$(…)`, `;`, `&&`, `||`, `|`.
 * It parses into words made of parts; expansion happens when each command runs, so a variable
 * set earlier on the same line is seen by later commands, as in bash.
 */
import { COST, tooManyWords } from './limits.js';

export type Part =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'var'; name: string; quoted: boolean }
  | { kind: 'cmd'; source: string; quoted: boolean };

export type Word = Part[];

export interface Pipeline {
  /** Operator that joins this pipeline to the previous one. */
  op: ';' | '&&' | '||';
  commands: Word[][];
}

export class ParseError extends Error {}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

function readSubst(line: string, start: number): { source: string; end: number } {
  // start points just after "$(": find the matching ")" outside quotes.
  let depth = 1;
  let i = start;
  let q: '"' | "'" | null = null;
  while (i < line.length) {
    const ch = line[i];
    if (q === "'") {
      if (ch === "'") q = null;
    } else if (q === '"') {
      if (ch === '\\') i++;
      else if (ch === '"') q = null;
    } else if (ch === "'" || ch === '"') q = ch;
    else if (ch === '\\') i++;
    else if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return { source: line.slice(start, i), end: i + 1 };
    }
    i++;
  }
  throw new ParseError("unexpected EOF while looking for matching `)'");
}

/** Reads `$…` at position i (line[i] === '$'); returns the part and the next index. */
function readDollar(line: string, i: number, quoted: boolean): { part: Part; next: number } {
  const nx = line[i + 1];
  if (nx === '(') {
    const { source, end } = readSubst(line, i + 2);
    return { part: { kind: 'cmd', source, quoted }, next: end };
  }
  if (nx === '{') {
    const close = line.indexOf('}', i + 2);
    if (close < 0) throw new ParseError("unexpected EOF while looking for matching `}'");
    return { part: { kind: 'var', name: line.slice(i + 2, close), quoted }, next: close + 1 };
  }
  if (nx === '?') return { part: { kind: 'var', name: '?', quoted }, next: i + 2 };
  NAME.lastIndex = i + 1;
  const m = NAME.exec(line);
  if (m) return { part: { kind: 'var', name: m[0], quoted }, next: i + 1 + m[0].length };
  return { part: { kind: 'lit', text: '$', quoted }, next: i + 1 };
}

/** Whether a character ends a run of ordinary characters outside quotes (see parseLine's branches). */
function specialUnquoted(code: number): boolean {
  // space, tab, ' " \ $ ; & |  ('#' only starts a comment before a word, never inside a run)
  return code === 32 || code === 9 || code === 39 || code === 34 || code === 92 || code === 36 || code === 59 || code === 38 || code === 124;
}

/** Whether a character ends a run of ordinary characters inside double quotes: " \ $ */
function specialQuoted(code: number): boolean {
  return code === 34 || code === 92 || code === 36;
}

/**
 * The state of parseLine as it goes (a class rather than closures: the line parser runs for
 * every command and every `$(…)`, and its helpers are then created once, not on every call).
 */
class LineParser {
  readonly pipelines: Pipeline[] = [];
  commands: Word[][] = [];
  words: Word[] = [];
  word: Word | null = null;
  op: Pipeline['op'] = ';';

  /** The current word, started if need be. */
  current(): Word {
    this.word ??= [];
    return this.word;
  }

  lit(text: string, quoted: boolean): void {
    const word = this.current();
    const last = word[word.length - 1];
    if (last && last.kind === 'lit' && last.quoted === quoted) last.text += text;
    else word.push({ kind: 'lit', text, quoted });
  }

  endWord(): void {
    if (this.word) this.words.push(this.word);
    this.word = null;
  }

  endCommand(): void {
    this.endWord();
    if (this.words.length > 0) this.commands.push(this.words);
    else if (this.commands.length > 0) throw new ParseError("syntax error near unexpected token `|'");
    this.words = [];
  }

  endPipeline(next: Pipeline['op'], token: string): void {
    this.endCommand();
    if (this.commands.length === 0) {
      if (next === ';' && token === 'EOF') return;
      throw new ParseError(`syntax error near unexpected token \`${token}'`);
    }
    this.pipelines.push({ op: this.op, commands: this.commands });
    this.commands = [];
    this.op = next;
  }
}

/** Splits a line into pipelines of commands of words. */
export function parseLine(line: string): Pipeline[] {
  const p = new LineParser();
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === ' ' || ch === '\t') {
      p.endWord();
      i++;
    } else if (ch === '#' && p.word === null) {
      break;
    } else if (ch === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new ParseError("unexpected EOF while looking for matching `''");
      p.lit(line.slice(i + 1, close), true);
      i = close + 1;
    } else if (ch === '"') {
      const word = p.current();
      let j = i + 1;
      let closed = false;
      while (j < line.length) {
        const c = line[j] as string;
        if (c === '"') {
          closed = true;
          j++;
          break;
        }
        if (c === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1] as string)) {
          p.lit(line[j + 1] as string, true);
          j += 2;
        } else if (c === '$') {
          const { part, next } = readDollar(line, j, true);
          word.push(part);
          j = next;
        } else {
          // This character and the ordinary ones after it, at once.
          let k = j + 1;
          while (k < line.length && !specialQuoted(line.charCodeAt(k))) k++;
          p.lit(line.slice(j, k), true);
          j = k;
        }
      }
      if (!closed) throw new ParseError('unexpected EOF while looking for matching `"\'');
      // An empty "" still makes a word.
      if (word.length === 0) p.lit('', true);
      i = j;
    } else if (ch === '\\') {
      if (i + 1 < line.length) p.lit(line[i + 1] as string, true);
      i += 2;
    } else if (ch === '$') {
      const { part, next } = readDollar(line, i, false);
      p.current().push(part);
      i = next;
    } else if (ch === ';') {
      p.endPipeline(';', ';');
      i++;
    } else if (ch === '&' && line[i + 1] === '&') {
      p.endPipeline('&&', '&&');
      i += 2;
    } else if (ch === '|' && line[i + 1] === '|') {
      p.endPipeline('||', '||');
      i += 2;
    } else if (ch === '|') {
      p.endCommand();
      i++;
    } else {
      // This character and the ordinary ones after it, at once.
      let j = i + 1;
      while (j < line.length && !specialUnquoted(line.charCodeAt(j))) j++;
      p.lit(line.slice(i, j), false);
      i = j;
    }
  }
  p.endPipeline(';', 'EOF');
  return p.pipelines;
}

const IFS = /[ \t\n]+/g;

/** `$(…)`'s output without its trailing newlines (a loop: /\n+$/ is quadratic on runs of \n). */
function trimNewlines(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 10) end--;
  return end === s.length ? s : s.slice(0, end);
}

/**
 * bash's tilde expansion of a word's start: `~`, `~USER`, `~+`, `~-` up to the first slash, when
 * none of it is quoted (`home` says what each names, null: nothing, and the word stays as typed).
 * The word's first part as expanded, or null when nothing was.
 */
export function tildeExpanded(word: Word, home: (name: string) => string | null): string | null {
  const first = word[0];
  // Most words have no tilde: one look, before any other (this runs for every word of every line).
  if (!first || first.kind !== 'lit' || first.quoted || !first.text.includes('~')) return null;
  // `~…` up to a slash (or, in NAME=value, up to a colon too); one that goes on into a quoted or
  // expanded part is no login name.
  const expand = (text: string, last: boolean): string => {
    if (!text.startsWith('~')) return text;
    const slash = text.indexOf('/');
    if (slash < 0 && last && word.length > 1) return text;
    const dir = home(text.slice(1, slash < 0 ? undefined : slash));
    return dir === null ? text : dir + (slash < 0 ? '' : text.slice(slash));
  };
  // In a word that looks like an assignment, as bash does: after the `=` and after each `:`.
  const name = /^[A-Za-z_][A-Za-z0-9_]*=/.exec(first.text)?.[0];
  const out = name === undefined
    ? expand(first.text, true)
    : name + first.text.slice(name.length).split(':').map((seg, k, all) => expand(seg, k === all.length - 1)).join(':');
  return out === first.text ? null : out;
}

/**
 * Expands a word: a leading tilde (`home`), then unquoted expansions are split on whitespace,
 * quoted ones stay whole. `charge` is told what each expanded value and field costs before it is
 * copied; more than `maxFields` fields throw the limit's error.
 */
export function expandWord(
  word: Word,
  lookup: (name: string) => string,
  subst: (source: string) => string,
  charge: (units: number) => void = () => {},
  maxFields = Infinity,
  home?: (name: string) => string | null,
): string[] {
  const fields: string[] = [];
  let cur = '';
  let has = false;
  const tilde = home ? tildeExpanded(word, home) : null;
  for (let i = 0; i < word.length; i++) {
    const p = word[i] as Part;
    const value = i === 0 && tilde !== null ? tilde : p.kind === 'lit' ? p.text : p.kind === 'var' ? lookup(p.name) : trimNewlines(subst(p.source));
    charge(value.length * COST.char);
    if (p.kind === 'lit' || p.quoted) {
      cur += value;
      has = true;
      continue;
    }
    // Field splitting on IFS, one field at a time (a split() would make them all at once).
    let from = 0;
    IFS.lastIndex = 0;
    for (let m = IFS.exec(value); m !== null; m = IFS.exec(value)) {
      if (m.index > from) {
        cur += value.slice(from, m.index);
        has = true;
      }
      if (has) {
        if (fields.length >= maxFields) throw tooManyWords();
        charge(COST.word);
        fields.push(cur);
      }
      cur = '';
      has = false;
      from = m.index + m[0].length;
    }
    if (from < value.length) {
      cur += from === 0 ? value : value.slice(from);
      has = true;
    }
  }
  if (has) {
    if (fields.length >= maxFields) throw tooManyWords();
    charge(COST.word);
    fields.push(cur);
  }
  return fields;
}

/** `NAME=value` as a command word: an assignment. */
export function assignmentName(word: Word): string | null {
  const first = word[0];
  if (!first || first.kind !== 'lit' || first.quoted) return null;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  return m ? (m[1] ?? null) : null;
}
