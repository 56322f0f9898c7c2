/**
 * What Neutron v2.0 answers to a GET (its read side, as the REST endpoint serves it): list and
 * show of every collection the simulation has, with Neutron's query language (`fields`, filters,
 * tag filters, `sort_key`/`sort_dir`, `limit`/`marker`/`page_reverse` with `*_links`), the
 * sub-resources the clients read, quotas, extensions and the root, each answer as the bytes
 * Neutron writes. The resources are this folder's dictionaries; the web layer only carries the
 * request in and the answer out (server/http/openstack/neutron.ts through server/workspace).
 */
import { encodeUriPart } from '../request.js';
import type { Cloud } from '../../model/cloud.js';
import type { Json, JsonObject } from '../json.js';
import { SimError } from '../../errors.js';
import { pyIntText } from '../../python.js';
import { draftCloud } from '../../clone.js';
import { checkOwner, policyError } from '../../ops/context.js';
import {
  agentsHostingNetwork,
  agentsHostingRouter,
  listAgentNetworks,
  listAgentRouters,
  listAgents,
  listFloatingIps,
  listGroups,
  listNetworks,
  listOf,
  listPorts,
  fixedIpFilters,
  badSortKeys,
  listQuotas,
  listRouters,
  listRules,
  listSegments,
  listSubnetPools,
  listAddressScopes,
  listSubnets,
  showAgent,
  showQuota,
  defaultQuota,
  type FilterValue,
  type ListQuery,
} from './index.js';
import { listExtensions, getExtension } from './extension.js';
import { advertisedRoutes, speakerById } from './requests/bgp.js';
import { agentsHostingSpeaker } from './bgp.js';
import { agentDict } from './agent.js';
import { listAvailabilityZones } from './availability-zone.js';
import { addressGroupById, addressGroupDict, listAddressGroups } from './address-group.js';
import { ipAvailabilityDict, listIpAvailabilities } from './ip-availability.js';
import { listRbacPolicies } from './rbac.js';
import { invalidSortKeys, listHelpers, readsTags } from './filters.js';
import { listServiceProviders } from './service-provider.js';
import { peerDict, speakerDict, visiblePeers, visibleSpeakers } from './bgp.js';
import {
  neutronFault,
  pathNotFound,
  pyJson,
  resourceNotFound,
  simFault,
  type Answer,
} from './rest-errors.js';

export {
  internalError,
  methodNotAllowed,
  rootNotFound,
  unauthorized,
  type Answer,
} from './rest-errors.js';
import { ownValue } from '../../objects.js';

/** A request's query as webob keeps it: every pair, in order (repeated keys included). */
type Pairs = ReadonlyArray<readonly [string, string]>;

/** How one collection is listed: its body keys and the simulation's list for a query. */
export interface Collection {
  /** The key of a list body (`security_groups`); its member's key is `member`. */
  plural: string;
  member: string;
  /** Networks, subnets and ports are written without blanks (their controllers' serializer); the rest with Python's default. */
  compact: boolean;
  /** The resources matching a query, in its order; the key that identifies one (`id`, or `network_id`). */
  list: (c: Cloud, q: ListQuery, pairs: Pairs) => JsonObject[];
  key?: string;
  /** Listing makes the project's default security group: the list runs on a copy. */
  drafts?: boolean;
  /** Listed in the order the resources were made when no sort or page is asked (neutron-dynamic-routing's lists: the database's order). */
  kept?: boolean;
  /** Show through the simulation's own lookup (its 404 differs from the list's for a member). */
  show?: (c: Cloud, id: string) => JsonObject;
  /**
   * Filter keys the collection's list reads itself rather than as listOf compares them (a MAC
   * address's spelling, the project whose default group a list makes; `all`: every key): with
   * several values, such a key is listed once per value.
   */
  ownFilters?: readonly string[] | 'all';
}

