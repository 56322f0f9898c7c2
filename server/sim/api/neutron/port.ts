/** Neutron ports as the API returns them (with the port-binding extension's attributes). */
import type { Cloud } from '../../model/cloud.js';
import type { Port } from '../../model/port.js';
import { apiFixedIps } from '../../ops/port.js';
import { formatMac, parseMac } from '../../ipam.js';
import { visiblePorts } from '../../visibility.js';
import type { Json, JsonObject } from '../json.js';
import { neutronError } from '../../errors.js';
import { listOf, queryString, stdAttrs, type ListQuery } from './common.js';

/** The record without `key` (undefined stays undefined). */
function withoutKey<V>(r: Readonly<Record<string, V>> | undefined, key: string): Record<string, V> | undefined {
  if (r === undefined) return undefined;
  const { [key]: _, ...rest } = r;
  return rest;
}

/** binding:vif_details of a port bound by the Open vSwitch agent. */
export const OVS_VIF_DETAILS: JsonObject = { connectivity: 'l2', port_filter: true, ovs_hybrid_plug: false, datapath_type: 'system', bridge_name: 'br-int' };

/** fixed_ips in the API's order (IPv4 before IPv6, as Neutron returns them). */
export function fixedIpsJson(p: Port): Json[] {
  return apiFixedIps(p).map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress }));
}

/** The port-binding attributes only admins get (policy); binding:vnic_type is everyone's. */
export const PORT_ADMIN_KEYS = ['binding:profile', 'binding:host_id', 'binding:vif_type', 'binding:vif_details'] as const;

/** `full`: the port as an admin sees it, whoever asks. */
export function portDict(c: Cloud, p: Port, full = false): JsonObject {
  const bound = p.bindingHostId !== '';
  const d: JsonObject = {
    id: p.id,
    name: p.name,
    network_id: p.networkId,
    tenant_id: p.projectId,
    mac_address: p.macAddress,
    admin_state_up: p.adminStateUp,
    status: p.status,
    device_id: p.deviceId,
    device_owner: p.deviceOwner,
    fixed_ips: fixedIpsJson(p),
    allowed_address_pairs: p.allowedAddressPairs.map((a) => ({ mac_address: a.macAddress, ip_address: a.ipAddress })),
    extra_dhcp_opts: (p.extraDhcpOpts ?? []).map((o) => ({ opt_name: o.optName, opt_value: o.optValue, ip_version: o.ipVersion })),
    // Neutron answers with a port's groups ordered by id, whatever the order asked for.
    security_groups: [...p.securityGroupIds].sort(),
    ...stdAttrs(p),
    project_id: p.projectId,
    port_security_enabled: p.portSecurityEnabled,
    'binding:vnic_type': p.bindingVnicType,
    'binding:profile': p.bindingProfile ? (JSON.parse(JSON.stringify(p.bindingProfile)) as JsonObject) : {},
    'binding:host_id': p.bindingHostId,
    'binding:vif_type': p.bindingVifType,
    'binding:vif_details': bound ? { ...OVS_VIF_DETAILS } : {},
    ip_allocation: p.ipAllocation ?? 'immediate',
  };
  if (!full && !c.auth.admin) for (const k of PORT_ADMIN_KEYS) delete d[k];
  return d;
}

/** A fixed_ips filter: the port has an address matching all that is given. */
export interface FixedIpFilter {
  subnetId?: string;
  ipAddress?: string;
  /** ip_address_substr */
  ipSubstring?: string;
}

/**
 * `fixed_ips=ip_address=…&fixed_ips=subnet_id=…` as one allocation to match, read as the
 * attribute's convert_kvp_list_to_dict reads it: each a `key=value` (blanks around either
 * dropped), or the 400; `fixed_ips=True` alone (a bare flag of the legacy CLI) is no filter.
 */
export function fixedIpFilters(given: readonly string[], url: () => string): FixedIpFilter[] {
  if (given.length === 0 || (given.length === 1 && given[0] === 'True')) return [];
  const f: FixedIpFilter = {};
  for (const kv of given) {
    const i = kv.indexOf('=');
    const k = (i < 0 ? kv : kv.slice(0, i)).trim();
    if (i < 0 || k === '') throw neutronError.invalidInput(url(), `'${kv}' is not of the form <key>=[value].`);
    const v = kv.slice(i + 1).trim();
    if (k === 'ip_address') f.ipAddress = v;
    else if (k === 'subnet_id') f.subnetId = v;
    else if (k === 'ip_address_substr') f.ipSubstring = v;
  }
  return [f];
}

/**
 * Neutron reads a mac_address filter as a MAC address and asks its database for netaddr's
 * spelling of it, so a port stored in another spelling (`11:22:33`, `AA-BB-…`) is never found.
 */
function macFilter(q: ListQuery): ListQuery {
  const v = q.filters?.['mac_address'];
  const mac = typeof v === 'string' ? parseMac(v) : null;
  return mac === null ? q : { ...q, filters: { ...q.filters, mac_address: formatMac(mac) } };
}

/**
 * GET /v2.0/ports, with fixed_ips filters besides the query's (the REST API reads them from the
 * request; a fixed_ips filter in the query, as the legacy CLI's `--fixed_ips` gives it, is read here).
 */
export function listPorts(c: Cloud, query: ListQuery = {}, given: readonly FixedIpFilter[] = []): JsonObject[] {
  const one = query.filters?.['fixed_ips'];
  const many = query.anyOf?.['fixed_ips'];
  const inQuery = [...(one === undefined || one === null ? [] : [String(one)]), ...(many ?? [])];
  const fixedIps = inQuery.length === 0 ? given : [...given, ...fixedIpFilters(inQuery, () => `/v2.0/ports?${queryString(query)}`)];
  const rest: ListQuery = inQuery.length === 0 ? query : { ...query, filters: withoutKey(query.filters, 'fixed_ips'), anyOf: withoutKey(query.anyOf, 'fixed_ips') };
  const q = macFilter(rest);
  const ports = fixedIps.length === 0 ? visiblePorts(c) : visiblePorts(c).filter((p) => fixedIps.every((f) => p.fixedIps.some(
    (x) => (f.subnetId === undefined || x.subnetId === f.subnetId) && (f.ipAddress === undefined || x.ipAddress === f.ipAddress) && (f.ipSubstring === undefined || x.ipAddress.includes(f.ipSubstring)),
  )));
  return listOf(ports, (p) => portDict(c, p), q, '/v2.0/ports', c.auth.admin ? undefined : { keys: PORT_ADMIN_KEYS, full: (p) => portDict(c, p, true) });
}

/** The ports a router owns (its interfaces and gateway), as `router-port-list` asks for them (device_id=<router>). */
export function routerPortDicts(c: Cloud, routerId: string): JsonObject[] {
  return listOf(c.ports.filter((p) => p.deviceId === routerId), (p) => portDict(c, p), {}, '/v2.0/ports');
}

