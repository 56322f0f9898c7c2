/**
 * Keystone's tokens, in memory: random (crypto), expiring (keystone's default hour), revocable,
 * and bounded in number per learner and in all. A token names one learner's workspace: every
 * service (keystone.ts, neutron.ts, …) asks `tokenContext` and opens nothing else. Tokens do not
 * survive a restart, as Fernet tokens do not survive a key rotation: clients log in again.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { WorkspaceRef } from '../../workspace/index.js';

export interface TokenContext {
  learner: string;
  workspace: WorkspaceRef;
  /** When the token stops being valid (ms since the epoch). */
  expiresAt: number;
}

/** A token as keystone reports it back (GET /v3/auth/tokens): its context and when it was issued. */
export interface IssuedToken extends TokenContext {
  issuedAt: number;
  /** Keystone's audit id: names the token in logs without being the token. */
  auditId: string;
}

export interface TokenStore {
  /** A new token for this learner's workspace, valid from `now`. */
  issue(learner: string, workspace: WorkspaceRef, now: number): { token: string; issued: IssuedToken };
  /** The token's record while valid at `now` (unexpired, unrevoked), else null. */
  lookup(token: string, now: number): IssuedToken | null;
  /** Revokes a token; false when it was not valid at `now`. */
  revoke(token: string, now: number): boolean;
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

export const DEFAULT_TOKEN_LIMITS: TokenLimits = { ttlMs: 3600_000, perLearner: 200, total: 200_000 };

/**
 * A new token id, shaped as keystone's Fernet tokens are (base64url of a 0x80 version byte, the
 * issue time in seconds, then an IV, ciphertext and HMAC), so clients print ids of the usual
 * length; all but the first nine bytes are random, and nothing is ever decrypted from it.
 */
function newTokenId(now: number): string {
  const head = Buffer.alloc(9);
  head[0] = 0x80;
  head.writeBigUInt64BE(BigInt(Math.floor(now / 1000)), 1);
  return Buffer.concat([head, randomBytes(144)]).toString('base64url');
}

/** The key a token is kept under: its hash, so the map never holds a usable token. */
const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');

export function tokenStore(limits: Partial<TokenLimits> = {}): TokenStore {
  const { ttlMs, perLearner, total } = { ...DEFAULT_TOKEN_LIMITS, ...limits };
  // Insertion order is issue order, and every token lives as long: the oldest expire first.
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
    issue(learner, workspace, now) {
      sweep(now);
      const mine = ofLearner.get(learner) ?? new Set<string>();
      // A Set keeps insertion order: its first key is the learner's oldest token.
      while (mine.size >= perLearner) drop(mine.values().next().value as string);
      ofLearner.set(learner, mine);
      const token = newTokenId(now);
      const issued: IssuedToken = {
        learner,
        workspace,
        issuedAt: now,
        expiresAt: now + ttlMs,
        auditId: randomBytes(16).toString('base64url').slice(0, 22),
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
    size: () => byKey.size,
  };
}

/** The context of a valid, unexpired, unrevoked token (X-Auth-Token), or null. */
export function tokenContext(tokens: TokenStore, token: string, now: number): TokenContext | null {
  const t = token === '' ? null : tokens.lookup(token, now);
  return t ? { learner: t.learner, workspace: t.workspace, expiresAt: t.expiresAt } : null;
}
