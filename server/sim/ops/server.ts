/** Nova servers as a networking learner meets them: NIC selection, ports, BUILD -> ACTIVE, delete. */
import type { Cloud } from '../model/cloud.js';
import type { Server } from '../model/compute.js';
import type { Network } from '../model/network.js';
import type { Port } from '../model/port.js';
import { novaError } from '../errors.js';
import { hex } from '../rng.js';
import { newId, now, touch } from './context.js';
import { createPort, removePort, type FixedIpRequest } from './port.js';
import { grants } from './rbac.js';

const PATH = '/servers';

export type NicRequest =
  | { kind: 'network'; networkId: string; v4FixedIp?: string; v6FixedIp?: string }
  | { kind: 'port'; portId: string };

export interface ServerCreate {
  name: string;
  flavorId: string;
  imageId: string;
  keyName?: string;
  securityGroups?: string[];
  /** undefined = let Nova pick (exactly one usable network), [] = --nic none. */
  nics?: NicRequest[];
  configDrive?: boolean;
  properties?: Record<string, string>;
  availabilityZone?: string;
  /** The user data file's text (`--user-data`). */
  userData?: string;
}

/** Networks Nova may plug a project's server into without being told: own + shared, not external-only. */
function usableNetworks(c: Cloud): Network[] {
  const shared = (n: Network) => n.shared || grants(c, 'network', n.id, 'access_as_shared', c.auth.projectId);
  return c.networks.filter((n) => (n.projectId === c.auth.projectId || shared(n)) && !(n.external && !shared(n)));
}

function checkNetwork(c: Cloud, net: Network): void {
  if (net.external && !net.shared && !c.auth.admin) {
    throw novaError.forbidden(PATH, `It is not allowed to create an interface on external network ${net.id}`);
  }
  if (!c.subnets.some((s) => s.networkId === net.id)) {
    throw novaError.badRequest(PATH, `Network ${net.id} requires a subnet in order to boot instances on.`);
  }
}

export function createServer(c: Cloud, req: ServerCreate): Server {
  if (req.keyName !== undefined && !c.keypairs.some((k) => k.name === req.keyName)) {
    throw novaError.badRequest(PATH, 'Invalid key_name provided.');
  }
  const mine = c.servers.filter((s) => s.projectId === c.auth.projectId).length;
  if (c.quotas.instances >= 0 && mine + 1 > c.quotas.instances) {
    throw novaError.forbidden(
      PATH,
      `Quota exceeded for instances: Requested 1, but already used ${mine} of ${c.quotas.instances} instances`,
    );
  }
  let nics = req.nics;
  if (nics === undefined) {
    const usable = usableNetworks(c);
    if (usable.length > 1) throw novaError.conflict(PATH, 'Multiple possible networks found, use a Network ID to be more specific.');
    nics = usable.map((n) => ({ kind: 'network' as const, networkId: n.id }));
  }
  const groups = req.securityGroups ?? ['default'];
  const groupIds: string[] = [];
  for (const g of groups) {
    const sg = c.securityGroups.find((x) => (x.id === g || x.name === g) && (x.projectId === c.auth.projectId || c.auth.admin));
    if (!sg) throw novaError.badRequest(PATH, `Security group ${g} not found for project ${c.auth.projectId}.`);
    groupIds.push(sg.id);
  }
  const id = newId(c);
  const host = c.config.computeHosts[0] ?? 'compute1';
  const ports: Array<{ portId: string; created: boolean }> = [];
  for (const nic of nics) {
    if (nic.kind === 'port') {
      const p = c.ports.find((x) => x.id === nic.portId);
      if (!p) throw novaError.badRequest(PATH, `Port id ${nic.portId} could not be found.`);
      if (p.deviceId !== '') throw novaError.conflict(PATH, `Port ${p.id} is still in use.`);
      p.deviceId = id;
      p.deviceOwner = `compute:${req.availabilityZone ?? 'nova'}`;
      p.bindingHostId = host;
      p.bindingVifType = 'ovs';
      touch(c, p, 2);
      ports.push({ portId: p.id, created: false });
      continue;
    }
    const net = c.networks.find((n) => n.id === nic.networkId);
    if (!net) throw novaError.badRequest(PATH, `Network ${nic.networkId} could not be found.`);
    checkNetwork(c, net);
    const fixed: FixedIpRequest[] | undefined =
      nic.v4FixedIp !== undefined || nic.v6FixedIp !== undefined
        ? [nic.v4FixedIp, nic.v6FixedIp].filter((x): x is string => x !== undefined).map((ipAddress) => ({ ipAddress }))
        : undefined;
    let port: Port;
    try {
      port = createPort(c, {
        networkId: net.id,
        deviceId: id,
        deviceOwner: `compute:${req.availabilityZone ?? 'nova'}`,
        securityGroupIds: net.portSecurityEnabled ? groupIds : undefined,
        fixedIps: fixed,
        bindingHostId: host,
        path: '/v2.0/ports',
      } as Parameters<typeof createPort>[1]);
    } catch (e) {
      const msg = (e as Error).message;
      const m = /IP address (\S+) already allocated/.exec(msg);
      if (m) {
        const holder = c.ports.find((p) => p.fixedIps.some((f) => f.ipAddress === m[1]));
        throw novaError.badRequest(PATH, `Fixed IP address ${m[1]} is already in use on instance ${holder?.deviceId ?? ''}.`);
      }
      throw novaError.badRequest(PATH, msg);
    }
    ports.push({ portId: port.id, created: true });
  }
  const t = now(c);
  const server: Server = {
    id,
    name: req.name,
    projectId: c.auth.projectId,
    userId: c.auth.userId,
    status: 'BUILD',
    flavorId: req.flavorId,
    imageId: req.imageId,
    keyName: req.keyName ?? null,
    securityGroups: groups.map((g) => c.securityGroups.find((x) => x.id === g || x.name === g)?.name ?? g),
    nics: ports,
    configDrive: req.configDrive ?? false,
    hostId: hex(c.rng, 56),
    host,
    availabilityZone: req.availabilityZone ?? 'nova',
    createdAt: t,
    updatedAt: t,
    launchedAt: null,
    properties: { ...(req.properties ?? {}) },
    ...(req.userData !== undefined ? { userData: req.userData } : {}),
    activeAfter: c.tick + 1,
  };
  c.servers.push(server);
  return server;
}

