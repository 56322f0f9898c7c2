/**
 * Issue #10: one bad request, header or frame from anyone must never crash the shared server nor
 * leak its insides. Each attack runs against the real server (startServer, memory store, port 0)
 * over raw sockets; after it, no uncaught exception may have been raised (under `npm start` it
 * would have killed the process) and the server must still answer /healthz and serve a terminal.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../server/http/app.js';
import { loadConfig } from '../server/http/config.js';
import { memoryStore } from '../server/store/memory.js';
import type { CloudStore } from '../server/store/types.js';
import { testConfig } from './support/server-config.js';


const configFor = (env: Record<string, string> = {}) => testConfig('hostile', env);

/** Sends raw bytes and collects everything until the server closes (or `ms` passes). */
function raw(port: number, request: string | Buffer, ms = 3000): Promise<{ text: string; closed: boolean }> {
  return new Promise((done) => {
    const s = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      s.destroy();
      done({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const timer = setTimeout(() => finish(false), ms);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => finish(true));
    s.on('close', () => finish(true));
    s.write(request);
  });
}

function upgradeRequest(port: number, opts: { target?: string; origin?: string | null; cookie?: string; host?: string }): string {
  const lines = [
    `GET ${opts.target ?? '/ws?workspace=sandbox:empty'} HTTP/1.1`,
    `Host: ${opts.host ?? `localhost:${port}`}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
  ];
  if (opts.origin !== null) lines.push(`Origin: ${opts.origin ?? `http://localhost:${port}`}`);
  if (opts.cookie !== undefined) lines.push(`Cookie: ${opts.cookie}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A client frame (masked unless told otherwise). */
function frame(opcode: number, payload: Buffer, opts: { mask?: boolean; fin?: boolean; rsv?: number } = {}): Buffer {
  const mask = opts.mask ?? true;
  const b0 = ((opts.fin ?? true) ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | opcode;
  const len = payload.length;
  let head: Buffer;
  if (len < 126) head = Buffer.from([b0, (mask ? 0x80 : 0) | len]);
  else if (len < 65536) {
    head = Buffer.alloc(4);
    head[0] = b0;
    head[1] = (mask ? 0x80 : 0) | 126;
    head.writeUInt16BE(len, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = b0;
    head[1] = (mask ? 0x80 : 0) | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!mask) return Buffer.concat([head, payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const body = Buffer.from(payload.map((x, i) => x ^ (key[i % 4] as number)));
  return Buffer.concat([head, key, body]);
}

/** The close code of the first close frame the server sent (server frames are unmasked). */
function closeCode(bytes: Buffer): number | null {
  let i = 0;
  while (i + 2 <= bytes.length) {
    const op = (bytes[i] as number) & 0x0f;
    let len = (bytes[i + 1] as number) & 0x7f;
    let at = i + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(at);
      at += 2;
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(at));
      at += 8;
    }
    if (op === 0x8) return len >= 2 ? bytes.readUInt16BE(at) : 1005;
    i = at + len;
  }
  return null;
}

/** Upgrades a raw socket with a valid cookie and Origin, then sends `bytes`; returns the close code. */
function attackAfterUpgrade(port: number, cookie: string, bytes: Buffer): Promise<{ code: number | null; ended: boolean }> {
  return new Promise((done, fail) => {
    const s: Socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let upgraded = false;
    let after = Buffer.alloc(0);
    const finish = (ended: boolean) => {
      clearTimeout(timer);
      s.destroy();
      done({ code: closeCode(after), ended });
    };
    const timer = setTimeout(() => finish(false), 4000);
    s.on('error', () => finish(true));
    s.on('close', () => finish(true));
    s.on('data', (d) => {
      if (upgraded) {
        after = Buffer.concat([after, d]);
        return;
      }
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) {
        fail(new Error(`upgrade refused: ${head}`));
        s.destroy();
        return;
      }
      upgraded = true;
      after = buf.subarray(end + 4);
      s.write(bytes);
    });
    s.write(upgradeRequest(port, { cookie }));
  });
}

async function learnerCookie(url: string): Promise<string> {
  const r = await fetch(`${url}/api/me`);
  const m = /stacklab_sid=[^;]+/.exec(r.headers.get('set-cookie') ?? '');
  if (!m) throw new Error('no learner cookie');
  return m[0];
}

/** A real terminal: connects, gets the hello, runs a command. */
async function terminalWorks(url: string, cookie: string): Promise<string> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?workspace=sandbox:empty`, { headers: { Origin: url, Cookie: cookie } });
  try {
    const messages: Array<{ t: string; stdout?: string }> = [];
    await new Promise<void>((ok, fail) => {
      ws.on('error', fail);
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as { t: string; stdout?: string };
        messages.push(m);
        if (m.t === 'hello') ws.send(JSON.stringify({ t: 'line', line: 'echo still-alive' }));
        if (m.t === 'result') ok();
      });
    });
    return messages.find((m) => m.t === 'result')?.stdout ?? '';
  } finally {
    ws.terminate();
  }
}

async function healthy(url: string): Promise<boolean> {
  const r = await fetch(`${url}/healthz`);
  return r.ok;
}

/** No stack frames, server paths or module names in what a client sees. */
function expectNoInsides(body: string): void {
  expect(body).not.toMatch(/\bat \S+ \(|node_modules|\/work\/|\.ts:\d+|\.js:\d+|Error:/);
}

/** Uncaught exceptions seen while the attacks ran (Vitest reports them too, but after the fact). */
const crashes: string[] = [];
const onCrash = (e: unknown) => crashes.push(e instanceof Error ? e.message : String(e));

describe('hostile clients against one shared server', () => {
  let server: RunningServer;
  let port: number;
  let cookie: string;

  beforeAll(async () => {
    process.on('uncaughtException', onCrash);
    server = await startServer(configFor());
    port = Number(new URL(server.url).port);
    cookie = await learnerCookie(server.url);
  });
  afterAll(async () => {
    process.off('uncaughtException', onCrash);
    await server.close();
  });
  beforeEach(() => {
    crashes.length = 0;
  });

  describe('WebSocket upgrades that used to throw in the upgrade handler', () => {
    const attacks: Array<[string, (port: number, cookie: string) => string]> = [
      ['Origin: null (sandboxed iframe)', (p, c) => upgradeRequest(p, { origin: 'null', cookie: c })],
      ['Origin: foo', (p, c) => upgradeRequest(p, { origin: 'foo', cookie: c })],
      ['an Origin with a bad port', (p, c) => upgradeRequest(p, { origin: 'http://localhost:99999', cookie: c })],
      ['an Origin of http://[', (p, c) => upgradeRequest(p, { origin: 'http://[', cookie: c })],
      ['no Origin', (p, c) => upgradeRequest(p, { origin: null, cookie: c })],
      ['a malformed cookie', (p) => upgradeRequest(p, { cookie: 'stacklab_sid=%E0%A4%A' })],
      ['a malformed cookie before login, with a bad origin too', (p) => upgradeRequest(p, { cookie: 'a=%; stacklab_sid=%E0%A4%A', origin: 'null' })],
      ['a request target of //[', (p, c) => upgradeRequest(p, { target: '//[', cookie: c })],
      ['a request target of //[ before any login', (p) => upgradeRequest(p, { target: '//[' })],
      ['an unknown workspace', (p, c) => upgradeRequest(p, { target: '/ws?workspace=sandbox:nope', cookie: c })],
      ['a WebSocket version ws does not speak', (p, c) => upgradeRequest(p, { cookie: c }).replace('Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 99')],
      ['a bogus Sec-WebSocket-Key', (p, c) => upgradeRequest(p, { cookie: c }).replace('dGhlIHNhbXBsZSBub25jZQ==', '%%%')],
      ['an Upgrade to something else than websocket', (p, c) => upgradeRequest(p, { cookie: c }).replace('Upgrade: websocket', 'Upgrade: h2c')],
    ];
    for (const [name, request] of attacks) {
      it(`${name}: refused with 400/403, socket closed, server still serving`, async () => {
        const r = await raw(port, request(port, cookie));
        expect(crashes).toEqual([]);
        expect(r.text).toMatch(/^HTTP\/1\.1 40[03] /);
        expect(r.closed).toBe(true);
        expect(await healthy(server.url)).toBe(true);
        expect(await terminalWorks(server.url, cookie)).toContain('still-alive');
      });
    }
  });

  describe('WebSocket protocol errors end in a clean close with the right code', () => {
    const attacks: Array<[string, Buffer, number]> = [
      ['a text frame over the 16 KiB cap', frame(0x1, Buffer.alloc(16_385, 0x61)), 1009],
      ['invalid UTF-8 in a text frame', frame(0x1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 1007],
      ['a reserved opcode', frame(0x3, Buffer.from('hi')), 1002],
      ['an unmasked client frame', frame(0x1, Buffer.from('{"t":"reset"}'), { mask: false }), 1002],
      ['a reserved bit set (no extension negotiated)', frame(0x1, Buffer.from('{}'), { rsv: 0b100 }), 1002],
      ['a control frame over 125 bytes', frame(0x9, Buffer.alloc(126)), 1002],
      ['a continuation with nothing to continue', frame(0x0, Buffer.from('x')), 1002],
    ];
    for (const [name, bytes, code] of attacks) {
      it(`${name}: close ${code}, server still serving`, async () => {
        const r = await attackAfterUpgrade(port, cookie, bytes);
        expect(crashes).toEqual([]);
        expect(r.code).toBe(code);
        expect(r.ended).toBe(true);
        expect(await healthy(server.url)).toBe(true);
        expect(await terminalWorks(server.url, cookie)).toContain('still-alive');
      });
    }
  });

  describe('the Origin must match scheme and host', () => {
    it('https://HOST does not open a terminal on a plain-http server', async () => {
      const r = await raw(port, upgradeRequest(port, { origin: `https://localhost:${port}`, cookie }));
      expect(r.text).toMatch(/^HTTP\/1\.1 403 /);
    });
    it('another host does not either', async () => {
      const r = await raw(port, upgradeRequest(port, { origin: `http://evil.example:${port}`, cookie }));
      expect(r.text).toMatch(/^HTTP\/1\.1 403 /);
    });
    it('http://HOST does', async () => {
      const r = await raw(port, upgradeRequest(port, { cookie }), 500);
      expect(r.text).toMatch(/^HTTP\/1\.1 101 /);
    });
  });

  describe('security headers on every response', () => {
    for (const path of ['/', '/sandbox/empty', '/healthz', '/api/me', '/api/labs', '/api/instructor/labs/x/grades', '/no/such/page']) {
      it(`GET ${path}`, async () => {
        const r = await fetch(`${server.url}${path}`);
        const csp = r.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("default-src 'self'");
        expect(csp).toMatch(/script-src 'self'(;|$)/);
        expect(csp).toContain("connect-src 'self'");
        expect(csp).toContain("object-src 'none'");
        expect(csp).toContain("frame-ancestors 'self'");
        expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(r.headers.get('x-content-type-options')).toBe('nosniff');
        expect(r.headers.get('referrer-policy')).toBe('same-origin');
      });
    }
    it('errors carry them too', async () => {
      const r = await fetch(`${server.url}/%E0%A4%A`);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-security-policy')).toContain('frame-ancestors');
    });
    it('instructor data and /api/me are never cached', async () => {
      for (const path of ['/api/me', '/api/instructor/labs/x/grades']) {
        const r = await fetch(`${server.url}${path}`, { headers: { authorization: 'Bearer hostile-instructor' } });
        expect(r.headers.get('cache-control'), path).toBe('no-store');
      }
      const put = await fetch(`${server.url}/api/me`, { method: 'PUT', headers: { 'content-type': 'application/json', cookie }, body: '{"name":"Ada"}' });
      expect(put.status).toBe(200);
      expect(put.headers.get('cache-control')).toBe('no-store');
    });
    it('the learner cookie is httpOnly, SameSite=Lax and not Secure on plain http', async () => {
      const r = await fetch(`${server.url}/api/me`);
      const c = r.headers.get('set-cookie') ?? '';
      expect(c).toMatch(/HttpOnly/i);
      expect(c).toMatch(/SameSite=Lax/i);
      expect(c).not.toMatch(/Secure/i);
    });
  });

  describe('no stack traces or paths to clients', () => {
    it('malformed JSON to PUT /api/me: a short 400', async () => {
      const r = await fetch(`${server.url}/api/me`, { method: 'PUT', headers: { 'content-type': 'application/json', cookie }, body: '{"name": ' });
      expect(r.status).toBe(400);
      const body = await r.text();
      expectNoInsides(body);
      expect(body.length).toBeLessThan(200);
    });
    it('an oversized JSON body: a short 413', async () => {
      const r = await fetch(`${server.url}/api/me`, { method: 'PUT', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ name: 'x'.repeat(5000) }) });
      expect(r.status).toBe(413);
      expectNoInsides(await r.text());
    });
    for (const path of ['/%E0%A4%A', '/api/labs/%E0%A4%A', '/assets/%E0%A4%A.js', '/%']) {
      it(`bad percent-encoding (GET ${path}): a short 400`, async () => {
        const r = await fetch(`${server.url}${path}`);
        expect(r.status).toBe(400);
        expectNoInsides(await r.text());
      });
    }
    it('a request target of //[ over plain HTTP', async () => {
      const r = await raw(port, `GET //[ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      expect(r.text).toMatch(/^HTTP\/1\.1 [24]\d\d /);
      expectNoInsides(r.text);
      expect(await healthy(server.url)).toBe(true);
    });
    it('a malformed cookie on HTTP: treated as no cookie', async () => {
      const r = await fetch(`${server.url}/api/me`, { headers: { cookie: 'stacklab_sid=%E0%A4%A' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('set-cookie')).toMatch(/^stacklab_sid=/);
    });
    it('huge headers: refused without a crash', async () => {
      const r = await raw(port, `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`);
      expect(r.text).toMatch(/^HTTP\/1\.1 431 /);
      expectNoInsides(r.text);
      expect(await healthy(server.url)).toBe(true);
    });
    it('other methods on unknown paths: a short 404', async () => {
      const r = await fetch(`${server.url}/api/nothing`, { method: 'POST' });
      expect(r.status).toBe(404);
      expectNoInsides(await r.text());
    });
  });
});

describe('an internal error (a failing store) under npm start (NODE_ENV unset)', () => {
  it('answers a short 500 with an id and logs the details with that id', async () => {
    const inner = memoryStore();
    const broken: CloudStore = {
      ...inner,
      getLearner: () => {
        throw new Error('disk on fire at /secret/path/stacklab.db');
      },
      close: () => inner.close(),
    };
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
      logged.push(a.map(String).join(' '));
    });
    const env = process.env['NODE_ENV'];
    delete process.env['NODE_ENV'];
    const server = await startServer(configFor(), { store: broken });
    try {
      const r = await fetch(`${server.url}/api/me`);
      expect(r.status).toBe(500);
      const body = await r.text();
      expectNoInsides(body);
      expect(body).not.toContain('/secret/path');
      expect(body).not.toContain('disk on fire');
      const id = /[0-9a-f]{8,}/.exec(body)?.[0];
      expect(id).toBeDefined();
      expect(logged.some((l) => l.includes(id as string) && l.includes('disk on fire'))).toBe(true);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      if (env !== undefined) process.env['NODE_ENV'] = env;
      spy.mockRestore();
      await server.close();
    }
  });
});

describe('deployment settings', () => {
  it('STACKLAB_FRAME_ANCESTORS lets an LMS frame the page (and drops X-Frame-Options)', async () => {
    const server = await startServer(configFor({ STACKLAB_FRAME_ANCESTORS: "'self' https://lms.example.org" }));
    try {
      const r = await fetch(`${server.url}/`);
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'self' https://lms.example.org");
      expect(r.headers.get('x-frame-options')).toBeNull();
    } finally {
      await server.close();
    }
  });

  it("STACKLAB_FRAME_ANCESTORS='none' forbids framing everywhere", async () => {
    const server = await startServer(configFor({ STACKLAB_FRAME_ANCESTORS: "'none'" }));
    try {
      const r = await fetch(`${server.url}/`);
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-frame-options')).toBe('DENY');
    } finally {
      await server.close();
    }
  });

  it('refuses a STACKLAB_FRAME_ANCESTORS that would inject directives', () => {
    expect(() => configFor({ STACKLAB_FRAME_ANCESTORS: "'self'; script-src *" })).toThrow(/STACKLAB_FRAME_ANCESTORS/);
  });

  it('STACKLAB_PUBLIC_URL=https://…: that origin (and only it) opens a terminal; the cookie is Secure', async () => {
    const server = await startServer(configFor({ STACKLAB_PUBLIC_URL: 'https://lab.example.org' }));
    const port = Number(new URL(server.url).port);
    try {
      const me = await fetch(`${server.url}/api/me`);
      const setCookie = me.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/;\s*Secure/i);
      const cookie = /stacklab_sid=[^;]+/.exec(setCookie)?.[0] ?? '';
      // Behind the proxy the Host may be anything; the public origin is what counts.
      const ok = await raw(port, upgradeRequest(port, { origin: 'https://lab.example.org', host: 'lab.example.org', cookie }), 500);
      expect(ok.text).toMatch(/^HTTP\/1\.1 101 /);
      for (const origin of ['http://lab.example.org', `http://localhost:${port}`, 'https://evil.example.org']) {
        const r = await raw(port, upgradeRequest(port, { origin, host: 'lab.example.org', cookie }));
        expect(r.text, origin).toMatch(/^HTTP\/1\.1 403 /);
      }
    } finally {
      await server.close();
    }
  });

  it('STACKLAB_SECURE_COOKIE=1 marks the cookie Secure on its own', async () => {
    const server = await startServer(configFor({ STACKLAB_SECURE_COOKIE: '1' }));
    try {
      const r = await fetch(`${server.url}/api/me`);
      expect(r.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    } finally {
      await server.close();
    }
  });

  it('refuses a STACKLAB_PUBLIC_URL that is not an http(s) origin', () => {
    expect(() => configFor({ STACKLAB_PUBLIC_URL: 'lab.example.org' })).toThrow(/STACKLAB_PUBLIC_URL/);
    expect(() => configFor({ STACKLAB_PUBLIC_URL: 'ftp://lab.example.org' })).toThrow(/STACKLAB_PUBLIC_URL/);
  });

  it('the data directory is 0700 and the secret files 0600', () => {
    const data = join(mkdtempSync(join(tmpdir(), 'stacklab-perm-')), 'data');
    loadConfig({ STACKLAB_DATA: data, STACKLAB_STORE: 'memory' });
    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(statSync(join(data, 'secret')).mode & 0o777).toBe(0o600);
    expect(statSync(join(data, 'instructor-token')).mode & 0o777).toBe(0o600);
  });

  it('the SQLite database files are 0600', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'stacklab-perm-')), 'data');
    const config = configFor({ STACKLAB_DATA: data, STACKLAB_STORE: 'sqlite' });
    const server = await startServer(config);
    try {
      await learnerCookie(server.url);
      expect(statSync(data).mode & 0o777).toBe(0o700);
      for (const f of ['stacklab.db', 'stacklab.db-wal']) expect(statSync(join(data, f)).mode & 0o777, f).toBe(0o600);
    } finally {
      await server.close();
    }
  });
});
