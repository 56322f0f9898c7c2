/**
 * Fuzz (issue #10): the real server, as a child process (a crash is the process exiting), on a
 * free loopback port with a fresh SQLite data dir, attacked for a bounded time from a seeded PRNG:
 * raw TCP garbage, malformed HTTP (request lines, targets, headers, cookies, Origins, bodies),
 * WebSocket upgrades with random headers, bad frames after a valid upgrade, random JSON messages,
 * random and known-expensive shell lines, and a reload of a learner with a huge history.
 * Meanwhile a "good" learner with its own cookie runs `openstack network list` on its own
 * WebSocket every 200 ms: every one must be answered (within FUZZ_STALL_MS), and at the end the
 * server must be alive and answer /healthz.
 *
 * When the server dies or stalls, the failure names the attack class, the attacks in flight and
 * the last ones sent, and the server's last output; a fresh server is started and the next class
 * goes on, so one run reports every class that kills it. Attacks come from 127.0.0.2 and other
 * 127.0.x.y addresses (still loopback: other machines, as far as per-address limits go); the good
 * learner is 127.0.0.1. The whole test takes 15–30 s.
 *
 *   npx vitest run test/fuzz-server.test.ts
 *   FUZZ_SEED=123 …    replays a seed (the same attacks, in the same order, per class)
 *   FUZZ_MS=20000 …    total attack time (default 20 s; the classes share it in fixed proportions)
 *   FUZZ_STALL_MS=2500 how long the good learner may wait for an answer before it is a stall
 */
import { gzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'vitest';
import WebSocket from 'ws';
import { nextU32, seedRng, type RngState } from '../server/sim/rng.js';
import { httpCall, newLearnerCookie, startServerProcess, type ServerProcess } from './support/server-process.js';
import { B_BIG, EXPENSIVE, type ExpensiveEntry } from './support/hostile-lines.js';
import { WsClient } from './support/ws-client.js';
import { closeFrame, encodeFrame, FrameReader, OP, rawUpgrade, textFrame, wsKey } from './support/ws-frames.js';

// CI replays one seed (a red CI must mean a change broke something); elsewhere each run tries a new one.
const SEED = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) >>> 0 : process.env['CI'] ? 4242 : (Date.now() ^ (process.pid << 16)) >>> 0;
const TOTAL_MS = Number(process.env['FUZZ_MS'] ?? 20_000);
const STALL_MS = Number(process.env['FUZZ_STALL_MS'] ?? 2500);
/** Nothing is attacked after this long (the test must end well within 30 s plus a final check). */
const HARD_STOP_MS = TOTAL_MS + 6_000;
const GOOD_EVERY_MS = 200;
const GOOD_LINE = 'openstack network list';
const HOSTILE_WS = '/ws?workspace=sandbox:empty';
const INSTRUCTOR_TOKEN = 'fuzz-instructor-token';

// ---- seeded randomness ------------------------------------------------------------------------

class Prng {
  private st: RngState;
  constructor(seed: number) {
    this.st = seedRng(seed);
  }
  u32(): number {
    return nextU32(this.st);
  }
  /** lo..hi inclusive. */
  int(lo: number, hi: number): number {
    return lo + (this.u32() % (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)] as T;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
  /** Printable ASCII, sometimes with control characters and non-ASCII. */
  text(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) {
      const k = this.int(0, 19);
      s += k === 0 ? String.fromCharCode(this.int(0, 31)) : k === 1 ? String.fromCharCode(this.int(0x80, 0x2fff)) : String.fromCharCode(this.int(32, 126));
    }
    return s;
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [a[i], a[j]] = [a[j] as T, a[i] as T];
    }
    return a;
  }
}

function hashName(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A short, printable rendering of what was sent. */
function show(x: string | Buffer, max = 180): string {
  const s = typeof x === 'string' ? x : x.toString('latin1');
  const j = JSON.stringify(s.length > max ? s.slice(0, max) : s);
  return s.length > max ? `${j}…(${s.length} chars)` : j;
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

// ---- network helpers --------------------------------------------------------------------------

/** Writes `chunks` on a new connection; resolves with the first bytes of the answer (or nothing). */
function tcpExchange(port: number, localAddress: string, chunks: Buffer[], waitMs = 400, gapMs = 0): Promise<Buffer> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, localAddress });
    const got: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      resolve(Buffer.concat(got));
    };
    const timer = setTimeout(finish, waitMs);
    s.on('data', (d: Buffer) => {
      if (size < 4096) got.push(d);
      size += d.length;
      // An answer has come: give it a moment to finish, then go.
      setTimeout(finish, 20);
    });
    s.on('error', finish);
    s.on('close', finish);
    s.on('connect', () => {
      void (async () => {
        for (const c of chunks) {
          if (s.destroyed) return;
          s.write(c);
          if (gapMs > 0) await sleep(gapMs);
        }
      })();
    });
  });
}

function statusOf(answer: Buffer): string {
  const m = /^HTTP\/\d\.\d (\d{3})/.exec(answer.subarray(0, 32).toString('latin1'));
  return m ? (m[1] as string) : answer.length === 0 ? 'no answer' : 'non-HTTP answer';
}

// ---- the good learner -------------------------------------------------------------------------

class GoodLearner {
  sent = 0;
  answered = 0;
  latencies: number[] = [];
  problems: string[] = [];
  /** The attack class running when a command was sent, and the slowest answer per class. */
  tag = '';
  slowestByTag = new Map<string, number>();
  /** Called with answers slower than 100 ms (the driver notes what was being sent then). */
  onSlow: (ms: number) => void = () => undefined;
  private pending: Array<{ at: number; tag: string }> = [];
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  private constructor(private readonly client: WsClient) {
    client.ws.on('message', (d: Buffer) => {
      let m: { t?: string; exitCode?: number; stdout?: string; stderr?: string; message?: string };
      try {
        m = JSON.parse(d.toString()) as typeof m;
      } catch {
        this.problems.push(`unparseable message ${show(d.toString())}`);
        return;
      }
      if (m.t === 'result') {
        const p = this.pending.shift();
        if (p === undefined) this.problems.push('a result nobody asked for');
        else {
          const took = performance.now() - p.at;
          this.latencies.push(took);
          this.slowestByTag.set(p.tag, Math.max(took, this.slowestByTag.get(p.tag) ?? 0));
          if (took > 100) this.onSlow(took);
        }
        this.answered++;
        if (m.exitCode !== 0 || !(m.stdout ?? '').includes('net1')) this.problems.push(`a wrong answer: exit ${m.exitCode}, ${show((m.stdout ?? '') + (m.stderr ?? ''), 200)}`);
      } else if (m.t === 'error') {
        this.pending.shift();
        this.problems.push(`an error reply: ${show(m.message ?? '')}`);
      }
    });
    client.ws.on('close', (code: number) => {
      if (!this.stopping) this.problems.push(`its WebSocket was closed by the server (code ${code})`);
    });
  }

  static async open(server: ServerProcess): Promise<GoodLearner> {
    const cookie = await newLearnerCookie(server.base);
    const c = await WsClient.open(server.port, cookie, 'sandbox:network-node', server.base, 5000);
    if (!c) throw new Error('the good learner could not open its WebSocket');
    const g = new GoodLearner(c);
    g.timer = setInterval(() => {
      if (c.ws.readyState !== WebSocket.OPEN) return;
      c.send(JSON.stringify({ t: 'line', line: GOOD_LINE }));
      g.pending.push({ at: performance.now(), tag: g.tag });
      g.sent++;
    }, GOOD_EVERY_MS);
    return g;
  }

  oldestPendingMs(): number {
    const p = this.pending[0];
    return p === undefined ? 0 : performance.now() - p.at;
  }

  get outstanding(): number {
    return this.pending.length;
  }

  /** Sends no more commands (what was sent is still awaited). */
  pause(): void {
    clearInterval(this.timer);
  }

