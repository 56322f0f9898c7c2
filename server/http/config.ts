/** Server configuration, parsed once from the environment with documented defaults. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

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
  /** STACKLAB_DB_MAX_MB: a ceiling on the database's size; past it commands are refused as on a full disk. Default none. */
  dbMaxBytes: number | undefined;
}

/** A whole number from the environment, or the default; anything else stops the server with a clear message. */
function intEnv(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min}, not ${raw}`);
  return n;
}

function keptSecret(dataDir: string, file: string): { value: string; generated: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, file);
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), generated: false };
  const value = randomBytes(18).toString('base64url');
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return { value, generated: true };
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const port = env['PORT'] ? Number(env['PORT']) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${env['PORT'] ?? ''}`);
  const dataDir = resolve(env['STACKLAB_DATA'] ?? 'data');
  const store = env['STACKLAB_STORE'] === 'memory' ? 'memory' : 'sqlite';
  let secret = env['STACKLAB_SECRET'] ?? '';
  if (secret === '') {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'secret');
    if (existsSync(file)) secret = readFileSync(file, 'utf8').trim();
    else {
      secret = randomBytes(32).toString('hex');
      writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    }
  }
  const envToken = env['STACKLAB_INSTRUCTOR_TOKEN'] ?? '';
  const token = envToken !== '' ? { value: envToken, generated: false } : keptSecret(dataDir, 'instructor-token');
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
    dbMaxBytes: ((mb) => (mb === undefined ? undefined : mb * 1024 * 1024))(intEnv(env, 'STACKLAB_DB_MAX_MB', 1)),
  };
}
