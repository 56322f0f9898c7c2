/**
 * Lab checks for bring-your-own-IP as a provider builds it: an address scope, an object shared
 * with one project by RBAC, BGP peers and speakers (neutron-dynamic-routing) and the routes a
 * speaker advertises, computed by Neutron's rules (sim/bgp-routes.ts). Objects are found by name.
 * The checks read the whole cloud, not the learner's view of it: BGP is admin-only, yet a
 * customer's lab may still ask whether the provider announces its prefix.
 *
 * Types only come from checks.ts (which registers these), so the two modules do not load each
 * other.
 */
import type { Cloud } from '../sim/model/cloud.js';
import type { BgpPeer, BgpSpeaker } from '../sim/model/bgp.js';
import type { Router } from '../sim/model/router.js';
import type { Subnet } from '../sim/model/subnet.js';
import { speakerRoutes, type AdvertisedRoute } from '../sim/bgp-routes.js';
import { routerInterfacePorts } from './attributes.js';
import { normalise, type Invocation } from './history.js';
import { canonicalCidr, canonicalIp, cidrWithin, isIp } from './ip.js';
import { changedAny, someInvocation } from './started.js';
import type { CheckType, Outcome, Params } from './checks.js';

const pass = (why: string): Outcome => ({ ok: true, why });
const failed = (why: string): Outcome => ({ ok: false, why });

// ---------------------------------------------------------------- when a check has started

const OSC_WRITES = new Set(['create', 'set', 'unset', 'delete', 'add', 'remove']);
const NEUTRON_WRITE = /-(create|update|delete|add|remove)$/;

/** The command's words (options dropped; their values stay, after the words that matter here). */
function words(inv: Invocation): string[] {
  return normalise(inv.argv).filter((t, i) => i === 0 || !t.startsWith('-'));
}

/**
 * Whether some invocation changes an object of an `openstack` noun (`bgp speaker`, `address scope`)
 * or runs a changing `neutron` subcommand starting with `prefix` (`bgp-`, `address-scope-`).
 */
function changed(history: readonly Invocation[], nouns: readonly string[], prefix: string): boolean {
  return someInvocation(history, `changed:${nouns.join(',')}:${prefix}`, (inv) => {
    const w = words(inv);
    if (w[0] === 'neutron') return (w[1] ?? '').startsWith(prefix) && NEUTRON_WRITE.test(w[1] ?? '');
    if (w[0] !== 'openstack') return false;
    return nouns.some((n) => {
      const parts = n.split(' ');
      return parts.every((p, i) => w[i + 1] === p) && OSC_WRITES.has(w[parts.length + 1] ?? '');
    });
  });
}

const bgpChanged = (h: readonly Invocation[]) => changed(h, ['bgp speaker', 'bgp peer', 'bgp dragent'], 'bgp-');
const scopeChanged = (h: readonly Invocation[]) => changed(h, ['address scope'], 'address-scope-') || changedAny(h, ['subnet-pool']);
/** A route follows the speaker, the subnets, their pools and the routers: a change to any of them. */
const routesChanged = (h: readonly Invocation[]) => bgpChanged(h) || scopeChanged(h) || changedAny(h, ['subnet', 'router']);

// ---------------------------------------------------------------- lookups

const nameOf = (list: ReadonlyArray<{ id: string; name: string }>, id: string | null): string => list.find((x) => x.id === id)?.name ?? '?';

function speakersNamed(c: Cloud, name: string | undefined): BgpSpeaker[] {
  const all = c.bgp?.speakers ?? [];
  return name === undefined ? all : all.filter((s) => s.name === name);
}

function noSpeaker(name: string | undefined): Outcome {
  return failed(name === undefined ? 'there is no BGP speaker yet' : `there is no BGP speaker named ${name}`);
}

