/**
 * A minimal WebSocket client (RFC 6455) for the load bench: its own HTTP Upgrade handshake over
 * `net`, pre-encoded masked frames to send, and an incremental frame reader, so each command costs
 * the bench a write and a read rather than the `ws` library's streams, events and per-send masking.
 * No extensions (no permessage-deflate) and no subprotocols: the handshake offers none and refuses
 * a server that picks one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { isUtf8 } from 'node:buffer';

/** RFC 6455 §1.3: the fixed GUID the server appends to the key before hashing it. */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

/** The Sec-WebSocket-Accept a server must answer for `key` (RFC 6455 §4.2.2). */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/**
 * One frame: FIN set unless `fin` is false, no reserved bits, the shortest length form (7, 16 or
 * 64 bits), and the payload masked with `mask` when given (a client's frames must be, §5.3).
 */
export function encodeFrame(opcode: number, payload: Buffer, mask: Buffer | null, fin = true): Buffer {
  const len = payload.length;
  const lenBytes = len < 126 ? 0 : len < 0x10000 ? 2 : 8;
  const head = 2 + lenBytes + (mask ? 4 : 0);
  const out = Buffer.allocUnsafe(head + len);
  out[0] = (fin ? 0x80 : 0) | (opcode & 0x0f);
  const maskBit = mask ? 0x80 : 0;
  if (lenBytes === 0) out[1] = maskBit | len;
  else if (lenBytes === 2) {
    out[1] = maskBit | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = maskBit | 127;
    out.writeUInt32BE(Math.floor(len / 0x100000000), 2);
    out.writeUInt32BE(len >>> 0, 6);
  }
  if (!mask) {
    payload.copy(out, head);
    return out;
  }
  mask.copy(out, head - 4, 0, 4);
  for (let i = 0; i < len; i++) out[head + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return out;
}

/** A protocol failure: `code` is the close code sent to the peer before dropping the connection (§7.4.1). */
export class WireError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** What the reader hands on: whole messages (fragments already joined) and the control frames. */
export interface FrameSink {
  message(data: Buffer, binary: boolean): void;
  ping(payload: Buffer): void;
  pong(payload: Buffer): void;
  peerClose(code: number, reason: string): void;
}

/** Close codes a peer may send (§7.4.1, §7.4.2): 1004–1006 and 1015 are reserved for local use. */
function validCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/**
 * Reads a server's frames from TCP chunks of any size: a frame split across reads is held until
 * whole (payloads collected as a list and joined once, so a large frame trickling in byte by byte
 * costs linear time), and several frames in one read are all handed on. Throws a WireError on
 * anything RFC 6455 says a client must fail the connection for; after that, or after a close
 * frame, it reads nothing more.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The frame whose payload is awaited: its first byte, and its length (-1: reading a header). */
  private first = 0;
  private need = -1;
  private fragments: Buffer[] | null = null;
  private fragmentsLength = 0;
  private fragmentsBinary = false;
  private done = false;

  constructor(
    private readonly sink: FrameSink,
    /** The largest message accepted (as `ws`: 100 MiB); larger fails with 1009. */
    private readonly maxPayload = 100 * 1024 * 1024,
  ) {}

  feed(chunk: Buffer): void {
    if (this.done || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.done) {
      if (this.need < 0 && !this.readHeader()) return;
      if (this.buffered < this.need) return;
      const payload = this.take(this.need);
      this.need = -1;
      this.frame(this.first, payload);
    }
  }

  /**
   * Copies whatever the reader still holds (a frame's first part, earlier fragments) out of the
   * chunks it was fed: needed when the caller reuses one buffer for every read.
   */
  detach(): void {
    if (this.buffered > 0) {
      const held = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [held];
    }
    if (this.fragments) this.fragments = this.fragments.map((f) => Buffer.from(f));
  }

  /** Parses the next frame's header if it is all here; false when more bytes are needed. */
  private readHeader(): boolean {
    if (this.buffered < 2) return false;
    // The longest header a server sends is 10 bytes; join the first chunks only when they are shorter.
    const head = this.peek(Math.min(this.buffered, 10));
    const b0 = head[0] as number;
    const b1 = head[1] as number;
    if (b1 & 0x80) this.fail('a server frame is masked', 1002);
    if (b0 & 0x70) this.fail('reserved bits set with no extension agreed', 1002);
    const opcode = b0 & 0x0f;
    let len = b1 & 0x7f;
    let size = 2;
    if (len === 126) {
      if (head.length < 4) return false;
      len = head.readUInt16BE(2);
      size = 4;
    } else if (len === 127) {
      if (head.length < 10) return false;
      const high = head.readUInt32BE(2);
      // §5.2: the most significant bit must be 0; above 2^53 a JavaScript number is not exact.
      if (high > 0x1fffff) this.fail('frame length out of range', 1009);
      len = high * 0x100000000 + head.readUInt32BE(6);
      size = 10;
    }
    if (opcode >= OP_CLOSE) {
      if (opcode > OP_PONG) this.fail(`unknown control opcode ${opcode}`, 1002);
      if (!(b0 & 0x80)) this.fail('a fragmented control frame', 1002);
      if (len > 125) this.fail('a control frame longer than 125 bytes', 1002);
    } else if (opcode > OP_BINARY) this.fail(`unknown data opcode ${opcode}`, 1002);
    else if (len + this.fragmentsLength > this.maxPayload) this.fail('message larger than the limit', 1009);
    this.take(size);
    this.first = b0;
    this.need = len;
    return true;
  }

  private frame(b0: number, payload: Buffer): void {
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if (opcode === OP_PING) return this.sink.ping(payload);
    if (opcode === OP_PONG) return this.sink.pong(payload);
    if (opcode === OP_CLOSE) return this.closeFrame(payload);
    if (opcode === OP_CONTINUATION) {
      if (!this.fragments) this.fail('a continuation frame with no message to continue', 1002);
      this.fragments.push(payload);
      this.fragmentsLength += payload.length;
      if (!fin) return;
      const whole = Buffer.concat(this.fragments, this.fragmentsLength);
      const binary = this.fragmentsBinary;
      this.fragments = null;
      this.fragmentsLength = 0;
      return this.deliver(whole, binary);
    }
    if (this.fragments) this.fail('a new message before the fragmented one ended', 1002);
    if (!fin) {
      this.fragments = [payload];
      this.fragmentsLength = payload.length;
      this.fragmentsBinary = opcode === OP_BINARY;
      return;
    }
    this.deliver(payload, opcode === OP_BINARY);
  }

  private deliver(data: Buffer, binary: boolean): void {
    // §8.1: a text message that is not UTF-8 fails the connection.
    if (!binary && !isUtf8(data)) this.fail('a text message that is not UTF-8', 1007);
    this.sink.message(data, binary);
  }

  private closeFrame(payload: Buffer): void {
    this.done = true;
    if (payload.length === 0) return this.sink.peerClose(1005, '');
    if (payload.length === 1) this.fail('a close frame with a one-byte body', 1002);
    const code = payload.readUInt16BE(0);
    if (!validCloseCode(code)) this.fail(`close code ${code} is not one a peer may send`, 1002);
    const reason = payload.subarray(2);
    if (!isUtf8(reason)) this.fail('a close reason that is not UTF-8', 1007);
    this.sink.peerClose(code, reason.toString('utf8'));
  }

  private fail(message: string, code: number): never {
    this.done = true;
    this.chunks = [];
    this.buffered = 0;
    throw new WireError(message, code);
  }

  /** The first `n` buffered bytes, contiguous, without consuming them. */
  private peek(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length >= n) return first;
    return Buffer.concat(this.chunks, this.buffered).subarray(0, n);
  }

  /** Consumes the first `n` buffered bytes: a view of the first chunk when it holds them all. */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (n === 0 || first === undefined) return Buffer.alloc(0);
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    let used = 0;
    while (at < n) {
      const c = this.chunks[used] as Buffer;
      const part = Math.min(c.length, n - at);
      c.copy(out, at, 0, part);
      at += part;
      if (part === c.length) used++;
      else this.chunks[used] = c.subarray(part);
    }
    this.chunks.splice(0, used);
    return out;
  }
}

