/**
 * `GET /healthz` for a node of several workers, answered by the primary: the node is healthy only
 * when every worker that takes learners passes its own check (server/http/health.ts). Answering
 * from whichever worker a check reached would let a load balancer see 200 and 503 by turns, and
 * keep a node one of whose workers fails every learner it serves.
 */
import { sharedRounds, type Health } from '../http/health.js';
import type { ToWorker } from './messages.js';

/**
 * How long a worker has to answer. Its own check answers within 1,000 ms whatever its store does
 * (health.ts), so its own words arrive within this bound; a worker past it is stuck itself (its
 * event loop, or the process stopped). Below HAProxy's 2 s check interval (deploy/haproxy.cfg).
 */
export const WORKER_HEALTH_TIMEOUT_MS = 1500;

/** Questions to one worker over IPC, matched to its answers by id. */
export interface HealthAsker {
  /**
   * Resolves within the bound with the worker's answer, or a failure saying it did not answer;
   * null when the worker went (exited, lost its channel) before answering: it is being replaced.
   */
  ask(): Promise<Health | null>;
  /** The worker answered question `id`. An id not asked, or already settled, is ignored. */
  answer(id: number, health: Health): void;
  /** The worker is gone: its open questions end now (null) rather than at the bound. */
  drop(): void;
}

/**
 * An asker for worker `index`. `send` returns false when the question could not be sent (the
 * channel is closing). A worker's failure words are kept and prefixed with its index, so the
 * operator reading the load balancer's log knows which process to look at.
 */
export function healthAsker(
  index: number,
  send: (m: ToWorker) => boolean,
  timeoutMs = WORKER_HEALTH_TIMEOUT_MS,
): HealthAsker {
  const open = new Map<number, { settle: (h: Health | null) => void; timer: NodeJS.Timeout }>();
  let next = 0;
  const settle = (id: number, h: Health | null) => {
    const q = open.get(id);
    if (!q) return;
    open.delete(id);
    clearTimeout(q.timer);
    q.settle(h);
  };
  return {
    ask() {
      const id = (next = (next + 1) % Number.MAX_SAFE_INTEGER);
      return new Promise<Health | null>((ok) => {
        const timer = setTimeout(
          () =>
            settle(id, {
              ok: false,
              error: `worker ${index} did not answer within ${timeoutMs} ms`,
            }),
          timeoutMs,
        );
        timer.unref();
        open.set(id, { settle: ok, timer });
        // Not sent: the channel is closing, the worker is going.
        if (!send({ stacklab: 'health', id })) settle(id, null);
      });
    },
    answer(id, health) {
      settle(id, health.ok ? health : { ok: false, error: `worker ${index}: ${health.error}` });
    },
    drop() {
      for (const id of [...open.keys()]) settle(id, null);
    },
  };
}

/**
 * One worker slot as the node's answer sees it: a ready worker is asked; one being started again
 * is left out (see nodeHealth); one the primary has given up waiting for fails the node.
 */
export type SlotHealth =
  | { index: number; state: 'ready'; ask: () => Promise<Health | null> }
  | { index: number; state: 'restarting' }
  | { index: number; state: 'failing'; error: string };

export interface NodeHealthOptions {
  /** An answer is reused for this long after its round ended. Default 250 ms (as health.ts). */
  freshMs?: number;
  now?: () => number;
  /** Told when the answer changes (healthy to failing and back), not on every check. */
  log?: (message: string) => void;
}

/**
 * The node's check over its slots, cheap however often it is asked (health.ts `sharedRounds`): one
 * round of questions at a time, every check made meanwhile sharing it, its answer reused for
 * `freshMs`, so a flood of checks is a few IPC rounds a second.
 *
 * A worker being started again (after it died, or dying while asked) does not fail the node: its
 * learners go to the next worker meanwhile (primary.ts `hand`), and a 503 would make the load
 * balancer move every learner of the node away for a restart of one process that takes seconds. A
 * worker that keeps dying soon after it starts, or is not ready for a long time, does fail it (the
 * primary says so: 'failing'). With no worker ready at all, the node fails: nobody would serve.
 */
export function nodeHealth(
  slots: () => SlotHealth[],
  opts: NodeHealthOptions = {},
): () => Promise<Health> {
  const round = async (): Promise<Health> => {
    const answers = await Promise.all(
      slots().map((s): Promise<Health | null> | Health | null => {
        if (s.state === 'failing') return { ok: false, error: s.error };
        if (s.state === 'restarting') return null;
        // An ask that throws is a failing worker, never a rejected round.
        return Promise.resolve()
          .then(s.ask)
          .catch((): Health => ({ ok: false, error: `worker ${s.index} could not be asked` }));
      }),
    );
    const failed = answers.find((h): h is { ok: false; error: string } => h !== null && !h.ok);
    if (failed) return failed;
    return answers.some((h) => h !== null)
      ? { ok: true }
      : { ok: false, error: 'no worker is ready to take learners' };
  };
  return sharedRounds(
    () => {
      const answer = round();
      return { answer, ended: answer };
    },
    {
      freshMs: opts.freshMs ?? 250,
      // Every ask is bounded (healthAsker), so a round always ends: none is ever given up on.
      abandonMs: Infinity,
      now: opts.now ?? Date.now,
      log: opts.log,
      words: {
        failing: 'node health check failing',
        again: 'node health check: every worker passes again',
        unexpected: 'the node health check failed unexpectedly',
      },
    },
  );
}

/**
 * Whether a request head asks for the health check: `GET` or `HEAD` of `/healthz` (any query).
 * The method, or null for anything else (that goes to a worker as before).
 */
export function healthRequest(head: Buffer): 'GET' | 'HEAD' | null {
  const end = head.indexOf('\r\n', 0, 'latin1');
  const line = head.toString('latin1', 0, end < 0 ? head.length : end);
  const m = /^(GET|HEAD) \/healthz(?:\?[^ ]*)? HTTP\/1\.[01]$/.exec(line);
  return m ? (m[1] as 'GET' | 'HEAD') : null;
}

/** The whole HTTP answer to a health check, as a worker's /healthz gives it; the connection then closes. */
export function healthResponse(h: Health, method: 'GET' | 'HEAD'): string {
  const body = JSON.stringify(h);
  const status = h.ok ? '200 OK' : '503 Service Unavailable';
  return [
    `HTTP/1.1 ${status}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    '',
    method === 'HEAD' ? '' : body,
  ].join('\r\n');
}
