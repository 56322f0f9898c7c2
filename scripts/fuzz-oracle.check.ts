/** The comparison behind scripts/fuzz-oracle.vitest.ts: every NAME.cmds with its NAME.oracle.txt in FUZZ_DIR. */
import { replay } from '../test/support/replay.js';
import { describeGoldens } from '../test/support/golden.js';

describeGoldens(process.env['FUZZ_DIR'] ?? 'scratch/fuzz', (s) => replay(s.runs));
