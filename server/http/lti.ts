/**
 * LTI 1.3's HTTP endpoints: the OIDC login initiation (/lti/login), the launch (/lti/launch, a
 * resource link opens the lab with a session token; a deep linking request shows the lab picker),
 * the picker's answer (/lti/deep-link), the tool's keys (/lti/jwks), the values to give an LMS
 * (/lti/config, /lti/canvas.json) and the instructors' platform registrations. The checks live in
 * server/lti; this layer only transports. Refusals are HTML pages: the LMS shows them in its frame.
 */
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import type { Config } from './config.js';
import type { RouteDeps } from './routes.js';
import { instructorGuard } from './instructor-auth.js';
import { contentSecurityPolicy } from './security.js';
import { sessionToken } from './session-token.js';
import { StoreError } from '../store/types.js';
import { toolJwks } from '../lti/keys.js';
import {
  agsOfLaunch,
  jwksCache,
  labOfLaunch,
  learnerIdFor,
  nameOfLaunch,
  refusal,
  startLogin,
  verifyLaunch,
  type Refusal,
  type ValidLaunch,
} from '../lti/launch.js';
import { deepLinkingResponse, pickRequestOf, readPick, signPick } from '../lti/deep-linking.js';
import { labPoints, pickerPage, refusalPage, returnPage } from '../lti/pages.js';
import { parseRegistration, platformOrigins } from '../lti/platforms.js';
import type { LtiStore } from '../lti/types.js';

/** The AGS scope Stacklab asks for: posting scores to the line items of its links. */
export const AGS_SCORE_SCOPE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';

const databaseDown = (e: StoreError): Refusal =>
  refusal(503, 'Try again in a moment', `Stacklab's database is not available right now (${e.message}). Open the activity again in a minute.`);

function sendRefusal(res: Response, r: Refusal): void {
  res.status(r.status).set('Cache-Control', 'no-store').type('html').send(refusalPage(r.title, r.message));
}

/** The origin the LMS and the browser reach this server at: STACKLAB_PUBLIC_URL, else http:// + Host. */
function originOf(req: Request, config: Config): string | null {
  if (config.publicOrigin !== null) return config.publicOrigin;
  const host = req.headers.host;
  return typeof host === 'string' && /^[A-Za-z0-9.:[\]-]{1,300}$/.test(host) ? `http://${host}` : null;
}

/** Form bodies of launches (an id_token of a few kB); over the limit or malformed: a page, not JSON. */
function formBody(): RequestHandler {
  const parse = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err === undefined || err === null) return next();
      sendRefusal(res, refusal(400, 'Launch not readable', 'The platform posted a form Stacklab cannot read (too large or malformed).'));
    });
  };
}

/**
 * The registered platforms' origins join the pages' CSP frame-ancestors, so the LMS may show
 * Stacklab in its iframe. Documents only (not the JSON API); the list is cached for a second and
 * dropped when the class page changes a registration. STACKLAB_FRAME_ANCESTORS='none' wins.
 */
function platformFrames(config: Config, lti: LtiStore): { handler: RequestHandler; changed: () => void } {
  let cached: { at: number; csp: string | null } = { at: -Infinity, csp: null };
  /** The reading in progress: requests arriving meanwhile wait for it rather than each asking the database. */
  let reading: Promise<string | null> | null = null;
  let generation = 0;
  const own = new Set(config.frameAncestors.split(' '));
  const read = async (now: number, gen: number): Promise<string | null> => {
    try {
      const origins = [...new Set((await lti.platforms()).flatMap(platformOrigins))].filter((o) => !own.has(o));
      const csp = origins.length === 0 ? null : contentSecurityPolicy(`${config.frameAncestors} ${origins.join(' ')}`);
      if (gen === generation) cached = { at: now, csp };
      return csp;
    } catch {
      // The database is away: the page keeps the origins last read (a launch page says what is wrong).
      return cached.csp;
    } finally {
      if (gen === generation) reading = null;
    }
  };
  const apply = (res: Response, csp: string | null) => {
    if (csp === null) return;
    res.setHeader('Content-Security-Policy', csp);
    // X-Frame-Options cannot name another site; browsers that know frame-ancestors ignore it anyway.
    res.removeHeader('X-Frame-Options');
  };
  const handler: RequestHandler = (req, res, next) => {
    if (config.frameAncestors === "'none'" || req.path.startsWith('/api/') || req.path === '/ws') return next();
    const now = Date.now();
    // Read within the last second: no wait at all (the common case).
    if (now - cached.at < 1000) {
      apply(res, cached.csp);
      return next();
    }
    reading ??= read(now, generation);
    void reading.then((csp) => {
      apply(res, csp);
      next();
    });
  };
  const changed = () => {
    generation += 1;
    reading = null;
    cached = { at: -Infinity, csp: null };
  };
  return { handler, changed };
}

