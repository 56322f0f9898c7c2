/**
 * Neutron's availability zones (`/v2.0/availability_zones`), as its agent mixin lists them: one per
 * zone and resource of the DHCP agents (network) and L3 agents (router), in the agents' order,
 * whoever asks (the agents themselves are shown to admins only).
 */
import type { Cloud } from '../../model/cloud.js';
import { agents } from '../../agents.js';
import type { JsonObject } from '../json.js';

const RESOURCE: Record<string, string> = { 'DHCP agent': 'network', 'L3 agent': 'router' };

export function listAvailabilityZones(c: Cloud): JsonObject[] {
  const zones = new Map<string, JsonObject>();
  // The cloud as an admin sees it (agents() answers admins only); a view over the (draft) cloud, not a copy.
  const asAdmin = Object.create(c, { auth: { value: { ...c.auth, admin: true } } }) as Cloud;
  for (const a of agents(asAdmin)) {
    const resource = RESOURCE[a.agentType];
    if (!a.availabilityZone || !resource) continue;
    const key = `${a.availabilityZone}\n${resource}`;
    const up = a.adminStateUp || zones.get(key)?.['state'] === 'available';
    zones.set(key, { name: a.availabilityZone, resource, state: up ? 'available' : 'unavailable' });
  }
  return [...zones.values()];
}
