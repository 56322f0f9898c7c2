/** `openstack router …`: projects what sim/api/neutron answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Router } from '../../sim/model/router.js';
import type { CellValue, PyValue } from '../../render/pyvalue.js';
import { formatted, pyRepr } from '../../render/pyvalue.js';
import { pyEquals } from '../../sim/python.js';
import { interfacePorts } from '../../sim/ops/router.js';
import type { Port } from '../../sim/model/port.js';
import type { Json, JsonObject } from '../../sim/api/json.js';
import { listAgentRouters, listRouters, ROUTER_ADMIN_KEYS, routerDict, type FilterValue } from '../../sim/api/neutron/index.js';
import { CliError, afterCommit } from '../errors.js';
import { createdWithTags, deleteEach, dicts, findBy, findQosPolicy, flag, getAgent, none, pair, req, sdkBody, str, strs, tagFilter, type Args, type OscCommand, type Output, sdkUpdate } from './common.js';
import { attr, listAttr, pyJson, sortFields, upDown } from './format.js';
import { findNetwork } from './network.js';
import { findPort } from './port.js';
import { findProject } from './project.js';
import { findSubnet } from './subnet.js';
import { visibleRouters } from '../../sim/visibility.js';
import { setTagsAsClient, tagsPath } from '../../sim/api/neutron/requests/tags.js';
import { addExtraRoutes, addInterface, deleteRouterById, postRouter, putRouter, removeExtraRoutes, removeInterface } from '../../sim/api/neutron/requests/router.js';

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

/** `--fixed-ip` as _get_attrs sends it: `subnet` looked up as `subnet_id`, `ip-address` as `ip_address` (each moved to the end). */
function gatewayFixedIps(c: Cloud, a: Args): JsonObject[] {
  return dicts(a, 'fixed_ip').map((given) => {
    const spec: JsonObject = { ...given };
    const subnet = spec['subnet'];
    if (subnet) {
      delete spec['subnet'];
      spec['subnet_id'] = findSubnet(c, String(subnet)).id;
    }
    const ip = spec['ip-address'];
    if (ip) {
      delete spec['ip-address'];
      spec['ip_address'] = ip;
    }
    return spec;
  });
}

function wantsGatewayDetails(a: Args): boolean {
  return flag(a, 'enable_snat') || flag(a, 'disable_snat') || dicts(a, 'fixed_ip').length > 0;
}

/**
 * _get_attrs: what `router create` and `router set` send, in OSC's order; the gateway as one
 * dictionary (its network and subnets looked up where OSC looks them up).
 */
function routerAttrs(c: Cloud, a: Args): JsonObject {
  const b: JsonObject = {};
  const name = str(a, 'name');
  if (name !== undefined) b['name'] = name;
  if (flag(a, 'enable')) b['admin_state_up'] = true;
  if (flag(a, 'disable')) b['admin_state_up'] = false;
  if (flag(a, 'centralized')) b['distributed'] = false;
  if (flag(a, 'distributed')) b['distributed'] = true;
  const hints = strs(a, 'availability_zone_hints');
  if (hints.length > 0) b['availability_zone_hints'] = hints;
  const d = str(a, 'description');
  if (d !== undefined) b['description'] = d;
  const project = str(a, 'project');
  if (project !== undefined) b['project_id'] = findProject(c, project).id;
  const ext = str(a, 'external_gateway');
  if (ext) {
    const gw: JsonObject = { network_id: findNetwork(c, ext).id };
    if (flag(a, 'disable_snat')) gw['enable_snat'] = false;
    if (flag(a, 'enable_snat')) gw['enable_snat'] = true;
    if (dicts(a, 'fixed_ip').length > 0) gw['external_fixed_ips'] = gatewayFixedIps(c, a);
    b['external_gateway_info'] = gw;
  }
  return b;
}

/** `--ha`/`--no-ha`, which create and set send after the common attributes. */
function haAttr(a: Args, b: JsonObject): void {
  if (flag(a, 'ha')) b['ha'] = true;
  else if (flag(a, 'no_ha')) b['ha'] = false;
}

/** A `--route`'s dict as OSC sends it: `gateway` becomes `nexthop`, moved to the end. */
function routeOf(given: Record<string, string>): JsonObject {
  const r: JsonObject = { ...given };
  r['nexthop'] = r['gateway'] ?? null;
  delete r['gateway'];
  return r;
}

