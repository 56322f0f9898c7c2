/** The instructors' API: a bearer token (STACKLAB_INSTRUCTOR_TOKEN or the generated one). */
import type { Express, Request, Response } from 'express';
import { instructorGuard } from './instructor-auth.js';
import { gradeCommand, type GradeRow, type Lab } from '../labs/index.js';
import { visibleText } from '../render/terminal.js';
import type { CloudStore, HistoryEntry, Learner } from '../store/types.js';
import { gradeStoreFor, parseWorkspace, sessionTopology } from '../workspace/index.js';
import { loadState } from '../workspace/replay.js';
import type { RouteDeps } from './routes.js';

/** How many recent entries the drill-down lists (outputs are fetched one at a time). */
const DRILL_DOWN_ENTRIES = 2000;

/** One history entry as the drill-down lists it: no output (fetched on demand), control characters made visible. */
export interface DrillEntry {
  seq: number;
  kind: HistoryEntry['kind'];
  line: string;
  at: number;
  exitCode: number;
  prompt?: string;
  step?: string;
  check?: string;
  value?: string;
  /** api: the call as an instructor reads it. */
  api?: { method: string; service: string; path: string };
  /** Characters of output stored (0: nothing to fetch). */
  output: number;
  truncated?: boolean;
}

const shown = (s: string) => visibleText(s);

function drillEntry(e: HistoryEntry): DrillEntry {
  const d: DrillEntry = { seq: e.seq, kind: e.kind, line: shown(e.line), at: e.at, exitCode: e.exitCode, output: e.stdout.length + e.stderr.length };
  if (e.prompt !== undefined) d.prompt = shown(e.prompt);
  if (e.step !== undefined) d.step = e.step;
  if (e.check !== undefined) d.check = e.check;
  if (e.value !== undefined) d.value = shown(e.value);
  if (e.request) d.api = { method: e.request.method, service: e.request.service, path: shown(`/${e.request.path.join('/')}`) };
  if (e.truncated) d.truncated = true;
  return d;
}

/**
 * Output for an instructor's page: colours dropped (the page shows plain text), every other
 * control character made visible, so a learner's `printf '\e]0;…'` shows as text and does nothing.
 */
function plainOutput(s: string): string {
  return shown(s.replace(/\x1b\[[0-9;]*m(\x1b\[K)?/g, ''));
}

/** The learner and lab a drill-down route names, or null after answering 404. */
async function learnerInLab(req: Request, res: Response, store: CloudStore, labs: readonly Lab[]): Promise<{ learner: Learner; lab: Lab } | null> {
  const lab = labs.find((l) => l.id === req.params['lab']);
  if (!lab) {
    res.status(404).json({ error: 'no such lab' });
    return null;
  }
  const learner = await store.getLearner(String(req.params['id']));
  if (!learner) {
    res.status(404).json({ error: 'no such learner' });
    return null;
  }
  return { learner, lab };
}

/** A lab's grades, as the CLI computes them (JSON rows or the CSV text), or null for an unknown lab. */
async function grades(deps: RouteDeps, lab: string, format: 'json' | 'csv', learner?: string): Promise<string | GradeRow[] | null> {
  const labs = deps.labs();
  const args = learner === undefined ? { lab, all: true, format } : { lab, learner, format };
  const r = await gradeCommand(gradeStoreFor(deps.store, labs), args, { labs });
  if (r.exitCode === 2) return null;
  if (format === 'csv') return r.output;
  // No learner yet: gradeCommand explains in text; the API answers an empty list.
  return r.output.trim().startsWith('[') ? (JSON.parse(r.output) as GradeRow[]) : [];
}

/** A learner's work in a lab, in detail: grade (with the grader's reasons), progress and history without outputs. */
function drillDownRoutes(app: Express, deps: RouteDeps, instructor: (req: Request, res: Response) => boolean): void {
  const { store, labs } = deps;
  app.get('/api/instructor/labs/:lab/learners/:id', async (req, res) => {
    if (!instructor(req, res)) return;
    const found = await learnerInLab(req, res, store, labs());
    if (!found) return;
    const { learner, lab } = found;
    const rows = (await grades(deps, lab.id, 'json', learner.id)) as GradeRow[];
    res.json({
      learner: { id: learner.id, name: learner.name },
      lab: { id: lab.id, title: lab.title },
      grade: rows[0] ?? null,
      history: (await store.history(learner.id, `lab:${lab.id}`, DRILL_DOWN_ENTRIES)).map(drillEntry),
    });
  });
  /** One entry's output, on demand (the drill-down lists entries without it). */
  app.get('/api/instructor/labs/:lab/learners/:id/output/:seq', async (req, res) => {
    if (!instructor(req, res)) return;
    const found = await learnerInLab(req, res, store, labs());
    if (!found) return;
    const seq = Number(req.params['seq']);
    if (!Number.isSafeInteger(seq) || seq < 1) {
      res.status(400).json({ error: 'seq must be a positive integer' });
      return;
    }
    // The entries from `seq` on: the first is the one asked for, if it exists.
    const e = (await store.historySince(found.learner.id, `lab:${found.lab.id}`, seq - 1))[0];
    if (!e || e.seq !== seq) {
      res.status(404).json({ error: 'no such entry' });
      return;
    }
    res.json({ seq, stdout: plainOutput(e.stdout), stderr: plainOutput(e.stderr), truncated: e.truncated === true });
  });
}

/** The class page's API. */
export function instructorRoutes(app: Express, deps: RouteDeps): void {
  const { config, store, labs } = deps;
  const instructor = instructorGuard(config);
  app.get('/api/instructor/labs/:id/grades', async (req, res) => {
    if (!instructor(req, res)) return;
    const format = req.query['format'] === 'csv' ? 'csv' : 'json';
    const g = await grades(deps, req.params.id, format);
    if (g === null) {
      res.status(404).json({ error: `unknown lab '${visibleText(req.params.id)}'` });
      return;
    }
    if (typeof g === 'string') {
      res.type('text/csv').attachment(`${req.params.id}-grades.csv`).send(g);
      return;
    }
    res.json(g);
  });
  drillDownRoutes(app, deps, instructor);
  /** The learner of `:id` for an instructor, or null when it has already answered 401 or 404. */
  const learnerOf = async (req: Request<{ id: string }>, res: Response) => {
    if (!instructor(req, res)) return null;
    const learner = await store.getLearner(req.params.id);
    if (!learner) res.status(404).json({ error: 'no such learner' });
    return learner;
  };
  app.get('/api/instructor/learners/:id', async (req, res) => {
    const learner = await learnerOf(req, res);
    if (!learner) return;
    const workspace = typeof req.query['workspace'] === 'string' ? req.query['workspace'] : '';
    res.json({ ...learner, history: workspace ? await store.history(learner.id, workspace, 2000) : [] });
  });
  /** A learner's cloud as their topology view draws it (read from the store: snapshot + replay). */
  app.get('/api/instructor/learners/:id/topology', async (req, res) => {
    const learner = await learnerOf(req, res);
    if (!learner) return;
    const key = req.query['workspace'];
    const ref = typeof key === 'string' ? parseWorkspace(key, labs()) : null;
    if (!ref) {
      res.status(400).json({ error: 'unknown workspace: give ?workspace=sandbox:FIXTURE or ?workspace=lab:ID' });
      return;
    }
    res.json(sessionTopology(await loadState(store, ref, learner.id), true));
  });
}
