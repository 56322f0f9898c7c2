/**
 * The HTTP side of LTI Assignment and Grade Services 2.0: an access token from the platform's
 * token endpoint (OAuth 2 client credentials with a signed JWT assertion), then one score POSTed
 * to `{lineitem}/scores`. Every call carries Stacklab's User-Agent, has a deadline, and reads at
 * most a few kilobytes of the answer, so a slow or hostile platform cannot hold the server.
 * The outcome is classified for the outbox (server/lti/scores.ts) to decide when to try again.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { TOOL_ALG, type ToolKey } from './keys.js';

/** The AGS scope that lets a tool post scores (in the launch's claim, and asked for in the token request). */
export const SCORE_SCOPE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';
/** The media type of a score (AGS 2.0 §3.4). */
export const SCORE_MEDIA_TYPE = 'application/vnd.ims.lis.v1.score+json';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Sent on every call, so a platform's administrator can tell Stacklab's requests in their logs. */
export const USER_AGENT = `Stacklab/${packageVersion()} (+LTI 1.3)`;

/** A score as AGS 2.0 defines it (the fields Stacklab sends). */
export interface ScoreBody {
  userId: string;
  /** Absent together with scoreMaximum when the lab has no points. */
  scoreGiven?: number;
  scoreMaximum?: number;
  activityProgress: 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress: 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';
  /** ISO 8601 with milliseconds: platforms refuse a score older than the one they hold. */
  timestamp: string;
}

/** Where a score goes. */
export interface ScoreTarget {
  tokenUrl: string;
  clientId: string;
  lineitem: string;
}

/**
 * What came of one attempt:
 * - `sent`: the platform took it (2xx);
 * - `retry`: the platform is down or slow (5xx, network error, timeout): try again later;
 * - `auth`: the score endpoint refused a fresh token too (401 twice);
 * - `rate`: 429, `retryAfterMs` when the platform said how long;
 * - `conflict`: 409, the platform holds a score with a timestamp not before this one's;
 * - `refused`: another 4xx, a redirect, or a malformed token answer: a misconfiguration to fix.
 */
export type Outcome =
  | { kind: 'sent'; status: number }
  | { kind: 'retry' | 'auth' | 'refused' | 'conflict'; status?: number; error: string }
  | { kind: 'rate'; status: number; retryAfterMs: number | null; error: string };

export interface AgsClientOptions {
  key: ToolKey;
  /** ms since the epoch (token lifetimes, assertion iat/exp). */
  now: () => number;
  /** Deadline of each call, answer included; default 10 s. */
  timeoutMs?: number;
  /** Aborts calls in flight (the server closing). */
  signal?: AbortSignal;
}

export interface AgsClient {
  /** Posts one score, getting (or reusing) an access token first. Never throws. */
  postScore(target: ScoreTarget, score: ScoreBody): Promise<Outcome>;
  /** Forgets every cached token. */
  clearTokens(): void;
}

/** The most of an answer read: a token answer is a few hundred bytes; anything past this is not one. */
const MAX_TOKEN_ANSWER = 16 * 1024;
/** The most of an error answer kept (for the log). */
const MAX_ERROR_ANSWER = 2 * 1024;
/** A token is not used in its last minute (or last tenth of its life, when shorter), so it cannot expire in flight. */
const TOKEN_MARGIN_MS = 60_000;
/** Assertions live 5 minutes: long enough for clock skew, short enough to be useless if leaked. */
const ASSERTION_LIFETIME_S = 300;

