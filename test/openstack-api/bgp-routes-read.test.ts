/**
 * Issue #17: neutron-dynamic-routing's `get_advertised_routes` is a GET on the speaker: the read
 * side answers it with the routes the emulated `bgp speaker list advertised routes` prints, and a
 * speaker that does not exist gets the speaker's 404.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';
import { neutronGet } from '../../server/sim/api/neutron/rest.js';

const SETUP = [
  'openstack address scope create --share --ip-version 4 byoip',
  'openstack subnet pool create --address-scope byoip --pool-prefix 203.0.113.0/24 --pool-prefix 198.51.100.0/24 --default-prefix-length 26 --share customer',
  'openstack network create --external --provider-network-type flat --provider-physical-network physnet1 ext',
  'openstack subnet create --network ext --subnet-pool customer --subnet-range 203.0.113.0/26 --no-dhcp ext-sub',
  'openstack network create net1',
  'openstack subnet create --network net1 --subnet-pool customer --subnet-range 198.51.100.0/26 sub1',
  'openstack router create r1',
  'openstack router set --external-gateway ext --fixed-ip subnet=ext-sub,ip-address=203.0.113.10 r1',
  'openstack router add subnet r1 sub1',
  'openstack bgp speaker create --local-as 64512 s1',
  'openstack bgp speaker add network s1 ext',
];

describe('GET /v2.0/bgp-speakers/ID/get_advertised_routes', () => {
  let s: SessionState = createSession({ fixture: 'empty', seed: 7 });
  for (const line of SETUP) {
    const r = runLine(s, line);
    if (r.result.exitCode !== 0) throw new Error(`${line}: ${r.result.stderr}`);
    s = r.state;
  }
  const id = s.cloud.bgp!.speakers[0]!.id;

  it('answers the routes the emulated CLI lists', () => {
    const a = neutronGet(s.cloud, ['bgp-speakers', id, 'get_advertised_routes'], [], 'http://x/openstack/network', undefined);
    expect(a.status).toBe(200);
    const emulated = JSON.parse(runLine(s, 'openstack bgp speaker list advertised routes s1 -f json').result.stdout) as Array<{ Destination: string; Nexthop: string }>;
    expect(emulated).toEqual([{ Destination: '198.51.100.0/26', Nexthop: '203.0.113.10' }]);
    expect(JSON.parse(a.body)).toEqual({ advertised_routes: emulated.map((r) => ({ destination: r.Destination, next_hop: r.Nexthop })) });
  });

  it('answers a speaker that does not exist with its 404', () => {
    const a = neutronGet(s.cloud, ['bgp-speakers', 'nope', 'get_advertised_routes'], [], 'http://x/openstack/network', undefined);
    expect(a.status).toBe(404);
    expect(a.body).toContain('nope');
  });
});