/**
 * Dictionaries the simulation lists without a query: queried as listOf queries any list, in id
 * order as Neutron's own collections are, or in the order given (`kept`: neutron-dynamic-routing
 * lists its speakers and peers as they were made, as the oracle's captures show).
 */
function queried(
  dicts: readonly JsonObject[],
  q: ListQuery,
  path: string,
  kept = false,
): JsonObject[] {
  const rows = dicts.map((d, i) => ({
    id: !kept && typeof d['id'] === 'string' ? d['id'] : String(i).padStart(9, '0'),
    d,
  }));
  return listOf(rows, (r) => r.d, q, path);
}

const COLLECTIONS: Readonly<Record<string, Collection>> = {
  networks: { plural: 'networks', member: 'network', compact: true, list: listNetworks },
  subnets: { plural: 'subnets', member: 'subnet', compact: true, list: listSubnets },
  ports: {
    plural: 'ports',
    member: 'port',
    compact: true,
    list: (c, q, pairs) => listPorts(c, q, fixedIpFilters(pairs.filter(([k]) => k === 'fixed_ips').map(([, v]) => v), () => `/v2.0/ports?${urlencode(pairs)}`)),
    ownFilters: ['mac_address', 'fixed_ips'],
  },
  subnetpools: {
    plural: 'subnetpools',
    member: 'subnetpool',
    compact: false,
    list: listSubnetPools,
  },
  'address-scopes': {
    plural: 'address_scopes',
    member: 'address_scope',
    compact: false,
    list: listAddressScopes,
  },
  routers: { plural: 'routers', member: 'router', compact: false, list: listRouters },
  floatingips: {
    plural: 'floatingips',
    member: 'floatingip',
    compact: false,
    list: listFloatingIps,
  },
  'security-groups': {
    plural: 'security_groups',
    member: 'security_group',
    compact: false,
    list: listGroups,
    drafts: true,
    ownFilters: ['project_id', 'tenant_id'],
  },
  'security-group-rules': {
    plural: 'security_group_rules',
    member: 'security_group_rule',
    compact: false,
    list: listRules,
    drafts: true,
    ownFilters: ['project_id', 'tenant_id'],
  },
  agents: { plural: 'agents', member: 'agent', compact: false, list: listAgents, show: showAgent },
  segments: {
    plural: 'segments',
    member: 'segment',
    compact: false,
    list: (c, q) => queried(listSegments(c), q, '/v2.0/segments'),
  },
  'rbac-policies': {
    plural: 'rbac_policies',
    member: 'rbac_policy',
    compact: false,
    kept: true,
    list: (c, q) => queried(listRbacPolicies(c), q, '/v2.0/rbac-policies', true),
  },
  'network-ip-availabilities': {
    plural: 'network_ip_availabilities',
    member: 'network_ip_availability',
    compact: false,
    list: listIpAvailabilities,
    // Any network's (the plugin reads them all), then the policy: a member's refusal is a plain 404.
    show: (c, id) => {
      const n = c.networks.find((x) => x.id === id);
      if (!n) throw new SimError(404, `Network ${id} could not be found.`, `/v2.0/network-ip-availabilities/${id}`, 'network', 'NetworkNotFound');
      return ipAvailabilityDict(c, n);
    },
    key: 'network_id',
    ownFilters: ['ip_version'],
  },
  availability_zones: {
    plural: 'availability_zones',
    member: 'availability_zone',
    compact: false,
    list: (c, q) => queried(listAvailabilityZones(c), q, '/v2.0/availability_zones'),
  },
  'service-providers': {
    plural: 'service_providers',
    member: 'service_provider',
    compact: false,
    // The plugin reads the query itself (its controller validates no filter).
    list: (_c, q, pairs) => {
      const given: Record<string, string[]> = {};
      for (const [k, v] of pairs) given[k] = [...(Object.hasOwn(given, k) ? (given[k] ?? []) : []), v];
      return queried(listServiceProviders(given), { ...q, filters: {}, anyOf: {} }, '/v2.0/service-providers');
    },
  },
  'address-groups': {
    plural: 'address_groups',
    member: 'address_group',
    compact: false,
    list: (c, q) => listAddressGroups(c, q),
    show: (c, id) => addressGroupDict(addressGroupById(c, id)),
  },
};

