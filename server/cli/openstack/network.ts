/** `openstack network …`: projects what sim/api/neutron answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Network } from '../../sim/model/network.js';
import type { CellValue } from '../../render/pyvalue.js';
import type { JsonObject } from '../../sim/api/json.js';
import { createNetwork, deleteNetwork, updateNetwork, type NetworkCreate, type NetworkUpdate } from '../../sim/ops/network.js';
import { listAgentNetworks, listNetworks as apiListNetworks, networkDict, type FilterValue } from '../../sim/api/neutron/index.js';
import { createdWithTags, deleteEach, findBy, flag, getAgent, none, pair, refuseDnsOptions, req, sdkInt, str, strs, tagFilter, type Args, type OscCommand, type Output, sdkUpdate } from './common.js';
import { attr, extInt, listAttr, sortFields, upDown } from './format.js';
import { findProject } from './project.js';
import { visibleNetworks } from '../../sim/visibility.js';
import { convertToInt } from '../../sim/api/neutron/body.js';
import { setTagsAsClient } from '../../sim/api/neutron/requests/tags.js';

export function findNetwork(c: Cloud, nameOrId: string): Network {
  return findBy(visibleNetworks(c), 'Network', nameOrId);
}

/**
 * `network show`/`create` rows: the API's network as openstacksdk's Network resource holds it
 * (an attribute the response lacks — provider attributes for a member, extensions Neutron does
 * not run — is None).
 */
