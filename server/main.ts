/**
 * Composition root and the `stacklab` command:
 *   stacklab serve                         the web app (PORT, STACKLAB_DATA, STACKLAB_WORKERS)
 *   stacklab run --fixture NAME [--seed N] [--host H] [--format text|json] [--columns N] FILE|-
 *   stacklab shell --fixture NAME [--seed N]
 * Only this layer touches the process, the file system and the clock.
 */
import { readFileSync } from 'node:fs';
import type { Config as ServeConfig } from './http/config.js';
import { createInterface } from 'node:readline';
import { formatTranscript, runScript } from './shell/script.js';
import { createSession, fixtureHosts, fixtureNames, prompt, runLine } from './shell/session.js';

const USAGE = `usage: stacklab serve
       stacklab run --fixture NAME [--seed N] [--host H] [--format text|json] [--columns N] FILE|-
       stacklab shell --fixture NAME [--seed N] [--host H] [--columns N]
       stacklab lab check [FILE…]
       stacklab grade --lab ID (--learner ID | --all) [--format text|csv|json]
fixtures: ${fixtureNames().join(', ')}
`;

interface Opts {
  fixture: string;
  seed: number;
  format: 'text' | 'json';
  columns: number;
  file: string | undefined;
  host: string | undefined;
}

function fail(msg: string): never {
  process.stderr.write(`stacklab: ${msg}\n${USAGE}`);
  process.exit(2);
}

function parseOpts(argv: string[]): Opts {
  const o: Opts = { fixture: 'empty', seed: 1, format: 'text', columns: 80, file: undefined, host: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--fixture') o.fixture = val();
    else if (a === '--seed') o.seed = Number(val());
    else if (a === '--columns') o.columns = Number(val());
    else if (a === '--host') o.host = val();
    else if (a === '--format') {
      const f = val();
      if (f !== 'text' && f !== 'json') fail(`--format must be text or json, not ${f}`);
      o.format = f;
    } else if (a.startsWith('--')) fail(`unknown option ${a}`);
    else o.file = a;
  }
  if (!fixtureNames().includes(o.fixture)) fail(`unknown fixture '${o.fixture}'`);
  if (!Number.isInteger(o.seed)) fail('--seed must be an integer');
  if (o.host !== undefined && !fixtureHosts(o.fixture).includes(o.host)) fail(`fixture '${o.fixture}' has no host '${o.host}' (hosts: ${fixtureHosts(o.fixture).join(', ')})`);
  return o;
}

function run(argv: string[]): void {
  const o = parseOpts(argv);
  if (o.file === undefined) fail('run needs a FILE (or - for standard input)');
  const text = readFileSync(o.file === '-' ? 0 : o.file, 'utf8');
  const entries = runScript(text.split('\n'), { fixture: o.fixture, seed: o.seed, columns: o.columns, ...(o.host !== undefined ? { host: o.host } : {}) });
  if (o.format === 'json') process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
  else process.stdout.write(formatTranscript(entries));
}

function shell(argv: string[]): void {
  const o = parseOpts(argv);
  let state = createSession({ fixture: o.fixture, seed: o.seed, columns: process.stdout.columns ?? o.columns, ...(o.host !== undefined ? { host: o.host } : {}) });
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  rl.setPrompt(prompt(state));
  rl.prompt();
  rl.on('line', (line) => {
    if (line.trim() === 'exit' || line.trim() === 'logout') {
      rl.close();
      return;
    }
    const r = runLine(state, line);
    state = r.state;
    process.stdout.write(r.result.stdout);
    process.stderr.write(r.result.stderr);
    rl.setPrompt(prompt(state));
    rl.prompt();
  });
}

async function serve(): Promise<void> {
  const { loadConfig } = await import('./http/config.js');
  const config = loadConfig(process.env);
  // STACKLAB_WORKERS > 1: a primary routes learners to worker processes (server/cluster).
  if (config.workers > 1) {
    const cluster = (await import('node:cluster')).default;
    return cluster.isPrimary ? servePrimary(config) : serveWorker(config);
  }
  const { startServer } = await import('./http/app.js');
  const server = await startServer(config);
  process.stdout.write(`Stacklab is serving on ${server.url}\n`);
  printInstructor(config, server.url);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // `kill -HUP PID` reads the labs folder again (production has no watcher); the report goes to the log.
  process.on('SIGHUP', () => {
    const r = server.reloadLabs();
    const list = (ids: string[]) => (ids.length > 0 ? ids.join(', ') : 'none');
    process.stderr.write(
      `[${new Date(r.at).toISOString()}] labs reloaded (SIGHUP): added ${list(r.added)}; changed ${list(r.changed)}; removed ${list(r.removed)}; ${r.problems.length} problem(s)\n`,
    );
  });
}

function printInstructor(config: ServeConfig, url: string): void {
  if (config.instructorTokenGenerated) {
    process.stdout.write(`Instructor token (kept in ${config.dataDir}/instructor-token): ${config.instructorToken}\nClass page: ${url}/instructor\n`);
  }
}