function create(c: Cloud, a: Args): Output {
  const b = routerAttrs(c, a);
  haAttr(a, b);
  const { body } = sdkBody(b, a, {});
  // One POST with the gateway: its errors name /v2.0/routers (Neutron deletes the router again).
  const router = postRouter(c, body);
  const shown = createdWithTags(c, router, strs(a, 'tags'), tagsPath('routers', router.id), () => routerShow(routerDict(c, router)));
  if (!str(a, 'external_gateway') && wantsGatewayDetails(a)) {
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
  // The router as the SDK found it: a member's has no ha or distributed (admin only), so those are sent.
  const found = routerDict(c, r);
  const b = routerAttrs(c, a);
  haAttr(a, b);
  const routes = dicts(a, 'routes').map(routeOf);
  if (routes.length > 0) {
    // OSC sends the new routes first, then the router's (Neutron handles duplicates).
    b['routes'] = flag(a, 'no_route') ? routes : [...routes, ...(Array.isArray(found['routes']) ? found['routes'] : [])];
  } else if (flag(a, 'no_route')) b['routes'] = [];
  const ext = str(a, 'external_gateway');
  if (!ext && wantsGatewayDetails(a)) {
    throw new CliError("You must specify '--external-gateway' in order to update the SNAT or fixed-ip values");
  }
  const qos = str(a, 'qos_policy');
  if ((qos || flag(a, 'no_qos_policy')) && !ext) {
    // The gateway's QoS policy is set on the router's gateway network.
    const current = found['external_gateway_info'];
    const network = current !== null && typeof current === 'object' && !Array.isArray(current) ? current['network_id'] : undefined;
    if (network === undefined) {
      throw new CliError('You must specify \'--external-gateway\' or the router must already have an external network in order to set router gateway IP QoS');
    }
    b['external_gateway_info'] = { network_id: network };
  }
  if (qos) findQosPolicy(qos);
  if (flag(a, 'no_qos_policy')) (b['external_gateway_info'] as JsonObject)['qos_policy_id'] = null;
  const { body } = sdkBody(b, a, {});
  sdkUpdate(found, body, (send) => putRouter(c, r.id, send));
  afterCommit(() => setTagsAsClient(c, r, { clear: flag(a, 'no_tag'), add: strs(a, 'tags') }, tagsPath('routers', r.id)));
  return none;
}

function unset(c: Cloud, a: Args): Output {
  const r = findRouter(c, req(a, 'router'));
  const found = routerDict(c, r);
  const gw = found['external_gateway_info'];
  const b: JsonObject = {};
  const routes = dicts(a, 'routes').map(routeOf);
  if (routes.length > 0) {
    const left = Array.isArray(found['routes']) ? [...found['routes']] : [];
    for (const x of routes) {
      const i = left.findIndex((y) => pyEquals(x, y));
      if (i < 0) throw new CliError(`Router does not contain route ${pyRepr(x)}`);
      left.splice(i, 1);
    }
    b['routes'] = left;
  }
  if (flag(a, 'qos_policy')) {
    // `gw['network_id'] and gw['qos_policy_id']`: a KeyError or a TypeError is the message.
    const dict = gw !== null && typeof gw === 'object' && !Array.isArray(gw) ? gw : undefined;
    if (!dict || !('network_id' in dict) || (dict['network_id'] && !('qos_policy_id' in dict))) {
      throw new CliError('Router does not have external network or qos policy');
    }
    b['external_gateway_info'] = { network_id: dict['network_id'] ?? null, qos_policy_id: null };
  }
  if (flag(a, 'external_gateway')) b['external_gateway_info'] = {};
  const { body } = sdkBody(b, a, {}, true);
  sdkUpdate(found, body, (send) => putRouter(c, r.id, send));
  afterCommit(() => setTagsAsClient(c, r, { clear: flag(a, 'all_tag'), remove: strs(a, 'tags') }, tagsPath('routers', r.id)));
  return none;
}

/**
 * `router add|remove route`: the router as the extraroutes action answers it (no interfaces_info;
 * `distributed` and `ha` for a member too: an action's answer is not filtered by policy).
 */
function extraRoutes(c: Cloud, a: Args, op: 'add' | 'remove'): Output {
  const r = findRouter(c, req(a, 'router'));
  const answer = (op === 'add' ? addExtraRoutes : removeExtraRoutes)(c, r.id, { router: { routes: dicts(a, 'routes').map(routeOf) } });
  return routerShow(answer['router'] as JsonObject);
}

/** add_interface_to_router / remove_interface_from_router: the action's body names the subnet or the port. */
function routerInterface(c: Cloud, a: Args, op: 'add' | 'remove', kind: 'subnet' | 'port'): Output {
  // OSC looks the subnet or the port up first, then the router.
  const id = kind === 'subnet' ? findSubnet(c, req(a, 'subnet')).id : findPort(c, req(a, 'port')).id;
  const r = findRouter(c, req(a, 'router'));
  (op === 'add' ? addInterface : removeInterface)(c, r.id, { [`${kind}_id`]: id });
  return none;
}

export const routerCommands: OscCommand[] = [
  { name: 'router create', shares: true, run: ({ cloud, args }) => create(cloud, args) },
  { name: 'router list', run: ({ cloud, args }) => list(cloud, args) },
  { name: 'router show', run: ({ cloud: c, args: a }) => {
      const r = findRouter(c, req(a, 'router'));
      return routerShow(routerDict(c, r), interfacePorts(c, r));
    },
  },
  { name: 'router set', shares: true, run: ({ cloud, args }) => set(cloud, args) },
  { name: 'router unset', shares: true, run: ({ cloud, args }) => unset(cloud, args) },
  {
    name: 'router delete', shares: true,
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'router'), { one: 'router', many: 'routers' }, (t) => deleteRouterById(c, findRouter(c, t).id)),
  },
  { name: 'router add route', shares: true, run: ({ cloud, args }) => extraRoutes(cloud, args, 'add') },
  { name: 'router remove route', shares: true, run: ({ cloud, args }) => extraRoutes(cloud, args, 'remove') },
  { name: 'router add subnet', shares: true, run: ({ cloud, args }) => routerInterface(cloud, args, 'add', 'subnet') },
  { name: 'router add port', shares: true, run: ({ cloud, args }) => routerInterface(cloud, args, 'add', 'port') },
  { name: 'router remove subnet', shares: true, run: ({ cloud, args }) => routerInterface(cloud, args, 'remove', 'subnet') },
  { name: 'router remove port', shares: true, run: ({ cloud, args }) => routerInterface(cloud, args, 'remove', 'port') },
];
