#!/usr/bin/python3
"""Capture how python-neutronclient 8.1 splits a command line, as a table of cases.

For each (command, argv) it runs the real client's own split (neutronclient.shell.run_command's
parse_known_args, its `--` rule and subnet-create's CIDR rescue, with the command's run stubbed
out) and the real parse_args_to_dict on the values_specs, and records what came out: the known
arguments that differ from their defaults, the values_specs, and the API attributes or the
error. test/legacy/parse-rules.test.ts checks Stacklab's parser against this table.

    /usr/bin/python3 scripts/capture-neutron-parse-rules.py > server/cli/neutron/neutron-parse-rules.json
"""
import contextlib
import io
import json
import sys

from neutronclient import shell
from neutronclient.common import exceptions
from neutronclient.neutron import v2_0

CASES = [
    ['subnet-create', 'my-public', '--name', 'public_subnet', '--enable_dhcp=False', '--allocation-pool',
     'start=180.180.180.2,end=180.180.180.100', '--gateway', '180.180.180.1', '180.180.180.0/24'],
    ['subnet-create', '--name', 'public-subnet', '--enable_dhcp=False', 'public', '180.180.180.0/24'],
    ['subnet-create', 'net1', '10.0.0.0/24', '--name', 's1'],
    ['subnet-create', 'net1', '--name', 's1', '10.0.0.0/24', '--enable_dhcp', 'False'],
    ['subnet-create', 'net1', '--name', 's1', 'not-a-cidr'],
    ['subnet-create', 'net1', '--name', 's1', 'not-a-cidr', '10.0.0.0/24'],
    ['subnet-create', '10.0.0.0/24', 'net1'],
    ['subnet-create', 'net1', '--enable_dhcp', 'type=bool', 'false', '10.0.0.0/24'],
    ['subnet-create', 'net1', '10.0.0.0/24', '--dns_nameservers', 'list=true', '8.8.8.8', '8.8.4.4'],
    ['subnet-create', 'net1', '10.0.0.0/24', '--host_routes', 'type=dict', 'list=true',
     'destination=10.9.0.0/24,nexthop=10.0.0.5'],
    ['net-create', 'n1', '--router:external=True'],
    ['net-create', 'n1', '--router:external'],
    ['net-create', 'n1', '--router:external', 'True', '--shared'],
    ['net-create', '--name', 'n1'],
    ['net-create', 'n1', '--mtu', 'type=int', '1400'],
    ['net-create', 'n1', '--mtu', 'type=foo', '1400'],
    ['net-create', 'n1', '--description', 'type=int'],
    ['net-create', 'n1', '--description=a', 'b'],
    ['net-create', 'n1', '--', 'x'],
    ['net-create', 'n1', '---x', 'y'],
    ['net-create', 'n1', '--x', '-y'],
    ['net-create', 'n1', '--x', '-1'],
    ['net-create', 'n1', '--x', '1', '--x', '2'],
    ['net-create', 'n1', '--x', 'a', 'b'],
    ['net-create', 'n1', '--x', 'action=clear'],
    ['net-create', 'n1', '--x', 'list=true'],
    ['net-create', 'n1', '--tenant-id', 'p1', '--x-y', 'z'],
    ['net-create', 'n1', '--mtu', 'type=int', 'abc'],
    ['net-create', 'n1', '--mtu', 'type=int', '1400', '--x', 'a', 'b', '--tags', 'type=dict', 'nokey'],
    ['net-create', 'n1', '--x', 'type=str', 'type=int'],
    ['net-create', 'n1', 'list=true', '--x', 'a'],
    ['net-create', 'n1', '--x', '1e3', '--y', '-2.5'],
    ['net-create', 'n1', '--x=a=b'],
    ['net-show', 'net1', '--foo', 'bar'],
    ['port-list', '--', '--device_id', 'abc'],
    ['port-list', '--device_id', 'abc'],
    ['port-list', '--device_id=abc'],
    ['port-list', '--device_id'],
    ['port-list', '--device_id', 'abc', '--', '--name', 'p'],
    ['port-list', '--device-owner', 'x', '--', '--device_id', 'abc'],
    ['port-list', '-c', 'id', '--', '--device_id', 'abc', '-c', 'name'],
    ['port-list', '--device_id', 'a', '--device_id', 'b'],
    ['net-list', '-F', 'name', '-F', 'router:external'],
    ['net-list', '--field', 'name', '-c', 'name', '--name', 'x'],
    ['net-list', '--', '--name', 'net1', '--shared'],
    ['net-update', 'n1', '--router:external=False'],
    ['net-update', 'n1', '--router:external', 'False', '--shared', 'True'],
    ['router-show', '-F', 'name', 'r1', '-F', 'status'],
    ['floatingip-create', 'ext', '--floating-ip-address', '1.2.3.4', '--description', 'x'],
    ['security-group-rule-list', '-c', 'protocol', '-c', 'port/protocol'],
]


def known(parser, ns):
    out = {}
    for a in parser._actions:
        if a.dest in ('help',) or not hasattr(ns, a.dest):
            continue
        v = getattr(ns, a.dest)
        if v != parser.get_default(a.dest) and a.dest not in out:
            out[a.dest] = v
    return out


def main():
    # The client's throw-away values_specs parser takes its prog from argv[0].
    sys.argv[0] = 'neutron'
    app = shell.NeutronShell('2.0')
    cm = app.command_manager
    rows = []
    for argv in CASES:
        factory, name, sub = cm.find_command(argv)
        cmd = factory(app, None)
        parser = cmd.get_parser('neutron ' + name)
        seen = {}

        def fake_run(ns, cmd=cmd, seen=seen):
            seen['ns'] = ns
            return 0
        cmd.run = fake_run
        row = {'argv': argv}
        err = io.StringIO()
        try:
            with contextlib.redirect_stderr(err):
                shell.run_command(cmd, parser, sub)
        except SystemExit as e:
            row['exit'] = e.code
            row['stderr'] = err.getvalue()
            rows.append(row)
            continue
        row['known'] = known(parser, seen['ns'])
        row['values_specs'] = cmd.values_specs
        try:
            with contextlib.redirect_stderr(err):
                row['attributes'] = v2_0.parse_args_to_dict(cmd.values_specs)
        except exceptions.CommandError as e:
            row['error'] = str(e)
        except SystemExit as e:
            row['attributes_exit'] = e.code
            row['stderr'] = err.getvalue()
        rows.append(row)
    json.dump({'version': 'python-neutronclient 8.1.0', 'cases': rows}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
