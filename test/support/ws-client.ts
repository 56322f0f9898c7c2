/**
 * A terminal client for tests and benches: the `ws` library, the page's Origin and a learner's
 * cookie, a queue of incoming messages, and `run(line)` that waits for the line's result. It can
 * connect from another loopback address (`localAddress`), as another machine would.
 */
import WebSocket from 'ws';

export interface TerminalReply {
  t: string;
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  message?: string;
}

export class WsClient {
  private queue: string[] = [];
  private waiters: Array<(m: string | null) => void> = [];
  closed = false;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => {
      const s = d.toString();
      const w = this.waiters.shift();
      if (w) w(s);
      else if (this.queue.length < 200) this.queue.push(s);
    });
    ws.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w(null);
    });
    ws.on('error', () => undefined);
  }
  static open(port: number, cookie: string, workspace: string, origin: string, timeoutMs = 3000, localAddress?: string): Promise<WsClient | null> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?workspace=${encodeURIComponent(workspace)}`, {
        headers: { Cookie: cookie, Origin: origin },
        maxPayload: 512 * 1048576,
        ...(localAddress ? { localAddress } : {}),
      });
      const c = new WsClient(ws);
      const timer = setTimeout(() => {
        ws.terminate();
        resolve(null);
      }, timeoutMs);
      ws.once('unexpected-response', () => {
        clearTimeout(timer);
        ws.terminate();
        resolve(null);
      });
      ws.once('error', () => {
        clearTimeout(timer);
        resolve(null);
      });
      // Ready once the first message (hello) has come.
      void c.next(timeoutMs).then((m) => {
        clearTimeout(timer);
        resolve(m === null ? null : c);
      });
    });
  }
  next(timeoutMs: number): Promise<string | null> {
    const q = this.queue.shift();
    if (q !== undefined) return Promise.resolve(q);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const w = (m: string | null) => {
        clearTimeout(timer);
        resolve(m);
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(w);
    });
  }
  send(s: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(s);
  }
  /** Sends a line and waits for its result (or any other reply). */
  async run(line: string, timeoutMs: number): Promise<TerminalReply | null> {
    this.send(JSON.stringify({ t: 'line', line }));
    for (;;) {
      const m = await this.next(timeoutMs);
      if (m === null) return null;
      let v: TerminalReply;
      try {
        v = JSON.parse(m) as TerminalReply;
      } catch {
        continue;
      }
      if (v.t === 'result' || v.t === 'error') return v;
    }
  }
  close(): void {
    this.ws.terminate();
  }
}
