/**
 * The load-balancer check kinds on clouds built by hand: the Neutron side (network, router, two
 * web VMs, a port standing for the VIP) through real commands, the Octavia objects straight from
 * the model (server/sim/model/octavia.ts), so these tests do not depend on the loadbalancer CLI.
 */
import { describe, expect, it } from 'vitest';
import { runLine } from '../shell/session.js';
import type { Cloud } from '../sim/model/cloud.js';
import { emptyOctavia, type Amphora, type HealthMonitor, type Listener, type LoadBalancer, type Member, type OctaviaBase, type Pool } from '../sim/model/octavia.js';
import { historyCommand } from './history.js';
import { LabError, parseLab } from './parse.js';
import { changedLoadBalancers } from './lb-checks.js';
import { invocations } from './history.js';
import { labWith, one, session, type Attempt } from '../../test/labs/helpers.js';

const VM = 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network web-net --security-group web --user-data web-server.sh';

/**
 * web-net 10.42.0.0/24 behind web-router, two web VMs (port 80 open to the subnet), a VM without
 * a web server, a port `vip` (port 80 open to all) that withLb turns into a VIP.
 */
const NEUTRON = [
  'openstack network create web-net',
  'openstack subnet create web-subnet --network web-net --subnet-range 10.42.0.0/24',
  'openstack network create other-net',
  'openstack subnet create other-subnet --network other-net --subnet-range 10.43.0.0/24',
  'openstack router create web-router',
  'openstack router add subnet web-router web-subnet',
  'openstack router set --external-gateway ext-floating1 web-router',
  'openstack security group create web',
  'openstack security group rule create --protocol tcp --dst-port 80 --remote-ip 10.42.0.0/24 web',
  `${VM} web-1`,
  `${VM} web-2`,
  'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network web-net plain',
  'openstack security group create vip-sg',
  'openstack security group rule create --protocol tcp --dst-port 80 vip-sg',
  'openstack port create --network web-net --security-group vip-sg vip',
  'openstack server list',
];

/** A session after the lines, then `more` on top (history kept). */
function then(s: Attempt, more: string[]): Attempt {
  let state: Attempt = s;
  for (const l of more) {
    const r = runLine(state, l);
    state = { ...r.state, commands: [...state.commands, historyCommand(l, r.result)] };
  }
  return state;
}

let seq = 0;
function base(c: Cloud, name = ''): OctaviaBase {
  seq++;
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, name, description: '', projectId: c.auth.projectId, adminStateUp: true,
    provisioningStatus: 'ACTIVE', operatingStatus: 'OFFLINE', createdAt: '2026-11-22T09:00:00', updatedAt: null, tags: [], settlesAt: 0,
  };
}

const ip = (c: Cloud, server: string) => c.ports.find((p) => p.deviceId === c.servers.find((s) => s.name === server)?.id)?.fixedIps[0]?.ipAddress ?? '';

interface Spec {
  lb?: Partial<LoadBalancer>;
  listener?: Partial<Listener> | null;
  pool?: Partial<Pool> | null;
  members?: Array<Partial<Member> & { vm: string }>;
  monitor?: Partial<HealthMonitor> | null;
}

/**
 * web-lb with its VIP on the port `vip` (web-subnet), an amphora at .250, an HTTP listener on 80
 * whose default pool is web-pool (ROUND_ROBIN), members web-1 and web-2 on 80, an HTTP monitor.
 */
