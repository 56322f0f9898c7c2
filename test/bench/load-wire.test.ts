/**
 * The load bench's WebSocket wire (bench/load-wire.ts) against the `ws` library itself: what it
 * sends, ws receives intact; what ws frames, it reads intact, however the bytes are split; pings,
 * closes, and the failures RFC 6455 says a client must not let pass.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wsModule from 'ws';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  OP_BINARY,
  OP_CLOSE,
  OP_PING,
  OP_TEXT,
  FrameReader,
  WireClient,
  WireError,
  acceptKey,
  encodeFrame,
  type FrameSink,
} from '../../bench/load-wire.js';

/** ws's own frame encoder (exported by ws, not described by @types/ws). */
const Sender = (wsModule as unknown as {
  Sender: { frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1?: boolean }): Buffer[] };
}).Sender;
const wsFrame = (data: Buffer, opcode: number, fin = true) =>
  Buffer.concat(Sender.frame(data, { fin, opcode, mask: false, readOnly: false }));

/** Lengths around each length form: 7-bit (≤125), 16-bit (126–65535), 64-bit (≥65536). */
const LENGTHS = [0, 1, 125, 126, 127, 1000, 65535, 65536, 70000];
/** A text of exactly `n` UTF-8 bytes with 2- and 3-byte characters in it, so UTF-8 is checked too. */
const text = (n: number) => 'é€a'.repeat(Math.floor(n / 6)) + 'a'.repeat(n % 6);

let wss: WebSocketServer;
let port: number;

beforeAll(async () => {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  port = (wss.address() as { port: number }).port;
});
afterAll(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(r));
});

/** A connected client and the server's side of it. */
async function pair(path = '/'): Promise<{ client: WireClient; server: WebSocket; got: Buffer[] }> {
  const serverSide = once(wss, 'connection') as Promise<[WebSocket]>;
  const client = new WireClient({ host: '127.0.0.1', port, path });
  const got: Buffer[] = [];
  client.onMessage = (data) => got.push(Buffer.from(data));
  await new Promise<void>((resolve, reject) => {
    client.onOpen = resolve;
    client.onError = reject;
  });
  const [server] = await serverSide;
  return { client, server, got };
}

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};

describe('frames this client sends', () => {
  it('reach ws intact in the 7-, 16- and 64-bit length forms, masked with the connection key', async () => {
    const { client, server } = await pair();
    const received: Array<{ data: string; binary: boolean }> = [];
    server.on('message', (data: Buffer, binary: boolean) => received.push({ data: data.toString('utf8'), binary }));
    for (const n of LENGTHS) {
      const frame = client.textFrame(text(n));
      const form = frame[1]! & 0x7f;
      expect(form).toBe(n < 126 ? n : n < 65536 ? 126 : 127);
      expect(frame[1]! & 0x80).toBe(0x80);
      client.sendFrame(frame);
    }
    client.sendFrame(encodeFrame(OP_BINARY, Buffer.from([0, 255, 1]), client.mask));
    await until(() => received.length === LENGTHS.length + 1, 'the server to receive every frame');
    expect(received.slice(0, -1)).toEqual(LENGTHS.map((n) => ({ data: text(n), binary: false })));
    expect(received.at(-1)).toEqual({ data: Buffer.from([0, 255, 1]).toString('utf8'), binary: true });
    client.close();
  });

  it('can send one pre-encoded frame many times', async () => {
    const { client, server } = await pair();
    const received: string[] = [];
    server.on('message', (data: Buffer) => received.push(data.toString()));
    const frame = client.textFrame('{"t":"line","line":"openstack network list"}');
    for (let i = 0; i < 50; i++) client.sendFrame(frame);
    await until(() => received.length === 50, '50 messages');
    expect(new Set(received)).toEqual(new Set(['{"t":"line","line":"openstack network list"}']));
    client.close();
  });
});

