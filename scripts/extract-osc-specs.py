#!/usr/bin/python3
"""Dump the argument parsers of the real python-openstackclient commands Stacklab emulates.

Run with Debian's python3 on a machine that has python3-openstackclient 6.0.0 installed
(the oracle's packages). It builds each command's argparse parser exactly as `openstack`
does and writes its structure (option strings, dest, metavar, nargs, choices, defaults,
mutually exclusive groups, help sections and help texts) as JSON. Stacklab's declarative
command table reads that file, so `--help`, usage lines and argparse errors match the real
client. Nothing here is executed at run time; re-run it only to re-capture.

    /usr/bin/python3 scripts/extract-osc-specs.py > server/cli/openstack/osc-parsers.json
"""
import argparse
import inspect
import json
import sys

from openstackclient import shell

COMMANDS = [
    'network create', 'network list', 'network show', 'network set', 'network unset', 'network delete',
    'subnet create', 'subnet list', 'subnet show', 'subnet set', 'subnet unset', 'subnet delete',
    'subnet pool create', 'subnet pool list', 'subnet pool show', 'subnet pool set', 'subnet pool unset',
    'subnet pool delete',
    'address scope create', 'address scope list', 'address scope show', 'address scope set', 'address scope delete',
    'network rbac create', 'network rbac list', 'network rbac show', 'network rbac set', 'network rbac delete',
    'router create', 'router list', 'router show', 'router set', 'router unset', 'router delete',
    'router add subnet', 'router add port', 'router remove subnet', 'router remove port', 'router add route', 'router remove route',
    'port create', 'port list', 'port show', 'port set', 'port unset', 'port delete',
    'floating ip create', 'floating ip list', 'floating ip show', 'floating ip set', 'floating ip unset',
    'floating ip delete',
    'security group create', 'security group list', 'security group show', 'security group set',
    'security group delete',
    'security group rule create', 'security group rule list', 'security group rule show',
    'security group rule delete',
    'server create', 'server list', 'server show', 'server delete', 'server add floating ip',
    'server remove floating ip', 'server ssh', 'server stop', 'server start', 'console log show', 'console url show',
    'keypair create', 'keypair list', 'keypair show', 'keypair delete',
    'image list', 'image show', 'flavor list', 'flavor show',
    'quota show', 'quota set', 'network agent list', 'network agent show', 'network segment list', 'network segment show', 'extension list', 'availability zone list',
    'project list', 'token issue',
    'extension show', 'ip availability list', 'ip availability show', 'limits show',
    'server reboot', 'server add security group', 'server remove security group',
    'server add port', 'server add network', 'server add fixed ip', 'server remove port',
    'server remove network', 'server remove fixed ip',
    'address group create', 'address group list', 'address group show', 'address group set',
    'address group unset', 'address group delete',
    'network service provider list', 'floating ip pool list', 'security group unset',
]

# python-octaviaclient 3.1.0: every `openstack loadbalancer …` command it registers.
LOADBALANCER_GROUP = 'openstack.load_balancer.v2'
# python-neutronclient 8.1.0's OSC plugin: its `openstack bgp …` commands (neutron-dynamic-routing).
NEUTRONCLIENT_GROUP = 'openstack.neutronclient.v2'

ACTIONS = {
    '_StoreAction': 'store', '_StoreTrueAction': 'store_true', '_StoreFalseAction': 'store_false',
    '_StoreConstAction': 'store_const', '_AppendAction': 'append', '_AppendConstAction': 'append_const',
    '_CountAction': 'count', '_HelpAction': 'help',
}


class _ClientManager:
    """Just enough for NetworkAndCompute commands to build their Neutron parsers."""

    def is_network_endpoint_enabled(self):
        return True

    def is_compute_endpoint_enabled(self):
        return True


def plain(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return repr(v)


def dump(app, cm, name):
    factory, cmd_name, _ = cm.find_command(name.split())
    cmd = factory(app, None, cmd_name=cmd_name)
    return dump_parser(cmd.get_parser('openstack ' + name), 'openstack ' + name, factory)


def dump_parser(parser, prog, factory):
    groups = []
    gid = {}
    for i, g in enumerate(parser._mutually_exclusive_groups):
        key = 'g%d' % i
        groups.append({'id': key, 'required': g.required})
        for a in g._group_actions:
            gid[id(a)] = key
    section_of = {}
    sections = []
    for g in parser._action_groups:
        if g.title not in ('positional arguments', 'options', 'optional arguments'):
            sections.append({'title': g.title, **({'description': g.description} if g.description else {})})
        for a in g._group_actions:
            section_of[id(a)] = g.title
    args = []
    for a in parser._actions:
        kind = type(a).__name__
        spec = {
            'flags': list(a.option_strings),
            'dest': a.dest,
            'action': ACTIONS.get(kind, 'custom:' + kind),
        }
        if a.metavar is not None:
            spec['metavar'] = plain(a.metavar)
        spec['help'] = None if a.help == argparse.SUPPRESS else a.help
        if a.nargs is not None and kind not in ('_StoreTrueAction', '_StoreFalseAction', '_StoreConstAction',
                                                '_AppendConstAction', '_CountAction', '_HelpAction'):
            spec['nargs'] = a.nargs
        if a.required:
            spec['required'] = True
        if a.choices is not None:
            spec['choices'] = [str(c) for c in a.choices]
        if a.default is not None and a.default != argparse.SUPPRESS:
            spec['default'] = plain(a.default)
        if getattr(a, 'const', None) is not None:
            spec['const'] = plain(a.const)
        if a.type is not None:
            spec['type'] = getattr(a.type, '__name__', repr(a.type))
        if kind == 'MultiKeyValueAction':
            spec['requiredKeys'] = list(getattr(a, 'required_keys', []) or [])
            spec['optionalKeys'] = list(getattr(a, 'optional_keys', []) or [])
        if id(a) in gid:
            spec['group'] = gid[id(a)]
        title = section_of.get(id(a))
        if title not in (None, 'positional arguments', 'options', 'optional arguments'):
            spec['section'] = title
        args.append(spec)
    doc = inspect.getdoc(factory) or ''
    return {
        'prog': prog,
        'summary': doc.splitlines()[0] if doc else '',
        'description': parser.description,
        'epilog': parser.epilog,
        'args': args,
        'groups': groups,
        'sections': sections,
    }


def main():
    app = shell.OpenStackShell()
    app.client_manager = _ClientManager()
    cm = app.command_manager
    for g in ('openstack.network.v2', 'openstack.compute.v2', 'openstack.image.v2', 'openstack.common',
              'openstack.identity.v3', LOADBALANCER_GROUP):
        cm.add_command_group(g)
    lb = sorted(n for n, _ in cm if n.startswith('loadbalancer '))
    all_names = sorted(n for n, _ in cm)
    cm.add_command_group(NEUTRONCLIENT_GROUP)
    bgp = sorted(n for n, _ in cm if n.startswith('bgp '))
    out = {name: dump(app, cm, name) for name in COMMANDS + lb + bgp}
    json.dump({'version': 'python-openstackclient 6.0.0, python-octaviaclient 3.1.0', 'commands': out, 'allCommands': all_names},
              sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