/** The hosts of the BGP dynamic routing agents hosting the speaker (the network node's, when the cloud runs one). */
function hostsOf(c: Cloud, s: BgpSpeaker): string[] {
  if (!c.config.bgpDragent) return [];
  const hosting = Object.values(c.bgp?.agentSpeakers ?? {}).some((ids) => ids.includes(s.id));
  return hosting ? [c.config.networkHost] : [];
}

/** Why no DR agent hosts the speaker: none runs, or it already hosts another (one speaker per agent). */
function notHosted(c: Cloud, s: BgpSpeaker): string {
  if (!c.config.bgpDragent) return `no BGP dynamic routing agent runs in this cloud, so nothing hosts BGP speaker ${s.name}`;
  const others = Object.values(c.bgp?.agentSpeakers ?? {}).flat().filter((id) => id !== s.id);
  const busy = others.length > 0 ? ` (the agent on ${c.config.networkHost} already hosts BGP speaker ${nameOf(c.bgp?.speakers ?? [], others[0] ?? null)}, and an agent hosts one speaker)` : '';
  return `no BGP dynamic routing agent hosts BGP speaker ${s.name}${busy}`;
}

const speakerNetworks = (c: Cloud, s: BgpSpeaker): string[] => s.networkIds.map((id) => nameOf(c.networks, id));
const speakerPeers = (c: Cloud, s: BgpSpeaker): BgpPeer[] => (c.bgp?.peers ?? []).filter((p) => s.peerIds.includes(p.id));
const peerIs = (p: BgpPeer, want: string): boolean => p.name === want || (isIp(want) && canonicalIp(p.peerIp) === canonicalIp(want));

/** The address scope of a subnet: its pool's (null without a pool or a scope). */
function subnetScope(c: Cloud, sn: Subnet): string | null {
  return c.subnetPools.find((p) => p.id === sn.subnetpoolId)?.addressScopeId ?? null;
}

/** The scopes of the speaker's networks' subnets of its IP version (what its tenant routes must share). */
function speakerScopes(c: Cloud, s: BgpSpeaker): Set<string> {
  const ids = c.subnets.filter((sn) => s.networkIds.includes(sn.networkId) && sn.ipVersion === s.ipVersion).map((sn) => subnetScope(c, sn));
  return new Set(ids.filter((x): x is string => x !== null));
}

function routersWithInterface(c: Cloud, sn: Subnet): Router[] {
  return c.routers.filter((r) => routerInterfacePorts(c, r).some((p) => p.fixedIps.some((f) => f.subnetId === sn.id)));
}

const gatewayIps = (r: Router): string[] => r.gateway?.externalFixedIps.map((f) => f.ipAddress) ?? [];

// ---------------------------------------------------------------- address scopes and RBAC

const addressScopeCheck: CheckType = {
  name: 'address-scope',
  reads: ['cloud'],
  doc: 'An address scope of that name exists (shared with every project, and of that IP version, when asked).',
  params: {
    name: { type: 'string', required: true, doc: 'address scope name' },
    shared: { type: 'boolean', doc: 'shared with every project (true) or not (false)' },
    ip_version: { type: 'number', doc: '4 or 6' },
  },
  validate: (p) => (p.num('ip_version') !== undefined && p.num('ip_version') !== 4 && p.num('ip_version') !== 6 ? 'ip_version must be 4 or 6' : null),
  title: (p) => `address scope ${p.str('name')} exists${p.num('ip_version') !== undefined ? `, IPv${p.num('ip_version') ?? ''}` : ''}${p.bool('shared') === true ? ', shared' : p.bool('shared') === false ? ', not shared' : ''}`,
  started: (_p, ctx) => scopeChanged(ctx.history),
  evaluate(p, ctx) {
    const scopes = ctx.cloud.addressScopes.filter((x) => x.name === p.str('name'));
    if (scopes.length === 0) return failed(`there is no address scope named ${p.str('name')}`);
    let why = '';
    for (const a of scopes) {
      if (p.num('ip_version') !== undefined && a.ipVersion !== p.num('ip_version')) why = `address scope ${a.name} is for IPv${a.ipVersion}, not IPv${p.num('ip_version') ?? ''}`;
      else if (p.bool('shared') !== undefined && a.shared !== p.bool('shared')) why = `address scope ${a.name} is ${a.shared ? '' : 'not '}shared with every project`;
      else return pass(`address scope ${a.name} (IPv${a.ipVersion}${a.shared ? ', shared' : ''})`);
    }
    return failed(why);
  },
};

