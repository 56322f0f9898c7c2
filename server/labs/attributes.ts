/**
 * What checks can see of a cloud: resources by kind and name, and their attributes under the
 * Neutron/Nova API names instructors know (`enable_dhcp`, `router:external`…). References to
 * other resources come out as names, never as UUIDs, so checks do not depend on them.
 */
import type { Cloud } from '../sim/model/cloud.js';
import type { Port } from '../sim/model/port.js';
import type { Router } from '../sim/model/router.js';
import type { Server } from '../sim/model/compute.js';
import type { Subnet } from '../sim/model/subnet.js';
import { ipVersion } from './ip.js';
import { DEVICE_OWNER } from '../sim/model/port.js';
import { portById } from '../sim/index.js';

export type AttrValue = string | number | boolean | null | string[];

export interface Resource {
  kind: Kind;
  /** Name as the learner sees it ('' for unnamed resources such as floating IPs). */
  name: string;
  /** Human label for messages: `router myrouter`, `floating IP 192.0.2.10`. */
  label: string;
  get(attr: string): AttrValue | undefined;
}

interface KindDef<T> {
  list(c: Cloud): T[];
  name(x: T, c: Cloud): string;
  label?(x: T, c: Cloud): string;
  attrs: Record<string, (x: T, c: Cloud) => AttrValue>;
}

const nameOf = (list: Array<{ id: string; name: string }>, id: string | null): string | null =>
  id === null ? null : (list.find((x) => x.id === id)?.name ?? null);

const projectName = (c: Cloud, id: string): string | null => nameOf(c.projects, id);

export function routerInterfacePorts(c: Cloud, r: Router): Port[] {
  return c.ports.filter((p) => p.deviceId === r.id && p.deviceOwner.startsWith('network:router_') && p.deviceOwner !== DEVICE_OWNER.routerGateway);
}

export function routerGatewayPort(c: Cloud, r: Router): Port | undefined {
  return c.ports.find((p) => p.deviceId === r.id && p.deviceOwner === DEVICE_OWNER.routerGateway);
}

export function serverPorts(c: Cloud, s: Server): Port[] {
  const ids = s.nics.map((n) => n.portId);
  return c.ports.filter((p) => p.deviceId === s.id || ids.includes(p.id));
}

export function serverAddresses(c: Cloud, s: Server): string[] {
  return serverPorts(c, s).flatMap((p) => p.fixedIps.map((f) => f.ipAddress));
}

export function serverFloatingIps(c: Cloud, s: Server): string[] {
  const ports = new Set(serverPorts(c, s).map((p) => p.id));
  return c.floatingIps.filter((f) => f.portId !== null && ports.has(f.portId)).map((f) => f.floatingIpAddress);
}

function subnetsOfPort(c: Cloud, p: Port): Subnet[] {
  return p.fixedIps.map((f) => c.subnets.find((s) => s.id === f.subnetId)).filter((s): s is Subnet => s !== undefined);
}

const std = {
  name: (x: { name: string }) => x.name,
  description: (x: { description: string }) => x.description,
  tags: (x: { tags: string[] }) => x.tags,
  project: (x: { projectId: string }, c: Cloud) => projectName(c, x.projectId),
};

