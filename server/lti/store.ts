/**
 * LTI's persistence (server/lti/types.ts LtiStore): SQLite tables beside the workspaces in
 * DATA/stacklab.db, or memory with a memory store. Platforms of the platforms file are merged in,
 * read-only (`source: 'file'`), and read again when the file changes.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../http/config.js';
import { asynchronous, sqliteFailure } from '../store/sync.js';
import { parseRegistration } from './platforms.js';
import { readRow } from './rows.js';
import type { LaunchRecord, LoginState, LtiStore, PlatformRegistration } from './types.js';

const pkey = (a: string, b: string) => `${a}\u0000${b}`;

const findPlatform = (all: PlatformRegistration[], issuer: string, clientId?: string) =>
  all.find((p) => p.issuer === issuer && (clientId === undefined || p.clientId === clientId)) ?? null;

const stderrLog = (message: string) => console.error(`[${new Date().toISOString()}] ${message}`);

/** In memory (tests, STACKLAB_STORE=memory). */
export function memoryLtiStore(): LtiStore {
  const platforms = new Map<string, PlatformRegistration>();
  const states = new Map<string, LoginState>();
  const nonces = new Map<string, number>();
  const launches = new Map<string, LaunchRecord>();
  const purge = (now: number) => {
    for (const [k, s] of states) if (s.expires <= now) states.delete(k);
    for (const [k, e] of nonces) if (e <= now) nonces.delete(k);
  };
  const list = () => [...platforms.values()].map((p) => ({ ...p, deploymentIds: [...p.deploymentIds] }));
  return {
    platforms: async () => list(),
    platform: async (issuer, clientId) => findPlatform(list(), issuer, clientId),
    savePlatform: async (p) => void platforms.set(pkey(p.issuer, p.clientId), { ...p, deploymentIds: [...p.deploymentIds] }),
    deletePlatform: async (issuer, clientId) => platforms.delete(pkey(issuer, clientId)),
    async putState(state, s) {
      purge(s.expires - 3600_000);
      states.set(state, { ...s });
    },
    async takeState(state, now) {
      const s = states.get(state);
      states.delete(state);
      return s && s.expires > now ? { ...s } : null;
    },
    async useNonce(issuer, nonce, expires, now) {
      purge(now);
      const k = pkey(issuer, nonce);
      const seen = nonces.get(k);
      if (seen !== undefined && seen > now) return false;
      nonces.set(k, expires);
      return true;
    },
    saveLaunch: async (r) => void launches.set(pkey(r.learner, r.labId), { ...r, scopes: [...r.scopes] }),
    async launchFor(learner, labId) {
      const r = launches.get(pkey(learner, labId));
      return r ? { ...r, scopes: [...r.scopes] } : null;
    },
    close: async () => undefined,
  };
}

/**
 * In a SQLite file (the clouds' file: its own connection and tables, created if missing, as
 * server/store/app-credentials.ts does, so the cloud store's migrations never see them).
 * Synchronous underneath; every failure comes out as a StoreError rejection.
 */
export function sqliteLtiStore(file: string, log: (message: string) => void = stderrLog): LtiStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 2000');
  db.exec(`CREATE TABLE IF NOT EXISTS lti_platforms (
      issuer TEXT NOT NULL, client_id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (issuer, client_id));
    CREATE TABLE IF NOT EXISTS lti_states (state TEXT PRIMARY KEY, json TEXT NOT NULL, expires INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS lti_states_expires ON lti_states (expires);
    CREATE TABLE IF NOT EXISTS lti_nonces (
      issuer TEXT NOT NULL, nonce TEXT NOT NULL, expires INTEGER NOT NULL, PRIMARY KEY (issuer, nonce));
    CREATE INDEX IF NOT EXISTS lti_nonces_expires ON lti_nonces (expires);
    CREATE TABLE IF NOT EXISTS lti_launches (
      learner TEXT NOT NULL, lab_id TEXT NOT NULL, json TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (learner, lab_id));`);
  const q = {
    platforms: db.prepare<[], { json: string }>('SELECT json FROM lti_platforms ORDER BY issuer, client_id'),
    savePlatform: db.prepare<[string, string, string]>(
      'INSERT INTO lti_platforms VALUES (?, ?, ?) ON CONFLICT (issuer, client_id) DO UPDATE SET json = excluded.json',
    ),
    deletePlatform: db.prepare<[string, string]>('DELETE FROM lti_platforms WHERE issuer = ? AND client_id = ?'),
    putState: db.prepare<[string, string, number]>('INSERT OR REPLACE INTO lti_states VALUES (?, ?, ?)'),
    getState: db.prepare<[string], { json: string; expires: number }>('SELECT json, expires FROM lti_states WHERE state = ?'),
    delState: db.prepare<[string]>('DELETE FROM lti_states WHERE state = ?'),
    purgeStates: db.prepare<[number]>('DELETE FROM lti_states WHERE expires <= ?'),
    getNonce: db.prepare<[string, string], { expires: number }>('SELECT expires FROM lti_nonces WHERE issuer = ? AND nonce = ?'),
    putNonce: db.prepare<[string, string, number]>('INSERT OR REPLACE INTO lti_nonces VALUES (?, ?, ?)'),
    purgeNonces: db.prepare<[number]>('DELETE FROM lti_nonces WHERE expires <= ?'),
    saveLaunch: db.prepare<[string, string, string, number]>('INSERT OR REPLACE INTO lti_launches VALUES (?, ?, ?, ?)'),
    launchFor: db.prepare<[string, string], { json: string }>('SELECT json FROM lti_launches WHERE learner = ? AND lab_id = ?'),
  };
  // A state is good once: read and delete in one transaction, so two posts of it cannot both pass.
  const takeState = db.transaction((state: string, now: number): LoginState | null => {
    const row = q.getState.get(state);
    if (!row) return null;
    q.delState.run(state);
    return row.expires > now ? readRow('state', row.json, log) : null;
  });
  const useNonce = db.transaction((issuer: string, nonce: string, expires: number, now: number): boolean => {
    q.purgeNonces.run(now);
    if (q.getNonce.get(issuer, nonce)) return false;
    q.putNonce.run(issuer, nonce, expires);
    return true;
  });
  const all = () => q.platforms.all().flatMap((r) => readRow('platform', r.json, log) ?? []);
  return asynchronous<LtiStore>({
    platforms: all,
    platform: (issuer, clientId) => findPlatform(all(), issuer, clientId),
    savePlatform: (p) => void q.savePlatform.run(p.issuer, p.clientId, JSON.stringify(p)),
    deletePlatform: (issuer, clientId) => q.deletePlatform.run(issuer, clientId).changes > 0,
    putState(state, s) {
      // Logins that never came back: dropped an hour after they expired.
      q.purgeStates.run(s.expires - 3600_000);
      q.putState.run(state, JSON.stringify(s), s.expires);
    },
    takeState: (state, now) => takeState(state, now),
    useNonce: (issuer, nonce, expires, now) => useNonce(issuer, nonce, expires, now),
    saveLaunch: (r) => void q.saveLaunch.run(r.learner, r.labId, JSON.stringify(r), r.at),
    launchFor(learner, labId) {
      const row = q.launchFor.get(learner, labId);
      return row ? readRow('launch', row.json, log) : null;
    },
    close: () => db.close(),
  }, sqliteFailure);
}

