/**
 * A pure line editor for the terminal: keys in, new state and terminal output out. Cursor keys,
 * Home/End, Backspace/Delete, Ctrl-A/E/K/U/W/C/L/D, history with ↑/↓, Tab for completion, and
 * multi-line paste that runs the lines in order. No DOM: unit-tested without a browser.
 */

export interface EditorState {
  prompt: string;
  buffer: string;
  cursor: number;
  history: string[];
  /** Position while browsing history (history.length = the line being edited). */
  index: number;
  /** The line being edited before browsing history started. */
  draft: string;
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
}

export function newEditor(prompt: string, history: string[] = []): EditorState {
  return { prompt, buffer: '', cursor: 0, history: [...history], index: history.length, draft: '' };
}

/** Redraws the line: carriage return, prompt, text, clear to end, cursor back into place. */
export function render(s: EditorState): string {
  const back = s.buffer.length - s.cursor;
  return `\r${s.prompt}${s.buffer}\x1b[K${back > 0 ? `\x1b[${back}D` : ''}`;
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
  ['\x1b[H', 'home'],
  ['\x1bOH', 'home'],
  ['\x1b[1~', 'home'],
  ['\x1b[F', 'end'],
  ['\x1bOF', 'end'],
  ['\x1b[4~', 'end'],
  ['\x1b[3~', 'delete'],
];

/** Feeds raw terminal input (one key or a paste) to the editor. */
export function feed(start: EditorState, data: string): FeedResult {
  let s: EditorState = { ...start, history: start.history };
  let out = '';
  const events: EditorEvent[] = [];
  const set = (buffer: string, cursor: number) => {
    s = { ...s, buffer, cursor };
  };
  let i = 0;
  while (i < data.length) {
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
      out = render(s);
      continue;
    }
    const ch = data[i] as string;
    i += 1;
    if (ch === '\x1b') {
      // An escape sequence we do not handle: skip it whole.
      const m = /^\x1b(\[[0-9;]*[A-Za-z~]|O[A-Za-z])/.exec(data.slice(i - 1));
      if (m) i += m[0].length - 1;
      continue;
    }
    switch (ch) {
      case '\r':
      case '\n': {
        if (ch === '\n' && data[i - 2] === '\r') break;
        const line = s.buffer;
        out += `${render({ ...s, cursor: s.buffer.length })}\r\n`;
        events.push({ kind: 'submit', line });
        const history = line.trim() !== '' && s.history[s.history.length - 1] !== line ? [...s.history, line] : s.history;
        s = { ...s, buffer: '', cursor: 0, history, index: history.length, draft: '' };
        break;
      }
      case '\x7f':
      case '\b':
        if (s.cursor > 0) set(s.buffer.slice(0, s.cursor - 1) + s.buffer.slice(s.cursor), s.cursor - 1);
        out = render(s);
        break;
      case '\x01':
        set(s.buffer, 0);
        out = render(s);
        break;
      case '\x05':
        set(s.buffer, s.buffer.length);
        out = render(s);
        break;
      case '\x0b':
        set(s.buffer.slice(0, s.cursor), s.cursor);
        out = render(s);
        break;
      case '\x15':
        set(s.buffer.slice(s.cursor), 0);
        out = render(s);
        break;
      case '\x17': {
        const w = wordStart(s.buffer, s.cursor);
        set(s.buffer.slice(0, w) + s.buffer.slice(s.cursor), w);
        out = render(s);
        break;
      }
      case '\x03':
        out += `${render({ ...s, cursor: s.buffer.length })}^C\r\n`;
        events.push({ kind: 'interrupt' });
        s = { ...s, buffer: '', cursor: 0, index: s.history.length, draft: '' };
        break;
      case '\x0c':
        events.push({ kind: 'clear' });
        break;
      case '\x04':
        if (s.buffer === '') events.push({ kind: 'eof' });
        else if (s.cursor < s.buffer.length) set(s.buffer.slice(0, s.cursor) + s.buffer.slice(s.cursor + 1), s.cursor);
        out = render(s);
        break;
      case '\t':
        events.push({ kind: 'complete', line: s.buffer.slice(0, s.cursor) });
        break;
      default:
        if (ch >= ' ') {
          set(s.buffer.slice(0, s.cursor) + ch + s.buffer.slice(s.cursor), s.cursor + 1);
          out = render(s);
        }
    }
  }
  return { state: s, output: out, events };
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
  const width = Math.max(...candidates.map((c) => c.length)) + 2;
  const perLine = Math.max(1, Math.floor(columns / width));
  const lines: string[] = [];
  for (let i = 0; i < candidates.length; i += perLine) {
    lines.push(candidates.slice(i, i + perLine).map((c) => c.padEnd(width)).join('').trimEnd());
  }
  return `\r\n${lines.join('\r\n')}\r\n`;
}
