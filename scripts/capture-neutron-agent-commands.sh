#!/usr/bin/env bash
# Captures a legacy-neutron golden that needs agents (test/legacy/captures/NN-*.cmds): the oracle
# runs none, so as in capture-agents.sh the agents Stacklab derives for the same cloud are written
# into its database, with the scheduler's bindings (every router on the L3 agent, every network
# with a DHCP-enabled subnet on the DHCP agent), between the script's setup and the rest.
# The setup is the .cmds file's lines up to the first line `# agents`.
#   bash scripts/capture-neutron-agent-commands.sh test/legacy/captures/30-neutron-agent-commands.cmds
set -euo pipefail
cmds=$1
ORACLE=${ORACLE:-$(cd "$(dirname "$0")/../../shared/oracle" && pwd)}
DB=${ORACLE_DIR:-/tmp/neutron-oracle}/neutron.db
tmp=$(mktemp -d)
sed '/^# agents$/,$d' "$cmds" >"$tmp/setup.cmds"
sed -n '/^# agents$/,$p' "$cmds" >"$tmp/rest.cmds"
"$ORACLE/start.sh" --reset >/dev/null
"$ORACLE/run-script.sh" "$tmp/setup.cmds" >"$tmp/setup.txt"
npx tsx scripts/agents-for-oracle.ts "$tmp/setup.cmds" >"$tmp/agents.json"
/usr/bin/python3 - "$DB" "$tmp/agents.json" <<'PY'
import json, sqlite3, sys
db, path = sys.argv[1], sys.argv[2]
agents = json.load(open(path))
c = sqlite3.connect(db)
for a in agents:
    c.execute('insert into agents (id, agent_type, binary, topic, host, availability_zone, admin_state_up, created_at,'
              ' started_at, heartbeat_timestamp, description, configurations, resource_versions, load, resources_synced)'
              ' values (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, NULL, ?, NULL, 0, NULL)',
              (a['id'], a['agentType'], a['binary'], a['topic'], a['host'], a['availabilityZone'], a['createdAt'],
               a['startedAt'], '2099-01-01 00:00:00', json.dumps(a['configurations'])))
l3 = next(a['id'] for a in agents if a['agentType'] == 'L3 agent')
dhcp = next(a['id'] for a in agents if a['agentType'] == 'DHCP agent')
for (router,) in c.execute('select id from routers').fetchall():
    c.execute('insert into routerl3agentbindings (router_id, l3_agent_id, binding_index) values (?, ?, 1)', (router, l3))
for (net,) in c.execute('select distinct network_id from subnets where enable_dhcp = 1').fetchall():
    c.execute('insert into networkdhcpagentbindings (network_id, dhcp_agent_id, binding_index) values (?, ?, 1)', (net, dhcp))
c.commit()
PY
base=${cmds%.cmds}
{
  echo "# capture: $(basename "$cmds") on a fresh oracle DB (ORACLE_PORT=${ORACLE_PORT:-9696}), Stacklab's agents written in after the setup"
  echo "# python3-neutron 2:21.0.0-7+deb12u1, python3-openstackclient 6.0.0-4, python3-openstacksdk 0.101.0-2"
  echo "# format: '\$ cmd', stdout as is, '[stderr] ' lines, '[exit N]'"
  echo
  cat "$tmp/setup.txt"
  "$ORACLE/run-script.sh" "$tmp/rest.cmds"
} >"$base.oracle.txt"
rm -r "$tmp"
echo "captured $base.oracle.txt"
