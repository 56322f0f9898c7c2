/**
 * `openstack bgp …`: python-neutronclient 8.1's OSC plugin for neutron-dynamic-routing. Unlike
 * OSC's own network commands it goes through neutronclient, not openstacksdk: its lookups say
 * "Unable to find bgp_speaker with name or id 'x'", and a server error prints the bare message
 * and the request id.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { BgpPeer, BgpSpeaker } from '../../sim/model/bgp.js';
import type { Network } from '../../sim/model/network.js';
import type { CellValue } from '../../render/pyvalue.js';
import type { JsonObject } from '../../sim/api/json.js';
import { SimError } from '../../sim/errors.js';
import { requestId } from '../../sim/api/request-id.js';
import {
  agentsHostingSpeaker,
  bgpAgents,
  peerDict,
  speakerDict,
  speakerRoutes,
  speakersOnAgent,
  visiblePeers,
  visibleSpeakers,
} from '../../sim/api/neutron/bgp.js';
import {
  addSpeakerNetwork,
  addSpeakerPeer,
  addSpeakerToAgent,
  createPeer,
  createSpeaker,
  deletePeer,
  deleteSpeaker,
  removeSpeakerFromAgent,
  removeSpeakerNetwork,
  removeSpeakerPeer,
  updatePeer,
  updateSpeaker,
} from '../../sim/ops/bgp.js';
import { visibleNetworks } from '../../sim/visibility.js';
import { CliError } from '../errors.js';
import { flag, none, num, req, str, type Args, type OscCommand, type Output } from './common.js';
import { attr } from './format.js';
import { findProject } from './project.js';
import type { Agent } from '../../sim/agents.js';

/** neutronclient's find_resource: by id first, then by name (exactly one). */
function findResource<T extends { id: string; name: string }>(items: readonly T[], kind: string, nameOrId: string): T {
  const byId = items.find((i) => i.id === nameOrId);
  if (byId) return byId;
  const byName = items.filter((i) => i.name === nameOrId);
  if (byName.length === 1) return byName[0] as T;
  if (byName.length > 1) throw new CliError(`Multiple ${kind} matches found for name '${nameOrId}', use an ID to be more specific.`);
  throw new CliError(`Unable to find ${kind} with name or id '${nameOrId}'`);
}

const findSpeaker = (c: Cloud, x: string): BgpSpeaker => findResource(visibleSpeakers(c), 'bgp_speaker', x);
const findPeer = (c: Cloud, x: string): BgpPeer => findResource(visiblePeers(c), 'bgp_peer', x);
const findNetwork = (c: Cloud, x: string): Network => findResource(visibleNetworks(c), 'network', x);

/** ShowOne of an API dict: every attribute, sorted by name. */
function showDict(d: JsonObject): Output {
  const keys = Object.keys(d).sort();
  return { kind: 'show', data: { fields: keys.map((k): [string, CellValue] => [k, attr(d, k)]) } };
}

function listOf(headers: string[], keys: string[], dicts: JsonObject[]): Output {
  return { kind: 'list', data: { headers, rows: dicts.map((d) => keys.map((k): CellValue => attr(d, k))) } };
}

/** `--x` sends true, `--no-x` false (the later check wins, as in the plugin), neither nothing. */
function toggle(a: Args, on: string): boolean | undefined {
  if (flag(a, `no_${on}`)) return false;
  if (flag(a, on)) return true;
  return undefined;
}

/**
 * neutronclient prints a server error as its message and the request id, exit 1. The ops
 * check before they change anything, so what the command changed is nothing but drawn ids.
 */
function neutronclient(c: Cloud, run: () => Output): Output {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof SimError)) throw e;
    return { kind: 'text', stdout: '', stderr: `${e.message}\nNeutron server returns request_ids: ['${requestId(c, e.message, 'length')}']\n`, exitCode: 1 };
  }
}

function speakerCreate(c: Cloud, a: Args): Output {
  const project = str(a, 'project');
  const fip = toggle(a, 'advertise_floating_ip_host_routes');
  const tenant = toggle(a, 'advertise_tenant_networks');
  const s = createSpeaker(c, {
    name: req(a, 'name'),
    localAs: req(a, 'local_as'),
    ipVersion: (num(a, 'ip_version') ?? 4) as 4 | 6,
    advertiseFloatingIpHostRoutes: fip ?? true,
    advertiseTenantNetworks: tenant ?? true,
    ...(project !== undefined ? { projectId: findProject(c, project).id } : {}),
  });
  return showDict(speakerDict(c, s));
}

function speakerSet(c: Cloud, a: Args): Output {
  const s = findSpeaker(c, req(a, 'bgp_speaker'));
  const name = str(a, 'name');
  const fip = toggle(a, 'advertise_floating_ip_host_routes');
  const tenant = toggle(a, 'advertise_tenant_networks');
  updateSpeaker(c, s, {
    ...(name !== undefined ? { name } : {}),
    ...(fip !== undefined ? { advertiseFloatingIpHostRoutes: fip } : {}),
    ...(tenant !== undefined ? { advertiseTenantNetworks: tenant } : {}),
  });
  return none;
}

function speakerList(c: Cloud, a: Args): Output {
  const agent = str(a, 'agent');
  const speakers = agent === undefined ? visibleSpeakers(c) : speakersOnAgent(c, agent);
  return listOf(['ID', 'Name', 'Local AS', 'IP Version'], ['id', 'name', 'local_as', 'ip_version'], speakers.map((s) => speakerDict(c, s)));
}

