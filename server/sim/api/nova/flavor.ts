/** Nova flavors (`/flavors`) as the API returns them at microversion 2.1. */
import type { Cloud } from '../../model/cloud.js';
import type { Flavor } from '../../model/compute.js';
import { novaError } from '../../errors.js';
import type { JsonObject } from '../json.js';

export function flavorDict(f: Flavor): JsonObject {
  return {
    id: f.id,
    name: f.name,
    ram: f.ram,
    disk: f.disk,
    // Before microversion 2.75 Nova returns "" for no swap.
    swap: f.swap === 0 ? '' : f.swap,
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeral,
    'OS-FLV-DISABLED:disabled': false,
    vcpus: f.vcpus,
    'os-flavor-access:is_public': f.isPublic,
    rxtx_factor: f.rxtxFactor,
  };
}

/** GET /flavors/detail: by flavor id. */
export function listFlavors(c: Cloud): JsonObject[] {
  return [...c.flavors].sort((x, y) => (x.id < y.id ? -1 : 1)).map(flavorDict);
}

/** GET /flavors/{id}, or Nova's 404. */
export function showFlavor(c: Cloud, id: string): JsonObject {
  const f = c.flavors.find((x) => x.id === id);
  if (!f) throw novaError.notFound(`/flavors/${id}`, `Flavor ${id} could not be found.`);
  return flavorDict(f);
}
