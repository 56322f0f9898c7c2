#!/usr/bin/env python3
"""Captures the Neutron oracle's answers to the writes writes-b.test.ts replays (ports, routers and
their actions, floating IPs, security groups and rules), in order, on one DB.

Run on a fresh oracle (/work/shared/oracle, see its README):
  ORACLE_DIR=/tmp/oracle-nwb ORACLE_PORT=9712 start.sh --reset
  ORACLE_DIR=/tmp/oracle-nwb ORACLE_PORT=9712 run-script.sh test/openstack-api/oracle/writes-b-topology.cmds
  ORACLE_PORT=9712 python3 test/openstack-api/oracle/writes-b-capture.py > test/openstack-api/oracle/writes-b.json
`{name}` in a path or a body string is the id of the resource of that name (or saved under it by an
earlier request's `save`: [label, key of the answer's resource]); `as` is 'member' for a member of
project demo (the oracle's token filter), else admin. Each answer keeps its status and raw body.
"""
import json, os, re, urllib.error, urllib.request

BASE = 'http://127.0.0.1:%s' % os.environ.get('ORACLE_PORT', '9696')
MISSING = '0b0b0b0b-0000-4000-8000-000000000000'

P, R, F, G, S = '/v2.0/ports', '/v2.0/routers', '/v2.0/floatingips', '/v2.0/security-groups', '/v2.0/security-group-rules'


def rq(method, path, body=None, save=None, who='admin'):
    return {'method': method, 'path': path, 'body': body, 'save': save, 'as': who}


def iface(router, body, action='add_router_interface', save=None):
    return rq('PUT', '%s/{%s}/%s' % (R, router, action), body, save)


