/**
 * Keystone application credentials a learner made for one of their workspaces (issue #17): kept
 * apart from the cloud (they are the learner's keys to it, not part of the simulated state, and a
 * reset keeps them), persisted so a restart keeps them. The secret is kept only as hashes: a salted
 * scrypt hash that proves it, and a keyed tag (HMAC under a key from the server secret) that finds
 * it, since keystone lets a client name a credential by name and user, and every learner's cloud
 * has the same user: the tag tells one learner's "backup" credential from another's without trying
 * scrypt on each. Three implementations share one contract (test/app-credentials-store.test.ts):
 * SQLite (its own table, created on open, in the same database file as the clouds), PostgreSQL
 * (app-credentials-pg.ts: every node of a deployment sees every credential) and memory (tests,
 * `store: memory`). The interface is asynchronous because PostgreSQL's is.
 */
import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import { StoreError } from './types.js';

/** One access rule as keystone keeps it: which service, method and path a token made from the credential may call. */
export interface AccessRule {
  id: string;
  service: string;
  method: string;
  path: string;
}

export interface AppCredential {
  /** uuid4 hex, as keystone's ids. */
  id: string;
  learner: string;
  /** The workspace key (`sandbox:…`, `lab:…`) whose cloud the credential opens. */
  workspace: string;
  name: string;
  description: string | null;
  /** The user (id and name) and project of that cloud the credential acts as. */
  userId: string;
  userName: string;
  projectId: string;
  /** The roles it delegates, as keystone lists them (a subset of the creator's token's roles). */
  roles: Array<{ id: string; name: string }>;
  /** When it stops opening anything (ms since the epoch), or null for never. */
  expiresAt: number | null;
  unrestricted: boolean;
  accessRules: AccessRule[] | null;
  createdAt: number;
}

/**
 * Told the work a call had done off the event loop, in milliseconds: the scrypt hash's own cost
 * (see `hashCost`), so the web layer charges a login its work and not its wait (issue #19).
 */
export type OffLoopWork = (ms: number) => void;

/** Why a credential was not stored. */
export type CreateRefusal = 'duplicate' | 'limit';

