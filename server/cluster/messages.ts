/**
 * What the cluster's processes tell each other over IPC, checked where it arrives (a message is
 * `unknown` until parsed). Workers hear connections and relayed events from the primary; the
 * primary hears a worker's readiness and the events it asks to be relayed to the others.
 */
import type { Revocation } from '../http/openstack/tokens.js';

/** Something every worker must hear: the labs were read again, a Keystone token was revoked. */
export type ClusterEvent = { kind: 'reload' } | { kind: 'revoke'; revocation: Revocation };

/** Primary → worker. `head`: the bytes the primary read (base64), to be read again by the worker. */
export type ToWorker =
  { stacklab: 'connection'; id: number; head: string } | { stacklab: 'event'; event: ClusterEvent };

/** Worker → primary. */
export type ToPrimary =
  | { stacklab: 'ready' }
  /** The worker took handed connection `id` (the primary closes its copy). */
  | { stacklab: 'taken'; id: number }
  | { stacklab: 'broadcast'; event: ClusterEvent };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

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
  return null;
}
