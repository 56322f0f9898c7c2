/**
 * Glance v2 as Zed's glance-api (25.x) answers it (issue #17), pure: the versions document (300
 * at the root), the images list with the filters, sorting and `next` paging the clients send, an
 * image, the schemas' routes the clients read, and Glance's errors (webob pages, as JSON when the
 * client asks for JSON only). Images are this folder's dictionaries; Glance writes its JSON with
 * Python's separators and without ASCII escapes.
 */
import type { Cloud } from '../../model/cloud.js';
import type { Image } from '../../model/compute.js';
import type { Json, JsonObject } from '../json.js';
import type { Answer } from '../neutron/rest-errors.js';
import type { ApiCall, ApiContext, ApiResult, Service } from '../request.js';
import { encodeUriPart } from '../request.js';
import { imageDict } from './index.js';

/** Python's json.dumps(…, ensure_ascii=False): default separators, characters as they are. */
function dumps(v: Json): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(dumps).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}: ${dumps(x)}`)
    .join(', ')}}`;
}

function json(status: number, body: Json): Answer {
  return { status, contentType: 'application/json', body: dumps(body) };
}

/** The versions Glance lists with an image cache and no multiple stores (devstack's setup), newest first. */
const VERSIONS: ReadonlyArray<[string, string]> = [
  ['2.16', 'CURRENT'],
  ['2.15', 'SUPPORTED'],
  ['2.14', 'SUPPORTED'],
  ['2.9', 'SUPPORTED'],
  ['2.7', 'SUPPORTED'],
  ['2.6', 'SUPPORTED'],
  ['2.5', 'SUPPORTED'],
  ['2.4', 'SUPPORTED'],
  ['2.3', 'SUPPORTED'],
  ['2.2', 'SUPPORTED'],
  ['2.1', 'SUPPORTED'],
  ['2.0', 'SUPPORTED'],
];

/** GET / (300, what the version negotiation answers for any unversioned path) or GET /versions (200). */
export function glanceVersions(base: string, explicit: boolean): Answer {
  const versions = VERSIONS.map(([id, status]) => ({
    id: `v${id}`,
    status,
    links: [{ rel: 'self', href: `${base.replace(/\/+$/, '')}/v2/` }],
  }));
  return json(explicit ? 200 : 300, { versions });
}

/** webob's error page in the flavour the client accepts (JSON when it asks for JSON only, as openstacksdk does). */
function webobError(
  status: number,
  title: string,
  explanation: string,
  accept: string | undefined,
): Answer {
  const types = (accept ?? '').split(',').map((t) => (t.split(';')[0] ?? '').trim().toLowerCase());
  const html = types.some((t) => t === 'text/html' || t === 'text/*' || t === '*/*');
  if (!html && types.includes('application/json')) {
    return json(status, {
      message: `${explanation}<br /><br />\n\n\n`,
      code: `${status} ${title}`,
      title,
    });
  }
  if (!html) {
    return {
      status,
      contentType: 'text/plain; charset=UTF-8',
      body: `${status} ${title}\n\n${explanation}\n\n   `,
    };
  }
  const body = `<html>\n <head>\n  <title>${status} ${title}</title>\n </head>\n <body>\n  <h1>${status} ${title}</h1>\n  ${explanation}<br /><br />\n\n\n\n </body>\n</html>`;
  return { status, contentType: 'text/html; charset=UTF-8', body };
}

class GlanceError {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly explanation: string,
  ) {}
}

const badRequest = (msg: string) => new GlanceError(400, 'Bad Request', msg);

/** Whether the caller sees an image (Glance's default policy): public and community ones, its project's own, and an admin everything. */
function visible(c: Cloud, i: Image): boolean {
  return (
    c.auth.admin ||
    i.visibility === 'public' ||
    i.visibility === 'community' ||
    i.ownerId === c.auth.projectId
  );
}

const SORT_KEYS = [
  'name',
  'status',
  'container_format',
  'disk_format',
  'size',
  'id',
  'created_at',
  'updated_at',
] as const;

