/** Finding a server by name or id, as OSC's compute commands do (and `port list --server`). */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Server } from '../../sim/model/compute.js';
import { LookupError } from '../errors.js';

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
