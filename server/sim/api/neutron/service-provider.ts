/**
 * GET /v2.0/service-providers (the service-type extension): the providers our cloud's service
 * plugins register. The router plugin's four L3 flavors, none the default, in the server's order.
 */
import type { JsonObject } from '../json.js';

const L3_PROVIDERS = ['dvrha', 'dvr', 'ha', 'single_node'];

export function listServiceProviders(): JsonObject[] {
  return L3_PROVIDERS.map((name) => ({ service_type: 'L3_ROUTER_NAT', name, default: false }));
}
