/**
 * Lab 08 (bring-your-own-ip): the whole solution ends at 100 % (the private subnet of the last
 * step leaves the earlier checks standing), and the near misses a learner makes (a subnet given
 * by hand, a gateway on the unscoped ext-floating1, a VM without the group, a wrong next hop) do
 * not pass and say why.
 */
import { describe, expect, it } from 'vitest';
import { attempt } from '../support/lab-attempt.js';
import { runLine } from '../../server/shell/session.js';
import { grade } from '../../server/labs/grade.js';
import { labCheck, labSession, loadLabs } from '../../server/labs/cli.js';
import { historyCommand } from '../../server/labs/history.js';
import { instantiate, labFor } from '../../server/labs/parse.js';
import { readFileSync } from 'node:fs';
import type { HistoryCommand } from '../../server/labs/types.js';
import { routerTables } from '../../server/sim/dataplane/iptables.js';
import { iptablesSave } from '../../server/render/iptables.js';

const LAB = (() => {
  const l = loadLabs().find((x) => x.id === 'bring-your-own-ip');
  if (!l) throw new Error('no lab bring-your-own-ip');
  return labFor(l, 'lab08-test');
})();
const VM = LAB.values['vm'] ?? '';
const LEN = LAB.values['len'] ?? '';

const solution = (stepId: string) => LAB.steps.find((s) => s.id === stepId)?.solution ?? [];

