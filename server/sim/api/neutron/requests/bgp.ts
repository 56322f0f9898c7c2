/**
 * neutron-dynamic-routing's writes: POST, PUT and DELETE /v2.0/bgp-speakers and /v2.0/bgp-peers,
 * and a speaker's actions (add_bgp_peer, remove_bgp_peer, add_gateway_network,
 * remove_gateway_network), each answering the id it was given. The legacy CLI's bgp-speaker-* and
 * bgp-peer-* commands send their bodies through these.
 */
import type { Cloud } from '../../../model/cloud.js';
import type { BgpPeer, BgpSpeaker } from '../../../model/bgp.js';
import { neutronError } from '../../../errors.js';
import {
  addSpeakerNetwork,
  addSpeakerPeer,
  createPeer,
  createSpeaker,
  deletePeer,
  deleteSpeaker,
  PEERS_PATH,
  removeSpeakerNetwork,
  removeSpeakerPeer,
  SPEAKERS_PATH,
  updatePeer,
  updateSpeaker,
} from '../../../ops/bgp.js';
import { visibleNetworks } from '../../../visibility.js';
import type { JsonObject } from '../../json.js';
import { bgpRequestBody } from '../bgp-request.js';
import { pyStr } from '../body.js';
import { peerDict, speakerDict, speakerRoutes, visiblePeers, visibleSpeakers } from '../bgp.js';
import type { CollectionWrites } from './types.js';
import { withFaultTypes } from './checks.js';
import { defined, flag, visible } from './order.js';

/** A body value as the plugin reads it as text (numbers as typed; anything else as Python writes it, for the messages that quote it). */
const str = (b: JsonObject, k: string): string | undefined => {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : pyStr(v);
};

/** A speaker the caller can see, or the plugin's 404. */
export function speakerById(c: Cloud, id: string, path: string): BgpSpeaker {
  const s = visibleSpeakers(c).find((x) => x.id === id);
  if (!s) throw neutronError.notFound(path, `BGP speaker ${id} could not be found.`);
  return s;
}

/** A peer the caller can see, or the plugin's 404. */
export function peerById(c: Cloud, id: string, path: string): BgpPeer {
  const p = visiblePeers(c).find((x) => x.id === id);
  if (!p) throw neutronError.notFound(path, `BGP peer ${id} could not be found.`);
  return p;
}

/** POST /v2.0/bgp-speakers with the `bgp_speaker` object. */
export function postBgpSpeaker(
  c: Cloud,
  member: JsonObject,
  path: string = SPEAKERS_PATH,
): BgpSpeaker {
  return withFaultTypes(() => {
    const b = bgpRequestBody('bgp_speaker', 'create', path, member);
    return createSpeaker(c, {
      name: str(b, 'name') ?? '',
      localAs: str(b, 'local_as') ?? '',
      ipVersion: Number(b['ip_version'] ?? 4) === 6 ? 6 : 4,
      advertiseFloatingIpHostRoutes: flag(b, 'advertise_floating_ip_host_routes') ?? true,
      advertiseTenantNetworks: flag(b, 'advertise_tenant_networks') ?? true,
      ...(str(b, 'tenant_id') !== undefined ? { projectId: str(b, 'tenant_id') as string } : {}),
    });
  });
}

/** PUT /v2.0/bgp-speakers/ID with the `bgp_speaker` object. */
export function putBgpSpeaker(
  c: Cloud,
  id: string,
  member: JsonObject,
  path = `${SPEAKERS_PATH}/${id}`,
): BgpSpeaker {
  return withFaultTypes(() => {
    const b = bgpRequestBody('bgp_speaker', 'update', path, member);
    const s = speakerById(c, id, path);
    updateSpeaker(
      c,
      s,
      defined({
        name: str(b, 'name'),
        advertiseFloatingIpHostRoutes: flag(b, 'advertise_floating_ip_host_routes'),
        advertiseTenantNetworks: flag(b, 'advertise_tenant_networks'),
      }),
    );
    return s;
  });
}

