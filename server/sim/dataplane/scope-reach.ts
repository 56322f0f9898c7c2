/**
 * What address scopes do to a packet crossing a legacy router (the rules of ./iptables.ts, read
 * as a packet model): within one scope the gateway does not SNAT (the nat `snat` chain accepts
 * connections marked with the external scope), between scopes the filter `scope` chain drops,
 * and an un-NATed address is reachable from the Internet only when the upstream routes its prefix.
 */
import type { Cloud } from '../model/cloud.js';
import type { Router } from '../model/router.js';
import { advertisedPrefixes } from '../api/neutron/bgp.js';
import { cidrContains, parseCidr, parseIp } from '../ipam.js';
import { routerPorts } from './index.js';
import { networkScopes, scopeLabel } from './scope.js';

/** The scope the router's L3 agent gives the router port on `networkId` for `version`. */
function portScope(cloud: Cloud, networkId: string, version: 4 | 6): string | null {
  return networkScopes(cloud, networkId)[version];
}

/** The router's external network's scope for `version` (null: no gateway, or unscoped). */
function gatewayScope(cloud: Cloud, router: Router, version: 4 | 6): string | null {
  const { gateway } = routerPorts(cloud, router);
  return gateway ? portScope(cloud, gateway.networkId, version) : null;
}

/** IPv4 from a subnet in the external network's scope: the connmark ACCEPT keeps it from SNAT. */
export function leavesUnNated(cloud: Cloud, router: Router, networkId: string): boolean {
  const scope = gatewayScope(cloud, router, 4);
  return scope !== null && portScope(cloud, networkId, 4) === scope;
}

/**
 * Why the router drops traffic between two of its networks (null: same scope). Each interface
 * marks what comes in with its network's scope; the filter drops what leaves by an interface of
 * another scope.
 */
export function crossScopeDrop(cloud: Cloud, fromNetworkId: string, toNetworkId: string, to: string): string | null {
  const version = parseIp(to)?.version === 6 ? 6 : 4;
  const a = portScope(cloud, fromNetworkId, version);
  const b = portScope(cloud, toNetworkId, version);
  if (a === b) return null;
  return `the router drops traffic between address scopes: from ${scopeLabel(cloud, a)} to ${scopeLabel(cloud, b)} (filter chain neutron-l3-agent-scope)`;
}

/**
 * Without SNAT an IPv4 packet from another scope than the external network's is dropped on its
 * way out of qg- (the filter rule for the gateway exists when SNAT is off). Null: not dropped.
 */
export function unNatedDrop(cloud: Cloud, router: Router, networkId: string): string | null {
  const ext = gatewayScope(cloud, router, 4);
  const own = portScope(cloud, networkId, 4);
  if (ext === null || own === ext) return null;
  return `SNAT disabled: the router drops traffic from ${scopeLabel(cloud, own)} to the external network in ${scopeLabel(cloud, ext)} (filter chain neutron-l3-agent-scope)`;
}

export interface Upstream { routed: boolean; reason: string }

/**
 * Whether the Internet routes `ip` (an un-NATed address behind the router) back to the router's
 * external network. Where a BGP speaker serves that network the upstream learns only what it
 * announces; where none does, the provider routes its scope statically (the fixtures' setup
 * before dynamic routing).
 */
export function upstreamRoute(cloud: Cloud, router: Router, ip: string): Upstream {
  const netId = router.gateway?.networkId;
  const speaking = (cloud.bgp?.speakers ?? []).some((s) => netId !== undefined && s.networkIds.includes(netId));
  if (!speaking) return { routed: true, reason: 'same address scope: routed without NAT' };
  const a = parseIp(ip);
  const route = advertisedPrefixes(cloud).find((r) => {
    const c = parseCidr(r.destination);
    return a !== null && c !== null && cidrContains(c, a.version, a.value);
  });
  return route
    ? { routed: true, reason: `same address scope: routed without NAT; ${route.destination} announced by BGP (next hop ${route.nextHop})` }
    : { routed: false, reason: `${ip} is routed without NAT, but no BGP speaker announces a prefix covering it: the Internet has no route back to it` };
}
