/** `openstack router …` */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Router } from '../../sim/model/router.js';
import type { CellValue, PyValue } from '../../render/pyvalue.js';
import { formatted } from '../../render/pyvalue.js';
import {
  addRouterInterfacePort,
  changeExtraRoutes,
  addRouterInterfaceSubnet,
  createRouter,
  deleteRouter,
  interfacePorts,
  removeRouterInterfacePort,
  removeRouterInterfaceSubnet,
  setRouterGateway,
  updateRouter,
  type GatewayRequest,
  type RouterCreate,
} from '../../sim/ops/router.js';
import { inApiOrder, type FixedIpRequest } from '../../sim/ops/port.js';
import { CliError } from '../errors.js';
import { byTags, deleteEach, dicts, findBy, flag, getAgent, none, pair, req, str, strs, type Args, type OscCommand, type Output } from './common.js';
import { listCol, pyJson, sortFields, upDown } from './format.js';
import { findNetwork, sortedById } from './network.js';
import { findPort } from './port.js';
import { findProject } from './project.js';
import { findSubnet } from './subnet.js';
import { visibleRouters } from '../../sim/visibility.js';
import { routersOnAgent } from '../../sim/agents.js';

export function findRouter(c: Cloud, nameOrId: string): Router {
  return findBy(visibleRouters(c), 'Router', nameOrId);
}

function gatewayInfo(r: Router): PyValue {
  if (!r.gateway) return null;
  return {
    network_id: r.gateway.networkId,
    external_fixed_ips: inApiOrder(r.gateway.externalFixedIps).map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })),
    enable_snat: r.gateway.enableSnat,
  };
}

function gatewayCell(r: Router): CellValue {
  const v = gatewayInfo(r);
  return formatted(pyJson(v), v);
}

function routesCell(r: Router): CellValue {
  return formatted(
    r.routes.map((x) => `destination='${x.destination}', gateway='${x.nexthop}'`).join('\n'),
    r.routes.map((x) => ({ destination: x.destination, nexthop: x.nexthop })),
  );
}

export function routerShow(c: Cloud, r: Router, phase: 'create' | 'show'): Output {
  const fields: Array<[string, CellValue]> = [
    ['admin_state_up', upDown(r.adminStateUp)],
    ['availability_zone_hints', listCol(r.availabilityZoneHints)],
    ['availability_zones', listCol([])],
    ['created_at', r.createdAt],
    ['description', r.description],
    ['enable_ndp_proxy', null],
    ['external_gateway_info', gatewayCell(r)],
    ['flavor_id', null],
    ['id', r.id],
    ['name', r.name],
    ['project_id', r.projectId],
    ['revision_number', r.revision],
    ['routes', routesCell(r)],
    ['status', r.status],
    ['tags', listCol(r.tags)],
    ['tenant_id', r.projectId],
    ['updated_at', r.updatedAt],
  ];
  // distributed/ha are returned to admins only (policy), so members do not even get the rows.
  if (c.auth.admin) fields.push(['distributed', r.distributed], ['ha', r.ha]);
  if (phase === 'show') {
    const info: PyValue = interfacePorts(c, r).flatMap((p) =>
      p.fixedIps.map((f) => ({ port_id: p.id, ip_address: f.ipAddress, subnet_id: f.subnetId })),
    );
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
  const router = createRouter(c, r);
  for (const t of strs(a, 'tags')) if (!router.tags.includes(t)) router.tags.push(t);
  if (gw) setRouterGateway(c, router, gw);
  else if (wantsGatewayDetails(a)) {
    // Real OSC 6.0 quirk: the router is already created when it complains.
    return {
      kind: 'text',
      stdout: '',
      stderr: "You must specify '--external-gateway' in order to specify SNAT or fixed-ip values\n",
      exitCode: 1,
    };
  }
  return routerShow(c, router, 'create');
}

function list(c: Cloud, a: Args): Output {
  // --agent: the routers that agent hosts (the other filters still apply, client side).
  const agentId = str(a, 'agent');
  let rs = byTags(a, sortedById(agentId === undefined ? visibleRouters(c) : routersOnAgent(c, getAgent(c, agentId))));
  const name = str(a, 'name');
  if (name !== undefined) rs = rs.filter((r) => r.name === name);
  const up = pair(a, 'enable', 'disable');
  if (up !== undefined) rs = rs.filter((r) => r.adminStateUp === up);
  const project = str(a, 'project');
  if (project !== undefined) {
    const pid = findProject(c, project).id;
    rs = rs.filter((r) => r.projectId === pid);
  }
  const headers = ['ID', 'Name', 'Status', 'State', 'Project'];
  if (c.auth.admin) headers.push('Distributed', 'HA');
  const long = flag(a, 'long');
  if (long) headers.push('Routes', 'External gateway info', 'Availability zones', 'Tags');
  const rows = rs.map((r) => {
    const row: CellValue[] = [r.id, r.name, r.status, upDown(r.adminStateUp), r.projectId];
    if (c.auth.admin) row.push(r.distributed, r.ha);
    if (long) row.push(routesCell(r), gatewayCell(r), listCol([]), listCol(r.tags));
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
  if (Object.keys(upd).length > 0) updateRouter(c, r, upd);
  if (gw) setRouterGateway(c, r, gw);
  if (flag(a, 'no_tag')) r.tags = [];
  for (const t of strs(a, 'tags')) if (!r.tags.includes(t)) r.tags.push(t);
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
    updateRouter(c, r, { routes: left });
  }
  if (flag(a, 'external_gateway')) setRouterGateway(c, r, null);
  if (flag(a, 'all_tag')) r.tags = [];
  const tags = strs(a, 'tags');
  r.tags = r.tags.filter((t) => !tags.includes(t));
  return none;
}

/** `router add|remove route`: the router as the extraroutes call returns it (no interfaces_info). */
function extraRoutes(c: Cloud, a: Args, op: 'add' | 'remove'): Output {
  const r = findRouter(c, req(a, 'router'));
  changeExtraRoutes(c, r, dicts(a, 'routes').map((x) => ({ destination: x['destination'] ?? '', nexthop: x['gateway'] ?? '' })), op);
  return routerShow(c, r, 'create');
}

export const routerCommands: OscCommand[] = [
  { name: 'router create', run: ({ cloud, args }) => create(cloud, args) },
  { name: 'router list', run: ({ cloud, args }) => list(cloud, args) },
  { name: 'router show', run: ({ cloud: c, args: a }) => routerShow(c, findRouter(c, req(a, 'router')), 'show') },
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
      const r = findRouter(c, req(a, 'router'));
      addRouterInterfaceSubnet(c, r, findSubnet(c, req(a, 'subnet')));
      return none;
    },
  },
  {
    name: 'router add port',
    run: ({ cloud: c, args: a }) => {
      const r = findRouter(c, req(a, 'router'));
      addRouterInterfacePort(c, r, findPort(c, req(a, 'port')));
      return none;
    },
  },
  {
    name: 'router remove subnet',
    run: ({ cloud: c, args: a }) => {
      const r = findRouter(c, req(a, 'router'));
      removeRouterInterfaceSubnet(c, r, findSubnet(c, req(a, 'subnet')));
      return none;
    },
  },
  {
    name: 'router remove port',
    run: ({ cloud: c, args: a }) => {
      const r = findRouter(c, req(a, 'router'));
      removeRouterInterfacePort(c, r, findPort(c, req(a, 'port')));
      return none;
    },
  },
];