describe('frames ws sends', () => {
  it('are read intact in every length form, text and binary', async () => {
    const { client, server, got } = await pair();
    for (const n of LENGTHS) server.send(text(n));
    server.send(Buffer.from([1, 2, 3]), { binary: true });
    await until(() => got.length === LENGTHS.length + 1, 'every message');
    expect(got.slice(0, -1).map((b) => b.toString('utf8'))).toEqual(LENGTHS.map(text));
    expect([...got.at(-1)!]).toEqual([1, 2, 3]);
    client.close();
  });

  it('a ping gets a pong with the same bytes', async () => {
    const { client, server } = await pair();
    const pong = once(server, 'pong') as Promise<[Buffer]>;
    server.ping(Buffer.from('are you there'));
    const [data] = await pong;
    expect(data.toString()).toBe('are you there');
    client.close();
  });

  it("the server's close frame ends it: the code and reason are handed on and echoed", async () => {
    const { client, server } = await pair();
    const clientClosed = new Promise<[number, string]>((resolve) => (client.onClose = (code, reason) => resolve([code, reason])));
    const serverClosed = once(server, 'close') as Promise<[number, Buffer]>;
    server.close(4001, 'bye');
    expect(await clientClosed).toEqual([4001, 'bye']);
    expect((await serverClosed)[0]).toBe(4001);
    expect(client.readyState).toBe('closed');
    expect(() => client.sendText('late')).toThrow(/closed/);
  });

  it("this client's close ends it once the server answers", async () => {
    const { client, server, got } = await pair();
    const serverClosed = once(server, 'close') as Promise<[number, Buffer]>;
    const clientClosed = new Promise<number>((resolve) => (client.onClose = (code) => resolve(code)));
    // A message the server sends before it reads the close is still handed on.
    server.send('in flight');
    client.close();
    expect(client.readyState).toBe('closing');
    expect((await serverClosed)[0]).toBe(1000);
    expect(await clientClosed).toBe(1000);
    expect(got.map(String)).toEqual(['in flight']);
  });
});

/** Collects what a FrameReader hands on, as strings easy to compare. */
function recorder(): { sink: FrameSink; events: string[] } {
  const events: string[] = [];
  return {
    events,
    sink: {
      message: (data, binary) => events.push(`${binary ? 'binary' : 'text'}:${data.length}:${data.toString('latin1').slice(0, 8)}`),
      ping: (p) => events.push(`ping:${p.toString()}`),
      pong: (p) => events.push(`pong:${p.toString()}`),
      peerClose: (code, reason) => events.push(`close:${code}:${reason}`),
    },
  };
}

describe('reading frames split across reads', () => {
  const fragmented = [
    wsFrame(Buffer.from('frag'), OP_TEXT, false),
    wsFrame(Buffer.from('ping in the middle'), OP_PING),
    wsFrame(Buffer.from('men'), 0, false),
    wsFrame(Buffer.from('ted'), 0, true),
  ];
  const stream = Buffer.concat([
    wsFrame(Buffer.from(''), OP_TEXT),
    wsFrame(Buffer.from('hello'), OP_TEXT),
    wsFrame(Buffer.from(text(125)), OP_TEXT),
    wsFrame(Buffer.from(text(126)), OP_TEXT),
    wsFrame(Buffer.from(text(300)), OP_TEXT),
    wsFrame(Buffer.from([9, 8, 7]), OP_BINARY),
    ...fragmented,
    wsFrame(Buffer.from([0x0f, 0xa0, ...Buffer.from('done')]), OP_CLOSE),
  ]);
  const whole = (() => {
    const r = recorder();
    new FrameReader(r.sink).feed(stream);
    return r.events;
  })();

  it('reads the stream whole (fragments joined, a control frame between them handed on)', () => {
    expect(whole).toHaveLength(9);
    expect(whole).toContain('text:10:fragment');
    expect(whole.indexOf('ping:ping in the middle')).toBeLessThan(whole.indexOf('text:10:fragment'));
    expect(whole.at(-1)).toBe('close:4000:done');
  });

  it('gives the same at every byte boundary, and byte by byte', () => {
    for (let at = 0; at <= stream.length; at++) {
      const r = recorder();
      const reader = new FrameReader(r.sink);
      reader.feed(stream.subarray(0, at));
      reader.feed(stream.subarray(at));
      expect(r.events, `split at ${at}`).toEqual(whole);
    }
    const r = recorder();
    const reader = new FrameReader(r.sink);
    for (let i = 0; i < stream.length; i++) reader.feed(stream.subarray(i, i + 1));
    expect(r.events).toEqual(whole);
  });

  it('reads a 64-bit-length frame split anywhere in its header or byte by byte', () => {
    const big = Buffer.alloc(70_000, 'x');
    const frames = Buffer.concat([wsFrame(big, OP_TEXT), wsFrame(Buffer.from('after'), OP_TEXT)]);
    const expected = ['text:70000:xxxxxxxx', 'text:5:after'];
    for (let at = 0; at <= 20; at++) {
      const r = recorder();
      const reader = new FrameReader(r.sink);
      reader.feed(frames.subarray(0, at));
      reader.feed(frames.subarray(at, 40_000));
      reader.feed(frames.subarray(40_000));
      expect(r.events, `split at ${at}`).toEqual(expected);
    }
    const r = recorder();
    const reader = new FrameReader(r.sink);
    for (let i = 0; i < frames.length; i++) reader.feed(frames.subarray(i, i + 1));
    expect(r.events).toEqual(expected);
  });

  // Every connection reads into one shared buffer: what a read leaves unfinished must be copied out.
  it('over a real socket: a server that writes its handshake and frames a few bytes at a time', async () => {
    const server = rawServer(async (socket, key) => {
      const bytes = Buffer.concat([
        Buffer.from(upgradeResponse(key)),
        wsFrame(Buffer.from('{"t":"hello"}'), OP_TEXT),
        wsFrame(Buffer.from(text(300)), OP_TEXT),
        ...fragmented,
        wsFrame(Buffer.from([0x03, 0xe8]), OP_CLOSE),
      ]);
      for (let i = 0; i < bytes.length; i += 7) {
        socket.write(bytes.subarray(i, i + 7));
        await new Promise((r) => setImmediate(r));
      }
    });
    const { got, code } = await runAgainst(await server);
    expect(got).toEqual(['{"t":"hello"}', text(300), 'fragmented']);
    expect(code).toBe(1000);
  });
});

