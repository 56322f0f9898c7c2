/**
 * The writer thread's code (see sqlite-writer.ts): its own connection to the server's database,
 * committing the groups of steps it is sent with the same statements as the server's connection
 * (sqlite-writes.ts), and answering each step's outcome as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { writerConnection, writes, type StepArgs, type Writes } from './sqlite-writes.js';
import type { WriterData, ToWriter } from './sqlite-writer.js';

const port = parentPort;
if (port === null) throw new Error('sqlite-writer-thread.ts runs as a worker thread only');
const data = workerData as WriterData;
const said = (e: unknown) =>
  `${typeof (e as { code?: unknown } | null)?.code === 'string' ? `${(e as { code: string }).code}: ` : ''}${e instanceof Error ? e.message : String(e)}`;

let db: Database.Database | null = null;
let w: Writes | null = null;
try {
  // With the checkpoint thread, commits checkpoint only a long log, to start it over (sqlite-checkpoint.ts).
  db = writerConnection(data.file, { ...data, wait: true });
  w = writes(db);
  port.postMessage({ ready: true });
} catch (e) {
  port.postMessage({ failed: said(e) });
  try {
    db?.close();
  } catch {
    // Nothing was written on it.
  }
  port.close();
}

port.on('message', (m: ToWriter) => {
  if (w === null || db === null) return;
  if (m === 'stop') {
    try {
      db.close();
    } catch {
      // A disk gone: nothing more to save.
    }
    port.close();
    return;
  }
  if ('autocheckpoint' in m) {
    db.pragma('wal_autocheckpoint = 1000');
    return;
  }
  port.postMessage({ id: m.id, outcomes: w.commitGroup(m.steps as StepArgs[]) });
});
