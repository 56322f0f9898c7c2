/**
 * The class page's lab panel API (instructors only): which labs the server offers, the problems of
 * the labs folder, and Reload, which reads the folder again without a restart.
 */
import type { Express } from 'express';
import { instructorGuard } from './instructor-auth.js';
import type { LabProblem, ReloadReport } from '../labs/registry.js';
import type { RouteDeps } from './routes.js';

/** A problem as the page shows it, and as its parts. */
function problemView(p: LabProblem) {
  return { file: p.file, line: p.line, message: p.message, text: `${p.file}:${p.line}: ${p.message}` };
}

/** A reload's report, its time as ISO 8601 too. */
function reportView(r: ReloadReport) {
  return { at: new Date(r.at).toISOString(), added: r.added, changed: r.changed, removed: r.removed, problems: r.problems.map(problemView) };
}

export function labsAdminRoutes(app: Express, { config, registry }: RouteDeps): void {
  const instructor = instructorGuard(config);
  /** Reads the labs folder again: what was added, changed, removed, and the problems found. */
  app.post('/api/instructor/labs/reload', (req, res) => {
    if (!instructor(req, res)) return;
    res.set('Cache-Control', 'no-store').json(reportView(registry.reload()));
  });
  /** The labs loaded now, the folder's problems, and the last reload. */
  app.get('/api/instructor/labs/status', (req, res) => {
    if (!instructor(req, res)) return;
    res.set('Cache-Control', 'no-store').json({
      labs: registry.all().map((l) => ({ id: l.id, title: l.title, file: l.file })),
      problems: registry.problems().map(problemView),
      lastReload: reportView(registry.last()),
    });
  });
}
