// Run by test/hidden-classes.test.ts as `node --expose-gc --min-semi-space-size=64
// --max-semi-space-size=64 --import tsx`: bytes that each operation made on every command puts
// straight into the old generation (a map of its own, say), where only a full collection frees
// them. The young generation is big enough that no scavenge runs during a measure, so what the
// old generation gains is what was made there. Prints JSON: bytes per operation.
import { getHeapSpaceStatistics } from 'node:v8';
import { createSession, runLine } from '../../server/shell/session.js';
import { settled } from '../../server/store/sqlite-writes.js';
import { extended } from '../../server/sim/objects.js';
import { parseArgs } from '../../server/cli/argparse.js';
import { parserFor } from '../../server/cli/openstack/registry.js';
import type { StepArgs } from '../../server/store/sqlite-writes.js';

const gc = (globalThis as { gc?: () => void }).gc as () => void;
const oldSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? 0;

/** Old-space bytes per call of `op` over `n` calls, after a warm-up. */
function perCall(n: number, op: (i: number) => unknown): number {
  for (let i = 0; i < 200; i++) op(i);
  gc();
  const before = oldSpace();
  let sink = 0;
  for (let i = 0; i < n; i++) sink += op(i) === undefined ? 0 : 1;
  return sink >= 0 ? Math.round((oldSpace() - before) / n) : -1;
}

const entry = (i: number) => ({ kind: 'command' as const, line: `echo ${i}`, stdout: `${i}\n`, stderr: '', exitCode: 0, at: 1_700_000_000_000 + i, cols: 80, prompt: '$ ', ran: [['echo', String(i)]] });
const spec = parserFor('network list');
let state = createSession({ fixture: 'broken-public', seed: 1 });
const lines = ['openstack network list', 'echo hi', 'openstack router show my-router -f value -c status', 'true'];

const out = {
  // A read-only command keeps nothing but its line in the history (a link and the string, ~100 B).
  runLine: perCall(2000, (i) => (state = runLine(state, lines[i % lines.length] as string).state)),
  settled: perCall(20000, (i) => settled({ saved: i }, ['learner', 'lab:x', null, entry(i)] as unknown as StepArgs)),
  parseArgs: perCall(20000, () => parseArgs(spec, ['-c', 'ID'], { columns: 80 })),
  extended: perCall(20000, (i) => extended(entry(i), { seq: i })),
  // What `extended` avoids, measured too: if a later V8 stops giving these a map each, this says so.
  spreadThenKey: perCall(20000, (i) => ({ ...entry(i), seq: i })),
};
process.stdout.write(JSON.stringify(out));
