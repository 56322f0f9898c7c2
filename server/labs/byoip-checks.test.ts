/**
 * The address-scope check kinds (subnet-snat, scope-drop) on the public cloud, whose pool
 * pub1-byoip-v4 is in the scope public-v4 of ext-provider1 while ext-floating1 has no scope:
 * clouds built by real commands, graded as a lab would.
 */
import { describe, expect, it } from 'vitest';
import { LabError } from './parse.js';
import { labWith, one, session } from '../../test/labs/helpers.js';

const BYOIP = [
  'openstack network create byoip-net',
  'openstack subnet create byoip-subnet --network byoip-net --subnet-pool pub1-byoip-v4',
  'openstack router create byoip-router',
  'openstack router add subnet byoip-router byoip-subnet',
];
const PRIVATE = [
  'openstack network create private-net',
  'openstack subnet create private-subnet --network private-net --subnet-range 10.8.0.0/24',
  'openstack router add subnet byoip-router private-subnet',
];
const ON_PROVIDER = 'openstack router set --external-gateway ext-provider1 byoip-router';
const ON_FLOATING = 'openstack router set --external-gateway ext-floating1 byoip-router';

const gatewayIp = (s: ReturnType<typeof session>) =>
  s.cloud.routers.find((r) => r.name === 'byoip-router')?.gateway?.externalFixedIps.find((f) => !f.ipAddress.includes(':'))?.ipAddress ?? '';

