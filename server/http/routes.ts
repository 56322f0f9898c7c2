/** The HTTP routes: the learner's small JSON API, the instructors' API, and the client's pages. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type Request, type Response } from 'express';
import type { Config } from './config.js';
import type { Learners } from './learners.js';
import type { CloudStore } from '../store/types.js';
import { labFor, type Lab } from '../labs/index.js';
import { labKey, sandboxCatalogue } from '../workspace/index.js';
import type { Workspaces } from '../workspace/index.js';
import { StoreError } from '../store/types.js';
import type { Health } from './health.js';
import type { LabRegistry } from '../labs/registry.js';
import type { LtiStore } from '../lti/types.js';
import type { ToolKey } from '../lti/keys.js';
import { clientLogin } from './openstack/keystone.js';
import { cloudsYaml, openrc, type ClientLogin } from './openstack/credentials.js';

export interface RouteDeps {
  config: Config;
  store: CloudStore;
  learners: Learners;
  labs: () => Lab[];
  /** The labs folder as read now, its problems, and reloading it (server/labs/registry.ts). */
  registry: LabRegistry;
  workspaces: Workspaces;
  /** LTI 1.3: platforms, launches (server/lti). */
  lti: LtiStore;
  toolKey: ToolKey;
  /** Whether this process's store answers now (server/http/health.ts): /healthz, and the cluster primary's question. */
  health: () => Promise<Health>;
}

/** What a learner's page needs: sandboxes, labs, and who they are. */
export function learnerRoutes(app: Express, deps: RouteDeps): void {
  const { store, learners, labs } = deps;
  // Whether this process's store answers now: 503 takes the node out of the load balancer
  // (deploy/haproxy.cfg). No learner limit applies: it is asked before any of them.
  app.get('/healthz', async (_req, res) => {
    const h = await deps.health();
    res.status(h.ok ? 200 : 503).set('Cache-Control', 'no-store').json(h);
  });
  // The learner's own login for a workspace, for the real clients (issue #17).
  app.get('/api/me/clouds.yaml', (req, res) => sendLogin(req, res, deps, { render: cloudsYaml, file: 'clouds.yaml', type: 'application/yaml' }));
  app.get('/api/me/openrc', (req, res) => sendLogin(req, res, deps, { render: openrc, file: 'stacklab-openrc.sh', type: 'text/plain' }));
  app.get('/api/fixtures', (req, res) => {
    if (learners.of(req, res) !== null) res.json(sandboxCatalogue());
  });
  app.get('/api/me', async (req, res) => {
    const id = learners.of(req, res);
    if (id !== null) res.json({ id, name: (await store.getLearner(id))?.name ?? '' });
  });
  /** An optional display name, shown to instructors: 1–40 printable characters. */
  app.put('/api/me', express.json({ limit: '1kb' }), async (req, res) => {
    const id = learners.of(req, res);
    if (id === null) return;
    const name: unknown = (req.body as { name?: unknown } | undefined)?.name;
    // Printable: no C0, DEL or C1 control characters (they would reach instructors' terminals).
    if (typeof name !== 'string' || !/^[^\u0000-\u001f\u007f-\u009f]{1,40}$/.test(name.trim())) {
      res.status(400).json({ error: 'A name is 1 to 40 printable characters.' });
      return;
    }
    await store.ensureLearner(id, name.trim(), Date.now());
    await store.renameLearner(id, name.trim());
    res.json({ id, name: name.trim() });
  });
  app.get('/api/labs', (req, res) => {
    if (learners.of(req, res) !== null)
      res.json(
        labs().map((l) => ({
          id: l.id,
          title: l.title,
          summary: l.summary,
          minutes: l.minutes,
          fixture: l.fixture,
        })),
      );
  });
  app.get('/api/me/progress', async (req, res) => {
    const learner = learners.of(req, res);
    if (learner === null) return;
    const rows = [];
    for (const l of labs()) rows.push(await progressOf(store, learner, l));
    res.json(rows);
  });
  app.get('/api/labs/:id', (req, res) => {
    const learner = learners.of(req, res);
    if (learner === null) return;
    const lab = labs().find((l) => l.id === req.params.id);
    if (!lab) {
      res.status(404).json({ error: `no lab ${req.params.id}` });
      return;
    }
    res.json(labView(labFor(lab, learner)));
  });
}