function withLb(s: Attempt, spec: Spec = {}): Attempt {
  const c = s.cloud;
  const vip = c.ports.find((p) => p.name === 'vip');
  const subnet = c.subnets.find((x) => x.name === 'web-subnet');
  if (!vip || !subnet) throw new Error('no vip port or web-subnet');
  const o = emptyOctavia();
  const lbBase = base(c, 'web-lb');
  const amp: Amphora = {
    id: 'amp-1', loadbalancerId: lbBase.id, computeId: 'amp-vm-1', lbNetworkIp: '172.16.0.10', vrrpIp: '10.42.0.250', haIp: vip.fixedIps[0]?.ipAddress ?? '',
    vrrpPortId: 'vrrp-port', haPortId: vip.id, certExpiration: '2027-11-22T09:00:00', certBusy: false, role: 'STANDALONE', status: 'ALLOCATED',
    vrrpInterface: null, vrrpId: 1, vrrpPriority: null, cachedZone: 'nova', createdAt: '2026-11-22T09:00:00', updatedAt: null, imageId: null, computeFlavor: null,
  };
  const lb: LoadBalancer = {
    ...lbBase, vipAddress: vip.fixedIps[0]?.ipAddress ?? '', vipNetworkId: subnet.networkId, vipSubnetId: subnet.id, vipPortId: vip.id, vipQosPolicyId: null,
    provider: 'amphora', flavorId: null, availabilityZone: null, amphoraIds: [amp.id], topology: 'SINGLE', ...spec.lb,
  };
  o.loadBalancers.push(lb);
  o.amphorae.push(amp);
  // What Octavia makes of the VIP port: its device owner, which the reach query knows VIPs by.
  const ports = c.ports.map((p) => (p.id === vip.id ? { ...p, deviceOwner: 'Octavia' } : p));
  const pool: Pool | null = spec.pool === null ? null : {
    ...base(c, 'web-pool'), loadbalancerId: lb.id, protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN', sessionPersistence: null, tlsEnabled: false, tlsContainerRef: null,
    caTlsContainerRef: null, crlContainerRef: null, tlsCiphers: null, tlsVersions: null, alpnProtocols: null, ...spec.pool,
  };
  if (pool) o.pools.push(pool);
  if (spec.listener !== null) {
    o.listeners.push({
      ...base(c, 'web-listener'), loadbalancerId: lb.id, protocol: 'HTTP', protocolPort: 80, connectionLimit: -1, defaultPoolId: pool?.id ?? null,
      defaultTlsContainerRef: null, sniContainerRefs: [], insertHeaders: null, timeoutClientData: 50000, timeoutMemberConnect: 5000, timeoutMemberData: 50000,
      timeoutTcpInspect: 0, clientCaTlsContainerRef: null, clientAuthentication: 'NONE', clientCrlContainerRef: null, allowedCidrs: null, tlsCiphers: null,
      tlsVersions: null, alpnProtocols: null, ...spec.listener,
    });
  }
  for (const { vm, ...m } of pool ? (spec.members ?? [{ vm: 'web-1' }, { vm: 'web-2' }]) : []) {
    o.members.push({ ...base(c, vm), poolId: pool?.id ?? '', address: ip(c, vm), protocolPort: 80, subnetId: subnet.id, weight: 1, backup: false, monitorAddress: null, monitorPort: null, ...m });
  }
  if (pool && spec.monitor !== null) {
    o.healthMonitors.push({
      ...base(c), poolId: pool.id, type: 'HTTP', delay: 5, timeout: 4, maxRetries: 3, maxRetriesDown: 3, httpMethod: 'GET', urlPath: '/', expectedCodes: '200',
      httpVersion: null, domainName: null, ...spec.monitor,
    });
  }
  return { ...s, cloud: { ...c, ports, octavia: o } };
}

const START = session('public-cloud', NEUTRON);
/** Everything in place, with a history that made the load balancer. */
const READY = withLb(then(START, ['openstack loadbalancer create --name web-lb --vip-subnet-id web-subnet']));

