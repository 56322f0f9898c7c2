/** Regenerates a golden transcript: `npx tsx test/dataplane/regen.ts FIXTURE HOST FILE.cmds > FILE.golden.txt` (review the diff!). */
import { readFileSync } from 'node:fs';
import { replay } from './transcript.js';
const [fixture, host, file] = process.argv.slice(2);
process.stdout.write(replay(fixture ?? '', readFileSync(file ?? '', 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')), host ?? ''));
