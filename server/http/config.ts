/** Server configuration, parsed once from the environment with documented defaults. */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTrustedProxies } from './client-address.js';

/** The repository's labs folder (server/labs/cli.ts's LABS_DIR, without importing the labs here). */
const LABS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'labs');

export interface Config {
  /** PORT, default 3000. */
  port: number;
  /** HOST, default 0.0.0.0 (all interfaces; the page is http://localhost:PORT). */
  host: string;
  /** STACKLAB_DATA, default ./data: the SQLite database and the cookie secret live here. */
  dataDir: string;
  /** STACKLAB_SECRET, else a random one kept in DATA/secret so sessions survive restarts. */
  secret: string;
  /** STACKLAB_STORE=memory keeps nothing on disk (tests); default sqlite. */
  store: 'sqlite' | 'memory';
  /** Directory of the built client (default dist/client). */
  clientDir: string;
  /** STACKLAB_INSTRUCTOR_TOKEN, else generated once, kept in DATA/instructor-token and printed. */
  instructorToken: string;
  instructorTokenGenerated: boolean;
  /** STACKLAB_IDLE_EVICT_MS, default 600000 (10 min): a workspace idle this long with no terminal open leaves memory. */
  idleEvictMs: number;
  /**
   * STACKLAB_NEW_LEARNERS_PER_ADDRESS, default 300: new learners (cookies) one address may get at
   * once, refilled over two and a half minutes; 0 turns the limit off. Behind a proxy, list it in
   * STACKLAB_TRUSTED_PROXIES so that the address is the learner's, not the proxy's.
   */
  newLearnersPerAddress: number;
  /**
   * STACKLAB_TRUSTED_PROXIES, default none: the proxies (addresses or CIDR ranges, separated by
   * commas) whose X-Forwarded-For header names the client, for the per-address limits
   * (server/http/client-address.ts). Kept as normalized `ADDRESS/BITS`.
   */
  trustedProxies: string[];
  /** STACKLAB_DB_MAX_MB: a ceiling on the database's size; past it commands are refused as on a full disk. Default none. */
  dbMaxBytes: number | undefined;
  /**
   * STACKLAB_PUBLIC_URL: the origin learners type (e.g. https://lab.example.org behind a
   * TLS-terminating proxy), or null (default): the server is reached directly over plain HTTP.
   * The terminal socket only opens for pages of this origin (scheme included).
   */
  publicOrigin: string | null;
  /** STACKLAB_SECURE_COOKIE=1|0, default 1 when STACKLAB_PUBLIC_URL is https: the learner cookie is `Secure`. */
  secureCookie: boolean;
  /**
   * STACKLAB_FRAME_ANCESTORS, default `'self'`: CSP frame-ancestors sources, who may show the pages
   * in a frame (an LMS for LTI launches, e.g. `'self' https://lms.example.org`; `'none'` for nobody).
   */
  frameAncestors: string;
  /**
   * STACKLAB_CALLS_PER_SECOND, default 20: terminal messages and API calls one learner may send a
   * second; the bursts and the server time budget scale with it (server/http/limits.ts).
   */
  callsPerSecond: number;
  /** STACKLAB_LABS, default the repository's labs/: the lab files the catalogue is read from. */
  labsDir: string;
  /**
   * STACKLAB_WATCH_LABS=1|0, default 1 unless NODE_ENV=production: the labs folder is watched and
   * a changed lab appears without a restart (in production: the class page's Reload or SIGHUP).
   */
  watchLabs: boolean;
  /**
   * STACKLAB_LTI_PLATFORMS, default DATA/lti-platforms.json (read when it exists): LMS platforms
   * registered for LTI 1.3 by configuration, beside those the class page registers.
   */
  ltiPlatformsFile: string;
  /**
   * STACKLAB_DATABASE_URL, default none (null: SQLite in DATA, or memory): a PostgreSQL URL
   * (postgres://user:password@host:5432/db) whose database every process and machine of the
   * deployment shares (server/store/postgres.ts).
   */
  databaseUrl: string | null;
  /**
   * STACKLAB_DATABASE_POOL, default 10: connections to that database each server process keeps
   * at most. Every process of every node has its own pool: nodes × workers × this must stay
   * below PostgreSQL's max_connections (100 by default).
   */
  databasePoolSize: number;
  /**
   * STACKLAB_WORKERS, default 1 (one process): how many worker processes `stacklab serve` runs
   * behind a primary that routes each learner to one of them (server/cluster); `auto` is one per
   * core (os.availableParallelism()).
   */
  workers: number;
}

