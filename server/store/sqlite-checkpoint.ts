/**
 * WAL checkpoints on a thread of their own (issue #19). In WAL mode every commit appends pages to
 * the write-ahead log, and by default the commit that takes the log past 1,000 pages copies them
 * back into the database file itself: under a class's load that was half the cost of storing a
 * command, paid on the event loop in bursts (every learner waiting behind one commit). Here the
 * commits checkpoint only a very long log (below); a worker thread with its own
 * connection to the same file runs a PASSIVE checkpoint every `everyMs` (it never waits for, nor
 * blocks, the server's writes). A page changed many times between two checkpoints is copied once.
 * Should the thread fail, the server's connection checkpoints by itself again, as by default.
 *
 * A PASSIVE checkpoint copies back the frames committed before it started, and SQLite starts the
 * log over (writes it again from its first frame) only when a transaction begins with every frame
 * copied back. A class that types without a break commits during every pass of this thread, so the
 * log never started over: it grew by every byte written, 10-20 MB a second at 2,000 learners, until
 * the disk was full. So the commits keep an autocheckpoint of their own, at RESTART_PAGES: the
 * commit that finds the log that long checkpoints it on its own connection, with no commit between
 * (one writer at a time), and the next commit starts the log over. That commit copies what this
 * thread has not copied yet, at about 3 ms a MB (bench/HISTORY.md), with every learner of its
 * process waiting for it: on a worker's event loop (two workers, 4,000 lab learners) it took 89-153
 * ms every ~27 s, the frames of one or more of this thread's 500 ms. So once the log is 3/4 that
 * long (`soonPages`), this thread copies every `soonMs` (5 ms) instead, until the log has started
 * over: the commit that starts it over finds a few milliseconds' frames left, and a pass that no
 * commit interrupted lets the next commit start the log over with nothing to copy.
 *
 * In the load bench (2,000 lab learners typing without a break, ~17 MB of log a second), before
 * that, the commit took 15-33 ms at 64 MiB, 20-55 ms at 256 MiB and 63-71 ms at 1 GiB, so how often
 * a class waited for it is what counted: every ~3 s at 64 MiB put the load bench's p99 at 39-48
 * ms, against 5-29 ms for the log that grew without end; at 1 GiB (about once a minute at that
 * rate, rarely at a class's usual pace) p99 was 5.3, 6.3 and 19.6 ms in the same hour. The commits
 * between got faster (p99 0.4-0.8 ms, against 1-9 ms while the log grew).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  /** Stops the thread (its connection closed) before the server's connection closes. */
  stop(): Promise<void>;
}

/** The log's length, in 4 KiB pages, past which a commit starts it over: 1 GiB. */
export const RESTART_PAGES = 262_144;

/**
 * The thread's code (CommonJS, run by `new Worker(…, { eval: true })`). Its failures are sent as
 * text (a SqliteError loses its message crossing threads), then the thread ends.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const said = (e) => String(e && e.code ? e.code + ': ' : '') + String(e && e.message ? e.message : e);
let db = null;
let timer = null;
let ended = false;
const end = () => {
  ended = true;
  if (timer) clearTimeout(timer);
  try { if (db) db.close(); } catch {}
  parentPort.close();
};
// Each pass copies what was committed since the last; the next comes soon while the log nears its
// restart, else everyMs later.
const pass = () => {
  timer = null;
  let log = 0;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    log = r ? r.log : 0;
  } catch (e) {
    // Busy (another checkpoint runs): the next tick tries again. Anything else ends the thread.
    if (!String(e && e.code).startsWith('SQLITE_BUSY')) {
      parentPort.postMessage({ failed: said(e) });
      end();
      return;
    }
  }
  if (ended) return;
  timer = setTimeout(pass, log >= workerData.soonPages ? workerData.soonMs : workerData.everyMs);
};
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
  timer = setTimeout(pass, workerData.everyMs);
} catch (e) {
  parentPort.postMessage({ failed: said(e) });
  end();
}
parentPort.on('message', end);
`;

/** How often the thread copies the log back. */
export interface CheckpointPace {
  /** Between two passes, in ms: default 500. */
  everyMs?: number;
  /** From this length of the log (pages) until it starts over: default 3/4 of RESTART_PAGES… */
  soonPages?: number;
  /** …a pass every soonMs instead: default 5. */
  soonMs?: number;
}

/**
 * Starts checkpointing `file` in the background; `fallback` is called (once) if the thread ends by
 * itself, so the caller's connection checkpoints again.
 */
export function backgroundCheckpoints(
  file: string,
  fallback: (why: string) => void,
  { everyMs = 500, soonPages = (RESTART_PAGES * 3) / 4, soonMs = 5 }: CheckpointPace = {},
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD, { eval: true, workerData: { file, driver, everyMs, soonPages, soonMs: Math.min(soonMs, everyMs) } });
  // The thread alone never keeps the process alive (a server that is done may exit).
  worker.unref();
  let stopping = false;
  let ended = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const failed = (why: string) => {
    if (stopping || ended) return;
    ended = true;
    fallback(why);
  };
  // A thread's error comes back as an Error or as its fields (a plain object): the message either way.
  worker.on('message', (m: { failed?: unknown }) => failed(`the checkpoint thread failed: ${String(m.failed)}`));
  worker.on('error', (e: unknown) => failed(`the checkpoint thread failed: ${String((e as { message?: unknown } | null)?.message ?? e)}`));
  worker.once('exit', (code) => failed(`the checkpoint thread stopped (exit ${code})`));
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      if (!ended) worker.postMessage('stop');
      // A thread stuck in a checkpoint is not waited for long: closing the server matters more.
      const timer = setTimeout(() => void worker.terminate(), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
