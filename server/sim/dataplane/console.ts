/** The serial console's text (`openstack console log show`): CirrOS's init, or a cloud image's cloud-init. */
import type { Cloud } from '../model/cloud.js';
import type { Server } from '../model/compute.js';
import { guestView, type GuestView } from './guest.js';
import { cloudImageConsole } from './cloud-init.js';

/** `openstack console log show` text: CirrOS's init reaching metadata or giving up on it; a cloud image's cloud-init (cloud-init.ts). */
export function consoleLog(cloud: Cloud, server: Server): string {
  const g = guestView(cloud, server);
  if (g.family !== 'cirros') return cloudImageConsole(cloud, server, g);
  const name = server.name;
  let s = '';
  if (g.v4) s += `Starting network: udhcpc: started, v1.29.3\nudhcpc: sending discover\nudhcpc: sending select for ${g.v4.address}\nudhcpc: lease of ${g.v4.address} obtained, lease time 86400\n${staticRouteErrors(g)}OK\n`;
  else s += 'Starting network: udhcpc: started, v1.29.3\nudhcpc: sending discover\nudhcpc: sending discover\nudhcpc: sending discover\nudhcpc: no lease, failing\nFAIL\n';
  if (server.configDrive) {
    s += `found datasource (configdrive, local)\n`;
  } else if (g.metadata) {
    s += `checking http://169.254.169.254/2009-04-04/instance-id\nsuccessful after 1/20 tries: up 2.43. iid=i-${server.id.slice(0, 8)}\nfound datasource (ec2, net)\n`;
  } else {
    s += 'checking http://169.254.169.254/2009-04-04/instance-id\n';
    for (let i = 1; i <= 20; i++) s += `failed ${i}/20: up ${(2.13 + (i - 1) * 3.03).toFixed(2)}. request failed\n`;
    s += 'failed to read iid from metadata. tried 20\nno results found for mode=net. up 62.85. searched: nocloud configdrive ec2\n';
  }
  s += `\n=== cirros: current=0.5.2 uptime=64.11 ===\n  ____               ____  ____\n / __/ __ ____ ____ / __ \\/ __/\n/ /__ / // __// __// /_/ /\\ \\ \n\\___//_//_/  /_/   \\____/___/ \n   http://cirros-cloud.net\n\n\nlogin as 'cirros' user. default password: 'gocubsgo'. use 'sudo' for root.\n${name} login: \n`;
  return s;
}

/**
 * What cirros-dhcpc prints applying option 121 (Neutron sends it when the lease has routes: the
 * metadata route, on-link or host routes, and then the default route too), in its order: a host
 * route through an address off the subnet fails, and so does `route add -net 0.0.0.0/0`, as the
 * router option has already added the default route (BusyBox's words, then the script's).
 */
function staticRouteErrors(g: GuestView): string {
  const gateway = g.v4?.gateway;
  const has121 = g.v4?.metadataVia != null || g.leaseRoutes.some((r) => r.dev === g.nic) || g.refusedRoutes.length > 0;
  // A host route through an address off the subnet: the kernel has no way to that gateway.
  let out = g.refusedRoutes.map((r) => `route: SIOCADDRT: Network is unreachable\nWARN: failed: route add -net "${r.dest}" gw "${r.via}"\n`).join('');
  if (gateway && has121) out += `route: SIOCADDRT: File exists\nWARN: failed: route add -net "0.0.0.0/0" gw "${gateway}"\n`;
  return out;
}
