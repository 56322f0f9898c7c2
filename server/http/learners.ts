/**
 * Who is asking: the signed, httpOnly learner cookie. A new visitor gets a cookie (rate-limited per
 * address) but no database row: the row comes with the learner's first command or name.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Config } from './config.js';
import { learnerCookieOptions, parseCookies } from './security.js';
import { buckets } from './limits.js';

export const COOKIE = 'stacklab_sid';
/** New learners (cookies) one address may get per second and in a burst: a class behind one NAT arrives at once. */
const NEW_PER_ADDRESS = { rate: 2, burst: 300 };

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
   * The learner of a request, giving a new visitor a cookie. Over the per-address limit for new
   * visitors it answers 429 itself and returns null.
   */
  of(req: Request, res: Response): string | null;
}

export function learners(config: Config): Learners {
  const newcomers = buckets({ ...NEW_PER_ADDRESS, maxKeys: 100_000 });
  const fromCookie = (header: string | undefined) =>
    verify(config.secret, parseCookies(header).get(COOKIE));
  return {
    fromCookie,
    of(req, res) {
      const id = fromCookie(req.headers.cookie);
      if (id) return id;
      if (!newcomers.take(req.socket.remoteAddress ?? '?', Date.now())) {
        res
          .status(429)
          .set('Retry-After', '30')
          .type('text')
          .send('Too many new visitors from your address: try again in a minute.\n');
        return null;
      }
      const fresh = randomBytes(12).toString('base64url');
      res.cookie(COOKIE, sign(config.secret, fresh), learnerCookieOptions(config.secureCookie));
      return fresh;
    },
  };
}
