#!/usr/bin/python3
"""The real clients (python-openstackclient, python-neutronclient) without their import time.

Importing the clients takes about 1.3 s of the 1.5 s an `openstack` command costs here, so this
process imports them once and forks a child per command: the child is a fresh client run (its
own argv, environment, stdout, stderr and exit status, nothing of an earlier command), as if
/usr/bin/openstack or /usr/bin/neutron had been started (both are `sys.exit(main())`). The parent
never runs a command, so no state of one command reaches the next.

Protocol: one JSON object a line on stdin, {"prog": "openstack"|"neutron", "argv": [...], "env": {...}};
one JSON object a line on stdout, {"stdout": str, "stderr": str, "code": int}.
"""
import json
import os
import sys
import tempfile
import traceback

import openstackclient.shell  # noqa: F401  (the import is the point)
import neutronclient.shell  # noqa: F401

# What every command loads anyway: the SDK's connection and Keystone's plugins.
import openstack.connection  # noqa: F401
import keystoneauth1.loading  # noqa: F401
import osc_lib.clientmanager  # noqa: F401
import cliff.app


# The entry-point groups a command loads (the API versions' command groups OSC 6.0 picks by
# default, its own, cliff's formatters, keystoneauth's plugins): nothing else is imported.
GROUPS = {
    'openstack.cli', 'openstack.cli.base', 'openstack.cli.extension', 'openstack.common',
    'openstack.compute.v2', 'openstack.identity.v3', 'openstack.image.v2', 'openstack.network.v2',
    'openstack.object_store.v1', 'openstack.volume.v3', 'openstack.load_balancer.v2',
    'openstack.key_manager.v1', 'openstack.dns.v2', 'openstack.neutronclient.v2',
    'cliff.formatter.list', 'cliff.formatter.show', 'cliff.formatter.completion',
    'keystoneauth1.plugin',
}


def warm():
    """What every command does first and always the same way, done once here: cliff's map of
    installed distributions, and the import of every command plugin the clients load."""
    import importlib.metadata
    import cliff.command
    from stevedore import _cache
    cliff.command._get_distributions_by_modules()
    _cache.get_group_all('openstack.cli')  # stevedore's map of every entry point, kept in memory
    for dist in importlib.metadata.distributions():
        for ep in dist.entry_points:
            if ep.group in GROUPS:
                try:
                    ep.load()
                except Exception:  # the child fails the same way, and says so
                    pass


warm()

MAINS = {'openstack': openstackclient.shell.main, 'neutron': neutronclient.shell.main}


def child(prog, argv, env, out_fd, err_fd):
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = ['/usr/bin/' + prog] + argv
    # cliff names the program from sys.argv[0] when it is imported (here: this file's name).
    cliff.app.App.NAME = prog
    try:
        code = MAINS[prog](argv)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if e.code is not None and not isinstance(e.code, int):
            print(e.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code if isinstance(code, int) else 0)


def main():
    out_stream = os.fdopen(os.dup(1), 'w', encoding='utf-8')
    for line in sys.stdin:
        req = json.loads(line)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                child(req['prog'], req['argv'], req['env'], out.fileno(), err.fileno())
            _, status = os.waitpid(pid, 0)
            code = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            reply = {
                'stdout': out.read().decode('utf-8', 'replace'),
                'stderr': err.read().decode('utf-8', 'replace'),
                'code': code,
            }
        out_stream.write(json.dumps(reply) + '\n')
        out_stream.flush()


if __name__ == '__main__':
    main()
