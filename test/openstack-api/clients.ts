/**
 * The real OpenStack clients for tests and benches (issue #17): Debian's python-openstackclient
 * 6.0.0 and python-neutronclient, run against a Stacklab started in-process, with a learner's
 * own clouds.yaml as the page gives it.
 *
 * A pool of client-worker.py processes imports the clients once and forks a fresh client per
 * command (1.3 s of the 1.5 s a command costs is Python importing them): same code, argv,
 * environment, stdout, stderr and exit status as /usr/bin/openstack; `binary()` runs the
 * installed script itself (shell lines with pipes, and the check that both give the same).
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CloudStore } from '../../server/store/types.js';
import { loadState } from '../../server/workspace/replay.js';
import { parseWorkspace } from '../../server/workspace/keys.js';
import { runLine, type SessionState } from '../../server/shell/session.js';

export const OPENSTACK_BIN = '/usr/bin/openstack';
export const NEUTRON_BIN = '/usr/bin/neutron';
const PYTHON = '/usr/bin/python3';
const WORKER = join(import.meta.dirname, 'client-worker.py');

/** Why the real clients cannot run here, or null when they can. */
export function missingClients(): string | null {
  for (const f of [OPENSTACK_BIN, NEUTRON_BIN, PYTHON])
    if (!existsSync(f))
      return `${f} is not installed (apt-get install python3-openstackclient python3-neutronclient)`;
  return null;
}

export interface ClientRun {
  stdout: string;
  stderr: string;
  code: number;
}

/** A learner of the app with their clouds.yaml: the environment their clients run with. */
export interface LearnerCloud {
  /** The learner's cookie (`name=value`). */
  cookie: string;
  /** The learner's id (the cookie's signed value). */
  learner: string;
  cloudsFile: string;
  env: Record<string, string>;
}

/**
 * The cookie of learner `id` as the app signs it with `secret` (learners.ts: `id.HMAC`), so that a
 * test names its learners: a learner's id seeds their sandbox, so the same id gives the same ids
 * and addresses on every run.
 */
export function learnerCookie(secret: string, id: string): string {
  return `stacklab_sid=${id}.${createHmac('sha256', secret).update(id).digest('base64url')}`;
}

/**
 * A learner downloads clouds.yaml for `workspace`, as the page's link does: a new one (the app
 * gives the cookie), or the one of `cookie`.
 */
