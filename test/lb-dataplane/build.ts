/**
 * Hand-built load balancers for the data-plane tests: the Neutron side through real commands
 * (two web VMs behind a router), the Octavia objects through the control plane's Neutron side
 * effects (VIP port, VIP group, amphora) and plain model objects for the rest.
 */
import { createSession, type SessionState } from '../../server/shell/session.js';
import { runSetup } from '../../server/shell/script.js';
import type { Cloud } from '../../server/sim/model/cloud.js';
import { emptyOctavia, type HealthMonitor, type L7Policy, type L7Rule, type Listener, type LoadBalancer, type Member, type OctaviaBase, type Pool, type SessionPersistence } from '../../server/sim/model/octavia.js';
import { transact } from '../../server/sim/clone.js';
import { allocateVip, openListenerPort, plugAmphora } from '../../server/sim/ops/octavia/neutron.js';

export const WEB = '#!/bin/sh\nwhile true; do echo -e "HTTP/1.0 200 OK\\r\\n\\r\\nWelcome to $(hostname)" | sudo nc -l -p 80; done &\n';

export const run = runSetup;

const VM = 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --key-name mykeypair --network priv --security-group web';

/** Two web VMs (web1, web2; port 80 open to anyone) on priv-v4 behind router r1, ACTIVE, serving HTTP. */
export function webCloud(): SessionState {
  const s = run(createSession({ fixture: 'public-cloud' }), [
    'openstack network create priv',
    'openstack subnet create --network priv --subnet-range 10.1.0.0/24 priv-v4',
    'openstack router create r1',
    'openstack router add subnet r1 priv-v4',
    'openstack router set --external-gateway ext-floating1 r1',
    'openstack security group create web',
    'openstack security group rule create --proto tcp --dst-port 80 web',
    `${VM} web1`,
    `${VM} web2`,
    'openstack server list',
  ]);
  return { ...s, cloud: { ...s.cloud, servers: s.cloud.servers.map((v) => ({ ...v, userData: WEB })) } };
}

export function vmIp(c: Cloud, name: string): string {
  const vm = c.servers.find((x) => x.name === name);
  const port = c.ports.find((p) => p.id === vm?.nics[0]?.portId);
  return port?.fixedIps[0]?.ipAddress ?? '';
}

export interface LbSpec {
  lb?: Partial<LoadBalancer>;
  listeners?: Array<Partial<Listener>>;
  pools?: Array<Partial<Pool>>;
  /** Members: `vm` names a server whose address the member takes, `pool` the index of its pool (default 0). */
  members?: Array<Partial<Member> & { vm?: string; pool?: number }>;
  monitor?: Partial<HealthMonitor> | null;
  /** L7 policies of the first listener; `pool` names the index of a REDIRECT_TO_POOL target. */
  policies?: Array<Partial<L7Policy> & { pool?: number }>;
  /** L7 rules; `policy` names the index of their policy (default 0). */
  rules?: Array<Partial<L7Rule> & { policy?: number }>;
}

let seq = 0;
function base(c: Cloud, extra: Partial<OctaviaBase> = {}): OctaviaBase {
  seq++;
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, name: '', description: '', projectId: c.auth.projectId,
    adminStateUp: true, provisioningStatus: 'ACTIVE', operatingStatus: 'OFFLINE', createdAt: '2026-01-01T00:00:00', updatedAt: null, tags: [], settlesAt: 0,
    ...extra,
  };
}

/**
 * A load balancer on priv-v4 with one HTTP listener on 80 (default pool: the first pool), the
 * given pools (default one ROUND_ROBIN HTTP pool), members, monitor and L7 policies.
 */
