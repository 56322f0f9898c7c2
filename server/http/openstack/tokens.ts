/**
 * Keystone's tokens, in memory: random (crypto), expiring (keystone's default hour), revocable,
 * and bounded in number per learner and in all. A token names one learner's workspace: every
 * service (keystone.ts, neutron.ts, …) asks `tokenContext` and opens nothing else. Tokens do not
 * survive a restart, as Fernet tokens do not survive a key rotation: clients log in again.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { WorkspaceRef } from '../../workspace/index.js';

export interface TokenContext {
  learner: string;
  workspace: WorkspaceRef;
  /** When the token stops being valid (ms since the epoch). */
  expiresAt: number;
  /**
   * The access rules of the application credential the token was made from, when it has any:
   * the only calls the services accept with it (`accessRulesPermit`).
   */
  accessRules?: AccessRule[];
}

/** An application credential's access rule: a service type, a method and a path pattern. */
export interface AccessRule {
  id: string;
  service: string;
  method: string;
  path: string;
}

/** A token as keystone reports it back (GET /v3/auth/tokens): its context and when it was issued. */
export interface IssuedToken extends TokenContext {
  issuedAt: number;
  /** Keystone's audit id: names the token in logs without being the token. */
  auditId: string;
  /** How the client authenticated (keystone's `methods`): `password` or `application_credential`. */
  methods: string[];
  /** The application credential the token was made from, if any: it bounds the token's roles and life. */
  appCredential?: TokenAppCredential;
}

/** What a token made from an application credential carries of it (keystone's token `application_credential`). */
export interface TokenAppCredential {
  id: string;
  name: string;
  unrestricted: boolean;
  roles: Array<{ id: string; name: string }>;
  accessRules: AccessRule[] | null;
}

/** How a token is issued: by default a password token living the store's TTL. */
export interface IssueOptions {
  methods?: string[];
  appCredential?: TokenAppCredential;
  /** A time the token may not outlive (an application credential's expiry). */
  notAfter?: number | null;
}

export interface TokenStore {
  /** A new token for this learner's workspace, valid from `now`. */
  issue(
    learner: string,
    workspace: WorkspaceRef,
    now: number,
    opts?: IssueOptions,
  ): { token: string; issued: IssuedToken };
  /** The token's record while valid at `now` (unexpired, unrevoked), else null. */
  lookup(token: string, now: number): IssuedToken | null;
  /** Revokes a token; false when it was not valid at `now`. */
  revoke(token: string, now: number): boolean;
  /** Revokes every token made from an application credential (it was deleted); how many went. */
  revokeAppCredential(id: string): number;
  /**
   * Whether this store issued the token (valid or not any more): keystone tells a token it cannot
   * decrypt ("Could not recognize Fernet token", 400) from an expired or revoked one (404).
   */
  recognizes(token: string): boolean;
  /** How many tokens are kept (valid or not yet swept). */
  size(): number;
}

export interface TokenLimits {
  /** How long a token lives (ms); keystone's `[token] expiration` default is 3600 s. */
  ttlMs: number;
  /** Tokens one learner may hold at once; issuing one more drops their oldest (each `openstack` command logs in anew). */
  perLearner: number;
  /** Tokens kept in all; past it the oldest go first. */
  total: number;
}

export const DEFAULT_TOKEN_LIMITS: TokenLimits = {
  ttlMs: 3600_000,
  perLearner: 200,
  total: 200_000,
};

/**
 * A new token id, shaped as keystone's Fernet tokens are (base64url of a 0x80 version byte, the
 * issue time in seconds, then an IV, ciphertext and HMAC), so clients print ids of the usual
 * length: nine bytes of header, 112 random bytes, and 32 bytes of HMAC under the store's own key,
 * by which the store recognizes its tokens after it has forgotten them (expired, revoked), as
 * keystone decrypts an expired Fernet token; nothing is ever decrypted from it.
 */
function newTokenId(now: number, key: Buffer): string {
  const head = Buffer.alloc(9);
  head[0] = 0x80;
  head.writeBigUInt64BE(BigInt(Math.floor(now / 1000)), 1);
  const body = Buffer.concat([head, randomBytes(112)]);
  return Buffer.concat([body, createHmac('sha256', key).update(body).digest()]).toString(
    'base64url',
  );
}