/** POST /v2.0/bgp-peers with the `bgp_peer` object: the plugin answers with the row as sent (remote_as as typed). */
export function postBgpPeer(c: Cloud, member: JsonObject, path: string = PEERS_PATH): JsonObject {
  return withFaultTypes(() => {
    const b = bgpRequestBody('bgp_peer', 'create', path, member);
    const p = createPeer(c, {
      name: str(b, 'name') ?? '',
      peerIp: str(b, 'peer_ip') ?? '',
      remoteAs: str(b, 'remote_as') ?? '',
      authType: str(b, 'auth_type') === 'md5' ? 'md5' : 'none',
      password: str(b, 'password') ?? null,
      ...(str(b, 'tenant_id') !== undefined ? { projectId: str(b, 'tenant_id') as string } : {}),
    });
    return { ...peerDict(p), remote_as: b['remote_as'] ?? null };
  });
}

/** PUT /v2.0/bgp-peers/ID with the `bgp_peer` object. */
export function putBgpPeer(
  c: Cloud,
  id: string,
  member: JsonObject,
  path = `${PEERS_PATH}/${id}`,
): BgpPeer {
  return withFaultTypes(() => {
    const b = bgpRequestBody('bgp_peer', 'update', path, member);
    const p = peerById(c, id, path);
    updatePeer(c, p, defined({ name: str(b, 'name'), password: str(b, 'password') }));
    return p;
  });
}

/** DELETE /v2.0/bgp-speakers/ID. */
export function deleteBgpSpeakerById(c: Cloud, id: string, path = `${SPEAKERS_PATH}/${id}`): void {
  withFaultTypes(() => deleteSpeaker(c, speakerById(c, id, path)));
}

/** DELETE /v2.0/bgp-peers/ID (its speaker bindings go with it). */
export function deleteBgpPeerById(c: Cloud, id: string, path = `${PEERS_PATH}/${id}`): void {
  withFaultTypes(() => deletePeer(c, peerById(c, id, path)));
}

/** A speaker action's id (`bgp_peer_id`, `network_id`): absent or None is looked up as None. */
const idIn = (body: JsonObject, key: string): string => str(body, key) ?? 'None';

/** PUT /v2.0/bgp-speakers/ID/{add,remove}_bgp_peer with `{bgp_peer_id}`. */
export function peerAction(op: 'add' | 'remove') {
  return (c: Cloud, id: string, body: JsonObject): JsonObject => {
    const path = `${SPEAKERS_PATH}/${id}/${op}_bgp_peer`;
    return withFaultTypes(() => {
      const s = speakerById(c, id, path);
      const p = peerById(c, idIn(body, 'bgp_peer_id'), path);
      if (op === 'add') addSpeakerPeer(c, s, p);
      else removeSpeakerPeer(c, s, p);
      return { bgp_peer_id: p.id };
    });
  };
}

/** PUT /v2.0/bgp-speakers/ID/{add,remove}_gateway_network with `{network_id}`. */
export function networkAction(op: 'add' | 'remove') {
  return (c: Cloud, id: string, body: JsonObject): JsonObject => {
    const path = `${SPEAKERS_PATH}/${id}/${op}_gateway_network`;
    return withFaultTypes(() => {
      const s = speakerById(c, id, path);
      const netId = idIn(body, 'network_id');
      const net = visible(visibleNetworks(c), netId, path, `Network ${netId} could not be found.`);
      if (op === 'add') addSpeakerNetwork(c, s, net);
      else removeSpeakerNetwork(c, s, net);
      return { network_id: net.id };
    });
  };
}

/** GET /v2.0/bgp-speakers/ID/get_advertised_routes: the routes the speaker announces (for the read side). */
export function advertisedRoutes(c: Cloud, id: string): JsonObject {
  const s = speakerById(c, id, `${SPEAKERS_PATH}/${id}/get_advertised_routes`);
  return {
    advertised_routes: speakerRoutes(c, s).map((r) => ({
      destination: r.destination,
      next_hop: r.nextHop,
    })),
  };
}

export const bgpSpeakerWrites: CollectionWrites = {
  create: (c, member, path) => speakerDict(c, postBgpSpeaker(c, member, path)),
  update: (c, id, member, path) => speakerDict(c, putBgpSpeaker(c, id, member, path)),
  remove: (c, id, path) => deleteBgpSpeakerById(c, id, path),
  actions: {
    add_bgp_peer: peerAction('add'),
    remove_bgp_peer: peerAction('remove'),
    add_gateway_network: networkAction('add'),
    remove_gateway_network: networkAction('remove'),
  },
};

export const bgpPeerWrites: CollectionWrites = {
  create: (c, member, path) => postBgpPeer(c, member, path),
  update: (c, id, member, path) => peerDict(putBgpPeer(c, id, member, path)),
  remove: (c, id, path) => deleteBgpPeerById(c, id, path),
};