  stop(): void {
    this.stopping = true;
    clearInterval(this.timer);
    this.client.close();
  }
}

// ---- one server's life ------------------------------------------------------------------------

interface Ending {
  kind: 'DIED' | 'STALLED' | 'FAILED THE GOOD LEARNER';
  detail: string;
  at: number;
}

interface LabInfo {
  id: string;
  steps: string[];
  checks: string[];
}

class Life {
  ended: Ending | null = null;
  readonly endPromise: Promise<void>;
  private resolveEnd!: () => void;
  private readonly monitor: NodeJS.Timeout;
  private problemSince = 0;

  constructor(
    readonly server: ServerProcess,
    readonly good: GoodLearner,
    readonly hostileCookie: string,
    readonly labs: LabInfo[],
  ) {
    this.endPromise = new Promise<void>((ok) => {
      this.resolveEnd = ok;
    });
    this.monitor = setInterval(() => this.check(), 50);
    void server.exited.then(() => this.end('DIED', `exit code ${server.exit?.code ?? 'none'}, signal ${server.exit?.signal ?? 'none'}`));
  }

  private check(): void {
    if (this.ended) return;
    const wait = this.good.oldestPendingMs();
    if (wait > STALL_MS) {
      this.end('STALLED', `the good learner's command has waited ${wait.toFixed(0)} ms for an answer; server RSS ${mib(this.server.rss())}`);
      return;
    }
    if (this.good.problems.length > 0) {
      // The socket closing is how a crash first shows: give the exit a moment to be seen.
      this.problemSince ||= Date.now();
      if (Date.now() - this.problemSince > 300) this.end('FAILED THE GOOD LEARNER', this.good.problems.slice(0, 3).join('; '));
    }
  }

  end(kind: Ending['kind'], detail: string): void {
    if (this.ended) return;
    this.ended = { kind, detail, at: Date.now() };
    clearInterval(this.monitor);
    this.resolveEnd();
  }

  async dispose(): Promise<void> {
    clearInterval(this.monitor);
    this.good.stop();
    await this.server.stop(300);
  }
}

// ---- the run: classes, attacks, bookkeeping ---------------------------------------------------

interface Attack {
  id: number;
  cls: string;
  desc: string;
  at: number;
}

interface Ctx {
  r: Prng;
  life: Life;
  port: number;
  base: string;
  host: string;
  origin: string;
  until: number;
  /**
   * The address an attack comes from: often 127.0.0.2 (one hostile client), else another
   * 127.0.x.y (many clients, as a class behind many addresses). The good learner is 127.0.0.1.
   */
  src(): string;
  /** Time left in the class and the server neither dead nor stalled. */
  active(): boolean;
  /** Runs one attack: tracked (in flight, last sent), bounded by `timeoutMs` and by the server's end. */
  attack<T>(desc: string, fn: () => Promise<T>, timeoutMs?: number): Promise<T | undefined>;
  /** `n` concurrent loops of `step` while active. */
  workers(n: number, step: () => Promise<void>): Promise<void>;
  note(outcome: string): void;
  onCleanup(f: () => void): void;
}

interface AttackClass {
  name: string;
  /** Share of the attack time. */
  weight: number;
  /** After the server died or stalled, go on attacking a fresh one until the class's time is up. */
  retry?: boolean;
  run(ctx: Ctx): Promise<void>;
}

// ---- vocabularies -------------------------------------------------------------------------------

const ORIGINS = (port: number): string[] => [
  'null',
  'foo',
  '',
  `http://127.0.0.1:${port}`,
  'http://127.0.0.1:99999',
  'http://127.0.0.1:-1',
  `ftp://127.0.0.1:${port}`,
  `ws://127.0.0.1:${port}`,
  'javascript:alert(1)',
  'http://[::1',
  'http://evil.example',
  `http://127.0.0.1:${port}, http://evil.example`,
  `http://user:pw@127.0.0.1:${port}`,
  `http://127.0.0.1:${port}/path?q#f`,
  `HTTP://127.0.0.1:${port}`,
  'http://%E0%A4%A',
  'x'.repeat(9000),
  'http://\u00e4.example',
];

const COOKIES = (cookie: string): string[] => [
  cookie,
  `${cookie}x`,
  'stacklab_sid=%E0%A4%A',
  'stacklab_sid=%',
  'stacklab_sid=%zz.%zz',
  'stacklab_sid=',
  'stacklab_sid=.',
  'stacklab_sid=a.b.c',
  'stacklab_sid="quoted.value"',
  `stacklab_sid=${'a'.repeat(12000)}`,
  'a=b; '.repeat(1500),
  '=; ;;; =x; stacklab_sid',
  `${cookie}; ${cookie}x`,
  `stacklab_sid=%E0%A4%A; ${cookie}`,
  `${cookie.replace('=', '=%')}`,
  'stacklab_sid=\u00e4\u00f6\u00fc.\u0000',
];

const TARGETS = (r: Prng): string[] => [
  '/',
  '/healthz',
  '/api/me',
  '/api/fixtures',
  '/api/labs',
  '/api/labs/%E0%A4%A',
  '/api/labs/..%2f..%2fetc%2fpasswd',
  '/%E0%A4%A',
  '//[',
  '//',
  '/%',
  '/%00',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/../../../etc/passwd',
  '/assets/..%2f..%2fpackage.json',
  '/index.html',
  '/instructor',
  `/api/instructor/labs/${r.pick(['01-direct-attach', 'x', '%E0%A4%A', '..'])}/grades?format=${r.pick(['csv', 'json', '', '%E0%A4%A'])}`,
  '/api/instructor/learners/%E0%A4%A?workspace=lab:x',
  '/api/instructor/learners/x?workspace=sandbox:empty&workspace=lab:y',
  '/api/me?x=%E0%A4%A',
  '/ws',
  '/ws?workspace=sandbox:empty',
  '*',
  'http://[::1',
  'http://127.0.0.1/api/me',
  '/\u00e4\u00f6',
  '/a b',
  '/?a[b][c][d][e]=1',
  `/?${'a=1&'.repeat(r.int(100, 3000))}`,
  `/api/labs/${'x'.repeat(r.int(100, 20000))}`,
  `/${r.text(r.int(0, 300))}`,
  `/${'%'.repeat(r.int(1, 500))}`,
  `/${'../'.repeat(r.int(1, 200))}etc/passwd`,
  `/{*splat}/${r.text(20)}`,
  `/${'a'.repeat(r.int(1000, 100_000))}`,
];

const METHODS = ['GET', 'GET', 'GET', 'PUT', 'POST', 'HEAD', 'OPTIONS', 'DELETE', 'PATCH', 'TRACE', 'CONNECT', 'get', 'G\u0000T', 'PROPFIND', 'X'.repeat(300), ''];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/0.9', 'HTTP/2.0', 'HTTP/1.1x', '', 'HTTP/9.9', 'http/1.1'];

