/**
 * Port operations and Neutron's IP allocation (Zed IPAM): DHCP ports take the first free
 * address, router interfaces the subnet gateway, every other port a random address among the
 * first 1000 free ones; SLAAC subnets give every non-router port an EUI-64 address.
 */
import type { Cloud } from '../model/cloud.js';
import type { Network } from '../model/network.js';
import type { Subnet } from '../model/subnet.js';
import type { ExtraDhcpOpt, FixedIp, Port } from '../model/port.js';
import type { Std } from '../model/std.js';
import { neutronError, SimError } from '../errors.js';
import { macAddress } from '../rng.js';
import {
  cidrContains,
  broadcast,
  eui64,
  firstFree,
  formatIp,
  parseCidr,
  parseIp,
  randomFree,
  type Cidr,
  type IpRange,
} from '../ipam.js';
import { afterIdDrawn, newStd, touch } from './context.js';
import { ensureDefaultGroup } from './security-group.js';
import { DEVICE_OWNER } from '../model/port.js';
import { shareElements, writable } from '../clone.js';
import { findAll, findFirst, findInOrder, FLOATING_IPS_BY_PORT, PORTS_BY_ID, PORTS_BY_MAC, PORTS_BY_NETWORK, portsOnSubnet, removeIndexed } from '../index.js';
import { hostReachesSegment, runsOvsAgent } from '../agents.js';

const PATH = '/v2.0/ports';

/** A requested fixed IP: either key may be absent (`--fixed-ip subnet=…` or `ip-address=…`). */
export interface FixedIpRequest {
  subnetId?: string;
  ipAddress?: string;
}

export function subnetCidr(s: Subnet): Cidr {
  const c = parseCidr(s.cidr);
  if (!c) throw new Error(`corrupt subnet cidr ${s.cidr}`);
  return c;
}

export function subnetPools(s: Subnet): IpRange[] {
  return s.allocationPools.map((p) => ({
    start: (parseIp(p.start) ?? { value: 0n }).value,
    end: (parseIp(p.end) ?? { value: 0n }).value,
  }));
}

/** SLAAC and DHCPv6-stateless subnets: addresses come from the MAC, not from IPAM. */
export function isAutoAddress(s: Subnet): boolean {
  return s.ipVersion === 6 && (s.ipv6AddressMode === 'slaac' || s.ipv6AddressMode === 'dhcpv6-stateless');
}

/**
 * Parsed fixed IPs by their text: every allocation reads every address of its subnet, and an
 * external network holds thousands. Parsing is a pure function of the text, so the cache is
 * always right; it is emptied when it grows large rather than kept in order.
 */
const PARSED = new Map<string, bigint | null>();
const PARSED_MAX = 200_000;

function addressValue(text: string): bigint | null {
  let v = PARSED.get(text);
  if (v === undefined) {
    v = parseIp(text)?.value ?? null;
    if (PARSED.size >= PARSED_MAX) PARSED.clear();
    PARSED.set(text, v);
  }
  return v;
}

export function usedAddresses(c: Cloud, subnetId: string): Set<bigint> {
  const used = new Set<bigint>();
  for (const p of portsOnSubnet(c, subnetId)) {
    for (const ip of p.fixedIps) {
      if (ip.subnetId !== subnetId) continue;
      const v = addressValue(ip.ipAddress);
      if (v !== null) used.add(v);
    }
  }
  return used;
}

/** Router interface owners: Neutron gives these no automatic (SLAAC) addresses; gateways do get them. */
export function isRouterInterfaceOwner(owner: string): boolean {
  return (
    owner === DEVICE_OWNER.routerInterface ||
    owner === DEVICE_OWNER.routerInterfaceDistributed ||
    owner === DEVICE_OWNER.haRouterReplicatedInterface
  );
}

type Strategy = 'random' | 'first';

/** Fixed IPs' values as numbers by their text, -1 for text that is no address or above 2^32 (as PARSED). */
const V4_VALUE = new Map<string, number>();

