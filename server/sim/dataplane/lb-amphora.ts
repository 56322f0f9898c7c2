/**
 * An amphora as an operator sees it after `ssh ubuntu@<lb_network_ip>` from the network node
 * (lb-mgmt-net, where Octavia's controllers reach the amphora agent): an Ubuntu 22.04 service VM
 * named `amphora-<id>` (its image boots with net.ifnames=0: eth0, eth1), its management NIC eth0
 * in the root namespace (DHCP), and the `amphora-haproxy`
 * namespace the amphora agent made for the data plane (octavia/amphorae/backends/agent/
 * api_server/plug.py, utils/interface_file.py): eth1 on the VIP network with the VRRP port's
 * address, the VIP as a secondary address, a default route via the VIP subnet's gateway; HAProxy
 * runs there with /var/lib/octavia/<lb id>/haproxy.cfg (lb-haproxy.ts).
 */
import type { Cloud } from '../model/cloud.js';
import type { Amphora, LoadBalancer } from '../model/octavia.js';
import { broadcast, formatIp, parseCidr } from '../ipam.js';
import { linkLocal } from './index.js';
import { AMPHORA_BASE, haproxyCfg } from './lb-haproxy.js';
import { portById } from '../index.js';

export const AMPHORA_NETNS = 'amphora-haproxy';

/** An amphora's NIC: name, ifindex (kept when the agent moves eth1 into the namespace), addresses. */
export interface AmphoraNic {
  index: number;
  name: string;
  mac: string;
  mtu: number;
  /** IPv4 `address/prefix`es: the port's fixed IP, then (eth1) the VIP as a /32. */
  addrs: string[];
  /** The broadcast address of a DHCP lease (eth0); null for the agent's static addresses. */
  dhcpBrd: string | null;
  /** The kernel's IPv6 link-local address; null where the agent removed it (see amphoraView). */
  linkLocal: string | null;
}

export interface AmphoraRoute {
  dest: string;
  via?: string;
  dev: string;
  src?: string;
}

export interface AmphoraView {
  amphora: Amphora;
  lb: LoadBalancer | undefined;
  hostName: string;
  root: { nics: AmphoraNic[]; routes: AmphoraRoute[] };
  netns: { nics: AmphoraNic[]; routes: AmphoraRoute[] };
}

/** The amphora whose management address is `ip` (only a live one answers). */
export function amphoraAt(c: Cloud, ip: string): Amphora | undefined {
  return c.octavia?.amphorae.find((a) => a.lbNetworkIp !== '' && a.lbNetworkIp === ip && a.status !== 'DELETED' && a.status !== 'PENDING_DELETE');
}

export function amphoraById(c: Cloud, id: string): Amphora | undefined {
  return c.octavia?.amphorae.find((a) => a.id === id);
}

function prefixOf(c: Cloud, subnetId: string | undefined): number {
  const sub = c.subnets.find((s) => s.id === subnetId);
  return (sub && parseCidr(sub.cidr)?.prefix) ?? 24;
}

function nic(c: Cloud, index: number, name: string, portId: string, vip: string | null): AmphoraNic | undefined {
  const p = portById(c, portId);
  const f = p?.fixedIps[0];
  if (!p || !f) return undefined;
  const net = c.networks.find((n) => n.id === p.networkId);
  const cidr = parseCidr(c.subnets.find((s) => s.id === f.subnetId)?.cidr ?? '');
  return {
    index, name, mac: p.macAddress, mtu: net?.mtu ?? 1500, linkLocal: vip === null ? linkLocal(p.macAddress) : null,
    dhcpBrd: vip === null && cidr ? formatIp(4, broadcast(cidr)) : null,
    addrs: [`${f.ipAddress}/${prefixOf(c, f.subnetId)}`, ...(vip === null ? [] : [`${vip}/32`])],
  };
}

/** The connected route of a NIC's primary address, and a default route via its subnet's gateway. */
function routes(c: Cloud, n: AmphoraNic | undefined, portId: string): AmphoraRoute[] {
  const f = portById(c, portId)?.fixedIps[0];
  const sub = c.subnets.find((s) => s.id === f?.subnetId);
  const cidr = sub && parseCidr(sub.cidr);
  if (!n || !f || !sub || !cidr) return [];
  const out: AmphoraRoute[] = sub.gatewayIp ? [{ dest: 'default', via: sub.gatewayIp, dev: n.name }] : [];
  out.push({ dest: sub.cidr, dev: n.name, src: f.ipAddress });
  return out;
}

/**
 * The amphora's namespaces. In amphora-haproxy the agent's interface files (VIPInterfaceFile)
 * set the VRRP address with its subnet's prefix and the VIP as a /32, and the agent removes every
 * other permanent address it finds (the kernel's ::1 and IPv6 link-local ones among them); lo
 * there carries only 127.0.0.1/8 (plug_lo).
 */
export function amphoraView(c: Cloud, a: Amphora): AmphoraView {
  const lb = c.octavia?.loadBalancers.find((x) => x.id === a.loadbalancerId);
  const mgmtPort = c.ports.find((p) => p.deviceId === a.computeId && p.id !== a.vrrpPortId && p.fixedIps.some((f) => f.ipAddress === a.lbNetworkIp));
  const eth0 = mgmtPort ? nic(c, 2, 'eth0', mgmtPort.id, null) : undefined;
  const eth1 = nic(c, 3, 'eth1', a.vrrpPortId, lb?.vipAddress ?? a.haIp);
  return {
    amphora: a,
    lb,
    hostName: `amphora-${a.id}`,
    root: { nics: eth0 ? [eth0] : [], routes: mgmtPort ? routes(c, eth0, mgmtPort.id) : [] },
    netns: { nics: eth1 ? [eth1] : [], routes: routes(c, eth1, a.vrrpPortId) },
  };
}

/** Files of the amphora an operator reads: the load balancer's haproxy.cfg (null: no such file). */
export function amphoraFile(c: Cloud, a: Amphora, path: string): string | null {
  const lb = c.octavia?.loadBalancers.find((x) => x.id === a.loadbalancerId);
  if (!lb || path !== `${AMPHORA_BASE}/${lb.id}/haproxy.cfg`) return null;
  return haproxyCfg(c, lb);
}

/** Directories of the amphora (so that `cat DIR` says it is one). */
export function amphoraDirectories(c: Cloud, a: Amphora): string[] {
  const lb = c.octavia?.loadBalancers.find((x) => x.id === a.loadbalancerId);
  return [AMPHORA_BASE, ...(lb && haproxyCfg(c, lb) !== null ? [`${AMPHORA_BASE}/${lb.id}`] : [])];
}
