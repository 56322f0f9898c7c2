import { describe, expect, it } from 'vitest';
import { MAX_HISTORY, ShellHistory } from './history.js';
import { createSession, deserializeSession, inShellHistory, readSnapshot, runLine, serializeSession } from './session.js';

const many = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `echo ${from + i}`);

describe('the shell history', () => {
  it('adds a line without changing the history it was added to', () => {
    const a = ShellHistory.of(['one', 'two']);
    const b = a.push('three');
    const c = a.push('other');
    expect(a.lines()).toEqual(['one', 'two']);
    expect(b.lines()).toEqual(['one', 'two', 'three']);
    expect(c.lines()).toEqual(['one', 'two', 'other']);
    expect([a.length, b.length]).toEqual([2, 3]);
  });

  it('keeps the last 1,000 lines, across the chain being cut back', () => {
    let h = ShellHistory.EMPTY;
    const all = many(2 * MAX_HISTORY + 345);
    const seen: number[] = [];
    for (const l of all) {
      const before = h;
      h = h.push(l);
      seen.push(h.length);
      // Every step: the last lines, in order, and the history before still whole.
      if (seen.length % 97 === 0) {
        expect(h.lines()).toEqual(all.slice(Math.max(0, seen.length - MAX_HISTORY), seen.length));
        expect(before.lines()).toEqual(
          all.slice(Math.max(0, seen.length - 1 - MAX_HISTORY), seen.length - 1),
        );
      }
    }
    expect(h.lines()).toEqual(all.slice(-MAX_HISTORY));
    expect(Math.max(...seen)).toBe(MAX_HISTORY);
  });

  it('packs older lines without changing a line or an older history: across every pack boundary', () => {
    // Lines a learner can type (or paste) that a packing could get wrong: quotes, backslashes,
    // control characters, a newline, non-ASCII, a lone surrogate, an empty-looking line.
    const odd = ['say "hi"', 'a\\b', 'tab\there', 'two\nlines', 'é ü 日本', '\ud800 alone', '   ', '[1,2]', '\u0000'];
    const all = Array.from({ length: 300 }, (_, i) => `${odd[i % odd.length] as string} ${i}`);
    const states = [ShellHistory.EMPTY];
    for (const l of all) states.push((states[states.length - 1] as ShellHistory).push(l));
    for (let n = 0; n <= all.length; n++) {
      const h = states[n] as ShellHistory;
      expect(h.length).toBe(n);
      if (n % 7 === 0 || n % 64 <= 1 || n % 64 === 63) expect(h.lines()).toEqual(all.slice(0, n));
    }
    // A line added to an older history (a session forked before a pack was made) is its own.
    const fork = (states[63] as ShellHistory).push('fork');
    expect(fork.lines()).toEqual([...all.slice(0, 63), 'fork']);
    expect((states[64] as ShellHistory).lines()).toEqual(all.slice(0, 64));
    expect(JSON.parse(JSON.stringify(states[300]))).toEqual(all);
  });

  it('is left out of a snapshot (the store has every line), and an older snapshot with one loads', () => {
    let s = createSession({ fixture: 'empty' });
    for (const l of ['openstack network list', '  ', 'echo hi']) s = runLine(s, l).state;
    expect(s.history.lines()).toEqual(['openstack network list', 'echo hi']);
    const json = serializeSession(s);
    expect(JSON.parse(json)).not.toHaveProperty('history');
    expect(readSnapshot(json).historyKept).toBe(false);
    expect(readSnapshot(json).state.history.length).toBe(0);
    expect(serializeSession(deserializeSession(json))).toBe(json);
    // A snapshot stored when they kept it, with a longer (or damaged) history: its last 1,000 strings.
    const old = JSON.parse(json) as Record<string, unknown>;
    old['history'] = [...many(1500), 42, null];
    expect(readSnapshot(JSON.stringify(old)).historyKept).toBe(true);
    expect(deserializeSession(JSON.stringify(old)).history.lines()).toEqual(many(1000, 500));
    old['history'] = 'not a list';
    expect(readSnapshot(JSON.stringify(old))).toMatchObject({ historyKept: false });
    expect(deserializeSession(JSON.stringify(old)).history.length).toBe(0);
  });

  it('keeps what runLine keeps: neither blank nor over-long lines', () => {
    expect(['echo a', '  ', '', `echo ${'x'.repeat(5000)}`, ' x '].filter(inShellHistory)).toEqual(['echo a', ' x ']);
    let s = createSession({ fixture: 'empty' });
    for (const l of ['echo a', '  ', `echo ${'x'.repeat(5000)}`, ' x ']) s = runLine(s, l).state;
    expect(s.history.lines()).toEqual(['echo a', ' x ']);
  });

  it('made from lines at once is the history adding them one by one makes, and goes on the same', () => {
    for (const n of [0, 1, 63, 64, 65, 128, 130, 999, 1000, 1001, 1500, 2100]) {
      const lines = many(n);
      let pushed = ShellHistory.EMPTY;
      for (const l of lines) pushed = pushed.push(l);
      let made = ShellHistory.of(lines);
      expect(made.lines(), `${n}`).toEqual(pushed.lines());
      expect(made.length).toBe(pushed.length);
      for (const l of many(1100, n)) {
        made = made.push(l);
        pushed = pushed.push(l);
      }
      expect(made.lines(), `${n} then 1,100 more`).toEqual(pushed.lines());
    }
  });

  it('`history` numbers the kept lines from 1', () => {
    let s = createSession({ fixture: 'empty' });
    for (const l of many(1003)) s = runLine(s, l).state;
    const out = runLine(s, 'history').result.stdout.split('\n');
    expect(out[0]).toBe('    1  echo 4');
    expect(out[999]).toBe(' 1000  history');
  });
});
