/**
 * What the amphora provider does in Neutron and Nova for a load balancer (a real cloud, not the
 * oracle's no-op drivers): the VIP port `octavia-lb-<lb id>` (device owner `Octavia`, the load
 * balancer's project), the VIP security group `lb-<lb id>` (service project, one ingress rule per
 * listener port), and one amphora per load balancer: a service VM on `lb-mgmt-net` whose VRRP
 * port `octavia-lb-vrrp-<amphora id>` sits on the VIP network with the VIP as allowed address pair.
 */
import type { Cloud } from '../../model/cloud.js';
import type { Amphora, Listener, LoadBalancer } from '../../model/octavia.js';
import type { Port } from '../../model/port.js';
import type { SecurityGroup, SecurityGroupRule } from '../../model/security-group.js';
import { newId, newStd, touch } from '../context.js';
import type { Network } from '../../model/network.js';
import { createNetwork } from '../network.js';
import { createPort, removePort } from '../port.js';
import { checkQuota } from '../quota.js';
import { createSubnet } from '../subnet.js';
import { lbTime } from './common.js';
import { portById } from '../../index.js';

/** Octavia's service project (where amphorae, their ports and the VIP groups live). */
export function serviceProjectId(c: Cloud): string {
  return (c.projects.find((p) => p.name === 'service') ?? c.projects[0])?.id ?? c.auth.projectId;
}

export const vipPortName = (lbId: string): string => `octavia-lb-${lbId}`;
export const vrrpPortName = (amphoraId: string): string => `octavia-lb-vrrp-${amphoraId}`;
export const vipGroupName = (lbId: string): string => `lb-${lbId}`;

/** The VIP port, made by Octavia on the load balancer's behalf in its project. */
export function allocateVip(c: Cloud, lbId: string, projectId: string, networkId: string, subnetId: string | null, address: string | undefined): Port {
  const fixed = subnetId === null ? undefined : [{ subnetId, ...(address !== undefined ? { ipAddress: address } : {}) }];
  // Octavia's service user makes it in the load balancer's project: it counts against that project's port quota.
  checkQuota(c, 'port', projectId, c.ports.filter((p) => p.projectId === projectId).length, '/v2.0/ports');
  return createPort(c, {
    networkId,
    name: vipPortName(lbId),
    projectId,
    deviceOwner: 'Octavia',
    deviceId: `lb-${lbId}`,
    // The VIP port only holds the address (the amphora's VRRP port carries it): created down.
    adminStateUp: false,
    securityGroupIds: [],
    strategy: 'random',
    ...(fixed ? { fixedIps: fixed } : {}),
  });
}

/**
 * The VIP's security group (service project), on the VIP port; Octavia's service user makes it
 * (operators give the service project unlimited Neutron quotas, so no tenant quota applies).
 * Like any new group it allows all egress. Returns its id.
 */
export function createVipGroup(c: Cloud, lb: LoadBalancer, vip: Port): string {
  const sg: SecurityGroup = Object.assign(newStd(c, vipGroupName(lb.id), serviceProjectId(c), '', 0), { stateful: true });
  c.securityGroups.push(sg);
  for (const ethertype of ['IPv4', 'IPv6'] as const) {
    addRule(c, sg, { direction: 'egress', ethertype, protocol: null, portRangeMin: null, portRangeMax: null, remoteIpPrefix: null, remoteGroupId: null });
  }
  touch(c, sg);
  vip.securityGroupIds = [sg.id];
  return sg.id;
}

type RuleFields = Pick<SecurityGroupRule, 'direction' | 'ethertype' | 'protocol' | 'portRangeMin' | 'portRangeMax' | 'remoteIpPrefix' | 'remoteGroupId'>;

function addRule(c: Cloud, g: SecurityGroup, r: RuleFields): void {
  const rule: SecurityGroupRule = Object.assign(newStd(c, '', g.projectId, '', 0), { securityGroupId: g.id }, r);
  c.securityGroupRules.push(rule);
}

/**
 * One amphora (STANDALONE) with its VRRP port (in the VIP group) and its management port. Without
 * a group id, the VIP group is made first (a new load balancer); failover passes the existing one.
 */
export function plugAmphora(c: Cloud, lb: LoadBalancer, vip: Port, existingGroupId?: string): Amphora {
  const groupId = existingGroupId ?? createVipGroup(c, lb, vip);
  const service = serviceProjectId(c);
  const amphoraId = newId(c);
  const computeId = newId(c);
  const vrrp = createPort(c, {
    networkId: vip.networkId,
    name: vrrpPortName(amphoraId),
    projectId: service,
    deviceOwner: 'compute:nova',
    deviceId: computeId,
    securityGroupIds: [groupId],
    fixedIps: [{ subnetId: lb.vipSubnetId }],
    allowedAddressPairs: [{ ipAddress: lb.vipAddress }],
    status: 'ACTIVE',
    bindingHostId: c.config.computeHosts[0] ?? c.config.networkHost,
  });
  const mgmtNet = managementNetwork(c);
  const mgmt = createPort(c, { networkId: mgmtNet.id, name: '', projectId: service, deviceOwner: 'compute:nova', deviceId: computeId, status: 'ACTIVE', securityGroupIds: [] });
  return amphoraRecord(c, {
    id: amphoraId,
    loadbalancerId: lb.id,
    computeId,
    lbNetworkIp: mgmt.fixedIps[0]?.ipAddress ?? '',
    vrrpIp: vrrp.fixedIps[0]?.ipAddress ?? '',
    haIp: lb.vipAddress,
    vrrpPortId: vrrp.id,
    haPortId: vip.id,
    createdAt: lbTime(c),
    updatedAt: lbTime(c),
  });
}


