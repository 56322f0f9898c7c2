import { describe, expect, it } from 'vitest';
import { applyCompletion, feed, formatCandidates, newEditor, type EditorState } from './line-editor.js';

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
