import { describe, expect, it } from 'vitest';
import { applyCompletion, controlSequenceLength, cursorRow, draw, feed, formatCandidates, leave, lineTooLong, MAX_LINE, newEditor, onScreen, render, shown, type EditorState } from './line-editor.js';

const type = (s: EditorState, ...keys: string[]) => keys.reduce((acc, k) => feed(acc, k).state, s);

describe('line editor', () => {
  it('inserts, moves and deletes', () => {
    let s = type(newEditor('$ '), 'h', 'e', 'l', 'o', '\x1b[D', 'l');
    expect([s.buffer, s.cursor]).toEqual(['hello', 4]);
    s = type(s, '\x01', '\x1b[3~', '\x05', '\x7f');
    expect([s.buffer, s.cursor]).toEqual(['ell', 3]);
    s = type(s, '\x1b[H', '\x0b');
    expect(s.buffer).toBe('');
  });
  it('kills words and lines', () => {
    let s = type(newEditor('$ '), ...'openstack network list');
    s = type(s, '\x17');
    expect(s.buffer).toBe('openstack network ');
    s = type(s, '\x15');
    expect(s.buffer).toBe('');
  });
  it('submits and keeps history, browsed with up and down', () => {
    const r = feed(type(newEditor('$ '), ...'openstack network list'), '\r');
    expect(r.events).toEqual([{ kind: 'submit', line: 'openstack network list' }]);
    let s = type(r.state, ...'draft', '\x1b[A');
    expect(s.buffer).toBe('openstack network list');
    s = type(s, '\x1b[B');
    expect(s.buffer).toBe('draft');
  });
  it('runs a multi-line paste in order', () => {
    const r = feed(newEditor('$ '), 'echo one\r\necho two\recho three');
    expect(r.events).toEqual([{ kind: 'submit', line: 'echo one' }, { kind: 'submit', line: 'echo two' }]);
    expect(r.state.buffer).toBe('echo three');
  });
  it('Ctrl-C drops the line, Tab asks for completion of the text before the cursor', () => {
    const c = feed(type(newEditor('$ '), 'x', 'y'), '\x03');
    expect(c.events).toEqual([{ kind: 'interrupt' }]);
    expect(c.state.buffer).toBe('');
    const t = feed(type(newEditor('$ '), ...'openstack net'), '\t');
    expect(t.events).toEqual([{ kind: 'complete', line: 'openstack net' }]);
    expect(applyCompletion(t.state, 'openstack net', 'openstack network ').buffer).toBe('openstack network ');
    const typedMeanwhile = type(t.state, 'x');
    expect(applyCompletion(typedMeanwhile, 'openstack net', 'openstack network ')).toMatchObject({ buffer: 'openstack network x', cursor: 19 });
    expect(applyCompletion(type(t.state, '\x15'), 'openstack net', 'openstack network ').buffer).toBe('');
  });
  it('redraws the line with the cursor in place', () => {
    expect(feed(type(newEditor('$ '), 'a', 'b'), '\x1b[D').output).toBe('\r\x1b[J$ ab\r\x1b[3C');
  });
  it('lists several candidates in columns', () => {
    expect(formatCandidates(['create', 'delete', 'list'], 20)).toBe('\r\ncreate  delete\r\nlist\r\n');
  });
});