describe('what a client must refuse', () => {
  const fails = (bytes: Buffer, code: number, message: RegExp, maxPayload?: number) => {
    const r = recorder();
    const reader = new FrameReader(r.sink, maxPayload);
    let err: unknown;
    try {
      reader.feed(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WireError);
    expect((err as WireError).code).toBe(code);
    expect((err as WireError).message).toMatch(message);
    // Once failed, it reads nothing more.
    reader.feed(wsFrame(Buffer.from('more'), OP_TEXT));
    return r.events;
  };

  it('fails the connection on each protocol error with the right close code', () => {
    fails(Buffer.concat(Sender.frame(Buffer.from('x'), { fin: true, opcode: OP_TEXT, mask: true, readOnly: false })), 1002, /masked/);
    fails(Buffer.concat(Sender.frame(Buffer.from('x'), { fin: true, opcode: OP_TEXT, mask: false, readOnly: false, rsv1: true })), 1002, /reserved/);
    fails(wsFrame(Buffer.from('x'), 3), 1002, /unknown data opcode 3/);
    fails(wsFrame(Buffer.from('x'), 0xb), 1002, /unknown control opcode 11/);
    fails(wsFrame(Buffer.alloc(126), OP_PING), 1002, /longer than 125/);
    fails(wsFrame(Buffer.from('x'), OP_PING, false), 1002, /fragmented control/);
    fails(wsFrame(Buffer.from('x'), 0), 1002, /no message to continue/);
    fails(Buffer.concat([wsFrame(Buffer.from('a'), OP_TEXT, false), wsFrame(Buffer.from('b'), OP_TEXT)]), 1002, /before the fragmented/);
    fails(wsFrame(Buffer.from([0xc3, 0x28]), OP_TEXT), 1007, /not UTF-8/);
    fails(wsFrame(Buffer.from([0x03]), OP_CLOSE), 1002, /one-byte/);
    fails(wsFrame(Buffer.from([0x03, 0xed]), OP_CLOSE), 1002, /close code 1005/);
    fails(wsFrame(Buffer.from([0x03, 0xe8, 0xff]), OP_CLOSE), 1007, /reason/);
    fails(wsFrame(Buffer.alloc(2000), OP_BINARY), 1009, /larger/, 1000);
    // Fragments count together against the limit.
    fails(Buffer.concat([wsFrame(Buffer.alloc(600), OP_BINARY, false), wsFrame(Buffer.alloc(600), 0)]), 1009, /larger/, 1000);
    // A 64-bit length with its top bit set.
    fails(Buffer.from([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1]), 1009, /out of range/);
  });

  it('hands on nothing after the close frame', () => {
    const r = recorder();
    const reader = new FrameReader(r.sink);
    reader.feed(Buffer.concat([wsFrame(Buffer.alloc(0), OP_CLOSE), wsFrame(Buffer.from('late'), OP_TEXT)]));
    expect(r.events).toEqual(['close:1005:']);
  });

  it('a masked frame from a real server: error, a 1002 close sent back, then closed', async () => {
    let closeFromClient: Buffer | null = null;
    const server = rawServer((socket, key) => {
      socket.on('data', (d: Buffer) => (closeFromClient = d));
      socket.write(upgradeResponse(key));
      socket.write(Buffer.concat(Sender.frame(Buffer.from('x'), { fin: true, opcode: OP_TEXT, mask: true, readOnly: false })));
    });
    const { got, code, error } = await runAgainst(await server);
    expect(got).toEqual([]);
    expect(error).toMatch(/masked/);
    expect(code).toBe(1002);
    await until(() => closeFromClient !== null, "the client's close frame");
    const frame = closeFromClient as unknown as Buffer;
    expect(frame[0]).toBe(0x80 | OP_CLOSE);
    const unmasked = Buffer.from(frame.subarray(6).map((b, i) => b ^ frame[2 + (i & 3)]!));
    expect(unmasked.readUInt16BE(0)).toBe(1002);
  });

  it('refuses a handshake that is not a proper upgrade', async () => {
    const answers: Array<[(key: string) => string, RegExp]> = [
      [() => 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n', /unexpected server response: 403/],
      [() => 'SSH-2.0-OpenSSH\r\n\r\n', /not an HTTP response/],
      [(key) => upgradeResponse(key).replace(acceptKey(key), acceptKey('other')), /Sec-WebSocket-Accept/],
      [(key) => upgradeResponse(key).replace('Upgrade: websocket', 'Upgrade: h2c'), /does not upgrade/],
      [(key) => upgradeResponse(key).replace('\r\n\r\n', '\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n'), /extension/],
      [(key) => upgradeResponse(key).replace('\r\n\r\n', '\r\nSec-WebSocket-Protocol: chat\r\n\r\n'), /subprotocol/],
      [(key) => upgradeResponse(key).replace('\r\n\r\n', '\r\nno colon here\r\n\r\n'), /malformed/],
      [() => `HTTP/1.1 101 Switching Protocols\r\nX: ${'y'.repeat(20_000)}`, /no end/],
    ];
    for (const [answer, message] of answers) {
      const server = rawServer((socket, key) => void socket.write(answer(key)));
      const { error, code, opened } = await runAgainst(await server);
      expect(error, String(message)).toMatch(message);
      expect(opened).toBe(false);
      expect(code).toBe(1006);
    }
  });

  it('refuses a request that would smuggle a header, or a bad path', () => {
    expect(() => new WireClient({ host: '127.0.0.1', port: 1, path: '/', headers: { Cookie: 'a\r\nX-Evil: 1' } })).toThrow(/line break/);
    expect(() => new WireClient({ host: '127.0.0.1', port: 1, path: 'ws' })).toThrow(/path/);
    expect(() => new WireClient({ host: '127.0.0.1', port: 1, path: '/a b' })).toThrow(/path/);
  });

  it('a refused connection is an error then a close, not a crash', async () => {
    const server = await rawServer(() => {});
    const free = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    const client = new WireClient({ host: '127.0.0.1', port: free.port, path: '/' });
    const result = await new Promise<[string, number]>((resolve) => {
      let error = '';
      client.onError = (e) => (error = e.message);
      client.onClose = (code) => resolve([error, code]);
    });
    expect(result[0]).toMatch(/ECONNREFUSED/);
    expect(result[1]).toBe(1006);
  });
});

function upgradeResponse(key: string): string {
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`;
}

/** A bare TCP server that reads one Upgrade request and lets `answer` write whatever bytes it likes. */
async function rawServer(answer: (socket: Socket, key: string) => void | Promise<void>): Promise<Server> {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const key = /sec-websocket-key: (\S+)/i.exec(head)?.[1] ?? '';
      void answer(socket, key);
    };
    socket.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** Connects to `server`, collects messages until the close, then shuts the server. */
async function runAgainst(server: Server): Promise<{ got: string[]; code: number; error: string; opened: boolean }> {
  const { port: p } = server.address() as { port: number };
  const client = new WireClient({ host: '127.0.0.1', port: p, path: '/ws', closeTimeout: 200 });
  const got: string[] = [];
  let error = '';
  let opened = false;
  client.onOpen = () => (opened = true);
  client.onMessage = (data) => got.push(data.toString('utf8'));
  client.onError = (e) => (error = e.message);
  const code = await new Promise<number>((resolve) => (client.onClose = (c) => resolve(c)));
  server.close();
  return { got, code, error, opened };
}
