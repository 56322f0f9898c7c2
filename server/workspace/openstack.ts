/**
 * The OpenStack REST APIs' reads on a learner's workspace (issue #17): what the service answers
 * is the simulation's (server/sim/api/neutron/rest.ts); this runs it on the workspace's current
 * cloud, as a terminal command runs on it, for the web layer to carry.
 */
import type { Workspace } from './index.js';
import { neutronGet, type Answer } from '../sim/api/neutron/rest.js';
import { rolesOf } from '../sim/ops/context.js';

export { internalError, methodNotAllowed, neutronVersions, rootNotFound, unauthorized, type Answer } from '../sim/api/neutron/rest.js';

/** Neutron's answer to `GET /v2.0/SEGMENTS?PAIRS` on the workspace's cloud as it is now. */
export function neutronRead(w: Workspace, segments: readonly string[], pairs: ReadonlyArray<readonly [string, string]>, base: string, accept: string | undefined): Answer {
  return neutronGet(w.state().cloud, segments, pairs, base, accept);
}

/** The roles a token for the workspace's learner carries (Keystone's token body lists them). */
export function grantedRoles(w: Workspace): readonly string[] {
  return rolesOf(w.state().cloud);
}
