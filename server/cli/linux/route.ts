/** `route -n` (net-tools) on each host: the IPv4 tables of interfaces.ts in net-tools' layout. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Server } from '../../sim/model/compute.js';
import type { Namespace } from '../../sim/dataplane/index.js';
import { guestView } from '../../sim/dataplane/guest.js';
import { routeN } from '../../render/iproute.js';
import { err, ok, type HostResult } from './host.js';
import { guestRouteTable, LAPTOP_ROUTES, NODE_ROUTES, nsRoutes } from './interfaces.js';

export function routeInNamespace(ns: Namespace): HostResult {
  return ok(routeN(nsRoutes(ns.routes)));
}

export function routeOnNode(argv: string[]): HostResult {
  return argv[1] === '-n' ? ok(routeN(NODE_ROUTES)) : err('route: stacklab prints the table with -n only\n', 1);
}

export function routeOnLaptop(): HostResult {
  return ok(routeN(LAPTOP_ROUTES));
}

export function routeOnVm(cloud: Cloud, vm: Server): HostResult {
  return ok(routeN(guestRouteTable(guestView(cloud, vm))));
}