function v4Value(text: string): number {
  let n = V4_VALUE.get(text);
  if (n === undefined) {
    const v = addressValue(text);
    // A value above 2^32 lies outside every IPv4 pool, so leaving it out changes no answer.
    n = v !== null && v <= 0xffffffffn ? Number(v) : -1;
    if (V4_VALUE.size >= PARSED_MAX) V4_VALUE.clear();
    V4_VALUE.set(text, n);
  }
  return n;
}

/** An IPv4 subnet's used addresses as numbers (no bigint per address). */
function usedV4(c: Cloud, subnetId: string): number[] {
  const nums: number[] = [];
  const ports = portsOnSubnet(c, subnetId);
  for (let i = 0; i < ports.length; i++) {
    const ips = (ports[i] as Port).fixedIps;
    for (let j = 0; j < ips.length; j++) {
      const ip = ips[j] as FixedIp;
      if (ip.subnetId !== subnetId) continue;
      const n = v4Value(ip.ipAddress);
      if (n >= 0) nums.push(n);
    }
  }
  return nums;
}

function allocateIn(c: Cloud, s: Subnet, strategy: Strategy): string | null {
  const used = s.ipVersion === 4 ? usedV4(c, s.id) : usedAddresses(c, s.id);
  const pools = subnetPools(s);
  const v = strategy === 'first' ? firstFree(pools, used) : randomFree(pools, used, c.rng);
  return v === null ? null : formatIp(s.ipVersion, v);
}

function eui64For(s: Subnet, mac: string): string {
  return formatIp(6, eui64(subnetCidr(s), mac));
}

/** A new port's EUI-64 address on an auto-address subnet: two MAC spellings of one address collide. */
function autoAddress(c: Cloud, s: Subnet, mac: string, path: string): FixedIp {
  const ip = eui64For(s, mac);
  if (c.ports.some((p) => p.fixedIps.some((f) => f.subnetId === s.id && f.ipAddress === ip))) {
    throw neutronError.conflict(path, `IP address ${ip} already allocated in subnet ${s.id}`);
  }
  return { subnetId: s.id, ipAddress: ip };
}

/** Validates one explicitly requested address against a subnet, with Neutron's messages. */
function checkRequestedIp(c: Cloud, s: Subnet, ip: string, path: string): void {
  const parsed = parseIp(ip);
  const cidr = subnetCidr(s);
  if (!parsed || parsed.version !== s.ipVersion || !cidrContains(cidr, parsed.version, parsed.value)) {
    throw neutronError.badRequest(path, `IP address ${ip} is not a valid IP for the specified subnet.`);
  }
  if (s.ipVersion === 4 && cidr.prefix < 31 && (parsed.value === cidr.network || parsed.value === broadcast(cidr))) {
    throw neutronError.badRequest(path, `IP address ${ip} is not a valid IP for the specified subnet.`);
  }
  if (usedAddresses(c, s.id).has(parsed.value)) {
    throw neutronError.conflict(path, `IP address ${formatIp(s.ipVersion, parsed.value)} already allocated in subnet ${s.id}`);
  }
}

/**
 * Allocates the fixed IPs of a new (or updated) port on `net`.
 * With no request: one IPv4 address (subnets in turn), one from the first stateful IPv6 subnet,
 * and an EUI-64 address on every auto-address subnet (router ports get none of those).
 */
