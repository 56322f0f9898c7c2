/**
 * The OpenStack REST APIs of a learner's cloud, under `/openstack/` on the app's one port: one
 * router per service, sharing the token store. The web layer only transports: every answer comes
 * from the learner's live workspace and the dictionaries of server/sim/api. API calls are paid for
 * as terminal commands are: a call rate and a time budget per learner (per address before a token).
 */
import type { Express, Request, RequestHandler, Response } from 'express';
import type { Config } from '../config.js';
import { buckets, learnerBudget, LEARNER_CALLS, LEARNER_WORK_MS, type Buckets, type LearnerBudget } from '../limits.js';
import { clientAddresses } from '../client-address.js';
import type { Workspaces } from '../../workspace/index.js';
import { tokenContext, type TokenStore } from './tokens.js';
import { mountOf, OPENSTACK_PREFIX, SERVICES } from './endpoints.js';
import { keystoneRouter } from './keystone.js';
import type { AppCredentialStore } from '../../store/app-credentials.js';
import { serviceRouter, type ApiWork } from './service.js';
import { serviceTypes } from '../../workspace/openstack.js';
import { workMeter } from './work-meter.js';

export interface OpenstackDeps {
  workspaces: Workspaces;
  tokens: TokenStore;
  config: Config;
  /** Wall clock (ms): token issue and expiry, rate limits. */
  now: () => number;
  /** The learners' budget, shared with their terminals (a fresh one when absent). */
  budget?: LearnerBudget;
  /** The addresses' budget for calls without a token (a fresh one, ANONYMOUS_CALLS and ANONYMOUS_WORK_MS, when absent). */
  anonymous?: LearnerBudget;
  /** Keystone's application credentials (in memory when absent: tests). */
  appCredentials?: AppCredentialStore;
}

/** Calls a learner may make per second (sustained) and in a burst: the same allowance as their terminals', and drawn from the same buckets. */
export const API_CALLS = LEARNER_CALLS;
/** Milliseconds of server time a learner's calls may use per second, and in a burst. */
export const API_WORK_MS = LEARNER_WORK_MS;
/**
 * Calls without a token, per address: logins and junk. A class behind one NAT logs in once per
 * `openstack` command, so an address gets five learners' rate; each login is then charged to the
 * learner its password names too (`admit`).
 */
export const ANONYMOUS_CALLS = { rate: 100, burst: 300 };
/** Their time budget: such calls are cheap (opening a workspace is charged to its learner), but many. */
export const ANONYMOUS_WORK_MS = { rate: 500, burst: 2500 };

/** Admits a call for a learner (charging it and, when it ends, its time to them), or answers 429 and returns false. */
export type Admit = (learner: string, res: Response) => boolean;

const tooMany = (res: Response) =>
  res.status(429).set('Retry-After', '1').type('text').send('Too many API calls at once: slow down.\n');

/**
 * Charges each call to its learner (the token's) or, before a token, to the caller's address; its
 * server time is charged when the answer is sent, to the learner `admit` named if any. Server time
 * is work, not waiting (issue #19): a call on a workspace pays the workspace's work for it, any
 * other call what its work meter counted (work-meter.ts: the event loop's time on it and the
 * scrypt hashes it had run), so a busy server does not refuse logins for the time they queued.
 */
function apiLimits(deps: OpenstackDeps): { middleware: RequestHandler; admit: Admit } {
  const budget = deps.budget ?? learnerBudget();
  const anonymous = deps.anonymous ?? { calls: buckets({ ...ANONYMOUS_CALLS, maxKeys: 100_000 }), work: buckets({ ...ANONYMOUS_WORK_MS, maxKeys: 100_000 }) };
  // The caller's own address, also behind a trusted proxy (STACKLAB_TRUSTED_PROXIES).
  const addresses = clientAddresses(deps.config.trustedProxies);
  const admitKey = (key: string, kind: { calls: Buckets; work: Buckets }, res: Response) => {
    const now = deps.now();
    if (!kind.work.positive(key, now) || !kind.calls.take(key, now)) {
      tooMany(res);
      return false;
    }
    res.locals['apiCharge'] = { key, work: kind.work };
    return true;
  };
  const middleware: RequestHandler = (req: Request, res: Response, next) => {
    const ctx = tokenContext(deps.tokens, req.get('X-Auth-Token') ?? '', deps.now());
    // A learner's calls are charged to them (the key their terminals use); calls without a token to the address.
    const admitted = ctx ? admitKey(ctx.learner, budget, res) : admitKey(`address ${addresses.limitKey(addresses.of(req.socket.remoteAddress, req.headers['x-forwarded-for']))}`, anonymous, res);
    if (!admitted) return;
    const meter = workMeter();
    res.locals['apiMeter'] = meter;
    res.on('finish', () => {
      const charge = res.locals['apiCharge'] as { key: string; work: Buckets };
      // A call on a workspace pays the work done for it (as a terminal's line does), not the time
      // it waited behind other learners; the others (logins, catalogues, junk) what their meter counted.
      const work = res.locals['apiWork'] as ApiWork | undefined;
      charge.work.charge(charge.key, deps.now(), work ? work.workMs() - work.before : meter.total());
    });
    next();
  };
  return { middleware, admit: (learner, res) => admitKey(learner, budget, res) };
}

/** A path under /openstack that names no service Stacklab serves. */
function noSuchService(_req: Request, res: Response): void {
  const served = SERVICES.map((s) => `${OPENSTACK_PREFIX}/${s.type}`);
  res.status(404).type('text').send(`No such OpenStack service here: Stacklab serves ${served.slice(0, -1).join(', ')} and ${served.at(-1) ?? ''}.\n`);
}

/** Mounts every service's router under /openstack (before the client's catch-all page). */
export function openstackRoutes(app: Express, deps: OpenstackDeps): void {
  const limits = apiLimits(deps);
  app.use(OPENSTACK_PREFIX, limits.middleware);
  app.use(`${OPENSTACK_PREFIX}/identity`, keystoneRouter(deps, limits.admit, deps.appCredentials));
  for (const type of serviceTypes()) app.use(`${OPENSTACK_PREFIX}${mountOf(type)}`, serviceRouter(deps, type));
  app.use(OPENSTACK_PREFIX, noSuchService);
}