/** What the editor writes, with its own sequences (erase below, cursor moves) taken out. */
const bare = (out: string) => out.replace(/\x1b\[[JK]|\x1b\[\d+[ABCD]/g, '').replace(/\r\n?/g, '');
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('line editor: control characters', () => {
  it('drops every C0 code it does not handle, DEL aside, and every C1 code', () => {
    const handled = new Set([0x01, 0x03, 0x04, 0x05, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x12, 0x15, 0x17, 0x1b, 0x7f]);
    // Introducers take what follows with them: SS3 one character, CSI up to its final byte, strings up to ST.
    const introducers = new Set([0x8f, 0x90, 0x98, 0x9b, 0x9d, 0x9e, 0x9f]);
    for (let c = 0; c <= 0x9f; c++) {
      if (c >= 0x20 && c < 0x7f) continue;
      if (handled.has(c)) continue;
      const r = feed(type(newEditor('$ '), 'a'), `${String.fromCharCode(c)}b`);
      expect(r.state.buffer, `U+${c.toString(16)}`).toBe(introducers.has(c) ? 'a' : 'ab');
      expect(bare(r.output)).not.toMatch(RAW);
    }
  });
  it('a paste that would clear the screen, move the cursor or set the title inserts and echoes nothing of it', () => {
    const paste = 'echo \x1b[2J\x1b[3J\x1b[10;20Hhi\x1b]0;owned\x07\x1b]52;c;cm0gLXJm\x1b\\\x1b]8;;https://x.example/\x07link\x1b]8;;\x07\x9b2J\x9d0;t\x9c!';
    const r = feed(newEditor('$ '), paste);
    expect(r.state.buffer).toBe('echo hilink!');
    expect(bare(r.output)).toBe('$ echo hilink!');
    expect(r.output).not.toContain('\x1b[2J');
    expect(r.events).toEqual([]);
  });
  it('drops unbound keys and Alt combinations whole, and still handles bound ones', () => {
    expect(type(newEditor('$ '), 'a', '\x1b[1;5C', '\x1bb', '\x1b[200~', 'b', '\x1b[201~', '\x1b[<0;3;4M', '\x1b[15~', '\x1b').buffer).toBe('ab');
    // Application cursor mode arrows.
    const s = type(newEditor('$ '), 'a', 'c', '\x1bOD', 'b');
    expect([s.buffer, s.cursor]).toEqual(['abc', 2]);
  });
  it('an unterminated control string swallows the rest of the paste rather than running it', () => {
    const r = feed(newEditor('$ '), 'ok\x1b]0;title\r\nrm -rf /\r\n');
    expect(r.state.buffer).toBe('ok');
    expect(r.events).toEqual([]);
    // CAN aborts a control string, as in a terminal.
    expect(feed(newEditor('$ '), 'a\x1bPq#0\x18b').state.buffer).toBe('ab');
  });
  it('controlSequenceLength follows ECMA-48', () => {
    expect(controlSequenceLength('\x1b[?2004h!', 0)).toBe(8);
    expect(controlSequenceLength('\x1b[38;5;1m', 0)).toBe(9);
    expect(controlSequenceLength('\x1b(B', 0)).toBe(3);
    expect(controlSequenceLength('\x1bc', 0)).toBe(2);
    expect(controlSequenceLength('\x1b', 0)).toBe(1);
    expect(controlSequenceLength('\x1b]52;c;x\x1b\\z', 0)).toBe(10);
    expect(controlSequenceLength('\x9b1;2Hz', 0)).toBe(5);
    expect(controlSequenceLength('\x8fAz', 0)).toBe(2);
    expect(controlSequenceLength('\x85z', 0)).toBe(1);
  });
  it('text from history, completions and prompts is shown in caret notation, the cursor kept in place', () => {
    const s = newEditor('\x1b]0;p\x07$ ', ['echo \x1b[2Jx']);
    const up = feed(s, '\x1b[A');
    expect(up.state.buffer).toBe('echo \x1b[2Jx');
    expect(up.output).toBe('\r\x1b[J^[]0;p^G$ echo ^[[2Jx');
    // The cursor goes back over the text as shown: six columns for `^[[2Jx`.
    expect(render({ ...up.state, row: 0, cursor: 5 })).toBe('\r\x1b[J^[]0;p^G$ echo ^[[2Jx\r\x1b[15C');
    expect(shown('a\x00\x7f\x9b\u00a0')).toBe('a^@^?M-^[\u00a0');
    expect(formatCandidates(['net\x1b[2J', 'b'], 80)).toBe('\r\nnet^[[2J  b\r\n');
  });
  it('a long paste is taken in runs (a character at a time would not end within the test’s time limit)', () => {
    const r = feed(newEditor('$ '), 'x'.repeat(200_000));
    expect(r.state.buffer.length).toBe(200_000);
  });
});

describe('line length', () => {
  it('refuses lines over the server\'s limit with its message', () => {
    expect(lineTooLong('x'.repeat(MAX_LINE))).toBeNull();
    expect(lineTooLong('x'.repeat(20_000))).toBe('stacklab: line too long (20000 characters; the limit is 4096)\n');
  });
});

/**
 * A small model of the terminal (xterm.js with auto-wrap): printable text, CR, LF, cursor up and
 * forward, erase below. Enough to see what the learner sees after the editor's output.
 */
class Screen {
  rows: string[][] = [[]];
  /** Rows continued from the one above by auto-wrap. */
  wrapped = new Set<number>();
  y = 0;
  x = 0;
  pendingWrap = false;
  constructor(public cols: number) {}
  write(out: string): this {
    for (let i = 0; i < out.length; i++) {
      const c = out[i] as string;
      if (c === '\x1b') {
        const m = /^\x1b\[(\d*)([A-DJK])/.exec(out.slice(i));
        if (!m) throw new Error(`unexpected sequence at ${i}: ${JSON.stringify(out.slice(i, i + 8))}`);
        i += m[0].length - 1;
        const n = Number(m[1] || 1);
        this.pendingWrap = false;
        if (m[2] === 'A') this.y = Math.max(0, this.y - n);
        else if (m[2] === 'C') this.x = Math.min(this.cols - 1, this.x + n);
        else if (m[2] === 'D') this.x = Math.max(0, this.x - n);
        else if (m[2] === 'J') {
          this.row(this.y).length = this.x;
          this.rows.length = this.y + 1;
          for (const w of this.wrapped) if (w > this.y) this.wrapped.delete(w);
        } else throw new Error(`unexpected ${m[0]}`);
      } else if (c === '\r') {
        this.x = 0;
        this.pendingWrap = false;
      } else if (c === '\n') {
        this.y += 1;
        this.row(this.y);
        this.pendingWrap = false;
      } else {
        if (this.pendingWrap) {
          this.y += 1;
          this.x = 0;
          this.row(this.y).length = 0;
          this.wrapped.add(this.y);
          this.pendingWrap = false;
        }
        const r = this.row(this.y);
        while (r.length < this.x) r.push(' ');
        r[this.x] = c;
        if (this.x === this.cols - 1) this.pendingWrap = true;
        else this.x += 1;
      }
    }
    return this;
  }
  private row(y: number): string[] {
    while (this.rows.length <= y) this.rows.push([]);
    return this.rows[y] as string[];
  }
  /** Logical lines: wrapped rows joined to the row they continue. */
  lines(): string[] {
    const out: string[] = [];
    this.rows.forEach((r, y) => {
      const text = r.join('');
      if (this.wrapped.has(y) && out.length > 0) out[out.length - 1] = (out[out.length - 1] as string).padEnd(this.cols * 1) + text;
      else out.push(text);
    });
    return out.map((l) => l.trimEnd());
  }
  /** Where the cursor is as an offset into the last logical line. */
  offset(): number {
    let first = this.y;
    while (this.wrapped.has(first)) first--;
    return (this.y - first) * this.cols + (this.pendingWrap ? this.cols : this.x);
  }
}

/** Types keys one by one as a learner does, each output written to `screen`. */
function typeOn(screen: Screen, s: EditorState, ...keys: string[]): EditorState {
  for (const k of keys) {
    const r = feed(s, k);
    screen.write(r.output);
    s = r.state;
  }
  return s;
}

describe('line editor: lines wider than the terminal', () => {
  const long = `echo ${'x'.repeat(40)}`;
  const fresh = (cols: number, history: string[] = []) => {
    const s = newEditor('$ ', history, cols);
    const screen = new Screen(cols);
    const d = draw(s);
    screen.write(d.output);
    return { s: d.state, screen };
  };
  it('typing past the width shows one copy of the prompt and line, the cursor at its end', () => {
    for (const cols of [10, 12, 47, 80]) {
      const { s: s0, screen } = fresh(cols);
      const s = typeOn(screen, s0, ...long);
      expect(screen.lines(), `cols ${cols}`).toEqual([`$ ${long}`]);
      expect(screen.offset()).toBe(2 + long.length);
      expect(s.row).toBe(cursorRow(s));
    }
  });
  it('a line that ends at the right margin waits there to wrap, and Enter leaves it without an empty row', () => {
    const { s: s0, screen } = fresh(10);
    let s = typeOn(screen, s0, ...'echo abc');
    expect(screen.lines()).toEqual(['$ echo abc']);
    expect([s.row, screen.offset()]).toEqual([0, 10]);
    s = typeOn(screen, s, 'd', '\x1b[D', '\x1b[C', '\x7f', '\x1b[D', '\x1b[C');
    expect(screen.lines()).toEqual(['$ echo abc']);
    expect([s.row, screen.offset()]).toEqual([0, 10]);
    const r = feed(s, '\r');
    screen.write(r.output);
    expect(screen.lines()).toEqual(['$ echo abc', '']);
    expect(r.state.row).toBe(0);
  });
  it('moves the cursor across the wrap with the arrows, Home/End and Ctrl-A/E', () => {
    const { s: s0, screen } = fresh(12);
    let s = typeOn(screen, s0, ...long);
    for (const [keys, at] of [
      [['\x1b[H'], 0],
      [['\x1b[C', '\x1b[C', '\x1b[C'], 3],
      [['\x1b[F'], long.length],
      [Array(15).fill('\x1b[D'), long.length - 15],
      [['\x01'], 0],
      [['\x05'], long.length],
    ] as Array<[string[], number]>) {
      s = typeOn(screen, s, ...keys);
      expect(s.cursor).toBe(at);
      expect(screen.lines()).toEqual([`$ ${long}`]);
      expect(screen.offset()).toBe(2 + at);
    }
  });
  it('Backspace over the wrap and inserting in the middle redraw in place', () => {
    const { s: s0, screen } = fresh(12);
    let s = typeOn(screen, s0, ...long, ...Array(29).fill('\x1b[D'), '\x7f', '\x7f', '\x7f', 'Y');
    expect(s.buffer).toBe(`echo ${'x'.repeat(8)}Y${'x'.repeat(29)}`);
    expect(screen.lines()).toEqual([`$ ${s.buffer}`]);
    expect(screen.offset()).toBe(2 + s.cursor);
    s = typeOn(screen, s, '\x15');
    expect(screen.lines()).toEqual([`$ ${'x'.repeat(29)}`]);
  });
  it('recalls long lines from history and back to a short draft in place', () => {
    const { s: s0, screen } = fresh(12, [long, 'ls', `${long}yy`]);
    let s = typeOn(screen, s0, 'd', '\x1b[A');
    expect(screen.lines()).toEqual([`$ ${long}yy`]);
    s = typeOn(screen, s, '\x1b[A', '\x1b[A');
    expect(screen.lines()).toEqual([`$ ${long}`]);
    s = typeOn(screen, s, '\x1b[B', '\x1b[B', '\x1b[B');
    expect(screen.lines()).toEqual(['$ d']);
    expect(screen.offset()).toBe(3);
    expect(s.row).toBe(0);
  });
  it('a completion on a wrapped line, and a list of candidates below it, keep one copy', () => {
    const { s: s0, screen } = fresh(12);
    const t = feed(typeOn(screen, s0, ...`${long} openstack net`, '\x1b[D', '\x1b[C'), '\t');
    let s = applyCompletion(t.state, `${long} openstack net`, `${long} openstack network `);
    const d = draw(s);
    screen.write(d.output);
    s = d.state;
    expect(screen.lines()).toEqual([`$ ${long} openstack network`]);
    expect(screen.offset()).toBe(2 + s.buffer.length);
    // Several candidates: the line is left at its end, the list printed, the line drawn again.
    s = typeOn(screen, s, '\x01');
    const left = leave(s);
    screen.write(left.output + formatCandidates(['cr', 'li'], 12).slice(2));
    const again = draw(left.state);
    screen.write(again.output);
    expect(screen.lines()).toEqual([`$ ${long} openstack network`, 'cr  li', `$ ${long} openstack network`]);
    expect(screen.offset()).toBe(2);
  });
  it('after a resize, redraws from the row the terminal put the cursor on', () => {
    const { s: s0, screen } = fresh(20);
    const s = typeOn(screen, s0, ...long);
    // The terminal reflowed the line to 12 columns; the cursor's row in it is known from there.
    const narrow = new Screen(12).write(`$ ${long}`);
    const next = typeOn(narrow, { ...s, cols: 12, row: Math.floor((2 + long.length) / 12) }, 'z');
    expect(narrow.lines()).toEqual([`$ ${long}z`]);
    expect(next.row).toBe(cursorRow(next));
  });
  it('a multi-line paste can be read one line at a time', () => {
    const r = feed(newEditor('$ '), 'echo one\r\necho two\recho three', true);
    expect(r.events).toEqual([{ kind: 'submit', line: 'echo one' }]);
    expect(r.rest).toBe('echo two\recho three');
    expect(r.output).toBe('\r\x1b[J$ echo one\r\n');
    const r2 = feed(r.state, r.rest, true);
    expect(r2.events).toEqual([{ kind: 'submit', line: 'echo two' }]);
    expect(r2.output).toBe('\r\x1b[J$ echo two\r\n');
    expect(feed(r2.state, r2.rest, true)).toMatchObject({ rest: '', state: { buffer: 'echo three' } });
  });
  it('read one line at a time, the keys after a Tab wait for its completion (as in bash they see the completed line)', () => {
    const r = feed(newEditor('$ '), 'openstack netw\t list\r', true);
    expect(r.events).toEqual([{ kind: 'complete', line: 'openstack netw' }]);
    expect(r.rest).toBe(' list\r');
    const done = feed(applyCompletion(r.state, 'openstack netw', 'openstack network'), r.rest, true);
    expect(done.events).toEqual([{ kind: 'submit', line: 'openstack network list' }]);
  });
});

describe('line editor: Ctrl-R reverse incremental history search', () => {
  const HISTORY = ['openstack network list', 'ping -c 1 10.0.0.1', 'openstack router show r1', 'ls'];
  const at = (history = HISTORY, cols = 80) => newEditor('$ ', history, cols);
  const view = (s: EditorState) => {
    const screen = new Screen(s.cols);
    screen.write(draw(s).output);
    return screen.lines();
  };

  it("shows readline's prompt, finds the newest match as the query grows, the cursor on the match", () => {
    let s = type(at(), '\x12');
    expect(view(s)).toEqual(["(reverse-i-search)`':"]);
    s = type(s, 'o', 'p');
    expect(view(s)).toEqual(["(reverse-i-search)`op': openstack router show r1"]);
    expect(s.search?.index).toBe(2);
    s = type(s, 'e', 'n', 's', 't', 'a', 'c', 'k', ' ', 'n');
    expect(view(s)).toEqual(["(reverse-i-search)`openstack n': openstack network list"]);
    const r = feed(s, '');
    const screen = new Screen(80).write(draw(r.state).output);
    expect(screen.offset()).toBe("(reverse-i-search)`openstack n': ".length);
  });

  it('Ctrl-R again finds older matches; past the oldest the search fails and keeps the last match', () => {
    let s = type(at(), '\x12', 'o', 'p', 'e', 'n');
    expect(s.search?.index).toBe(2);
    s = type(s, '\x12');
    expect(view(s)).toEqual(["(reverse-i-search)`open': openstack network list"]);
    s = type(s, '\x12');
    expect(view(s)).toEqual(["(failed reverse-i-search)`open': openstack network list"]);
    s = type(s, 'z');
    expect(view(s)).toEqual(["(failed reverse-i-search)`openz': openstack network list"]);
    // Backspace shortens the query and searches again from the newest line.
    s = type(s, '\x7f');
    expect(view(s)).toEqual(["(reverse-i-search)`open': openstack router show r1"]);
  });

  it('Enter runs the match', () => {
    const r = feed(type(at(), 'x', '\x12', 'p', 'i', 'n', 'g'), '\r');
    expect(r.events).toEqual([{ kind: 'submit', line: 'ping -c 1 10.0.0.1' }]);
    expect(r.state.search).toBeUndefined();
    expect(r.state.buffer).toBe('');
  });

  it('Esc and the arrows take the match into the line for editing, the cursor at the match (then moved)', () => {
    let s = type(at(), '\x12', 'r', 'o', 'u', 't', '\x1b');
    expect([s.search, s.buffer, s.cursor]).toEqual([undefined, 'openstack router show r1', 10]);
    expect(view(s)).toEqual(['$ openstack router show r1']);
    s = type(at(), '\x12', 'r', 'o', 'u', 't', '\x1b[C');
    expect([s.buffer, s.cursor]).toEqual(['openstack router show r1', 11]);
    s = type(at(), '\x12', 'r', 'o', 'u', 't', '\x1b[D', 'X');
    expect(s.buffer).toBe('openstackX router show r1');
    // ↑ from there goes on from the match, ↓ back down to the line that was being typed.
    s = type(at(), 'd', 'r', 'a', 'f', 't', '\x12', 'p', 'i', 'n', 'g', '\x1b', '\x1b[A');
    expect(s.buffer).toBe('openstack network list');
    s = type(s, '\x1b[B', '\x1b[B', '\x1b[B', '\x1b[B');
    expect(s.buffer).toBe('draft');
    // Ctrl-A/Ctrl-E end the search and move.
    expect(type(at(), '\x12', 'l', 'i', 's', 't', '\x05').cursor).toBe('openstack network list'.length);
  });

  it('Ctrl-G gives the line back as it was; Ctrl-C too, then abandons it as on any line', () => {
    const s = type(at(), 'e', 'c', 'h', 'o', '\x1b[D', '\x12', 'l', 's', '\x07');
    expect([s.search, s.buffer, s.cursor]).toEqual([undefined, 'echo', 3]);
    expect(view(s)).toEqual(['$ echo']);
    const c = feed(type(at(), 'e', 'c', 'h', 'o', '\x12', 'l', 's'), '\x03');
    expect(c.events).toEqual([{ kind: 'interrupt' }]);
    expect([c.state.search, c.state.buffer]).toEqual([undefined, '']);
  });

  it('correct on wrapped lines: one copy of the search line, the cursor on the match, and back to the line', () => {
    const long = `openstack subnet create --network private --subnet-range 10.1.0.0/24 sub${'x'.repeat(30)}`;
    const s0 = at([long, 'ls'], 24);
    const screen = new Screen(24);
    let d = draw(s0);
    screen.write(d.output);
    let s = typeOn(screen, d.state, 'a', 'b', '\x12', ...'range');
    expect(screen.lines()).toEqual([`(reverse-i-search)\`range': ${long}`]);
    expect(screen.offset()).toBe("(reverse-i-search)`range': ".length + long.indexOf('range'));
    expect(s.row).toBe(cursorRow(onScreen(s)));
    s = typeOn(screen, s, '\x1b[C');
    expect(screen.lines()).toEqual([`$ ${long}`]);
    expect(screen.offset()).toBe(2 + long.indexOf('range') + 1);
    s = typeOn(screen, s, '\x12', 'a', 'b', 'c');
    expect(screen.lines()).toEqual([`(failed reverse-i-search)\`abc': ${long}`]);
    s = typeOn(screen, s, '\x07');
    expect(screen.lines()).toEqual([`$ ${long}`]);
    d = draw(s);
    expect(s.row).toBe(d.state.row);
  });

  it('drops control sequences typed during a search, and takes a pasted query', () => {
    const s = type(at(), '\x12', 'ro\x1b]0;x\x07');
    expect(s.search).toBeUndefined();
    expect(s.buffer).toBe('openstack router show r1');
    expect(type(at(), '\x12', 'pi\x01').buffer).toBe('ping -c 1 10.0.0.1');
  });
});
