/** The instructors' API: a bearer token (STACKLAB_INSTRUCTOR_TOKEN or the generated one). */
import type { Express } from 'express';
import { instructorGuard } from './instructor-auth.js';
import { gradeCommand } from '../labs/index.js';
import { gradeStoreFor, parseWorkspace, sessionTopology } from '../workspace/index.js';
import { loadState } from '../workspace/replay.js';
import type { RouteDeps } from './routes.js';

/** The class page's API. */
export function instructorRoutes(app: Express, { config, store, labs }: RouteDeps): void {
  const instructor = instructorGuard(config);
  app.get('/api/instructor/labs/:id/grades', (req, res) => {
    if (!instructor(req, res)) return;
    const format = req.query['format'] === 'csv' ? 'csv' : 'json';
    const r = gradeCommand(
      gradeStoreFor(store, labs()),
      { lab: req.params.id, all: true, format },
      { labs: labs() },
    );
    if (r.exitCode === 2) {
      res.status(404).json({ error: r.output.trim() });
      return;
    }
    if (format === 'csv') {
      res.type('text/csv').attachment(`${req.params.id}-grades.csv`).send(r.output);
      return;
    }
    // No learner yet: gradeCommand explains in text; the API answers an empty list.
    res.json(r.output.trim().startsWith('[') ? (JSON.parse(r.output) as unknown) : []);
  });
  app.get('/api/instructor/learners/:id', (req, res) => {
    if (!instructor(req, res)) return;
    const learner = store.getLearner(req.params.id);
    if (!learner) {
      res.status(404).json({ error: 'no such learner' });
      return;
    }
    const workspace = typeof req.query['workspace'] === 'string' ? req.query['workspace'] : '';
    res.json({ ...learner, history: workspace ? store.history(learner.id, workspace, 2000) : [] });
  });
  /** A learner's cloud as their topology view draws it (read from the store: snapshot + replay). */
  app.get('/api/instructor/learners/:id/topology', (req, res) => {
    if (!instructor(req, res)) return;
    const learner = store.getLearner(req.params.id);
    if (!learner) {
      res.status(404).json({ error: 'no such learner' });
      return;
    }
    const key = req.query['workspace'];
    const ref = typeof key === 'string' ? parseWorkspace(key, labs()) : null;
    if (!ref) {
      res.status(400).json({ error: 'unknown workspace: give ?workspace=sandbox:FIXTURE or ?workspace=lab:ID' });
      return;
    }
    res.json(sessionTopology(loadState(store, ref, learner.id), true));
  });
}