export function allocateFixedIps(
  c: Cloud,
  net: Network,
  requested: FixedIpRequest[] | undefined,
  mac: string,
  opts: { owner: string; strategy?: Strategy; path?: string },
): FixedIp[] {
  const path = opts.path ?? PATH;
  const strategy = opts.strategy ?? 'random';
  const subnets = c.subnets.filter((s) => s.networkId === net.id);
  const result: FixedIp[] = [];
  const router = isRouterInterfaceOwner(opts.owner);
  if (requested === undefined) {
    const v4 = subnets.filter((s) => s.ipVersion === 4);
    if (v4.length > 0) {
      let got: FixedIp | null = null;
      for (const s of v4) {
        const ip = allocateIn(c, s, strategy);
        if (ip) {
          got = { subnetId: s.id, ipAddress: ip };
          break;
        }
      }
      if (!got) throw neutronError.conflict(path, `No more IP addresses available on network ${net.id}.`);
      result.push(got);
    }
    const stateful = subnets.filter((s) => s.ipVersion === 6 && !isAutoAddress(s));
    if (stateful.length > 0) {
      let got: FixedIp | null = null;
      for (const s of stateful) {
        const ip = allocateIn(c, s, strategy);
        if (ip) {
          got = { subnetId: s.id, ipAddress: ip };
          break;
        }
      }
      if (!got) throw neutronError.conflict(path, `No more IP addresses available on network ${net.id}.`);
      result.push(got);
    }
    if (!router) {
      for (const s of subnets.filter(isAutoAddress)) result.push(autoAddress(c, s, mac, path));
    }
    return result;
  }
  if (requested.length > 0 && subnets.length === 0) {
    throw neutronError.invalidInput(path, 'IP allocation requires subnets for network.');
  }
  for (const r of requested) {
    if (r.ipAddress !== undefined && !parseIp(r.ipAddress)) {
      throw neutronError.badRequest(path, `Invalid input for fixed_ips. Reason: '${r.ipAddress}' is not a valid IP address.`);
    }
    let s: Subnet | undefined;
    if (r.subnetId !== undefined) {
      s = subnets.find((x) => x.id === r.subnetId);
      if (!s) {
        throw neutronError.invalidInput(
          path,
          `Failed to create port on network ${net.id}, because fixed_ips included invalid subnet ${r.subnetId}.`,
        );
      }
    } else if (r.ipAddress !== undefined) {
      const ip = parseIp(r.ipAddress);
      s = subnets.find((x) => ip !== null && ip.version === x.ipVersion && cidrContains(subnetCidr(x), ip.version, ip.value));
      if (!s) {
        throw neutronError.badRequest(
          path,
          `IP address ${r.ipAddress} is not a valid IP for any of the subnets on the specified network.`,
        );
      }
    }
    if (!s) continue;
    if (r.ipAddress !== undefined) {
      if (isAutoAddress(s) && !router) {
        throw neutronError.badRequest(
          path,
          `IPv6 address ${r.ipAddress} cannot be directly assigned to a port on subnet ${s.id} as the subnet is configured for automatic addresses`,
        );
      }
      checkRequestedIp(c, s, r.ipAddress, path);
      const ip = parseIp(r.ipAddress);
      result.push({ subnetId: s.id, ipAddress: formatIp(s.ipVersion, ip?.value ?? 0n) });
    } else if (isAutoAddress(s) && !router) {
      // _test_fixed_ips_for_port: a router's port asked for by subnet is given one of its pool's addresses.
      result.push(autoAddress(c, s, mac, path));
    } else {
      const ip = allocateIn(c, s, strategy);
      if (!ip) throw neutronError.conflict(path, `No more IP addresses available on network ${net.id}.`);
      result.push({ subnetId: s.id, ipAddress: ip });
    }
  }
  if (!router) {
    for (const s of subnets.filter(isAutoAddress)) {
      if (!result.some((f) => f.subnetId === s.id)) result.push(autoAddress(c, s, mac, path));
    }
  }
  return result;
}

export function newMac(c: Cloud): string {
  for (;;) {
    const mac = macAddress(c.rng);
    if (findAll(c, PORTS_BY_MAC, mac).length === 0) return mac;
  }
}

