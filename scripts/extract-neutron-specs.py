#!/usr/bin/python3
"""Dump the argument parsers of the real python-neutronclient 8.1 commands Stacklab emulates.

Same idea as extract-osc-specs.py: the real parsers, captured as data, so usage lines, `--help`
and argparse errors of the legacy `neutron` CLI are the real ones.

    /usr/bin/python3 scripts/extract-neutron-specs.py > server/cli/neutron/neutron-parsers.json
"""
import json
import sys

from neutronclient import shell

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from importlib import util as _u  # noqa: E402

spec = _u.spec_from_file_location('osc_extract', __file__.rsplit('/', 1)[0] + '/extract-osc-specs.py')
osc = _u.module_from_spec(spec)
spec.loader.exec_module(osc)

COMMANDS = [
    'net-create', 'net-list', 'net-show', 'net-update', 'net-delete',
    'subnet-create', 'subnet-list', 'subnet-show', 'subnet-update', 'subnet-delete',
    'router-create', 'router-list', 'router-show', 'router-update', 'router-delete',
    'router-interface-add', 'router-interface-delete', 'router-gateway-set', 'router-gateway-clear',
    'router-port-list',
    'port-create', 'port-list', 'port-show', 'port-update', 'port-delete',
    'floatingip-create', 'floatingip-list', 'floatingip-show', 'floatingip-associate',
    'floatingip-disassociate', 'floatingip-delete',
    'security-group-create', 'security-group-list', 'security-group-show', 'security-group-delete',
    'security-group-rule-create', 'security-group-rule-list', 'security-group-rule-delete',
    'subnetpool-create', 'subnetpool-list', 'subnetpool-show', 'address-scope-list',
    'quota-show', 'quota-update', 'quota-delete', 'quota-list', 'quota-default-show',
    'ext-list', 'ext-show', 'net-ip-availability-list', 'net-ip-availability-show',
    'address-scope-create', 'address-scope-show', 'address-scope-update', 'address-scope-delete',
    'subnetpool-update', 'subnetpool-delete', 'security-group-update', 'security-group-rule-show',
    'availability-zone-list',
    'agent-list', 'agent-show', 'l3-agent-list-hosting-router', 'dhcp-agent-list-hosting-net',
]


def main():
    app = shell.NeutronShell('2.0')
    cm = app.command_manager
    out = {}
    for name in COMMANDS:
        factory, cmd_name, _ = cm.find_command([name])
        cmd = factory(app, None)
        parser = cmd.get_parser('neutron ' + name)
        # Reuse the OSC dumper's walk over argparse actions.
        out[name] = osc.dump_parser(parser, 'neutron ' + name, factory)
    json.dump({'version': 'python-neutronclient 8.1.0', 'commands': out}, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