const SHARE_KINDS = ['subnet-pool', 'network', 'address-scope'] as const;
type ShareKind = (typeof SHARE_KINDS)[number];
const RBAC_TYPE: Record<ShareKind, string> = { 'subnet-pool': 'subnetpool', network: 'network', 'address-scope': 'address_scope' };

interface Shareable {
  id: string;
  name: string;
  projectId: string;
  shared: boolean;
}

function shareables(c: Cloud, kind: ShareKind): Shareable[] {
  if (kind === 'subnet-pool') return c.subnetPools;
  if (kind === 'network') return c.networks;
  return c.addressScopes;
}

/** The projects an object is shared with by `access_as_shared` policies (`*` for every project, as its flag says too). */
function sharedTargets(c: Cloud, kind: ShareKind, o: Shareable): Set<string> {
  const targets = new Set((c.rbac?.policies ?? []).filter((r) => r.objectType === RBAC_TYPE[kind] && r.objectId === o.id && r.action === 'access_as_shared').map((r) => r.targetTenant));
  if (o.shared) targets.add('*');
  return targets;
}

/** Whether some invocation changed an RBAC policy, or an object of the kind (made it shared, say). */
function rbacChanged(h: readonly Invocation[], kind: ShareKind): boolean {
  if (changed(h, ['network rbac'], 'rbac-')) return true;
  return kind === 'address-scope' ? changed(h, ['address scope'], 'address-scope-') : changedAny(h, [kind]);
}

/** Why `o` is not shared with the project as asked (null: it is). */
function shareMismatch(c: Cloud, kind: ShareKind, o: Shareable, projectId: string, project: string, only: boolean): string | null {
  const label = `${kind.replace('-', ' ')} ${o.name}`;
  if (o.projectId === projectId) return `${label} belongs to ${project} itself: sharing is for other projects`;
  const targets = sharedTargets(c, kind, o);
  if (only && targets.has('*')) return `${label} is shared with every project, not with ${project} only`;
  if (!targets.has(projectId) && !targets.has('*')) return `${label} is not shared with ${project}: no RBAC policy gives ${project} access_as_shared on it`;
  const others = [...targets].filter((t) => t !== projectId && t !== '*').map((t) => nameOf(c.projects, t));
  if (only && others.length > 0) return `${label} is shared with ${others.join(', ')} too, not with ${project} only`;
  return null;
}

const sharedWith: CheckType = {
  name: 'shared-with',
  reads: ['cloud'],
  doc:
    'An object of another project is shared with a project: an RBAC policy gives the project `access_as_shared` on it, or it is shared with every project. `only: true` asks that it is shared with that project and no other (not with every project).',
  params: {
    kind: { type: 'string', required: true, oneOf: SHARE_KINDS, doc: 'subnet-pool, network or address-scope' },
    name: { type: 'string', required: true, doc: "the object's name" },
    project: { type: 'string', required: true, doc: 'the project (by name) it is shared with' },
    only: { type: 'boolean', doc: 'with that project and no other' },
  },
  title: (p) => `${p.str('kind').replace('-', ' ')} ${p.str('name')} is shared with ${p.str('project')}${p.bool('only') === true ? ' only' : ''}`,
  started: (p, ctx) => rbacChanged(ctx.history, p.str('kind') as ShareKind),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const kind = p.str('kind') as ShareKind;
    const project = c.projects.find((x) => x.name === p.str('project'));
    if (project === undefined) return failed(`there is no project named ${p.str('project')}`);
    const objects = shareables(c, kind).filter((o) => o.name === p.str('name'));
    if (objects.length === 0) return failed(`there is no ${kind.replace('-', ' ')} named ${p.str('name')}`);
    let why = '';
    for (const o of objects) {
      const miss = shareMismatch(c, kind, o, project.id, project.name, p.bool('only') === true);
      if (miss === null) return pass(`${kind.replace('-', ' ')} ${o.name} is shared with ${project.name}${p.bool('only') === true ? ' only' : ''}`);
      why = miss;
    }
    return failed(why);
  },
};

