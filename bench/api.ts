/**
 * OpenStack API bench (issue #17): a real server (its own process, pinned to one core when
 * `taskset` is there) on loopback, learners logged in through Keystone with their clouds.yaml.
 *   - requests/s of `GET /v2.0/networks`, and of `POST /v2.0/networks` + `DELETE` pairs (recorded
 *     writes), over keep-alive connections; calls are spread over many learners so that no learner
 *     reaches the per-learner rate limit (a 429 is counted and printed, never hidden);
 *   - the real client (/usr/bin/openstack, /usr/bin/neutron, a process per command as a learner
 *     runs it) per command against Stacklab and against the Neutron oracle, side by side: the
 *     oracle is started for the bench (ORACLE_DIR=/tmp/oracle-replay, port 9716) when installed,
 *     and stopped afterwards; that half is skipped, saying so, when it is not.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudsAuth, passwordLoginBody } from '../test/support/keystone-login.js';

const PORT = 3917;
const BASE = `http://127.0.0.1:${PORT}`;
const ORACLE = '/work/shared/oracle';
const ORACLE_ENV = { ORACLE_DIR: '/tmp/oracle-replay', ORACLE_PORT: '9716' };
const SECONDS = Number(process.env['API_BENCH_SECONDS'] ?? 5);

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request on the keep-alive agent: status and body. */
function call(
  method: string,
  path: string,
  token: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const headers: Record<string, string> = { 'X-Auth-Token': token, Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const req = request(`${BASE}${path}`, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', fail);
    req.end(body);
  });
}

