/**
 * Octavia with the amphora drivers (a real cloud, the default): what a load balancer puts into
 * Neutron and Nova, what a project member sees of it, the lifecycle between command lines, the
 * Zed default policy, and that a failed command changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';
import type { Cloud } from '../../server/sim/model/cloud.js';
import { runOpenstack } from '../../server/cli/openstack/index.js';
import { draftCloud, finishDraft } from '../../server/sim/clone.js';
import { settleOctavia } from '../../server/sim/ops/octavia/lifecycle.js';

interface Run {
  state: SessionState;
  out: string;
  err: string;
  code: number;
}

function run(state: SessionState, line: string): Run {
  const r = runLine(state, line);
  return { state: r.state, out: r.result.stdout, err: r.result.stderr, code: r.result.exitCode };
}

/** Runs lines in order; each must succeed. */
function all(state: SessionState, lines: string[]): SessionState {
  let s = state;
  for (const l of lines) {
    const r = run(s, l);
    expect(r.err, l).toBe('');
    expect(r.code, l).toBe(0);
    s = r.state;
  }
  return s;
}

const BASE = [
  'openstack network create web-net',
  'openstack subnet create web-sub --network web-net --subnet-range 192.168.10.0/24',
  'openstack loadbalancer create --name lb1 --vip-subnet-id web-sub',
];

function member(): SessionState {
  return all(createSession({ fixture: 'public-cloud', seed: 7 }), BASE);
}

function lbOf(c: Cloud) {
  const lb = c.octavia?.loadBalancers.find((l) => l.name === 'lb1');
  if (!lb) throw new Error('no lb1');
  return lb;
}

function vipGroup(c: Cloud) {
  return c.securityGroups.find((g) => g.name === `lb-${lbOf(c).id}`);
}

function groupPorts(c: Cloud): Array<number | null> {
  const g = vipGroup(c);
  return c.securityGroupRules
    .filter((r) => r.securityGroupId === g?.id && r.direction === 'ingress')
    .map((r) => r.portRangeMin)
    .sort();
}

