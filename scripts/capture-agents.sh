#!/usr/bin/env bash
# Re-captures test/agents/agents.oracle.txt from the real Neutron API and clients (the oracle,
# ../shared/oracle). The oracle runs no agents, so the agents Stacklab derives for the same cloud
# are written into its database first; Neutron and the clients then format them for real.
#   bash scripts/capture-agents.sh        (from the repository root; restarts the oracle on a fresh DB)
set -euo pipefail
ORACLE=${ORACLE:-$(cd "$(dirname "$0")/../../shared/oracle" && pwd)}
DB=${ORACLE_DIR:-/tmp/neutron-oracle}/neutron.db
"$ORACLE/start.sh" --reset >/dev/null
"$ORACLE/run-script.sh" test/agents/setup.cmds >/dev/null
npx tsx scripts/agents-for-oracle.ts >/tmp/stacklab-agents.json
/usr/bin/python3 - "$DB" /tmp/stacklab-agents.json <<'PY'
import json, sqlite3, sys
db, path = sys.argv[1], sys.argv[2]
agents = json.load(open(path))
c = sqlite3.connect(db)
def floats(conf):
    # The agents report allocation ratios as floats.
    for k, v in conf.items():
        if isinstance(v, dict):
            if 'allocation_ratio' in v:
                v['allocation_ratio'] = float(v['allocation_ratio'])
    return conf
for a in agents:
    c.execute('insert into agents (id, agent_type, binary, topic, host, availability_zone, admin_state_up, created_at,'
              ' started_at, heartbeat_timestamp, description, configurations, resource_versions, load, resources_synced)'
              ' values (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, NULL, ?, NULL, 0, NULL)',
              (a['id'], a['agentType'], a['binary'], a['topic'], a['host'], a['availabilityZone'], a['createdAt'],
               a['startedAt'], '2099-01-01 00:00:00', json.dumps(floats(a['configurations']))))
l3 = next(a['id'] for a in agents if a['agentType'] == 'L3 agent')
dhcp = next(a['id'] for a in agents if a['agentType'] == 'DHCP agent')
router = c.execute("select id from routers where name = 'my-router'").fetchone()[0]
net = c.execute("select id from networks where name = 'net1'").fetchone()[0]
c.execute('insert into routerl3agentbindings (router_id, l3_agent_id, binding_index) values (?, ?, 1)', (router, l3))
c.execute('insert into networkdhcpagentbindings (network_id, dhcp_agent_id, binding_index) values (?, ?, 1)', (net, dhcp))
c.commit()
PY
"$ORACLE/run-script.sh" test/agents/agents.cmds >test/agents/agents.oracle.txt
echo "captured test/agents/agents.oracle.txt"
