/**
 * Nova servers (`/servers`, microversion 2.1 as OSC 6.0 and novaclient ask for it) as the API
 * returns them, the list with its filters, and the writes: boot, delete, console output.
 */
import type { Cloud } from '../../model/cloud.js';
import type { Server } from '../../model/compute.js';
import { novaError } from '../../errors.js';
import { consoleLog } from '../../dataplane/console.js';
import {
  createServer as opCreateServer,
  deleteServer as opDeleteServer,
  serverPorts,
  startServer as opStartServer,
  stopServer as opStopServer,
  vmState,
  type ServerCreate,
} from '../../ops/server.js';
import { password } from '../../rng.js';
import type { JsonObject } from '../json.js';

export type { NicRequest, ServerCreate } from '../../ops/server.js';

/** Nova's power states (nova.compute.power_state), by the integer the API returns. */
export const POWER_STATES = ['NOSTATE', 'Running', '', 'Paused', 'Shutdown', '', 'Crashed', 'Suspended'] as const;

/** The power state Nova reports for a status: a stopped guest is Shutdown (4). */
const POWER_STATE: Record<Server['status'], number> = { BUILD: 0, ACTIVE: 1, SHUTOFF: 4, ERROR: 0 };

/** The key of a network in `addresses`: its name (its id if it is gone). */
function networkLabel(c: Cloud, networkId: string): string {
  return c.networks.find((n) => n.id === networkId)?.name ?? networkId;
}

/**
 * The keys of the server's `addresses` in the order Nova's JSON holds them (NIC order). A
 * JavaScript object puts integer-like keys (a network named `42`) first, so a client that prints
 * them in the API's order takes it from here.
 */
export function addressesOrder(c: Cloud, id: string): string[] {
  return [...new Set(serverPorts(c, getServer(c, id)).map((p) => networkLabel(c, p.networkId)))];
}

/**
 * `addresses`: the server's ports in NIC order, keyed by network name, each with its fixed IPs
 * (in the port's order) then the floating IPs on that port.
 */
function addresses(c: Cloud, s: Server): JsonObject {
  // A Map, not an object: a network may be named `constructor` or `__proto__`.
  const out = new Map<string, JsonObject[]>();
  for (const p of serverPorts(c, s)) {
    const label = networkLabel(c, p.networkId);
    let list = out.get(label);
    if (!list) out.set(label, (list = []));
    const entry = (addr: string, type: string): JsonObject => ({
      version: addr.includes(':') ? 6 : 4,
      addr,
      'OS-EXT-IPS:type': type,
      'OS-EXT-IPS-MAC:mac_addr': p.macAddress,
    });
    for (const f of p.fixedIps) list.push(entry(f.ipAddress, 'fixed'));
    for (const f of c.floatingIps) if (f.portId === p.id) list.push(entry(f.floatingIpAddress, 'floating'));
  }
  return Object.fromEntries(out);
}

/** A server as GET /servers/{id} returns it; the OS-EXT-SRV-ATTR keys are an admin's only. */
export function serverDict(c: Cloud, s: Server): JsonObject {
  // Placed on a host: booted once (a stopped server keeps its host).
  const active = s.status === 'ACTIVE' || s.status === 'SHUTOFF';
  const d: JsonObject = {
    id: s.id,
    name: s.name,
    status: s.status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: { ...s.properties },
    hostId: active ? s.hostId : '',
    image: { id: s.imageId },
    flavor: { id: s.flavorId },
    created: s.createdAt,
    updated: s.updatedAt,
    addresses: addresses(c, s),
    accessIPv4: '',
    accessIPv6: '',
    'OS-DCF:diskConfig': 'MANUAL',
    progress: 0,
    'OS-EXT-AZ:availability_zone': active ? s.availabilityZone : '',
    config_drive: s.configDrive ? 'True' : '',
    key_name: s.keyName,
    'OS-SRV-USG:launched_at': s.launchedAt === null ? null : `${s.launchedAt.replace('Z', '')}.000000`,
    'OS-SRV-USG:terminated_at': null,
    security_groups: s.securityGroups.map((g) => ({ name: g })),
    'OS-EXT-STS:task_state': active ? null : 'scheduling',
    'OS-EXT-STS:vm_state': vmState(s),
    'OS-EXT-STS:power_state': POWER_STATE[s.status],
    'os-extended-volumes:volumes_attached': [],
  };
  if (c.auth.admin) {
    const index = c.servers.indexOf(s) + 1;
    d['OS-EXT-SRV-ATTR:host'] = active ? s.host : null;
    d['OS-EXT-SRV-ATTR:instance_name'] = `instance-${index.toString(16).padStart(8, '0')}`;
    d['OS-EXT-SRV-ATTR:hypervisor_hostname'] = active ? `${s.host}.localdomain` : null;
  }
  return d;
}