/** Header lines a fuzzer adds (some not headers at all). */
function randomHeaderLines(r: Prng, port: number, cookie: string): string[] {
  const gens: Array<() => string[]> = [
    () => [`Cookie: ${r.pick(COOKIES(cookie))}`],
    () => [`Origin: ${r.pick(ORIGINS(port))}`],
    () => [`Origin: ${r.pick(ORIGINS(port))}`, `Origin: ${r.pick(ORIGINS(port))}`],
    () => [r.pick(['Host: [::1', 'Host:', `Host: ${'h'.repeat(r.int(10, 20000))}`, `Host: 127.0.0.1:${port}`, 'Host: \u00e4', 'Host: a b'])],
    () => [r.pick(['Content-Length: -1', 'Content-Length: abc', 'Content-Length: 99999999999999999999', 'Content-Length: 5', 'Content-Length: 0, 7'])],
    () => ['Content-Length: 3', 'Content-Length: 4'],
    () => [r.pick(['Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked', 'Transfer-Encoding: xchunked', 'Transfer-Encoding: chunked, identity'])],
    () => [`X-${r.text(r.int(1, 20)).replace(/[\r\n:]/g, '')}: ${r.text(r.int(0, 200)).replace(/[\r\n]/g, '')}`],
    () => [r.pick(['NoColonHeader', ' Folded: continuation', '\tcontinued', 'Bad Name: x', 'X: \u0000\u0001', ': empty-name', 'X-\u00e4: y'])],
    () => [`Authorization: ${r.pick([`Bearer ${INSTRUCTOR_TOKEN}`, `Bearer ${r.text(30)}`, 'Bearer', 'Basic Zm9vOmJhcg==', `Bearer ${'x'.repeat(10000)}`, 'Bearer \u00e4'])}`],
    () => [`Range: bytes=${'0-0,'.repeat(r.int(1, 2000))}0-0`],
    () => [r.pick(['Expect: 100-continue', 'Expect: nonsense', 'Connection: close', 'Connection: keep-alive, Upgrade', 'Upgrade: h2c', 'Upgrade: websocket', 'Accept-Encoding: gzip;q=1e999', 'If-None-Match: *', 'If-Modified-Since: tomorrow'])],
    () => [`Content-Type: ${r.pick(['application/json; charset=utf-16', 'application/json; charset=bogus', 'text/plain', 'multipart/form-data; boundary=', ''])}`],
    () => [`X-Big: ${'v'.repeat(r.int(5000, 40000))}`],
    () => Array.from({ length: r.int(50, 2500) }, (_, i) => `X-H${i}: ${i}`),
  ];
  const out: string[] = [];
  for (let n = r.int(0, 4); n > 0; n--) out.push(...r.pick(gens)());
  return out;
}

// Shell vocabulary: real commands, filters, glue and odd words.
const SH_CMDS = [
  'openstack network list',
  'openstack network create n{N}',
  'openstack subnet create s{N} --network n{N} --subnet-range 10.{N}.0.0/24',
  'openstack router create r{N}',
  'openstack router add subnet r{N} s{N}',
  'openstack port list -f value -c ID',
  'openstack network show n{N} -f json',
  'openstack security group rule list default',
  'openstack server list',
  'openstack floating ip list',
  'openstack network list --long -f yaml',
  'openstack network create --help',
  'openstack {W} {W}',
  'neutron net-list',
  'neutron port-list -c id',
  'nova list',
  'ip netns',
  'ip addr',
  'ip route',
  'ping -c 1 10.0.0.1',
  'traceroute 8.8.8.8',
  'ssh root@network',
  'exit',
  'iptables-save',
  'sysctl -a',
  'ovs-vsctl show',
  'cat /etc/hosts',
  'hostname',
  'whoami',
  'env',
  'history',
  'clear',
  'true',
  'false',
  'help',
  'pwd',
  'echo {W} {W}',
  'echo -n {W}',
  'export {V}={W}',
  'unset {V}',
  '{V}={W}',
  '{V}=$(openstack network list -f value -c ID)',
  'sudo {W}',
  'openstack network delete n{N}',
];
const SH_FILTERS = ['grep {W}', 'grep -v {W}', 'grep -E {RE}', 'grep -c .', 'grep -o .', 'grep -n -i -w {W}', 'head -n {N}', 'tail -n +{N}', 'wc', 'wc -l', 'sort', 'sort -rn', 'sort -u', 'uniq -c', 'cut -d " " -f {RANGE}', 'cut -f {RANGE}', 'less', 'more', 'egrep {RE}', 'cat'];
const SH_WORDS = ['hi', '"$A"', "'$A'", '$A', '${A}', '${A', '$(', '$(echo hi)', '"$(history)"', '\\', '"', "'", '`echo`', '$?', '$$', '*', '~', '-', '--', '-n', 'é', '🙂', '\u0000', '\u0003', '\u001b[2J', '\u001b]0;x\u0007', '\r', '\n', '\t', '\u007f', '\u202e', 'x'.repeat(100), '%s%n', '{a,b}', '!!', '#comment', '$(echo $(echo $(echo deep)))', '"a b"', 'net1', '-f json', '--long'];
const SH_RES = ["'(a+)+$'", "'^x'", "'['", "'(|)*'", "'\\\\'", "'.*'", "'a{1,9999}'", "'(x|x)*y'", "'\\b'", "''"];
const SH_RANGES = ['1', '1-3', '2-', '-2', '1,3', '0', 'x', '1-1000', '5-1', '1-99999'];
const SH_VARS = ['A', 'B', 'PATH', 'OS_CLOUD', 'CLIFF_MAX_TERM_WIDTH', 'CLIFF_FIT_WIDTH', 'HOME', '_', 'X1', 'PS1'];

function fill(r: Prng, template: string): string {
  return template
    .replace(/\{N\}/g, () => String(r.int(0, 300)))
    .replace(/\{W\}/g, () => r.pick(SH_WORDS))
    .replace(/\{RE\}/g, () => r.pick(SH_RES))
    .replace(/\{RANGE\}/g, () => r.pick(SH_RANGES))
    .replace(/\{V\}/g, () => r.pick(SH_VARS));
}

function randomShellLine(r: Prng): string {
  const segs: string[] = [];
  for (let n = r.int(1, 4); n > 0; n--) {
    let seg = fill(r, r.pick(SH_CMDS));
    for (let k = r.int(0, 3); k > 0; k--) seg += ` | ${fill(r, r.pick(SH_FILTERS))}`;
    if (r.chance(0.15)) seg = `echo "$(${seg})"`;
    if (r.chance(0.1)) seg = `${r.pick(SH_VARS)}=$(${seg})`;
    if (r.chance(0.05)) seg = `export CLIFF_MAX_TERM_WIDTH=${r.pick(['0', '-5', '1', '2', '999999999', 'abc', '1e9'])}; ${seg}`;
    segs.push(seg);
  }
  let line = '';
  segs.forEach((s, i) => {
    line += (i === 0 ? '' : r.pick([' ; ', ' && ', ' || ', ' | ', ';'])) + s;
  });
  if (r.chance(0.1)) line += r.text(r.int(1, 40));
  return line;
}

// ---- the attack classes -------------------------------------------------------------------------

interface RequestParts {
  method: string;
  target: string;
  version: string;
  lines: string[];
  body: Buffer;
}

function serialize(p: RequestParts): Buffer {
  const head = `${p.method} ${p.target}${p.version ? ` ${p.version}` : ''}\r\n${p.lines.map((l) => `${l}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), p.body]);
}

