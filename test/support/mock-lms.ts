/**
 * A mock LTI 1.3 platform (an LMS) on loopback, for tests: its own RSA key pair and JWKS, an OIDC
 * auth endpoint that answers a tool's login redirect with a signed id_token (as a form to post, or
 * as JSON for tests driving the flow with fetch), helpers to mint tokens with any claims or a wrong
 * key, a token endpoint (client credentials with a client_assertion JWT checked against the tool's
 * JWKS), AGS score endpoints that record what they receive and can be told to fail, and a Deep
 * Linking return endpoint that records the tool's answer.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express from 'express';
import type { PlatformRegistration } from '../../server/lti/types.js';
import {
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
export const AGS_SCOPES = {
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  lineitemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
} as const;

/** One launch a test prepares: who, what, and how the token is made. Every field has a default. */
export interface LaunchSpec {
  /** The platform user id (default `user-1`). */
  sub?: string;
  /** The name claim (default "Ada Lovelace"; null: no name claims at all). */
  name?: string | null;
  givenName?: string;
  familyName?: string;
  messageType?: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest' | string;
  /** The custom claim (e.g. { lab: '01-direct-attach' }). */
  custom?: Record<string, string>;
  /** The AGS line item URL (default: this platform's line item `li-SUB`; null: no AGS claim). */
  lineitem?: string | null;
  /** The deployment id claim (default the platform's). */
  deploymentId?: string;
  /** The Deep Linking settings' `data` (echoed by the tool). */
  data?: string;
  /** Claims added or replaced last (an `aud`, an `exp`, anything). */
  claims?: Record<string, unknown>;
  /** Claims removed last. */
  omit?: string[];
  /** `wrong-key`: signed with another key under the platform's kid (a bad signature); `unknown-kid`: another key and kid. */
  sign?: 'good' | 'wrong-key' | 'unknown-kid';
}

/** A score the platform received at `POST {lineitem}/scores`. */
export interface ReceivedScore {
  lineitem: string;
  body: Record<string, unknown>;
  contentType: string;
  userAgent: string;
  authorization: string;
  at: number;
}

/** What the auth endpoint answers: the form the browser would post to the tool. */
export interface LaunchForm {
  action: string;
  fields: { id_token: string; state: string };
}

export interface MockLms {
  /** The platform's origin, also its issuer. */
  url: string;
  issuer: string;
  clientId: string;
  deploymentId: string;
  authUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  /** The registration a tool needs (as the platforms file or the class page take it). */
  registration(name?: string): Omit<PlatformRegistration, 'source'>;
  /** Prepares a launch; the returned login_hint makes the auth endpoint answer it. */
  prepare(spec?: LaunchSpec): string;
  /** The tool's login initiation URL for a prepared launch (GET form of /lti/login). */
  loginUrl(toolOrigin: string, hint: string, extra?: Record<string, string>): string;
  /**
   * The whole browser flow with fetch: GET the tool's /lti/login, follow its redirect to this
   * platform's auth endpoint, post the answer to the tool. Returns the tool's final response
   * (not followed) and the form that was posted.
   */
  launch(toolOrigin: string, spec?: LaunchSpec, extra?: Record<string, string>): Promise<{ response: Response; form: LaunchForm }>;
  /**
   * A course page of this platform showing a prepared launch in an iframe, as Moodle's "embed"
   * container does (for browser tests: the iframe starts at the tool's login).
   */
  coursePageUrl(toolOrigin: string, spec?: LaunchSpec): string;
  /** Signs arbitrary claims as this platform would (or with a wrong key). */
  mint(claims: Record<string, unknown>, sign?: LaunchSpec['sign']): Promise<string>;
  /** Where the tool's JWKS is (checked on the token endpoint's client assertions). */
  trustTool(jwksUrl: string): void;
  /** A line item's URL (scores go to `${lineitemUrl(id)}/scores`). */
  lineitemUrl(id: string): string;
  /** Scores received, in order (failed attempts are not in it). */
  scores: ReceivedScore[];
  /** Score posts answered with a failure (503), in order. */
  failedScores: ReceivedScore[];
  /** Bodies of token requests (form fields). */
  tokenRequests: Array<Record<string, string>>;
  /** The User-Agent of each token request, in the same order as tokenRequests. */
  tokenUserAgents: string[];
  /** JWTs the tool posted to the Deep Linking return URL. */
  deepLinkReturns: string[];
  /** The next `n` score posts are answered `status` (default 503). */
  failScores(n: number, status?: number): void;
  /** The next `n` token requests are answered `status` (default 503). */
  failTokens(n: number, status?: number): void;
  close(): Promise<void>;
}