function peerCreate(c: Cloud, a: Args): Output {
  const authType = (str(a, 'auth_type') ?? 'none') as 'none' | 'md5';
  const password = str(a, 'password') ?? null;
  // The plugin's own checks, before any request.
  if (authType !== 'none' && password === null) throw new CliError('Must provide password if auth-type is specified.');
  if (authType === 'none' && password !== null) throw new CliError('Must provide auth-type if password is specified.');
  const project = str(a, 'project');
  const p = createPeer(c, {
    name: req(a, 'name'),
    peerIp: req(a, 'peer_ip'),
    remoteAs: req(a, 'remote_as'),
    authType,
    password,
    ...(project !== undefined ? { projectId: findProject(c, project).id } : {}),
  });
  return showDict(peerDict(p));
}

function peerSet(c: Cloud, a: Args): Output {
  const p = findPeer(c, req(a, 'bgp_peer'));
  const name = str(a, 'name');
  const password = str(a, 'password');
  updatePeer(c, p, { ...(name !== undefined ? { name } : {}), ...(password !== undefined ? { password } : {}) });
  return none;
}

const AGENT_HEADERS = ['ID', 'Host', 'State', 'Alive'];

/** The plugin's agent rows: `alive` as `:-)` or `XXX`. */
function agentRows(list: Agent[]): Output {
  const rows = list.map((g): CellValue[] => [g.id, g.host, g.adminStateUp, g.alive ? ':-)' : 'XXX']);
  return { kind: 'list', data: { headers: AGENT_HEADERS, rows } };
}

const DRAGENTS_DEPRECATED =
  "The 'openstack bgp speaker show dragents' CLI is deprecated and will be removed in the future. Use 'openstack bgp dragent list' CLI instead.";

function speakerShowDragents(c: Cloud, a: Args): Output {
  return agentRows(agentsHostingSpeaker(c, findSpeaker(c, req(a, 'bgp_speaker'))));
}

function dragentList(c: Cloud, a: Args): Output {
  const speaker = str(a, 'bgp_speaker');
  return agentRows(speaker === undefined ? bgpAgents(c) : agentsHostingSpeaker(c, findSpeaker(c, speaker)));
}

function routes(c: Cloud, a: Args): Output {
  const s = findSpeaker(c, req(a, 'bgp_speaker'));
  const rows = speakerRoutes(c, s).map((r): CellValue[] => [r.destination, r.nextHop]);
  return { kind: 'list', data: { headers: ['Destination', 'Nexthop'], rows } };
}

/** Each command's body, run as neutronclient runs it (server errors printed its way), and the warning it logs first, if any. */
const BODIES: Array<[string, (c: Cloud, a: Args) => Output, string?]> = [
  ['bgp speaker create', speakerCreate],
  ['bgp speaker list', speakerList],
  ['bgp speaker show', (c, a) => showDict(speakerDict(c, findSpeaker(c, req(a, 'bgp_speaker'))))],
  ['bgp speaker set', speakerSet],
  ['bgp speaker delete', (c, a) => (deleteSpeaker(c, findSpeaker(c, req(a, 'bgp_speaker'))), none)],
  ['bgp speaker add network', (c, a) => (addSpeakerNetwork(c, findSpeaker(c, req(a, 'bgp_speaker')), findNetwork(c, req(a, 'network'))), none)],
  ['bgp speaker remove network', (c, a) => (removeSpeakerNetwork(c, findSpeaker(c, req(a, 'bgp_speaker')), findNetwork(c, req(a, 'network'))), none)],
  ['bgp speaker add peer', (c, a) => (addSpeakerPeer(c, findSpeaker(c, req(a, 'bgp_speaker')), findPeer(c, req(a, 'bgp_peer'))), none)],
  ['bgp speaker remove peer', (c, a) => (removeSpeakerPeer(c, findSpeaker(c, req(a, 'bgp_speaker')), findPeer(c, req(a, 'bgp_peer'))), none)],
  ['bgp speaker list advertised routes', routes],
  ['bgp speaker show dragents', speakerShowDragents, DRAGENTS_DEPRECATED],
  ['bgp peer create', peerCreate],
  ['bgp peer list', (c) => listOf(['ID', 'Name', 'Peer IP', 'Remote AS'], ['id', 'name', 'peer_ip', 'remote_as'], visiblePeers(c).map(peerDict))],
  ['bgp peer show', (c, a) => showDict(peerDict(findPeer(c, req(a, 'bgp_peer'))))],
  ['bgp peer set', peerSet],
  ['bgp peer delete', (c, a) => (deletePeer(c, findPeer(c, req(a, 'bgp_peer'))), none)],
  ['bgp dragent add speaker', (c, a) => (addSpeakerToAgent(c, req(a, 'dragent_id'), findSpeaker(c, req(a, 'bgp_speaker'))), none)],
  ['bgp dragent remove speaker', (c, a) => (removeSpeakerFromAgent(c, req(a, 'dragent_id'), findSpeaker(c, req(a, 'bgp_speaker'))), none)],
  ['bgp dragent list', dragentList],
];

export const bgpCommands: OscCommand[] = BODIES.map(([name, body, warning]) => ({
  name,
  run: ({ cloud, args }) => neutronclient(cloud, () => body(cloud, args)),
  ...(warning === undefined ? {} : { warns: () => warning }),
}));
