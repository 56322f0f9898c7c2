#!/usr/bin/python3
"""Dump the argument parsers of the real python-neutronclient 8.1 commands Stacklab emulates.

Same idea as extract-osc-specs.py: the real parsers, captured as data, so usage lines, `--help`
and argparse errors of the legacy `neutron` CLI are the real ones. COMMANDS are the ones Stacklab
runs against its model; every other command `neutron help` lists (the extensions our cloud does
not load: LBaaS, FWaaS, VPNaaS, QoS, BGP, metering, ...) is captured too, as Stacklab answers them
the way a server without the extension does. With a file argument, the entries already in it are
kept as they are (the dump of a `type=` callable names its address, which changes every run).

    /usr/bin/python3 scripts/extract-neutron-specs.py server/cli/neutron/neutron-parsers.json > /tmp/p.json
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


# Not sub-commands of the cloud: the shell's own.
NOT_RESOURCES = {'help', 'bash-completion'}


def all_commands(cm):
    """COMMANDS first, then the client's other commands, sorted."""
    others = sorted(n for n, _ in cm if n not in COMMANDS and n not in NOT_RESOURCES)
    return COMMANDS + others


def main():
    app = shell.NeutronShell('2.0')
    cm = app.command_manager
    kept = json.load(open(sys.argv[1]))['commands'] if len(sys.argv) > 1 else {}
    out = dict(kept)
    for name in all_commands(cm):
        if name in kept:
            continue
        factory, cmd_name, _ = cm.find_command([name])
        cmd = factory(app, None)
        parser = cmd.get_parser('neutron ' + name)
        # Reuse the OSC dumper's walk over argparse actions.
        out[name] = osc.dump_parser(parser, 'neutron ' + name, factory)
    json.dump({'version': 'python-neutronclient 8.1.0', 'commands': out}, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
