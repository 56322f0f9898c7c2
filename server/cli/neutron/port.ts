/** `neutron port-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import type { FixedIpRequest } from '../../sim/ops/port.js';
import { deletePortById, postPort, putPort } from '../../sim/api/neutron/requests/port.js';
import { listPorts, portDict } from '../../sim/api/neutron/index.js';
import { isVisiblePort } from '../../sim/visibility.js';
import { PORTS_BY_ID, PORTS_BY_NAME } from '../../sim/index.js';
import type { Json, JsonObject } from '../../sim/api/json.js';
import { NEUTRON_JSON_DEPTH, pyJsonLoads } from '../pyjson.js';
import type { CellValue } from '../../render/pyvalue.js';
import { bulkDelete, findIndexed, given, kv, list, s, show, table, type Args, type Handler, listQuery, updateBody } from './common.js';
import { CliError } from '../errors.js';
import { findNetwork } from './net.js';
import { findGroup } from './security-group.js';
import { findSubnet } from './subnet.js';

export const findPort = (c: Cloud, ref: string) => findIndexed(c, { id: PORTS_BY_ID, name: PORTS_BY_NAME }, (p) => isVisiblePort(c, p), 'port', ref);

/** `--fixed-ip subnet_id=…,ip_address=…` options, subnets looked up by name or id. */
export function fixedIpRequests(c: Cloud, a: Args): FixedIpRequest[] {
  return list(a, 'fixed_ip').map(kv).map((x) => ({
    ...(x['subnet_id'] !== undefined ? { subnetId: findSubnet(c, x['subnet_id']).id } : {}),
    ...(x['ip_address'] !== undefined ? { ipAddress: x['ip_address'] } : {}),
  }));
}

/** Fixed IP requests as a body's `fixed_ips`. */
export function fixedIpsBody(ips: readonly FixedIpRequest[]): JsonObject[] {
  return ips.map((x) => given({ subnet_id: x.subnetId, ip_address: x.ipAddress }));
}

/** port-list's and router-port-list's columns. */
export function portRows(ports: JsonObject[]): CellValue[][] {
  return ports.map((p) => [p['id'] ?? null, p['name'] ?? null, p['mac_address'] ?? null, p['fixed_ips'] ?? []]);
}

/**
 * What neutronclient's port mixins add to a body: extra DHCP options (each `opt_name` paired with
 * an `opt_value` or `ip_version`, `null` as None), allowed address pairs as typed, or none; the DNS
 * name (`--no-dns-name`: empty).
 */
function portMixins(a: Args): JsonObject {
  const out: JsonObject = {};
  const ops: JsonObject[] = [];
  let opt: Record<string, string | null> = {};
  for (const raw of list(a, 'extra_dhcp_opts')) {
    opt = { ...opt, ...kv(raw) };
    if (!('opt_name' in opt && ('opt_value' in opt || 'ip_version' in opt))) {
      throw new CliError('Invalid --extra-dhcp-opt option, can only be: opt_name=<dhcp_option_name>,opt_value=<value>,ip_version={4,6}. You can repeat this option.');
    }
    if (opt['opt_value'] === 'null') opt['opt_value'] = null;
    ops.push(opt);
    opt = {};
  }
  if (ops.length > 0) out['extra_dhcp_opts'] = ops;
  const pairs = list(a, 'allowed_address_pairs');
  if (pairs.length > 0) out['allowed_address_pairs'] = pairs.map(kv);
  else if (a['no_allowed_address_pairs'] === true) out['allowed_address_pairs'] = [];
  const dns = s(a, 'dns_name');
  if (dns) out['dns_name'] = dns;
  if (a['no_dns_name'] === true) out['dns_name'] = '';
  return out;
}

/** `--binding-profile JSON` (port-create): json.loads of it when given and not empty, its error bare. */
function bindingProfile(a: Args): Json | undefined {
  const raw = s(a, 'binding_profile');
  if (!raw) return undefined;
  const j = pyJsonLoads(raw, NEUTRON_JSON_DEPTH);
  if (!j.ok) throw new CliError(j.message);
  return j.value as Json;
}

export const portCommands: Record<string, Handler> = {
  'port-create': (c, a, extra) => {
    const net = findNetwork(c, s(a, 'network_id') ?? '');
    const ips = fixedIpRequests(c, a);
    // args2body reads the profile (jsonutils.loads) after the subnets, before the groups.
    const profile = bindingProfile(a);
    const groups = a['no_security_groups'] === true ? [] : list(a, 'security_groups').length ? list(a, 'security_groups').map((g) => findGroup(c, g).id) : undefined;
    const own = given({
      admin_state_up: a['admin_state'] !== false,
      network_id: net.id,
      device_id: s(a, 'device_id'),
      device_owner: s(a, 'device_owner'),
      name: s(a, 'name'),
      description: s(a, 'description'),
      fixed_ips: ips.length ? fixedIpsBody(ips) : undefined,
      mac_address: s(a, 'mac_address'),
      tenant_id: s(a, 'tenant_id'),
      'binding:vnic_type': s(a, 'vnic_type'),
      'binding:profile': profile,
      security_groups: groups,
    });
    return show(a, portDict(c, postPort(c, { ...own, ...portMixins(a), ...extra })), 'port');
  },
  'port-list': (c, a, extra) => {
    const ports = listPorts(c, listQuery(a, extra));
    return table(a, ['id', 'name', 'mac_address', 'fixed_ips'], portRows(ports), ports);
  },
  'port-show': (c, a) => show(a, portDict(c, findPort(c, s(a, 'id') ?? ''))),
  'port-update': (c, a, extra) => {
    // neutronclient's update builds the body (subnets, then groups looked up) before it looks the port up.
    const ips = list(a, 'fixed_ip').length ? fixedIpsBody(fixedIpRequests(c, a)) : undefined;
    const groups = a['no_security_groups'] === true ? [] : list(a, 'security_groups').length ? list(a, 'security_groups').map((g) => findGroup(c, g).id) : undefined;
    const mixins = portMixins(a);
    const own = given({
      name: s(a, 'name'),
      description: s(a, 'description'),
      device_id: s(a, 'device_id'),
      device_owner: s(a, 'device_owner'),
      admin_state_up: s(a, 'admin_state_up'),
      fixed_ips: ips,
      security_groups: groups,
    });
    const body = updateBody('port', { ...own, ...mixins, ...extra });
    const p = findPort(c, s(a, 'id') ?? '');
    putPort(c, p.id, body);
    return { stdout: `Updated port: ${s(a, 'id') ?? ''}\n` };
  },
  'port-delete': (c, a) => bulkDelete('port', list(a, 'id'), (id) => deletePortById(c, findPort(c, id).id)),
};