export interface PortCreate {
  networkId: string;
  name?: string;
  description?: string;
  projectId?: string;
  fixedIps?: FixedIpRequest[];
  macAddress?: string;
  deviceId?: string;
  deviceOwner?: string;
  adminStateUp?: boolean;
  /** undefined = the project's default group (when port security is on). */
  securityGroupIds?: string[];
  portSecurityEnabled?: boolean;
  allowedAddressPairs?: Array<{ ipAddress: string; macAddress?: string }>;
  /** Extra DHCP options as given (a null value: none, as in an update). */
  extraDhcpOpts?: DhcpOptRequest[];
  /** Internal callers: how to pick addresses and what status/binding the port gets. */
  strategy?: Strategy;
  status?: Port['status'];
  bindingHostId?: string;
  /** binding:vnic_type (default normal). */
  vnicType?: string;
  /** binding:profile (none: {}). */
  bindingProfile?: Port['bindingProfile'];
  path?: string;
}

/** An extra DHCP option as a request names it: a null value removes the option (or adds none). */
export interface DhcpOptRequest {
  optName: string;
  optValue: string | null;
  ipVersion: 4 | 6;
}

/**
 * A port's extra DHCP options after a request's (extradhcpopt_db): an option (name and IP
 * version) given twice is the database's duplicate entry; a null value removes one, another value
 * replaces it; kept by name, then IP version.
 */
function withDhcpOpts(path: string, current: readonly ExtraDhcpOpt[], req: readonly DhcpOptRequest[]): ExtraDhcpOpt[] | undefined {
  const key = (o: { optName: string; ipVersion: number }) => `${o.optName} ${o.ipVersion}`;
  if (new Set(req.map(key)).size !== req.length) {
    throw new SimError(409, "Failed to create a duplicate ExtraDhcpOpt: for attribute(s) ['port_id', 'opt_name', 'ip_version'] with value(s) None", path, 'network', 'NeutronDbObjectDuplicateEntry');
  }
  const out = new Map(current.map((o) => [key(o), o]));
  for (const o of req) {
    if (o.optValue === null) out.delete(key(o));
    else out.set(key(o), { optName: o.optName, optValue: o.optValue, ipVersion: o.ipVersion });
  }
  const opts = [...out.values()].sort((a, b) => (a.optName < b.optName ? -1 : a.optName > b.optName ? 1 : a.ipVersion - b.ipVersion));
  return opts.length > 0 ? opts : undefined;
}

/** neutron-lib's max_allowed_address_pair default. */
export const MAX_ADDRESS_PAIRS = 10;

