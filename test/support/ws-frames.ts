/**
 * Raw WebSocket (RFC 6455) for tests that must send what a real client never would: a frame
 * builder that can set any bit (RSV, opcode, mask, a length that lies), a parser of the server's
 * frames, and an upgrade over a plain TCP socket with any headers. Loopback tests only.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export const OP = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

export interface FrameSpec {
  /** 0–15; 3–7 and 11–15 are reserved. */
  opcode: number;
  payload?: Buffer | string;
  /** Final fragment (default true). */
  fin?: boolean;
  /** The three RSV bits as a number 0–7 (default 0). */
  rsv?: number;
  /** Clients must mask: true (default) masks with a random key, a Buffer gives the key, false sends it bare. */
  mask?: boolean | Buffer;
  /** Length encoding: 'auto' (shortest, default), or force the 16- or 64-bit form. */
  lengthForm?: 'auto' | '16' | '64';
  /** Declare this payload length instead of the real one (a lying header; up to 2^64-1 as a bigint). */
  declaredLength?: number | bigint;
}

/** One frame's bytes (header, mask key, masked payload). */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'utf8') : (spec.payload ?? Buffer.alloc(0));
  const fin = spec.fin ?? true;
  const rsv = (spec.rsv ?? 0) & 7;
  const maskKey = spec.mask === false ? null : Buffer.isBuffer(spec.mask) ? spec.mask.subarray(0, 4) : randomBytes(4);
  const len = BigInt(spec.declaredLength ?? payload.length);
  const form = spec.lengthForm ?? 'auto';
  let lenBytes: Buffer;
  let len7: number;
  if (form === '64' || (form === 'auto' && len > 0xffffn)) {
    len7 = 127;
    lenBytes = Buffer.alloc(8);
    lenBytes.writeBigUInt64BE(BigInt.asUintN(64, len));
  } else if (form === '16' || (form === 'auto' && len > 125n)) {
    len7 = 126;
    lenBytes = Buffer.alloc(2);
    lenBytes.writeUInt16BE(Number(len & 0xffffn));
  } else {
    len7 = Number(len);
    lenBytes = Buffer.alloc(0);
  }
  const head = Buffer.from([(fin ? 0x80 : 0) | (rsv << 4) | (spec.opcode & 0x0f), (maskKey ? 0x80 : 0) | len7]);
  let body = payload;
  if (maskKey) {
    body = Buffer.alloc(payload.length);
    for (let i = 0; i < payload.length; i++) body[i] = (payload[i] as number) ^ (maskKey[i % 4] as number);
  }
  return Buffer.concat(maskKey ? [head, lenBytes, maskKey, body] : [head, lenBytes, body]);
}

export const textFrame = (text: string | Buffer, more: Partial<FrameSpec> = {}): Buffer => encodeFrame({ opcode: OP.text, payload: text, ...more });

/** A close frame with a status code (and reason); `code` null sends an empty payload. */
export function closeFrame(code: number | null, reason: string | Buffer = '', more: Partial<FrameSpec> = {}): Buffer {
  if (code === null) return encodeFrame({ opcode: OP.close, ...more });
  const r = typeof reason === 'string' ? Buffer.from(reason) : reason;
  const p = Buffer.alloc(2 + r.length);
  p.writeUInt16BE(code & 0xffff);
  r.copy(p, 2);
  return encodeFrame({ opcode: OP.close, payload: p, ...more });
}

export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Incremental parser of (unmasked) server frames. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): ServerFrame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: ServerFrame[] = [];
    for (;;) {
      if (this.buf.length < 2) break;
      const b0 = this.buf[0] as number;
      const b1 = this.buf[1] as number;
      let len = b1 & 0x7f;
      let off = 2;
      if (len === 126) {
        if (this.buf.length < 4) break;
        len = this.buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) break;
        len = Number(this.buf.readBigUInt64BE(2));
        off = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      const keyLen = masked ? 4 : 0;
      if (this.buf.length < off + keyLen + len) break;
      let payload = this.buf.subarray(off + keyLen, off + keyLen + len);
      if (masked) {
        const key = this.buf.subarray(off, off + 4);
        payload = Buffer.from(payload.map((x, i) => x ^ (key[i % 4] as number)));
      }
      out.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload: Buffer.from(payload) });
      this.buf = this.buf.subarray(off + keyLen + len);
    }
    return out;
  }
}

/** A fresh Sec-WebSocket-Key. */
export const wsKey = (): string => randomBytes(16).toString('base64');

export interface RawUpgrade {
  /** HTTP status of the answer (101 when upgraded), 0 when the connection closed without one. */
  status: number;
  /** The answer's head (status line and headers), as text. */
  head: string;
  socket: Socket;
  /** Bytes received after the head (the first server frames). */
  rest: Buffer;
}

/**
 * Sends `request` (a whole upgrade request, or any bytes) on a new TCP connection and resolves
 * with the first response head; the socket stays open for frames (the caller destroys it).
 */
export function rawUpgrade(port: number, request: string | Buffer, opts: { timeoutMs?: number; host?: string; localAddress?: string } = {}): Promise<RawUpgrade> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  return new Promise((resolve) => {
    const socket = connect({ host: opts.host ?? '127.0.0.1', port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    let got = Buffer.alloc(0);
    let settled = false;
    const done = (status: number, head: string, rest: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      resolve({ status, head, socket, rest });
    };
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      const end = got.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = got.subarray(0, end).toString('latin1');
        done(Number(/^HTTP\/\d\.\d (\d{3})/.exec(head)?.[1] ?? 0), head, got.subarray(end + 4));
      }
    };
    const timer = setTimeout(() => done(0, got.toString('latin1'), Buffer.alloc(0)), timeoutMs);
    socket.on('data', onData);
    socket.on('error', () => done(0, got.toString('latin1'), Buffer.alloc(0)));
    socket.on('close', () => done(0, got.toString('latin1'), Buffer.alloc(0)));
    socket.write(request);
  });
}

/** The text of a well-formed upgrade request for `path`, with extra headers (name → value, or several values). */
export function upgradeRequest(path: string, hostHeader: string, headers: Record<string, string | string[]> = {}): string {
  const lines = [`GET ${path} HTTP/1.1`, `Host: ${hostHeader}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${wsKey()}`, 'Sec-WebSocket-Version: 13'];
  for (const [k, v] of Object.entries(headers)) for (const x of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${x}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