describe('Octavia in amphora mode (a real cloud)', () => {
  it('makes the VIP port octavia-lb-<id> in the learner project, with an address from the VIP subnet', () => {
    const s = member();
    const c = s.cloud;
    const lb = lbOf(c);
    const vip = c.ports.find((p) => p.id === lb.vipPortId);
    expect(vip?.name).toBe(`octavia-lb-${lb.id}`);
    expect(vip?.deviceOwner).toBe('Octavia');
    expect(vip?.deviceId).toBe(`lb-${lb.id}`);
    expect(vip?.adminStateUp).toBe(false);
    expect(vip?.projectId).toBe(c.auth.projectId);
    expect(lb.vipAddress).toMatch(/^192\.168\.10\.\d+$/);
    expect(vip?.fixedIps[0]?.ipAddress).toBe(lb.vipAddress);
    expect(lb.vipNetworkId).toBe(c.networks.find((n) => n.name === 'web-net')?.id);
    const shown = run(s, 'openstack port list -f value -c Name');
    expect(shown.out).toContain(`octavia-lb-${lb.id}\n`);
    expect(run(s, 'openstack loadbalancer show lb1 -f value -c vip_address').out).toBe(`${lb.vipAddress}\n`);
  });

  it('takes --vip-address from the subnet', () => {
    const s = all(createSession({ fixture: 'public-cloud', seed: 7 }), [...BASE.slice(0, 2), 'openstack loadbalancer create --name lb1 --vip-subnet-id web-sub --vip-address 192.168.10.50']);
    const lb = lbOf(s.cloud);
    expect(lb.vipAddress).toBe('192.168.10.50');
    expect(s.cloud.ports.find((p) => p.id === lb.vipPortId)?.fixedIps[0]?.ipAddress).toBe('192.168.10.50');
  });

  it("reports Neutron's refusal of the VIP address as the amphora driver's error (500)", () => {
    const s = all(createSession({ fixture: 'public-cloud', seed: 7 }), BASE.slice(0, 2));
    const r = run(s, 'openstack loadbalancer create --name lb1 --vip-subnet-id web-sub --vip-address 10.1.1.1');
    expect(r.err).toMatch(/^Provider 'amphora' reports error: .*10\.1\.1\.1.* \(HTTP 500\) \(Request-ID: req-[0-9a-f-]{36}\)\n$/);
    expect(r.state.cloud.ports).toEqual(s.cloud.ports);
    expect(r.state.cloud.octavia).toEqual(s.cloud.octavia);
  });

  it('boots one amphora in the service project with a VRRP port on the VIP network, the VIP as allowed address pair', () => {
    const c = member().cloud;
    const lb = lbOf(c);
    const amps = c.octavia?.amphorae.filter((a) => a.loadbalancerId === lb.id) ?? [];
    expect(amps).toHaveLength(1);
    const amp = amps[0];
    const vrrp = c.ports.find((p) => p.id === amp?.vrrpPortId);
    expect(vrrp?.name).toBe(`octavia-lb-vrrp-${amp?.id ?? ''}`);
    expect(vrrp?.networkId).toBe(lb.vipNetworkId);
    expect(vrrp?.projectId).not.toBe(c.auth.projectId);
    expect(vrrp?.allowedAddressPairs.map((p) => p.ipAddress)).toEqual([lb.vipAddress]);
    expect(vrrp?.securityGroupIds).toEqual([vipGroup(c)?.id]);
    expect(amp?.haIp).toBe(lb.vipAddress);
  });

  it('hides the service project from a member: no VIP group, no amphora VM, amphorae are admin-only', () => {
    const s = member();
    const c = s.cloud;
    const amp = c.octavia?.amphorae[0];
    // As in Neutron, the owner of the VIP network sees the service project's VRRP port on it.
    expect(run(s, 'openstack port list -f value -c Name').out).toContain(`octavia-lb-vrrp-${amp?.id ?? ''}\n`);
    expect(run(s, 'openstack security group list -f value -c Name').out).not.toContain(`lb-${lbOf(c).id}`);
    expect(run(s, 'openstack server list -f value -c ID').out).toBe('');
    const amps = run(s, 'openstack loadbalancer amphora list');
    expect(amps.code).toBe(1);
    expect(amps.err).toMatch(/^Policy does not allow this request to be performed\. \(HTTP 403\) \(Request-ID: req-[0-9a-f-]{36}\)\n$/);
    expect(amp).toBeDefined();
  });

  it('keeps one VIP security group rule per listener port, removed with the listener', () => {
    let s = all(member(), ['openstack loadbalancer listener create --name http --protocol HTTP --protocol-port 80 lb1', 'openstack loadbalancer listener create --name tls --protocol TCP --protocol-port 443 lb1']);
    // With each listener's HAProxy peer port (1025, 1026).
    expect(groupPorts(s.cloud)).toEqual([1025, 1026, 443, 80]);
    s = all(s, ['openstack loadbalancer listener delete http', 'true']);
    expect(groupPorts(s.cloud)).toEqual([1026, 443]);
    const rules = () => s.cloud.securityGroupRules.filter((r) => r.securityGroupId === vipGroup(s.cloud)?.id && r.direction === 'ingress');
    expect(rules().map((r) => [r.protocol, r.ethertype, r.remoteIpPrefix])).toEqual([['tcp', 'IPv4', null], ['tcp', 'IPv4', null]]);
    s = all(s, ['openstack loadbalancer listener create --name dns --protocol UDP --protocol-port 53 --allowed-cidr 192.0.2.0/24 lb1']);
    expect(rules().find((r) => r.portRangeMin === 53)).toMatchObject({ protocol: 'udp', remoteIpPrefix: '192.0.2.0/24' });
  });

  it('lets a floating IP go onto the VIP port', () => {
    const s = all(member(), ['openstack router create r1', 'openstack router set --external-gateway ext-floating1 r1', 'openstack router add subnet r1 web-sub']);
    const lb = lbOf(s.cloud);
    const r = run(s, `openstack floating ip create ext-floating1 --port ${lb.vipPortId} -f value -c fixed_ip_address`);
    expect(r.err).toBe('');
    expect(r.out).toBe(`${lb.vipAddress}\n`);
  });

  it('cleans Neutron up on delete: VIP port, VIP group and the amphora with its ports, from the next line on', () => {
    const s = all(member(), ['openstack loadbalancer listener create --name http --protocol HTTP --protocol-port 80 lb1']);
    const lb = lbOf(s.cloud);
    const amp = s.cloud.octavia?.amphorae[0];
    const gone = all(s, ['openstack loadbalancer delete --cascade lb1', 'true']).cloud;
    expect(gone.octavia?.loadBalancers).toEqual([]);
    expect(gone.octavia?.amphorae).toEqual([]);
    expect(gone.ports.filter((p) => p.id === lb.vipPortId || p.id === amp?.vrrpPortId || p.deviceId === amp?.computeId)).toEqual([]);
    expect(gone.securityGroups.filter((g) => g.name === `lb-${lb.id}`)).toEqual([]);
  });

  it('answers PENDING_CREATE, is ACTIVE from the next line on, and refuses changes while PENDING_* on the same line', () => {
    const s0 = all(createSession({ fixture: 'public-cloud', seed: 7 }), BASE.slice(0, 2));
    const r = run(s0, 'openstack loadbalancer create --name lb1 --vip-subnet-id web-sub -f value -c provisioning_status; openstack loadbalancer listener create --name l --protocol HTTP --protocol-port 80 lb1');
    expect(r.out).toBe('PENDING_CREATE\n');
    expect(r.err).toMatch(/^Load Balancer [0-9a-f-]{36} is immutable and cannot be updated\. \(HTTP 409\) \(Request-ID: req-[0-9a-f-]{36}\)\n$/);
    expect(run(r.state, 'openstack loadbalancer show lb1 -f value -c provisioning_status').out).toBe('ACTIVE\n');
    const d = run(r.state, 'openstack loadbalancer delete lb1; openstack loadbalancer set --name x lb1');
    expect(d.err).toMatch(/^Invalid state PENDING_DELETE of loadbalancer resource [0-9a-f-]{36} \(HTTP 409\)/);
  });

  it('leaves the Octavia state untouched (the same object) when a line does not change load balancers', () => {
    const s = all(member(), ['true']);
    for (const line of ['openstack network create other', 'openstack loadbalancer list', 'openstack port list']) {
      const r = run(s, line);
      expect(r.state.cloud.octavia, line).toBe(s.cloud.octavia);
    }
  });

  it('finishes a job by copying only the objects the worker touched', () => {
    const s = all(member(), ['openstack loadbalancer create --name lb2 --vip-subnet-id web-sub', 'true']);
    const pending = runOpenstack(s.cloud, ['loadbalancer', 'set', '--description', 'changed', 'lb2']).cloud;
    const published = { ...pending, tick: pending.tick + 1 };
    const draft = draftCloud(published);
    settleOctavia(draft, false, published.octavia);
    const done = finishDraft(draft, true).octavia;
    const lb1 = published.octavia?.loadBalancers.find((l) => l.name === 'lb1');
    expect(done?.loadBalancers.find((l) => l.name === 'lb1')).toBe(lb1);
    expect(done?.amphorae).toBe(published.octavia?.amphorae);
    expect(done?.loadBalancers.find((l) => l.name === 'lb2')?.provisioningStatus).toBe('ACTIVE');
    expect(published.octavia?.loadBalancers.find((l) => l.name === 'lb2')?.provisioningStatus).toBe('PENDING_UPDATE');
  });

  it('changes nothing on a failed command', () => {
    const s = all(member(), ['openstack loadbalancer listener create --name http --protocol HTTP --protocol-port 80 lb1']);
    for (const line of [
      'openstack loadbalancer listener create --name again --protocol HTTP --protocol-port 80 lb1',
      'openstack loadbalancer pool create --name p --lb-algorithm SOURCE_IP_PORT --listener http --protocol HTTP',
      'openstack loadbalancer member create --address 10.0.0.300 --protocol-port 80 nosuch',
      'openstack loadbalancer delete lb1',
    ]) {
      const r = run(s, line);
      expect(r.code, line).toBe(1);
      expect(r.state.cloud.octavia, line).toEqual(s.cloud.octavia);
      expect(r.state.cloud.ports, line).toEqual(s.cloud.ports);
      expect(r.state.cloud.securityGroupRules, line).toEqual(s.cloud.securityGroupRules);
    }
  });

  it('answers hostile input with an error, never an internal one, and changes nothing', () => {
    const s = all(member(), [
      'openstack loadbalancer listener create --name http --protocol HTTP --protocol-port 80 lb1',
      'openstack loadbalancer pool create --name p --lb-algorithm ROUND_ROBIN --listener http --protocol HTTP',
      'openstack loadbalancer l7policy create --name pol --action REJECT http',
    ]);
    for (const line of [
      "openstack loadbalancer create --name x --vip-subnet-id ''",
      "openstack loadbalancer show ''",
      "openstack loadbalancer member create --address '' --protocol-port 80 p",
      'openstack loadbalancer member create --address 10.0.0.1 --protocol-port -1 p',
      'openstack loadbalancer listener create --name y --protocol HTTP --protocol-port 81 --insert-headers a=b=c lb1',
      'openstack loadbalancer pool create --name q --lb-algorithm ROUND_ROBIN --loadbalancer lb1 --protocol HTTP --session-persistence type=',
      "openstack loadbalancer l7rule create --type PATH --compare-type REGEX --value '(a' pol",
      "openstack loadbalancer l7rule create --type HEADER --compare-type EQUAL_TO --key 'a b' --value x pol",
      "openstack loadbalancer l7rule create --type COOKIE --compare-type EQUAL_TO --key sid --value 'a b' pol",
      `openstack loadbalancer set --name ${'x'.repeat(256)} lb1`,
      'openstack loadbalancer healthmonitor create --delay x --max-retries 3 --timeout 4 --type HTTP p',
      'openstack loadbalancer l7policy set --position 0 pol',
    ]) {
      const r = run(s, line);
      expect(r.code === 1 || r.code === 2, `${line}: ${r.err}`).toBe(true);
      expect(r.err, line).not.toContain('internal error');
      expect(r.state.cloud.octavia, line).toEqual(s.cloud.octavia);
      expect(r.state.cloud.ports, line).toEqual(s.cloud.ports);
    }
  });

  it('follows the Zed policy: plain member 403, observer reads only, load-balancer_member writes', () => {
    const s = member();
    const as = (roles: string[]): SessionState => ({ ...s, cloud: { ...s.cloud, auth: { ...s.cloud.auth, roles } } });
    expect(run(as(['member']), 'openstack loadbalancer list').err).toMatch(/^Policy does not allow this request to be performed\. \(HTTP 403\)/);
    const observer = as(['reader', 'load-balancer_observer']);
    expect(run(observer, 'openstack loadbalancer list -f value -c name').out).toBe('lb1\n');
    expect(run(observer, 'openstack loadbalancer set --name x lb1').err).toMatch(/\(HTTP 403\)/);
    expect(run(s, 'openstack loadbalancer quota defaults show').err).toMatch(/\(HTTP 403\)/);
  });

  it('shows another project nothing by name and refuses it by id (403)', () => {
    const s = member();
    const id = lbOf(s.cloud).id;
    const other: SessionState = { ...s, cloud: { ...s.cloud, auth: { ...s.cloud.auth, projectId: 'other-project' } } };
    expect(run(other, 'openstack loadbalancer show lb1').err).toBe('Unable to locate lb1 in loadbalancers\n');
    expect(run(other, `openstack loadbalancer show ${id}`).err).toMatch(/^Policy does not allow this request to be performed\. \(HTTP 403\)/);
    expect(run(other, `openstack loadbalancer delete ${id}`).err).toBe(`Unable to locate ${id} in loadbalancers\n`);
  });

  it("takes an HTTP monitor with --http-version 1.0 and shows it as Python's float", () => {
    const s = all(member(), [
      'openstack loadbalancer listener create --name http --protocol HTTP --protocol-port 80 lb1',
      'openstack loadbalancer pool create --name p --lb-algorithm ROUND_ROBIN --listener http --protocol HTTP',
    ]);
    const r = run(s, 'openstack loadbalancer healthmonitor create --delay 5 --max-retries 3 --timeout 4 --type HTTP --http-version 1.0 p -f value -c http_version');
    expect(r.err).toBe('');
    expect(r.out).toBe('1.0\n');
  });

  it('enforces a quota an admin set (Quota has been met, 403)', () => {
    const s = member();
    const admin: SessionState = { ...s, cloud: { ...s.cloud, auth: { ...s.cloud.auth, admin: true, roles: ['admin'] } } };
    const set = run(admin, `openstack loadbalancer quota set --loadbalancer 1 ${s.cloud.auth.projectId} -f value -c load_balancer`);
    expect(set.err).toBe('');
    expect(set.out).toBe('1\n');
    const back: SessionState = { ...set.state, cloud: { ...set.state.cloud, auth: s.cloud.auth } };
    const r = run(back, 'openstack loadbalancer create --name lb2 --vip-subnet-id web-sub');
    expect(r.err).toMatch(/^Quota has been met for resources: Load Balancer \(HTTP 403\)/);
  });

  it("counts each VIP port against the project's Neutron port quota: no unbounded load balancers", () => {
    const m = member();
    const used = m.cloud.ports.filter((p) => p.projectId === m.cloud.auth.projectId).length;
    const limit = used + 3;
    const s: SessionState = { ...m, cloud: { ...m.cloud, quotas: { ...m.cloud.quotas, port: limit } } };
    let st = s;
    for (let i = used; i < limit; i++) st = all(st, [`openstack loadbalancer create --name extra${i} --vip-subnet-id web-sub`]);
    const r = run(st, 'openstack loadbalancer create --name one-too-many --vip-subnet-id web-sub');
    expect(r.err).toMatch(/^Provider 'amphora' reports error: Quota exceeded for resources: \['port'\]\. \(HTTP 500\)/);
    expect(r.state.cloud.octavia?.loadBalancers.length).toBe(st.cloud.octavia?.loadBalancers.length);
  });
});
