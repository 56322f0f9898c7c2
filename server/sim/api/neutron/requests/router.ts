/**
 * POST, PUT and DELETE /v2.0/routers and the routers' actions (add_router_interface,
 * remove_router_interface, add_extraroutes, remove_extraroutes): a body's attributes as the L3
 * plugin takes them. The legacy CLI's router-* commands send their bodies through these.
 */
import type { Cloud } from '../../../model/cloud.js';
import type { Port } from '../../../model/port.js';
import type { Route, Router } from '../../../model/router.js';
import { neutronError } from '../../../errors.js';
import { shareAll, writable } from '../../../clone.js';
import { apiFixedIps } from '../../../ops/port.js';
import {
  addRouterInterfacePort,
  addRouterInterfaceSubnet,
  changeExtraRoutes,
  checkGatewayPolicy,
  createRouter,
  deleteRouter,
  gatewayPort,
  removeRouterInterfacePort,
  removeRouterInterfaceSubnet,
  setRouterGateway,
  updateRouter,
  type GatewayRequest,
  type RouterCreate,
} from '../../../ops/router.js';
import { visibleRouters, visibleSubnets } from '../../../visibility.js';
import type { Json, JsonObject } from '../../json.js';
import { routerDict } from '../router.js';
import { convertToBoolean } from '../body.js';
import { fixedIpsError } from '../validators.js';
import type { CollectionWrites } from './types.js';
import {
  dictList,
  keysFailed,
  internalServerError,
  owner,
  pyText,
  uuidError,
  withFaultTypes,
} from './checks.js';
import { defined, flag, invalidAttribute, ordered, prepare, text, visible } from './order.js';
import { portById } from './port.js';

const PATH = '/v2.0/routers';

/** The keys of a POST answer, and of a PUT's (the same order). */
const ORDER = [
  'id',
  'name',
  'tenant_id',
  'admin_state_up',
  'status',
  'external_gateway_info',
  'gw_port_id',
  'description',
  'availability_zones',
  'distributed',
  'ha',
  'ha_vr_id',
  'availability_zone_hints',
  'routes',
  'flavor_id',
  'tags',
  'created_at',
  'updated_at',
  'revision_number',
  'project_id',
];

/** A router the caller can see, or Neutron's 404. */
export const routerById = (c: Cloud, id: string, path: string): Router =>
  visible(visibleRouters(c), id, path, `Router ${id} could not be found`);

/**
 * A write to one router reads the routers, their ports and subnets: asked before anything reads
 * them, the draft shares the elements of its collections instead of copying every one
 * (sim/clone.ts shareAll), and the router the request changes is made the draft's own (writable).
 */
function routerToChange(c: Cloud, id: string, path: string): Router {
  shareAll(c);
  return writable(c, 'routers', routerById(c, id, path));
}

const isDict = (v: Json | undefined): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A gateway's fixed IPs (`type:fixed_ips`, refused in the gateway's name): `{subnet_id?, ip_address?}` dicts. */
function externalFixedIps(path: string, gw: JsonObject): GatewayRequest['fixedIps'] {
  if (!('external_fixed_ips' in gw)) return undefined;
  const v = gw['external_fixed_ips'] ?? null;
  if (v === null) return [];
  const why = fixedIpsError(v);
  if (why !== null) throw invalidAttribute(path, 'external_gateway_info', why);
  return (v as JsonObject[]).map((x) =>
    defined<{ subnetId?: string; ipAddress?: string }>({ subnetId: text(x, 'subnet_id'), ipAddress: text(x, 'ip_address') }),
  );
}

/** external_gateway_info (`type:dict_or_nodata`): a gateway, null to clear it (`{}` or null), undefined when absent. */
function gateway(path: string, b: JsonObject): GatewayRequest | null | undefined {
  if (!('external_gateway_info' in b)) return undefined;
  const v = b['external_gateway_info'];
  if (v === null || v === undefined || (isDict(v) && Object.keys(v).length === 0)) return null;
  if (!isDict(v))
    throw invalidAttribute(path, 'external_gateway_info', `'${pyText(v)}' is not a dictionary`);
  // _validate_dict with the gateway's key specs: the required key first, then any it does not know.
  const known = ['network_id', 'enable_snat', 'external_fixed_ips'];
  if (!('network_id' in v)) {
    throw invalidAttribute(path, 'external_gateway_info', keysFailed(['network_id'], Object.keys(v)));
  }
  const unexpected = Object.keys(v).filter((k) => !known.includes(k));
  if (unexpected.length > 0) {
    throw invalidAttribute(path, 'external_gateway_info', `Unexpected keys supplied: ${unexpected.join(', ')}`);
  }
  // _validate_dict_data: each key the body gives, in the key specs' order, converted then validated.
  const badId = uuidError(v['network_id']);
  if (badId !== null) throw invalidAttribute(path, 'external_gateway_info', badId);
  const networkId = v['network_id'] as string;
  const enableSnat = 'enable_snat' in v ? convertToBoolean(v['enable_snat'] ?? null, path) : undefined;
  return defined<GatewayRequest>({ networkId, enableSnat, fixedIps: externalFixedIps(path, v) });
}

