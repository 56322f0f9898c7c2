/**
 * Who is asking: the signed, httpOnly learner cookie. A new visitor gets a cookie (rate-limited per
 * address) but no database row: the row comes with the learner's first command or name.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Config } from './config.js';
import { learnerCookieOptions, parseCookies } from './security.js';
import { buckets } from './limits.js';
import { clientAddresses } from './client-address.js';
import { SESSION_HEADER, verifySessionToken } from './session-token.js';

export const COOKIE = 'stacklab_sid';

/**
 * A new visitor's id: 12 random bytes, base64url, drawn again while it starts with '-' or '_'
 * (1 in 32). An id leading with '-' is one a spreadsheet would read as a formula, so the grades
 * CSV must prefix it with ' (instructor.ts), and the id an instructor copies from it is no longer
 * the learner's.
 */
export function newLearnerId(): string {
  for (;;) {
    const id = randomBytes(12).toString('base64url');
    if (id[0] !== '-' && id[0] !== '_') return id;
  }
}

function sign(secret: string, id: string): string {
  return `${id}.${createHmac('sha256', secret).update(id).digest('base64url')}`;
}

function verify(secret: string, value: string | undefined): string | null {
  if (!value) return null;
  const i = value.lastIndexOf('.');
  if (i <= 0) return null;
  const id = value.slice(0, i);
  const good = Buffer.from(sign(secret, id));
  const got = Buffer.from(value);
  return good.length === got.length && timingSafeEqual(good, got) ? id : null;
}

export interface Learners {
  /** The learner of a request's cookie header (never throws: a bad cookie is no learner). */
  fromCookie(header: string | undefined): string | null;
  /**
   * The learner of the terminal socket's upgrade: its `session=` token (an LTI launch in an LMS
   * iframe, where the cookie is blocked) when valid, else its cookie. Never throws.
   */
  fromUpgrade(cookieHeader: string | undefined, sessionParam: string | null): string | null;
  /**
   * The learner of a request: the `X-Stacklab-Session` token when one is sent (an LTI launch in
   * an iframe; a bad or expired one is answered 401 here, never mistaken for a new visitor), else
   * the cookie, giving a new visitor a cookie. Over the per-address limit for new
   * visitors it answers 429 itself and returns null.
   */
  of(req: Request, res: Response): string | null;
}

export function learners(config: Config): Learners {
  // New learners (cookies) per address: a burst (a class behind one NAT arrives at once), refilled
  // over 150 s; 0 is no limit.
  const burst = config.newLearnersPerAddress;
  const newcomers = burst > 0 ? buckets({ rate: burst / 150, burst, maxKeys: 100_000 }) : null;
  // The learner's own address, also behind a trusted proxy (STACKLAB_TRUSTED_PROXIES).
  const addresses = clientAddresses(config.trustedProxies);
  const fromCookie = (header: string | undefined) =>
    verify(config.secret, parseCookies(header).get(COOKIE));
  const fromToken = (token: unknown) => verifySessionToken(config.secret, token, Date.now());
  return {
    fromCookie,
    fromUpgrade: (cookieHeader, sessionParam) => (sessionParam !== null ? fromToken(sessionParam) : fromCookie(cookieHeader)),
    of(req, res) {
      const token = req.headers[SESSION_HEADER];
      if (token !== undefined) {
        const learner = fromToken(token);
        if (learner === null)
          res
            .status(401)
            .type('text')
            .send('Your session from the course has expired: open the activity again from your course page.\n');
        return learner;
      }
      const id = fromCookie(req.headers.cookie);
      if (id) return id;
      if (newcomers && !newcomers.take(addresses.limitKey(addresses.of(req.socket.remoteAddress, req.headers['x-forwarded-for'])), Date.now())) {
        res
          .status(429)
          .set('Retry-After', '30')
          .type('text')
          .send('Too many new visitors from your address: try again in a minute.\n');
        return null;
      }
      const fresh = newLearnerId();
      res.cookie(COOKIE, sign(config.secret, fresh), learnerCookieOptions(config.secureCookie));
      return fresh;
    },
  };
}
