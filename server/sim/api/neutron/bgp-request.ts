/**
 * The request bodies of neutron-dynamic-routing's speakers and peers as its attribute maps check
 * them (neutron-lib's bgp definitions): what the legacy client sends, value specs included.
 */
import { neutronError } from '../../errors.js';
import { boolFromString } from '../../python.js';
import type { Json, JsonObject } from '../json.js';
import { pyStr } from './body.js';

export type BgpResource = 'bgp_speaker' | 'bgp_peer';

/** Attributes by what a POST and a PUT may carry; the others are read-only. */
const ATTRS: Record<BgpResource, { post: readonly string[]; put: readonly string[]; readOnly: readonly string[] }> = {
  bgp_speaker: {
    post: ['name', 'local_as', 'ip_version', 'advertise_floating_ip_host_routes', 'advertise_tenant_networks', 'tenant_id', 'project_id'],
    put: ['name', 'advertise_floating_ip_host_routes', 'advertise_tenant_networks'],
    readOnly: ['id', 'local_as', 'ip_version', 'peers', 'networks', 'tenant_id', 'project_id'],
  },
  bgp_peer: {
    post: ['name', 'peer_ip', 'remote_as', 'auth_type', 'password', 'tenant_id', 'project_id'],
    put: ['name', 'password'],
    readOnly: ['id', 'peer_ip', 'remote_as', 'auth_type', 'tenant_id', 'project_id'],
  },
};

const BOOLEANS = ['advertise_floating_ip_host_routes', 'advertise_tenant_networks'];
/** type:string (name) and type:string_or_none (password), in the attribute map's order. */
const STRINGS: ReadonlyArray<[string, boolean]> = [['name', false], ['password', true]];

/** convert_to_boolean: oslo's bool_from_string, strict (the text stripped and lowered). */
function toBoolean(path: string, v: unknown): boolean {
  const b = typeof v === 'boolean' ? v : boolFromString(String(v));
  if (b === null) throw neutronError.invalidInput(path, `'${String(v)}' cannot be converted to boolean.`);
  return b;
}

/** POST (`create`) or PUT (`update`) of `body` on `path`: the body with its booleans converted, or Neutron's 400. */
export function bgpRequestBody(resource: BgpResource, op: 'create' | 'update', path: string, body: JsonObject): JsonObject {
  const a = ATTRS[resource];
  const known = op === 'create' ? a.post : [...a.put, ...a.readOnly];
  const unknown = Object.keys(body).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw neutronError.unrecognizedAttributes(path, unknown);
  const readOnly = op === 'update' ? Object.keys(body).find((k) => a.readOnly.includes(k)) : undefined;
  if (readOnly !== undefined) throw neutronError.badRequest(path, `Cannot update read-only attribute ${readOnly}`);
  for (const [k, orNone] of STRINGS) {
    const v = body[k];
    if (v === undefined || typeof v === 'string' || (orNone && v === null)) continue;
    throw neutronError.badRequest(path, `Invalid input for ${k}. Reason: '${pyStr(v as Json)}' is not a valid string.`);
  }
  const out: JsonObject = { ...body };
  for (const k of BOOLEANS) if (k in out) out[k] = toBoolean(path, out[k]);
  return out;
}