/** routes (`type:hostroutes`): `{destination, nexthop}` dicts. */
function routes(path: string, b: JsonObject): Route[] | undefined {
  const items = dictList(path, b, 'routes', 'hostroute');
  return items?.map((x) => {
    const keys = Object.keys(x);
    if (keys.length !== 2 || !keys.includes('destination') || !keys.includes('nexthop')) {
      throw invalidAttribute(path, 'routes', keysFailed(['destination', 'nexthop'], keys));
    }
    const dest = x['destination'];
    const hop = x['nexthop'];
    if (typeof dest !== 'string' || typeof hop !== 'string') {
      throw invalidAttribute(path, 'routes', `Invalid data format for hostroute: '${pyText(x)}'`);
    }
    return { destination: dest, nexthop: hop };
  });
}

/** POST /v2.0/routers with the `router` object: the new router (its gateway set when one is given). */
export function postRouter(c: Cloud, member: JsonObject, path: string = PATH): Router {
  return withFaultTypes(() => {
    const b = prepare(c, 'routers', 'create', path, member);
    const gw = gateway(path, b);
    if (gw) checkGatewayPolicy(c, gw, path, 'create_router');
    const hints = b['availability_zone_hints'];
    const r = createRouter(
      c,
      defined<RouterCreate>({
        name: text(b, 'name') ?? '',
        description: text(b, 'description'),
        projectId: owner(b),
        adminStateUp: flag(b, 'admin_state_up'),
        distributed: flag(b, 'distributed'),
        ha: flag(b, 'ha'),
        availabilityZoneHints: Array.isArray(hints) ? hints.map((h) => pyText(h)) : undefined,
      }),
    );
    if (gw) setRouterGateway(c, r, gw, path);
    return r;
  });
}

/** PUT /v2.0/routers/ID with the `router` object: the updated router. */
export function putRouter(
  c: Cloud,
  id: string,
  member: JsonObject,
  path: string = `${PATH}/${id}`,
): Router {
  shareAll(c);
  return withFaultTypes(() => {
    const b = prepare(c, 'routers', 'update', path, member);
    const gw = gateway(path, b);
    const rs = routes(path, b);
    const r = routerToChange(c, id, path);
    if (gw !== undefined) setRouterGateway(c, r, gw);
    const upd = defined<Parameters<typeof updateRouter>[2]>({
      name: text(b, 'name'),
      description: text(b, 'description'),
      adminStateUp: flag(b, 'admin_state_up'),
      distributed: flag(b, 'distributed'),
      ha: flag(b, 'ha'),
      routes: rs,
    });
    if (Object.keys(upd).length > 0 || gw === undefined) updateRouter(c, r, upd);
    return r;
  });
}

/** DELETE /v2.0/routers/ID: refused while interfaces are attached. */
export function deleteRouterById(c: Cloud, id: string, path: string = `${PATH}/${id}`): void {
  // Filters the router and its gateway port out (removePort: see there).
  shareAll(c);
  withFaultTypes(() => deleteRouter(c, routerById(c, id, path)));
}

const badRouter = (path: string, why: string) =>
  neutronError.badRequest(path, `Bad router request: ${why}.`);

/** _validate_interface_info: a port or a subnet (UUIDs), not both when adding. */
function interfaceInfo(
  path: string,
  body: JsonObject,
  removal: boolean,
): { portId?: string; subnetId?: string } {
  const byPort = 'port_id' in body;
  const bySubnet = 'subnet_id' in body;
  if (!byPort && !bySubnet) throw badRouter(path, 'Either subnet_id or port_id must be specified');
  for (const k of ['port_id', 'subnet_id']) {
    const why = k in body ? uuidError(body[k]) : null;
    if (why !== null) throw badRouter(path, why);
  }
  if (!removal && byPort && bySubnet)
    throw badRouter(path, 'Cannot specify both subnet-id and port-id');
  return defined({
    portId: text(body, 'port_id'),
    subnetId: byPort ? undefined : text(body, 'subnet_id'),
  });
}

