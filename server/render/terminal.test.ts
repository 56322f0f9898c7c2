import { describe, expect, it } from 'vitest';
import { visibleControl, visibleText } from './terminal.js';

const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;

/** Whether a string still holds a control character a terminal would obey (\n and \t aside). */
const raw = (s: string) => /[\x00-\x08\x0b-\x1f\x7f-\x9f]|\r(?!\n)/.test(s);

describe('visibleText', () => {
  it('shows every C0 code but \\t and \\n in caret notation, as cat -v does', () => {
    for (let c = 0; c < 0x20; c++) {
      const ch = String.fromCharCode(c);
      const want = c === 0x09 || c === 0x0a ? ch : `^${String.fromCharCode(c + 0x40)}`;
      expect(visibleText(`a${ch}b`), `U+${c.toString(16)}`).toBe(`a${want}b`);
    }
    expect(visibleText('\x00\x1b\x1f')).toBe('^@^[^_');
  });

  it('shows DEL as ^? and every C1 code as M-^X', () => {
    expect(visibleText('x\x7fy')).toBe('x^?y');
    for (let c = 0x80; c <= 0x9f; c++) {
      expect(visibleText(String.fromCharCode(c)), `U+${c.toString(16)}`).toBe(
        `M-^${String.fromCharCode(c - 0x80 + 0x40)}`,
      );
    }
    expect(visibleControl(0x9b)).toBe('M-^[');
    expect(visibleText('\u009b2J')).toBe('M-^[2J');
    // Just above C1: printable Latin-1, left alone.
    expect(visibleText('\u00a0é')).toBe('\u00a0é');
  });

  it('keeps CR LF line ends, shows a lone CR (it would let text overwrite the line)', () => {
    expect(visibleText('one\r\ntwo\n')).toBe('one\r\ntwo\n');
    expect(visibleText('real\rfake')).toBe('real^Mfake');
    expect(visibleText('end\r')).toBe('end^M');
  });

  it('defuses OSC 0 (title), 8 (link) and 52 (clipboard) with BEL and ST terminators', () => {
    const cases: Array<[string, string]> = [
      [`${ESC}]0;owned${BEL}`, '^[]0;owned^G'],
      [`${ESC}]0;owned${ST}`, '^[]0;owned^[\\'],
      [
        `${ESC}]8;;https://evil.example/${BEL}click${ESC}]8;;${BEL}`,
        '^[]8;;https://evil.example/^Gclick^[]8;;^G',
      ],
      [
        `${ESC}]8;;https://evil.example/${ST}click${ESC}]8;;${ST}`,
        '^[]8;;https://evil.example/^[\\click^[]8;;^[\\',
      ],
      [`${ESC}]52;c;cm0gLXJmIC8K${BEL}`, '^[]52;c;cm0gLXJmIC8K^G'],
      [`${ESC}]52;c;cm0gLXJmIC8K${ST}`, '^[]52;c;cm0gLXJmIC8K^[\\'],
      // 8-bit OSC and ST.
      ['\u009d0;owned\u009c', 'M-^]0;ownedM-^\\'],
    ];
    for (const [input, want] of cases) {
      expect(visibleText(`net-${input}`)).toBe(`net-${want}`);
      expect(raw(visibleText(input))).toBe(false);
      // allowSgr does not let them through either.
      expect(visibleText(input, { allowSgr: true })).toBe(want);
    }
  });

  it('defuses cursor moves, erases and scroll regions, 7-bit and 8-bit', () => {
    for (const seq of [
      '[A',
      '[10B',
      '[3;4H',
      '[H',
      '[K',
      '[1K',
      '[J',
      '[2J',
      '[3J',
      '[5;10r',
      '[?1049h',
      '[?25l',
      '[6n',
      'c',
      '7',
      '8',
      'M',
    ]) {
      const s = `${ESC}${seq}`;
      expect(visibleText(s)).toBe(`^[${seq}`);
    }
    expect(visibleText('\u009b3;4H')).toBe('M-^[3;4H');
    expect(visibleText('\u009b2J', { allowSgr: true })).toBe('M-^[2J');
  });

  it('allowSgr keeps colours and the clear sequence, and nothing else', () => {
    const coloured = `${ESC}[1;32mUP${ESC}[0m ${ESC}[m ${ESC}[38;5;208morange${ESC}[39m`;
    expect(visibleText(coloured, { allowSgr: true })).toBe(coloured);
    expect(visibleText(coloured)).toBe('^[[1;32mUP^[[0m ^[[m ^[[38;5;208morange^[[39m');
    expect(visibleText(`${ESC}[H${ESC}[2J`, { allowSgr: true })).toBe(`${ESC}[H${ESC}[2J`);
    // The scrollback wipe and an erase on its own are not Stacklab's: visible.
    expect(visibleText(`${ESC}[H${ESC}[2J${ESC}[3J`, { allowSgr: true })).toBe(`${ESC}[H${ESC}[2J^[[3J`);
    expect(visibleText(`a${ESC}[2Jb`, { allowSgr: true })).toBe('a^[[2Jb');
    // Cursor home on its own is a cursor move.
    expect(visibleText(`${ESC}[Hfake`, { allowSgr: true })).toBe('^[[Hfake');
    expect(visibleText(`${ESC}[1;1H${ESC}[2J`, { allowSgr: true })).toBe(`^[[1;1H^[[2J`);
    expect(visibleText(`${ESC}[1J ${ESC}[?2004h ${ESC}[1;31`, { allowSgr: true })).toBe(
      '^[[1J ^[[?2004h ^[[1;31',
    );
    expect(visibleText(`${ESC}[31m${BEL}`, { allowSgr: true })).toBe(`${ESC}[31m^G`);
  });

  it("allowSgr keeps grep's colours (an erase to the line's end straight after an SGR), not an erase anywhere else", () => {
    const grep = `${ESC}[32m${ESC}[K1${ESC}[m${ESC}[K${ESC}[36m${ESC}[K:${ESC}[m${ESC}[Khe${ESC}[01;31m${ESC}[Kll${ESC}[m${ESC}[Ko`;
    expect(visibleText(grep, { allowSgr: true })).toBe(grep);
    expect(visibleText(`a${ESC}[Kb ${ESC}[K`, { allowSgr: true })).toBe('a^[[Kb ^[[K');
    expect(visibleText(`${ESC}[m${ESC}[K${ESC}[K`, { allowSgr: true })).toBe(`${ESC}[m${ESC}[K^[[K`);
    expect(visibleText(`${ESC}[m${ESC}[2K`, { allowSgr: true })).toBe(`${ESC}[m^[[2K`);
  });

  it('returns the string itself when there is nothing to change', () => {
    const s = 'openstack network list\n\tok ✔ 🚀\r\n';
    expect(visibleText(s)).toBe(s);
    expect(visibleText('')).toBe('');
  });

  it('is surrogate-safe: pairs next to controls and lone surrogates pass through', () => {
    expect(visibleText('🚀\x1b🚀')).toBe('🚀^[🚀');
    expect(visibleText('\ud83d\x1b\ude80')).toBe('\ud83d^[\ude80');
    expect([...visibleText('a\u009b😀b')]).toEqual(['a', 'M', '-', '^', '[', '😀', 'b']);
  });

  it('runs in linear time on long hostile strings', () => {
    const n = 200_000;
    const inputs = [
      '\x1b'.repeat(n),
      `${ESC}[`.repeat(n),
      `${ESC}[${'1;'.repeat(n)}`,
      `${ESC}[${'9'.repeat(n)}`,
      `${ESC}]0;${'x'.repeat(n)}`,
      'a\u009b'.repeat(n),
      `${ESC}[H`.repeat(n),
    ];
    // No timing here (benchmarks measure speed): a quadratic scan of these inputs would not end
    // within the test's own time limit.
    for (const s of inputs) {
      const v = visibleText(s, { allowSgr: true });
      visibleText(s);
      expect(raw(v)).toBe(false);
    }
  });
});