export function networkShow(d: JsonObject): Output {
  const fields: Array<[string, CellValue]> = [
    ['admin_state_up', upDown(d['admin_state_up'] === true)],
    ['availability_zone_hints', listAttr(d, 'availability_zone_hints')],
    ['availability_zones', listAttr(d, 'availability_zones')],
    ['created_at', attr(d, 'created_at')],
    ['description', attr(d, 'description')],
    ['dns_domain', attr(d, 'dns_domain')],
    ['id', attr(d, 'id')],
    ['ipv4_address_scope', attr(d, 'ipv4_address_scope')],
    ['ipv6_address_scope', attr(d, 'ipv6_address_scope')],
    ['is_default', attr(d, 'is_default')],
    ['is_vlan_transparent', attr(d, 'vlan_transparent')],
    ['mtu', attr(d, 'mtu')],
    ['name', attr(d, 'name')],
    ['port_security_enabled', attr(d, 'port_security_enabled')],
    ['project_id', attr(d, 'project_id')],
    ['provider:network_type', attr(d, 'provider:network_type')],
    ['provider:physical_network', attr(d, 'provider:physical_network')],
    ['provider:segmentation_id', attr(d, 'provider:segmentation_id')],
    ['qos_policy_id', attr(d, 'qos_policy_id')],
    ['revision_number', attr(d, 'revision_number')],
    ['router:external', extInt(d['router:external'] === true)],
    ['segments', attr(d, 'segments')],
    ['shared', attr(d, 'shared')],
    ['status', attr(d, 'status')],
    ['subnets', listAttr(d, 'subnets')],
    ['tags', listAttr(d, 'tags')],
    ['updated_at', attr(d, 'updated_at')],
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
  const mtu = sdkInt(a, 'mtu');
  if (mtu !== undefined) r.mtu = mtu;
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
  // Sent as typed; Neutron converts it (a NaN kept in the cloud once came back as None).
  if (s !== undefined) r.segmentationId = convertToInt(s, '/v2.0/networks');
  const hints = strs(a, 'availability_zone_hints');
  if (hints.length > 0) r.availabilityZoneHints = hints;
  const project = str(a, 'project');
  if (project !== undefined) r.projectId = findProject(c, project).id;
  return r;
}

/** The query `network list`'s options send (OSC builds it the same way). */
function listQuery(c: Cloud, a: Args): Record<string, FilterValue> {
  const q: Record<string, FilterValue> = {};
  const ext = pair(a, 'external', 'internal');
  if (ext !== undefined) q['router:external'] = ext;
  const name = str(a, 'name');
  if (name !== undefined) q['name'] = name;
  const up = pair(a, 'enable', 'disable');
  if (up !== undefined) q['admin_state_up'] = up;
  const share = pair(a, 'share', 'no_share');
  if (share !== undefined) q['shared'] = share;
  const status = str(a, 'status');
  if (status !== undefined) q['status'] = status;
  const project = str(a, 'project');
  if (project !== undefined) q['project_id'] = findProject(c, project).id;
  const t = str(a, 'provider_network_type');
  if (t !== undefined) q['provider:network_type'] = t;
  const pn = str(a, 'physical_network');
  if (pn !== undefined) q['provider:physical_network'] = pn;
  const seg = str(a, 'segmentation_id');
  if (seg !== undefined) q['provider:segmentation_id'] = seg;
  return q;
}

function listNetworks(c: Cloud, a: Args): Output {
  let nets = apiListNetworks(c, { filters: listQuery(c, a), tags: tagFilter(a) });
  if (flag(a, 'long')) {
    return {
      kind: 'list',
      data: {
        headers: ['ID', 'Name', 'Status', 'Project', 'State', 'Shared', 'Subnets', 'Network Type', 'Router Type', 'Availability Zones', 'Tags'],
        rows: nets.map((n) => [
          attr(n, 'id'),
          attr(n, 'name'),
          attr(n, 'status'),
          attr(n, 'project_id'),
          upDown(n['admin_state_up'] === true),
          attr(n, 'shared'),
          listAttr(n, 'subnets'),
          attr(n, 'provider:network_type'),
          extInt(n['router:external'] === true),
          listAttr(n, 'availability_zones'),
          listAttr(n, 'tags'),
        ]),
      },
    };
  }
  const agentId = str(a, 'agent_id');
  if (agentId !== undefined) {
    // GET /v2.0/agents/{id}/dhcp-networks: the networks a DHCP agent serves (other filters do
    // not apply; --long above wins over --agent).
    getAgent(c, agentId); // openstacksdk's own message for an unknown agent
    nets = listAgentNetworks(c, agentId);
  }
  return {
    kind: 'list',
    data: { headers: ['ID', 'Name', 'Subnets'], rows: nets.map((n) => [attr(n, 'id'), attr(n, 'name'), listAttr(n, 'subnets')]) },
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
  const mtu = sdkInt(a, 'mtu');
  if (mtu !== undefined) u.mtu = mtu;
  const ps = pair(a, 'enable_port_security', 'disable_port_security');
  if (ps !== undefined) u.portSecurityEnabled = ps;
  const ext = pair(a, 'external', 'internal');
  if (ext !== undefined) u.external = ext;
  const def = pair(a, 'default', 'no_default');
  if (def !== undefined) u.isDefault = def;
  const t = str(a, 'provider_network_type');
  if (t !== undefined) u.networkType = t;
  const p = str(a, 'physical_network');
  if (p !== undefined) u.physicalNetwork = p;
  // Sent as typed: Neutron converts it before anything else, and refuses text that is no integer.
  const seg = str(a, 'segmentation_id');
  if (seg !== undefined) u.segmentationId = convertToInt(seg, `/v2.0/networks/${n.id}`);
  refuseDnsOptions(a);
  // --mtu and --provider-segment are strings to OSC (no type=int): never equal to the integers found.
  sdkUpdate(n, u, (send) => updateNetwork(c, n, send), ['mtu', 'segmentationId']);
  setTagsAsClient(c, n, { clear: flag(a, 'no_tag'), add: strs(a, 'tags') });
  return none;
}

function unsetNetwork(c: Cloud, a: Args): Output {
  const n = findNetwork(c, req(a, 'network'));
  setTagsAsClient(c, n, { clear: flag(a, 'all_tag'), remove: strs(a, 'tags') });
  return none;
}

export const networkCommands: OscCommand[] = [
  {
    name: 'network create',
    style: 'wrapped',
    run: ({ cloud: c, args: a }) => {
      const r = createReq(c, a);
      refuseDnsOptions(a);
      const n = createNetwork(c, r);
      return createdWithTags(c, n, strs(a, 'tags'), () => networkShow(networkDict(c, n, 'create')));
    },
  },
  { name: 'network list', run: ({ cloud, args }) => listNetworks(cloud, args) },
  { name: 'network show', style: 'wrapped', run: ({ cloud: c, args: a }) => networkShow(networkDict(c, findNetwork(c, req(a, 'network')), 'show')) },
  { name: 'network set', run: ({ cloud, args }) => setNetwork(cloud, args) },
  { name: 'network unset', run: ({ cloud, args }) => unsetNetwork(cloud, args) },
  {
    name: 'network delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'network'), { one: 'network', many: 'networks' }, (t) => deleteNetwork(c, findNetwork(c, t))),
  },
];
