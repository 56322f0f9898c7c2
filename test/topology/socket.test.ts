/**
 * The topology on the terminal socket (issue #16): sent after hello, then after a command or a
 * reset only when it changed; a command that changes nothing sends none. And the instructor's
 * view of a learner's topology: the token, unknown learners and workspaces.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { terminals } from '../../server/http/terminal.js';
import type { ServerMessage } from '../../server/http/protocol.js';
import { memoryStore } from '../../server/store/memory.js';
import type { PacketPath } from '../../server/sim/api/packet-path.js';
import { parseWorkspace, type Reply, type Topology, type Workspaces } from '../../server/workspace/index.js';
import { openTerminal, type Terminal } from '../support/terminal-client.js';
import { newLearnerCookie } from '../support/server-process.js';
import { testConfig } from '../support/server-config.js';

const TOKEN = 'topology-instructor';
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function serve() {
  const server = await startServer(testConfig('topology'), { store: memoryStore() });
  servers.push(server);
  return server.url.replace('localhost', '127.0.0.1');
}

const topologies = (t: Terminal) => t.received.filter((m) => m['t'] === 'topology').map((m) => m['topology'] as Topology);
const networkNames = (t: Topology | undefined) => (t?.networks ?? []).map((n) => n.name);

/** Runs `line` and then `true`: messages come in order, so whatever `line` sent has arrived. */
async function settle(t: Terminal, line: string) {
  const r = await t.run(line);
  await t.run('true');
  return r;
}

describe('the topology on the terminal socket', () => {
  it('comes after hello and after each command or reset that changed it, and only then', async () => {
    const base = await serve();
    const t = await openTerminal(base, await newLearnerCookie(base));
    await settle(t, 'true');
    const kinds = t.received.map((m) => m['t']);
    expect(kinds.slice(0, 2)).toEqual(['hello', 'topology']);
    expect(topologies(t)).toHaveLength(1);
    expect(networkNames(topologies(t)[0])).toEqual([]);

    await settle(t, 'openstack network list');
    expect(topologies(t)).toHaveLength(1);

    await settle(t, 'openstack network create blue');
    expect(topologies(t)).toHaveLength(2);
    const after = topologies(t)[1];
    expect(networkNames(after)).toEqual(['blue']);
    // The topology follows the command's result.
    const i = t.received.findIndex((m) => m['t'] === 'topology' && m !== t.received[1]);
    expect(t.received[i - 1]?.['t']).toBe('result');
    // A change the view does not draw (a description) makes a new topology of the same content: not sent.
    await settle(t, 'openstack network set --description "the blue one" blue');
    expect(topologies(t)).toHaveLength(2);

    t.send({ t: 'reset' });
    await t.run('true');
    expect(topologies(t)).toHaveLength(3);
    expect(networkNames(topologies(t)[2])).toEqual([]);
    t.close();
  });

  it("answers an element's show rows on request, only for what this learner's topology draws, and refuses malformed ids", async () => {
    const base = await serve();
    const a = await openTerminal(base, await newLearnerCookie(base));
    await settle(a, 'openstack network create blue');
    const drawn = topologies(a).at(-1);
    const net = drawn?.networks[0];
    expect(drawn?.details[`net:${net?.id ?? ''}`]?.rows).toBeUndefined();
    a.send({ t: 'details', id: `net:${net?.id ?? ''}` });
    await a.run('true');
    const answer = a.received.filter((m) => m['t'] === 'details').at(-1) as Extract<ServerMessage, { t: 'details' }> | undefined;
    expect(answer?.rows?.find(([f]) => f === 'name')).toEqual(['name', 'blue']);

    // Another learner asking for the same id: their topology does not draw it.
    const b = await openTerminal(base, await newLearnerCookie(base));
    b.send({ t: 'details', id: `net:${net?.id ?? ''}` });
    await b.run('true');
    expect(b.received.filter((m) => m['t'] === 'details').at(-1)).toEqual({ t: 'details', id: `net:${net?.id ?? ''}`, rows: null });
    // Malformed ids are refused at the edge, like any bad frame; the terminal goes on.
    for (const id of ['__proto__', 'net:' + 'x'.repeat(5000), 'net:a b', '']) b.send({ t: 'details', id });
    await expect.poll(() => b.received.filter((m) => m['t'] === 'error' && m['message'] === 'Unrecognised message.').length).toBe(4);
    expect((await b.run('echo ok')).stdout).toBe('ok\n');
    expect(b.received.filter((m) => m['t'] === 'details')).toHaveLength(1);
    a.close();
    b.close();
  });

  it('a second terminal gets the current topology after its hello', async () => {
    const base = await serve();
    const cookie = await newLearnerCookie(base);
    const first = await openTerminal(base, cookie);
    await first.run('openstack network create red');
    const second = await openTerminal(base, cookie);
    await second.run('true');
    expect(networkNames(topologies(second)[0])).toEqual(['red']);
    first.close();
    second.close();
  });
});

