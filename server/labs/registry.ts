/**
 * The labs a running server offers, read from a folder and read again without a restart: a broken
 * file is left out of the catalogue and reported (to the class page and the log), never thrown.
 * Besides server/labs/cli.ts, this is the part of server/labs that reads files (and watches them).
 */
import { closeSync, fstatSync, openSync, readSync, watch as watchDir, type FSWatcher } from 'node:fs';
import { relative } from 'node:path';
import { fixtureHosts, fixtureNames } from '../shell/session.js';
import { LabError, parseLab } from './parse.js';
import { labFiles } from './cli.js';
import type { Lab } from './types.js';

/** A lab file larger than this is refused unread: a lab is a few kilobytes of Markdown. */
export const MAX_LAB_BYTES = 1024 * 1024;
/** Quiet time after the last change in the folder before it is read again (editors write a temporary file, then rename it). */
const DEBOUNCE_MS = 200;
/** How often a folder that cannot be watched (missing, say) is tried again. */
const REWATCH_MS = 2000;

/** A problem of one lab file (`file:line: message`). */
export interface LabProblem {
  file: string;
  line: number;
  message: string;
}

/** What a reload found. */
export interface ReloadReport {
  at: number;
  added: string[];
  changed: string[];
  removed: string[];
  problems: LabProblem[];
}

export interface LabRegistry {
  /** The labs that load, in catalogue order. */
  all(): Lab[];
  /** Problems of the last read (a file with problems is not in `all()`). */
  problems(): LabProblem[];
  /** When the labs were last read, and what changed then. */
  last(): ReloadReport;
  /** Reads the folder again. Never throws. */
  reload(): ReloadReport;
  /** Hears each reload that changed something (or found problems); what a listener throws is logged. */
  onChange(listener: (r: ReloadReport) => void): () => void;
  /** Watches the folder (development): a saved file is read again shortly after. Never throws. */
  watch(): void;
  close(): void;
}

export interface RegistryOptions {
  dir: string;
  now: () => number;
  log: (message: string) => void;
  /** Quiet time before a watched change is read (default 200 ms). */
  debounceMs?: number;
}

