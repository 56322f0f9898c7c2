/**
 * Keystone's application credentials (Zed, keystone/api/users.py and keystone/application_credential):
 * create, list, show and delete under /v3/users/{user_id}/application_credentials, and the
 * `application_credential` authentication method a token request names them with. A credential
 * belongs to the learner and the workspace of the token that made it and opens only that
 * workspace's project; its secret is shown once, at creation, and kept only as hashes
 * (server/store/app-credentials.ts). A credential of another learner or workspace is as unknown
 * as one that never existed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import type { AppCredential, AppCredentialStore } from '../../store/app-credentials.js';
import type { Workspace } from '../../workspace/index.js';
import type { OpenstackDeps } from './index.js';
import type { IssuedToken, TokenAppCredential } from './tokens.js';
import { APP_CRED_CREATE, schemaViolation } from './auth-schema.js';
import { meteredBody, meterOf, type WorkMeter } from './work-meter.js';
import {
  identityUrl,
  jsonBody,
  ks,
  obj,
  pyDumps,
  roleRef,
  sendError,
  str,
  tokenRoles,
  werkzeug,
  type Json,
  type KsError,
} from './keystone-wire.js';

/** Credentials a learner may hold per workspace (keystone's `[application_credential] user_limit`, unlimited by default). */
export const APP_CREDENTIALS_PER_WORKSPACE = 20;
/** keystone's [DEFAULT] max_request_body_size. */
const MAX_BODY = 114688;
/** Roles every Zed keystone has (keystone-manage bootstrap), besides those a token carries. */
const BOOTSTRAP_ROLES = ['admin', 'member', 'reader'];

/** A secret as keystone generates one: 64 random bytes, base64url without padding. */
const newSecret = () => randomBytes(64).toString('base64url');

/** keystone's `expires_at` in an application credential: microseconds, no zone. */
const credentialTime = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 19)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;

/** ISO 8601 as keystone's parse_isotime reads it, after parse_expiration_date appended `Z` where missing. */
const ISO =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,6})\d*)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)$/;

/** An `expires_at` as milliseconds, or keystone's 400 (not a timestamp, or in the past). */
export function parseExpiration(text: string, now: number): number | KsError {
  const m = ISO.exec(text.endsWith('Z') ? text : `${text}Z`);
  if (!m) return ks.timestamp();
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}.${frac.padEnd(3, '0').slice(0, 3)}${zone === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : `${zone.slice(0, 3)}:${zone.slice(-2)}`}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return ks.timestamp();
  return ms < now ? ks.expiration() : ms;
}

/** The credential as keystone's API shows it (`secret` only in the answer to its creation). */
function member(base: string, c: AppCredential, secret?: string) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    project_id: c.projectId,
    expires_at: c.expiresAt === null ? null : credentialTime(c.expiresAt),
    unrestricted: c.unrestricted,
    roles: c.roles.map((r) => ({
      id: r.id,
      name: r.name,
      domain_id: null,
      description: null,
      options: {},
    })),
    ...(c.accessRules && c.accessRules.length > 0
      ? {
          access_rules: c.accessRules.map((a) => ({
            id: a.id,
            service: a.service,
            path: a.path,
            method: a.method,
          })),
        }
      : {}),
    ...(secret !== undefined ? { secret } : {}),
    links: { self: `${base}/v3/users/${c.userId}/application_credentials/${c.id}` },
  };
}

/** flask-restful's JSON: json.dumps and a newline. */
const sendDoc = (res: Response, status: number, body: unknown) =>
  res
    .status(status)
    .type('application/json')
    .send(`${pyDumps(body)}\n`);

/** What a token carries of the credential it was made from. */
export const tokenAppCredential = (c: AppCredential): TokenAppCredential => ({
  id: c.id,
  name: c.name,
  unrestricted: c.unrestricted,
  roles: c.roles,
  accessRules: c.accessRules,
});

/**
 * The `application_credential` method of a token request, as keystone's AuthInfo and AppCredInfo
 * check it: the credential (by id, or by name and user), its secret, its expiry. The learner is
 * charged for the login once the credential names them (`admit`; false when it answered 429): its
 * work, by `meter`, which the store is told the scrypt hash's cost and the waits are kept out of.
 */