/** Python's urlencode of pairs (quote_plus). */
function urlencode(pairs: ReadonlyArray<readonly [string, string]>): string {
  const q = (s: string) =>
    encodeUriPart(s)
      .replace(/%20/g, '+')
      .replace(/[!'()*~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return pairs.map(([k, v]) => `${q(k)}=${q(v)}`).join('&');
}

/** GET /v2/images: filtered, sorted (created_at desc by default, id as the tie-break), a page of `limit` (25 by default) with `next`. */
function listImages(c: Cloud, query: Array<[string, string]>): Answer {
  // webob's params: the last value of a key wins in a dict; tags are all kept.
  const params = new Map<string, string>();
  for (const [k, v] of query) if (k !== 'tag') params.set(k, v);
  const tags = query.filter(([k]) => k === 'tag').map(([, v]) => v.trim());
  const limitRaw = params.get('limit');
  let limit = 25;
  if (limitRaw !== undefined) {
    if (!/^\s*[-+]?\d+\s*$/.test(limitRaw)) throw badRequest('limit param must be an integer');
    limit = Number(limitRaw);
    if (limit < 0) throw badRequest('limit param must be positive');
  }
  limit = Math.min(limit, 1000);
  const visibility = params.get('visibility');
  if (visibility && !['community', 'public', 'private', 'shared', 'all'].includes(visibility))
    throw badRequest(`Invalid visibility value: ${visibility}`);
  if (params.get('changes-since'))
    throw badRequest('The "changes-since" filter is no longer available on v2.');
  const memberStatus = params.get('member_status') ?? 'accepted';
  if (!['pending', 'accepted', 'rejected', 'all'].includes(memberStatus))
    throw badRequest(`Invalid status: ${memberStatus}`);
  const hidden = (params.get('os_hidden') ?? 'false').toLowerCase();
  if (hidden !== 'true' && hidden !== 'false')
    throw badRequest(
      `Invalid value '${hidden}' for 'os_hidden' filter. Valid values are 'true' or 'false'.`,
    );
  const prot = params.get('protected');
  if (prot !== undefined && prot !== 'true' && prot !== 'false')
    throw badRequest(
      `Invalid value '${prot}' for 'protected' filter. Valid values are 'true' or 'false'.`,
    );

  const keys: string[] = [];
  const dirs: string[] = [];
  const sortKey = (k: string) => {
    if (!(SORT_KEYS as readonly string[]).includes(k))
      throw badRequest(
        `Invalid sort key: ${k}. It must be one of the following: ${SORT_KEYS.join(', ')}.`,
      );
    return k;
  };
  const sortDir = (d: string) => {
    if (d !== 'asc' && d !== 'desc') throw badRequest(`Invalid sort direction: ${d}`);
    return d;
  };
  const sort = params.get('sort');
  if (sort !== undefined) {
    if (params.has('sort_key') || params.has('sort_dir'))
      throw badRequest('Old and new sorting syntax cannot be combined');
    for (const part of sort.trim().split(',')) {
      const [k = '', d = ''] = part.split(':');
      keys.push(sortKey(k.trim()));
      dirs.push(sortDir(d.trim() === '' ? 'desc' : d.trim()));
    }
  } else {
    for (const [k, v] of query) if (k === 'sort_key') keys.push(sortKey(v.trim()));
    for (const [k, v] of query) if (k === 'sort_dir') dirs.push(sortDir(v.trim()));
    if (dirs.length > 1 && dirs.length !== keys.length)
      throw badRequest('Number of sort dirs does not match the number of sort keys');
  }
  if (keys.length === 0) keys.push('created_at');
  if (dirs.length === 0) dirs.push('desc');

  let images = c.images.filter((i) => visible(c, i));
  if (visibility && visibility !== 'all')
    images = images.filter((i) => i.visibility === visibility);
  else if (!visibility)
    images = images.filter((i) => i.visibility !== 'community' || i.ownerId === c.auth.projectId);
  // Stacklab's images are never hidden.
  if (hidden === 'true') images = [];
  if (prot !== undefined) images = images.filter((i) => i.protected === (prot === 'true'));
  const name = params.get('name');
  if (name !== undefined) images = images.filter((i) => i.name === name);
  const status = params.get('status');
  if (status !== undefined) images = images.filter((i) => i.status === status);
  const owner = params.get('owner');
  if (owner !== undefined) images = images.filter((i) => i.ownerId === owner);
  for (const f of ['disk_format', 'container_format'] as const) {
    const v = params.get(f);
    if (v !== undefined)
      images = images.filter((i) => (f === 'disk_format' ? i.diskFormat : i.containerFormat) === v);
  }
  if (tags.length > 0) images = [];

  const dicts = images.map(imageDict);
  const cmp = (x: Json | undefined, y: Json | undefined) => {
    if (x === y) return 0;
    if (x === null || x === undefined) return -1;
    if (y === null || y === undefined) return 1;
    return x < y ? -1 : 1;
  };
  // Glance adds created_at and id as tie-breaks, in the first key's direction.
  const allKeys = [...keys, ...['created_at', 'id'].filter((k) => !keys.includes(k))];
  dicts.sort((a, b) => {
    for (let i = 0; i < allKeys.length; i++) {
      const k = allKeys[i] as string;
      const dir = dirs[Math.min(i, dirs.length - 1)] ?? 'desc';
      const r = cmp(a[k], b[k]);
      if (r !== 0) return dir === 'asc' ? r : -r;
    }
    return 0;
  });
  let page = dicts;
  const marker = params.get('marker');
  if (marker !== undefined) {
    const at = dicts.findIndex((d) => d['id'] === marker);
    if (at < 0) throw badRequest(`No image found with ID ${marker}`);
    page = dicts.slice(at + 1);
  }
  page = page.slice(0, limit);
  const rest: Array<[string, string]> = [...params.entries()].filter(([k]) => k !== 'marker');
  const body: JsonObject = { images: page, first: '/v2/images', schema: '/v2/schemas/images' };
  if (rest.length > 0) body['first'] = `/v2/images?${urlencode(rest)}`;
  if (page.length > 0 && page.length === limit)
    body['next'] = `/v2/images?${urlencode([...rest, ['marker', String(page.at(-1)?.['id'])]])}`;
  return json(200, body);
}

function showImage(c: Cloud, id: string): Answer {
  const i = c.images.find((x) => x.id === id && visible(c, x));
  if (!i) throw new GlanceError(404, 'Not Found', `No image found with ID ${id}`);
  return json(200, imageDict(i));
}

/** The image schema's properties the clients read (openstacksdk never needs it; `glance` does). */
function imagesSchema(): JsonObject {
  return {
    name: 'images',
    properties: {
      images: { type: 'array', items: { name: 'image', type: 'object' } },
      schema: { type: 'string' },
      first: { type: 'string' },
      next: { type: 'string' },
    },
    links: [
      { rel: 'first', href: '{first}' },
      { rel: 'next', href: '{next}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  };
}

export function glanceAnonymous(call: ApiCall, ctx: ApiContext): Answer | null {
  const p = call.path;
  if (p[0] === 'v2' && p.length > 1 && p[1] !== '') return null;
  if (p.length === 1 && p[0] === 'versions') return glanceVersions(ctx.base, true);
  return glanceVersions(ctx.base, false);
}

export function glanceHandle(cloud: Cloud, call: ApiCall, ctx: ApiContext): ApiResult {
  const anon = glanceAnonymous(call, ctx);
  if (anon !== null) return { answer: anon, cloud };
  const [, a, b, cc] = call.path;
  const n = call.path.length;
  const m = call.method === 'HEAD' ? 'GET' : call.method;
  try {
    if (a === 'images' && n === 2) {
      if (m === 'GET') return { answer: listImages(cloud, call.query), cloud };
      if (m === 'POST')
        throw new GlanceError(
          403,
          'Forbidden',
          'You are not authorized to complete add_image action.',
        );
      throw new GlanceError(
        405,
        'Method Not Allowed',
        'The method specified is not allowed for this resource.',
      );
    }
    if (a === 'images' && n === 3 && b !== undefined) {
      if (m === 'GET') return { answer: showImage(cloud, b), cloud };
      throw new GlanceError(
        405,
        'Method Not Allowed',
        'The method specified is not allowed for this resource.',
      );
    }
    if (a === 'schemas' && m === 'GET' && n === 3 && b === 'images')
      return { answer: json(200, imagesSchema()), cloud };
    if (a === 'images' && n === 4 && cc === 'file' && b !== undefined && m === 'GET') {
      showImage(cloud, b);
      throw new GlanceError(204, 'No Content', '');
    }
    throw new GlanceError(404, 'Not Found', 'The resource could not be found.');
  } catch (e) {
    if (!(e instanceof GlanceError)) throw e;
    if (e.status === 204)
      return { answer: { status: 204, contentType: 'text/html; charset=UTF-8', body: '' }, cloud };
    return { answer: webobError(e.status, e.title, e.explanation, ctx.accept), cloud };
  }
}

export const glanceService: Service = { anonymous: glanceAnonymous, handle: glanceHandle };
