/**
 * neutron-dynamic-routing beyond the golden transcripts (45–49): the routes each speaker
 * advertises (advertisedPrefixes, which the reach query asks), AS-number and peer-address
 * input (the DR agent: dragent.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';
import { advertisedPrefixes } from '../../server/sim/api/neutron/bgp.js';

function run(s: SessionState, line: string): { s: SessionState; out: string; err: string; code: number } {
  const r = runLine(s, line);
  return { s: r.state, out: r.result.stdout, err: r.result.stderr, code: r.result.exitCode };
}

function setup(lines: string[]): SessionState {
  let s = createSession({ fixture: 'empty' });
  for (const l of lines) {
    const r = run(s, l);
    if (r.code !== 0) throw new Error(`${l}: ${r.err}`);
    s = r.s;
  }
  return s;
}

/** A scope with its pool, an external network of the scope, a scoped and an unscoped tenant subnet behind r1. */
const SCOPED = [
  'openstack address scope create --share byoip',
  'openstack subnet pool create --address-scope byoip --pool-prefix 203.0.113.0/24 --pool-prefix 198.51.100.0/24 --share customer',
  'openstack network create --external ext',
  'openstack subnet create --network ext --subnet-pool customer --subnet-range 203.0.113.0/26 --no-dhcp ext-sub',
  'openstack network create net1',
  'openstack subnet create --network net1 --subnet-pool customer --subnet-range 198.51.100.0/26 sub1',
  'openstack network create net2',
  'openstack subnet create --network net2 --subnet-range 10.0.0.0/24 plain',
  'openstack router create r1',
  'openstack router set --external-gateway ext --fixed-ip subnet=ext-sub,ip-address=203.0.113.10 r1',
  'openstack router add subnet r1 sub1',
  'openstack router add subnet r1 plain',
  'openstack bgp speaker create --local-as 64512 s1',
];

const routes = (s: SessionState) => advertisedPrefixes(s.cloud).map(({ destination, nextHop }) => `${destination} via ${nextHop}`);

describe('advertisedPrefixes', () => {
  it('announces nothing without a speaker, or from a speaker bound to no network', () => {
    expect(advertisedPrefixes(setup([]).cloud)).toEqual([]);
    expect(advertisedPrefixes(setup(SCOPED).cloud)).toEqual([]);
  });

  it("announces the scope's tenant subnets behind a router with its gateway on the speaker's network, via the gateway address", () => {
    const s = setup([...SCOPED, 'openstack bgp speaker add network s1 ext']);
    const id = s.cloud.bgp?.speakers[0]?.id;
    expect(advertisedPrefixes(s.cloud)).toEqual([{ destination: '198.51.100.0/26', nextHop: '203.0.113.10', speakerId: id }]);
  });

  it('adds associated floating IPs as /32 host routes first, and follows the advertise flags', () => {
    let s = setup([
      ...SCOPED,
      'openstack bgp speaker add network s1 ext',
      'openstack port create --network net2 vm',
      'openstack floating ip create --floating-ip-address 203.0.113.30 ext',
      'openstack floating ip create --floating-ip-address 203.0.113.31 --port vm ext',
    ]);
    expect(routes(s)).toEqual(['203.0.113.31/32 via 203.0.113.10', '198.51.100.0/26 via 203.0.113.10']);
    s = run(s, 'openstack bgp speaker set --no-advertise-tenant-networks s1').s;
    expect(routes(s)).toEqual(['203.0.113.31/32 via 203.0.113.10']);
    s = run(s, 'openstack bgp speaker set --no-advertise-floating-ip-host-routes s1').s;
    expect(routes(s)).toEqual([]);
  });

  it('leaves out routers whose gateway is elsewhere, and stops when the router leaves or the network goes', () => {
    let s = setup([...SCOPED, 'openstack bgp speaker add network s1 ext', 'openstack network create --external other', 'openstack subnet create --network other --subnet-range 192.0.2.0/24 other-sub']);
    s = run(s, 'openstack router set --external-gateway other r1').s;
    expect(routes(s)).toEqual([]);
    s = run(s, 'openstack router set --external-gateway ext r1').s;
    expect(routes(s)).toHaveLength(1);
    s = run(s, 'openstack router remove subnet r1 sub1').s;
    expect(routes(s)).toEqual([]);
    s = run(s, 'openstack router add subnet r1 sub1').s;
    s = run(s, 'openstack bgp speaker remove network s1 ext').s;
    expect(routes(s)).toEqual([]);
  });

  it('announces no IPv4 tenant subnet from an IPv6 speaker, but floating IP host routes all the same', () => {
    const s = setup([
      ...SCOPED,
      'openstack bgp speaker create --local-as 64513 --ip-version 6 s6',
      'openstack bgp speaker add network s6 ext',
      'openstack port create --network net1 vm',
      'openstack floating ip create --port vm ext',
    ]);
    expect(routes(s)).toEqual([expect.stringMatching(/^203\.0\.113\.\d+\/32 via 203\.0\.113\.10$/)]);
  });
});