interface Read {
  labs: Lab[];
  problems: LabProblem[];
  /** Each lab as parsed, serialised: what tells a changed lab from an unchanged one. */
  texts: Map<string, string>;
  /** False when the folder could not be listed. */
  listed: boolean;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A file's text, refused when it is larger than MAX_LAB_BYTES (never more than that is read, even if it grows meanwhile). */
function readCapped(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const tooBig = () => new Error(`the file is ${size} bytes; a lab file is at most ${MAX_LAB_BYTES} bytes (1 MiB)`);
    if (size > MAX_LAB_BYTES) throw tooBig();
    const buf = Buffer.alloc(MAX_LAB_BYTES + 1);
    let n = 0;
    for (;;) {
      const got = n < buf.length ? readSync(fd, buf, n, buf.length - n, null) : 0;
      if (got === 0) break;
      n += got;
    }
    if (n > MAX_LAB_BYTES) throw tooBig();
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The line of a lab's `id:` (1 when it cannot be found), for a collision's report. */
function idLine(text: string): number {
  const i = text.split('\n').findIndex((l) => /^id\s*:/.test(l));
  return i < 0 ? 1 : i + 1;
}

/** Reads one file into the read so far: its lab, or its problems. */
function readOne(f: string, into: Read, firstFile: Map<string, string>): void {
  const shown = relative(process.cwd(), f) || f;
  let text: string;
  try {
    text = readCapped(f);
    const lab = parseLab(text, shown, { fixtures: fixtureNames(), hostsOf: fixtureHosts });
    const other = firstFile.get(lab.id);
    if (other !== undefined) {
      // The first file (in name order) keeps the id, so learners already in that lab go on.
      into.problems.push({ file: shown, line: idLine(text), message: `id '${lab.id}' is already the id of ${other}; this file is left out until one of them changes its id` });
      return;
    }
    firstFile.set(lab.id, shown);
    into.labs.push(lab);
    into.texts.set(lab.id, JSON.stringify(lab));
  } catch (e) {
    if (e instanceof LabError) into.problems.push(...e.issues.map((i) => ({ file: i.file, line: i.line, message: i.message })));
    else into.problems.push({ file: shown, line: 0, message: message(e) });
  }
}

/**
 * Reads every lab file of `dir`, each on its own: one file's problems do not hide the others.
 * A folder that cannot be listed (deleted, renamed while a checkout swaps it) keeps `previous`:
 * the learners in those labs go on, and the problem is reported.
 */
function readAll(dir: string, previous: Read | null): Read {
  const read: Read = { labs: [], problems: [], texts: new Map(), listed: true };
  let files: string[];
  try {
    files = labFiles(dir);
  } catch (e) {
    const kept = previous && previous.labs.length > 0 ? `; the ${previous.labs.length} labs read before stay` : '';
    const problem = { file: dir, line: 0, message: `cannot read the labs folder: ${message(e)}${kept}` };
    return { ...(previous ?? read), problems: [problem], listed: false };
  }
  const firstFile = new Map<string, string>();
  for (const f of files) readOne(f, read, firstFile);
  return read;
}

export function labRegistry(opts: RegistryOptions): LabRegistry {
  const logProblems = (problems: readonly LabProblem[]) => {
    for (const p of problems) opts.log(`lab problem: ${p.file}:${p.line}: ${p.message}`);
  };
  let current = readAll(opts.dir, null);
  let report: ReloadReport = { at: opts.now(), added: current.labs.map((l) => l.id), changed: [], removed: [], problems: current.problems };
  logProblems(current.problems);
  const listeners = new Set<(r: ReloadReport) => void>();
  let watcher: FSWatcher | null = null;
  let watching = false;
  let debounce: NodeJS.Timeout | null = null;
  let rewatch: NodeJS.Timeout | null = null;

  const reload = (): ReloadReport => {
    const next = readAll(opts.dir, current);
    const before = current.texts;
    report = {
      at: opts.now(),
      added: [...next.texts.keys()].filter((id) => !before.has(id)),
      changed: [...next.texts.keys()].filter((id) => before.has(id) && before.get(id) !== next.texts.get(id)),
      removed: [...before.keys()].filter((id) => !next.texts.has(id)),
      problems: next.problems,
    };
    current = next;
    logProblems(next.problems);
    if (report.added.length + report.changed.length + report.removed.length > 0 || next.problems.length > 0) {
      for (const l of [...listeners]) {
        try {
          l(report);
        } catch (e) {
          opts.log(`lab reload listener: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        }
      }
    }
    // A watch on a deleted folder hears nothing more: drop it, and watch the folder again once it is back.
    if (watching && !next.listed) {
      stopWatcher();
      retryLater();
    } else if (watching && watcher === null) startWatching();
    return report;
  };

  /** A change in the folder: read it once things are quiet. */
  const changed = () => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = null;
      reload();
    }, opts.debounceMs ?? DEBOUNCE_MS);
    debounce.unref();
  };

  const stopWatcher = () => {
    try {
      watcher?.close();
    } catch {
      // Closing a watcher whose folder is gone may fail; it is dropped either way.
    }
    watcher = null;
  };

  /** Tries again later: the folder may be created (or restored) after the server started. */
  const retryLater = () => {
    if (rewatch || !watching) return;
    rewatch = setTimeout(() => {
      rewatch = null;
      // Whatever happened while nobody watched is read at once.
      if (watching && watcher === null && startWatching()) changed();
    }, REWATCH_MS);
    rewatch.unref();
  };

  /** Starts the watcher; false when the folder cannot be watched now (then it is tried again later). */
  function startWatching(): boolean {
    try {
      const w = watchDir(opts.dir, { persistent: false }, changed);
      w.on('error', (e) => {
        // The folder was deleted or cannot be read any more: read what is left, and watch it again once it is back.
        opts.log(`watching ${opts.dir}: ${message(e)}`);
        if (watcher === w) stopWatcher();
        changed();
        retryLater();
      });
      watcher = w;
      return true;
    } catch (e) {
      if (rewatch === null) opts.log(`cannot watch ${opts.dir} (${message(e)}); trying again every ${REWATCH_MS / 1000} s, and the class page's Reload still reads it`);
      retryLater();
      return false;
    }
  }

  return {
    all: () => current.labs,
    problems: () => current.problems,
    last: () => report,
    reload,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watch() {
      if (watching) return;
      watching = true;
      startWatching();
    },
    close() {
      watching = false;
      if (debounce) clearTimeout(debounce);
      if (rewatch) clearTimeout(rewatch);
      debounce = null;
      rewatch = null;
      stopWatcher();
      listeners.clear();
    },
  };
}