const KINDS = {
  network: {
    list: (c) => c.networks,
    name: (x) => x.name,
    attrs: {
      ...std,
      status: (x) => x.status,
      admin_state_up: (x) => x.adminStateUp,
      shared: (x) => x.shared,
      'router:external': (x) => x.external,
      external: (x) => x.external,
      is_default: (x) => x.isDefault,
      mtu: (x) => x.mtu,
      port_security_enabled: (x) => x.portSecurityEnabled,
      'provider:network_type': (x) => x.networkType,
      'provider:physical_network': (x) => x.physicalNetwork,
      'provider:segmentation_id': (x) => x.segmentationId,
      subnets: (x, c) => c.subnets.filter((s) => s.networkId === x.id).map((s) => s.name),
      cidrs: (x, c) => c.subnets.filter((s) => s.networkId === x.id).map((s) => s.cidr),
    },
  } satisfies KindDef<Cloud['networks'][number]>,
  subnet: {
    list: (c) => c.subnets,
    name: (x) => x.name,
    attrs: {
      ...std,
      network: (x, c) => nameOf(c.networks, x.networkId),
      cidr: (x) => x.cidr,
      prefix_length: (x) => Number(x.cidr.split('/')[1]),
      ip_version: (x) => x.ipVersion,
      gateway_ip: (x) => x.gatewayIp,
      enable_dhcp: (x) => x.enableDhcp,
      dns_nameservers: (x) => x.dnsNameservers,
      allocation_pools: (x) => x.allocationPools.map((p) => `${p.start}-${p.end}`),
      host_routes: (x) => x.hostRoutes.map((r) => `${r.destination},${r.nexthop}`),
      ipv6_ra_mode: (x) => x.ipv6RaMode,
      ipv6_address_mode: (x) => x.ipv6AddressMode,
      subnet_pool: (x, c) => nameOf(c.subnetPools, x.subnetpoolId),
      subnetpool: (x, c) => nameOf(c.subnetPools, x.subnetpoolId),
      used_ips: (x, c) => c.ports.flatMap((p) => p.fixedIps).filter((f) => f.subnetId === x.id).map((f) => f.ipAddress),
    },
  } satisfies KindDef<Subnet>,
  'subnet-pool': {
    list: (c) => c.subnetPools,
    name: (x) => x.name,
    attrs: {
      ...std,
      ip_version: (x) => x.ipVersion,
      prefixes: (x) => x.prefixes,
      default_prefixlen: (x) => x.defaultPrefixlen,
      min_prefixlen: (x) => x.minPrefixlen,
      max_prefixlen: (x) => x.maxPrefixlen,
      shared: (x) => x.shared,
      is_default: (x) => x.isDefault,
      address_scope: (x, c) => nameOf(c.addressScopes, x.addressScopeId),
    },
  } satisfies KindDef<Cloud['subnetPools'][number]>,
  port: {
    list: (c) => c.ports,
    name: (x) => x.name,
    label: (x) => (x.name !== '' ? `port ${x.name}` : `port ${x.fixedIps.map((f) => f.ipAddress).join(', ') || '(no address)'}`),
    attrs: {
      ...std,
      network: (x, c) => nameOf(c.networks, x.networkId),
      fixed_ips: (x) => x.fixedIps.map((f) => f.ipAddress),
      subnets: (x, c) => subnetsOfPort(c, x).map((s) => s.name),
      device_owner: (x) => x.deviceOwner,
      status: (x) => x.status,
      admin_state_up: (x) => x.adminStateUp,
      port_security_enabled: (x) => x.portSecurityEnabled,
      security_groups: (x, c) => x.securityGroupIds.map((id) => nameOf(c.securityGroups, id) ?? id),
      server: (x, c) => nameOf(c.servers, x.deviceId),
      router: (x, c) => nameOf(c.routers, x.deviceId),
    },
  } satisfies KindDef<Port>,
  router: {
    list: (c) => c.routers,
    name: (x) => x.name,
    attrs: {
      ...std,
      status: (x) => x.status,
      admin_state_up: (x) => x.adminStateUp,
      external_gateway: (x, c) => (x.gateway === null ? null : nameOf(c.networks, x.gateway.networkId)),
      enable_snat: (x) => (x.gateway === null ? null : x.gateway.enableSnat),
      external_ips: (x) => (x.gateway === null ? [] : x.gateway.externalFixedIps.map((f) => f.ipAddress)),
      gateway_ip: (x) => x.gateway?.externalFixedIps.map((f) => f.ipAddress).find((ip) => ipVersion(ip) === 4) ?? null,
      interfaces: (x, c) => routerInterfacePorts(c, x).flatMap((p) => subnetsOfPort(c, p).map((s) => s.name)),
      interface_ips: (x, c) => routerInterfacePorts(c, x).flatMap((p) => p.fixedIps.map((f) => f.ipAddress)),
      routes: (x) => x.routes.map((r) => `${r.destination},${r.nexthop}`),
    },
  } satisfies KindDef<Router>,
  server: {
    list: (c) => c.servers,
    name: (x) => x.name,
    attrs: {
      name: (x) => x.name,
      project: (x, c) => projectName(c, x.projectId),
      status: (x) => x.status,
      image: (x, c) => nameOf(c.images, x.imageId),
      flavor: (x, c) => nameOf(c.flavors, x.flavorId),
      key_name: (x) => x.keyName,
      config_drive: (x) => x.configDrive,
      security_groups: (x, c) => x.securityGroups.map((g) => nameOf(c.securityGroups, g) ?? g),
      networks: (x, c) => [...new Set(serverPorts(c, x).map((p) => nameOf(c.networks, p.networkId) ?? ''))],
      ports: (x, c) => serverPorts(c, x).map((p) => p.name),
      addresses: (x, c) => serverAddresses(c, x),
      ipv4: (x, c) => serverAddresses(c, x).filter((a) => ipVersion(a) === 4),
      ipv6: (x, c) => serverAddresses(c, x).filter((a) => ipVersion(a) === 6),
      floating_ips: (x, c) => serverFloatingIps(c, x),
    },
  } satisfies KindDef<Server>,
  'floating-ip': {
    list: (c) => c.floatingIps,
    name: (x) => x.floatingIpAddress,
    label: (x) => `floating IP ${x.floatingIpAddress}`,
    attrs: {
      description: (x) => x.description,
      floating_ip_address: (x) => x.floatingIpAddress,
      floating_network: (x, c) => nameOf(c.networks, x.floatingNetworkId),
      fixed_ip_address: (x) => x.fixedIpAddress,
      port: (x, c) => nameOf(c.ports, x.portId),
      server: (x, c) => {
        const p = portById(c, x.portId);
        return p === undefined ? null : nameOf(c.servers, p.deviceId);
      },
      router: (x, c) => nameOf(c.routers, x.routerId),
      status: (x) => x.status,
    },
  } satisfies KindDef<Cloud['floatingIps'][number]>,
  'security-group': {
    list: (c) => c.securityGroups,
    name: (x) => x.name,
    attrs: {
      ...std,
      stateful: (x) => x.stateful,
      rules: (x, c) => c.securityGroupRules.filter((r) => r.securityGroupId === x.id).map((r) => r.id),
    },
  } satisfies KindDef<Cloud['securityGroups'][number]>,
  'security-group-rule': {
    list: (c) => c.securityGroupRules,
    name: () => '',
    label: (x, c) =>
      `${x.direction} ${x.protocol ?? 'any'}${x.portRangeMin !== null ? ` ${x.portRangeMin}${x.portRangeMax !== x.portRangeMin ? `:${x.portRangeMax}` : ''}` : ''} rule in group ${nameOf(c.securityGroups, x.securityGroupId) ?? '?'}`,
    attrs: {
      group: (x, c) => nameOf(c.securityGroups, x.securityGroupId),
      security_group: (x, c) => nameOf(c.securityGroups, x.securityGroupId),
      direction: (x) => x.direction,
      ethertype: (x) => x.ethertype,
      protocol: (x) => x.protocol,
      port_range_min: (x) => x.portRangeMin,
      port_range_max: (x) => x.portRangeMax,
      remote_ip_prefix: (x) => x.remoteIpPrefix,
      remote_group: (x, c) => nameOf(c.securityGroups, x.remoteGroupId),
      remote_address_group: (x, c) => nameOf(c.addressGroups ?? [], x.remoteAddressGroupId ?? null),
    },
  } satisfies KindDef<Cloud['securityGroupRules'][number]>,
} as const;

export type Kind = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as Kind[];

/** Attribute names each kind exposes (for validation and the instructors' README). */
export function attributeNames(kind: Kind): string[] {
  return Object.keys(KINDS[kind].attrs);
}

export function isKind(s: string): s is Kind {
  return Object.prototype.hasOwnProperty.call(KINDS, s);
}

function wrap<T>(kind: Kind, def: KindDef<T>, x: T, c: Cloud): Resource {
  const name = def.name(x, c);
  const label = def.label ? def.label(x, c) : `${kind.replace(/-/g, ' ')} ${name}`;
  return {
    kind,
    name,
    label,
    get: (attr) => {
      const f = def.attrs[attr];
      return f === undefined ? undefined : f(x, c);
    },
  };
}

/** Every resource of a kind, optionally only those with this name. */
export function resources(c: Cloud, kind: Kind, name?: string): Resource[] {
  const def = KINDS[kind] as KindDef<unknown>;
  return def
    .list(c)
    .filter((x) => name === undefined || def.name(x, c) === name)
    .map((x) => wrap(kind, def, x, c));
}
