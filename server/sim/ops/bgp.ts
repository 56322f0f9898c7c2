/**
 * neutron-dynamic-routing's writes (Zed, `neutron_dynamic_routing/db/bgp_db.py` and its
 * extensions' messages): speakers, peers, the speaker's network and peer bindings, and the BGP
 * dynamic routing agents' speaker bindings. Every resource is admin-only by the plugin's policy.
 */
import type { Cloud } from '../model/cloud.js';
import { BGP_DRAGENT_TYPE, type BgpPeer, type BgpSpeaker, type BgpState } from '../model/bgp.js';
import type { Network } from '../model/network.js';
import { neutronError } from '../errors.js';
import { pyIntText } from '../python.js';
import { ipAddressError } from '../ipam.js';
import { newId, policyError } from './context.js';
import { agents, getAgent, type Agent } from '../agents.js';

export const SPEAKERS_PATH = '/v2.0/bgp-speakers';
export const PEERS_PATH = '/v2.0/bgp-peers';

/** The bgp_4byte_asn extension's range for local_as and remote_as. */
const MAX_ASN = 4294967295;

function state(c: Cloud): BgpState {
  c.bgp ??= { speakers: [], peers: [], agentSpeakers: {} };
  return c.bgp;
}

function adminOnly(c: Cloud, path: string, action: string): void {
  if (!c.auth.admin) throw policyError(path, `rule:${action}`);
}

/**
 * An AS number as the API takes it: the client sends the text as typed, the attribute's
 * converter applies Python's int() (spaces, a sign and digit underscores pass) and
 * validate_range then reports the converted number.
 */
function asNumber(path: string, attr: string, raw: string): number {
  const bad = (reason: string) => neutronError.badRequest(path, `Invalid input for ${attr}. Reason: ${reason}`);
  const n = pyIntText(raw);
  if (n === null) throw bad(`'${raw}' is not an integer.`);
  if (n < 1n) throw bad(`'${n}' is too small - must be at least '1'.`);
  if (n > BigInt(MAX_ASN)) throw bad(`'${n}' is too large - must be no larger than '${MAX_ASN}'.`);
  return Number(n);
}

export interface SpeakerCreate {
  name: string;
  localAs: string;
  ipVersion: 4 | 6;
  advertiseFloatingIpHostRoutes: boolean;
  advertiseTenantNetworks: boolean;
  projectId?: string;
}

export function createSpeaker(c: Cloud, req: SpeakerCreate): BgpSpeaker {
  adminOnly(c, SPEAKERS_PATH, 'create_bgp_speaker');
  const localAs = asNumber(SPEAKERS_PATH, 'local_as', req.localAs);
  const speaker: BgpSpeaker = {
    id: newId(c),
    name: req.name,
    projectId: req.projectId ?? c.auth.projectId,
    localAs,
    ipVersion: req.ipVersion,
    advertiseFloatingIpHostRoutes: req.advertiseFloatingIpHostRoutes,
    advertiseTenantNetworks: req.advertiseTenantNetworks,
    networkIds: [],
    peerIds: [],
  };
  state(c).speakers.push(speaker);
  schedule(c, speaker);
  return speaker;
}

/**
 * The plugin's AFTER_CREATE callback with the default ChanceScheduler: a new speaker goes to an
 * alive, enabled DR agent that hosts no speaker yet (one speaker per agent). A cloud has at most
 * one DR agent (on its network node), so the chance is no choice; without one the speaker waits.
 */
function schedule(c: Cloud, s: BgpSpeaker): void {
  const bound = state(c).agentSpeakers;
  const free = agents(c).find((a) => a.agentType === BGP_DRAGENT_TYPE && a.alive && a.adminStateUp && (bound[a.id] ?? []).length === 0);
  if (free) bound[free.id] = [s.id];
}

export interface SpeakerUpdate {
  name?: string;
  advertiseFloatingIpHostRoutes?: boolean;
  advertiseTenantNetworks?: boolean;
}

