/**
 * POST, PUT and DELETE /v2.0/networks: a body's attributes as the network ops take them. The
 * legacy CLI's net-create and net-update send their bodies through postNetwork and putNetwork.
 */
import { shareAll, writable } from '../../../clone.js';
import type { Cloud } from '../../../model/cloud.js';
import type { Network } from '../../../model/network.js';
import {
  createNetwork,
  deleteNetwork,
  updateNetwork,
  type NetworkCreate,
  type NetworkUpdate,
} from '../../../ops/network.js';
import { visibleNetworks } from '../../../visibility.js';
import type { JsonObject } from '../../json.js';
import { networkDict } from '../network.js';
import type { CollectionWrites } from './types.js';
import { SimError } from '../../../errors.js';
import { checkOwner } from '../../../ops/context.js';
import { DEVICE_OWNER } from '../../../model/port.js';
import { defined, flag, int, ordered, prepare, text, visible } from './order.js';
import { enforcePolicy, matchRule, type Rule } from './policy.js';

const PATH = '/v2.0/networks';

/** The keys of a POST answer (the ML2 plugin's create, extensions after the core). */
const CREATE_ORDER = [
  'id',
  'name',
  'tenant_id',
  'admin_state_up',
  'mtu',
  'status',
  'subnets',
  'shared',
  'project_id',
  'port_security_enabled',
  'router:external',
  'provider:network_type',
  'provider:physical_network',
  'provider:segmentation_id',
  'is_default',
  'availability_zone_hints',
  'availability_zones',
  'ipv4_address_scope',
  'ipv6_address_scope',
  'description',
  'l2_adjacency',
  'tags',
  'created_at',
  'updated_at',
  'revision_number',
];

/** The keys of a PUT answer (a fresh read, provider attributes last). */
const UPDATE_ORDER = [
  'id',
  'name',
  'tenant_id',
  'admin_state_up',
  'mtu',
  'status',
  'subnets',
  'shared',
  'availability_zone_hints',
  'availability_zones',
  'ipv4_address_scope',
  'ipv6_address_scope',
  'router:external',
  'is_default',
  'description',
  'port_security_enabled',
  'l2_adjacency',
  'tags',
  'created_at',
  'updated_at',
  'revision_number',
  'project_id',
  'provider:network_type',
  'provider:physical_network',
  'provider:segmentation_id',
];

/** What a prepared create or update body says of a network's common attributes. */
function changes(b: JsonObject) {
  return {
    description: text(b, 'description'),
    adminStateUp: flag(b, 'admin_state_up'),
    shared: flag(b, 'shared'),
    external: flag(b, 'router:external'),
    isDefault: flag(b, 'is_default'),
    mtu: int(b, 'mtu'),
    portSecurityEnabled: flag(b, 'port_security_enabled'),
  };
}

/** The attributes only an admin may set on a network (Zed's default policies); the others a member may. */
const ADMIN_ONLY = ['shared', 'router:external', 'segments', 'provider:network_type', 'provider:physical_network', 'provider:segmentation_id', 'is_default'];

/**
 * Which rules of a network write a member fails: an admin-only attribute the request sets, and
 * (an update) the network of another project.
 */
function networkRuleDenied(c: Cloud, owner?: string): (rule: Rule) => boolean {
  if (c.auth.admin) return () => false;
  return ({ attr }) => (attr === undefined ? owner !== undefined && owner !== c.auth.projectId : ADMIN_ONLY.includes(attr));
}

/** POST /v2.0/networks with this `network` body: the new network. */
export function postNetwork(c: Cloud, body: JsonObject): Network {
  const b = prepare(c, 'networks', 'create', PATH, body);
  // A create giving an attribute its default sets nothing the policy checks (`--no-share`, `--internal`).
  enforcePolicy(PATH, matchRule('networks', 'create', 'network', b), networkRuleDenied(c));
  const hints = b['availability_zone_hints'];
  return createNetwork(
    c,
    defined<NetworkCreate>({
      name: text(b, 'name') ?? '',
      projectId: text(b, 'tenant_id'),
      ...changes(b),
      networkType: text(b, 'provider:network_type'),
      physicalNetwork: text(b, 'provider:physical_network'),
      segmentationId: int(b, 'provider:segmentation_id'),
      availabilityZoneHints: Array.isArray(hints) ? hints.map(String) : undefined,
    }),
  );
}

/**
 * PUT /v2.0/networks/ID with this `network` body, on the network the caller named: the network
 * as changed (which may be a copy of the one given: sim/clone.ts writable).
 */
export function putNetwork(c: Cloud, found: Network, body: JsonObject): Network {
  const net = writable(c, 'networks', found);
  const path = `${PATH}/${net.id}`;
  const b = prepare(c, 'networks', 'update', path, body);
  // An empty update changes nothing: no revision, no timestamp (the policy still applies).
  if (Object.keys(b).length === 0) {
    checkOwner(c, net.projectId, path, 'update_network');
    return net;
  }
  // Every attribute the update names counts, whatever its value (also on another project's network).
  enforcePolicy(path, matchRule('networks', 'update', 'network', b), networkRuleDenied(c, net.projectId));
  const gateway = c.ports.find(
    (p) => p.networkId === net.id && p.deviceOwner === DEVICE_OWNER.routerGateway,
  );
  if (b['router:external'] === false && net.external && gateway && c.auth.admin)
    throw new SimError(
      409,
      `External network ${net.id} cannot be updated to be made non-external, since it has existing gateway ports.`,
      path,
      'network',
      'ExternalNetworkInUse',
    );
  return updateNetwork(
    c,
    net,
    defined<NetworkUpdate>({
      name: text(b, 'name'),
      ...changes(b),
      networkType: text(b, 'provider:network_type'),
      physicalNetwork: text(b, 'provider:physical_network'),
      segmentationId: int(b, 'provider:segmentation_id'),
    }),
  );
}

function findNetwork(c: Cloud, id: string, path: string): Network {
  return visible(visibleNetworks(c), id, path, `Network ${id} could not be found.`);
}

export const networkWrites: CollectionWrites = {
  create: (c, member) => ordered(networkDict(c, postNetwork(c, member), 'create'), CREATE_ORDER),
  // The body is checked before the resource is looked up (a bad body on a missing one is a 400).
  update: (c, id, member, path) => {
    // Changes one network through writable, reads the rest: shared (sim/clone.ts).
    shareAll(c);
    prepare(c, 'networks', 'update', path, member);
    return ordered(networkDict(c, putNetwork(c, findNetwork(c, id, path), member)), UPDATE_ORDER);
  },
  remove: (c, id, path) => {
    shareAll(c);
    deleteNetwork(c, findNetwork(c, id, path));
  },
};
