/**
 * Commands' steps written on a thread of their own (issue #19). Storing a command (its history
 * row, the attempt's distinct command, a snapshot now and then, and the commit) was the largest
 * cost of a command on the event loop. Here a worker thread with its own connection to the same
 * file commits each group of steps (sqlite.ts `groupCommit`) with the same statements as the
 * server's connection (sqlite-writes.ts); the event loop only hands the steps over and reads
 * the outcomes. Reads stay on the server's connection (WAL: they never wait for the writer).
 *
 * Should the thread fail to start, the groups it was sent are written on the server's connection
 * (nothing of them was written); should it stop later, the groups it had are refused as failed
 * writes (whether they were committed is not known: the learner is told to try again, and a
 * command found stored on the next open is a command the learner sees in their history).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { StoreError } from './types.js';
import type { StepArgs, StepOutcome, WriterSetup } from './sqlite-writes.js';

/** What the thread is started with. */
export interface WriterData extends Omit<WriterSetup, 'wait'> {
  file: string;
}

/** Messages to the thread. */
export type ToWriter =
  { id: number; steps: readonly StepArgs[] } | { autocheckpoint: true } | 'stop';

type FromWriter = { ready: true } | { failed: string } | { id: number; outcomes: StepOutcome[] };

export interface Writer {
  /**
   * Commits one group on the thread. Resolves to each step's outcome; with `null` when the thread
   * could not start (nothing was written: the caller writes the group itself).
   */
  commit(steps: readonly StepArgs[]): Promise<StepOutcome[] | null>;
  /** The checkpoint thread stopped: the writer's commits checkpoint the log again. */
  autocheckpoint(): void;
  stop(): Promise<void>;
}

/**
 * The thread runs sqlite-writer-thread.ts. The server runs TypeScript through tsx, which a worker
 * thread does not inherit: the thread loads it through tsx's require hook (a file built to .js
 * loads as it is).
 */
const BOOT = `
const { workerData } = require('node:worker_threads');
const file = workerData.entry;
if (file.endsWith('.ts')) require(workerData.tsx).require(file, file);
else require(file);
`;

/**
 * The thread's memory: its own heap, apart from the server's. Steps are small (outputs are cut
 * before they are stored), so a group fits many times over; a thread that runs out dies alone
 * (`failed`), and the server's connection takes over.
 */
const THREAD_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };

export function writerThread(
  data: WriterData,
  log: (message: string) => void,
  resourceLimits: ResourceLimits = THREAD_LIMITS,
): Writer {
  const here = fileURLToPath(import.meta.url);
  const entry = here.replace(/sqlite-writer\.(ts|js)$/, 'sqlite-writer-thread.$1');
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const worker = new Worker(BOOT, {
    eval: true,
    workerData: { ...data, entry, tsx },
    resourceLimits,
  });
  // The thread alone never keeps the process alive.
  worker.unref();
  let ready = false;
  let down: string | null = null;
  let next = 1;
  const pending = new Map<
    number,
    { resolve: (o: StepOutcome[] | null) => void; reject: (e: unknown) => void }
  >();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping = false;
  /** The thread is gone: what it had is refused (or, if it never started, handed back unwritten). */
  const failed = (why: string) => {
    if (down !== null) return;
    down = why;
    if (!stopping)
      log(
        `the database writer thread stopped (${why}); commands are written on the server's connection`,
      );
    for (const p of pending.values()) {
      if (ready) p.reject(new StoreError("the server's database failed", 'WRITER', new Error(why)));
      else p.resolve(null);
    }
    pending.clear();
  };
  worker.on('message', (m: FromWriter) => {
    if ('ready' in m) ready = true;
    else if ('failed' in m) failed(m.failed);
    else {
      const p = pending.get(m.id);
      pending.delete(m.id);
      p?.resolve(m.outcomes);
    }
  });
  worker.on('error', (e: unknown) =>
    failed(String((e as { message?: unknown } | null)?.message ?? e)),
  );
  worker.once('exit', (code) => failed(`exit ${code}`));
  return {
    commit(steps) {
      if (down !== null) return Promise.resolve(null);
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, steps } satisfies ToWriter);
      });
    },
    autocheckpoint() {
      if (down === null) worker.postMessage({ autocheckpoint: true } satisfies ToWriter);
    },
    async stop() {
      if (stopping) return exited;
      stopping = true;
      if (down === null) worker.postMessage('stop' satisfies ToWriter);
      // A thread stuck in a commit is not waited for long: closing the server matters more.
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
