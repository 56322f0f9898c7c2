#!/usr/bin/env python3
"""Captures the Octavia oracle's answers to the API calls octavia-api.test.ts replays.

Run on a fresh oracle (/work/shared/octavia-oracle, see its README; no-op drivers):
  ORACLE_DIR=/tmp/oracle-octavia ORACLE_PORT=9714 ORACLE_NEUTRON_PORT=9747 start.sh --reset
  ORACLE_PORT=9714 python3 test/openstack-api/oracle/octavia-capture.py > test/openstack-api/oracle/octavia.json
Each step: who asks (`as`: admin, or a project with roles), the method, the path and the body
(`{NAME}` = an id saved by an earlier step's `save`), whether to wait for the load balancer to
settle before the next step (`wait`), and the oracle's status, Content-Type and raw body.
Known artefacts of the oracle (not of Octavia): after `?cascade=true` its worker meets SQLite's
"database is locked" and leaves lb1 in ERROR (octavia-api.test.ts skips the two answers that show
it); its no-op network driver answers a `vip_network_id` create with a 500, so none is made here.
"""
import json, os, sys, time, urllib.error, urllib.request

BASE = 'http://127.0.0.1:%s' % os.environ.get('ORACLE_PORT', '9876')
SUBNET = '5a1e0000-0000-4000-8000-000000000001'
NETWORK = '5a1e0000-0000-4000-8000-000000000002'
MISSING = '0b0b0b0b-0000-4000-8000-000000000000'
DEMO = 'member,load-balancer_member'

LB = '/v2/lbaas/loadbalancers'


def S(method, path, body=None, save=None, wait=False, as_=None, raw=None, note=''):
    return {'method': method, 'path': path, 'body': raw if raw is not None else (json.dumps(body) if body is not None else ''),
            'save': save, 'wait': wait, 'as': as_, 'note': note}


