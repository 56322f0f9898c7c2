import { describe, expect, it } from 'vitest';
import { applyCompletion, controlSequenceLength, feed, formatCandidates, lineTooLong, MAX_LINE, newEditor, render, shown, type EditorState } from './line-editor.js';

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
    expect(feed(type(newEditor('$ '), 'a', 'b'), '\x1b[D').output).toBe('\r$ ab\x1b[K\x1b[1D');
  });
  it('lists several candidates in columns', () => {
    expect(formatCandidates(['create', 'delete', 'list'], 20)).toBe('\r\ncreate  delete\r\nlist\r\n');
  });
});

/** What the editor writes, with its own sequences (erase to end of line, cursor left) taken out. */
const bare = (out: string) => out.replace(/\x1b\[K|\x1b\[\d+D/g, '').replace(/\r\n?/g, '');
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('line editor: control characters', () => {
  it('drops every C0 code it does not handle, DEL aside, and every C1 code', () => {
    const handled = new Set([0x01, 0x03, 0x04, 0x05, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x15, 0x17, 0x1b, 0x7f]);
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
    expect(up.output).toBe('\r^[]0;p^G$ echo ^[[2Jx\x1b[K');
    // The cursor goes back over the text as shown: six columns for `^[[2Jx`.
    expect(render({ ...up.state, cursor: 5 })).toBe('\r^[]0;p^G$ echo ^[[2Jx\x1b[K\x1b[6D');
    expect(shown('a\x00\x7f\x9b\u00a0')).toBe('a^@^?M-^[\u00a0');
    expect(formatCandidates(['net\x1b[2J', 'b'], 80)).toBe('\r\nnet^[[2J  b\r\n');
  });
  it('a long paste is taken in runs, in linear time', () => {
    const t0 = performance.now();
    const r = feed(newEditor('$ '), 'x'.repeat(200_000));
    expect(r.state.buffer.length).toBe(200_000);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('line length', () => {
  it('refuses lines over the server\'s limit with its message', () => {
    expect(lineTooLong('x'.repeat(MAX_LINE))).toBeNull();
    expect(lineTooLong('x'.repeat(20_000))).toBe('stacklab: line too long (20000 characters; the limit is 4096)\n');
  });
});
