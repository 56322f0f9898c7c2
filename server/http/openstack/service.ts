/**
 * One router per OpenStack service under /openstack/<type> (network, compute, image,
 * load-balancer): it carries the request in as an ApiCall, opens the token's workspace and
 * carries the simulation's answer out. What each service answers, reads and writes alike, is the
 * simulation's (server/sim/api/services.ts through server/workspace): a write is a command of the
 * learner's workspace, committed before the answer.
 */
import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import type { Workspaces } from '../../workspace/index.js';
import { anonymousAnswer, internalError, unauthorized, type Answer, type ApiCall, type ServiceType } from '../../workspace/openstack.js';
import { accessRulesPermit, tokenContext, type TokenStore } from './tokens.js';
import { openstackBase } from './endpoints.js';

export interface ServiceDeps {
  workspaces: Workspaces;
  tokens: TokenStore;
  config: Config;
  now: () => number;
}

/** oslo.middleware's sizelimit default (max_request_body_size), which every service's pipeline has. */
export const MAX_API_BODY = 114688;

/** The path after the mount point, split and decoded (a segment that does not decode is kept as sent). */
function segmentsOf(path: string): string[] {
  return path
    .replace(/^\//, '')
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

function pairsOf(originalUrl: string): Array<[string, string]> {
  const q = originalUrl.indexOf('?');
  return q < 0 ? [] : [...new URLSearchParams(originalUrl.slice(q + 1))];
}

/**
 * The microversion a Nova client asked for, as sent: `OpenStack-API-Version` when it names compute
 * (a header naming another service is not Nova's), else the legacy `X-OpenStack-Nova-API-Version`.
 */
function microversionOf(req: Request): string | undefined {
  const modern = req.get('OpenStack-API-Version');
  const v = modern !== undefined && /^\s*compute\b/i.test(modern) ? modern : (req.get('X-OpenStack-Nova-API-Version') ?? modern);
  return v === undefined ? undefined : v.slice(0, 100);
}

function send(res: Response, a: Answer, requestId: boolean, type: ServiceType): void {
  const body = Buffer.from(a.body, 'utf8');
  res.status(a.status);
  // A 202 or 204 of some services carries no Content-Type at all.
  if (a.contentType !== '') res.setHeader('Content-Type', a.contentType);
  res.setHeader('Content-Length', String(body.length));
  for (const [k, v] of Object.entries(a.headers ?? {})) res.setHeader(k, v);
  if (requestId) {
    const id = `req-${randomUUID()}`;
    res.setHeader('X-Openstack-Request-Id', id);
    if (type === 'compute') res.setHeader('X-Compute-Request-Id', id);
  }
  res.end(a.status === 204 || a.status === 304 ? undefined : body);
}

/** What a call did on a workspace, for the time budget: its work so far, and when the call began. */
export interface ApiWork {
  workMs: () => number;
  before: number;
}

/** The answer oslo.middleware's sizelimit gives a body over the limit. */
const TOO_LARGE: Answer = { status: 413, contentType: 'text/plain; charset=UTF-8', body: 'Request is too large.' };

/** The answer the store's failure gives: the write was not run. */
const NOT_SAVED: Answer = {
  status: 503,
  contentType: 'application/json',
  body: JSON.stringify({ error: 'Stacklab could not save this call, so it was not run. Your cloud is as it was; try again in a moment.' }),
  headers: { 'Retry-After': '5' },
};

/** The answer to one request (never throws for the client's input). */
async function answer(deps: ServiceDeps, type: ServiceType, req: Request, res: Response): Promise<{ answer: Answer; requestId: boolean }> {
  const base = `${openstackBase(req, deps.config)}/${type}`;
  const call: ApiCall = {
    service: type,
    method: req.method.toUpperCase(),
    path: segmentsOf(req.path),
    query: pairsOf(req.originalUrl),
    body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
  };
  const microversion = microversionOf(req);
  if (microversion !== undefined) call.microversion = microversion;
  const ctx = { base, ...(req.headers.accept !== undefined ? { accept: req.headers.accept } : {}) };
  const open = anonymousAnswer(call, ctx);
  if (open) return { answer: open, requestId: false };
  const token = req.headers['x-auth-token'];
  const t = typeof token === 'string' ? tokenContext(deps.tokens, token, deps.now()) : null;
  // A token from an application credential with access rules opens only the calls they name.
  if (!t || !accessRulesPermit(t, type, call.method, `/${call.path.join('/')}`)) return { answer: unauthorized(`${openstackBase(req, deps.config)}/identity`), requestId: false };
  const w = await deps.workspaces.open(t.learner, t.workspace);
  // The learner pays for the work done for the call, not for its wait (see apiLimits in index.ts).
  res.locals['apiWork'] = { workMs: () => w.workMs(), before: w.workMs() } satisfies ApiWork;
  return { answer: (await w.api(call, ctx)) ?? NOT_SAVED, requestId: true };
}

/** The router mounted at /openstack/<type>. */
export function serviceRouter(deps: ServiceDeps, type: ServiceType, log: (line: string) => void = (line) => console.error(line)): Router {
  const router = Router();
  router.use(express.raw({ type: () => true, limit: MAX_API_BODY }));
  router.use(async (req, res) => {
    try {
      const a = await answer(deps, type, req, res);
      send(res, a.answer, a.requestId, type);
    } catch (e) {
      const id = randomUUID();
      log(`${type} API internal error ${id} on ${req.method} ${JSON.stringify(req.originalUrl)}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      send(res, internalError(), true, type);
    }
  });
  // A body over the limit, or one that cannot be read: the service's pipeline refuses it before any controller.
  router.use((err: unknown, _req: Request, res: Response, next: (e?: unknown) => void) => {
    const status = (err as { status?: unknown } | null)?.status;
    if (status === 413) return send(res, TOO_LARGE, false, type);
    if (typeof status === 'number' && status >= 400 && status < 500) return send(res, { status: 400, contentType: 'text/plain; charset=UTF-8', body: 'The request body could not be read.' }, false, type);
    next(err);
  });
  return router;
}