export function updateSpeaker(c: Cloud, s: BgpSpeaker, upd: SpeakerUpdate): void {
  adminOnly(c, `${SPEAKERS_PATH}/${s.id}`, 'update_bgp_speaker');
  if (upd.name !== undefined) s.name = upd.name;
  if (upd.advertiseFloatingIpHostRoutes !== undefined) s.advertiseFloatingIpHostRoutes = upd.advertiseFloatingIpHostRoutes;
  if (upd.advertiseTenantNetworks !== undefined) s.advertiseTenantNetworks = upd.advertiseTenantNetworks;
}

export function deleteSpeaker(c: Cloud, s: BgpSpeaker): void {
  adminOnly(c, `${SPEAKERS_PATH}/${s.id}`, 'delete_bgp_speaker');
  const st = state(c);
  st.speakers = st.speakers.filter((x) => x.id !== s.id);
  // The dragent bindings go with the speaker (ON DELETE CASCADE).
  for (const [agent, ids] of Object.entries(st.agentSpeakers)) st.agentSpeakers[agent] = ids.filter((id) => id !== s.id);
}

/** PUT /v2.0/bgp-speakers/ID/add_gateway_network (one binding per network and IP version). */
export function addSpeakerNetwork(c: Cloud, s: BgpSpeaker, net: Network): void {
  const path = `${SPEAKERS_PATH}/${s.id}/add_gateway_network`;
  adminOnly(c, path, 'add_gateway_network');
  if (s.networkIds.includes(net.id)) {
    throw neutronError.conflict(path, `Network ${net.id} is already bound to BgpSpeaker ${s.id}.`);
  }
  s.networkIds.push(net.id);
}

export function removeSpeakerNetwork(c: Cloud, s: BgpSpeaker, net: Network): void {
  const path = `${SPEAKERS_PATH}/${s.id}/remove_gateway_network`;
  adminOnly(c, path, 'remove_gateway_network');
  if (!s.networkIds.includes(net.id)) {
    throw neutronError.notFound(path, `Network ${net.id} is not associated with BGP speaker ${s.id}.`);
  }
  s.networkIds = s.networkIds.filter((id) => id !== net.id);
}

/** A network's delete takes its speaker bindings with it (the binding's foreign key cascades). */
export function unbindDeletedNetwork(c: Cloud, networkId: string): void {
  for (const s of c.bgp?.speakers ?? []) s.networkIds = s.networkIds.filter((id) => id !== networkId);
}

/** PUT …/add_bgp_peer: a speaker peers with one BGP peer per address. */
export function addSpeakerPeer(c: Cloud, s: BgpSpeaker, peer: BgpPeer): void {
  const path = `${SPEAKERS_PATH}/${s.id}/add_bgp_peer`;
  adminOnly(c, path, 'add_bgp_peer');
  const peers = state(c).peers;
  if (s.peerIds.some((id) => peers.find((p) => p.id === id)?.peerIp === peer.peerIp)) {
    throw neutronError.conflict(
      path,
      `BGP Speaker ${s.id} is already configured to peer with a BGP Peer at ${peer.peerIp}, it cannot peer with BGP Peer ${peer.id}.`,
    );
  }
  s.peerIds.push(peer.id);
}

export function removeSpeakerPeer(c: Cloud, s: BgpSpeaker, peer: BgpPeer): void {
  const path = `${SPEAKERS_PATH}/${s.id}/remove_bgp_peer`;
  adminOnly(c, path, 'remove_bgp_peer');
  if (!s.peerIds.includes(peer.id)) {
    throw neutronError.notFound(path, `BGP peer ${peer.id} is not associated with BGP speaker ${s.id}.`);
  }
  s.peerIds = s.peerIds.filter((id) => id !== peer.id);
}

export interface PeerCreate {
  name: string;
  peerIp: string;
  remoteAs: string;
  authType: 'none' | 'md5';
  password: string | null;
  projectId?: string;
}

/**
 * neutron-lib's validate_ip_address: netaddr reads IPv4 groups with leading zeros (ZEROFILL) but
 * Neutron then refuses any spelling other than the canonical one.
 */
