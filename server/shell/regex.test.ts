import { describe, expect, it } from 'vitest';
import { compileGrep, PatternError, translate, wordSpan } from './regex.js';

const grepRe = (p: string, extended = false) =>
  compileGrep([p], { extended, fixed: false, ignoreCase: false, word: false }).re;

describe('GNU grep patterns in RE2 syntax', () => {
  it('translates BRE and ERE operators', () => {
    expect(translate('a\\(b\\|c\\)*', false).source).toBe('a(?:b|c)*');
    expect(translate('a(b|c)+{x', false).source).toBe('a\\(b\\|c\\)\\+\\{x');
    expect(translate('a(b|c)+', true).source).toBe('a(?:b|c)+');
    expect(translate('a{,3}b{2,}', true).source).toBe('a{0,3}b{2,}');
    // A repeated repetition gets a group RE2 accepts; a malformed interval is a literal brace.
    expect(translate('a**', true).source).toBe('(?:a*)*');
    expect(translate('a{1', true).source).toBe('a\\{1');
    // BRE: `*` at the start and `^`/`$` away from the ends are ordinary characters.
    expect(translate('*a^b$c$', false).source).toBe('\\*a\\^b\\$c$');
    expect(translate('[]a-]', false).source).toBe('[\\x{5d}a\\x{2d}]');
    expect(translate('[[:digit:]\\]', false).source).toBe('[[:digit:]\\x{5c}]');
  });

  it('matches as GNU grep does', () => {
    expect(grepRe('\\<ab\\>').test('x ab-y')).toBe(true);
    expect(grepRe('\\<ab\\>').test('xab y')).toBe(false);
    expect(grepRe('\\d').test('7')).toBe(false);
    expect(grepRe('\\d').test('d')).toBe(true);
    expect(grepRe('x{2}', false).test('x{2}')).toBe(true);
    expect(grepRe('\\`a').test('ba')).toBe(false);
  });

  it('warns where GNU grep warns', () => {
    expect(translate('*a|+b', true).warnings).toEqual([
      '* at start of expression',
      '+ at start of expression',
    ]);
    expect(translate('{2}a', true).warnings).toEqual(['{...} at start of expression']);
  });

  it("refuses what GNU grep refuses, with GNU grep's messages", () => {
    const refused = (p: string, extended: boolean) => {
      try {
        translate(p, extended);
        return null;
      } catch (e) {
        return e instanceof PatternError ? e.message : String(e);
      }
    };
    expect(refused('a\\{2,1\\}', false)).toBe('Invalid content of \\{\\}');
    expect(refused('a\\{x\\}', false)).toBe('Invalid content of \\{\\}');
    expect(refused('a\\{1,2', false)).toBe('Unmatched \\{');
    expect(refused('a{1,2,3}', true)).toBe('Invalid content of \\{\\}');
    expect(refused('a{}', true)).toBe('Invalid content of \\{\\}');
    expect(refused('[[.ab.]]', true)).toBe('Invalid collation character');
    expect(refused('[^', true)).toBe('Invalid regular expression');
    expect(refused('(a)\\1', true)).toBe(
      'back-reference \\1 is not supported here (this grep matches in linear time)',
    );
    expect(() =>
      compileGrep(['[a-z]{999}[0-9]{999}'], {
        extended: true,
        fixed: false,
        ignoreCase: false,
        word: false,
      }),
    ).toThrow('Regular expression too big');
  });

  it('finds the word in a -w match', () => {
    const g = compileGrep(['-?x'], { extended: true, fixed: false, ignoreCase: false, word: true });
    const inner = g.inner;
    expect(inner).not.toBeNull();
    if (!inner) return;
    expect(wordSpan('-x', 0, 2, inner)).toEqual([0, 2]);
    expect(wordSpan('a -x.', 1, 5, inner)).toEqual([2, 4]);
    expect(g.re.test('a-x')).toBe(true);
    expect(g.re.test('ax')).toBe(false);
  });
});
