/**
 * A pure line editor for the terminal: keys in, new state and terminal output out. Cursor keys,
 * Home/End, Backspace/Delete, Ctrl-A/E/K/U/W/C/L/D, history with ↑/↓ and Ctrl-R (readline's
 * reverse incremental search, see {@link Search}), Tab for completion, and
 * multi-line paste that runs the lines in order (`feed(…, true)` reads one line at a time, so each
 * is shown after its own prompt). Lines wider than the terminal (`cols`) wrap; a redraw starts from
 * the line's first row, as readline's does, so it never leaves a copy behind. No DOM: unit-tested
 * without a browser.
 *
 * Control characters never reach the line or the screen raw. Typed or pasted, a control
 * character or escape sequence that is not one of the keys above is dropped whole, as readline
 * drops a key sequence bound to nothing: C0 codes, DEL aside (Backspace), C1 codes (U+0080–U+009F,
 * the 8-bit CSI U+009B included) and ESC sequences (CSI, SS3, OSC/DCS/APC/PM/SOS strings up to
 * their terminator, ESC + one character), so a paste holding `ESC[2J` inserts nothing and clears
 * nothing. Text that reaches the line another way (history, a completion, a prompt) is shown with
 * its control characters in caret notation (`^[`, `M-^[` for C1), as readline and `cat -v` show
 * them; the line sent is the text itself.
 */

/** Longest line the server runs (MAX_LINE in server/shell/session.ts); longer ones are refused here, before sending. */
export const MAX_LINE = 4096;

/** The message for a line over MAX_LINE, the server's own (bash-like, on stderr), or null when the line is fine. */
export function lineTooLong(line: string): string | null {
  return line.length > MAX_LINE ? `stacklab: line too long (${line.length} characters; the limit is ${MAX_LINE})\n` : null;
}

export interface EditorState {
  prompt: string;
  buffer: string;
  cursor: number;
  history: string[];
  /** Position while browsing history (history.length = the line being edited). */
  index: number;
  /** The line being edited before browsing history started. */
  draft: string;
  /** The terminal's width in columns (`term.cols`): a line longer than this wraps onto more rows. */
  cols: number;
  /** The row the cursor is on now, counted from the line's first row (0 when the line is not drawn yet). */
  row: number;
  /** Ctrl-R: a reverse incremental history search in progress. */
  search?: Search;
}

/**
 * readline's reverse-i-search: `(reverse-i-search)\`QUERY': LINE` in place of the prompt, LINE the
 * newest history line (older than the last match) holding QUERY, the cursor at the match. Typing
 * extends QUERY, Backspace shortens it, Ctrl-R again finds an older match; Enter runs the match,
 * Esc or a cursor key takes it into the line for editing, Ctrl-G gives the line back as it was
 * (Ctrl-C too, then abandons it as on any line).
 */
export interface Search {
  query: string;
  /** History index of the match shown (history.length: none yet). */
  index: number;
  /** Where in that line the query was found (the cursor). */
  pos: number;
  /** The last search found nothing (the prompt says `failed`). */
  failed: boolean;
  /** The line as it was before Ctrl-R. */
  saved: { buffer: string; cursor: number; index: number };
}

export type EditorEvent =
  | { kind: 'submit'; line: string }
  | { kind: 'complete'; line: string }
  | { kind: 'clear' }
  | { kind: 'interrupt' }
  | { kind: 'eof' };

export interface FeedResult {
  state: EditorState;
  /** What to write to the terminal (escape sequences included). */
  output: string;
  events: EditorEvent[];
  /** Input not read yet: what followed the first submitted line when feeding stopped there. */
  rest: string;
}

/** A new line at `prompt`; `cols` defaults to 80, a terminal's usual width. */
export function newEditor(prompt: string, history: string[] = [], cols = 80): EditorState {
  return { prompt, buffer: '', cursor: 0, history: [...history], index: history.length, draft: '', cols, row: 0 };
}

const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