/** A terminal socket on a fake workspace: `run` answers `reply(line)`, `topology` answers `topology()`. */
async function fakeTerminal(reply: (line: string) => Reply, topology: () => Topology, lab: { topology: boolean } | null = null) {
  const fake = {
    prompt: () => '$ ', recentLines: () => [], scrollback: () => '', grade: () => null, attach() {}, detach() {}, onApiWrite: () => () => true, workMs: () => 0,
    run: reply,
    topology,
    lab,
  };
  const logged: string[] = [];
  const terms = terminals({ open: () => fake, parse: () => null, evictIdle: () => 0, liveCount: () => 0 } as unknown as Workspaces, (m) => logged.push(m));
  const server = new WebSocketServer({ port: 0 });
  const ref = parseWorkspace('sandbox:empty', []);
  server.on('connection', (sock) => {
    if (ref) terms.attach(sock, 'fake', ref);
  });
  await once(server, 'listening');
  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const got: ServerMessage[] = [];
  ws.on('message', (d) => got.push(JSON.parse(d.toString()) as ServerMessage));
  await once(ws, 'open');
  /** Sends a line and waits for its result and whatever follows it before the next line's result. */
  const run = async (line: string) => {
    const before = got.length;
    ws.send(JSON.stringify({ t: 'line', line }));
    ws.send(JSON.stringify({ t: 'line', line: 'sync' }));
    while (got.slice(before).filter((m) => m.t === 'result').length < 2) await new Promise((r) => setTimeout(r, 5));
    const mine = got.slice(before);
    return mine.slice(0, mine.map((m) => m.t).lastIndexOf('result'));
  };
  return { got, logged, run, close: () => (ws.close(), server.close()) };
}

const EMPTY: Topology = { networks: [], routers: [], servers: [], loadBalancers: [], namespaces: [], details: {} };

describe('a lab with `topology: false`', () => {
  it('gets no topology at all (the page hides the view; the socket does not send what it hides)', async () => {
    let asked = 0;
    const t = await fakeTerminal(
      (line) => ({ stdout: `${line}\n`, stderr: '', exitCode: 0, prompt: '$ ' }),
      () => (asked++, EMPTY),
      { topology: false },
    );
    expect((await t.run('a')).map((m) => m.t)).toEqual(['result']);
    expect(t.got.some((m) => m.t === 'topology')).toBe(false);
    expect(asked).toBe(0);
    t.close();
  });
});

describe('the packet path on the terminal socket', () => {
  it("goes after the command's result (which does not carry it), and only when the line traced one", async () => {
    const path: PacketPath = { from: 'vm1', to: 'internet', proto: 'icmp', steps: [], verdict: 'dropped', reason: 'no gateway', elements: ['server:x'] };
    const t = await fakeTerminal((line) => ({ stdout: `${line}\n`, stderr: '', exitCode: 0, prompt: '$ ', ...(line === 'trace' ? { path } : {}) }), () => EMPTY);
    const traced = await t.run('trace');
    expect(traced.map((m) => m.t)).toEqual(['result', 'path']);
    expect(traced[0]).not.toHaveProperty('path');
    expect(traced[1]).toEqual({ t: 'path', path });
    expect((await t.run('echo')).map((m) => m.t)).toEqual(['result']);
    t.close();
  });
});

/** Every element id a topology draws (those a packet path may name). */
function drawnIds(t: Topology): Set<string> {
  return new Set([
    'internet',
    'laptop',
    ...t.networks.flatMap((n) => [`net:${n.id}`, ...n.subnets.map((x) => `subnet:${x.id}`)]),
    ...t.routers.flatMap((r) => [`router:${r.id}`, ...r.interfaces.map((i) => `port:${i.portId}`)]),
    ...t.servers.flatMap((v) => [`server:${v.id}`, ...v.ports.flatMap((p) => [`port:${p.portId}`, ...p.floatingIps.map((f) => `fip:${f}`)])]),
    ...t.loadBalancers.flatMap((lb) => [`lb:${lb.id}`, ...lb.floatingIps.map((f) => `fip:${f}`)]),
    ...t.namespaces.map((ns) => `ns:${ns.name}`),
  ]);
}

