/** `openstack network …`: projects what sim/api/neutron answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Network } from '../../sim/model/network.js';
import type { CellValue } from '../../render/pyvalue.js';
import type { JsonObject } from '../../sim/api/json.js';
import { networkWrites, postNetwork, putNetwork } from '../../sim/api/neutron/requests/networks.js';
import { listAgentNetworks, listNetworks as apiListNetworks, networkDict, type FilterValue } from '../../sim/api/neutron/index.js';
import {
  createdWithTags,
  deleteEach,
  findBy,
  findQosPolicy,
  flag,
  getAgent,
  none,
  pair,
  withExtensionCheck,
  req,
  str,
  strs,
  tagFilter,
  type Args,
  type OscCommand,
  type Output,
  sdkBody,
  sdkInt,
  sdkUpdate,
} from './common.js';
import { attr, extInt, listAttr, sortFields, upDown } from './format.js';
import { findProject } from './project.js';
import { visibleNetworks } from '../../sim/visibility.js';
import { afterCommit } from '../errors.js';
import { setTagsAsClient, tagsPath } from '../../sim/api/neutron/requests/tags.js';

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

/**
 * _get_attrs_network: the attributes `network create` and `network set` send, in its order, as
 * given (text stays text: Neutron converts `--mtu` and `--provider-segment`); the project and the
 * QoS policy looked up where it looks them up. Empty `--description`, `--mtu` and the provider
 * options are not sent.
 */
function networkAttrs(c: Cloud, a: Args): JsonObject {
  const b: JsonObject = {};
  const name = str(a, 'name');
  if (name !== undefined) b['name'] = name;
  if (flag(a, 'enable')) b['admin_state_up'] = true;
  if (flag(a, 'disable')) b['admin_state_up'] = false;
  if (flag(a, 'share')) b['shared'] = true;
  if (flag(a, 'no_share')) b['shared'] = false;
  if (flag(a, 'enable_port_security')) b['port_security_enabled'] = true;
  if (flag(a, 'disable_port_security')) b['port_security_enabled'] = false;
  const project = str(a, 'project');
  if (project !== undefined) b['project_id'] = findProject(c, project).id;
  const hints = strs(a, 'availability_zone_hints');
  if (hints.length > 0) b['availability_zone_hints'] = hints;
  const text = (k: string, key: string) => {
    const v = str(a, k);
    if (v) b[key] = v;
  };
  text('description', 'description');
  text('mtu', 'mtu');
  if (flag(a, 'internal')) b['router:external'] = false;
  if (flag(a, 'external')) b['router:external'] = true;
  if (flag(a, 'no_default')) b['is_default'] = false;
  if (flag(a, 'default')) b['is_default'] = true;
  text('provider_network_type', 'provider:network_type');
  text('physical_network', 'provider:physical_network');
  text('segmentation_id', 'provider:segmentation_id');
  const qos = str(a, 'qos_policy');
  if (qos !== undefined) findQosPolicy(qos);
  if (flag(a, 'no_qos_policy')) b['qos_policy_id'] = null;
  text('dns_domain', 'dns_domain');
  // openstacksdk's Network declares mtu an integer: int() of the text, before any request.
  if (b['mtu'] !== undefined) sdkInt(a, 'mtu');
  return b;
}

/** The wire names of openstacksdk's Network attributes that differ from them (for `--extra-property`). */
const SDK_NETWORK_NAMES: Readonly<Record<string, string>> = {
  is_admin_state_up: 'admin_state_up',
  is_port_security_enabled: 'port_security_enabled',
  is_router_external: 'router:external',
  is_shared: 'shared',
  is_vlan_transparent: 'vlan_transparent',
  provider_network_type: 'provider:network_type',
  provider_physical_network: 'provider:physical_network',
  provider_segmentation_id: 'provider:segmentation_id',
};

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
  const { attrs, body } = sdkBody(networkAttrs(c, a), a, SDK_NETWORK_NAMES);
  if (Object.keys(body).length > 0) {
    // The SDK sends what differs from the network it found (`--mtu` is text: never equal).
    withExtensionCheck(attrs, () => sdkUpdate(networkDict(c, n, 'show'), body, (send) => putNetwork(c, n, send)));
  }
  afterCommit(() => setTagsAsClient(c, n, { clear: flag(a, 'no_tag'), add: strs(a, 'tags') }, tagsPath('networks', n.id)));
  return none;
}

function unsetNetwork(c: Cloud, a: Args): Output {
  const n = findNetwork(c, req(a, 'network'));
  // NeutronUnsetCommandWithExtraArgs: each extra property's name, set to None.
  const { body } = sdkBody({}, a, SDK_NETWORK_NAMES, true);
  sdkUpdate(networkDict(c, n, 'show'), body, (send) => putNetwork(c, n, send));
  afterCommit(() => setTagsAsClient(c, n, { clear: flag(a, 'all_tag'), remove: strs(a, 'tags') }, tagsPath('networks', n.id)));
  return none;
}

export const networkCommands: OscCommand[] = [
  {
    name: 'network create', shares: true,
    style: 'wrapped',
    run: ({ cloud: c, args: a }) => {
      const b = networkAttrs(c, a);
      if (flag(a, 'transparent_vlan')) b['vlan_transparent'] = true;
      if (flag(a, 'no_transparent_vlan')) b['vlan_transparent'] = false;
      const { attrs, body } = sdkBody(b, a, SDK_NETWORK_NAMES);
      const n = withExtensionCheck(attrs, () => postNetwork(c, body));
      return createdWithTags(c, n, strs(a, 'tags'), tagsPath('networks', n.id), () => networkShow(networkDict(c, n, 'create')));
    },
  },
  { name: 'network list', run: ({ cloud, args }) => listNetworks(cloud, args) },
  { name: 'network show', style: 'wrapped', run: ({ cloud: c, args: a }) => networkShow(networkDict(c, findNetwork(c, req(a, 'network')), 'show')) },
  { name: 'network set', shares: true, run: ({ cloud, args }) => setNetwork(cloud, args) },
  { name: 'network unset', shares: true, run: ({ cloud, args }) => unsetNetwork(cloud, args) },
  {
    name: 'network delete', shares: true,
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'network'), { one: 'network', many: 'networks' }, (t) => {
        const n = findNetwork(c, t);
        networkWrites.remove?.(c, n.id, `/v2.0/networks/${n.id}`);
      }),
  },
];
