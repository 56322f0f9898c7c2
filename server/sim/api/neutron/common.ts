/**
 * What every Neutron resource shares in the API: the standard attributes, the default order of
 * lists, and list queries (exact-match filters as Neutron's filter validation checks them, tag
 * filters, `fields`, `sort_key`/`sort_dir`).
 */
import type { Std } from '../../model/std.js';
import { SimError, neutronError } from '../../errors.js';
import { tagsMatch, type TagFilter } from '../../visibility.js';
import { encodeUriPart } from '../request.js';
import { invalidSortKeys, listHelpers, readFilters, type Wanted } from './filters.js';
import type { Json, JsonObject } from '../json.js';

export type { TagFilter };

/** The standard attributes, in the order Neutron's resources end with them. */
export function stdAttrs(r: Pick<Std, 'createdAt' | 'updatedAt' | 'revision' | 'tags' | 'description'>): JsonObject {
  return {
    description: r.description,
    // Sorted, as the server reads them back from its tags table.
    tags: [...r.tags].sort(),
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    revision_number: r.revision,
  };
}

/** The simulated Neutron lists resources in id order (its database's primary-key order). */
export function sortedById<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A filter value as a query string carries it (a bare `--key` flag of neutronclient is `true`). */
export type FilterValue = string | number | boolean | null;

/** A list request: `GET /v2.0/<resources>?<query>`. */
export interface ListQuery {
  /** Exact-match filters on the resource's attributes. */
  filters?: Readonly<Record<string, FilterValue>>;
  /**
   * Keys given several values in the query (`name=a&name=b`): a resource matches when it matches
   * any of them, each compared as `filters` compares one.
   */
  anyOf?: Readonly<Record<string, readonly string[]>>;
  /** Neutron's tag filters: tags, tags-any, not-tags, not-tags-any. */
  tags?: TagFilter;
  /** Only these keys of each resource, in the resource's order. */
  fields?: readonly string[];
  /** sort_key/sort_dir pairs; without them, id order. */
  sort?: ReadonlyArray<{ key: string; dir: 'asc' | 'desc' }>;
}

/**
 * How a list treats filters on the attributes policy hides from the caller: `hidden` names them;
 * with `full` (the resource as an admin sees it) they match against it, as Neutron filters in
 * the database before it strips the keys; without, they match nothing.
 */
export interface HiddenAttrs<T> {
  keys: readonly string[];
  full?: (item: T) => JsonObject;
}

/**
 * A test of resources against filters, each key with the values any of which it may have (one for
 * a plain filter, several for `anyOf`; None, from a converter, matches nothing, as SQL's NULL).
 * `hidden`: for a resource without an attribute map (its filters not read by readFilters), an
 * attribute the resource does not have is a 400 unless policy hides it (see HiddenAttrs); null when
 * the keys were checked already. Booleans compare as their text (`True`/`true`), a resource's None
 * as the empty string. The wanted values are sets made once, so a query of many values costs one
 * look-up per resource and key.
 */
function filterTest(wants: Wanted, path: string, hidden: readonly string[] | null) {
  const wanted = wants.map(([k, all]) => {
    const vs = all.filter((v): v is string => v !== null);
    return { k, exact: new Set(vs), lower: new Set(vs.map((v) => v.toLowerCase())) };
  });
  return (d: JsonObject, full?: JsonObject): boolean => {
    if (wanted.length === 0) return true;
    // Own keys only: `constructor` or `__proto__` is a filter Neutron refuses, not Object's.
    const unknown = hidden === null ? [] : wanted.filter((w) => !Object.hasOwn(d, w.k) && !hidden.includes(w.k)).map((w) => w.k);
    if (unknown.length > 0) throw neutronError.invalidFilter(path, unknown);
    return wanted.every(({ k, exact, lower }) => {
      const src = Object.hasOwn(d, k) ? d : full && Object.hasOwn(full, k) ? full : undefined;
      if (!src) return false;
      const got = src[k];
      if (typeof got === 'boolean') return lower.has(String(got));
      return exact.has(String(got === null || got === undefined ? '' : got));
    });
  };
}

