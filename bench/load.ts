/**
 * Load: a real server (its own process) on loopback, N concurrent WebSocket learners: all connect
 * first (timed apart), then each types one command per second for a bounded time. Prints p50/p99 command latency, commands/s, server
 * RSS and RSS per learner. Bounded in count and time; it stops by itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WireClient } from './load-wire.js';
import { pct } from './stats.js';

/** A learner's everyday commands on the network-node sandbox (also the well-behaved learners of bench/hostile.ts). */
export const COMMANDS = [
  'openstack network list',
  'openstack subnet list',
  'openstack router show my-router -f value -c status',
  'openstack port list -c ID -c Status',
  'openstack security group rule list default',
  'openstack network show net1 -c mtu',
];

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

/** The server's processes: the one started, and its workers (STACKLAB_WORKERS > 1: children of the primary). */
function serverPids(pid: number): number[] {
  const pids = [pid];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) pids.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const serverRss = (pid: number) => serverPids(pid).reduce((sum, p) => sum + rssOf(p), 0);

/** CPU seconds (user + system) the server's processes have used. */
function serverCpu(pid: number): number {
  return serverCpuSplit(pid).reduce((a, b) => a + b, 0);
}

/** CPU seconds [user, system] the server's processes have used (system: the kernel's sockets and files). */
function serverCpuSplit(pid: number): [number, number] {
  let user = 0;
  let sys = 0;
  for (const p of serverPids(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name: utime and stime are the 12th and 13th.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      user += Number(f[11]);
      sys += Number(f[12]);
    } catch {
      // gone meanwhile
    }
  }
  // USER_HZ is 100 on Linux.
  return [user / 100, sys / 100];
}

/** Waits until the server uses less than a tenth of a core for half a second (at most 60 s); the seconds waited. */
async function quiet(pid: number): Promise<number> {
  const t = performance.now();
  let before = serverCpu(pid);
  while (performance.now() - t < 60_000) {
    await new Promise((r) => setTimeout(r, 500));
    const now = serverCpu(pid);
    if (now - before < 0.05) break;
    before = now;
  }
  return (performance.now() - t) / 1000;
}

/** Runs this process on the cores the server does not have (LOAD_SERVER_CPUS). */
function pinClient(serverCpus: string): void {
  const taken = new Set<number>();
  for (const part of serverCpus.split(',')) {
    const [a, b] = part.split('-').map(Number);
    for (let c = a ?? 0; c <= (b ?? a ?? 0); c++) taken.add(c);
  }
  const rest = Array.from({ length: availableParallelism() }, (_, i) => i).filter((c) => !taken.has(c));
  if (rest.length > 0) spawnSync('taskset', ['-a', '-pc', rest.join(','), String(process.pid)], { stdio: 'ignore' });
}

/**
 * Latencies kept in a typed array that doubles when full: the client records ~2,000 a second,
 * and a growing array of numbers (or a pair per sample) made it collect its own old generation
 * mid-run, a pause measured as the server's latency.
 */
class Samples {
  private data: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(1024, capacity));
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }
  sorted(): Float64Array {
    return this.data.subarray(0, this.length).sort();
  }
}

/**
 * When each learner types next: one timer for the whole class (every millisecond), the learners
 * due in each millisecond linked through a typed array. A timer a command (~2,000 a second, each
 * living the ~1 s of a pause) filled this client's old generation, and its collections were
 * measured as the server's latency.
 */
