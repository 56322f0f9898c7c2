/**
 * neutron-dynamic-routing's API: BGP speakers, peers, their bindings and (from sim/bgp-routes.ts)
 * the routes a speaker advertises.
 */
import type { Cloud } from '../../model/cloud.js';
import { BGP_DRAGENT_TYPE, type BgpPeer, type BgpSpeaker } from '../../model/bgp.js';
import { agents, getAgent, type Agent } from '../../agents.js';
import type { JsonObject } from '../json.js';

export { advertisedPrefixes, speakerRoutes, type AdvertisedRoute } from '../../bgp-routes.js';

/** GET /v2.0/bgp-speakers: admin only by policy (a member lists none). */
export function visibleSpeakers(c: Cloud): BgpSpeaker[] {
  return c.auth.admin ? (c.bgp?.speakers ?? []) : [];
}

/** GET /v2.0/bgp-peers: admin only by policy. */
export function visiblePeers(c: Cloud): BgpPeer[] {
  return c.auth.admin ? (c.bgp?.peers ?? []) : [];
}

/**
 * A speaker as the API returns it. A deleted network's binding goes with it (the binding's
 * foreign key cascades), so only bindings to existing networks are shown.
 */
export function speakerDict(c: Cloud, s: BgpSpeaker): JsonObject {
  return {
    id: s.id,
    name: s.name,
    local_as: s.localAs,
    ip_version: s.ipVersion,
    advertise_floating_ip_host_routes: s.advertiseFloatingIpHostRoutes,
    advertise_tenant_networks: s.advertiseTenantNetworks,
    peers: [...s.peerIds],
    networks: s.networkIds.filter((id) => c.networks.some((n) => n.id === id)),
    tenant_id: s.projectId,
    project_id: s.projectId,
  };
}

/** A peer as the API returns it (never its password). */
export function peerDict(p: BgpPeer): JsonObject {
  return { id: p.id, name: p.name, peer_ip: p.peerIp, remote_as: p.remoteAs, auth_type: p.authType, tenant_id: p.projectId, project_id: p.projectId };
}

/** The BGP dynamic routing agents (none unless the cloud's fixture runs one). */
export function bgpAgents(c: Cloud): Agent[] {
  return agents(c).filter((a) => a.agentType === BGP_DRAGENT_TYPE);
}

/** GET /v2.0/bgp-speakers/ID/bgp-dragents. */
export function agentsHostingSpeaker(c: Cloud, s: BgpSpeaker): Agent[] {
  const bound = c.bgp?.agentSpeakers ?? {};
  return bgpAgents(c).filter((a) => (bound[a.id] ?? []).includes(s.id));
}

/** GET /v2.0/agents/ID/bgp-drinstances: the speakers an agent hosts (404 for an unknown agent). */
export function speakersOnAgent(c: Cloud, agentId: string): BgpSpeaker[] {
  const agent = getAgent(c, agentId);
  const ids = c.bgp?.agentSpeakers[agent.id] ?? [];
  return visibleSpeakers(c).filter((s) => ids.includes(s.id));
}