export async function newLearnerCloud(
  appUrl: string,
  workspace: string,
  cookie?: string,
): Promise<LearnerCloud> {
  const res = await fetch(
    `${appUrl}/api/me/clouds.yaml?workspace=${encodeURIComponent(workspace)}`,
    cookie ? { headers: { cookie } } : {},
  );
  if (res.status !== 200) throw new Error(`clouds.yaml: ${res.status} ${await res.text()}`);
  const given = cookie ?? (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const value = decodeURIComponent(given.slice(given.indexOf('=') + 1));
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-clouds-'));
  const cloudsFile = join(dir, 'clouds.yaml');
  writeFileSync(cloudsFile, await res.text());
  return {
    cookie: given,
    learner: value.slice(0, value.lastIndexOf('.')),
    cloudsFile,
    env: {
      PATH: '/usr/bin:/bin',
      HOME: dir,
      OS_CLIENT_CONFIG_FILE: cloudsFile,
      OS_CLOUD: 'stacklab',
      LANG: 'C.UTF-8',
    },
  };
}

interface Pending {
  ok: (r: ClientRun) => void;
  fail: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** One worker process: one command at a time. */
class Worker {
  private proc: ChildProcessWithoutNullStreams;
  private pending: Pending | null = null;
  private dead = false;

  constructor() {
    this.proc = spawn(PYTHON, [WORKER], {
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: tmpdir() },
      stdio: 'pipe',
    });
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const p = this.pending;
      this.pending = null;
      if (!p) return;
      clearTimeout(p.timer);
      p.ok(JSON.parse(line) as ClientRun);
    });
    let err = '';
    this.proc.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    this.proc.on('exit', (code) => {
      this.dead = true;
      this.pending?.fail(new Error(`client worker exited (${code}): ${err}`));
      this.pending = null;
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  run(
    prog: 'openstack' | 'neutron',
    argv: string[],
    env: Record<string, string>,
    timeoutMs: number,
  ): Promise<ClientRun> {
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => {
        this.pending = null;
        this.close();
        fail(new Error(`${prog} ${argv.join(' ')}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = { ok, fail, timer };
      this.proc.stdin.write(`${JSON.stringify({ prog, argv, env })}\n`);
    });
  }

  close(): void {
    this.dead = true;
    this.proc.stdin.end();
    this.proc.kill();
  }
}

/** Default pool size: two client processes per core (a command waits on the server about half its time). */
export const POOL_SIZE = Math.max(2, 2 * availableParallelism());

/** A pool of workers: `run` queues a command for the next free one. */
export class ClientPool {
  private idle: Worker[] = [];
  private waiting: Array<(w: Worker) => void> = [];
  private all: Worker[] = [];

  constructor(private readonly size = POOL_SIZE) {}

  private async take(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return w.alive ? w : this.replace(w);
    if (this.all.length < this.size) {
      const fresh = new Worker();
      this.all.push(fresh);
      return fresh;
    }
    return new Promise((ok) => this.waiting.push(ok));
  }

  private replace(old: Worker): Worker {
    const fresh = new Worker();
    this.all[this.all.indexOf(old)] = fresh;
    return fresh;
  }

  private give(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w.alive ? w : this.replace(w));
    else this.idle.push(w);
  }

  async run(
    prog: 'openstack' | 'neutron',
    argv: string[],
    env: Record<string, string>,
    timeoutMs = 120_000,
  ): Promise<ClientRun> {
    const w = await this.take();
    try {
      return await w.run(prog, argv, env, timeoutMs);
    } finally {
      this.give(w);
    }
  }

  close(): void {
    for (const w of this.all) w.close();
  }
}

/** Runs a program (the installed client, bash) as a process of its own; never rejects for its exit status. */
export function binary(
  file: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<ClientRun> {
  return new Promise((ok) => {
    execFile(
      file,
      args,
      { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        ok({ stdout, stderr, code });
      },
    );
  });
}

/**
 * What the emulated CLI prints for `line` on a learner's workspace as it is now (the store's
 * snapshot and history replayed; `vars` over the session's variables), without recording it:
 * the same state the next real client command will find.
 */
export async function emulatedNow(
  store: CloudStore,
  workspace: string,
  learner: string,
  line: string,
  vars: Record<string, string> = {},
): Promise<ClientRun & { before: SessionState; after: SessionState }> {
  const ref = parseWorkspace(workspace, []);
  if (!ref) throw new Error(`no workspace ${workspace}`);
  const s = await loadState(store, ref, learner);
  const before = { ...s, env: { ...s.env, ...vars } };
  const r = runLine(before, line);
  return {
    stdout: r.result.stdout,
    stderr: r.result.stderr,
    code: r.result.exitCode,
    before,
    after: r.state,
  };
}

/** The real client's output with the app's endpoint URLs spelled as the emulated CLI spells its cloud's (the one normalisation). */
export function asEmulatedEndpoints(appUrl: string, r: ClientRun, s: SessionState): ClientRun {
  const fix = (text: string) =>
    text
      .replaceAll(`${appUrl}/openstack/network`, s.cloud.config.networkEndpoint)
      .replaceAll(`${appUrl}/openstack/compute/v2.1`, `${s.cloud.config.computeEndpoint}/v2.1`);
  return { ...r, stdout: fix(r.stdout), stderr: fix(r.stderr) };
}

/** Bash splits (and expands) a line's arguments as the oracle's shell did (`cwd`: where a glob would look). */
export async function argvOf(
  args: string,
  env: Record<string, string>,
  cwd = tmpdir(),
): Promise<string[]> {
  if (args.trim() === '') return [];
  const r = await binary('/bin/bash', ['-c', `cd ${cwd}\nprintf '%s\\0' ${args}`], env);
  if (r.code !== 0) throw new Error(`bash could not split ${args}: ${r.stderr}`);
  return r.stdout.split('\0').slice(0, -1);
}

/**
 * Request ids in errors (`req-<uuid>`, the legacy clients print them): a real Neutron draws one per
 * call, the emulated CLI derives one from the cloud and the message, so they are compared by shape.
 */
export function sameRequestIds(text: string): string {
  return text.replace(
    /req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    'req-<id>',
  );
}

/** A command's output as a transcript block (stdout, `[stderr] ` lines, `[exit N]`), so a mismatch prints a line diff. */
export function block(line: string, r: ClientRun, extra = ''): string {
  const err =
    r.stderr === ''
      ? ''
      : r.stderr
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `[stderr] ${l}\n`)
          .join('');
  return `$ ${line}\n${r.stdout}${err}${extra}[exit ${r.code}]\n`;
}
