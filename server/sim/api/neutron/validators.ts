/**
 * neutron-lib's attribute validators (neutron_lib/api/validators, and the security group
 * extension's name_not_default), by the names the attribute maps give them, each with the argument
 * the map gives it (a maximum length, the valid values). body.ts's requestBody runs them on a
 * request's body in the map's order, after each attribute's converter, as the API controller's
 * convert_values does, so the first attribute the map lists that is wrong is the one answered.
 *
 * The validators of structured attributes (fixed IPs, address pairs, pools, routes, name servers,
 * segments, gateway and DHCP option dictionaries, service types, a subnet's CIDR) are not here:
 * each resource's request module reads those as it turns the body into the simulation's request.
 */
import { neutronError } from '../../errors.js';
import { ownValue } from '../../objects.js';
import { PD_POOL_ID } from '../../ops/subnet.js';
import { ipAddressError, subnetListError, validMac } from '../../ipam.js';
import { pyDuplicates, pyEquals, type PyJson } from '../../python.js';
import type { Json } from '../json.js';

/** Python's `'%s' % value` for what a body may carry (the validators quote what they refuse with it). */
export function pyStr(v: Json): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  return typeof v === 'object' ? pyRepr(v) : String(v);
}

/** Python's repr() of what a body may carry (text without escapes: messages quote it as given). */
export function pyRepr(v: Json): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(', ')}}`;
  return pyStr(v);
}

/**
 * oslo's uuidutils.is_uuid_like: text that is 32 hex digits once `urn:`, `uuid:`, surrounding
 * braces and every hyphen are taken out (uuid.UUID's reading, compared back in lower case).
 */
export function isUuidLike(v: Json | undefined): boolean {
  if (typeof v !== 'string') return false;
  const hex = v.replaceAll('urn:', '').replaceAll('uuid:', '').replace(/^[{}]+|[{}]+$/g, '').replaceAll('-', '');
  return /^[0-9a-fA-F]{32}$/.test(hex);
}

/** validate_uuid's reason, or null for text like a UUID. */
export function uuidError(v: Json | undefined): string | null {
  return isUuidLike(v) ? null : `'${pyStr(v ?? null)}' is not a valid UUID`;
}

function stringError(v: Json, maxLen: Json): string | null {
  if (typeof v !== 'string') return `'${pyStr(v)}' is not a valid string`;
  // Python's len() counts code points.
  if (typeof maxLen === 'number' && [...v].length > maxLen) return `'${v}' exceeds maximum length of ${maxLen}`;
  return null;
}

/** _validate_list_of_items: a list, each item listed once, then each item's own validator. */
function listError(v: Json, item: (x: Json) => string | null): string | null {
  if (!Array.isArray(v)) return `'${pyStr(v)}' is not a list`;
  const dups = pyDuplicates(v as PyJson[]);
  if (dups.length > 0) return `Duplicate items in the list: '${dups.map(pyStr).join(', ')}'`;
  for (const x of v) {
    const why = item(x);
    if (why !== null) return why;
  }
  return null;
}

/** validate_fixed_ips: a list of dicts, each address valid and not given twice, then its subnet a UUID. */
export function fixedIpsError(v: Json): string | null {
  if (!Array.isArray(v)) return `Invalid data format for fixed IP: '${pyStr(v)}'`;
  // Only text passes validate_ip_address, so the addresses seen are text: a set finds a repeat.
  const ips = new Set<string>();
  for (const x of v) {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return `Invalid data format for fixed IP: '${pyStr(x)}'`;
    if (Object.hasOwn(x, 'ip_address')) {
      const ip = x['ip_address'] ?? null;
      if (typeof ip !== 'string') return `'${pyStr(ip)}' is not a valid IP address`;
      const why = ips.has(ip) ? `Duplicate IP address '${ip}'` : ipAddressError(ip);
      if (why !== null) return why;
      ips.add(ip);
    }
    if (Object.hasOwn(x, 'subnet_id')) {
      const why = uuidError(x['subnet_id']);
      if (why !== null) return why;
    }
  }
  return null;
}

type Validator = (v: Json, arg: Json, path: string) => string | null;

/**
 * The validators by name. Each answers the reason it refuses a value (quoted by the controller as
 * "Invalid input for ATTR. Reason: …."), null when it takes it; one that raises a plugin error
 * throws it.
 */
const VALIDATORS: Readonly<Record<string, Validator>> = {
  'type:string': stringError,
  'type:string_or_none': (v, max) => (v === null ? null : stringError(v, max)),
  'type:not_empty_string': (v, max) =>
    stringError(v, max) ?? ((v as string).trim() === '' ? `'${pyStr(v)}' Blank strings are not permitted` : null),
  'type:name_not_default': (v, max, path) => {
    const why = stringError(v, max);
    if (why !== null) return why;
    // The security group extension's own validator raises its 409.
    if ((v as string).toLowerCase() === 'default') throw neutronError.conflict(path, 'Default security group already exists.');
    return null;
  },
  'type:uuid': (v) => uuidError(v),
  'type:uuid_or_none': (v) => (v === null ? null : uuidError(v)),
  'type:uuid_list': (v) => listError(v, uuidError),
  // A subnet's pool: a UUID, None, or prefix delegation's pool.
  'type:subnetpool_id_or_none': (v) => (v === null || v === PD_POOL_ID ? null : uuidError(v)),
  'type:values': (v, valid) =>
    !Array.isArray(valid) || valid.some((x) => pyEquals(x as PyJson, v as PyJson)) ? null : `${pyStr(v)} is not in valid_values`,
  'type:non_negative': (v) =>
    typeof v !== 'number' ? `'${pyStr(v)}' is not an integer` : v < 0 ? `'${pyStr(v)}' should be non-negative` : null,
  'type:mac_address': (v) => (typeof v === 'string' && validMac(v) ? null : `'${pyStr(v)}' is not a valid MAC address`),
  'type:fixed_ips': fixedIpsError,
  'type:ip_address_or_none': (v) =>
    v === null ? null : typeof v === 'string' ? ipAddressError(v) : `'${pyStr(v)}' is not a valid IP address`,
  'type:subnet_list': (v) => (Array.isArray(v) ? subnetListError(v as PyJson[]) : `'${pyStr(v)}' is not a list`),
  'type:list_of_unique_strings': (v, max) => listError(v, (x) => stringError(x, max)),
  // The zone hints' validator is the list's, without a length; each zone is looked up later.
  'type:availability_zone_hint_list': (v) => listError(v, (x) => stringError(x, null)),
};

/**
 * The first reason `rules` (an attribute's validators and their arguments, in the map's order)
 * refuse `v` for, or null. A rule not listed here is its request module's to check.
 */
export function validationError(rules: Readonly<Record<string, Json>>, v: Json, path: string): string | null {
  for (const [rule, arg] of Object.entries(rules)) {
    const why = ownValue(VALIDATORS, rule)?.(v, arg, path) ?? null;
    if (why !== null) return why;
  }
  return null;
}
