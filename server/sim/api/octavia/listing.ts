/**
 * Octavia's GET query (octavia/api/common/pagination.py, Zed): exact-match filters on the
 * resource's own attributes and the tag filters, `sort` (or `sort_key`/`sort_dir`) always ending
 * with created_at then id, `limit` (1000 at most), `marker` and `page_reverse` as Octavia reads
 * them (a reversed page is the first `limit` items before the marker, in forward order), `fields`,
 * and the `previous`/`next` links it makes.
 */
import type { Json, JsonObject } from '../json.js';
import type { SimError } from '../../errors.js';
import { fault } from './body.js';
import { ownValue } from '../../objects.js';

/** An error webob renders itself (`{"code": …, "title": …, "description": …}`): raised outside WSME. */
export class PecanError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly description: string | null,
  ) {
    super(description ?? title);
  }
}

const AUXILIARY = new Set([
  'limit',
  'marker',
  'sort',
  'sort_key',
  'sort_dir',
  'fields',
  'page_reverse',
]);
const TAG_PARAMS = ['tags', 'tags-any', 'not-tags', 'not-tags-any'] as const;
const PAGE_MAX = 1000;

export interface Page {
  limit: number | null;
  marker: string | undefined;
  sort: Array<[string, 'asc' | 'desc']>;
  pageReverse: boolean;
  fields: string[] | null;
  filters: Array<[string, string]>;
  tags: Record<(typeof TAG_PARAMS)[number], string[]>;
  /** The raw `sort` and `sort_key`, repeated in links. */
  sortParam?: string;
  sortKeyParam?: string;
}

function dir(d: string): 'asc' | 'desc' {
  const l = d.toLowerCase();
  if (l !== 'asc' && l !== 'desc')
    throw new PecanError(400, 'Bad Request', `Supplied sort direction '${l}' is not valid.`);
  return l;
}

/** Python's int() of a query value, or null. */
function pyInt(s: string): number | null {
  return /^\s*[-+]?\d+\s*$/.test(s) ? Number(s.trim()) : null;
}

/** PaginationHelper's constructor (run for every GET, before the controller). */
export function readPage(query: ReadonlyArray<readonly [string, string]>): Page {
  const last = (k: string): string | undefined => {
    let v: string | undefined;
    for (const [qk, qv] of query) if (qk === k) v = qv;
    return v;
  };
  const rawLimit = last('limit');
  let limit: number | null = PAGE_MAX;
  if (rawLimit !== undefined) {
    const n = pyInt(rawLimit);
    if (rawLimit === 'infinite') limit = null;
    else if (n === null)
      throw new PecanError(
        400,
        'Bad Request',
        `Supplied pagination limit '${rawLimit}' is not valid.`,
      );
    else limit = n < 1 ? null : Math.min(n, PAGE_MAX);
  }
  const sort: Array<[string, 'asc' | 'desc']> = [];
  const sortParam = last('sort');
  const sortKeyParam = last('sort_key');
  if (sortParam) {
    for (const part of sortParam.split(',')) {
      const comps = part.split(':');
      if (comps.length === 1) sort.push([comps[0] as string, 'asc']);
      else if (comps.length === 2) sort.push([comps[0] as string, dir(comps[1] as string)]);
      else
        throw new PecanError(
          400,
          'Bad Request',
          `Supplied sort key '[${comps.map((x) => `'${x}'`).join(', ')}]' is not valid.`,
        );
    }
  } else if (sortKeyParam) {
    const keys = sortKeyParam.split(',');
    const dirs = (last('sort_dir') ?? '').split(',').filter((x) => x !== '');
    keys.forEach((k, i) => sort.push([k, dir(dirs[i] ?? 'asc')]));
  }
  const fields = query.filter(([k]) => k === 'fields').map(([, v]) => v);
  const tags = { tags: [], 'tags-any': [], 'not-tags': [], 'not-tags-any': [] } as Page['tags'];
  for (const [k, v] of query)
    if ((TAG_PARAMS as readonly string[]).includes(k))
      tags[k as (typeof TAG_PARAMS)[number]].push(...v.split(','));
  const filters = query
    .filter(([k]) => !AUXILIARY.has(k) && !(TAG_PARAMS as readonly string[]).includes(k))
    .map(([k, v]): [string, string] => [k, v]);
  return {
    limit,
    marker: last('marker'),
    sort,
    pageReverse: last('page_reverse') === 'True',
    fields: fields.length > 0 ? fields : null,
    filters,
    tags,
    ...(sortParam ? { sortParam } : {}),
    ...(sortKeyParam ? { sortKeyParam } : {}),
  };
}

/** The value a filter's text is compared with (SQL equality on the column). */
function sameValue(have: Json | undefined, want: string): boolean {
  if (typeof have === 'boolean')
    return (
      ['true', '1', 'yes', 'on', 't', 'y'].includes(want.toLowerCase()) === have &&
      ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', 't', 'f', 'y', 'n'].includes(
        want.toLowerCase(),
      )
    );
  if (typeof have === 'number') return String(have) === want.trim();
  if (have === null || have === undefined) return false;
  return String(have) === want;
}

