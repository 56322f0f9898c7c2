/** `neutron agent-*` and the scheduler lists (`l3-agent-list-hosting-router`, `dhcp-agent-list-hosting-net`). */
import type { JsonObject } from '../../sim/api/json.js';
import { agentsHostingNetwork, agentsHostingRouter, FLOAT_KEYS, listAgents, showAgent } from '../../sim/api/neutron/index.js';
import { formatted, pyJsonDumps, type CellValue } from '../../render/pyvalue.js';
import { renderShow } from '../../render/cliff.js';
import { dictTable, fmt, isTable, s, table, textValue, type Args, type Handler, type Out, listQuery } from './common.js';
import { listAvailabilityZones } from '../../sim/api/neutron/availability-zone.js';
import type { Cloud } from '../../sim/model/cloud.js';
import { findNetwork, networkTable } from './net.js';
import { findRouter, routerTable } from './router.js';
import { listAgentNetworks } from '../../sim/api/neutron/network.js';
import { listAgentRouters } from '../../sim/api/neutron/router.js';

const alive = (x: JsonObject): string => (x['alive'] === true ? ':-)' : 'xxx');
const row = (x: JsonObject, keys: string[]): CellValue[] => keys.map((k) => (k === 'alive' ? alive(x) : (x[k] ?? null)));

/** `agent-show`: neutronclient prints dict values as JSON indented by 5 in tables (ShowAgent.json_indent). */
function agentShow(c: Cloud, a: Args): Out {
  const d = showAgent(c, s(a, 'id') ?? '');
  const text = isTable(a);
  const fields = Object.keys(d).sort().map((k): [string, CellValue] => {
    const v = d[k] ?? null;
    if (!text) return [k, v];
    if (k !== 'configurations') return [k, textValue(v)];
    return [k, formatted(pyJsonDumps(v, { indent: 5, floatKeys: FLOAT_KEYS, ensureAscii: false }), v)];
  });
  const r = renderShow({ fields }, fmt(a));
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

export const agentCommands: Record<string, Handler> = {
  'availability-zone-list': (c, a) => dictTable(a, ['name', 'resource', 'state'], listAvailabilityZones(c)),
  'agent-list': (c, a, extra) => {
    const cols = ['id', 'agent_type', 'host', 'availability_zone', 'alive', 'admin_state_up', 'binary'];
    return table(a, cols, listAgents(c, listQuery(a, extra)).map((x) => row(x, cols)));
  },
  'agent-show': (c, a) => agentShow(c, a),
  'l3-agent-list-hosting-router': (c, a) =>
    table(a, ['id', 'host', 'admin_state_up', 'alive', 'ha_state'],
      agentsHostingRouter(c, findRouter(c, s(a, 'router') ?? '').id).map((x) => row(x, ['id', 'host', 'admin_state_up', 'alive', 'ha_state']))),
  'dhcp-agent-list-hosting-net': (c, a) =>
    table(a, ['id', 'host', 'admin_state_up', 'alive'],
      agentsHostingNetwork(c, findNetwork(c, s(a, 'network') ?? '').id).map((x) => row(x, ['id', 'host', 'admin_state_up', 'alive']))),
  // The agent is named by ID only (neutronclient looks nothing up): the server's 404 otherwise.
  'router-list-on-l3-agent': (c, a) => routerTable(a, ['id', 'name', 'external_gateway_info'], listAgentRouters(c, s(a, 'l3_agent') ?? '')),
  'net-list-on-dhcp-agent': (c, a) => networkTable(c, a, listAgentNetworks(c, s(a, 'dhcp_agent') ?? '')),
};
