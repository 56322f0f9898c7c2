/**
 * POST, PUT and DELETE /v2.0/ports: a body's attributes as ML2 takes them. The legacy CLI's
 * port-create, port-update and port-delete send their bodies through postPort, putPort and
 * deletePortById, so both ways mean the same.
 */
import type { Cloud } from '../../../model/cloud.js';
import { shareAll, shareElements, writable } from '../../../clone.js';
import { neutronError, SimError } from '../../../errors.js';
import { validMac } from '../../../ipam.js';
import type { Port } from '../../../model/port.js';
import {
  MAX_ADDRESS_PAIRS,
  createPort,
  deletePort,
  updatePort,
  type DhcpOptRequest,
  type FixedIpRequest,
  type PortCreate,
  type PortUpdate,
} from '../../../ops/port.js';
import { visibleGroups, visibleNetworks, visiblePorts } from '../../../visibility.js';
import type { Json, JsonObject } from '../../json.js';
import { convertToInt, pyStr } from '../body.js';
import { pyDuplicates, pyJsonDumps } from '../../../python.js';
import { portDict } from '../port.js';
import type { Network } from '../../../model/network.js';
import { grants } from '../../../ops/rbac.js';
import { checkQuota } from '../../../ops/quota.js';
import { enforcePolicy, matchRule, type Rule } from './policy.js';
import type { CollectionWrites } from './types.js';
import {
  ipAddressError,
  owner,
  pyText,
  subnetError,
  withFaultTypes,
} from './checks.js';
import {
  defined,
  flag,
  invalidAttribute,
  ordered,
  prepare,
  text,
  visible,
} from './order.js';

const PATH = '/v2.0/ports';

/** The keys of a POST answer (ML2's create, its extensions' keys after the core's). */
const CREATE_ORDER = [
  'id',
  'name',
  'network_id',
  'tenant_id',
  'mac_address',
  'admin_state_up',
  'status',
  'device_id',
  'device_owner',
  'fixed_ips',
  'project_id',
  'port_security_enabled',
  'security_groups',
  'binding:vnic_type',
  'binding:profile',
  'binding:host_id',
  'binding:vif_type',
  'binding:vif_details',
  'allowed_address_pairs',
  'extra_dhcp_opts',
  'description',
  'ip_allocation',
  'tags',
  'created_at',
  'updated_at',
  'revision_number',
];

/** The keys of a PUT answer (a fresh read). */
const UPDATE_ORDER = [
  'id',
  'name',
  'network_id',
  'tenant_id',
  'mac_address',
  'admin_state_up',
  'status',
  'device_id',
  'device_owner',
  'fixed_ips',
  'allowed_address_pairs',
  'extra_dhcp_opts',
  'security_groups',
  'description',
  'binding:vnic_type',
  'binding:profile',
  'binding:host_id',
  'binding:vif_type',
  'binding:vif_details',
  'port_security_enabled',
  'ip_allocation',
  'tags',
  'created_at',
  'updated_at',
  'revision_number',
  'project_id',
];

/** A port the caller can see, or Neutron's 404. */
export const portById = (c: Cloud, id: string, path: string): Port =>
  visible(visiblePorts(c), id, path, `Port ${id} could not be found.`);

/** fixed_ips, as requestBody has validated them (validate_fixed_ips): dicts naming a subnet and/or an address. */
function fixedIps(b: JsonObject): FixedIpRequest[] | undefined {
  const v = b['fixed_ips'];
  if (!Array.isArray(v)) return undefined;
  return (v as JsonObject[]).map((x) =>
    defined<FixedIpRequest>({ subnetId: text(x, 'subnet_id'), ipAddress: text(x, 'ip_address') }),
  );
}

/**
 * security_groups (`type:uuid_list`, last in the ports' map): the ids, or the validator's refusal
 * (before anything is looked up).
 */
function groupIds(b: JsonObject): string[] | undefined {
  const v = b['security_groups'];
  return Array.isArray(v) ? (v as string[]) : undefined;
}

/** The groups a port names must be groups the caller can see. */
function checkGroups(c: Cloud, path: string, ids: readonly string[] | undefined): void {
  const missing = ids?.find((id) => !visibleGroups(c).some((x) => x.id === id));
  if (missing !== undefined)
    throw neutronError.notFound(path, `Security group ${missing} does not exist`);
}

