/**
 * A create or update request's body as Neutron's API controller prepares it
 * (prepare_request_body): project info, unrecognized attributes, what POST and PUT allow, then each
 * attribute's conversion and the simple validators. The attribute maps are Neutron 21's, merged
 * from neutron-lib's definitions of the extensions our cloud loads (neutron-attributes.json, by
 * scripts/extract-neutron-attributes.py). What the resource's own plugin checks (CIDRs, pools,
 * ranges) stays in sim/ops.
 */
import type { Cloud } from '../../model/cloud.js';
import { neutronError, SimError } from '../../errors.js';
import type { Json, JsonObject } from '../json.js';
import attributeMaps from './neutron-attributes.json' with { type: 'json' };
import { ownValue } from '../../objects.js';
import { boolFromString, pyIntText } from '../../python.js';
import { canonicalCidr } from '../../ipam.js';
import { pyStr, validationError } from './validators.js';

interface AttrSpec {
  post: boolean;
  put: boolean;
  convert: string | null;
  /** The validators and their arguments, in the map's order (validators.ts). */
  validate: Record<string, Json>;
  /** A POST must give it: it has no default. */
  required: boolean;
  /** A list may filter on it (is_filter). */
  filter: boolean;
  /** A list may be sorted by it (is_sort_key). */
  sort: boolean;
  /** The policy engine checks a rule of its own for it (enforce_policy); a create giving `default` does not set it. */
  policy?: { default?: Json };
}

/** The resources a body names, by their collection in neutron-attributes.json. */
export type BodyResource = keyof typeof attributeMaps;

const MAPS = attributeMaps as unknown as Record<BodyResource, Record<string, AttrSpec>>;

/** The attribute map of a resource by its collection (`security_group_rules`), if there is one here. */
export function attributeMap(resource: string): Readonly<Record<string, AttrSpec>> | undefined {
  return ownValue(MAPS, resource);
}

export { pyStr };

/**
 * neutron-lib's convert_to_int: Python's int() of an integer or of text of one (surrounding
 * blanks, digit-separating underscores allowed), else Neutron's 400. The CLI uses it for the
 * values openstackclient sends as typed and Neutron converts.
 */
export function convertToInt(v: Json, path: string): number {
  return Number(convertToBigInt(v, path));
}

/** convert_to_int exactly, however large (Python's ints have no bound): for the messages that quote it. */
export function convertToBigInt(v: Json, path: string): bigint {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  const n = typeof v === 'string' ? pyIntText(v) : null;
  if (n !== null) return n;
  throw neutronError.invalidInput(path, `'${pyStr(v)}' is not an integer.`);
}

/** neutron-lib's convert_to_boolean: a boolean, or text (or a number) bool_from_string reads, else its InvalidInput. */
export function convertToBoolean(v: Json, path: string): boolean {
  if (typeof v === 'boolean') return v;
  // bool_from_string reads anything else as its text (str(1) is '1'; a list's text is no word).
  const b = typeof v === 'string' || typeof v === 'number' ? boolFromString(String(v)) : null;
  if (b !== null) return b;
  throw neutronError.invalidInput(path, `'${pyStr(v)}' cannot be converted to boolean.`);
}

/** neutron-lib's converters that can refuse a value (the others normalise what sim/ops checks again). */
function convert(name: string | null, v: Json, path: string): Json {
  if (name === 'convert_to_boolean' || (name === 'convert_to_boolean_if_not_none' && v !== null)) return convertToBoolean(v, path);
  if (name === 'convert_to_int') return convertToInt(v, path);
  if (name === 'convert_none_to_empty_list') return v ?? [];
  if (name === 'convert_cidr_to_canonical_format') {
    // netaddr's IPNetwork of anything but text is a TypeError: the server's 500.
    if (typeof v !== 'string') throw new SimError(500, 'Request Failed: internal server error while processing your request.', path, 'network', 'HTTPInternalServerError');
    const cidr = canonicalCidr(v);
    if (cidr === null) throw neutronError.invalidInput(path, `${v} is not in a CIDR format.`);
    return cidr;
  }
  if (name === 'convert_validate_port_value' && v !== null) {
    const text = typeof v === 'string' ? pyIntText(v) : null;
    const port = typeof v === 'number' ? v : text !== null ? Number(text) : NaN;
    if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
    throw neutronError.badRequest(path, `Invalid value for port ${pyStr(v)}`);
  }
  if (name === 'convert_ethertype_to_case_insensitive' && typeof v === 'string') {
    const known = ['IPv4', 'IPv6'].find((e) => e.toLowerCase() === v.toLowerCase());
    if (known) return known;
    throw neutronError.badRequest(path, `Security group rule for ethertype '${v}' not supported. Allowed values are ['IPv4', 'IPv6'].`);
  }
  return v;
}

