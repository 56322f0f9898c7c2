/**
 * `openstack network agent list|show`, as OSC 6.0 prints them (checked on the oracle with agent
 * rows in its database): Alive `:-)`/`XXX`, State `UP`/`DOWN`, `configuration` as the Python
 * dict the SDK holds. Agents are admin-only: a member lists none and shows none.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { JsonObject } from '../../sim/api/json.js';
import { agentsHostingNetwork, agentsHostingRouter, FLOAT_KEYS, listAgents as apiListAgents, type FilterValue } from '../../sim/api/neutron/index.js';
import { formatted, pyRepr, type CellValue } from '../../render/pyvalue.js';
import { flag, getAgent, req, str, type OscCommand, type Output } from './common.js';
import { findNetwork } from './network.js';
import { findRouter } from './router.js';
import { attr, upDown } from './format.js';

/** --agent-type choices and the agent_type each one filters on. */
const TYPES: Record<string, string> = {
  bgp: 'BGP dynamic routing agent',
  dhcp: 'DHCP agent',
  'open-vswitch': 'Open vSwitch agent',
  'linux-bridge': 'Linux bridge agent',
  ofa: 'OFA driver agent',
  l3: 'L3 agent',
  loadbalancer: 'Loadbalancer agent',
  metering: 'Metering agent',
  metadata: 'Metadata agent',
  macvtap: 'Macvtap agent',
  nic: 'NIC Switch agent',
};

const alive = (d: JsonObject): CellValue => formatted(d['alive'] === true ? ':-)' : 'XXX', d['alive'] === true);

function agentRows(list: JsonObject[], ha: boolean): CellValue[][] {
  return list.map((d) => {
    const row: CellValue[] = [attr(d, 'id'), attr(d, 'agent_type'), attr(d, 'host'), attr(d, 'availability_zone'), alive(d), upDown(d['admin_state_up'] === true), attr(d, 'binary')];
    if (ha) row.push(null);
    return row;
  });
}

function listAgents(c: Cloud, a: Record<string, unknown>): Output {
  const headers = ['ID', 'Agent Type', 'Host', 'Availability Zone', 'Alive', 'State', 'Binary'];
  let list: JsonObject[];
  let ha = false;
  const network = str(a, 'network');
  const router = str(a, 'router');
  if (network !== undefined) {
    list = agentsHostingNetwork(c, findNetwork(c, network).id);
  } else if (router !== undefined) {
    ha = flag(a, 'long');
    if (ha) headers.push('HA State');
    list = agentsHostingRouter(c, findRouter(c, router).id);
  } else {
    const q: Record<string, FilterValue> = {};
    const type = str(a, 'agent_type');
    if (type !== undefined) q['agent_type'] = TYPES[type] ?? type;
    const host = str(a, 'host');
    if (host !== undefined) q['host'] = host;
    list = apiListAgents(c, { filters: q });
  }
  return { kind: 'list', data: { headers, rows: agentRows(list, ha) } };
}

function showAgent(c: Cloud, id: string): Output {
  const d = getAgent(c, id);
  const conf = attr(d, 'configurations');
  const fields: Array<[string, CellValue]> = [
    ['admin_state_up', upDown(d['admin_state_up'] === true)],
    ['agent_type', attr(d, 'agent_type')],
    ['alive', alive(d)],
    ['availability_zone', attr(d, 'availability_zone')],
    ['binary', attr(d, 'binary')],
    ['configuration', formatted(pyRepr(conf, FLOAT_KEYS), conf)],
    ['created_at', attr(d, 'created_at')],
    ['description', attr(d, 'description')],
    ['ha_state', attr(d, 'ha_state')],
    ['host', attr(d, 'host')],
    ['id', attr(d, 'id')],
    ['last_heartbeat_at', attr(d, 'heartbeat_timestamp')],
    ['resources_synced', attr(d, 'resources_synced')],
    ['started_at', attr(d, 'started_at')],
    ['topic', attr(d, 'topic')],
  ];
  return { kind: 'show', data: { fields } };
}

export const agentCommands: OscCommand[] = [
  { name: 'network agent list', run: ({ cloud, args }) => listAgents(cloud, args) },
  { name: 'network agent show', run: ({ cloud, args }) => showAgent(cloud, req(args, 'network_agent')) },
];
