/**
 * Keystone's tokens, self-describing as Fernet tokens are: the token carries its learner,
 * workspace, methods, times, audit id and application credential, encrypted and authenticated
 * (AES-256-GCM) under a key derived from the server secret, so any process of the deployment
 * validates any token without shared memory, and a learner can neither forge a token nor read
 * another's. Tokens expire (keystone's default hour) and are revocable: a revoked token's audit id
 * (or a deleted application credential's id) is kept until the token would have expired, and
 * relayed to the other processes (`onRevoke` → the cluster primary → `applyRevocation`).
 * A token names one learner's workspace: every service (keystone.ts, neutron.ts, …) asks
 * `tokenContext` and opens nothing else.
 *
 * Tokens survive a restart (the secret does), as Fernet tokens survive one; so do revocations
 * when the server gives a `persist` (app.ts: SQLite or PostgreSQL, server/store/revocations.ts):
 * each one is written there, and every process reads them at start and every second, so another
 * node refuses a token revoked here within that poll interval. Validation itself stays in memory
 * and synchronous. The per-learner bound on live tokens is counted per process.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
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

/**
 * A revocation to relay to the other processes: a token's audit id, or every token of an
 * application credential (deleted), kept until `until` (ms since the epoch; null: for good).
 */
export interface Revocation {
  auditId?: string;
  appCredential?: string;
  until: number | null;
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
  /**
   * Revokes every token made from an application credential (it was deleted): how many of the
   * tokens this process issued went (other processes' tokens go too, unseen).
   */
  revokeAppCredential(id: string): number;
  /**
   * As `revoke`, then waits for the revocation to be written (`persist`) where every process reads
   * it; rejects with the store's error when it cannot be, the token being refused here anyway.
   */
  revokeDurably(token: string, now: number): Promise<boolean>;
  /** As `revokeAppCredential`, waiting for the write as `revokeDurably` does; `now` bounds how long the row is kept. */
  revokeAppCredentialDurably(id: string, now: number): Promise<number>;
  /** A revocation made by another process (relayed); never relayed again. */
  applyRevocation(r: Revocation): void;
  /**
   * Whether the token decrypts under this deployment's key (valid or not any more): keystone
   * tells a token it cannot decrypt ("Could not recognize Fernet token", 400) from an expired or
   * revoked one (404).
   */
  recognizes(token: string): boolean;
  /** How many live tokens this process issued and still tracks (the per-learner bound is per process). */
  size(): number;
}

export interface TokenLimits {
  /** How long a token lives (ms); keystone's `[token] expiration` default is 3600 s. */
  ttlMs: number;
  /**
   * Tokens one learner may hold at once, counted per process; issuing one more revokes their
   * oldest (each `openstack` command logs in anew).
   */
  perLearner: number;
  /** Tokens tracked in all (and revocations kept); past it the oldest go first. */
  total: number;
}

export const DEFAULT_TOKEN_LIMITS: TokenLimits = {
  ttlMs: 3600_000,
  perLearner: 200,
  total: 200_000,
};

export interface TokenStoreOptions extends Partial<TokenLimits> {
  /**
   * The server secret the token key is derived from: every process given the same secret
   * validates the others' tokens. Default: a random key (tokens of this store only, lost on restart).
   */
  secret?: string;
  /** Workspace keys back to workspaces (against the current labs); default: the ones this store issued. */
  parseWorkspace?: (key: string) => WorkspaceRef | null;
  /** Told of each revocation made here, to relay it to the other processes. */
  onRevoke?: (r: Revocation) => void;
  /**
   * Writes each revocation asked for here where every process (of every node) reads it; by
   * default none is written. `revokeDurably` waits for the write; `revoke` and
   * `revokeAppCredential` write in the background (a failure is logged). Tokens the bounds drop
   * are only relayed.
   */
  persist?: (r: Revocation) => Promise<void>;
  /** Where a failed background write is told. Default stderr. */
  log?: (message: string) => void;
}

/**
 * How long past a token's end a deleted credential's revocation is kept in the store, for clocks of
 * nodes that disagree: every token of a credential expires within the TTL of its issue, before the deletion.
 */
const CLOCK_SKEW_MS = 10 * 60_000;

