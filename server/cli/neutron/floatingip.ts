/** `neutron floatingip-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { createFloatingIp, deleteFloatingIp } from '../../sim/ops/floating-ip.js';
import { associateFloatingIp, disassociateFloatingIp, floatingIpDict, listFloatingIps } from '../../sim/api/neutron/index.js';
import { CliError } from '../errors.js';
import { bulkDelete, list, s, show, table, type Handler, specFilters } from './common.js';
import { findNetwork } from './net.js';

/** Floating IPs have no name: neutronclient finds them by id only. */
function findFip(c: Cloud, ref: string) {
  const f = c.floatingIps.find((x) => x.id === ref);
  if (!f) throw new CliError(`Unable to find floatingip with name or id '${ref}'`);
  return f;
}

export const floatingIpCommands: Record<string, Handler> = {
  'floatingip-create': (c, a) => {
    const net = findNetwork(c, s(a, 'floating_network_id') ?? '');
    const f = createFloatingIp(c, {
      networkId: net.id,
      ...(s(a, 'port_id') !== undefined ? { portId: s(a, 'port_id') as string } : {}),
      ...(s(a, 'fixed_ip_address') !== undefined ? { fixedIpAddress: s(a, 'fixed_ip_address') as string } : {}),
      ...(s(a, 'floating_ip_address') !== undefined ? { floatingIpAddress: s(a, 'floating_ip_address') as string } : {}),
    });
    return show(a, floatingIpDict(c, f), 'floatingip');
  },
  'floatingip-list': (c, a, extra) => {
    const fips = listFloatingIps(c, { filters: specFilters(extra) });
    return table(a, ['id', 'fixed_ip_address', 'floating_ip_address', 'port_id'], fips.map((f) => [f['id'] ?? null, f['fixed_ip_address'] ?? null, f['floating_ip_address'] ?? null, f['port_id'] ?? null]), fips);
  },
  'floatingip-show': (c, a) => show(a, floatingIpDict(c, findFip(c, s(a, 'id') ?? ''))),
  // associate/disassociate send the id straight to the server: a miss is Neutron's 404.
  'floatingip-associate': (c, a) => {
    const fixed = s(a, 'fixed_ip_address');
    const f = associateFloatingIp(c, s(a, 'floatingip_id') ?? '', { portId: s(a, 'port_id') ?? '', ...(fixed !== undefined ? { fixedIpAddress: fixed } : {}) });
    return { stdout: `Associated floating IP ${f.id}\n` };
  },
  'floatingip-disassociate': (c, a) => {
    const f = disassociateFloatingIp(c, s(a, 'floatingip_id') ?? '');
    return { stdout: `Disassociated floating IP ${f.id}\n` };
  },
  'floatingip-delete': (c, a) => bulkDelete('floatingip', list(a, 'id'), (id) => deleteFloatingIp(c, findFip(c, id))),
};