describe('load-balancer', () => {
  const y = 'type: load-balancer\nname: web-lb\nsubnet: web-subnet';
  it('passes when the load balancer has its VIP on the subnet', () => {
    expect(one(y, READY)).toMatchObject({ passed: true, why: expect.stringMatching(/^load balancer web-lb has its VIP 10\.42\.0\.\d+ on web-subnet and is ONLINE$/) });
  });
  it('says what is missing or where the VIP is instead', () => {
    expect(one(y, START).why).toBe('there is no load balancer named web-lb');
    const other = START.cloud.subnets.find((x) => x.name === 'other-subnet')?.id ?? '';
    expect(one(y, withLb(START, { lb: { vipSubnetId: other } })).why).toBe('load balancer web-lb has its VIP on other-subnet, not on web-subnet');
    expect(one(y, withLb(START, { lb: { provisioningStatus: 'ERROR' } })).why).toBe('load balancer web-lb is in ERROR: delete it and create it again');
  });
  it('does not see another project’s load balancer', () => {
    expect(one(y, withLb(START, { lb: { projectId: 'someone-else' } })).why).toBe('there is no load balancer named web-lb');
  });
  it('operating: DEGRADED once a member’s VM is stopped, ONLINE before', () => {
    const d = 'type: load-balancer\nname: web-lb\noperating: DEGRADED';
    expect(one(d, READY).why).toBe('load balancer web-lb is ONLINE, not DEGRADED');
    expect(one(d, then(READY, ['openstack server stop web-2']))).toMatchObject({ passed: true });
  });
  it('is "not done yet" until a loadbalancer command changes something; operating also starts with a server stop', () => {
    expect(one(y, START).state).toBe('todo');
    expect(one(y, then(START, ['openstack loadbalancer list', 'openstack loadbalancer status show web-lb'])).state).toBe('todo');
    expect(one(y, then(START, ['openstack loadbalancer create --name x --vip-subnet-id web-subnet'])).state).toBe('fail');
    expect(one('type: load-balancer\nname: web-lb\noperating: DEGRADED', then(withLb(START), ['openstack server stop plain'])).state).toBe('fail');
  });
  it('refuses an unknown operating status when the lab is loaded', () => {
    expect(() => labWith('type: load-balancer\nname: web-lb\noperating: BROKEN')).toThrow("load-balancer check: 'operating' must be one of ONLINE, OFFLINE, DEGRADED, ERROR, NO_MONITOR, DRAINING, not 'BROKEN'");
  });
});

describe('changedLoadBalancers', () => {
  const changed = (line: string) => changedLoadBalancers(invocations([{ line }]));
  it.each(['openstack loadbalancer create --name a --vip-subnet-id s', 'openstack loadbalancer member create --address 10.0.0.1 --protocol-port 80 p', 'openstack --os-cloud x loadbalancer pool set --name q p', 'openstack loadbalancer delete --cascade a'])(
    'a change: %s',
    (line) => expect(changed(line)).toBe(true),
  );
  it.each(['openstack loadbalancer list', 'openstack loadbalancer status show a', 'openstack loadbalancer member list p', 'openstack server create --name create x', 'echo loadbalancer create'])(
    'not a change: %s',
    (line) => expect(changed(line)).toBe(false),
  );
});

describe('listener and pool', () => {
  it('listener: protocol and port, or what there is', () => {
    const y = 'type: listener\nloadbalancer: web-lb\nprotocol: HTTP\nport: 80';
    expect(one(y, READY)).toMatchObject({ passed: true, title: 'load balancer web-lb has a listener for HTTP on port 80' });
    expect(one(y, withLb(START, { listener: null })).why).toBe('load balancer web-lb has no listener yet');
    expect(one(y, withLb(START, { listener: { protocol: 'TCP', protocolPort: 8080 } })).why).toBe('load balancer web-lb has no such listener (its listeners: web-listener TCP on port 8080)');
  });
  it("pool: the listener's default pool, its algorithm", () => {
    const y = 'type: pool\nname: web-pool\nlistener: web-listener\nalgorithm: ROUND_ROBIN\nprotocol: HTTP';
    expect(one(y, READY)).toMatchObject({ passed: true, title: "pool web-pool is listener web-listener's default pool, balances HTTP ROUND_ROBIN" });
    expect(one(y, withLb(START, { pool: { lbAlgorithm: 'SOURCE_IP' } })).why).toBe('pool web-pool uses SOURCE_IP, not ROUND_ROBIN');
    expect(one(y, withLb(START, { listener: { defaultPoolId: null } })).why).toBe('pool web-pool is not the default pool of listener web-listener');
    expect(one('type: pool\nlistener: web-listener', withLb(START, { listener: { defaultPoolId: null } })).why).toBe('listener web-listener has no default pool');
    expect(one(y, withLb(START, { pool: null })).why).toBe('there is no pool named web-pool');
    expect(() => labWith('type: pool\nalgorithm: ROUND_ROBIN')).toThrow(/needs name or listener/);
  });
});