/**
 * Creates the data directory readable by this user only (0700), or tightens an existing one: it
 * holds the cookie secret, the instructor token and every learner's history.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  makePrivate([dir], 0o700);
}

/** Best effort: existing files (or a directory) lose any group/other permission. */
export function makePrivate(paths: string[], mode = 0o600): void {
  for (const p of paths) {
    try {
      if ((statSync(p).mode & 0o077) !== 0) chmodSync(p, mode);
    } catch {
      // Missing, or not ours to change (a file system without modes, another owner).
    }
  }
}

/** A whole number from the environment, or the default; anything else stops the server with a clear message. */
function intEnv(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${name} must be a whole number ≥ ${min}, not ${raw}`);
  return n;
}

/** 1 or 0 from the environment, or undefined when unset; anything else stops the server. */
function flagEnv(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name] ?? '';
  if (raw === '') return undefined;
  if (raw !== '0' && raw !== '1') throw new Error(`${name} must be 1 or 0, not ${raw}`);
  return raw === '1';
}

function keptSecret(
  dataDir: string,
  file: string,
  make: () => string,
): { value: string; generated: boolean } {
  ensurePrivateDir(dataDir);
  const path = join(dataDir, file);
  if (existsSync(path)) {
    makePrivate([path]);
    return { value: readFileSync(path, 'utf8').trim(), generated: false };
  }
  const value = make();
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return { value, generated: true };
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const port = env['PORT'] ? Number(env['PORT']) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${env['PORT'] ?? ''}`);
  const dataDir = resolve(env['STACKLAB_DATA'] ?? 'data');
  const store = env['STACKLAB_STORE'] === 'memory' ? 'memory' : 'sqlite';
  const envSecret = env['STACKLAB_SECRET'] ?? '';
  const secret =
    envSecret !== ''
      ? envSecret
      : keptSecret(dataDir, 'secret', () => randomBytes(32).toString('hex')).value;
  const envToken = env['STACKLAB_INSTRUCTOR_TOKEN'] ?? '';
  const token =
    envToken !== ''
      ? { value: envToken, generated: false }
      : keptSecret(dataDir, 'instructor-token', () => randomBytes(18).toString('base64url'));
  const publicOrigin = parsePublicUrl(env['STACKLAB_PUBLIC_URL'] ?? '');
  const secureEnv = env['STACKLAB_SECURE_COOKIE'] ?? '';
  if (secureEnv !== '' && secureEnv !== '0' && secureEnv !== '1')
    throw new Error(`STACKLAB_SECURE_COOKIE must be 1 or 0, not ${secureEnv}`);
  const secureCookie =
    secureEnv === '' ? publicOrigin?.startsWith('https:') === true : secureEnv === '1';
  const workers = parseWorkers(env['STACKLAB_WORKERS'] ?? '');
  // Workers share the learners' workspaces through the store: memory is one process's own.
  if (workers > 1 && store === 'memory' && (env['STACKLAB_DATABASE_URL'] ?? '') === '')
    throw new Error('STACKLAB_WORKERS > 1 needs a store the workers share (SQLite, the default, or STACKLAB_DATABASE_URL), not STACKLAB_STORE=memory');
  return {
    instructorToken: token.value,
    instructorTokenGenerated: token.generated,
    port,
    host: env['HOST'] ?? '0.0.0.0',
    dataDir,
    secret,
    store,
    clientDir: resolve(env['STACKLAB_CLIENT'] ?? 'dist/client'),
    idleEvictMs: intEnv(env, 'STACKLAB_IDLE_EVICT_MS', 100) ?? 600_000,
    newLearnersPerAddress: intEnv(env, 'STACKLAB_NEW_LEARNERS_PER_ADDRESS', 0) ?? 300,
    trustedProxies: parseTrustedProxies(env['STACKLAB_TRUSTED_PROXIES'] ?? ''),
    dbMaxBytes: ((mb) => (mb === undefined ? undefined : mb * 1024 * 1024))(
      intEnv(env, 'STACKLAB_DB_MAX_MB', 1),
    ),
    publicOrigin,
    secureCookie,
    frameAncestors: parseFrameAncestors(env['STACKLAB_FRAME_ANCESTORS'] ?? ''),
    callsPerSecond: intEnv(env, 'STACKLAB_CALLS_PER_SECOND', 1) ?? 20,
    labsDir: resolve(env['STACKLAB_LABS'] ?? LABS_DIR),
    watchLabs: flagEnv(env, 'STACKLAB_WATCH_LABS') ?? env['NODE_ENV'] !== 'production',
    ltiPlatformsFile: resolve(env['STACKLAB_LTI_PLATFORMS'] ?? join(dataDir, 'lti-platforms.json')),
    databaseUrl: parseDatabaseUrl(env['STACKLAB_DATABASE_URL'] ?? ''),
    databasePoolSize: intEnv(env, 'STACKLAB_DATABASE_POOL', 1) ?? 10,
    workers,
  };
}

