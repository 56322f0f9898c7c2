/** The guest's view of its network (NIC, addresses, gateway, nameservers, metadata) as data, and the boot log. */
import type { Cloud } from '../model/cloud.js';
import type { Server } from '../model/compute.js';
import { broadcast, formatIp, parseCidr } from '../ipam.js';
import { vmHasAddress } from '../reach.js';
import { DEVICE_OWNER } from '../model/port.js';

export interface GuestView {
  family: 'cirros' | 'debian' | 'ubuntu';
  nic: string;
  mac: string;
  mtu: number;
  v4: { address: string; prefix: number; brd: string; cidr: string; gateway: string | null } | null;
  v6: Array<{ address: string; prefix: number }>;
  nameservers: string[];
  metadata: boolean;
}

export function guestView(cloud: Cloud, server: Server): GuestView {
  const img = cloud.images.find((i) => i.id === server.imageId);
  const family = img?.osFamily ?? 'cirros';
  const port = cloud.ports.find((p) => p.id === server.nics[0]?.portId);
  const net = cloud.networks.find((n) => n.id === port?.networkId);
  const got = vmHasAddress(cloud, server.id);
  let v4: GuestView['v4'] = null;
  const v6: GuestView['v6'] = [];
  let nameservers: string[] = [];
  let metadata = false;
  for (const f of port?.fixedIps ?? []) {
    const sub = cloud.subnets.find((s) => s.id === f.subnetId);
    const c = sub ? parseCidr(sub.cidr) : null;
    if (!sub || !c) continue;
    if (sub.ipVersion === 4 && got && !v4) {
      v4 = { address: f.ipAddress, prefix: c.prefix, brd: formatIp(4, broadcast(c)), cidr: `${formatIp(4, c.network)}/${c.prefix}`, gateway: sub.gatewayIp };
      const dhcp = cloud.ports.find((p) => p.networkId === sub.networkId && p.deviceOwner === DEVICE_OWNER.dhcp);
      nameservers = sub.dnsNameservers.length > 0 ? sub.dnsNameservers : (dhcp?.fixedIps.filter((x) => x.subnetId === sub.id).map((x) => x.ipAddress) ?? []);
      const routed = cloud.ports.some((p) => p.deviceOwner === DEVICE_OWNER.routerInterface && p.fixedIps.some((x) => x.subnetId === sub.id));
      // Routed subnets get metadata via the router; isolated ones only where the DHCP agent
      // serves it (enable_isolated_metadata, on in public clouds, off on the blog's node).
      metadata = routed || (sub.enableDhcp && !cloud.config.flatNetworks.includes('default'));
    }
    if (sub.ipVersion === 6 && (sub.ipv6AddressMode !== null || server.configDrive)) v6.push({ address: f.ipAddress, prefix: c.prefix });
  }
  return { family, nic: family === 'cirros' ? 'eth0' : 'ens3', mac: port?.macAddress ?? 'fa:16:3e:00:00:00', mtu: net?.mtu ?? 1500, v4, v6, nameservers, metadata };
}

/** `openstack console log show` text: cloud-init reaching metadata, or CirrOS giving up on it. */
export function consoleLog(cloud: Cloud, server: Server): string {
  const g = guestView(cloud, server);
  const name = server.name;
  let s = '';
  if (g.v4) s += `Starting network: udhcpc: started, v1.29.3\nudhcpc: sending discover\nudhcpc: sending select for ${g.v4.address}\nudhcpc: lease of ${g.v4.address} obtained, lease time 86400\nOK\n`;
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
