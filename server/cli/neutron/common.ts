/**
 * What every legacy `neutron` command shares: argument helpers, neutronclient's name-or-ID
 * lookup, its presenter (values turned into text for tables, "Created a new …:"), and its bulk
 * delete. The resources themselves come from sim/api/neutron.
 */
import { extended, setOwn } from '../../sim/objects.js';
import type { Cloud } from '../../sim/model/cloud.js';
import { SimError } from '../../sim/errors.js';
import type { Json, JsonObject } from '../../sim/api/json.js';
import type { FilterValue, ListQuery } from '../../sim/api/neutron/index.js';
import { requestBody, type BodyResource } from '../../sim/api/neutron/body.js';
import { renderList, renderShow, type FormatOptions } from '../../render/cliff.js';
import { formatted, isFormatted, machine, pyJsonDumps, pyStr, type CellValue, type PyValue } from '../../render/pyvalue.js';
import { CliError, LookupError } from '../errors.js';
import { strDictOf, type SpecValue } from './values-specs.js';
import { byIdOrName, type NameOrIdIndexes } from '../../sim/index.js';

export type Args = Record<string, unknown>;
export type Out = { stdout: string; stderr?: string; exitCode?: number };
/** One sub-command: the parsed options, and the `--key value` options the parser does not know (value specs). */
export type Handler = (c: Cloud, a: Args, extra: Record<string, SpecValue>) => Out;

export const s = (a: Args, k: string): string | undefined => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
/** An option argparse converted with `type=int`. */
export const num = (a: Args, k: string): number | undefined => (typeof a[k] === 'number' ? (a[k] as number) : undefined);
export const list = (a: Args, k: string): string[] => (Array.isArray(a[k]) ? (a[k] as string[]) : []);

/** Where runNeutron leaves the terminal's width among a command's parsed values (not an option name). */
export const TERMINAL_WIDTH = ' terminal width';

/** Where runNeutron leaves a list for the warnings a command logs as it goes (printed first on stderr, whatever follows). */
export const LOG = ' log';

/** Logs a warning, as neutronclient's self.log.warning does (a line on stderr). */
export function logWarning(a: Args, line: string): void {
  const log = a[LOG];
  if (Array.isArray(log)) log.push(`${line}\n`);
}

/** neutronclient's find_resourceid_by_name_or_id. */
export function find<T extends { id: string; name: string }>(items: readonly T[], kind: string, ref: string): T {
  return items.find((i) => i.id === ref) ?? oneNamed(items.filter((i) => i.name === ref), kind, ref);
}

/** `find` over one of the cloud's big collections through its indexes (sim/index.ts `byIdOrName`): the same answer or error. */
export function findIndexed<T extends { id: string; name: string }>(c: Cloud, by: NameOrIdIndexes<T>, visible: (el: T) => boolean, kind: string, ref: string): T {
  const { byId, named } = byIdOrName(c, by, visible, ref);
  return byId ?? oneNamed(named, kind, ref);
}

function oneNamed<T>(byName: readonly T[], kind: string, ref: string): T {
  if (byName.length === 1) return byName[0] as T;
  if (byName.length > 1) throw new LookupError(`Multiple ${kind} matches found for name '${ref}', use an ID to be more specific.`);
  throw new LookupError(`Unable to find ${kind} with name or id '${ref}'`);
}

/** neutronclient's JSON for dict cells: oslo jsonutils.dumps, json.dumps with ensure_ascii (golden 65: `é` is `\u00e9`). */
export const cellJson = (v: PyValue): string => pyJsonDumps(v);

/**
 * neutronclient renders every value as text first (format_output_data): lists one item per line,
 * dicts as JSON, indented by the command's json_indent (5 for security-group-show and agent-show).
 */
export function textValue(v: PyValue, jsonIndent?: number): PyValue {
  const json = (x: PyValue): string => (jsonIndent === undefined ? cellJson(x) : pyJsonDumps(x, { indent: jsonIndent }));
  if (v === null) return '';
  if (Array.isArray(v)) return v.map((i) => (typeof i === 'object' && i !== null ? json(i) : String(i))).join('\n');
  if (typeof v === 'object') return json(v);
  return v;
}

export function fmt(a: Args): FormatOptions {
  const o: FormatOptions = {};
  if (typeof a['formatter'] === 'string') o.format = a['formatter'];
  if (Array.isArray(a['columns'])) o.columns = a['columns'] as string[];
  if (a['noindent'] === true) o.noindent = true;
  if (typeof a['prefix'] === 'string') o.prefix = a['prefix'];
  const mw = Number(a['max_width'] ?? 0);
  if (mw > 0) o.maxWidth = mw;
  if (a['fit_width'] === true) o.fitWidth = true;
  if (typeof a[TERMINAL_WIDTH] === 'number') o.terminalWidth = a[TERMINAL_WIDTH];
  return o;
}

/** neutronclient turns values into text (format_output_data) only for the table formatter; the others get the API's values. */
export const isTable = (a: Args): boolean => (a['formatter'] ?? 'table') === 'table';

