#!/usr/bin/python3
"""What the real python-neutronclient 8.1 asks the server, in order, for each command of an
extension our cloud does not load (LBaaS, FWaaS, VPNaaS, QoS, metering): which arguments it
looks up by name or ID (as which resource) before its own request. Each command runs against a
recording client that answers every lookup and stops at the first other request; every argument is
a token naming its dest, so a lookup says which argument it was. Stacklab replays that: a lookup of
an unloaded resource fails as the real server makes it fail, else the request gets the 404.

    /usr/bin/python3 scripts/extract-neutron-unloaded.py > server/cli/neutron/neutron-unloaded.json
"""
import argparse
import json
import re
import sys

from neutronclient import shell
from neutronclient.neutron import v2_0 as nv20
from neutronclient.common import exceptions

class Stop(Exception):
    pass

class Rec:
    def __init__(self):
        self.calls = []
    def find_resource(self, resource, name_or_id, project_id=None, cmd_resource=None, parent_id=None, fields=None):
        self.calls.append({'find': resource, 'value': name_or_id, 'cmd_resource': cmd_resource})
        return {'id': 'ID:' + str(name_or_id)}
    def find_resource_by_id(self, resource, resource_id, cmd_resource=None, parent_id=None, fields=None):
        self.calls.append({'find': resource, 'value': resource_id, 'cmd_resource': cmd_resource, 'by_id': True})
        return {'id': resource_id}

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        def f(*a, **k):
            self.calls.append({'call': name})
            raise Stop()
        return f

def token(dest):
    return '@' + dest

def args_for(parser):
    argv = []
    for act in parser._actions:
        if isinstance(act, argparse._HelpAction):
            continue
        if act.option_strings:
            if not act.required:
                continue
            argv.append(act.option_strings[-1])
        val = act.choices[0] if act.choices else token(act.dest)
        if act.nargs == 0:
            continue
        argv.append(str(val))
    return argv

# Options a command's own checks require before it calls the server (found by running it).
EXTRA = {
    'ipsec-site-connection-create': ['--peer-cidr', '10.0.0.0/24'],
    'lbaas-listener-create': ['--loadbalancer', '@loadbalancer'],
    'lbaas-pool-create': ['--listener', '@listener'],
    'qos-bandwidth-limit-rule-create': ['--max-kbps', '10'],
    'qos-bandwidth-limit-rule-update': ['--max-kbps', '10'],
}
NUMERIC = {'@remote_as': '10', '@local_as': '10', '@dscp_mark': '10'}


def attempt(app, cm, name, more, specs=()):
    """Runs the command on the recording client: (command, parser, calls, error or None)."""
    factory, _, _ = cm.find_command([name])
    cmd = factory(app, None)
    parser = cmd.get_parser('neutron ' + name)
    argv = args_for(parser) + EXTRA.get(name, []) + more
    argv = [NUMERIC.get(a, a) for a in argv]
    rec = Rec()

    class Manager:
        neutron = rec
    cmd.app.client_manager = Manager()
    cmd.get_client = lambda: rec
    # The class-level default list is shared by every command: give each run its own.
    cmd.values_specs = list(specs)
    err = None
    try:
        cmd.run(parser.parse_args(argv))
    except Stop:
        pass
    except BaseException as e:
        err = type(e).__name__ + ': ' + str(e)
    return cmd, parser, rec.calls, err


def optionals(parser):
    """The options a user may add (not the formatter's, not --request-format)."""
    return [a for a in parser._actions if a.option_strings and not a.required
            and not isinstance(a, argparse._HelpAction) and a.dest != 'request_format']


def option_argvs(act):
    """Ways to give an option a value its parser accepts: a token, a number, a dict."""
    opt = act.option_strings[-1]
    if act.nargs == 0:
        return [[opt]]
    if act.choices:
        return [[opt, str(act.choices[0])]]
    return [[opt, token(act.dest)], [opt, '1400'], [opt, 'action=hold,interval=30,timeout=120']]


UNLOADED = re.compile(r'^(?:firewall|ipsec|lb|lbaas|meter|qos|vpn)-')
NOT_RESOURCES = {'help', 'bash-completion'}


def shape(cmd, kinds, calls):
    """The data Stacklab needs: the verb, the resource of its messages, its lookups."""
    lookups = [dict({'resource': c['find'], 'dest': c['value'][1:]}, **({'by_id': True} if c.get('by_id') else {}))
               for c in calls if 'find' in c]
    # A list looks a parent up twice (once for the path, once for the query): once is enough.
    lookups = [x for i, x in enumerate(lookups) if x not in lookups[:i]]
    kind = kinds[0][:-len('Command')].lower() if kinds else 'other'
    # An update with no new values stops before its lookup; with values it looks itself up first.
    if kind == 'update' and not any(x['dest'] == 'id' for x in lookups) and getattr(cmd, 'allow_names', True):
        lookups.append({'resource': cmd.resource, 'dest': 'id'})
    return {'kind': kind, 'resource': cmd.resource, 'cmd_resource': cmd.cmd_resource, 'lookups': lookups}


def main():
    app = shell.NeutronShell('2.0')
    cm = app.command_manager
    names = sorted(n for n, _ in cm if UNLOADED.match(n))
    out = {}
    for name in names:
        cmd, parser, calls, err = attempt(app, cm, name, [])
        body = None
        if err and err.startswith('CommandError: Must specify new values'):
            # An update with nothing to change stops there: find the options that make a body,
            # and record the lookups of a run with one of them.
            runs = {o.dest: next((r for r in (attempt(app, cm, name, v) for v in option_argvs(o)) if r[3] is None), None)
                    for o in optionals(parser)}
            body = [o for o in optionals(parser) if runs[o.dest]]
            # The lookups of every run (an option may name a resource); with no such option, value
            # specs are what it sends.
            calls = [c for o in body for c in runs[o.dest][2]] if body else attempt(app, cm, name, [], ['--name', 'x'])[2]
            err = None
        if err:
            sys.exit('%s: %s' % (name, err))
        kinds = [c.__name__ for c in type(cmd).__mro__ if c.__name__ in ('CreateCommand', 'ListCommand', 'ShowCommand', 'UpdateCommand', 'DeleteCommand')]
        out[name] = shape(cmd, kinds, calls)
        if body is not None:
            out[name]['body_options'] = [o.dest for o in body]
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
