/**
 * `neutron bgp-speaker-*`, `bgp-peer-*`, `bgp-dragent-*` (python-neutronclient 8.1's legacy
 * commands for neutron-dynamic-routing) on the same API as `openstack bgp …` (sim/ops/bgp).
 * The client checks AS numbers itself with Python's int(x, 0) and sends them as typed; the server
 * checks them again (sim/ops/bgp asNumber), stores the number and echoes a peer's text in its
 * answer to the create.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { BgpPeer, BgpSpeaker } from '../../sim/model/bgp.js';
import type { JsonObject } from '../../sim/api/json.js';
import type { Agent } from '../../sim/agents.js';
import { agentsHostingSpeaker, peerDict, speakerDict, speakerRoutes, speakersOnAgent, visiblePeers, visibleSpeakers } from '../../sim/api/neutron/bgp.js';
import {
  deleteBgpPeerById,
  deleteBgpSpeakerById,
  networkAction,
  peerAction,
  postBgpPeer,
  postBgpSpeaker,
  putBgpPeer,
  putBgpSpeaker,
} from '../../sim/api/neutron/requests/bgp.js';
import { addSpeakerToAgent, removeSpeakerFromAgent } from '../../sim/ops/bgp.js';
import { CliError } from '../errors.js';
import { bulkDelete, dictTable, find, list, s, show, specFilters, type Args, type Handler, type Out } from './common.js';
import { findNetwork } from './net.js';
import type { SpecValue } from './values-specs.js';

const MAX_ASN = 4294967295;

const findSpeaker = (c: Cloud, ref: string): BgpSpeaker => find(visibleSpeakers(c), 'bgp_speaker', ref);
const findPeer = (c: Cloud, ref: string): BgpPeer => find(visiblePeers(c), 'bgp_peer', ref);

/** Python's int(x, 0): decimal without leading zeros, 0x/0o/0b literals, digit underscores, blanks around. */
function pyIntBase0(raw: string): bigint | null {
  const m = /^\s*([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?\d)*|0(?:_?0)*)\s*$/.exec(raw);
  if (!m) return null;
  const n = BigInt((m[2] as string).replace(/_/g, ''));
  return m[1] === '-' ? -n : n;
}

/** neutronclient's validate_int_range for an AS number option. */
function checkAs(attr: string, raw: string | undefined): string {
  const v = raw ?? '';
  const n = pyIntBase0(v);
  if (n === null || n < 1n || n > BigInt(MAX_ASN)) throw new CliError(`${attr.replace(/_/g, '-')} "${v}" should be an integer [1:${MAX_ASN}].`);
  return v;
}

/** The body the client sends: its options, value specs laid over them. */
const body = (own: JsonObject, extra: Record<string, SpecValue>): JsonObject => ({ ...own, ...(extra as JsonObject) });

function speakerCreate(c: Cloud, a: Args, extra: Record<string, SpecValue>): Out {
  const own: JsonObject = { name: s(a, 'name') ?? '', local_as: checkAs('local_as', s(a, 'local_as')), ip_version: (a['ip_version'] as number | undefined) ?? 4 };
  for (const k of ['advertise_floating_ip_host_routes', 'advertise_tenant_networks']) if (s(a, k) !== undefined) own[k] = s(a, k) as string;
  if (s(a, 'tenant_id') !== undefined) own['tenant_id'] = s(a, 'tenant_id') as string;
  const sp = postBgpSpeaker(c, body(own, extra));
  return show(a, speakerDict(c, sp), 'bgp_speaker');
}

/** An update with nothing to send stops in the client, before its lookup. */
function nothingToUpdate(a: Args, options: string[], extra: Record<string, SpecValue>, resource: string): void {
  if (options.every((k) => s(a, k) === undefined) && Object.keys(extra).length === 0) throw new CliError(`Must specify new values to update ${resource}`);
}

function speakerUpdate(c: Cloud, a: Args, extra: Record<string, SpecValue>): Out {
  const options = ['name', 'advertise_floating_ip_host_routes', 'advertise_tenant_networks'];
  nothingToUpdate(a, options, extra, 'bgp_speaker');
  const sp = findSpeaker(c, s(a, 'id') ?? '');
  const own: JsonObject = {};
  for (const k of options) if (s(a, k) !== undefined) own[k] = s(a, k) as string;
  putBgpSpeaker(c, sp.id, body(own, extra));
  return { stdout: `Updated bgp_speaker: ${s(a, 'id') ?? ''}\n` };
}

function peerCreate(c: Cloud, a: Args, extra: Record<string, SpecValue>): Out {
  const remoteAs = checkAs('remote_as', s(a, 'remote_as'));
  const authType = s(a, 'auth_type') ?? 'none';
  const password = s(a, 'password');
  if (authType !== 'none' && password === undefined) throw new CliError('Must provide password if auth-type is specified.');
  if (authType === 'none' && password) throw new CliError('Must provide auth-type if password is specified.');
  const own: JsonObject = { name: s(a, 'name') ?? '', peer_ip: s(a, 'peer_ip') ?? '', remote_as: remoteAs, auth_type: authType };
  if (password !== undefined) own['password'] = password;
  if (s(a, 'tenant_id') !== undefined) own['tenant_id'] = s(a, 'tenant_id') as string;
  // The plugin answers a peer's create with the row as sent (a speaker's is read back): the AS number is the client's text.
  return show(a, postBgpPeer(c, body(own, extra)), 'bgp_peer');
}

function peerUpdate(c: Cloud, a: Args, extra: Record<string, SpecValue>): Out {
  nothingToUpdate(a, ['name', 'password'], extra, 'bgp_peer');
  const p = findPeer(c, s(a, 'id') ?? '');
  const own: JsonObject = {};
  for (const k of ['name', 'password']) if (s(a, k) !== undefined) own[k] = s(a, k) as string;
  putBgpPeer(c, p.id, body(own, extra));
  return { stdout: `Updated bgp_peer: ${s(a, 'id') ?? ''}\n` };
}

