/**
 * Neutron v2.0's read side (GET) under /openstack/network: the token opens its learner's
 * workspace, and what Neutron answers comes from server/sim/api/neutron/rest.ts through
 * server/workspace/openstack.ts; this module carries the request in and the bytes out.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import type { Workspaces } from '../../workspace/index.js';
import { internalError, methodNotAllowed, neutronRead, neutronVersions, rootNotFound, unauthorized, type Answer } from '../../workspace/openstack.js';
import { tokenContext, type TokenStore } from './tokens.js';
import { openstackBase } from './endpoints.js';

export interface NeutronDeps {
  workspaces: Workspaces;
  tokens: TokenStore;
  config: Config;
  now: () => number;
}

type Pairs = ReadonlyArray<readonly [string, string]>;

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

function pairsOf(originalUrl: string): Pairs {
  const q = originalUrl.indexOf('?');
  return q < 0 ? [] : [...new URLSearchParams(originalUrl.slice(q + 1))];
}

function send(res: Response, a: Answer, requestId: boolean): void {
  const body = Buffer.from(a.body, 'utf8');
  res.status(a.status);
  res.setHeader('Content-Type', a.contentType);
  res.setHeader('Content-Length', String(body.length));
  for (const [k, v] of Object.entries(a.headers ?? {})) res.setHeader(k, v);
  if (requestId) res.setHeader('X-Openstack-Request-Id', `req-${randomUUID()}`);
  res.end(body);
}

/** The answer to one request (never throws for the client's input). */
function answer(deps: NeutronDeps, req: Request): { answer: Answer; requestId: boolean } {
  const base = `${openstackBase(req, deps.config)}/network`;
  const segments = segmentsOf(req.path);
  const accept = req.headers.accept;
  if (segments[0] !== 'v2.0') {
    if (
      segments.length === 1 &&
      segments[0] === '' &&
      (req.method === 'GET' || req.method === 'HEAD')
    )
      return { answer: neutronVersions(base), requestId: false };
    return { answer: rootNotFound(accept), requestId: false };
  }
  const token = req.headers['x-auth-token'];
  const ctx = typeof token === 'string' ? tokenContext(deps.tokens, token, deps.now()) : null;
  if (!ctx)
    return {
      answer: unauthorized(`${openstackBase(req, deps.config)}/identity`),
      requestId: false,
    };
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return { answer: methodNotAllowed(), requestId: true };
  const w = deps.workspaces.open(ctx.learner, ctx.workspace);
  return { answer: neutronRead(w, segments.slice(1), pairsOf(req.originalUrl), base, accept), requestId: true };
}

/** The router mounted at /openstack/network. */
export function neutronRouter(
  deps: NeutronDeps,
  log: (line: string) => void = (line) => console.error(line),
): Router {
  const router = Router();
  router.use((req, res) => {
    try {
      const a = answer(deps, req);
      send(res, a.answer, a.requestId);
    } catch (e) {
      const id = randomUUID();
      log(
        `neutron API internal error ${id} on ${req.method} ${JSON.stringify(req.originalUrl)}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
      send(res, internalError(), true);
    }
  });
  return router;
}
