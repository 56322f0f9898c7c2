/**
 * A list's filters as Neutron's API reads them before the plugin lists (api_common.get_filters,
 * with filter-validation): in the query's order, each key that is a filter of the resource has its
 * values converted by its attribute's converter (`convert_to` in the attribute map: a boolean from
 * `yes` or `0`, an integer from ` 04`, a canonical CIDR…), whose refusal is the answer; then the
 * keys that are not filters are refused together. Which keys are filters and how each converts come
 * from Neutron 21's attribute maps (neutron-attributes.json, `filter` and `convert`), so a filter is
 * a line of data, not code. Resources without a map here (agents, segments…) keep listOf's check
 * against their dictionaries.
 */
import { SimError, neutronError } from '../../errors.js';
import { formatCidr, formatIp, parseCidr, parseCidrWithHost, parseIp } from '../../ipam.js';
import { checkProtocolFilter } from '../../ops/security-group.js';
import { boolFromString, pyIntText } from '../../python.js';
import { ownValue } from '../../objects.js';
import { attributeMap } from './body.js';

/** A filter's wanted values, converted: null is Python's None (SQL's NULL: it matches nothing). */
export type Wanted = ReadonlyArray<readonly [string, ReadonlyArray<string | null>]>;

/**
 * Filters a plugin reads that its map does not mark, with the converter it applies (ML2 lists ports
 * by security group; the agents' plugin reads `alive` as a boolean).
 */
const PLUGIN: Readonly<Record<string, Readonly<Record<string, string | null>>>> = {
  ports: { security_groups: null },
  agents: { alive: 'convert_to_boolean' },
};

/**
 * What a collection's controller does with a list's query where it is not everything (on the
 * oracle's server: `allow_sorting`, `allow_pagination`, `filter_validation` of each controller
 * after start-up). Without sorting the sort keys and directions are ignored, without paging the
 * limit, marker and page_reverse; without validation a key that is no filter goes to the plugin.
 */
const CONTROLLERS: Readonly<Record<string, { sorting?: false; paging?: false; validation?: false }>> = {
  agents: { sorting: false, paging: false },
  availability_zones: { sorting: false, paging: false },
  service_providers: { sorting: false, paging: false, validation: false },
  rbac_policies: { paging: false },
};

