/** `neutron port-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { createPort, deletePort, updatePort, type FixedIpRequest, type PortUpdate } from '../../sim/ops/port.js';
import { listPorts, portDict } from '../../sim/api/neutron/index.js';
import { visiblePorts } from '../../sim/visibility.js';
import type { JsonObject } from '../../sim/api/json.js';
import type { CellValue } from '../../render/pyvalue.js';
import { bulkDelete, find, kv, list, s, show, table, type Args, type Handler, specFilters } from './common.js';
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
  'port-create': (c, a) => {
    const net = findNetwork(c, s(a, 'network_id') ?? '');
    const ips = fixedIpRequests(c, a);
    const p = createPort(c, { networkId: net.id, name: s(a, 'name') ?? '', ...(ips.length ? { fixedIps: ips } : {}) });
    return show(a, portDict(c, p), 'port');
  },
  'port-list': (c, a, extra) => {
    const ports = listPorts(c, { filters: specFilters(extra) });
    return table(a, ['id', 'name', 'mac_address', 'fixed_ips'], portRows(ports), ports);
  },
  'port-show': (c, a) => show(a, portDict(c, findPort(c, s(a, 'id') ?? ''))),
  'port-update': (c, a) => {
    const p = findPort(c, s(a, 'id') ?? '');
    const upd: PortUpdate = {};
    if (s(a, 'name') !== undefined) upd.name = s(a, 'name') as string;
    if (s(a, 'description') !== undefined) upd.description = s(a, 'description') as string;
    if (s(a, 'device_id') !== undefined) upd.deviceId = s(a, 'device_id') as string;
    if (s(a, 'device_owner') !== undefined) upd.deviceOwner = s(a, 'device_owner') as string;
    const st = s(a, 'admin_state_up');
    if (st !== undefined) upd.adminStateUp = /^true$/i.test(st);
    if (a['no_security_groups'] === true) upd.securityGroupIds = [];
    else if (list(a, 'security_groups').length) upd.securityGroupIds = list(a, 'security_groups').map((g) => findGroup(c, g).id);
    if (list(a, 'fixed_ip').length) upd.fixedIps = fixedIpRequests(c, a);
    updatePort(c, p, upd);
    return { stdout: `Updated port: ${s(a, 'id') ?? ''}\n` };
  },
  'port-delete': (c, a) => bulkDelete('port', list(a, 'id'), (id) => deletePort(c, findPort(c, id))),
};