/** Keystone's Fernet version byte: tokens start `gAAAAA` as theirs do. */
const VERSION = 0x80;
const HEAD = 9;
const IV = 12;
const TAG = 16;
/** Far above any token this store makes (an application credential with many access rules); longer ones are not read. */
const MAX_TOKEN = 8192;
/** The least plaintext sealed: tokens of about 210 characters, as the ids this store made before. */
const MIN_PLAIN = 128;

/** The token key: HKDF of the server secret, bound to this use (the cookie MACs use the secret otherwise). */
function tokenKey(secret: string | undefined): Buffer {
  if (secret === undefined) return randomBytes(32);
  return Buffer.from(hkdfSync('sha256', secret, 'stacklab', 'keystone token (AES-256-GCM)', 32));
}

/** What a token carries, as a compact JSON array (short tokens, as clients print them). */
type Payload = [
  learner: string,
  workspace: string,
  issuedAt: number,
  expiresAt: number,
  auditId: string,
  methods: string[],
  appCredential: TokenAppCredential | null,
];

/**
 * A token: base64url of a 0x80 version byte and the issue time in seconds (as Fernet's header,
 * authenticated as associated data), then a random IV, the ciphertext and the GCM tag.
 */
function seal(key: Buffer, issuedAt: number, payload: Payload): string {
  const head = Buffer.alloc(HEAD);
  head[0] = VERSION;
  head.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(issuedAt / 1000))), 1);
  const iv = randomBytes(IV);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(head);
  // Padded with spaces (JSON ignores them) to a multiple of 16 bytes, at least MIN_PLAIN: a
  // token's length tells little of its learner id, and tokens are as long as clients expect.
  const json = Buffer.from(JSON.stringify(payload), 'utf8');
  const padded = Buffer.alloc(Math.max(MIN_PLAIN, Math.ceil(json.length / 16) * 16), 0x20);
  json.copy(padded);
  const body = Buffer.concat([c.update(padded), c.final()]);
  return Buffer.concat([head, iv, body, c.getAuthTag()]).toString('base64url');
}

const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The payload of a token this key sealed, or null (malformed, altered, another key). Never throws. */
function open(key: Buffer, token: string): Payload | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN || !/^[A-Za-z0-9_-]+$/.test(token))
    return null;
  const raw = Buffer.from(token, 'base64url');
  // One spelling per token: base64 decoding ignores stray trailing characters, keystone would not.
  if (raw.length < HEAD + IV + TAG + 2 || raw[0] !== VERSION || raw.toString('base64url') !== token)
    return null;
  let text: string;
  try {
    const d = createDecipheriv('aes-256-gcm', key, raw.subarray(HEAD, HEAD + IV));
    d.setAAD(raw.subarray(0, HEAD));
    d.setAuthTag(raw.subarray(raw.length - TAG));
    text = Buffer.concat([d.update(raw.subarray(HEAD + IV, raw.length - TAG)), d.final()]).toString(
      'utf8',
    );
  } catch {
    return null;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  // Authenticated, so ours; checked anyway, so a change of format can never crash a lookup.
  if (!Array.isArray(v) || v.length !== 7) return null;
  const [learner, ws, issuedAt, expiresAt, auditId, methods, ac] = v as unknown[];
  if (
    !isStr(learner, 200) ||
    !isStr(ws, 200) ||
    !isTime(issuedAt) ||
    !isTime(expiresAt) ||
    !isStr(auditId, 64)
  )
    return null;
  if (!Array.isArray(methods) || !methods.every((m) => isStr(m, 64))) return null;
  if (ac !== null && (typeof ac !== 'object' || !isStr((ac as { id?: unknown }).id, 200)))
    return null;
  return [learner, ws, issuedAt, expiresAt, auditId, methods, ac as TokenAppCredential | null];
}

/**
 * Which learner a token is for, without checking expiry or revocation: the cluster primary
 * routes by it (sticky, never trusted). The key is derived once per secret.
 */
export function tokenLearnerOf(secret: string): (token: string) => string | null {
  const key = tokenKey(secret);
  return (token) => open(key, token)?.[0] ?? null;
}

/**
 * Revoked audit ids (until the token would have expired) and deleted application credentials
 * (for good: a deletion is rare and rate-limited, and no clock is read here), each bounded in number.
 */