/**
 * allowed_address_pairs as neutron-lib's validator reads them: a list of at most 10, then each pair
 * in turn: a dict, its MAC address, its IP address there, no pair twice, no other key, the address
 * an IP address or (with a `/`) a subnet.
 */
function pairs(path: string, b: JsonObject): PortCreate['allowedAddressPairs'] {
  if (!('allowed_address_pairs' in b)) return undefined;
  const v = b['allowed_address_pairs'] ?? [];
  const bad = (message: string, type = 'HTTPBadRequest') => new SimError(400, message, path, 'network', type);
  if (!Array.isArray(v)) throw bad('Allowed address pairs must be a list.');
  if (v.length > MAX_ADDRESS_PAIRS) throw bad(`The number of allowed address pair exceeds the maximum ${MAX_ADDRESS_PAIRS}.`, 'AllowedAddressPairExhausted');
  const seen = new Set<string>();
  return v.map((x) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) throw invalidAttribute(path, 'allowed_address_pairs', `'${pyText(x)}' is not a dictionary`);
    const pair = x;
    const macGiven = 'mac_address' in pair ? pair['mac_address'] : undefined;
    if (macGiven !== undefined && (typeof macGiven !== 'string' || !validMac(macGiven))) throw bad(`'${pyText(macGiven)}' is not a valid MAC address`);
    if (!('ip_address' in pair)) throw bad('AllowedAddressPair must contain ip_address', 'AllowedAddressPairsMissingIP');
    const ip = pair['ip_address'];
    const key = `${macGiven ?? 'None'} ${pyText(ip ?? null)}`;
    if (seen.has(key)) throw bad(`Request contains duplicate address pair: mac_address ${macGiven ?? 'None'} ip_address ${pyText(ip ?? null)}.`, 'DuplicateAddressPairInRequest');
    seen.add(key);
    const unknown = Object.keys(pair).filter((k) => k !== 'mac_address' && k !== 'ip_address');
    if (unknown.length > 0) throw bad(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
    const why = typeof ip !== 'string' ? `'${pyText(ip ?? null)}' is not a valid IP address` : ip.includes('/') ? subnetError(ip) : ipAddressError(ip);
    if (why !== null) throw bad(why);
    return { ipAddress: ip as string, ...(typeof macGiven === 'string' ? { macAddress: macGiven } : {}) };
  });
}

/** extra_dhcp_opt.py's names whose value may be blank (a route option given empty). */
const BLANK_OPTS = ['router', 'classless-static-route'];

/**
 * extra_dhcp_opts as neutron-lib's type:list_of_any_key_specs_or_none reads them: a list, no item
 * twice, each a dict with opt_name and opt_value (ip_version 4 or 6, converted to an integer)
 * matching one of the two key specs (a blank-able route option, or a one-line name and value).
 */
function dhcpOpts(path: string, b: JsonObject): DhcpOptRequest[] | undefined {
  return 'extra_dhcp_opts' in b ? dhcpOptsOf(path, b['extra_dhcp_opts'] ?? null) : undefined;
}

/** A body's extra_dhcp_opts value read as the API reads it (for the CLIs that build one too). */
export function dhcpOptsOf(path: string, v: Json): DhcpOptRequest[] | undefined {
  if (v === null) return undefined;
  if (!Array.isArray(v)) throw neutronError.invalidInput(path, `'${pyStr(v)}' is not a list.`);
  const dups = pyDuplicates(v);
  if (dups.length > 0) throw neutronError.invalidInput(path, `Duplicate items in the list: '${dups.map(pyStr).join(', ')}'.`);
  return v.map((x) => {
    const refused = () => neutronError.invalidInput(path, `No valid key specs matched for: ${pyStr(x)}.`);
    if (x === null || typeof x !== 'object' || Array.isArray(x)) throw refused();
    const keys = Object.keys(x);
    if (!keys.includes('opt_name') || !keys.includes('opt_value') || keys.some((k) => !['opt_name', 'opt_value', 'ip_version'].includes(k))) throw refused();
    const name = x['opt_name'];
    const value = x['opt_value'] ?? null;
    const oneLine = (t: Json, max: number) => typeof t === 'string' && t.length <= max && t.trim() !== '' && !/[\r\n]/.test(t);
    const nameOk = typeof name === 'string' && (BLANK_OPTS.includes(name) ? value === null || (typeof value === 'string' && value.length <= 255) : oneLine(name, 64) && (value === null || oneLine(value, 255)));
    if (!nameOk) throw refused();
    let ipVersion: 4 | 6 = 4;
    if ('ip_version' in x) {
      const n = convertToInt(x['ip_version'] ?? null, path);
      x['ip_version'] = n;
      if (n !== 4 && n !== 6) throw refused();
      ipVersion = n;
    }
    return { optName: name, optValue: value === null ? null : String(value), ipVersion };
  });
}

