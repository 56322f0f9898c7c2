/**
 * The comparison behind scripts/fuzz-oracle.vitest.ts: every NAME.cmds with its NAME.oracle.txt in
 * FUZZ_DIR. With FUZZ_OCTAVIA=1 (scripts captured from the Octavia oracle) Stacklab runs Octavia's
 * no-op drivers, as the oracle does and as test/octavia.test.ts replays its goldens.
 */
import { replay } from '../test/support/replay.js';
import { describeGoldens } from '../test/support/golden.js';

const octavia = process.env['FUZZ_OCTAVIA'] === '1' ? { octavia: { drivers: 'noop' as const } } : {};
describeGoldens(process.env['FUZZ_DIR'] ?? 'scratch/fuzz', (s) => replay(s.runs, octavia));