/** The primary: it read the configuration first (so the secrets exist before any worker reads them). */
async function servePrimary(config: ServeConfig): Promise<void> {
  const { startPrimary } = await import('./cluster/primary.js');
  const { tokenLearnerOf } = await import('./http/openstack/tokens.js');
  const log = (m: string) => process.stderr.write(`[${new Date().toISOString()}] ${m}\n`);
  const primary = await startPrimary({
    workers: config.workers,
    port: config.port,
    host: config.host,
    keystoneLearner: tokenLearnerOf(config.secret),
    log,
  });
  const url = `http://localhost:${primary.port}`;
  process.stdout.write(`Stacklab is serving on ${url} (${config.workers} workers)\n`);
  printInstructor(config, url);
  const stop = () => {
    void primary.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Every worker reads the labs folder again; each logs its report.
  process.on('SIGHUP', () => {
    log('SIGHUP: labs reload relayed to every worker');
    primary.reloadLabs();
  });
}

async function serveWorker(config: ServeConfig): Promise<void> {
  const { runWorker } = await import('./cluster/worker.js');
  const index = Number(process.env['STACKLAB_WORKER_INDEX'] ?? '0');
  const server = await runWorker(config, Number.isInteger(index) ? index : 0);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The primary relays reloads; a hang-up of the terminal's process group must not end a worker.
  process.on('SIGHUP', () => undefined);
}

async function labs(argv: string[]): Promise<void> {
  const { labCheck } = await import('./labs/index.js');
  if (argv[0] !== 'check') fail('lab needs a sub-command: check');
  const r = labCheck(argv.slice(1));
  process.stdout.write(r.output);
  process.exit(r.exitCode);
}

/**
 * The database `stacklab grade` reads, as the server finds it: PostgreSQL when
 * STACKLAB_DATABASE_URL is set, else the data folder's SQLite file (server/http/config.ts), found
 * without loadConfig: that creates the folder and its secrets, and grading must leave no trace
 * where it found nothing. Which database was read is said, so a grade of the wrong one is noticed.
 */
async function gradeStoreSource() {
  const url = process.env['STACKLAB_DATABASE_URL'];
  if (url !== undefined && url !== '') {
    const { postgresStore } = await import('./store/postgres.js');
    process.stderr.write(`stacklab: reading the PostgreSQL database of STACKLAB_DATABASE_URL\n`);
    return postgresStore(url);
  }
  const { sqliteStore } = await import('./store/sqlite.js');
  const { existsSync } = await import('node:fs');
  const { join, resolve } = await import('node:path');
  const file = join(resolve(process.env['STACKLAB_DATA'] ?? 'data'), 'stacklab.db');
  if (!existsSync(file)) {
    process.stderr.write(
      `stacklab: no database at ${file}: the server has not run with this data folder. Set STACKLAB_DATA to the folder the server uses (it defaults to ./data, relative to where the command runs).\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`stacklab: reading ${file}\n`);
  return sqliteStore(file);
}

/** `stacklab grade`: reads the web app's database (STACKLAB_DATA or STACKLAB_DATABASE_URL) without the server. */
async function gradeCmd(argv: string[]): Promise<void> {
  const { gradeCommand } = await import('./labs/index.js');
  const { gradeStoreFor } = await import('./workspace/grading.js');
  const a: { lab: string; learner?: string; all?: boolean; format?: 'text' | 'csv' | 'json' } = { lab: '' };
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t === '--lab') a.lab = argv[++i] ?? '';
    else if (t === '--learner') a.learner = argv[++i] ?? '';
    else if (t === '--all') a.all = true;
    else if (t === '--format') {
      const f = argv[++i] ?? '';
      if (f !== 'text' && f !== 'csv' && f !== 'json') fail(`--format must be text, csv or json, not '${f}'`);
      a.format = f;
    } else fail(`unknown option ${t ?? ''}`);
  }
  const store = await gradeStoreSource();
  const { loadLabs } = await import('./labs/index.js');
  const r = await gradeCommand(gradeStoreFor(store, loadLabs()), a);
  await store.close();
  process.stdout.write(r.output);
  process.exit(r.exitCode);
}

const [cmd, ...rest] = process.argv.slice(2);
try {
  await main(cmd, rest);
} catch (e) {
  // A database that cannot be used, a bad setting: say what is wrong and what to do, no stack.
  const { StoreError } = await import('./store/types.js');
  if (!(e instanceof StoreError) && !(e instanceof Error && /^(PORT|STACKLAB_)/.test(e.message))) throw e;
  process.stderr.write(`stacklab: ${e.message}\n`);
  process.exit(1);
}

async function main(cmd: string | undefined, rest: string[]): Promise<void> {
  switch (cmd) {
    case 'lab':
      await labs(rest);
      break;
    case 'grade':
      await gradeCmd(rest);
      break;
    case 'run':
      run(rest);
      break;
    case 'shell':
      shell(rest);
      break;
    case 'serve':
      await serve();
      break;
    default:
      process.stderr.write(USAGE);
      process.exit(cmd === undefined || cmd === '--help' || cmd === '-h' ? 0 : 2);
  }
}
