#!/usr/bin/env python3
"""Captures the Neutron oracle's answers to the writes server/sim/api/neutron/rest-write.test.ts
replays (networks, subnets, subnet pools, address scopes, segments, RBAC policies, quotas, tags).

Run on a fresh oracle (/work/shared/oracle, see its README):
  ORACLE_DIR=/tmp/oracle-nwa ORACLE_PORT=9711 /work/shared/oracle/start.sh --reset
  ORACLE_PORT=9711 python3 test/openstack-api/oracle/capture-writes-a.py > test/openstack-api/oracle/writes-a.json
Each step is sent as written, in order, on one cloud: `{name}` in a path or body is the id the
oracle gave the resource a step saved under that name (`save`: the answer's member id, or for a
bulk create the list of names for its members). `as` "member" sends the oracle's member token
(project demo). Answers keep their status, Content-Type and raw body.
"""
import json, os, sys, urllib.error, urllib.request

BASE = 'http://127.0.0.1:%s' % os.environ.get('ORACLE_PORT', '9696')
MISSING = '0b0b0b0b-0000-4000-8000-000000000000'
MEMBER = 'oracle:project=demo;roles=member'


def step(method, path, body=None, save=None, as_=None, note=''):
    s = {'method': method, 'path': path, 'body': '' if body is None else (body if isinstance(body, str) else json.dumps(body))}
    if save is not None:
        s['save'] = save
    if as_ is not None:
        s['as'] = as_
    if note:
        s['note'] = note
    return s


