/**
 * Prints, as JSON, the agents Stacklab derives for `empty` (seed 1) after test/agents/setup.cmds
 * (or the setup file given as argument), so scripts/capture-agents.sh (and
 * capture-neutron-agent-commands.sh) can write the same rows into the oracle's database.
 */
import { readFileSync } from 'node:fs';
import { createSession, runLine } from '../server/shell/session.js';
import { agents } from '../server/sim/agents.js';

let s = createSession({ fixture: 'empty', seed: 1 });
for (const line of readFileSync(process.argv[2] ?? new URL('../test/agents/setup.cmds', import.meta.url), 'utf8').split('\n')) {
  if (line.trim() === '' || line.startsWith('#')) continue;
  s = runLine(s, line).state;
}
process.stdout.write(`${JSON.stringify(agents(s.cloud))}\n`);
