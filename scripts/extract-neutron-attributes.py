#!/usr/bin/python3
"""Neutron 21's attribute maps (allow_post, allow_put, conversion, validation, default) for the
resources Stacklab models, merged from neutron-lib's API definitions of the extensions the oracle
loads, as JSON for server/sim/api/neutron/neutron-attributes.json. Run with Debian's python3 on a
machine with python3-neutron 2:21, given the aliases of GET /v2.0/extensions:
  /usr/bin/python3 scripts/extract-neutron-attributes.py "$(curl -s http://127.0.0.1:9696/v2.0/extensions |
    python3 -c 'import json,sys; print(" ".join(e["alias"] for e in json.load(sys.stdin)["extensions"]))')"
"""
import copy
import json
import logging
import os
import sys

from neutron import extensions as neutron_extensions
from neutron.api import extensions
from neutron_lib import constants
from neutron_lib.api import attributes

RESOURCES = {'networks', 'subnets', 'ports', 'routers', 'floatingips', 'security_groups',
             'security_group_rules', 'subnetpools', 'address_scopes', 'agents', 'segments', 'rbac_policies',
             'network_ip_availabilities', 'availability_zones', 'service_providers', 'address_groups'}
# The extensions the oracle's server lists (GET /v2.0/extensions), read once from it.
ALIASES = set(sys.argv[1].split())
# The extension manager's complaints about files that are not extensions are no concern here.
logging.disable(logging.CRITICAL)

# The attribute maps in the order the server builds them (pecan_wsgi/startup.py): the core
# resources' definitions, then each loaded extension's attributes as the extension manager merges
# them (neutron/extensions in file order, an extension after those it requires). A request body is
# converted and validated in that order, so the first bad attribute in it is the one reported.
maps = copy.deepcopy(attributes._core_resource_attributes())
mgr = extensions.ExtensionManager(os.path.dirname(neutron_extensions.__file__))
for name in [n for n in mgr.extensions if n not in ALIASES]:
    del mgr.extensions[name]
mgr.extend_resources('2.0', maps)
maps = {res: attrs for res, attrs in maps.items() if res in RESOURCES}
# A resource an extension makes (security groups, their rules, segments) starts with that
# extension's own attributes on the server, whichever extension extended it first here (the
# oracle checks a group's name before its description, a rule's ethertype before its description).
for ext in mgr.extensions.values():
    for res, attrs in ext.get_extended_resources('2.0').items():
        if res in maps and 'id' in attrs and next(iter(maps[res])) != 'id':
            maps[res] = {**{k: maps[res][k] for k in attrs}, **maps[res]}
def fn(f):
    return getattr(f, '__name__', repr(f)) if f is not None else None


def arg(v):
    # A validator's argument as JSON: sets as sorted lists, converters by name.
    if isinstance(v, (set, frozenset, tuple)):
        return sorted(v, key=repr)
    if callable(v):
        return fn(v)
    raise TypeError(repr(v))


def policy(s):
    # The default a create compares the value with (policy.py's _is_attribute_explicitly_set),
    # when there is one (ATTR_NOT_SPECIFIED is none).
    d = s.get('default', constants.ATTR_NOT_SPECIFIED)
    return {} if d is constants.ATTR_NOT_SPECIFIED else {'default': d}


out = {res: {name: {'post': bool(s.get('allow_post')), 'put': bool(s.get('allow_put')),
                    'convert': fn(s.get('convert_to')), # Each validator with its argument (a maximum length, the valid values, key specs).
                    'validate': json.loads(json.dumps(s.get('validate') or {}, default=arg)),
                    'required': 'default' not in s and bool(s.get('allow_post')),
                    # A list may filter on it (filter-validation), and how a filter's values are read as a whole.
                    'filter': bool(s.get('is_filter')), 'convertList': fn(s.get('convert_list_to')),
                    # A list may be sorted by it (sort_key).
                    'sort': bool(s.get('is_sort_key')),
                    # The policy engine checks a rule of its own for it when a request sets it
                    # (enforce_policy), unless a create gives it its default.
                    **({'policy': policy(s)} if s.get('enforce_policy') else {})}
             for name, s in attrs.items()} for res, attrs in sorted(maps.items())}
# Not sorted: body.ts walks each map in this order.
json.dump(out, sys.stdout, indent=1)
print()
