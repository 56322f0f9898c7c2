/**
 * Python's textwrap.fill() with its defaults (break_long_words, break_on_hyphens,
 * drop_whitespace), which prettytable uses to wrap cells narrower than their text.
 */

// textwrap's `letter` is [^\d\W]: word characters that are not decimal digits (underscore included).
const LETTER = /[\p{L}\p{Nl}\p{No}_]/u;

/** Splits text into chunks the way TextWrapper.wordsep_re does: whitespace runs, words, hyphen breaks. */
function chunks(text: string): string[] {
  const out: string[] = [];
  // Only ASCII whitespace separates words in textwrap (not NBSP and friends).
  const re = /[\t\n\v\f\r ]+|[^\t\n\v\f\r ]+/gu;
  for (const m of text.matchAll(re)) {
    const tok = m[0];
    if (/^[\t\n\v\f\r ]/u.test(tok)) {
      out.push(tok);
      continue;
    }
    // A hyphenated word breaks after a hyphen preceded by two letters (or letter-hyphen-letter)
    // and followed by a letter.
    let start = 0;
    for (let i = 1; i < tok.length - 1; i++) {
      if (tok[i] !== '-') continue;
      const a = tok[i - 1] ?? '';
      const b = tok[i - 2] ?? '';
      const c = tok[i - 3] ?? '';
      const before =
        (LETTER.test(a) && LETTER.test(b)) || (LETTER.test(a) && b === '-' && LETTER.test(c));
      const n1 = tok[i + 1] ?? '';
      const n2 = tok[i + 2] ?? '';
      const n3 = tok[i + 3] ?? '';
      const after = LETTER.test(n1) && (LETTER.test(n2) || (n2 === '-' && LETTER.test(n3)));
      if (before && after && i + 1 - start > 0) {
        out.push(tok.slice(start, i + 1));
        start = i + 1;
      }
    }
    out.push(tok.slice(start));
  }
  return out;
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
      const spaceLeft = w - len;
      let end = spaceLeft;
      const hyphen = chunk.lastIndexOf('-', spaceLeft - 1);
      if (chunk.length > spaceLeft && hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen)))
        end = hyphen + 1;
      if (end > 0) {
        cur.push(chunk.slice(0, end));
        rev[rev.length - 1] = chunk.slice(end);
      } else if (cur.length === 0) {
        cur.push(rev.pop() as string);
      }
    }
    if (cur.length > 0 && (cur[cur.length - 1] as string).trim() === '') cur.pop();
    if (cur.length > 0) lines.push(cur.join(''));
  }
  return lines;
}

export function fill(text: string, width: number): string {
  return wrap(text, width).join('\n');
}