describe('subnet-snat', () => {
  const own = 'type: subnet-snat\nrouter: byoip-router\nsubnet: byoip-subnet\nenabled: false';
  const nat = 'type: subnet-snat\nrouter: byoip-router\nsubnet: private-subnet';

  it('a subnet of the external network’s scope leaves with its own addresses, though the gateway has SNAT on', () => {
    const s = session('public-cloud', [...BYOIP, ON_PROVIDER]);
    expect(s.cloud.routers.find((r) => r.name === 'byoip-router')?.gateway?.enableSnat).toBe(true);
    expect(one(own, s)).toMatchObject({
      passed: true,
      title: 'router byoip-router lets byoip-subnet out with its own addresses (no SNAT)',
      why: "byoip-subnet (address scope public-v4) is in the scope of byoip-router's external network ext-provider1 (address scope public-v4): its traffic leaves with its own addresses",
    });
  });

  it('behind a gateway on an unscoped external network the same subnet is SNATed, and the check says to what', () => {
    const s = session('public-cloud', [...BYOIP, ON_FLOATING]);
    const r = one(own, s);
    expect(r).toMatchObject({ passed: false, state: 'fail' });
    expect(r.why).toBe(`byoip-subnet (address scope public-v4) is not in the scope of byoip-router's external network ext-floating1 (no address scope): byoip-router SNATs its traffic to ${gatewayIp(s)}`);
    expect(one('type: subnet-snat\nrouter: byoip-router\nsubnet: byoip-subnet', s).passed).toBe(true);
  });

  it('an unscoped subnet on the same router is SNATed (the default), and not let out with its own addresses', () => {
    const s = session('public-cloud', [...BYOIP, ...PRIVATE, ON_PROVIDER]);
    expect(one(nat, s)).toMatchObject({ passed: true, title: 'router byoip-router SNATs what leaves private-subnet' });
    expect(one(`${nat}\nenabled: false`, s).why).toMatch(/^private-subnet \(no address scope\) is not in the scope of byoip-router's external network ext-provider1 \(address scope public-v4\): byoip-router SNATs its traffic to 198\.51\.100\.\d+$/);
    expect(one(own, s).passed).toBe(true);
  });

  it('with SNAT off, the scope still lets byoip-subnet out, and the unscoped subnet is dropped, not let out', () => {
    // Only an administrator may turn SNAT off (Neutron's policy on enable_snat): set on the model.
    const on = session('public-cloud', [...BYOIP, ...PRIVATE, ON_PROVIDER]);
    const routers = on.cloud.routers.map((r) => (r.gateway ? { ...r, gateway: { ...r.gateway, enableSnat: false } } : r));
    const s = { ...on, cloud: { ...on.cloud, routers } };
    expect(one(own, s).passed).toBe(true);
    const r = one(`${nat}\nenabled: false`, s);
    expect(r.passed).toBe(false);
    expect(r.why).toMatch(/^private-subnet \(no address scope\) is not in the scope of byoip-router's external network ext-provider1 \(address scope public-v4\) and SNAT is off: SNAT disabled: the router drops traffic from no address scope/);
    expect(one(nat, s).passed).toBe(false);
  });

  it('IPv6 is never NATed', () => {
    const s = session('public-cloud', [
      ...BYOIP,
      'openstack subnet create v6-subnet --network byoip-net --ip-version 6 --subnet-range 2001:db8:8::/64',
      'openstack router add subnet byoip-router v6-subnet',
      ON_FLOATING,
    ]);
    expect(one('type: subnet-snat\nrouter: byoip-router\nsubnet: v6-subnet\nenabled: false', s)).toMatchObject({ passed: true, why: 'v6-subnet is IPv6, which a router never NATs' });
  });

  it('says what is missing: the router, the subnet, the gateway, the interface; todo until a router or subnet changes', () => {
    const start = session('public-cloud', ['openstack subnet pool list']);
    expect(one(own, start)).toMatchObject({ passed: false, state: 'todo', why: 'there is no router named byoip-router' });
    expect(one(own, session('public-cloud', ['openstack router create byoip-router'])).why).toBe('there is no subnet named byoip-subnet');
    expect(one(own, session('public-cloud', BYOIP))).toMatchObject({ state: 'fail', why: 'router byoip-router has no external gateway: nothing leaves it for the Internet' });
    const unattached = session('public-cloud', [...BYOIP.slice(0, 3), ON_PROVIDER]);
    expect(one(own, unattached).why).toBe('router byoip-router has no interface on subnet byoip-subnet');
  });
});

describe('scope-drop', () => {
  const y = 'type: scope-drop\nrouter: byoip-router\nfrom: byoip-subnet\nto: private-subnet';

  it('passes for subnets of different scopes on one router, with or without a gateway', () => {
    for (const s of [session('public-cloud', [...BYOIP, ...PRIVATE]), session('public-cloud', [...BYOIP, ...PRIVATE, ON_PROVIDER])]) {
      expect(one(y, s)).toMatchObject({
        passed: true,
        title: 'router byoip-router drops traffic between byoip-subnet and private-subnet',
        why: 'byoip-subnet (address scope public-v4) and private-subnet (no address scope): the router drops traffic between address scopes: from address scope public-v4 to no address scope (filter chain neutron-l3-agent-scope)',
      });
    }
  });

  it('fails when both subnets are in one scope, or one is not on the router', () => {
    const same = session('public-cloud', [
      'openstack network create a-net',
      'openstack subnet create byoip-subnet --network a-net --subnet-range 10.9.0.0/24',
      'openstack router create byoip-router',
      'openstack router add subnet byoip-router byoip-subnet',
      ...PRIVATE,
    ]);
    expect(one(y, same)).toMatchObject({ passed: false, why: 'byoip-subnet and private-subnet are both in no address scope: router byoip-router routes between them' });
    expect(one(y, session('public-cloud', [...BYOIP, ...PRIVATE.slice(0, 2)])).why).toBe('router byoip-router has no interface on subnet private-subnet');
    expect(one(y, session('public-cloud', BYOIP)).why).toBe('there is no subnet named private-subnet');
  });

  it('is todo before anything changed, and rejects a check without its subnets', () => {
    expect(one(y, session('public-cloud', []))).toMatchObject({ state: 'todo', why: 'there is no router named byoip-router' });
    expect(() => labWith('type: scope-drop\nrouter: byoip-router\nfrom: byoip-subnet')).toThrow(LabError);
  });
});
