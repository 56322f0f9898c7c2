#!/usr/bin/python3
"""Neutron 21's attribute maps (allow_post, allow_put, conversion, validation, default) for the
resources Stacklab models, merged from neutron-lib's API definitions of the extensions the oracle
loads, as JSON for server/sim/api/neutron/neutron-attributes.json. Run with Debian's python3 on a
machine with python3-neutron 2:21, given the aliases of GET /v2.0/extensions:
  /usr/bin/python3 scripts/extract-neutron-attributes.py "$(curl -s http://127.0.0.1:9696/v2.0/extensions |
    python3 -c 'import json,sys; print(" ".join(e["alias"] for e in json.load(sys.stdin)["extensions"]))')"
"""
import importlib
import json
import pkgutil
import sys

import neutron_lib.api.definitions as defs
from neutron.extensions import securitygroup

RESOURCES = {'networks', 'subnets', 'ports', 'routers', 'floatingips', 'security_groups',
             'security_group_rules', 'subnetpools', 'address_scopes', 'agents', 'segments'}
# The extensions the oracle's server lists (GET /v2.0/extensions), read once from it.
ALIASES = set(sys.argv[1].split())

maps = {}


def merge(attr_map):
    for res, attrs in attr_map.items():
        if res in RESOURCES:
            for name, spec in attrs.items():
                maps.setdefault(res, {})[name] = spec


for mod in pkgutil.iter_modules(defs.__path__):
    m = importlib.import_module(f'neutron_lib.api.definitions.{mod.name}')
    alias = getattr(m, 'ALIAS', None)
    if alias in ALIASES or mod.name in ('network', 'subnet', 'port', 'subnetpool'):
        merge(getattr(m, 'RESOURCE_ATTRIBUTE_MAP', {}))
if 'security-group' in ALIASES:
    merge(securitygroup.RESOURCE_ATTRIBUTE_MAP)
# The standard attributes (standard-attr-* extensions): every resource but address scopes and
# agents. A list filters on description and revision_number (the oracle's lists do), not on the times.
for res in [r for r in maps if r not in ('address_scopes', 'agents')]:
    maps[res].setdefault('description', {'allow_post': True, 'allow_put': True, 'default': '', 'validate': {'type:string': 255}})
    for k in ('created_at', 'updated_at', 'revision_number', 'tags'):
        maps[res].setdefault(k, {'allow_post': False, 'allow_put': False})
    for k in ('description', 'revision_number'):
        maps[res][k] = {**maps[res][k], 'is_filter': True}


def fn(f):
    return getattr(f, '__name__', repr(f)) if f is not None else None


out = {res: {name: {'post': bool(s.get('allow_post')), 'put': bool(s.get('allow_put')),
                    'convert': fn(s.get('convert_to')), 'validate': sorted((s.get('validate') or {}).keys()),
                    'required': 'default' not in s and bool(s.get('allow_post')),
                    # A list may filter on it (filter-validation), and how a filter's values are read as a whole.
                    'filter': bool(s.get('is_filter')), 'convertList': fn(s.get('convert_list_to'))}
             for name, s in sorted(attrs.items())} for res, attrs in sorted(maps.items())}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
