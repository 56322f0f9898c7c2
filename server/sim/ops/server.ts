/** Nova servers as a networking learner meets them: NIC selection, ports, BUILD -> ACTIVE, delete. */
import type { Cloud } from '../model/cloud.js';
import type { Server } from '../model/compute.js';
import type { Network } from '../model/network.js';
import type { Port } from '../model/port.js';
import { novaError, SimError } from '../errors.js';
import { hex } from '../rng.js';
import { newId, now, touch } from './context.js';
import { createPort, removePort, type FixedIpRequest } from './port.js';
import { removeById, shareElements, writable } from '../clone.js';
import { grants } from './rbac.js';
import { visibleNetworks } from '../visibility.js';
import { portById } from '../index.js';

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
  // A boot appends ports and reads the floating IPs: the draft shares both (binding a port the
  // user gave writes to it, and the boot then runs again on copies).
  shareElements(c, 'ports');
  shareElements(c, 'floatingIps');
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
      const p = portById(c, nic.portId);
      if (!p) throw novaError.badRequest(PATH, `Port id ${nic.portId} could not be found.`);
      if (p.deviceId !== '') throw novaError.conflict(PATH, `Port ${p.id} is still in use.`);
      bindPort(c, p, id, req.availabilityZone ?? 'nova', host);
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
  for (const found of c.servers) {
    if (found.status !== 'BUILD' || c.tick < found.activeAfter) continue;
    // Each changed through writable: the draft may share the others with the published cloud.
    const s = writable(c, 'servers', found);
    s.status = 'ACTIVE';
    s.launchedAt = now(c);
    s.updatedAt = now(c);
    for (const nic of s.nics) {
      const p = portById(c, nic.portId);
      if (p && p.status !== 'ACTIVE') {
        const own = writable(c, 'ports', p);
        own.status = 'ACTIVE';
        touch(c, own);
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
  forgetGuestState(s);
  s.updatedAt = now(c);
  for (const p of serverPorts(c, s)) {
    if (p.status === portStatus) continue;
    p.status = portStatus;
    touch(c, p);
  }
}

export function deleteServer(c: Cloud, s: Server): void {
  for (const nic of s.nics) {
    const p = portById(c, nic.portId);
    if (!p) continue;
    releasePort(c, p, nic.created);
  }
  removeById(c, 'servers', s.id);
}

/**
 * A port the user gave Nova, bound to the server on its host (Neutron counts two revisions): the
 * port as changed (the draft's own copy when it shared the one given: clone.ts writable).
 */
function bindPort(c: Cloud, found: Port, serverId: string, zone: string, host: string): Port {
  const p = writable(c, 'ports', found);
  p.deviceId = serverId;
  p.deviceOwner = `compute:${zone}`;
  p.bindingHostId = host;
  p.bindingVifType = 'ovs';
  touch(c, p, 2);
  return p;
}

/** What Nova does with a port it lets go: deletes one it created, unbinds one it was given. */
function releasePort(c: Cloud, found: Port, created: boolean): void {
  if (created) {
    removePort(c, found);
    return;
  }
  const p = writable(c, 'ports', found);
  p.deviceId = '';
  p.deviceOwner = '';
  p.bindingHostId = '';
  p.bindingVifType = 'unbound';
  p.status = 'DOWN';
  touch(c, p);
}

export interface InterfaceAttach {
  networkId?: string;
  portId?: string;
  /** The one fixed IP asked for on the network (`fixed_ips[0].ip_address`). */
  fixedIp?: string;
  /** The device tag (2.49 and later). */
  tag?: string;
}

function interfacePath(s: Server): string {
  return `/servers/${s.id}/os-interface`;
}

/** compute.API's check_instance_state for interface attach/detach: active, paused or stopped. */
function checkInterfaceState(s: Server, action: 'attach_interface' | 'detach_interface'): void {
  if (s.status !== 'ACTIVE' && s.status !== 'SHUTOFF') {
    throw novaError.conflict(interfacePath(s), `Cannot '${action}' instance ${s.id} while it is in vm_state ${vmState(s)}`);
  }
}

/**
 * os-interface POST: Nova hot-plugs a port into the guest (nova/compute/manager.py
 * attach_interface through nova/network/neutron.py allocate_for_instance): a port the user gave
 * (theirs, unbound), or a new port on a network (the one asked for, or the only one the project
 * can use), which Neutron gives the project's default group (Nova passes none). Returns the port.
 */
export function attachInterface(c: Cloud, s: Server, req: InterfaceAttach): Port {
  const path = interfacePath(s);
  if (req.networkId !== undefined && req.portId !== undefined) throw novaError.badRequest(path, 'Must not input both network_id and port_id');
  if (req.fixedIp !== undefined && req.networkId === undefined) throw novaError.badRequest(path, 'Must input network_id when request IP address');
  checkInterfaceState(s, 'attach_interface');
  const portStatus = s.status === 'ACTIVE' ? 'ACTIVE' : 'DOWN';
  if (req.portId !== undefined) {
    const p = c.ports.find((x) => x.id === req.portId && (c.auth.admin || x.projectId === c.auth.projectId));
    if (!p) throw novaError.notFound(path, `Port id ${req.portId} could not be found.`);
    if (p.projectId !== s.projectId) throw novaError.badRequest(path, `Port ${p.id} not usable for instance ${s.id}.`);
    if (p.deviceId !== '') throw novaError.conflict(path, `Port ${p.id} is still in use.`);
    const bound = bindPort(c, p, s.id, s.availabilityZone, s.host);
    if (bound.status !== portStatus) bound.status = portStatus;
    s.nics.push({ portId: p.id, created: false, ...(req.tag !== undefined ? { tag: req.tag } : {}), hotplugged: true });
    s.updatedAt = now(c);
    return bound;
  }
  let net: Network | undefined;
  if (req.networkId !== undefined) {
    const id = req.networkId;
    net = visibleNetworks(c).find((n) => n.id === id);
    if (!net) throw novaError.notFound(path, `Network ${id} could not be found.`);
  } else {
    const usable = usableNetworks(c);
    if (usable.length === 0) throw novaError.badRequest(path, `No specific network was requested and none are available for project '${s.projectId}'.`);
    if (usable.length > 1) throw novaError.badRequest(path, 'Multiple possible networks found, use a Network ID to be more specific.');
    net = usable[0] as Network;
  }
  if (net.external && !net.shared && !c.auth.admin) throw novaError.forbidden(path, `It is not allowed to create an interface on external network ${net.id}`);
  if (net.portSecurityEnabled && !c.subnets.some((x) => x.networkId === net.id)) {
    throw novaError.badRequest(path, 'Network requires port_security_enabled and subnet associated in order to apply security groups.');
  }
  let port: Port;
  try {
    port = createPort(c, {
      networkId: net.id,
      projectId: s.projectId,
      deviceId: s.id,
      deviceOwner: `compute:${s.availabilityZone}`,
      bindingHostId: s.host,
      ...(req.fixedIp !== undefined ? { fixedIps: [{ ipAddress: req.fixedIp }] } : {}),
      path: '/v2.0/ports',
    } as Parameters<typeof createPort>[1]);
  } catch (e) {
    throw attachRefusal(path, net, req.fixedIp, e);
  }
  port.status = portStatus;
  s.nics.push({ portId: port.id, created: true, ...(req.tag !== undefined ? { tag: req.tag } : {}), hotplugged: true });
  s.updatedAt = now(c);
  return port;
}

/**
 * Neutron's refusal of the port Nova asked for, as Nova's _create_port_minimal turns it: an
 * address in use is a 409, an exhausted network a 400; an address off the network is raised as
 * InvalidInput, which the API does not expect: its 500 names the class the RPC call rebuilt.
 */
function attachRefusal(path: string, net: Network, fixedIp: string | undefined, e: unknown): unknown {
  if (!(e instanceof SimError)) return e;
  if (/already allocated|in use/.test(e.message) && fixedIp !== undefined) return novaError.conflict(path, `Fixed IP ${fixedIp} is already in use.`);
  if (e.status === 409 && /^Quota exceeded/.test(e.message)) return novaError.forbidden(path, 'Maximum number of ports exceeded');
  if (e.status === 409 && /No more IP addresses/.test(e.message)) return novaError.badRequest(path, `No fixed IP addresses available for network: ${net.id}`);
  if (e.status === 400 && fixedIp !== undefined) {
    return new SimError(500, "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'nova.exception_Remote.InvalidInput_Remote'>", path, 'compute');
  }
  return novaError.badRequest(path, e.message);
}

/**
 * os-interface DELETE: an RPC cast to the compute host, so the API answers 202 whatever it
 * finds; the host unplugs the port if the server has it (deleting a port Nova created) and
 * otherwise only logs "Port … is not attached".
 */
export function detachInterface(c: Cloud, s: Server, portId: string): boolean {
  checkInterfaceState(s, 'detach_interface');
  const nic = s.nics.find((n) => n.portId === portId);
  if (!nic) return false;
  s.nics = s.nics.filter((n) => n !== nic);
  const p = portById(c, portId);
  if (p) releasePort(c, p, nic.created);
  s.updatedAt = now(c);
  return true;
}

export function serverPorts(c: Cloud, s: Server): Port[] {
  return s.nics.map((n) => portById(c, n.portId)).filter((p): p is Port => p !== undefined);
}

/**
 * The guest ran its DHCP client on NIC number `index` (`sudo udhcpc -i eth1`): the NIC is up
 * until the guest next boots. A new cloud; the one given is not changed.
 */
export function guestBringsUp(c: Cloud, serverId: string, index: number): Cloud {
  return {
    ...c,
    servers: c.servers.map((s) => (s.id !== serverId || s.nics[index] === undefined ? s
      : { ...s, nics: s.nics.map((n, i) => (i === index ? { ...n, guestUp: true } : n)) })),
  };
}

/** A boot forgets what the guest did by hand: a DHCP client's NICs, links set, addresses and routes added. */
export function forgetGuestState(s: Server): void {
  if (s.nics.some((n) => n.guestUp !== undefined || n.linkUp !== undefined || n.addrs !== undefined)) {
    s.nics = s.nics.map(({ guestUp: _u, linkUp: _l, addrs: _a, ...n }) => n);
  }
  if (s.guestDefault !== undefined) delete s.guestDefault;
  if (s.guestRoutes !== undefined) delete s.guestRoutes;
}

/** What the learner changes by hand in the guest: a NIC's link or addresses, its default route. */
export interface GuestChange {
  nic?: { index: number; linkUp?: boolean; addrs?: string[] };
  /** null: the default route deleted. */
  guestDefault?: { via: string; dev: number } | null;
  /** The guest's routes added by hand, all of them (empty: none left). */
  guestRoutes?: Array<{ dest: string; via: string | null; dev: number }>;
}

/** The cloud with that change in the guest of `serverId` (a new cloud; the one given is not changed). */
export function guestChanges(c: Cloud, serverId: string, change: GuestChange): Cloud {
  return {
    ...c,
    servers: c.servers.map((s) => {
      if (s.id !== serverId) return s;
      const next: Server = { ...s };
      const n = change.nic;
      if (n) next.nics = s.nics.map((x, i) => (i === n.index ? { ...x, ...(n.linkUp !== undefined ? { linkUp: n.linkUp } : {}), ...(n.addrs !== undefined ? { addrs: n.addrs } : {}) } : x));
      if (change.guestDefault === null) delete next.guestDefault;
      else if (change.guestDefault !== undefined) next.guestDefault = change.guestDefault;
      if (change.guestRoutes?.length === 0) delete next.guestRoutes;
      else if (change.guestRoutes !== undefined) next.guestRoutes = change.guestRoutes;
      return next;
    }),
  };
}
