/**
 * Requests to the resources of an extension our cloud does not load (LBaaS, FWaaS, VPNaaS, QoS,
 * BGP, metering): Neutron routes no such path, so every method on it gets the router's plain 404.
 */
import { SimError } from '../../errors.js';

export const UNLOADED_MESSAGE = 'The resource could not be found.';

/** Any request under an unloaded extension's path (`/v2.0/lbaas/loadbalancers`, `/v2.0/qos/policies/x`…). */
export function requestUnloaded(path: string): never {
  throw new SimError(404, UNLOADED_MESSAGE, path, 'network', 'HTTPNotFound');
}