// ---------------------------------------------------------------- BGP peers and speakers

const bgpPeerCheck: CheckType = {
  name: 'bgp-peer',
  reads: ['cloud'],
  doc: 'A BGP peer exists (of that name, peer address and remote AS, as far as given).',
  params: {
    name: { type: 'string', doc: 'peer name' },
    peer_ip: { type: 'string', doc: "the upstream router's address" },
    remote_as: { type: 'number', doc: "the upstream router's AS number" },
  },
  validate(p) {
    if (p.opt('name') === undefined && p.opt('peer_ip') === undefined && p.num('remote_as') === undefined) return 'needs name, peer_ip or remote_as';
    return p.opt('peer_ip') !== undefined && !isIp(p.str('peer_ip')) ? `peer_ip: ${p.str('peer_ip')} is not an address` : null;
  },
  title: (p) => `a BGP peer${p.opt('name') !== undefined ? ` ${p.str('name')}` : ''} exists${p.opt('peer_ip') !== undefined ? ` for ${p.str('peer_ip')}` : ''}${p.num('remote_as') !== undefined ? ` in AS ${p.num('remote_as') ?? ''}` : ''}`,
  started: (_p, ctx) => bgpChanged(ctx.history),
  evaluate(p, ctx) {
    const all = ctx.cloud.bgp?.peers ?? [];
    const name = p.opt('name');
    const peers = name === undefined ? all : all.filter((x) => x.name === name);
    if (peers.length === 0) return failed(name === undefined ? 'there is no BGP peer yet' : `there is no BGP peer named ${name}`);
    let why = '';
    for (const peer of peers) {
      const label = `BGP peer ${peer.name || peer.peerIp}`;
      if (p.opt('peer_ip') !== undefined && canonicalIp(peer.peerIp) !== canonicalIp(p.str('peer_ip'))) why = `${label} is ${peer.peerIp}, not ${p.str('peer_ip')}`;
      else if (p.num('remote_as') !== undefined && peer.remoteAs !== p.num('remote_as')) why = `${label} is in AS ${peer.remoteAs}, not ${p.num('remote_as') ?? ''}`;
      else return pass(`${label}: ${peer.peerIp}, AS ${peer.remoteAs}`);
    }
    return failed(why);
  },
};

/** Why the speaker does not meet the check's conditions (null: it does). */
function speakerMismatch(c: Cloud, s: BgpSpeaker, p: Params): string | null {
  const label = `BGP speaker ${s.name}`;
  const localAs = p.num('local_as');
  if (localAs !== undefined && s.localAs !== localAs) return `${label} is in AS ${s.localAs}, not ${localAs}`;
  const network = p.opt('network');
  const nets = speakerNetworks(c, s);
  if (network !== undefined && !nets.includes(network)) return `${label} is not bound to network ${network} (${nets.length > 0 ? `its networks: ${nets.join(', ')}` : 'it is bound to no network'})`;
  const peer = p.opt('peer');
  const peers = speakerPeers(c, s);
  if (peer !== undefined && !peers.some((x) => peerIs(x, peer))) return `${label} does not peer with ${peer} (${peers.length > 0 ? `its peers: ${peers.map((x) => x.name || x.peerIp).join(', ')}` : 'it has no peer'})`;
  if (p.bool('hosted') === true && hostsOf(c, s).length === 0) return notHosted(c, s);
  return null;
}

