/**
 * L7 policies as the amphora's HAProxy applies them. Octavia renders each enabled policy that has
 * rules as one HAProxy rule whose ACLs (one per rule, `!` when inverted) must all match
 * (macros.j2 l7policy_macro): REJECT as `http-request deny`, REDIRECT_TO_URL and REDIRECT_PREFIX
 * as `redirect`, REDIRECT_TO_POOL as `use_backend` (only when that pool is enabled). HAProxy
 * evaluates `http-request` rules before `redirect` rules before `use_backend`, whatever their
 * order in the file, so positions only order policies of the same kind (as Octavia's L7 guide
 * says: REJECT, then the redirects, then REDIRECT_TO_POOL).
 */
import type { L7Policy, L7Rule } from '../model/octavia.js';
import type { HttpRequest } from './http.js';
import type { OctaviaIndex } from './lb-topology.js';
import { RE2JS } from 're2js';

export type L7Outcome = { kind: 'reject' } | { kind: 'redirect'; code: number; location: string } | { kind: 'pool'; poolId: string };

const STAGE: Record<L7Policy['action'], number> = { REJECT: 0, REDIRECT_TO_URL: 1, REDIRECT_PREFIX: 1, REDIRECT_TO_POOL: 2 };

/** The first policy that applies to the request, in HAProxy's order; null: the default pool. */
export function applyL7(ix: OctaviaIndex, listenerId: string, req: HttpRequest): L7Outcome | null {
  const rendered = (ix.policiesOf.get(listenerId) ?? [])
    .filter((p) => p.adminStateUp && p.provisioningStatus !== 'PENDING_CREATE')
    .map((p) => ({ p, rules: (ix.rulesOf.get(p.id) ?? []).filter((r) => r.adminStateUp) }))
    .filter(({ p, rules }) => rules.length > 0 && (p.action !== 'REDIRECT_TO_POOL' || (p.redirectPoolId !== null && ix.pools.get(p.redirectPoolId)?.adminStateUp === true)));
  // A stable sort by stage keeps the position order within a stage.
  rendered.sort((a, b) => STAGE[a.p.action] - STAGE[b.p.action]);
  const hit = rendered.find(({ rules }) => rules.every((r) => ruleMatches(r, req)));
  return hit ? outcome(hit.p, req) : null;
}

function outcome(p: L7Policy, req: HttpRequest): L7Outcome {
  const code = p.redirectHttpCode ?? 302;
  switch (p.action) {
    case 'REJECT':
      return { kind: 'reject' };
    case 'REDIRECT_TO_URL':
      return { kind: 'redirect', code, location: p.redirectUrl ?? '' };
    case 'REDIRECT_PREFIX':
      // `redirect prefix`: the prefix, then the request's path with its query string.
      return { kind: 'redirect', code, location: `${p.redirectPrefix ?? ''}${req.path}` };
    case 'REDIRECT_TO_POOL':
      return { kind: 'pool', poolId: p.redirectPoolId ?? '' };
  }
}

/** A header's value (names are case-insensitive); undefined when the request lacks it. */
function header(req: HttpRequest, name: string): string | undefined {
  if (name.toLowerCase() === 'host') return req.host ?? undefined;
  const k = Object.keys(req.headers).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : req.headers[k];
}

/** A cookie the request carries (the `Cookie` header's NAME=value pairs). */
export function requestCookie(req: HttpRequest, name: string): string | undefined {
  for (const part of (header(req, 'cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** What the rule's ACL fetches from the request (undefined: the fetch fails, the ACL is false). */
function fetched(r: L7Rule, req: HttpRequest): string | undefined {
  const path = req.path.split('?')[0] ?? '';
  switch (r.type) {
    case 'PATH':
    // `path_end` with an explicit `-m` matches the whole path by that method.
    case 'FILE_TYPE':
      return path;
    case 'HOST_NAME':
      return header(req, 'host');
    case 'HEADER':
      return header(req, r.key ?? '');
    case 'COOKIE':
      return requestCookie(req, r.key ?? '');
    default:
      // SSL_*: the simulated listeners speak plain HTTP, no client certificate is ever used.
      return undefined;
  }
}

/** One ACL: the fetched value against the rule's value by its compare type, then `invert`. */
export function ruleMatches(r: L7Rule, req: HttpRequest): boolean {
  const raw = fetched(r, req);
  return raw !== undefined && compare(r, raw) ? !r.invert : r.invert;
}

function compare(r: L7Rule, raw: string): boolean {
  // HOST_NAME ACLs are rendered with `-i` (case-insensitive); the others are exact.
  const fold = r.type === 'HOST_NAME';
  const v = fold ? raw.toLowerCase() : raw;
  const want = fold ? r.value.toLowerCase() : r.value;
  switch (r.compareType) {
    case 'EQUAL_TO':
      return v === want;
    case 'STARTS_WITH':
      return v.startsWith(want);
    case 'ENDS_WITH':
      return v.endsWith(want);
    case 'CONTAINS':
      return v.includes(want);
    case 'REGEX':
      return regexMatches(r.value, raw, fold);
  }
}

/** Compiled patterns, shared by every cloud (a rule's pattern is asked on every request). */
const compiled = new Map<string, RE2JS | null>();
const COMPILED_MAX = 256;

/**
 * HAProxy matches with PCRE, which gives up at its match limit; JavaScript's backtracking engine
 * would run on for ever on `^(a|aa)+$` and a long path, and freeze the server. So patterns run on
 * RE2 (re2js, linear in the subject, as grep does here): the same answers for the patterns a rule
 * uses. One RE2 cannot compile (lookarounds, backreferences) matches nothing: a documented
 * difference from HAProxy.
 */
function regexMatches(pattern: string, s: string, fold: boolean): boolean {
  const key = `${fold ? 'i' : '-'}${pattern}`;
  let re = compiled.get(key);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern, fold ? RE2JS.CASE_INSENSITIVE : 0);
    } catch {
      re = null;
    }
    if (compiled.size >= COMPILED_MAX) compiled.clear();
    compiled.set(key, re);
  }
  return re !== null && re.matcher(s).find();
}
