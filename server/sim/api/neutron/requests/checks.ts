/**
 * What Neutron's API layer checks in a body beyond what `requestBody` (body.ts) does: required
 * attributes, the validators that need a type or a UUID, and the collections' 404s for what the
 * caller may not see. Also the exception classes Neutron names for the plugin's errors, which the
 * simulation's ops raise with a generic type.
 */
import { SimError } from '../../../errors.js';
import { ipAddressError } from '../../../ipam.js';
export { ipAddressError, subnetError } from '../../../ipam.js';
import type { Json, JsonObject } from '../../json.js';
import { pyStr, uuidError } from '../validators.js';
import { invalidAttribute, text } from './order.js';

/** What a plugin method Neutron 21 lacks answers (AttributeError in the controller): its 500. */
export const internalServerError = (path: string): SimError =>
  new SimError(
    500,
    'Request Failed: internal server error while processing your request.',
    path,
    'network',
    'HTTPInternalServerError',
  );

/** Python's `'%s' % value` for a body value (absent is None), as validators quote what they refuse. */
export const pyText = (v: Json | undefined): string => pyStr(v ?? null);

export { uuidError } from '../validators.js';

/** A `type:uuid` (or `uuid_or_none`) attribute: the id, null when allowed and given as null, undefined when absent. */
export function uuidAttr(
  path: string,
  body: JsonObject,
  key: string,
  orNone = false,
): string | null | undefined {
  if (!(key in body)) return undefined;
  const v = body[key] ?? null;
  if (v === null && orNone) return null;
  const why = uuidError(v);
  if (why !== null) throw invalidAttribute(path, key, why);
  return v as string;
}

/** A `type:ip_address_or_none` attribute (validate_ip_address's words). */
export function ipAttr(path: string, body: JsonObject, key: string): string | null | undefined {
  if (!(key in body)) return undefined;
  const v = body[key] ?? null;
  if (v === null) return null;
  const why = typeof v === 'string' ? ipAddressError(v) : `'${pyText(v)}' is not a valid IP address`;
  if (why !== null) throw invalidAttribute(path, key, why);
  return v as string;
}

/** The owner a POST names (requestBody has made tenant_id and project_id agree). */
export const owner = (b: JsonObject): string | undefined =>
  text(b, 'tenant_id') ?? text(b, 'project_id');

/** A list attribute's dicts, or the validator's refusal (`what` names the item in the reason). */
export function dictList(
  path: string,
  body: JsonObject,
  key: string,
  what: string,
): JsonObject[] | undefined {
  if (!(key in body)) return undefined;
  const v = body[key] ?? null;
  if (v === null) return [];
  if (!Array.isArray(v))
    throw invalidAttribute(path, key, `Invalid data format for ${what}: '${pyText(v)}'`);
  for (const x of v) {
    if (x === null || typeof x !== 'object' || Array.isArray(x))
      throw invalidAttribute(path, key, `Invalid data format for ${what}: '${pyText(x)}'`);
  }
  return v as JsonObject[];
}

/**
 * The exception classes of the plugin errors these collections raise, by message (Neutron's
 * NeutronError.type; the CLIs print only the message).
 */
const FAULT_TYPES: ReadonlyArray<[RegExp, string]> = [
  // prepare_request_body's refusals (webob's HTTPBadRequest).
  [/^Invalid input for [^ ]+\. Reason: /, 'HTTPBadRequest'],
  [/^Attribute '[^']*' not allowed in POST$/, 'HTTPBadRequest'],
  [/^Cannot update read-only attribute /, 'HTTPBadRequest'],
  [/^Failed to parse request\. /, 'HTTPBadRequest'],
  [/^'project_id' and 'tenant_id' do not match$/, 'HTTPBadRequest'],
  [/^Specifying 'project_id' or 'tenant_id' other than /, 'HTTPBadRequest'],
  [/^Port \S+ cannot be deleted directly via the port API/, 'ServicePortInUse'],
  [/^IP address \S+ already allocated in subnet/, 'IpAddressAlreadyAllocated'],
  [/^IP address \S+ is not a valid IP for the specified subnet/, 'InvalidIpForSubnet'],
  [/^Router \S+ has ports still attached/, 'RouterInUse'],
  [
    /^Router interface for subnet \S+ on router \S+ cannot be deleted, as it is required by one or more routes/,
    'RouterInterfaceInUseByRoute',
  ],
  [
    /^Router interface for subnet \S+ on router \S+ cannot be deleted, as it is required by one or more floating IPs/,
    'RouterInterfaceInUseByFloatingIP',
  ],
  [/^Router \S+ has no interface on subnet/, 'RouterInterfaceNotFoundForSubnet'],
  [/^Router \S+ does not have an interface with id/, 'RouterInterfaceNotFound'],
  [/^Router \S+ could not be found/, 'RouterNotFound'],
  [/^External network \S+ is not reachable from subnet/, 'ExternalGatewayForFloatingIPNotFound'],
  [/^Invalid format for routes:/, 'InvalidRoutes'],
  [/^Security group rule already exists/, 'SecurityGroupRuleExists'],
  [/^Invalid value for ICMP /, 'SecurityGroupInvalidIcmpValue'],
  [/is provided but ICMP type \(port-range-min\) is missing/, 'SecurityGroupMissingIcmpType'],
  [
    /^For TCP\/UDP protocols, port_range_min must be <= port_range_max/,
    'SecurityGroupInvalidPortRange',
  ],
  [/^Security group rule protocol \S+ not supported/, 'SecurityGroupRuleInvalidProtocol'],
  [/^Only one of remote_ip_prefix or remote_group_id/, 'SecurityGroupMultipleRemoteEntites'],
  [/^Must also specify protocol if port range is given/, 'SecurityGroupProtocolRequiredWithPorts'],
  [/^Default security group already exists/, 'SecurityGroupDefaultAlreadyExists'],
  [/^Updating default security group not allowed/, 'SecurityGroupCannotUpdateDefault'],
  [/^Invalid value for port /, 'SecurityGroupInvalidPortValue'],
  [/^Insufficient rights for removing default security group/, 'SecurityGroupCannotRemoveDefault'],
  [/^Security Group \S+ in use/, 'SecurityGroupInUse'],
  [
    /^Unable to complete operation on port \S+ for network \S+\. Port already has an attached device/,
    'PortInUse',
  ],
  [
    /^Unable to complete operation for network \S+\. The mac address \S+ is in use/,
    'MacAddressInUse',
  ],
  [/^Quota exceeded for resources/, 'OverQuota'],
];

/** Runs `fn`, giving the simulation's errors the exception class Neutron names for them. */
export function withFaultTypes<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SimError && e.service === 'network') {
      const type = FAULT_TYPES.find(([re]) => re.test(e.message))?.[1];
      if (type !== undefined && type !== e.type)
        throw new SimError(e.status, e.message, e.path, e.service, type);
    }
    throw e;
  }
}

/** validate_dict's refusal of a dict whose keys are not the expected ones (Python sets, shown sorted). */
export function keysFailed(expected: readonly string[], provided: readonly string[]): string {
  const set = (keys: readonly string[]) =>
    `{${[...keys]
      .sort()
      .map((k) => `'${k}'`)
      .join(', ')}}`;
  return `Validation of dictionary's keys failed. Expected keys: ${set(expected)} Provided keys: ${set(provided)}`;
}