async function keyPair(): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return { privateKey, jwk: await exportJWK(publicKey) };
}

export interface MockLmsOptions {
  clientId?: string;
  deploymentId?: string;
  /** The tool's JWKS URL (or later with trustTool). */
  toolJwksUrl?: string;
}

/** Starts a mock platform on 127.0.0.1 (an ephemeral port). */
export async function startMockLms(opts: MockLmsOptions = {}): Promise<MockLms> {
  const good = await keyPair();
  const other = await keyPair();
  const kid = `mock-${randomBytes(4).toString('hex')}`;
  const clientId = opts.clientId ?? 'stacklab-client';
  const deploymentId = opts.deploymentId ?? 'deployment-1';
  const prepared = new Map<string, LaunchSpec>();
  const tokens = new Set<string>();
  let toolKeys: JWTVerifyGetKey | null = opts.toolJwksUrl ? createRemoteJWKSet(new URL(opts.toolJwksUrl)) : null;
  const fail = { scores: { n: 0, status: 503 }, tokens: { n: 0, status: 503 } };
  let origin = '';

  const mint = (claims: Record<string, unknown>, sign: LaunchSpec['sign'] = 'good') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: sign === 'unknown-kid' ? 'someone-else' : kid, typ: 'JWT' })
      .sign(sign === 'good' ? good.privateKey : other.privateKey);

  const lms: MockLms = {
    url: '',
    issuer: '',
    clientId,
    deploymentId,
    authUrl: '',
    tokenUrl: '',
    jwksUrl: '',
    registration: (name = 'Mock LMS') => ({
      issuer: lms.issuer, clientId, name, authUrl: lms.authUrl, tokenUrl: lms.tokenUrl, jwksUrl: lms.jwksUrl, deploymentIds: [deploymentId],
    }),
    prepare(spec = {}) {
      const hint = `hint-${randomBytes(6).toString('hex')}`;
      prepared.set(hint, spec);
      return hint;
    },
    loginUrl(toolOrigin, hint, extra = {}) {
      const u = new URL('/lti/login', toolOrigin);
      const q = { iss: lms.issuer, login_hint: hint, target_link_uri: `${toolOrigin}/lti/launch`, client_id: clientId, lti_deployment_id: deploymentId, ...extra };
      for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
      return u.href;
    },
    async launch(toolOrigin, spec = {}, extra = {}) {
      const login = await fetch(lms.loginUrl(toolOrigin, lms.prepare(spec), extra), { redirect: 'manual' });
      const location = login.headers.get('location');
      if (login.status !== 302 || location === null) throw new Error(`the tool's login answered ${login.status}: ${await login.text()}`);
      const auth = await fetch(location, { headers: { accept: 'application/json' } });
      if (!auth.ok) throw new Error(`the mock platform refused the auth request: ${await auth.text()}`);
      const form = (await auth.json()) as LaunchForm;
      const response = await fetch(form.action, { method: 'POST', body: new URLSearchParams(form.fields), redirect: 'manual' });
      return { response, form };
    },
    coursePageUrl: (toolOrigin, spec = {}) => `${origin}/course?src=${encodeURIComponent(lms.loginUrl(toolOrigin, lms.prepare(spec)))}`,
    mint,
    trustTool: (url) => void (toolKeys = createRemoteJWKSet(new URL(url))),
    lineitemUrl: (id) => `${origin}/lineitems/${encodeURIComponent(id)}`,
    scores: [],
    failedScores: [],
    tokenRequests: [],
    tokenUserAgents: [],
    deepLinkReturns: [],
    failScores: (n, status = 503) => void (fail.scores = { n, status }),
    failTokens: (n, status = 503) => void (fail.tokens = { n, status }),
    close: () => new Promise((ok) => server.close(() => ok())),
  };

  /** The id_token of a prepared launch, for the auth request's nonce and redirect URI. */
  const idToken = (spec: LaunchSpec, nonce: string, redirectUri: string) => {
    const now = Math.floor(Date.now() / 1000);
    const sub = spec.sub ?? 'user-1';
    const deepLinking = spec.messageType === 'LtiDeepLinkingRequest';
    const claims: Record<string, unknown> = {
      iss: lms.issuer, aud: clientId, sub, nonce, iat: now, exp: now + 300,
      [`${LTI}deployment_id`]: spec.deploymentId ?? deploymentId,
      [`${LTI}message_type`]: spec.messageType ?? 'LtiResourceLinkRequest',
      [`${LTI}version`]: '1.3.0',
      [`${LTI}target_link_uri`]: redirectUri,
      [`${LTI}roles`]: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
    };
    if (spec.name !== null) {
      claims['name'] = spec.name ?? 'Ada Lovelace';
      if (spec.givenName !== undefined) claims['given_name'] = spec.givenName;
      if (spec.familyName !== undefined) claims['family_name'] = spec.familyName;
    }
    if (!deepLinking) claims[`${LTI}resource_link`] = { id: 'resource-1' };
    if (spec.custom) claims[`${LTI}custom`] = spec.custom;
    const lineitem = spec.lineitem === undefined ? lms.lineitemUrl(`li-${sub}`) : spec.lineitem;
    if (lineitem !== null && !deepLinking)
      claims['https://purl.imsglobal.org/spec/lti-ags/claim/endpoint'] = {
        scope: [AGS_SCOPES.score, AGS_SCOPES.lineitemReadonly], lineitem, lineitems: `${origin}/lineitems`,
      };
    if (deepLinking)
      claims['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings'] = {
        deep_link_return_url: `${origin}/deep-link-return`, accept_types: ['ltiResourceLink'],
        accept_presentation_document_targets: ['iframe', 'window'], ...(spec.data !== undefined ? { data: spec.data } : {}),
      };
    Object.assign(claims, spec.claims ?? {});
    for (const k of spec.omit ?? []) delete claims[k];
    return mint(claims, spec.sign);
  };

  const app = express();
  app.get('/jwks', (_req, res) => {
    res.json({ keys: [{ ...good.jwk, kid, alg: 'RS256', use: 'sig' }] });
  });
  app.get('/auth', async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const want = { response_type: 'id_token', response_mode: 'form_post', scope: 'openid', prompt: 'none', client_id: clientId };
    for (const [k, v] of Object.entries(want))
      if (q[k] !== v) return void res.status(400).type('text').send(`auth request: ${k} must be ${v}, not ${q[k] ?? '(missing)'}`);
    const spec = prepared.get(q['login_hint'] ?? '');
    if (!spec || !q['nonce'] || !q['state'] || !q['redirect_uri'])
      return void res.status(400).type('text').send('auth request: unknown login_hint, or no nonce, state or redirect_uri');
    const form: LaunchForm = { action: q['redirect_uri'], fields: { id_token: await idToken(spec, q['nonce'], q['redirect_uri']), state: q['state'] } };
    if ((req.headers.accept ?? '').includes('application/json')) return void res.json(form);
    // A browser: the usual self-posting form of a platform.
    const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    res.type('html').send(`<!doctype html><title>Mock LMS</title><form id="f" method="post" action="${esc(form.action)}">
<input type="hidden" name="id_token" value="${esc(form.fields.id_token)}"><input type="hidden" name="state" value="${esc(form.fields.state)}">
<button>Continue</button></form><script>document.getElementById('f').submit()</script>`);
  });
  app.get('/course', (req, res) => {
    const src = typeof req.query['src'] === 'string' && /^https?:\/\//.test(req.query['src']) ? req.query['src'] : '';
    const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    res.type('html').send(`<!doctype html><title>Mock course</title><h1>Mock course</h1>
<iframe id="tool" title="Stacklab" src="${esc(src)}" style="width:1200px;height:800px" allow="clipboard-write"></iframe>`);
  });
  app.post('/token', express.urlencoded({ extended: false }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, string>;
    lms.tokenRequests.push({ ...body });
    lms.tokenUserAgents.push(req.headers['user-agent'] ?? '');
    if (fail.tokens.n > 0) {
      fail.tokens.n -= 1;
      return void res.status(fail.tokens.status).json({ error: 'temporarily_unavailable' });
    }
    if (body['grant_type'] !== 'client_credentials' || body['client_assertion_type'] !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      return void res.status(400).json({ error: 'unsupported_grant_type' });
    if (!toolKeys) return void res.status(401).json({ error: 'invalid_client', error_description: 'the mock does not know the tool JWKS' });
    let payload: JWTPayload;
    try {
      payload = (await jwtVerify(body['client_assertion'] ?? '', toolKeys, { audience: lms.tokenUrl, algorithms: ['RS256'] })).payload;
    } catch (e) {
      return void res.status(401).json({ error: 'invalid_client', error_description: e instanceof Error ? e.message : String(e) });
    }
    if (payload.iss !== clientId || payload.sub !== clientId || typeof payload.jti !== 'string')
      return void res.status(401).json({ error: 'invalid_client', error_description: 'iss and sub must be the client id; jti required' });
    const token = randomBytes(16).toString('hex');
    tokens.add(token);
    res.json({ access_token: token, token_type: 'Bearer', expires_in: 3600, scope: body['scope'] ?? '' });
  });
  app.post('/lineitems/:id/scores', express.text({ type: () => true, limit: '64kb' }), (req, res) => {
    const auth = req.headers.authorization ?? '';
    const rec: ReceivedScore = {
      lineitem: lms.lineitemUrl(req.params.id),
      body: {},
      contentType: req.headers['content-type'] ?? '',
      userAgent: req.headers['user-agent'] ?? '',
      authorization: auth,
      at: Date.now(),
    };
    try {
      rec.body = JSON.parse(typeof req.body === 'string' ? req.body : '') as Record<string, unknown>;
    } catch {
      return void res.status(400).json({ error: 'score body is not JSON' });
    }
    if (fail.scores.n > 0) {
      fail.scores.n -= 1;
      lms.failedScores.push(rec);
      return void res.status(fail.scores.status).json({ error: 'unavailable' });
    }
    if (!tokens.has(auth.replace(/^Bearer /, ''))) return void res.status(401).json({ error: 'bad access token' });
    if (!rec.contentType.startsWith('application/vnd.ims.lis.v1.score+json')) return void res.status(415).json({ error: 'wrong content type' });
    lms.scores.push(rec);
    res.json({});
  });
  app.post('/deep-link-return', express.urlencoded({ extended: false, limit: '64kb' }), (req, res) => {
    const jwt = (req.body as Record<string, string> | undefined)?.['JWT'];
    if (typeof jwt === 'string') lms.deepLinkReturns.push(jwt);
    res.type('html').send('<!doctype html><title>Mock LMS</title><p>Content received.</p>');
  });

  const server: Server = createServer(app);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(lms, { url: origin, issuer: origin, authUrl: `${origin}/auth`, tokenUrl: `${origin}/token`, jwksUrl: `${origin}/jwks` });
  return lms;
}