describe('member', () => {
  it("passes for the server whose address the member carries, on the port", () => {
    expect(one('type: member\npool: web-pool\nserver: web-1\nport: 80', READY)).toMatchObject({ passed: true, why: expect.stringMatching(/^member 10\.42\.0\.\d+:80 \(web-1\) is ONLINE$/) });
  });
  it('says when the server is not in the pool, or on another port', () => {
    const r = one('type: member\npool: web-pool\nserver: web-2', withLb(START, { members: [{ vm: 'web-1' }] }));
    expect(r.why).toMatch(/^no member of pool web-pool has web-2's address \(10\.42\.0\.\d+\); its members: 10\.42\.0\.\d+:80$/);
    expect(one('type: member\npool: web-pool\nserver: web-1\nport: 80', withLb(START, { members: [{ vm: 'web-1', protocolPort: 8080 }] })).why).toBe("web-1's member of web-pool is on port 8080, not 80");
  });
  it('operating: ERROR when its VM is stopped', () => {
    const y = 'type: member\npool: web-pool\nserver: web-2\noperating: ERROR';
    expect(one(y, READY).why).toMatch(/^member 10\.42\.0\.\d+:80 \(web-2\) is ONLINE, not ERROR$/);
    expect(one(y, then(READY, ['openstack server stop web-2'])).passed).toBe(true);
  });
  it('healthy: ONLINE while the VM runs, and a stopped VM’s member may be ERROR', () => {
    const y = 'type: member\npool: web-pool\nserver: web-2\nhealthy: true';
    expect(one(y, READY)).toMatchObject({ passed: true, title: 'the health monitor of web-pool finds web-2 up while it runs' });
    expect(one(y, then(READY, ['openstack server stop web-2'])).passed).toBe(true);
    expect(one(y, withLb(START, { monitor: null })).why).toMatch(/^member 10\.42\.0\.\d+:80 \(web-2\) is NO_MONITOR \(no health monitor checks it\)$/);
  });
  it('healthy: a running VM the monitor cannot reach is not healthy, and the message says so', () => {
    const closed = withLb(then(START, ['openstack security group rule delete $(openstack security group rule list web --protocol tcp -f value -c ID)']));
    expect(one('type: member\npool: web-pool\nserver: web-1\nhealthy: true', closed).why).toMatch(
      /^member 10\.42\.0\.\d+:80 \(web-1\) is ERROR \(the health monitor gets no answer from it\) although web-1 is running$/,
    );
    const silent = withLb(START, { members: [{ vm: 'plain' }] });
    expect(one('type: member\npool: web-pool\nserver: plain\nhealthy: true', silent).passed).toBe(false);
  });
});

describe('health-monitor', () => {
  const y = 'type: health-monitor\npool: web-pool\nmonitor: HTTP\nurl_path: /';
  it('passes for an HTTP monitor on the pool', () => {
    expect(one(y, READY)).toMatchObject({ passed: true, why: 'pool web-pool has an HTTP health monitor every 5 s', title: 'pool web-pool has an HTTP health monitor asking for /' });
  });
  it('says what is missing or different', () => {
    expect(one(y, withLb(START, { monitor: null })).why).toBe('pool web-pool has no health monitor: nothing notices a dead member');
    expect(one(y, withLb(START, { monitor: { type: 'TCP', httpMethod: null, urlPath: null } })).why).toBe("pool web-pool's health monitor is TCP, not HTTP");
    expect(one('type: health-monitor\npool: web-pool\nmonitor: TCP', READY).title).toBe('pool web-pool has a TCP health monitor');
    expect(one(y, withLb(START, { monitor: { urlPath: '/health' } })).why).toBe("pool web-pool's health monitor asks for /health, not /");
  });
});

describe('lb-floating-ip', () => {
  const y = 'type: lb-floating-ip\nloadbalancer: web-lb\nnetwork: ext-floating1';
  it('passes when a floating IP is on the VIP port', () => {
    const s = then(READY, ['openstack floating ip create --port vip ext-floating1']);
    expect(one(y, s)).toMatchObject({ passed: true, why: expect.stringMatching(/^floating IP 192\.0\.2\.\d+ leads to the VIP 10\.42\.0\.\d+$/) });
  });
  it('mentions an address allocated but not associated, or given to a server', () => {
    expect(one(y, then(READY, ['openstack floating ip create ext-floating1'])).why).toMatch(/^no floating IP is associated with the VIP port of web-lb \(10\.42\.0\.\d+\); floating IP 192\.0\.2\.\d+ is allocated but not associated$/);
    const onVm = then(READY, ['openstack server add floating ip web-1 $(openstack floating ip create ext-floating1 -f value -c floating_ip_address)']);
    expect(one(y, onVm)).toMatchObject({ passed: false, state: 'fail' });
  });
});

describe('web-server', () => {
  it('passes for a VM booted with the web server, whether it runs or not', () => {
    expect(one('type: web-server\nserver: web-1\nport: 80', READY).passed).toBe(true);
    expect(one('type: web-server\nserver: web-1\nport: 80', then(READY, ['openstack server stop web-1'])).passed).toBe(true);
  });
  it('says why not', () => {
    expect(one('type: web-server\nserver: plain\nport: 80', READY).why).toBe('server plain was created without user data, so nothing starts a web server in it');
    expect(one('type: web-server\nserver: web-1\nport: 8080', READY).why).toBe("server web-1's web server listens on port 80, not 8080");
    expect(one('type: web-server\nserver: web-9\nport: 80', READY).why).toBe('there is no server named web-9');
  });
});

describe('questions about a load balancer', () => {
  const q = (attribute: string) => `type: question\nid: q\nprompt: Which?\nanswer: { kind: load-balancer, name: web-lb, attribute: ${attribute} }`;
  it("the VIP's port id, from the learner's own cloud", () => {
    const vipPort = READY.cloud.ports.find((p) => p.name === 'vip')?.id ?? '';
    expect(one(q('vip_port_id'), READY, { answers: { q: ` ${vipPort.toUpperCase()} ` } })).toMatchObject({ passed: true });
    expect(one(q('vip_port_id'), READY, { answers: { q: '00000000-0000-4000-8000-000000000000' } }).passed).toBe(false);
  });
  it('the operating status, as the health manager reports it', () => {
    expect(one(q('operating_status'), then(READY, ['openstack server stop web-1']), { answers: { q: 'degraded' } }).passed).toBe(true);
  });
  it('an unknown attribute is an error when the lab is loaded', () => {
    let err: unknown;
    try {
      parseLab(`---\nid: t\ntitle: T\nsummary: S\nminutes: 1\nfixture: public-cloud\n---\n\n## S\n\n\`\`\`check\n${q('mac')}\n\`\`\`\n\n\`\`\`solution\ntrue\n\`\`\`\n`, 't.md');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).message).toBe("t.md:12: question check: unknown attribute 'mac' for load-balancer");
  });
});

