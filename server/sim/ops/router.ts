/** Router operations for the legacy L3 agent: interfaces, external gateway with SNAT, static routes. */
import type { Cloud } from '../model/cloud.js';
import type { FixedIp, Port } from '../model/port.js';
import type { Route, Router } from '../model/router.js';
import type { Subnet } from '../model/subnet.js';
import type { Std } from '../model/std.js';
import { removeById, writable } from '../clone.js';
import { neutronError } from '../errors.js';
import { cidrContains, cidrsOverlap, hostRoutesProblem, parseCidr, parseIp } from '../ipam.js';
import { nestedPolicy, newStd, policyError, touch } from './context.js';
import { checkQuota } from './quota.js';
import { createPort, removePort, subnetCidr, type FixedIpRequest } from './port.js';
import { policyExpr } from './network.js';
import { mergeRoutes, PD_POOL_ID } from './subnet.js';
import { DEVICE_OWNER } from '../model/port.js';
import { findFirst, findInOrder, portById, PORTS_BY_DEVICE } from '../index.js';

/** The routers' collection (POST's URL, and the base of each router's). */
export const ROUTERS_PATH = '/v2.0/routers';
const PATH = ROUTERS_PATH;

export interface RouterCreate {
  name: string;
  description?: string;
  projectId?: string;
  adminStateUp?: boolean;
  distributed?: boolean;
  ha?: boolean;
  availabilityZoneHints?: string[];
}

export function createRouter(c: Cloud, req: RouterCreate): Router {
  const adminAttrs: string[] = [];
  if (req.distributed !== undefined) adminAttrs.push('distributed');
  if (req.ha !== undefined) adminAttrs.push('ha');
  if (!c.auth.admin && adminAttrs.length > 0) throw policyError(PATH, policyExpr('create_router', adminAttrs));
  const projectId = req.projectId ?? c.auth.projectId;
  checkQuota(c, 'router', projectId, c.routers.filter((r) => r.projectId === projectId).length, PATH);
  const std = newStd(c, req.name, projectId, req.description ?? '', 1);
  const r: Router = Object.assign<Std, Omit<Router, keyof Std>>(std, {
    adminStateUp: req.adminStateUp ?? true,
    status: 'ACTIVE',
    distributed: req.distributed ?? false,
    ha: req.ha ?? false,
    gateway: null,
    routes: [],
    availabilityZoneHints: req.availabilityZoneHints ?? [],
  });
  c.routers.push(r);
  return r;
}

export function routerPorts(c: Cloud, r: Router): Port[] {
  return findInOrder(c, PORTS_BY_DEVICE, r.id).filter((p) => p.deviceOwner.startsWith('network:router_'));
}

export function interfacePorts(c: Cloud, r: Router): Port[] {
  return routerPorts(c, r).filter((p) => p.deviceOwner !== DEVICE_OWNER.routerGateway);
}

export function gatewayPort(c: Cloud, r: Router): Port | undefined {
  return findFirst(c, PORTS_BY_DEVICE, r.id, (p) => p.deviceOwner === DEVICE_OWNER.routerGateway);
}

function subnetById(c: Cloud, id: string): Subnet | undefined {
  return c.subnets.find((s) => s.id === id);
}

/**
 * Neutron's check before a router takes new subnets (an interface, or a gateway's network): none
 * may be one the router already has an address on, nor overlap a subnet of its interfaces or any
 * subnet of its gateway's network. All ports are checked for the first rule before the second.
 */
function checkForDupRouterSubnets(c: Cloud, r: Router, subnets: Subnet[], path: string, except?: Port): void {
  const newIds = new Set(subnets.map((s) => s.id));
  const routerSubnetIds = new Set<string>();
  for (const p of routerPorts(c, r)) {
    if (p === except) continue;
    for (const f of p.fixedIps) {
      if (newIds.has(f.subnetId)) {
        throw neutronError.badRequest(path, `Bad router request: Router already has a port on subnet ${f.subnetId}.`);
      }
      if (p.deviceOwner === DEVICE_OWNER.routerGateway) {
        for (const s of c.subnets) if (s.networkId === p.networkId) routerSubnetIds.add(s.id);
      } else {
        routerSubnetIds.add(f.subnetId);
      }
    }
  }
  for (const existing of c.subnets) {
    if (!routerSubnetIds.has(existing.id)) continue;
    for (const s of subnets) {
      if (cidrsOverlap(subnetCidr(existing), subnetCidr(s))) {
        throw neutronError.badRequest(
          path,
          `Bad router request: Cidr ${s.cidr} of subnet ${s.id} overlaps with cidr ${existing.cidr} of subnet ${existing.id}.`,
        );
      }
    }
  }
}