/** neutron-dynamic-routing's collections: every cloud runs its service plugin (the emulated CLIs offer BGP everywhere; its state is made with the first speaker or peer). */
const BGP: Readonly<Record<string, Collection>> = {
  'bgp-speakers': {
    plural: 'bgp_speakers',
    member: 'bgp_speaker',
    compact: false,
    kept: true,
    list: (c, q) =>
      queried(
        visibleSpeakers(c).map((s) => speakerDict(c, s)),
        q,
        '/v2.0/bgp-speakers',
        true,
      ),
  },
  'bgp-peers': {
    plural: 'bgp_peers',
    member: 'bgp_peer',
    compact: false,
    kept: true,
    list: (c, q) => queried(visiblePeers(c).map(peerDict), q, '/v2.0/bgp-peers', true),
  },
};

/** The collection a URL names, or undefined. */
export function collectionOf(_c: Cloud, name: string): Collection | undefined {
  if (Object.hasOwn(COLLECTIONS, name)) return COLLECTIONS[name];
  return ownValue(BGP, name);
}

/** The tag extension's filters. */
const TAG_KEYS = ['tags', 'tags-any', 'not-tags', 'not-tags-any'];

/** Query keys that are not filters (api_common's reserved words and the tag extension's). */
const NOT_FILTERS = new Set([
  'fields',
  'sort_key',
  'sort_dir',
  'limit',
  'marker',
  'page_reverse',
  'tags',
  'tags-any',
  'not-tags',
  'not-tags-any',
  'fixed_ips',
]);

/** Non-empty values of a key (Neutron drops empty fields and sort keys). */
function values(pairs: Pairs, key: string): string[] {
  return pairs.filter(([k, v]) => k === key && v !== '').map(([, v]) => v);
}

/** The last value of a key (webob's `GET.get`), or undefined. */
function last(pairs: Pairs, key: string): string | undefined {
  const all = pairs.filter(([k]) => k === key);
  return all[all.length - 1]?.[1];
}

/** A fault the query itself causes, raised before anything is listed. */
class QueryFault extends Error {
  constructor(readonly answer: Answer) {
    super(answer.body);
  }
}

const badRequest = (type: string, message: string) =>
  new QueryFault(neutronFault(400, type, message));

function tagList(pairs: Pairs, key: string): string[] {
  return values(pairs, key).flatMap((v) => v.split(','));
}

/**
 * `sort_key`/`sort_dir` pairs, checked as Neutron's get_sorts checks them: their counts, the keys
 * (the attribute map's sort keys; without a map, the plain attributes of the rows), the directions.
 */
function sorts(pairs: Pairs, path: string, rows: readonly JsonObject[]): Array<{ key: string; dir: 'asc' | 'desc' }> {
  const keys = values(pairs, 'sort_key');
  const dirs = values(pairs, 'sort_dir');
  if (keys.length !== dirs.length)
    throw badRequest('HTTPBadRequest', 'The number of sort_keys and sort_dirs must be same');
  const badKeys = invalidSortKeys(path, keys) ?? badSortKeys(rows, keys.map((key) => ({ key })));
  if (badKeys.length > 0)
    throw badRequest('HTTPBadRequest', `[${badKeys.map((k) => `'${k}'`).join(', ')}] is invalid attribute for sort_keys`);
  const bad = dirs.filter((d) => d !== 'asc' && d !== 'desc');
  if (bad.length > 0)
    throw badRequest(
      'HTTPBadRequest',
      `[${bad.map((d) => `'${d}'`).join(', ')}] is invalid value for sort_dirs, valid value is 'asc' and 'desc'`,
    );
  return keys.map((key, i) => ({ key, dir: dirs[i] === 'desc' ? 'desc' : 'asc' }));
}

