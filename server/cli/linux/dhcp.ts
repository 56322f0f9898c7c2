/**
 * The guests' DHCP clients, what brings up a NIC the guest's init left down (CirrOS's second NIC,
 * or one `server add port` hot-plugged): BusyBox's `udhcpc -i eth1` on CirrOS, ISC's `dhclient
 * ens4` (4.4.1) on the Debian and Ubuntu images. Each asks for a lease as at boot, prints what
 * the client prints, and leaves the NIC up until the guest next boots.
 */
import type { Server } from '../../sim/model/compute.js';
import { guestView } from '../../sim/dataplane/guest.js';
import { guestBringsUp } from '../../sim/ops/server.js';
import { hashSeed } from '../../sim/rng.js';
import { DEVICE_OWNER } from '../../sim/model/port.js';
import { err, type HostCtx, type HostResult } from './host.js';
import { portById } from '../../sim/index.js';

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
  // BusyBox reads the interface through a socket first: a user fails there, root on a name the
  // kernel lacks (both checked with Debian's busybox 1.35 on this machine).
  if (ctx.root !== true) return err('udhcpc: socket: Operation not permitted\n', 1);
  if (index <= 0 && iface !== g.nic) return err('udhcpc: SIOCGIFINDEX: No such device\n', 1);
  const cloud = guestBringsUp(ctx.cloud, vm.id, index);
  const after = guestView(cloud, cloud.servers.find((s) => s.id === vm.id) as Server);
  const lease = index === 0 ? after.v4 : after.extra[index - 1]?.v4;
  if (!lease) return { stdout: `${STARTED}udhcpc: sending discover\nudhcpc: sending discover\nudhcpc: sending discover\nudhcpc: no lease, forking to background\n`, stderr: '', exitCode: 0, cloud };
  return { stdout: `${STARTED}udhcpc: sending discover\nudhcpc: sending select for ${lease.address}\nudhcpc: lease of ${lease.address} obtained, lease time 86400\n`, stderr: '', exitCode: 0, cloud };
}

const ISC_BANNER = 'Internet Systems Consortium DHCP Client 4.4.1\nCopyright 2004-2018 Internet Systems Consortium.\nAll rights reserved.\nFor info, please visit https://www.isc.org/software/dhcp/\n\n';
const ISC_FATAL = '\nIf you think you have received this message due to a bug rather\nthan a configuration issue please read the section on submitting\nbugs on either our web page at www.isc.org or in the README file\nbefore submitting a bug.  These pages explain the proper\nprocess and the information we find helpful for debugging.\n\nexiting.\n';

/**
 * `dhclient [-v] [-4] IFACE…` on a Debian or Ubuntu guest. Without -v it says nothing unless a
 * step fails (as a non-root user: its dhclient-script's `ip link set … up` refused by the
 * kernel); with -v, ISC's banner and the exchange (DISCOVER, OFFER, REQUEST, ACK, bound).
 * Checked against isc-dhcp-client 4.4.3 on this machine: as a user, and as root in a network
 * namespace against BusyBox's udhcpd (the exchange's lines).
 */
export function runDhclient(ctx: HostCtx, vm: Server, argv: string[]): HostResult {
  const verbose = argv.slice(1).some((a) => /^-[a-zA-Z0-9]*v/.test(a) && !a.startsWith('--'));
  const names = argv.slice(1).filter((a) => !a.startsWith('-'));
  const g = guestView(ctx.cloud, vm);
  const all = [g.nic, ...g.extra.map((n) => n.name)];
  const wanted = [...new Set(names.length > 0 ? names : all)];
  const missing = wanted.find((n) => !all.includes(n));
  const head = verbose ? ISC_BANNER : '';
  if (ctx.root !== true) {
    const why = missing !== undefined ? `Cannot find device "${missing}"\n` : 'RTNETLINK answers: Operation not permitted\n';
    return err(verbose ? `${head}can't create /var/lib/dhcp/dhclient.leases: Permission denied\n${why}Open a socket for LPF: Operation not permitted\n${ISC_FATAL}` : why, 1);
  }
  if (missing !== undefined) return err(`${head}Cannot find device "${missing}"\n`, 1);
  let cloud = ctx.cloud;
  let log = head;
  for (const name of wanted) {
    const index = all.indexOf(name);
    cloud = guestBringsUp(cloud, vm.id, index);
    const after = guestView(cloud, cloud.servers.find((s) => s.id === vm.id) as Server);
    const lease = index === 0 ? after.v4 : after.extra[index - 1]?.v4;
    const mac = index === 0 ? after.mac : after.extra[index - 1]?.mac ?? '';
    if (!verbose) continue;
    // Ubuntu's dhclient names the transaction (its patch); Debian's does not (checked: 4.4.3 on this machine).
    const xid = g.family === 'ubuntu' ? ` (xid=0x${(hashSeed(`${vm.id} ${name} ${cloud.tick}`) >>> 0).toString(16).padStart(8, '0')})` : '';
    log += `Listening on LPF/${name}/${mac}\nSending on   LPF/${name}/${mac}\nSending on   Socket/fallback\n`;
    if (!lease) {
      // No DHCP server on the subnet: it tries for a minute, then sleeps in the background.
      for (const interval of [3, 3, 5, 7, 10, 13, 17]) log += `DHCPDISCOVER on ${name} to 255.255.255.255 port 67 interval ${interval}${xid}\n`;
      log += 'No DHCPOFFERS received.\nNo working leases in persistent database - sleeping.\n';
      continue;
    }
    log += `DHCPDISCOVER on ${name} to 255.255.255.255 port 67 interval 3${xid}\n`;
    const server = dhcpServer(cloud, vm, index) ?? lease.gateway ?? '';
    const renewal = 36000 + (hashSeed(`${vm.id} ${name} ${cloud.tick} renew`) % 7200);
    log += `DHCPOFFER of ${lease.address} from ${server}\nDHCPREQUEST for ${lease.address} on ${name} to 255.255.255.255 port 67${xid}\n`;
    log += `DHCPACK of ${lease.address} from ${server}${xid}\nbound to ${lease.address} -- renewal in ${renewal} seconds.\n`;
  }
  return { stdout: '', stderr: log, exitCode: 0, cloud };
}

/** The address of the DHCP port that answers on the subnet of the guest's NIC number `index`. */
function dhcpServer(cloud: HostCtx['cloud'], vm: Server, index: number): string | undefined {
  const port = portById(cloud, vm.nics[index]?.portId);
  const f = port?.fixedIps.find((x) => !x.ipAddress.includes(':'));
  const dhcp = f ? cloud.ports.find((p) => p.networkId === port?.networkId && p.deviceOwner === DEVICE_OWNER.dhcp) : undefined;
  return dhcp?.fixedIps.find((x) => x.subnetId === f?.subnetId)?.ipAddress;
}
