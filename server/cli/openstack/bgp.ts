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
import { addSpeakerToAgent, removeSpeakerFromAgent } from '../../sim/ops/bgp.js';
import { deleteBgpPeerById, deleteBgpSpeakerById, networkAction, peerAction, postBgpPeer, postBgpSpeaker, putBgpPeer, putBgpSpeaker } from '../../sim/api/neutron/requests/bgp.js';
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

/**
 * The plugin's _get_attrs for speakers: the name as text, `--local-as` as typed (Neutron converts
 * it), the IP version (create only), the advertise flags (the `--no-` one wins), the project as tenant_id.
 */
function speakerAttrs(c: Cloud, a: Args, create: boolean): JsonObject {
  const b: JsonObject = {};
  const name = str(a, 'name');
  if (name !== undefined) b['name'] = name;
  if (create) {
    b['local_as'] = req(a, 'local_as');
    b['ip_version'] = num(a, 'ip_version') ?? 4;
  }
  const tenant = toggle(a, 'advertise_tenant_networks');
  if (tenant !== undefined) b['advertise_tenant_networks'] = tenant;
  const fip = toggle(a, 'advertise_floating_ip_host_routes');
  if (fip !== undefined) b['advertise_floating_ip_host_routes'] = fip;
  const project = str(a, 'project');
  if (project !== undefined) b['tenant_id'] = findProject(c, project).id;
  return b;
}

function speakerCreate(c: Cloud, a: Args): Output {
  return showDict(speakerDict(c, postBgpSpeaker(c, speakerAttrs(c, a, true))));
}

/** neutronclient sends the body whatever it holds (no comparison with the speaker). */
function speakerSet(c: Cloud, a: Args): Output {
  const s = findSpeaker(c, req(a, 'bgp_speaker'));
  putBgpSpeaker(c, s.id, speakerAttrs(c, a, false));
  return none;
}

function speakerList(c: Cloud, a: Args): Output {
  const agent = str(a, 'agent');
  const speakers = agent === undefined ? visibleSpeakers(c) : speakersOnAgent(c, agent);
  return listOf(['ID', 'Name', 'Local AS', 'IP Version'], ['id', 'name', 'local_as', 'ip_version'], speakers.map((s) => speakerDict(c, s)));
}

/**
 * The plugin's _get_attrs for peers: the auth type checked against the password first (create
 * only), then the name, the remote AS and the peer address as typed, the password (None when not
 * given: `set` sends it so), the project as tenant_id.
 */
function peerAttrs(c: Cloud, a: Args, create: boolean): JsonObject {
  const b: JsonObject = {};
  const password = str(a, 'password') ?? null;
  if (create) {
    const authType = str(a, 'auth_type') ?? 'none';
    // The plugin's own checks, before any request.
    if (authType !== 'none' && password === null) throw new CliError('Must provide password if auth-type is specified.');
    if (authType === 'none' && password !== null) throw new CliError('Must provide auth-type if password is specified.');
    b['auth_type'] = authType;
  }
  const name = str(a, 'name');
  if (name !== undefined) b['name'] = name;
  if (create) {
    b['remote_as'] = req(a, 'remote_as');
    b['peer_ip'] = req(a, 'peer_ip');
  }
  b['password'] = password;
  const project = str(a, 'project');
  if (project !== undefined) b['tenant_id'] = findProject(c, project).id;
  return b;
}

function peerCreate(c: Cloud, a: Args): Output {
  return showDict(postBgpPeer(c, peerAttrs(c, a, true)));
}

function peerSet(c: Cloud, a: Args): Output {
  const p = findPeer(c, req(a, 'bgp_peer'));
  putBgpPeer(c, p.id, peerAttrs(c, a, false));
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

/** A speaker action: the speaker looked up, then the other resource, then the PUT with its id. */
function speakerAction(
  c: Cloud,
  a: Args,
  action: (c: Cloud, id: string, body: JsonObject) => JsonObject,
  key: string,
  find: (ref: string) => string,
  arg: string,
): Output {
  const s = findSpeaker(c, req(a, 'bgp_speaker'));
  action(c, s.id, { [key]: find(req(a, arg)) });
  return none;
}

/** Each command's body, run as neutronclient runs it (server errors printed its way), and the warning it logs first, if any. */
const BODIES: Array<[string, (c: Cloud, a: Args) => Output, string?]> = [
  ['bgp speaker create', speakerCreate],
  ['bgp speaker list', speakerList],
  ['bgp speaker show', (c, a) => showDict(speakerDict(c, findSpeaker(c, req(a, 'bgp_speaker'))))],
  ['bgp speaker set', speakerSet],
  ['bgp speaker delete', (c, a) => (deleteBgpSpeakerById(c, findSpeaker(c, req(a, 'bgp_speaker')).id), none)],
  ['bgp speaker add network', (c, a) => speakerAction(c, a, networkAction('add'), 'network_id', (x) => findNetwork(c, x).id, 'network')],
  ['bgp speaker remove network', (c, a) => speakerAction(c, a, networkAction('remove'), 'network_id', (x) => findNetwork(c, x).id, 'network')],
  ['bgp speaker add peer', (c, a) => speakerAction(c, a, peerAction('add'), 'bgp_peer_id', (x) => findPeer(c, x).id, 'bgp_peer')],
  ['bgp speaker remove peer', (c, a) => speakerAction(c, a, peerAction('remove'), 'bgp_peer_id', (x) => findPeer(c, x).id, 'bgp_peer')],
  ['bgp speaker list advertised routes', routes],
  ['bgp speaker show dragents', speakerShowDragents, DRAGENTS_DEPRECATED],
  ['bgp peer create', peerCreate],
  ['bgp peer list', (c) => listOf(['ID', 'Name', 'Peer IP', 'Remote AS'], ['id', 'name', 'peer_ip', 'remote_as'], visiblePeers(c).map(peerDict))],
  ['bgp peer show', (c, a) => showDict(peerDict(findPeer(c, req(a, 'bgp_peer'))))],
  ['bgp peer set', peerSet],
  ['bgp peer delete', (c, a) => (deleteBgpPeerById(c, findPeer(c, req(a, 'bgp_peer')).id), none)],
  ['bgp dragent add speaker', (c, a) => (addSpeakerToAgent(c, req(a, 'dragent_id'), findSpeaker(c, req(a, 'bgp_speaker'))), none)],
  ['bgp dragent remove speaker', (c, a) => (removeSpeakerFromAgent(c, req(a, 'dragent_id'), findSpeaker(c, req(a, 'bgp_speaker'))), none)],
  ['bgp dragent list', dragentList],
];

export const bgpCommands: OscCommand[] = BODIES.map(([name, body, warning]) => ({
  name,
  run: ({ cloud, args }) => neutronclient(cloud, () => body(cloud, args)),
  ...(warning === undefined ? {} : { warns: () => warning }),
}));