/** The collection (`rbac_policies`) a list's path (`/v2.0/rbac-policies`) names. */
const resourceOf = (path: string) => path.replace(/^\/v2\.0\//, '').replace(/-/g, '_');

/** Whether a list on `path` sorts (its sort keys are checked) and pages (its limit is read). */
export function listHelpers(path: string): { sorting: boolean; paging: boolean } {
  const c = ownValue(CONTROLLERS, resourceOf(path));
  return { sorting: c?.sorting ?? true, paging: c?.paging ?? true };
}

/**
 * The sort keys a list on `path` refuses: those that are not sort keys of its attribute map
 * (`is_sort_key`; project_id wherever tenant_id is one), in the order given. Undefined for a
 * resource without a map here.
 */
export function invalidSortKeys(path: string, keys: readonly string[]): string[] | undefined {
  const attrs = attributeMap(resourceOf(path));
  if (attrs === undefined) return undefined;
  const sortable = (k: string) => ownValue(attrs, k === 'project_id' && !Object.hasOwn(attrs, k) ? 'tenant_id' : k)?.sort === true;
  return keys.filter((k) => !sortable(k));
}

/** Whether a list on `path` reads the tag filters (`tags`, `tags-any`…): its resource is taggable. */
export function readsTags(path: string): boolean {
  const attrs = attributeMap(resourceOf(path));
  return attrs === undefined || ownValue(attrs, 'tags')?.filter === true;
}

/** Neutron 21's RBAC object types (rbac_db_models.get_type_model_map() on the oracle's server). */
const RBAC_TYPES = ['address_group', 'address_scope', 'network', 'qos_policy', 'security_group', 'subnetpool'];

const typed = (type: string) => (url: string, message: string) => new SimError(400, message, url, 'network', type);
const invalidPort = typed('SecurityGroupInvalidPortValue');
const invalidEthertype = typed('SecurityGroupRuleInvalidEtherType');
const invalidCidr = typed('InvalidCIDR');

/** Each converter a filter's value meets, by its name in the attribute map: the text compared, or None. */
const CONVERTERS: Readonly<Record<string, (raw: string, url: () => string) => string | null>> = {
  convert_to_boolean: toBoolean,
  convert_to_boolean_if_not_none: toBoolean,
  convert_to_int(raw, url) {
    const n = pyIntText(raw);
    if (n === null) throw neutronError.invalidInput(url(), `'${raw}' is not an integer.`);
    return String(n);
  },
  convert_cidr_to_canonical_format(raw, url) {
    const cidr = parseCidr(raw);
    if (cidr === null) throw neutronError.invalidInput(url(), `${raw} is not in a CIDR format.`);
    return formatCidr(cidr);
  },
  // An IPv6 address in its compact form; anything else as given.
  convert_ip_to_canonical_format(raw) {
    const ip = parseIp(raw);
    return ip !== null && ip.version === 6 ? formatIp(6, ip.value) : raw;
  },
  // securitygroup.py's: Python's int() within 0-65535.
  convert_validate_port_value(raw, url) {
    const n = pyIntText(raw);
    if (n === null || n < 0n || n > 65535n) throw invalidPort(url(), `Invalid value for port ${raw}`);
    return String(n);
  },
  convert_ethertype_to_case_insensitive(raw, url) {
    const known = ['IPv4', 'IPv6'].find((e) => e.toLowerCase() === raw.toLowerCase());
    if (known === undefined) throw invalidEthertype(url(), `Security group rule for ethertype '${raw}' not supported. Allowed values are ['IPv4', 'IPv6'].`);
    return known;
  },
  // A name in lower case, a number as given (the database keeps the text the rule was made with).
  convert_protocol(raw, url) {
    checkProtocolFilter(url(), raw);
    return pyIntText(raw) === null ? raw.toLowerCase() : raw;
  },
  // rbac.py's: stripped, in lower case, one of the types the database models.
  convert_valid_object_type(raw, url) {
    const type = raw.trim().toLowerCase();
    if (RBAC_TYPES.includes(type)) return type;
    throw neutronError.invalidInput(url(), `'${raw}' is not a valid RBAC object type.`);
  },
  // netaddr's IPNetwork as text: host bits kept, IPv6 compact; empty is None.
  convert_ip_prefix_to_cidr(raw, url) {
    if (raw === '') return null;
    const net = parseCidrWithHost(raw);
    if (net === null) throw invalidCidr(url(), `Invalid CIDR ${raw} given as IP prefix.`);
    return `${formatIp(net.version, net.address)}/${net.prefix}`;
  },
};

function toBoolean(raw: string, url: () => string): string {
  const b = boolFromString(raw);
  if (b === null) throw neutronError.invalidInput(url(), `'${raw}' cannot be converted to boolean.`);
  return String(b);
}

/**
 * The wanted values of a list on `path` (`/v2.0/<collection>`) as Neutron reads them, or its 400:
 * the first value a converter refuses, else every key that is not a filter. `url` gives the request
 * as sent (for the error's line). Undefined for a resource without a map here.
 */
export function readFilters(path: string, wanted: Wanted, url: () => string): Wanted | undefined {
  const resource = resourceOf(path);
  const attrs = attributeMap(resource);
  if (attrs === undefined) return undefined;
  const invalid: string[] = [];
  const plugin = ownValue(PLUGIN, resource) ?? {};
  const out = wanted.map(([key, values]): readonly [string, ReadonlyArray<string | null>] => {
    // project_id wherever tenant_id is a filter (populate_project_info adds it to the map).
    const spec = ownValue(attrs, key === 'project_id' && !Object.hasOwn(attrs, key) ? 'tenant_id' : key);
    const extra = Object.hasOwn(plugin, key);
    if (!(spec?.filter || extra)) {
      invalid.push(key);
      return [key, values];
    }
    const name = extra ? plugin[key] : spec?.convert;
    const convert = name ? ownValue(CONVERTERS, name) : undefined;
    return [key, convert ? values.map((v) => (v === null ? null : convert(v, url))) : values];
  });
  if (invalid.length > 0 && ownValue(CONTROLLERS, resource)?.validation !== false) throw neutronError.invalidFilter(path, invalid);
  return out;
}