STEPS = [
    S('GET', '/'), S('GET', '/v2'), S('GET', '/v2.0'), S('GET', '/v2/'), S('GET', '/v3'),
    S('GET', LB), S('GET', '/v2.0/lbaas/loadbalancers'), S('GET', '/v2/lbaas/nosuch'), S('PATCH', LB),
    S('GET', LB + '/' + MISSING), S('GET', LB + '/abc'),
    S('POST', LB, raw='{bad', note='bad JSON'),
    S('POST', LB, raw='[]', note='not an object'),
    S('POST', LB, {'loadbalancer': {'foo': 1}}, note='unknown field'),
    S('POST', LB, {'lb': {}}, note='wrong wrapper'),
    S('POST', LB, {'loadbalancer': {}}, note='no VIP'),
    S('POST', LB, {'loadbalancer': {'vip_subnet_id': 'abc'}}, note='bad uuid'),
    S('POST', LB, {'loadbalancer': {'vip_subnet_id': SUBNET, 'admin_state_up': 'maybe'}}),
    S('POST', LB, {'loadbalancer': {'vip_subnet_id': SUBNET, 'provider': 'nosuch'}}),
    S('POST', LB, {'loadbalancer': {'vip_subnet_id': SUBNET, 'vip_address': '10.0.0.999'}}),
    S('POST', LB, {'loadbalancer': {'vip_subnet_id': SUBNET, 'name': 'x' * 256}}),
    S('POST', LB, {'loadbalancer': {'name': 'lb1', 'description': 'first', 'vip_subnet_id': SUBNET, 'tags': ['b', 'a']}}, save='lb1'),
    S('POST', '/v2/lbaas/listeners', {'listener': {'name': 'early', 'protocol': 'HTTP', 'protocol_port': 81, 'loadbalancer_id': '{lb1}'}}, note='immutable load balancer', wait=True),
    S('GET', LB + '/{lb1}'),
    S('GET', LB + '/{lb1}?fields=id&fields=name'),
    S('POST', LB, {'loadbalancer': {'name': 'lb2', 'vip_subnet_id': SUBNET, 'vip_address': '10.0.0.50', 'admin_state_up': False}}, save='lb2', wait=True),
    S('GET', LB + '?sort=name:desc'), S('GET', LB + '?name=lb2'), S('GET', LB + '?limit=1'),
    S('GET', LB + '?limit=1&marker={lb1}'), S('GET', LB + '?limit=1&marker={lb2}&page_reverse=True'),
    S('GET', LB + '?marker=' + MISSING), S('GET', LB + '?limit=abc'), S('GET', LB + '?sort=bogus:asc'),
    S('GET', LB + '?sort=name:up'), S('GET', LB + '?bogus=1'), S('GET', LB + '?fields=name&sort=name'),
    S('GET', LB + '?tags=a'), S('GET', LB + '?admin_state_up=false'),
    S('PUT', LB + '/{lb2}', {'loadbalancer': {'name': 'lb2b', 'description': 'd'}}, wait=True),
    S('PUT', LB + '/{lb2}', {'loadbalancer': {'vip_address': '10.0.0.9'}}),
    S('POST', '/v2/lbaas/listeners', {'listener': {'name': 'l1', 'protocol': 'HTTP', 'protocol_port': 80, 'loadbalancer_id': '{lb1}'}}, save='l1', wait=True),
    S('POST', '/v2/lbaas/listeners', {'listener': {'protocol': 'HTTP', 'protocol_port': 80, 'loadbalancer_id': '{lb1}'}}, note='port taken', wait=True),
    S('POST', '/v2/lbaas/listeners', {'listener': {'protocol': 'HTTP', 'protocol_port': 70000, 'loadbalancer_id': '{lb1}'}}),
    S('POST', '/v2/lbaas/listeners', {'listener': {'protocol': 'TERMINATED_HTTPS', 'protocol_port': 443, 'loadbalancer_id': '{lb1}'}}),
    S('POST', '/v2/lbaas/listeners', {'listener': {'protocol': 'HTTP', 'protocol_port': 82, 'loadbalancer_id': MISSING}}),
    S('GET', '/v2/lbaas/listeners'), S('GET', '/v2/lbaas/listeners/{l1}'), S('GET', '/v2/lbaas/listeners/{l1}/stats'),
    S('POST', '/v2/lbaas/pools', {'pool': {'name': 'p1', 'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN', 'listener_id': '{l1}', 'session_persistence': {'type': 'HTTP_COOKIE'}}}, save='p1', wait=True),
    S('POST', '/v2/lbaas/pools', {'pool': {'name': 'p2', 'protocol': 'TCP', 'lb_algorithm': 'LEAST_CONNECTIONS', 'loadbalancer_id': '{lb1}'}}, save='p2', wait=True),
    S('POST', '/v2/lbaas/pools', {'pool': {'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN'}}),
    S('POST', '/v2/lbaas/pools', {'pool': {'protocol': 'HTTP', 'lb_algorithm': 'WEIGHTED', 'loadbalancer_id': '{lb1}'}}),
    S('GET', '/v2/lbaas/pools'), S('GET', '/v2/lbaas/pools/{p1}'), S('GET', '/v2/lbaas/pools?loadbalancer_id={lb1}&fields=name'),
    S('POST', '/v2/lbaas/pools/{p1}/members', {'member': {'name': 'm1', 'address': '10.0.0.11', 'protocol_port': 8080, 'subnet_id': SUBNET}}, save='m1', wait=True),
    S('POST', '/v2/lbaas/pools/{p1}/members', {'member': {'name': 'm2', 'address': '10.0.0.12', 'protocol_port': 8080, 'weight': 5, 'backup': True}}, save='m2', wait=True),
    S('POST', '/v2/lbaas/pools/{p1}/members', {'member': {'address': '10.0.0.12', 'protocol_port': 8080}}, wait=True),
    S('POST', '/v2/lbaas/pools/{p1}/members', {'member': {'address': 'ten', 'protocol_port': 8080}}),
    S('POST', '/v2/lbaas/pools/{p1}/members', {'member': {'address': '10.0.0.13'}}),
    S('GET', '/v2/lbaas/pools/{p1}/members'), S('GET', '/v2/lbaas/pools/{p1}/members/{m1}'),
    S('GET', '/v2/lbaas/pools/{p1}/members/' + MISSING), S('GET', '/v2/lbaas/pools/' + MISSING + '/members'),
    S('PUT', '/v2/lbaas/pools/{p1}/members/{m2}', {'member': {'weight': 7, 'name': 'm2b'}}, wait=True),
    # the batch update of a pool's members
    S('PUT', '/v2/lbaas/pools/{p2}/members', {'members': [{'address': '10.0.0.21', 'protocol_port': 80}, {'address': '10.0.0.22', 'protocol_port': 80, 'weight': 3, 'name': 'b2'}]}, wait=True),
    # both made in the same second: sorted by address, not by their random ids
    S('GET', '/v2/lbaas/pools/{p2}/members?sort=address'),
    S('PUT', '/v2/lbaas/pools/{p2}/members', {'members': [{'address': '10.0.0.22', 'protocol_port': 80, 'name': 'kept'}]}, wait=True),
    S('GET', '/v2/lbaas/pools/{p2}/members'),
    S('PUT', '/v2/lbaas/pools/{p2}/members?additive_only=true', {'members': [{'address': '10.0.0.23', 'protocol_port': 80}]}, wait=True),
    S('GET', '/v2/lbaas/pools/{p2}/members?sort=address:desc&fields=address&fields=name&fields=weight'),
    S('PUT', '/v2/lbaas/pools/{p2}/members', {'members': [{'address': '10.0.0.22', 'protocol_port': 80}, {'address': '10.0.0.23', 'protocol_port': 80}]}, wait=True, note='no-op'),
    S('PUT', '/v2/lbaas/pools/{p2}/members', {'members': [{'foo': 1}]}),
    S('PUT', '/v2/lbaas/pools/{p2}/members', {'members': {}}),
    S('PUT', '/v2/lbaas/pools/{p2}/members', {'members': [{'address': '10.0.0.24', 'protocol_port': 80}]}, as_=('demo', DEMO)),
    S('POST', '/v2/lbaas/healthmonitors', {'healthmonitor': {'name': 'hm1', 'pool_id': '{p1}', 'type': 'HTTP', 'delay': 5, 'timeout': 3, 'max_retries': 2}}, save='hm1', wait=True),
    S('POST', '/v2/lbaas/healthmonitors', {'healthmonitor': {'pool_id': '{p1}', 'type': 'HTTP', 'delay': 5, 'timeout': 3, 'max_retries': 2}}, wait=True),
    S('POST', '/v2/lbaas/healthmonitors', {'healthmonitor': {'pool_id': '{p2}', 'type': 'PING', 'delay': 5, 'timeout': 3, 'max_retries': 20}}),
    S('GET', '/v2/lbaas/healthmonitors'), S('GET', '/v2/lbaas/healthmonitors/{hm1}'),
    S('PUT', '/v2/lbaas/healthmonitors/{hm1}', {'healthmonitor': {'delay': 10, 'url_path': '/health'}}, wait=True),
    S('POST', '/v2/lbaas/l7policies', {'l7policy': {'name': 'pol1', 'listener_id': '{l1}', 'action': 'REDIRECT_TO_URL', 'redirect_url': 'http://example.com/'}}, save='pol1', wait=True),
    S('POST', '/v2/lbaas/l7policies', {'l7policy': {'listener_id': '{l1}', 'action': 'REDIRECT_TO_POOL'}}),
    S('POST', '/v2/lbaas/l7policies/{pol1}/rules', {'rule': {'type': 'PATH', 'compare_type': 'STARTS_WITH', 'value': '/api'}}, save='rule1', wait=True),
    S('POST', '/v2/lbaas/l7policies/{pol1}/rules', {'rule': {'type': 'HEADER', 'compare_type': 'EQUAL_TO', 'value': 'x'}}),
    S('GET', '/v2/lbaas/l7policies'), S('GET', '/v2/lbaas/l7policies/{pol1}'),
    S('GET', '/v2/lbaas/l7policies/{pol1}/rules'), S('GET', '/v2/lbaas/l7policies/{pol1}/rules/{rule1}'),
    S('PUT', '/v2/lbaas/l7policies/{pol1}/rules/{rule1}', {'rule': {'value': '/v2'}}, wait=True),
    S('PUT', '/v2/lbaas/l7policies/{pol1}', {'l7policy': {'position': 1, 'name': 'pol1b'}}, wait=True),
    S('GET', LB + '/{lb1}/status'), S('GET', LB + '/{lb1}/stats'),
    S('GET', '/v2/lbaas/quotas'), S('GET', '/v2/lbaas/quotas/fake_project_id'), S('GET', '/v2/lbaas/quotas/defaults'),
    S('PUT', '/v2/lbaas/quotas/demo', {'quota': {'load_balancer': 1, 'member': 5}}),
    S('PUT', '/v2/lbaas/quotas/demo', {'quota': {'bogus': 1}}),
    S('PUT', '/v2/lbaas/quotas/demo', {'quota': {'pool': -2}}),
    S('GET', '/v2/lbaas/quotas'), S('GET', '/v2/lbaas/quotas/demo'),
    S('GET', '/v2/lbaas/providers'), S('GET', '/v2/lbaas/providers/amphora/flavor_capabilities'),
    S('GET', '/v2/lbaas/providers/amphora/availability_zone_capabilities'),
    S('GET', '/v2/lbaas/providers/nosuch/flavor_capabilities'),
    S('GET', '/v2/lbaas/flavors'), S('GET', '/v2/lbaas/flavorprofiles'), S('GET', '/v2/lbaas/availabilityzones'),
    S('GET', '/v2/lbaas/availabilityzoneprofiles'), S('GET', '/v2/lbaas/flavors/' + MISSING),
    S('GET', '/v2/octavia/amphorae?loadbalancer_id={lb1}'), S('GET', '/v2/octavia/amphorae/{amp1}'), S('GET', '/v2/octavia/amphorae/' + MISSING),
    S('GET', '/v2/lbaas/listeners/' + MISSING), S('GET', '/v2/lbaas/pools/' + MISSING),
    S('GET', '/v2/lbaas/healthmonitors/' + MISSING), S('GET', '/v2/lbaas/l7policies/' + MISSING),
    S('GET', '/v2/lbaas/l7policies/{pol1}/rules/' + MISSING), S('GET', '/v2/lbaas/availabilityzones/nosuch'),
    S('GET', '/v2/lbaas/flavorprofiles/' + MISSING), S('GET', '/v2/lbaas/availabilityzoneprofiles/' + MISSING),
    S('GET', '/v2/lbaas'), S('GET', LB + '/{lb1}/bogus'), S('GET', LB + '?limit=0'), S('GET', LB + '?fields=bogus'),
    S('GET', '/v2/lbaas/listeners?loadbalancer_id={lb1}&fields=name'), S('GET', '/v2/lbaas/l7policies?listener_id={l1}&fields=id'),
    S('POST', '/v2/lbaas/listeners', {'listener': {'foo': 1}}), S('POST', '/v2/lbaas/pools', {'pool': {'foo': 1}}),
    S('POST', '/v2/lbaas/pools/{p1}/members', {'member': {'foo': 1}}), S('POST', '/v2/lbaas/healthmonitors', {'healthmonitor': {'foo': 1}}),
    S('POST', '/v2/lbaas/l7policies', {'l7policy': {'foo': 1}}), S('POST', '/v2/lbaas/l7policies/{pol1}/rules', {'rule': {'foo': 1}}),
    S('PUT', '/v2/lbaas/listeners/{l1}', {'listener': {'foo': 1}}), S('PUT', '/v2/lbaas/pools/{p1}', {'pool': {'foo': 1}}),
    S('PUT', '/v2/lbaas/pools/{p1}/members/{m1}', {'member': {'foo': 1}}), S('PUT', '/v2/lbaas/healthmonitors/{hm1}', {'healthmonitor': {'foo': 1}}),
    S('PUT', '/v2/lbaas/l7policies/{pol1}', {'l7policy': {'foo': 1}}), S('PUT', '/v2/lbaas/l7policies/{pol1}/rules/{rule1}', {'rule': {'foo': 1}}),
    S('POST', '/v2/lbaas/listeners', {'listener': {'protocol': 'HTTP', 'protocol_port': 'abc', 'loadbalancer_id': '{lb1}'}}),
    S('POST', LB, {'loadbalancer': {'vip_subnet_id': SUBNET, 'name': 5}}),
    S('POST', LB, {'loadbalancer': {'vip_subnet_id': SUBNET, 'listeners': [{'protocol': 'HTTP', 'protocol_port': 80}]}}),
    S('DELETE', '/v2/lbaas/listeners/{l1}', note='listener of an active LB but wrong project', as_=('demo', DEMO)),
    # another project
    S('GET', LB, as_=('demo', DEMO)), S('GET', LB + '/{lb1}', as_=('demo', DEMO)),
    S('GET', LB, as_=('demo', 'member')), S('GET', '/v2/octavia/amphorae', as_=('demo', DEMO)),
    S('GET', '/v2/lbaas/quotas/defaults', as_=('demo', DEMO)), S('GET', '/v2/lbaas/quotas/demo', as_=('demo', DEMO)),
    S('GET', '/v2/lbaas/quotas', as_=('demo', DEMO)),
    S('POST', LB, {'loadbalancer': {'name': 'd1', 'vip_subnet_id': SUBNET}}, as_=('demo', DEMO), save='d1', wait=True),
    S('POST', LB, {'loadbalancer': {'name': 'd2', 'vip_subnet_id': SUBNET}}, as_=('demo', DEMO), note='quota'),
    S('POST', LB, {'loadbalancer': {'name': 'd3', 'vip_subnet_id': SUBNET}}, as_=('demo', 'member'), note='policy'),
    S('PUT', LB + '/{lb1}', {'loadbalancer': {'name': 'mine'}}, as_=('demo', DEMO)),
    S('DELETE', LB + '/{lb1}', as_=('demo', DEMO)),
    S('POST', '/v2/lbaas/listeners', {'listener': {'protocol': 'HTTP', 'protocol_port': 80, 'loadbalancer_id': '{lb1}'}}, as_=('demo', DEMO)),
    # writes that end things
    S('GET', '/v2/octavia/amphorae/{amp1}/stats'), S('GET', '/v2/octavia/amphorae/{amp1}/failover'),
    S('PUT', '/v2/octavia/amphorae/{amp1}/config'), S('PUT', '/v2/octavia/amphorae/{amp1}/failover', as_=('demo', DEMO)),
    S('PUT', '/v2/octavia/amphorae/{amp1}/failover', wait=True), S('GET', '/v2/octavia/amphorae/{amp1}'),
    S('GET', '/v2/octavia/amphorae?loadbalancer_id={lb1}&fields=status&fields=role&fields=lb_network_ip'),
    S('DELETE', '/v2/lbaas/l7policies/{pol1}/rules/{rule1}', wait=True),
    S('DELETE', '/v2/lbaas/pools/{p1}/members/{m1}', wait=True),
    S('DELETE', '/v2/lbaas/healthmonitors/{hm1}', wait=True),
    S('DELETE', LB + '/{lb1}', note='has children'),
    S('DELETE', LB + '/{lb1}?cascade=true', wait=True),
    S('GET', LB + '/{lb1}'),
    S('PUT', LB + '/{lb2}/failover', wait=True), S('GET', '/v2/octavia/amphorae?loadbalancer_id={lb2}&fields=status&fields=role'),
    S('PUT', LB + '/{lb2}/failover', as_=('demo', DEMO)),
    S('DELETE', LB + '/{lb2}', wait=True),
    S('DELETE', LB + '/{lb2}'),
    S('GET', LB),
]


