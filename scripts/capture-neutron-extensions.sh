#!/usr/bin/env bash
# Capture the API extensions our cloud loads, as the oracle (same configuration, ../shared/oracle)
# lists them: GET /v2.0/extensions, in its order, into server/sim/api/neutron/neutron-extensions.json.
# The oracle must be running (ORACLE_PORT, default 9696).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
curl -sf "http://127.0.0.1:${ORACLE_PORT:-9696}/v2.0/extensions" |
  /usr/bin/python3 -c 'import json,sys; json.dump(json.load(sys.stdin)["extensions"], sys.stdout, indent=1, ensure_ascii=False); print()' \
  > "$here/server/sim/api/neutron/neutron-extensions.json"