/** Whether a token id carries this key's HMAC (then this store issued it). */
function signedWith(token: string, key: Buffer): boolean {
  if (token.length !== 204 || !/^[A-Za-z0-9_-]+$/.test(token)) return false;
  const raw = Buffer.from(token, 'base64url');
  const body = raw.subarray(0, raw.length - 32);
  return timingSafeEqual(
    raw.subarray(raw.length - 32),
    createHmac('sha256', key).update(body).digest(),
  );
}

/** The key a token is kept under: its hash, so the map never holds a usable token. */
const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');

export function tokenStore(limits: Partial<TokenLimits> = {}): TokenStore {
  const { ttlMs, perLearner, total } = { ...DEFAULT_TOKEN_LIMITS, ...limits };
  // This process's signing key: tokens do not survive a restart (clients log in again), as Fernet tokens a key rotation.
  const signing = randomBytes(32);
  // Insertion order is issue order, and tokens live the TTL (or less, bounded by an application
  // credential's expiry): sweeping from the oldest finds nearly all expired ones; lookups check expiry anyway.
  const byKey = new Map<string, IssuedToken>();
  const ofLearner = new Map<string, Set<string>>();
  const drop = (key: string) => {
    const t = byKey.get(key);
    if (!t) return;
    byKey.delete(key);
    const mine = ofLearner.get(t.learner);
    mine?.delete(key);
    if (mine?.size === 0) ofLearner.delete(t.learner);
  };
  const sweep = (now: number) => {
    for (const [key, t] of byKey) {
      if (t.expiresAt > now && byKey.size < total) break;
      drop(key);
    }
  };
  const valid = (key: string, now: number) => {
    const t = byKey.get(key);
    return t && t.expiresAt > now ? t : null;
  };
  return {
    issue(learner, workspace, now, opts = {}) {
      sweep(now);
      const mine = ofLearner.get(learner) ?? new Set<string>();
      // A Set keeps insertion order: its first key is the learner's oldest token.
      while (mine.size >= perLearner) drop(mine.values().next().value as string);
      ofLearner.set(learner, mine);
      const token = newTokenId(now, signing);
      const issued: IssuedToken = {
        learner,
        workspace,
        issuedAt: now,
        expiresAt: Math.min(now + ttlMs, opts.notAfter ?? Infinity),
        auditId: randomBytes(16).toString('base64url').slice(0, 22),
        methods: opts.methods ?? ['password'],
        ...(opts.appCredential ? { appCredential: opts.appCredential } : {}),
      };
      byKey.set(keyOf(token), issued);
      mine.add(keyOf(token));
      return { token, issued };
    },
    lookup: (token, now) => valid(keyOf(token), now),
    revoke(token, now) {
      const key = keyOf(token);
      if (!valid(key, now)) return false;
      drop(key);
      return true;
    },
    revokeAppCredential(id) {
      const gone = [...byKey].filter(([, t]) => t.appCredential?.id === id).map(([key]) => key);
      gone.forEach(drop);
      return gone.length;
    },
    recognizes: (token) => signedWith(token, signing),
    size: () => byKey.size,
  };
}

/** The context of a valid, unexpired, unrevoked token (X-Auth-Token), or null. */
export function tokenContext(tokens: TokenStore, token: string, now: number): TokenContext | null {
  const t = token === '' ? null : tokens.lookup(token, now);
  if (!t) return null;
  const rules = t.appCredential?.accessRules;
  return {
    learner: t.learner,
    workspace: t.workspace,
    expiresAt: t.expiresAt,
    ...(rules && rules.length > 0 ? { accessRules: rules } : {}),
  };
}

/**
 * A path pattern of an access rule as keystonemiddleware reads it: `*` and `{name}` stand for one
 * path segment, `**` for any number of them, anything else for itself.
 */
function patternOf(path: string): RegExp {
  let re = '';
  for (const m of path.matchAll(/(\{[^}]*\})|(\*\*)|(\*)|([^{}*])/g)) {
    if (m[1] !== undefined || m[3] !== undefined) re += '[^/]+';
    else if (m[2] !== undefined) re += '.*';
    else re += (m[4] ?? '').replace(/[.+?^$()[\]|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Whether a token may make this call, as keystonemiddleware checks an application credential's
 * access rules (the service's catalog type, the method, the path under the service's endpoint);
 * a token without access rules may make any. Services answer a refused call with their 401.
 */
export function accessRulesPermit(
  ctx: TokenContext,
  service: string,
  method: string,
  path: string,
): boolean {
  if (!ctx.accessRules) return true;
  return ctx.accessRules.some(
    (r) => r.service === service && r.method === method && patternOf(r.path).test(path),
  );
}
