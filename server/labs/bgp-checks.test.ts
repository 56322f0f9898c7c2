/**
 * The bring-your-own-IP check kinds (address scope, RBAC sharing, BGP peer, speaker, advertised
 * route) on the provider-admin fixture, built with the commands a provider types; the few states
 * no command can reach (a third project in a policy) are made in the model.
 */
import { describe, expect, it } from 'vitest';
import { runLine } from '../shell/session.js';
import { historyCommand } from './history.js';
import { labWith, one, session, type Attempt } from '../../test/labs/helpers.js';

/** A session after the lines, then `more` on top (history kept). */
function then(s: Attempt, more: readonly string[]): Attempt {
  let state: Attempt = s;
  for (const l of more) {
    const r = runLine(state, l);
    state = { ...r.state, commands: [...state.commands, historyCommand(l, r.result)] };
  }
  return state;
}

const SCOPE = ['openstack address scope create --share --ip-version 4 public-v4', 'openstack subnet pool set --address-scope public-v4 provider-v4'];
const POOL = ['openstack subnet pool create --address-scope public-v4 --pool-prefix 198.18.20.0/24 --default-prefix-length 26 acme-byoip-v4'];
const SHARE = ['openstack network rbac create --type subnetpool --action access_as_shared --target-project acme acme-byoip-v4'];
const SPEAKER = ['openstack bgp speaker create --local-as 64512 --ip-version 4 public-speaker', 'openstack bgp speaker add network public-speaker public'];
const PEER = ['openstack bgp peer create --peer-ip 198.51.100.1 --remote-as 64496 upstream', 'openstack bgp speaker add peer public-speaker upstream'];
const SUBNET = [
  'openstack network create --project acme acme-public',
  'openstack subnet create --project acme --network acme-public --subnet-pool acme-byoip-v4 acme-public-v4',
];
const ATTACH = ['openstack router add subnet acme-router acme-public-v4'];

const START = session('provider-admin', []);
/** Everything the lab builds: the route is advertised and announced. */
const DONE = session('provider-admin', [...SCOPE, ...POOL, ...SHARE, ...SPEAKER, ...PEER, ...SUBNET, ...ATTACH]);
const GATEWAY = DONE.cloud.routers.find((r) => r.name === 'acme-router')?.gateway?.externalFixedIps[0]?.ipAddress ?? '';

describe('address-scope', () => {
  const y = 'type: address-scope\nname: public-v4\nip_version: 4\nshared: true';
  it('passes for a shared IPv4 scope of that name', () => {
    expect(one(y, DONE)).toMatchObject({ passed: true, title: 'address scope public-v4 exists, IPv4, shared', why: 'address scope public-v4 (IPv4, shared)' });
  });
  it('says what is missing or different', () => {
    expect(one(y, START).why).toBe('there is no address scope named public-v4');
    expect(one(y, session('provider-admin', ['openstack address scope create --ip-version 4 public-v4'])).why).toBe('address scope public-v4 is not shared with every project');
    expect(one('type: address-scope\nname: public-v4\nip_version: 6', DONE).why).toBe('address scope public-v4 is for IPv4, not IPv6');
    expect(one('type: address-scope\nname: public-v4\nshared: false', DONE).why).toBe('address scope public-v4 is shared with every project');
  });
  it('is "not done yet" until a scope or pool changes', () => {
    expect(one(y, then(START, ['openstack address scope list', 'openstack subnet pool list'])).state).toBe('todo');
    expect(one(y, then(START, ['openstack address scope create other'])).state).toBe('fail');
    expect(one(y, then(START, ['neutron address-scope-create other 4'])).state).toBe('fail');
  });
  it('refuses an IP version that is neither 4 nor 6', () => {
    expect(() => labWith('type: address-scope\nname: s\nip_version: 5')).toThrow(/ip_version must be 4 or 6/);
  });
});

