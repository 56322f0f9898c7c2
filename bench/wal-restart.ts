/**
 * Issue #19: what the write-ahead log's restart costs the event loop that commits. Workers sharing
 * one SQLite file commit on their event loops (no core left for a writer thread); the commit that
 * finds the log at its bound copies back what the checkpoint thread has not, and while it does,
 * every learner of its process waits. In process: 100 learners' steps (2.5 KB of output each)
 * committed in groups as fast as a class of thousands writes its log (~30-60 MB/s here), with the
 * log's bound at 256 MiB so it starts over every few seconds. Prints the groups' p50/p99.9/max,
 * the event loop's longest stall (a 1 ms timer's worst lateness), and how long the log grew.
 * `node --import tsx bench/wal-restart.ts [seconds]` runs it alone.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStore } from '../server/store/sqlite.js';
import { pct } from './stats.js';

export async function walRestartBench(seconds = 30): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-wal-'));
  const file = join(dir, 'bench.db');
  const bound = 256 * 1024 * 1024;
  const store = sqliteStore(file, { backgroundCheckpoints: true, writerThread: false, walRestartBytes: bound });
  try {
    const learners = Array.from({ length: 100 }, (_, i) => `l${i}`);
    for (const l of learners) await store.ensureLearner(l, l, 1);
    const out = 'o'.repeat(2500);
    const groups: number[] = [];
    let stall = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      stall = Math.max(stall, now - last);
      last = now;
    }, 1);
    const end = Date.now() + seconds * 1000;
    for (let r = 0; Date.now() < end; r++) {
      const t = performance.now();
      await Promise.all(learners.map((l) => store.saveStep(l, 'lab:bench', null, { kind: 'command', line: `r${r}`, stdout: out, stderr: '', exitCode: 0, at: r })));
      groups.push(performance.now() - t);
      await new Promise((res) => setTimeout(res, 20));
    }
    clearInterval(timer);
    groups.sort((a, b) => a - b);
    const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
    console.log(
      `wal restart (${seconds} s, 100 learners a group, the log's bound ${mb(bound)} MiB, event-loop commits): ` +
        `${groups.length} groups, p50 ${pct(groups, 50).toFixed(2)} ms, p99.9 ${pct(groups, 99.9).toFixed(1)} ms, max ${(groups.at(-1) ?? 0).toFixed(1)} ms; ` +
        `the event loop's longest stall ${stall.toFixed(1)} ms; the log grew to ${mb(statSync(`${file}-wal`).size)} MiB`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const s = Number(process.argv[2]);
  await walRestartBench(s > 0 ? s : undefined);
}
