/** `neutron router-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { addInterface, deleteRouterById, postRouter, putRouter, removeInterface } from '../../sim/api/neutron/requests/router.js';
import { listRouters, routerDict, routerPortDicts } from '../../sim/api/neutron/index.js';
import { visibleRouters } from '../../sim/visibility.js';
import { bulkDelete, cellJson, find, given, kv, list, s, show, table, type Args, type Handler, type Out, listQuery, updateBody } from './common.js';
import type { JsonObject } from '../../sim/api/json.js';
import { findNetwork } from './net.js';
import { findPort, fixedIpRequests, fixedIpsBody, portRows } from './port.js';
import { findSubnet } from './subnet.js';

export const findRouter = (c: Cloud, ref: string) => find(visibleRouters(c), 'router', ref);

/** router-list's table (and router-list-on-l3-agent's, with fewer columns). */
export function routerTable(a: Args, columns: string[], routers: JsonObject[]): Out {
  return table(a, columns, routers.map((r) => columns.map((k) => r[k] ?? null)), routers, {
    // jsonutils.dumps of the gateway: a router without one shows null.
    external_gateway_info: cellJson,
  });
}

/** An INTERFACE argument (`SUBNET`, `subnet=SUBNET` or `port=PORT`) as the action's body, by id. */
function interfaceBody(c: Cloud, iface: string): JsonObject {
  if (iface.startsWith('port=')) return { port_id: findPort(c, iface.slice(5)).id };
  return { subnet_id: findSubnet(c, iface.startsWith('subnet=') ? iface.slice(7) : iface).id };
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
    const r = postRouter(c, { ...own, ...extra });
    return show(a, routerDict(c, r), 'router');
  },
  'router-list': (c, a, extra) => {
    const routers = listRouters(c, listQuery(a, extra));
    return routerTable(a, ['id', 'name', 'external_gateway_info', 'distributed', 'ha'], routers);
  },
  'router-show': (c, a) => show(a, routerDict(c, findRouter(c, s(a, 'id') ?? ''))),
  'router-update': (c, a, extra) => {
    const routes = a['no_routes'] === true ? [] : list(a, 'routes').length ? list(a, 'routes').map(kv).map((x) => ({ destination: x['destination'] ?? '', nexthop: x['nexthop'] ?? '' })) : undefined;
    const own = given({ name: s(a, 'name'), description: s(a, 'description'), admin_state_up: s(a, 'admin_state'), distributed: s(a, 'distributed'), routes });
    const body = updateBody('router', { ...own, ...extra });
    const r = findRouter(c, s(a, 'id') ?? '');
    putRouter(c, r.id, body);
    return { stdout: `Updated router: ${s(a, 'id') ?? ''}\n` };
  },
  'router-delete': (c, a) => bulkDelete('router', list(a, 'id'), (id) => deleteRouterById(c, findRouter(c, id).id)),
  'router-interface-add': (c, a) => {
    const ref = s(a, 'router') ?? '';
    const r = findRouter(c, ref);
    const answer = addInterface(c, r.id, interfaceBody(c, s(a, 'interface') ?? ''));
    return { stdout: `Added interface ${String(answer['port_id'])} to router ${ref}.\n` };
  },
  'router-interface-delete': (c, a) => {
    const ref = s(a, 'router') ?? '';
    const r = findRouter(c, ref);
    removeInterface(c, r.id, interfaceBody(c, s(a, 'interface') ?? ''));
    return { stdout: `Removed interface from router ${ref}.\n` };
  },
  'router-gateway-set': (c, a) => {
    const ref = s(a, 'router') ?? '';
    const r = findRouter(c, ref);
    const net = findNetwork(c, s(a, 'external_network') ?? '');
    const ips = fixedIpRequests(c, a);
    const gateway = given({
      network_id: net.id,
      enable_snat: a['disable_snat'] === true ? false : a['enable_snat'] === true ? true : undefined,
      external_fixed_ips: ips.length ? fixedIpsBody(ips) : undefined,
    });
    putRouter(c, r.id, { external_gateway_info: gateway });
    return { stdout: `Set gateway for router ${ref}\n` };
  },
  'router-gateway-clear': (c, a) => {
    const ref = s(a, 'router') ?? '';
    putRouter(c, findRouter(c, ref).id, { external_gateway_info: {} });
    return { stdout: `Removed gateway from router ${ref}\n` };
  },
  'router-port-list': (c, a) => {
    const r = findRouter(c, s(a, 'id') ?? '');
    const ports = routerPortDicts(c, r.id);
    return table(a, ['id', 'name', 'mac_address', 'fixed_ips'], portRows(ports), ports);
  },
};