/** The answer to an interface's add or remove (`_make_router_interface_info`): the port's owner, not the router's. */
function interfaceAnswer(r: Router, port: Port, subnetIds: readonly string[]): JsonObject {
  return {
    id: r.id,
    tenant_id: port.projectId,
    port_id: port.id,
    network_id: port.networkId,
    subnet_id: subnetIds[0] ?? null,
    subnet_ids: [...subnetIds],
  };
}

const subnetById = (c: Cloud, id: string, path: string) =>
  visible(visibleSubnets(c), id, path, `Subnet ${id} could not be found.`);

/** PUT /v2.0/routers/ID/add_router_interface with `{subnet_id}` or `{port_id}`. */
export function addInterface(c: Cloud, id: string, body: JsonObject): JsonObject {
  const path = `${PATH}/${id}/add_router_interface`;
  return withFaultTypes(() => {
    const r = routerToChange(c, id, path);
    const info = interfaceInfo(path, body, false);
    if (info.portId !== undefined) {
      const port = addRouterInterfacePort(c, r, writable(c, 'ports', portById(c, info.portId, path)));
      return interfaceAnswer(
        r,
        port,
        apiFixedIps(port).map((f) => f.subnetId),
      );
    }
    const s = subnetById(c, info.subnetId ?? '', path);
    return interfaceAnswer(r, addRouterInterfaceSubnet(c, r, s), [s.id]);
  });
}

/** PUT /v2.0/routers/ID/remove_router_interface with `{subnet_id}` or `{port_id}` (the port wins). */
export function removeInterface(c: Cloud, id: string, body: JsonObject): JsonObject {
  const path = `${PATH}/${id}/remove_router_interface`;
  return withFaultTypes(() => {
    const r = routerToChange(c, id, path);
    const info = interfaceInfo(path, body, true);
    if (info.portId !== undefined) {
      // The router's own ports are looked at, not the port: a deleted one is no interface either.
      const port = c.ports.find((p) => p.id === info.portId && p.deviceId === r.id);
      if (!port)
        throw neutronError.notFound(
          path,
          `Router ${r.id} does not have an interface with id ${info.portId}`,
        );
      const answer = interfaceAnswer(
        r,
        port,
        apiFixedIps(port).map((f) => f.subnetId),
      );
      removeRouterInterfacePort(c, r, port);
      return answer;
    }
    const s = subnetById(c, info.subnetId ?? '', path);
    return interfaceAnswer(r, removeRouterInterfaceSubnet(c, r, s), [s.id]);
  });
}

/**
 * The router as the extraroute actions answer it: the plugin's own dict, with gw_port_id and
 * ha_vr_id, and no attribute policy applied, for a member as for an admin (the oracle's answers).
 */
export function extraRoutesAnswer(c: Cloud, r: Router): JsonObject {
  const d = routerDict(c, r, { unfiltered: true });
  d['gw_port_id'] = gatewayPort(c, r)?.id ?? null;
  d['ha_vr_id'] = 0;
  return { router: ordered(d, ORDER) };
}

/** PUT /v2.0/routers/ID/add_extraroutes | remove_extraroutes with `{router: {routes: [...]}}`. */
function extraRoutes(op: 'add' | 'remove') {
  return (c: Cloud, id: string, body: JsonObject): JsonObject => {
    const path = `${PATH}/${id}/${op}_extraroutes`;
    return withFaultTypes(() => {
      const inner = body['router'];
      // Neutron 21 reads body['router'] unchecked: without it, a KeyError and its 500.
      if (!isDict(inner)) throw internalServerError(path);
      const r = routerToChange(c, id, path);
      const rs = routes(path, inner) ?? [];
      changeExtraRoutes(c, r, rs, op);
      return extraRoutesAnswer(c, r);
    });
  };
}

/** PUT /v2.0/routers/ID/add_extraroutes and remove_extraroutes. */
export const addExtraRoutes = extraRoutes('add');
export const removeExtraRoutes = extraRoutes('remove');

export const routerWrites: CollectionWrites = {
  create: (c, member, path) => ordered(routerDict(c, postRouter(c, member, path)), ORDER),
  update: (c, id, member, path) => ordered(routerDict(c, putRouter(c, id, member, path)), ORDER),
  remove: (c, id, path) => deleteRouterById(c, id, path),
  actions: {
    add_router_interface: (c, id, body) => addInterface(c, id, body),
    remove_router_interface: (c, id, body) => removeInterface(c, id, body),
    add_extraroutes: addExtraRoutes,
    remove_extraroutes: removeExtraRoutes,
  },
};
