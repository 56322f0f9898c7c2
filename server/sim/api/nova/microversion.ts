/**
 * Nova's microversions (Zed: 2.1 to 2.93) as nova/api/openstack/wsgi.py negotiates them: the
 * version a request asks for (`OpenStack-API-Version: compute X.Y`, else the legacy
 * `X-OpenStack-Nova-API-Version`, else 2.1), the headers every versioned answer carries, and
 * Nova's fault bodies (`{"itemNotFound": {"code": 404, "message": …}}`).
 */
import type { Json } from '../json.js';
import { pyJson, type Answer } from '../neutron/rest-errors.js';

/** The range Zed's Nova (26.x) serves (nova/api/openstack/api_version_request.py). */
export const MIN_MINOR = 1;
export const MAX_MINOR = 93;

/** A negotiated microversion: 2.minor (Nova has no major version but 2). */
export interface Microversion {
  minor: number;
}

/** Nova's names for its error bodies, by status (wsgi.Fault._fault_names); others are computeFault. */
const FAULT_NAMES: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** The headers Nova adds to every answer of a versioned request (two Vary values, joined). */
export function versionHeaders(v: Microversion | null): Record<string, string> {
  if (v === null) return {};
  return {
    'OpenStack-API-Version': `compute 2.${v.minor}`,
    'X-OpenStack-Nova-API-Version': `2.${v.minor}`,
    Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  };
}

/** Nova's error answer: `{"<faultName>": {"code", "message"}}`, with the version headers when a version was set. */
export function novaFault(status: number, message: string, v: Microversion | null): Answer {
  const name = FAULT_NAMES[status] ?? 'computeFault';
  return {
    status,
    contentType: 'application/json; charset=UTF-8',
    body: pyJson({ [name]: { code: status, message } }, false),
    headers: versionHeaders(v),
  };
}

/** A JSON answer of a versioned request (Nova's ResponseObject: `application/json`, Python's separators). */
export function novaJson(
  status: number,
  body: Json,
  v: Microversion | null,
  extra: Record<string, string> = {},
): Answer {
  return {
    status,
    contentType: 'application/json',
    body: pyJson(body, false),
    headers: { ...extra, ...versionHeaders(v) },
  };
}

/** An answer without a body (202 of an action, 204 of a delete). */
export function novaEmpty(status: number, v: Microversion | null): Answer {
  return { status, contentType: 'application/json', body: '', headers: versionHeaders(v) };
}

/**
 * The version string a request asked for, as microversion_parse finds it in what the web layer
 * carried: `compute 2.79` (possibly among other services', comma-separated) or a bare `2.79`
 * (the legacy header); undefined when the request names no compute version.
 */
function requested(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const items = header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const item of items) {
    const parts = item.split(/\s+/);
    if (parts.length >= 2) {
      if ((parts[0] ?? '').toLowerCase() === 'compute') return parts.slice(1).join(' ');
      continue;
    }
    return item;
  }
  return undefined;
}

/** The version a request runs at, or Nova's refusal: 400 for a malformed string, 406 (computeFault) outside 2.1–2.93. */
export function negotiate(
  header: string | undefined,
): { ok: true; version: Microversion } | { ok: false; answer: Answer } {
  const asked = requested(header);
  if (asked === undefined) return { ok: true, version: { minor: MIN_MINOR } };
  if (asked === 'latest') return { ok: true, version: { minor: MAX_MINOR } };
  const m = /^([1-9]\d*)\.([1-9]\d*|0)$/.exec(asked);
  if (!m) {
    return {
      ok: false,
      answer: novaFault(
        400,
        `API Version String ${asked} is of invalid format. Must be of format MajorNum.MinorNum.`,
        null,
      ),
    };
  }
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major !== 2 || minor < MIN_MINOR || minor > MAX_MINOR) {
    // Nova has already taken the asked version for the request: the refusal carries it in its headers.
    const shown = `${major}.${minor}`;
    const answer = novaFault(
      406,
      `Version ${shown} is not supported by the API. Minimum is 2.${MIN_MINOR} and maximum is 2.${MAX_MINOR}.`,
      null,
    );
    answer.headers = {
      'OpenStack-API-Version': `compute ${shown}`,
      'X-OpenStack-Nova-API-Version': shown,
      Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
    };
    return { ok: false, answer };
  }
  return { ok: true, version: { minor } };
}
