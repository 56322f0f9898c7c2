/**
 * Address groups beyond what the oracle's golden (test/transcripts/78) shows: a rule whose remote
 * is an address group lets in exactly the addresses the group holds (the reach queries, ping and
 * `stacklab trace` follow the group as it changes), and the REST API's answers for the member
 * actions and their bad bodies (each checked on the oracle by hand, 2026-12-07).
 */
import { describe, expect, it } from 'vitest';
import { createSession, type SessionState } from '../server/shell/session.js';
import { runApiCall } from '../server/workspace/openstack.js';
import type { ApiCall } from '../server/sim/api/request.js';
import { runLines } from './support/run-lines.js';

const BOOT = 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network n1';

const run = runLines;

/** Two VMs on one network; vm2's group lets tcp/80 in from the address group `friends` only. */
function setup(): { state: SessionState; vm1: string } {
  const { state, out } = run(createSession({ fixture: 'public-cloud', seed: 3 }), [
    'openstack network create n1',
    'openstack subnet create --network n1 --subnet-range 10.1.0.0/24 s1',
    'openstack security group create web',
    'openstack address group create friends --address 192.0.2.0/24',
    'openstack security group rule create web --protocol tcp --dst-port 80 --remote-address-group friends',
    `${BOOT} --security-group web vm2`,
    `${BOOT} vm1`,
    'openstack server show vm1 -f value -c addresses',
  ]);
  const vm1 = /'(10\.1\.0\.\d+)'/.exec(out.at(-1) ?? '')?.[1];
  if (!vm1) throw new Error(`no address for vm1: ${out.at(-1) ?? ''}`);
  return { state, vm1 };
}

describe('a rule with an address group as its remote', () => {
  it('lets in the addresses the group holds, and stops when the address leaves it', () => {
    const { state, vm1 } = setup();
    const { out } = run(state, [
      'stacklab trace vm1 vm2 tcp/80',
      `openstack address group set friends --address ${vm1}`,
      'stacklab trace vm1 vm2 tcp/80',
      'stacklab trace vm1 vm2 tcp/22',
      `openstack address group unset friends --address ${vm1}/32`,
      'stacklab trace vm1 vm2 tcp/80',
    ]);
    expect(out[0]).toContain('dropped at hop');
    expect(out[2]).toContain('allowed in by rule IPv4 tcp 80 from address group friends');
    expect(out[2]).not.toContain('dropped');
    // The group is the rule's remote only: another port stays closed.
    expect(out[3]).toContain('dropped at hop');
    expect(out[5]).toContain('dropped at hop');
  });

  it('a network of the group counts (an address is in it when its CIDR holds it)', () => {
    const { state } = setup();
    const { out } = run(state, ['openstack address group set friends --address 10.1.0.0/24', 'stacklab trace vm1 vm2 tcp/80']);
    expect(out[1]).toContain('address group friends');
    expect(out[1]).not.toContain('dropped');
  });

  it('the group cannot go while the rule uses it; the rule can, then the group', () => {
    const { state } = setup();
    const { out } = run(state, [
      'openstack address group delete friends',
      'openstack security group rule delete $(openstack security group rule list web --protocol tcp -f value -c ID)',
      'openstack address group delete friends',
      'openstack address group list -f value',
    ]);
    expect(out[0]).toMatch(/is in use on one or more security group rules\.\n1 of 1 address groups failed to delete\.\n$/);
    expect(out[2]).toBe('');
    expect(out[3]).toBe('');
  });
});

