/**
 * POST, PUT and DELETE /v2.0/subnets: a body's attributes as the subnet ops take them. The legacy
 * CLI's subnet-create and subnet-update send their bodies through postSubnet and putSubnet.
 */
import type { Cloud } from '../../../model/cloud.js';
import { shareAll, shareElements, writable } from '../../../clone.js';
import type { AllocationPool, HostRoute, Ipv6Mode, Subnet } from '../../../model/subnet.js';
import {
  createSubnet,
  deleteSubnet,
  updateSubnet,
  type SubnetCreate,
  type SubnetUpdate,
} from '../../../ops/subnet.js';
import { visibleNetworks, visibleSubnets } from '../../../visibility.js';
import { neutronError, SimError } from '../../../errors.js';
import type { Json, JsonObject } from '../../json.js';
import { subnetDict } from '../subnet.js';
import type { CollectionWrites } from './types.js';
import { pyStr } from '../body.js';
import { pyRepr } from '../validators.js';
import {
  defined,
  flag,
  int,
  invalidAttribute,
  ordered,
  prepare,
  text,
  visible,
} from './order.js';

const PATH = '/v2.0/subnets';

/** The keys of a POST or PUT answer (description before the service types, unlike a GET's dictionary here). */
const ORDER = [
  'id',
  'name',
  'tenant_id',
  'network_id',
  'ip_version',
  'subnetpool_id',
  'enable_dhcp',
  'ipv6_ra_mode',
  'ipv6_address_mode',
  'gateway_ip',
  'cidr',
  'allocation_pools',
  'host_routes',
  'dns_nameservers',
  'description',
  'service_types',
  'segment_id',
  'tags',
  'created_at',
  'updated_at',
  'revision_number',
  'project_id',
];


/** A list attribute of dictionaries with exactly these string keys (allocation pools, host routes), or undefined. */
function pairs<K extends string>(
  b: JsonObject,
  attr: string,
  keys: readonly [K, K],
  what: string,
  path: string,
): Array<Record<K, string>> | undefined {
  const v = b[attr];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v))
    throw invalidAttribute(path, attr, `Invalid data format for ${what}: ${pyRepr(v)}`);
  return v.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      throw invalidAttribute(path, attr, `Invalid data format for ${what}: ${pyRepr(item)}`);
    const given = Object.keys(item);
    if (given.length !== 2 || !keys.every((k) => given.includes(k))) {
      const set = (ks: readonly string[]) =>
        `{${[...ks]
          .sort()
          .map((k) => `'${k}'`)
          .join(', ')}}`;
      throw invalidAttribute(
        path,
        attr,
        `Validation of dictionary's keys failed. Expected keys: ${set(keys)} Provided keys: ${set(given)}`,
      );
    }
    return { [keys[0]]: String(item[keys[0]]), [keys[1]]: String(item[keys[1]]) } as Record<
      K,
      string
    >;
  });
}

function nameservers(b: JsonObject, path: string): string[] | undefined {
  const v = b['dns_nameservers'];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v))
    throw invalidAttribute(path, 'dns_nameservers', `${pyRepr(v)} is not a list`);
  return v.map((d) => {
    if (typeof d !== 'string') {
      const shown = pyRepr(d).replace(/^'|'$/g, '');
      throw invalidAttribute(
        path,
        'dns_nameservers',
        `'${shown}' is not a valid nameserver. '${shown}' is not a valid IP address`,
      );
    }
    return d;
  });
}

/** An IPv6 mode, one of the map's valid values (requestBody has checked it). */
const mode = (b: JsonObject, attr: string): Ipv6Mode | undefined => text(b, attr) as Ipv6Mode | undefined;

/** neutron-lib's DEVICE_OWNER_PREFIXES and the compute prefix: what a subnet service type starts with. */
const SERVICE_TYPE_PREFIXES = ['network:', 'neutron:', 'compute:'];

/**
 * service_types as neutron-lib's validate_subnet_service_types reads them: nothing (any value
 * Python finds false), or a list of device owner prefixes; its exceptions are the answers.
 */
