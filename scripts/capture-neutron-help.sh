#!/usr/bin/env bash
# Capture the legacy `neutron` client's own help (python-neutronclient 8.1, COLUMNS=80):
# server/cli/neutron/neutron-help.json (the text of `neutron help`, which Stacklab prints) and
# test/help/neutron-*.{stdout,stderr,exit} (runs that test/legacy/help.test.ts replays).
# Needs no server: help is printed before any request. Run: bash scripts/capture-neutron-help.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
run() { # name, then the neutron arguments
  local name=$1; shift
  local rc=0
  env -i PATH="$PATH" HOME=/root COLUMNS=80 OS_AUTH_TYPE=none OS_ENDPOINT=http://127.0.0.1:9 \
    neutron "$@" < /dev/null > "$here/test/help/neutron-$name.stdout" 2> "$here/test/help/neutron-$name.stderr" || rc=$?
  echo "$rc" > "$here/test/help/neutron-$name.exit"
}
run help help
run dash-help --help
run dash-h -h
run help-nosuch help nosuch
run help-net-create help net-create
run help-router-gateway-set help router-gateway-set
run help-quota-list help quota-list
# One per family of the extensions our cloud does not load, and the agents' scheduling lists.
run help-lbaas-loadbalancer-create help lbaas-loadbalancer-create
run lbaas-member-list-dash-help lbaas-member-list --help
run help-lb-vip-create help lb-vip-create
run qos-policy-create-dash-h qos-policy-create -h
run help-firewall-rule-create help firewall-rule-create
run help-vpn-ipsecpolicy-create help vpn-ipsecpolicy-create
run help-meter-label-rule-create help meter-label-rule-create
run help-bgp-speaker-create help bgp-speaker-create
run help-router-list-on-l3-agent help router-list-on-l3-agent
run help-net-list-on-dhcp-agent help net-list-on-dhcp-agent
run alone
run nosuch nosuch
/usr/bin/python3 -c 'import json,sys; json.dump({"text": open(sys.argv[1]).read()}, open(sys.argv[2], "w"), indent=1); open(sys.argv[2], "a").write("\n")' \
  "$here/test/help/neutron-help.stdout" "$here/server/cli/neutron/neutron-help.json"