export async function appCredentialLogin(
  deps: OpenstackDeps,
  creds: AppCredentialStore,
  auth: Json,
  payload: Json,
  admit: (learner: string) => boolean,
  meter: WorkMeter,
): Promise<{ cred: AppCredential; w: Workspace } | KsError | false> {
  if (Object.hasOwn(auth, 'scope'))
    return ks.authPlugin(
      'Error authenticating with application credential: Application credentials cannot request a scope.',
    );
  const id = payload['id'];
  const secret = str(payload['secret']) ?? '';
  let cred: AppCredential | null;
  if (id) {
    const known = await meter.wait(creds.get(String(id)));
    if (!known) return ks.notFound(`Could not find Application Credential: ${String(id)}.`);
    // Charged to its owner only once the secret is right: until then the caller's address pays
    // (a flood of wrong secrets for someone's known id must not spend that learner's budget).
    cred = await meter.wait(creds.authenticate({ id: known.id }, secret, meter.add));
    if (cred && !admit(cred.learner)) return false;
  } else {
    const name = payload['name'];
    if (!name) return ks.validation('name or ID', 'application credential');
    const user = obj(payload['user']);
    if (!user || Object.keys(user).length === 0)
      return ks.validation('user', 'application credential');
    let by: { id: string } | { name: string };
    if (user['id']) by = { id: String(user['id']) };
    else {
      if (!Object.hasOwn(user, 'domain')) return ks.validation('domain', 'user');
      const domain = obj(user['domain']) ?? {};
      if (!domain['id'] && !domain['name']) return ks.validation('id or name', 'domain');
      if (!(domain['id'] === 'default' || (!domain['id'] && domain['name'] === 'Default')))
        return ks.unauthorized();
      by = { name: String(user['name']) };
    }
    cred = await meter.wait(
      creds.authenticate({ name: String(name), user: by }, secret, meter.add),
    );
    if (cred && !admit(cred.learner)) return false;
  }
  const now = deps.now();
  const ref = cred ? deps.workspaces.parse(cred.workspace) : null;
  if (!cred || !ref || (cred.expiresAt !== null && cred.expiresAt <= now)) return ks.unauthorized();
  const w = await meter.wait(deps.workspaces.open(cred.learner, ref));
  const { auth: cloudAuth } = w.state().cloud;
  // A workspace started over from another fixture is another user and project: the credential opens neither.
  if (cloudAuth.userId !== cred.userId || cloudAuth.projectId !== cred.projectId)
    return ks.unauthorized();
  return { cred, w };
}

/** The caller's token, or keystone's 401 (then null). */
type Caller = (req: Request, res: Response) => Promise<{ t: IssuedToken; w: Workspace } | null>;

/** The credential `id` if it is the caller's (their learner and workspace), else keystone's 404. */
async function ownCredential(
  creds: AppCredentialStore,
  t: IssuedToken,
  id: string,
): Promise<AppCredential | KsError> {
  const c = await creds.get(id);
  return c && c.learner === t.learner && c.workspace === t.workspace.key
    ? c
    : ks.notFound(`Could not find Application Credential: ${id}.`);
}

/** Keystone refuses a restricted application credential's token for managing credentials. */
const restricted = (t: IssuedToken) =>
  t.appCredential && !t.appCredential.unrestricted
    ? ks.forbidden(
        "Using method 'application_credential' is not allowed for managing additional application credentials.",
      )
    : null;

/** The roles an application credential asks for, checked against the caller's token, or keystone's error. */
function chosenRoles(
  asked: unknown,
  held: Array<{ id: string; name: string }>,
): Array<{ id: string; name: string }> | KsError {
  if (!Array.isArray(asked) || asked.length === 0) return held;
  const out: Array<{ id: string; name: string }> = [];
  for (const item of asked) {
    const r = obj(item) ?? {};
    const byName = str(r['name']);
    const id = r['id'] ? String(r['id']) : byName !== null ? roleRef(byName).id : '';
    if (
      !r['id'] &&
      byName !== null &&
      !held.some((h) => h.name === byName) &&
      !BOOTSTRAP_ROLES.includes(byName)
    )
      return ks.notFound(`Could not find role: ${byName}.`);
    const mine = held.find((h) => h.id === id);
    if (!mine)
      return ks.badRequest(
        'Invalid application credential: Cannot create an application credential with unassigned role',
      );
    if (!out.some((o) => o.id === mine.id)) out.push(mine);
  }
  return out;
}

/** The access rules of a new credential: each gets an id (keystone's uuid4 hex) unless it names one. */
function accessRules(asked: unknown): AppCredential['accessRules'] {
  if (!Array.isArray(asked) || asked.length === 0) return null;
  return asked.map((item) => {
    const r = obj(item) ?? {};
    return {
      id: str(r['id']) ?? randomUUID().replaceAll('-', ''),
      service: str(r['service']) ?? '',
      method: str(r['method']) ?? '',
      path: str(r['path']) ?? '',
    };
  });
}

