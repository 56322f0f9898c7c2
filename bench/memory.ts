/**
 * Issue #19: what a lab learner keeps in the server's heap as their session goes on. A class's
 * learners stay for hours; what each keeps is what every Mark-Compact marks (the load bench's
 * learners type for seconds, so it does not see it). In process, on an SQLite store in a
 * temporary folder (the store's rows are not in the heap): N learners open a lab, then each types
 * `commands` lines of the load bench's six (repeated: the shell history grows), then as many
 * distinct ones, graded after each (the attempt keeps each distinct command and what grading
 * derived from it). Heap after a full collection, per learner and per line.
 * `node --import tsx bench/memory.ts [learners] [commands]` runs it alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadLabs } from '../server/labs/index.js';
import { sqliteStore } from '../server/store/sqlite.js';
import { workspaces, type Workspace } from '../server/workspace/index.js';
import { COMMANDS } from './load.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

function heap(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

export async function memoryBench(learners = 200, commands = 200): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-memory-'));
  const store = sqliteStore(join(dir, 'bench.db'));
  try {
    const labs = loadLabs();
    let t = 1_700_000_000_000;
    const ws = workspaces({ store, labs: () => labs, now: () => t++, log: () => {} });
    const ref = ws.parse('lab:troubleshooting');
    if (!ref) throw new Error('no lab troubleshooting');
    const before = heap();
    const all: Workspace[] = [];
    for (let i = 0; i < learners; i++) all.push(await ws.open(`bench-memory-${String(i).padStart(6, '0')}`, ref));
    for (const w of all) await w.grade();
    const opened = heap();
    for (let r = 0; r < commands; r++) for (const [i, w] of all.entries()) await w.run(COMMANDS[(i + r) % COMMANDS.length] as string);
    const repeated = heap();
    for (let r = 0; r < commands; r++)
      for (const [i, w] of all.entries()) {
        await w.run(`${COMMANDS[(i + r) % COMMANDS.length] as string} --max-width ${100 + r}`);
        await w.grade();
      }
    const distinct = heap();
    const kb = (b: number) => (b / learners / 1024).toFixed(1);
    const perLine = (b: number) => (b / learners / commands).toFixed(0);
    console.log(
      `memory (${learners} lab learners, troubleshooting): ${kb(opened - before)} KB a learner opened; ` +
        `+${perLine(repeated - opened)} bytes a line typed again (${commands} lines: ${kb(repeated - before)} KB a learner); ` +
        `+${perLine(distinct - repeated)} bytes a distinct graded command (${commands} more: ${kb(distinct - before)} KB a learner)`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const [n, c] = process.argv.slice(2).map(Number);
  await memoryBench(n && n > 0 ? n : undefined, c && c > 0 ? c : undefined);
}