/** Credentials by learner and workspace; failures of the database reject with a StoreError (keystone answers 503). */
export interface AppCredentialStore {
  /**
   * Stores a credential with the hashes of its secret; refused when the learner holds `limit` in
   * that workspace already, or the name is taken there. `work` is told the hash's cost.
   */
  create(
    cred: AppCredential,
    secret: string,
    limit: number,
    work?: OffLoopWork,
  ): Promise<CreateRefusal | null>;
  /** The credentials of a learner's workspace, oldest first. */
  list(learner: string, workspace: string): Promise<AppCredential[]>;
  /** A credential by id, or null. */
  get(id: string): Promise<AppCredential | null>;
  /**
   * The credential a client names with its secret: by id, or by name and the user's id or name
   * (then the one credential of that name and user whose secret it is). Null when there is none
   * or the secret is wrong. `work` is told the cost of the hash, when one was tried.
   */
  authenticate(
    by: { id: string } | { name: string; user: { id: string } | { name: string } },
    secret: string,
    work?: OffLoopWork,
  ): Promise<AppCredential | null>;
  /** Deletes a credential; false when there was none. */
  delete(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** scrypt's cost: a guess costs the attacker ~30 ms of one core; a generated secret has 512 bits anyway. */
const SCRYPT = { N: 4096, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

/** scrypt on libuv's thread pool: a login's ~30 ms of hashing never holds the event loop. */
const scryptAsync = (
  secret: string,
  salt: Buffer,
  bytes: number,
  opts: { N: number; r: number; p: number },
) =>
  new Promise<Buffer>((ok, fail) =>
    scrypt(secret, salt, bytes, opts, (e, key) => (e ? fail(e) : ok(key))),
  );

/** The least time a hash at SCRYPT's cost has taken in this process (ms); null until first needed. */
let fastest: number | null = null;

/** One hash at SCRYPT's cost timed on the event loop: a few milliseconds, once a process. */
function timeOneHash(): number {
  const started = performance.now();
  scryptSync('stacklab: the cost of one hash', Buffer.alloc(16), KEY_BYTES, SCRYPT);
  return performance.now() - started;
}

/**
 * What one hash at cost `n` costs the server: the least time a hash at SCRYPT's cost has taken
 * here, scaled by N (scrypt's work grows with N). Run on the thread pool, a hash's time from call
 * to answer also holds its waits (behind other hashes in the pool's queue, for a busy event loop
 * to take the answer), which only make it longer: the least time seen is the hash's own work. It
 * starts from one hash timed on the event loop (`timeOneHash`), so the first logins of a busy
 * server are not charged their queue either.
 */
const hashCost = (n: number) => ((fastest ??= timeOneHash()) * n) / SCRYPT.N;

/** scrypt at cost `n` on the thread pool, telling `work` the hash's cost (`hashCost`), not its time with the waits. */
async function timedScrypt(
  secret: string,
  salt: Buffer,
  bytes: number,
  n: number,
  work: OffLoopWork | undefined,
): Promise<Buffer> {
  const started = performance.now();
  const key = await scryptAsync(secret, salt, bytes, { ...SCRYPT, N: n });
  if (n === SCRYPT.N) fastest = Math.min(fastest ?? timeOneHash(), performance.now() - started);
  work?.(hashCost(n));
  return key;
}

/** `scrypt$N$salt$hash`, base64url; `work` is told the hash's cost. */
export async function hashSecret(secret: string, work?: OffLoopWork): Promise<string> {
  const salt = randomBytes(16);
  const hash = await timedScrypt(secret, salt, KEY_BYTES, SCRYPT.N, work);
  return `scrypt$${SCRYPT.N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/**
 * Whether a secret is the one a stored hash proves; a malformed hash (or a cost scrypt refuses)
 * proves nothing. `work` is told the hash's cost (nothing when no hash ran).
 */
export async function secretMatches(
  secret: string,
  stored: string,
  work?: OffLoopWork,
): Promise<boolean> {
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64url');
  if (want.length === 0) return false;
  let got: Buffer;
  try {
    got = await timedScrypt(secret, Buffer.from(salt, 'base64url'), want.length, Number(n), work);
  } catch {
    return false;
  }
  return got.length === want.length && timingSafeEqual(got, want);
}

/** The lookup tag of a secret: HMAC-SHA256 under the store's key, hex (never the secret). */
export const tagOf = (key: Buffer, secret: string) =>
  createHmac('sha256', key).update(secret).digest('hex');

/** The store's tag key, derived from the server secret (kept apart from its other uses). */
export const tagKey = (serverSecret: string) =>
  createHmac('sha256', serverSecret).update('stacklab application credential tags v1').digest();

const clone = (c: AppCredential): AppCredential => ({
  ...c,
  roles: c.roles.map((r) => ({ ...r })),
  accessRules: c.accessRules?.map((r) => ({ ...r })) ?? null,
});

/** Application credentials in memory (lost on restart). */
export function memoryAppCredentials(key: Buffer = randomBytes(32)): AppCredentialStore {
  const byId = new Map<string, { cred: AppCredential; hash: string; tag: string }>();
  const mine = (learner: string, workspace: string) =>
    [...byId.values()].filter((e) => e.cred.learner === learner && e.cred.workspace === workspace);
  let closed = false;
  const open = () => {
    if (closed) throw new StoreError('the application credentials are closed', 'CLOSED');
  };
  return {
    async create(cred, secret, limit, work) {
      open();
      const hash = await hashSecret(secret, work);
      // Counted after the hashing, so two creations racing through it cannot both pass the limit.
      const theirs = mine(cred.learner, cred.workspace);
      if (theirs.length >= limit) return 'limit';
      if (theirs.some((e) => e.cred.name === cred.name)) return 'duplicate';
      byId.set(cred.id, { cred: clone(cred), hash, tag: tagOf(key, secret) });
      return null;
    },
    list: async (learner, workspace) => {
      open();
      return mine(learner, workspace).map((e) => clone(e.cred));
    },
    get: async (id) => {
      open();
      const e = byId.get(id);
      return e ? clone(e.cred) : null;
    },
    async authenticate(by, secret, work) {
      open();
      const tag = tagOf(key, secret);
      const found =
        'id' in by
          ? [byId.get(by.id)].filter((e) => e !== undefined)
          : [...byId.values()].filter(
              (e) =>
                e.tag === tag &&
                e.cred.name === by.name &&
                ('id' in by.user ? e.cred.userId === by.user.id : e.cred.userName === by.user.name),
            );
      const e = found.length === 1 ? found[0] : undefined;
      return e && (await secretMatches(secret, e.hash, work)) ? clone(e.cred) : null;
    },
    delete: async (id) => {
      open();
      return byId.delete(id);
    },
    close: async () => {
      closed = true;
    },
  };
}

/** A credential's row, as both SQL stores keep it (JSON text for the lists). */
export interface Row {
  id: string;
  learner_id: string;
  workspace: string;
  name: string;
  description: string | null;
  user_id: string;
  user_name: string;
  project_id: string;
  roles: string;
  expires_at: number | null;
  unrestricted: number | boolean;
  access_rules: string | null;
  created_at: number;
  secret_hash: string;
  secret_tag: string;
}

export const fromRow = (r: Row): AppCredential => ({
  id: r.id,
  learner: r.learner_id,
  workspace: r.workspace,
  name: r.name,
  description: r.description,
  userId: r.user_id,
  userName: r.user_name,
  projectId: r.project_id,
  roles: JSON.parse(r.roles) as AppCredential['roles'],
  expiresAt: r.expires_at,
  unrestricted: r.unrestricted === 1 || r.unrestricted === true,
  accessRules: r.access_rules === null ? null : (JSON.parse(r.access_rules) as AccessRule[]),
  createdAt: r.created_at,
});

/** Runs a store operation; SQLite's exceptions become rejected StoreErrors (the web layer answers 503). */
function guarded<A extends unknown[], R>(fn: (...a: A) => R | Promise<R>): (...a: A) => Promise<R> {
  return async (...a) => {
    try {
      return await fn(...a);
    } catch (e) {
      if (e instanceof StoreError) throw e;
      const code =
        typeof (e as { code?: unknown })?.code === 'string'
          ? (e as { code: string }).code
          : 'UNKNOWN';
      throw new StoreError("the server's database failed", code, e);
    }
  };
}

/**
 * Application credentials in a SQLite file (the clouds' file: its own connection, its own table,
 * created if missing, so the cloud store's migrations never see it).
 */
export function sqliteAppCredentials(file: string, key: Buffer): AppCredentialStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 2000');
  db.exec(`CREATE TABLE IF NOT EXISTS app_credential (
    id TEXT PRIMARY KEY, learner_id TEXT NOT NULL, workspace TEXT NOT NULL, name TEXT NOT NULL,
    description TEXT, user_id TEXT NOT NULL, user_name TEXT NOT NULL, project_id TEXT NOT NULL, roles TEXT NOT NULL,
    expires_at INTEGER, unrestricted INTEGER NOT NULL, access_rules TEXT, created_at INTEGER NOT NULL,
    secret_hash TEXT NOT NULL, secret_tag TEXT NOT NULL, UNIQUE (learner_id, workspace, name));
    CREATE INDEX IF NOT EXISTS app_credential_tag ON app_credential (secret_tag);`);
  const count = db.prepare<[string, string, string], { n: number; taken: number }>(
    'SELECT count(*) AS n, coalesce(sum(name = ?), 0) AS taken FROM app_credential WHERE learner_id = ? AND workspace = ?',
  );
  const insert = db.prepare(
    `INSERT INTO app_credential VALUES (@id, @learner_id, @workspace, @name, @description, @user_id, @user_name, @project_id,
      @roles, @expires_at, @unrestricted, @access_rules, @created_at, @secret_hash, @secret_tag)`,
  );
  const list = db.prepare<[string, string], Row>(
    'SELECT * FROM app_credential WHERE learner_id = ? AND workspace = ? ORDER BY created_at, rowid',
  );
  const get = db.prepare<[string], Row>('SELECT * FROM app_credential WHERE id = ?');
  const byTagAndUserId = db.prepare<[string, string, string], Row>(
    'SELECT * FROM app_credential WHERE secret_tag = ? AND name = ? AND user_id = ? LIMIT 2',
  );
  const byTagAndUserName = db.prepare<[string, string, string], Row>(
    'SELECT * FROM app_credential WHERE secret_tag = ? AND name = ? AND user_name = ? LIMIT 2',
  );
  const del = db.prepare<[string]>('DELETE FROM app_credential WHERE id = ?');
  const create = db.transaction(
    (cred: AppCredential, hash: string, tag: string, limit: number): CreateRefusal | null => {
      const { n, taken } = count.get(cred.name, cred.learner, cred.workspace) ?? { n: 0, taken: 0 };
      if (n >= limit) return 'limit';
      if (taken > 0) return 'duplicate';
      insert.run({
        id: cred.id,
        learner_id: cred.learner,
        workspace: cred.workspace,
        name: cred.name,
        description: cred.description,
        user_id: cred.userId,
        user_name: cred.userName,
        project_id: cred.projectId,
        roles: JSON.stringify(cred.roles),
        expires_at: cred.expiresAt,
        unrestricted: cred.unrestricted ? 1 : 0,
        access_rules: cred.accessRules === null ? null : JSON.stringify(cred.accessRules),
        created_at: cred.createdAt,
        secret_hash: hash,
        secret_tag: tag,
      });
      return null;
    },
  );
  return {
    // Hashing is slow on purpose: done before the transaction, so the database is not held meanwhile.
    create: guarded(async (cred, secret, limit, work) =>
      create(cred, await hashSecret(secret, work), tagOf(key, secret), limit),
    ),
    list: guarded((learner, workspace) => list.all(learner, workspace).map(fromRow)),
    get: guarded((id) => {
      const r = get.get(id);
      return r ? fromRow(r) : null;
    }),
    authenticate: guarded(async (by, secret, work) => {
      const rows =
        'id' in by
          ? [get.get(by.id)].filter((r) => r !== undefined)
          : 'id' in by.user
            ? byTagAndUserId.all(tagOf(key, secret), by.name, by.user.id)
            : byTagAndUserName.all(tagOf(key, secret), by.name, by.user.name);
      const r = rows.length === 1 ? rows[0] : undefined;
      return r && (await secretMatches(secret, r.secret_hash, work)) ? fromRow(r) : null;
    }),
    delete: guarded((id) => del.run(id).changes > 0),
    close: async () => {
      if (db.open) db.close();
    },
  };
}
