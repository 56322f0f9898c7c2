#!/usr/bin/python3
"""Renders haproxy.cfg goldens with Octavia 11's own templater (python3-octavia, Debian bookworm).

For each test/lb-dataplane/haproxy/<name>.json (a load balancer in Stacklab's model field names),
builds Octavia's data models, renders them as the amphora driver does (combined listeners
template, HAProxy 2.4 as on an Ubuntu 22.04 amphora, default [haproxy_amphora] options) and
writes <name>.cfg next to it. Run with Debian's python: /usr/bin/python3 capture-haproxy.py
"""
import glob
import json
import os
import re
import sys

# Octavia joins the expanded expected codes in a set's order: a fixed hash seed keeps the goldens stable.
if os.environ.get('PYTHONHASHSEED') != '0':
    os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, 'PYTHONHASHSEED': '0'})

from octavia.common import data_models as dm
from octavia.common.config import cfg
from octavia.common.jinja.haproxy.combined_listeners import jinja_cfg

cfg.CONF([], project='octavia', default_config_files=[])
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'haproxy')


def persistence(p):
    sp = p.get('sessionPersistence')
    if not sp:
        return None
    return dm.SessionPersistence(type=sp['type'], cookie_name=sp.get('cookieName'))


def render(spec):
    lbs = spec['lb']
    lb = dm.LoadBalancer(id=lbs['id'], project_id=lbs['projectId'], enabled=lbs.get('adminStateUp', True),
                         topology=lbs.get('topology', 'SINGLE'), vip=dm.Vip(ip_address=lbs['vipAddress']),
                         amphorae=[], additional_vips=[])
    a = spec['amphora']
    amp = dm.Amphora(id=a['id'], lb_network_ip=a['lbNetworkIp'], vrrp_ip=a['vrrpIp'], ha_ip=lbs['vipAddress'],
                     role=a.get('role', 'STANDALONE'), status='ALLOCATED')
    hms = {h['poolId']: h for h in spec.get('monitors', [])}
    pools = {}
    for p in spec.get('pools', []):
        pool = dm.Pool(id=p['id'], protocol=p.get('protocol', 'HTTP'), lb_algorithm=p.get('lbAlgorithm', 'ROUND_ROBIN'),
                       enabled=p.get('adminStateUp', True), provisioning_status='ACTIVE', tls_enabled=False,
                       session_persistence=persistence(p), members=[], l7policies=[])
        h = hms.get(p['id'])
        if h:
            pool.health_monitor = dm.HealthMonitor(
                id=h['id'], type=h['type'], delay=h['delay'], timeout=h['timeout'], fall_threshold=h['maxRetriesDown'],
                rise_threshold=h['maxRetries'], http_method=h.get('httpMethod'), url_path=h.get('urlPath'),
                expected_codes=h.get('expectedCodes'), enabled=h.get('adminStateUp', True), provisioning_status='ACTIVE',
                http_version=h.get('httpVersion'), domain_name=h.get('domainName'))
        pools[p['id']] = pool
    for m in spec.get('members', []):
        pools[m['poolId']].members.append(dm.Member(
            id=m['id'], ip_address=m['address'], protocol_port=m['protocolPort'], weight=m.get('weight', 1),
            enabled=m.get('adminStateUp', True), backup=m.get('backup', False), provisioning_status='ACTIVE',
            monitor_address=m.get('monitorAddress'), monitor_port=m.get('monitorPort'), subnet_id=None))
    rules = {}
    for r in spec.get('rules', []):
        rules.setdefault(r['l7policyId'], []).append(dm.L7Rule(
            id=r['id'], type=r['type'], compare_type=r['compareType'], key=r.get('key'), value=r['value'],
            invert=r.get('invert', False), enabled=r.get('adminStateUp', True), provisioning_status='ACTIVE'))
    listeners = []
    for ls in spec.get('listeners', []):
        pols = sorted([p for p in spec.get('policies', []) if p['listenerId'] == ls['id']], key=lambda p: p['position'])
        l7 = [dm.L7Policy(id=p['id'], action=p['action'], position=p['position'], enabled=p.get('adminStateUp', True),
                          redirect_url=p.get('redirectUrl'), redirect_prefix=p.get('redirectPrefix'),
                          redirect_http_code=p.get('redirectHttpCode'),
                          redirect_pool=pools.get(p.get('redirectPoolId')), l7rules=rules.get(p['id'], []),
                          provisioning_status='ACTIVE') for p in pols]
        used = []
        for pid in [ls.get('defaultPoolId')] + [p.get('redirectPoolId') for p in pols if p['action'] == 'REDIRECT_TO_POOL']:
            if pid and pools[pid] not in used:
                used.append(pools[pid])
        listeners.append(dm.Listener(
            id=ls['id'], protocol=ls.get('protocol', 'HTTP'), protocol_port=ls['protocolPort'], enabled=ls.get('adminStateUp', True),
            connection_limit=ls.get('connectionLimit', -1), load_balancer=lb, default_pool=pools.get(ls.get('defaultPoolId')),
            pools=used, l7policies=l7, insert_headers=ls.get('insertHeaders', {}), timeout_client_data=ls.get('timeoutClientData', 50000),
            timeout_member_connect=ls.get('timeoutMemberConnect', 5000), timeout_member_data=ls.get('timeoutMemberData', 50000),
            timeout_tcp_inspect=ls.get('timeoutTcpInspect', 0), provisioning_status='ACTIVE', peer_port=1025))
    t = jinja_cfg.JinjaTemplater(base_amp_path='/var/lib/octavia', base_crt_dir='/var/lib/octavia/certs', connection_logging=True)
    text = t.build_config(amp, listeners, None, ['2', '4'])
    # What the amphora agent writes to /var/lib/octavia/<lb id>/haproxy.cfg (upload_haproxy_config).
    # (haproxy_compatibility changes nothing for HAProxy 2.x.)
    return re.sub(r"\s+group\s.+", "", text)


for path in sorted(glob.glob(os.path.join(HERE, '*.json'))):
    with open(path) as f:
        spec = json.load(f)
    with open(path[:-5] + '.cfg', 'w') as f:
        f.write(render(spec))
