/**
 * The web app's composition: Express 5 for pages and the small JSON API, ws for the terminals, on
 * one HTTP server. The pieces: learners.ts (who is asking), routes.ts (the HTTP API and pages),
 * terminal.ts (the socket), security.ts (headers, parsing that never throws), and the learners'
 * workspaces in server/workspace (run, record, replay, evict). This layer only transports.
 */
import { availableParallelism } from 'node:os';
import { randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import express, { type CookieOptions } from 'express';
import { WebSocketServer } from 'ws';
import { ensurePrivateDir, makePrivate, type Config } from './config.js';
import {
  errorHandler,
  notFound,
  originAllowed,
  requestTarget,
  securityHeaders,
} from './security.js';
import { MAX_FRAME } from './protocol.js';
import { COOKIE, learners as learnerIdentity, type Learners } from './learners.js';
import { clientRoutes, learnerRoutes, type RouteDeps } from './routes.js';
import { instructorRoutes } from './instructor.js';
import { ltiRoutes } from './lti.js';
import { labsAdminRoutes } from './labs-admin.js';
import { terminals as terminalSockets, type Terminals } from './terminal.js';
import { learnerBudget, type LearnerBudget } from './limits.js';
import { memoryAppCredentials, sqliteAppCredentials, tagKey, type AppCredentialStore } from '../store/app-credentials.js';
import { keystonePostgres } from '../store/app-credentials-pg.js';
import { followRevocations, memoryRevocations, sqliteRevocations, type RevocationStore } from '../store/revocations.js';
import type { CloudStore } from '../store/types.js';
import { memoryStore } from '../store/memory.js';
import { sqliteStore } from '../store/sqlite.js';
import { postgresStore } from '../store/postgres.js';
import { labRegistry, type LabRegistry, type ReloadReport } from '../labs/registry.js';
import { openLti } from '../lti/index.js';
import { scoreReporter } from '../lti/scores.js';
import { workspaces, type Workspaces } from '../workspace/index.js';
import { openstackRoutes } from './openstack/index.js';
import { tokenStore, type TokenStore } from './openstack/tokens.js';
import type { ClusterEvent } from '../cluster/messages.js';
import { fileIdentity, healthCheck, withPingCheck, type Health } from './health.js';

export interface RunningServer {
  url: string;
  /** Reads the labs folder again (SIGHUP in server/main.ts; the class page's Reload). */
  reloadLabs(): ReloadReport;
  /** Takes a connection whose first bytes the cluster primary read (server/cluster/worker.ts). */
  accept(socket: Socket, head: Buffer): void;
  /** An event another worker raised, relayed by the primary: a lab reload, a revoked token. */
  hear(event: ClusterEvent): void;
  /** This process's own /healthz answer (the cluster primary asks each worker for it). */
  health(): Promise<Health>;
  close(): Promise<void>;
}

const log = (message: string) => console.error(`[${new Date().toISOString()}] ${message}`);

/**
 * The configured store: PostgreSQL when STACKLAB_DATABASE_URL is set (one database shared by
 * every process and machine), else SQLite in the private data folder (default), or memory.
 */
async function openStore(config: Config): Promise<CloudStore> {
  if (config.databaseUrl !== null) return postgresStore(config.databaseUrl, { poolSize: config.databasePoolSize, log });
  if (config.store === 'memory') return memoryStore();
  ensurePrivateDir(config.dataDir);
  const file = join(config.dataDir, 'stacklab.db');
  const store = sqliteStore(file, {
    ...(config.dbMaxBytes !== undefined ? { maxBytes: config.dbMaxBytes } : {}),
    // The server's store checkpoints off the event loop (a one-off `stacklab grade` does not).
    backgroundCheckpoints: true,
    // And commits commands' steps off it when the machine has a core its workers leave free: the
    // thread costs a little more CPU in all, and on a machine whose every core runs a worker that
    // is less for the workers themselves.
    writerThread: config.workers < availableParallelism(),
    log,
  });
  // Learners' histories are nobody else's business on the machine (older versions left 0644 files).
  makePrivate([file, `${file}-wal`, `${file}-shm`]);
  // /healthz: the open database answers even once its file is deleted; the file is checked too.
  return withPingCheck(store, await fileIdentity(file));
}

/** The Express app: headers first, then the routes, then short answers without stacks. */
function httpApp(
  deps: RouteDeps,
  budget: LearnerBudget,
  appCredentials: AppCredentialStore,
  tokens: TokenStore,
  worker: number | null,
): express.Express {
  const { config, workspaces: spaces } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Which worker answered (cluster mode only): stickiness is checked by it, and logs name it.
  if (worker !== null)
    app.use((_req, res, next) => {
      res.set('X-Stacklab-Worker', String(worker));
      // A new visitor's first connection came round robin: closed after the answer that gives them
      // their cookie, so their next connection goes to the worker the cookie hashes to.
      const setCookie = res.cookie.bind(res);
      res.cookie = ((name: string, ...rest: [string, CookieOptions]) => {
        if (name === COOKIE) res.set('Connection', 'close');
        return setCookie(name, ...rest);
      }) as typeof res.cookie;
      next();
    });
  app.use(securityHeaders(config));
  learnerRoutes(app, deps);
  instructorRoutes(app, deps);
  ltiRoutes(app, deps);
  labsAdminRoutes(app, deps);
  openstackRoutes(app, {
    workspaces: spaces,
    tokens,
    config,
    now: Date.now,
    budget,
    appCredentials,
  });
  clientRoutes(app, deps);
  // Last: short answers without stacks (Express's own pages show them when NODE_ENV is unset).
  app.use(notFound);
  app.use(errorHandler((line) => console.error(line)));
  return app;
}

/** Total: whatever arrives is answered (400/403, or 500 on our own failure) or upgraded, never thrown. */
function upgrades(
  server: Server,
  wss: WebSocketServer,
  config: Config,
  who: Learners,
  spaces: Workspaces,
  socks: Terminals,
): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node drops its own 'error' listener from upgraded sockets: a reset must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    const refuse = (status: 400 | 403 | 500) => {
      if (socket.writable)
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
        );
      socket.destroy();
    };
    try {
      const url = requestTarget(req.url);
      if (!url) return refuse(400);
      const id = who.fromUpgrade(req.headers.cookie, url.searchParams.get('session'));
      const ref = spaces.parse(url.searchParams.get('workspace') ?? '');
      // Same session as HTTP, same origin (scheme and host) as the page, a known workspace: otherwise no terminal.
      const sameOrigin = originAllowed(req.headers.origin, req.headers.host, config.publicOrigin);
      if (url.pathname !== '/ws' || !id || !sameOrigin || !ref) return refuse(403);
      wss.handleUpgrade(req, socket, head, (ws) => {
        // Protocol errors (oversized, unmasked, invalid UTF-8, reserved opcode or bits): ws has sent the
        // close frame with the right code (1009/1002/1007) already; unheard, the 'error' would crash the server.
        ws.on('error', () => undefined);
        socks.attach(ws, id, ref);
      });
    } catch (e) {
      const errorId = randomBytes(4).toString('hex');
      log(
        `error ${errorId} on upgrade ${JSON.stringify(req.url)}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
      refuse(500);
    }
  });
}

/**
 * Keystone's application credentials and token revocations: in PostgreSQL when the clouds are
 * (every node sees them), beside the clouds in the SQLite file (their own tables), or in memory
 * with a memory store.
 */
async function openKeystoneStores(
  config: Config,
  givenStore: boolean,
): Promise<{ credentials: AppCredentialStore; revocations: RevocationStore }> {
  const key = tagKey(config.secret);
  if (givenStore) return { credentials: memoryAppCredentials(key), revocations: memoryRevocations() };
  // A node that cannot reach them must not start: it would accept tokens the others revoked.
  if (config.databaseUrl !== null) return keystonePostgres(config.databaseUrl, key, { log });
  if (config.store === 'memory') return { credentials: memoryAppCredentials(key), revocations: memoryRevocations() };
  try {
    const file = join(config.dataDir, 'stacklab.db');
    return { credentials: sqliteAppCredentials(file, key), revocations: sqliteRevocations(file) };
  } catch (e) {
    // A database that cannot take the tables (read-only, full) must not stop the server: its learners still work.
    log(`application credentials and token revocations kept in memory only: ${e instanceof Error ? e.message : String(e)}`);
    return { credentials: memoryAppCredentials(key), revocations: memoryRevocations() };
  }
}

export async function startServer(
  config: Config,
  opts: {
    store?: CloudStore;
    /** A cluster worker (server/cluster): its index, and how its events reach the other workers. */
    cluster?: { index: number; relay(event: ClusterEvent): void };
    /** How often token revocations other processes wrote are read (ms): tests shorten it. Default 1,000. */
    revocationPollMs?: number;
  } = {},
): Promise<RunningServer> {
  const store = opts.store ?? (await openStore(config));
  const who = learnerIdentity(config);
  // The labs folder, read again on a change (watched in development) without a restart.
  const registry: LabRegistry = labRegistry({ dir: config.labsDir, now: Date.now, log });
  if (config.watchLabs) registry.watch();
  const labs = () => registry.all();
  // LTI 1.3: registered platforms and launches beside the workspaces; the tool's key pair in the data folder.
  // With STACKLAB_DATABASE_URL all of it in PostgreSQL instead, shared by every node (server/lti/index.ts).
  const { lti, toolKey, outbox } = await openLti(config, opts.store !== undefined, log);
  const scores = scoreReporter({ config, lti, key: toolKey, labs, log, now: Date.now, outbox });
  /** Learners' workspaces, in memory while used; idle ones are evicted (and reloaded on their next use). */
  const spaces = workspaces({
    store,
    labs,
    now: Date.now,
    log,
    limits: { idleMs: config.idleEvictMs },
    onGraded: (e) => scores.graded(e),
    // Another process writes the same workspaces (cluster workers, a shared database): check before writing.
    sharedStore: config.workers > 1 || config.databaseUrl !== null,
  });
  const evictTimer = setInterval(
    () => void spaces.evictIdle(),
    Math.max(50, Math.min(60_000, Math.floor(config.idleEvictMs / 2))),
  );
  evictTimer.unref();
  // A reload swaps the labs under live workspaces: new checks for a changed lab, a message for a removed one.
  registry.onChange((r) => spaces.labsChanged(r));
  // One budget per learner for their terminals and their own clients' API calls.
  const budget = learnerBudget(config.callsPerSecond);
  const { credentials: appCredentials, revocations } = await openKeystoneStores(config, opts.store !== undefined);
  const relay = opts.cluster?.relay;
  // Revocations read from the store (and written to it, again until they land) for this process's tokens.
  const revocationFeed = followRevocations(revocations, (r) => tokens.applyRevocation(r), {
    intervalMs: opts.revocationPollMs ?? 1000,
    log,
  });
  // Keystone tokens any worker validates (the key comes from the secret); revocations reach the others.
  const tokens = tokenStore({
    secret: config.secret,
    parseWorkspace: (key) => spaces.parse(key),
    ...(relay ? { onRevoke: (revocation) => relay({ kind: 'revoke', revocation }) } : {}),
    // Written for every node (and the next start) to read; the relay above is only this machine's workers, at once.
    persist: (revocation) => revocationFeed.write(revocation),
    log,
  });
  // Before the first answer: a token revoked before a restart stays refused after it.
  await revocationFeed.start();
  // The class page's Reload reaches every worker (SIGHUP does through the primary).
  const routeRegistry: LabRegistry = relay
    ? {
        ...registry,
        reload: () => {
          const r = registry.reload();
          relay({ kind: 'reload' });
          return r;
        },
      }
    : registry;
  const deps: RouteDeps = {
    config,
    store,
    learners: who,
    labs,
    registry: routeRegistry,
    workspaces: spaces,
    lti,
    toolKey,
    // One check per process, however it is asked (/healthz, the cluster primary): one ping at a time.
    health: healthCheck(() => store.ping(), { log }),
  };
  const server = createServer(
    httpApp(deps, budget, appCredentials, tokens, opts.cluster?.index ?? null),
  );
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME,
    perMessageDeflate: false,
  });
  upgrades(server, wss, config, who, spaces, terminalSockets(spaces, log, { budget }));
  const worker = opts.cluster?.index;
  if (worker !== undefined)
    wss.on('headers', (headers) => headers.push(`X-Stacklab-Worker: ${worker}`));

  // A cluster worker does not listen: the primary hands it connections (`accept`).
  if (!opts.cluster) await new Promise<void>((ok) => server.listen(config.port, config.host, ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    url: `http://localhost:${port}`,
    reloadLabs: () => registry.reload(),
    accept(socket, head) {
      // As a listening server would have it, then the bytes the primary read, read again here.
      server.emit('connection', socket);
      if (head.length > 0) socket.emit('data', head);
      socket.resume();
    },
    health: () => deps.health(),
    hear(event) {
      if (event.kind === 'revoke') tokens.applyRevocation(event.revocation);
      else {
        const r = registry.reload();
        log(
          `labs reloaded (relayed): added ${r.added.length}, changed ${r.changed.length}, removed ${r.removed.length}, ${r.problems.length} problem(s)`,
        );
      }
    },
    close: () =>
      new Promise<void>((ok) => {
        clearInterval(evictTimer);
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => {
          scores.close();
          registry.close();
          void lti.close().catch((e: unknown) => log(`closing LTI's store: ${e instanceof Error ? e.message : String(e)}`));
          revocationFeed.stop();
          const stored = Promise.all([store.close(), appCredentials.close(), revocations.close()]);
          // Settled once the store has closed (a server store finishes its writes first).
          stored.then(() => ok(), (e: unknown) => {
            log(`closing the store: ${e instanceof Error ? e.message : String(e)}`);
            ok();
          });
        });
      }),
  };
}
