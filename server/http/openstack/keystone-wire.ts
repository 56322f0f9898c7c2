/**
 * How keystone writes and reads the wire, shared by its token and application-credential routes:
 * documents through jsonutils.dumps, errors as keystone.exception's classes render them
 * (`{"error": {code, title, message}}` by flask.jsonify), werkzeug's pages for unrouted paths, and
 * the JSON body check keystone runs before every request.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Config } from '../config.js';
import type { Workspace } from '../../workspace/index.js';
import { grantedRoles } from '../../workspace/openstack.js';
import { openstackBase } from './endpoints.js';

export const identityUrl = (req: Request, config: Config) =>
  `${openstackBase(req, config)}/identity`;

/** JSON with every non-ASCII character escaped, as Python's json module writes by default. */
const ascii = (json: string) =>
  json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Python's json.dumps as keystone's jsonutils.dumps calls it (tokens, versions): `, ` and `: `, keys in order. */
export function pyDumps(v: unknown): string {
  if (v === null || typeof v !== 'object') return ascii(JSON.stringify(v));
  if (Array.isArray(v)) return `[${v.map(pyDumps).join(', ')}]`;
  const fields = Object.entries(v).filter(([, x]) => x !== undefined);
  return `{${fields.map(([k, x]) => `${ascii(JSON.stringify(k))}: ${pyDumps(x)}`).join(', ')}}`;
}

/** A body keystone writes with jsonutils.dumps, as `application/json`. */
export function sendPy(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json').send(pyDumps(body));
}

/** A keystone.exception error as the API renders it; `identity` only for AuthPluginException's kind. */
export interface KsError {
  code: number;
  title: string;
  message: string;
  identity?: unknown;
}

/** What every 400 ValidationError says after its first sentence. */
const CLIENT_IN_ERROR =
  'The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

/** keystone.exception's classes, by the words they answer with. */
export const ks = {
  /** Unauthorized: every authentication failure says only this (insecure_debug off). */
  unauthorized: (): KsError => ({
    code: 401,
    title: 'Unauthorized',
    message: 'The request you have made requires authentication.',
  }),
  /** ValidationError(attribute, target). */
  validation: (attribute: string, target: string): KsError => ({
    code: 400,
    title: 'Bad Request',
    message: `Expecting to find ${attribute} in ${target}. ${CLIENT_IN_ERROR}`,
  }),
  /** A ValidationError raised with its own message (SchemaValidationError, the Fernet check). */
  badRequest: (message: string): KsError => ({ code: 400, title: 'Bad Request', message }),
  timestamp: (): KsError => ({
    code: 400,
    title: 'Bad Request',
    message: `Timestamp not in expected format. ${CLIENT_IN_ERROR}`,
  }),
  expiration: (): KsError => ({
    code: 400,
    title: 'Bad Request',
    message: `The 'expires_at' must not be before now. ${CLIENT_IN_ERROR}`,
  }),
  notFound: (message: string): KsError => ({ code: 404, title: 'Not Found', message }),
  /** ForbiddenAction: the action is named (a policy rule, or a sentence of its own). */
  forbidden: (action: string): KsError => ({
    code: 403,
    title: 'Forbidden',
    message: `You are not authorized to perform the requested action: ${action}.`,
  }),
  /** ForbiddenNotSecurity's kind: the message as given. */
  forbiddenBecause: (message: string): KsError => ({ code: 403, title: 'Forbidden', message }),
  conflict: (type: string, details: string): KsError => ({
    code: 409,
    title: 'Conflict',
    message: `Conflict occurred attempting to store ${type} - ${details}.`,
  }),
  /** AuthPluginException's kind: a 401 with the `identity` member. */
  authPlugin: (message: string, identity: unknown = {}): KsError => ({
    code: 401,
    title: 'Unauthorized',
    message,
    identity,
  }),
  tooLarge: (): KsError => ({
    code: 413,
    title: 'Request Entity Too Large',
    message: 'Request is too large.',
  }),
  unavailable: (): KsError => ({
    code: 503,
    title: 'Service Unavailable',
    message: 'The service is temporarily unavailable: try again in a moment.',
  }),
};

