/**
 * The cluster primary (STACKLAB_WORKERS > 1): owns the listening socket and N worker processes
 * (node:cluster), and runs no app code. Each connection's first request head is read here
 * (bounded in size and time), its learner hashed to a worker (server/cluster/sticky.ts), and the
 * socket handed over with the bytes already read. A worker that dies is replaced under the same
 * index, so its learners come back to it. Events a worker raises (a lab reload, a revoked token)
 * are relayed to the others; revocations are kept here and replayed to a replacement worker
 * before it gets any connection. A connection that opens with `GET /healthz` is answered here, for
 * the whole node (server/cluster/node-health.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer, type Server, type Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { parseToPrimary, type ClusterEvent, type ToWorker } from './messages.js';
import {
  healthAsker,
  healthRequest,
  healthResponse,
  nodeHealth,
  type HealthAsker,
  type SlotHealth,
} from './node-health.js';
import { HEAD_TIMEOUT_MS, MAX_HEAD, headEnd, learnerOfHead, picker } from './sticky.js';

export interface PrimaryOptions {
  workers: number;
  port: number;
  host: string;
  /** A Keystone token's learner (tokens.ts `tokenLearnerOf(secret)`), for sticky routing. */
  keystoneLearner: (token: string) => string | null;
  log: (message: string) => void;
  /** Connections still reading their first head at once; past it new ones are closed. Default 10,000. */
  maxPending?: number;
  /** Milliseconds to read a head (default HEAD_TIMEOUT_MS). */
  headTimeoutMs?: number;
  /** Milliseconds a worker has to answer the node's health question (default WORKER_HEALTH_TIMEOUT_MS). */
  healthTimeoutMs?: number;
}

export interface RunningPrimary {
  port: number;
  /** Tells every worker to read the labs folder again (SIGHUP). */
  reloadLabs(): void;
  close(): Promise<void>;
}

/**
 * A worker that neither says it took a handed socket nor dies within this long is taken to have
 * it (a busy worker answers late): this process's copy is closed, never handed to another worker
 * (two workers on one connection would interleave their bytes).
 */
const HANDOFF_TIMEOUT_MS = 60_000;

/**
 * A worker not ready this long after it went (its start hangs: a database it cannot reach) fails
 * the node's health check; before that it is only being replaced (server/cluster/node-health.ts).
 */
const RESTART_GRACE_MS = 60_000;

interface Slot {
  worker: Worker | null;
  ready: boolean;
  startedAt: number;
  /** When its last worker went (exited or lost its channel); 0 while none has. */
  downSince: number;
  /** Its worker's health questions (a new asker per worker: a dead one's answers never count). */
  asker: HealthAsker | null;
  /** Quick deaths in a row: each doubles the wait before the next start (a crash loop must not spin). */
  quickDeaths: number;
}