describe('shared-with', () => {
  const y = 'type: shared-with\nkind: subnet-pool\nname: acme-byoip-v4\nproject: acme\nonly: true';
  const pooled = session('provider-admin', [...SCOPE, ...POOL]);
  it('passes when an RBAC policy shares the object with the project', () => {
    expect(one(y, then(pooled, SHARE))).toMatchObject({ passed: true, title: 'subnet pool acme-byoip-v4 is shared with acme only', why: 'subnet pool acme-byoip-v4 is shared with acme only' });
  });
  it('fails without a policy, and says so', () => {
    expect(one(y, pooled).why).toBe('subnet pool acme-byoip-v4 is not shared with acme: no RBAC policy gives acme access_as_shared on it');
    expect(one(y, START).why).toBe('there is no subnet pool named acme-byoip-v4');
  });
  it('only: a pool shared with every project does not do; without only it does', () => {
    const all = session('provider-admin', [...SCOPE, `${POOL[0] ?? ''} --share`]);
    expect(one(y, all).why).toBe('subnet pool acme-byoip-v4 is shared with every project, not with acme only');
    expect(one('type: shared-with\nkind: subnet-pool\nname: acme-byoip-v4\nproject: acme', all).passed).toBe(true);
  });
  it('only: a policy for another project too does not do', () => {
    const s = then(pooled, SHARE);
    const pool = s.cloud.subnetPools.find((p) => p.name === 'acme-byoip-v4');
    const rbac = s.cloud.rbac ?? { policies: [], externalWithoutWildcard: [] };
    const other = { ...(rbac.policies[0] ?? { id: 'x', projectId: '', objectType: 'subnetpool' as const, action: 'access_as_shared' as const }), id: 'p2', objectId: pool?.id ?? '', targetTenant: 'beta-id' };
    const cloud = { ...s.cloud, projects: [...s.cloud.projects, { id: 'beta-id', name: 'beta' }], rbac: { ...rbac, policies: [...rbac.policies, other] } };
    expect(one(y, { ...s, cloud }).why).toBe('subnet pool acme-byoip-v4 is shared with beta too, not with acme only');
  });
  it("names the owner's own object and an unknown project", () => {
    expect(one('type: shared-with\nkind: network\nname: acme-net\nproject: acme', DONE).why).toBe('network acme-net belongs to acme itself: sharing is for other projects');
    expect(one('type: shared-with\nkind: address-scope\nname: public-v4\nproject: nobody', DONE).why).toBe('there is no project named nobody');
    expect(one('type: shared-with\nkind: address-scope\nname: public-v4\nproject: acme', DONE).passed).toBe(true);
  });
  it('is "not done yet" until an RBAC policy or an object of its kind changes', () => {
    expect(one(y, then(START, ['openstack network rbac list', 'openstack network create other'])).state).toBe('todo');
    expect(one(y, then(START, ['openstack network rbac create --type network --action access_as_shared --target-project acme public'])).state).toBe('fail');
    expect(one(y, then(START, ['openstack subnet pool create --pool-prefix 192.0.2.0/24 other'])).state).toBe('fail');
    const scope = 'type: shared-with\nkind: address-scope\nname: public-v4\nproject: acme';
    expect(one(scope, then(START, ['openstack subnet pool create --pool-prefix 192.0.2.0/24 other'])).state).toBe('todo');
    expect(one(scope, then(START, ['openstack address scope create --ip-version 4 other'])).state).toBe('fail');
  });
  it('refuses a kind it cannot share', () => {
    expect(() => labWith('type: shared-with\nkind: router\nname: r\nproject: p')).toThrow(/'kind' must be one of subnet-pool, network, address-scope/);
  });
});

describe('bgp-peer', () => {
  const y = 'type: bgp-peer\nname: upstream\npeer_ip: 198.51.100.1\nremote_as: 64496';
  it('passes for the peer of that address and AS', () => {
    expect(one(y, DONE)).toMatchObject({ passed: true, title: 'a BGP peer upstream exists for 198.51.100.1 in AS 64496', why: 'BGP peer upstream: 198.51.100.1, AS 64496' });
  });
  it('says what differs', () => {
    expect(one(y, START).why).toBe('there is no BGP peer named upstream');
    expect(one(y, session('provider-admin', ['openstack bgp peer create --peer-ip 198.51.100.1 --remote-as 64499 upstream'])).why).toBe('BGP peer upstream is in AS 64499, not 64496');
    expect(one(y, session('provider-admin', ['openstack bgp peer create --peer-ip 198.51.100.2 --remote-as 64496 upstream'])).why).toBe('BGP peer upstream is 198.51.100.2, not 198.51.100.1');
  });
  it('needs something to look for, and an address for peer_ip', () => {
    expect(() => labWith('type: bgp-peer')).toThrow(/needs name, peer_ip or remote_as/);
    expect(() => labWith('type: bgp-peer\npeer_ip: upstream')).toThrow(/peer_ip: upstream is not an address/);
  });
});

