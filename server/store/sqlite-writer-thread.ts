/**
 * The writer thread's code (see sqlite-writer.ts): its own connection to the server's database,
 * committing the groups of steps it is sent with the same statements as the server's connection
 * (sqlite-writes.ts), and answering each step's outcome as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { writes, type StepArgs, type Writes } from './sqlite-writes.js';
import type { WriterData, ToWriter } from './sqlite-writer.js';

const port = parentPort;
if (port === null) throw new Error('sqlite-writer-thread.ts runs as a worker thread only');
const data = workerData as WriterData;
const said = (e: unknown) =>
  `${typeof (e as { code?: unknown } | null)?.code === 'string' ? `${(e as { code: string }).code}: ` : ''}${e instanceof Error ? e.message : String(e)}`;

let db: Database.Database | null = null;
let w: Writes | null = null;
try {
  db = new Database(data.file, { fileMustExist: true });
  // As the server's connection (journal_mode = WAL is kept in the file itself).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  if (data.maxPageCount !== null) db.pragma(`max_page_count = ${data.maxPageCount}`);
  // With the checkpoint thread, commits checkpoint only a long log, to start it over (sqlite-checkpoint.ts).
  db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(data.autocheckpointPages))}`);
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
