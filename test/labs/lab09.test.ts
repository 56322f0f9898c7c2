/**
 * Lab 09 (byoip-provider): the whole solution ends at 100 %, and the near misses a provider's
 * admin makes (a pool shared with everyone, a speaker left unbound or without an agent, a subnet
 * in the wrong network or outside the scope) do not pass and say why.
 */
import { describe, expect, it } from 'vitest';
import { attempt } from '../support/lab-attempt.js';
import { labCheck, loadLabs } from '../../server/labs/cli.js';
import { labFor } from '../../server/labs/parse.js';

const LAB = (() => {
  const l = loadLabs().find((x) => x.id === 'byoip-provider');
  if (!l) throw new Error('no lab byoip-provider');
  return labFor(l, 'lab09-test');
})();

const solution = (stepId: string) => LAB.steps.find((s) => s.id === stepId)?.solution ?? [];

describe('lab 09 (byoip-provider)', () => {
  it('passes lab check: every shown command runs, every step passes after its solution', () => {
    const r = labCheck(['labs/09-byoip-provider.md']);
    expect(r.output).toBe('ok   labs/09-byoip-provider.md  byoip-provider: 8 steps, 17 checks\n1 of 1 labs ok\n');
    expect(r.exitCode).toBe(0);
  });

  it('the whole solution ends at 100 %: acme-private is still SNATed through the gateway the first question asked for', () => {
    const failing = Object.values(attempt(LAB, null, [])).filter((c) => !c.passed);
    expect(failing.map((c) => `${c.id}: ${c.why}`)).toEqual([]);
  });

  it('scope: an unshared scope does not pass, and the pool must be in it', () => {
    const r = attempt(LAB, 'scope', ['openstack address scope create --ip-version 4 public-v4']);
    expect(r['scope-1']).toMatchObject({ passed: false, state: 'fail', why: 'address scope public-v4 is not shared with every project' });
    expect(r['scope-2']).toMatchObject({ passed: false, why: 'subnet pool provider-v4 has address_scope None, expected public-v4' });
  });

  it('router rules: the private subnet does not leave with its own address', () => {
    const r = attempt(LAB, 'router-rules', solution('router-rules'), { 'private-source': '10.20.0.5' });
    expect(r['router-rules-1']?.passed).toBe(true);
    expect(r['private-source']).toMatchObject({ passed: false, why: '10.20.0.5 is not the right answer' });
  });

  it('pool: shared with every project is not acme only', () => {
    const r = attempt(LAB, 'pool', ['openstack subnet pool create --share --address-scope public-v4 --pool-prefix 198.18.20.0/24 --default-prefix-length 26 acme-byoip-v4']);
    expect(r['pool-1']?.passed).toBe(true);
    expect(r['pool-2']).toMatchObject({ passed: false, why: 'subnet pool acme-byoip-v4 is shared with every project, not with acme only' });
  });

  it('pool: a pool outside the scope, not shared yet', () => {
    const r = attempt(LAB, 'pool', ['openstack subnet pool create --pool-prefix 198.18.20.0/24 acme-byoip-v4']);
    expect(r['pool-1']).toMatchObject({ passed: false, why: 'subnet pool acme-byoip-v4 has address_scope None, expected public-v4' });
    expect(r['pool-2']).toMatchObject({ passed: false, why: 'subnet pool acme-byoip-v4 is not shared with acme: no RBAC policy gives acme access_as_shared on it' });
  });

  it('speaker: unbound, then a second speaker the agent does not host', () => {
    expect(attempt(LAB, 'speaker', [solution('speaker')[0] ?? ''])['speaker-1']?.why).toBe('BGP speaker public-speaker is not bound to network public (it is bound to no network)');
    const second = attempt(LAB, 'speaker', ['openstack bgp speaker create --local-as 64512 draft', ...solution('speaker')]);
    expect(second['speaker-1']?.why).toBe('no BGP dynamic routing agent hosts BGP speaker public-speaker (the agent on network already hosts BGP speaker draft, and an agent hosts one speaker)');
  });

  it('peer: the wrong AS does not pass', () => {
    const r = attempt(LAB, 'peer', ['openstack bgp peer create --peer-ip 198.51.100.1 --remote-as 64512 upstream', 'openstack bgp speaker add peer public-speaker upstream']);
    expect(r['peer-1']).toMatchObject({ passed: false, why: 'BGP peer upstream is in AS 64512, not 64496' });
    expect(r['peer-2']?.passed).toBe(true);
  });

  it('customer subnet: a subnet made without --project is the admin’s', () => {
    const r = attempt(LAB, 'customer-subnet', solution('customer-subnet').map((l) => l.replace(' --project acme', '')));
    expect(r['customer-subnet-1']).toMatchObject({ passed: false, why: 'subnet acme-public-v4 has project admin, expected acme' });
  });

  it('routes: a subnet not attached to acme-router is not advertised, and the check says why', () => {
    const r = attempt(LAB, 'routes', [], { 'not-announced': '198.18.20.0/26' });
    expect(r['not-announced']).toMatchObject({ passed: false, why: '198.18.20.0/26 is not the right answer' });
    const detached = attempt(LAB, 'customer-subnet', solution('customer-subnet').slice(0, 2));
    expect(detached['routes-1']).toMatchObject({ passed: false, state: 'fail', why: "subnet acme-public-v4 is on no router's interface, so nothing routes it" });
  });

  it('routes: the private range answers the question by name or by CIDR', () => {
    expect(attempt(LAB, null, [], { 'not-announced': 'acme-private' })['not-announced']?.passed).toBe(true);
    expect(attempt(LAB, null, [], { 'not-announced': '10.20.0.0/24' })['not-announced']?.passed).toBe(true);
  });
});
