/**
 * Text bound for a terminal, with its control characters made visible instead of obeyed: a
 * resource name, an answer or an echoed argument must never move the cursor, wipe the screen,
 * set the window title, write the clipboard (OSC 52) or open a link (OSC 8) in someone's xterm.
 *
 * The form is `cat -v`'s (and readline's for a control character in the line): C0 as caret
 * notation (`^[` for ESC, `^G` for BEL, `^@` for NUL), DEL as `^?`, and C1 (U+0080–U+009F) as
 * `M-` + the caret form of the code minus 0x80 (`M-^[` for the 8-bit CSI U+009B). So
 * `ESC]0;owned BEL` prints as `^[]0;owned^G`: every byte of the sequence still shows, none acts.
 *
 * Kept as they are: `\n` and `\t` (layout, not commands) and `\r\n` (a line end). A lone `\r`
 * becomes `^M`: it would return to the start of the line and let the text after it overwrite
 * what came before (output spoofing).
 */

/** Options of {@link visibleText}. */
export interface VisibleTextOptions {
  /**
   * Keep Stacklab's own terminal sequences intact (default false): SGR colours `ESC[<digits;>m`
   * (with grep's `ESC[K` straight after one) and the screen clear `clear` prints,
   * `ESC[H ESC[2J`, as a whole. Everything else is made
   * visible as usual (an erase or a cursor move on its own too).
   */
  allowSgr?: boolean;
}

/** Code units that need rewriting: C0 but for \t and \n, DEL, C1. `\r` is checked apart. */
const NEEDS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** Caret notation of a C0 code or DEL: 0x1b → `^[`, 0x00 → `^@`, 0x7f → `^?`. */
function caret(code: number): string {
  return `^${String.fromCharCode(code ^ 0x40)}`;
}

/** The visible form of one control code unit (C0, DEL or C1), as `cat -v` prints it. */
export function visibleControl(code: number): string {
  if (code >= 0x80 && code <= 0x9f) return `M-${caret(code - 0x80)}`;
  return caret(code);
}

/**
 * Length of an allowed Stacklab sequence starting at `i` (which holds ESC), or 0. Linear: the
 * SGR parameters are scanned once and never re-read.
 */
function allowedAt(s: string, i: number): number {
  if (s.charCodeAt(i + 1) !== 0x5b /* [ */) return 0;
  let j = i + 2;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if ((c >= 0x30 && c <= 0x39) || c === 0x3b) j++;
    else break;
  }
  const params = s.slice(i + 2, j);
  const final = s[j];
  // An SGR, and grep's erase-to-end-of-line right after its colours (`ESC[01;31m ESC[K`); an
  // erase anywhere else is made visible.
  if (final === 'm') return s.startsWith('\x1b[K', j + 1) ? j + 4 - i : j + 1 - i;
  // `clear`'s sequence, whole: a cursor move or an erase on its own (learner-typed spoofing, a
  // scrollback wipe) is made visible like any other control sequence.
  if (final === 'H' && params === '' && s.startsWith('\x1b[2J', j + 1)) return j + 5 - i;
  return 0;
}

/**
 * Makes every control character of `s` visible (see the module comment). Runs in one pass,
 * linear in the length of `s`; returns `s` itself when there is nothing to change. Code units
 * other than controls are copied as they are, so surrogate pairs (and lone surrogates) pass
 * through untouched.
 */
export function visibleText(s: string, opts: VisibleTextOptions = {}): string {
  if (!NEEDS.test(s) && !s.includes('\r')) return s;
  const out: string[] = [];
  let from = 0;
  const flush = (to: number) => {
    if (to > from) out.push(s.slice(from, to));
  };
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    if (c === 0x0d && s.charCodeAt(i + 1) === 0x0a) {
      i += 2;
      continue;
    }
    const control = (c < 0x20 && c !== 0x0a && c !== 0x09) || (c >= 0x7f && c <= 0x9f);
    if (!control) {
      i++;
      continue;
    }
    if (c === 0x1b && opts.allowSgr === true) {
      const n = allowedAt(s, i);
      if (n > 0) {
        i += n;
        continue;
      }
    }
    flush(i);
    out.push(visibleControl(c));
    i++;
    from = i;
  }
  flush(s.length);
  return out.join('');
}