export interface WireOptions {
  host: string;
  port: number;
  /** Path and query of the WebSocket endpoint (`/ws?…`). */
  path: string;
  /** More request headers (Cookie, Origin…). */
  headers?: Record<string, string>;
  /** How long a close may wait for the server's answer before the socket is dropped (ms; as `ws`: 30 s). */
  closeTimeout?: number;
  maxPayload?: number;
}

type State = 'connecting' | 'open' | 'closing' | 'closed';

/**
 * One buffer every connection reads into (net's `onread`): reads skip the stream machinery and
 * allocate nothing. Safe to share because each read is handled whole, synchronously, before the
 * next: what a read leaves unfinished is copied out (FrameReader.detach) before it returns.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** The longest handshake response read before giving up on a server that sends no end of headers. */
const MAX_RESPONSE_HEAD = 16 * 1024;

/**
 * One client connection. Like `ws`, it is built synchronously and connects in the background, so
 * its handlers are set before any byte can arrive: onOpen, then onMessage for each message, and
 * onClose exactly once at the end (after onError when the end was a failure).
 */
export class WireClient implements FrameSink {
  onOpen: () => void = () => {};
  /** `data` is a view of the shared read buffer, valid during the call only: copy it to keep it. */
  onMessage: (data: Buffer, binary: boolean) => void = () => {};
  onError: (err: Error) => void = () => {};
  onClose: (code: number, reason: string) => void = () => {};
  /**
   * This connection's masking key. RFC 6455 §5.3 asks for a fresh unpredictable key per frame so
   * that a script in a browser cannot choose the bytes an intermediary sees (cache poisoning,
   * §10.3). The bench is no browser and talks to its own server on loopback, so one random key per
   * connection is enough, and it lets each command's frame be encoded once, not at every send.
   */
  readonly mask = randomBytes(4);
  private state: State = 'connecting';
  private readonly socket: Socket;
  private readonly reader: FrameReader;
  private readonly key = randomBytes(16).toString('base64');
  private head: Buffer[] = [];
  private headLength = 0;
  private closeSent = false;
  private closeCode = 1006;
  private closeReason = '';
  private timer: NodeJS.Timeout | null = null;
  private errored = false;