describe('the REST API', () => {
  const CTX = { base: 'http://stacklab.test/openstack' };
  const put = (id: string, action: string, body: string): ApiCall => ({ service: 'network', method: 'PUT', path: ['v2.0', 'address-groups', id, action], query: [], body });
  const get = (query: Array<[string, string]>): ApiCall => ({ service: 'network', method: 'GET', path: ['v2.0', 'address-groups'], query, body: '' });

  function group(): { state: SessionState; id: string } {
    const { state, out } = run(createSession({ fixture: 'empty', seed: 3 }), ['openstack address group create d --address 10.0.0.0/24 -f value -c id']);
    return { state, id: (out[0] ?? '').trim() };
  }

  it('add_addresses answers the group with its standard attributes; a duplicate in the body is one address', () => {
    const { state, id } = group();
    const r = runApiCall(state, put(id, 'add_addresses', '{"addresses": ["10.9.0.0/16", "10.9.0.0/16", "10.2.0.1"]}'), CTX);
    expect(r.answer.status).toBe(200);
    const d = (JSON.parse(r.answer.body) as { address_group: Record<string, unknown> }).address_group;
    expect(Object.keys(d)).toEqual(['id', 'name', 'project_id', 'shared', 'addresses', 'revision_number', 'description', 'created_at', 'updated_at', 'tenant_id']);
    expect(d['addresses']).toEqual(['10.0.0.0/24', '10.9.0.0/16', '10.2.0.1/32']);
    expect(d['shared']).toBe(false);
    expect(d['revision_number']).toBe(1);
    // A GET shows the short form.
    const list = JSON.parse(runApiCall(r.state, get([]), CTX).answer.body) as { address_groups: Array<Record<string, unknown>> };
    expect(Object.keys(list.address_groups[0] ?? {})).toEqual(['id', 'name', 'project_id', 'addresses', 'description', 'tenant_id']);
  });

  it("Neutron's answers to bad bodies: netaddr's error for a string, a 500 without the key or with a non-string, the addresses already there", () => {
    const { state, id } = group();
    const answer = (action: string, body: string) => {
      const a = runApiCall(state, put(id, action, body), CTX).answer;
      return `${a.status} ${a.body}`;
    };
    expect(answer('add_addresses', '{"addresses": "x"}')).toBe('400 {"NeutronError": {"type": "AddrFormatError", "message": "invalid IPNetwork x", "detail": ""}}');
    expect(answer('add_addresses', '{"x": 1}')).toMatch(/^500 .*HTTPInternalServerError/);
    expect(answer('add_addresses', '{"addresses": [5]}')).toMatch(/^500 /);
    expect(answer('add_addresses', '{"addresses": ["10.0.0.9/24"]}')).toBe(
      `400 {"NeutronError": {"type": "AddressesAlreadyExist", "message": "Addresses ['10.0.0.0/24'] already exist in the address group ${id}.", "detail": ""}}`,
    );
    expect(answer('remove_addresses', '{"addresses": ["10.1.0.5/16"]}')).toBe(
      `404 {"NeutronError": {"type": "AddressesNotFound", "message": "Addresses ['10.1.0.0/16'] not found in the address group ${id}.", "detail": ""}}`,
    );
    expect(answer('add_addresses', '{"addresses": ["nonsense"]}')).toMatch(/^400 .*invalid IPNetwork nonsense/);
    const missing = runApiCall(state, put('nosuch', 'add_addresses', '{"addresses": []}'), CTX).answer;
    expect(`${missing.status} ${missing.body}`).toBe('404 {"NeutronError": {"type": "AddressGroupNotFound", "message": "Address group nosuch could not be found.", "detail": ""}}');
    const filter = runApiCall(state, get([['addresses', '10.0.0.0/24']]), CTX).answer;
    expect(`${filter.status} ${filter.body}`).toBe(`400 {"NeutronError": {"type": "HTTPBadRequest", "message": "['addresses'] is invalid attribute for filtering", "detail": ""}}`);
  });

  it('a POST normalises each address and refuses what neutron-lib refuses', () => {
    const { state } = group();
    const post = (body: string) => runApiCall(state, { service: 'network', method: 'POST', path: ['v2.0', 'address-groups'], query: [], body }, CTX).answer;
    const ok = post('{"address_group": {"name": "e", "addresses": ["2001:db8::5/64", "10.0.0.5/24"]}}');
    expect(ok.status).toBe(201);
    expect((JSON.parse(ok.body) as { address_group: { addresses: string[] } }).address_group.addresses).toEqual(['2001:db8::/64', '10.0.0.0/24']);
    expect(post('{"address_group": {"name": "b", "addresses": ["10.0.0.1/24", "10.0.0.3"]}}').body).toBe(
      `{"NeutronError": {"type": "HTTPBadRequest", "message": "Invalid input for addresses. Reason: '10.0.0.3' isn't a recognized IP subnet cidr, '10.0.0.3/32' is recommended.", "detail": ""}}`,
    );
    expect(post('{"address_group": {"name": "b", "addresses": ["10.0.0.0/24", "10.0.0.0/24"]}}').body).toContain("Duplicate items in the list: '10.0.0.0/24'");
    expect(post('{"address_group": {"name": "f", "shared": true}}').body).toContain("Attribute 'shared' not allowed in POST");
  });
});