STEPS = [
    # networks
    step('POST', '/v2.0/networks', {'network': {'name': 'net1'}}, save='net1'),
    step('POST', '/v2.0/networks', {'network': {'name': 'public', 'router:external': True, 'provider:network_type': 'flat', 'provider:physical_network': 'physnet1'}}, save='public'),
    step('PUT', '/v2.0/networks/{net1}', {'network': {'description': 'first', 'mtu': 1400}}),
    step('PUT', '/v2.0/networks/{net1}', {'network': {}}),
    step('POST', '/v2.0/networks', {'networks': [{'name': 'b1'}, {'name': 'b2', 'admin_state_up': False}]}, save=['b1', 'b2']),
    step('POST', '/v2.0/networks', {'networks': [{'name': 'b3'}, {'bogus': 1}]}, note='bulk with one bad item: nothing made'),
    step('POST', '/v2.0/networks', {'networks': [{'name': 'b3'}, {'name': 'b4', 'provider:network_type': 'flat', 'provider:physical_network': 'physnet1'}]}, note='bulk whose second item the plugin refuses'),
    step('GET', '/v2.0/networks?fields=name&sort_key=name&sort_dir=asc'),
    step('POST', '/v2.0/networks', {'networks': []}),
    step('POST', '/v2.0/networks', {'networks': {}}),
    step('POST', '/v2.0/networks', {'networks': ['x']}),
    step('POST', '/v2.0/networks', 'notjson'),
    step('POST', '/v2.0/networks', '[1, 2]'),
    step('POST', '/v2.0/networks', ''),
    step('POST', '/v2.0/networks', '{}'),
    step('POST', '/v2.0/networks', {'subnet': {}}),
    step('POST', '/v2.0/networks', {'network': 'x'}),
    step('POST', '/v2.0/networks', {'network': None}),
    step('POST', '/v2.0/networks', {'network': {'bogus': 1, 'other': 2}}),
    step('POST', '/v2.0/networks', '{"network": {"mtu": 99999999999999999999999}}'),
    step('POST', '/v2.0/networks', '{"network": {"mtu": 1e400}}'),
    step('POST', '/v2.0/networks', {'network': {'mtu': 'big'}}),
    step('POST', '/v2.0/networks', {'network': {'name': 123}}),
    step('POST', '/v2.0/networks', {'network': {'admin_state_up': 'maybe'}}),
    step('POST', '/v2.0/networks', {'network': {'status': 'DOWN'}}),
    step('POST', '/v2.0/networks', {'network': {'id': MISSING}}),
    step('POST', '/v2.0/networks', {'network': {'name': 'x' * 256}}),
    step('PUT', '/v2.0/networks/{net1}', {'network': {'tenant_id': 'other'}}),
    step('PUT', '/v2.0/networks/{net1}', {'network': {'bogus': 1}}),
    step('PUT', '/v2.0/networks/{net1}', {'subnet': {}}),
    step('PUT', '/v2.0/networks/{net1}', 'xx'),
    step('PUT', '/v2.0/networks', {'network': {}}),
    step('DELETE', '/v2.0/networks'),
    step('POST', '/v2.0/networks/{net1}', {'network': {}}),
    step('PATCH', '/v2.0/networks/{net1}', {'network': {}}),
    step('POST', '/v2.0/nosuch', {'nosuch': {}}),
    step('PUT', '/v2.0/networks/{net1}/nosuch', '{}'),
    step('DELETE', '/v2.0/networks/{net1}/nosuch'),
    step('PUT', '/v2.0/networks/%s' % MISSING, {'network': {'name': 'x'}}),
    step('DELETE', '/v2.0/networks/%s' % MISSING),
    step('DELETE', '/v2.0/networks/{b2}'),
    step('DELETE', '/v2.0/networks/{b2}'),
    # member
    step('POST', '/v2.0/networks', {'network': {'name': 'theirs', 'project_id': 'other'}}, as_='member'),
    step('POST', '/v2.0/networks', {'network': {'name': 'mine', 'tenant_id': 'demo', 'project_id': 'other'}}, as_='member'),
    step('POST', '/v2.0/networks', {'network': {'name': 'ext', 'router:external': True}}, as_='member'),
    step('POST', '/v2.0/networks', {'network': {'name': 'mine'}}, as_='member', save='mine'),
    step('PUT', '/v2.0/networks/{net1}', {'network': {'name': 'stolen'}}, as_='member'),
    step('DELETE', '/v2.0/networks/{public}', as_='member'),
    # subnets
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'cidr': '10.0.0.0/24', 'ip_version': 4, 'name': 'sub1'}}, save='sub1'),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{public}', 'cidr': '203.0.113.0/24', 'ip_version': 4, 'name': 'public-sub', 'enable_dhcp': False}}, save='public-sub'),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{b1}', 'cidr': '10.1.0.0/24', 'ip_version': 4, 'name': 'sub-b1', 'gateway_ip': None, 'dns_nameservers': ['8.8.8.8'], 'allocation_pools': [{'start': '10.1.0.10', 'end': '10.1.0.20'}], 'host_routes': [{'destination': '10.9.0.0/16', 'nexthop': '10.1.0.254'}]}}, save='sub-b1'),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{b1}', 'cidr': 'fd00::/64', 'ip_version': 6, 'name': 'sub6', 'ipv6_ra_mode': 'slaac', 'ipv6_address_mode': 'slaac'}}, save='sub6'),
    step('PUT', '/v2.0/subnets/{sub1}', {'subnet': {'name': 'sub1', 'description': 'first', 'dns_nameservers': ['1.1.1.1'], 'enable_dhcp': False}}),
    step('PUT', '/v2.0/subnets/{sub1}', {'subnet': {'cidr': '10.5.0.0/24'}}),
    step('PUT', '/v2.0/subnets/{sub1}', {'subnet': {'gateway_ip': '10.0.0.300'}}),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'cidr': '10.0.0.300/24', 'ip_version': 4}}),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'cidr': '10.0.0.0/25', 'ip_version': 4}}),
    step('POST', '/v2.0/subnets', {'subnet': {'cidr': '10.3.0.0/24', 'ip_version': 4}}),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4}}),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'cidr': '10.3.0.0/24', 'ip_version': 5}}),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': MISSING, 'cidr': '10.3.0.0/24', 'ip_version': 4}}),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': 'x', 'cidr': '10.3.0.0/24', 'ip_version': 4}}),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'cidr': '10.3.0.0/24', 'ip_version': 4, 'allocation_pools': 'x'}}),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'cidr': '10.3.0.0/24', 'ip_version': 4, 'allocation_pools': [{'start': '10.3.0.5'}]}}),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'cidr': '10.3.0.0/24', 'ip_version': 4, 'dns_nameservers': [5]}}),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'cidr': '10.3.0.0/24', 'ip_version': 4, 'enable_dhcp': 'yes please'}}),
    step('POST', '/v2.0/subnets', {'subnets': [{'network_id': '{net1}', 'cidr': '10.4.0.0/24', 'ip_version': 4, 'name': 'okay'}, {'network_id': '{net1}', 'cidr': '10.0.0.0/24', 'ip_version': 4, 'name': 'overlaps'}]}),
    step('GET', '/v2.0/subnets?fields=name&sort_key=name&sort_dir=asc'),
    step('DELETE', '/v2.0/subnets/{sub6}'),
    step('DELETE', '/v2.0/subnets/%s' % MISSING),
    # address scopes and subnet pools
    step('POST', '/v2.0/address-scopes', {'address_scope': {'name': 'scope1', 'ip_version': 4}}, save='scope1'),
    step('POST', '/v2.0/address-scopes', {'address_scope': {'name': 'scope6', 'ip_version': 6, 'shared': True}}, save='scope6'),
    step('PUT', '/v2.0/address-scopes/{scope1}', {'address_scope': {'name': 'scope1b'}}),
    step('PUT', '/v2.0/address-scopes/{scope1}', {'address_scope': {'ip_version': 6}}),
    step('POST', '/v2.0/address-scopes', {'address_scope': {'name': 'noversion'}}),
    step('POST', '/v2.0/address-scopes', {'address_scope': {'ip_version': 4}}, save='unnamed'),
    step('POST', '/v2.0/address-scopes', {'address_scope': {'name': 'v5', 'ip_version': 5}}),
    step('POST', '/v2.0/subnetpools', {'subnetpool': {'name': 'pool1', 'prefixes': ['10.10.0.0/16'], 'default_prefixlen': 24, 'address_scope_id': '{scope1}'}}, save='pool1'),
    step('POST', '/v2.0/subnetpools', {'subnetpool': {'name': 'pool2', 'prefixes': ['10.20.0.0/16'], 'is_default': True, 'shared': True}}, save='pool2'),
    step('PUT', '/v2.0/subnetpools/{pool1}', {'subnetpool': {'name': 'pool1', 'prefixes': ['10.10.0.0/16', '10.11.0.0/16'], 'description': 'two'}}),
    step('PUT', '/v2.0/subnetpools/{pool1}', {'subnetpool': {'address_scope_id': '{scope6}'}}),
    step('PUT', '/v2.0/subnetpools/{pool1}', {'subnetpool': {'prefixes': ['10.12.0.0/16']}}),
    step('POST', '/v2.0/subnetpools', {'subnetpool': {'name': 'nopfx'}}),
    step('POST', '/v2.0/subnetpools', {'subnetpool': {'name': 'badpfx', 'prefixes': ['10.0.0.300/16']}}),
    step('POST', '/v2.0/subnetpools', {'subnetpool': {'name': 'mixed', 'prefixes': ['10.30.0.0/16', 'fd00::/48']}}),
    step('POST', '/v2.0/subnetpools', {'subnetpool': {'name': 'lens', 'prefixes': ['10.40.0.0/16'], 'min_prefixlen': 28, 'max_prefixlen': 24}}),
    step('POST', '/v2.0/subnetpools', {'subnetpool': {'prefixes': ['10.77.0.0/16']}}),
    step('POST', '/v2.0/subnetpools', {'subnetpool': {'name': 'p', 'prefixes': '10.78.0.0/16'}}),
    step('POST', '/v2.0/subnetpools', {'subnetpool': {'name': 'p', 'prefixes': []}}),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'subnetpool_id': '{pool1}', 'ip_version': 4, 'name': 'affinity'}}),
    step('POST', '/v2.0/networks', {'network': {'name': 'poolnet'}}, save='poolnet'),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{poolnet}', 'subnetpool_id': '{pool1}', 'ip_version': 4, 'name': 'from-pool'}}, save='from-pool'),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{poolnet}', 'subnetpool_id': '{pool1}', 'ip_version': 4, 'prefixlen': 28, 'name': 'from-pool-28'}}, save='from-pool-28'),
    step('DELETE', '/v2.0/subnetpools/{pool1}'),
    step('DELETE', '/v2.0/address-scopes/{scope1}'),
    step('DELETE', '/v2.0/subnets/{from-pool}'),
    step('DELETE', '/v2.0/subnets/{from-pool-28}'),
    step('DELETE', '/v2.0/subnetpools/{pool1}'),
    step('DELETE', '/v2.0/address-scopes/{scope1}'),
    step('DELETE', '/v2.0/address-scopes/%s' % MISSING),
    # segments (the oracle loads the segments plugin)
    step('PUT', '/v2.0/segments/{segment-net1}', {'segment': {'name': 'seg1', 'description': 'first'}}),
    step('PUT', '/v2.0/segments/{segment-net1}', {'segment': {'segmentation_id': 5}}),
    step('POST', '/v2.0/segments', {'segment': {'network_id': '{net1}', 'network_type': 'vlan', 'physical_network': 'physnet1', 'segmentation_id': 1500}}),
    step('DELETE', '/v2.0/segments/{segment-net1}'),
    step('DELETE', '/v2.0/segments/%s' % MISSING),
    # RBAC policies
    step('POST', '/v2.0/rbac-policies', {'rbac_policy': {'object_type': 'network', 'object_id': '{net1}', 'action': 'access_as_shared', 'target_tenant': 'demo'}}, save='rbac1'),
    step('PUT', '/v2.0/rbac-policies/{rbac1}', {'rbac_policy': {'target_tenant': 'other'}}),
    step('PUT', '/v2.0/rbac-policies/{rbac1}', {'rbac_policy': {'action': 'access_as_external'}}),
    step('POST', '/v2.0/rbac-policies', {'rbac_policy': {'object_type': 'network', 'object_id': '{net1}', 'action': 'access_as_shared'}}),
    step('POST', '/v2.0/rbac-policies', {'rbac_policy': {'object_type': 'network', 'object_id': 'nope', 'action': 'access_as_shared', 'target_tenant': '*'}}),
    step('POST', '/v2.0/rbac-policies', {'rbac_policy': {'object_type': 'network', 'object_id': '{net1}', 'action': 'sing', 'target_tenant': '*'}}),
    step('POST', '/v2.0/rbac-policies', {'rbac_policy': {'object_type': 'network', 'object_id': MISSING, 'action': 'access_as_shared', 'target_tenant': '*'}}),
    step('DELETE', '/v2.0/rbac-policies/{rbac1}'),
    step('DELETE', '/v2.0/rbac-policies/{rbac1}'),
    # a member (project demo) on the admin's resources and its own
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'cidr': '10.50.0.0/24', 'ip_version': 4}}, as_='member'),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{public}', 'cidr': '10.51.0.0/24', 'ip_version': 4}}, as_='member'),
    step('POST', '/v2.0/subnets', {'subnet': {'network_id': '{mine}', 'cidr': '10.52.0.0/24', 'ip_version': 4, 'name': 'minesub'}}, as_='member', save='minesub'),
    step('PUT', '/v2.0/subnets/{sub1}', {'subnet': {'name': 'x'}}, as_='member'),
    step('DELETE', '/v2.0/subnets/{public-sub}', as_='member'),
    step('POST', '/v2.0/subnetpools', {'subnetpool': {'name': 'mp', 'prefixes': ['10.53.0.0/16'], 'shared': True}}, as_='member'),
    step('PUT', '/v2.0/address-scopes/{scope6}', {'address_scope': {'name': 'x'}}, as_='member'),
    step('DELETE', '/v2.0/address-scopes/{scope6}', as_='member'),
    step('PUT', '/v2.0/networks/{public}/tags/x', as_='member'),
    step('PUT', '/v2.0/networks/{mine}/tags/x', as_='member'),
    step('POST', '/v2.0/rbac-policies', {'rbac_policy': {'object_type': 'network', 'object_id': '{mine}', 'action': 'access_as_shared', 'target_tenant': '*'}}, as_='member', save='minerbac'),
    step('POST', '/v2.0/rbac-policies', {'rbac_policy': {'object_type': 'network', 'object_id': '{mine}', 'action': 'access_as_external', 'target_tenant': '*'}}, as_='member'),
    step('POST', '/v2.0/rbac-policies', {'rbac_policy': {'object_type': 'network', 'object_id': '{net1}', 'action': 'access_as_shared', 'target_tenant': '*'}}, as_='member'),
    step('DELETE', '/v2.0/rbac-policies/{minerbac}', as_='member'),
    step('DELETE', '/v2.0/quotas/demo', as_='member'),
    step('DELETE', '/v2.0/networks/{mine}', as_='member'),
    # quotas
    step('PUT', '/v2.0/quotas/fake_project_id', {'quota': {'network': 5, 'port': '60'}}),
    step('PUT', '/v2.0/quotas/fake_project_id', {'quota': {'bogus': 1}}),
    step('PUT', '/v2.0/quotas/fake_project_id', {'quota': {'network': 'abc'}}),
    step('PUT', '/v2.0/quotas/fake_project_id', {'quota': {'network': -5}}),
    step('PUT', '/v2.0/quotas/fake_project_id', {'network': 5}),
    step('PUT', '/v2.0/quotas/demo', {'quota': {'network': 1}}, as_='member'),
    step('DELETE', '/v2.0/quotas/fake_project_id'),
    step('DELETE', '/v2.0/quotas/fake_project_id'),
    step('GET', '/v2.0/quotas/fake_project_id'),
    step('POST', '/v2.0/quotas', {'quota': {'network': 1}}),
    # tags
    step('PUT', '/v2.0/networks/{net1}/tags', {'tags': ['red', 'blue']}),
    step('PUT', '/v2.0/networks/{net1}/tags/green'),
    step('PUT', '/v2.0/networks/{net1}/tags/green'),
    step('GET', '/v2.0/networks/{net1}/tags'),
    step('DELETE', '/v2.0/networks/{net1}/tags/red'),
    step('DELETE', '/v2.0/networks/{net1}/tags/red'),
    step('PUT', '/v2.0/networks/{net1}/tags', {'tags': ['a', 'a']}),
    step('PUT', '/v2.0/networks/{net1}/tags', {'tags': 'a'}),
    step('PUT', '/v2.0/networks/{net1}/tags', {'tags': [1]}),
    step('PUT', '/v2.0/networks/{net1}/tags', {'nottags': []}),
    step('PUT', '/v2.0/networks/{net1}/tags', 'notjson'),
    step('PUT', '/v2.0/networks/%s/tags' % MISSING, {'tags': ['a']}),
    step('PUT', '/v2.0/networks/%s/tags/a' % MISSING),
    step('PUT', '/v2.0/subnets/{sub1}/tags', {'tags': ['s']}),
    step('PUT', '/v2.0/subnetpools/{pool2}/tags/p'),
    step('PUT', '/v2.0/address-scopes/{scope6}/tags/p'),
    step('GET', '/v2.0/networks/{net1}'),
    step('DELETE', '/v2.0/networks/{net1}/tags'),
    step('GET', '/v2.0/networks/{net1}/tags'),
    # revisions of tag changes (a change bumps, no change does not)
    step('POST', '/v2.0/networks', {'network': {'name': 'revs'}}, save='revs'),
    step('PUT', '/v2.0/networks/{revs}/tags', {'tags': ['a', 'b']}),
    step('GET', '/v2.0/networks/{revs}?fields=tags&fields=revision_number'),
    step('PUT', '/v2.0/networks/{revs}/tags/c'),
    step('PUT', '/v2.0/networks/{revs}/tags/c'),
    step('GET', '/v2.0/networks/{revs}?fields=tags&fields=revision_number'),
    step('DELETE', '/v2.0/networks/{revs}/tags/a'),
    step('DELETE', '/v2.0/networks/{revs}/tags'),
    step('PUT', '/v2.0/networks/{revs}/tags', {'tags': []}),
    step('GET', '/v2.0/networks/{revs}?fields=tags&fields=revision_number'),
    step('PUT', '/v2.0/networks/{revs}', {'network': {'name': 'revs'}}),
    step('GET', '/v2.0/networks/{revs}?fields=tags&fields=revision_number'),
    # paths and methods nothing routes
    step('POST', '/v2.0/extensions', {'extension': {}}),
    step('DELETE', '/v2.0/quotas'),
    step('PUT', '/v2.0/quotas/fake_project_id/default', {'quota': {'network': 1}}),
    step('POST', '/v2.0/agents', {'agent': {}}),
    step('DELETE', '/v2.0/networks/{revs}/tags/a/b'),
    step('POST', '/v2.0/networks/{revs}/tags', {'tags': ['x']}),
    step('PUT', '/v2.0/nosuch/%s' % MISSING, {'nosuch': {}}),
    step('POST', '/v2.0/', {'network': {}}),
    step('PUT', '/v2.0/networks/{revs}/', {'network': {'description': 'slash'}}),
    step('DELETE', '/v2.0/networks/{revs}//'),
    step('DELETE', '/v2.0/networks/{revs}/'),
    step('DELETE', '/v2.0/quotas'),
    step('PUT', '/v2.0/quotas', {'quota': {}}),
    step('POST', '/v2.0/quotas/fake_project_id', {'quota': {'network': 3}}),
    step('PATCH', '/v2.0/quotas/fake_project_id', {'quota': {'network': 3}}),
    step('DELETE', '/v2.0/quotas/fake_project_id/default'),
    step('PUT', '/v2.0/quotas/fake_project_id/nosuch', {'quota': {}}),
    # bulks: ML2's subnets; subnet pools refuse them, address scopes fail, RBAC policies have none
    step('POST', '/v2.0/subnets', {'subnets': [{'network_id': '{b1}', 'cidr': '10.60.0.0/24', 'ip_version': 4, 'name': 'bulk1'}, {'network_id': '{b1}', 'cidr': '10.61.0.0/24', 'ip_version': 4, 'name': 'bulk2'}]}),
    step('POST', '/v2.0/subnetpools', {'subnetpools': [{'name': 'bp1', 'prefixes': ['10.200.0.0/16']}]}),
    step('POST', '/v2.0/address-scopes', {'address_scopes': [{'name': 'bs1', 'ip_version': 4}, {'name': 'bs2', 'ip_version': 6}]}),
    step('POST', '/v2.0/rbac-policies', {'rbac_policies': [{'object_type': 'network', 'object_id': '{b1}', 'action': 'access_as_shared', 'target_tenant': 'x1'}]}),
    # the external network in use (a router's gateway)
    step('POST', '/v2.0/routers', {'router': {'name': 'r1', 'external_gateway_info': {'network_id': '{public}'}}}, save='r1', note='setup'),
    step('DELETE', '/v2.0/networks/{public}'),
    step('DELETE', '/v2.0/subnets/{public-sub}'),
    step('PUT', '/v2.0/networks/{public}', {'network': {'router:external': False}}),
    step('DELETE', '/v2.0/networks/{b1}'),
    step('GET', '/v2.0/subnets?fields=name&sort_key=name&sort_dir=asc'),
]