class Wheel {
  /** The horizon: pauses are under 4 s. */
  private static readonly SLOTS = 4096;
  private readonly slots = new Int32Array(Wheel.SLOTS).fill(-1);
  private readonly link: Int32Array;
  private readonly fire: Array<() => void>;
  /** The next millisecond to fire. */
  private at = Math.floor(performance.now());
  private readonly timer: NodeJS.Timeout;
  constructor(learners: number) {
    this.link = new Int32Array(learners).fill(-1);
    this.fire = new Array<() => void>(learners);
    this.timer = setInterval(() => this.tick(), 1);
  }
  /** Learner `i` runs `fn` in `ms` (at the earliest on the next millisecond). */
  after(i: number, ms: number, fn: () => void): void {
    this.fire[i] = fn;
    // Within the horizon of where the wheel is (behind the clock only if this client stalled).
    const t = Math.min(this.at + Wheel.SLOTS - 1, Math.max(this.at + 1, Math.floor(performance.now() + ms)));
    const slot = t % Wheel.SLOTS;
    this.link[i] = this.slots[slot] as number;
    this.slots[slot] = i;
  }
  private tick(): void {
    const now = Math.floor(performance.now());
    for (; this.at <= now; this.at++) {
      const slot = this.at % Wheel.SLOTS;
      let i = this.slots[slot] as number;
      this.slots[slot] = -1;
      while (i >= 0) {
        const next = this.link[i] as number;
        (this.fire[i] as () => void)();
        i = next;
      }
    }
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** The server's CPU over the measured seconds, per command and in cores (not measured for a server elsewhere). */
function serverFigures(before: [number, number] | null, after: [number, number] | null, commands: number, secs: number): string {
  if (before === null || after === null) return 'server CPU not measured (a server elsewhere: read it there)';
  const cpu = after[0] + after[1] - before[0] - before[1];
  const sys = after[1] - before[1];
  const per = (x: number) => ((x / Math.max(1, commands)) * 1000).toFixed(2);
  return `server CPU ${per(cpu)} ms per command (of which system ${per(sys)}; ${(cpu / secs).toFixed(2)} cores busy)`;
}

/** The server a run loads: started here, or one elsewhere (LOAD_URL). */
interface Target {
  base: string;
  host: string;
  port: number;
  /** CPU seconds [user, system] of its processes, RSS bytes: null for a server elsewhere (not measured here). */
  cpu(): [number, number] | null;
  rss(): number | null;
  /** Waits until it is quiet; the seconds waited. */
  quiet(): Promise<number>;
  stop(): void;
}

/**
 * LOAD_URL (e.g. `http://10.0.0.5:3000`): load a Stacklab already running on another machine, so
 * this client does not share the server's cores (the 2-worker and many-machine figures, issue #19).
 * That server must let one address make many learners (STACKLAB_NEW_LEARNERS_PER_ADDRESS=0); its
 * CPU and memory are not measured from here (read them there).
 */
function remoteTarget(url: string): Target {
  const u = new URL(url);
  if (u.protocol !== 'http:') throw new Error(`LOAD_URL must be an http:// address (this client speaks plain WebSocket), not ${u.protocol}`);
  return {
    base: u.origin,
    host: u.hostname,
    port: Number(u.port || 80),
    cpu: () => null,
    rss: () => null,
    // Nothing to watch from here: a fixed pause for the pages' first topology and grade.
    quiet: async () => {
      await new Promise((r) => setTimeout(r, 3000));
      return 3;
    },
    stop: () => {},
  };
}

/** A server started here on a fresh data folder, stopped (and its folder removed) by `stop`. */
function localTarget(learners: number, workers: string): Target {
  const port = 3900 + (learners % 97);
  const data = mkdtempSync(join(tmpdir(), 'stacklab-load-'));
  // LOAD_SERVER_CPUS (e.g. `0`): the server's processes run on those cores only (taskset) and this
  // client on the others, so the client's own work does not blur the server's figures.
  // LOAD_CPU_PROF=DIR writes the server's CPU profile there when it stops.
  const cpus = process.env['LOAD_SERVER_CPUS'];
  const prof = process.env['LOAD_CPU_PROF'];
  // LOAD_NODE_FLAGS (e.g. `--trace-gc`): more flags for the server's node; LOAD_SERVER_LOG=FILE keeps what it prints.
  const flags = (process.env['LOAD_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
  // LOAD_SERVER_IMPORT: what loads the server's TypeScript (default tsx, as npm start; another
  // `--import` module to compare one).
  const loader = process.env['LOAD_SERVER_IMPORT'] ?? 'tsx';
  const node = ['node', ...flags, ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), '--import', loader, 'server/main.ts', 'serve'];
  const log = process.env['LOAD_SERVER_LOG'];
  if (cpus) pinClient(cpus);
  const [cmd, ...args] = cpus ? ['taskset', '-c', cpus, ...node] : node;
  const server = spawn(cmd as string, args, {
    env: {
      ...process.env,
      PORT: String(port),
      STACKLAB_DATA: data,
      HOST: '127.0.0.1',
      STACKLAB_NEW_LEARNERS_PER_ADDRESS: '0',
      STACKLAB_WORKERS: workers,
    },
    stdio: log ? ['ignore', openSync(log, 'w'), openSync(log, 'a')] : 'ignore',
  });
  const pid = server.pid as number;
  return {
    base: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    cpu: () => serverCpuSplit(pid),
    rss: () => serverRss(pid),
    quiet: () => quiet(pid),
    stop: () => {
      server.kill('SIGTERM');
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/**
 * `workspace`: `sandbox:network-node` (default) or a lab (`lab:ID`: every command is graded too, issue #19).
 * `workers`: the server's STACKLAB_WORKERS (LOAD_WORKERS, default 1: one process).
 */
export async function loadRun(
  learners: number,
  seconds: number,
  workspace = 'sandbox:network-node',
  workers = process.env['LOAD_WORKERS'] ?? '1',
): Promise<void> {
  const remote = process.env['LOAD_URL'];
  const target = remote ? remoteTarget(remote) : localTarget(learners, workers);
  const { base, host, port } = target;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        if (i > 600) throw new Error('server did not start');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const idle = target.rss();
    const cookies: string[] = [];
    for (let i = 0; i < learners; i++) {
      const res = await fetch(`${base}/api/me`);
      cookies.push((res.headers.get('set-cookie') ?? '').split(';')[0] ?? '');
    }
    // About one command a second for each learner, and room to spare (the array doubles if not).
    const latencies = new Samples(Math.ceil(learners * seconds * 1.5));
    let errors = 0;
    // Phase 1: every learner connects and gets its session (timed on its own).
    const c0 = performance.now();
    const sockets = await Promise.all(
      cookies.map(
        (cookie) =>
          new Promise<WireClient>((resolve, reject) => {
            const ws = new WireClient({
              host,
              port,
              path: `/ws?workspace=${encodeURIComponent(workspace)}`,
              headers: { Cookie: cookie, Origin: base },
            });
            ws.onMessage = () => resolve(ws);
            ws.onError = reject;
            // Closed before its hello: a failure to report, not a bench that waits for ever.
            ws.onClose = (code) => reject(new Error(`terminal closed before its hello (${code})`));
          }),
      ),
    );
    const connectSecs = (performance.now() - c0) / 1000;
    // Phase 2: each learner types one command a second for `seconds`.
    // The server finishes what the connections asked (each page's topology and grade) before the
    // typing starts: a class does not arrive in the same four seconds it starts typing.
    const settleSecs = await target.quiet();
    // Then LOAD_WARMUP seconds of typing (default 5) not measured but reported apart: each learner's
    // first commands and the code's first runs (compiling, optimising) are a start, not the load.
    const warm = Number(process.env['LOAD_WARMUP'] ?? 5);
    const warmLatencies = new Samples(Math.ceil(learners * warm * 1.5));
    const start = performance.now();
    const startEpoch = Date.now();
    const deadline = Date.now() + (warm + seconds) * 1000;
    let t0 = start;
    let cpu0 = target.cpu();
    let client0 = process.cpuUsage();
    let measuring = warm <= 0;
    const measure = setTimeout(() => {
      measuring = true;
      t0 = performance.now();
      cpu0 = target.cpu();
      client0 = process.cpuUsage();
    }, warm * 1000);
    // LOAD_TRACE=1: the worst latency of each quarter second, to tell a steady queue from stalls
    // (kept as it goes, one number a quarter second).
    const trace = process.env['LOAD_TRACE'] ? new Float64Array((warm + seconds) * 4 + 64) : null;
    // Each learner's commands, framed once: the typing sends bytes, it does not encode them again.
    const framed = (ws: WireClient) => COMMANDS.map((line) => ws.textFrame(JSON.stringify({ t: 'line', line })));
    const wheel = new Wheel(sockets.length);
    const one = (ws: WireClient, i: number) =>
      new Promise<void>((resolve) => {
        const frames = framed(ws);
        let sentAt = 0;
        /** A command is out: its result schedules the next one (once: a learner is in the wheel once). */
        let waiting = false;
        let n = 0;
        let seed = (i + 1) * 2654435761;
        const think = () => {
          seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
          return 500 + (seed / 0x100000000) * 1000;
        };
        const next = () => {
          if (ws.readyState !== 'open') return;
          if (Date.now() >= deadline) {
            ws.close();
            return;
          }
          sentAt = performance.now();
          waiting = true;
          ws.sendFrame(frames[(i + n++) % frames.length] as Buffer);
        };
        ws.onMessage = (raw) => {
          // The kind is the message's first field ({"t":"result",…}): read without parsing the
          // whole message, so this client takes as little of the machine as it can.
          const kind = raw.toString('latin1', 6, raw.indexOf(34, 6));
          if (kind === 'result' && waiting) {
            waiting = false;
            const took = performance.now() - sentAt;
            (measuring ? latencies : warmLatencies).push(took);
            if (trace) {
              const q = Math.min(trace.length - 1, Math.floor((performance.now() - start) / 250));
              if (took > (trace[q] as number)) trace[q] = took;
            }
            // About a second between commands, each learner on their own: the pause varies (0.5–1.5 s,
            // seeded), as learners' do. A fixed one kept every learner in step for ever once a slow
            // moment (the start) had bunched them up, and the bench measured that queue, not the load.
            wheel.after(i, think() - took, next);
            // A lab also sends the new grade (and maybe topology) after each result: not errors.
          } else if (kind === 'error') errors++;
        };
        ws.onError = () => {
          errors++;
          resolve();
        };
        ws.onClose = () => resolve();
        // Dropped by the server while the others connected or it settled: an error, not a learner
        // waiting for ever for a close that has already happened.
        if (ws.readyState !== 'open') {
          errors++;
          resolve();
          return;
        }
        wheel.after(i, (i / sockets.length) * 1000, next);
      });
    await Promise.all(sockets.map((ws, i) => one(ws, i)));
    wheel.stop();
    clearTimeout(measure);
    const warmSorted = warmLatencies.sorted();
    const secs = (performance.now() - t0) / 1000;
    const cpu1 = target.cpu();
    const client = process.cpuUsage(client0);
    const busy = target.rss();
    const sorted = latencies.sorted();
    if (trace) {
      const quarters = [...trace].map((ms, q) => [q, ms] as const).filter(([, ms]) => ms > 0);
      console.log(`trace from ${startEpoch}: ` + quarters.map(([q, ms]) => `${(q / 4).toFixed(2)}s:${ms.toFixed(0)}`).join(' '));
    }
    console.log(
      `load ${learners} learners x ${seconds} s (${workspace}, ${remote ? `the server at ${base}` : `${workers} worker${workers === '1' ? '' : 's'}`}): ${latencies.length} commands, ${(latencies.length / secs).toFixed(0)} commands/s, ` +
        `p50 ${pct(sorted, 50).toFixed(2)} ms, p99 ${pct(sorted, 99).toFixed(2)} ms, errors ${errors}, ` +
        `all connected in ${connectSecs.toFixed(1)} s (server quiet ${settleSecs.toFixed(1)} s later), ` +
        `first ${warm} s of typing: p50 ${pct(warmSorted, 50).toFixed(2)} ms, p99 ${pct(warmSorted, 99).toFixed(2)} ms, ` +
        `${serverFigures(cpu0, cpu1, latencies.length, secs)}, ` +
        `this client ${((client.user + client.system) / 1000 / Math.max(1, latencies.length)).toFixed(2)} ms CPU per command, ` +
        (idle !== null && busy !== null
          ? `server RSS ${(busy / 1048576).toFixed(0)} MiB (idle ${(idle / 1048576).toFixed(0)} MiB), ${((busy - idle) / learners / 1048576).toFixed(3)} MiB per active learner`
          : 'server RSS not measured (a server elsewhere)'),
    );
  } finally {
    target.stop();
  }
}