/** `router add subnet`: a new port that takes the subnet's gateway address. */
export function addRouterInterfaceSubnet(c: Cloud, r: Router, s: Subnet): Port {
  const path = `${PATH}/${r.id}/add_router_interface`;
  // A member may plug a router into a shared network only through a port of its own.
  if (!c.auth.admin && s.projectId !== c.auth.projectId) {
    throw neutronError.badRequest(path, `Bad router request: Cannot add interface to router because subnet ${s.id} is not owned by project making the request.`);
  }
  if (s.gatewayIp === null) {
    throw neutronError.badRequest(path, 'Bad router request: Subnet for router interface must have a gateway IP.');
  }
  if (s.ipVersion === 6 && s.ipv6AddressMode !== null && s.ipv6RaMode === null) {
    throw neutronError.badRequest(
      path,
      `Bad router request: IPv6 subnet ${s.id} configured to receive RAs from an external router cannot be added to Neutron Router.`,
    );
  }
  checkForDupRouterSubnets(c, r, [s], path);
  const port = createPort(c, {
    networkId: s.networkId,
    projectId: r.projectId,
    deviceOwner: DEVICE_OWNER.routerInterface,
    deviceId: r.id,
    // A subnet waiting for a delegated prefix: the router's address comes from its pool, not the gateway.
    fixedIps: [s.subnetpoolId === PD_POOL_ID ? { subnetId: s.id } : { subnetId: s.id, ipAddress: s.gatewayIp }],
    status: 'ACTIVE',
    bindingHostId: c.config.networkHost,
    path,
  });
  touch(c, port);
  touch(c, r);
  return port;
}

/** `router add port`: the port keeps its own addresses. */
export function addRouterInterfacePort(c: Cloud, r: Router, port: Port): Port {
  const path = `${PATH}/${r.id}/add_router_interface`;
  if (port.deviceId !== '' || port.deviceOwner !== '') {
    throw neutronError.conflict(
      path,
      `Unable to complete operation on port ${port.id} for network ${port.networkId}. Port already has an attached device ${port.deviceId}.`,
    );
  }
  if (port.fixedIps.length === 0) {
    throw neutronError.badRequest(path, 'Bad router request: Router port must have at least one fixed IP.');
  }
  const v4 = port.fixedIps.filter((f) => subnetById(c, f.subnetId)?.ipVersion === 4);
  if (v4.length > 1) {
    throw neutronError.badRequest(path, 'Bad router request: Cannot have multiple IPv4 subnets on router port.');
  }
  const subnets = port.fixedIps.map((f) => subnetById(c, f.subnetId)).filter((s): s is Subnet => s !== undefined);
  checkForDupRouterSubnets(c, r, subnets, path);
  port.deviceId = r.id;
  port.deviceOwner = DEVICE_OWNER.routerInterface;
  port.securityGroupIds = [];
  port.status = 'ACTIVE';
  port.bindingHostId = c.config.networkHost;
  port.bindingVifType = 'ovs';
  touch(c, port, 2);
  touch(c, r);
  return port;
}

function fipsBlockingInterface(c: Cloud, r: Router, subnetIds: string[]): boolean {
  return c.floatingIps.some((f) => {
    if (f.routerId !== r.id || f.portId === null) return false;
    const p = portById(c, f.portId);
    return p?.fixedIps.some((x) => subnetIds.includes(x.subnetId) && x.ipAddress === f.fixedIpAddress) ?? false;
  });
}

/** A static route whose next hop lies in a subnet keeps the router's interface on it (checked before floating IPs). */
function checkRoutesNeedInterface(c: Cloud, r: Router, subnetIds: string[], path: string): void {
  for (const id of subnetIds) {
    const sub = subnetById(c, id);
    if (!sub) continue;
    const needed = r.routes.some((x) => {
      const hop = parseIp(x.nexthop);
      return hop !== null && cidrContains(subnetCidr(sub), hop.version, hop.value);
    });
    if (needed) {
      throw neutronError.conflict(path, `Router interface for subnet ${id} on router ${r.id} cannot be deleted, as it is required by one or more routes.`);
    }
  }
}

export function removeRouterInterfaceSubnet(c: Cloud, r: Router, s: Subnet): Port {
  const path = `${PATH}/${r.id}/remove_router_interface`;
  const port = interfacePorts(c, r).find((p) => p.fixedIps.some((f) => f.subnetId === s.id));
  if (!port) throw neutronError.notFound(path, `Router ${r.id} has no interface on subnet ${s.id}`);
  checkRoutesNeedInterface(c, r, [s.id], path);
  if (fipsBlockingInterface(c, r, [s.id])) {
    throw neutronError.conflict(
      path,
      `Router interface for subnet ${s.id} on router ${r.id} cannot be deleted, as it is required by one or more floating IPs.`,
    );
  }
  let kept = port;
  if (port.fixedIps.length > 1) {
    kept = writable(c, 'ports', port);
    kept.fixedIps = port.fixedIps.filter((f) => f.subnetId !== s.id);
    touch(c, kept);
  } else {
    removePort(c, port);
  }
  touch(c, r);
  return kept;
}