/** The values an LMS asks for when Stacklab is registered with it (the README and the class page show them). */
export function toolValues(origin: string, deps: Pick<RouteDeps, 'labs'>) {
  return {
    title: 'Stacklab',
    toolUrl: `${origin}/lti/launch`,
    targetLinkUri: `${origin}/lti/launch`,
    loginUrl: `${origin}/lti/login`,
    redirectUris: [`${origin}/lti/launch`],
    jwksUrl: `${origin}/lti/jwks`,
    deepLinkingUrl: `${origin}/lti/launch`,
    customParameters: 'lab=LAB_ID',
    scopes: [AGS_SCORE_SCOPE],
    https: origin.startsWith('https://'),
    labs: deps.labs().map((l) => ({ id: l.id, title: l.title, points: labPoints(l) })),
  };
}

/** Canvas's "Paste JSON" developer key configuration. */
function canvasConfig(origin: string) {
  const target = `${origin}/lti/launch`;
  const placement = (name: string) => ({ placement: name, message_type: 'LtiDeepLinkingRequest', target_link_uri: target });
  return {
    title: 'Stacklab',
    description: 'OpenStack networking labs on a simulated cloud, graded step by step.',
    oidc_initiation_url: `${origin}/lti/login`,
    target_link_uri: target,
    public_jwk_url: `${origin}/lti/jwks`,
    scopes: [AGS_SCORE_SCOPE, 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem'],
    extensions: [
      {
        platform: 'canvas.instructure.com',
        privacy_level: 'name_only',
        settings: { placements: [placement('assignment_selection'), placement('link_selection')] },
      },
    ],
    custom_fields: {},
  };
}

/** A resource link launch: the learner of (issuer, sub), named from the claims, sent to the lab with a session token. */
async function openLab(res: Response, deps: RouteDeps, l: ValidLaunch): Promise<void> {
  const { config, store, lti, labs } = deps;
  const labId = labOfLaunch(l);
  const known = labs();
  if (labId === null)
    return sendRefusal(res, refusal(400, 'Which lab?',
      `The activity does not say which lab to open. Give the link the custom parameter lab=ID (one of: ${known.map((x) => x.id).join(', ')}), or add it with the LMS's "Select content" button.`));
  const lab = known.find((x) => x.id === labId);
  if (!lab)
    return sendRefusal(res, refusal(404, 'Unknown lab',
      `The activity opens lab "${labId}", which this Stacklab does not have (labs: ${known.map((x) => x.id).join(', ')}). Edit the activity's custom parameter lab=ID.`));
  const sub = typeof l.claims.sub === 'string' && l.claims.sub !== '' && l.claims.sub.length <= 255 ? l.claims.sub : null;
  if (sub === null)
    return sendRefusal(res, refusal(400, 'Anonymous launch', 'The platform did not say who the learner is (no sub claim). Open the activity as a logged-in user.'));
  const now = Date.now();
  const learner = learnerIdFor(config.secret, l.platform.issuer, sub);
  const name = nameOfLaunch(l.claims);
  await store.ensureLearner(learner, name || `learner-${learner.slice(4, 10)}`, now);
  if (name !== '') await store.renameLearner(learner, name);
  const ags = agsOfLaunch(l.claims);
  await lti.saveLaunch({
    learner, issuer: l.platform.issuer, clientId: l.platform.clientId, deploymentId: l.deploymentId,
    sub, labId: lab.id, name, lineitem: ags.lineitem, scopes: ags.scopes, at: now,
  });
  // The session rides in the fragment: never sent to a server, never in the LMS's logs or a Referer.
  const token = sessionToken(config.secret, learner, now);
  res.set('Cache-Control', 'no-store').redirect(303, `/lab/${encodeURIComponent(lab.id)}#session=${token}`);
}

/** A deep linking request: the lab picker, carrying the validated request signed. */
async function showPicker(res: Response, deps: RouteDeps, l: ValidLaunch): Promise<void> {
  const r = pickRequestOf(l);
  if ('refused' in r) return sendRefusal(res, r);
  const pick = await signPick(deps.config.secret, r, Date.now());
  res.set('Cache-Control', 'no-store').type('html').send(pickerPage(deps.labs(), pick, l.platform.name));
}

function launchRoutes(app: Express, deps: RouteDeps): void {
  const keys = jwksCache();
  app.all('/lti/login', formBody(), async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.set('Allow', 'GET, POST');
      return sendRefusal(res, refusal(400, 'Not a login', 'The LMS starts a launch here with GET or POST.'));
    }
    const origin = originOf(req, deps.config);
    if (origin === null) return sendRefusal(res, refusal(400, 'Bad request', 'The request has no usable Host header.'));
    const params = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown> | undefined;
    let r: Awaited<ReturnType<typeof startLogin>>;
    try {
      r = await startLogin(params ?? {}, deps.lti, origin, Date.now());
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      r = databaseDown(e);
    }
    if ('refused' in r) return sendRefusal(res, r);
    res.set('Cache-Control', 'no-store').redirect(302, r.redirect);
  });
  app.get('/lti/launch', (_req, res) =>
    sendRefusal(res, refusal(400, 'Open this from your course',
      'This address is where the LMS posts launches; opening it directly does nothing. Open the activity from your course page.')));
  app.post('/lti/launch', formBody(), async (req, res) => {
    try {
      const v = await verifyLaunch((req.body ?? {}) as Record<string, unknown>, { lti: deps.lti, now: Date.now(), keys });
      if ('refused' in v) return sendRefusal(res, v);
      if (v.messageType === 'LtiDeepLinkingRequest') return await showPicker(res, deps, v);
      await openLab(res, deps, v);
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      sendRefusal(res, databaseDown(e));
    }
  });
}

