#!/usr/bin/env bash
# Re-capture the Octavia golden transcripts (test/octavia/NN-*.oracle.txt, or NAME.oracle.txt beside any NAME.cmds named) from the Octavia
# oracle (../shared/octavia-oracle, see its README): for each test/octavia/NN-*.cmds (or those
# named), reset the oracle to fresh databases (honouring a "# start-env: VAR=value" line) and run
# the file through its run-script.sh. Lines "#@ ..." are Stacklab's replay directives: the oracle
# copies them as comments. Uses its own oracle instance (ORACLE_DIR/ORACLE_PORT/
# ORACLE_NEUTRON_PORT, defaults below) so it does not disturb a shared one.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
ORACLE=${OCTAVIA_ORACLE:-$ROOT/../shared/octavia-oracle}
export ORACLE_DIR=${ORACLE_DIR:-/tmp/octavia-oracle-goldens}
export ORACLE_PORT=${ORACLE_PORT:-9886}
export ORACLE_NEUTRON_PORT=${ORACLE_NEUTRON_PORT:-9707}
files=("$@")
[[ ${#files[@]} -eq 0 ]] && files=("$ROOT"/test/octavia/[0-9]*.cmds)
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo '?'; }
for f in "${files[@]}"; do
  name=$(basename "$f" .cmds)
  read -r -a startenv <<< "$(sed -n 's/^# start-env: //p' "$f" | head -1)"
  env "${startenv[@]}" "$ORACLE/start.sh" --reset > /dev/null
  out="$(cd "$(dirname "$f")" && pwd)/$name.oracle.txt"
  {
    echo "# capture: test/octavia/$name.cmds on fresh oracle DBs${startenv[*]:+ (start.sh with ${startenv[*]})}"
    echo "# python3-octavia $(ver python3-octavia), python3-octaviaclient $(ver python3-octaviaclient), python3-openstackclient $(ver python3-openstackclient), python3-openstacksdk $(ver python3-openstacksdk), python3-neutron $(ver python3-neutron)"
    echo "# format: '\$ cmd', stdout as is, '[stderr] ' lines, '[exit N]'"
    echo
    "$ORACLE/run-script.sh" "$f"
  } > "$out"
  echo "$out: $(grep -c '^\$ ' "$out") commands, $(grep -c '^\[exit [1-9]' "$out") non-zero exits"
done