REQUESTS = [
    # ports
    rq('POST', P, {'port': {'network_id': '{net1}', 'name': 'p1', 'fixed_ips': [{'subnet_id': '{sub1}', 'ip_address': '10.0.0.10'}]}}),
    rq('POST', P, {'port': {'network_id': '{net2}', 'name': 'p2', 'fixed_ips': [{'ip_address': '10.0.2.20'}], 'description': 'second'}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'name': 'bad', 'admin_state_up': 'yes'}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'name': 'bad', 'bogus': 1}}),
    rq('POST', P, {'port': {'name': 'nonet'}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'name': 5}}),
    rq('POST', P, {'port': {'network_id': MISSING}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'fixed_ips': [{'subnet_id': '{sub1}', 'ip_address': '10.0.0.10'}]}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'fixed_ips': [{'subnet_id': '{sub1}', 'ip_address': '10.9.9.9'}]}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'mac_address': 'zz:zz'}}),
    rq('PUT', P + '/{p1}', {'port': {'name': 'p1b', 'admin_state_up': False, 'description': 'renamed'}}),
    rq('PUT', P + '/{p1}', {'port': {'network_id': '{net2}'}}),
    rq('PUT', P + '/{p1}', {'port': {'fixed_ips': [{'subnet_id': '{sub1}', 'ip_address': '10.0.0.11'}]}}),
    rq('PUT', P + '/{p1}', {'port': {'name': 'p1', 'admin_state_up': True}}),
    rq('PUT', P + '/' + MISSING, {'port': {'name': 'x'}}),
    # routers
    rq('POST', R, {'router': {'name': 'r2', 'external_gateway_info': {'network_id': '{net1}'}}}),
    rq('POST', R, {'router': {'name': 'r2', 'external_gateway_info': {'network_id': '{public}', 'enable_snat': False}}}),
    rq('POST', R, {'router': {'name': 'r3', 'routes': []}}),
    rq('POST', R, {'router': {'name': 'r3', 'admin_state_up': 'nope'}}),
    iface('r1', {'subnet_id': '{sub1}'}, save=['rif1', 'port_id']),
    iface('r1', {'subnet_id': '{sub1}'}),
    iface('r1', {'port_id': '{p2}'}),
    iface('r1', {}),
    iface('r1', {'subnet_id': '{sub2}', 'port_id': '{p2}'}),
    iface('r1', {'subnet_id': 'nonsense'}),
    iface('r1', {'subnet_id': MISSING}),
    iface('r1', {'subnet_id': '{sub1}', 'bogus': 1}),
    rq('PUT', R + '/' + MISSING + '/add_router_interface', {'subnet_id': '{sub3}'}),
    rq('PUT', R + '/{r1}', {'router': {'external_gateway_info': {'network_id': '{net3}'}}}),
    rq('PUT', R + '/{r1}', {'router': {'external_gateway_info': {'network_id': '{public}'}}}),
    rq('PUT', R + '/{r1}', {'router': {'routes': [{'destination': '192.168.0.0/24', 'nexthop': '10.0.0.5'}]}}),
    rq('PUT', R + '/{r1}/add_extraroutes', {'router': {'routes': [{'destination': '192.168.1.0/24', 'nexthop': '10.0.0.6'}]}}),
    rq('PUT', R + '/{r1}/remove_extraroutes', {'router': {'routes': [{'destination': '192.168.0.0/24', 'nexthop': '10.0.0.5'}]}}),
    rq('PUT', R + '/{r1}/add_extraroutes', {'routes': [{'destination': '192.168.1.0/24', 'nexthop': '10.0.0.6'}]}),
    rq('PUT', R + '/{r1}/add_extraroutes', {'router': {'routes': [{'destination': '192.168.9.0/24', 'nexthop': '10.99.0.6'}]}}),
    rq('PUT', R + '/{r1}', {'router': {'name': 'r1', 'distributed': 'maybe'}}),
    rq('DELETE', P + '/{rif1}'),
    rq('DELETE', P + '/{p2}'),
    rq('DELETE', R + '/{r1}'),
    iface('r1', {'subnet_id': '{sub1}'}, 'remove_router_interface'),
    # floating IPs
    rq('POST', F, {'floatingip': {'floating_network_id': '{net1}'}}),
    rq('POST', F, {'floatingip': {'floating_network_id': '{public}', 'port_id': '{p3}'}}),
    rq('POST', F, {'floatingip': {'floating_network_id': '{public}', 'floating_ip_address': '203.0.113.50', 'description': 'mine'}}, save=['fip1', 'id']),
    rq('POST', F, {'floatingip': {'floating_network_id': '{public}', 'floating_ip_address': '203.0.113.50'}}),
    rq('POST', F, {'floatingip': {'floating_network_id': '{public}', 'port_id': 'abc'}}),
    rq('PUT', F + '/{fip1}', {'floatingip': {'port_id': '{p1}'}}),
    rq('PUT', F + '/{fip1}', {'floatingip': {'port_id': '{p3}'}}),
    rq('PUT', F + '/{fip1}', {'floatingip': {'floating_network_id': '{public}'}}),
    rq('PUT', F + '/{fip1}', {'floatingip': {'port_id': None}}),
    rq('DELETE', F + '/{fip1}'),
    rq('DELETE', F + '/{fip1}'),
    # security groups and rules
    rq('POST', G, {'security_group': {'name': 'sg2', 'description': 'two'}}),
    rq('POST', G, {'security_group': {'name': 'default'}}),
    rq('POST', G, {'security_group': {'name': 'sg3', 'stateful': 'sometimes'}}),
    rq('PUT', G + '/{sg2}', {'security_group': {'name': 'sg2b', 'description': 'two b'}}),
    rq('PUT', G + '/{sg2}', {'security_group': {'name': 'sg2'}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{sg2}', 'direction': 'ingress', 'protocol': 'tcp', 'port_range_min': 22, 'port_range_max': 22}}, save=['rule1', 'id']),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{sg2}', 'direction': 'ingress', 'protocol': 'tcp', 'port_range_min': 22, 'port_range_max': 22}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{sg2}', 'direction': 'ingress', 'protocol': 'icmp', 'port_range_min': 300, 'port_range_max': 0}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{sg2}', 'direction': 'ingress', 'protocol': 'icmp', 'port_range_min': 8, 'port_range_max': 300}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{sg2}', 'direction': 'ingress', 'protocol': 'icmp', 'port_range_max': 0}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{sg2}', 'direction': 'ingress', 'protocol': 'tcp', 'port_range_min': 80, 'port_range_max': 22}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{sg2}', 'direction': 'sideways'}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{sg2}', 'direction': 'ingress', 'protocol': 'bogus'}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{sg2}', 'direction': 'ingress', 'remote_ip_prefix': '10.0.0.0/8', 'remote_group_id': '{web}'}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{sg2}', 'direction': 'egress', 'ethertype': 'ipv6', 'protocol': 'udp', 'port_range_min': '53', 'port_range_max': 53, 'remote_ip_prefix': '2001:db8::/64', 'description': 'dns'}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{sg2}', 'direction': 'ingress', 'port_range_min': 22}}),
    rq('POST', S, {'security_group_rule': {'direction': 'ingress'}}),
    rq('PUT', S + '/{rule1}', {'security_group_rule': {'description': 'ssh'}}),
    rq('PUT', S + '/{rule1}', {'security_group_rule': {'protocol': 'udp'}}),
    rq('DELETE', S + '/{rule1}'),
    rq('DELETE', S + '/{rule1}'),
    rq('DELETE', G + '/{sg2}'),
    # a member of another project
    rq('POST', P, {'port': {'network_id': '{shared1}', 'binding:host_id': 'compute1'}}, who='member'),
    rq('POST', P, {'port': {'network_id': '{shared1}', 'mac_address': 'fa:16:3e:00:00:01'}}, who='member'),
    rq('POST', P, {'port': {'network_id': '{shared1}', 'tenant_id': 'fake_project_id'}}, who='member'),
    rq('POST', P, {'port': {'network_id': '{net1}'}}, who='member'),
    rq('PUT', P + '/{p1}', {'port': {'name': 'mine'}}, who='member'),
    rq('DELETE', P + '/{p1}', who='member'),
    rq('POST', R, {'router': {'name': 'mr', 'distributed': True}}, who='member'),
    rq('POST', R, {'router': {'name': 'mr', 'external_gateway_info': {'network_id': '{public}', 'enable_snat': False}}}, who='member'),
    rq('PUT', R + '/{r1}', {'router': {'name': 'mine'}}, who='member'),
    rq('POST', F, {'floatingip': {'floating_network_id': '{public}', 'floating_ip_address': '203.0.113.60'}}, who='member'),
    # tear-down
    iface('r1', {'port_id': '{p2}'}, 'remove_router_interface'),
    rq('PUT', R + '/{r1}', {'router': {'routes': []}}),
    iface('r1', {'subnet_id': '{sub1}'}, 'remove_router_interface'),
    iface('r1', {'subnet_id': '{sub1}'}, 'remove_router_interface'),
    rq('PUT', R + '/{r1}', {'router': {'external_gateway_info': {}}}),
    rq('DELETE', P + '/{p1}'),
    rq('DELETE', R + '/{r1}'),
    rq('DELETE', R + '/{r1}'),
    # more hostile bodies (appended: the indexes above stay put)
    rq('POST', P, {'port': {'network_id': '{net1}', 'fixed_ips': 'x'}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'fixed_ips': [{'subnet_id': 'nope'}]}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'security_groups': 'web'}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'security_groups': [MISSING]}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'allowed_address_pairs': [{'mac_address': 'fa:16:3e:00:00:02'}]}}),
    rq('PUT', R + '/{r2}', {'router': {'external_gateway_info': 'public'}}),
    rq('PUT', R + '/{r2}', {'router': {'external_gateway_info': {'enable_snat': True}}}),
    rq('PUT', R + '/{r2}', {'router': {'routes': 'x'}}),
    rq('PUT', R + '/{r2}', {'router': {'routes': [{'destination': '10.0.0.0/24'}]}}),
    iface('r2', {'port_id': '{p3}'}),
    iface('r2', {'port_id': '{p3}'}),
    iface('r2', {'port_id': '{p3}'}, 'remove_router_interface'),
    iface('r2', {'port_id': '{p3}'}, 'remove_router_interface'),
    rq('POST', F, {'floatingip': {'floating_network_id': '{public}', 'floating_ip_address': '203.0.113.70'}}, save=['fip2', 'id']),
    rq('PUT', F + '/{fip2}', {'floatingip': {'fixed_ip_address': '10.0.3.30'}}),
    rq('PUT', F + '/{fip2}', {'floatingip': {'port_id': 'nope'}}),
    rq('DELETE', F + '/{fip2}'),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{web}', 'direction': 'ingress', 'protocol': 'icmp', 'port_range_min': 8, 'port_range_max': 0}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{web}', 'direction': 'ingress', 'protocol': 'tcp', 'remote_group_id': MISSING}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': MISSING, 'direction': 'ingress'}}),
    rq('DELETE', G + '/' + MISSING),
    rq('DELETE', P + '/' + MISSING),
    rq('DELETE', R + '/{r2}'),
    # the body as prepare_request_body reads it: attributes a POST must give before any value is
    # checked, then each attribute converted and validated in the attribute map's order
    rq('POST', '/v2.0/subnets', {'subnet': {'name': 'a' * 300, 'ip_version': 4}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'ip_version': 'x'}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': 'x', 'ip_version': 5, 'name': 5}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': 'x', 'ip_version': 5}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': '10.9.0.0/24', 'subnetpool_id': 'x', 'name': 'a' * 256}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': '10.9.0.0/24', 'subnetpool_id': 'x'}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': '10.9.0.0/24', 'gateway_ip': '010.9.0.1'}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 6, 'cidr': '2001:db8::/64', 'ipv6_ra_mode': 'foo', 'segment_id': 5}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 6, 'cidr': '2001:db8::/64', 'ipv6_address_mode': ['slaac']}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': '10.9.0.0/24', 'segment_id': 'x', 'description': 5}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': 'urn:uuid:' + MISSING, 'ip_version': 4, 'cidr': '10.9.0.0/24'}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{' + MISSING.replace('-', '') + '}', 'ip_version': 4, 'cidr': '10.9.0.0/24'}}),
    rq('PUT', '/v2.0/subnets/{sub1}', {'subnet': {'gateway_ip': '010.0.0.1'}}),
    rq('PUT', '/v2.0/subnets/{sub1}', {'subnet': {'name': 'a' * 256, 'gateway_ip': 'bad'}}),
    rq('POST', P, {'port': {'name': 5}}),
    rq('POST', P, {'port': {'network_id': 5, 'name': 5}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'security_groups': ['x', 'x'], 'mac_address': 'zz'}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'security_groups': None, 'device_id': 5}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'fixed_ips': [{'subnet_id': 'x', 'ip_address': 'bad'}]}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'fixed_ips': [{'ip_address': '10.0.0.40'}, {'ip_address': '10.0.0.40'}]}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'fixed_ips': [{'ip_address': '010.0.0.40'}]}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'fixed_ips': [{'ip_address': 'bad'}, 5]}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'binding:vnic_type': 'x', 'numa_affinity_policy': 'y'}}),
    rq('POST', P, {'port': {'network_id': '{net1}', 'name': 'nullmac', 'mac_address': None}}),
    rq('POST', F, {'floatingip': {'floating_ip_address': 'bad'}}),
    rq('POST', F, {'floatingip': {'floating_network_id': 'x', 'port_id': 'y'}}),
    rq('POST', F, {'floatingip': {'floating_network_id': '{public}', 'floating_ip_address': '203.0.113.070'}}),
    rq('POST', R, {'router': {'name': 5, 'external_gateway_info': 'x'}}),
    rq('POST', R, {'router': {'name': 'r9', 'external_gateway_info': {'network_id': '{public}', 'external_fixed_ips': [{'ip_address': '203.0.113.011'}]}}}),
    rq('POST', G, {'security_group': {'name': 'DEFAULT'}}),
    rq('POST', G, {'security_group': {'name': 'default', 'description': 5}}),
    rq('POST', G, {'security_group': {'name': 'a' * 256}}),
    rq('POST', S, {'security_group_rule': {'direction': 'in'}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': 'x' * 40, 'direction': 'ingress'}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{web}', 'direction': 'in', 'ethertype': 'IPv5'}}),
    rq('POST', S, {'security_group_rule': {'security_group_id': '{web}', 'direction': ['ingress']}}),
    rq('POST', '/v2.0/subnetpools', {'subnetpool': {'prefixes': ['10.0.0.0/8']}}),
    rq('POST', '/v2.0/subnetpools', {'subnetpool': {'name': ' ', 'prefixes': ['10.1.0.0/16']}}),
    rq('POST', '/v2.0/subnetpools', {'subnetpool': {'name': 'p', 'prefixes': 'x'}}),
    rq('POST', '/v2.0/subnetpools', {'subnetpool': {'name': 'p', 'prefixes': ['10.2.0.0/16'], 'address_scope_id': 'x', 'default_prefixlen': -1}}),
    rq('POST', '/v2.0/subnetpools', {'subnetpool': {'name': 'p', 'prefixes': ['10.2.0.0/16'], 'address_scope_id': 'x', 'description': 'a' * 256}}),
    rq('POST', '/v2.0/address-scopes', {'address_scope': {'name': 'a' * 256}}),
    rq('POST', '/v2.0/address-scopes', {'address_scope': {'name': 's', 'ip_version': 5}}),
    rq('POST', '/v2.0/address-scopes', {'address_scope': {'name': 's', 'ip_version': '4', 'shared': 'x'}}),
    rq('PUT', '/v2.0/address-scopes/' + MISSING, {'address_scope': {'name': 'a' * 256}}),
    # a subnet's CIDR is read by convert_cidr_to_canonical_format (netaddr) before the network's owner is checked
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': '300.1.1.0/24'}}, who='member'),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': '10.0.3.0/33'}}, who='member'),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': '10.70.0.0/24'}}, who='member'),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': None}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': 5}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': '1.2.3.4/'}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': '10.71/16', 'name': 'partial'}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': ' 010.72.0.0/024', 'name': 'zeros'}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 4, 'cidr': '10.73.0.5/24', 'name': 'hostbits'}}),
    rq('POST', '/v2.0/subnets', {'subnet': {'network_id': '{net1}', 'ip_version': 6, 'cidr': '2001:DB8:0:0::0/64', 'name': 'v6caps'}}),
]

