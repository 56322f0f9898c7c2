/**
 * The OpenStack REST APIs on a learner's workspace (issue #17): what each service answers is the
 * simulation's (server/sim/api/services.ts); this runs a call on the workspace's session as a
 * terminal command runs on it — a read on the cloud as it is, a write to a new cloud that then
 * ends as a typed line ends (afterCommand) — for the workspace to record and the web layer to carry.
 */
import type { Workspace } from './index.js';
import type { SessionState } from '../shell/session.js';
import { afterCommand } from '../shell/session.js';
import { SERVICES } from '../sim/api/services.js';
import { READ_METHODS, type Answer, type ApiCall, type ApiContext, type ServiceType } from '../sim/api/request.js';
import type { ApiRequestRecord } from '../store/types.js';
import { rolesOf } from '../sim/ops/context.js';

export { internalError, unauthorized, type Answer } from '../sim/api/neutron/rest.js';
export type { ApiCall, ApiContext, ServiceType } from '../sim/api/request.js';

/** The services the cloud answers for, in the catalog's order. */
export function serviceTypes(): ServiceType[] {
  return (['network', 'compute', 'image', 'load-balancer'] as const).filter((t) => SERVICES[t] !== undefined);
}

export const isRead = (call: { method: string }) => READ_METHODS.has(call.method);

/** The answer to a call that needs no token (version discovery), or null when it needs one. */
export function anonymousAnswer(call: ApiCall, ctx: ApiContext): Answer | null {
  return SERVICES[call.service]?.anonymous(call, ctx) ?? null;
}

/**
 * Runs a call on a session: the answer and the session after it (the same session for a read;
 * for a write, its cloud as the service left it, the clock moved on as after a command).
 */
export function runApiCall(state: SessionState, call: ApiCall, ctx: ApiContext): { state: SessionState; answer: Answer } {
  const service = SERVICES[call.service];
  if (!service) throw new Error(`no such service: ${call.service}`);
  const r = service.handle(state.cloud, call, ctx);
  if (isRead(call)) return { state, answer: r.answer };
  return { state: { ...state, cloud: afterCommand(r.cloud, 0, r.cloud === state.cloud) }, answer: r.answer };
}

/** A recorded request as a call again (replay), or null when its service is not served any more. */
export function callOf(r: ApiRequestRecord): ApiCall | null {
  const service = r.service as ServiceType;
  if (!SERVICES[service]) return null;
  return { service, method: r.method, path: r.path, query: r.query, body: r.body, ...(r.microversion !== undefined ? { microversion: r.microversion } : {}) };
}

/** Replays a recorded API write on a session (its answer is not needed). */
export function replayApiCall(state: SessionState, r: ApiRequestRecord): SessionState {
  const call = callOf(r);
  return call ? runApiCall(state, call, { base: '' }).state : state;
}

/** The roles a token for the workspace's learner carries (Keystone's token body lists them). */
export function grantedRoles(w: Workspace): readonly string[] {
  return rolesOf(w.state().cloud);
}
