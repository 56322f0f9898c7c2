/** Network segments (the segments service plugin, `/v2.0/segments`, admin only) as the API returns them. */
import type { Cloud } from '../../model/cloud.js';
import { networkSegments, type Segment } from '../../agents.js';
import type { JsonObject } from '../json.js';
import { sortedById } from './common.js';

export function segmentDict(s: Segment): JsonObject {
  return {
    id: s.id,
    network_id: s.network.id,
    name: null,
    description: null,
    network_type: s.network.networkType,
    physical_network: s.network.physicalNetwork,
    segmentation_id: s.network.segmentationId,
  };
}

/** GET /v2.0/segments (optionally network_id=…): none for a member. */
export function listSegments(c: Cloud, networkId?: string): JsonObject[] {
  return sortedById(networkSegments(c))
    .filter((s) => networkId === undefined || s.network.id === networkId)
    .map(segmentDict);
}

/** GET /v2.0/segments/{id}, or undefined (openstacksdk's find then says "No Segment found"). */
export function findSegment(c: Cloud, id: string): JsonObject | undefined {
  const s = networkSegments(c).find((x) => x.id === id);
  return s ? segmentDict(s) : undefined;
}
