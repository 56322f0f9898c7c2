/**
 * Issue #19, grading and opening a lab workspace with a long history. A learner's lab workspace
 * gets a history of 1,000 and of 10,000 commands (typed through the workspace, as a learner does,
 * so the store holds what a real one holds: outputs, `ran`, snapshots every few commands); then:
 *   - graded command: one more command and the grade the page asks for after it (ms, median and p99);
 *   - cold open: a fresh process's view of the same database opens the workspace (ms), and the
 *     longest single synchronous piece of it (here all of it: opening is one synchronous call).
 * The goal: grading per command independent of the history's length (10k within 2× of 1k), a
 * 10k history opens in < 50 ms. GRADING_LABS=id,id picks labs; `node --import tsx bench/grading.ts 1000 10000` runs it alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadLabs, type Lab } from '../server/labs/index.js';
import { sqliteStore } from '../server/store/sqlite.js';
import { workspaces, type Workspaces } from '../server/workspace/index.js';
import { pct } from './stats.js';

/** What a learner types in a lab, round and round: reads of every kind, a ping, a probe in a namespace, a comment. */
const LINES: Record<string, string[]> = {
  troubleshooting: [
    'openstack server list',
    'openstack router show my-router',
    'openstack port list -c ID -c "Fixed IP Addresses"',
    'openstack security group rule list default',
    'ping -c 1 203.0.113.10',
    'openstack floating ip list',
    'openstack network list',
    '# looking around',
    'openstack subnet list',
    'R=$(openstack router show my-router -f value -c id); echo $R',
  ],
  'load-balancing': [
    'openstack server list',
    'openstack loadbalancer list',
    'openstack port list -c ID -c Status',
    'openstack network list',
    'openstack security group rule list default',
    'openstack router list',
    '# looking around',
    'openstack subnet list',
  ],
};

const LEARNER = 'bench-learner-0001';


function fmt(n: number, digits = 2): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function manager(file: string, labs: readonly Lab[], clock: { t: number }): { ws: Workspaces; close: () => Promise<void> } {
  const store = sqliteStore(file);
  return { ws: workspaces({ store, labs: () => labs, now: () => clock.t++, log: () => {} }), close: () => store.close() };
}

/** Times `n` graded commands (run + grade) at the end of a history; returns [median, p99] ms. */
async function gradedCommands(ws: Workspaces, labId: string, lines: readonly string[], n: number): Promise<[number, number]> {
  const ref = ws.parse(`lab:${labId}`);
  if (!ref) throw new Error(`no lab ${labId}`);
  const w = await ws.open(LEARNER, ref);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await w.run(lines[i % lines.length] as string);
    await w.grade();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return [pct(times, 50), pct(times, 99)];
}

/** Opens the workspace from a fresh store handle `n` times (each a cold open: nothing in memory); returns [median, max] ms. */
async function coldOpens(file: string, labs: readonly Lab[], labId: string, n: number): Promise<[number, number]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = manager(file, labs, { t: 1e12 });
    const ref = m.ws.parse(`lab:${labId}`);
    if (!ref) throw new Error(`no lab ${labId}`);
    const t0 = performance.now();
    const w = await m.ws.open(LEARNER, ref);
    await w.grade();
    times.push(performance.now() - t0);
    await m.close();
  }
  times.sort((a, b) => a - b);
  return [pct(times, 50), times[times.length - 1] ?? 0];
}

/** One lab at one history length: builds the history, then measures. */
async function measure(labs: readonly Lab[], labId: string, size: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-grading-'));
  const file = join(dir, 'bench.db');
  const lines = LINES[labId] ?? [];
  try {
    const clock = { t: 1_700_000_000_000 };
    const m = manager(file, labs, clock);
    const ref = m.ws.parse(`lab:${labId}`);
    if (!ref) throw new Error(`no lab ${labId}`);
    const w = await m.ws.open(LEARNER, ref);
    // The lab's solution first (so checks pass and fail as in a real attempt), then reads.
    const solution = ref.lab?.steps.flatMap((s) => s.solution) ?? [];
    for (const l of solution) await w.run(l);
    for (let i = solution.length; i < size; i++) await w.run(lines[i % lines.length] as string);
    await w.grade();
    // Warm up the JIT on this workspace, then measure.
    await gradedCommands(m.ws, labId, lines, 50);
    const [p50, p99] = await gradedCommands(m.ws, labId, lines, 200);
    await m.close();
    await coldOpens(file, labs, labId, 2);
    const [open, openMax] = await coldOpens(file, labs, labId, 5);
    console.log(
      `grading ${labId} at ${size.toLocaleString('en-US')} commands: graded command ${fmt(p50)} ms (p99 ${fmt(p99)}), cold open + grade ${fmt(open)} ms (longest synchronous block ${fmt(openMax)} ms)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function gradingBench(sizes: readonly number[] = [1_000, 10_000]): Promise<void> {
  const labs = loadLabs();
  for (const labId of (process.env['GRADING_LABS']?.split(',') ?? Object.keys(LINES))) for (const size of sizes) await measure(labs, labId, size);
}

// `node --import tsx bench/grading.ts` runs it alone (for a profile: add --cpu-prof).
if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  await gradingBench(sizes.length > 0 ? sizes : undefined);
}