/**
 * The platforms of the platforms file (a JSON array of registrations), read again when the file
 * changes. A missing file is no platform; a bad file or entry is logged once and left out, never
 * fatal: the platforms registered on the class page still work.
 */
export function platformsFile(file: string, log: (message: string) => void): () => PlatformRegistration[] {
  let seen = '';
  let cached: PlatformRegistration[] = [];
  return () => {
    let stamp: string;
    try {
      const st = statSync(file);
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch {
      stamp = 'missing';
    }
    if (stamp === seen) return cached;
    seen = stamp;
    cached = stamp === 'missing' ? [] : readPlatformsFile(file, log);
    return cached;
  };
}

function readPlatformsFile(file: string, log: (message: string) => void): PlatformRegistration[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    log(`LTI platforms file ${file} ignored: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
  if (!Array.isArray(data)) {
    log(`LTI platforms file ${file} ignored: it must be a JSON array of registrations`);
    return [];
  }
  const out: PlatformRegistration[] = [];
  data.forEach((entry: unknown, i) => {
    const r = parseRegistration(entry, 'file');
    if ('error' in r) log(`LTI platforms file ${file}, entry ${i + 1} ignored: ${r.error}`);
    else out.push(r.platform);
  });
  return out;
}

/**
 * A store with the platforms file's registrations merged in: they are listed first and win over
 * a page registration of the same issuer and client id; saving or deleting them is the file's
 * business (the instructor API refuses it; here a save of one is ignored, a delete returns false).
 * Each node reads its own copy of the file (every node is given the same one).
 */
export function withPlatformsFile(inner: LtiStore, fromFile: () => PlatformRegistration[]): LtiStore {
  const all = async () => {
    const file = fromFile();
    const keys = new Set(file.map((p) => pkey(p.issuer, p.clientId)));
    return [...file, ...(await inner.platforms()).filter((p) => !keys.has(pkey(p.issuer, p.clientId)))];
  };
  const inFile = (issuer: string, clientId: string) => fromFile().some((p) => p.issuer === issuer && p.clientId === clientId);
  return {
    ...inner,
    platforms: all,
    async platform(issuer, clientId) {
      // The file first: a launch from a platform of the file needs no database round trip to find it.
      return findPlatform(fromFile(), issuer, clientId) ?? findPlatform(await all(), issuer, clientId);
    },
    savePlatform: async (p) => (inFile(p.issuer, p.clientId) ? undefined : inner.savePlatform({ ...p, source: 'page' })),
    deletePlatform: async (issuer, clientId) => !inFile(issuer, clientId) && inner.deletePlatform(issuer, clientId),
  };
}

/**
 * The LTI store of a node without PostgreSQL: SQLite in DATA/stacklab.db (memory with a memory
 * store or a store given by the caller), with the platforms file merged in. A database that cannot
 * take the tables keeps LTI in memory and says so, rather than stopping the server. (With
 * STACKLAB_DATABASE_URL, server/lti/index.ts opens PostgreSQL's instead.)
 */
export function openLtiStore(
  config: Config,
  givenStore: boolean,
  log: (message: string) => void = stderrLog,
): LtiStore {
  let inner: LtiStore;
  if (config.store === 'memory' || givenStore) inner = memoryLtiStore();
  else {
    try {
      inner = sqliteLtiStore(join(config.dataDir, 'stacklab.db'), log);
    } catch (e) {
      log(`LTI launches kept in memory only: ${e instanceof Error ? e.message : String(e)}`);
      inner = memoryLtiStore();
    }
  }
  return withPlatformsFile(inner, platformsFile(config.ltiPlatformsFile, log));
}
