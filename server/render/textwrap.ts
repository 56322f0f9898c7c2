/**
 * Python's textwrap.fill() with its defaults (break_long_words, break_on_hyphens,
 * drop_whitespace), which prettytable uses to wrap cells narrower than their text.
 */

// TextWrapper.wordsep_re, spelled for JS: whitespace runs (ASCII only), em-dashes between words,
// and words that may end after a hyphen preceded by two letters (or letter-hyphen-letter) and
// followed by a letter. `letter` is [^\d\W] (underscore included); word punctuation [\w!"'&.,?].
const WS = '[\\t\\n\\v\\f\\r ]';
const NWS = '[^\\t\\n\\v\\f\\r ]';
const W = '[\\p{L}\\p{N}_]';
const LT = '[\\p{L}\\p{Nl}\\p{No}_]';
const WP = '[\\p{L}\\p{N}_!"\'&.,?]';
const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WP})-{2,}(?=${W})|${NWS}+?(?:-(?:(?<=${LT}{2}-)|(?<=${LT}-${LT}-))(?=${LT}-?${LT})|(?=${WS}|$)|(?<=${WP})(?=-{2,}${W})))`,
  'u',
);

/** TextWrapper._split: re.split with the capturing wordsep_re, empty pieces dropped. */
function chunks(text: string): string[] {
  return text.split(WORDSEP).filter((c) => c !== '');
}

/** str.expandtabs(8): a tab moves to the next multiple of 8 columns (counted from the last line break). */
function expandTabs(text: string): string {
  if (!text.includes('\t')) return text;
  let out = '';
  let col = 0;
  for (const ch of text) {
    if (ch === '\t') {
      const n = 8 - (col % 8);
      out += ' '.repeat(n);
      col += n;
    } else {
      out += ch;
      col = ch === '\n' || ch === '\r' ? 0 : col + 1;
    }
  }
  return out;
}

export function wrap(text: string, width: number): string[] {
  const src = expandTabs(text).replace(/[\n\r\v\f]/g, ' ');
  const rev = chunks(src).reverse();
  const lines: string[] = [];
  const w = Math.max(1, width);
  while (rev.length > 0) {
    const cur: string[] = [];
    let len = 0;
    const top = rev[rev.length - 1] as string;
    if (top.trim() === '' && lines.length > 0) rev.pop();
    while (rev.length > 0) {
      const l = (rev[rev.length - 1] as string).length;
      if (len + l <= w) {
        cur.push(rev.pop() as string);
        len += l;
      } else break;
    }
    if (rev.length > 0 && (rev[rev.length - 1] as string).length > w) {
      const chunk = rev[rev.length - 1] as string;
      const spaceLeft = width < 1 ? 1 : w - len;
      let end = spaceLeft;
      const hyphen = chunk.lastIndexOf('-', spaceLeft - 1);
      if (chunk.length > spaceLeft && hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen)))
        end = hyphen + 1;
      // Python appends chunk[:end] even when it is empty; only that empty piece is then dropped
      // as trailing whitespace, so a space before it survives at the end of the line.
      cur.push(chunk.slice(0, end));
      rev[rev.length - 1] = chunk.slice(end);
    }
    if (cur.length > 0 && (cur[cur.length - 1] as string).trim() === '') cur.pop();
    if (cur.length > 0) lines.push(cur.join(''));
  }
  return lines;
}

export function fill(text: string, width: number): string {
  return wrap(text, width).join('\n');
}