/** `{lineitem}/scores`: the path segment goes before any query string (Moodle's line items carry `?type_id=`). */
export function scoresUrl(lineitem: string): string {
  const u = new URL(lineitem);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/scores`;
  u.hash = '';
  return u.toString();
}

/** The signed JWT that authenticates Stacklab at the token endpoint (RFC 7523, as LTI 1.3 Security §4.1 asks). */
export async function clientAssertion(
  key: ToolKey,
  clientId: string,
  tokenUrl: string,
  nowMs: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: TOOL_ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(tokenUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_S)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

/** Reads at most `max` bytes of an answer's body; `over` when there was more (the rest is not read). */
async function readBounded(res: Response, max: number): Promise<{ text: string; over: boolean }> {
  if (!res.body) return { text: '', over: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > max) {
        chunks.push(value.subarray(0, max - size));
        await reader.cancel().catch(() => undefined);
        return { text: Buffer.concat(chunks).toString('utf8'), over: true };
      }
      size += value.byteLength;
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return { text: Buffer.concat(chunks).toString('utf8'), over: false };
}

/** Drops an answer's body unread (a success needs nothing from it). */
const discard = (res: Response) => res.body?.cancel().catch(() => undefined);

/** A one-line excerpt of an error answer for the log. */
async function excerpt(res: Response): Promise<string> {
  const { text, over } = await readBounded(res, MAX_ERROR_ANSWER).catch(() => ({
    text: '',
    over: false,
  }));
  const line = text.replace(/\s+/g, ' ').trim().slice(0, 300);
  return line ? `: ${line}${over ? '…' : ''}` : '';
}

/** Retry-After as ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

const describe = (e: unknown): string => {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError') return 'no answer in time';
    const cause = (e as { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
  }
  return String(e);
};

/** A status that is not 2xx, classified; `what` names the endpoint for the message. */
async function failure(
  res: Response,
  what: string,
  nowMs: number,
): Promise<Exclude<Outcome, { kind: 'sent' }>> {
  const error = `${what} answered ${res.status}${await excerpt(res)}`;
  const status = res.status;
  if (status === 429)
    return {
      kind: 'rate',
      status,
      retryAfterMs: retryAfterMs(res.headers.get('retry-after'), nowMs),
      error,
    };
  if (status >= 500) return { kind: 'retry', status, error };
  if (status === 409) return { kind: 'conflict', status, error };
  if (status >= 300 && status < 400) {
    return {
      kind: 'refused',
      status,
      error: `${what} answered ${status} (a redirect to ${res.headers.get('location') ?? 'nowhere'}): register its final URL`,
    };
  }
  return { kind: status === 401 ? 'auth' : 'refused', status, error };
}

interface Token {
  value: string;
  /** ms since the epoch after which it is not used. */
  until: number;
}

type TokenAnswer = { token: Token } | { failed: Exclude<Outcome, { kind: 'sent' }> };

/** Parses a token endpoint's JSON answer (RFC 6749 §5.1). */
function parseToken(text: string, nowMs: number): Token | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'the token endpoint answered something that is not JSON';
  }
  const b = (body ?? {}) as { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
  if (typeof b.access_token !== 'string' || !/^[\x21-\x7e]+$/.test(b.access_token))
    return 'the token endpoint answered no usable access_token';
  if (typeof b.token_type === 'string' && b.token_type.toLowerCase() !== 'bearer')
    return `the token endpoint answered a ${b.token_type} token, not a bearer token`;
  // expires_in is RECOMMENDED only: without it, assume an hour (what Moodle and Canvas give).
  const lifeMs =
    (typeof b.expires_in === 'number' && b.expires_in > 0 ? b.expires_in : 3600) * 1000;
  return { value: b.access_token, until: nowMs + lifeMs - Math.min(TOKEN_MARGIN_MS, lifeMs / 10) };
}

export function agsClient(opts: AgsClientOptions): AgsClient {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const tokens = new Map<string, Token>();
  const tokenKey = (t: ScoreTarget) => `${t.tokenUrl}\u0000${t.clientId}`;
  const signal = () =>
    opts.signal
      ? AbortSignal.any([opts.signal, AbortSignal.timeout(timeoutMs)])
      : AbortSignal.timeout(timeoutMs);

  async function requestToken(t: ScoreTarget): Promise<TokenAnswer> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(opts.key, t.clientId, t.tokenUrl, opts.now()),
      scope: SCORE_SCOPE,
    });
    const res = await fetch(t.tokenUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
        'User-Agent': USER_AGENT,
      },
      body: form.toString(),
      redirect: 'manual',
      signal: signal(),
    });
    if (res.status < 200 || res.status >= 300) {
      const f = await failure(res, 'the token endpoint', opts.now());
      // A 401 here is the platform refusing Stacklab's key or client id: a misconfiguration, not a stale token.
      return { failed: f.kind === 'auth' ? { ...f, kind: 'refused' } : f };
    }
    const { text, over } = await readBounded(res, MAX_TOKEN_ANSWER);
    if (over)
      return {
        failed: {
          kind: 'refused',
          status: res.status,
          error: `the token endpoint answered more than ${MAX_TOKEN_ANSWER} bytes`,
        },
      };
    const token = parseToken(text, opts.now());
    return typeof token === 'string'
      ? { failed: { kind: 'refused', status: res.status, error: token } }
      : { token };
  }

  async function tokenFor(t: ScoreTarget): Promise<TokenAnswer> {
    const cached = tokens.get(tokenKey(t));
    if (cached && cached.until > opts.now()) return { token: cached };
    tokens.delete(tokenKey(t));
    const answer = await requestToken(t);
    if ('token' in answer) tokens.set(tokenKey(t), answer.token);
    return answer;
  }

  async function post(t: ScoreTarget, score: ScoreBody, token: Token): Promise<Outcome> {
    const res = await fetch(scoresUrl(t.lineitem), {
      method: 'POST',
      headers: {
        'Content-Type': SCORE_MEDIA_TYPE,
        Authorization: `Bearer ${token.value}`,
        'User-Agent': USER_AGENT,
      },
      body: JSON.stringify(score),
      redirect: 'manual',
      signal: signal(),
    });
    if (res.status >= 200 && res.status < 300) {
      await discard(res);
      return { kind: 'sent', status: res.status };
    }
    return failure(res, 'the score endpoint', opts.now());
  }

  async function attempt(t: ScoreTarget, score: ScoreBody): Promise<Outcome> {
    for (let tries = 0; ; tries++) {
      const answer = await tokenFor(t);
      if ('failed' in answer) return answer.failed;
      const outcome = await post(t, score, answer.token);
      // A 401 means the token was revoked or expired early: forget it and try once more with a fresh one.
      if (outcome.kind !== 'auth') return outcome;
      tokens.delete(tokenKey(t));
      if (tries >= 1) return outcome;
    }
  }

  return {
    async postScore(t, score) {
      try {
        return await attempt(t, score);
      } catch (e) {
        // fetch rejects on network errors, timeouts and aborts; a malformed URL is a misconfiguration.
        if (e instanceof TypeError && /invalid url|failed to parse url/i.test(e.message))
          return { kind: 'refused', error: `not a URL: ${e.message}` };
        return { kind: 'retry', error: describe(e) };
      }
    },
    clearTokens: () => tokens.clear(),
  };
}