const bgpSpeakerCheck: CheckType = {
  name: 'bgp-speaker',
  reads: ['cloud'],
  doc: 'A BGP speaker exists (of that name and local AS), bound to `network`, peering with `peer` (a peer name or address); `hosted: true` asks that a BGP dynamic routing agent hosts it.',
  params: {
    name: { type: 'string', doc: 'speaker name (any speaker when omitted)' },
    local_as: { type: 'number', doc: "the speaker's own AS number" },
    network: { type: 'string', doc: 'a network bound to it (by name)' },
    peer: { type: 'string', doc: 'a peer added to it (name or peer address)' },
    hosted: { type: 'boolean', doc: 'a BGP dynamic routing agent hosts it' },
  },
  title(p) {
    const who = p.opt('name') !== undefined ? `BGP speaker ${p.str('name')}` : 'a BGP speaker';
    const parts = [
      p.num('local_as') !== undefined ? `in AS ${p.num('local_as') ?? ''}` : '',
      p.opt('network') !== undefined ? `on network ${p.str('network')}` : '',
      p.opt('peer') !== undefined ? `peering with ${p.str('peer')}` : '',
      p.bool('hosted') === true ? 'hosted by a DR agent' : '',
    ].filter((x) => x !== '');
    return parts.length === 0 ? `${who} exists` : `${who} ${parts.join(', ')}`;
  },
  started: (_p, ctx) => bgpChanged(ctx.history),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const speakers = speakersNamed(c, p.opt('name'));
    if (speakers.length === 0) return noSpeaker(p.opt('name'));
    let why = '';
    for (const s of speakers) {
      const miss = speakerMismatch(c, s, p);
      if (miss === null) {
        const hosts = hostsOf(c, s);
        return pass(`BGP speaker ${s.name} (AS ${s.localAs}) on ${speakerNetworks(c, s).join(', ') || 'no network'}${hosts.length > 0 ? `, hosted on ${hosts.join(', ')}` : ''}`);
      }
      why = miss;
    }
    return failed(why);
  },
};

// ---------------------------------------------------------------- advertised routes

/** Why the speaker advertises no route for the subnet, by Neutron's rules, first cause first. */
function whyNotAdvertised(c: Cloud, s: BgpSpeaker, sn: Subnet): string {
  const label = `BGP speaker ${s.name}`;
  const nets = speakerNetworks(c, s).join(', ');
  if (s.networkIds.length === 0) return `${label} is bound to no network, so it advertises nothing`;
  if (!s.advertiseTenantNetworks) return `${label} does not advertise tenant networks (advertise_tenant_networks is False)`;
  if (sn.ipVersion !== s.ipVersion) return `subnet ${sn.name} is IPv${sn.ipVersion} and ${label} IPv${s.ipVersion}`;
  const scope = subnetScope(c, sn);
  if (scope === null) {
    const pool = c.subnetPools.find((x) => x.id === sn.subnetpoolId);
    return `subnet ${sn.name} is in no address scope (${pool ? `its pool ${pool.name} is in none` : 'it is not from a subnet pool'}), so no speaker announces it`;
  }
  const scopes = speakerScopes(c, s);
  if (scopes.size === 0) return `${label}'s network ${nets} has no subnet in an address scope, so ${label} advertises no tenant network`;
  if (!scopes.has(scope)) return `subnet ${sn.name} is in address scope ${nameOf(c.addressScopes, scope)}, ${label}'s network ${nets} in ${[...scopes].map((x) => nameOf(c.addressScopes, x)).join(', ')}`;
  const routers = routersWithInterface(c, sn);
  if (routers.length === 0) return `subnet ${sn.name} is on no router's interface, so nothing routes it`;
  if (!routers.some((r) => r.gateway !== null && s.networkIds.includes(r.gateway.networkId))) {
    return `router ${routers.map((r) => r.name).join(', ')} (with subnet ${sn.name}) has no gateway on ${nets}`;
  }
  return `${label} advertises no route for ${sn.cidr}`;
}