/** mac_address must be text before the op checks its form. */
/** mac_address (validated by requestBody); None is one the plugin makes, as for none given. */
const mac = (b: JsonObject): string | undefined => text(b, 'mac_address');

/** binding:host_id (no validator: anything not text, null included, is no host). */
function bindingHost(b: JsonObject): string | undefined {
  if (!('binding:host_id' in b)) return undefined;
  return text(b, 'binding:host_id') ?? '';
}

/** ML2's binding:profile column: the profile as Python's json.dumps writes it, at most 4,095 characters. */
const BINDING_PROFILE_LEN = 4095;

/** binding:profile (`type:dict_or_none`): a dict, or null (which clears it). */
function bindingProfile(path: string, b: JsonObject): Port['bindingProfile'] | undefined {
  if (!('binding:profile' in b)) return undefined;
  const v = b['binding:profile'] ?? null;
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidAttribute(path, 'binding:profile', `'${pyText(v)}' is not a dictionary`);
  return v;
}

/** What ML2 stores of a profile: refused when its JSON is longer than the column. */
function checkProfileLength(path: string, profile: Port['bindingProfile'] | undefined): void {
  if (profile !== undefined && pyJsonDumps(profile).length > BINDING_PROFILE_LEN) {
    throw neutronError.invalidInput(path, 'binding:profile value too large.');
  }
}

/*
 * numa_affinity_policy and device_profile are validated by requestBody as their extensions' maps
 * say, then dropped (this ML2 runs neither extension driver, so a port never shows them;
 * `openstack port create` shows what it sent). binding:vnic_type is one of the map's values.
 */
const vnicType = (b: JsonObject): string | undefined => text(b, 'binding:vnic_type');

/** Whether the caller may see `net` as shared (Neutron's `rule:shared`: shared, or shared with its project by RBAC). */
function sharedWithCaller(c: Cloud, net: Network): boolean {
  return net.shared || grants(c, 'network', net.id, 'access_as_shared', c.auth.projectId);
}

/**
 * Zed's default port policies (the new defaults or the deprecated ones, as Neutron 21 checks
 * them): which of a request's rules an admin or a member fails. `portProject` is the project of
 * the port an update changes.
 */
function portRuleDenied(c: Cloud, net: Network, body: JsonObject, portProject?: string): (rule: Rule) => boolean {
  if (c.auth.admin) return () => false;
  const netOwner = net.projectId === c.auth.projectId;
  const shared = sharedWithCaller(c, net);
  return ({ action, attr, key }) => {
    const update = action === 'update_port';
    if (attr === undefined) return update && portProject !== c.auth.projectId;
    switch (key === undefined ? attr : `${attr}:${key}`) {
      case 'mac_address':
        return update || !netOwner;
      case 'fixed_ips':
        return update ? !netOwner : !(netOwner || shared);
      case 'fixed_ips:subnet_id':
        return !(netOwner || shared);
      case 'device_owner':
        return String(body['device_owner'] ?? '').startsWith('network:') && !netOwner;
      case 'binding:host_id':
      case 'binding:profile':
        return true;
      case 'binding:vnic_type':
        return false;
      default:
        // fixed_ips:ip_address, port_security_enabled, allowed_address_pairs and its keys.
        return !netOwner;
    }
  };
}

