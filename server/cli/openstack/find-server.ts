/** Finding a server by name or id, as OSC's compute commands do (and `port list --server`). */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Server } from '../../sim/model/compute.js';
import { LookupError } from '../errors.js';
import { findBy } from './common.js';

/** novaclient's find (OSC's compute commands still use it), with its messages. */
export function findServer(c: Cloud, nameOrId: string): Server {
  const visible = c.servers.filter((s) => c.auth.admin || s.projectId === c.auth.projectId);
  const byId = visible.find((s) => s.id === nameOrId);
  if (byId) return byId;
  const byName = visible.filter((s) => s.name === nameOrId);
  if (byName.length === 1) return byName[0] as Server;
  if (byName.length > 1) {
    throw new LookupError(`More than one server exists with the name '${nameOrId}'.`);
  }
  throw new LookupError(`No server with a name or ID of '${nameOrId}' exists.`);
}

/**
 * openstacksdk's find_server (the commands OSC 6.0 runs through the sdk): a GET by id (any server
 * the caller may see), else Nova's list filtered by name, which is the caller's own project's
 * servers (no all_projects), exact names only; its "No Server found for …".
 */
export function sdkFindServer(c: Cloud, nameOrId: string): Server {
  const byId = c.servers.find((s) => s.id === nameOrId && (c.auth.admin || s.projectId === c.auth.projectId));
  if (byId) return byId;
  return findBy(c.servers.filter((s) => s.projectId === c.auth.projectId), 'Server', nameOrId);
}
