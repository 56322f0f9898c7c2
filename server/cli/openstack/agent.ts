/**
 * `openstack network agent list|show`, as OSC 6.0 prints them (checked on the oracle with agent
 * rows in its database): Alive `:-)`/`XXX`, State `UP`/`DOWN`, `configuration` as the Python
 * dict the SDK holds. Agents are admin-only: a member lists none and shows none.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import { agents, dhcpAgentsHosting, FLOAT_KEYS, l3AgentsHosting, type Agent } from '../../sim/agents.js';
import { formatted, pyRepr, type CellValue, type PyValue } from '../../render/pyvalue.js';
import { flag, getAgent, req, str, type OscCommand, type Output } from './common.js';
import { findNetwork } from './network.js';
import { findRouter } from './router.js';
import { upDown } from './format.js';

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

const alive = (a: Agent): CellValue => formatted(a.alive ? ':-)' : 'XXX', a.alive);

function agentRows(list: Agent[], ha: boolean): CellValue[][] {
  return list.map((a) => {
    const row: CellValue[] = [a.id, a.agentType, a.host, a.availabilityZone, alive(a), upDown(a.adminStateUp), a.binary];
    if (ha) row.push(null);
    return row;
  });
}

function listAgents(c: Cloud, a: Record<string, unknown>): Output {
  const headers = ['ID', 'Agent Type', 'Host', 'Availability Zone', 'Alive', 'State', 'Binary'];
  let list: Agent[];
  let ha = false;
  const network = str(a, 'network');
  const router = str(a, 'router');
  if (network !== undefined) {
    list = dhcpAgentsHosting(c, findNetwork(c, network).id);
  } else if (router !== undefined) {
    ha = flag(a, 'long');
    if (ha) headers.push('HA State');
    list = l3AgentsHosting(c, findRouter(c, router).id);
  } else {
    const type = str(a, 'agent_type');
    const host = str(a, 'host');
    list = agents(c).filter((x) => (type === undefined || x.agentType === TYPES[type]) && (host === undefined || x.host === host));
  }
  return { kind: 'list', data: { headers, rows: agentRows(list, ha) } };
}

function showAgent(c: Cloud, id: string): Output {
  const agent = getAgent(c, id);
  const fields: Array<[string, CellValue]> = [
    ['admin_state_up', upDown(agent.adminStateUp)],
    ['agent_type', agent.agentType],
    ['alive', alive(agent)],
    ['availability_zone', agent.availabilityZone],
    ['binary', agent.binary],
    ['configuration', formatted(pyRepr(agent.configurations, FLOAT_KEYS), agent.configurations as PyValue)],
    ['created_at', agent.createdAt],
    ['description', agent.description],
    ['ha_state', null],
    ['host', agent.host],
    ['id', agent.id],
    ['last_heartbeat_at', agent.heartbeatAt],
    ['resources_synced', agent.resourcesSynced],
    ['started_at', agent.startedAt],
    ['topic', agent.topic],
  ];
  return { kind: 'show', data: { fields } };
}

export const agentCommands: OscCommand[] = [
  { name: 'network agent list', run: ({ cloud, args }) => listAgents(cloud, args) },
  { name: 'network agent show', run: ({ cloud, args }) => showAgent(cloud, req(args, 'network_agent')) },
];