export function removeRouterInterfacePort(c: Cloud, r: Router, port: Port): void {
  const path = `${PATH}/${r.id}/remove_router_interface`;
  if (port.deviceId !== r.id || port.deviceOwner === DEVICE_OWNER.routerGateway) {
    throw neutronError.notFound(path, `Router ${r.id} does not have an interface with id ${port.id}`);
  }
  checkRoutesNeedInterface(c, r, port.fixedIps.map((f) => f.subnetId), path);
  if (fipsBlockingInterface(c, r, port.fixedIps.map((f) => f.subnetId))) {
    throw neutronError.conflict(
      path,
      `Router interface for subnet ${port.fixedIps[0]?.subnetId ?? ''} on router ${r.id} cannot be deleted, as it is required by one or more floating IPs.`,
    );
  }
  removePort(c, port);
  touch(c, r);
}

export interface GatewayRequest {
  networkId: string;
  enableSnat?: boolean;
  fixedIps?: FixedIpRequest[];
}

/** The admin-only keys of a gateway a member names: the policy's refusal (checked before the router is made or changed). */
export function checkGatewayPolicy(c: Cloud, req: GatewayRequest, path: string, action: 'create_router' | 'update_router'): void {
  if (c.auth.admin) return;
  // enable_snat and external_fixed_ips are admin-only; the rule names every key the gateway has.
  const subs = ['network_id'];
  if (req.enableSnat !== undefined) subs.push('enable_snat');
  if (req.fixedIps !== undefined) subs.push('external_fixed_ips');
  if (subs.length > 1) throw policyError(path, nestedPolicy(action, 'external_gateway_info', subs));
}

function fipsNeedGateway(c: Cloud, r: Router, networkId: string): boolean {
  return c.floatingIps.some((f) => f.routerId === r.id && f.floatingNetworkId === networkId && f.portId !== null);
}

/**
 * Sets, changes or (with null) clears the router's external gateway. `path`: the request's (a
 * router created with its gateway fails on POST /v2.0/routers, and Neutron deletes it again).
 */
export function setRouterGateway(c: Cloud, r: Router, req: GatewayRequest | null, path = `${PATH}/${r.id}`): void {
  if (req === null) {
    // Clearing a gateway the router does not have is still an update: a revision (the oracle's).
    if (!r.gateway) {
      touch(c, r);
      return;
    }
    if (fipsNeedGateway(c, r, r.gateway.networkId)) {
      throw neutronError.conflict(
        path,
        `Gateway cannot be updated for router ${r.id}, since a gateway to external network ${r.gateway.networkId} is required by one or more floating IPs.`,
      );
    }
    const gp = gatewayPort(c, r);
    if (gp) removePort(c, gp);
    r.gateway = null;
    // The update, then the gateway port's removal twice over: three revisions (the oracle's).
    touch(c, r, 3);
    return;
  }
  checkGatewayPolicy(c, req, path, 'update_router');
  const net = c.networks.find((n) => n.id === req.networkId);
  if (!net) throw neutronError.notFound(path, `Network ${req.networkId} could not be found.`);
  if (!net.external) throw neutronError.badRequest(path, `Bad router request: Network ${net.id} is not an external network.`);
  for (const f of req.fixedIps ?? []) {
    const s = f.subnetId ? subnetById(c, f.subnetId) : undefined;
    if (f.ipAddress !== undefined && s && s.gatewayIp === f.ipAddress) {
      throw neutronError.badRequest(path, `Bad router request: External IP ${f.ipAddress} is the same as the gateway IP.`);
    }
  }
  const same = r.gateway !== null && r.gateway.networkId === net.id;
  if (r.gateway && !same && fipsNeedGateway(c, r, r.gateway.networkId)) {
    throw neutronError.conflict(
      path,
      `Gateway cannot be updated for router ${r.id}, since a gateway to external network ${r.gateway.networkId} is required by one or more floating IPs.`,
    );
  }
  let port = gatewayPort(c, r);
  if (!same) {
    // The old gateway goes first, so only the interfaces are checked against the new network.
    checkForDupRouterSubnets(c, r, c.subnets.filter((s) => s.networkId === net.id), path, port);
  }
  if (!same || req.fixedIps !== undefined) {
    if (port) removePort(c, port);
    port = createPort(c, {
      networkId: net.id,
      projectId: '',
      deviceOwner: DEVICE_OWNER.routerGateway,
      deviceId: r.id,
      fixedIps: req.fixedIps,
      status: 'ACTIVE',
      bindingHostId: c.config.networkHost,
      path,
    });
  }
  const ips: FixedIp[] = port ? port.fixedIps.map((f) => ({ ...f })) : [];
  r.gateway = {
    networkId: net.id,
    enableSnat: req.enableSnat ?? (same && r.gateway ? r.gateway.enableSnat : true),
    externalFixedIps: ips,
  };
  touch(c, r, same ? 1 : 2);
}