def call(step, saved):
    def sub(s):
        for k, v in saved.items():
            if v is not None:
                s = s.replace('{%s}' % k, v)
        return s
    headers = {'Accept': 'application/json'}
    if step['body'] != '':
        headers['Content-Type'] = 'application/json'
    if step['as']:
        headers['X-Auth-Token'] = 'oracle:project=%s;roles=%s' % step['as']
    req = urllib.request.Request(BASE + sub(step['path']), data=sub(step['body']).encode() if step['body'] else None,
                                 method=step['method'], headers=headers)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.headers.get('Content-Type'), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get('Content-Type'), e.read().decode()


def settle():
    end = time.time() + 60
    while time.time() < end:
        lbs = json.loads(call(S('GET', LB), {})[2])['loadbalancers']
        if not any(l['provisioning_status'].startswith('PENDING_') for l in lbs):
            return
        time.sleep(0.1)
    raise SystemExit('load balancers still pending')


def main():
    saved = {}
    out = []
    for step in STEPS:
        if saved.get('amp1', 1) is None:
            amps = json.loads(call(S('GET', '/v2/octavia/amphorae?loadbalancer_id=' + saved['lb1']), {})[2])['amphorae']
            if amps:
                saved['amp1'] = amps[0]['id']
        status, ctype, body = call(step, saved)
        if step['save'] and status < 300:
            saved[step['save']] = json.loads(body)[next(iter(json.loads(body)))]['id']
            if step['save'] == 'lb1':
                saved['amp1'] = None
        if step['wait']:
            if step['method'] == 'DELETE':
                time.sleep(1.5)  # SQLite: the worker's cascade must not meet our polling
            settle()
            # whole-second created_at: one a second keeps the default order (created_at, id) unambiguous
            time.sleep(1.05)
        out.append(dict(step, as_=None, status=status, contentType=ctype, answer=body))
        del out[-1]['as_']
    json.dump({'base': BASE, 'subnet': SUBNET, 'network': NETWORK, 'missing': MISSING, 'steps': out}, sys.stdout, indent=1)
    sys.stdout.write('\n')


main()