/** The lines of `a` not in `b`, counting repeats (a header sent twice shows as added once). */
function without(a: string[], b: string[]): string[] {
  const left = [...b];
  return a.filter((l) => {
    const i = left.indexOf(l);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

function describeRequest(p: RequestParts): string {
  return show(`${p.method} ${p.target} ${p.version} | ${p.lines.join(' | ')}${p.body.length ? ` | body ${p.body.toString('latin1')}` : ''}`, 260);
}

/** Raw bytes on TCP: random bytes, half requests, other protocols, floods, held-open sockets. */
const tcpGarbage: AttackClass = {
  name: 'tcp-garbage',
  weight: 1,
  async run(c) {
    const held: Socket[] = [];
    c.onCleanup(() => held.forEach((s) => s.destroy()));
    await c.workers(4, async () => {
      const r = c.r;
      const k = r.int(0, 9);
      let chunks: Buffer[];
      let desc: string;
      if (k <= 2) {
        chunks = [r.bytes(r.pick([1, 16, 512, 4096, 65536]))];
        desc = `${chunks[0]?.length} random bytes: ${show(chunks[0] as Buffer, 60)}`;
      } else if (k === 3) {
        chunks = [Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\n${r.text(r.int(0, 2000))}`, 'utf8')];
        desc = `half a request: ${show(chunks[0] as Buffer)}`;
      } else if (k === 4) {
        chunks = [Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), r.bytes(r.int(0, 512))];
        desc = 'the HTTP/2 preface and random frames';
      } else if (k === 5) {
        chunks = [Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]), r.bytes(500)])];
        desc = 'a TLS ClientHello';
      } else if (k === 6) {
        const one = `GET /${r.pick(['healthz', 'api/me', 'api/fixtures', '%E0%A4%A', '//['])} HTTP/1.1\r\nHost: a\r\n\r\n`;
        chunks = [Buffer.from(one.repeat(r.int(10, 400)))];
        desc = `pipelined: ${show(one)} × ${chunks[0]!.length / one.length}`;
      } else if (k === 7) {
        chunks = [Buffer.from(r.pick(['\r\n\r\n\r\n', '\n\n\n', 'GET\r\n\r\n', '\0\0\0\0', 'GET / HTTP/1.1\rHost: a\r\r', 'GET / HTTP/1.1\nHost: a\n\n', ' / HTTP/1.1\r\n\r\n']))];
        desc = `odd line ends: ${show(chunks[0] as Buffer)}`;
      } else if (k === 8) {
        const req = `GET /api/me HTTP/1.1\r\nHost: a\r\nCookie: ${r.pick(COOKIES('stacklab_sid=x.y'))}\r\n\r\n`;
        chunks = [...Buffer.from(req)].slice(0, 200).map((b) => Buffer.from([b]));
        desc = 'a request one byte per write';
        await c.attack(desc, () => tcpExchange(c.port, c.src(), chunks, 600, 1), 1000);
        return;
      } else {
        // Held open: a byte or a partial header, then nothing (at most 200 such sockets).
        desc = 'a held-open connection with a partial request';
        await c.attack(desc, async () => {
          if (held.length >= 200) return;
          const s = connect({ host: '127.0.0.1', port: c.port, localAddress: c.src() });
          s.on('error', () => undefined);
          s.write(r.pick(['G', 'GET / HTTP/1.1\r\n', 'GET / HTTP/1.1\r\nHost: a\r\nX: ', 'PUT /api/me HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n{']));
          held.push(s);
        });
        return;
      }
      const answer = await c.attack(desc, () => tcpExchange(c.port, c.src(), chunks, 300), 1000);
      if (answer) c.note(statusOf(answer));
    });
  },
};

/** Malformed HTTP requests: request lines, targets, headers, cookies, Origins. */
const httpRequests: AttackClass = {
  name: 'http-request',
  weight: 1.8,
  async run(c) {
    await c.workers(4, async () => {
      const r = c.r;
      const p: RequestParts = {
        method: r.pick(METHODS),
        target: r.pick(TARGETS(r)),
        version: r.pick(VERSIONS),
        lines: [...(r.chance(0.9) ? [`Host: ${c.host}`] : []), ...(r.chance(0.5) ? [`Cookie: ${c.life.hostileCookie}`] : []), ...randomHeaderLines(r, c.port, c.life.hostileCookie)],
        body: Buffer.alloc(0),
      };
      if (r.chance(0.3)) p.lines = r.shuffle(p.lines);
      const answer = await c.attack(describeRequest(p), () => tcpExchange(c.port, c.src(), [serialize(p)], 400), 1500);
      if (answer) c.note(statusOf(answer));
    });
  },
};

const BODIES = [
  '{',
  '{"name":',
  '[]',
  'null',
  '"x"',
  '{"name":123}',
  '{"name":"\\u0000"}',
  `{"name":"${'x'.repeat(2000)}"}`,
  `${'['.repeat(400)}${']'.repeat(400)}`,
  '{"__proto__":{"name":"x"}}',
  '{"constructor":{"prototype":{"name":"x"}}}',
  '{"name":"\\ud800"}',
  '{"name":"ok name"}',
  '{"name":"  "}',
  '\ufeff{"name":"bom"}',
  'name=x',
  '{"name":"a","name":{"x":1}}',
  '1e99999',
  '{"name":["a"]}',
  '{"name":{"toString":"x"}}',
  '{"name":"\u202e\u00e4\ud83d\ude42"}',
];

/** Bodies: bad JSON to PUT /api/me, odd types and encodings, lying lengths, bad chunking. */
const httpBodies: AttackClass = {
  name: 'http-body',
  weight: 1.2,
  async run(c) {
    await c.workers(4, async () => {
      const r = c.r;
      let body: Buffer = r.chance(0.15) ? r.bytes(r.int(1, 3000)) : Buffer.from(r.pick(BODIES), 'utf8');
      const lines = [`Host: ${c.host}`];
      if (r.chance(0.8)) lines.push(`Cookie: ${r.chance(0.8) ? c.life.hostileCookie : r.pick(COOKIES(c.life.hostileCookie))}`);
      if (r.chance(0.9)) lines.push(`Content-Type: ${r.pick(['application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=bogus', 'text/plain', 'application/x-www-form-urlencoded', 'application/*+json', 'application/json, text/plain', ''])}`);
      const enc = r.pick(['', '', '', 'gzip', 'gzip-garbage', 'deflate', 'br', 'identity', 'gzip, gzip', 'bogus', 'gzip-bomb']);
      if (enc === 'gzip') body = gzipSync(body);
      else if (enc === 'gzip-bomb') body = gzipSync(Buffer.alloc(20 * 1048576, 0x20));
      else if (enc === 'gzip-garbage') body = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), r.bytes(r.int(0, 200))]);
      if (enc !== '') lines.push(`Content-Encoding: ${enc.startsWith('gzip-') ? 'gzip' : enc}`);
      const framing = r.pick(['length', 'length', 'too-long', 'too-short', 'none', 'chunked', 'bad-chunk', 'chunked+length', 'expect']);
      let chunks: Buffer[];
      if (framing === 'chunked' || framing === 'bad-chunk' || framing === 'chunked+length') {
        lines.push('Transfer-Encoding: chunked');
        if (framing === 'chunked+length') lines.push(`Content-Length: ${body.length}`);
        const size = framing === 'bad-chunk' ? r.pick(['zzz', 'ffffffffffffffffff', '-1', '1;ext=\u0000', '']) : body.length.toString(16);
        chunks = [Buffer.from(`${size}\r\n`), body, Buffer.from(r.chance(0.5) ? '\r\n0\r\n\r\n' : '\r\n')];
      } else {
        if (framing === 'length' || framing === 'expect') lines.push(`Content-Length: ${body.length}`);
        if (framing === 'too-long') lines.push(`Content-Length: ${body.length + r.int(1, 1000)}`);
        if (framing === 'too-short') lines.push(`Content-Length: ${Math.max(0, body.length - r.int(1, 10))}`);
        if (framing === 'expect') lines.push('Expect: 100-continue');
        chunks = [body];
      }
      const p: RequestParts = {
        method: r.pick(['PUT', 'PUT', 'PUT', 'POST', 'PATCH']),
        target: r.pick(['/api/me', '/api/me', '/api/me', '/api/me/', '/api/me?x=%E0%A4%A', '/', '/api/labs']),
        version: 'HTTP/1.1',
        lines,
        body: Buffer.alloc(0),
      };
      const desc = `${describeRequest(p)} encoding=${enc || 'none'} framing=${framing} body ${show(body, 80)}`;
      const answer = await c.attack(desc, () => tcpExchange(c.port, c.src(), [serialize(p), ...chunks], 400), 1500);
      if (answer) c.note(statusOf(answer));
    });
  },
};

/** WebSocket upgrade requests: a valid one with one to three parts changed, or random headers. */
const wsUpgrades: AttackClass = {
  name: 'ws-upgrade',
  weight: 1.5,
  async run(c) {
    await c.workers(4, async () => {
      const r = c.r;
      const p: RequestParts = {
        method: 'GET',
        target: HOSTILE_WS,
        version: 'HTTP/1.1',
        lines: [`Host: ${c.host}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${wsKey()}`, 'Sec-WebSocket-Version: 13', `Origin: ${c.origin}`, `Cookie: ${c.life.hostileCookie}`],
        body: Buffer.alloc(0),
      };
      const set = (name: string, value: string | null) => {
        p.lines = p.lines.filter((l) => !l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
        if (value !== null) p.lines.push(`${name}: ${value}`);
      };
      const mutations: Array<() => void> = [
        () => {
          p.target = r.pick([
            '//[',
            '/ws?workspace=%E0%A4%A',
            '/ws?workspace=lab:..',
            '/ws?workspace=lab:nonexistent',
            `/ws?workspace=sandbox:${'a'.repeat(r.int(10, 8000))}`,
            '/ws/',
            '/WS?workspace=sandbox:empty',
            '/ws?workspace=sandbox:empty&workspace=lab:x',
            '*',
            'http://[::1/ws',
            '/ws#frag',
            '/ws?workspace=sandbox:network-node',
            '/ws?workspace=lab:01-direct-attach',
            '/%E0%A4%A?workspace=sandbox:empty',
            '/ws?%E0%A4%A',
            '/ws?workspace=sandbox%3Aempty',
            '/ws?workspace=sandbox:__proto__',
            '/ws?workspace=sandbox:constructor',
          ]);
        },
        () => set('Origin', r.pick(ORIGINS(c.port))),
        () => set('Origin', null),
        () => p.lines.push(`Origin: ${r.pick(ORIGINS(c.port))}`),
        () => set('Cookie', r.pick(COOKIES(c.life.hostileCookie))),
        () => set('Cookie', null),
        () => set('Host', r.pick(['[::1', '', 'evil.example', `127.0.0.1:${c.port + 1}`, 'h'.repeat(9000), '\u00e4'])),
        () => set('Host', null),
        () => set('Sec-WebSocket-Key', r.pick(['', 'x', 'a'.repeat(1000), '!!!!!!!!!!!!!!!!!!!!!!==', wsKey() + wsKey()])),
        () => set('Sec-WebSocket-Key', null),
        () => set('Sec-WebSocket-Version', r.pick(['8', '0', '99', '', '13, 8', 'x'])),
        () => set('Upgrade', r.pick(['WebSocket', 'h2c', '', 'websocket, h2c', 'x'.repeat(5000)])),
        () => set('Connection', r.pick(['keep-alive', 'Upgrade, keep-alive', 'close', ''])),
        () => set('Sec-WebSocket-Protocol', r.pick(['', ',,,', 'a, a', r.text(200).replace(/[\r\n]/g, '')])),
        () => set('Sec-WebSocket-Extensions', r.pick(['permessage-deflate; client_max_window_bits=99', 'permessage-deflate; server_no_context_takeover; server_no_context_takeover', 'x; y=', ';;;'])),
        () => {
          p.method = r.pick(['POST', 'PUT', 'HEAD', 'OPTIONS', 'get']);
        },
        () => {
          p.version = r.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', '']);
        },
        () => {
          p.body = r.chance(0.5) ? r.bytes(r.int(1, 2000)) : textFrame(JSON.stringify({ t: 'line', line: randomShellLine(r) }));
        },
        () => p.lines.push(...randomHeaderLines(r, c.port, c.life.hostileCookie)),
      ];
      const random = r.chance(0.15);
      if (random) p.lines = randomHeaderLines(r, c.port, c.life.hostileCookie).concat(r.chance(0.5) ? ['Upgrade: websocket', 'Connection: Upgrade'] : []);
      const base = { ...p, lines: [...p.lines] };
      for (let n = r.int(1, 3); n > 0; n--) r.pick(mutations)();
      // What differs from a valid upgrade comes first, so that the culprit shows in a failure.
      const changed = [
        ...(random ? ['random headers'] : []),
        ...(p.method !== base.method ? [`method ${p.method}`] : []),
        ...(p.version !== base.version ? [`version ${show(p.version)}`] : []),
        ...(p.target !== base.target ? [`target ${show(p.target, 80)}`] : []),
        ...without(p.lines, base.lines).map((l) => `+${show(l, 100)}`),
        ...without(base.lines, p.lines).map((l) => `-${l.split(':')[0] ?? l}`),
        ...(p.body.length ? [`${p.body.length} bytes after the head`] : []),
      ];
      const up = await c.attack(
        `upgrade (changed: ${changed.join('; ')}) ${describeRequest(p)}`,
        async () => {
          const u = await rawUpgrade(c.port, serialize(p), { timeoutMs: 1000, localAddress: c.src() });
          if (u.status === 101 && r.chance(0.5)) {
            u.socket.write(r.chance(0.5) ? r.bytes(r.int(1, 300)) : textFrame(JSON.stringify({ t: 'line', line: 'true' })));
            await sleep(20);
          }
          u.socket.destroy();
          return u;
        },
        1500,
      );
      if (up) c.note(up.status === 0 ? 'closed without an answer' : String(up.status));
    });
  },
};

/** After a valid upgrade: malformed and hostile frames. */
const wsFrames: AttackClass = {
  name: 'ws-frames',
  weight: 1.8,
  async run(c) {
    await c.workers(4, async () => {
      const r = c.r;
      const line = () => JSON.stringify({ t: 'line', line: r.chance(0.5) ? 'openstack network list' : randomShellLine(r) });
      const gens: Array<() => [string, Buffer[]]> = [
        () => {
          const n = r.pick([16_385, 65_536, 1_048_576]);
          return [`oversize text frame (${n} bytes)`, [textFrame(Buffer.alloc(n, 0x61))]];
        },
        () => {
          const len = r.pick([2n ** 63n - 1n, 2n ** 64n - 1n, 100_000_000n, 16_385n, 2n ** 53n]);
          return [`frame header claiming ${len} bytes, then 10`, [encodeFrame({ opcode: OP.text, payload: 'x'.repeat(10), declaredLength: len })]];
        },
        () => {
          const bad = r.pick([Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff, 0xfe]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xe2, 0x82])]);
          return [`invalid UTF-8 in a text frame: ${bad.toString('hex')}`, [textFrame(Buffer.concat([Buffer.from('{"t":"line","line":"'), bad, Buffer.from('"}')]))]];
        },
        () => {
          const op = r.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]);
          return [`reserved opcode ${op}`, [encodeFrame({ opcode: op, payload: r.bytes(r.int(0, 100)) })]];
        },
        () => {
          const rsv = r.int(1, 7);
          return [`RSV bits ${rsv} on a text frame`, [textFrame(line(), { rsv })]];
        },
        () => ['an unmasked text frame', [textFrame(line(), { mask: false })]],
        () => {
          const n = r.int(2, 2000);
          const parts = [encodeFrame({ opcode: OP.text, fin: false, payload: '{"t":"line","line":"' })];
          for (let i = 0; i < n; i++) parts.push(encodeFrame({ opcode: OP.continuation, fin: false, payload: r.chance(0.05) ? 'echo ' : 'x' }));
          parts.push(encodeFrame({ opcode: OP.continuation, payload: '"}' }));
          return [`a text message in ${n + 2} fragments`, [Buffer.concat(parts)]];
        },
        () => {
          const parts = [encodeFrame({ opcode: OP.text, fin: false, payload: '{"t":' })];
          for (let i = 0; i < 20; i++) parts.push(encodeFrame({ opcode: OP.continuation, fin: false, payload: 'x'.repeat(1000) }));
          return ['fragments adding up to more than 16 KiB', [Buffer.concat(parts)]];
        },
        () => ['a continuation with no message started', [encodeFrame({ opcode: OP.continuation, payload: '"}' })]],
        () => ['a new text frame inside a fragmented message', [encodeFrame({ opcode: OP.text, fin: false, payload: '{"t":' }), textFrame(line())]],
        () => ['a ping between fragments', [encodeFrame({ opcode: OP.text, fin: false, payload: '{"t":"line",' }), encodeFrame({ opcode: OP.ping, payload: 'p' }), encodeFrame({ opcode: OP.continuation, payload: '"line":"true"}' })]],
        () => {
          const n = r.pick([126, 1000, 65_535]);
          return [`a ping with ${n} bytes`, [encodeFrame({ opcode: OP.ping, payload: r.bytes(n) })]];
        },
        () => ['a fragmented ping', [encodeFrame({ opcode: OP.ping, fin: false, payload: 'a' }), encodeFrame({ opcode: OP.continuation, payload: 'b' })]],
        () => ['a close frame with a 1-byte payload', [encodeFrame({ opcode: OP.close, payload: Buffer.from([3]) })]],
        () => {
          const code = r.pick([0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535]);
          return [`a close frame with code ${code}`, [closeFrame(code)]];
        },
        () => ['a close frame with an invalid UTF-8 reason', [closeFrame(1000, Buffer.from([0xff, 0xfe, 0xfd]))]],
        () => ['a close frame with a 200-byte reason', [closeFrame(1000, 'r'.repeat(200), { lengthForm: '16' })]],
        () => ['200 pings', [Buffer.concat(Array.from({ length: 200 }, () => encodeFrame({ opcode: OP.ping, payload: 'x' })))]],
        () => ['an unsolicited pong', [encodeFrame({ opcode: OP.pong, payload: 'x' })]],
        () => ['a binary frame with a JSON line', [encodeFrame({ opcode: OP.binary, payload: line() })]],
        () => ['an empty text frame', [textFrame('')]],
        () => ['random bytes after the handshake', [r.bytes(r.int(1, 5000))]],
        () => ['100 messages in one write', [Buffer.concat(Array.from({ length: 100 }, () => textFrame(JSON.stringify({ t: 'line', line: 'true' }))))]],
        () => ['a valid line message one byte per write', [...textFrame(line())].map((b) => Buffer.from([b]))],
        () => ['a text frame with the 64-bit length form for 5 bytes', [textFrame('{"t":', { lengthForm: '64' })]],
      ];
      const picked = Array.from({ length: r.int(1, 3) }, () => r.pick(gens)());
      const desc = `frames after a valid upgrade: ${picked.map(([d]) => d).join(', then ')}`;
      const outcome = await c.attack(
        desc,
        async () => {
          const u = await rawUpgrade(c.port, `GET ${HOSTILE_WS} HTTP/1.1\r\nHost: ${c.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${wsKey()}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${c.origin}\r\nCookie: ${c.life.hostileCookie}\r\n\r\n`, { localAddress: c.src() });
          if (u.status !== 101) {
            u.socket.destroy();
            return `upgrade refused (${u.status})`;
          }
          const reader = new FrameReader();
          let closeCode = 'none';
          u.socket.on('data', (d: Buffer) => {
            for (const f of reader.push(d)) if (f.opcode === OP.close) closeCode = f.payload.length >= 2 ? String(f.payload.readUInt16BE(0)) : 'empty';
          });
          u.socket.on('error', () => undefined);
          for (const [, chunks] of picked) for (const ch of chunks) if (!u.socket.destroyed) u.socket.write(ch);
          await new Promise<void>((ok) => {
            const t = setTimeout(ok, 150);
            u.socket.once('close', () => {
              clearTimeout(t);
              ok();
            });
          });
          u.socket.destroy();
          return `server close ${closeCode}`;
        },
        2500,
      );
      if (outcome) c.note(outcome);
    });
  },
};

function randomJson(r: Prng, depth = 0): unknown {
  const k = r.int(0, depth > 3 ? 3 : 6);
  if (k === 0) return r.pick([null, true, false, 0, -1, 1e308, 2 ** 53 + 1, 0.5]);
  if (k === 1) return r.text(r.int(0, 50));
  if (k === 2) return r.pick(['line', 'complete', 'reset', 'resize', 'answer', 'solution', 'hello', '__proto__', 'constructor', '']);
  if (k === 3) return r.int(-5, 2000);
  if (k === 4) return Array.from({ length: r.int(0, 4) }, () => randomJson(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let n = r.int(0, 4); n > 0; n--) o[r.pick(['t', 'line', 'cols', 'check', 'value', 'step', '__proto__', 'constructor', r.text(5)])] = randomJson(r, depth + 1);
  return o;
}

/** Valid frames, random JSON messages (well-formed and not), on a sandbox and on a lab. */
const wsMessages: AttackClass = {
  name: 'ws-messages',
  weight: 1.8,
  async run(c) {
    await c.workers(2, async () => {
      const r = c.r;
      const lab = c.life.labs.length > 0 && r.chance(0.3) ? r.pick(c.life.labs) : null;
      const workspace = lab ? `lab:${lab.id}` : 'sandbox:empty';
      const client = await c.attack(`open a WebSocket on ${workspace}`, () => WsClient.open(c.port, c.life.hostileCookie, workspace, c.origin, 3000, c.src()), 3500);
      if (!client) {
        c.note('could not connect');
        return;
      }
      c.onCleanup(() => client.close());
      for (let i = r.int(5, 40); i > 0 && c.active() && !client.closed; i--) {
        const k = r.int(0, 13);
        let msg: string;
        if (k <= 3) msg = JSON.stringify({ t: 'line', line: randomShellLine(r) });
        else if (k <= 5) msg = JSON.stringify({ t: 'complete', line: randomShellLine(r).slice(0, r.int(0, 80)) });
        else if (k === 6) msg = JSON.stringify({ t: 'resize', cols: r.pick([20, 1000, 19, 1001, 0, -1, 20.5, 1e308, '80', null, 2 ** 31]) });
        else if (k === 7) msg = JSON.stringify({ t: 'reset' });
        else if (k === 8) msg = JSON.stringify({ t: 'answer', check: lab && lab.checks.length ? r.pick(lab.checks) : r.pick(['q1', 'x'.repeat(80), 'BAD', '']), value: r.text(r.int(0, 220)) });
        else if (k === 9) msg = JSON.stringify({ t: 'solution', step: lab && lab.steps.length ? r.pick(lab.steps) : r.pick(['s1', '..', 'x'.repeat(81)]) });
        else if (k === 10) msg = JSON.stringify(randomJson(r));
        else if (k === 11) msg = r.pick(['{"t":"line","line":"x"', '{"t":"line","line":"\\ud800\\udc00\\ud800"}', `${'['.repeat(8000)}`, '1e999999', '', ' ', '{"t":"line","line":"true","t":"reset"}', r.text(r.int(1, 500))]);
        else if (k === 12) msg = JSON.stringify({ t: 'line', line: r.text(r.int(4090, 4200)) });
        else msg = JSON.stringify({ t: 'complete', line: `${r.pick(['openstack ', 'neutron ', 'nova ', 'ip netns exec ', 'ssh root@', 'ping ', 'sysctl ', 'iptables -t ', 'ovs-vsctl ', ''])}${r.text(r.int(0, 30))}` });
        const expectsReply = k <= 5 || k === 7 || k >= 10;
        await c.attack(
          `message on ${workspace}: ${show(msg, 300)}`,
          async () => {
            client.send(msg);
            if (expectsReply) await client.next(STALL_MS * 2);
            else await sleep(5);
          },
          STALL_MS * 2 + 500,
        );
        c.note(k <= 3 ? 'line' : k <= 5 || k === 13 ? 'complete' : k === 10 || k === 11 ? 'random JSON / not JSON' : 'other');
      }
      client.close();
    });
  },
};

/** Random shell lines from the vocabulary, one after the other on one learner. */
const shellRandom: AttackClass = {
  name: 'shell-random',
  weight: 1.8,
  async run(c) {
    let client = await WsClient.open(c.port, c.life.hostileCookie, 'sandbox:empty', c.origin, 3000, c.src());
    c.onCleanup(() => client?.close());
    let learners = 1;
    while (c.active() && client && !client.closed) {
      const line = randomShellLine(c.r);
      const res = await c.attack(`shell line ${show(line, 400)}`, () => (client as WsClient).run(line, 30_000), 30_000);
      const refused = res !== undefined && res !== null && (res.t === 'error' || (res.exitCode === 1 && /^stacklab: (the server is still busy|too many)/.test(res.stderr ?? '')));
      c.note(!res ? 'no reply' : refused ? 'refused (learner over its budget)' : `exit ${res.exitCode ?? '?'}`);
      if (refused && learners < 40) {
        // A hostile learner over its budget just takes another cookie (from another address).
        const src = c.src();
        const cookie = await c.attack('shell-random: a fresh learner', () => newLearnerCookie(c.base, { localAddress: src }), 5000);
        if (cookie) {
          client.close();
          learners++;
          client = await c.attack('shell-random: its terminal', () => WsClient.open(c.port, cookie, 'sandbox:empty', c.origin, 3000, src), 3500) ?? null;
          c.note('switched to a fresh learner');
        } else await sleep(50);
      } else if (refused) await sleep(50);
    }
  },
};

let expensiveQueue: ExpensiveEntry[] | null = null;
const resetExpensive = () => {
  expensiveQueue = null;
};

/** Known-expensive lines, each on a fresh learner; after a death or stall the next runs on a new server. */
const shellExpensive: AttackClass = {
  name: 'shell-expensive',
  weight: 7,
  retry: true,
  async run(c) {
    // The order is the seed's, so repeated runs reach different ones first; each runs once per test.
    expensiveQueue ??= c.r.shuffle(EXPENSIVE);
    while (c.active()) {
      const entry = expensiveQueue.shift();
      if (!entry) return;
      const src = c.src();
      const cookie = await newLearnerCookie(c.base, { localAddress: src }).catch(() => null);
      const client = cookie ? await WsClient.open(c.port, cookie, 'sandbox:empty', c.origin, 3000, src) : null;
      if (!client) {
        c.note('could not connect');
        return;
      }
      c.onCleanup(() => client.close());
      const outcomes: string[] = [];
      for (const [i, line] of entry.lines.entries()) {
        if (c.life.ended) break;
        const t0 = performance.now();
        const res = await c.attack(`expensive "${entry.name}", line ${i + 1}/${entry.lines.length}: ${show(line, 200)}`, () => client.run(line, 60_000), 60_000);
        const ms = performance.now() - t0;
        if (!res) break;
        if (ms > 100 || res.exitCode !== 0) {
          outcomes.push(`line ${i + 1}: ${res.t === 'error' ? `error ${show(res.message ?? '')}` : `exit ${res.exitCode} ${show((res.stderr ?? '').split('\n')[0] ?? '', 70)}`} in ${ms.toFixed(0)} ms`);
        }
      }
      c.note(`${entry.name}: ${c.life.ended ? c.life.ended.kind : outcomes.length ? outcomes.slice(0, 3).join('; ') : 'fast, exit 0'}`);
      client.close();
    }
  },
};

/** A learner with a big history reconnects again and again; an instructor opens its history. */
const historyReload: AttackClass = {
  name: 'history-reload',
  weight: 2.1,
  async run(c) {
    const src = c.src();
    const cookie = await newLearnerCookie(c.base, { localAddress: src }).catch(() => null);
    const id = cookie
      ? await httpCall(c.base, '/api/me', { headers: { Cookie: cookie }, localAddress: src })
          .then((r) => (JSON.parse(r.body.toString()) as { id: string }).id)
          .catch(() => null)
      : null;
    const client = cookie ? await WsClient.open(c.port, cookie, 'sandbox:empty', c.origin, 3000, src) : null;
    if (!client || !cookie || !id) {
      c.note('could not connect');
      return;
    }
    c.onCleanup(() => client.close());
    await c.attack(`history-reload: prepare a 256 KiB variable: ${show(B_BIG, 80)}`, () => client.run(B_BIG, 30_000), 30_000);
    for (let i = 0; i < 30 && c.active(); i++) await c.attack('history-reload: echo "$B$B$B$B" (1 MiB of output)', () => client.run('echo "$B$B$B$B"', 30_000), 30_000);
    client.close();
    while (c.active()) {
      const again = await c.attack('history-reload: reconnect the learner with 30 MiB of history', () => WsClient.open(c.port, cookie, 'sandbox:empty', c.origin, 10_000, src), 10_000);
      if (again) {
        const res = await c.attack('history-reload: a command after reconnecting', () => again.run('openstack network list', 10_000), 10_000);
        c.note(res ? 'reconnected and answered' : 'reconnected, no answer');
        again.close();
      } else c.note('reconnect failed');
      if (c.r.chance(0.3)) {
        const status = await c.attack(
          "history-reload: the instructor opens the learner's history",
          () => httpCall(c.base, `/api/instructor/learners/${id}?workspace=sandbox:empty`, { headers: { Authorization: `Bearer ${INSTRUCTOR_TOKEN}` }, timeoutMs: 10_000 }),
          10_000,
        );
        c.note(`instructor view: ${status ? `${status.status}, ${status.body.length > 1048576 ? 'over' : 'under'} 1 MiB` : 'no answer'}`);
      }
    }
  },
};

const CLASSES: AttackClass[] = [tcpGarbage, httpRequests, httpBodies, wsUpgrades, wsFrames, wsMessages, shellRandom, historyReload, shellExpensive];

// ---- the driver ---------------------------------------------------------------------------------

interface Failure {
  cls: string;
  text: string;
}

describe('fuzz: the server under hostile input', () => {
  it('stays up and keeps answering a well-behaved learner', { timeout: 120_000 }, async () => {
    const t0 = Date.now();
    resetExpensive();
    const root = mkdtempSync(join(tmpdir(), 'stacklab-fuzz-'));
    const failures: Failure[] = [];
    const stats = new Map<string, { attacks: number; outcomes: Map<string, number>; internalErrors: number; firstInternalError: string }>();
    let currentClass = '';
    /** Per class: the good learner's slowest answer over 100 ms and the attacks sent just before it. */
    const slowAnswers = new Map<string, { ms: number; before: string[] }>();
    const recent: Attack[] = [];
    const inFlight = new Set<Attack>();
    let attackSeq = 0;
    let lives = 0;
    let life: Life | null = null;
    const goodTotals = { sent: 0, answered: 0, latencies: [] as number[], slowestByTag: new Map<string, number>() };

    const startLife = async (): Promise<Life> => {
      const dataDir = join(root, `life-${++lives}`);
      mkdirSync(dataDir);
      const server = await startServerProcess({ STACKLAB_DATA: dataDir, STACKLAB_STORE: 'sqlite', STACKLAB_INSTRUCTOR_TOKEN: INSTRUCTOR_TOKEN });
      // Not failures, but worth knowing: what the server logged as its own errors, per class.
      server.child.stderr?.on('data', (d: Buffer) => {
        const st = stats.get(currentClass);
        if (!st) return;
        for (const line of d.toString().split('\n')) {
          if (!/internal error|^\S*Error\b/i.test(line)) continue;
          st.internalErrors++;
          st.firstInternalError ||= line.slice(0, 240);
        }
      });
      const good = await GoodLearner.open(server);
      const hostileCookie = await newLearnerCookie(server.base);
      const labs: LabInfo[] = [];
      try {
        const list = (await fetch(`${server.base}/api/labs`).then((r) => r.json())) as Array<{ id: string }>;
        for (const l of list.slice(0, 2)) {
          const d = (await fetch(`${server.base}/api/labs/${l.id}`).then((r) => r.json())) as { steps: Array<{ id: string; checks: Array<{ id: string }> }> };
          labs.push({ id: l.id, steps: d.steps.map((s) => s.id), checks: d.steps.flatMap((s) => s.checks.map((x) => x.id)) });
        }
      } catch {
        // no labs: the messages class uses sandboxes only
      }
      return new Life(server, good, hostileCookie, labs);
    };

    const retire = async (l: Life) => {
      goodTotals.sent += l.good.sent;
      goodTotals.answered += l.good.answered;
      goodTotals.latencies.push(...l.good.latencies);
      for (const [k, v] of l.good.slowestByTag) goodTotals.slowestByTag.set(k, Math.max(v, goodTotals.slowestByTag.get(k) ?? 0));
      await l.dispose();
    };

    const record = (cls: string, l: Life, classStart: number, classAttacks: number) => {
      const e = l.ended as Ending;
      const suspects = [...inFlight].sort((a, b) => a.id - b.id);
      const fmt = (a: Attack) => `      #${a.id} [${a.cls}] at ${((a.at - t0) / 1000).toFixed(2)} s: ${a.desc}`;
      const tail = l.server
        .outputTail()
        .split('\n')
        .filter((x) => x.trim() !== '' && !/^(Stacklab is serving|Instructor token|Class page)/.test(x))
        .slice(-14)
        .map((x) => `      | ${x.slice(0, 300)}`)
        .join('\n');
      failures.push({
        cls,
        text:
          `[${cls}] the server ${e.kind} at ${((e.at - t0) / 1000).toFixed(2)} s, ${((e.at - classStart) / 1000).toFixed(1)} s into the class, after ${classAttacks} attacks of this class: ${e.detail}\n` +
          (suspects.length ? `    attacks in flight:\n${suspects.map(fmt).join('\n')}\n` : '') +
          `    last attacks sent (newest last):\n${recent.slice(-5).map(fmt).join('\n')}\n` +
          (tail ? `    server output (tail):\n${tail}\n` : '    server output: nothing\n'),
      });
    };

    try {
      life = await startLife();
      const totalWeight = CLASSES.reduce((s, k) => s + k.weight, 0);
      for (const cls of CLASSES) {
        const classStart = Date.now();
        const until = Math.min(classStart + (TOTAL_MS * cls.weight) / totalWeight, t0 + HARD_STOP_MS);
        const st = { attacks: 0, outcomes: new Map<string, number>(), internalErrors: 0, firstInternalError: '' };
        stats.set(cls.name, st);
        currentClass = cls.name;
        const r = new Prng((SEED ^ hashName(cls.name)) >>> 0);
        for (;;) {
          if (Date.now() >= until) break;
          if (!life || life.ended) {
            if (life) await retire(life);
            life = null;
            life = await startLife();
          }
          const l: Life = life;
          l.good.tag = cls.name;
          l.good.onSlow = (took) => {
            if (took <= (slowAnswers.get(cls.name)?.ms ?? 0)) return;
            slowAnswers.set(cls.name, { ms: took, before: recent.slice(-3).map((a) => `#${a.id} ${a.desc.slice(0, 300)}`) });
          };
          const cleanups: Array<() => void> = [];
          const ctx: Ctx = {
            r,
            life: l,
            port: l.server.port,
            base: l.server.base,
            host: `127.0.0.1:${l.server.port}`,
            origin: l.server.base,
            until,
            src: () => (r.chance(0.5) ? '127.0.0.2' : `127.0.${r.int(1, 3)}.${r.int(1, 254)}`),
            active: () => Date.now() < until && !l.ended,
            note: (o) => st.outcomes.set(o, (st.outcomes.get(o) ?? 0) + 1),
            onCleanup: (f) => cleanups.push(f),
            async attack<T>(desc: string, fn: () => Promise<T>, timeoutMs = 5000): Promise<T | undefined> {
              if (l.ended) return undefined;
              const a: Attack = { id: ++attackSeq, cls: cls.name, desc, at: Date.now() };
              st.attacks++;
              recent.push(a);
              if (recent.length > 20) recent.shift();
              inFlight.add(a);
              let timer: NodeJS.Timeout | undefined;
              try {
                return await Promise.race([
                  fn().catch(() => undefined),
                  l.endPromise.then(() => undefined),
                  new Promise<undefined>((ok) => {
                    timer = setTimeout(() => ok(undefined), timeoutMs);
                  }),
                ]);
              } finally {
                clearTimeout(timer);
                // Let an exit caused by this attack be seen while it still counts as in flight.
                await sleep(0);
                if (!l.ended) inFlight.delete(a);
              }
            },
            async workers(n, step) {
              await Promise.all(
                Array.from({ length: n }, async () => {
                  while (ctx.active()) await step();
                }),
              );
            },
          };
          const before = st.attacks;
          try {
            await cls.run(ctx);
          } catch (e) {
            st.outcomes.set(`fuzzer error: ${String(e).slice(0, 120)}`, 1);
          }
          // Whatever the class left behind may still be stalling the server: give it STALL_MS to show.
          if (!l.ended) {
            const settle = Date.now() + STALL_MS + 300;
            while (!l.ended && Date.now() < settle && l.good.outstanding > 1) await sleep(50);
          }
          for (const f of cleanups) f();
          if (l.ended) {
            record(cls.name, l, classStart, st.attacks - before);
            inFlight.clear();
            if (!cls.retry) break;
          } else {
            inFlight.clear();
            if (!cls.retry) break;
            if (expensiveQueue?.length === 0) break;
          }
          if (Date.now() >= t0 + HARD_STOP_MS) break;
        }
        if (Date.now() >= t0 + HARD_STOP_MS) break;
      }

      // The end: the last server must be alive, answer /healthz, and have answered the good learner.
      if (!life || life.ended) {
        if (life) await retire(life);
        life = null;
      } else {
        const l = life;
        // No new command from here: one sent while /healthz is asked would look unanswered.
        l.good.pause();
        const drain = Date.now() + STALL_MS;
        while (!l.ended && l.good.outstanding > 0 && Date.now() < drain) await sleep(20);
        const health = await fetch(`${l.server.base}/healthz`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.status)
          .catch((e: unknown) => String(e));
        if (l.ended) record('end', l, t0, 0);
        else if (health !== 200) failures.push({ cls: 'end', text: `[end] /healthz answered ${health} at the end\n` });
        else if (l.good.outstanding > 0) failures.push({ cls: 'end', text: `[end] ${l.good.outstanding} of the good learner's commands were never answered\n` });
        await retire(l);
        life = null;
      }
    } finally {
      if (life) await retire(life);
      rmSync(root, { recursive: true, force: true });
    }

    const lat = goodTotals.latencies.sort((a, b) => a - b);
    const notReached = (expensiveQueue ?? EXPENSIVE).map((e) => e.name);
    const summary = [
      `fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} npx vitest run test/fuzz-server.test.ts), ${((Date.now() - t0) / 1000).toFixed(1)} s, ${lives} server start(s)`,
      `good learner: ${goodTotals.answered}/${goodTotals.sent} answered, p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms, max ${(lat[lat.length - 1] ?? 0).toFixed(1)} ms`,
      ...[...stats].map(
        ([name, s]) =>
          `  ${name}: ${s.attacks} attacks, the good learner's slowest answer ${(goodTotals.slowestByTag.get(name) ?? 0).toFixed(0)} ms; ${[...s.outcomes]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 30)
            .map(([o, n]) => `${o} ×${n}`)
            .join(', ')}${
            slowAnswers.has(name)
              ? `\n      the good learner's slowest answer (${slowAnswers.get(name)?.ms.toFixed(0)} ms) came after: ${slowAnswers.get(name)?.before.join(' | ')}`
              : ''
          }${s.internalErrors ? `\n      the server logged ${s.internalErrors} error line(s), the first: ${s.firstInternalError}` : ''}`,
      ),
      ...CLASSES.filter((k) => !stats.has(k.name)).map((k) => `  ${k.name}: not run (out of time)`),
      ...(notReached.length ? [`  expensive lines not reached: ${notReached.join('; ')}`] : []),
    ].join('\n');
    console.log(summary);
    if (failures.length > 0) {
      throw new Error(
        `the server did not survive the fuzz (${failures.length} failure(s); seed ${SEED}, replay with FUZZ_SEED=${SEED}):\n\n${failures.map((f) => f.text).join('\n')}\n${summary}`,
      );
    }
  });
});