/** What ML2 does with a port the API has let through (its body read, its policy checked). */
export function createPort(c: Cloud, req: PortCreate): Port {
  // Creating a port appends it and changes no other port: the other ports need no copies.
  shareElements(c, 'ports');
  const path = req.path ?? PATH;
  const net = c.networks.find((n) => n.id === req.networkId);
  if (!net) throw neutronError.notFound(path, `Network ${req.networkId} could not be found.`);
  const projectId = req.projectId ?? c.auth.projectId;
  const owner = req.deviceOwner ?? '';
  const bound = req.bindingHostId ?? '';
  // The MAC address and the fixed IPs are settled after the port has its id.
  const { mac, fixedIps, deferred } = afterIdDrawn(c, () => {
    const given = req.macAddress;
    // Stored and compared as given: `AA:…` and `aa:…` are two addresses to Neutron's database.
    if (given !== undefined && findAll(c, PORTS_BY_MAC, given).some((p) => p.networkId === net.id)) {
      throw neutronError.conflict(path, `Unable to complete operation for network ${net.id}. The mac address ${given} is in use.`);
    }
    const m = given ?? newMac(c);
    // On a routed network, addresses come from the segment of the port's host: none known, none yet.
    if (req.fixedIps === undefined && routedByApi(owner) && isRouted(c, net)) {
      if (bound === '') return { mac: m, fixedIps: [], deferred: true };
      checkHostOnSegment(c, bound, net, path);
    }
    return { mac: m, fixedIps: allocateFixedIps(c, net, req.fixedIps, m, { owner, strategy: req.strategy ?? 'random', path }), deferred: false };
  });
  const portSecurity = req.portSecurityEnabled ?? net.portSecurityEnabled;
  if (!portSecurity && (req.allowedAddressPairs?.length ?? 0) > 0) throw pairsNeedPortSecurity(path);
  const infra = owner.startsWith('network:');
  let sgs: string[] = [];
  if (portSecurity && !infra) {
    if (req.securityGroupIds !== undefined) sgs = [...req.securityGroupIds];
    else {
      // Neutron creates a project's default group the first time one of its ports needs it.
      const def = ensureDefaultGroup(c, projectId);
      sgs = def ? [def.id] : [];
    }
  } else if (req.securityGroupIds !== undefined && req.securityGroupIds.length > 0) {
    throw neutronError.badRequest(path, SECURITY_NEEDS_PORT_SECURITY);
  }
  const std = newStd(c, req.name ?? '', projectId, req.description ?? '', 1);
  const port: Port = Object.assign<Std, Omit<Port, keyof Std>>(std, {
    networkId: net.id,
    macAddress: mac,
    fixedIps,
    deviceId: req.deviceId ?? '',
    deviceOwner: owner,
    status: req.status ?? 'DOWN',
    adminStateUp: req.adminStateUp ?? true,
    securityGroupIds: sgs,
    portSecurityEnabled: portSecurity,
    allowedAddressPairs: sortPairs((req.allowedAddressPairs ?? []).map((a) => ({ ipAddress: a.ipAddress, macAddress: a.macAddress ?? mac }))),
    bindingHostId: bound,
    bindingVifType: vifType(c, bound),
    bindingVnicType: req.vnicType ?? 'normal',
  });
  const opts = withDhcpOpts(path, [], req.extraDhcpOpts ?? []);
  if (opts) port.extraDhcpOpts = opts;
  if (req.bindingProfile !== undefined && Object.keys(req.bindingProfile).length > 0) port.bindingProfile = req.bindingProfile;
  // An empty fixed_ips given on purpose: Neutron calls the port unaddressed.
  if (req.fixedIps !== undefined && req.fixedIps.length === 0) port.ipAllocation = 'none';
  if (deferred) port.ipAllocation = 'deferred';
  c.ports.push(port);
  return port;
}

/** A port's fixed IPs as the API returns them: Neutron orders them by address (as text), then subnet id. */
export function apiFixedIps(p: Port): FixedIp[] {
  return inApiOrder(p.fixedIps);
}

/** Fixed IPs (a port's, a router gateway's) in the order of Neutron's IPAllocation relationship. */
export function inApiOrder<T extends { ipAddress: string; subnetId: string }>(ips: readonly T[]): T[] {
  const key = (f: T) => [f.ipAddress, f.subnetId] as const;
  return [...ips].sort((a, b) => {
    const [x1, y1] = key(a);
    const [x2, y2] = key(b);
    return x1 < x2 ? -1 : x1 > x2 ? 1 : y1 < y2 ? -1 : y1 > y2 ? 1 : 0;
  });
}

const SECURITY_NEEDS_PORT_SECURITY = 'Port security must be enabled and port must have an IP address in order to use security groups.';

/** ML2's AddressPairAndPortSecurityRequired: a port without port security has no allowed address pairs. */
const pairsNeedPortSecurity = (path: string): SimError =>
  new SimError(409, 'Port Security must be enabled in order to have allowed address pairs on a port.', path, 'network', 'AddressPairAndPortSecurityRequired');