/** Text as the terminal shows it: C0 and DEL in caret notation (`^[`, `^?`), C1 as `M-^[`, like readline and `cat -v`. */
export function shown(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code >= 0x80 ? `M-^${String.fromCharCode((code - 0x80) ^ 0x40)}` : `^${String.fromCharCode(code ^ 0x40)}`;
  });
}

/**
 * The row of column `pos` (counted from the prompt's start) in a line `end` columns long on a
 * terminal `cols` wide. A line that ends at the right margin leaves the cursor there, waiting to
 * wrap, on the row it filled, not on the next one.
 */
function rowOf(pos: number, end: number, cols: number): number {
  return pos > 0 && pos === end && pos % cols === 0 ? pos / cols - 1 : Math.floor(pos / cols);
}

/** The row the cursor is on once `s` is drawn, counted from the line's first row. */
export function cursorRow(s: EditorState): number {
  const cols = Math.max(1, s.cols);
  const p = shown(s.prompt).length;
  return rowOf(p + shown(s.buffer.slice(0, s.cursor)).length, p + shown(s.buffer).length, cols);
}

/**
 * Redraws the line as readline does, so a line wider than the terminal is drawn once: up from the
 * cursor's row (`s.row`) to the line's first row, carriage return, clear to the end of the screen,
 * prompt and text (the terminal wraps them), then the cursor placed by row and column. The state
 * drawn has `row` set to `cursorRow(s)`.
 */
export function render(s: EditorState): string {
  const cols = Math.max(1, s.cols);
  const p = shown(s.prompt).length;
  const end = p + shown(s.buffer).length;
  const at = p + shown(s.buffer.slice(0, s.cursor)).length;
  const up = (n: number) => (n > 0 ? `\x1b[${n}A` : '');
  let out = `${up(s.row)}\r\x1b[J${shown(s.prompt)}${shown(s.buffer)}`;
  if (at !== end) {
    // From the end of the text: up to the cursor's row, then to its column from the left margin.
    const col = at % cols;
    out += `${up(rowOf(end, end, cols) - rowOf(at, end, cols))}\r${col > 0 ? `\x1b[${col}C` : ''}`;
  }
  return out;
}

/** What is on screen for `s`: during a search, the search prompt and the match in place of the prompt and the line. */
export function onScreen(s: EditorState): EditorState {
  const q = s.search;
  if (!q) return s;
  const line = q.index < s.history.length ? (s.history[q.index] ?? '') : q.saved.buffer;
  const prompt = `(${q.failed ? 'failed ' : ''}reverse-i-search)\`${q.query}': `;
  return { ...s, prompt, buffer: line, cursor: q.index < s.history.length ? q.pos : q.saved.cursor };
}

/** `s` drawn: what to write, and the state with the cursor's new row. */
export function draw(s: EditorState): { state: EditorState; output: string } {
  const v = onScreen(s);
  return { state: { ...s, row: cursorRow(v) }, output: render(v) };
}

/** The newest history line at or before `from` holding `query`: its index and where, or null. */
function findOlder(history: readonly string[], query: string, from: number): { index: number; pos: number } | null {
  for (let k = Math.min(from, history.length - 1); k >= 0; k--) {
    const pos = (history[k] ?? '').lastIndexOf(query);
    if (pos >= 0) return { index: k, pos };
  }
  return null;
}

/** The search with `query`, looking from history index `from` back; a miss keeps the last match and says `failed`. */
function searchFor(s: EditorState, q: Search, query: string, from: number): EditorState {
  const hit = query === '' ? null : findOlder(s.history, query, from);
  return { ...s, search: hit ? { ...q, query, index: hit.index, pos: hit.pos, failed: false } : { ...q, query, failed: query !== '' } };
}

/** Ends the search with the match in the line (the cursor on it); `cancel` gives back the line as it was. */
function endSearch(s: EditorState, cancel = false): EditorState {
  const q = s.search;
  if (!q) return s;
  if (cancel || q.index >= s.history.length) return { ...s, search: undefined, buffer: q.saved.buffer, cursor: q.saved.cursor, index: q.saved.index };
  const v = onScreen(s);
  return { ...s, search: undefined, buffer: v.buffer, cursor: v.cursor, index: q.index, draft: s.index === s.history.length ? q.saved.buffer : s.draft };
}

/**
 * One key of a search at `data[i]`: how much it read and the new state, or null when the key
 * ends the search and must then be read as on any line (Enter, cursor keys, other controls).
 */
function searchKey(s: EditorState, data: string, i: number): { state: EditorState; read: number } | null {
  const q = s.search as Search;
  const c = data.charCodeAt(i);
  if (c === 0x12) return { state: searchFor(s, q, q.query, q.index < s.history.length ? q.index - 1 : s.history.length - 1), read: 1 };
  if (c === 0x07) return { state: endSearch(s, true), read: 1 };
  if (c === 0x03) return { state: endSearch(s, true), read: 0 };
  if (c === 0x7f || c === 0x08) return { state: searchFor(s, q, q.query.slice(0, -1), s.history.length - 1), read: 1 };
  if (c === 0x1b && !KEYS.some(([seq]) => data.startsWith(seq, i))) return { state: endSearch(s), read: controlSequenceLength(data, i) };
  if (plain(c)) return { state: searchFor(s, q, q.query + data[i], q.index < s.history.length ? q.index : s.history.length - 1), read: 1 };
  return null;
}

/**
 * Leaves the line for output below it (a command's, a list of completions, a message): the line
 * redrawn with the cursor at its end, then a new line. The state's `row` is 0, for the next prompt.
 */
export function leave(s: EditorState): { state: EditorState; output: string } {
  const v = onScreen(s);
  return { state: { ...s, row: 0 }, output: `${render({ ...v, cursor: v.buffer.length })}\r\n` };
}

function wordStart(buf: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && buf[i - 1] === ' ') i--;
  while (i > 0 && buf[i - 1] !== ' ') i--;
  return i;
}