/** The filters and `anyOf` of a query as filterTest's wanted values. */
function wantsOf(filters: Readonly<Record<string, FilterValue>>, anyOf: Readonly<Record<string, readonly string[]>> = {}): Array<[string, string[]]> {
  return [...Object.entries(filters).map(([k, v]): [string, string[]] => [k, [String(v ?? null)]]), ...Object.entries(anyOf).map(([k, vs]): [string, string[]] => [k, [...vs]])];
}

/** Whether a resource passes the query's filters, as they are given (see filterTest). */
export function matchesFilters(d: JsonObject, filters: Readonly<Record<string, FilterValue>>, path: string, hidden: readonly string[] = [], full?: JsonObject): boolean {
  return filterTest(wantsOf(filters), path, hidden)(d, full);
}

const NO_TAGS: TagFilter = { tags: [], any: [], notAll: [], notAny: [] };

function compare(a: Json | undefined, b: Json | undefined): number {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The sort keys that are not plain attributes of the listed resources (none to compare against: none). */
export function badSortKeys(rows: readonly JsonObject[], sort: ReadonlyArray<{ key: string }>): string[] {
  const first = rows[0];
  if (!first) return [];
  return sort.map((s) => s.key).filter((k) => !Object.hasOwn(first, k) || (first[k] !== null && typeof first[k] === 'object'));
}

/**
 * A list request's query as the client sent it (its filters in order), for an error's URL: a
 * boolean as Python writes it (`True`), None left out (as requests leaves it out).
 */
export function queryString(q: ListQuery): string {
  const pairs: string[] = [];
  for (const [k, v] of Object.entries(q.filters ?? {})) {
    if (v === null) continue;
    pairs.push(`${encodeUriPart(k)}=${encodeUriPart(typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v))}`);
  }
  for (const [k, vs] of Object.entries(q.anyOf ?? {})) for (const v of vs) pairs.push(`${encodeUriPart(k)}=${encodeUriPart(v)}`);
  return pairs.join('&');
}

/**
 * One list operation for every resource: the visible items in id order, each as its dictionary,
 * kept by the tag filters and the exact-match filters (read first as Neutron's API reads them:
 * filters.ts), sorted, cut to `fields`.
 */
export function listOf<T extends { id: string; tags?: readonly string[] }>(
  items: readonly T[],
  dict: (item: T) => JsonObject,
  q: ListQuery,
  path: string,
  hidden?: HiddenAttrs<T>,
): JsonObject[] {
  const tags = q.tags ?? NO_TAGS;
  const given = wantsOf(q.filters ?? {}, q.anyOf);
  // The error's line names the request as the client sent it.
  const read = given.length === 0 ? given : readFilters(path, given, () => `${path}?${queryString(q)}`);
  const wants = read ?? given;
  const keys = wants.map(([k]) => k);
  const passes = filterTest(wants, path, read === undefined ? (hidden?.keys ?? []) : null);
  let out: JsonObject[] = [];
  const rows = sortedById(items).filter((it) => !it.tags || tagsMatch(it.tags, tags));
  for (const it of rows) {
    const d = dict(it);
    const needFull = hidden?.full !== undefined && hidden.keys.some((k) => keys.includes(k) && !(k in d));
    const full = needFull ? hidden?.full?.(it) : undefined;
    if (passes(d, full)) out.push(d);
  }
  // Sorted by the map's sort keys (without a map, plain attributes), checked as Neutron's sorting
  // helper checks them, after the filters; a controller that does not sort ignores them.
  const sort = listHelpers(path).sorting ? (q.sort ?? []) : [];
  const bad = invalidSortKeys(path, sort.map((s) => s.key)) ?? badSortKeys(out, sort);
  if (bad.length > 0) throw new SimError(400, `[${bad.map((k) => `'${k}'`).join(', ')}] is invalid attribute for sort_keys`, path, 'network', 'HTTPBadRequest');
  for (const s of [...sort].reverse()) {
    const sign = s.dir === 'desc' ? -1 : 1;
    out = [...out].sort((a, b) => sign * compare(a[s.key] as Json, b[s.key] as Json));
  }
  const fields = q.fields;
  if (fields && fields.length > 0) out = out.map((d) => Object.fromEntries(Object.entries(d).filter(([k]) => fields.includes(k))));
  return out;
}
