/**
 * Keystone v3, as a Zed keystone answers the calls a client makes to log in: version discovery,
 * token requests (POST /v3/auth/tokens) with a password, an application credential or a token,
 * scoped to the learner's project, token validation and revocation (GET/HEAD/DELETE), and the
 * learner's application credentials (app-credentials.ts). Who the learner is and which project
 * they are in come from their workspace's cloud (its `auth`), so the real client sees the same
 * user and project as the emulated CLI. A request is checked in keystone's order (body, schema,
 * methods, scope, then each method), so a malformed one gets the error keystone gives first.
 */
import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { StoreError } from '../../store/types.js';
import { memoryAppCredentials, type AppCredentialStore } from '../../store/app-credentials.js';
import type { Workspace, WorkspaceRef } from '../../workspace/index.js';
import type { Admit, OpenstackDeps } from './index.js';
import { openstackBase, REGION, SERVICES } from './endpoints.js';
import { passwordFor, passwordOwner, type ClientLogin } from './credentials.js';
import type { Config } from '../config.js';
import type { IssuedToken, IssueOptions } from './tokens.js';
import { schemaViolation, TOKEN_ISSUE } from './auth-schema.js';
import { appCredentialLogin, appCredentialRoutes, tokenAppCredential } from './app-credentials.js';
import { meteredBody, meterOf, type WorkMeter } from './work-meter.js';
import {
  hexId,
  identityUrl,
  jsonBody,
  keystoneTime,
  ks,
  obj,
  roleRef,
  sendError,
  sendPy,
  str,
  tokenRoles,
  werkzeug,
  withImplied,
  type Json,
  type KsError,
} from './keystone-wire.js';