describe('lb-serves', () => {
  const both = 'type: lb-serves\nloadbalancer: web-lb\nservers: [web-1, web-2]';
  const published = then(READY, ['openstack floating ip create --port vip ext-floating1']);
  it('passes when every request through the floating IP is answered and both servers answered', () => {
    expect(one(both, published)).toMatchObject({
      passed: true,
      title: "curl from the laptop through web-lb's floating IP is answered by both web-1 and web-2",
      why: expect.stringMatching(/^4 requests to 192\.0\.2\.\d+:80 were answered by web-1, web-2$/),
    });
  });
  it('does not change the learner’s cloud (the round-robin position stays)', () => {
    one(both, published);
    expect(published.cloud.octavia?.cursors).toEqual({});
  });
  it('a stopped server need not answer: the health monitor took it out, web-1 answers all', () => {
    const degraded = then(published, ['openstack server stop web-2']);
    expect(one(both, degraded).passed).toBe(true);
    expect(one('type: lb-serves\nloadbalancer: web-lb\nservers: [web-1]', degraded).why).toMatch(/were answered by web-1$/);
    expect(one('type: lb-serves\nloadbalancer: web-lb\nservers: [web-2]', degraded).why).toBe('web-2 is not running: it cannot answer');
  });
  it('a running server that never answers fails, with where the answers came from', () => {
    const s = then(withLb(then(START, ['openstack loadbalancer create --name web-lb --vip-subnet-id web-subnet']), { members: [{ vm: 'web-1' }] }), ['openstack floating ip create --port vip ext-floating1']);
    expect(one(both, s).why).toMatch(/^web-2 is running but never answered 4 requests to 192\.0\.2\.\d+ \(answers came from web-1\)$/);
  });
  it('no member able to answer: HAProxy’s 503', () => {
    const down = then(published, ['openstack server stop web-1', 'openstack server stop web-2']);
    expect(one('type: lb-serves\nloadbalancer: web-lb', down).why).toMatch(/^4 of 4 requests to 192\.0\.2\.\d+ got 503 Service Unavailable$/);
    expect(one(both, down).why).toBe('web-1 and web-2 are not running: they cannot answer');
  });
  it('says when there is no floating IP, or the laptop cannot get through', () => {
    expect(one(both, READY).why).toBe("load balancer web-lb's VIP has no floating IP");
    const closed = then(published, ['openstack security group rule delete $(openstack security group rule list vip-sg --protocol tcp -f value -c ID)']);
    const why = one(both, closed).why;
    expect(why).toMatch(/^the laptop cannot get 192\.0\.2\.\d+:80: the VIP's security group of web-lb allows no tcp\/80 from this source/);
    // IDs the learner never typed are replaced by names.
    expect(why).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });
  it('a server counts as answering only when an answer names it exactly (names are text, not patterns)', () => {
    const s = then(published, [`${VM} web.1`, 'openstack server list']);
    expect(one('type: lb-serves\nloadbalancer: web-lb\nservers: [web.1]', s).why).toMatch(/^web\.1 is running but never answered 4 requests to 192\.0\.2\.\d+ \(answers came from web-1, web-2\)$/);
    expect(one('type: lb-serves\nloadbalancer: web-lb\nservers: ["web-(1|2)"]', s).why).toBe('web-(1|2) is not running: it cannot answer');
  });
  it('via: vip from a server on the subnet; the laptop cannot reach a private VIP; an unknown source is named', () => {
    expect(one('type: lb-serves\nloadbalancer: web-lb\nfrom: plain\nvia: vip\nservers: [web-1, web-2]', READY).passed).toBe(true);
    expect(one('type: lb-serves\nloadbalancer: web-lb\nvia: vip', READY).why).toMatch(/^the laptop cannot get 10\.42\.0\.\d+:80: 10\.42\.0\.\d+ is not an address the laptop can reach \(fixed IPs are private\)$/);
    expect(one('type: lb-serves\nloadbalancer: web-lb\nfrom: nowhere\nvia: vip', READY).why).toMatch(/^nowhere cannot get 10\.42\.0\.\d+:80: there is no server named nowhere$/);
  });
  it('is "not done yet" until the learner tries to reach something', () => {
    expect(one(both, READY, {}, [{ line: 'openstack loadbalancer create --name web-lb --vip-subnet-id web-subnet' }]).state).toBe('todo');
    expect(one(both, READY, {}, [{ line: 'curl http://192.0.2.200' }]).state).toBe('fail');
  });
});