export function updateRouter(
  c: Cloud,
  r: Router,
  upd: { name?: string; description?: string; adminStateUp?: boolean; routes?: Route[]; distributed?: boolean; ha?: boolean },
): void {
  const path = `${PATH}/${r.id}`;
  const adminAttrs: string[] = [];
  if (upd.distributed !== undefined) adminAttrs.push('distributed');
  if (upd.ha !== undefined) adminAttrs.push('ha');
  if (!c.auth.admin && adminAttrs.length > 0) throw policyError(path, policyExpr('update_router', adminAttrs));
  if (upd.routes !== undefined) {
    // The API's hostroutes check of a routes attribute, before the router's next hops.
    const bad = hostRoutesProblem(upd.routes);
    if (bad) throw neutronError.badRequest(path, `Invalid input for routes. Reason: ${bad}.`);
    validateRoutes(c, r, upd.routes, path);
  }
  if (upd.name !== undefined) r.name = upd.name;
  if (upd.description !== undefined) r.description = upd.description;
  if (upd.adminStateUp !== undefined) r.adminStateUp = upd.adminStateUp;
  if (upd.distributed !== undefined) r.distributed = upd.distributed;
  if (upd.ha !== undefined) r.ha = upd.ha;
  if (upd.routes !== undefined) r.routes = mergeRoutes(r.routes, upd.routes);
  touch(c, r);
}

/**
 * PUT /routers/{id}/add_extraroutes | remove_extraroutes (extraroute-atomic): adds the routes not
 * yet there, or removes those that are; an unchanged table is not an update (no new revision).
 */
export function changeExtraRoutes(c: Cloud, r: Router, routes: Route[], op: 'add' | 'remove'): void {
  const path = `${PATH}/${r.id}/${op}_extraroutes`;
  const same = (a: Route, b: Route) => a.destination === b.destination && a.nexthop === b.nexthop;
  let next: Route[];
  if (op === 'add') {
    next = r.routes.map((x) => ({ ...x }));
    for (const x of routes) if (!next.some((y) => same(x, y))) next.push({ destination: x.destination, nexthop: x.nexthop });
  } else {
    next = r.routes.filter((y) => !routes.some((x) => same(x, y))).map((x) => ({ ...x }));
  }
  // Neutron checks the whole table's next hops first, then stores the new routes, where a
  // destination that is no network fails (one being removed is only dropped, never read).
  validateRoutes(c, r, next, path);
  for (const x of next) {
    if (!parseCidr(x.destination)) throw neutronError.badRequest(path, `invalid IPNetwork ${x.destination}`);
  }
  if (next.length === r.routes.length) return;
  r.routes = next;
  touch(c, r);
}

function pyRoutes(routes: Route[]): string {
  return `[${routes.map((r) => `{'destination': '${r.destination}', 'nexthop': '${r.nexthop}'}`).join(', ')}]`;
}

function validateRoutes(c: Cloud, r: Router, routes: Route[], path: string): void {
  if (routes.length > 30) {
    throw neutronError.badRequest(path, `Number of routes exceeds the maximum 30`);
  }
  const ports = routerPorts(c, r);
  const cidrs = ports.flatMap((p) => p.fixedIps.map((f) => subnetById(c, f.subnetId))).filter((s): s is Subnet => !!s);
  const ips = ports.flatMap((p) => p.fixedIps.map((f) => f.ipAddress));
  for (const route of routes) {
    const hop = parseIp(route.nexthop);
    if (!hop) throw neutronError.badRequest(path, `failed to detect a valid IP address from '${route.nexthop}'`);
    if (!cidrs.some((s) => cidrContains(subnetCidr(s), hop.version, hop.value))) {
      throw neutronError.badRequest(path, `Invalid format for routes: ${pyRoutes(routes)}, the nexthop is not connected with router`);
    }
    if (ips.includes(route.nexthop)) {
      throw neutronError.badRequest(path, `Invalid format for routes: ${pyRoutes(routes)}, the nexthop is used by router`);
    }
  }
}

export function deleteRouter(c: Cloud, r: Router): void {
  const path = `${PATH}/${r.id}`;
  // The router's ports as its routerports rows come back: by port id (the table's key).
  const attached = interfacePorts(c, r).map((p) => p.id).sort();
  if (attached.length > 0) {
    throw neutronError.conflict(path, `Router ${r.id} has ports still attached: ${attached.join(', ')}`);
  }
  const gp = gatewayPort(c, r);
  if (gp) removePort(c, gp);
  removeById(c, 'routers', r.id);
}
