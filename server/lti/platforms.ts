/**
 * A platform registration as given in the platforms file or by the class page, checked once at
 * the edge: every URL is https (http only for localhost, a test LMS on the same machine), the
 * issuer is a URL, and the lists are short. What passes is trusted inside.
 */
import type { PlatformRegistration } from './types.js';

/** More deployments than a course needs is a mistake (or an attempt to grow the database). */
export const MAX_DEPLOYMENTS = 20;
const MAX_TEXT = 500;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The URL, or a sentence saying why it is not one a platform may use. */
function checkUrl(field: string, value: unknown): string | { error: string } {
  if (typeof value !== 'string' || value.trim() === '') return { error: `${field} is required (a URL)` };
  if (value.length > MAX_TEXT) return { error: `${field} is longer than ${MAX_TEXT} characters` };
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    return { error: `${field} is not a URL: ${value}` };
  }
  if (u.username !== '' || u.password !== '') return { error: `${field} must not contain a user name or password` };
  if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) return value.trim();
  return { error: `${field} must be an https:// URL (http:// only for localhost), not ${value}` };
}

function checkText(field: string, value: unknown, required: boolean): string | { error: string } {
  if (value === undefined && !required) return '';
  if (typeof value !== 'string' || (required && value.trim() === '')) return { error: `${field} is required (text)` };
  if (value.length > MAX_TEXT || /[\u0000-\u001f\u007f-\u009f]/.test(value))
    return { error: `${field} must be at most ${MAX_TEXT} printable characters` };
  return value.trim();
}

function checkDeployments(value: unknown): string[] | { error: string } {
  const list = typeof value === 'string' ? value.split(/[\s,]+/).filter((s) => s !== '') : value;
  if (!Array.isArray(list) || list.length === 0)
    return { error: 'deploymentIds is required: the deployment id(s) the platform shows for this tool' };
  if (list.length > MAX_DEPLOYMENTS) return { error: `at most ${MAX_DEPLOYMENTS} deployment ids` };
  const out: string[] = [];
  for (const d of list as unknown[]) {
    const t = checkText('a deployment id', d, true);
    if (typeof t !== 'string') return t;
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

/**
 * A registration from untrusted JSON (the platforms file, the class page's POST), or why not.
 * `deploymentIds` may be an array or a comma/space separated string (a form field).
 */
export function parseRegistration(
  input: unknown,
  source: PlatformRegistration['source'],
): { platform: PlatformRegistration } | { error: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { error: 'a registration is an object with issuer, clientId, authUrl, tokenUrl, jwksUrl, deploymentIds' };
  const o = input as Record<string, unknown>;
  // The issuer is compared byte for byte with the tokens' `iss`: kept exactly as given (trimmed).
  const issuerUrl = checkUrl('issuer', o['issuer']);
  if (typeof issuerUrl !== 'string') return issuerUrl;
  const clientId = checkText('clientId', o['clientId'], true);
  if (typeof clientId !== 'string') return clientId;
  const name = checkText('name', o['name'], false);
  if (typeof name !== 'string') return name;
  const urls: Record<'authUrl' | 'tokenUrl' | 'jwksUrl', string> = { authUrl: '', tokenUrl: '', jwksUrl: '' };
  for (const f of ['authUrl', 'tokenUrl', 'jwksUrl'] as const) {
    const u = checkUrl(f, o[f]);
    if (typeof u !== 'string') return u;
    urls[f] = u;
  }
  const deploymentIds = checkDeployments(o['deploymentIds']);
  if (!Array.isArray(deploymentIds)) return deploymentIds;
  return { platform: { issuer: issuerUrl, clientId, name: name || new URL(issuerUrl).host, ...urls, deploymentIds, source } };
}

/** The origins a platform's pages come from (its issuer's and its login page's): allowed to frame Stacklab. */
export function platformOrigins(p: PlatformRegistration): string[] {
  const out = new Set<string>();
  for (const u of [p.issuer, p.authUrl]) {
    try {
      out.add(new URL(u).origin);
    } catch {
      // A registration is checked when saved; an unparsable one adds nothing.
    }
  }
  return [...out];
}
