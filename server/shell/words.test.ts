import { describe, expect, it } from 'vitest';
import { expandWord, parseLine, ParseError, type Word } from './words.js';
import { LimitError } from './limits.js';

const env: Record<string, string> = { A: 'one two', B: 'x', EMPTY: '' };
const expand = (w: Word) => expandWord(w, (n) => env[n] ?? '', (src) => `[${src}]\n`);
const argv = (line: string) => parseLine(line).map((p) => p.commands.map((c) => c.flatMap(expand)));

describe('parseLine and expandWord', () => {
  it('splits words and keeps quoted text whole', () => {
    expect(argv(`openstack security group create web --description "web servers"`)).toEqual([
      [['openstack', 'security', 'group', 'create', 'web', '--description', 'web servers']],
    ]);
    expect(argv(`echo 'a  $B'  "b  $B"`)).toEqual([[['echo', 'a  $B', 'b  x']]]);
  });

  it('splits unquoted expansions on whitespace, as bash does', () => {
    expect(argv('echo $A "$A" ${B}y $EMPTY')).toEqual([[['echo', 'one', 'two', 'one two', 'xy']]]);
  });

  it('substitutes $(…) with trailing newlines removed, honouring nested quotes and parens', () => {
    expect(argv('echo "$(openstack floating ip list -f value -c "Floating IP Address")"')[0]?.[0]).toEqual([
      'echo',
      '[openstack floating ip list -f value -c "Floating IP Address"]',
    ]);
    expect(argv('echo $(a (b) c)')[0]?.[0]).toEqual(['echo', '[a', '(b)', 'c]']);
  });

  it('knows ; && || | and comments', () => {
    const p = parseLine('a; b && c || d | e # note');
    expect(p.map((x) => x.op)).toEqual([';', ';', '&&', '||']);
    expect(p[3]?.commands.length).toBe(2);
  });

  it('reports unbalanced quotes the way bash does', () => {
    expect(() => parseLine('echo "abc')).toThrow(ParseError);
    expect(() => parseLine("echo 'abc")).toThrow("unexpected EOF while looking for matching `''");
    expect(() => parseLine('echo $(ls')).toThrow(ParseError);
    expect(() => parseLine('&& a')).toThrow("syntax error near unexpected token `&&'");
  });

  it('charges what it expands and stops at a number of fields', () => {
    let charged = 0;
    const word: Word = [{ kind: 'var', name: 'A', quoted: false }];
    const charge = (n: number) => {
      charged += n;
    };
    expect(expandWord(word, () => 'a b c', () => '', charge, 3)).toEqual(['a', 'b', 'c']);
    expect(charged).toBeGreaterThanOrEqual(5);
    expect(() => expandWord(word, () => 'a b c d', () => '', charge, 3)).toThrow(LimitError);
  });

  it("drops $(…)'s trailing newlines in linear time, whatever the runs of newlines", () => {
    const out = `${'\n'.repeat(200_000)}x${'\n'.repeat(200_000)}`;
    expect(expandWord([{ kind: 'cmd', source: 'x', quoted: true }], () => '', () => out)).toEqual([`${'\n'.repeat(200_000)}x`]);
  });
});
