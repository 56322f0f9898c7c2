/**
 * The web app: Express 5 for pages and the small JSON API, ws for the terminals, on one HTTP
 * server. Learners are identified by a signed, httpOnly cookie; each has their own session per
 * workspace (a sandbox per fixture). Every command is committed to the history before the reply
 * goes out; a snapshot is stored every few commands, and loading replays the history after it
 * (the simulation is deterministic, so the replay rebuilds the exact state).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, STATUS_CODES, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import express from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { ensurePrivateDir, makePrivate, type Config } from './config.js';
import { errorHandler, learnerCookieOptions, notFound, originAllowed, parseCookies, requestTarget, securityHeaders } from './security.js';
import { MAX_FRAME, parseClientMessage, type ClientMessage, type ServerMessage } from './protocol.js';
import { StoreError, type CloudStore } from '../store/types.js';
import { memoryStore } from '../store/memory.js';
import { sqliteStore } from '../store/sqlite.js';
import { gradeCommand, labFor, loadLabs, type Lab } from '../labs/index.js';
import { gradeStoreFor, sandboxCatalogue, workspaces, type Workspace, type WorkspaceRef } from '../workspace/index.js';
import { buckets, counter } from './limits.js';

const COOKIE = 'stacklab_sid';
/** Messages a learner may send per second (sustained) and in a burst, over all their terminals. */
const RATE = 20;
const BURST = 60;
/** Milliseconds of server time a learner's commands may use per second, and in a burst. */
const WORK_MS = { rate: 250, burst: 500 };
/** Messages waiting in one terminal's queue at most. */
const MAX_QUEUED = 100;
/** Terminals one learner may have open at once. */
const MAX_TERMINALS = 8;
/** New learners (cookies) one address may get per second and in a burst: a class behind one NAT arrives at once. */
const NEW_PER_ADDRESS = { rate: 2, burst: 300 };

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

/** Never throws: a value that is not valid percent-encoding is kept as sent (and fails verify). */
function cookieValue(header: string | undefined, name: string): string | undefined {
  return parseCookies(header).get(name);
}

let labCache: Lab[] | null = null;
/** The labs of labs/*.md, read once (a bad lab file stops the server with its file:line error). */
function labs(): Lab[] {
  labCache ??= loadLabs();
  return labCache;
}

