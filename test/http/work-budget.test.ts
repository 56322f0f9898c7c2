/**
 * A learner's time budget pays for the work the server does for them, not for the time their
 * command waits behind other learners' (issue #19): on a busy server every command waits longer,
 * and that wait must not turn a learner's ordinary typing into "the server is still busy with your
 * earlier commands". Heavy commands of their own still run the budget out.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { learnerBudget } from '../../server/http/limits.js';
import type { ServerMessage } from '../../server/http/protocol.js';
import { terminals } from '../../server/http/terminal.js';
import { parseWorkspace, type Reply, type Workspaces } from '../../server/workspace/index.js';

const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A terminal on a fake workspace whose each line waits `waitMs` (the store's turn, other learners) and works `workMs`. */
async function terminalOn(line: { waitMs: number; workMs: number }) {
  let work = 0;
  const fake = {
    prompt: () => '$ ',
    recentLines: () => [],
    scrollback: () => '',
    grade: () => null,
    attach() {},
    detach() {},
    onApiWrite: () => () => true,
    topology: () => ({ nodes: [], links: [] }),
    lab: { topology: false },
    workMs: () => work,
    async run(l: string): Promise<Reply> {
      await new Promise((r) => setTimeout(r, line.waitMs));
      work += line.workMs;
      return { stdout: `${l}\n`, stderr: '', exitCode: 0, prompt: '$ ' };
    },
  };
  const terms = terminals({ open: () => fake, parse: () => null, evictIdle: () => 0, liveCount: () => 0 } as unknown as Workspaces, () => {}, { budget: learnerBudget() });
  const server = new WebSocketServer({ port: 0 });
  servers.push(server);
  const ref = parseWorkspace('sandbox:empty', []);
  server.on('connection', (sock) => {
    if (ref) terms.attach(sock, 'learner-1', ref);
  });
  await once(server, 'listening');
  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const results: Array<{ stderr: string }> = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as ServerMessage;
    if (m.t === 'result') results.push(m);
  });
  await once(ws, 'open');
  /** Types `n` lines one after another, each when the previous one's result came; the results' stderr. */
  const type = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const before = results.length;
      ws.send(JSON.stringify({ t: 'line', line: `echo ${i}` }));
      while (results.length === before) await new Promise((r) => setTimeout(r, 2));
    }
    ws.close();
    return results.map((r) => r.stderr);
  };
  return { type };
}

describe('the learner time budget', () => {
  it('a command that waits 300 ms behind others but works 1 ms is never refused', async () => {
    // Charged by the wall time, the third line would be refused (500 ms burst, 250 ms a second).
    const t = await terminalOn({ waitMs: 300, workMs: 1 });
    expect((await t.type(6)).filter((e) => e.includes('still busy'))).toEqual([]);
  });

  it('commands that work 300 ms each run the budget out', async () => {
    const t = await terminalOn({ waitMs: 0, workMs: 300 });
    const errs = await t.type(6);
    expect(errs.filter((e) => e.includes('still busy')).length).toBeGreaterThan(0);
  });
});