interface Found {
  speaker: BgpSpeaker;
  route: AdvertisedRoute;
}

/** The subnets the check's prefix names (by `subnet` or as allocated from `pool`), or why there are none. */
function prefixSubnets(c: Cloud, p: Params): Subnet[] | string {
  const subnet = p.opt('subnet');
  if (subnet !== undefined) {
    const found = c.subnets.filter((x) => x.name === subnet);
    return found.length > 0 ? found : `there is no subnet named ${subnet}`;
  }
  const pools = c.subnetPools.filter((x) => x.name === p.str('pool'));
  if (pools.length === 0) return `there is no subnet pool named ${p.str('pool')}`;
  const found = c.subnets.filter((x) => pools.some((pool) => pool.id === x.subnetpoolId));
  return found.length > 0 ? found : `no subnet is allocated from pool ${p.str('pool')} yet`;
}

/** Whether an advertised destination is the check's prefix: the subnet's CIDR, inside the pool's prefixes, inside `cidr`. */
function destinationMatcher(c: Cloud, p: Params): (destination: string) => boolean {
  const subnet = p.opt('subnet');
  if (subnet !== undefined) {
    const cidrs = new Set(c.subnets.filter((x) => x.name === subnet).map((x) => canonicalCidr(x.cidr)));
    return (d) => cidrs.has(canonicalCidr(d));
  }
  const pool = p.opt('pool');
  if (pool !== undefined) {
    const prefixes = c.subnetPools.filter((x) => x.name === pool).flatMap((x) => x.prefixes);
    return (d) => prefixes.some((pre) => cidrWithin(d, pre));
  }
  return (d) => cidrWithin(d, p.str('cidr'));
}

/** Why the check's prefix has no route at all on these speakers. */
function noRoute(c: Cloud, speakers: readonly BgpSpeaker[], p: Params): string {
  const first = speakers[0] as BgpSpeaker;
  if (p.opt('cidr') !== undefined) {
    const all = speakers.flatMap((s) => speakerRoutes(c, s).map((r) => r.destination));
    return `no BGP speaker advertises a route inside ${p.str('cidr')} (${all.length > 0 ? `they advertise ${[...new Set(all)].join(', ')}` : 'they advertise nothing'})`;
  }
  const subnets = prefixSubnets(c, p);
  if (typeof subnets === 'string') return subnets;
  return whyNotAdvertised(c, first, subnets[0] as Subnet);
}

function routeLabel(f: Found): string {
  return `BGP speaker ${f.speaker.name} advertises ${f.route.destination} via ${f.route.nextHop}`;
}

/** Why a route is not told upstream: the speaker needs a peer and a DR agent hosting it (null: it is). */
function notAnnounced(c: Cloud, f: Found): string | null {
  if (f.speaker.peerIds.length === 0) return `${routeLabel(f)}, but has no peer to announce it to`;
  if (hostsOf(c, f.speaker).length === 0) return `${routeLabel(f)}, but ${notHosted(c, f.speaker)}`;
  return null;
}

/** The next hop the check asks for: a router's gateway addresses, or an address; null when not asked. */
function wantedHops(c: Cloud, p: Params): { hops: Set<string>; label: string } | null {
  const hop = p.map('nextHop');
  if (hop['router'] !== undefined) {
    const name = String(hop['router']);
    const ips = c.routers.filter((r) => r.name === name).flatMap(gatewayIps);
    return { hops: new Set(ips.map(canonicalIp)), label: ips.length > 0 ? `router ${name}'s gateway ${ips.join(', ')}` : `router ${name}'s gateway (it has none)` };
  }
  if (hop['address'] !== undefined) return { hops: new Set([canonicalIp(String(hop['address']))]), label: String(hop['address']) };
  return null;
}

const PREFIX_KEYS = ['subnet', 'pool', 'cidr'] as const;

