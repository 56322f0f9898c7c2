/** `neutron router-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import {
  addRouterInterfacePort,
  addRouterInterfaceSubnet,
  createRouter,
  deleteRouter,
  removeRouterInterfacePort,
  removeRouterInterfaceSubnet,
  setRouterGateway,
  updateRouter,
  type RouterCreate,
} from '../../sim/ops/router.js';
import { listRouters, routerDict, routerPortDicts } from '../../sim/api/neutron/index.js';
import { visibleRouters } from '../../sim/visibility.js';
import { bBool, bStr, bulkDelete, cellJson, compact, find, given, kv, list, s, send, show, table, type Args, type Handler, type Out, specFilters } from './common.js';
import type { JsonObject } from '../../sim/api/json.js';
import { findNetwork } from './net.js';
import { findPort, fixedIpRequests, portRows } from './port.js';
import { findSubnet } from './subnet.js';

export const findRouter = (c: Cloud, ref: string) => find(visibleRouters(c), 'router', ref);

/** router-list's table (and router-list-on-l3-agent's, with fewer columns). */
export function routerTable(a: Args, columns: string[], routers: JsonObject[]): Out {
  return table(a, columns, routers.map((r) => columns.map((k) => r[k] ?? null)), routers, {
    // jsonutils.dumps of the gateway: a router without one shows null.
    external_gateway_info: cellJson,
  });
}

export const routerCommands: Record<string, Handler> = {
  'router-create': (c, a, extra) => {
    const own = given({
      admin_state_up: a['admin_state'] !== false,
      name: s(a, 'name'),
      description: s(a, 'description'),
      tenant_id: s(a, 'tenant_id'),
      distributed: s(a, 'distributed'),
      ha: s(a, 'ha'),
      availability_zone_hints: list(a, 'availability_zone_hints').length ? list(a, 'availability_zone_hints') : undefined,
    });
    const b = send(c, 'routers', 'create', '/v2.0/routers', own, extra);
    const r = createRouter(c, compact<RouterCreate>({
      name: bStr(b, 'name') ?? '',
      description: bStr(b, 'description'),
      projectId: bStr(b, 'tenant_id'),
      adminStateUp: bBool(b, 'admin_state_up'),
      distributed: bBool(b, 'distributed'),
      ha: bBool(b, 'ha'),
      availabilityZoneHints: Array.isArray(b['availability_zone_hints']) ? b['availability_zone_hints'].map(String) : undefined,
    }));
    return show(a, routerDict(c, r), 'router');
  },
  'router-list': (c, a, extra) => {
    const routers = listRouters(c, { filters: specFilters(extra) });
    return routerTable(a, ['id', 'name', 'external_gateway_info', 'distributed', 'ha'], routers);
  },
  'router-show': (c, a) => show(a, routerDict(c, findRouter(c, s(a, 'id') ?? ''))),
  'router-update': (c, a, extra) => {
    const r = findRouter(c, s(a, 'id') ?? '');
    const routes = a['no_routes'] === true ? [] : list(a, 'routes').length ? list(a, 'routes').map(kv).map((x) => ({ destination: x['destination'] ?? '', nexthop: x['nexthop'] ?? '' })) : undefined;
    const own = given({ name: s(a, 'name'), description: s(a, 'description'), admin_state_up: s(a, 'admin_state'), distributed: s(a, 'distributed'), routes });
    const b = send(c, 'routers', 'update', `/v2.0/routers/${r.id}`, own, extra);
    updateRouter(c, r, compact<Parameters<typeof updateRouter>[2]>({
      name: bStr(b, 'name'),
      description: bStr(b, 'description'),
      adminStateUp: bBool(b, 'admin_state_up'),
      distributed: bBool(b, 'distributed'),
      ha: bBool(b, 'ha'),
      routes,
    }));
    return { stdout: `Updated router: ${s(a, 'id') ?? ''}\n` };
  },
  'router-delete': (c, a) => bulkDelete('router', list(a, 'id'), (id) => deleteRouter(c, findRouter(c, id))),
  'router-interface-add': (c, a) => {
    const ref = s(a, 'router') ?? '';
    const r = findRouter(c, ref);
    const iface = s(a, 'interface') ?? '';
    const port = iface.startsWith('port=')
      ? addRouterInterfacePort(c, r, findPort(c, iface.slice(5)))
      : addRouterInterfaceSubnet(c, r, findSubnet(c, iface.startsWith('subnet=') ? iface.slice(7) : iface));
    return { stdout: `Added interface ${port.id} to router ${ref}.\n` };
  },
  'router-interface-delete': (c, a) => {
    const ref = s(a, 'router') ?? '';
    const r = findRouter(c, ref);
    const iface = s(a, 'interface') ?? '';
    if (iface.startsWith('port=')) removeRouterInterfacePort(c, r, findPort(c, iface.slice(5)));
    else removeRouterInterfaceSubnet(c, r, findSubnet(c, iface.startsWith('subnet=') ? iface.slice(7) : iface));
    return { stdout: `Removed interface from router ${ref}.\n` };
  },
  'router-gateway-set': (c, a) => {
    const ref = s(a, 'router') ?? '';
    const r = findRouter(c, ref);
    const net = findNetwork(c, s(a, 'external_network') ?? '');
    const ips = fixedIpRequests(c, a);
    setRouterGateway(c, r, {
      networkId: net.id,
      ...(a['disable_snat'] === true ? { enableSnat: false } : a['enable_snat'] === true ? { enableSnat: true } : {}),
      ...(ips.length ? { fixedIps: ips } : {}),
    });
    return { stdout: `Set gateway for router ${ref}\n` };
  },
  'router-gateway-clear': (c, a) => {
    const ref = s(a, 'router') ?? '';
    setRouterGateway(c, findRouter(c, ref), null);
    return { stdout: `Removed gateway from router ${ref}\n` };
  },
  'router-port-list': (c, a) => {
    const r = findRouter(c, s(a, 'id') ?? '');
    const ports = routerPortDicts(c, r.id);
    return table(a, ['id', 'name', 'mac_address', 'fixed_ips'], portRows(ports), ports);
  },
};
