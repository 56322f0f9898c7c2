/**
 * Sticky routing: which worker a connection goes to, from its first request head only. The
 * learner is found as the server finds them (server/http/learners.ts): the launch's session token
 * (X-Stacklab-Session, or `session=` on a WebSocket upgrade), else the learner cookie, else a
 * Keystone token (X-Auth-Token, self-describing: server/http/openstack/tokens.ts). Nothing here
 * is trusted: a forged cookie only picks a worker, which then refuses it as any worker would.
 * Correctness never depends on routing; stickiness only keeps a learner's workspace warm in one
 * process's memory.
 */
import { COOKIE } from '../http/learners.js';
import { SESSION_HEADER } from '../http/session-token.js';

/** The first request head is read up to this many bytes; a longer one is refused (431). */
export const MAX_HEAD = 16 * 1024;
/** … and for this long; a slower one is refused (408). */
export const HEAD_TIMEOUT_MS = 5000;

/** Where the head ends (the index after the blank line), or -1 while it has not ended. */
export function headEnd(buf: Buffer): number {
  const i = buf.indexOf('\r\n\r\n', 0, 'latin1');
  return i < 0 ? -1 : i + 4;
}

/** A stable 32-bit hash (FNV-1a) of a learner id: the same learner, the same worker, in every run. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i += 1) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const LEARNER = /^[A-Za-z0-9_-]{1,64}$/;

/** The learner a launch session token (`v1.LEARNER.EXPIRY.MAC`) names, unchecked. */
function sessionLearner(token: string): string | null {
  const parts = token.split('.');
  return parts.length === 4 && parts[0] === 'v1' && LEARNER.test(parts[1] ?? '')
    ? (parts[1] as string)
    : null;
}

/** The learner id of a learner cookie (`ID.MAC`), unchecked. */
function cookieLearner(header: string): string | null {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    const dot = value.lastIndexOf('.');
    const id = dot > 0 ? value.slice(0, dot) : '';
    return LEARNER.test(id) ? id : null;
  }
  return null;
}

/**
 * The learner a request head is for, or null (a new visitor, a password login, not HTTP at all).
 * `keystoneLearner` reads a Keystone token's learner. Total: any bytes give an answer.
 */
export function learnerOfHead(
  head: Buffer,
  keystoneLearner: (token: string) => string | null,
): string | null {
  const lines = head.toString('latin1').split('\r\n');
  const target = (lines[0] ?? '').split(' ')[1] ?? '';
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // Several cookie lines are one list; for the others the first one counts.
    const value = line.slice(colon + 1).trim();
    if (name === 'cookie' && headers.has(name))
      headers.set(name, `${headers.get(name) ?? ''}; ${value}`);
    else if (!headers.has(name)) headers.set(name, value);
  }
  const session = headers.get(SESSION_HEADER);
  if (session !== undefined) return sessionLearner(session);
  if ((headers.get('upgrade') ?? '').toLowerCase() === 'websocket') {
    const q = target.indexOf('?');
    if (q >= 0) {
      let param: string | null = null;
      try {
        param = new URLSearchParams(target.slice(q + 1)).get('session');
      } catch {
        param = null;
      }
      if (param !== null) return sessionLearner(param);
    }
  }
  const cookie = headers.get('cookie');
  const fromCookie = cookie !== undefined ? cookieLearner(cookie) : null;
  if (fromCookie) return fromCookie;
  const token = headers.get('x-auth-token');
  return token !== undefined && token !== '' ? keystoneLearner(token) : null;
}

/**
 * Picks workers: a learner's hash modulo the count (the same index after a worker is replaced);
 * anyone else in turn.
 */
export function picker(count: number): (learner: string | null) => number {
  let next = 0;
  return (learner) => {
    if (learner !== null) return fnv1a(learner) % count;
    next = (next + 1) % count;
    return next;
  };
}