const KEYS: Array<[string, string]> = [
  ['\x1b[A', 'up'],
  ['\x1b[B', 'down'],
  ['\x1b[C', 'right'],
  ['\x1b[D', 'left'],
  // Application cursor mode (DECCKM) sends the arrows as SS3.
  ['\x1bOA', 'up'],
  ['\x1bOB', 'down'],
  ['\x1bOC', 'right'],
  ['\x1bOD', 'left'],
  ['\x1b[H', 'home'],
  ['\x1bOH', 'home'],
  ['\x1b[1~', 'home'],
  ['\x1b[F', 'end'],
  ['\x1bOF', 'end'],
  ['\x1b[4~', 'end'],
  ['\x1b[3~', 'delete'],
];

/** Whether a code unit is text the line takes as it is (not C0, DEL or C1). */
function plain(c: number): boolean {
  return c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c <= 0x9f);
}

/** End of a control string (OSC, DCS, SOS, PM, APC) whose body starts at `j`: after ST, BEL, CAN or SUB, else the end of the data. */
function stringEnd(data: string, j: number): number {
  for (; j < data.length; j++) {
    const c = data.charCodeAt(j);
    if (c === 0x07 || c === 0x9c || c === 0x18 || c === 0x1a) return j + 1;
    if (c === 0x1b && data[j + 1] === '\\') return j + 2;
  }
  return j;
}

/** End of a CSI whose parameters start at `j` (ECMA-48: parameter bytes, intermediate bytes, one final byte). */
function csiEnd(data: string, j: number): number {
  while (j < data.length && data.charCodeAt(j) >= 0x30 && data.charCodeAt(j) <= 0x3f) j++;
  while (j < data.length && data.charCodeAt(j) >= 0x20 && data.charCodeAt(j) <= 0x2f) j++;
  if (j < data.length && data.charCodeAt(j) >= 0x40 && data.charCodeAt(j) <= 0x7e) j++;
  return j;
}

/**
 * Length of the control sequence at `data[i]` (ESC or a C1 code), to drop it whole: CSI (`ESC [`
 * or U+009B), SS3 (`ESC O` or U+008F) and its character, control strings up to their terminator,
 * ESC + intermediates + final (`ESC c`, `ESC ( B`, Alt+key), or the lone code.
 */