/** A clouds.yaml or openrc for `?workspace=KEY`, for the cookie's learner only (a visitor gets a cookie first). */
async function sendLogin(
  req: Request,
  res: Response,
  { learners, workspaces, config }: RouteDeps,
  as: { render: (l: ClientLogin) => string; file: string; type: string },
): Promise<void> {
  const learner = learners.of(req, res);
  if (learner === null) return;
  const key = req.query['workspace'];
  const ref = typeof key === 'string' ? workspaces.parse(key) : null;
  if (!ref) {
    res.status(400).json({ error: 'unknown workspace: give ?workspace=sandbox:FIXTURE or ?workspace=lab:ID' });
    return;
  }
  let login: ClientLogin;
  try {
    login = clientLogin(req, config, learner, await workspaces.open(learner, ref));
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    res.status(503).json({ error: `Your workspace cannot be opened right now: ${e.message}. Try again in a moment.` });
    return;
  }
  // A password inside: never kept by a cache.
  res.set('Cache-Control', 'no-store').type(as.type).attachment(as.file).send(as.render(login));
}

/**
 * How far a learner got in a lab, from the steps the store records as passed since the last reset
 * (no replay: the home page asks for every lab at once). A reset starts the count again.
 */
export async function progressOf(store: CloudStore, learner: string, lab: Lab) {
  const key = labKey(lab.id);
  const reset = (await store.lastSeqs(learner, key)).reset;
  const passed = new Set((await store.historyOfKind(learner, key, 'passed')).filter((e) => e.seq > reset).map((e) => e.step));
  const done = lab.steps.filter((st) => passed.has(st.id));
  const points = (steps: Lab['steps']) =>
    steps.reduce((n, st) => n + st.checks.reduce((m, c) => m + c.points, 0), 0);
  const total = points(lab.steps);
  return {
    lab: lab.id,
    steps: lab.steps.length,
    passed: done.length,
    percent: total === 0 ? 0 : Math.floor((100 * points(done)) / total),
  };
}

/** A lab as the page shows it (with this learner's parameters). */
function labView(mine: Lab) {
  return {
    id: mine.id,
    title: mine.title,
    summary: mine.summary,
    minutes: mine.minutes,
    outcomes: mine.outcomes,
    fitWidth: mine.fitWidth,
    topology: mine.topology,
    intro: mine.intro,
    steps: mine.steps.map((st) => ({
      id: st.id,
      title: st.title,
      body: st.body,
      hints: st.hints,
      checks: st.checks.map((c) => ({ id: c.id, type: c.type, title: c.title, points: c.points })),
    })),
  };
}

/** The built client: its files, and its page for every other GET. */
export function clientRoutes(app: Express, { config, learners }: RouteDeps): void {
  const clientReady = existsSync(join(config.clientDir, 'index.html'));
  if (clientReady) app.use(express.static(config.clientDir, { index: false }));
  app.get('/{*splat}', (req, res) => {
    // A page inside another site's frame (an LTI launch in an LMS) cannot keep a cookie: its session
    // is the launch's token, so no new-visitor cookie is handed out (nor counted against the address).
    const framed = req.headers['sec-fetch-dest'] === 'iframe';
    if (!framed && learners.of(req, res) === null) return;
    if (!clientReady) {
      res
        .status(503)
        .type('text')
        .send(
          'The web client is not built: run `npm start` (it builds it) or `npx vite build --config client/vite.config.ts`.\n',
        );
      return;
    }
    res.sendFile(join(config.clientDir, 'index.html'));
  });
}
