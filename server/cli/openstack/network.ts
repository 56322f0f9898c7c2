/** `openstack network …` */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Network } from '../../sim/model/network.js';
import type { CellValue } from '../../render/pyvalue.js';
import { createNetwork, deleteNetwork, updateNetwork, type NetworkCreate, type NetworkUpdate } from '../../sim/ops/network.js';
import { networkAddressScope } from '../../sim/ops/subnet-pool.js';
import { byTags, deleteEach, findBy, flag, getAgent, none, pair, req, str, strs, type Args, type OscCommand, type Output } from './common.js';
import { networksOnAgent } from '../../sim/agents.js';
import { extInt, listCol, sortFields, upDown } from './format.js';
import { findProject } from './project.js';
import { visibleNetworks } from '../../sim/visibility.js';

export function findNetwork(c: Cloud, nameOrId: string): Network {
  return findBy(visibleNetworks(c), 'Network', nameOrId);
}

export function sortedById<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function subnetIds(c: Cloud, n: Network): string[] {
  return c.subnets.filter((s) => s.networkId === n.id).map((s) => s.id);
}

/** `network show`/`create` rows. Provider attributes are admin-only (None for members). */
export function networkShow(c: Cloud, n: Network, phase: 'create' | 'show'): Output {
  const admin = c.auth.admin;
  const isDefault: boolean | null = phase === 'create' ? n.isDefault : n.external ? n.isDefault : null;
  const fields: Array<[string, CellValue]> = [
    ['admin_state_up', upDown(n.adminStateUp)],
    ['availability_zone_hints', listCol(n.availabilityZoneHints)],
    ['availability_zones', listCol([])],
    ['created_at', n.createdAt],
    ['description', n.description],
    ['dns_domain', null],
    ['id', n.id],
    ['ipv4_address_scope', networkAddressScope(c, n.id, 4)],
    ['ipv6_address_scope', networkAddressScope(c, n.id, 6)],
    ['is_default', isDefault],
    ['is_vlan_transparent', null],
    ['mtu', n.mtu],
    ['name', n.name],
    ['port_security_enabled', n.portSecurityEnabled],
    ['project_id', n.projectId],
    ['provider:network_type', admin ? n.networkType : null],
    ['provider:physical_network', admin ? n.physicalNetwork : null],
    ['provider:segmentation_id', admin ? n.segmentationId : null],
    ['qos_policy_id', null],
    ['revision_number', n.revision],
    ['router:external', extInt(n.external)],
    ['segments', null],
    ['shared', n.shared],
    ['status', n.status],
    ['subnets', listCol(subnetIds(c, n))],
    ['tags', listCol(n.tags)],
    ['updated_at', n.updatedAt],
  ];
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

function createReq(c: Cloud, a: Args): NetworkCreate {
  const r: NetworkCreate = { name: req(a, 'name') };
  const share = pair(a, 'share', 'no_share');
  if (share !== undefined) r.shared = share;
  if (flag(a, 'disable')) r.adminStateUp = false;
  const d = str(a, 'description');
  if (d !== undefined) r.description = d;
  const mtu = str(a, 'mtu');
  if (mtu !== undefined) r.mtu = Number(mtu);
  const ps = pair(a, 'enable_port_security', 'disable_port_security');
  if (ps !== undefined) r.portSecurityEnabled = ps;
  // OSC sends router:external only when --external/--internal is given.
  const ext = pair(a, 'external', 'internal');
  if (ext !== undefined) r.external = ext;
  if (flag(a, 'default')) r.isDefault = true;
  const t = str(a, 'provider_network_type');
  if (t !== undefined) r.networkType = t;
  const p = str(a, 'physical_network');
  if (p !== undefined) r.physicalNetwork = p;
  const s = str(a, 'segmentation_id');
  if (s !== undefined) r.segmentationId = Number(s);
  const hints = strs(a, 'availability_zone_hints');
  if (hints.length > 0) r.availabilityZoneHints = hints;
  const project = str(a, 'project');
  if (project !== undefined) r.projectId = findProject(c, project).id;
  return r;
}

function listNetworks(c: Cloud, a: Args): Output {
  let nets = byTags(a, sortedById(visibleNetworks(c)));
  const ext = pair(a, 'external', 'internal');
  if (ext !== undefined) nets = nets.filter((n) => n.external === ext);
  const name = str(a, 'name');
  if (name !== undefined) nets = nets.filter((n) => n.name === name);
  const up = pair(a, 'enable', 'disable');
  if (up !== undefined) nets = nets.filter((n) => n.adminStateUp === up);
  const share = pair(a, 'share', 'no_share');
  if (share !== undefined) nets = nets.filter((n) => n.shared === share);
  const status = str(a, 'status');
  if (status !== undefined) nets = nets.filter((n) => n.status === status);
  const project = str(a, 'project');
  if (project !== undefined) {
    const pid = findProject(c, project).id;
    nets = nets.filter((n) => n.projectId === pid);
  }
  const t = str(a, 'provider_network_type');
  if (t !== undefined) nets = nets.filter((n) => c.auth.admin && n.networkType === t);
  const pn = str(a, 'physical_network');
  if (pn !== undefined) nets = nets.filter((n) => c.auth.admin && n.physicalNetwork === pn);
  const seg = str(a, 'segmentation_id');
  if (seg !== undefined) nets = nets.filter((n) => c.auth.admin && String(n.segmentationId) === seg);
  if (flag(a, 'long')) {
    return {
      kind: 'list',
      data: {
        headers: ['ID', 'Name', 'Status', 'Project', 'State', 'Shared', 'Subnets', 'Network Type', 'Router Type', 'Availability Zones', 'Tags'],
        rows: nets.map((n) => [
          n.id,
          n.name,
          n.status,
          n.projectId,
          upDown(n.adminStateUp),
          n.shared,
          listCol(subnetIds(c, n)),
          c.auth.admin ? n.networkType : null,
          extInt(n.external),
          listCol([]),
          listCol(n.tags),
        ]),
      },
    };
  }
  const agentId = str(a, 'agent_id');
  if (agentId !== undefined) {
    // The networks a DHCP agent serves (other filters do not apply; --long above wins over --agent).
    nets = sortedById(networksOnAgent(c, getAgent(c, agentId)));
  }
  return {
    kind: 'list',
    data: { headers: ['ID', 'Name', 'Subnets'], rows: nets.map((n) => [n.id, n.name, listCol(subnetIds(c, n))]) },
  };
}

function setNetwork(c: Cloud, a: Args): Output {
  const n = findNetwork(c, req(a, 'network'));
  const u: NetworkUpdate = {};
  const name = str(a, 'name');
  if (name !== undefined) u.name = name;
  const up = pair(a, 'enable', 'disable');
  if (up !== undefined) u.adminStateUp = up;
  const share = pair(a, 'share', 'no_share');
  if (share !== undefined) u.shared = share;
  const d = str(a, 'description');
  if (d !== undefined) u.description = d;
  const mtu = str(a, 'mtu');
  if (mtu !== undefined) u.mtu = Number(mtu);
  const ps = pair(a, 'enable_port_security', 'disable_port_security');
  if (ps !== undefined) u.portSecurityEnabled = ps;
  const ext = pair(a, 'external', 'internal');
  if (ext !== undefined) u.external = ext;
  const def = pair(a, 'default', 'no_default');
  if (def !== undefined) u.isDefault = def;
  const tags = strs(a, 'tags');
  updateNetwork(c, n, u);
  if (flag(a, 'no_tag')) n.tags = [];
  for (const t of tags) if (!n.tags.includes(t)) n.tags.push(t);
  return none;
}

function unsetNetwork(c: Cloud, a: Args): Output {
  const n = findNetwork(c, req(a, 'network'));
  const tags = strs(a, 'tags');
  if (flag(a, 'all_tag')) n.tags = [];
  n.tags = n.tags.filter((t) => !tags.includes(t));
  return none;
}

export const networkCommands: OscCommand[] = [
  {
    name: 'network create',
    style: 'wrapped',
    run: ({ cloud: c, args: a }) => {
      const n = createNetwork(c, createReq(c, a));
      for (const t of strs(a, 'tags')) if (!n.tags.includes(t)) n.tags.push(t);
      return networkShow(c, n, 'create');
    },
  },
  { name: 'network list', run: ({ cloud, args }) => listNetworks(cloud, args) },
  { name: 'network show', style: 'wrapped', run: ({ cloud: c, args: a }) => networkShow(c, findNetwork(c, req(a, 'network')), 'show') },
  { name: 'network set', run: ({ cloud, args }) => setNetwork(cloud, args) },
  { name: 'network unset', run: ({ cloud, args }) => unsetNetwork(cloud, args) },
  {
    name: 'network delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'network'), { one: 'network', many: 'networks' }, (t) => deleteNetwork(c, findNetwork(c, t))),
  },
];

