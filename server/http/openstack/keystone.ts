/**
 * Keystone v3, as a Zed keystone answers the calls a client makes to log in: version discovery,
 * password authentication scoped to the learner's project (POST /v3/auth/tokens), and token
 * validation and revocation (GET/HEAD/DELETE). Who the learner is and which project they are in
 * come from their workspace's cloud (its `auth`), so the real client sees the same user and
 * project as the emulated CLI. Errors have keystone's body, `{"error": {code, title, message}}`;
 * paths keystone does not route get werkzeug's HTML 404/405 as keystone's flask app does.
 */
import { createHash } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { StoreError } from '../../store/types.js';
import type { Workspace } from '../../workspace/index.js';
import { grantedRoles } from '../../workspace/openstack.js';
import type { Admit, OpenstackDeps } from './index.js';
import { openstackBase, REGION, SERVICES } from './endpoints.js';
import { passwordFor, passwordOwner, type ClientLogin } from './credentials.js';
import type { Config } from '../config.js';
import type { IssuedToken } from './tokens.js';

/** Keystone's v3 version as Zed reports it (keystone/api/discovery.py). */
const V3 = { id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z' };
const DEFAULT_DOMAIN = { id: 'default', name: 'Default' };
const INTERFACES = ['public', 'internal', 'admin'] as const;
/** keystone's [DEFAULT] max_request_body_size. */
const MAX_BODY = 114688;

const identityUrl = (req: Request, deps: OpenstackDeps) => `${openstackBase(req, deps.config)}/identity`;

function version(req: Request, deps: OpenstackDeps) {
  return {
    ...V3,
    links: [{ rel: 'self', href: `${identityUrl(req, deps)}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

/** JSON with every non-ASCII character escaped, as Python's json module writes by default. */
const ascii = (json: string) => json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Python's json.dumps as keystone's jsonutils.dumps calls it (tokens, versions): `, ` and `: `, keys in order. */
function pyDumps(v: unknown): string {
  if (v === null || typeof v !== 'object') return ascii(JSON.stringify(v));
  if (Array.isArray(v)) return `[${v.map(pyDumps).join(', ')}]`;
  const fields = Object.entries(v).filter(([, x]) => x !== undefined);
  return `{${fields.map(([k, x]) => `${ascii(JSON.stringify(k))}: ${pyDumps(x)}`).join(', ')}}`;
}

/** A body keystone writes with jsonutils.dumps, as `application/json`. */
function sendPy(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json').send(pyDumps(body));
}

/**
 * Keystone's error body (keystone/server/flask/application.py), written by flask.jsonify: compact,
 * keys sorted, a newline after. A 401 names where to log in.
 */
function fail(req: Request, res: Response, deps: OpenstackDeps, code: number, title: string, message: string): void {
  if (code === 401) res.set('WWW-Authenticate', `Keystone uri="${identityUrl(req, deps)}"`);
  res.status(code).type('application/json').send(`${ascii(JSON.stringify({ error: { code, message, title } }))}\n`);
}

const unauthorized = (req: Request, res: Response, deps: OpenstackDeps) =>
  fail(req, res, deps, 401, 'Unauthorized', 'The request you have made requires authentication.');

/** keystone.exception.ValidationError's message. */
const invalid = (req: Request, res: Response, deps: OpenstackDeps, attribute: string, target: string) =>
  fail(
    req,
    res,
    deps,
    400,
    'Bad Request',
    `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
  );

/** Werkzeug's page for a path (404) or method (405) flask does not route. */
function werkzeug(res: Response, code: 404 | 405): void {
  const [title, text] =
    code === 404
      ? ['Not Found', 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.']
      : ['Method Not Allowed', 'The method is not allowed for the requested URL.'];
  res
    .status(code)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html>\n<html lang=en>\n<title>${code} ${title}</title>\n<h1>${title}</h1>\n<p>${text}</p>\n`);
}

/** A stable uuid4-looking hex id for a catalog or role entry (keystone's ids are uuid4().hex). */
const hexId = (name: string) => createHash('sha256').update(`stacklab:${name}`).digest('hex').slice(0, 32);

/** Keystone's timestamps: Fernet tokens keep whole seconds, printed with microseconds. */
const keystoneTime = (ms: number) => `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}.000000Z`;

/** A learner's cloud, as their workspace holds it (server/http reads the simulator only through server/workspace). */
type Cloud = ReturnType<Workspace['state']>['cloud'];

/** The token's roles: those the workspace grants, with the roles Zed's default roles imply (admin → member → reader). */
function tokenRoles(w: Workspace): Array<{ id: string; name: string }> {
  const names = new Set(grantedRoles(w));
  if (names.has('admin')) names.add('member');
  if (names.has('member')) names.add('reader');
  return [...names].map((name) => ({ id: hexId(`role/${name}`), name }));
}

/** The service catalog: every service under this request's origin, one region, three interfaces. */
function catalog(req: Request, deps: OpenstackDeps) {
  const base = openstackBase(req, deps.config);
  return SERVICES.map((s) => ({
    endpoints: INTERFACES.map((i) => ({
      id: hexId(`endpoint/${s.type}/${i}`),
      interface: i,
      region_id: REGION,
      url: `${base}${s.path}`,
      region: REGION,
    })),
    id: hexId(`service/${s.type}`),
    type: s.type,
    name: s.name,
  }));
}

/** The project the learner's token is scoped to, as the workspace's cloud names it. */
function project(cloud: Cloud) {
  const name = cloud.projects.find((p) => p.id === cloud.auth.projectId)?.name ?? cloud.auth.projectId;
  return { domain: DEFAULT_DOMAIN, id: cloud.auth.projectId, name };
}

/** A project-scoped token as keystone renders it (keystone/common/render_token.py). */
function tokenBody(req: Request, deps: OpenstackDeps, t: IssuedToken, w: Workspace, withCatalog: boolean) {
  const cloud = w.state().cloud;
  return {
    token: {
      methods: ['password'],
      user: { domain: DEFAULT_DOMAIN, id: cloud.auth.userId, name: cloud.auth.userName, password_expires_at: null },
      audit_ids: [t.auditId],
      expires_at: keystoneTime(t.expiresAt),
      issued_at: keystoneTime(t.issuedAt),
      project: project(cloud),
      is_domain: false,
      roles: tokenRoles(w),
      ...(withCatalog ? { catalog: catalog(req, deps) } : {}),
    },
  };
}

/** What a learner's clouds.yaml and openrc say for one workspace: this request's origin, the cloud's user and project. */
export function clientLogin(req: Request, config: Config, learner: string, w: Workspace): ClientLogin {
  const cloud = w.state().cloud;
  return {
    workspaceKey: w.ref.key,
    authUrl: `${openstackBase(req, config)}/identity/v3`,
    projectName: project(cloud).name,
    userName: cloud.auth.userName,
    password: passwordFor(config.secret, learner, w.ref.key),
  };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A domain reference naming Default (by id or name), as both the user and the project must. */
const isDefaultDomain = (d: Json | null) =>
  d !== null && (d['id'] === DEFAULT_DOMAIN.id || (d['id'] === undefined && d['name'] === DEFAULT_DOMAIN.name));

/** What a password request asks for, or which part is missing (keystone's ValidationError). */
type Ask =
  | { user: Json; password: string; scope: Json | null }
  | { missing: string; target: string };

function readAuth(body: Json): Ask {
  const auth = obj(body['auth']);
  if (!auth) return { missing: 'auth', target: 'request body' };
  const identity = obj(auth['identity']);
  if (!identity) return { missing: 'identity', target: 'auth' };
  const methods = identity['methods'];
  if (!Array.isArray(methods)) return { missing: 'methods', target: 'identity' };
  const pw = obj(identity['password']);
  if (!methods.includes('password') || !pw) return { missing: 'password', target: 'identity' };
  const user = obj(pw['user']);
  const password = user ? str(user['password']) : null;
  if (!user || password === null) return { missing: 'password', target: 'user' };
  return { user, password, scope: obj(obj(auth['scope'])?.['project']) };
}

/** Whether the request names this workspace's user and project, both in domain Default. */
function namesWorkspace(ask: { user: Json; scope: Json | null }, cloud: Cloud): boolean {
  const { user, scope } = ask;
  const userOk =
    user['id'] !== undefined
      ? user['id'] === cloud.auth.userId
      : user['name'] === cloud.auth.userName && isDefaultDomain(obj(user['domain']));
  if (!userOk || !scope) return false;
  return scope['id'] !== undefined
    ? scope['id'] === cloud.auth.projectId
    : scope['name'] === project(cloud).name && isDefaultDomain(obj(scope['domain']));
}

/**
 * The learner's workspace a password opens, or null (a password this server did not sign, or a
 * workspace gone). Opening it is charged to that learner: false when they are over their rate
 * (then `admit` has answered 429).
 */
function workspaceOf(deps: OpenstackDeps, admit: Admit, password: string, res: Response): { learner: string; w: Workspace } | null | false {
  const owner = passwordOwner(deps.config.secret, password);
  const ref = owner ? deps.workspaces.parse(owner.workspaceKey) : null;
  if (!owner || !ref) return null;
  if (!admit(owner.learner, res)) return false;
  return { learner: owner.learner, w: deps.workspaces.open(owner.learner, ref) };
}

/** The request's JSON body as keystone's json_body hook reads it, or the ValidationError it raises. */
function jsonBody(req: Request): Json | { missing: string; target: string } {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString() : '';
  if (raw.trim() === '') return {};
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    return { missing: 'application/json', target: 'Content-Type header' };
  try {
    return obj(JSON.parse(raw)) ?? { missing: 'valid JSON object', target: 'request body' };
  } catch {
    return { missing: 'valid JSON', target: 'request body' };
  }
}

const isMissing = (v: object): v is { missing: string; target: string } => 'missing' in v && 'target' in v;

/** POST /v3/auth/tokens: a project-scoped token for the workspace the password opens. */
function issue(deps: OpenstackDeps, admit: Admit) {
  return (req: Request, res: Response) => {
    const body = jsonBody(req);
    if (isMissing(body)) return invalid(req, res, deps, body.missing, body.target);
    const ask = readAuth(body);
    if ('missing' in ask) return invalid(req, res, deps, ask.missing, ask.target);
    const found = workspaceOf(deps, admit, ask.password, res);
    if (found === false) return;
    const cloud = found?.w.state().cloud;
    if (!found || !cloud || !namesWorkspace(ask, cloud)) return unauthorized(req, res, deps);
    const { token, issued } = deps.tokens.issue(found.learner, found.w.ref, deps.now());
    res.set('X-Subject-Token', token);
    sendPy(res, 201, tokenBody(req, deps, issued, found.w, req.query['nocatalog'] === undefined));
  };
}

/**
 * The subject token of a GET/HEAD/DELETE, once the caller's own token is valid: keystone lets a
 * user check their own tokens; another learner's token is as good as unknown. Keystone's words:
 * no subject is "No token in the request"; an expired or revoked one "Failed to validate token".
 */
function subject(req: Request, res: Response, deps: OpenstackDeps): IssuedToken | null {
  const now = deps.now();
  const caller = deps.tokens.lookup(req.get('X-Auth-Token') ?? '', now);
  if (!caller) {
    unauthorized(req, res, deps);
    return null;
  }
  const id = req.get('X-Subject-Token') ?? '';
  const t = id === '' ? null : deps.tokens.lookup(id, now);
  if (!t || t.learner !== caller.learner) {
    fail(req, res, deps, 404, 'Not Found', id === '' ? 'No token in the request' : 'Failed to validate token');
    return null;
  }
  return t;
}

/** GET and HEAD /v3/auth/tokens: the subject token's body (HEAD: its status only); `?nocatalog` leaves the catalog out. */
function validate(deps: OpenstackDeps) {
  return (req: Request, res: Response) => {
    const t = subject(req, res, deps);
    if (!t) return;
    const w = deps.workspaces.open(t.learner, t.workspace);
    res.set('X-Subject-Token', req.get('X-Subject-Token') ?? '');
    if (req.method === 'HEAD') {
      res.status(200).end();
      return;
    }
    sendPy(res, 200, tokenBody(req, deps, t, w, req.query['nocatalog'] === undefined));
  };
}

/** DELETE /v3/auth/tokens: revokes the subject token. */
function revoke(deps: OpenstackDeps) {
  return (req: Request, res: Response) => {
    if (!subject(req, res, deps)) return;
    deps.tokens.revoke(req.get('X-Subject-Token') ?? '', deps.now());
    res.status(204).end();
  };
}

/** The body's size limit, and a store that cannot open a workspace, answered in keystone's words. */
function keystoneErrors(deps: OpenstackDeps): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if ((err as { type?: string }).type === 'entity.too.large')
      return fail(req, res, deps, 413, 'Request Entity Too Large', 'Request is too large.');
    if (err instanceof StoreError)
      return fail(req, res, deps, 503, 'Service Unavailable', 'The service is temporarily unavailable: try again in a moment.');
    next(err);
  };
}

/** The identity service, mounted at /openstack/identity. */
export function keystoneRouter(deps: OpenstackDeps, admit: Admit): Router {
  const r = Router({ strict: false });
  // Keystone's after-request hook: answers depend on the caller's token.
  r.use((_req, res, next) => {
    res.vary('X-Auth-Token');
    next();
  });
  r.get('/', (req, res) => {
    sendPy(res, 300, { versions: { values: [version(req, deps)] } });
  });
  r.get('/v3', (req, res) => {
    sendPy(res, 200, { version: version(req, deps) });
  });
  r.route('/v3/auth/tokens')
    .post(express.raw({ type: () => true, limit: MAX_BODY }), issue(deps, admit))
    .get(validate(deps))
    .head(validate(deps))
    .delete(revoke(deps))
    .all((_req, res) => werkzeug(res, 405));
  r.use((req, res) => werkzeug(res, req.path === '/' || req.path === '/v3' ? 405 : 404));
  r.use(keystoneErrors(deps));
  return r;
}
