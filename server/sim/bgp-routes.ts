/**
 * The routes a BGP speaker advertises, as neutron_dynamic_routing/db/bgp_db.py (Zed) computes
 * them: `get_routes_by_bgp_speaker_id` lists the floating IP host routes first, then the tenant
 * network routes (DVR routes do not apply: Stacklab's routers are centralised). Pure, over the
 * model only: the API, the agents' reports and the reach query all read it.
 */
import type { Cloud } from './model/cloud.js';
import type { BgpSpeaker } from './model/bgp.js';
import type { Router } from './model/router.js';
import { DEVICE_OWNER } from './model/port.js';

export interface AdvertisedRoute {
  destination: string;
  nextHop: string;
}

/** Every route every speaker announces (admin view, no policy): what the upstream peers learn. */
export function advertisedPrefixes(c: Cloud): Array<{ destination: string; nextHop: string; speakerId: string }> {
  return (c.bgp?.speakers ?? []).flatMap((s) => speakerRoutes(c, s).map((r) => ({ ...r, speakerId: s.id })));
}

/**
 * GET /v2.0/bgp-speakers/ID/get_advertised_routes (`get_routes_by_bgp_speaker_id`): floating IP
 * host routes, then tenant network routes.
 */
export function speakerRoutes(c: Cloud, s: BgpSpeaker): AdvertisedRoute[] {
  return [...floatingIpHostRoutes(c, s), ...tenantNetworkRoutes(c, s)];
}

/**
 * The router's gateway addresses on the speaker's networks in subnets of `ipVersion`
 * (`_next_hop_ip_addresses_by_bgp_speaker_filters`: the next hops of its tenant routes).
 */
function gatewayNextHops(c: Cloud, s: BgpSpeaker, r: Router, ipVersion: 4 | 6): string[] {
  if (!r.gateway || !s.networkIds.includes(r.gateway.networkId)) return [];
  return r.gateway.externalFixedIps
    .filter((ip) => c.subnets.find((sn) => sn.id === ip.subnetId)?.ipVersion === ipVersion)
    .map((ip) => ip.ipAddress);
}

/**
 * `_get_central_fip_host_routes_by_bgp_speaker`: each floating IP on a speaker's network that is
 * associated (it has a router), as a /32 to the router's IPv4 gateway address on that network;
 * distributed routers are left out.
 */
function floatingIpHostRoutes(c: Cloud, s: BgpSpeaker): AdvertisedRoute[] {
  if (!s.advertiseFloatingIpHostRoutes) return [];
  return c.floatingIps.flatMap((f) => {
    if (f.routerId === null || !s.networkIds.includes(f.floatingNetworkId)) return [];
    const r = c.routers.find((x) => x.id === f.routerId);
    if (!r || r.distributed || r.gateway?.networkId !== f.floatingNetworkId) return [];
    return gatewayNextHops(c, s, r, 4).map((nextHop) => ({ destination: `${f.floatingIpAddress}/32`, nextHop }));
  });
}

/** The address scopes of the subnets (of the speaker's IP version) on the speaker's networks. */
function speakerScopeIds(c: Cloud, s: BgpSpeaker): Set<string> {
  const ids = new Set<string>();
  for (const sn of c.subnets) {
    if (!s.networkIds.includes(sn.networkId) || sn.ipVersion !== s.ipVersion) continue;
    const scope = c.subnetPools.find((p) => p.id === sn.subnetpoolId)?.addressScopeId;
    if (scope) ids.add(scope);
  }
  return ids;
}

/**
 * `_get_tenant_network_routes_by_bgp_speaker`: the subnets behind a router's non-gateway ports
 * whose pool is in one of the speaker's scopes, each to the router's gateway address (same IP
 * version) on the speaker's network. The gateway subnet itself need not be in the scope.
 */
function tenantNetworkRoutes(c: Cloud, s: BgpSpeaker): AdvertisedRoute[] {
  if (!s.advertiseTenantNetworks) return [];
  const scopes = speakerScopeIds(c, s);
  if (scopes.size === 0) return [];
  const routes: AdvertisedRoute[] = [];
  for (const r of c.routers) {
    const hops = gatewayNextHops(c, s, r, s.ipVersion);
    if (hops.length === 0) continue;
    for (const cidr of routerScopedCidrs(c, r, s, scopes)) for (const nextHop of hops) routes.push({ destination: cidr, nextHop });
  }
  return routes;
}

/** The CIDRs of the subnets on `r`'s interface ports that lie in `scopes` (each once). */
function routerScopedCidrs(c: Cloud, r: Router, s: BgpSpeaker, scopes: Set<string>): string[] {
  const cidrs = new Set<string>();
  for (const p of c.ports) {
    if (p.deviceId !== r.id || !isRouterInterface(p.deviceOwner)) continue;
    for (const ip of p.fixedIps) {
      const sn = c.subnets.find((x) => x.id === ip.subnetId);
      if (!sn || sn.ipVersion !== s.ipVersion || s.networkIds.includes(sn.networkId)) continue;
      const scope = c.subnetPools.find((pool) => pool.id === sn.subnetpoolId)?.addressScopeId;
      if (scope && scopes.has(scope)) cidrs.add(sn.cidr);
    }
  }
  return [...cidrs];
}

/** A router port other than its gateway or DVR SNAT port (bgp_db's RouterPort.port_type filter). */
function isRouterInterface(owner: string): boolean {
  return owner.startsWith('network:') && owner !== DEVICE_OWNER.routerGateway && owner !== DEVICE_OWNER.routerCentralizedSnat;
}
