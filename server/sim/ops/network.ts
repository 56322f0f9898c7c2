/** Network operations: create (ML2 type drivers, segment allocation, policy), update, delete. */
import type { Cloud } from '../model/cloud.js';
import type { Network, NetworkType } from '../model/network.js';
import type { Subnet } from '../model/subnet.js';
import { neutronError } from '../errors.js';
import { randInt } from '../rng.js';
import { afterIdDrawn, checkOwner, newStd, touch } from './context.js';
import { checkQuota } from './quota.js';
import { ensureDefaultGroup } from './security-group.js';
import { deleteNetworkOwnedPort } from './port.js';
import { DEVICE_OWNER } from '../model/port.js';
import { unbindDeletedNetwork } from './bgp.js';
import { removeById, removeWhere } from '../clone.js';

export interface NetworkCreate {
  name: string;
  projectId?: string;
  description?: string;
  adminStateUp?: boolean;
  shared?: boolean;
  external?: boolean;
  isDefault?: boolean;
  mtu?: number;
  portSecurityEnabled?: boolean;
  networkType?: string;
  physicalNetwork?: string;
  segmentationId?: number;
  availabilityZoneHints?: string[];
  /** Fixtures only: do not make the project's default security group. */
  withoutDefaultGroup?: boolean;
}

const PATH = '/v2.0/networks';
const SUPPORTED_TYPES: readonly NetworkType[] = ['flat', 'vlan', 'vxlan'];

/** Neutron's policy text for `action` with these attributes: one level of parentheses each (oslo.policy's nested "and"). */
export function policyExpr(action: string, attrs: string[]): string {
  let expr = `rule:${action}`;
  for (const a of attrs) expr = `(${expr} and rule:${action}:${a})`;
  return expr;
}

function segmentInUse(c: Cloud, type: NetworkType, physnet: string | null, seg: number | null): boolean {
  return c.networks.some(
    (n) => n.networkType === type && n.physicalNetwork === physnet && n.segmentationId === seg,
  );
}

/**
 * The free values of the integer range [lo, hi] given the values in use, in ascending order, as
 * a count and a k-th lookup: the same as listing them (and as cheap for a range of thousands).
 */