export function withLb(s: SessionState, spec: LbSpec = {}): SessionState {
  const out = transact(s.cloud, (c) => {
    const subnet = c.subnets.find((x) => x.name === 'priv-v4');
    if (!subnet) throw new Error('no priv-v4');
    const lbBase = base(c, { name: 'lb1' });
    const vip = allocateVip(c, lbBase.id, c.auth.projectId, subnet.networkId, subnet.id, undefined);
    const lb: LoadBalancer = {
      ...lbBase, vipAddress: vip.fixedIps[0]?.ipAddress ?? '', vipNetworkId: subnet.networkId, vipSubnetId: subnet.id, vipPortId: vip.id,
      vipQosPolicyId: null, provider: 'amphora', flavorId: null, availabilityZone: null, amphoraIds: [], topology: 'SINGLE', ...spec.lb,
    };
    const amp = plugAmphora(c, lb, vip);
    lb.amphoraIds = [amp.id];
    const o = emptyOctavia();
    o.loadBalancers.push(lb);
    o.amphorae.push(amp);
    const pools = (spec.pools ?? [{}]).map((p): Pool => ({
      ...base(c, { name: 'pool' }), loadbalancerId: lb.id, protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN', sessionPersistence: null, tlsEnabled: false,
      tlsContainerRef: null, caTlsContainerRef: null, crlContainerRef: null, tlsCiphers: null, tlsVersions: null, alpnProtocols: null, ...p,
    }));
    const pool0 = pools[0];
    o.pools.push(...pools);
    for (const l of spec.listeners ?? [{}]) {
      const listener: Listener = {
        ...base(c, { name: 'listener' }), loadbalancerId: lb.id, protocol: 'HTTP', protocolPort: 80, connectionLimit: -1, defaultPoolId: pool0?.id ?? null,
        defaultTlsContainerRef: null, sniContainerRefs: [], insertHeaders: {}, timeoutClientData: 50000, timeoutMemberConnect: 5000, timeoutMemberData: 50000,
        timeoutTcpInspect: 0, clientCaTlsContainerRef: null, clientAuthentication: 'NONE', clientCrlContainerRef: null, allowedCidrs: null, tlsCiphers: null,
        tlsVersions: null, alpnProtocols: null, ...l,
      };
      o.listeners.push(listener);
      openListenerPort(c, lb, listener);
    }
    for (const m of spec.members ?? [{ vm: 'web1' }, { vm: 'web2' }]) {
      const { vm, pool, ...rest } = m;
      o.members.push({
        ...base(c, { name: vm ?? '' }), poolId: pools[pool ?? 0]?.id ?? '', address: vm ? vmIp(c, vm) : '', protocolPort: 80, subnetId: subnet.id, weight: 1,
        backup: false, monitorAddress: null, monitorPort: null, ...rest,
      });
    }
    if (spec.monitor !== null && pool0) {
      o.healthMonitors.push({
        ...base(c), poolId: pool0.id, type: 'HTTP', delay: 5, timeout: 5, maxRetries: 3, maxRetriesDown: 3, httpMethod: 'GET', urlPath: '/',
        expectedCodes: '200', httpVersion: null, domainName: null, ...spec.monitor,
      });
    }
    const l0 = o.listeners[0];
    for (const [i, { pool, ...p }] of (spec.policies ?? []).entries()) {
      const redirectPoolId = pool === undefined ? null : (pools[pool]?.id ?? null);
      o.l7Policies.push({ ...base(c), listenerId: l0?.id ?? '', action: 'REJECT', position: i + 1, redirectPoolId, redirectUrl: null, redirectPrefix: null, redirectHttpCode: null, ...p });
    }
    for (const { policy, ...r } of spec.rules ?? []) {
      o.l7Rules.push({ ...base(c), l7policyId: o.l7Policies[policy ?? 0]?.id ?? '', type: 'PATH', compareType: 'STARTS_WITH', key: null, value: '/', invert: false, ...r });
    }
    c.octavia = o;
  });
  if (!out.ok) throw out.error;
  return { ...s, cloud: out.cloud };
}

/** The objects of the (only) load balancer, by kind. */
export function objects(c: Cloud) {
  const o = c.octavia ?? emptyOctavia();
  const lb = o.loadBalancers[0];
  if (!lb) throw new Error('no load balancer');
  return { lb, listener: o.listeners[0], pools: o.pools, members: o.members, monitor: o.healthMonitors[0], amphora: o.amphorae[0] };
}