type Sortable = string | number;
function sortValue(v: Json | undefined): Sortable {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string') return v;
  return JSON.stringify(v);
}
function cmp(a: Sortable, b: Sortable): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface Listing {
  /** The rows the caller may see (API dictionaries), before the query. */
  rows: JsonObject[];
  /** Attributes one may filter and sort on (beyond the rows' scalar keys). */
  extraKeys?: Readonly<Record<string, (row: JsonObject) => Json>>;
  /** Any row by id, whoever owns it (a marker may be anyone's). */
  markerRow: (id: string) => JsonObject | undefined;
  /** Attributes that are not columns (lists of references, tags, tenant_id). */
  notColumns?: readonly string[];
}

const NOT_COLUMNS = new Set([
  'listeners',
  'pools',
  'members',
  'l7policies',
  'rules',
  'loadbalancers',
  'tags',
  'tenant_id',
  'additional_vips',
  'sni_container_refs',
  'allowed_cidrs',
  'tls_versions',
  'alpn_protocols',
  'insert_headers',
  'session_persistence',
]);

function valueOf(l: Listing, row: JsonObject, key: string): Json | undefined {
  const extra = l.extraKeys ? ownValue(l.extraKeys, key) : undefined;
  return extra ? extra(row) : ownValue(row, key);
}

function isColumn(l: Listing, sample: JsonObject | undefined, key: string): boolean {
  if (l.extraKeys && Object.hasOwn(l.extraKeys, key)) return true;
  if (NOT_COLUMNS.has(key) || l.notColumns?.includes(key)) return false;
  return sample !== undefined && Object.hasOwn(sample, key);
}

/** Runs the query on the rows: what Octavia's repository returns, and the links it makes. */
export function applyPage(
  l: Listing,
  page: Page,
  url: string,
  template: JsonObject,
): { rows: JsonObject[]; links: JsonObject[] } {
  const sample = template;
  for (const [k] of page.filters)
    if (k !== 'project_id' && !isColumn(l, sample, k))
      throw fault(400, 'One or more arguments are either duplicate or invalid');
  let rows = l.rows.filter((r) => page.filters.every(([k, v]) => sameValue(valueOf(l, r, k), v)));
  const tagsOf = (r: JsonObject): string[] =>
    Array.isArray(r['tags']) ? (r['tags'] as Json[]).map(String) : [];
  const t = page.tags;
  rows = rows.filter((r) => {
    const have = tagsOf(r);
    return (
      t.tags.every((x) => have.includes(x)) &&
      (t['tags-any'].length === 0 || t['tags-any'].some((x) => have.includes(x))) &&
      (t['not-tags'].length === 0 || !t['not-tags'].every((x) => have.includes(x))) &&
      !t['not-tags-any'].some((x) => have.includes(x))
    );
  });
  const keys = [...page.sort];
  for (const k of ['created_at', 'id'])
    if (!keys.some(([x]) => x === k) && Object.hasOwn(sample, k)) keys.push([k, 'asc']);
  for (const [k] of keys)
    if (!isColumn(l, sample, k)) throw fault(400, `Supplied sort key '${k}' is not valid.`);
  const order = (a: JsonObject, b: JsonObject): number => {
    for (const [k, d] of keys) {
      const c = cmp(sortValue(valueOf(l, a, k)), sortValue(valueOf(l, b, k)));
      if (c !== 0) return d === 'asc' ? c : -c;
    }
    return 0;
  };
  rows = [...rows].sort(order);
  if (page.marker !== undefined) {
    const m = l.markerRow(page.marker);
    if (!m) throw fault(400, `Supplied pagination marker '${page.marker}' is not valid.`);
    // Octavia's criteria: after the marker in the sort order (before it with page_reverse).
    rows = rows.filter((r) => {
      const c = order(r, m);
      return page.pageReverse ? c < 0 : c > 0;
    });
  }
  if (page.limit !== null) rows = rows.slice(0, page.limit);
  const links: JsonObject[] = [];
  if (rows.length > 0) {
    if (page.limit === null)
      throw fault(500, "'>=' not supported between instances of 'int' and 'NoneType'");
    const attrs = [`limit=${page.limit}`];
    if (page.sortParam) attrs.push(`sort=${page.sortParam}`);
    if (page.sortKeyParam) attrs.push(`sort_key=${page.sortKeyParam}`);
    if (page.marker)
      links.push({
        href: `${url}?${[...attrs, `marker=${String(rows[0]?.['id'])}`, 'page_reverse=True'].join('&')}`,
        rel: 'previous',
      });
    if (rows.length >= page.limit)
      links.push({
        href: `${url}?${[...attrs, `marker=${String(rows[rows.length - 1]?.['id'])}`].join('&')}`,
        rel: 'next',
      });
  }
  return { rows: rows.map((r) => selectFields(r, page.fields)), links };
}

/** `?fields=a&fields=b`: only those attributes, in the API's order. */
export function selectFields(row: JsonObject, fields: readonly string[] | null): JsonObject {
  if (fields === null) return row;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(row)) if (fields.includes(k)) out[k] = v;
  return out;
}

export type { SimError };