describe('lab 08 (bring-your-own-ip)', () => {
  it('passes lab check: every shown command runs, every step passes after its solution', () => {
    const r = labCheck(['labs/08-bring-your-own-ip.md']);
    expect(r.output).toMatch(/^ok {3}labs\/08-bring-your-own-ip\.md {2}bring-your-own-ip: 8 steps, \d+ checks\n1 of 1 labs ok\n$/);
    expect(r.exitCode).toBe(0);
  });

  it('the whole solution ends at 100 %: the private subnet leaves byoip-subnet un-NATed and reachable', () => {
    const failing = Object.values(attempt(LAB, null, [])).filter((c) => !c.passed);
    expect(failing.map((c) => `${c.id}: ${c.why}`)).toEqual([]);
  });

  it('pool: the range and the network of the same scope, as the learner would type them', () => {
    const r = attempt(LAB, 'subnet', [], { 'my-range': '198.18.10.0/24', 'same-scope': 'ext-floating1' });
    expect(r['my-range']?.passed).toBe(true);
    expect(r['same-scope']?.passed).toBe(false);
  });

  it('subnet: a range given by hand has no pool, and the wrong size says which', () => {
    const r = attempt(LAB, 'subnet', ['openstack network create byoip-net', 'openstack subnet create byoip-subnet --network byoip-net --subnet-range 198.18.10.0/26']);
    expect(r['subnet-1']).toMatchObject({ passed: false, why: 'byoip-subnet must be a subnet of byoip-net taken from the pool pub1-byoip-v4 (a range given by hand has no pool, so no address scope)' });
    const other = LEN === '28' ? '27' : '28';
    const size = attempt(LAB, 'subnet', [solution('subnet')[0] ?? '', `openstack subnet create byoip-subnet --network byoip-net --subnet-pool pub1-byoip-v4 --prefix-length ${other}`]);
    expect(size['subnet-1']?.passed).toBe(true);
    expect(size['subnet-2']?.why).toBe(`subnet byoip-subnet has prefix_length ${other}, expected ${LEN}`);
  });

  it('router: a gateway on ext-floating1 SNATs the subnet, and the check says why', () => {
    const r = attempt(LAB, 'router', solution('router').map((l) => l.replace('ext-provider1', 'ext-floating1')));
    expect(r['router-2']?.why).toBe('router byoip-router has its gateway on ext-floating1, not on ext-provider1');
    expect(r['router-3']?.why).toMatch(/^byoip-subnet \(address scope public-v4\) is not in the scope of byoip-router's external network ext-floating1 \(no address scope\): byoip-router SNATs its traffic to 192\.0\.2\.\d+$/);
  });

  it('vm and reach: a VM created without the byoip group is not in it; behind ext-floating1 its own address is not reachable, and the check says what to look at', () => {
    const bare = attempt(LAB, 'vm', solution('vm').map((l) => l.replace(' --security-group byoip', '')));
    expect(bare['vm-4']?.why).toMatch(/has security_groups default, expected byoip$/);
    let s = labSession(LAB);
    const hist: HistoryCommand[] = [];
    const steps = LAB.steps.slice(0, LAB.steps.findIndex((x) => x.id === 'reach'));
    for (const st of steps) {
      for (const l of st.id === 'router' ? st.solution.map((x) => x.replace('ext-provider1', 'ext-floating1')) : st.solution) {
        const r = runLine(s, l);
        s = r.state;
        hist.push(historyCommand(l, r.result));
      }
    }
    const g = grade(LAB, s.cloud, [...hist, { line: 'ping -c 1 198.18.10.2' }]);
    const reach1 = g.steps.find((x) => x.id === 'reach')?.checks[0];
    expect(reach1?.why).toBe(`the laptop gets no answer from ${VM}'s own address: does the byoip group let ping in, is ${VM} in it, and is byoip-router's gateway on ext-provider1 (only subnets of its address scope are announced)?`);
  });

  it('bgp: the next hop is the router’s gateway address, not the upstream router’s', () => {
    const r = attempt(LAB, 'bgp', [], { 'next-hop': '198.51.100.1', announced: '198.18.10.0/24' });
    expect(r['next-hop']?.passed).toBe(false);
    expect(r['announced']?.passed).toBe(false);
    expect(attempt(LAB, 'bgp', [])['next-hop']?.passed).toBe(true);
  });

  it('scopes: a private subnet on a router of its own is neither SNATed by byoip-router nor cut off by it', () => {
    const r = attempt(LAB, 'scopes', [
      'openstack network create private-net',
      'openstack subnet create private-subnet --network private-net --subnet-range 10.8.0.0/24',
      'openstack router create private-router',
      'openstack router add subnet private-router private-subnet',
    ]);
    expect(r['scopes-1']?.why).toBe('router byoip-router has no interface on subnet private-subnet');
    expect(r['scopes-2']?.why).toBe('router byoip-router has no interface on subnet private-subnet');
    expect(r['scopes-4']?.passed).toBe(true);
  });

  it('the rules and routes the prose quotes are what the simulator builds for the solution (a /27, whoever the VM is)', () => {
    const blocks = [...readFileSync(LAB.file, 'utf8').matchAll(/```text\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').split('\n').filter((l) => l !== ''));
    expect(blocks).toHaveLength(3);
    const template = loadLabs().find((x) => x.id === 'bring-your-own-ip');
    if (!template) throw new Error('no lab');
    for (const vm of ['app-1', 'web-1', 'api-1']) {
      const lab = instantiate(template, { vm, len: '27' });
      let state = labSession(lab);
      const seen: Record<string, string> = {};
      for (const step of lab.steps) {
        for (const line of step.solution) state = runLine(state, line).state;
        const router = state.cloud.routers.find((r) => r.name === 'byoip-router');
        if (router) seen[step.id] = iptablesSave(routerTables(state.cloud, router), 0);
        if (step.id === 'bgp') {
          const admin = { ...state, cloud: { ...state.cloud, auth: { ...state.cloud.auth, admin: true } } };
          seen['routes'] = `$ openstack bgp speaker list advertised routes ext-provider1-v4\n${runLine(admin, 'openstack bgp speaker list advertised routes ext-provider1-v4').result.stdout}`;
        }
      }
      const [noSnat, routes, scopes] = blocks;
      for (const l of noSnat ?? []) expect(seen['no-snat']?.split('\n'), `${vm}: ${l}`).toContain(l);
      expect(routes?.join('\n')).toBe(seen['routes']?.trimEnd());
      for (const l of scopes ?? []) expect(seen['scopes']?.split('\n'), `${vm}: ${l}`).toContain(l);
    }
  });
});