def call(method, path, body, as_):
    req = urllib.request.Request(BASE + path, data=body.encode() if body else None, method=method)
    req.add_header('Content-Type', 'application/json')
    if as_ == 'member':
        req.add_header('X-Auth-Token', MEMBER)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.headers.get('Content-Type'), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get('Content-Type'), e.read().decode()


def fill(text, ids):
    for name, value in ids.items():
        text = text.replace('{%s}' % name, value)
    return text


ids = {}
answers = []
for s in STEPS:
    # The segment of a network is named after it (the oracle makes one with the network).
    for name in list(ids):
        if 'segment-%s' % name not in ids and name == 'net1':
            segs = json.loads(call('GET', '/v2.0/segments?network_id=' + ids[name], '', None)[2])['segments']
            if segs:
                ids['segment-' + name] = segs[0]['id']
    status, ctype, body = call(s['method'], fill(s['path'], ids), fill(s['body'], ids), s.get('as'))
    save = s.get('save')
    if status == 201 and save is not None:
        d = json.loads(body)
        top = list(d.values())[0]
        if isinstance(save, list):
            for name, item in zip(save, top):
                ids[name] = item['id']
        else:
            ids[save] = top['id']
    answers.append(dict(s, status=status, contentType=ctype, answer=body))
json.dump({'ids': ids, 'steps': answers}, sys.stdout, indent=1)
sys.stdout.write('\n')
