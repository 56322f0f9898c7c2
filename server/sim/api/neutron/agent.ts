/** Neutron agents (`/v2.0/agents`, admin only) as the API returns them. */
import type { Cloud } from '../../model/cloud.js';
import { agents, dhcpAgentsHosting, getAgent, l3AgentsHosting, type Agent } from '../../agents.js';
import type { JsonObject } from '../json.js';
import { listOf, type ListQuery } from './common.js';

export { FLOAT_KEYS } from '../../agents.js';

/** An agent's attributes (the keys neutronclient prints; here in name order). */
export function agentDict(x: Agent): JsonObject {
  return {
    admin_state_up: x.adminStateUp, agent_type: x.agentType, alive: x.alive, availability_zone: x.availabilityZone,
    binary: x.binary, configurations: x.configurations, created_at: x.createdAt, description: x.description,
    heartbeat_timestamp: x.heartbeatAt, host: x.host, id: x.id, resources_synced: x.resourcesSynced,
    started_at: x.startedAt, topic: x.topic,
  };
}

/** GET /v2.0/agents: none for a member. */
export function listAgents(c: Cloud, q: ListQuery = {}): JsonObject[] {
  return listOf(agents(c), agentDict, q, '/v2.0/agents');
}

/** GET /v2.0/agents/{id}: Neutron's 404 for an unknown id, and for any agent when not admin. */
export function showAgent(c: Cloud, id: string): JsonObject {
  return agentDict(getAgent(c, id));
}

/** GET /v2.0/routers/{id}/l3-agents */
export function agentsHostingRouter(c: Cloud, routerId: string): JsonObject[] {
  return l3AgentsHosting(c, routerId).map(agentDict);
}

/** GET /v2.0/networks/{id}/dhcp-agents */
export function agentsHostingNetwork(c: Cloud, networkId: string): JsonObject[] {
  return dhcpAgentsHosting(c, networkId).map(agentDict);
}
