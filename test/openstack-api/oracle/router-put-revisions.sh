#!/bin/bash
# Captured on the Neutron oracle (../shared/oracle, admin token): how many revisions a router PUT
# costs with and without a gateway. Output in router-put-revisions.txt; api-writes.test.ts checks
# Stacklab gives the same. Run with the oracle started: bash router-put-revisions.sh
# raw REST on the oracle as admin
T='oracle:project=admin;roles=admin'
U=http://127.0.0.1:9696/v2.0
j() { curl -s -H "X-Auth-Token: $T" -H 'Content-Type: application/json' "$@"; }
EXT=$(j -X POST $U/networks -d '{"network":{"name":"ext","router:external":true,"provider:network_type":"flat","provider:physical_network":"physnet1"}}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["network"]["id"])')
j -X POST $U/subnets -d "{\"subnet\":{\"network_id\":\"$EXT\",\"cidr\":\"203.0.113.0/24\",\"ip_version\":4,\"enable_dhcp\":false}}" > /dev/null
rev() { j $U/routers/$1 | python3 -c 'import sys,json;r=json.load(sys.stdin)["router"];print(r["revision_number"], r["name"], r["external_gateway_info"] and "gw" or "nogw")'; }
mk() { j -X POST $U/routers -d "{\"router\":{\"name\":\"$1\"$2}}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["router"]["id"])'; }
put() { j -X PUT $U/routers/$1 -d "$2" | python3 -c 'import sys,json;d=json.load(sys.stdin);r=d.get("router");print("PUT ->", r["revision_number"] if r else d)'; }
GW=",\"external_gateway_info\":{\"network_id\":\"$EXT\"}"
echo "case1: no gw, PUT name + gw {}"; R=$(mk r1 ""); rev $R; put $R '{"router":{"name":"r1b","external_gateway_info":{}}}'; rev $R
echo "case2: gw, PUT name + gw {}"; R=$(mk r2 "$GW"); rev $R; put $R '{"router":{"name":"r2b","external_gateway_info":{}}}'; rev $R
echo "case3: no gw, PUT gw {}"; R=$(mk r3 ""); rev $R; put $R '{"router":{"external_gateway_info":{}}}'; rev $R
echo "case4: no gw, PUT name + gw set"; R=$(mk r4 ""); rev $R; put $R "{\"router\":{\"name\":\"r4b\"$GW}}"; rev $R
echo "case5: gw, PUT gw {}"; R=$(mk r5 "$GW"); rev $R; put $R '{"router":{"external_gateway_info":{}}}'; rev $R
echo "case6: no gw, PUT gw set"; R=$(mk r6 ""); rev $R; put $R "{\"router\":{$(echo $GW | cut -c2-)}}"; rev $R
echo "case7: gw, PUT name + same gw"; R=$(mk r7 "$GW"); rev $R; put $R "{\"router\":{\"name\":\"r7b\"$GW}}"; rev $R
echo "case8: gw, PUT name only"; R=$(mk r8 "$GW"); rev $R; put $R '{"router":{"name":"r8b"}}'; rev $R
echo "case9: no gw, PUT gw null + name"; R=$(mk r9 ""); rev $R; put $R '{"router":{"name":"r9b","external_gateway_info":null}}'; rev $R