export function serviceTypesOf(path: string, v: Json | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const empty = v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
  if (empty) return [];
  if (!Array.isArray(v)) throw new SimError(400, 'Subnet service types must be a list.', path, 'network', 'HTTPBadRequest');
  for (const t of v) {
    if (typeof t !== 'string') throw new SimError(400, `Subnet service type ${pyStr(t)} is not a string.`, path, 'network', 'InvalidInputSubnetServiceType');
    if (!SERVICE_TYPE_PREFIXES.some((p) => t.startsWith(p))) {
      throw new SimError(400, `Subnet service type ${t} does not correspond to a valid device owner.`, path, 'network', 'InvalidSubnetServiceType');
    }
  }
  return v as string[];
}

/** What a create and an update body both say of a subnet. */
function common(b: JsonObject, path: string) {
  const dns = nameservers(b, path);
  const segmentId = b['segment_id'] === null ? null : text(b, 'segment_id');
  return {
    name: text(b, 'name'),
    description: text(b, 'description'),
    gatewayIp: b['gateway_ip'] === null ? null : text(b, 'gateway_ip'),
    enableDhcp: flag(b, 'enable_dhcp'),
    allocationPools: pairs(b, 'allocation_pools', ['start', 'end'], 'IP pool', path) as
      AllocationPool[] | undefined,
    hostRoutes: pairs(b, 'host_routes', ['destination', 'nexthop'], 'hostroute', path) as
      HostRoute[] | undefined,
    dnsNameservers: dns,
    serviceTypes: serviceTypesOf(path, b['service_types']),
    segmentId,
  };
}

/** POST /v2.0/subnets with this `subnet` body: the new subnet. */
export function postSubnet(c: Cloud, body: JsonObject): Subnet {
  // A subnet's create appends ports (its DHCP port) and changes others only on an IPv6
  // auto-address subnet: the draft shares them (a write to one runs the create again on copies).
  shareElements(c, 'ports');
  const b = prepare(c, 'subnets', 'create', PATH, body);
  const version = b['ip_version'] as 4 | 6;
  const own = common(b, PATH);
  // A network the caller cannot see is one that does not exist (the plugin looks it up as the caller).
  const networkId = text(b, 'network_id') ?? '';
  if (!visibleNetworks(c).some((n) => n.id === networkId))
    throw neutronError.notFound(PATH, `Network ${networkId} could not be found.`);
  return createSubnet(
    c,
    defined<SubnetCreate>({
      ...own,
      name: own.name ?? '',
      networkId: text(b, 'network_id') ?? String(b['network_id']),
      ipVersion: version,
      projectId: text(b, 'tenant_id'),
      cidr: text(b, 'cidr'),
      subnetpoolId: text(b, 'subnetpool_id'),
      prefixLength: int(b, 'prefixlen'),
      useDefaultSubnetpool: flag(b, 'use_default_subnetpool'),
      ipv6RaMode: mode(b, 'ipv6_ra_mode'),
      ipv6AddressMode: mode(b, 'ipv6_address_mode'),
    }),
  );
}

/** PUT /v2.0/subnets/ID with this `subnet` body, on the subnet the caller named. */
export function putSubnet(c: Cloud, found: Subnet, body: JsonObject): Subnet {
  const subnet = writable(c, 'subnets', found);
  const path = `${PATH}/${subnet.id}`;
  const b = prepare(c, 'subnets', 'update', path, body);
  return updateSubnet(c, subnet, defined<SubnetUpdate>(common(b, path)));
}

function findSubnet(c: Cloud, id: string, path: string): Subnet {
  return visible(visibleSubnets(c), id, path, `Subnet ${id} could not be found.`);
}

/** The subnet as a write answers it: policy shows segment_id to admins only. */
function answer(c: Cloud, s: Subnet): JsonObject {
  const d = ordered(subnetDict(s), ORDER);
  if (!c.auth.admin) delete d['segment_id'];
  return d;
}

export const subnetWrites: CollectionWrites = {
  create: (c, member) => answer(c, postSubnet(c, member)),
  // The body is checked before the resource is looked up (a bad body on a missing one is a 400).
  update: (c, id, member, path) => {
    // Changes one subnet through writable, reads the rest: shared (sim/clone.ts).
    shareAll(c);
    prepare(c, 'subnets', 'update', path, member);
    return answer(c, putSubnet(c, findSubnet(c, id, path), member));
  },
  remove: (c, id, path) => {
    shareAll(c);
    deleteSubnet(c, findSubnet(c, id, path));
  },
};