function freeValues(lo: number, hi: number, inUse: Iterable<number | null>): { count: number; nth(k: number): number } {
  const used = [...new Set(inUse)].filter((v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi).sort((x, y) => x - y);
  return {
    count: hi >= lo ? hi - lo + 1 - used.length : 0,
    nth(k: number): number {
      // Start at the k-th value of the range and step over each used value at or below it.
      let v = lo + k;
      for (const u of used) {
        if (u > v) break;
        v++;
      }
      return v;
    },
  };
}

/** Whether a range's bounds are safe integers (configs always have them; anything else is listed value by value). */
function integral(lo: number, hi: number): boolean {
  return Number.isSafeInteger(lo) && Number.isSafeInteger(hi);
}

/** Picks a free VXLAN VNI at random, as ML2's tunnel type driver does. */
function allocateVni(c: Cloud): number {
  const [lo, hi] = c.config.vxlanRange;
  const vnis = c.networks.filter((n) => n.networkType === 'vxlan').map((n) => n.segmentationId);
  if (integral(lo, hi)) {
    // The same pick as from the list below, without building it.
    const free = freeValues(lo, hi, vnis);
    if (free.count === 0) {
      throw neutronError.conflict(PATH, 'Unable to create the network. No tenant network is available for allocation.');
    }
    return free.nth(randInt(c.rng, 0, free.count - 1));
  }
  const used = new Set(vnis);
  const free: number[] = [];
  for (let v = lo; v <= hi; v++) if (!used.has(v)) free.push(v);
  if (free.length === 0) {
    throw neutronError.conflict(PATH, 'Unable to create the network. No tenant network is available for allocation.');
  }
  return free[randInt(c.rng, 0, free.length - 1)] as number;
}

/** Picks a free VLAN at random from the configured ranges, as ML2's VLAN type driver does. */
function allocateVlan(c: Cloud, physnet: string | null): { physnet: string; seg: number } {
  const free: Array<{ physnet: string; seg: number }> = [];
  for (const [pn, [lo, hi]] of Object.entries(c.config.vlanRanges)) {
    if (physnet !== null && pn !== physnet) continue;
    // The VLANs in use on this physnet, read once (not once per VLAN of the range).
    const used = new Set<number | null>();
    for (const n of c.networks) if (n.networkType === 'vlan' && n.physicalNetwork === pn) used.add(n.segmentationId);
    for (let v = lo; v <= hi; v++) if (!used.has(v)) free.push({ physnet: pn, seg: v });
  }
  if (free.length > 0) return free[randInt(c.rng, 0, free.length - 1)] as { physnet: string; seg: number };
  throw neutronError.conflict(PATH, 'Unable to create the network. No tenant network is available for allocation.');
}

/** The largest MTU a segment of this type carries: VXLAN loses 50 bytes to encapsulation on an IPv4 underlay. */
function maxMtu(c: Cloud, type: NetworkType): number {
  return type === 'vxlan' ? c.config.physnetMtu - 50 : c.config.physnetMtu;
}

function resolveSegment(c: Cloud, req: NetworkCreate): Pick<Network, 'networkType' | 'physicalNetwork' | 'segmentationId' | 'mtu'> {
  const physnetMtu = c.config.physnetMtu;
  const type = (req.networkType ?? c.config.tenantNetworkType) as NetworkType;
  if (!SUPPORTED_TYPES.includes(type)) {
    throw neutronError.invalidInput(PATH, `network_type value '${req.networkType ?? ''}' not supported.`);
  }
  const physnet = req.physicalNetwork ?? null;
  const seg = req.segmentationId ?? null;
  // ML2's provider segment: any provider attribute given makes the network type required.
  if (req.networkType == null && (physnet !== null || seg !== null)) throw neutronError.invalidInput(PATH, 'network_type required.');
  if (type === 'flat') {
    if (seg !== null) throw neutronError.invalidInput(PATH, 'segmentation_id prohibited for flat provider network.');
    if (physnet === null) throw neutronError.invalidInput(PATH, 'physical_network required for flat provider network.');
    if (!c.config.flatNetworks.includes(physnet) && !c.config.flatNetworks.includes('*')) {
      throw neutronError.invalidInput(PATH, `physical_network '${physnet}' unknown for flat provider network.`);
    }
    if (segmentInUse(c, 'flat', physnet, null)) {
      throw neutronError.conflict(PATH, `Unable to create the flat network. Physical network ${physnet} is in use.`);
    }
    return { networkType: 'flat', physicalNetwork: physnet, segmentationId: null, mtu: physnetMtu };
  }
  if (type === 'vlan') {
    if (physnet !== null && !(physnet in c.config.vlanRanges)) {
      throw neutronError.invalidInput(PATH, `physical_network '${physnet}' unknown for VLAN provider network.`);
    }
    if (seg !== null) {
      if (physnet === null) {
        throw neutronError.invalidInput(PATH, 'segmentation_id requires physical_network for VLAN provider network.');
      }
      checkVlan(c, physnet, seg, PATH);
      return { networkType: 'vlan', physicalNetwork: physnet, segmentationId: seg, mtu: physnetMtu };
    }
    const a = allocateVlan(c, physnet);
    return { networkType: 'vlan', physicalNetwork: a.physnet, segmentationId: a.seg, mtu: physnetMtu };
  }
  // vxlan: 50 bytes of encapsulation overhead on an IPv4 underlay.
  if (physnet !== null) throw neutronError.invalidInput(PATH, 'provider:physical_network specified for vxlan network.');
  if (seg !== null) {
    if (seg < 1 || seg > 16777215) {
      throw neutronError.invalidInput(PATH, 'segmentation_id out of range (1 through 16777215).');
    }
    if (segmentInUse(c, 'vxlan', null, seg)) {
      throw neutronError.conflict(PATH, `Unable to create the network. The tunnel ID ${seg} is in use.`);
    }
    return { networkType: 'vxlan', physicalNetwork: null, segmentationId: seg, mtu: maxMtu(c, 'vxlan') };
  }
  return { networkType: 'vxlan', physicalNetwork: null, segmentationId: allocateVni(c), mtu: maxMtu(c, 'vxlan') };
}

/** Only one external network may be the default (auto-allocated topology's is_default). */
function checkOneDefault(c: Cloud, path: string, self: string | null): void {
  const other = c.networks.find((n) => n.isDefault && n.external && n.id !== self);
  if (other) throw neutronError.conflict(path, `A default external network already exists: ${other.id}.`);
}

/** An MTU value of at least 0 (the API's type:non_negative, for callers that bypass it: fixtures, auto-allocation). */
function checkMtuValue(path: string, mtu: number | undefined): void {
  if (mtu !== undefined && mtu < 0) throw neutronError.badRequest(path, `Invalid input for mtu. Reason: '${mtu}' should be non-negative.`);
}

export function createNetwork(c: Cloud, req: NetworkCreate): Network {
  checkMtuValue(PATH, req.mtu);
  const projectId = req.projectId ?? c.auth.projectId;
  checkQuota(c, 'network', projectId, c.networks.filter((n) => n.projectId === projectId).length, PATH);
  // Neutron makes the project's default security group before its first network.
  if (!req.withoutDefaultGroup) ensureDefaultGroup(c, projectId);
  // The segment and the MTU are checked after the network has its id.
  const seg = afterIdDrawn(c, () => {
    const s = resolveSegment(c, req);
    if (req.mtu !== undefined && req.mtu > s.mtu) {
      throw neutronError.invalidInput(PATH, `Requested MTU is too big, maximum is ${s.mtu}.`);
    }
    if (req.isDefault === true) checkOneDefault(c, PATH, null);
    return s;
  });
  const std = newStd(c, req.name, req.projectId ?? c.auth.projectId, req.description ?? '', 1);
  // The network's segment (segments plugin) takes the next standard-attribute id.
  c.stdAttrSeq += 1;
  // Object.assign: the keys of { ...std, …, ...seg, mtu } without a spread (see newStd).
  const net: Network = Object.assign(
    std,
    {
      adminStateUp: req.adminStateUp ?? true,
      shared: req.shared ?? false,
      external: req.external ?? false,
      isDefault: req.isDefault ?? false,
      portSecurityEnabled: req.portSecurityEnabled ?? true,
      availabilityZoneHints: req.availabilityZoneHints ?? [],
      status: 'ACTIVE' as const,
    },
    seg,
    // An MTU of 0 is no MTU: the network gets its segment's largest.
    { mtu: req.mtu || seg.mtu },
  );
  c.networks.push(net);
  return net;
}

export interface NetworkUpdate {
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  shared?: boolean;
  external?: boolean;
  isDefault?: boolean;
  mtu?: number;
  portSecurityEnabled?: boolean;
  /** Provider attributes (admin only): ML2 changes a VLAN network's segmentation ID, nothing else. */
  networkType?: string;
  physicalNetwork?: string;
  segmentationId?: number;
}

/** What an update changes on the network itself (the rest is its segment's). */
const NETWORK_OWN: ReadonlyArray<keyof NetworkUpdate> = ['name', 'description', 'adminStateUp', 'shared', 'external', 'isDefault', 'mtu', 'portSecurityEnabled'];

export function updateNetwork(c: Cloud, net: Network, upd: NetworkUpdate): Network {
  const path = `${PATH}/${net.id}`;
  checkMtuValue(path, upd.mtu);
  if (upd.external === false && net.external) {
    const inUse = c.ports.find((p) => p.networkId === net.id && p.deviceOwner === DEVICE_OWNER.routerGateway);
    if (inUse) {
      throw neutronError.conflict(
        path,
        `Unable to complete operation on network ${net.id}. There are one or more ports still in use on the network.`,
      );
    }
  }
  if (upd.isDefault === true) checkOneDefault(c, path, net.id);
  if (upd.mtu !== undefined && upd.mtu > maxMtu(c, net.networkType)) {
    throw neutronError.invalidInput(path, `Requested MTU is too big, maximum is ${maxMtu(c, net.networkType)}.`);
  }
  const segment = newSegmentationId(c, net, upd, path);
  if (segment !== null) net.segmentationId = segment;
  // Provider attributes alone change the segment, not the network: its revision stays.
  const provider = upd.networkType !== undefined || upd.physicalNetwork !== undefined || upd.segmentationId !== undefined;
  if (provider && NETWORK_OWN.every((k) => upd[k] === undefined)) return net;
  if (upd.name !== undefined) net.name = upd.name;
  if (upd.description !== undefined) net.description = upd.description;
  if (upd.adminStateUp !== undefined) net.adminStateUp = upd.adminStateUp;
  if (upd.shared !== undefined) net.shared = upd.shared;
  if (upd.external !== undefined) net.external = upd.external;
  if (upd.isDefault !== undefined) net.isDefault = upd.isDefault;
  if (upd.mtu !== undefined) net.mtu = upd.mtu || maxMtu(c, net.networkType);
  if (upd.portSecurityEnabled !== undefined) net.portSecurityEnabled = upd.portSecurityEnabled;
  touch(c, net);
  return net;
}

/**
 * The segmentation ID a provider update sets, or null (none asked; 0 asks for none). ML2 (Zed,
 * checked on the oracle) refuses another network type or physical network, a new ID on anything
 * but a VLAN network, an ID out of range, and one in use on the physical network, this network's
 * own included.
 */
function newSegmentationId(c: Cloud, net: Network, upd: NetworkUpdate, path: string): number | null {
  if ((upd.networkType !== undefined && upd.networkType !== net.networkType) || (upd.physicalNetwork !== undefined && upd.physicalNetwork !== net.physicalNetwork)) {
    throw neutronError.invalidInput(path, 'Plugin does not support updating the following provider network attributes: provider:physical_network, provider:network_type.');
  }
  const seg = upd.segmentationId;
  if (seg === undefined || seg === 0) return null;
  if (net.networkType !== 'vlan') throw neutronError.invalidInput(path, 'Only VLAN type networks can be updated..');
  checkVlan(c, net.physicalNetwork, seg, path);
  return seg;
}

/** A VLAN ID a network may take, on create or update (Neutron says "create" for both). */
function checkVlan(c: Cloud, physnet: string | null, seg: number, path: string): void {
  if (seg < 1 || seg > 4094) throw neutronError.invalidInput(path, 'segmentation_id out of range (1 through 4094).');
  if (segmentInUse(c, 'vlan', physnet, seg)) {
    throw neutronError.conflict(path, `Unable to create the network. The VLAN ${seg} on physical network ${physnet ?? ''} is in use.`);
  }
}

/** Ports that do not block deleting their network: Neutron removes them itself. */
export function isAutoDeletedOwner(owner: string): boolean {
  return owner === DEVICE_OWNER.dhcp || owner === DEVICE_OWNER.distributed;
}

export function deleteNetwork(c: Cloud, net: Network): void {
  const path = `${PATH}/${net.id}`;
  checkOwner(c, net.projectId, path, 'delete_network');
  const blocking = c.ports
    .filter((p) => p.networkId === net.id && !isAutoDeletedOwner(p.deviceOwner))
    .map((p) => p.id)
    .sort();
  if (blocking.length > 0) {
    throw neutronError.conflict(
      path,
      `Unable to complete operation on network ${net.id}. There are one or more ports still in use on the network, id for these ports is: ${blocking.join(',')}.`,
    );
  }
  for (const p of c.ports.filter((p) => p.networkId === net.id)) deleteNetworkOwnedPort(c, p);
  removeWhere<Subnet>(c, 'subnets', (s) => s.networkId === net.id);
  removeById(c, 'networks', net.id);
  unbindDeletedNetwork(c, net.id);
}