/** Python's int() of the text, or null. */
function pyInt(text: string): number | null {
  const n = pyIntText(text);
  return n === null ? null : Number(n);
}

/** `limit`: 0 or absent is no limit. */
function limitOf(pairs: Pairs): number {
  const text = last(pairs, 'limit');
  if (text === undefined) return 0;
  const n = pyInt(text);
  if (n === null || n < 0)
    throw badRequest(
      'BadRequest',
      `Bad limit request: Limit must be an integer 0 or greater and not '${text}'.`,
    );
  return n;
}

/** The filters: one value each, and the keys given several values (matched as any of them). */
function filtersOf(pairs: Pairs, taggable: boolean): {
  single: Record<string, FilterValue>;
  multi: Record<string, string[]>;
} {
  const keys = [...new Set(pairs.map(([k]) => k))].filter((k) => !NOT_FILTERS.has(k) || (!taggable && TAG_KEYS.includes(k)));
  // A filter's empty value is a value (`name=` lists the unnamed), unlike an empty field or sort key.
  const given = keys.map((k) => [k, pairs.filter(([x]) => x === k).map(([, v]) => v)] as const);
  // fromEntries: a key such as `__proto__` stays a key (an assignment would set the prototype).
  return {
    single: Object.fromEntries(
      given.filter(([, vs]) => vs.length === 1).map(([k, vs]) => [k, vs[0] as string]),
    ),
    multi: Object.fromEntries(given.filter(([, vs]) => vs.length > 1)),
  };
}