/** Neutron returns a port's allowed address pairs in its table's key order: MAC, then address. */
function sortPairs(pairs: Array<{ ipAddress: string; macAddress: string }>): Array<{ ipAddress: string; macAddress: string }> {
  const key = (p: { ipAddress: string; macAddress: string }) => `${p.macAddress} ${p.ipAddress}`;
  return pairs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * ML2 binds a port to a host where an Open vSwitch agent runs (vif_type ovs); a host without one
 * fails the binding; no host, no binding.
 */
function vifType(c: Cloud, host: string): string {
  if (host === '') return 'unbound';
  return runsOvsAgent(c, host) ? 'ovs' : 'binding_failed';
}

export interface PortUpdate {
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  fixedIps?: FixedIpRequest[];
  securityGroupIds?: string[];
  portSecurityEnabled?: boolean;
  deviceId?: string;
  deviceOwner?: string;
  allowedAddressPairs?: Array<{ ipAddress: string; macAddress?: string }>;
  extraDhcpOpts?: DhcpOptRequest[];
  /** `--host` (a host name) or `unset --host` (''): admin only. */
  bindingHostId?: string;
  vnicType?: string;
  bindingProfile?: Port['bindingProfile'];
  /** A new MAC address; null: one Neutron generates. */
  macAddress?: string | null;
}

/** A network whose subnets are on segments (routed provider networks): addresses depend on the host. */
function isRouted(c: Cloud, net: Network): boolean {
  return c.subnets.some((s) => s.networkId === net.id && s.segmentId !== null);
}

/**
 * The ports whose addresses the segments plugin defers: those the API creates. The simulation's
 * own router, DHCP and Nova ports are addressed at once (Nova's binding of a port on a routed
 * network is not simulated).
 */
const routedByApi = (owner: string): boolean => !owner.startsWith('network:') && !owner.startsWith('compute:');

/** HostNotConnectedToAnySegment: the host reaches no segment of the routed network. */
function checkHostOnSegment(c: Cloud, host: string, net: Network, path: string): void {
  if (hostReachesSegment(c, host, net)) return;
  throw new SimError(
    409,
    `Host ${host} is not connected to any segments on routed provider network '${net.id}'.  It should be connected to one.`,
    path,
    'network',
    'HostNotConnectedToAnySegment',
  );
}

export function updatePort(c: Cloud, port: Port, upd: PortUpdate): Port {
  const path = `${PATH}/${port.id}`;
  const net = c.networks.find((n) => n.id === port.networkId);
  if (!net) throw neutronError.notFound(path, `Network ${port.networkId} could not be found.`);
  // A new host on a routed network must reach its segment (the port's addresses, or the ones a
  // deferred port gets now, come from it).
  const newHost = upd.bindingHostId !== undefined && upd.bindingHostId !== '' && upd.bindingHostId !== port.bindingHostId ? upd.bindingHostId : undefined;
  const allocateNow = newHost !== undefined && port.ipAllocation === 'deferred' && port.bindingHostId === '' && port.fixedIps.length === 0 && upd.fixedIps === undefined;
  if (newHost !== undefined && upd.fixedIps === undefined && (allocateNow || port.fixedIps.length > 0) && isRouted(c, net)) checkHostOnSegment(c, newHost, net, path);
  // null: Neutron makes a new one (drawn even when the bound port then refuses it).
  const asked = upd.macAddress === null ? newMac(c) : upd.macAddress;
  const changedMac = asked !== undefined && asked !== port.macAddress ? asked : undefined;
  if (changedMac !== undefined) {
    // ML2 changes the MAC of a port no host has plugged (unbound, or its binding failed) only.
    if (port.bindingVifType !== 'unbound' && port.bindingVifType !== 'binding_failed') {
      throw new SimError(
        409,
        `Unable to complete operation on port ${port.id}, port is already bound, port type: ${port.bindingVifType}, old_mac ${port.macAddress}, new_mac ${changedMac}.`,
        path,
        'network',
        'PortBound',
      );
    }
    if (findAll(c, PORTS_BY_MAC, changedMac).some((p) => p.networkId === net.id)) {
      throw new SimError(409, `Unable to complete operation for network ${net.id}. The mac address ${changedMac} is in use.`, path, 'network', 'MacAddressInUse');
    }
  }
  const secOn = upd.portSecurityEnabled ?? port.portSecurityEnabled;
  // Pairs asked for, or kept (the request does not clear them), need port security.
  if (!secOn && (upd.allowedAddressPairs ?? port.allowedAddressPairs).length > 0) throw pairsNeedPortSecurity(path);
  const groups = upd.securityGroupIds ?? port.securityGroupIds;
  if (!secOn && groups.length > 0) {
    // Asking for groups on a port without port security is a 400; disabling it under groups a 409.
    if (upd.securityGroupIds !== undefined) throw neutronError.badRequest(path, SECURITY_NEEDS_PORT_SECURITY);
    throw neutronError.conflict(
      path,
      'Port has security group associated. Cannot disable port security or IP address until security group is removed.',
    );
  }
  if (upd.fixedIps !== undefined) {
    // Keep addresses that are requested again; allocate the rest against the other ports.
    const old = port.fixedIps;
    port.fixedIps = [];
    const keep: FixedIp[] = [];
    const fresh: FixedIpRequest[] = [];
    for (const r of upd.fixedIps) {
      const same = old.find((o) => o.ipAddress === r.ipAddress && (r.subnetId === undefined || o.subnetId === r.subnetId));
      if (same) keep.push(same);
      else fresh.push(r);
    }
    try {
      const added = fresh.length > 0 ? allocateFixedIps(c, net, fresh, port.macAddress, { owner: port.deviceOwner, path }) : [];
      port.fixedIps = [...keep, ...added.filter((a) => !keep.some((k) => k.subnetId === a.subnetId && k.ipAddress === a.ipAddress))];
    } catch (e) {
      port.fixedIps = old;
      throw e;
    }
  }
  if (allocateNow) port.fixedIps = allocateFixedIps(c, net, undefined, port.macAddress, { owner: port.deviceOwner, path });
  if (changedMac !== undefined) {
    // A new MAC address gives the port new EUI-64 addresses on its auto-address subnets (Neutron's IPAM).
    port.fixedIps = port.fixedIps.map((f) => {
      const s = c.subnets.find((x) => x.id === f.subnetId);
      return s && isAutoAddress(s) && f.ipAddress === eui64For(s, port.macAddress) ? { subnetId: f.subnetId, ipAddress: eui64For(s, changedMac) } : f;
    });
    port.macAddress = changedMac;
  }
  if (upd.name !== undefined) port.name = upd.name;
  if (upd.description !== undefined) port.description = upd.description;
  if (upd.adminStateUp !== undefined) port.adminStateUp = upd.adminStateUp;
  if (upd.securityGroupIds !== undefined) port.securityGroupIds = [...upd.securityGroupIds];
  if (upd.portSecurityEnabled !== undefined) port.portSecurityEnabled = upd.portSecurityEnabled;
  if (upd.deviceId !== undefined) port.deviceId = upd.deviceId;
  if (upd.deviceOwner !== undefined) port.deviceOwner = upd.deviceOwner;
  if (upd.vnicType !== undefined) port.bindingVnicType = upd.vnicType;
  if (upd.bindingHostId !== undefined) {
    port.bindingHostId = upd.bindingHostId;
    port.bindingVifType = vifType(c, upd.bindingHostId);
  }
  if (upd.bindingProfile !== undefined) {
    if (Object.keys(upd.bindingProfile).length > 0) port.bindingProfile = upd.bindingProfile;
    else delete port.bindingProfile;
  }
  if (upd.allowedAddressPairs !== undefined) {
    port.allowedAddressPairs = sortPairs(upd.allowedAddressPairs.map((a) => ({ ipAddress: a.ipAddress, macAddress: a.macAddress ?? port.macAddress })));
  }
  if (upd.extraDhcpOpts !== undefined) {
    const opts = withDhcpOpts(path, port.extraDhcpOpts ?? [], upd.extraDhcpOpts);
    if (opts) port.extraDhcpOpts = opts;
    else delete port.extraDhcpOpts;
  }
  touch(c, port);
  return port;
}

const PROTECTED_OWNERS: readonly string[] = [DEVICE_OWNER.routerInterface, DEVICE_OWNER.routerGateway, DEVICE_OWNER.floatingIp, DEVICE_OWNER.routerInterfaceDistributed, DEVICE_OWNER.routerCentralizedSnat];

/** `port delete` as a tenant calls it: router and floating-IP ports are refused. */
export function deletePort(c: Cloud, port: Port): void {
  const path = `${PATH}/${port.id}`;
  if (PROTECTED_OWNERS.includes(port.deviceOwner)) {
    throw neutronError.conflict(
      path,
      `Port ${port.id} cannot be deleted directly via the port API: has device owner ${port.deviceOwner}.`,
    );
  }
  removePort(c, port);
}

/** Removes a port and what hangs on it (floating IP associations, server NIC entries). */
export function removePort(c: Cloud, port: Port): void {
  for (const found of findInOrder(c, FLOATING_IPS_BY_PORT, port.id)) {
    const f = writable(c, 'floatingIps', found);
    f.portId = null;
    f.fixedIpAddress = null;
    f.routerId = null;
    f.status = 'DOWN';
    touch(c, f);
  }
  for (const s of c.servers) {
    if (s.nics.some((n) => n.portId === port.id)) writable(c, 'servers', s).nics = s.nics.filter((n) => n.portId !== port.id);
  }
  removeIndexed(c, PORTS_BY_ID, port.id);
}

/** Ports Neutron deletes together with their network (DHCP, OVN metadata). */
export function deleteNetworkOwnedPort(c: Cloud, port: Port): void {
  removePort(c, port);
}

/** Keeps the network's DHCP port in step with its DHCP-enabled subnets (the DHCP agent's job). */
export function syncDhcpPort(c: Cloud, net: Network): void {
  const dhcpSubnets = c.subnets.filter((s) => s.networkId === net.id && s.enableDhcp);
  let port = findFirst(c, PORTS_BY_NETWORK, net.id, (p) => p.deviceOwner === DEVICE_OWNER.dhcp);
  if (dhcpSubnets.length === 0) {
    if (port) removePort(c, port);
    return;
  }
  if (!port) {
    port = createPort(c, {
      networkId: net.id,
      projectId: net.projectId,
      deviceOwner: DEVICE_OWNER.dhcp,
      deviceId: `dhcp${hostUuid(c.config.networkHost)}-${net.id}`,
      fixedIps: [],
      strategy: 'first',
      status: 'ACTIVE',
      bindingHostId: c.config.networkHost,
    });
    touch(c, port);
  }
  // The port may be one the draft shares with the published cloud (clone.ts): made its own first.
  const p = writable(c, 'ports', port);
  const wanted = new Set(dhcpSubnets.map((s) => s.id));
  const before = p.fixedIps.length;
  p.fixedIps = p.fixedIps.filter((f) => wanted.has(f.subnetId));
  let changed = before !== p.fixedIps.length;
  for (const s of dhcpSubnets) {
    if (p.fixedIps.some((f) => f.subnetId === s.id)) continue;
    const ip = isAutoAddress(s) ? eui64For(s, p.macAddress) : allocateIn(c, s, 'first');
    if (ip) {
      p.fixedIps.push({ subnetId: s.id, ipAddress: ip });
      changed = true;
    }
  }
  if (changed) touch(c, p);
}

/** Neutron's DHCP port device_id embeds a UUID derived from the agent host name. */
function hostUuid(host: string): string {
  let h = 0x811c9dc5;
  const words: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of `${host}:${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    words.push(h.toString(16).padStart(8, '0'));
  }
  const x = words.join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-5${x.slice(13, 16)}-a${x.slice(17, 20)}-${x.slice(20, 32)}`;
}

/** Auto-address (SLAAC) subnets give every existing non-router port on the network an address. */
export function addAutoAddresses(c: Cloud, s: Subnet): void {
  if (!isAutoAddress(s)) return;
  for (const p of c.ports) {
    if (p.networkId !== s.networkId || isRouterInterfaceOwner(p.deviceOwner) || p.deviceOwner === DEVICE_OWNER.dhcp) continue;
    if (p.deviceOwner === DEVICE_OWNER.floatingIp) continue;
    const own = writable(c, 'ports', p);
    own.fixedIps.push({ subnetId: s.id, ipAddress: eui64For(s, p.macAddress) });
    touch(c, own);
  }
}