/** A load balancer in capture-haproxy.py's input format: model field names, defaults omitted. */
export interface SpecFile {
  lb: Partial<LoadBalancer> & { id: string; projectId: string; vipAddress: string };
  amphora: { id: string; lbNetworkIp: string; vrrpIp: string };
  listeners?: Array<Partial<Listener> & { id: string }>;
  pools?: Array<Omit<Partial<Pool>, 'sessionPersistence'> & { id: string; sessionPersistence?: Partial<SessionPersistence> & Pick<SessionPersistence, 'type'> }>;
  members?: Array<Partial<Member> & { id: string; poolId: string }>;
  monitors?: Array<Partial<HealthMonitor> & { id: string; poolId: string }>;
  policies?: Array<Partial<L7Policy> & { id: string; listenerId: string }>;
  rules?: Array<Partial<L7Rule> & { id: string; l7policyId: string }>;
}

const BASE: OctaviaBase = {
  id: '', name: '', description: '', projectId: '', adminStateUp: true, provisioningStatus: 'ACTIVE', operatingStatus: 'OFFLINE',
  createdAt: '2026-01-01T00:00:00', updatedAt: null, tags: [], settlesAt: 0,
};

/** The Octavia state a SpecFile describes (every default as the API sets it). */
export function octaviaFromSpec(s: SpecFile) {
  const o = emptyOctavia();
  const lbId = s.lb.id;
  o.loadBalancers.push({
    ...BASE, vipNetworkId: '', vipSubnetId: '', vipPortId: '', vipQosPolicyId: null, provider: 'amphora', flavorId: null, availabilityZone: null,
    amphoraIds: [s.amphora.id], topology: 'SINGLE', ...s.lb,
  });
  o.amphorae.push({
    ...s.amphora, loadbalancerId: lbId, computeId: '', haIp: s.lb.vipAddress, vrrpPortId: '', haPortId: '', certExpiration: '', certBusy: false, role: 'STANDALONE',
    status: 'ALLOCATED', vrrpInterface: null, vrrpId: 1, vrrpPriority: null, cachedZone: null, createdAt: '', updatedAt: null, imageId: null, computeFlavor: null,
  });
  for (const l of s.listeners ?? []) {
    o.listeners.push({
      ...BASE, loadbalancerId: lbId, protocol: 'HTTP', protocolPort: 80, connectionLimit: -1, defaultPoolId: null, defaultTlsContainerRef: null, sniContainerRefs: [],
      insertHeaders: {}, timeoutClientData: 50000, timeoutMemberConnect: 5000, timeoutMemberData: 50000, timeoutTcpInspect: 0, clientCaTlsContainerRef: null,
      clientAuthentication: 'NONE', clientCrlContainerRef: null, allowedCidrs: null, tlsCiphers: null, tlsVersions: null, alpnProtocols: null, ...l,
    });
  }
  for (const p of s.pools ?? []) {
    o.pools.push({
      ...BASE, loadbalancerId: lbId, protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN', tlsEnabled: false, tlsContainerRef: null, caTlsContainerRef: null,
      crlContainerRef: null, tlsCiphers: null, tlsVersions: null, alpnProtocols: null, ...p,
      sessionPersistence: p.sessionPersistence ? { cookieName: null, persistenceTimeout: null, persistenceGranularity: null, ...p.sessionPersistence } : null,
    });
  }
  for (const m of s.members ?? []) o.members.push({ ...BASE, address: '', protocolPort: 80, subnetId: null, weight: 1, backup: false, monitorAddress: null, monitorPort: null, ...m });
  for (const h of s.monitors ?? []) {
    o.healthMonitors.push({ ...BASE, type: 'HTTP', delay: 5, timeout: 5, maxRetries: 3, maxRetriesDown: 3, httpMethod: null, urlPath: null, expectedCodes: null, httpVersion: null, domainName: null, ...h });
  }
  for (const p of s.policies ?? []) o.l7Policies.push({ ...BASE, action: 'REJECT', position: 1, redirectPoolId: null, redirectUrl: null, redirectPrefix: null, redirectHttpCode: null, ...p });
  for (const r of s.rules ?? []) o.l7Rules.push({ ...BASE, type: 'PATH', compareType: 'EQUAL_TO', key: null, value: '', invert: false, ...r });
  return o;
}
