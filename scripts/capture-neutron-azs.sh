#!/usr/bin/env bash
# Re-captures test/legacy/azs/azs.oracle.txt: `neutron availability-zone-list` on the oracle
# (../shared/oracle) with the agents Stacklab derives for test/agents/setup.cmds written into its
# database, as scripts/capture-agents.sh does (the oracle runs no agents; Neutron lists zones from them).
#   bash scripts/capture-neutron-azs.sh        (from the repository root; restarts the oracle on a fresh DB)
set -euo pipefail
ORACLE=${ORACLE:-$(cd "$(dirname "$0")/../../shared/oracle" && pwd)}
DB=${ORACLE_DIR:-/tmp/neutron-oracle}/neutron.db
"$ORACLE/start.sh" --reset >/dev/null
"$ORACLE/run-script.sh" test/agents/setup.cmds >/dev/null
npx tsx scripts/agents-for-oracle.ts >/tmp/stacklab-azs-agents.json
/usr/bin/python3 - "$DB" /tmp/stacklab-azs-agents.json <<'PY'
import json, sqlite3, sys
db, path = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db)
for a in json.load(open(path)):
    c.execute('insert into agents (id, agent_type, binary, topic, host, availability_zone, admin_state_up, created_at,'
              ' started_at, heartbeat_timestamp, description, configurations, resource_versions, load, resources_synced)'
              ' values (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, NULL, ?, NULL, 0, NULL)',
              (a['id'], a['agentType'], a['binary'], a['topic'], a['host'], a['availabilityZone'], a['createdAt'],
               a['startedAt'], '2099-01-01 00:00:00', json.dumps(a['configurations'])))
c.commit()
PY
"$ORACLE/run-script.sh" test/legacy/azs/azs.cmds >test/legacy/azs/azs.oracle.txt
"$ORACLE/stop.sh" >/dev/null || true
echo "captured test/legacy/azs/azs.oracle.txt"
