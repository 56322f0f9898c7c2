/**
 * The web app: Express 5 for pages and the small JSON API, ws for the terminals, on one HTTP
 * server. Learners are identified by a signed, httpOnly cookie; each has their own session per
 * workspace (a sandbox per fixture). Every command is committed to the history before the reply
 * goes out; a snapshot is stored every few commands, and loading replays the history after it
 * (the simulation is deterministic, so the replay rebuilds the exact state).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import express from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from './config.js';
import { MAX_FRAME, parseClientMessage, type ServerMessage } from './protocol.js';
import type { CloudStore } from '../store/types.js';
import { memoryStore } from '../store/memory.js';
import { sqliteStore } from '../store/sqlite.js';
import {
  complete,
  createSession,
  deserializeSession,
  fixtureNames,
  prompt,
  runLine,
  serializeSession,
  type SessionState,
} from '../shell/session.js';
import { fixtureSpec } from '../shell/fixtures.js';
import { grade, gradeCommand, labFor, labSession, loadLabs, type Lab } from '../labs/index.js';
import { attemptOf, gradeStoreFor } from './grading.js';

const COOKIE = 'stacklab_sid';
/** Messages a connection may send per second (sustained) and in a burst. */
const RATE = 20;
const BURST = 60;
/** A snapshot is stored every this many commands; the history since the last one is replayed on load. */
const SNAPSHOT_EVERY = 25;

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function sign(secret: string, id: string): string {
  return `${id}.${createHmac('sha256', secret).update(id).digest('base64url')}`;
}

function verify(secret: string, value: string | undefined): string | null {
  if (!value) return null;
  const i = value.lastIndexOf('.');
  if (i <= 0) return null;
  const id = value.slice(0, i);
  const good = Buffer.from(sign(secret, id));
  const got = Buffer.from(value);
  return good.length === got.length && timingSafeEqual(good, got) ? id : null;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** A per-learner seed, so two learners' clouds have different ids and addresses. */
function seedFor(learnerId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < learnerId.length; i++) h = Math.imul(h ^ learnerId.charCodeAt(i), 0x01000193) >>> 0;
  return h % 1_000_000;
}

function workspaceFixture(workspace: string): string | null {
  const m = /^sandbox:([a-z0-9-]+)$/.exec(workspace);
  return m && fixtureNames().includes(m[1] as string) ? (m[1] as string) : null;
}

let labCache: Lab[] | null = null;
/** The labs of labs/*.md, read once (a bad lab file stops the server with its file:line error). */
function labs(): Lab[] {
  labCache ??= loadLabs();
  return labCache;
}

function workspaceLab(workspace: string): Lab | null {
  const m = /^lab:([a-z0-9-]+)$/.exec(workspace);
  return m ? (labs().find((l) => l.id === m[1]) ?? null) : null;
}