describe('a real trace on the socket', () => {
  it('sends its path after the result, naming only elements the topology draws', async () => {
    const base = await serve();
    const t = await openTerminal(base, await newLearnerCookie(base), 'sandbox:network-node');
    const r = await settle(t, 'stacklab trace vm1 vm2');
    expect(r.stdout).toContain('vm2');
    const i = t.received.findIndex((m) => m['t'] === 'path');
    expect(t.received[i - 1]?.['t']).toBe('result');
    const path = t.received[i]?.['path'] as PacketPath;
    expect(path).toMatchObject({ from: 'vm1', to: 'vm2' });
    expect(path.elements.length).toBeGreaterThan(0);
    const drawn = drawnIds(topologies(t)[0] as Topology);
    expect(path.elements.filter((e) => !drawn.has(e))).toEqual([]);
    t.close();
  });
});

describe('a bug in the topology', () => {
  it('is logged with an id and the learner told; the terminal goes on', async () => {
    let broken = true;
    const t = await fakeTerminal(
      (line) => ({ stdout: `${line}\n`, stderr: '', exitCode: 0, prompt: '$ ' }),
      () => {
        if (broken) throw new Error('topology bug');
        return EMPTY;
      },
    );
    const first = await t.run('a');
    expect(first.map((m) => m.t)).toEqual(['result', 'error']);
    expect(first[1]).toEqual({ t: 'error', message: expect.stringMatching(/^Internal error [0-9a-f]{8}: the topology view could not be updated\./) });
    expect(t.logged.filter((l) => l.includes('topology bug'))).toHaveLength(3);
    broken = false;
    expect((await t.run('b')).map((m) => m.t)).toEqual(['result', 'topology']);
    t.close();
  });
});

describe('GET /api/labs/:id', () => {
  it("carries the lab's topology flag for the page", async () => {
    const base = await serve();
    const cookie = await newLearnerCookie(base);
    const labs = (await (await fetch(`${base}/api/labs`, { headers: { cookie } })).json()) as Array<{ id: string }>;
    const lab = (await (await fetch(`${base}/api/labs/${labs[0]?.id}`, { headers: { cookie } })).json()) as { topology?: unknown };
    expect(lab.topology).toBe(true);
  });
});

describe('GET /api/instructor/learners/:id/topology', () => {
  const get = (base: string, path: string, token?: string) =>
    fetch(`${base}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

  /** A learner (their id from /api/me) with a network in the empty sandbox. */
  async function learnerWithNetwork(base: string) {
    const cookie = await newLearnerCookie(base);
    const t = await openTerminal(base, cookie);
    await t.run('openstack network create green');
    t.close();
    const me = (await (await fetch(`${base}/api/me`, { headers: { cookie } })).json()) as { id: string };
    return me.id;
  }

  it("answers the learner's topology in that workspace", async () => {
    const base = await serve();
    const id = await learnerWithNetwork(base);
    const r = await get(base, `/api/instructor/learners/${id}/topology?workspace=sandbox:empty`, TOKEN);
    expect(r.status).toBe(200);
    const topo = (await r.json()) as Topology;
    expect(networkNames(topo)).toEqual(['green']);
    expect(Object.values(topo.details).map((d) => d.command)).toContain('openstack network show green');
  });

  it('a workspace the learner never opened is its starting cloud', async () => {
    const base = await serve();
    const id = await learnerWithNetwork(base);
    const r = await get(base, `/api/instructor/learners/${id}/topology?workspace=sandbox:network-node`, TOKEN);
    expect(r.status).toBe(200);
    expect(networkNames((await r.json()) as Topology)).toEqual(['net1', 'net2']);
  });

  it('needs the instructor token: 401 without it or with a wrong one', async () => {
    const base = await serve();
    const id = await learnerWithNetwork(base);
    const path = `/api/instructor/learners/${id}/topology?workspace=sandbox:empty`;
    expect((await get(base, path)).status).toBe(401);
    const wrong = await get(base, path, 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('green');
  });

  it('an unknown learner is 404, an unknown or missing workspace 400', async () => {
    const base = await serve();
    const id = await learnerWithNetwork(base);
    for (const who of ['nobody', 'x'.repeat(2000), '..%2F..%2Fetc', '%E2%80%AE%00', `${id}%20`]) {
      const r = await get(base, `/api/instructor/learners/${who}/topology?workspace=sandbox:empty`, TOKEN);
      expect(r.status, who).toBe(404);
      expect(await r.json()).toEqual({ error: 'no such learner' });
    }
    for (const q of ['', '?workspace=sandbox:nope', '?workspace=lab:../../etc', `?workspace=${'x'.repeat(5000)}`, '?workspace=a&workspace=b']) {
      const r = await get(base, `/api/instructor/learners/${id}/topology${q}`, TOKEN);
      expect(r.status, q).toBe(400);
      expect(((await r.json()) as { error: string }).error).toMatch(/workspace/);
    }
  });
});
