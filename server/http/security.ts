/**
 * The web edge's defences, as small helpers that never throw on what a client sends: cookie and
 * request-target parsing, the Origin check of the terminal socket, the security headers of every
 * response, the learner cookie's options and the last-resort error handler (no stack to clients).
 */
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { CookieOptions, ErrorRequestHandler, RequestHandler } from 'express';

/**
 * The cookies of a `Cookie` header, first occurrence of a name winning (as browsers send the most
 * specific first). A value that is not valid percent-encoding is kept as sent rather than thrown
 * on: it will simply fail the signature check.
 */
export function parseCookies(header: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof header !== 'string') return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name === '' || out.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    out.set(name, safeDecode(value));
  }
  return out;
}

function safeDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The path and query of a request target in origin form (`/ws?workspace=…`), or null. The target
 * is appended to a fixed origin rather than resolved against it, so `//host/…` stays a path and
 * cannot make the URL parser throw on a bogus authority (`//[`).
 */
export function requestTarget(target: unknown): URL | null {
  if (typeof target !== 'string' || !target.startsWith('/')) return null;
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    return null;
  }
}

/**
 * Whether a WebSocket upgrade comes from the page's own origin, scheme included. With a public
 * URL (STACKLAB_PUBLIC_URL, e.g. behind a TLS-terminating proxy) the Origin must be exactly that
 * origin, whatever Host the proxy forwards; without one the server is plain HTTP, so the Origin
 * must be `http://` + the request's Host. `null` (sandboxed frames), missing or unparsable
 * Origins, and non-canonical spellings never pass.
 */
export function originAllowed(
  origin: unknown,
  host: unknown,
  publicOrigin: string | null,
): boolean {
  if (typeof origin !== 'string') return false;
  const o = parseOrigin(origin);
  if (o === null) return false;
  if (publicOrigin !== null) return o === publicOrigin;
  if (typeof host !== 'string' || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) return false;
  try {
    return o === new URL(`http://${host}`).origin;
  } catch {
    return false;
  }
}

/** The serialized origin of an http(s) URL that is nothing but an origin, or null. */
function parseOrigin(s: string): string | null {
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    // Browsers send the serialized origin; anything else (a path, credentials, `HTTP://X:80`) is not one.
    return u.origin === s ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * The Content-Security-Policy of every response. The client is Vite's build: one module script
 * and one stylesheet from /assets, a WebSocket and fetches to the same origin (CSP 3 `'self'`
 * covers ws:/wss: on the same host). xterm.js injects `<style>` elements and sets inline styles
 * (and DOMPurify keeps `style` attributes in guides), hence `'unsafe-inline'` for styles only;
 * scripts stay `'self'` alone, which is what stops injected markup from running.
 */
export function contentSecurityPolicy(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/** X-Frame-Options saying what frame-ancestors says, or null when it cannot (a list of origins). */
export function frameOptions(frameAncestors: string): 'SAMEORIGIN' | 'DENY' | null {
  if (frameAncestors === "'self'") return 'SAMEORIGIN';
  if (frameAncestors === "'none'") return 'DENY';
  // Only CSP can allow another site; browsers that know frame-ancestors ignore X-Frame-Options.
  return null;
}

/**
 * Security headers on every response, and `Cache-Control: no-store` on the JSON API (the learner's
 * identity and work, the instructors' grades and histories must not stay in any cache).
 */
export function securityHeaders(opts: { frameAncestors: string }): RequestHandler {
  const csp = contentSecurityPolicy(opts.frameAncestors);
  const xfo = frameOptions(opts.frameAncestors);
  return (req, res, next) => {
    res.setHeader('Content-Security-Policy', csp);
    if (xfo) res.setHeader('X-Frame-Options', xfo);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    if (req.path.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

/** The learner cookie: httpOnly, SameSite=Lax, a year; `Secure` on HTTPS deployments. */
export function learnerCookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 86400_000, secure };
}

/** The status an error asks for when it is a client error (body-parser, router decoding), else 500. */
function clientStatus(err: unknown): number {
  if (typeof err !== 'object' || err === null) return 500;
  const e = err as { status?: unknown; statusCode?: unknown };
  const s =
    typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  return Number.isInteger(s) && s >= 400 && s < 500 ? s : 500;
}

/**
 * The last middleware: a short JSON error and nothing more. Client errors (malformed JSON, a body
 * over the limit, bad percent-encoding) get their status and its standard reason phrase; anything
 * else is a 500 whose details go to `log` under an id that the client is given to quote.
 */
export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const status = clientStatus(err);
    let body: { error: string };
    if (status < 500) body = { error: `${STATUS_CODES[status] ?? 'Bad Request'}.` };
    else {
      const id = randomBytes(6).toString('hex');
      const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log(
        `[${new Date().toISOString()}] internal error ${id} on ${req.method} ${JSON.stringify(req.originalUrl)}: ${detail}`,
      );
      body = { error: `Internal error (id ${id}).` };
    }
    if (res.headersSent) {
      // Half a response is out: all that is left is to cut the connection.
      req.socket.destroy();
      return;
    }
    res.status(status).json(body);
  };
}

/** The answer to any other method or path: a short 404 (Express's own page echoes the path). */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'Not Found.' });
};
