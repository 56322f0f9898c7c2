/** Neutron routers as the API returns them (with the extraroute, dvr, l3-ha and AZ extensions). */
import type { Cloud } from '../../model/cloud.js';
import type { Router } from '../../model/router.js';
import { inApiOrder } from '../../ops/port.js';
import { visibleRouters } from '../../visibility.js';
import { getAgent, routersOnAgent } from '../../agents.js';
import type { Json, JsonObject } from '../json.js';
import { listOf, stdAttrs, type ListQuery } from './common.js';

/** external_gateway_info: null without a gateway. */
export function gatewayInfo(r: Router): Json {
  if (!r.gateway) return null;
  return {
    network_id: r.gateway.networkId,
    external_fixed_ips: inApiOrder(r.gateway.externalFixedIps).map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })),
    enable_snat: r.gateway.enableSnat,
  };
}

/** distributed and ha are admin only (policy): other users do not get the keys at all. */
export const ROUTER_ADMIN_KEYS = ['distributed', 'ha'] as const;

/**
 * A router as a GET returns it. `unfiltered`: as an action answers it (add/remove_extraroutes):
 * Neutron returns an action's result without its attribute policy, so a member gets `distributed`
 * and `ha` there too (checked on the oracle).
 */
export function routerDict(c: Cloud, r: Router, { unfiltered = false }: { unfiltered?: boolean } = {}): JsonObject {
  const d: JsonObject = {
    id: r.id,
    name: r.name,
    tenant_id: r.projectId,
    admin_state_up: r.adminStateUp,
    status: r.status,
    external_gateway_info: gatewayInfo(r),
    ...stdAttrs(r),
    routes: r.routes.map((x) => ({ destination: x.destination, nexthop: x.nexthop })),
    distributed: r.distributed,
    ha: r.ha,
    availability_zone_hints: [...r.availabilityZoneHints],
    availability_zones: [],
    flavor_id: null,
    project_id: r.projectId,
  };
  if (!c.auth.admin && !unfiltered) for (const k of ROUTER_ADMIN_KEYS) delete d[k];
  return d;
}

/**
 * GET /v2.0/routers. For a member, `distributed` and `ha` are not attributes at all: a filter on
 * them is Neutron's 400 "['distributed'] is invalid attribute for filtering" (checked on the oracle).
 */
export function listRouters(c: Cloud, q: ListQuery = {}): JsonObject[] {
  return listOf(visibleRouters(c), (r) => routerDict(c, r), q, '/v2.0/routers');
}

/** GET /v2.0/agents/{id}/l3-routers: the routers an L3 agent hosts, with the same query. */
export function listAgentRouters(c: Cloud, agentId: string, q: ListQuery = {}): JsonObject[] {
  return listOf(routersOnAgent(c, getAgent(c, agentId)), (r) => routerDict(c, r), q, `/v2.0/agents/${agentId}/l3-routers`);
}