function deepLinkRoute(app: Express, deps: RouteDeps): void {
  app.post('/lti/deep-link', formBody(), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const now = Date.now();
    const pick = await readPick(deps.config.secret, body['pick'], now);
    let known: boolean;
    try {
      known = pick !== null && (await deps.lti.platform(pick.issuer, pick.clientId)) !== null;
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      return sendRefusal(res, databaseDown(e));
    }
    if (pick === null || !known)
      return sendRefusal(res, refusal(400, 'Choice expired',
        'This lab choice is older than half an hour or did not come from the LMS. Start again with the LMS\'s "Select content" button.'));
    const lab = deps.labs().find((l) => l.id === body['lab']);
    if (!lab) return sendRefusal(res, refusal(400, 'No lab chosen', 'Choose one of the labs, then press the button.'));
    const origin = originOf(req, deps.config);
    if (origin === null) return sendRefusal(res, refusal(400, 'Bad request', 'The request has no usable Host header.'));
    const jwt = await deepLinkingResponse(deps.toolKey, pick, lab, origin, now);
    // Our CSP lets forms post only to this server: this one page may also post to the platform's return URL.
    const csp = String(res.getHeader('Content-Security-Policy') ?? contentSecurityPolicy(deps.config.frameAncestors));
    const returnOrigin = new URL(pick.returnUrl).origin;
    res.setHeader('Content-Security-Policy', csp.replace("form-action 'self'", `form-action 'self' ${returnOrigin}`));
    res.set('Cache-Control', 'no-store').type('html').send(returnPage(pick.returnUrl, jwt, lab.title));
  });
}

/** An instructor API handler whose database failure is a 503 in words (the class page shows it), not an internal error. */
function storeGuarded(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res) => {
    try {
      await fn(req, res);
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      res.status(503).json({ error: `Stacklab's database is not available right now (${e.message}). Try again in a moment.` });
    }
  };
}

function platformRoutes(app: Express, deps: RouteDeps, changed: () => void): void {
  const { config, lti } = deps;
  const instructor = instructorGuard(config);
  app.get('/api/instructor/lti/platforms', storeGuarded(async (req, res) => {
    if (!instructor(req, res)) return;
    const origin = originOf(req, config) ?? 'http://localhost';
    res.json({ platforms: await lti.platforms(), file: config.ltiPlatformsFile, tool: toolValues(origin, deps) });
  }));
  app.post('/api/instructor/lti/platforms', express.json({ limit: '8kb' }), storeGuarded(async (req, res) => {
    if (!instructor(req, res)) return;
    const r = parseRegistration(req.body, 'page');
    if ('error' in r) return void res.status(400).json({ error: r.error });
    const existing = await lti.platform(r.platform.issuer, r.platform.clientId);
    if (existing?.source === 'file')
      return void res.status(409).json({ error: `This platform is registered in ${config.ltiPlatformsFile}: change it there.` });
    if (!existing && (await lti.platforms()).length >= 200) return void res.status(409).json({ error: 'At most 200 platforms.' });
    await lti.savePlatform(r.platform);
    changed();
    res.status(existing ? 200 : 201).json({ platform: r.platform });
  }));
  app.delete('/api/instructor/lti/platforms', storeGuarded(async (req, res) => {
    if (!instructor(req, res)) return;
    const issuer = req.query['issuer'];
    const clientId = req.query['clientId'];
    const p = typeof issuer === 'string' && typeof clientId === 'string' ? await lti.platform(issuer, clientId) : null;
    if (!p) return void res.status(404).json({ error: 'No such platform (give ?issuer=…&clientId=…).' });
    if (p.source === 'file')
      return void res.status(409).json({ error: `This platform is registered in ${config.ltiPlatformsFile}: remove it there.` });
    await lti.deletePlatform(p.issuer, p.clientId);
    changed();
    res.json({ deleted: { issuer: p.issuer, clientId: p.clientId } });
  }));
}

export function ltiRoutes(app: Express, deps: RouteDeps): void {
  const frames = platformFrames(deps.config, deps.lti);
  app.use(frames.handler);
  launchRoutes(app, deps);
  deepLinkRoute(app, deps);
  app.get('/lti/jwks', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(toolJwks(deps.toolKey));
  });
  app.get('/lti/config', (req, res) => {
    res.json(toolValues(originOf(req, deps.config) ?? 'http://localhost', deps));
  });
  app.get('/lti/canvas.json', (req, res) => {
    res.json(canvasConfig(originOf(req, deps.config) ?? 'http://localhost'));
  });
  platformRoutes(app, deps, frames.changed);
}