/** Keystone's v3 version as Zed reports it (keystone/api/discovery.py). */
const V3 = { id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z' };
const DEFAULT_DOMAIN = { id: 'default', name: 'Default' };
const INTERFACES = ['public', 'internal', 'admin'] as const;
/** keystone's [DEFAULT] max_request_body_size. */
const MAX_BODY = 114688;
/** keystone's `[auth] methods` default (keystone/conf/constants.py), named by AuthMethodNotSupported. */
const AUTH_METHODS = [
  'external',
  'password',
  'token',
  'oauth1',
  'mapped',
  'application_credential',
];

function version(req: Request, deps: OpenstackDeps) {
  return {
    ...V3,
    links: [{ rel: 'self', href: `${identityUrl(req, deps.config)}/v3/` }],
    'media-types': [
      { base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' },
    ],
  };
}

/** A learner's cloud, as their workspace holds it (server/http reads the simulator only through server/workspace). */
type Cloud = ReturnType<Workspace['state']>['cloud'];

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
  const name =
    cloud.projects.find((p) => p.id === cloud.auth.projectId)?.name ?? cloud.auth.projectId;
  return { domain: DEFAULT_DOMAIN, id: cloud.auth.projectId, name };
}

/** A project-scoped token as keystone renders it (keystone/common/render_token.py). */
function tokenBody(
  req: Request,
  deps: OpenstackDeps,
  t: IssuedToken,
  w: Workspace,
  withCatalog: boolean,
) {
  const cloud = w.state().cloud;
  const ac = t.appCredential;
  return {
    token: {
      methods: t.methods,
      user: {
        domain: DEFAULT_DOMAIN,
        id: cloud.auth.userId,
        name: cloud.auth.userName,
        password_expires_at: null,
      },
      audit_ids: [t.auditId],
      expires_at: keystoneTime(t.expiresAt),
      issued_at: keystoneTime(t.issuedAt),
      project: project(cloud),
      is_domain: false,
      // A credential's token carries the credential's roles (with the ones they imply), not the user's.
      roles: ac ? withImplied(ac.roles.map((r) => r.name)).map(roleRef) : tokenRoles(w),
      ...(withCatalog ? { catalog: catalog(req, deps) } : {}),
      ...(ac
        ? {
            application_credential: {
              id: ac.id,
              name: ac.name,
              restricted: !ac.unrestricted,
              ...(ac.accessRules && ac.accessRules.length > 0
                ? { access_rules: ac.accessRules }
                : {}),
            },
          }
        : {}),
    },
  };
}

/** What a learner's clouds.yaml and openrc say for one workspace: this request's origin, the cloud's user and project. */
export function clientLogin(
  req: Request,
  config: Config,
  learner: string,
  w: Workspace,
): ClientLogin {
  const cloud = w.state().cloud;
  return {
    workspaceKey: w.ref.key,
    authUrl: `${openstackBase(req, config)}/identity/v3`,
    projectName: project(cloud).name,
    userName: cloud.auth.userName,
    password: passwordFor(config.secret, learner, w.ref.key),
  };
}

const has = (o: Json, k: string) => Object.hasOwn(o, k);

/** A domain reference naming Default (by id or name), as both the user and the project must. */
const isDefaultDomain = (d: Json | null) =>
  d !== null && (d['id'] === DEFAULT_DOMAIN.id || (!d['id'] && d['name'] === DEFAULT_DOMAIN.name));

/** keystone/auth/schema.py's checks after the schema: a user, project or domain names itself by id or name. */
function namingViolation(auth: Json): KsError | null {
  const detail = (field: string) =>
    ks.badRequest(`Invalid input for field ${field}: id or name must be present.`);
  const user = obj(obj(obj(auth['identity'])?.['password'])?.['user']);
  if (user) {
    if (!has(user, 'id') && !has(user, 'name')) return detail('identity/password/user');
    const domain = obj(user['domain']);
    if (domain && !has(domain, 'id') && !has(domain, 'name'))
      return detail('identity/password/user/domain');
  }
  const scope = obj(auth['scope']);
  const p = scope ? obj(scope['project']) : null;
  if (p) {
    if (!has(p, 'id') && !has(p, 'name')) return detail('scope/project');
    const domain = obj(p['domain']);
    if (domain && !has(domain, 'id') && !has(domain, 'name')) return detail('scope/project/domain');
  }
  const d = scope ? obj(scope['domain']) : null;
  if (d && !has(d, 'id') && !has(d, 'name')) return detail('scope/domain');
  return null;
}

/** What one authentication method established: whose workspace, and how the token is to be issued. */
interface Established {
  learner: string;
  w: Workspace;
  opts: IssueOptions;
}

/** A method's outcome: established, keystone's error, or false when the 429 has been answered. */
type Outcome = Established | KsError | false;

/** The `password` method (keystone's UserAuthInfo): the password opens a workspace, whose user must be the one named. */
async function passwordMethod(
  deps: OpenstackDeps,
  payload: Json,
  admit: (learner: string) => boolean,
  meter: WorkMeter,
): Promise<Outcome> {
  if (!has(payload, 'user')) return ks.validation('user', 'password');
  const user = obj(payload['user']) ?? {};
  if (!user['id'] && !user['name']) return ks.validation('id or name', 'user');
  if (!user['id']) {
    if (!has(user, 'domain')) return ks.validation('domain', 'user');
    const domain = obj(user['domain']) ?? {};
    if (!domain['id'] && !domain['name']) return ks.validation('id or name', 'domain');
    if (!isDefaultDomain(domain)) return ks.unauthorized();
  }
  const owner = passwordOwner(deps.config.secret, str(user['password']) ?? '');
  const ref = owner ? deps.workspaces.parse(owner.workspaceKey) : null;
  if (!owner || !ref) return ks.unauthorized();
  if (!admit(owner.learner)) return false;
  const w = await meter.wait(deps.workspaces.open(owner.learner, ref));
  const { auth } = w.state().cloud;
  const named = user['id'] ? user['id'] === auth.userId : user['name'] === auth.userName;
  return named ? { learner: owner.learner, w, opts: { methods: ['password'] } } : ks.unauthorized();
}

/** The `token` method (re-scoping): a valid token of the learner's workspace gives another, expiring with it. */
async function tokenMethod(
  deps: OpenstackDeps,
  payload: Json,
  admit: (learner: string) => boolean,
  meter: WorkMeter,
): Promise<Outcome> {
  const id = str(payload['id']) ?? '';
  const t = deps.tokens.lookup(id, deps.now());
  if (!t)
    return deps.tokens.recognizes(id)
      ? ks.notFound('Failed to validate token')
      : ks.badRequest('Could not recognize Fernet token');
  if (!admit(t.learner)) return false;
  return {
    learner: t.learner,
    w: await meter.wait(deps.workspaces.open(t.learner, t.workspace)),
    opts: {
      methods: [...new Set(['token', ...t.methods])],
      notAfter: t.expiresAt,
      ...(t.appCredential ? { appCredential: t.appCredential } : {}),
    },
  };
}

/** A requested scope, checked as keystone's AuthInfo does before any method runs: the project it names, or the error. */
function requestedProject(auth: Json): { project: Json | null } | { error: KsError } {
  if (!has(auth, 'scope')) return { project: null };
  const scope = auth['scope'];
  const kinds = ['project', 'domain', 'unscoped', 'system', 'OS-TRUST:trust'];
  // A string scope is tested as Python's `in` tests a str: by substring.
  const named = kinds.filter((k) =>
    typeof scope === 'string' ? scope.includes(k) : has(obj(scope) ?? {}, k),
  );
  if (named.length !== 1)
    return { error: ks.validation('system, project, domain, OS-TRUST:trust or unscoped', 'scope') };
  const s = obj(scope);
  if (named[0] === 'OS-TRUST:trust' && s && !obj(s['OS-TRUST:trust'])?.['id'])
    return { error: ks.validation('trust_id', 'trust') };
  if (named[0] !== 'project' || !s) return { error: ks.unauthorized() };
  const p = obj(s['project']) ?? {};
  if (!p['id'] && !has(p, 'domain')) return { error: ks.validation('domain', 'project') };
  if (!p['id']) {
    const d = obj(p['domain']) ?? {};
    if (!d['id'] && !d['name']) return { error: ks.validation('id or name', 'domain') };
  }
  return { project: p };
}

/** Whether a project reference names the workspace's project (in domain Default). */
function namesProject(p: Json, cloud: Cloud): boolean {
  return p['id']
    ? p['id'] === cloud.auth.projectId
    : p['name'] === project(cloud).name && isDefaultDomain(obj(p['domain']));
}

/**
 * The token a request asks for, in keystone's order of checks (keystone/api/auth.py, auth/schema.py,
 * auth/core.py AuthInfo, api/_shared/authentication.py), or keystone's error; false once a 429 went out.
 */
async function authenticate(
  req: Request,
  res: Response,
  deps: OpenstackDeps,
  admit: Admit,
  creds: AppCredentialStore,
): Promise<Established | KsError | false> {
  const parsed = jsonBody(req);
  if ('error' in parsed) return parsed.error;
  const given = parsed.body['auth'];
  if (given !== undefined && given !== null) {
    const violation = schemaViolation(TOKEN_ISSUE, given);
    if (violation !== null) return ks.badRequest(violation);
  }
  const auth = obj(given);
  if (!auth) return ks.validation('auth', 'request body');
  const naming = namingViolation(auth);
  if (naming) return naming;
  const identity = obj(auth['identity']) ?? {};
  const methods = [...new Set((identity['methods'] as string[] | undefined) ?? [])];
  for (const m of methods) if (!has(identity, m)) return ks.validation(m, 'identity');
  if (methods.some((m) => !AUTH_METHODS.includes(m)))
    return ks.authPlugin('Attempted to authenticate with an unsupported method.', {
      methods: AUTH_METHODS,
    });
  const charge = (learner: string) => admit(learner, res);
  // The login's waits (a workspace, the store, a hash's answer) are not charged as its work.
  const meter = meterOf(res);
  const results: Outcome[] = [];
  let scope: Json | null = null;
  if (methods.includes('application_credential')) {
    // The credential fixes the scope (its project): keystone looks it up while reading the scope.
    const found = await appCredentialLogin(
      deps,
      creds,
      auth,
      obj(identity['application_credential']) ?? {},
      charge,
      meter,
    );
    if (found === false || 'code' in found) return found;
    results.push({
      learner: found.cred.learner,
      w: found.w,
      opts: {
        methods: ['application_credential'],
        appCredential: tokenAppCredential(found.cred),
        notAfter: found.cred.expiresAt,
      },
    });
  } else {
    const asked = requestedProject(auth);
    if ('error' in asked) return asked.error;
    scope = asked.project;
  }
  for (const m of methods) {
    const payload = obj(identity[m]) ?? {};
    if (m === 'password') results.push(await passwordMethod(deps, payload, charge, meter));
    else if (m === 'token') results.push(await tokenMethod(deps, payload, charge, meter));
    // external, oauth1 and mapped need what a learner's client never has (REMOTE_USER, OAuth, federation).
    else if (m !== 'application_credential') results.push(ks.unauthorized());
  }
  for (const r of results) if (r === false || 'code' in r) return r;
  const ok = results as Established[];
  const first = ok[0];
  // No method ran (`methods: []`): keystone finds no user. Methods naming different workspaces prove nobody.
  if (!first || ok.some((r) => r.learner !== first.learner || r.w.ref.key !== first.w.ref.key))
    return ks.unauthorized();
  const cloud = first.w.state().cloud;
  const viaCredential = ok.find((r) => r.opts.appCredential);
  // Unscoped or elsewhere-scoped requests are refused: a learner's user has a role on their project only.
  if (!viaCredential && (!scope || !namesProject(scope, cloud))) return ks.unauthorized();
  const all = [...new Set(ok.flatMap((r) => r.opts.methods ?? []))];
  const notAfter = Math.min(...ok.map((r) => r.opts.notAfter ?? Infinity));
  const ac = ok.find((r) => r.opts.appCredential)?.opts.appCredential;
  return {
    learner: first.learner,
    w: first.w,
    opts: {
      methods: all,
      notAfter: Number.isFinite(notAfter) ? notAfter : null,
      ...(ac ? { appCredential: ac } : {}),
    },
  };
}

/** POST /v3/auth/tokens: a project-scoped token for the workspace the request proves it may open. */
function issue(deps: OpenstackDeps, admit: Admit, creds: AppCredentialStore) {
  return async (req: Request, res: Response) => {
    const got = await authenticate(req, res, deps, admit, creds);
    if (got === false) return;
    if ('code' in got) return sendError(req, res, deps.config, got);
    const { token, issued } = deps.tokens.issue(got.learner, got.w.ref, deps.now(), got.opts);
    res.set('X-Subject-Token', token);
    sendPy(res, 201, tokenBody(req, deps, issued, got.w, req.query['nocatalog'] === undefined));
  };
}

/** The caller's own token (X-Auth-Token), or keystone's 401 answered (then null). */
function callerOf(deps: OpenstackDeps) {
  return async (req: Request, res: Response): Promise<{ t: IssuedToken; w: Workspace } | null> => {
    const t = deps.tokens.lookup(req.get('X-Auth-Token') ?? '', deps.now());
    if (!t) {
      sendError(req, res, deps.config, ks.unauthorized());
      return null;
    }
    return { t, w: await meterOf(res).wait(deps.workspaces.open(t.learner, t.workspace)) };
  };
}

/**
 * The subject token of a GET/HEAD/DELETE, once the caller's own token is valid, in keystone's words
 * (keystone/token/provider.py): none given, 404 "No token in the request"; one it cannot decrypt,
 * 400 "Could not recognize Fernet token"; an expired or revoked one, 404 "Failed to validate token".
 * Keystone lets a project admin validate others' tokens; here another learner's token is as good as
 * unknown (404), so a token never tells one learner about another's project.
 */
async function subject(
  req: Request,
  res: Response,
  deps: OpenstackDeps,
): Promise<{ t: IssuedToken; ref: WorkspaceRef } | null> {
  const caller = await callerOf(deps)(req, res);
  if (!caller) return null;
  const id = req.get('X-Subject-Token') ?? '';
  const t = id === '' ? null : deps.tokens.lookup(id, deps.now());
  if (!t || t.learner !== caller.t.learner) {
    const e =
      id === ''
        ? ks.notFound('No token in the request')
        : t || deps.tokens.recognizes(id)
          ? ks.notFound('Failed to validate token')
          : ks.badRequest('Could not recognize Fernet token');
    sendError(req, res, deps.config, e);
    return null;
  }
  return { t, ref: t.workspace };
}

/** GET and HEAD /v3/auth/tokens: the subject token's body (HEAD: its status only); `?nocatalog` leaves the catalog out. */
function validate(deps: OpenstackDeps) {
  return async (req: Request, res: Response) => {
    const s = await subject(req, res, deps);
    if (!s) return;
    const w = await meterOf(res).wait(deps.workspaces.open(s.t.learner, s.ref));
    res.set('X-Subject-Token', req.get('X-Subject-Token') ?? '');
    if (req.method === 'HEAD') {
      res.status(200).end();
      return;
    }
    sendPy(res, 200, tokenBody(req, deps, s.t, w, req.query['nocatalog'] === undefined));
  };
}

/**
 * DELETE /v3/auth/tokens: revokes the subject token, here at once and on every node once written
 * (a store that cannot take it answers 503, the token being refused here anyway).
 */
function revoke(deps: OpenstackDeps) {
  return async (req: Request, res: Response) => {
    if (!(await subject(req, res, deps))) return;
    await meterOf(res).wait(
      deps.tokens.revokeDurably(req.get('X-Subject-Token') ?? '', deps.now()),
    );
    res.status(204).end();
  };
}

/** The body's size limit, and a store that fails (a workspace, a credential, a revocation), answered in keystone's words. */
function keystoneErrors(deps: OpenstackDeps): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if ((err as { type?: string }).type === 'entity.too.large')
      return sendError(req, res, deps.config, ks.tooLarge());
    if (err instanceof StoreError) return sendError(req, res, deps.config, ks.unavailable());
    next(err);
  };
}

/**
 * The identity service, mounted at /openstack/identity. Application credentials live in `creds`
 * (SQLite or PostgreSQL in the server, so a restart keeps them and every node sees them; memory
 * by default, for tests).
 */
export function keystoneRouter(
  deps: OpenstackDeps,
  admit: Admit,
  creds: AppCredentialStore = memoryAppCredentials(),
): Router {
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
    .post(meteredBody(MAX_BODY), issue(deps, admit, creds))
    .get(validate(deps))
    .head(validate(deps))
    .delete(revoke(deps))
    .all((_req, res) => werkzeug(res, 405));
  appCredentialRoutes(r, deps, creds, callerOf(deps));
  r.use((req, res) => werkzeug(res, req.path === '/' || req.path === '/v3' ? 405 : 404));
  r.use(keystoneErrors(deps));
  return r;
}