export function controlSequenceLength(data: string, i: number): number {
  const c = data.charCodeAt(i);
  if (c === 0x1b) {
    const n = data[i + 1];
    if (n === '[') return csiEnd(data, i + 2) - i;
    if (n === 'O') return Math.min(3, data.length - i);
    if (n === ']' || n === 'P' || n === 'X' || n === '^' || n === '_') return stringEnd(data, i + 2) - i;
    let j = i + 1;
    while (j < data.length && data.charCodeAt(j) >= 0x20 && data.charCodeAt(j) <= 0x2f) j++;
    if (j < data.length && data.charCodeAt(j) >= 0x30 && data.charCodeAt(j) <= 0x7e) j++;
    return j - i;
  }
  if (c === 0x9b) return csiEnd(data, i + 1) - i;
  if (c === 0x8f) return Math.min(2, data.length - i);
  if (c === 0x90 || c === 0x98 || c === 0x9d || c === 0x9e || c === 0x9f) return stringEnd(data, i + 1) - i;
  return 1;
}

/**
 * Feeds raw terminal input (one key or a paste) to the editor. With `untilSubmit`, reading stops
 * after the first line submitted, or the first Tab that asks for a completion, and the rest of the
 * input is returned unread, to be fed once that line's output and the next prompt are on screen
 * or the completion is applied (as a shell reads typeahead: keys after Tab see the completed line).
 */
