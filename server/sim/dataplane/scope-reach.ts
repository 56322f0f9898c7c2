/**
 * What address scopes do to a packet crossing a legacy router (the rules of ./iptables.ts, read
 * as a packet model): within one scope the gateway does not SNAT (the nat `snat` chain accepts
 * connections marked with the external scope), between scopes the filter `scope` chain drops,
 * and an un-NATed address is reachable from the Internet only when the upstream routes its prefix.
 */
import type { Cloud } from '../model/cloud.js';
import type { Router } from '../model/router.js';
import { advertisedPrefixes } from '../bgp-routes.js';
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
 * Why a scoped IPv4 address behind `router` is not reachable from outside when it is SNATed: its
 * network is in an address scope but the router's gateway is not in that scope (null: it is not
 * scoped, or it leaves un-NATed).
 */
export function scopedButNated(cloud: Cloud, router: Router, networkId: string, ip: string): string | null {
  const own = portScope(cloud, networkId, 4);
  if (own === null || leavesUnNated(cloud, router, networkId)) return null;
  const ext = gatewayScope(cloud, router, 4);
  const where = router.gateway ? `its router's gateway is in ${scopeLabel(cloud, ext)}` : 'its router has no gateway';
  return `${ip} is in ${scopeLabel(cloud, own)}, but ${where}: the router SNATs it and the Internet has no route to it`;
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
 * external network: only when a BGP speaker advertises a prefix covering it (next hop: this
 * router's gateway) and actually tells the upstream router, which takes a peer and a BGP dynamic
 * routing agent hosting the speaker. Nothing else puts a tenant prefix in the Internet's tables.
 */
export function upstreamRoute(cloud: Cloud, router: Router, ip: string): Upstream {
  const a = parseIp(ip);
  const gatewayIps = new Set(router.gateway?.externalFixedIps.map((x) => x.ipAddress) ?? []);
  const covering = advertisedPrefixes(cloud).filter((r) => {
    const c = parseCidr(r.destination);
    return a !== null && c !== null && gatewayIps.has(r.nextHop) && cidrContains(c, a.version, a.value);
  });
  const unrouted = (why: string): Upstream => ({ routed: false, reason: `${ip} is routed without NAT, but ${why}: the Internet has no route back to it` });
  if (covering.length === 0) return unrouted('no BGP speaker announces a prefix covering it');
  const speakers = cloud.bgp?.speakers ?? [];
  const hosted = hostedSpeakerIds(cloud);
  // A speaker tells the upstream router only when a DR agent runs it and it has a peer.
  const announced = covering.find((r) => hosted.has(r.speakerId) && (speakers.find((x) => x.id === r.speakerId)?.peerIds.length ?? 0) > 0);
  if (announced) {
    return { routed: true, reason: `same address scope: routed without NAT; ${announced.destination} announced by BGP (next hop ${announced.nextHop})` };
  }
  const first = covering[0] as (typeof covering)[number];
  const name = speakers.find((s) => s.id === first.speakerId)?.name || first.speakerId;
  return unrouted(
    hosted.has(first.speakerId)
      ? `BGP speaker ${name} advertises ${first.destination} and has no peer to announce it to`
      : `BGP speaker ${name} advertises ${first.destination} and no BGP dynamic routing agent hosts it`,
  );
}

/** Speakers an alive DR agent hosts (the cloud's network node runs one when `bgpDragent`). */
function hostedSpeakerIds(cloud: Cloud): Set<string> {
  if (!cloud.config.bgpDragent) return new Set();
  return new Set(Object.values(cloud.bgp?.agentSpeakers ?? {}).flat());
}
