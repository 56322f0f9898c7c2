/**
 * Lab 07 (load-balancing): the whole solution ends at 100 % (the failure step leaves web-2
 * stopped, and the earlier steps' checks still hold), near misses of each step do not pass and
 * say why in a learner's words, and the variants that really do the job still pass.
 */
import { describe, expect, it } from 'vitest';
import { attempt } from '../support/lab-attempt.js';
import { runLine } from '../../server/shell/session.js';
import { grade } from '../../server/labs/grade.js';
import { labCheck, labSession, loadLabs } from '../../server/labs/cli.js';
import { labFor } from '../../server/labs/parse.js';

const LAB = (() => {
  const l = loadLabs().find((x) => x.id === 'load-balancing');
  if (!l) throw new Error('no lab load-balancing');
  return labFor(l, 'lab07-test');
})();

const solution = (stepId: string) => LAB.steps.find((s) => s.id === stepId)?.solution ?? [];

describe('lab 07 (load-balancing)', () => {
  it('passes lab check: every shown command runs, every step passes after its solution', () => {
    const r = labCheck(['labs/07-load-balancing.md']);
    expect(r.output).toMatch(/^ok {3}labs\/07-load-balancing\.md {2}load-balancing: 8 steps, \d+ checks\n1 of 1 labs ok\n$/);
    expect(r.exitCode).toBe(0);
  });

  it('the whole solution ends at 100 %: the checks of the steps before the failure still hold with web-2 stopped', () => {
    const failing = Object.values(attempt(LAB, null, [])).filter((c) => !c.passed);
    expect(failing.map((c) => `${c.id}: ${c.why}`)).toEqual([]);
  });

  it('web servers: a VM booted without the script does not serve, and the check says why', () => {
    const lines = solution('web-servers').map((l) => (l.endsWith(' web-2') ? l.replace(' --user-data web-server.sh', '') : l));
    const r = attempt(LAB, 'web-servers', lines);
    expect(r['web-servers-1']?.passed).toBe(true);
    expect(r['web-servers-2']).toMatchObject({ passed: false, why: 'server web-2 was created without user data, so nothing starts a web server in it' });
  });

  it('web servers: port 80 open only to the laptop, not to the subnet, does not pass the reach check', () => {
    const lines = solution('web-servers').map((l) => l.replace(/--remote-ip 10\.\d+\.0\.0\/24/, '--remote-ip 203.0.113.10/32'));
    const r = attempt(LAB, 'web-servers', lines);
    expect(r['web-servers-5']).toMatchObject({ passed: false, state: 'fail', why: expect.stringMatching(/^the web group has no rule that lets TCP port 80 in from web-subnet \(10\.\d+\.0\.0\/24\)$/) });
    // Open to anywhere also lets the amphora in: that passes.
    const open = attempt(LAB, 'web-servers', solution('web-servers').map((l) => l.replace(/ --remote-ip \S+/, '')));
    expect(open['web-servers-5']?.passed).toBe(true);
  });

  it('load balancer: a VIP on another subnet does not pass; the question wants the VIP port’s id', () => {
    const r = attempt(LAB, 'load-balancer', [
      'openstack network create other-net',
      'openstack subnet create other-subnet --network other-net --subnet-range 10.250.0.0/24',
      'openstack loadbalancer create --name web-lb --vip-subnet-id other-subnet',
    ]);
    expect(r['load-balancer-1']).toMatchObject({ passed: false, why: 'load balancer web-lb has its VIP on other-subnet, not on web-subnet' });
    const unanswered = attempt(LAB, 'load-balancer', solution('load-balancer'), false);
    expect(unanswered['vip-port']).toMatchObject({ passed: false, state: 'todo' });
  });

  it('listener and pool: TCP instead of HTTP, LEAST_CONNECTIONS instead of ROUND_ROBIN, a pool that is nobody’s default', () => {
    const r = attempt(LAB, 'listener-pool', [
      'openstack loadbalancer listener create --name web-listener --protocol TCP --protocol-port 80 web-lb',
      'openstack loadbalancer pool create --name web-pool --lb-algorithm LEAST_CONNECTIONS --listener web-listener --protocol TCP',
    ]);
    expect(r['listener-pool-1']?.why).toBe('load balancer web-lb has no such listener (its listeners: web-listener TCP on port 80)');
    expect(r['listener-pool-2']?.why).toBe('pool web-pool speaks TCP, not HTTP');
    const loose = attempt(LAB, 'listener-pool', [
      'openstack loadbalancer listener create --name web-listener --protocol HTTP --protocol-port 80 web-lb',
      'openstack loadbalancer pool create --name web-pool --lb-algorithm ROUND_ROBIN --loadbalancer web-lb --protocol HTTP',
    ]);
    expect(loose['listener-pool-1']?.passed).toBe(true);
    expect(loose['listener-pool-2']?.why).toBe('pool web-pool is not the default pool of listener web-listener');
  });

  it('members: the wrong port, or only one server', () => {
    const r = attempt(LAB, 'members', [
      `IP1=$(openstack server show web-1 -f value -c addresses | cut -d"'" -f4)`,
      'openstack loadbalancer member create --subnet-id web-subnet --address $IP1 --protocol-port 8080 web-pool',
    ]);
    expect(r['members-1']?.why).toBe("web-1's member of web-pool is on port 8080, not 80");
    expect(r['members-2']?.why).toMatch(/^no member of pool web-pool has web-2's address \(10\.\d+\.0\.\d+\); its members: 10\.\d+\.0\.\d+:8080$/);
  });

  it('health monitor: a member the amphora cannot reach is ERROR while its VM runs, and the check says so', () => {
    const r = attempt(LAB, 'health-monitor', [
      'openstack security group rule delete $(openstack security group rule list web --protocol tcp -f value -c ID)',
      ...solution('health-monitor'),
    ]);
    expect(r['health-monitor-1']?.passed).toBe(true);
    expect(r['health-monitor-2']?.why).toMatch(/^member 10\.\d+\.0\.\d+:80 \(web-1\) is ERROR \(the health monitor gets no answer from it\) although web-1 is running$/);
    const tcp = attempt(LAB, 'health-monitor', ['openstack loadbalancer healthmonitor create --delay 5 --timeout 4 --max-retries 3 --type TCP web-pool']);
    expect(tcp['health-monitor-1']?.why).toBe("pool web-pool's health monitor is TCP, not HTTP");
    expect(tcp['health-monitor-2']?.passed).toBe(true);
  });

  it('floating IP: on a web server instead of the VIP does not pass', () => {
    const r = attempt(LAB, 'floating-ip', ['openstack server add floating ip web-1 $(openstack floating ip create ext-floating1 -f value -c floating_ip_address)']);
    expect(r['floating-ip-1']).toMatchObject({ passed: false, why: expect.stringMatching(/^no floating IP is associated with the VIP port of web-lb \(10\.\d+\.0\.\d+\)$/) });
    expect(r['floating-ip-2']).toMatchObject({ passed: false, why: "load balancer web-lb's VIP has no floating IP" });
  });

  it('failure: stopping web-1 instead of web-2 does not pass, though the service stays up', () => {
    const r = attempt(LAB, 'failure', ['openstack server stop web-1', 'openstack loadbalancer status show web-lb']);
    expect(r['failure-1']).toMatchObject({ passed: false, why: 'server web-2 has status ACTIVE, expected SHUTOFF' });
    expect(r['failure-2']?.why).toMatch(/^member 10\.\d+\.0\.\d+:80 \(web-2\) is ONLINE, not ERROR$/);
    expect(r['failure-3']?.passed).toBe(true);
    expect(r['failure-4']?.why).toBe('web-1 is not running: it cannot answer');
  });

  it('failure: without a health monitor the member is not marked, and the load balancer is not DEGRADED', () => {
    let state = labSession(LAB);
    for (const s of LAB.steps.slice(0, LAB.steps.findIndex((x) => x.id === 'failure'))) for (const l of s.solution) state = runLine(state, l).state;
    for (const l of ['openstack loadbalancer healthmonitor delete web-check', 'openstack server stop web-2']) state = runLine(state, l).state;
    const g = grade(LAB, state.cloud, [{ line: 'openstack server stop web-2' }]);
    const checks = Object.fromEntries(g.steps.flatMap((s) => s.checks.map((c) => [c.id, c])));
    expect(checks['failure-2']?.why).toMatch(/is NO_MONITOR \(no health monitor checks it\), not ERROR$/);
    expect(checks['failure-3']?.why).toBe('load balancer web-lb is ONLINE, not DEGRADED');
  });
});
