/**
 * `neutron purge TENANT`: the client lists floating IPs, ports, routers, networks and security
 * groups, keeps the project's, and deletes them in that order (a router interface port by
 * removing it from its router), counting what failed; it prints its progress after each one
 * (`\r` each time) and then the counts.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import { SimError } from '../../sim/errors.js';
import { DEVICE_OWNER } from '../../sim/model/port.js';
import { sortedById } from '../../sim/api/neutron/common.js';
import { visibleFloatingIps, visibleGroups, visibleNetworks, visiblePorts, visibleRouters } from '../../sim/visibility.js';
import { deleteFloatingIpById } from '../../sim/api/neutron/requests/floatingip.js';
import { portWrites } from '../../sim/api/neutron/requests/port.js';
import { deleteRouterById, removeInterface } from '../../sim/api/neutron/requests/router.js';
import { networkWrites } from '../../sim/api/neutron/requests/networks.js';
import { deleteSecurityGroupById } from '../../sim/api/neutron/requests/security-group.js';
import { CliError } from '../errors.js';
import { s, type Handler } from './common.js';

type Purgeable = { type: string; deletes: Array<() => void> };

const INTERFACE_OWNERS: readonly string[] = [DEVICE_OWNER.routerInterface, DEVICE_OWNER.routerInterfaceDistributed];

/** What the client's lists return for the project, by type, in its order; each with its delete request. */
function purgeable(c: Cloud, tenant: string): Purgeable[] {
  const mine = <T extends { id: string; projectId: string }>(items: readonly T[]) => sortedById(items).filter((x) => x.projectId === tenant);
  const router = (id: string) => c.routers.find((r) => r.id === id);
  return [
    { type: 'floatingip', deletes: mine(visibleFloatingIps(c)).map((f) => () => deleteFloatingIpById(c, f.id)) },
    {
      type: 'port',
      deletes: mine(visiblePorts(c)).map((p) => () => {
        const r = INTERFACE_OWNERS.includes(p.deviceOwner) ? router(p.deviceId) : undefined;
        if (r) removeInterface(c, r.id, { port_id: p.id });
        else portWrites.remove?.(c, p.id, `/v2.0/ports/${p.id}`);
      }),
    },
    { type: 'router', deletes: mine(visibleRouters(c)).map((r) => () => deleteRouterById(c, r.id)) },
    { type: 'network', deletes: mine(visibleNetworks(c)).map((n) => () => networkWrites.remove?.(c, n.id, `/v2.0/networks/${n.id}`)) },
    { type: 'security_group', deletes: mine(visibleGroups(c)).map((g) => () => deleteSecurityGroupById(c, g.id)) },
  ];
}

/** " 2 networks", " 1 security_group": the client's plural is an s. */
const counted = (counts: ReadonlyArray<[string, number]>): string =>
  counts.filter(([, n]) => n > 0).map(([t, n]) => ` ${n} ${n === 1 ? t : `${t}s`}`).join(',');

function message(deleted: ReadonlyArray<[string, number]>, failed: ReadonlyArray<[string, number]>): string {
  let msg = deleted.some(([, n]) => n > 0) ? `Deleted${counted(deleted)}` : '';
  if (failed.some(([, n]) => n > 0)) msg += `${msg ? '. ' : ''}The following resources could not be deleted:${counted(failed)}`;
  return msg ? `${msg}.` : 'Tenant has no supported resources.';
}

export const purgeCommands: Record<string, Handler> = {
  purge: (c, a) => {
    const groups = purgeable(c, s(a, 'tenant') ?? '');
    let total = groups.reduce((n, g) => n + g.deletes.length, 0);
    let done = 0;
    let progress = '';
    const deleted: Array<[string, number]> = [];
    const failed: Array<[string, number]> = [];
    for (const g of groups) {
      let ok = 0;
      let bad = 0;
      for (const del of g.deletes) {
        try {
          del();
          ok += 1;
          done += 1;
        } catch (e) {
          if (!(e instanceof SimError || e instanceof CliError)) throw e;
          bad += 1;
          total -= 1;
        }
        // Python's %d of the float percentage: its integer part.
        progress += `\rPurging resources: ${Math.trunc(total > 0 ? (done / total) * 100 : 100)}% complete.`;
      }
      deleted.push([g.type, ok]);
      failed.push([g.type, bad]);
    }
    return { stdout: `${progress}\n${message(deleted, failed)}\n` };
  },
};