export function feed(start: EditorState, data: string, untilSubmit = false): FeedResult {
  let s: EditorState = { ...start, history: start.history };
  let out = '';
  // The line is redrawn once, at the end of the input, however many keys changed it.
  let dirty = false;
  const events: EditorEvent[] = [];
  const set = (buffer: string, cursor: number) => {
    s = { ...s, buffer, cursor };
  };
  /** Output below the line (Enter, Ctrl-C): the line redrawn up to its end first. */
  const leaveWith = (suffix: string) => {
    const left = leave(s);
    out += left.output.slice(0, -2) + suffix;
    s = left.state;
    dirty = false;
  };
  let i = 0;
  while (i < data.length) {
    if (untilSubmit && events.some((e) => e.kind === 'submit' || e.kind === 'complete')) {
      // CR LF is one end of line: the LF goes with the line it ends.
      if (data[i] === '\n' && data[i - 1] === '\r') i++;
      break;
    }
    if (s.search) {
      const k = searchKey(s, data, i);
      dirty = true;
      if (k) {
        s = k.state;
        i += k.read;
        if (k.read > 0) continue;
      } else s = endSearch(s);
    }
    const key = KEYS.find(([seq]) => data.startsWith(seq, i));
    if (key) {
      i += key[0].length;
      switch (key[1]) {
        case 'left':
          if (s.cursor > 0) set(s.buffer, s.cursor - 1);
          break;
        case 'right':
          if (s.cursor < s.buffer.length) set(s.buffer, s.cursor + 1);
          break;
        case 'home':
          set(s.buffer, 0);
          break;
        case 'end':
          set(s.buffer, s.buffer.length);
          break;
        case 'delete':
          if (s.cursor < s.buffer.length) set(s.buffer.slice(0, s.cursor) + s.buffer.slice(s.cursor + 1), s.cursor);
          break;
        case 'up':
          if (s.index > 0) {
            const draft = s.index === s.history.length ? s.buffer : s.draft;
            const line = s.history[s.index - 1] ?? '';
            s = { ...s, index: s.index - 1, draft, buffer: line, cursor: line.length };
          }
          break;
        case 'down':
          if (s.index < s.history.length) {
            const index = s.index + 1;
            const line = index === s.history.length ? s.draft : (s.history[index] ?? '');
            s = { ...s, index, buffer: line, cursor: line.length };
          }
          break;
      }
      dirty = true;
      continue;
    }
    const code = data.charCodeAt(i);
    if (code === 0x1b || (code >= 0x80 && code <= 0x9f)) {
      // A key sequence bound to nothing, or control codes in a paste: dropped whole (see above).
      i += controlSequenceLength(data, i);
      continue;
    }
    const ch = data[i] as string;
    i += 1;
    switch (ch) {
      case '\r':
      case '\n': {
        if (ch === '\n' && data[i - 2] === '\r') break;
        const line = s.buffer;
        leaveWith('\r\n');
        events.push({ kind: 'submit', line });
        const history = line.trim() !== '' && s.history[s.history.length - 1] !== line ? [...s.history, line] : s.history;
        s = { ...s, buffer: '', cursor: 0, history, index: history.length, draft: '' };
        break;
      }
      case '\x7f':
      case '\b':
        if (s.cursor > 0) set(s.buffer.slice(0, s.cursor - 1) + s.buffer.slice(s.cursor), s.cursor - 1);
        dirty = true;
        break;
      case '\x01':
        set(s.buffer, 0);
        dirty = true;
        break;
      case '\x05':
        set(s.buffer, s.buffer.length);
        dirty = true;
        break;
      case '\x0b':
        set(s.buffer.slice(0, s.cursor), s.cursor);
        dirty = true;
        break;
      case '\x15':
        set(s.buffer.slice(s.cursor), 0);
        dirty = true;
        break;
      case '\x17': {
        const w = wordStart(s.buffer, s.cursor);
        set(s.buffer.slice(0, w) + s.buffer.slice(s.cursor), w);
        dirty = true;
        break;
      }
      case '\x03':
        leaveWith('^C\r\n');
        events.push({ kind: 'interrupt' });
        s = { ...s, buffer: '', cursor: 0, index: s.history.length, draft: '' };
        break;
      case '\x0c':
        events.push({ kind: 'clear' });
        break;
      case '\x12':
        s = { ...s, search: { query: '', index: s.history.length, pos: 0, failed: false, saved: { buffer: s.buffer, cursor: s.cursor, index: s.index } } };
        dirty = true;
        break;
      case '\x04':
        if (s.buffer === '') events.push({ kind: 'eof' });
        else if (s.cursor < s.buffer.length) set(s.buffer.slice(0, s.cursor) + s.buffer.slice(s.cursor + 1), s.cursor);
        dirty = true;
        break;
      case '\t':
        events.push({ kind: 'complete', line: s.buffer.slice(0, s.cursor) });
        break;
      default: {
        // Other C0 codes are dropped. Text goes in a run at a time, so a long paste stays linear.
        if (!plain(code)) break;
        let j = i;
        while (j < data.length && plain(data.charCodeAt(j))) j++;
        const run = data.slice(i - 1, j);
        i = j;
        set(s.buffer.slice(0, s.cursor) + run + s.buffer.slice(s.cursor), s.cursor + run.length);
        dirty = true;
      }
    }
  }
  if (dirty) {
    const d = draw(s);
    out += d.output;
    s = d.state;
  }
  return { state: s, output: out, events, rest: data.slice(i) };
}

/**
 * Applies a completion reply for the text `sent` (what was before the cursor on Tab). Keys typed
 * while the reply was on its way are kept; a reply for text the learner has since changed is dropped.
 */
export function applyCompletion(s: EditorState, sent: string, replacement: string | undefined): EditorState {
  if (replacement === undefined || !s.buffer.startsWith(sent) || s.cursor < sent.length) return s;
  const buffer = replacement + s.buffer.slice(sent.length);
  return { ...s, buffer, cursor: s.cursor + replacement.length - sent.length };
}

/** Several candidates are listed like bash does, in columns, before the prompt is redrawn. */
export function formatCandidates(candidates: string[], columns: number): string {
  const names = candidates.map(shown);
  const width = Math.max(...names.map((c) => c.length)) + 2;
  const perLine = Math.max(1, Math.floor(columns / width));
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += perLine) {
    lines.push(names.slice(i, i + perLine).map((c) => c.padEnd(width)).join('').trimEnd());
  }
  return `\r\n${lines.join('\r\n')}\r\n`;
}