describe('bgp-speaker', () => {
  const y = 'type: bgp-speaker\nname: public-speaker\nlocal_as: 64512\nnetwork: public\npeer: upstream\nhosted: true';
  it('passes for a hosted speaker on the network with the peer', () => {
    expect(one(y, DONE)).toMatchObject({
      passed: true,
      title: 'BGP speaker public-speaker in AS 64512, on network public, peering with upstream, hosted by a DR agent',
      why: 'BGP speaker public-speaker (AS 64512) on public, hosted on network',
    });
    expect(one('type: bgp-speaker\npeer: 198.51.100.1', DONE).passed).toBe(true);
  });
  it('says what the speaker lacks', () => {
    expect(one(y, START).why).toBe('there is no BGP speaker named public-speaker');
    expect(one('type: bgp-speaker', START).why).toBe('there is no BGP speaker yet');
    const bare = session('provider-admin', [SPEAKER[0] ?? '']);
    expect(one(y, bare).why).toBe('BGP speaker public-speaker is not bound to network public (it is bound to no network)');
    expect(one(y, session('provider-admin', SPEAKER)).why).toBe('BGP speaker public-speaker does not peer with upstream (it has no peer)');
    expect(one('type: bgp-speaker\nname: public-speaker\nlocal_as: 65000', bare).why).toBe('BGP speaker public-speaker is in AS 64512, not 65000');
  });
  it('hosted: a second speaker waits for the agent the first one holds', () => {
    const two = session('provider-admin', ['openstack bgp speaker create --local-as 64512 first', 'openstack bgp speaker create --local-as 64512 public-speaker']);
    expect(one('type: bgp-speaker\nname: public-speaker\nhosted: true', two).why).toBe(
      'no BGP dynamic routing agent hosts BGP speaker public-speaker (the agent on network already hosts BGP speaker first, and an agent hosts one speaker)',
    );
    expect(one('type: bgp-speaker\nname: first\nhosted: true', two).passed).toBe(true);
  });
  it('hosted: a cloud without a DR agent hosts nothing', () => {
    const s = session('provider-admin', SPEAKER);
    const cloud = { ...s.cloud, config: { ...s.cloud.config, bgpDragent: false } };
    expect(one('type: bgp-speaker\nhosted: true', { ...s, cloud }).why).toBe('no BGP dynamic routing agent runs in this cloud, so nothing hosts BGP speaker public-speaker');
  });
  it('is "not done yet" until a bgp command changes something, in either client', () => {
    expect(one(y, then(START, ['openstack bgp speaker list', 'openstack bgp dragent list --bgp-speaker x'])).state).toBe('todo');
    expect(one(y, then(START, ['openstack bgp peer create --peer-ip 192.0.2.1 --remote-as 1 p'])).state).toBe('fail');
    expect(one(y, then(START, ['neutron bgp-speaker-create --local-as 1 s'])).state).toBe('fail');
    expect(one(y, then(START, ['neutron bgp-speaker-list'])).state).toBe('todo');
  });
});