describe('AS numbers and peer addresses', () => {
  const s0 = setup([]);
  it.each([
    [' 12 ', 12],
    ['+7', 7],
    ['1_000', 1000],
    ['4294967295', 4294967295],
  ])('takes %j as Python int() does', (raw, want) => {
    const r = run(s0, `openstack bgp speaker create --local-as '${raw}' s -f value -c local_as`);
    expect([r.code, r.out]).toEqual([0, `${want}\n`]);
  });

  it.each([
    ['-5', "'-5' is too small - must be at least '1'."],
    ['99999999999999999999', "'99999999999999999999' is too large - must be no larger than '4294967295'."],
    ['0x10', "'0x10' is not an integer."],
    ['', "'' is not an integer."],
    ['1.0', "'1.0' is not an integer."],
  ])('refuses %j as Neutron does', (raw, reason) => {
    const r = run(s0, `openstack bgp speaker create --local-as '${raw}' s`);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^Invalid input for local_as\\. Reason: ${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\nNeutron server returns request_ids: \\['req-[0-9a-f-]{36}'\\]\\n$`));
    expect(r.s.cloud.bgp).toBeUndefined();
  });

  it.each(['10.0.0.1/24', ' 10.0.0.1', 'fe80::1%eth0', 'x'.repeat(300)])('refuses the peer address %j', (ip) => {
    const r = run(s0, `openstack bgp peer create --peer-ip '${ip}' --remote-as 1 p`);
    expect(r.err.split('\n')[0]).toBe(`Invalid input for peer_ip. Reason: '${ip}' is not a valid IP address.`);
  });

  it('refuses an IPv4 address with leading zeros, naming the canonical one', () => {
    const r = run(s0, 'openstack bgp peer create --peer-ip 010.0.0.1 --remote-as 1 p');
    expect(r.err.split('\n')[0]).toBe("Invalid input for peer_ip. Reason: '010.0.0.1' is not an accepted IP address, '10.0.0.1' is recommended.");
  });

  it('lets --no-advertise-… win over --advertise-… given together, as the client builds its body', () => {
    const r = run(s0, 'openstack bgp speaker create --local-as 1 --advertise-tenant-networks --no-advertise-tenant-networks s -f value -c advertise_tenant_networks');
    expect(r.out).toBe('False\n');
  });

  it('changes a peer password only where the peer authenticates', () => {
    const s = setup(['openstack bgp peer create --peer-ip 192.0.2.1 --remote-as 1 --auth-type md5 --password a p']);
    const r = run(s, 'openstack bgp peer set --password b p');
    expect(r.code).toBe(0);
    expect(r.s.cloud.bgp?.peers[0]?.password).toBe('b');
  });
});