/** POST /v2.0/ports with the `port` object: the new port. */
export function postPort(c: Cloud, member: JsonObject, path: string = PATH): Port {
  // A create appends a port and changes no other: asked before the checks below first read the
  // ports (the quota's count), the draft shares them instead of copying every one (sim/clone.ts).
  shareElements(c, 'ports');
  return withFaultTypes(() => {
    const b = prepare(c, 'ports', 'create', path, member);
    const sgs = groupIds(b);
    const networkId = text(b, 'network_id') ?? '';
    const req = defined<PortCreate>({
      networkId,
      name: text(b, 'name'),
      description: text(b, 'description'),
      projectId: owner(b),
      adminStateUp: flag(b, 'admin_state_up'),
      deviceId: text(b, 'device_id'),
      deviceOwner: text(b, 'device_owner'),
      macAddress: mac(b),
      portSecurityEnabled: flag(b, 'port_security_enabled'),
      fixedIps: fixedIps(b),
      allowedAddressPairs: pairs(path, b),
      extraDhcpOpts: dhcpOpts(path, b),
      securityGroupIds: undefined,
      vnicType: vnicType(b),
      bindingHostId: bindingHost(b),
      bindingProfile: bindingProfile(path, b),
    });
    const net = visible(visibleNetworks(c), networkId, path, `Network ${networkId} could not be found.`);
    // The API's hooks in their order: the network's owner (unless shared), the quota, the policy.
    const projectId = req.projectId ?? c.auth.projectId;
    if (!c.auth.admin && net.projectId !== projectId && !sharedWithCaller(c, net)) {
      throw neutronError.forbidden(path, `Tenant ${projectId} not allowed to create port on this network`);
    }
    checkQuota(c, 'port', projectId, c.ports.filter((p) => p.projectId === projectId).length, path);
    enforcePolicy(path, matchRule('ports', 'create', 'port', b), portRuleDenied(c, net, b));
    checkGroups(c, path, sgs);
    checkProfileLength(path, req.bindingProfile);
    if (sgs !== undefined) req.securityGroupIds = sgs;
    return createPort(c, req);
  });
}

/** PUT /v2.0/ports/ID with the `port` object: the updated port. */
export function putPort(
  c: Cloud,
  id: string,
  member: JsonObject,
  path: string = `${PATH}/${id}`,
): Port {
  // An update changes one port and reads the others (addresses, MACs) and the networks and
  // subnets: their elements are shared, the port made the draft's own (sim/clone.ts).
  shareAll(c);
  return withFaultTypes(() => {
    const b = prepare(c, 'ports', 'update', path, member);
    const sgs = groupIds(b);
    const upd = defined<PortUpdate>({
      name: text(b, 'name'),
      description: text(b, 'description'),
      adminStateUp: flag(b, 'admin_state_up'),
      deviceId: text(b, 'device_id'),
      deviceOwner: text(b, 'device_owner'),
      // None asks for a new MAC address, as none given does at create (checked on the oracle).
      macAddress: b['mac_address'] === null ? null : mac(b),
      portSecurityEnabled: flag(b, 'port_security_enabled'),
      fixedIps: fixedIps(b),
      allowedAddressPairs: pairs(path, b),
      extraDhcpOpts: dhcpOpts(path, b),
      securityGroupIds: undefined,
      vnicType: vnicType(b),
      bindingHostId: bindingHost(b),
      bindingProfile: bindingProfile(path, b),
    });
    const port = writable(c, 'ports', portById(c, id, path));
    const net = c.networks.find((n) => n.id === port.networkId);
    if (net) enforcePolicy(path, matchRule('ports', 'update', 'port', b), portRuleDenied(c, net, b, port.projectId));
    checkGroups(c, path, sgs);
    checkProfileLength(path, upd.bindingProfile);
    if (sgs !== undefined) upd.securityGroupIds = sgs;
    return updatePort(c, port, upd);
  });
}

/** DELETE /v2.0/ports/ID: router and floating IP ports are refused (409). */
export function deletePortById(c: Cloud, id: string, path: string = `${PATH}/${id}`): void {
  // A delete filters the port out and changes only what hangs on it (removePort): shared.
  shareAll(c);
  withFaultTypes(() => deletePort(c, portById(c, id, path)));
}

export const portWrites: CollectionWrites = {
  create: (c, member, path) => ordered(portDict(c, postPort(c, member, path)), CREATE_ORDER),
  update: (c, id, member, path) => ordered(portDict(c, putPort(c, id, member, path)), UPDATE_ORDER),
  remove: (c, id, path) => deletePortById(c, id, path),
};