ids = {}


def fill(v):
    if isinstance(v, str):
        return re.sub(r'\{([^}]+)\}', lambda m: ids.get(m.group(1), m.group(0)), v)
    if isinstance(v, list):
        return [fill(x) for x in v]
    if isinstance(v, dict):
        return {k: fill(x) for k, x in v.items()}
    return v


def call(method, path, body, who):
    data = json.dumps(body).encode() if body is not None else None
    headers = {'Content-Type': 'application/json'} if data is not None else {}
    if who == 'member':
        headers['X-Auth-Token'] = 'oracle:project=demo;roles=member'
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.headers.get('Content-Type'), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get('Content-Type'), e.read().decode()


def names():
    for coll in ('networks', 'subnets', 'ports', 'routers', 'security_groups'):
        for item in json.loads(call('GET', '/v2.0/' + coll.replace('_', '-'), None, 'admin')[2])[coll]:
            if item.get('name'):
                ids[item['name']] = item['id']


def main():
    names()
    start = dict(ids)
    answers = []
    for r in REQUESTS:
        status, ctype, body = call(r['method'], fill(r['path']), fill(r['body']), r['as'])
        answers.append({'method': r['method'], 'path': r['path'], 'body': r['body'], 'as': r['as'], 'save': r['save'], 'status': status, 'contentType': ctype, 'answer': body})
        if r['save'] and 200 <= status < 300:
            d = json.loads(body)
            d = next(iter(d.values())) if len(d) == 1 and isinstance(next(iter(d.values())), dict) else d
            ids[r['save'][0]] = d[r['save'][1]]
        if r['method'] == 'POST' and 200 <= status < 300:
            d = next(iter(json.loads(body).values()))
            if d.get('name'):
                ids[d['name']] = d['id']
    print(json.dumps({'ids': ids, 'start': start, 'answers': answers}, indent=1))


main()
