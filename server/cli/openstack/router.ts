/** `openstack router …`: projects what sim/api/neutron answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Router } from '../../sim/model/router.js';
import type { CellValue, PyValue } from '../../render/pyvalue.js';
import { formatted } from '../../render/pyvalue.js';
import {
  addRouterInterfacePort,
  changeExtraRoutes,
  addRouterInterfaceSubnet,
  checkGatewayPolicy,
  createRouter,
  ROUTERS_PATH,
  deleteRouter,
  interfacePorts,
  removeRouterInterfacePort,
  removeRouterInterfaceSubnet,
  setRouterGateway,
  updateRouter,
  type GatewayRequest,
  type RouterCreate,
} from '../../sim/ops/router.js';
import type { FixedIpRequest } from '../../sim/ops/port.js';
import type { Port } from '../../sim/model/port.js';
import type { Json, JsonObject } from '../../sim/api/json.js';
import { listAgentRouters, listRouters, ROUTER_ADMIN_KEYS, routerDict, type FilterValue } from '../../sim/api/neutron/index.js';
import { CliError } from '../errors.js';
import { createdWithTags, deleteEach, dicts, findBy, flag, getAgent, none, pair, req, str, strs, tagFilter, type Args, type OscCommand, type Output, sdkUpdate } from './common.js';
import { attr, listAttr, pyJson, sortFields, upDown } from './format.js';
import { findNetwork } from './network.js';
import { findPort } from './port.js';
import { findProject } from './project.js';
import { findSubnet } from './subnet.js';
import { visibleRouters } from '../../sim/visibility.js';
import { setTagsAsClient } from '../../sim/api/neutron/requests/tags.js';
import { extraRoutesAnswer } from '../../sim/api/neutron/requests/router.js';

export function findRouter(c: Cloud, nameOrId: string): Router {
  return findBy(visibleRouters(c), 'Router', nameOrId);
}

function gatewayCell(d: JsonObject): CellValue {
  const v = attr(d, 'external_gateway_info');
  return formatted(pyJson(v), v);
}

/** OSC's RoutesColumn: the API's nexthop shown as `gateway`. */
function routesCell(d: JsonObject): CellValue {
  const rs = Array.isArray(d['routes']) ? (d['routes'] as Array<{ [k: string]: Json }>) : [];
  return formatted(rs.map((x) => `destination='${String(x['destination'])}', gateway='${String(x['nexthop'])}'`).join('\n'), rs);
}

/**
 * `router show`/`create` rows from the API's router. distributed/ha come only to admins
 * (policy), so a member does not even get the rows. `interfaces` (show only): OSC lists the
 * router's interface ports itself and adds interfaces_info.
 */