function checkPeerIp(ip: string): void {
  const why = ipAddressError(ip);
  if (why !== null) throw neutronError.badRequest(PEERS_PATH, `Invalid input for peer_ip. Reason: ${why}.`);
}

export function createPeer(c: Cloud, req: PeerCreate): BgpPeer {
  adminOnly(c, PEERS_PATH, 'create_bgp_peer');
  checkPeerIp(req.peerIp);
  const remoteAs = asNumber(PEERS_PATH, 'remote_as', req.remoteAs);
  if (req.authType === 'md5' && !req.password) {
    throw neutronError.badRequest(PEERS_PATH, 'A password must be supplied when using auth_type md5.');
  }
  const peer: BgpPeer = {
    id: newId(c),
    name: req.name,
    projectId: req.projectId ?? c.auth.projectId,
    peerIp: req.peerIp,
    remoteAs,
    authType: req.authType,
    password: req.password,
  };
  state(c).peers.push(peer);
  return peer;
}

/** PUT /v2.0/bgp-peers/ID: a name, or a password for a peer that authenticates. */
export function updatePeer(c: Cloud, peer: BgpPeer, upd: { name?: string; password?: string }): void {
  const path = `${PEERS_PATH}/${peer.id}`;
  adminOnly(c, path, 'update_bgp_peer');
  if (upd.password !== undefined && peer.authType === 'none') {
    throw neutronError.notFound(path, `BGP peer ${peer.id} not authenticated.`);
  }
  if (upd.name !== undefined) peer.name = upd.name;
  if (upd.password !== undefined) peer.password = upd.password;
}

/** A bound peer may be deleted: its speaker bindings go with it (ON DELETE CASCADE). */
export function deletePeer(c: Cloud, peer: BgpPeer): void {
  adminOnly(c, `${PEERS_PATH}/${peer.id}`, 'delete_bgp_peer');
  const st = state(c);
  st.peers = st.peers.filter((p) => p.id !== peer.id);
  for (const s of st.speakers) s.peerIds = s.peerIds.filter((id) => id !== peer.id);
}

/** The agent id's 404 as Neutron's agent lookup words it, or the agent if it is a DR agent. */
function drAgent(c: Cloud, agentId: string): Agent {
  const agent = getAgent(c, agentId);
  if (agent.agentType !== BGP_DRAGENT_TYPE || !agent.adminStateUp) {
    throw neutronError.notFound(`/v2.0/agents/${agentId}/bgp-drinstances`, `BgpDrAgent ${agentId} is invalid or has been disabled.`);
  }
  return agent;
}

/**
 * POST /v2.0/agents/ID/bgp-drinstances: the bindings table's primary key is the agent, so an
 * agent hosts one speaker at most (a second, or the same again, is a duplicate entry).
 */
export function addSpeakerToAgent(c: Cloud, agentId: string, s: BgpSpeaker): void {
  const path = `/v2.0/agents/${agentId}/bgp-drinstances`;
  adminOnly(c, path, 'add_bgp_speaker_to_dragent');
  const agent = drAgent(c, agentId);
  const bound = state(c).agentSpeakers;
  if ((bound[agent.id] ?? []).length > 0) {
    throw neutronError.conflict(path, `BgpDrAgent ${agent.id} is already associated to a BGP speaker.`);
  }
  bound[agent.id] = [...(bound[agent.id] ?? []), s.id];
}

/** DELETE /v2.0/agents/ID/bgp-drinstances/SPEAKER. */
export function removeSpeakerFromAgent(c: Cloud, agentId: string, s: BgpSpeaker): void {
  const path = `/v2.0/agents/${agentId}/bgp-drinstances/${s.id}`;
  adminOnly(c, path, 'remove_bgp_speaker_from_dragent');
  const agent = getAgent(c, agentId);
  const bound = state(c).agentSpeakers;
  if (!(bound[agent.id] ?? []).includes(s.id)) {
    throw neutronError.notFound(path, `BGP speaker ${s.id} is not hosted by the BgpDrAgent ${agent.id}.`);
  }
  bound[agent.id] = (bound[agent.id] ?? []).filter((id) => id !== s.id);
}
