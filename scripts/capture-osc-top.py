#!/usr/bin/python3
"""Capture `openstack --help` of the real client (COLUMNS=80) as data for Stacklab's top level.

Writes server/cli/openstack/osc-top.json: the help text before "Commands:" (usage and global
options) and the command list with one-line summaries, exactly as python-openstackclient 6.0.0
prints them on this machine. Run: /usr/bin/python3 scripts/capture-osc-top.py
"""
import json
import os
import subprocess

env = {'PATH': os.environ['PATH'], 'HOME': '/root', 'COLUMNS': '80'}
out = subprocess.run(['openstack', '--help'], env=env, capture_output=True, text=True, check=True).stdout
head, _, tail = out.partition('\nCommands:\n')
commands = []
for line in tail.splitlines():
    if not line.startswith('  '):
        continue
    body = line[2:]
    # cliff pads names to 13 characters and separates the summary by two spaces.
    name, _, summary = body.partition('  ')
    commands.append([name.rstrip(), summary.strip()])
path = os.path.join(os.path.dirname(__file__), '..', 'server', 'cli', 'openstack', 'osc-top.json')
with open(path, 'w') as f:
    json.dump({'version': 'python-openstackclient 6.0.0', 'head': head + '\n', 'commands': commands}, f, indent=1)
    f.write('\n')
print(len(commands), 'commands')