export function routerShow(d: JsonObject, interfaces?: Port[]): Output {
  const fields: Array<[string, CellValue]> = [
    ['admin_state_up', upDown(d['admin_state_up'] === true)],
    ['availability_zone_hints', listAttr(d, 'availability_zone_hints')],
    ['availability_zones', listAttr(d, 'availability_zones')],
    ['created_at', attr(d, 'created_at')],
    ['description', attr(d, 'description')],
    ['enable_ndp_proxy', attr(d, 'enable_ndp_proxy')],
    ['external_gateway_info', gatewayCell(d)],
    ['flavor_id', attr(d, 'flavor_id')],
    ['id', attr(d, 'id')],
    ['name', attr(d, 'name')],
    ['project_id', attr(d, 'project_id')],
    ['revision_number', attr(d, 'revision_number')],
    ['routes', routesCell(d)],
    ['status', attr(d, 'status')],
    ['tags', listAttr(d, 'tags')],
    ['tenant_id', attr(d, 'tenant_id')],
    ['updated_at', attr(d, 'updated_at')],
  ];
  for (const k of ROUTER_ADMIN_KEYS) if (k in d) fields.push([k, attr(d, k)]);
  if (interfaces) {
    const info: PyValue = interfaces.flatMap((p) => p.fixedIps.map((f) => ({ port_id: p.id, ip_address: f.ipAddress, subnet_id: f.subnetId })));
    fields.push(['interfaces_info', formatted(pyJson(info), info)]);
  }
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

function fixedIps(c: Cloud, a: Args): FixedIpRequest[] | undefined {
  const given = dicts(a, 'fixed_ip');
  if (given.length === 0) return undefined;
  return given.map((d) => {
    const r: FixedIpRequest = {};
    if (d['subnet'] !== undefined) r.subnetId = findSubnet(c, d['subnet']).id;
    if (d['ip-address'] !== undefined) r.ipAddress = d['ip-address'];
    return r;
  });
}

function gatewayRequest(c: Cloud, a: Args): GatewayRequest | undefined {
  const ext = str(a, 'external_gateway');
  if (ext === undefined) return undefined;
  const g: GatewayRequest = { networkId: findNetwork(c, ext).id };
  const snat = pair(a, 'enable_snat', 'disable_snat');
  if (snat !== undefined) g.enableSnat = snat;
  const ips = fixedIps(c, a);
  if (ips !== undefined) g.fixedIps = ips;
  return g;
}

function wantsGatewayDetails(a: Args): boolean {
  return flag(a, 'enable_snat') || flag(a, 'disable_snat') || dicts(a, 'fixed_ip').length > 0;
}

function create(c: Cloud, a: Args): Output {
  const r: RouterCreate = { name: req(a, 'name') };
  if (flag(a, 'disable')) r.adminStateUp = false;
  const dist = pair(a, 'distributed', 'centralized');
  if (dist !== undefined) r.distributed = dist;
  const ha = pair(a, 'ha', 'no_ha');
  if (ha !== undefined) r.ha = ha;
  const d = str(a, 'description');
  if (d !== undefined) r.description = d;
  const hints = strs(a, 'availability_zone_hints');
  if (hints.length > 0) r.availabilityZoneHints = hints;
  const project = str(a, 'project');
  if (project !== undefined) r.projectId = findProject(c, project).id;
  const gw = gatewayRequest(c, a);
  // One POST with the gateway: its errors name /v2.0/routers (Neutron deletes the router again).
  if (gw) checkGatewayPolicy(c, gw, ROUTERS_PATH, 'create_router');
  const router = createRouter(c, r);
  if (gw) setRouterGateway(c, router, gw, ROUTERS_PATH);
  const shown = createdWithTags(c, router, strs(a, 'tags'), () => routerShow(routerDict(c, router)));
  if (!gw && wantsGatewayDetails(a)) {
    // Real OSC 6.0 quirk: the router is already created (and tagged) when it complains.
    return {
      kind: 'text',
      stdout: '',
      stderr: "You must specify '--external-gateway' in order to specify SNAT or fixed-ip values\n",
      exitCode: 1,
    };
  }
  return shown;
}

function list(c: Cloud, a: Args): Output {
  const q: { [k: string]: FilterValue } = {};
  const name = str(a, 'name');
  if (name !== undefined) q['name'] = name;
  const up = pair(a, 'enable', 'disable');
  if (up !== undefined) q['admin_state_up'] = up;
  const project = str(a, 'project');
  if (project !== undefined) q['project_id'] = findProject(c, project).id;
  const query = { filters: q, tags: tagFilter(a) };
  // --agent: the routers that agent hosts (the other filters still apply).
  const agentId = str(a, 'agent');
  if (agentId !== undefined) getAgent(c, agentId); // openstacksdk's own message for an unknown agent
  const rs = agentId === undefined ? listRouters(c, query) : listAgentRouters(c, agentId, query);
  const headers = ['ID', 'Name', 'Status', 'State', 'Project'];
  if (c.auth.admin) headers.push('Distributed', 'HA');
  const long = flag(a, 'long');
  if (long) headers.push('Routes', 'External gateway info', 'Availability zones', 'Tags');
  const rows = rs.map((r) => {
    const row: CellValue[] = [attr(r, 'id'), attr(r, 'name'), attr(r, 'status'), upDown(r['admin_state_up'] === true), attr(r, 'project_id')];
    if (c.auth.admin) row.push(attr(r, 'distributed'), attr(r, 'ha'));
    if (long) row.push(routesCell(r), gatewayCell(r), listAttr(r, 'availability_zones'), listAttr(r, 'tags'));
    return row;
  });
  return { kind: 'list', data: { headers, rows } };
}

function set(c: Cloud, a: Args): Output {
  const r = findRouter(c, req(a, 'router'));
  const upd: Parameters<typeof updateRouter>[2] = {};
  const name = str(a, 'name');
  if (name !== undefined) upd.name = name;
  const d = str(a, 'description');
  if (d !== undefined) upd.description = d;
  const up = pair(a, 'enable', 'disable');
  if (up !== undefined) upd.adminStateUp = up;
  const dist = pair(a, 'distributed', 'centralized');
  if (dist !== undefined) upd.distributed = dist;
  const ha = pair(a, 'ha', 'no_ha');
  if (ha !== undefined) upd.ha = ha;
  const routes = dicts(a, 'routes').map((x) => ({ destination: x['destination'] ?? '', nexthop: x['gateway'] ?? '' }));
  // OSC 6.0 sends the new routes first, then the router's existing ones.
  if (routes.length > 0 || flag(a, 'no_route')) upd.routes = [...routes, ...(flag(a, 'no_route') ? [] : r.routes)];
  const gw = gatewayRequest(c, a);
  if (!gw && wantsGatewayDetails(a)) {
    throw new CliError("You must specify '--external-gateway' in order to update the SNAT or fixed-ip values");
  }
  // The SDK compares with the router it found: a member's has no ha or distributed (admin only), so those are sent.
  const found: Partial<Router> = { ...r };
  const shown = routerDict(c, r);
  for (const k of ROUTER_ADMIN_KEYS) if (!Object.hasOwn(shown, k)) delete found[k];
  sdkUpdate(found, upd, (send) => updateRouter(c, r, send));
  if (gw) setRouterGateway(c, r, gw);
  setTagsAsClient(c, r, { clear: flag(a, 'no_tag'), add: strs(a, 'tags') });
  return none;
}

function unset(c: Cloud, a: Args): Output {
  const r = findRouter(c, req(a, 'router'));
  const routes = dicts(a, 'routes').map((x) => ({ destination: x['destination'] ?? '', nexthop: x['gateway'] ?? '' }));
  if (routes.length > 0) {
    const left = [...r.routes];
    for (const x of routes) {
      const i = left.findIndex((y) => y.destination === x.destination && y.nexthop === x.nexthop);
      if (i < 0) throw new CliError(`Router does not contain route {'destination': '${x.destination}', 'nexthop': '${x.nexthop}'}`);
      left.splice(i, 1);
    }
    sdkUpdate(r, { routes: left }, (send) => updateRouter(c, r, send));
  }
  if (flag(a, 'external_gateway')) setRouterGateway(c, r, null);
  setTagsAsClient(c, r, { clear: flag(a, 'all_tag'), remove: strs(a, 'tags') });
  return none;
}

/**
 * `router add|remove route`: the router as the extraroutes action answers it (no interfaces_info;
 * `distributed` and `ha` for a member too: an action's answer is not filtered by policy).
 */
function extraRoutes(c: Cloud, a: Args, op: 'add' | 'remove'): Output {
  const r = findRouter(c, req(a, 'router'));
  changeExtraRoutes(c, r, dicts(a, 'routes').map((x) => ({ destination: x['destination'] ?? '', nexthop: x['gateway'] ?? '' })), op);
  return routerShow(extraRoutesAnswer(c, r)['router'] as JsonObject);
}

export const routerCommands: OscCommand[] = [
  { name: 'router create', run: ({ cloud, args }) => create(cloud, args) },
  { name: 'router list', run: ({ cloud, args }) => list(cloud, args) },
  { name: 'router show', run: ({ cloud: c, args: a }) => {
      const r = findRouter(c, req(a, 'router'));
      return routerShow(routerDict(c, r), interfacePorts(c, r));
    },
  },
  { name: 'router set', run: ({ cloud, args }) => set(cloud, args) },
  { name: 'router unset', run: ({ cloud, args }) => unset(cloud, args) },
  {
    name: 'router delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'router'), { one: 'router', many: 'routers' }, (t) => deleteRouter(c, findRouter(c, t))),
  },
  { name: 'router add route', run: ({ cloud, args }) => extraRoutes(cloud, args, 'add') },
  { name: 'router remove route', run: ({ cloud, args }) => extraRoutes(cloud, args, 'remove') },
  {
    name: 'router add subnet',
    run: ({ cloud: c, args: a }) => {
      // OSC looks the subnet up first, then the router.
      const subnet = findSubnet(c, req(a, 'subnet'));
      addRouterInterfaceSubnet(c, findRouter(c, req(a, 'router')), subnet);
      return none;
    },
  },
  {
    name: 'router add port',
    run: ({ cloud: c, args: a }) => {
      // OSC looks the port up first, then the router.
      const port = findPort(c, req(a, 'port'));
      addRouterInterfacePort(c, findRouter(c, req(a, 'router')), port);
      return none;
    },
  },
  {
    name: 'router remove subnet',
    run: ({ cloud: c, args: a }) => {
      // OSC looks the subnet up first, then the router.
      const subnet = findSubnet(c, req(a, 'subnet'));
      removeRouterInterfaceSubnet(c, findRouter(c, req(a, 'router')), subnet);
      return none;
    },
  },
  {
    name: 'router remove port',
    run: ({ cloud: c, args: a }) => {
      // OSC looks the port up first, then the router.
      const port = findPort(c, req(a, 'port'));
      removeRouterInterfacePort(c, findRouter(c, req(a, 'router')), port);
      return none;
    },
  },
];