function revocationList(total: number) {
  const audits = new Map<string, number>();
  const creds = new Set<string>();
  return {
    add(r: Revocation): void {
      if (typeof r.auditId === 'string' && r.auditId.length <= 64)
        audits.set(r.auditId, typeof r.until === 'number' ? r.until : Infinity);
      if (typeof r.appCredential === 'string' && r.appCredential.length <= 200)
        creds.add(r.appCredential);
      // Past the bound the oldest go (only a flood of revocations within an hour gets there).
      while (creds.size > total) creds.delete(creds.values().next().value as string);
      while (audits.size > total) audits.delete(audits.keys().next().value as string);
    },
    has: (p: Payload): boolean => audits.has(p[4]) || (p[6] !== null && creds.has(p[6].id)),
    sweep(now: number): void {
      for (const [k, until] of audits) {
        if (until > now) break;
        audits.delete(k);
      }
    },
  };
}

/**
 * This process's live tokens, in issue order (audit id → learner, expiry, credential), and per
 * learner (oldest first): the per-learner and total bounds. Tokens live the TTL (or less, bounded
 * by an application credential's expiry): sweeping from the oldest finds nearly all expired ones.
 */
function liveTokens() {
  const live = new Map<string, { learner: string; until: number; cred: string | null }>();
  const ofLearner = new Map<string, Set<string>>();
  return {
    live,
    mine: (learner: string) => ofLearner.get(learner)?.size ?? 0,
    oldestOf: (learner: string) => ofLearner.get(learner)?.values().next().value,
    add(auditId: string, learner: string, until: number, cred: string | null): void {
      const mine = ofLearner.get(learner) ?? new Set<string>();
      ofLearner.set(learner, mine);
      mine.add(auditId);
      live.set(auditId, { learner, until, cred });
    },
    remove(auditId: string): void {
      const t = live.get(auditId);
      if (!t) return;
      live.delete(auditId);
      const mine = ofLearner.get(t.learner);
      mine?.delete(auditId);
      if (mine?.size === 0) ofLearner.delete(t.learner);
    },
  };
}

/** The record a token's payload describes. */
function issuedOf(p: Payload, workspace: WorkspaceRef): IssuedToken {
  const [learner, , issuedAt, expiresAt, auditId, methods, ac] = p;
  return {
    learner,
    workspace,
    issuedAt,
    expiresAt,
    auditId,
    methods,
    ...(ac ? { appCredential: ac } : {}),
  };
}

/** A new token's record: a fresh audit id, the TTL (or the application credential's expiry if sooner). */
function newIssued(
  learner: string,
  workspace: WorkspaceRef,
  now: number,
  o: IssueOptions,
  ttlMs: number,
): IssuedToken {
  return {
    learner,
    workspace,
    issuedAt: now,
    expiresAt: Math.min(now + ttlMs, o.notAfter ?? Infinity),
    auditId: randomBytes(16).toString('base64url').slice(0, 22),
    methods: o.methods ?? ['password'],
    ...(o.appCredential ? { appCredential: o.appCredential } : {}),
  };
}

/**
 * Revocations made here: applied at once, relayed (`onRevoke`) and written (`persist`): `saved`
 * gives the write to a caller that waits for it; `quietly` logs the failure of one nobody waits for.
 */
function madeHere(revoked: ReturnType<typeof revocationList>, opts: TokenStoreOptions) {
  const log = opts.log ?? ((m: string) => console.error(m));
  return {
    saved(r: Revocation): Promise<void> {
      revoked.add(r);
      opts.onRevoke?.(r);
      return opts.persist ? opts.persist(r) : Promise.resolve();
    },
    quietly: (p: Promise<void>) =>
      void p.catch((e: unknown) =>
        log(
          `a token revocation was not written (other nodes accept the token until it expires): ${e instanceof Error ? e.message : String(e)}`,
        ),
      ),
  };
}

/**
 * The store's four ways to revoke: a token (`revokeToken` revokes it here and gives the write), or
 * a credential's tokens; waiting for the write, or not.
 */
function revokeMethods(
  revokeToken: (token: string, now: number) => Promise<void> | null,
  tracked: ReturnType<typeof liveTokens>,
  made: ReturnType<typeof madeHere>,
  ttlMs: number,
): Pick<
  TokenStore,
  'revoke' | 'revokeAppCredential' | 'revokeDurably' | 'revokeAppCredentialDurably'
