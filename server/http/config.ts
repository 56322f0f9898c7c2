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
  return {
    port,
    host: env['HOST'] ?? '0.0.0.0',
    dataDir,
    secret,
    store,
    clientDir: resolve(env['STACKLAB_CLIENT'] ?? 'dist/client'),
  };
}
