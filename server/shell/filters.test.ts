import { describe, expect, it } from 'vitest';
import { runFilter } from './filters.js';

const text = 'qrouter-1 (id: 1)\nqdhcp-2 (id: 0)\nQROUTER-3\n';

describe('filters', () => {
  it('grep with -v -i -E -c', () => {
    expect(runFilter('grep', ['qrouter'], text)).toEqual({ stdout: 'qrouter-1 (id: 1)\n', stderr: '', exitCode: 0 });
    expect(runFilter('grep', ['-i', 'qrouter'], text)?.stdout).toBe('qrouter-1 (id: 1)\nQROUTER-3\n');
    expect(runFilter('grep', ['-v', 'qrouter'], text)?.stdout).toBe('qdhcp-2 (id: 0)\nQROUTER-3\n');
    expect(runFilter('grep', ['-E', 'qrouter|qdhcp'], text)?.stdout).toBe('qrouter-1 (id: 1)\nqdhcp-2 (id: 0)\n');
    expect(runFilter('grep', ['-c', 'q'], text)?.stdout).toBe('2\n');
    expect(runFilter('grep', ['nothing'], text)?.exitCode).toBe(1);
    expect(runFilter('grep', ['(id'], text)?.stdout).toBe('qrouter-1 (id: 1)\nqdhcp-2 (id: 0)\n');
  });

  it('head, tail, wc -l, sort, uniq -c, cut', () => {
    expect(runFilter('head', ['-n', '1'], text)?.stdout).toBe('qrouter-1 (id: 1)\n');
    expect(runFilter('head', ['-2'], text)?.stdout).toBe('qrouter-1 (id: 1)\nqdhcp-2 (id: 0)\n');
    expect(runFilter('tail', ['-n', '1'], text)?.stdout).toBe('QROUTER-3\n');
    expect(runFilter('wc', ['-l'], text)?.stdout).toBe('3\n');
    expect(runFilter('wc', [], 'a b\n')?.stdout).toBe('      1       2       4\n');
    expect(runFilter('sort', [], 'b\na\nc\n')?.stdout).toBe('a\nb\nc\n');
    expect(runFilter('sort', ['-rn'], '2\n10\n1\n')?.stdout).toBe('10\n2\n1\n');
    expect(runFilter('uniq', ['-c'], 'a\na\nb\n')?.stdout).toBe('      2 a\n      1 b\n');
    expect(runFilter('cut', ['-d', ' ', '-f', '1'], text)?.stdout).toBe('qrouter-1\nqdhcp-2\nQROUTER-3\n');
  });

  it('sort, wc and uniq read their options as coreutils 9.1 does (each expectation from the real tools on this machine)', () => {
    const out = (cmd: string, args: string[], input: string) => runFilter(cmd, args, input)?.stdout;
    // A long option is one option, not the letters of its name (--numeric-sort has an r).
    expect(out('sort', ['--numeric-sort'], 'b\n10\na\n2\n')).toBe('a\nb\n2\n10\n');
    expect(out('sort', ['--unique'], 'b\na\nb\n')).toBe('a\nb\n');
    // -n: the number a line starts with, after blanks; none is 0; equal numbers by the whole line.
    expect(out('sort', ['-n'], 'b\n10\na\n2\n-3\n 7x\n')).toBe('-3\na\nb\n2\n 7x\n10\n');
    expect(out('sort', ['-rn'], 'b\n10\na\n2\n')).toBe('10\n2\nb\na\n');
    expect(out('wc', ['--bytes'], 'abc\n')).toBe('4\n');
    expect(out('wc', ['-m'], 'héllo wörld\nab\n')).toBe('15\n');
    expect(out('wc', ['-c'], 'héllo wörld\nab\n')).toBe('17\n');
    expect(out('wc', ['-L'], 'héllo wörld\nab\n')).toBe('11\n');
    expect(out('wc', ['-L'], 'a\tb\nab\n')).toBe('9\n');
    expect(out('wc', ['-lmcL'], 'héllo\n')).toBe('      1       6       7       5\n');
    expect(out('uniq', ['-d'], 'a\na\nb\nc\nc\nc\n')).toBe('a\nc\n');
    expect(out('uniq', ['-u'], 'a\na\nb\nc\nc\nc\n')).toBe('b\n');
    expect(out('uniq', ['-dc'], 'a\na\nb\nc\nc\nc\n')).toBe('      2 a\n      3 c\n');
    expect(out('uniq', ['-i'], 'a\nA\nb\n')).toBe('a\nb\n');
    expect(out('uniq', ['--count', '--repeated'], 'a\na\nb\n')).toBe('      2 a\n');
  });

  it('reports bad usage like the real tools', () => {
    expect(runFilter('head', ['-n', 'x'], text)).toEqual({ stdout: '', stderr: "head: invalid number of lines: 'x'\n", exitCode: 1 });
    expect(runFilter('grep', ['-Z', 'a'], text)?.exitCode).toBe(2);
  });

  it('counts what wc counts without building arrays, and sorts with cached collators', () => {
    expect(runFilter('wc', [], 'a b\u00a0c\n\u00e9t\u00e9 \ud83d\ude00\n')?.stdout).toBe('      2       5      18\n');
    expect(runFilter('wc', ['-w'], '  \t\n')?.stdout).toBe('0\n');
    expect(runFilter('sort', ['-f'], 'b\nA\na\nB\n')?.stdout).toBe('A\na\nb\nB\n');
    expect(runFilter('sort', ['-u'], 'b\na\nb\n')?.stdout).toBe('a\nb\n');
  });

  it('charges its work before doing it', () => {
    let charged = 0;
    const charge = (n: number) => {
      charged += n;
    };
    runFilter('sort', [], 'b\na\nc\n', charge);
    expect(charged).toBeGreaterThan(0);
    expect(() =>
      runFilter('grep', ['x'], 'x\n', () => {
        throw new Error('over');
      }),
    ).toThrow('over');
  });
});