/**
 * Keystone's error body (keystone/server/flask/application.py), written by flask.jsonify: compact,
 * keys sorted, a newline after. A 401 names where to log in.
 */
export function sendError(req: Request, res: Response, config: Config, e: KsError): void {
  if (e.code === 401) res.set('WWW-Authenticate', `Keystone uri="${identityUrl(req, config)}"`);
  const body = {
    code: e.code,
    ...(e.identity !== undefined ? { identity: e.identity } : {}),
    message: e.message,
    title: e.title,
  };
  res
    .status(e.code)
    .type('application/json')
    .send(`${ascii(JSON.stringify({ error: sortKeys(body) }))}\n`);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => [k, sortKeys(x)]),
  );
}

/** Werkzeug's page for a path (404) or method (405) flask does not route. */
export function werkzeug(res: Response, code: 404 | 405): void {
  const [title, text] =
    code === 404
      ? [
          'Not Found',
          'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
        ]
      : ['Method Not Allowed', 'The method is not allowed for the requested URL.'];
  res
    .status(code)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html>\n<html lang=en>\n<title>${code} ${title}</title>\n<h1>${title}</h1>\n<p>${text}</p>\n`,
    );
}

/** A stable uuid4-looking hex id for a catalog or role entry (keystone's ids are uuid4().hex). */
export const hexId = (name: string) =>
  createHash('sha256').update(`stacklab:${name}`).digest('hex').slice(0, 32);

/** Keystone's token timestamps: Fernet tokens keep whole seconds, printed with microseconds and Z. */
export const keystoneTime = (ms: number) =>
  `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}.000000Z`;

export type Json = Record<string, unknown>;
export const obj = (v: unknown): Json | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null;
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Python's json module gives up past about a thousand levels of nesting (RecursionError, which
 * keystone answers with a 500); here such a body is simply not valid JSON.
 */
export const MAX_JSON_DEPTH = 900;

/** Whether JSON text nests deeper than `max` (brackets outside strings). */
export function nestsDeeper(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}

/** What werkzeug's `is_json` accepts: application/json or application/*+json. */
const JSON_TYPE = /^application\/(?:json|[^;\s]+\+json)\s*(?:;|$)/i;

/**
 * The request's JSON body as keystone's json_body hook reads it (no body: `{}`), or the
 * ValidationError it raises: a body that is not a JSON object, or a Content-Type that is neither
 * JSON nor absent.
 */
export function jsonBody(req: Request): { body: Json } | { error: KsError } {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (raw.length === 0) return { body: {} };
  const type = req.headers['content-type'] ?? '';
  if (type !== '' && !JSON_TYPE.test(type))
    return { error: ks.validation('application/json', 'Content-Type header') };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    if (nestsDeeper(text, MAX_JSON_DEPTH))
      return { error: ks.validation('valid JSON', 'request body') };
    const body = obj(JSON.parse(text));
    return body ? { body } : { error: ks.validation('valid JSON', 'request body') };
  } catch {
    return { error: ks.validation('valid JSON', 'request body') };
  }
}

/** Keystone's ref of a role a token or credential carries. */
export const roleRef = (name: string) => ({ id: hexId(`role/${name}`), name });

/** Role names with those Zed's default roles imply (admin → member → reader), as tokens list them. */
export function withImplied(names: Iterable<string>): string[] {
  const all = new Set(names);
  if (all.has('admin')) all.add('member');
  if (all.has('member')) all.add('reader');
  return [...all];
}

/** A token's roles: those the workspace grants, with the ones they imply. */
export const tokenRoles = (w: Workspace) => withImplied(grantedRoles(w)).map(roleRef);