  constructor(private readonly options: WireOptions) {
    // The request is written as is: a CR or LF in it would let a value smuggle in its own headers.
    const request = [options.host, options.path, ...Object.entries(options.headers ?? {}).flat()];
    if (request.some((part) => /[\r\n]/.test(part))) throw new Error('WebSocket request: a line break in the host, path or a header');
    if (!options.path.startsWith('/') || /\s/.test(options.path)) throw new Error(`WebSocket request: the path must start with / and hold no spaces: ${JSON.stringify(options.path)}`);
    this.reader = new FrameReader(this, options.maxPayload);
    this.socket = connect({
      host: options.host,
      port: options.port,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array) => {
          this.data(Buffer.from(buf.buffer, buf.byteOffset, n));
          this.reader.detach();
          return true;
        },
      },
    });
    // As `ws`: a command's frame goes out at once, not held back to be joined with the next.
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => this.request());
    this.socket.on('error', (err) => this.failed(err));
    this.socket.on('close', () => this.closed());
  }

  get readyState(): State {
    return this.state;
  }

  /** A text frame of `text`, masked with this connection's key, to send as often as wanted. */
  textFrame(text: string): Buffer {
    return encodeFrame(OP_TEXT, Buffer.from(text, 'utf8'), this.mask);
  }

  /** Writes a frame made by textFrame (or encodeFrame with this.mask). */
  sendFrame(frame: Buffer): void {
    if (this.state !== 'open') throw new Error(`cannot send: the connection is ${this.state}`);
    this.socket.write(frame);
  }

  sendText(text: string): void {
    this.sendFrame(this.textFrame(text));
  }

  /** Starts the closing handshake (§7.1.2); onClose follows when the server answers or the timeout drops it. */
  close(code = 1000, reason = ''): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    if (this.state === 'connecting') {
      this.state = 'closing';
      this.socket.destroy();
      return;
    }
    this.state = 'closing';
    this.sendClose(code, reason);
    this.armDrop();
  }

  // FrameSink: what the reader hands on.
  message(data: Buffer, binary: boolean): void {
    // After this side sent its close, messages still in flight are handed on, as `ws` does.
    this.onMessage(data, binary);
  }

  ping(payload: Buffer): void {
    // §5.5.2: answer a ping with a pong carrying the same bytes (not once this side has closed).
    if (!this.closeSent) this.socket.write(encodeFrame(OP_PONG, payload, this.mask));
  }

  pong(): void {
    // Nothing to do: this client sends no pings.
  }

  peerClose(code: number, reason: string): void {
    this.closeCode = code;
    this.closeReason = reason;
    // §5.5.1: answer a close with a close (echoing its code), unless this side already sent one;
    // then the TCP connection ends. The server should close it first; the timer covers one that does not.
    if (!this.closeSent) this.sendClose(code === 1005 ? 1000 : code, '');
    this.state = 'closing';
    this.socket.end();
    this.armDrop();
  }

  private sendClose(code: number, reason: string): void {
    if (this.closeSent) return;
    this.closeSent = true;
    const why = Buffer.from(reason, 'utf8');
    const body = Buffer.allocUnsafe(2 + why.length);
    body.writeUInt16BE(code, 0);
    why.copy(body, 2);
    this.socket.write(encodeFrame(OP_CLOSE, body.subarray(0, 125), this.mask));
  }

  private armDrop(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.socket.destroy(), this.options.closeTimeout ?? 30_000);
    this.timer.unref();
  }

  private request(): void {
    const { host, port, path, headers = {} } = this.options;
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: ${host.includes(':') ? `[${host}]` : host}:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${this.key}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  }

  private data(chunk: Buffer): void {
    if (this.state === 'closed') return;
    if (this.state === 'connecting') return this.handshake(chunk);
    try {
      this.reader.feed(chunk);
    } catch (err) {
      this.protocolError(err);
    }
  }

  /** Reads the server's answer to the Upgrade request (§4.1: what a client must check). */
  private handshake(chunk: Buffer): void {
    // The bytes are in the shared read buffer: keep a copy until the headers are whole.
    this.head.push(Buffer.from(chunk));
    this.headLength += chunk.length;
    const all = this.head.length === 1 ? chunk : Buffer.concat(this.head, this.headLength);
    const end = all.indexOf('\r\n\r\n', 0, 'latin1');
    if (end < 0) {
      if (this.headLength > MAX_RESPONSE_HEAD) this.refuse('no end to the handshake response headers');
      return;
    }
    this.head = [];
    const [status = '', ...lines] = all.toString('latin1', 0, end).split('\r\n');
    const code = /^HTTP\/1\.1 (\d{3})(?: |$)/.exec(status)?.[1];
    if (code !== '101') return this.refuse(code ? `unexpected server response: ${code}` : `not an HTTP response: ${JSON.stringify(status.slice(0, 80))}`);
    const fields = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) return this.refuse(`a malformed response header: ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      fields.set(name, fields.has(name) ? `${fields.get(name)}, ${value}` : value);
    }
    if (fields.get('upgrade')?.toLowerCase() !== 'websocket') return this.refuse('the response does not upgrade to websocket');
    const connection = (fields.get('connection') ?? '').toLowerCase().split(',').map((t) => t.trim());
    if (!connection.includes('upgrade')) return this.refuse('the response has no "Connection: Upgrade"');
    if (fields.get('sec-websocket-accept') !== acceptKey(this.key)) return this.refuse('wrong Sec-WebSocket-Accept');
    // Nothing was offered, so a server that names an extension or subprotocol speaks something else.
    if (fields.has('sec-websocket-extensions')) return this.refuse('the server chose an extension none was offered');
    if (fields.has('sec-websocket-protocol')) return this.refuse('the server chose a subprotocol none was offered');
    this.state = 'open';
    this.onOpen();
    // Frames the server sent right behind its response (a hello) came in the same read.
    const rest = all.subarray(end + 4);
    // (onOpen may have closed it already: data() then reads nothing.)
    if (rest.length > 0) this.data(rest);
  }

  private refuse(message: string): void {
    this.state = 'closing';
    this.failed(new Error(`WebSocket handshake: ${message}`));
    this.socket.destroy();
  }

  private protocolError(err: unknown): void {
    // The bench's own handler failing is its bug, not the server's: let it surface as it would with `ws`.
    if (!(err instanceof WireError)) throw err;
    const code = err.code;
    // §7.1.7: fail the connection: send a close with the reason's code if possible, then drop it.
    this.closeCode = code;
    this.state = 'closing';
    this.sendClose(code, '');
    this.socket.end();
    this.armDrop();
    this.failed(err);
  }

  private failed(err: Error): void {
    if (this.errored) return;
    this.errored = true;
    this.onError(err);
  }

  private closed(): void {
    if (this.state === 'closed') return;
    if (this.timer) clearTimeout(this.timer);
    this.state = 'closed';
    this.onClose(this.closeCode, this.closeReason);
  }
}