export async function startServer(config: Config, opts: { store?: CloudStore } = {}): Promise<RunningServer> {
  let store = opts.store;
  if (!store) {
    if (config.store === 'memory') store = memoryStore();
    else {
      ensurePrivateDir(config.dataDir);
      const file = join(config.dataDir, 'stacklab.db');
      store = sqliteStore(file, config.dbMaxBytes !== undefined ? { maxBytes: config.dbMaxBytes } : {});
      // Learners' histories are nobody else's business on the machine (older versions left 0644 files).
      makePrivate([file, `${file}-wal`, `${file}-shm`]);
    }
  }
  const db = store;
  const log = (message: string) => console.error(`[${new Date().toISOString()}] ${message}`);
  /** Learners' workspaces, in memory while used; idle ones are evicted (and reloaded on their next use). */
  const spaces = workspaces({ store: db, labs, now: Date.now, log, limits: { idleMs: config.idleEvictMs } });
  const evictTimer = setInterval(() => spaces.evictIdle(), Math.max(50, Math.min(60_000, Math.floor(config.idleEvictMs / 2))));
  evictTimer.unref();
  const messages = buckets({ rate: RATE, burst: BURST, maxKeys: 100_000 });
  const work = buckets({ ...WORK_MS, maxKeys: 100_000 });
  const terminals = counter(MAX_TERMINALS);
  const newcomers = buckets({ ...NEW_PER_ADDRESS, maxKeys: 100_000 });

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(config));

  /**
   * Identifies the learner from the cookie, giving a new visitor one. Nothing is stored until the
   * learner does something (a command, a name): a visit costs no database row. New visitors are
   * rate-limited per address; over the limit this answers 429 and returns null.
   */
  const learnerOf = (req: express.Request, res: express.Response): string | null => {
    const id = verify(config.secret, cookieValue(req.headers.cookie, COOKIE));
    if (id) return id;
    if (!newcomers.take(req.socket.remoteAddress ?? '?', Date.now())) {
      res.status(429).set('Retry-After', '30').type('text').send('Too many new visitors from your address: try again in a minute.\n');
      return null;
    }
    const fresh = randomBytes(12).toString('base64url');
    res.cookie(COOKIE, sign(config.secret, fresh), learnerCookieOptions(config.secureCookie));
    return fresh;
  };

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/api/fixtures', (req, res) => {
    if (learnerOf(req, res) === null) return;
    res.json(sandboxCatalogue());
  });
  app.get('/api/me', (req, res) => {
    const id = learnerOf(req, res);
    if (id === null) return;
    res.json({ id, name: db.getLearner(id)?.name ?? '' });
  });
  /** An optional display name, shown to instructors: 1–40 printable characters. */
  app.put('/api/me', express.json({ limit: '1kb' }), (req, res) => {
    const id = learnerOf(req, res);
    if (id === null) return;
    const name: unknown = (req.body as { name?: unknown } | undefined)?.name;
    // Printable: no C0, DEL or C1 control characters (they would reach instructors' terminals).
    if (typeof name !== 'string' || !/^[^\u0000-\u001f\u007f-\u009f]{1,40}$/.test(name.trim())) {
      res.status(400).json({ error: 'A name is 1 to 40 printable characters.' });
      return;
    }
    db.ensureLearner(id, name.trim(), Date.now());
    db.renameLearner(id, name.trim());
    res.json({ id, name: name.trim() });
  });

  app.get('/api/labs', (req, res) => {
    if (learnerOf(req, res) === null) return;
    res.json(labs().map((l) => ({ id: l.id, title: l.title, summary: l.summary, minutes: l.minutes, fixture: l.fixture })));
  });
  app.get('/api/labs/:id', (req, res) => {
    const learner = learnerOf(req, res);
    if (learner === null) return;
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
  // Last: short answers without stacks (Express's own pages show them when NODE_ENV is unset).
  app.use(notFound);
  app.use(errorHandler((line) => console.error(line)));

  const server = createServer(app);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME, perMessageDeflate: false });

  /** Total: whatever arrives is answered (400/403, or 500 on our own failure) or upgraded, never thrown. */
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node drops its own 'error' listener from upgraded sockets: a reset must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    const refuse = (status: 400 | 403 | 500) => {
      if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    try {
      const url = requestTarget(req.url);
      if (!url) return refuse(400);
      const id = verify(config.secret, cookieValue(req.headers.cookie, COOKIE));
      const ref = spaces.parse(url.searchParams.get('workspace') ?? '');
      // Same session as HTTP, same origin (scheme and host) as the page, a known workspace: otherwise no terminal.
      const sameOrigin = originAllowed(req.headers.origin, req.headers.host, config.publicOrigin);
      if (url.pathname !== '/ws' || !id || !sameOrigin || !ref) return refuse(403);
      wss.handleUpgrade(req, socket, head, (ws) => {
        // Protocol errors (oversized, unmasked, invalid UTF-8, reserved opcode or bits): ws has sent the
        // close frame with the right code (1009/1002/1007) already; unheard, the 'error' would crash the server.
        ws.on('error', () => undefined);
        attach(ws, id, ref);
      });
    } catch (e) {
      const errorId = randomBytes(4).toString('hex');
      log(`error ${errorId} on upgrade ${JSON.stringify(req.url)}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      refuse(500);
    }
  });

  /** A terminal: WebSocket messages in, the workspace's replies out. Never throws. */
  function attach(sock: WebSocket, learner: string, ref: WorkspaceRef): void {
    const send = (m: ServerMessage) => {
      if (sock.readyState === sock.OPEN) sock.send(JSON.stringify(m));
    };
    if (!terminals.acquire(learner)) {
      send({ t: 'error', message: `You have ${MAX_TERMINALS} terminals open already: close one (another tab) and reload.` });
      sock.close(1008, 'too many terminals');
      return;
    }
    let w: Workspace | null = null;
    sock.on('close', () => {
      terminals.release(learner);
      w?.detach();
    });
    try {
      w = spaces.open(learner, ref);
    } catch (e) {
      if (!(e instanceof StoreError)) log(`opening ${ref.key} for ${learner}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      else log(`opening ${ref.key} for ${learner}: ${e.code} ${e.message}`);
      send({ t: 'error', message: `Your workspace cannot be opened right now: ${e instanceof StoreError ? e.message : 'an internal error'}. Try again in a moment.` });
      sock.close(1011, 'workspace unavailable');
      return;
    }
    const ws = w;
    ws.attach();
    const pushGrade = () => {
      const g = ws.grade();
      if (g) send({ t: 'grade', result: g.result, firstPassed: g.firstPassed });
    };
    const reply = (r: { stdout: string; stderr: string; exitCode: number; prompt: string }) => send({ t: 'result', ...r });
    send({ t: 'hello', prompt: ws.prompt(), history: ws.recentLines(500), workspace: ref.key, fixture: ref.fixture, learner });
    pushGrade();
    /**
     * Messages wait in this terminal's queue and run one per turn of the event loop, so a
     * learner's burst interleaves with everyone else's messages instead of holding the loop.
     */
    const queue: ClientMessage[] = [];
    let scheduled = false;
    const handle = (msg: ClientMessage) => {
      if (msg.t === 'line' || msg.t === 'complete' || msg.t === 'reset') {
        // Work done for this learner is paid from a time budget: a learner whose commands keep
        // the server busy waits, instead of everyone else.
        if (!work.positive(learner, Date.now())) {
          if (msg.t === 'complete') return;
          reply({ stdout: '', stderr: 'stacklab: the server is still busy with your earlier commands; this one was not run. Wait a moment and try again.\n', exitCode: 1, prompt: ws.prompt() });
          return;
        }
      }
      const started = performance.now();
      try {
        switch (msg.t) {
          case 'resize':
            ws.resize(msg.cols);
            return;
          case 'complete':
            send({ t: 'completion', ...ws.complete(msg.line) });
            return;
          case 'solution': {
            const lines = ws.reveal(msg.step);
            if (lines) send({ t: 'solution', step: msg.step, lines });
            return;
          }
          case 'answer': {
            const failed = ws.answer(msg.check, msg.value);
            if (failed) reply(failed);
            pushGrade();
            return;
          }
          case 'reset':
            reply(ws.reset());
            pushGrade();
            return;
          case 'line':
            reply(ws.run(msg.line));
            pushGrade();
            return;
        }
      } finally {
        work.charge(learner, Date.now(), performance.now() - started);
      }
    };
    const drain = () => {
      scheduled = false;
      const msg = queue.shift();
      if (msg === undefined || sock.readyState !== sock.OPEN) return;
      try {
        handle(msg);
      } catch (e) {
        // A bug in Stacklab: logged with an id, the learner told, the server and the session go on.
        const id = randomBytes(4).toString('hex');
        log(`error ${id} for ${learner} in ${ref.key}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        if (msg.t === 'line') reply({ stdout: '', stderr: `stacklab: internal error ${id}: this command could not be handled. Your cloud is unchanged.\n`, exitCode: 70, prompt: ws.prompt() });
        else send({ t: 'error', message: `Internal error ${id}: that message could not be handled. Your cloud is unchanged.` });
      }
      if (queue.length > 0) {
        scheduled = true;
        setImmediate(drain);
      }
    };
    sock.on('message', (data, isBinary) => {
      const msg = isBinary ? null : parseClientMessage(data.toString());
      if (!msg) {
        send({ t: 'error', message: 'Unrecognised message.' });
        return;
      }
      if (!messages.take(learner, Date.now()) || queue.length >= MAX_QUEUED) {
        // A line always gets a result, so the terminal gives its prompt back.
        if (msg.t === 'line') reply({ stdout: '', stderr: 'stacklab: too many commands at once: this one was not run. Slow down.\n', exitCode: 1, prompt: ws.prompt() });
        else send({ t: 'error', message: 'Too many messages: slow down.' });
        return;
      }
      queue.push(msg);
      if (!scheduled) {
        scheduled = true;
        setImmediate(drain);
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
        clearInterval(evictTimer);
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => {
          db.close();
          ok();
        });
      }),
  };
}