/** Advances asynchronous work: servers whose boot is done become ACTIVE with their ports. */
export function settle(c: Cloud): void {
  for (const s of c.servers) {
    if (s.status !== 'BUILD' || c.tick < s.activeAfter) continue;
    s.status = 'ACTIVE';
    s.launchedAt = now(c);
    s.updatedAt = now(c);
    for (const nic of s.nics) {
      const p = c.ports.find((x) => x.id === nic.portId);
      if (p && p.status !== 'ACTIVE') {
        p.status = 'ACTIVE';
        touch(c, p);
      }
    }
  }
}

/** Nova's vm_state for a status (nova.compute.vm_states), as its 409 errors name it. */
export function vmState(s: Server): string {
  return { BUILD: 'building', ACTIVE: 'active', SHUTOFF: 'stopped', ERROR: 'error' }[s.status];
}

/**
 * os-stop: only an ACTIVE (or ERROR) server stops, else Nova's 409 naming the vm_state. The
 * guest powers off and libvirt removes its tap device, so the agent reports its ports DOWN.
 */
export function stopServer(c: Cloud, s: Server): void {
  if (s.status !== 'ACTIVE' && s.status !== 'ERROR') throw invalidState(s, 'stop');
  setPower(c, s, 'SHUTOFF', 'DOWN');
}

/** os-start: only a stopped server starts; it boots again and its ports come back ACTIVE. */
export function startServer(c: Cloud, s: Server): void {
  if (s.status !== 'SHUTOFF') throw invalidState(s, 'start');
  setPower(c, s, 'ACTIVE', 'ACTIVE');
}

function invalidState(s: Server, action: string) {
  return novaError.conflict(`/servers/${s.id}/action`, `Cannot '${action}' instance ${s.id} while it is in vm_state ${vmState(s)}`);
}

function setPower(c: Cloud, s: Server, status: 'ACTIVE' | 'SHUTOFF', portStatus: 'ACTIVE' | 'DOWN'): void {
  s.status = status;
  s.updatedAt = now(c);
  for (const p of serverPorts(c, s)) {
    if (p.status === portStatus) continue;
    p.status = portStatus;
    touch(c, p);
  }
}

export function deleteServer(c: Cloud, s: Server): void {
  for (const nic of s.nics) {
    const p = c.ports.find((x) => x.id === nic.portId);
    if (!p) continue;
    if (nic.created) removePort(c, p);
    else {
      p.deviceId = '';
      p.deviceOwner = '';
      p.bindingHostId = '';
      p.bindingVifType = 'unbound';
      p.status = 'DOWN';
      touch(c, p);
    }
  }
  c.servers = c.servers.filter((x) => x.id !== s.id);
}

export function serverPorts(c: Cloud, s: Server): Port[] {
  return s.nics.map((n) => c.ports.find((p) => p.id === n.portId)).filter((p): p is Port => p !== undefined);
}