/** The servers the caller may see: an admin's across projects with all_tenants, else the project's. */
function visibleServers(c: Cloud, allTenants: boolean): Server[] {
  return c.servers.filter((s) => (c.auth.admin && allTenants) || s.projectId === c.auth.projectId);
}

/** A string test for the filters Nova matches as regular expressions (the caller compiles them). */
export type Matcher = (text: string) => boolean;

/** GET /servers/detail's query. */
export interface ServerQuery {
  /** all_tenants (admin only; ignored for others). */
  allTenants?: boolean;
  /** name, ip, ip6: regular expressions, matched by the caller's linear-time matcher. */
  name?: Matcher;
  ip?: Matcher;
  ip6?: Matcher;
  /** Exact status, upper case as the API keeps it. */
  status?: string;
  flavorId?: string;
  imageId?: string;
  /** An admin filter: Nova drops it for other users. */
  host?: string;
  limit?: number;
}

function hasIp(c: Cloud, s: Server, version: 4 | 6, m: Matcher): boolean {
  return serverPorts(c, s).some((p) => p.fixedIps.some((f) => (f.ipAddress.includes(':') ? 6 : 4) === version && m(f.ipAddress)));
}

/** GET /servers/detail: newest first, filtered. */
/** Nova's policy on `all_tenants`: only an admin lists every project's servers (403 in Nova's words). */
export function allTenantsRefused(c: Cloud, detail: boolean): string | null {
  return c.auth.admin ? null : `Policy doesn't allow os_compute_api:servers:${detail ? 'detail' : 'index'}:get_all_tenants to be performed.`;
}

/** Throws Nova's 403 when the caller may not list every project's servers. */
export function checkAllTenants(c: Cloud, detail: boolean): void {
  const refused = allTenantsRefused(c, detail);
  if (refused !== null) throw novaError.forbidden(`/servers${detail ? '/detail' : ''}`, refused);
}

export function listServers(c: Cloud, q: ServerQuery = {}): JsonObject[] {
  let servers = [...visibleServers(c, q.allTenants === true)].reverse();
  const { name, ip, ip6, status, flavorId, imageId, host } = q;
  if (name) servers = servers.filter((s) => name(s.name));
  if (status !== undefined) servers = servers.filter((s) => s.status === status);
  if (flavorId !== undefined) servers = servers.filter((s) => s.flavorId === flavorId);
  if (imageId !== undefined) servers = servers.filter((s) => s.imageId === imageId);
  if (host !== undefined && c.auth.admin) servers = servers.filter((s) => s.host === host);
  if (ip) servers = servers.filter((s) => hasIp(c, s, 4, ip));
  if (ip6) servers = servers.filter((s) => hasIp(c, s, 6, ip6));
  if (q.limit !== undefined && q.limit >= 0) servers = servers.slice(0, q.limit);
  return servers.map((s) => serverDict(c, s));
}

/** The server with that id, or Nova's 404. */
export function getServer(c: Cloud, id: string): Server {
  const s = c.servers.find((x) => x.id === id);
  if (!s) throw novaError.notFound(`/servers/${id}`, `Instance ${id} could not be found.`);
  return s;
}

/** GET /servers/{id} */
export function showServer(c: Cloud, id: string): JsonObject {
  return serverDict(c, getServer(c, id));
}

/** POST /servers: the new server (BUILD), with the admin password Nova generates once. */
export function createServer(c: Cloud, req: ServerCreate): JsonObject {
  const s = opCreateServer(c, req);
  return Object.assign(serverDict(c, s), { adminPass: password(c.rng, 12) });
}

/** DELETE /servers/{id} */
export function deleteServer(c: Cloud, id: string): void {
  opDeleteServer(c, getServer(c, id));
}

/** POST /servers/{id}/action os-stop (202; Nova powers off asynchronously, done by the caller's next request). */
export function stopServer(c: Cloud, id: string): void {
  opStopServer(c, getServer(c, id));
}

/** POST /servers/{id}/action os-start */
export function startServer(c: Cloud, id: string): void {
  opStartServer(c, getServer(c, id));
}

/**
 * POST /servers/{id}/action os-getConsoleOutput: the console log, or its last `length` lines
 * (the text ends with a newline, so one more piece is kept).
 */
export function consoleOutput(c: Cloud, id: string, length?: number): string {
  const text = consoleLog(c, getServer(c, id));
  return length !== undefined && length > 0 ? text.split('\n').slice(-length - 1).join('\n') : text;
}

/** The ids of the ports the server is plugged into, in NIC order (what OSC lists to add a floating IP). */
export function serverPortsOf(c: Cloud, id: string): Array<{ id: string; fixedIps: string[] }> {
  return serverPorts(c, getServer(c, id)).map((p) => ({ id: p.id, fixedIps: p.fixedIps.map((f) => f.ipAddress) }));
}