const bgpRouteCheck: CheckType = {
  name: 'bgp-route',
  reads: ['cloud'],
  doc:
    'A BGP speaker (`speaker`, or any) advertises a route for a prefix: a subnet\'s CIDR (`subnet`), a prefix inside a pool\'s (`pool`) or inside `cidr`. `nextHop: {router: NAME}` asks for that router\'s gateway address as the next hop (`{address: IP}` for an address); `announced: true` asks that the speaker also has a peer and a BGP dynamic routing agent hosting it, so the upstream router learns the route.',
  params: {
    speaker: { type: 'string', doc: 'speaker name (any speaker when omitted)' },
    subnet: { type: 'string', doc: "a subnet whose CIDR is advertised" },
    pool: { type: 'string', doc: 'a subnet pool: a route inside one of its prefixes' },
    cidr: { type: 'string', doc: 'a route inside this CIDR (or for it)' },
    nextHop: { type: 'map', doc: '{router: NAME} (its gateway address) or {address: IP}' },
    announced: { type: 'boolean', doc: 'the speaker has a peer and a DR agent hosting it' },
  },
  validate(p) {
    const given = PREFIX_KEYS.filter((k) => p.opt(k) !== undefined);
    if (given.length !== 1) return 'needs exactly one of subnet, pool or cidr';
    if (p.opt('cidr') !== undefined && canonicalCidr(p.str('cidr')) === null) return `cidr: ${p.str('cidr')} is not a CIDR`;
    const hop = p.map('nextHop');
    const keys = Object.keys(hop);
    if (keys.some((k) => k !== 'router' && k !== 'address') || keys.length > 1) return 'nextHop takes {router: NAME} or {address: IP}';
    if (hop['address'] !== undefined && !isIp(String(hop['address']))) return `nextHop: ${String(hop['address'])} is not an address`;
    return null;
  },
  title(p) {
    const what = p.opt('subnet') !== undefined ? `subnet ${p.str('subnet')}` : p.opt('pool') !== undefined ? `a prefix of pool ${p.str('pool')}` : p.str('cidr');
    const who = p.opt('speaker') !== undefined ? `BGP speaker ${p.str('speaker')}` : 'a BGP speaker';
    const hop = p.map('nextHop');
    const via = hop['router'] !== undefined ? ` via router ${String(hop['router'])}'s gateway` : hop['address'] !== undefined ? ` via ${String(hop['address'])}` : '';
    return `${who} ${p.bool('announced') === true ? 'announces' : 'advertises'} ${what}${via}${p.bool('announced') === true ? ' upstream' : ''}`;
  },
  started: (_p, ctx) => routesChanged(ctx.history),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const speakers = speakersNamed(c, p.opt('speaker'));
    if (speakers.length === 0) return noSpeaker(p.opt('speaker'));
    const matches = destinationMatcher(c, p);
    const found: Found[] = speakers.flatMap((speaker) => speakerRoutes(c, speaker).filter((r) => matches(r.destination)).map((route) => ({ speaker, route })));
    if (found.length === 0) return failed(noRoute(c, speakers, p));
    const want = wantedHops(c, p);
    const hopped = want === null ? found : found.filter((f) => want.hops.has(canonicalIp(f.route.nextHop)));
    if (hopped.length === 0) return failed(`${routeLabel(found[0] as Found)}, not via ${want?.label ?? ''}`);
    if (p.bool('announced') !== true) return pass(routeLabel(hopped[0] as Found));
    const told = hopped.find((f) => notAnnounced(c, f) === null);
    if (told === undefined) return failed(notAnnounced(c, hopped[0] as Found) ?? '');
    return pass(`${routeLabel(told)} to ${speakerPeers(c, told.speaker).map((x) => x.name || x.peerIp).join(', ')}`);
  },
};

export const BGP_CHECK_TYPES: readonly CheckType[] = [addressScopeCheck, sharedWith, bgpPeerCheck, bgpSpeakerCheck, bgpRouteCheck];
