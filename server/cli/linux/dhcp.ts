/**
 * `udhcpc` in a CirrOS guest: BusyBox's DHCP client, what brings up a NIC the guest's init left
 * down (a second NIC, or one `server add port` hot-plugged): `sudo udhcpc -i eth1`. It asks for
 * a lease as at boot, prints BusyBox's lines, and leaves the NIC up until the guest next boots.
 */
import type { Server } from '../../sim/model/compute.js';
import { guestView } from '../../sim/dataplane/guest.js';
import { guestBringsUp } from '../../sim/ops/server.js';
import { err, type HostCtx, type HostResult } from './host.js';

const STARTED = 'udhcpc: started, v1.29.3\n';

export function runUdhcpc(ctx: HostCtx, vm: Server, argv: string[]): HostResult {
  let iface = 'eth0';
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-i' || a === '--interface') {
      const v = argv[i + 1];
      if (v === undefined) return err(`udhcpc: option requires an argument -- 'i'\n`, 1);
      iface = v;
      i++;
    } else if (a.startsWith('-i') && a.length > 2) iface = a.slice(2);
    else if (a.startsWith('--interface=')) iface = a.slice('--interface='.length);
  }
  const g = guestView(ctx.cloud, vm);
  const index = iface === g.nic ? 0 : g.extra.findIndex((n) => n.name === iface) + 1;
  if (index <= 0 && iface !== g.nic) return err('udhcpc: ioctl 0x8933 failed: No such device\n', 1);
  if (ctx.root !== true) return { stdout: STARTED, stderr: 'udhcpc: socket(AF_PACKET,2,8): Operation not permitted\n', exitCode: 1 };
  const cloud = guestBringsUp(ctx.cloud, vm.id, index);
  const after = guestView(cloud, cloud.servers.find((s) => s.id === vm.id) as Server);
  const lease = index === 0 ? after.v4 : after.extra[index - 1]?.v4;
  if (!lease) return { stdout: `${STARTED}udhcpc: sending discover\nudhcpc: sending discover\nudhcpc: sending discover\nudhcpc: no lease, forking to background\n`, stderr: '', exitCode: 0, cloud };
  return { stdout: `${STARTED}udhcpc: sending discover\nudhcpc: sending select for ${lease.address}\nudhcpc: lease of ${lease.address} obtained, lease time 86400\n`, stderr: '', exitCode: 0, cloud };
}