/** STACKLAB_WORKERS: a whole number from 1 to 256, or `auto` (one per core); unset is 1. */
function parseWorkers(value: string): number {
  if (value === '') return 1;
  if (value === 'auto') return Math.max(1, availableParallelism());
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 256)
    throw new Error(`STACKLAB_WORKERS must be a whole number from 1 to 256, or auto, not ${value}`);
  return n;
}

/** A URL, or null when the text is none (the caller says what it should have been). */
function urlOrNull(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** STACKLAB_PUBLIC_URL as an origin (`https://lab.example.org`), or null when unset. */
function parsePublicUrl(value: string): string | null {
  if (value === '') return null;
  const u = urlOrNull(value);
  if (
    !u ||
    (u.protocol !== 'http:' && u.protocol !== 'https:') ||
    u.username !== '' ||
    u.password !== '' ||
    u.pathname !== '/' ||
    u.search !== '' ||
    u.hash !== ''
  ) {
    throw new Error(
      `STACKLAB_PUBLIC_URL must be the origin learners use, such as https://lab.example.org, not ${value}`,
    );
  }
  return u.origin;
}

/**
 * STACKLAB_DATABASE_URL as given, or null when unset. Only its shape is checked here (the server
 * is reached when the store opens); a refused value is echoed without its password.
 */
function parseDatabaseUrl(value: string): string | null {
  if (value === '') return null;
  const u = urlOrNull(value);
  if (
    !u ||
    (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') ||
    (u.hostname === '' && !u.searchParams.has('host')) ||
    u.pathname.length <= 1
  ) {
    if (u && u.password !== '') u.password = '***';
    throw new Error(
      `STACKLAB_DATABASE_URL must be a PostgreSQL URL such as postgres://stacklab:password@db.example.org:5432/stacklab, not ${u ? u.href : 'a value that is not a URL'}`,
    );
  }
  return value;
}

/** One CSP source: a keyword, a scheme (`https:`), or a host with optional scheme, port and path. */
const FRAME_SOURCE =
  /^(?:'self'|\*|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?:\d{1,5}|\*))?(?:\/[\w\-.~%!$&'()*+=:@/]*)?)$/i;

/** STACKLAB_FRAME_ANCESTORS, checked so that it cannot add other directives to the policy. */
function parseFrameAncestors(value: string): string {
  const sources = value
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '');
  if (sources.length === 0) return "'self'";
  const ok =
    sources.length === 1 && sources[0] === "'none'"
      ? true
      : sources.every((s) => FRAME_SOURCE.test(s));
  if (!ok)
    throw new Error(
      `STACKLAB_FRAME_ANCESTORS must be 'none' or CSP sources separated by spaces ('self' https://lms.example.org), not ${value}`,
    );
  return sources.join(' ');
}