/** A short answer, then the socket is gone (never kept open for a client that does not read). */
function refuse(socket: Socket, status: number): void {
  if (socket.writable)
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * Stops the socket reading from the kernel: what the client sends next stays in the kernel's
 * buffer and travels with the socket to the worker. (Only pausing the stream would let Node
 * go on reading into this process, and the bytes would be lost with the handle.)
 */
function stopReading(socket: Socket): void {
  socket.pause();
  const handle = (socket as unknown as { _handle?: { readStop?: () => number; reading?: boolean } })
    ._handle;
  if (handle?.readStop) {
    handle.reading = false;
    handle.readStop();
  }
}

export async function startPrimary(o: PrimaryOptions): Promise<RunningPrimary> {
  const slots: Slot[] = Array.from({ length: o.workers }, () => ({
    worker: null,
    ready: false,
    startedAt: 0,
    downSince: 0,
    asker: null,
    quickDeaths: 0,
  }));
  const pick = picker(o.workers);
  const maxPending = o.maxPending ?? 10_000;
  const headTimeout = o.headTimeoutMs ?? HEAD_TIMEOUT_MS;
  // Revocations relayed so far, until their tokens would have expired (null: for good), replayed
  // to a replacement worker. Bounded: the oldest go first past the bound.
  const revocations = new Map<string, { event: ClusterEvent; until: number }>();
  let closing = false;
  // Sockets handed to a worker and not yet taken, by handoff id.
  const handoffs = new Map<
    number,
    { socket: Socket; worker: Worker; timer: NodeJS.Timeout; retry: () => void }
  >();
  let handoffId = 0;
  let pending = 0;
  const readyWaiters: Array<() => void> = [];
  let listening = false;
  let failure: Error | null = null;
  const startFailed = (e: Error) => {
    failure = e;
    closing = true;
    for (const s of slots) if (s.worker && !s.worker.isDead()) s.worker.process.kill('SIGTERM');
    readyWaiters.splice(0).forEach((f) => f());
  };

  /** False when the message could not leave (the worker is going). */
  const send = (w: Worker, m: ToWorker): boolean => {
    try {
      if (!w.isConnected()) return false;
      w.send(m, (e: Error | null) => e && o.log(`message to a worker lost: ${e.message}`));
      return true;
    } catch {
      // The worker is going; its replacement gets what it needs when it is ready.
      return false;
    }
  };

  const keep = (event: ClusterEvent) => {
    if (event.kind !== 'revoke') return;
    const now = Date.now();
    // Kept in revocation order, which is nearly expiry order: the expired ones are at the front.
    for (const [k, v] of revocations) {
      if (v.until > now) break;
      revocations.delete(k);
    }
    const r = event.revocation;
    revocations.set(`${r.auditId ?? ''}\u0000${r.appCredential ?? ''}`, {
      event,
      until: r.until ?? Infinity,
    });
    while (revocations.size > 200_000)
      revocations.delete(revocations.keys().next().value as string);
  };

  const relay = (event: ClusterEvent, from: Worker | null) => {
    keep(event);
    for (const s of slots)
      if (s.worker && s.worker !== from && s.ready) send(s.worker, { stacklab: 'event', event });
  };

  /** Each slot as the node's health check sees it now. */
  const slotHealth = (): SlotHealth[] =>
    slots.map((s, index): SlotHealth => {
      const asker = s.asker;
      if (s.ready && s.worker?.isConnected() === true && asker)
        return { index, state: 'ready', ask: () => asker.ask() };
      // Two quick deaths in a row are a crash loop; one may be an operator's kill of a young worker.
      if (s.quickDeaths >= 2)
        return {
          index,
          state: 'failing',
          error: `worker ${index} keeps exiting soon after it starts`,
        };
      if (Date.now() - s.downSince > RESTART_GRACE_MS)
        return {
          index,
          state: 'failing',
          error: `worker ${index} has not been ready for ${RESTART_GRACE_MS / 1000} s`,
        };
      return { index, state: 'restarting' };
    });
  const health = nodeHealth(slotHealth, { log: o.log });

  /** Answers a health check here, for the node, and closes the connection (it reaches no worker). */
  function answerHealth(socket: Socket, method: 'GET' | 'HEAD'): void {
    void health().then((h) => {
      if (socket.writable) socket.end(healthResponse(h, method));
      // Never kept open for a client that does not read its answer.
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  function start(index: number): void {
    if (closing) return;
    const slot = slots[index] as Slot;
    const worker = cluster.fork({ STACKLAB_WORKER_INDEX: String(index) });
    slot.worker = worker;
    slot.ready = false;
    slot.startedAt = Date.now();
    const asker = healthAsker(index, (m) => send(worker, m), o.healthTimeoutMs);
    slot.asker = asker;
    worker.on('message', (raw: unknown) => {
      const m = parseToPrimary(raw);
      if (!m) return;
      // Only this worker's asker: a worker cannot answer for another.
      if (m.stacklab === 'health') return asker.answer(m.id, m.health);
      if (m.stacklab === 'ready') {
        // What was revoked while it was away, before any connection (IPC keeps the order).
        for (const { event } of revocations.values()) send(worker, { stacklab: 'event', event });
        slot.ready = true;
        readyWaiters.splice(0).forEach((f) => f());
      } else if (m.stacklab === 'taken') settle(m.id, true);
      else relay(m.event, worker);
    });
    // An IPC error (the worker is going) must not take the primary down.
    worker.on('error', (e) => o.log(`worker ${index}: ${e.message}`));
    // Before 'exit': no connection goes to a worker whose channel is gone.
    worker.on('disconnect', () => {
      asker.drop();
      if (slot.worker !== worker) return;
      if (slot.ready) slot.downSince = Date.now();
      slot.ready = false;
    });
    worker.on('exit', (code, signal) => {
      asker.drop();
      for (const [id, h] of handoffs) if (h.worker === worker) settle(id, false);
      if (slot.worker !== worker) return;
      if (slot.ready) slot.downSince = Date.now();
      slot.worker = null;
      slot.ready = false;
      readyWaiters.splice(0).forEach((f) => f());
      if (closing) return;
      // Dying before the server ever served (bad configuration, unreadable data folder): stop and
      // say so, rather than restart it for ever.
      if (!listening) {
        startFailed(
          new Error(
            `STACKLAB_WORKERS: worker ${index} exited while starting (${signal ?? `code ${code}`}); its log says why`,
          ),
        );
        return;
      }
      const lived = Date.now() - slot.startedAt;
      slot.quickDeaths = lived < 10_000 ? slot.quickDeaths + 1 : 0;
      const wait = slot.quickDeaths === 0 ? 0 : Math.min(10_000, 250 * 2 ** slot.quickDeaths);
      o.log(
        `worker ${index} (pid ${worker.process.pid ?? '?'}) exited (${signal ?? `code ${code}`}); a new one starts${wait > 0 ? ` in ${wait} ms` : ''}`,
      );
      setTimeout(() => start(index), wait).unref();
    });
  }

  /**
   * Hands the socket to the worker of this index, else the next ready one (routing is only for
   * warmth). A worker that died a moment ago fails the send before the socket leaves this
   * process (its channel is closed): the next one is tried.
   */
  function hand(socket: Socket, head: Buffer, index: number, tries = 0): void {
    if (tries >= slots.length || socket.destroyed) return refuse(socket, 503);
    const slot = slots[(index + tries) % slots.length] as Slot;
    const w = slot.worker;
    const next = () => hand(socket, head, index, tries + 1);
    if (!w || !slot.ready || !w.isConnected()) return next();
    const id = (handoffId = (handoffId + 1) % Number.MAX_SAFE_INTEGER);
    const m: ToWorker = { stacklab: 'connection', id, head: head.toString('base64') };
    // Kept open here until the worker says it took the socket: a worker that dies first (its
    // channel closing a moment after) loses nothing; the socket goes to the next worker.
    const timer = setTimeout(() => settle(id, true), HANDOFF_TIMEOUT_MS);
    timer.unref();
    handoffs.set(id, { socket, worker: w, timer, retry: next });
    try {
      w.send(m, socket, { keepOpen: true }, (e: Error | null) => e && settle(id, false));
    } catch {
      settle(id, false);
    }
  }

  /** The worker took the socket (close this process's copy) or did not (the next worker gets it). */
  function settle(id: number, taken: boolean): void {
    const h = handoffs.get(id);
    if (!h) return;
    handoffs.delete(id);
    clearTimeout(h.timer);
    // Closing this copy of the descriptor ends nothing: the worker holds the connection now.
    if (taken) h.socket.destroy();
    else h.retry();
  }

  function accept(socket: Socket): void {
    socket.on('error', () => socket.destroy());
    if (closing || pending >= maxPending) {
      socket.destroy();
      return;
    }
    pending += 1;
    let chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return false;
      done = true;
      pending -= 1;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      return true;
    };
    const timer = setTimeout(() => finish() && refuse(socket, 408), headTimeout);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      chunks = [all];
      const end = headEnd(all);
      if (end < 0 && all.length < MAX_HEAD) return;
      if (end < 0 || end > MAX_HEAD) {
        if (finish()) refuse(socket, 431);
        return;
      }
      stopReading(socket);
      if (!finish()) return;
      const check = healthRequest(all);
      if (check) return answerHealth(socket, check);
      try {
        hand(socket, all, pick(learnerOfHead(all, o.keystoneLearner)));
      } catch (e) {
        // Never the primary's end: log it, drop this connection.
        o.log(`connection not handed to a worker: ${e instanceof Error ? e.message : String(e)}`);
        socket.destroy();
      }
    };
    socket.on('data', onData);
    socket.on('close', finish);
    socket.resume();
  }

  const server: Server = createServer({ pauseOnConnect: true }, accept);
  server.on('error', (e) => o.log(`listening socket: ${e.message}`));

  // Worker 0 first, alone: it creates what the data folder lacks (database tables, the LTI key)
  // before the others open the same files.
  start(0);
  await untilReady([0]);
  for (let i = 1; i < o.workers; i += 1) start(i);
  await untilReady(slots.map((_, i) => i));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, o.host, () => {
      server.off('error', fail);
      listening = true;
      ok();
    });
  });
  const address = server.address();

  function untilReady(indexes: number[]): Promise<void> {
    return new Promise((ok, fail) => {
      const check = () => {
        if (failure) fail(failure);
        else if (indexes.every((i) => slots[i]?.ready === true)) ok();
        else readyWaiters.push(check);
      };
      check();
    });
  }

  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    reloadLabs() {
      for (const s of slots)
        if (s.worker && s.ready) send(s.worker, { stacklab: 'event', event: { kind: 'reload' } });
    },
    close: () =>
      new Promise<void>((ok) => {
        closing = true;
        server.close();
        const alive = slots
          .map((s) => s.worker)
          .filter((w): w is Worker => w !== null && !w.isDead());
        if (alive.length === 0) return ok();
        let left = alive.length;
        const kill = setTimeout(
          () => alive.forEach((w) => w.isDead() || w.process.kill('SIGKILL')),
          10_000,
        );
        for (const w of alive) {
          w.once('exit', () => {
            left -= 1;
            if (left === 0) {
              clearTimeout(kill);
              ok();
            }
          });
          w.process.kill('SIGTERM');
        }
      }),
  };
}