describe('bgp-route', () => {
  const y = 'type: bgp-route\nspeaker: public-speaker\nsubnet: acme-public-v4\nnextHop: { router: acme-router }\nannounced: true';
  it('passes when the subnet is announced via the router’s gateway', () => {
    expect(one(y, DONE)).toMatchObject({
      passed: true,
      title: "BGP speaker public-speaker announces subnet acme-public-v4 via router acme-router's gateway upstream",
      why: `BGP speaker public-speaker advertises 198.18.20.0/26 via ${GATEWAY} to upstream`,
    });
  });
  it('takes the prefix from a pool or a CIDR', () => {
    expect(one('type: bgp-route\npool: acme-byoip-v4', DONE).passed).toBe(true);
    expect(one('type: bgp-route\ncidr: 198.18.20.0/24', DONE).passed).toBe(true);
    expect(one('type: bgp-route\ncidr: 198.18.20.0/26\nnextHop: { address: ' + GATEWAY + ' }', DONE).passed).toBe(true);
    expect(one('type: bgp-route\ncidr: 203.0.113.0/24', DONE).why).toBe('no BGP speaker advertises a route inside 203.0.113.0/24 (they advertise 198.18.20.0/26)');
  });
  it('explains a missing route by the first rule it breaks', () => {
    const why = (lines: string[], yaml = y) => one(yaml, session('provider-admin', lines)).why;
    expect(why([])).toBe('there is no BGP speaker named public-speaker');
    expect(why([SPEAKER[0] ?? ''])).toBe('there is no subnet named acme-public-v4');
    expect(why([SPEAKER[0] ?? '', ...SCOPE, ...POOL, ...SUBNET, ...ATTACH])).toBe('BGP speaker public-speaker is bound to no network, so it advertises nothing');
    expect(why([...SPEAKER], 'type: bgp-route\nsubnet: acme-private')).toBe('subnet acme-private is in no address scope (it is not from a subnet pool), so no speaker announces it');
    expect(why(['openstack address scope create --share --ip-version 4 public-v4', ...POOL, ...SPEAKER, ...SUBNET, ...ATTACH])).toBe(
      "BGP speaker public-speaker's network public has no subnet in an address scope, so BGP speaker public-speaker advertises no tenant network",
    );
    expect(why([...SCOPE, ...POOL, ...SPEAKER, ...SUBNET])).toBe("subnet acme-public-v4 is on no router's interface, so nothing routes it");
    expect(why([...SCOPE, ...POOL, ...SPEAKER, ...SUBNET, 'openstack router create --project acme other', 'openstack router add subnet other acme-public-v4'])).toBe(
      'router other (with subnet acme-public-v4) has no gateway on public',
    );
    expect(why([...SCOPE, ...SPEAKER], 'type: bgp-route\npool: acme-byoip-v4')).toBe('there is no subnet pool named acme-byoip-v4');
    expect(why([...SCOPE, ...POOL, ...SPEAKER], 'type: bgp-route\npool: acme-byoip-v4')).toBe('no subnet is allocated from pool acme-byoip-v4 yet');
  });
  it('a subnet of another scope is not the speaker’s', () => {
    const other = ['openstack address scope create --ip-version 4 other-v4', 'openstack subnet pool create --address-scope other-v4 --pool-prefix 198.18.20.0/24 --default-prefix-length 26 acme-byoip-v4'];
    expect(one(y, session('provider-admin', [...SCOPE, ...other, ...SPEAKER, ...SUBNET, ...ATTACH])).why).toBe(
      "subnet acme-public-v4 is in address scope other-v4, BGP speaker public-speaker's network public in public-v4",
    );
  });
  it('nextHop: another router’s gateway does not do', () => {
    const s = then(DONE, ['openstack router create --project acme other', 'openstack router set --external-gateway public other']);
    const hop = s.cloud.routers.find((r) => r.name === 'other')?.gateway?.externalFixedIps[0]?.ipAddress ?? '';
    expect(one('type: bgp-route\nsubnet: acme-public-v4\nnextHop: { router: other }', s).why).toBe(`BGP speaker public-speaker advertises 198.18.20.0/26 via ${GATEWAY}, not via router other's gateway ${hop}`);
    expect(one('type: bgp-route\nsubnet: acme-public-v4\nnextHop: { router: nowhere }', s).why).toBe(`BGP speaker public-speaker advertises 198.18.20.0/26 via ${GATEWAY}, not via router nowhere's gateway (it has none)`);
  });
  it('announced: advertised is not enough without a peer or an agent', () => {
    const noPeer = session('provider-admin', [...SCOPE, ...POOL, ...SPEAKER, ...SUBNET, ...ATTACH]);
    expect(one(y, noPeer).why).toBe(`BGP speaker public-speaker advertises 198.18.20.0/26 via ${GATEWAY}, but has no peer to announce it to`);
    expect(one('type: bgp-route\nsubnet: acme-public-v4', noPeer).passed).toBe(true);
    const unhosted = { ...DONE, cloud: { ...DONE.cloud, config: { ...DONE.cloud.config, bgpDragent: false } } };
    expect(one(y, unhosted).why).toBe(
      `BGP speaker public-speaker advertises 198.18.20.0/26 via ${GATEWAY}, but no BGP dynamic routing agent runs in this cloud, so nothing hosts BGP speaker public-speaker`,
    );
  });
  it('is "not done yet" until a route could have changed', () => {
    expect(one(y, then(START, ['openstack bgp speaker list', 'openstack subnet list'])).state).toBe('todo');
    expect(one(y, then(START, ['openstack router add subnet acme-router acme-private'])).state).toBe('fail');
    expect(one(y, then(START, ['openstack subnet pool set --address-scope x provider-v4'])).state).toBe('fail');
  });
  it('refuses a check without exactly one prefix, a bad CIDR or next hop', () => {
    expect(() => labWith('type: bgp-route')).toThrow(/needs exactly one of subnet, pool or cidr/);
    expect(() => labWith('type: bgp-route\nsubnet: a\npool: b')).toThrow(/needs exactly one of subnet, pool or cidr/);
    expect(() => labWith('type: bgp-route\ncidr: 198.18.20.0')).toThrow(/cidr: 198\.18\.20\.0 is not a CIDR/);
    expect(() => labWith('type: bgp-route\nsubnet: a\nnextHop: { gateway: r }')).toThrow(/nextHop takes \{router: NAME\} or \{address: IP\}/);
    expect(() => labWith('type: bgp-route\nsubnet: a\nnextHop: { address: r }')).toThrow(/nextHop: r is not an address/);
  });
});
