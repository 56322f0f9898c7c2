/**
 * `ping` without a count runs until Ctrl-C (issue #13, item 12): the session's pure runs (stream,
 * interrupt after N seconds, the cap where nobody can press Ctrl-C), the workspace's running line
 * (recorded with how long it ran, so a replay ends it at the same point), and the terminal socket
 * (one `output` per second, `interrupt`, the cap, typeahead held, a closed socket).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createSession, PING_CAP, runLine, serializeSession, type SessionState } from '../server/shell/session.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStore } from '../server/store/memory.js';
import { sqliteStore } from '../server/store/sqlite.js';
import type { CloudStore } from '../server/store/types.js';
import { loadLabs } from '../server/labs/index.js';
import { parseWorkspace, workspaces, type Workspaces } from '../server/workspace/index.js';
import { loadState, replayEntry } from '../server/workspace/replay.js';
import { terminals } from '../server/http/terminal.js';
import { parseClientMessage, type ServerMessage } from '../server/http/protocol.js';
import { BLOG_FLOATING_IP } from './support/blog-floating-ip.js';

const SETUP = BLOG_FLOATING_IP;
const PING = 'ping 180.180.180.3';
const HEADER = 'PING 180.180.180.3 (180.180.180.3) 56(84) bytes of data.\n';
const REPLY = /^64 bytes from 180\.180\.180\.3: icmp_seq=(\d+) ttl=63 time=0\.\d{3} ms$/;

function ready(): SessionState {
  let s = createSession({ fixture: 'network-node', seed: 1, host: 'network' });
  for (const l of SETUP) s = runLine(s, l).state;
  return s;
}

const replies = (out: string) => out.split('\n').filter((l) => REPLY.test(l)).length;

describe('ping without a count, in the session (pure)', () => {
  const s = ready();

  it('interrupted after 3 seconds: 3 replies, the ^C echo, the real summary, exit 0, the clock moved by the time it ran', () => {
    const r = runLine(s, PING, { tty: true, until: { kind: 'interrupt', after: 3 } });
    const lines = r.result.stdout.split('\n');
    expect(lines[0]).toBe(HEADER.trimEnd());
    expect(lines.slice(1, 4).map((l) => REPLY.exec(l)?.[1])).toEqual(['1', '2', '3']);
    expect(lines.slice(4, 7)).toEqual(['^C', '--- 180.180.180.3 ping statistics ---', '3 packets transmitted, 3 received, 0% packet loss, time 2002ms']);
    expect(lines[7]).toMatch(/^rtt min\/avg\/max\/mdev = 0\.\d{3}\/0\.\d{3}\/0\.\d{3}\/0\.\d{3} ms$/);
    expect(r.result.exitCode).toBe(0);
    // A line moves the clock by 2 s; this one also by the 3 s it ran.
    expect(r.state.cloud.clock - s.cloud.clock).toBe(5);
  });

  it('streamed: the header and the first reply at once, then each second a pure function of the state and the second', () => {
    const start = runLine(s, PING, { tty: true, until: { kind: 'stream' } });
    const follow = start.result.follow;
    expect(follow).toBeDefined();
    expect(start.result.stdout).toMatch(new RegExp(`^${HEADER.replace(/[.()]/g, '\\$&')}64 bytes from 180\\.180\\.180\\.3: icmp_seq=1 `));
    const streamed = start.result.stdout + [2, 3, 4].map((i) => follow?.line(i) ?? '').join('');
    const whole = runLine(s, PING, { tty: true, until: { kind: 'interrupt', after: 4 } }).result.stdout;
    expect(whole.startsWith(streamed)).toBe(true);
    expect(whole.slice(streamed.length).startsWith('^C\n--- 180.180.180.3 ping statistics ---\n4 packets transmitted, 4 received')).toBe(true);
    // Asked twice, a second prints the same.
    expect(follow?.line(3)).toBe(follow?.line(3));
  });

  it('where nobody can press Ctrl-C (a script, the default) it stops by itself at the cap, without ^C', () => {
    const r = runLine(s, PING);
    expect(replies(r.result.stdout)).toBe(PING_CAP);
    expect(r.result.stdout).toContain(`\n\n--- 180.180.180.3 ping statistics ---\n${PING_CAP} packets transmitted, ${PING_CAP} received`);
    expect(r.result.stdout).not.toContain('^C');
    expect(r.state.cloud.clock - s.cloud.clock).toBe(2 + PING_CAP);
  });

  it('in a pipeline, a list or $(…) it is never streamed: it runs to the cap at once', () => {
    const stream = { tty: true, until: { kind: 'stream' } } as const;
    const piped = runLine(s, `${PING} | head -3`, stream);
    expect(piped.result.follow).toBeUndefined();
    expect(piped.result.stdout.split('\n').slice(0, 3).map((l, i) => (i === 0 ? l : REPLY.exec(l)?.[1]))).toEqual([HEADER.trimEnd(), '1', '2']);
    const listed = runLine(s, `${PING}; echo done`, stream);
    expect(listed.result.follow).toBeUndefined();
    expect(replies(listed.result.stdout)).toBe(PING_CAP);
    expect(listed.result.stdout.endsWith('done\n')).toBe(true);
    const sub = runLine(s, `echo $(${PING} | grep -c icmp_seq)`, stream);
    expect(sub.result.follow).toBeUndefined();
    expect(sub.result.stdout).toBe(`${PING_CAP}\n`);
  });

  it('a ping with a count (-c) or a deadline (-w) is not streamed and does not move the clock beyond the line', () => {
    for (const line of ['ping -c 2 180.180.180.3', 'ping -w 2 180.180.180.3']) {
      const r = runLine(s, line, { tty: true, until: { kind: 'stream' } });
      expect(r.result.follow).toBeUndefined();
      expect(replies(r.result.stdout)).toBe(2);
      expect(r.state.cloud.clock - s.cloud.clock).toBe(2);
    }
    // -w 0 is no deadline: it runs until interrupted; a bad deadline is iputils' error.
    expect(runLine(s, 'ping -w 0 180.180.180.3', { tty: true, until: { kind: 'stream' } }).result.follow).toBeDefined();
    expect(runLine(s, 'ping -w -1 180.180.180.3').result).toMatchObject({ stderr: "ping: invalid argument: '-1': out of range: 0 <= value <= 2147483647\n", exitCode: 1 });
  });

  it('no reply: the summary says 100% loss and the exit status is 1, as iputils gives it', () => {
    const r = runLine(s, 'ping 10.99.0.1', { tty: true, until: { kind: 'interrupt', after: 2 } });
    expect(r.result.stdout).toMatch(/\^C\n--- 10\.99\.0\.1 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss/);
    expect(r.result.exitCode).toBe(1);
  });

  it('a hostile interrupt count is bounded: at least 1, at most the cap', () => {
    for (const [after, n] of [[-5, 1], [0, 1], [Number.NaN, 1], [1e12, PING_CAP], [2.7, 2]] as const) {
      const r = runLine(s, PING, { until: { kind: 'interrupt', after } });
      expect(replies(r.result.stdout)).toBe(n);
    }
  });

  it('replay of an interrupted entry reproduces the state', () => {
    const live = runLine(s, PING, { tty: true, until: { kind: 'interrupt', after: 7 } }).state;
    const replayed = replayEntry(s, { seq: 1, kind: 'command', line: PING, stdout: '', stderr: '', exitCode: 0, at: 0, interrupted: 7 });
    expect(serializeSession(replayed)).toBe(serializeSession(live));
  });
});

const LABS = loadLabs();
const REF = parseWorkspace('sandbox:network-node', LABS);

function manager(store: CloudStore): Workspaces {
  return workspaces({ store, labs: () => LABS, now: () => 1_000, log: () => {} });
}

describe('ping without a count, with two processes over one store', () => {
  it('a line typed reads no version first (its write checks it), but one left running shows the newest cloud', async () => {
    if (!REF) throw new Error('no sandbox');
    const inner = memoryStore();
    const reads: string[] = [];
    const store = { ...inner, lastSeqs: (l: string, k: string) => (reads.push(l), inner.lastSeqs(l, k)) } as CloudStore;
    const shared = () => workspaces({ store, labs: () => LABS, now: () => 1_000, log: () => {}, sharedStore: true });
    const w1 = await shared().open('learner-a', REF);
    const w2 = await shared().open('learner-a', REF);
    reads.length = 0;
    // The other process makes the floating IP: this one has not seen it.
    for (const l of SETUP) expect((await w2.run(l)).exitCode, l).toBe(0);
    expect(reads).toEqual([]);
    const { running, ...first } = await w1.run(PING, { tty: true, until: { kind: 'stream' } });
    if (!running) throw new Error('not running');
    // Run on the store's version: the replies of the address the other process made.
    expect(first.stdout).toMatch(new RegExp(`^${HEADER.replace(/[.()]/g, '\\$&')}64 bytes from 180\\.180\\.180\\.3`));
    const end = await running.end();
    expect(end.stdout).toMatch(/^\^C\n--- 180\.180\.180\.3 ping statistics ---\n\d+ packets transmitted, \d+ received, 0% packet loss/);
    const lines = (await store.history('learner-a', REF.key, 100)).map((e) => e.line);
    expect(lines).toEqual([...SETUP, PING]);
  });
});

describe('ping without a count, in a workspace', () => {
  it('runs, ticks, ends on Ctrl-C; the entry says how long it ran, and a reopened workspace has the same state', async () => {
    if (!REF) throw new Error('no sandbox');
    const store = memoryStore();
    const w = await manager(store).open('learner-a', REF);
    for (const l of SETUP) await w.run(l);
    const before = (await store.history('learner-a', REF.key, 100)).length;
    const { running, ...first } = await w.run(PING, { tty: true, until: { kind: 'stream' } });
    if (!running) throw new Error('not running');
    expect(first.stdout.startsWith(HEADER)).toBe(true);
    // Nothing is recorded while it runs.
    expect((await store.history('learner-a', REF.key, 100)).length).toBe(before);
    const ticks = [running.tick(), running.tick()];
    expect(ticks.map((t) => REPLY.exec(t?.trimEnd() ?? '')?.[1])).toEqual(['2', '3']);
    const end = await running.end();
    expect(end.stdout.startsWith('^C\n--- 180.180.180.3 ping statistics ---\n3 packets transmitted, 3 received')).toBe(true);
    expect(end.exitCode).toBe(0);
    const entry = (await store.history('learner-a', REF.key, 1))[0];
    expect(entry?.interrupted).toBe(3);
    expect(entry?.stdout).toBe(first.stdout + ticks.join('') + end.stdout);
    const reopened = await loadState(store, REF, 'learner-a');
    expect(serializeSession(reopened)).toBe(serializeSession(w.state()));
  });

  it('SQLite keeps how long the line ran: a store opened again replays it to the same state', async () => {
    if (!REF) throw new Error('no sandbox');
    const file = join(mkdtempSync(join(tmpdir(), 'stacklab-ping-')), 'db.sqlite');
    const first = sqliteStore(file);
    const w = await manager(first).open('learner-s', REF);
    for (const l of SETUP) await w.run(l);
    const { running } = await w.run(PING, { tty: true, until: { kind: 'stream' } });
    running?.tick();
    running?.tick();
    running?.tick();
    await running?.end();
    const again = sqliteStore(file);
    expect((await again.history('learner-s', REF.key, 1))[0]?.interrupted).toBe(4);
    expect(serializeSession(await loadState(again, REF, 'learner-s'))).toBe(serializeSession(w.state()));
    await again.close();
    await first.close();
  });

  it('left running it stops by itself at the cap', async () => {
    if (!REF) throw new Error('no sandbox');
    const w = await manager(memoryStore()).open('learner-b', REF);
    for (const l of SETUP) await w.run(l);
    const { running } = await w.run(PING, { tty: true, until: { kind: 'stream' } });
    if (!running) throw new Error('not running');
    let n = 1;
    while (running.tick() !== null) n++;
    expect(n).toBe(PING_CAP);
    expect((await running.end()).stdout).toContain(`${PING_CAP} packets transmitted, ${PING_CAP} received`);
  });
});

describe('ping without a count, on the terminal socket', () => {
  let wss: WebSocketServer;
  let port = 0;
  const store = memoryStore();
  let learner = 0;

  beforeAll(async () => {
    const spaces = manager(store);
    // 2 ms a "second": the test waits for messages, never for time.
    const terms = terminals(spaces, () => {}, { secondMs: 2 });
    wss = new WebSocketServer({ port: 0 });
    wss.on('connection', (sock, req) => {
      if (REF) terms.attach(sock, new URL(req.url ?? '/', 'http://x').searchParams.get('learner') ?? 'x', REF);
    });
    await once(wss, 'listening');
    port = (wss.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => wss.close(() => done())));

  /** A client: every message it got, and a way to wait for one that matches. */
  async function client() {
    const id = `sock-${++learner}`;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/?learner=${id}`);
    const got: ServerMessage[] = [];
    const waiters: Array<() => void> = [];
    ws.on('message', (d) => {
      got.push(JSON.parse(d.toString()) as ServerMessage);
      for (const w of waiters.splice(0)) w();
    });
    await once(ws, 'open');
    const until = async (pred: (ms: ServerMessage[]) => boolean) => {
      while (!pred(got)) await new Promise<void>((r) => waiters.push(r));
    };
    const send = (m: object) => ws.send(JSON.stringify(m));
    await until((ms) => ms.some((m) => m.t === 'hello'));
    for (const l of SETUP) {
      const n = got.filter((m) => m.t === 'result').length;
      send({ t: 'line', line: l });
      await until((ms) => ms.filter((m) => m.t === 'result').length > n);
    }
    got.length = 0;
    return { id, ws, got, until, send };
  }
  const outputs = (ms: ServerMessage[]) => ms.filter((m) => m.t === 'output');
  const results = (ms: ServerMessage[]) => ms.filter((m): m is Extract<ServerMessage, { t: 'result' }> => m.t === 'result');

  it('parses {t:"interrupt"}', () => {
    expect(parseClientMessage('{"t":"interrupt"}')).toEqual({ t: 'interrupt' });
  });

  it('streams one output per second until interrupt, then the result with the summary; typeahead waits and runs after', async () => {
    const c = await client();
    c.send({ t: 'line', line: PING });
    c.send({ t: 'line', line: 'echo typed-ahead' });
    await c.until((ms) => outputs(ms).length >= 3);
    expect(results(c.got)).toEqual([]);
    c.send({ t: 'interrupt' });
    await c.until((ms) => results(ms).length >= 2);
    const shown = outputs(c.got).map((m) => (m.t === 'output' ? m.stdout : '')).join('');
    expect(shown.startsWith(HEADER)).toBe(true);
    const [ping, echo] = results(c.got);
    const n = replies(shown);
    expect(n).toBeGreaterThanOrEqual(3);
    expect(ping?.stdout).toMatch(new RegExp(`^\\^C\\n--- 180\\.180\\.180\\.3 ping statistics ---\\n${n} packets transmitted, ${n} received`));
    expect(ping?.prompt).toBe('root@network:~# ');
    expect(echo?.stdout).toBe('typed-ahead\n');
    // The typeahead's result comes after the ping's, never before.
    expect(c.got.findIndex((m) => m.t === 'result')).toBeGreaterThan(c.got.findIndex((m) => m.t === 'output'));
    const entry = (await store.history(c.id, REF?.key ?? '', 10)).find((e) => e.line === PING);
    expect(entry?.interrupted).toBe(n);
    c.ws.close();
  });

  it('an interrupt with nothing running does nothing', async () => {
    const c = await client();
    c.send({ t: 'interrupt' });
    c.send({ t: 'line', line: 'echo still-here' });
    await c.until((ms) => results(ms).length >= 1);
    expect(c.got.map((m) => m.t)).toEqual(['result', 'grade'].slice(0, c.got.length));
    expect(results(c.got)[0]?.stdout).toBe('still-here\n');
    c.ws.close();
  });

  it('left running, it stops by itself at the cap as if interrupted', async () => {
    const c = await client();
    c.send({ t: 'line', line: PING });
    await c.until((ms) => results(ms).length >= 1);
    expect(outputs(c.got).length).toBe(PING_CAP);
    expect(results(c.got)[0]?.stdout).toContain(`^C\n--- 180.180.180.3 ping statistics ---\n${PING_CAP} packets transmitted`);
    c.ws.close();
  });

  it('a bug in a running line ends it with an internal error, and the terminal goes on', async () => {
    const fake = {
      prompt: () => '$ ', recentLines: () => [], scrollback: () => '', grade: () => null, attach() {}, detach() {}, onApiWrite: () => () => true, workMs: () => 0,
      run(line: string) {
        const r = { stdout: line === 'boom' ? 'PING\n' : `${line}\n`, stderr: '', exitCode: 0, prompt: '$ ' };
        if (line !== 'boom') return r;
        return { ...r, running: { tick(): string { throw new Error('tick bug'); }, end(): never { throw new Error('end bug'); } } };
      },
    };
    const logged: string[] = [];
    const terms = terminals({ open: () => fake, parse: () => null, evictIdle: () => 0, liveCount: () => 0 } as unknown as Workspaces, (m) => logged.push(m), { secondMs: 2 });
    const server = new WebSocketServer({ port: 0 });
    server.on('connection', (sock) => { if (REF) terms.attach(sock, 'bug', REF); });
    await once(server, 'listening');
    const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const got: ServerMessage[] = [];
    let wake = () => {};
    ws.on('message', (d) => { got.push(JSON.parse(d.toString()) as ServerMessage); wake(); });
    await once(ws, 'open');
    ws.send(JSON.stringify({ t: 'line', line: 'boom' }));
    ws.send(JSON.stringify({ t: 'line', line: 'after' }));
    while (results(got).length < 2) await new Promise<void>((r) => { wake = r; });
    expect(results(got).map((m) => m.stderr.replace(/[0-9a-f]{8}/, 'ID'))).toEqual([
      'stacklab: internal error ID: this command could not be handled. Your cloud is unchanged.\n', '']);
    expect(results(got)[1]?.stdout).toBe('after\n');
    expect(logged.some((l) => l.includes('tick bug'))).toBe(true);
    ws.close();
    await new Promise<void>((done) => server.close(() => done()));
  });

  it('a closed socket ends it: the line is recorded with the seconds it ran', async () => {
    const c = await client();
    c.send({ t: 'line', line: PING });
    await c.until((ms) => outputs(ms).length >= 2);
    c.ws.close();
    for (;;) {
      const entry = (await store.history(c.id, REF?.key ?? '', 10)).find((e) => e.line === PING);
      if (entry) {
        expect(entry.interrupted).toBeGreaterThanOrEqual(2);
        expect(entry.stdout).toContain('^C\n--- 180.180.180.3 ping statistics ---');
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  });
});
