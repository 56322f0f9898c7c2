/**
 * A fake LMS for the Assignment and Grade Services tests, on loopback: a token endpoint
 * (client credentials with a JWT assertion, checked against the tool's public key) and score
 * endpoints (any path ending in /scores). It records every request, and answers from scripts
 * the test sets: a status, headers, a body, a huge answer, or none at all.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { importJWK, jwtVerify, type JWK, type JWTPayload, type JWTHeaderParameters } from 'jose';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** How to answer one request: a status (with the default body), or more. */
export type Reply =
  | number
  | {
      status: number;
      headers?: Record<string, string>;
      body?: string;
      huge?: boolean;
      hang?: boolean;
    };

export interface MockAgs {
  /** e.g. http://127.0.0.1:PORT */
  origin: string;
  tokenUrl: string;
  tokenRequests: Recorded[];
  /** Requests to .../scores, including refused ones. */
  scoreRequests: Recorded[];
  /** Scores the platform took (2xx), parsed. */
  scores: Array<{ path: string; body: Record<string, unknown> }>;
  /** Verified assertions of the token requests. */
  assertions: Array<{ payload: JWTPayload; header: JWTHeaderParameters }>;
  /** Answers for the next token requests, in order; then 200 with a fresh token. */
  tokenReplies: Reply[];
  /** Answers for the next score requests, in order; then 200 (with a valid bearer) or 401. */
  scoreReplies: Reply[];
  /** Tokens the platform accepts (issued ones; revoke to force a 401). */
  validTokens: Set<string>;
  /** Called on every request (e.g. to wait for one). */
  onRequest: (r: Recorded) => void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

/** Answers from a script entry; true when it did (false: the default answer is up to the caller). */
function scripted(res: ServerResponse, reply: Reply | undefined): boolean {
  if (reply === undefined) return false;
  const r = typeof reply === 'number' ? { status: reply } : reply;
  if ('hang' in r && r.hang) return true; // never answers: the client's deadline must end it
  res.writeHead(r.status, {
    'Content-Type': 'application/json',
    ...('headers' in r ? r.headers : {}),
  });
  if ('huge' in r && r.huge) {
    // 64 MiB, written as fast as the client reads it: a bounded reader stops long before the end.
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let left = 1024;
    const pump = () => {
      while (left > 0) {
        left -= 1;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('error', () => undefined);
    pump();
    return true;
  }
  res.end(
    'body' in r && r.body !== undefined
      ? r.body
      : JSON.stringify({ error: `scripted ${r.status}` }),
  );
  return true;
}

/** Starts the fake platform; `toolJwk` is the tool's public key (assertions are verified with it). */
export async function startMockAgs(toolJwk: JWK, clientId: string): Promise<MockAgs> {
  const toolKey = await importJWK(toolJwk, 'RS256');
  let issued = 0;
  const sockets = new Set<Socket>();
  const mock: MockAgs = {
    origin: '',
    tokenUrl: '',
    tokenRequests: [],
    scoreRequests: [],
    scores: [],
    assertions: [],
    tokenReplies: [],
    scoreReplies: [],
    validTokens: new Set(),
    onRequest: () => undefined,
    close: () => Promise.resolve(),
  };

  async function token(req: IncomingMessage, res: ServerResponse, rec: Recorded) {
    mock.tokenRequests.push(rec);
    const form = new URLSearchParams(rec.body);
    try {
      const { payload, protectedHeader } = await jwtVerify(
        form.get('client_assertion') ?? '',
        toolKey,
        {
          issuer: clientId,
          subject: clientId,
          audience: mock.tokenUrl,
        },
      );
      mock.assertions.push({ payload, header: protectedHeader });
    } catch (e) {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ error: 'invalid_client', error_description: String(e) }));
    }
    if (scripted(res, mock.tokenReplies.shift())) return;
    issued += 1;
    const value = `token-${issued}`;
    mock.validTokens.add(value);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        access_token: value,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: form.get('scope'),
      }),
    );
  }

  function score(req: IncomingMessage, res: ServerResponse, rec: Recorded) {
    mock.scoreRequests.push(rec);
    if (scripted(res, mock.scoreReplies.shift())) return;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !mock.validTokens.has(bearer)) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      return res.end('{"error":"invalid token"}');
    }
    mock.scores.push({ path: rec.path, body: JSON.parse(rec.body) as Record<string, unknown> });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{}');
  }

  const server = createServer((req, res) => {
    void (async () => {
      const rec: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: await readBody(req),
      };
      mock.onRequest(rec);
      const path = rec.path.split('?')[0] ?? '';
      if (req.method === 'POST' && path === '/token') return token(req, res, rec);
      if (req.method === 'POST' && path.endsWith('/scores')) return score(req, res, rec);
      res.writeHead(404);
      res.end();
    })();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  mock.origin = `http://127.0.0.1:${port}`;
  mock.tokenUrl = `${mock.origin}/token`;
  mock.close = () =>
    new Promise<void>((ok) => {
      for (const s of sockets) s.destroy();
      server.close(() => ok());
    });
  return mock;
}