/** What the controller refuses with webob's HTTPBadRequest (the class Neutron's answer names). */
function httpBadRequest(path: string, message: string): SimError {
  return new SimError(400, message, path, 'network', 'HTTPBadRequest');
}

/** neutron-lib's "Failed to parse request" for an attribute a POST must give and did not. */
const requiredMissing = (path: string, attr: string): SimError =>
  httpBadRequest(path, `Failed to parse request. Required attribute '${attr}' not specified`);

/** Both owner keys, as populate_project_info fills them in; they must agree. */
function projectInfo(c: Cloud, body: JsonObject, path: string): JsonObject {
  const out = { ...body };
  if ('tenant_id' in out && !('project_id' in out)) out['project_id'] = out['tenant_id'] ?? null;
  else if ('project_id' in out && !('tenant_id' in out)) out['tenant_id'] = out['project_id'] ?? null;
  if ((out['project_id'] ?? undefined) !== (out['tenant_id'] ?? undefined)) throw httpBadRequest(path, "'project_id' and 'tenant_id' do not match");
  if ('project_id' in out && out['project_id'] !== c.auth.projectId && !c.auth.admin) {
    throw httpBadRequest(path, "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges");
  }
  return out;
}

/**
 * POST (`create`) or PUT (`update`) of `body` on `path`: the body with both owner keys when one
 * was given and each value converted, or Neutron's 400.
 */
export function requestBody(c: Cloud, resource: BodyResource, op: 'create' | 'update', path: string, body: JsonObject): JsonObject {
  const attrs = MAPS[resource];
  const out = projectInfo(c, body, path);
  // project_id is recognised wherever tenant_id is (populate_project_info adds it to the map).
  // (and tenant_id wherever project_id is: address groups' map names only project_id).
  const known = (k: string) => Object.hasOwn(attrs, k) || (k === 'project_id' && Object.hasOwn(attrs, 'tenant_id')) || (k === 'tenant_id' && Object.hasOwn(attrs, 'project_id'));
  const unknown = Object.keys(out).filter((k) => !known(k));
  if (unknown.length > 0) throw neutronError.unrecognizedAttributes(path, unknown);
  // fill_post_defaults: in the map's order, an attribute POST may not set, or one it must.
  for (const [k, spec] of Object.entries(attrs)) {
    if (op === 'create' && !spec.post && k in out) throw httpBadRequest(path, `Attribute '${k}' not allowed in POST`);
    // The owner is the caller's when not given (populate_project_id), so it is never missing.
    if (op === 'create' && spec.required && !(k in out) && k !== 'tenant_id' && k !== 'project_id') throw requiredMissing(path, k);
    if (op === 'update' && !spec.put && k in out) throw httpBadRequest(path, `Cannot update read-only attribute ${k}`);
  }
  // convert_values: each attribute converted, then validated, in the map's order.
  for (const [k, spec] of Object.entries(attrs)) {
    if (!(k in out)) continue;
    const v = convert(spec.convert, out[k] ?? null, path);
    // convert_to_mac_if_none makes a MAC address of None (the plugin does, here).
    const why = v === null && spec.convert === 'convert_to_mac_if_none' ? null : validationError(spec.validate, v, path);
    if (why !== null) throw httpBadRequest(path, `Invalid input for ${k}. Reason: ${why}.`);
    out[k] = v;
  }
  if ('tenant_id' in out) out['project_id'] = out['tenant_id'] ?? null;
  return out;
}
