/**
 * Issue #17: neutron-dynamic-routing's `get_advertised_routes` is a GET on the speaker: the read
 * side answers it with the routes the emulated `bgp speaker list advertised routes` prints, and a
 * speaker that does not exist gets the speaker's 404. Its scheduler's bindings (bgp-dragents,
 * bgp-drinstances) and Neutron's (empty) address groups are routed too.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';
import { neutronGet } from '../../server/sim/api/neutron/rest.js';
import { neutronService } from '../../server/sim/api/neutron/rest-write.js';

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
    const a = neutronGet(
      s.cloud,
      ['bgp-speakers', id, 'get_advertised_routes'],
      [],
      'http://x/openstack/network',
      undefined,
    );
    expect(a.status).toBe(200);
    const emulated = JSON.parse(
      runLine(s, 'openstack bgp speaker list advertised routes s1 -f json').result.stdout,
    ) as Array<{ Destination: string; Nexthop: string }>;
    expect(emulated).toEqual([{ Destination: '198.51.100.0/26', Nexthop: '203.0.113.10' }]);
    expect(JSON.parse(a.body)).toEqual({
      advertised_routes: emulated.map((r) => ({ destination: r.Destination, next_hop: r.Nexthop })),
    });
  });

  it('answers a speaker that does not exist with its 404', () => {
    const a = neutronGet(
      s.cloud,
      ['bgp-speakers', 'nope', 'get_advertised_routes'],
      [],
      'http://x/openstack/network',
      undefined,
    );
    expect(a.status).toBe(404);
    expect(a.body).toContain('nope');
  });
});

describe('the BGP scheduler and address groups through the API', () => {
  const s0 = createSession({ fixture: 'empty', seed: 7 });
  const s = runLine(s0, 'openstack bgp speaker create --local-as 64512 s1').state;
  const id = s.cloud.bgp!.speakers[0]!.id;
  const call = (method: string, path: string, body = '') =>
    neutronService.handle(
      s.cloud,
      { service: 'network', method, path: ['v2.0', ...path.split('/')], query: [], body },
      { base: 'http://x/openstack/network' },
    );

  it('lists the agents hosting a speaker, and refuses a binding to an agent that does not exist as the plugin does', () => {
    expect(call('GET', `bgp-speakers/${id}/bgp-dragents`).answer.body).toBe('{"agents": []}');
    const agent = '11111111-2222-3333-4444-555555555555';
    const r = call(
      'POST',
      `agents/${agent}/bgp-drinstances`,
      JSON.stringify({ bgp_speaker_id: id }),
    );
    expect(r.answer.status).toBe(404);
    expect(r.answer.body).toContain(`Agent ${agent} could not be found.`);
    expect(r.cloud.bgp).toEqual(s.cloud.bgp);
    expect(call('DELETE', `agents/${agent}/bgp-drinstances/nope`).answer.status).toBe(404);
    expect(call('PUT', `agents/${agent}/bgp-drinstances`).answer.status).toBe(405);
  });

  it('has no address groups to list or show', () => {
    expect(call('GET', 'address-groups').answer.body).toBe('{"address_groups": []}');
    const r = call('GET', 'address-groups/ag1');
    expect(r.answer.status).toBe(404);
    expect(r.answer.body).toContain(
      '"type": "AddressGroupNotFound", "message": "Address group ag1 could not be found."',
    );
  });
});
