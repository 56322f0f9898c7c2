/**
 * The labs a running server offers, read from a folder and read again without a restart: a broken
 * file is left out of the catalogue and reported (to the class page and the log), never thrown.
 */
import { LabError } from './parse.js';
import { labFiles, loadLabFile } from './cli.js';
import type { Lab } from './types.js';

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
  /** Reads the folder again. */
  reload(): ReloadReport;
  /** Hears each reload that changed something. */
  onChange(listener: (r: ReloadReport) => void): () => void;
  /** Watches the folder (development): a saved file is read again shortly after. */
  watch(): void;
  close(): void;
}

export interface RegistryOptions {
  dir: string;
  now: () => number;
  log: (message: string) => void;
}

/** Reads every lab file of `dir`, each on its own: one file's problems do not hide the others. */
function readAll(dir: string): { labs: Lab[]; problems: LabProblem[]; texts: Map<string, string> } {
  const labs: Lab[] = [];
  const problems: LabProblem[] = [];
  const texts = new Map<string, string>();
  let files: string[];
  try {
    files = labFiles(dir);
  } catch (e) {
    return { labs, problems: [{ file: dir, line: 0, message: `cannot read the labs folder: ${e instanceof Error ? e.message : String(e)}` }], texts };
  }
  for (const f of files) {
    try {
      const lab = loadLabFile(f);
      labs.push(lab);
      texts.set(lab.id, JSON.stringify(lab));
    } catch (e) {
      if (e instanceof LabError) problems.push(...e.issues.map((i) => ({ file: i.file, line: i.line, message: i.message })));
      else problems.push({ file: f, line: 0, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { labs, problems, texts };
}

export function labRegistry(opts: RegistryOptions): LabRegistry {
  let current = readAll(opts.dir);
  let report: ReloadReport = { at: opts.now(), added: current.labs.map((l) => l.id), changed: [], removed: [], problems: current.problems };
  for (const p of current.problems) opts.log(`lab problem: ${p.file}:${p.line}: ${p.message}`);
  const listeners = new Set<(r: ReloadReport) => void>();
  return {
    all: () => current.labs,
    problems: () => current.problems,
    last: () => report,
    reload() {
      const next = readAll(opts.dir);
      const before = current.texts;
      report = {
        at: opts.now(),
        added: [...next.texts.keys()].filter((id) => !before.has(id)),
        changed: [...next.texts.keys()].filter((id) => before.has(id) && before.get(id) !== next.texts.get(id)),
        removed: [...before.keys()].filter((id) => !next.texts.has(id)),
        problems: next.problems,
      };
      current = next;
      for (const p of next.problems) opts.log(`lab problem: ${p.file}:${p.line}: ${p.message}`);
      if (report.added.length + report.changed.length + report.removed.length > 0 || next.problems.length > 0)
        for (const l of [...listeners]) l(report);
      return report;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watch() {
      // Filled in by the authoring work (issue #18): fs.watch with a debounce.
    },
    close() {
      listeners.clear();
    },
  };
}