export async function startServer(config: Config, opts: { store?: CloudStore } = {}): Promise<RunningServer> {
  let store = opts.store;
  if (!store) {
    if (config.store === 'memory') store = memoryStore();
    else {
      mkdirSync(config.dataDir, { recursive: true });
      store = sqliteStore(join(config.dataDir, 'stacklab.db'));
    }
  }
  const db = store;
  /** Sessions of connected learners, by learner and workspace. */
  const live = new Map<string, SessionState>();

  const app = express();
  app.disable('x-powered-by');

  /** Identifies the learner from the cookie, creating one on first visit. */
  const learnerOf = (req: express.Request, res: express.Response): string => {
    const id = verify(config.secret, cookieValue(req.headers.cookie, COOKIE));
    if (id && db.getLearner(id)) return id;
    const fresh = randomBytes(12).toString('base64url');
    db.createLearner(fresh, `learner-${fresh.slice(0, 6)}`, Date.now());
    res.cookie(COOKIE, sign(config.secret, fresh), { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 86400_000 });
    return fresh;
  };

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/api/fixtures', (req, res) => {
    learnerOf(req, res);
    res.json(
      fixtureNames().map((name) => {
        const spec = fixtureSpec(name);
        return { name, description: spec.description, startHost: spec.startHost ?? 'laptop' };
      }),
    );
  });
  app.get('/api/me', (req, res) => {
    const id = learnerOf(req, res);
    res.json({ id, name: db.getLearner(id)?.name ?? '' });
  });
  /** An optional display name, shown to instructors: 1–40 printable characters. */
  app.put('/api/me', express.json({ limit: '1kb' }), (req, res) => {
    const id = learnerOf(req, res);
    const name: unknown = (req.body as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || !/^[^\u0000-\u001f\u007f]{1,40}$/.test(name.trim())) {
      res.status(400).json({ error: 'A name is 1 to 40 printable characters.' });
      return;
    }
    db.renameLearner(id, name.trim());
    res.json({ id, name: name.trim() });
  });

  app.get('/api/labs', (req, res) => {
    learnerOf(req, res);
    res.json(labs().map((l) => ({ id: l.id, title: l.title, summary: l.summary, minutes: l.minutes, fixture: l.fixture })));
  });
  app.get('/api/labs/:id', (req, res) => {
    const learner = learnerOf(req, res);
    const lab = labs().find((l) => l.id === req.params.id);
    if (!lab) {
      res.status(404).json({ error: `no lab ${req.params.id}` });
      return;
    }
    const mine = labFor(lab, learner);
    res.json({
      id: mine.id,
      title: mine.title,
      summary: mine.summary,
      minutes: mine.minutes,
      intro: mine.intro,
      steps: mine.steps.map((st) => ({
        id: st.id,
        title: st.title,
        body: st.body,
        hints: st.hints,
        checks: st.checks.map((c) => ({ id: c.id, type: c.type, title: c.title, points: c.points })),
      })),
    });
  });

  // ---- instructors: a bearer token (STACKLAB_INSTRUCTOR_TOKEN or the generated one) ----------
  const instructor = (req: express.Request, res: express.Response): boolean => {
    const given = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const a = Buffer.from(given);
    const b = Buffer.from(config.instructorToken);
    if (a.length === b.length && timingSafeEqual(a, b)) return true;
    res.status(401).json({ error: 'instructor token required (Authorization: Bearer TOKEN)' });
    return false;
  };
  app.get('/api/instructor/labs/:id/grades', (req, res) => {
    if (!instructor(req, res)) return;
    const format = req.query['format'] === 'csv' ? 'csv' : 'json';
    const r = gradeCommand(gradeStoreFor(db, labs()), { lab: req.params.id, all: true, format }, { labs: labs() });
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
    const learner = db.getLearner(req.params.id);
    if (!learner) {
      res.status(404).json({ error: 'no such learner' });
      return;
    }
    const workspace = typeof req.query['workspace'] === 'string' ? req.query['workspace'] : '';
    res.json({ ...learner, history: workspace ? db.history(learner.id, workspace, 2000) : [] });
  });

  const clientReady = existsSync(join(config.clientDir, 'index.html'));
  if (clientReady) app.use(express.static(config.clientDir, { index: false }));
  app.get('/{*splat}', (req, res) => {
    learnerOf(req, res);
    if (!clientReady) {
      res.status(503).type('text').send('The web client is not built: run `npm start` (it builds it) or `npx vite build --config client/vite.config.ts`.\n');
      return;
    }
    res.sendFile(join(config.clientDir, 'index.html'));
  });

  const server = createServer(app);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME, perMessageDeflate: false });

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin;
    const host = req.headers.host;
    const id = verify(config.secret, cookieValue(req.headers.cookie, COOKIE));
    const workspace = url.searchParams.get('workspace') ?? '';
    const fixture = workspaceFixture(workspace) ?? workspaceLab(workspace)?.fixture ?? null;
    // Same session as HTTP, same origin as the page, a known workspace: otherwise no terminal.
    const sameOrigin = origin !== undefined && host !== undefined && new URL(origin).host === host;
    if (url.pathname !== '/ws' || !id || !db.getLearner(id) || !sameOrigin || !fixture) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, id, workspace, fixture));
  });

  const load = (learner: string, workspace: string, fixture: string): SessionState => {
    const key = `${learner}\u0000${workspace}`;
    const cached = live.get(key);
    if (cached) return cached;
    const stored = db.loadSession(learner, workspace);
    const lab = workspaceLab(workspace);
    let s = stored ? deserializeSession(stored.snapshot) : lab ? labSession(labFor(lab, learner)) : createSession({ fixture, seed: seedFor(learner) });
    // Deterministic replay of what came after the snapshot rebuilds the exact state.
    for (const e of db.historySince(learner, workspace, stored?.seq ?? 0)) {
      // `#reset` and `#answer …` rows are bookkeeping, not commands.
      if (!e.line.startsWith('#')) s = runLine(s, e.line).state;
    }
    live.set(key, s);
    return s;
  };

  function attach(ws: WebSocket, learner: string, workspace: string, fixture: string): void {
    const key = `${learner}\u0000${workspace}`;
    let tokens = BURST;
    let last = Date.now();
    let sinceSnapshot = 0;
    const send = (m: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    let state = load(learner, workspace, fixture);
    const lab = workspaceLab(workspace);
    const mine = lab ? labFor(lab, learner) : null;
    /** Grades the learner's cloud and history after every command and pushes it to the page. */
    /** When each step first passed (ms), kept in the history as `#passed STEP` rows. */
    const firstPassed: Record<string, number> = {};
    for (const h of db.history(learner, workspace, 5000)) {
      const m = /^#passed (\S+)$/.exec(h.line);
      if (m && firstPassed[m[1] as string] === undefined) firstPassed[m[1] as string] = h.at;
    }
    const pushGrade = () => {
      if (!mine) return;
      const a = attemptOf(db, learner, workspace);
      const result = grade(mine, state.cloud, a.history, { answers: a.answers });
      for (const st of result.steps) {
        if (st.passed && firstPassed[st.id] === undefined) {
          const at = Date.now();
          firstPassed[st.id] = at;
          db.saveStep(learner, workspace, null, { line: `#passed ${st.id}`, stdout: '', stderr: '', exitCode: 0, at });
        }
      }
      send({ t: 'grade', result, firstPassed: { ...firstPassed } });
    };
    send({
      t: 'hello',
      prompt: prompt(state),
      history: db.history(learner, workspace, 500).map((h) => h.line).filter((l) => !l.startsWith('#')),
      workspace,
      fixture,
      learner,
    });
    pushGrade();
    ws.on('message', (data, isBinary) => {
      const now = Date.now();
      tokens = Math.min(BURST, tokens + ((now - last) / 1000) * RATE);
      last = now;
      if (tokens < 1) {
        send({ t: 'error', message: 'Too many messages: slow down.' });
        return;
      }
      tokens -= 1;
      const msg = isBinary ? null : parseClientMessage(data.toString());
      if (!msg) {
        send({ t: 'error', message: 'Unrecognised message.' });
        return;
      }
      state = live.get(key) ?? state;
      switch (msg.t) {
        case 'resize':
          state = { ...state, columns: msg.cols };
          live.set(key, state);
          return;
        case 'complete':
          send({ t: 'completion', ...complete(state, msg.line) });
          return;
        case 'solution': {
          const step = mine?.steps.find((x) => x.id === msg.step);
          if (!step) return;
          // Showing a solution is recorded, for the instructor.
          db.saveStep(learner, workspace, null, { line: `#solution ${step.id}`, stdout: '', stderr: '', exitCode: 0, at: now });
          send({ t: 'solution', step: step.id, lines: step.solution });
          return;
        }
        case 'answer':
          if (!mine) return;
          db.saveStep(learner, workspace, null, { line: `#answer ${msg.check} ${msg.value.trim()}`, stdout: '', stderr: '', exitCode: 0, at: now });
          pushGrade();
          return;
        case 'reset': {
          state = mine ? { ...labSession(mine), columns: state.columns } : createSession({ fixture, seed: seedFor(learner), columns: state.columns });
          db.resetSession(learner, workspace, serializeSession(state), now);
          live.set(key, state);
          send({ t: 'result', stdout: `Your ${fixture} cloud is back to its starting state.\n`, stderr: '', exitCode: 0, prompt: prompt(state) });
          pushGrade();
          return;
        }
        case 'line': {
          const r = runLine(state, msg.line);
          if (r.result.internalError) console.error(`[${new Date(now).toISOString()}] internal error for ${learner}: ${r.result.internalError}`);
          // Commit first, then reply: an acknowledged command is never lost.
          if (msg.line.trim() !== '') {
            sinceSnapshot += 1;
            const snapshot = sinceSnapshot >= SNAPSHOT_EVERY ? serializeSession(r.state) : null;
            if (snapshot !== null) sinceSnapshot = 0;
            db.saveStep(learner, workspace, snapshot, {
              line: msg.line,
              stdout: r.result.stdout,
              stderr: r.result.stderr,
              exitCode: r.result.exitCode,
              at: now,
            });
          }
          state = r.state;
          live.set(key, state);
          send({ t: 'result', stdout: r.result.stdout, stderr: r.result.stderr, exitCode: r.result.exitCode, prompt: prompt(state) });
          pushGrade();
          return;
        }
      }
    });
  }

  await new Promise<void>((ok) => server.listen(config.port, config.host, ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => {
          db.close();
          ok();
        });
      }),
  };
}