> {
  const { quietly } = made;
  /** Revokes a credential's tokens: how many of this process's went, and the write. */
  const revokeCredential = (id: string, now: number | null) => {
    // Kept in memory for good (no clock here), in the store until no token of it can be valid.
    const saved = made.saved({
      appCredential: id,
      until: now === null ? null : now + ttlMs + CLOCK_SKEW_MS,
    });
    const gone = [...tracked.live].filter(([, t]) => t.cred === id).map(([auditId]) => auditId);
    gone.forEach(tracked.remove);
    return { gone: gone.length, saved };
  };
  return {
    revoke(token, now) {
      const saved = revokeToken(token, now);
      if (saved) quietly(saved);
      return saved !== null;
    },
    revokeAppCredential(id) {
      const { gone, saved } = revokeCredential(id, null);
      quietly(saved);
      return gone;
    },
    revokeDurably: async (token, now) => {
      const saved = revokeToken(token, now);
      await saved;
      return saved !== null;
    },
    revokeAppCredentialDurably: async (id, now) => {
      const { gone, saved } = revokeCredential(id, now);
      await saved;
      return gone;
    },
  };
}

export function tokenStore(opts: TokenStoreOptions = {}): TokenStore {
  const { ttlMs, perLearner, total } = { ...DEFAULT_TOKEN_LIMITS, ...opts };
  const key = tokenKey(opts.secret);
  // Workspaces this store issued tokens for, by key: what a token names when no parser is given
  // (and the same object the token was issued with, as before tokens described themselves).
  const seen = new Map<string, WorkspaceRef>();
  const workspaceOf = (k: string): WorkspaceRef | null =>
    opts.parseWorkspace ? opts.parseWorkspace(k) : (seen.get(k) ?? null);
  const revoked = revocationList(total);
  const tracked = liveTokens();
  const made = madeHere(revoked, opts);
  /**
   * Revokes a live token of this process (a bound drops it): refused here and by this machine's
   * workers, not written for other nodes: past the per-learner bound every login would cost a
   * write, for a token its learner never asked to revoke.
   */
  const drop = (auditId: string) => {
    const t = tracked.live.get(auditId);
    if (!t) return;
    const r = { auditId, until: t.until };
    revoked.add(r);
    opts.onRevoke?.(r);
    tracked.remove(auditId);
  };
  /** Revokes a valid token: the write, or null when it was not valid. */
  const revokeToken = (token: string, now: number): Promise<void> | null => {
    const t = valid(token, now);
    if (!t) return null;
    tracked.remove(t.auditId);
    return made.saved({ auditId: t.auditId, until: t.expiresAt });
  };
  const sweep = (now: number) => {
    revoked.sweep(now);
    for (const [auditId, t] of tracked.live) {
      if (t.until > now && tracked.live.size < total) break;
      if (t.until > now) drop(auditId);
      else tracked.remove(auditId);
    }
  };
  const valid = (token: string, now: number): IssuedToken | null => {
    const p = open(key, token);
    if (!p || p[3] <= now || revoked.has(p)) return null;
    const workspace = workspaceOf(p[1]);
    return workspace ? issuedOf(p, workspace) : null;
  };
  return {
    issue(learner, workspace, now, o = {}) {
      sweep(now);
      while (tracked.mine(learner) >= perLearner) drop(tracked.oldestOf(learner) as string);
      const issued = newIssued(learner, workspace, now, o, ttlMs);
      if (seen.size < 10_000 || seen.has(workspace.key)) seen.set(workspace.key, workspace);
      const { issuedAt, expiresAt, auditId, methods } = issued;
      const token = seal(key, now, [
        learner,
        workspace.key,
        issuedAt,
        expiresAt,
        auditId,
        methods,
        o.appCredential ?? null,
      ]);
      tracked.add(auditId, learner, expiresAt, o.appCredential?.id ?? null);
      return { token, issued };
    },
    lookup: valid,
    ...revokeMethods(revokeToken, tracked, made, ttlMs),
    applyRevocation: (r) => revoked.add(r),
    recognizes: (token) => open(key, token) !== null,
    size: () => tracked.live.size,
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
