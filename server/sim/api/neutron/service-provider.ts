/**
 * GET /v2.0/service-providers (the service-type extension): the providers our cloud's service
 * plugins register. The router plugin's four L3 flavors, none the default, in the server's order.
 * Its controller does not validate filters: the plugin reads service_type, name, driver and
 * default (compared as the query's text, so `default` matches nothing) and ignores the others.
 */
import type { JsonObject } from '../json.js';

const L3_PROVIDERS = ['dvrha', 'dvr', 'ha', 'single_node'];

/** neutron/services/l3_router/service_providers: each flavor's driver class (filterable, not shown). */
const DRIVERS: Readonly<Record<string, string>> = {
  dvrha: 'neutron.services.l3_router.service_providers.dvrha.DvrHaDriver',
  dvr: 'neutron.services.l3_router.service_providers.dvr.DvrDriver',
  ha: 'neutron.services.l3_router.service_providers.ha.HaDriver',
  single_node: 'neutron.services.l3_router.service_providers.single_node.SingleNodeDriver',
};

/** The providers whose fields the plugin reads match the query's values (any of several). */
export function listServiceProviders(filters: Readonly<Record<string, unknown>> = {}): JsonObject[] {
  const wanted = (key: string): string[] | undefined => {
    if (!Object.hasOwn(filters, key)) return undefined;
    const v = filters[key];
    return Array.isArray(v) ? v.map(String) : [String(v)];
  };
  const keeps = (key: string, value: string | boolean) => {
    const w = wanted(key);
    return w === undefined || w.includes(value as string);
  };
  return L3_PROVIDERS.filter((name) => keeps('service_type', 'L3_ROUTER_NAT') && keeps('name', name) && keeps('driver', DRIVERS[name] ?? '') && keeps('default', false)).map(
    (name) => ({ service_type: 'L3_ROUTER_NAT', name, default: false }),
  );
}
