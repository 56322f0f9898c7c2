#!/usr/bin/env bash
# Re-capture test/transcripts/*.oracle.txt from the real OpenStack oracle (../shared/oracle),
# each script on a fresh database, on a private oracle instance (port 9704).
# Usage: scripts/capture-transcripts.sh [test/transcripts/NN-name.cmds ...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
oracle=${ORACLE_HOME:-$here/../shared/oracle}
export ORACLE_DIR=${ORACLE_DIR:-/tmp/neutron-oracle/transcripts} ORACLE_PORT=${ORACLE_PORT:-9704}
files=("$@")
[[ ${#files[@]} -eq 0 ]] && files=("$here"/test/transcripts/*.cmds)
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo '?'; }
for f in "${files[@]}"; do
  out="${f%.cmds}.oracle.txt"
  "$oracle/start.sh" --reset > /dev/null
  # Directive lines (#@ …) are Stacklab's own; the oracle runs the rest as written.
  grep -v '^#@' "$f" > "${out}.script"
  {
    echo "# capture: $(basename "$f") on a fresh oracle DB (ORACLE_PORT=$ORACLE_PORT)"
    echo "# python3-neutron $(ver python3-neutron), python3-openstackclient $(ver python3-openstackclient), python3-openstacksdk $(ver python3-openstacksdk)"
    echo "# format: '\$ cmd', stdout as is, '[stderr] ' lines, '[exit N]'"
    echo
    COLUMNS=80 "$oracle/run-script.sh" "${out}.script"
  } > "$out"
  rm -f "${out}.script"
  echo "$(basename "$out"): $(grep -c '^\$ ' "$out") commands"
done
"$oracle/stop.sh" > /dev/null || true