/** Neutron's sort order over full dictionaries: the given keys, then the id (pagination needs a total order). */
function comparator(
  sort: ReadonlyArray<{ key: string; dir: 'asc' | 'desc' }>,
  idKey: string,
): (a: JsonObject, b: JsonObject) => number {
  const keys = sort.some((s) => s.key === idKey)
    ? sort
    : [...sort, { key: idKey, dir: 'asc' as const }];
  const cmp = (x: Json | undefined, y: Json | undefined) => {
    const a = x ?? null;
    const b = y ?? null;
    if (a === b) return 0;
    if (a === null) return -1;
    if (b === null) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  return (a, b) => {
    for (const s of keys) {
      const r = cmp(a[s.key], b[s.key]);
      if (r !== 0) return s.dir === 'desc' ? -r : r;
    }
    return 0;
  };
}

/** The resources of a list query with every filter applied (several values of a key: any of them). */
function filtered(
  col: Collection,
  c: Cloud,
  pairs: Pairs,
  base: ListQuery,
  multi: Record<string, string[]>,
): JsonObject[] {
  const key = col.key ?? 'id';
  const own = (k: string) => col.ownFilters === 'all' || (col.ownFilters?.includes(k) ?? false);
  // Several values of a plain attribute: one list that keeps a resource matching any of them (a
  // list per value cost every resource's dictionary once per value: ~1,500 values, ~0.8 s).
  const anyOf = Object.fromEntries(Object.entries(multi).filter(([k]) => !own(k)).map(([k, vs]) => [k, [...new Set(vs)]]));
  let rows = col.list(c, Object.keys(anyOf).length > 0 ? { ...base, anyOf } : base, pairs);
  for (const [k, vs] of Object.entries(multi)) {
    if (!own(k)) continue;
    const ids = new Set(
      [...new Set(vs)].flatMap((v) =>
        col.list(c, { ...base, filters: { ...base.filters, [k]: v } }, pairs).map((d) => d[key]),
      ),
    );
    rows = rows.filter((d) => ids.has(d[key] ?? null));
  }
  return rows;
}

/** Only the `fields` asked for, in the resource's order (none asked: all). */
function project(d: JsonObject, fields: readonly string[]): JsonObject {
  return fields.length === 0
    ? d
    : Object.fromEntries(Object.entries(d).filter(([k]) => fields.includes(k)));
}

/** Python's urlencode (quote_plus) of query pairs, as Neutron writes its links. */
function urlencode(pairs: Pairs): string {
  const quote = (s: string) =>
    encodeUriPart(s)
      .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+');
  return pairs.map(([k, v]) => `${quote(k)}=${quote(v)}`).join('&');
}

/** `*_links` as api_common's pagination links: next unless a short forward page, previous unless a short reverse one. */
function pageLinks(
  url: string,
  pairs: Pairs,
  page: readonly JsonObject[],
  limit: number,
  reverse: boolean,
  key: string,
): JsonObject[] {
  const kept = pairs.filter(([k]) => k !== 'marker' && k !== 'page_reverse');
  const markerAt = (d: JsonObject | undefined): Pairs =>
    d?.[key] === undefined ? [] : [['marker', String(d[key])]];
  const links: JsonObject[] = [];
  if (!(page.length < limit && !reverse))
    links.push({
      rel: 'next',
      href: `${url}?${urlencode([...kept, ...markerAt(page[page.length - 1])])}`,
    });
  if (!(page.length < limit && reverse))
    links.push({
      rel: 'previous',
      href: `${url}?${urlencode([...kept, ...markerAt(page[0]), ['page_reverse', 'True']])}`,
    });
  return links;
}

/** GET /v2.0/<collection>?…: filtered, sorted, paged, cut to fields. */
function listAnswer(col: Collection, name: string, c: Cloud, pairs: Pairs, url: string): Answer {
  const marker = last(pairs, 'marker');
  const reverse = /^(true|1)$/i.test(last(pairs, 'page_reverse') ?? '');
  const fields = values(pairs, 'fields');
  const path = `/v2.0/${name}`;
  // A resource without tags reads the tag keys as any other filter (and refuses them).
  const taggable = readsTags(path);
  const { single, multi } = filtersOf(pairs, taggable);
  const tags = taggable
    ? {
        tags: tagList(pairs, 'tags'),
        any: tagList(pairs, 'tags-any'),
        notAll: tagList(pairs, 'not-tags'),
        notAny: tagList(pairs, 'not-tags-any'),
      }
    : undefined;
  const key = col.key ?? 'id';
  // The filters first, then the paging helper (the limit), then the sorting one (get_sorts), as
  // Neutron's query hook makes them; a controller that does not sort or page ignores their keys.
  const rows = filtered(col, c, pairs, { filters: single, ...(tags ? { tags } : {}) }, multi);
  const helpers = listHelpers(path);
  const limit = helpers.paging ? limitOf(pairs) : 0;
  const sort = helpers.sorting ? sorts(pairs, path, rows) : [];
  // Sorted here rather than by the simulation's list: pages need the id as the last key (a total
  // order). A collection listed as made keeps that order when nothing asks for another.
  const ordered =
    col.kept && sort.length === 0 && limit <= 0 ? rows : [...rows].sort(comparator(sort, key));
  const out: JsonObject = {};
  let page = ordered;
  if (limit > 0) {
    page = pageOf(col, name, c, pairs, ordered, { marker, limit, reverse, sort, key });
    out[col.plural] = page.map((d) => project(d, fields));
    out[`${col.plural}_links`] = pageLinks(url, pairs, page, limit, reverse, key);
    return json(col, out);
  }
  out[col.plural] = page.map((d) => project(d, fields));
  return json(col, out);
}

/** One page: the `limit` rows after (or, reversed, before) the marker in sort order; Neutron looks the marker up first. */
function pageOf(
  col: Collection,
  name: string,
  c: Cloud,
  pairs: Pairs,
  ordered: readonly JsonObject[],
  p: {
    marker: string | undefined;
    limit: number;
    reverse: boolean;
    sort: ReadonlyArray<{ key: string; dir: 'asc' | 'desc' }>;
    key: string;
  },
): JsonObject[] {
  let before = ordered;
  let after = ordered;
  if (p.marker !== undefined) {
    const m = findOne(col, c, p.marker, pairs);
    if (!m) throw new QueryFault(resourceNotFound(name, p.marker));
    const cmp = comparator(p.sort, p.key);
    before = ordered.filter((d) => cmp(d, m) < 0);
    after = ordered.filter((d) => cmp(d, m) > 0);
  }
  return p.reverse ? before.slice(Math.max(0, before.length - p.limit)) : after.slice(0, p.limit);
}

/** One resource by its id as the caller may see it (the simulation's list with that one filter), or null. */
function findOne(col: Collection, c: Cloud, id: string, pairs: Pairs): JsonObject | null {
  if (col.show) return col.show(c, id);
  const key = col.key ?? 'id';
  return col.list(c, { filters: { [key]: id } }, pairs).find((d) => d[key] === id) ?? null;
}

function json(col: Collection | null, body: JsonObject): Answer {
  return {
    status: 200,
    contentType: 'application/json',
    body: pyJson(body, col?.compact ?? false),
  };
}

/** The collections whose resources carry tags (`/v2.0/<collection>/<id>/tags`). */
const TAGGABLE = [
  'networks',
  'subnets',
  'ports',
  'routers',
  'floatingips',
  'security-groups',
  'subnetpools',
];

/**
 * GET /v2.0/<collection>/<id>/<sub>: a resource's tags, the agents hosting a router or a network,
 * what an agent hosts (each checked on the oracle where it has no agents: the 404s and the empty lists).
 */
function subAnswer(col: Collection, name: string, c: Cloud, id: string, sub: string): Answer {
  // neutron-dynamic-routing's member action read with GET (its 404 is the speaker's).
  if (name === 'bgp-speakers' && sub === 'get_advertised_routes')
    return json(null, advertisedRoutes(c, id));
  // neutron-dynamic-routing's scheduler: the agents hosting a speaker (its 404 is the speaker's).
  if (name === 'bgp-speakers' && sub === 'bgp-dragents') {
    const speaker = speakerById(c, id, `/v2.0/bgp-speakers/${id}/bgp-dragents`);
    return json(null, { agents: agentsHostingSpeaker(c, speaker).map(agentDict) });
  }
  if (sub === 'tags' && TAGGABLE.includes(name)) {
    const d = findOne(col, c, id, []);
    if (!d)
      return neutronFault(
        404,
        'TagResourceNotFound',
        `Resource ${col.plural} ${id} could not be found.`,
      );
    return json(null, { tags: d['tags'] ?? [] });
  }
  if (name === 'routers' && sub === 'l3-agents') {
    if (!findOne(col, c, id, [])) return resourceNotFound(name, id);
    return json(null, { agents: agentsHostingRouter(c, id) });
  }
  if (name === 'networks' && sub === 'dhcp-agents')
    return json(null, { agents: agentsHostingNetwork(c, id) });
  if (name === 'agents' && sub === 'l3-routers')
    return json(null, { routers: listAgentRouters(c, id) });
  if (name === 'agents' && sub === 'dhcp-networks')
    return json(null, { networks: listAgentNetworks(c, id) });
  return pathNotFound();
}

/** GET /v2.0/<collection>/<id>?fields=… */
function showAnswer(col: Collection, name: string, c: Cloud, id: string, pairs: Pairs): Answer {
  const d = findOne(col, c, id, []);
  if (!d) return resourceNotFound(name, id);
  return json(col, { [col.member]: project(d, values(pairs, 'fields')) });
}

/** Neutron's order of the quota resources (the simulation keeps them by name; the checked oracle answers in this order). */
const QUOTA_ORDER = [
  'network',
  'subnet',
  'subnetpool',
  'port',
  'router',
  'floatingip',
  'rbac_policy',
  'security_group',
  'security_group_rule',
];

export function quotaOrder(q: JsonObject): JsonObject {
  const rank = (k: string) =>
    QUOTA_ORDER.includes(k) ? QUOTA_ORDER.indexOf(k) : QUOTA_ORDER.length;
  return Object.fromEntries(Object.entries(q).sort(([a], [b]) => rank(a) - rank(b)));
}

/**
 * GET /v2.0/quotas (admin), /quotas/tenant and /quotas/project (the caller's project, as the
 * legacy client asks it), /quotas/PROJECT and /quotas/PROJECT/default (a member: its own only).
 */
function quotaAnswer(c: Cloud, rest: readonly string[]): Answer {
  const [project = '', sub] = rest;
  if (rest.length === 0) {
    if (!c.auth.admin) throw policyError('/v2.0/quotas', 'rule:get_quota');
    return json(null, { quotas: listQuotas(c).map(quotaOrder) });
  }
  if (rest.length === 1 && project === 'tenant')
    return json(null, { tenant: { tenant_id: c.auth.projectId } });
  if (rest.length === 1 && project === 'project')
    return json(null, { project: { project_id: c.auth.projectId } });
  if (rest.length > 2 || (rest.length === 2 && sub !== 'default')) return pathNotFound();
  checkOwner(c, project, `/v2.0/quotas/${project}`, 'get_quota');
  return json(null, {
    quota: quotaOrder(rest.length === 1 ? showQuota(c, project) : defaultQuota(c)),
  });
}

/** GET /v2.0/ : the collections the API offers at its root. */
function resourcesAnswer(base: string): Answer {
  const resources = ['network', 'subnet', 'subnetpool', 'port'].map((name) => ({
    name,
    collection: `${name}s`,
    links: [{ rel: 'self', href: `${base}/v2.0/${name}s` }],
  }));
  return json(null, { resources });
}

/** Any GET under /v2.0 once the token is known: which controller, then the simulation's answer. */
function v2Answer(c: Cloud, segments: readonly string[], pairs: Pairs, base: string): Answer {
  const [name = '', id, ...rest] = segments;
  if (segments.length === 0) return pathNotFound();
  if (name === '' && segments.length === 1) return resourcesAnswer(base);
  if (name === 'extensions') {
    if (id === undefined) return json(null, { extensions: listExtensions() });
    return rest.length === 0 ? json(null, { extension: getExtension(id) }) : pathNotFound();
  }
  if (name === 'quotas') return quotaAnswer(c, segments.slice(1));
  const col = collectionOf(c, name);
  if (!col || rest.length > 1 || id === '') return pathNotFound();
  // Listing security groups makes the project's default group: on a copy, so a GET changes nothing.
  const cloud = col.drafts ? draftCloud(c) : c;
  if (id === undefined) return listAnswer(col, name, cloud, pairs, `${base}/v2.0/${name}`);
  if (rest[0] !== undefined) return subAnswer(col, name, cloud, id, rest[0]);
  return showAnswer(col, name, cloud, id, pairs);
}

/**
 * What Neutron answers to `GET /v2.0/SEGMENTS?PAIRS` on `cloud` (`base`: the endpoint's URL, for
 * pagination links): the client's bad input and the simulation's refusals are answers, never
 * exceptions.
 */
export function neutronGet(
  cloud: Cloud,
  segments: readonly string[],
  pairs: ReadonlyArray<readonly [string, string]>,
  base: string,
  accept: string | undefined,
): Answer {
  try {
    return v2Answer(cloud, segments, pairs, base);
  } catch (e) {
    if (e instanceof QueryFault) return e.answer;
    if (e instanceof SimError) return simFault(e, accept);
    throw e;
  }
}

/** The versions document of GET /openstack/network/ (no token needed). */
export function neutronVersions(base: string): Answer {
  return json(null, {
    versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${base}/v2.0/` }] }],
  });
}
