/**
 * Shell lines that are expensive on a naive shell (backtracking regexes, huge ranges, variable
 * doubling, wide substitutions, long pipelines, 1 MiB outputs): the fuzz test and the hostile
 * bench run them against the server. Every line fits the 4,096-character limit.
 */

/** `head` followed by as many `unit`s as fit in `limit` characters. */
export const fitLine = (head: string, unit: string, limit = 4000): string => head + unit.repeat(Math.max(1, Math.floor((limit - head.length) / unit.length)));

/**
 * Sets B to 256 KiB (16 characters doubled 14 times) in one line: the most a variable may hold
 * once the shell caps values at 262,144 characters. `$B$B$B$B` is then 1 MiB of input.
 */
export const B_BIG = `B=0123456789abcdef${'; B=$B$B'.repeat(14)}`;
/** Sets B to 1 MiB in one line (over the cap: refused by a hardened shell, built by a naive one). */
export const B_1MIB = `B=0123456789abcdef${'; B=$B$B'.repeat(16)}`;
const B4 = '$B$B$B$B';

export interface ExpensiveEntry {
  name: string;
  /** Run in order on one fresh learner (the first lines prepare what the last one uses). */
  lines: string[];
}

export const EXPENSIVE: ExpensiveEntry[] = [
  { name: "catastrophic backtracking grep -E '(a+)+$'", lines: [`echo ${'a'.repeat(48)}! | grep -E '(a+)+$'`] },
  { name: 'cut -f 1-300000000', lines: ['echo a | cut -f 1-300000000'] },
  { name: 'A=$A$A repeated in one line', lines: [fitLine('A=0123456789abcdef', '; A=$A$A')] },
  { name: 'variable doubling over 22 lines (64 MiB), then a snapshot', lines: ['C=0123456789abcdef', ...Array<string>(22).fill('C=$C$C'), 'true', 'echo ok'] },
  { name: 'a 1 MiB variable in one line', lines: [B_1MIB, 'echo "$B" | wc -c'] },
  { name: '$(echo $B|wc -c) repeated in one 4,000-character line (B = 256 KiB)', lines: [B_BIG, fitLine('echo ', '$(echo $B|wc -c)')] },
  { name: 'grep -o . | sort | uniq -c on 1 MiB', lines: [B_BIG, `echo ${B4} | grep -o . | sort | uniq -c | sort -rn | head`] },
  { name: 'a 4,000-character pipeline over 1 MiB', lines: [B_BIG, fitLine(`echo ${B4}`, ' | sort | uniq | cat')] },
  { name: 'echo of 1 MiB, 20 times', lines: [B_BIG, ...Array<string>(20).fill(`echo "${B4}"`)] },
  { name: 'polynomial regex grep -E (.*a){12}x on 1 MiB', lines: [B_BIG, `echo ${B4} | grep -E '(.*a){12}x'`] },
  { name: 'nested $(…) as deep and wide as a line allows', lines: [B_BIG, fitLine('echo ', '$(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $B$B)))))))))')] },
  { name: 'history of forty 4,000-character lines, sorted', lines: [...Array<string>(40).fill(`echo ${'x'.repeat(3990)}`), 'history | sort | uniq -c | sort -rn | wc'] },
  { name: 'tables at CLIFF_MAX_TERM_WIDTH=1', lines: ['export CLIFF_MAX_TERM_WIDTH=1', 'openstack security group rule list', 'openstack network list --long'] },
  { name: 'openstack network list ×170 in one line', lines: [fitLine('', 'openstack network list;')] },
  { name: 'cut -f 1-2000000000 on many lines', lines: ['echo "$(history)" | cut -d " " -f 1-2000000000'] },
  { name: 'sort -n of 64 Ki lines', lines: [B_BIG, `echo "${B4}" | grep -o ........ | sort -n | uniq -c | wc -l`] },
];
