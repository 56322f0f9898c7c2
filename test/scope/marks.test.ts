/**
 * The address-scope marks of a router's L3 agent (neutron/agent/l3/router_info.py, Zed): "no
 * scope" takes the first mark id (1024 << 16), each scope the next id in the order the agent
 * meets it, and the nat `snat` chain lets same-scope connections leave un-NATed.
 */
import { describe, expect, it } from 'vitest';
import { publicCloudAfter } from '../support/public-cloud.js';
import type { SessionState } from '../../server/shell/session.js';
import { router6Tables, routerTables } from '../../server/sim/dataplane/iptables.js';
import { routerScopeMarks, scopeLabel } from '../../server/sim/dataplane/scope.js';

const setup = publicCloudAfter;

const scopeId = (s: SessionState, name: string) => s.cloud.addressScopes.find((x) => x.name === name)?.id ?? '';
const router = (s: SessionState) => s.cloud.routers.find((r) => r.name === 'r1')!;
const rules = (s: SessionState, table: string, chain: string) =>
  routerTables(s.cloud, router(s)).find((t) => t.name === table)!.rules.filter(([c]) => c === chain).map(([, r]) => r);

const OWN_SCOPE = [
  'openstack address scope create mine',
  'openstack subnet pool create --address-scope mine --pool-prefix 10.77.0.0/16 --default-prefix-length 24 mine-pool',
  'openstack network create own',
  'openstack subnet create --network own --subnet-pool mine-pool own-v4',
  'openstack router create r1',
];

describe('scope marks', () => {
  it('a router without scopes marks everything 0x4000000 and has no SNAT exemption', () => {
    const s = setup([
      'openstack network create priv', 'openstack subnet create --network priv --subnet-range 10.42.0.0/24 priv-v4',
      'openstack router create r1', 'openstack router add subnet r1 priv-v4', 'openstack router set --external-gateway ext-floating1 r1',
    ]);
    expect(routerScopeMarks(s.cloud, router(s))(null)).toBe('0x4000000/0xffff0000');
    expect(rules(s, 'mangle', 'neutron-l3-agent-scope').every((r) => r.endsWith('--set-xmark 0x4000000/0xffff0000'))).toBe(true);
    expect(rules(s, 'nat', 'neutron-l3-agent-snat').some((r) => r.includes('connmark'))).toBe(false);
  });

  it('gateway first: the external scope takes the next id, then its IPv6 scope, then the interface scope', () => {
    const s = setup([...OWN_SCOPE, 'openstack router set --external-gateway ext-provider1 r1', 'openstack router add subnet r1 own-v4']);
    const mark = routerScopeMarks(s.cloud, router(s));
    expect([mark(scopeId(s, 'public-v4')), mark(scopeId(s, 'public-v6')), mark(scopeId(s, 'mine'))])
      .toEqual(['0x4010000/0xffff0000', '0x4020000/0xffff0000', '0x4030000/0xffff0000']);
    expect(rules(s, 'nat', 'neutron-l3-agent-snat')[1]).toMatch(/^-o qg-\S+ -m connmark --mark 0x4010000\/0xffff0000 -j ACCEPT$/);
  });

  it('interface first: the agent keeps the id it gave the interface scope before the gateway came', () => {
    const s = setup([...OWN_SCOPE, 'openstack router add subnet r1 own-v4', 'openstack router set --external-gateway ext-provider1 r1']);
    const mark = routerScopeMarks(s.cloud, router(s));
    expect([mark(scopeId(s, 'mine')), mark(scopeId(s, 'public-v4')), mark(scopeId(s, 'public-v6'))])
      .toEqual(['0x4010000/0xffff0000', '0x4020000/0xffff0000', '0x4030000/0xffff0000']);
    const scope = rules(s, 'filter', 'neutron-l3-agent-scope');
    expect(scope).toHaveLength(1); // SNAT on: no DROP rule for the gateway
    expect(scope[0]).toMatch(/^-o qr-\S+ -m mark ! --mark 0x4010000\/0xffff0000 -j DROP$/);
  });

  it('ip6tables: each port with an IPv6 address takes its IPv6 scope mark, and the gateway gets a DROP too', () => {
    const s = setup([
      'openstack network create pub6', 'openstack subnet create --network pub6 --ip-version 6 --subnet-pool poolv6-selfservice1 --ipv6-ra-mode slaac --ipv6-address-mode slaac pub6-sub',
      'openstack router create r1', 'openstack router set --external-gateway ext-provider1 r1', 'openstack router add subnet r1 pub6-sub',
    ]);
    const v6 = router6Tables(routerTables(s.cloud, router(s)));
    const chain = (table: string) => v6.find((t) => t.name === table)!.rules.filter(([c]) => c === 'neutron-l3-agent-scope').map(([, r]) => r);
    // public-v4 took 0x4010000 (SNAT exemption), public-v6 the next id.
    expect(chain('mangle')).toEqual([expect.stringMatching(/^-i qr-\S+ -j MARK --set-xmark 0x4020000\/0xffff0000$/), expect.stringMatching(/^-i qg-\S+ -j MARK --set-xmark 0x4020000\/0xffff0000$/)]);
    expect(chain('filter')).toEqual([expect.stringMatching(/^-o qr-\S+ -m mark ! --mark 0x4020000\/0xffff0000 -j DROP$/), expect.stringMatching(/^-o qg-\S+ -m mark ! --mark 0x4020000\/0xffff0000 -j DROP$/)]);
  });
});

describe('scope names in reasons', () => {
  const s = setup([]);
  it('a scope is named by its name, an unnamed or unknown one by its id', () => {
    const v4 = s.cloud.addressScopes.find((x) => x.name === 'public-v4')!;
    const cloud = { ...s.cloud, addressScopes: [...s.cloud.addressScopes, { ...v4, id: 'id-of-unnamed', name: '' }] };
    expect(scopeLabel(cloud, v4.id)).toBe('address scope public-v4');
    expect(scopeLabel(cloud, 'id-of-unnamed')).toBe('address scope id-of-unnamed');
    expect(scopeLabel(cloud, 'no-such-scope')).toBe('address scope no-such-scope');
    expect(scopeLabel(cloud, null)).toBe('no address scope');
  });
});
