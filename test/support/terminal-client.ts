/** A learner's terminal for tests: a WebSocket with the learner's cookie that sends lines and awaits their results. */
import { WebSocket } from 'ws';

export interface Result {
  t: 'result';
  stdout: string;
  stderr: string;
  exitCode: number;
  prompt: string;
}

export interface Terminal {
  ws: WebSocket;
  /** Every message received, in order. */
  received: Array<Record<string, unknown>>;
  /** Sends a line and resolves with the next result (or rejects after `ms`). */
  run(line: string, ms?: number): Promise<Result>;
  send(message: unknown): void;
  /** Resolves with the close code. */
  closed: Promise<number>;
  close(): void;
}

/** Opens a terminal on `workspace` for the learner whose cookie is `cookie` (`name=value`). */
export function openTerminal(base: string, cookie: string, workspace = 'sandbox:empty'): Promise<Terminal> {
  const url = `${base.replace(/^http/, 'ws')}/ws?workspace=${encodeURIComponent(workspace)}`;
  const ws = new WebSocket(url, { headers: { cookie, origin: base } });
  const received: Array<Record<string, unknown>> = [];
  const waiting: Array<(m: Record<string, unknown>) => void> = [];
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as Record<string, unknown>;
    received.push(m);
    if (m['t'] === 'result' || m['t'] === 'error') waiting.shift()?.(m);
  });
  const closed = new Promise<number>((ok) => ws.on('close', (code) => ok(code)));
  ws.on('error', () => {});
  const term: Terminal = {
    ws,
    received,
    closed,
    send: (m) => ws.send(JSON.stringify(m)),
    close: () => ws.close(),
    run(line, ms = 10_000) {
      return new Promise((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`no result for ${JSON.stringify(line)} within ${ms} ms`)), ms);
        waiting.push((m) => {
          clearTimeout(timer);
          if (m['t'] === 'result') ok(m as unknown as Result);
          else fail(new Error(`error: ${String(m['message'])}`));
        });
        ws.send(JSON.stringify({ t: 'line', line }));
      });
    },
  };
  return new Promise((ok, fail) => {
    ws.once('open', () => ok(term));
    ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('close', (code) => fail(new Error(`closed before open: ${code}`)));
  });
}