/**
 * Octavia's management network, where amphorae take their `lb_network_ip` and the controllers
 * (the network node here) reach their agents: what the operator makes when installing Octavia,
 * with devstack's defaults (`lb-mgmt-net`, `lb-mgmt-subnet` 192.168.0.0/24, pool .2-.200), in the
 * service project. A fixture without one gets it with its first amphora, made on the operator's
 * behalf, so the fixtures of clouds without load balancers keep their ids and namespaces.
 */
function managementNetwork(c: Cloud): Network {
  const found = c.networks.find((n) => n.name === 'lb-mgmt-net');
  if (found) return found;
  const auth = c.auth;
  const projectId = serviceProjectId(c);
  c.auth = { ...auth, projectId, admin: true };
  try {
    const net = createNetwork(c, { name: 'lb-mgmt-net', projectId, withoutDefaultGroup: true });
    createSubnet(c, { name: 'lb-mgmt-subnet', networkId: net.id, ipVersion: 4, cidr: '192.168.0.0/24', allocationPools: [{ start: '192.168.0.2', end: '192.168.0.200' }], projectId });
    return net;
  } finally {
    c.auth = auth;
  }
}

/** Amphora certificates are valid for 30 days (Octavia's cert_validity_time default: 2592000 s). */
/** What differs between amphorae; the rest is a SINGLE topology's standalone amphora with a fresh certificate. */
type AmphoraPlacement = Pick<Amphora, 'id' | 'loadbalancerId' | 'computeId' | 'lbNetworkIp' | 'vrrpIp' | 'haIp' | 'vrrpPortId' | 'haPortId' | 'createdAt' | 'updatedAt'>;

export function amphoraRecord(c: Cloud, p: AmphoraPlacement): Amphora {
  return {
    ...p,
    certExpiration: certExpiry(c),
    certBusy: false,
    role: 'STANDALONE',
    status: 'ALLOCATED',
    vrrpInterface: null,
    vrrpId: 1,
    vrrpPriority: null,
    cachedZone: null,
    imageId: null,
    computeFlavor: null,
  };
}

function certExpiry(c: Cloud): string {
  return new Date((c.clock + 30 * 86400) * 1000).toISOString().slice(0, 19);
}

/** Removes an amphora's ports (VRRP and management: all ports of its compute instance). */
export function unplugAmphora(c: Cloud, a: Amphora): void {
  for (const p of c.ports.filter((x) => x.deviceId === a.computeId || x.id === a.vrrpPortId)) removePort(c, p);
}

/** Removes the VIP port and the VIP security group (with its rules). */
export function deallocateVip(c: Cloud, lb: LoadBalancer): void {
  const vip = portById(c, lb.vipPortId);
  if (vip) removePort(c, vip);
  const sg = c.securityGroups.find((g) => g.name === vipGroupName(lb.id) && g.projectId === serviceProjectId(c));
  if (!sg) return;
  c.securityGroupRules = c.securityGroupRules.filter((r) => r.securityGroupId !== sg.id);
  c.securityGroups = c.securityGroups.filter((g) => g.id !== sg.id);
}

function ruleProtocol(l: Listener): string {
  return l.protocol === 'UDP' ? 'udp' : l.protocol === 'SCTP' ? 'sctp' : 'tcp';
}

/**
 * Octavia's _update_security_group_rules: one ingress rule per listener port and allowed CIDR
 * (none: no remote prefix, any address), in the VIP's address family.
 */
export function openListenerPort(c: Cloud, lb: LoadBalancer, l: Listener): void {
  const sg = c.securityGroups.find((g) => g.name === vipGroupName(lb.id));
  if (!sg) return;
  const ethertype = lb.vipAddress.includes(':') ? 'IPv6' : 'IPv4';
  const wanted: Array<[number, string, string | null]> = (l.allowedCidrs ?? [null]).map((cidr) => [l.protocolPort, ruleProtocol(l), cidr]);
  // The HAProxy peers' port, over TCP from anywhere (Octavia opens it for every listener).
  if (l.peerPort !== undefined) wanted.push([l.peerPort, 'tcp', null]);
  for (const [port, protocol, cidr] of wanted) {
    const exists = c.securityGroupRules.some((r) => r.securityGroupId === sg.id && r.protocol === protocol && r.portRangeMin === port && r.remoteIpPrefix === cidr);
    if (exists) continue;
    addRule(c, sg, { direction: 'ingress', ethertype, protocol, portRangeMin: port, portRangeMax: port, remoteIpPrefix: cidr, remoteGroupId: null });
  }
  touch(c, sg);
}

/** Removes the rules of a listener's port unless another listener still uses that port and protocol. */
export function closeListenerPort(c: Cloud, lb: LoadBalancer, l: Listener, remaining: readonly Listener[]): void {
  const sg = c.securityGroups.find((g) => g.name === vipGroupName(lb.id));
  if (!sg) return;
  const proto = ruleProtocol(l);
  const shared = remaining.some((o) => o.id !== l.id && o.protocolPort === l.protocolPort && ruleProtocol(o) === proto);
  const gone = (r: { securityGroupId: string; protocol: string | null; portRangeMin: number | null }): boolean =>
    r.securityGroupId === sg.id && ((!shared && r.protocol === proto && r.portRangeMin === l.protocolPort) || (r.protocol === 'tcp' && l.peerPort !== undefined && r.portRangeMin === l.peerPort));
  c.securityGroupRules = c.securityGroupRules.filter((r) => !gone(r));
  touch(c, sg);
}
