/**
 * Nova's server actions beyond start/stop (POST /servers/{id}/action): reboot, and adding or
 * removing a security group, which Nova does on the server's Neutron ports
 * (nova/network/security_group_api.py add_to_instance / remove_from_instance).
 */
import type { Cloud } from '../../model/cloud.js';
import type { Server } from '../../model/compute.js';
import type { SecurityGroup } from '../../model/security-group.js';
import { novaError, SimError } from '../../errors.js';
import { forgetGuestState, serverPorts, startServer, vmState } from '../../ops/server.js';
import { updatePort } from '../../ops/port.js';
import { now } from '../../ops/context.js';

function actionPath(s: Server): string {
  return `/servers/${s.id}/action`;
}

/**
 * reboot: SOFT needs a running guest; HARD also revives a stopped or failed one (it boots again,
 * as os-start does). Nova's 409 names the vm_state otherwise.
 */
export function rebootServer(c: Cloud, s: Server, hard: boolean): void {
  const allowed = hard ? ['ACTIVE', 'SHUTOFF', 'ERROR'] : ['ACTIVE'];
  if (!allowed.includes(s.status)) {
    throw novaError.conflict(
      actionPath(s),
      `Cannot 'reboot' instance ${s.id} while it is in vm_state ${vmState(s)}`,
    );
  }
  if (s.status === 'SHUTOFF') startServer(c, s);
  else {
    s.status = 'ACTIVE';
    s.updatedAt = now(c);
    forgetGuestState(s);
  }
}

/** neutronv20.find_resourceid_by_name_or_id within the caller's project: by id, then by a unique name. */
function findGroup(c: Cloud, s: Server, nameOrId: string): SecurityGroup {
  const mine = c.securityGroups.filter((g) => g.projectId === c.auth.projectId);
  const byId = mine.find((g) => g.id === nameOrId);
  if (byId) return byId;
  const byName = mine.filter((g) => g.name === nameOrId);
  if (byName.length > 1) {
    throw novaError.conflict(
      actionPath(s),
      `Multiple security_group matches found for name '${nameOrId}', use an ID to be more specific.`,
    );
  }
  const g = byName[0];
  if (!g)
    throw novaError.notFound(
      actionPath(s),
      `Security group ${nameOrId} is not found for project ${c.auth.projectId}`,
    );
  return g;
}

/** The server's group names as Nova lists them after a change: those on its ports, in first-seen order. */
export function syncGroups(c: Cloud, s: Server): void {
  const names: string[] = [];
  for (const p of serverPorts(c, s)) {
    for (const id of p.securityGroupIds) {
      const name = c.securityGroups.find((g) => g.id === id)?.name ?? id;
      if (!names.includes(name)) names.push(name);
    }
  }
  s.securityGroups = names;
  s.updatedAt = now(c);
}

/** addSecurityGroup: the group on every port of the server (a port without port security refuses it). */
export function addSecurityGroup(c: Cloud, s: Server, nameOrId: string): void {
  const g = findGroup(c, s, nameOrId);
  const ports = serverPorts(c, s);
  if (ports.length === 0)
    throw novaError.notFound(
      actionPath(s),
      `instance_id ${s.id} could not be found as device id on any ports`,
    );
  for (const p of ports) {
    if (!p.portSecurityEnabled || p.fixedIps.length === 0) {
      throw novaError.badRequest(
        actionPath(s),
        'Network requires port_security_enabled and subnet associated in order to apply security groups.',
      );
    }
    if (p.securityGroupIds.includes(g.id)) continue;
    try {
      updatePort(c, p, { securityGroupIds: [...p.securityGroupIds, g.id] });
    } catch (e) {
      if (e instanceof SimError && e.status === 400)
        throw novaError.badRequest(actionPath(s), e.message);
      throw e;
    }
  }
  syncGroups(c, s);
}

/** removeSecurityGroup: off every port holding it; Nova's 404 when none did. */
export function removeSecurityGroup(c: Cloud, s: Server, nameOrId: string): void {
  const g = findGroup(c, s, nameOrId);
  const ports = serverPorts(c, s);
  if (ports.length === 0)
    throw novaError.notFound(
      actionPath(s),
      `instance_id ${s.id} could not be found as device id on any ports`,
    );
  let found = false;
  for (const p of ports) {
    if (!p.securityGroupIds.includes(g.id)) continue;
    updatePort(c, p, { securityGroupIds: p.securityGroupIds.filter((x) => x !== g.id) });
    found = true;
  }
  if (!found)
    throw novaError.notFound(
      actionPath(s),
      `Security group ${nameOrId} not associated with the instance ${s.id}`,
    );
  syncGroups(c, s);
}
