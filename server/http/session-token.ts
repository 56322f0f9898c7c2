/**
 * A learner's session without a cookie: an LTI launch runs inside the LMS's iframe, where current
 * browsers block third-party cookies, so the launch hands the page a signed token instead
 * (`v1.LEARNER.EXPIRY.MAC`, HMAC-SHA256 under the server secret). The page keeps it in
 * sessionStorage and sends it as the `X-Stacklab-Session` header on its requests and as
 * `session=` on the terminal socket's URL. It names one learner and expires; it is not stored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header the page sends it in. */
export const SESSION_HEADER = 'x-stacklab-session';
/** How long a launch's session lasts (a class, plus a margin): 12 hours. */
export const SESSION_TTL_MS = 12 * 3600_000;

const LEARNER = /^[A-Za-z0-9_-]{1,64}$/;

function mac(secret: string, body: string): string {
  return createHmac('sha256', `stacklab-session\u0000${secret}`).update(body).digest('base64url');
}

/** A token for `learner`, valid until `now + ttl`. */
export function sessionToken(secret: string, learner: string, now: number, ttl: number = SESSION_TTL_MS): string {
  if (!LEARNER.test(learner)) throw new Error(`not a learner id: ${learner}`);
  const body = `v1.${learner}.${Math.floor((now + ttl) / 1000)}`;
  return `${body}.${mac(secret, body)}`;
}

/** The learner a token names, or null (malformed, forged, expired). Never throws. */
export function verifySessionToken(secret: string, token: unknown, now: number): string | null {
  if (typeof token !== 'string' || token.length > 200) return null;
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') return null;
  const [, learner, exp, given] = parts as [string, string, string, string];
  if (!LEARNER.test(learner) || !/^\d{1,12}$/.test(exp)) return null;
  const good = Buffer.from(mac(secret, `v1.${learner}.${exp}`));
  const got = Buffer.from(given);
  if (good.length !== got.length || !timingSafeEqual(good, got)) return null;
  return Number(exp) * 1000 > now ? learner : null;
}