/** The routes have no id: the list shows the columns that came back. */
function routes(c: Cloud, a: Args): Out {
  const sp = findSpeaker(c, s(a, 'bgp_speaker') ?? '');
  const rows = speakerRoutes(c, sp).map((r): JsonObject => ({ destination: r.destination, next_hop: r.nextHop }));
  return dictTable(a, rows.length > 0 ? ['destination', 'next_hop'] : [], rows);
}

/** The agents hosting a speaker, `alive` as the client rewrites it for every format. */
function hostingAgents(c: Cloud, a: Args): Out {
  const sp = findSpeaker(c, s(a, 'bgp_speaker') ?? '');
  const rows = agentsHostingSpeaker(c, sp).map((g: Agent): JsonObject => ({ id: g.id, host: g.host, admin_state_up: g.adminStateUp, alive: g.alive ? ':-)' : 'xxx' }));
  return dictTable(a, rows.length > 0 ? ['id', 'host', 'admin_state_up', 'alive'] : [], rows);
}

const done = (msg: string): Out => ({ stdout: `${msg}\n` });

export const bgpCommands: Record<string, Handler> = {
  'bgp-speaker-create': speakerCreate,
  'bgp-speaker-list': (c, a, extra) => dictTable(a, ['id', 'name', 'local_as', 'ip_version'], filtered(visibleSpeakers(c).map((x) => speakerDict(c, x)), extra)),
  'bgp-speaker-show': (c, a) => show(a, speakerDict(c, findSpeaker(c, s(a, 'id') ?? ''))),
  'bgp-speaker-update': speakerUpdate,
  'bgp-speaker-delete': (c, a) => bulkDelete('bgp_speaker', list(a, 'id'), (id) => deleteBgpSpeakerById(c, findSpeaker(c, id).id)),
  'bgp-speaker-network-add': (c, a) => {
    networkAction('add')(c, findSpeaker(c, s(a, 'bgp_speaker') ?? '').id, { network_id: findNetwork(c, s(a, 'network') ?? '').id });
    return done(`Added network ${s(a, 'network') ?? ''} to BGP speaker ${s(a, 'bgp_speaker') ?? ''}.`);
  },
  'bgp-speaker-network-remove': (c, a) => {
    networkAction('remove')(c, findSpeaker(c, s(a, 'bgp_speaker') ?? '').id, { network_id: findNetwork(c, s(a, 'network') ?? '').id });
    return done(`Removed network ${s(a, 'network') ?? ''} from BGP speaker ${s(a, 'bgp_speaker') ?? ''}.`);
  },
  'bgp-speaker-peer-add': (c, a) => {
    peerAction('add')(c, findSpeaker(c, s(a, 'bgp_speaker') ?? '').id, { bgp_peer_id: findPeer(c, s(a, 'bgp_peer') ?? '').id });
    return done(`Added BGP peer ${s(a, 'bgp_peer') ?? ''} to BGP speaker ${s(a, 'bgp_speaker') ?? ''}.`);
  },
  'bgp-speaker-peer-remove': (c, a) => {
    peerAction('remove')(c, findSpeaker(c, s(a, 'bgp_speaker') ?? '').id, { bgp_peer_id: findPeer(c, s(a, 'bgp_peer') ?? '').id });
    return done(`Removed BGP peer ${s(a, 'bgp_peer') ?? ''} from BGP speaker ${s(a, 'bgp_speaker') ?? ''}.`);
  },
  'bgp-speaker-advertiseroute-list': routes,
  'bgp-speaker-list-on-dragent': (c, a) =>
    dictTable(a, ['id', 'name', 'local_as', 'ip_version'], speakersOnAgent(c, s(a, 'dragent_id') ?? '').map((x) => speakerDict(c, x))),
  'bgp-peer-create': peerCreate,
  'bgp-peer-list': (c, a, extra) => dictTable(a, ['id', 'name', 'peer_ip', 'remote_as'], filtered(visiblePeers(c).map(peerDict), extra)),
  'bgp-peer-show': (c, a) => show(a, peerDict(findPeer(c, s(a, 'id') ?? ''))),
  'bgp-peer-update': peerUpdate,
  'bgp-peer-delete': (c, a) => bulkDelete('bgp_peer', list(a, 'id'), (id) => deleteBgpPeerById(c, findPeer(c, id).id)),
  'bgp-dragent-speaker-add': (c, a) => {
    addSpeakerToAgent(c, s(a, 'dragent_id') ?? '', findSpeaker(c, s(a, 'bgp_speaker') ?? ''));
    return done(`Associated BGP speaker ${s(a, 'bgp_speaker') ?? ''} to the Dynamic Routing agent.`);
  },
  'bgp-dragent-speaker-remove': (c, a) => {
    removeSpeakerFromAgent(c, s(a, 'dragent_id') ?? '', findSpeaker(c, s(a, 'bgp_speaker') ?? ''));
    return done(`Disassociated BGP speaker ${s(a, 'bgp_speaker') ?? ''} from the Dynamic Routing agent.`);
  },
  'bgp-dragent-list-hosting-speaker': hostingAgents,
};

/** Value specs as list filters: the plugin filters on its columns, compared as text. */
function filtered(dicts: JsonObject[], extra: Record<string, SpecValue>): JsonObject[] {
  const q = Object.entries(specFilters(extra));
  return dicts.filter((d) => q.every(([k, v]) => (Array.isArray(v) ? v : [v]).some((x) => String(d[k]) === String(x))));
}
