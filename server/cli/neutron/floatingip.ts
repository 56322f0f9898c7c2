/** `neutron floatingip-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { floatingIpDict, getFloatingIp, listFloatingIps } from '../../sim/api/neutron/index.js';
import { deleteFloatingIpById, postFloatingIp, putFloatingIp } from '../../sim/api/neutron/requests/floatingip.js';
import { bulkDelete, given, list, s, show, table, type Handler, listQuery } from './common.js';
import { findNetwork } from './net.js';

/** Floating IPs have no name: neutronclient GETs the reference as an id, so a miss (an address too) is the server's 404. */
const findFip = (c: Cloud, ref: string) => getFloatingIp(c, ref);

export const floatingIpCommands: Record<string, Handler> = {
  'floatingip-create': (c, a, extra) => {
    const net = findNetwork(c, s(a, 'floating_network_id') ?? '');
    const own = given({
      floating_network_id: net.id,
      tenant_id: s(a, 'tenant_id'),
      description: s(a, 'description'),
      port_id: s(a, 'port_id'),
      fixed_ip_address: s(a, 'fixed_ip_address'),
      floating_ip_address: s(a, 'floating_ip_address'),
    });
    const f = postFloatingIp(c, { ...own, ...extra });
    return show(a, floatingIpDict(c, f), 'floatingip');
  },
  'floatingip-list': (c, a, extra) => {
    const fips = listFloatingIps(c, listQuery(a, extra));
    return table(a, ['id', 'fixed_ip_address', 'floating_ip_address', 'port_id'], fips.map((f) => [f['id'] ?? null, f['fixed_ip_address'] ?? null, f['floating_ip_address'] ?? null, f['port_id'] ?? null]), fips);
  },
  'floatingip-show': (c, a) => show(a, floatingIpDict(c, findFip(c, s(a, 'id') ?? ''))),
  // associate/disassociate send the id straight to the server: a miss is Neutron's 404.
  'floatingip-associate': (c, a) => {
    const fixed = s(a, 'fixed_ip_address');
    const f = putFloatingIp(c, s(a, 'floatingip_id') ?? '', given({ port_id: s(a, 'port_id') ?? '', fixed_ip_address: fixed }));
    return { stdout: `Associated floating IP ${f.id}\n` };
  },
  'floatingip-disassociate': (c, a) => {
    const f = putFloatingIp(c, s(a, 'floatingip_id') ?? '', { port_id: null });
    return { stdout: `Disassociated floating IP ${f.id}\n` };
  },
  'floatingip-delete': (c, a) => bulkDelete('floatingip', list(a, 'id'), (id) => deleteFloatingIpById(c, findFip(c, id).id)),
};
