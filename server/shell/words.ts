/**
 * A small bash-compatible line parser: quoting, `$VAR`/`${VAR}`, `$(…)`, `;`, `&&`, `||`, `|`.
 * It parses into words made of parts; expansion happens when each command runs, so a variable
 * set earlier on the same line is seen by later commands, as in bash.
 */

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

/** Splits a line into pipelines of commands of words. */
export function parseLine(line: string): Pipeline[] {
  const pipelines: Pipeline[] = [];
  let commands: Word[][] = [];
  let words: Word[] = [];
  let word: Word | null = null;
  let op: Pipeline['op'] = ';';
  const lit = (text: string, quoted: boolean) => {
    word ??= [];
    const last = word[word.length - 1];
    if (last && last.kind === 'lit' && last.quoted === quoted) last.text += text;
    else word.push({ kind: 'lit', text, quoted });
  };
  const endWord = () => {
    if (word) words.push(word);
    word = null;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    else if (commands.length > 0) throw new ParseError("syntax error near unexpected token `|'");
    words = [];
  };
  const endPipeline = (next: Pipeline['op'], token: string) => {
    endCommand();
    if (commands.length === 0) {
      if (next === ';' && token === 'EOF') return;
      throw new ParseError(`syntax error near unexpected token \`${token}'`);
    }
    pipelines.push({ op, commands });
    commands = [];
    op = next;
  };
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === ' ' || ch === '\t') {
      endWord();
      i++;
    } else if (ch === '#' && word === null) {
      break;
    } else if (ch === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new ParseError("unexpected EOF while looking for matching `''");
      lit(line.slice(i + 1, close), true);
      i = close + 1;
    } else if (ch === '"') {
      word ??= [];
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
          lit(line[j + 1] as string, true);
          j += 2;
        } else if (c === '$') {
          const { part, next } = readDollar(line, j, true);
          word.push(part);
          j = next;
        } else {
          lit(c, true);
          j++;
        }
      }
      if (!closed) throw new ParseError('unexpected EOF while looking for matching `"\'');
      // An empty "" still makes a word.
      if (word.length === 0) lit('', true);
      i = j;
    } else if (ch === '\\') {
      if (i + 1 < line.length) lit(line[i + 1] as string, true);
      i += 2;
    } else if (ch === '$') {
      word ??= [];
      const { part, next } = readDollar(line, i, false);
      word.push(part);
      i = next;
    } else if (ch === ';') {
      endPipeline(';', ';');
      i++;
    } else if (ch === '&' && line[i + 1] === '&') {
      endPipeline('&&', '&&');
      i += 2;
    } else if (ch === '|' && line[i + 1] === '|') {
      endPipeline('||', '||');
      i += 2;
    } else if (ch === '|') {
      endCommand();
      i++;
    } else {
      lit(ch, false);
      i++;
    }
  }
  endPipeline(';', 'EOF');
  return pipelines;
}

/** Expands a word: unquoted expansions are split on whitespace, quoted ones stay whole. */
export function expandWord(word: Word, lookup: (name: string) => string, subst: (source: string) => string): string[] {
  const fields: string[] = [];
  let cur = '';
  let has = false;
  for (const p of word) {
    const value = p.kind === 'lit' ? p.text : p.kind === 'var' ? lookup(p.name) : subst(p.source).replace(/\n+$/, '');
    if (p.kind === 'lit' || p.quoted) {
      cur += value;
      has = true;
      continue;
    }
    const pieces = value.split(/[ \t\n]+/);
    pieces.forEach((piece, idx) => {
      if (idx > 0) {
        if (has) fields.push(cur);
        cur = '';
        has = false;
      }
      if (piece !== '') {
        cur += piece;
        has = true;
      }
    });
  }
  if (has) fields.push(cur);
  return fields;
}

/** `NAME=value` as a command word: an assignment. */
export function assignmentName(word: Word): string | null {
  const first = word[0];
  if (!first || first.kind !== 'lit' || first.quoted) return null;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  return m ? (m[1] ?? null) : null;
}