/** `-F/--field`: the fields asked of the API (none: the API's whole dict). */
const fieldsOf = (a: Args): string[] => list(a, 'fields');

/** What the API answers for `fields`: the dict cut to those keys, in its own order. */
function pick<T extends Record<string, unknown>>(d: T, fields: readonly string[]): T {
  return Object.fromEntries(Object.entries(d).filter(([k]) => fields.includes(k))) as T;
}

/** A show: the API's dict (cut to `-F` fields), keys sorted; `created` names the resource of a create ("Created a new network:"). */
export function show(a: Args, d: JsonObject, created?: string, jsonIndent?: number): Out {
  const text = isTable(a);
  const fields = fieldsOf(a);
  const shown = fields.length > 0 ? pick(d, fields) : d;
  // neutronclient unzips the sorted items: with none left, Python's own error.
  if (Object.keys(shown).length === 0) return { stdout: '', stderr: 'not enough values to unpack (expected 2, got 0)\n', exitCode: 1 };
  const rows = Object.keys(shown)
    .sort()
    .map((k): [string, PyValue] => [k, text ? textValue(shown[k] ?? null, jsonIndent) : (shown[k] ?? null)]);
  const r = renderShow({ fields: rows }, fmt(a));
  return { stdout: (created && text ? `Created a new ${created}:\n` : '') + r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

/** A list command's column formatters (neutronclient's `_formatters`), by column: the table text of a value. */
export type Formatters = Record<string, (v: PyValue) => string>;

/** json.dumps of each item, one per line (neutronclient's formatters for list-valued columns). */
export const jsonLines = (v: PyValue): string => (Array.isArray(v) ? v.map((i) => cellJson(i)).join('\n') : '');

/**
 * A list, as neutronclient's ListCommand shapes it. `api` is each row as the API returns it
 * (before `-F`); `headers`/`rows` are the command's own columns and cells. With `-F` the API
 * answers those fields only, and the command's columns that came back are shown; `-c` names
 * any attribute that came back, in the order given.
 */
/**
 * The columns neutronclient's list commands format (their `_formatters`: a network's subnets, a
 * subnet's pools, name servers and routes, a port's fixed IPs, a pool's prefixes, a router's
 * gateway, a group's rules): one line per item.
 */
const LIST_FORMATTED = new Set(['subnets', 'allocation_pools', 'dns_nameservers', 'host_routes', 'fixed_ips', 'prefixes', 'external_gateway_info', 'security_group_rules']);

export function table(a: Args, headers: string[], rows: CellValue[][], api?: ReadonlyArray<Record<string, CellValue>>, formatters: Formatters = {}): Out {
  const text = isTable(a);
  const wanted = Array.isArray(a['columns']) ? (a['columns'] as string[]) : [];
  const fields = fieldsOf(a);
  let o = fmt(a);
  // An empty list gives neutronclient no keys to pick from: no columns at all (a csv has an empty
  // header line), it drops -c, and nothing is refused.
  if (api && api.length === 0) {
    if (wanted.length > 0) o = withoutColumns(o);
    headers = [];
  }
  if (api && api.length > 0 && (wanted.length > 0 || fields.length > 0)) {
    const got = fields.length > 0 ? api.map((d) => pick(d, fields)) : api;
    // neutronclient takes the first row's keys.
    const keys = Object.keys(got[0] ?? {});
    let chosen: string[];
    // Nothing came back for the first row: neutronclient drops -c too, and shows no columns.
    if (keys.length === 0) chosen = [];
    else if (wanted.length > 0) {
      // As neutronclient does, a column named twice is printed twice.
      chosen = wanted.filter((k) => keys.includes(k));
      if (chosen.length === 0) {
        return { stdout: '', stderr: `No recognized column names in [${wanted.map((w) => `'${w}'`).join(', ')}]. Recognized columns are [].\n`, exitCode: 1 };
      }
      o = extended(o, { columns: chosen });
    } else chosen = headers.filter((k) => keys.includes(k));
    // The command's own cells (e.g. net-list's "id cidr" subnets) where it has them, else the API's value.
    rows = api.map((d, i) => chosen.map((k) => (headers.includes(k) ? ((rows[i] ?? [])[headers.indexOf(k)] ?? null) : (d[k] ?? null))));
    headers = chosen;
    // No column came back (`-F nosuch`): prettytable draws a table without columns, a blank line per row.
    if (chosen.length === 0 && text) return { stdout: `++\n||\n++\n${rows.map(() => '\n').join('')}++\n` };
  }
  // The command's column formatters apply to tables only; other formats get the API's values, None as ''.
  // A list or dict that none of neutronclient's formatters reads is printed as Python prints it
  // (cliff's table gets it raw: `[]`, `['a']`); the formatted ones as their lines.
  const cell = (k: string | undefined, c: CellValue): CellValue => {
    const f = k !== undefined ? formatters[k] : undefined;
    if (f) return formatted(f(machine(c)), machine(c));
    if (isFormatted(c)) return c;
    return c !== null && typeof c === 'object' && !(k !== undefined && LIST_FORMATTED.has(k)) ? pyStr(c) : textValue(c);
  };
  const shown = text ? rows.map((row) => row.map((c, i) => cell(headers[i], c))) : rows.map((row) => row.map((c) => machine(c) ?? ''));
  const r = renderList({ headers, rows: shown }, o);
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

function withoutColumns(o: FormatOptions): FormatOptions {
  const rest = { ...o };
  delete rest.columns;
  return rest;
}

/** A list of API dicts with the command's own columns (the dict's keys). */
export function dictTable(a: Args, columns: string[], dicts: JsonObject[]): Out {
  return table(a, columns, dicts.map((d) => columns.map((k) => d[k] ?? null)), dicts);
}

/**
 * Value specs as list filters: the query string carries text (`--device_id` alone is `True`).
 * Lists and dicts have no single-valued filter form and are left out.
 */
export function specFilters(extra: Record<string, SpecValue>): Record<string, FilterValue> {
  const out: Record<string, FilterValue> = {};
  for (const [k, v] of Object.entries(extra)) {
    // Keys are the learner's (`--__proto__` is a filter Neutron refuses, not a prototype).
    if (typeof v === 'string') setOwn(out, k, v);
    else if (typeof v === 'boolean') setOwn(out, k, v ? 'True' : 'False');
    else if (typeof v === 'number') setOwn(out, k, String(v));
  }
  return out;
}

/**
 * A list command's query as neutronclient sends it: the value specs as filters and, with
 * `--sort-key`, the sort (each key with its `--sort-dir`: missing ones `asc`, extra ones dropped;
 * `--sort-dir` without a key sorts nothing), which Neutron's API applies.
 */
export function listQuery(a: Args, extra: Record<string, SpecValue>): ListQuery {
  const dirs = list(a, 'sort_dir');
  const sort = list(a, 'sort_key').map((key, i) => ({ key, dir: dirs[i] === 'desc' ? ('desc' as const) : ('asc' as const) }));
  return sort.length === 0 ? { filters: specFilters(extra) } : { filters: specFilters(extra), sort };
}

/**
 * A create or update as neutronclient sends it: the body its options make, with the value specs
 * laid over it (an extra `--name x` replaces the positional name), prepared by the API.
 */
export function send(c: Cloud, resource: BodyResource, op: 'create' | 'update', path: string, own: JsonObject, extra: Record<string, SpecValue>): JsonObject {
  return requestBody(c, resource, op, path, { ...own, ...extra });
}

/** The options a command sets, without those it leaves out. */
export function given(o: Record<string, Json | undefined>): JsonObject {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as JsonObject;
}

/** A prepared body's values, by type. */
export const bStr = (b: JsonObject, k: string): string | undefined => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
export const bBool = (b: JsonObject, k: string): boolean | undefined => (typeof b[k] === 'boolean' ? (b[k] as boolean) : undefined);
export const bInt = (b: JsonObject, k: string): number | undefined => (typeof b[k] === 'number' ? (b[k] as number) : undefined);

/** The fields set in a request object, without those left undefined. */
export function compact<T extends object>(o: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A `key=value,…` option as neutronclient's str2dict reads it (a part without `=` continues the
 * value before it: `subnet_id=a,b` is the subnet `a,b`); the parser checked its keys.
 */
export function kv(raw: string): Record<string, string> {
  const d = strDictOf(raw);
  return d.ok ? d.value : {};
}

/**
 * neutronclient's update: the body it built (its options, then the values specs), refused when
 * empty before anything is looked up.
 */
export function updateBody(resource: string, body: JsonObject): JsonObject {
  if (Object.keys(body).length === 0) throw new CliError(`Must specify new values to update ${resource}`);
  return body;
}

/** neutronclient's bulk delete: deletes what it can, then reports the ids it could not find. */
export function bulkDelete(kind: string, ids: string[], del: (id: string) => void): Out {
  const done: string[] = [];
  const missing: string[] = [];
  const multiple: string[] = [];
  for (const id of ids) {
    try {
      del(id);
      done.push(id);
    } catch (e) {
      if (e instanceof CliError && e.message.startsWith('Multiple ')) multiple.push(id);
      else if (e instanceof CliError || (e instanceof SimError && e.status === 404)) missing.push(id);
      else throw e;
    }
  }
  const stdout = done.length ? `Deleted ${kind}(s): ${done.join(', ')}\n` : '';
  const errs: string[] = [];
  if (missing.length) errs.push(`Unable to find ${kind}(s) with id(s) '${missing.join(', ')}'.`);
  if (multiple.length) errs.push(`Multiple ${kind}(s) matches found for name(s) '${multiple.join(', ')}'. Please use an ID to be more specific.`);
  return errs.length ? { stdout, stderr: `${errs.join('\n')}\n`, exitCode: 1 } : { stdout };
}
