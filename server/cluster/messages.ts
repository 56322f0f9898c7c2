/**
 * What the cluster's processes tell each other over IPC, checked where it arrives (a message is
 * `unknown` until parsed). Workers hear connections, relayed events and health questions from the
 * primary; the primary hears a worker's readiness, its health answers and the events it asks to be
 * relayed to the others.
 */
import type { Health } from '../http/health.js';
import type { Revocation } from '../http/openstack/tokens.js';

/** Something every worker must hear: the labs were read again, a Keystone token was revoked. */
export type ClusterEvent = { kind: 'reload' } | { kind: 'revoke'; revocation: Revocation };

/** Primary → worker. `head`: the bytes the primary read (base64), to be read again by the worker. */
export type ToWorker =
  | { stacklab: 'connection'; id: number; head: string }
  | { stacklab: 'event'; event: ClusterEvent }
  /** Question `id`: does this worker's own health check pass now (server/http/health.ts)? */
  | { stacklab: 'health'; id: number };

/** Worker → primary. */
export type ToPrimary =
  | { stacklab: 'ready' }
  /** The worker took handed connection `id` (the primary closes its copy). */
  | { stacklab: 'taken'; id: number }
  | { stacklab: 'broadcast'; event: ClusterEvent }
  /** The answer to health question `id`. */
  | { stacklab: 'health'; id: number; health: Health };

/**
 * The longest failure words a worker's health answer may carry: the node's answer repeats them
 * to the load balancer, so anything longer (or with control characters) is not a health answer.
 */
export const MAX_HEALTH_WORDS = 300;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Question ids are counters: a non-negative safe integer. */
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function parseHealth(v: unknown): Health | null {
  if (!isObj(v)) return null;
  if (v['ok'] === true) return { ok: true };
  const error = v['error'];
  if (v['ok'] !== false || typeof error !== 'string') return null;
  // Printable words for people: no C0, DEL or C1 control characters (they would reach logs and terminals).
  return error.length > 0 &&
    error.length <= MAX_HEALTH_WORDS &&
    !/[\u0000-\u001f\u007f-\u009f]/.test(error)
    ? { ok: false, error }
    : null;
}

/** A worker's own answer as the primary accepts it: failure words made printable and bounded. */
export function sendableHealth(h: Health): Health {
  if (h.ok) return h;
  const error = h.error.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, MAX_HEALTH_WORDS);
  return { ok: false, error: error.trim() === '' ? 'the health check failed' : error };
}

function parseEvent(v: unknown): ClusterEvent | null {
  if (!isObj(v)) return null;
  if (v['kind'] === 'reload') return { kind: 'reload' };
  if (v['kind'] !== 'revoke' || !isObj(v['revocation'])) return null;
  const r = v['revocation'];
  const until = r['until'];
  const revocation: Revocation = { until: typeof until === 'number' ? until : null };
  if (typeof r['auditId'] === 'string') revocation.auditId = r['auditId'];
  if (typeof r['appCredential'] === 'string') revocation.appCredential = r['appCredential'];
  return revocation.auditId === undefined && revocation.appCredential === undefined
    ? null
    : { kind: 'revoke', revocation };
}

/** A message from the primary, or null (not ours: other IPC users, a malformed one). */
export function parseToWorker(v: unknown): ToWorker | null {
  if (!isObj(v)) return null;
  if (
    v['stacklab'] === 'connection' &&
    typeof v['head'] === 'string' &&
    typeof v['id'] === 'number'
  )
    return { stacklab: 'connection', id: v['id'], head: v['head'] };
  if (v['stacklab'] === 'event') {
    const event = parseEvent(v['event']);
    return event ? { stacklab: 'event', event } : null;
  }
  if (v['stacklab'] === 'health' && isId(v['id'])) return { stacklab: 'health', id: v['id'] };
  return null;
}

/** A message from a worker, or null. */
export function parseToPrimary(v: unknown): ToPrimary | null {
  if (!isObj(v)) return null;
  if (v['stacklab'] === 'ready') return { stacklab: 'ready' };
  if (v['stacklab'] === 'taken' && typeof v['id'] === 'number')
    return { stacklab: 'taken', id: v['id'] };
  if (v['stacklab'] === 'broadcast') {
    const event = parseEvent(v['event']);
    return event ? { stacklab: 'broadcast', event } : null;
  }
  if (v['stacklab'] === 'health' && isId(v['id'])) {
    const health = parseHealth(v['health']);
    return health ? { stacklab: 'health', id: v['id'], health } : null;
  }
  return null;
}
