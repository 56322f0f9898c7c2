/** `neutron port-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { createPort, deletePort, updatePort, type FixedIpRequest, type PortCreate, type PortUpdate } from '../../sim/ops/port.js';
import { listPorts, portDict } from '../../sim/api/neutron/index.js';
import { visiblePorts } from '../../sim/visibility.js';
import type { JsonObject } from '../../sim/api/json.js';
import type { CellValue } from '../../render/pyvalue.js';
import { bBool, bStr, bulkDelete, compact, find, given, kv, list, s, send, show, table, type Args, type Handler, specFilters } from './common.js';
import { findNetwork } from './net.js';
import { findGroup } from './security-group.js';
import { findSubnet } from './subnet.js';

export const findPort = (c: Cloud, ref: string) => find(visiblePorts(c), 'port', ref);

/** `--fixed-ip subnet_id=…,ip_address=…` options, subnets looked up by name or id. */
export function fixedIpRequests(c: Cloud, a: Args): FixedIpRequest[] {
  return list(a, 'fixed_ip').map(kv).map((x) => ({
    ...(x['subnet_id'] !== undefined ? { subnetId: findSubnet(c, x['subnet_id']).id } : {}),
    ...(x['ip_address'] !== undefined ? { ipAddress: x['ip_address'] } : {}),
  }));
}

/** port-list's and router-port-list's columns. */
export function portRows(ports: JsonObject[]): CellValue[][] {
  return ports.map((p) => [p['id'] ?? null, p['name'] ?? null, p['mac_address'] ?? null, p['fixed_ips'] ?? []]);
}

export const portCommands: Record<string, Handler> = {
  'port-create': (c, a, extra) => {
    const net = findNetwork(c, s(a, 'network_id') ?? '');
    const ips = fixedIpRequests(c, a);
    const groups = a['no_security_groups'] === true ? [] : list(a, 'security_groups').length ? list(a, 'security_groups').map((g) => findGroup(c, g).id) : undefined;
    const own = given({
      admin_state_up: a['admin_state'] !== false,
      network_id: net.id,
      name: s(a, 'name'),
      description: s(a, 'description'),
      tenant_id: s(a, 'tenant_id'),
      device_id: s(a, 'device_id'),
      device_owner: s(a, 'device_owner'),
      mac_address: s(a, 'mac_address'),
      security_groups: groups,
    });
    const b = send(c, 'ports', 'create', '/v2.0/ports', own, extra);
    const p = createPort(c, compact<PortCreate>({
      networkId: net.id,
      name: bStr(b, 'name') ?? '',
      description: bStr(b, 'description'),
      projectId: bStr(b, 'tenant_id'),
      adminStateUp: bBool(b, 'admin_state_up'),
      deviceId: bStr(b, 'device_id'),
      deviceOwner: bStr(b, 'device_owner'),
      macAddress: bStr(b, 'mac_address'),
      portSecurityEnabled: bBool(b, 'port_security_enabled'),
      securityGroupIds: groups,
      fixedIps: ips.length ? ips : undefined,
    }));
    return show(a, portDict(c, p), 'port');
  },
  'port-list': (c, a, extra) => {
    const ports = listPorts(c, { filters: specFilters(extra) });
    return table(a, ['id', 'name', 'mac_address', 'fixed_ips'], portRows(ports), ports);
  },
  'port-show': (c, a) => show(a, portDict(c, findPort(c, s(a, 'id') ?? ''))),
  'port-update': (c, a, extra) => {
    const p = findPort(c, s(a, 'id') ?? '');
    const own = given({
      name: s(a, 'name'),
      description: s(a, 'description'),
      device_id: s(a, 'device_id'),
      device_owner: s(a, 'device_owner'),
      admin_state_up: s(a, 'admin_state_up'),
    });
    const b = send(c, 'ports', 'update', `/v2.0/ports/${p.id}`, own, extra);
    const upd = compact<PortUpdate>({
      name: bStr(b, 'name'),
      description: bStr(b, 'description'),
      deviceId: bStr(b, 'device_id'),
      deviceOwner: bStr(b, 'device_owner'),
      adminStateUp: bBool(b, 'admin_state_up'),
      portSecurityEnabled: bBool(b, 'port_security_enabled'),
    });
    if (a['no_security_groups'] === true) upd.securityGroupIds = [];
    else if (list(a, 'security_groups').length) upd.securityGroupIds = list(a, 'security_groups').map((g) => findGroup(c, g).id);
    if (list(a, 'fixed_ip').length) upd.fixedIps = fixedIpRequests(c, a);
    updatePort(c, p, upd);
    return { stdout: `Updated port: ${s(a, 'id') ?? ''}\n` };
  },
  'port-delete': (c, a) => bulkDelete('port', list(a, 'id'), (id) => deletePort(c, findPort(c, id))),
};
