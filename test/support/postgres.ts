/**
 * A throwaway PostgreSQL server for tests: initdb into a temporary folder, listening on a free
 * port of 127.0.0.1 (and a socket inside the folder), gone after stop(). STACKLAB_TEST_DATABASE_URL
 * names a server to use instead (its databases are made and dropped, the server left alone).
 * Without PostgreSQL's binaries there is no server: the caller skips and says why (binaries that
 * fail to start are an error, not a skip).
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface TestPostgres {
  /** A database made for the caller, on the server (a fresh one per call of startPostgres). */
  url: string;
  /** Another empty database on the same server (dropped by stop). */
  newDatabase(): Promise<string>;
  /**
   * Stops the server, then starts it again on the same port and files (for outage tests), or null
   * when the server is not ours (STACKLAB_TEST_DATABASE_URL).
   */
  outage: { halt(): Promise<void>; resume(): Promise<void> } | null;
  /** Drops the databases made, and stops and removes a server of ours. */
  stop(): Promise<void>;
}

/** The folder of initdb and pg_ctl: in PATH, else the newest of Debian's /usr/lib/postgresql/N/bin. */
function binDir(): string | null {
  const has = (d: string) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'));
  for (const d of (process.env['PATH'] ?? '').split(delimiter)) if (d !== '' && has(d)) return d;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (has(join(root, v, 'bin'))) return join(root, v, 'bin');
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The uid and gid of the `postgres` user, from /etc/passwd's entry (via getent). */
async function postgresUser(): Promise<{ uid: number; gid: number } | null> {
  try {
    const { stdout } = await run('getent', ['passwd', 'postgres']);
    const [, , uid, gid] = stdout.trim().split(':');
    return uid && gid ? { uid: Number(uid), gid: Number(gid) } : null;
  } catch {
    return null;
  }
}

async function createDatabase(adminUrl: string, made: string[]): Promise<string> {
  const name = `stacklab_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  made.push(name);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.href;
}

async function dropDatabases(adminUrl: string, names: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * A server and a fresh database on it, or null (after telling `onSkip` why) when this machine
 * has no PostgreSQL and STACKLAB_TEST_DATABASE_URL is not set.
 */
export async function startPostgres(onSkip: (reason: string) => void = (r) => console.warn(r)): Promise<TestPostgres | null> {
  const made: string[] = [];
  const external = process.env['STACKLAB_TEST_DATABASE_URL'] ?? '';
  if (external !== '') {
    return {
      url: await createDatabase(external, made),
      newDatabase: () => createDatabase(external, made),
      outage: null,
      stop: () => dropDatabases(external, made.splice(0)),
    };
  }
  const bin = binDir();
  if (!bin) {
    onSkip('no PostgreSQL here (initdb and pg_ctl are neither in PATH nor in /usr/lib/postgresql/*/bin; apt-get install postgresql), and STACKLAB_TEST_DATABASE_URL is not set');
    return null;
  }
  // initdb refuses to run as root: then the binaries run as the `postgres` user, owning the folder.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await postgresUser() : null;
  if (asRoot && !owner) {
    onSkip('running as root, and there is no `postgres` user to run PostgreSQL as (initdb refuses root)');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const pgRun = (tool: string, args: string[]) =>
    owner ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { cwd: dir }) : run(join(bin, tool), args, { cwd: dir });
  let port = 0;
  const start = () =>
    pgRun('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -F`, 'start']);
  const halt = async () => {
    await pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  try {
    // No fsync, trust on the loopback: a server that lives for one test file.
    await pgRun('initdb', ['-D', data, '-U', 'stacklab', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    // The free port may be taken between the check and the start: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
  } catch (e) {
    // Binaries that are there but do not start are a broken machine, not a reason to skip.
    const out = (e as { stderr?: unknown }).stderr;
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').trim() : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL from ${bin} did not start: ${typeof out === 'string' && out !== '' ? out.trim() : String(e)}${log !== '' ? `\n${log}` : ''}`);
  }
  const admin = `postgresql://stacklab@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  // A test run that ends without stop() (a crash, a timeout) still leaves no server behind.
  const onExit = () => {
    const args = ['-D', data, '-m', 'immediate', '-W', 'stop'];
    spawnSync(owner ? 'runuser' : join(bin, 'pg_ctl'), owner ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args] : args, { cwd: dir, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  try {
    return { url: await createDatabase(admin, made), newDatabase: () => createDatabase(admin, made), outage: { halt, resume: async () => void (await start()) }, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** SQL run beside the stores (what an operator or another program does to the database). */
export async function sql<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/** What a promise rejected with (null when it resolved). */
export const rejection = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
