/**
 * The real server as a child process (`node --import tsx server/main.ts serve`) on a free
 * loopback port, for tests and benches where a crash must show as the process exiting and where
 * the server's memory must be its own. Keeps the tail of its output for failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** A port that was free a moment ago (loopback). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => ok(port));
    });
  });
}

export interface ServerProcess {
  port: number;
  /** http://127.0.0.1:PORT */
  base: string;
  pid: number;
  child: ChildProcess;
  /** Set when the process has exited. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** Resolves when the process exits. */
  exited: Promise<void>;
  /** The last few KiB of its stdout and stderr. */
  outputTail(): string;
  /** VmRSS in bytes (0 once it has exited). */
  rss(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const TAIL = 16_384;

export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Starts the server with `env` added to this process's environment and waits for /healthz. */
export async function startServerProcess(env: Record<string, string>, opts: { startTimeoutMs?: number; nodeArgs?: string[] } = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts', 'serve'], {
    cwd: REPO_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', STACKLAB_INSTRUCTOR_TOKEN: 'fuzz-instructor-token', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL);
  };
  // Both pipes are always drained, or a chatty server would block on a full pipe.
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const proc: ServerProcess = {
    port,
    base: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    child,
    exit: null,
    exited: new Promise<void>((ok) => {
      child.once('exit', (code, signal) => {
        proc.exit = { code, signal };
        ok();
      });
    }),
    outputTail: () => tail,
    rss: () => (proc.exit ? 0 : rssOf(proc.pid)),
    async stop(graceMs = 2000) {
      if (proc.exit) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!proc.exit) child.kill('SIGKILL');
      }, graceMs);
      await proc.exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  for (;;) {
    if (proc.exit) throw new Error(`the server exited while starting (${JSON.stringify(proc.exit)}):\n${tail}`);
    try {
      const r = await fetch(`${proc.base}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.stop(500);
      throw new Error(`the server did not answer /healthz within ${opts.startTimeoutMs ?? 20_000} ms:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return proc;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTP request with node:http, so that it can come from another loopback address
 * (`localAddress: '127.0.0.N'`: the server sees another client, as a class behind many addresses).
 */
export function httpCall(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; localAddress?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.localAddress, timeout: opts.timeoutMs ?? 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${path} within ${opts.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A new learner: the `name=value` of the Set-Cookie that GET /api/me answers. */
export async function newLearnerCookie(base: string, opts: { localAddress?: string; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<string> {
  const res = await httpCall(base, '/api/me', opts);
  const cookie = (res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
  if (!cookie.includes('=')) throw new Error(`GET /api/me set no cookie (status ${res.status})`);
  return cookie;
}