interface Learner {
  token: string;
  cloudsFile: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A new learner: clouds.yaml for `sandbox:empty`, then a Keystone token with its password (waits out 429s). */
async function learner(): Promise<Learner> {
  for (;;) {
    const res = await fetch(`${BASE}/api/me/clouds.yaml?workspace=sandbox:empty`);
    if (res.status === 429) {
      await sleep(1000);
      continue;
    }
    const text = await res.text();
    const body = passwordLoginBody(cloudsAuth(text).auth);
    for (;;) {
      const t = await fetch(`${BASE}/openstack/identity/v3/auth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      if (t.status === 429) {
        await sleep(1000);
        continue;
      }
      if (t.status !== 201) throw new Error(`token: ${t.status} ${await t.text()}`);
      const cloudsFile = join(mkdtempSync(join(tmpdir(), 'stacklab-bench-api-')), 'clouds.yaml');
      writeFileSync(cloudsFile, text);
      return { token: t.headers.get('x-subject-token') ?? '', cloudsFile };
    }
  }
}

/** Runs `one` on `concurrency` loops for SECONDS, each loop with the next learner's token; counts answers by status. */
async function throughput(
  name: string,
  learners: Learner[],
  concurrency: number,
  one: (token: string) => Promise<number[]>,
): Promise<void> {
  const statuses = new Map<number, number>();
  let next = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const l = learners[next++ % learners.length] as Learner;
        for (const s of await one(l.token)) statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  const by = [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${fmt(n)}`);
  console.log(
    `api ${name}: ${fmt(total / secs)} requests/s (${fmt(total)} in ${fmt(secs, 1)} s, ${concurrency} keep-alive connections, ${learners.length} learners; ${by.join(', ')})`,
  );
  if (statuses.has(429))
    console.log('  (429s: the per-learner rate limit, not the server, bounded part of this run)');
}

/** The client's wall time for one command, in seconds (a process of its own, as a learner runs it). */
function timed(
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ secs: number; code: number; stderr: string }> {
  const t0 = performance.now();
  return new Promise((ok) => {
    execFile(file, args, { env, timeout: 120_000 }, (error, _stdout, stderr) => {
      ok({
        secs: (performance.now() - t0) / 1000,
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stderr,
      });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Commands a learner types, each timed RUNS times (`{n}`: a fresh name per run). */
const CLIENT_COMMANDS: Array<[string, string]> = [
  ['openstack', '--version'],
  ['openstack', 'network list'],
  ['openstack', 'network show bench-net'],
  ['openstack', 'network create bench-{n}'],
  ['openstack', 'subnet create --network bench-net --subnet-range 10.{n}.0.0/24 bench-sub-{n}'],
  ['openstack', 'port list'],
  ['openstack', 'port create --network bench-net bench-port-{n}'],
  ['openstack', 'network delete bench-{n}'],
  ['neutron', 'net-list'],
];
const RUNS = Number(process.env['API_BENCH_CLIENT_RUNS'] ?? 3);

interface Target {
  name: string;
  env: Record<string, string>;
  times: Map<string, number[]>;
}

/** Each command on every target in turn (so that a change in the machine's load hits both alike), RUNS times. */
async function clientTimes(targets: Target[]): Promise<void> {
  for (const t of targets) {
    const setup = await timed('/usr/bin/openstack', ['network', 'create', 'bench-net'], t.env);
    if (setup.code !== 0)
      throw new Error(`${t.name}: network create bench-net failed: ${setup.stderr}`);
  }
  for (const [prog, line] of CLIENT_COMMANDS)
    for (let n = 1; n <= RUNS; n++)
      for (const t of targets) {
        const r = await timed(
          `/usr/bin/${prog}`,
          line.replaceAll('{n}', String(n)).split(' '),
          t.env,
        );
        if (r.code !== 0)
          console.log(
            `  ${t.name}: ${prog} ${line} (run ${n}) failed: ${r.stderr.trim().split('\n').pop() ?? ''}`,
          );
        const key = `${prog} ${line}`;
        t.times.set(key, [...(t.times.get(key) ?? []), r.secs]);
      }
}

function oracleInstalled(): boolean {
  return (
    existsSync(join(ORACLE, 'start.sh')) &&
    spawnSync('/usr/bin/python3', ['-c', 'import neutron'], { stdio: 'ignore' }).status === 0
  );
}

export async function apiBench(): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), 'stacklab-bench-api-'));
  const node = [process.execPath, '--import', 'tsx', 'server/main.ts', 'serve'];
  const pinned = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  const [cmd, ...args] = pinned ? ['taskset', '-c', '0', ...node] : node;
  const server = spawn(cmd as string, args, {
    env: {
      ...process.env,
      PORT: String(PORT),
      STACKLAB_DATA: data,
      HOST: '127.0.0.1',
      STACKLAB_NEW_LEARNERS_PER_ADDRESS: '0',
    },
    stdio: 'ignore',
  });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${BASE}/healthz`)).ok) break;
      } catch {
        if (i > 300) throw new Error('server did not start');
      }
      await sleep(100);
    }
    console.log(
      `api: server ${pinned ? 'pinned to one core (taskset -c 0)' : 'on any core (no taskset)'}, SQLite store, learners on sandbox:empty`,
    );
    const learners: Learner[] = [];
    for (let i = 0; i < 200; i++) learners.push(await learner());
    const networks = '/openstack/network/v2.0/networks';
    // Warm-up, then the reads.
    for (const l of learners.slice(0, 50)) await call('GET', networks, l.token);
    await throughput('GET /v2.0/networks', learners, 16, async (t) => [
      (await call('GET', networks, t)).status,
    ]);
    await throughput('POST + DELETE /v2.0/networks', learners, 16, async (t) => {
      const made = await call('POST', networks, t, '{"network": {"name": "bench"}}');
      if (made.status !== 201) return [made.status];
      const id = (JSON.parse(made.body) as { network: { id: string } }).network.id;
      return [made.status, (await call('DELETE', `${networks}/${id}`, t)).status];
    });

    // The real client, a process per command.
    if (!existsSync('/usr/bin/openstack') || !existsSync('/usr/bin/neutron')) {
      console.log(
        'api client: skipped (no /usr/bin/openstack or /usr/bin/neutron: apt-get install python3-openstackclient python3-neutronclient)',
      );
      return;
    }
    const mine = learners[0] as Learner;
    const stacklabEnv = {
      PATH: '/usr/bin:/bin',
      HOME: tmpdir(),
      LANG: 'C.UTF-8',
      OS_CLIENT_CONFIG_FILE: mine.cloudsFile,
      OS_CLOUD: 'stacklab',
    };
    const ours: Target = { name: 'stacklab', env: stacklabEnv, times: new Map() };
    const oracle: Target = {
      name: 'oracle',
      env: {
        PATH: '/usr/bin:/bin',
        HOME: tmpdir(),
        LANG: 'C.UTF-8',
        OS_AUTH_TYPE: 'none',
        OS_ENDPOINT: `http://127.0.0.1:${ORACLE_ENV.ORACLE_PORT}`,
      },
      times: new Map(),
    };
    const env = { ...process.env, ...ORACLE_ENV };
    let oracleUp = false;
    if (!oracleInstalled())
      console.log(
        `api client: the oracle half is skipped (no Neutron oracle: ${ORACLE}/README.md says how to install it)`,
      );
    else {
      const started = spawnSync(join(ORACLE, 'start.sh'), ['--reset'], { env, encoding: 'utf8' });
      if (started.status === 0) oracleUp = true;
      else
        console.log(
          `api client: the oracle did not start, its half is skipped: ${started.stdout}${started.stderr}`,
        );
    }
    try {
      await clientTimes(oracleUp ? [ours, oracle] : [ours]);
    } finally {
      if (oracleUp) spawnSync(join(ORACLE, 'stop.sh'), [], { env, stdio: 'ignore' });
    }
    console.log(
      `api client: median wall time of ${RUNS} runs per command (a process each, the two targets in turn), Stacklab (a Keystone password login each time) vs the Neutron oracle (no Keystone):`,
    );
    for (const [line, secs] of ours.times) {
      const o = oracle.times.get(line);
      console.log(
        `  ${line.padEnd(88)} stacklab ${fmt(median(secs), 2)} s   oracle ${o === undefined ? '-' : `${fmt(median(o), 2)} s`}`,
      );
    }
  } finally {
    server.kill();
    agent.destroy();
  }
}
