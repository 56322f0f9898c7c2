/**
 * HAProxy (Debian's package) in front of test nodes, configured from deploy/haproxy.cfg itself so
 * the failover test exercises the balancing, health checks and retries that ship: only the
 * listening address, the servers (loopback ports) and Docker's DNS section are replaced, and an
 * admin socket is added so a test can drain a node as an operator would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPO_ROOT } from './server-process.js';

export const HAPROXY_TEMPLATE = join(REPO_ROOT, 'deploy', 'haproxy.cfg');

/** Debian's binary (HAPROXY to use another). */
const CANDIDATES = [process.env['HAPROXY'] ?? '', '/usr/sbin/haproxy', '/usr/local/sbin/haproxy'];

/** The haproxy binary, or why there is none (the test is then skipped with that reason). */
export function findHaproxy(): { bin: string } | { reason: string } {
  const bin = CANDIDATES.find((p) => p !== '' && existsSync(p));
  return bin
    ? { bin }
    : { reason: 'no haproxy binary (apt-get install haproxy, or set HAPROXY to its path)' };
}

/** One node behind the proxy: its server name in the config (X-Stacklab-Node) and loopback port. */
export interface Backend {
  name: string;
  port: number;
}

/**
 * deploy/haproxy.cfg for a test: listens on 127.0.0.1:`listenPort`, balances over `backends`, and
 * has an admin socket at `adminSocket`. Throws when the template no longer has the lines it
 * replaces, so a reshaped deploy file fails the test loudly instead of testing something else.
 */
export function testHaproxyConfig(template: string, listenPort: number, backends: Backend[], adminSocket: string): string {
  const lines = template.split('\n');
  const binds = lines.filter((l) => /^\s+bind\s/.test(l));
  const servers = lines.filter((l) => /^\s+server\s/.test(l));
  if (binds.length !== 1 || servers.length === 0 || !lines.some((l) => l.trim() === 'global'))
    throw new Error(`${HAPROXY_TEMPLATE} should have a global section, one bind line and server lines`);
  const out: string[] = [];
  let inResolvers = false;
  let serversWritten = false;
  for (const line of lines) {
    // Docker's embedded DNS does not exist here: its section goes, up to the next section.
    if (/^resolvers\s/.test(line)) inResolvers = true;
    else if (/^\S/.test(line)) inResolvers = false;
    if (inResolvers) continue;
    if (/^\s+bind\s/.test(line)) out.push(`    bind 127.0.0.1:${listenPort}`);
    else if (/^\s+server\s/.test(line)) {
      if (!serversWritten) for (const b of backends) out.push(`    server ${b.name} 127.0.0.1:${b.port}`);
      serversWritten = true;
    } else out.push(line);
    if (line.trim() === 'global') out.push(`    stats socket ${adminSocket} mode 600 level admin`);
  }
  return out.join('\n');
}

export interface HaproxyProcess {
  port: number;
  /** http://127.0.0.1:PORT */
  base: string;
  child: ChildProcess;
  /** The config it runs, for failure messages. */
  config: string;
  /** The last few KiB of its output (its request log included). */
  outputTail(): string;
  /** One runtime API command (e.g. `set server nodes/node1 state maint`), its answer. */
  admin(command: string): Promise<string>;
  /** SIGTERM, then SIGKILL after a second; removes its files. */
  stop(): Promise<void>;
}

const TAIL = 32_768;

/**
 * Starts `haproxy -f CONFIG -db` (foreground, logs on stdout) in front of `backends` and waits
 * until it answers /healthz through them. Throws with its output when it cannot start.
 */
export async function startHaproxy(bin: string, backends: Backend[]): Promise<HaproxyProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-haproxy-'));
  const port = await freePort();
  const socket = join(dir, 'admin.sock');
  const config = testHaproxyConfig(readFileSync(HAPROXY_TEMPLATE, 'utf8'), port, backends, socket);
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child = spawn(bin, ['-f', file, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((ok) => {
    child.once('exit', () => {
      exited = true;
      ok();
    });
    child.once('error', (e) => {
      tail += `\n${e.message}`;
      exited = true;
      ok();
    });
  });
  const proxy: HaproxyProcess = {
    port,
    base: `http://127.0.0.1:${port}`,
    child,
    config,
    outputTail: () => tail,
    admin: (command) => adminCommand(socket, command),
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
        await exit;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) {
      await proxy.stop();
      throw new Error(`haproxy exited while starting:\n${tail}\n--- config ---\n${config}`);
    }
    try {
      const r = await fetch(`${proxy.base}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return proxy;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proxy.stop();
      throw new Error(`haproxy did not answer /healthz within 10 s:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** HAProxy's runtime API: one command per connection, the answer is everything until it closes. */
function adminCommand(socket: string, command: string): Promise<string> {
  return new Promise((ok, fail) => {
    const c = connect(socket);
    let answer = '';
    const timer = setTimeout(() => {
      c.destroy();
      fail(new Error(`no answer from haproxy's admin socket to ${command}`));
    }, 3000);
    c.on('connect', () => c.end(`${command}\n`));
    c.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    c.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    c.on('close', () => {
      clearTimeout(timer);
      ok(answer);
    });
  });
}
