/**
 * Resources as the Neutron API returns them (admin view, Zed), in the API's key order: what the
 * legacy `neutron` CLI prints, field by field.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Network } from '../../sim/model/network.js';
import type { Subnet } from '../../sim/model/subnet.js';
import type { Port } from '../../sim/model/port.js';
import type { Router } from '../../sim/model/router.js';
import type { FloatingIp } from '../../sim/model/floating-ip.js';
import type { SecurityGroup, SecurityGroupRule } from '../../sim/model/security-group.js';
import type { SubnetPool } from '../../sim/model/subnet-pool.js';
import { apiFixedIps, inApiOrder } from '../../sim/ops/port.js';
import type { PyValue } from '../../render/pyvalue.js';
import { networkAddressScope } from '../../sim/ops/subnet-pool.js';
import { normalizedCidr } from '../../sim/ops/security-group.js';

type Dict = { [k: string]: PyValue };

const std = (r: { createdAt: string; updatedAt: string; revision: number; tags: string[]; description: string }): Dict => ({
  description: r.description,
  tags: [...r.tags],
  created_at: r.createdAt,
  updated_at: r.updatedAt,
  revision_number: r.revision,
});

export function networkApi(c: Cloud, n: Network, phase: 'create' | 'show'): Dict {
  const d: Dict = {
    id: n.id,
    name: n.name,
    tenant_id: n.projectId,
    admin_state_up: n.adminStateUp,
    mtu: n.mtu,
    status: n.status,
    subnets: c.subnets.filter((s) => s.networkId === n.id).map((s) => s.id),
    shared: n.shared,
    availability_zone_hints: [...n.availabilityZoneHints],
    availability_zones: [],
    ipv4_address_scope: networkAddressScope(c, n.id, 4),
    ipv6_address_scope: networkAddressScope(c, n.id, 6),
    'router:external': n.external,
    port_security_enabled: n.portSecurityEnabled,
    'provider:network_type': n.networkType,
    'provider:physical_network': n.physicalNetwork,
    'provider:segmentation_id': n.segmentationId,
    l2_adjacency: true,
    ...std(n),
    project_id: n.projectId,
  };
  // auto-allocated-topology adds is_default on create, and on show only for external networks.
  if (phase === 'create' || n.external) d['is_default'] = n.isDefault;
  // The provider attributes are admin only (policy): other users do not get the keys at all.
  if (!c.auth.admin) {
    delete d['provider:network_type'];
    delete d['provider:physical_network'];
    delete d['provider:segmentation_id'];
  }
  return d;
}

export function subnetApi(s: Subnet): Dict {
  return {
    id: s.id,
    name: s.name,
    tenant_id: s.projectId,
    network_id: s.networkId,
    ip_version: s.ipVersion,
    subnetpool_id: s.subnetpoolId,
    enable_dhcp: s.enableDhcp,
    ipv6_ra_mode: s.ipv6RaMode,
    ipv6_address_mode: s.ipv6AddressMode,
    gateway_ip: s.gatewayIp,
    cidr: s.cidr,
    allocation_pools: s.allocationPools.map((p) => ({ start: p.start, end: p.end })),
    host_routes: s.hostRoutes.map((r) => ({ destination: r.destination, nexthop: r.nexthop })),
    dns_nameservers: [...s.dnsNameservers],
    service_types: [...s.serviceTypes],
    segment_id: s.segmentId,
    ...std(s),
    project_id: s.projectId,
  };
}

export function portApi(p: Port): Dict {
  const bound = p.bindingHostId !== '';
  return {
    id: p.id,
    name: p.name,
    network_id: p.networkId,
    tenant_id: p.projectId,
    mac_address: p.macAddress,
    admin_state_up: p.adminStateUp,
    status: p.status,
    device_id: p.deviceId,
    device_owner: p.deviceOwner,
    fixed_ips: apiFixedIps(p).map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })),
    allowed_address_pairs: p.allowedAddressPairs.map((a) => ({ mac_address: a.macAddress, ip_address: a.ipAddress })),
    extra_dhcp_opts: [],
    security_groups: [...p.securityGroupIds],
    ...std(p),
    project_id: p.projectId,
    port_security_enabled: p.portSecurityEnabled,
    'binding:vnic_type': p.bindingVnicType,
    'binding:profile': {},
    'binding:host_id': p.bindingHostId,
    'binding:vif_type': p.bindingVifType,
    'binding:vif_details': bound ? { connectivity: 'l2', port_filter: true, ovs_hybrid_plug: false, datapath_type: 'system', bridge_name: 'br-int' } : {},
    ip_allocation: 'immediate',
  };
}

export function routerApi(r: Router): Dict {
  return {
    id: r.id,
    name: r.name,
    tenant_id: r.projectId,
    admin_state_up: r.adminStateUp,
    status: r.status,
    external_gateway_info: r.gateway
      ? {
          network_id: r.gateway.networkId,
          external_fixed_ips: inApiOrder(r.gateway.externalFixedIps).map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })),
          enable_snat: r.gateway.enableSnat,
        }
      : null,
    ...std(r),
    routes: r.routes.map((x) => ({ destination: x.destination, nexthop: x.nexthop })),
    distributed: r.distributed,
    ha: r.ha,
    availability_zone_hints: [...r.availabilityZoneHints],
    availability_zones: [],
    flavor_id: null,
    project_id: r.projectId,
  };
}

export function floatingIpApi(c: Cloud, f: FloatingIp): Dict {
  const p = f.portId ? c.ports.find((x) => x.id === f.portId) : undefined;
  return {
    id: f.id,
    tenant_id: f.projectId,
    floating_ip_address: f.floatingIpAddress,
    floating_network_id: f.floatingNetworkId,
    router_id: f.routerId,
    port_id: f.portId,
    fixed_ip_address: f.fixedIpAddress,
    status: f.status,
    project_id: f.projectId,
    port_details: p
      ? { name: p.name, network_id: p.networkId, mac_address: p.macAddress, admin_state_up: p.adminStateUp, status: p.status, device_id: p.deviceId, device_owner: p.deviceOwner }
      : null,
    ...std(f),
  };
}

export function ruleApi(r: SecurityGroupRule): Dict {
  return {
    id: r.id,
    tenant_id: r.projectId,
    security_group_id: r.securityGroupId,
    ethertype: r.ethertype,
    direction: r.direction,
    protocol: r.protocol,
    port_range_min: r.portRangeMin,
    port_range_max: r.portRangeMax,
    remote_ip_prefix: r.remoteIpPrefix,
    remote_address_group_id: null,
    normalized_cidr: normalizedCidr(r),
    remote_group_id: r.remoteGroupId,
    description: r.description,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    revision_number: r.revision,
    project_id: r.projectId,
  };
}

export function groupApi(c: Cloud, g: SecurityGroup): Dict {
  return {
    id: g.id,
    name: g.name,
    tenant_id: g.projectId,
    description: g.description,
    stateful: g.stateful,
    security_group_rules: c.securityGroupRules.filter((r) => r.securityGroupId === g.id).map(ruleApi),
    tags: [...g.tags],
    created_at: g.createdAt,
    updated_at: g.updatedAt,
    revision_number: g.revision,
    project_id: g.projectId,
  };
}

export function poolApi(p: SubnetPool): Dict {
  return {
    id: p.id,
    name: p.name,
    tenant_id: p.projectId,
    prefixes: [...p.prefixes],
    min_prefixlen: p.minPrefixlen,
    max_prefixlen: p.maxPrefixlen,
    default_prefixlen: p.defaultPrefixlen,
    is_default: p.isDefault,
    shared: p.shared,
    default_quota: p.defaultQuota,
    address_scope_id: p.addressScopeId,
    ip_version: p.ipVersion,
    ...std(p),
    project_id: p.projectId,
  };
}