/** Mounts the application-credential routes on keystone's router. */
export function appCredentialRoutes(
  r: Router,
  deps: OpenstackDeps,
  creds: AppCredentialStore,
  caller: Caller,
): void {
  const fail = (req: Request, res: Response, e: KsError) => sendError(req, res, deps.config, e);

  const create = async (req: Request, res: Response) => {
    const me = await caller(req, res);
    if (!me) return;
    const { t, w } = me;
    const cloud = w.state().cloud;
    if (req.params['userId'] !== cloud.auth.userId)
      return fail(req, res, ks.forbidden('identity:create_application_credential'));
    const parsed = jsonBody(req);
    if ('error' in parsed) return fail(req, res, parsed.error);
    const data = Object.hasOwn(parsed.body, 'application_credential')
      ? parsed.body['application_credential']
      : {};
    const violation = schemaViolation(APP_CRED_CREATE, data);
    if (violation !== null) return fail(req, res, ks.badRequest(violation));
    const ask = obj(data) ?? {};
    const refused = restricted(t);
    if (refused) return fail(req, res, refused);
    const roles = chosenRoles(ask['roles'], t.appCredential?.roles ?? tokenRoles(w));
    if ('code' in roles) return fail(req, res, roles);
    const now = deps.now();
    const expiresAt = ask['expires_at'] ? parseExpiration(String(ask['expires_at']), now) : null;
    if (expiresAt !== null && typeof expiresAt !== 'number') return fail(req, res, expiresAt);
    const cred: AppCredential = {
      id: randomUUID().replaceAll('-', ''),
      learner: t.learner,
      workspace: t.workspace.key,
      name: String(ask['name']),
      description: str(ask['description']),
      userId: cloud.auth.userId,
      userName: cloud.auth.userName,
      projectId: cloud.auth.projectId,
      roles,
      expiresAt,
      unrestricted: ask['unrestricted'] === true,
      accessRules: accessRules(ask['access_rules']),
      createdAt: now,
    };
    const secret = str(ask['secret']) || newSecret();
    const meter = meterOf(res);
    const refusal = await meter.wait(
      creds.create(cred, secret, APP_CREDENTIALS_PER_WORKSPACE, meter.add),
    );
    if (refusal === 'limit')
      return fail(
        req,
        res,
        ks.forbiddenBecause(
          `Unable to create additional application credentials, maximum of ${APP_CREDENTIALS_PER_WORKSPACE} already exceeded for user.`,
        ),
      );
    if (refusal === 'duplicate')
      return fail(
        req,
        res,
        ks.conflict('application_credential', `Duplicate entry found with name ${cred.name}`),
      );
    sendDoc(res, 201, {
      application_credential: member(identityUrl(req, deps.config), cred, secret),
    });
  };

  const list = async (req: Request, res: Response) => {
    const me = await caller(req, res);
    if (!me) return;
    const { t, w } = me;
    const base = identityUrl(req, deps.config);
    const userId = String(req.params['userId']);
    const mine = userId === w.state().cloud.auth.userId;
    // The policy lets a project admin list any user's: no other user has credentials in this workspace.
    if (!mine && !tokenRoles(w).some((r) => r.name === 'admin'))
      return fail(req, res, ks.forbidden('identity:list_application_credentials'));
    const name = typeof req.query['name'] === 'string' ? req.query['name'] : null;
    const found = mine
      ? (await meterOf(res).wait(creds.list(t.learner, t.workspace.key))).filter(
          (c) => name === null || c.name === name,
        )
      : [];
    const q = req.originalUrl.indexOf('?');
    sendDoc(res, 200, {
      application_credentials: found.map((c) => member(base, c)),
      links: {
        self: `${base}/v3/users/${userId}/application_credentials${q < 0 ? '' : req.originalUrl.slice(q)}`,
        previous: null,
        next: null,
      },
    });
  };

  const show = async (req: Request, res: Response) => {
    const me = await caller(req, res);
    if (!me) return;
    const c = await meterOf(res).wait(ownCredential(creds, me.t, String(req.params['credId'])));
    if ('code' in c) return fail(req, res, c);
    if (req.method === 'HEAD') return void res.status(200).type('application/json').end();
    sendDoc(res, 200, { application_credential: member(identityUrl(req, deps.config), c) });
  };

  const remove = async (req: Request, res: Response) => {
    const me = await caller(req, res);
    if (!me) return;
    const meter = meterOf(res);
    const c = await meter.wait(ownCredential(creds, me.t, String(req.params['credId'])));
    if ('code' in c) return fail(req, res, c);
    const refused = restricted(me.t);
    if (refused) return fail(req, res, refused);
    await meter.wait(creds.delete(c.id));
    // Tokens made from it stop validating, as keystone checks the credential when it validates one:
    // here at once, elsewhere once the revocation is written (a failed write answers 503, as the store's failures do).
    await meter.wait(deps.tokens.revokeAppCredentialDurably(c.id, deps.now()));
    res.status(204).end();
  };

  r.route('/v3/users/:userId/application_credentials')
    .get(list)
    .head(list)
    .post(meteredBody(MAX_BODY), create)
    .all((_req, res) => werkzeug(res, 405));
  r.route('/v3/users/:userId/application_credentials/:credId')
    .get(show)
    .head(show)
    .delete(remove)
    .all((_req, res) => werkzeug(res, 405));
}
