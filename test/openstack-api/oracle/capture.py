#!/usr/bin/env python3
"""Captures the Neutron oracle's answers to the GET requests neutron.test.ts compares against.

Run on a fresh oracle (/work/shared/oracle, see its README) after topology.cmds:
  ORACLE_DIR=/tmp/neutron-oracle/api ORACLE_PORT=9741 start.sh --reset
  ORACLE_PORT=9741 run-script.sh test/openstack-api/oracle/topology.cmds
  ORACLE_PORT=9741 python3 test/openstack-api/oracle/capture.py > test/openstack-api/oracle/responses.json
Each answer keeps its status, Content-Type and raw body (the spacing of Neutron's JSON differs
by resource); `{name}` in a path is the id of the resource of that name (`ids`).
"""
import json, os, sys, urllib.error, urllib.request

BASE = 'http://127.0.0.1:%s' % os.environ.get('ORACLE_PORT', '9696')
MISSING = '0b0b0b0b-0000-4000-8000-000000000000'

REQUESTS = [
    '/', '/nosuch', '/v2.0', '/v2.0/nosuch', '/v2.0/networks/{net1}/nosuch',
    '/v2.0/networks', '/v2.0/networks/{net1}', '/v2.0/networks/{net1}?fields=name&fields=id',
    '/v2.0/networks?fields=id&fields=name', '/v2.0/networks?fields=bogus',
    '/v2.0/networks?name=net1', '/v2.0/networks?bogus=1', '/v2.0/networks?name=',
    '/v2.0/networks?name=net1&name=public&fields=name&sort_key=name&sort_dir=asc',
    '/v2.0/networks?limit=1', '/v2.0/networks?limit=1&marker={public}',
    '/v2.0/networks?limit=1&marker={net1}&page_reverse=True',
    '/v2.0/networks?limit=1&sort_key=name&sort_dir=desc', '/v2.0/networks?limit=5&fields=name',
    '/v2.0/networks?limit=1&marker={public}&page_reverse=True',
    '/v2.0/networks?limit=abc', '/v2.0/networks?limit=-1', '/v2.0/networks?marker=' + MISSING + '&limit=1',
    '/v2.0/networks?sort_key=bogus', '/v2.0/networks?sort_key=bogus&sort_dir=asc',
    '/v2.0/networks?sort_key=name&sort_dir=up', '/v2.0/networks?sort_key=name&sort_dir=desc&fields=name',
    '/v2.0/subnets', '/v2.0/subnets/{sub1}', '/v2.0/subnetpools', '/v2.0/subnetpools/{pool1}',
    '/v2.0/address-scopes', '/v2.0/address-scopes/{scope1}', '/v2.0/ports', '/v2.0/ports/{p1}',
    '/v2.0/routers', '/v2.0/routers/{r1}', '/v2.0/floatingips', '/v2.0/security-groups',
    '/v2.0/security-groups/{web}', '/v2.0/security-group-rules', '/v2.0/agents', '/v2.0/segments',
    '/v2.0/rbac-policies', '/v2.0/network-ip-availabilities', '/v2.0/network-ip-availabilities/{net1}',
    '/v2.0/availability_zones', '/v2.0/quotas', '/v2.0/quotas/fake_project_id',
    '/v2.0/quotas/fake_project_id/default', '/v2.0/extensions', '/v2.0/extensions/router',
    '/v2.0/extensions/nosuch', '/v2.0/service-providers', '/v2.0/bgp-speakers',
    '/v2.0/routers/{r1}/l3-agents', '/v2.0/networks/{net1}/dhcp-agents', '/v2.0/routers/{r1}/tags',
    '/v2.0/routers/%s/l3-agents' % MISSING, '/v2.0/agents/%s/l3-routers' % MISSING,
    '/v2.0/networks/%s/tags' % MISSING,
] + ['/v2.0/%s/%s' % (r, MISSING) for r in (
    'networks', 'subnets', 'subnetpools', 'address-scopes', 'ports', 'routers', 'floatingips',
    'security-groups', 'security-group-rules', 'agents', 'segments', 'rbac-policies',
    'network-ip-availabilities')]


def get(path):
    try:
        with urllib.request.urlopen(BASE + path) as r:
            return r.status, r.headers.get('Content-Type'), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get('Content-Type'), e.read().decode()


def ids():
    out = {}
    for coll in ('networks', 'subnets', 'subnetpools', 'address_scopes', 'ports', 'routers', 'security_groups'):
        for item in json.loads(get('/v2.0/' + coll.replace('_', '-'))[2])[coll]:
            if item['name']:
                out[item['name']] = item['id']
    return out


names = ids()
answers = []
for template in REQUESTS:
    path = template.format(**names)
    status, ctype, body = get(path)
    answers.append({'request': template, 'status': status, 'contentType': ctype, 'body': body.replace(BASE, 'ORACLE')})
json.dump({'ids': names, 'answers': answers}, sys.stdout, indent=1)
sys.stdout.write('\n')
