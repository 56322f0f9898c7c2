/**
 * How python-octaviaclient 3.1.0 prints: its own row and column orders (not alphabetical), its
 * formatters (id lists and tags joined by newlines, dicts as `k=v` lines), its name-or-ID lookups
 * (a list call, "Unable to locate X in Ys") and its error lines
 * (`<faultstring> (HTTP <code>) (Request-ID: req-…)`).
 */
import type { Cloud } from '../../../sim/model/cloud.js';
import type { JsonObject, Json } from '../../../sim/api/json.js';
import type { CellValue } from '../../../render/pyvalue.js';
import { SimError } from '../../../sim/errors.js';
import { CliError } from '../../errors.js';
import { novaMessage, type Args, type Ctx, type OscCommand, type Output } from '../common.js';

export type Formatter = (v: Json) => CellValue;

/** v2_utils.format_list: `[{id}, …]` as ids, one a line. */
export const idList: Formatter = (v) => (Array.isArray(v) ? v.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? String(x['id']) : '')).join('\n') : null);
/** v2_utils.format_list_flat: strings, one a line. */
export const flatList: Formatter = (v) => (Array.isArray(v) ? v.map((x) => String(x)).join('\n') : null);
/** v2_utils.format_hash: `k=v` lines (None when empty). */
export const hash: Formatter = (v) => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const entries = Object.entries(v);
  return entries.length === 0 ? null : entries.map(([k, x]) => `${k}=${x === null ? 'None' : String(x)}`).join('\n');
};

export function showOf(d: JsonObject, rows: readonly string[], fmt: Record<string, Formatter> = {}, floatFields: readonly string[] = []): Output {
  return { kind: 'show', data: { fields: rows.map((r): [string, CellValue] => [r, cell(d, r, fmt)]), floatFields } };
}

export function listOf(ds: readonly JsonObject[], columns: readonly string[], fmt: Record<string, Formatter> = {}): Output {
  return { kind: 'list', data: { headers: [...columns], rows: ds.map((d) => columns.map((col) => cell(d, col, fmt))) } };
}

function cell(d: JsonObject, key: string, fmt: Record<string, Formatter>): CellValue {
  const v = d[key];
  const f = fmt[key];
  if (v === undefined) return null;
  return f ? f(v) : v;
}

/**
 * octaviaclient's _find_resource: by name then ID (by ID first when the text looks like a UUID);
 * several by that name is an error; none is "Unable to locate".
 */
export function findLb<T extends { id: string; name: string }>(items: readonly T[], resourceName: string, nameOrId: string): T {
  const byName = items.filter((i) => i.name === nameOrId);
  const byId = items.filter((i) => i.id === nameOrId);
  const uuidLike = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(nameOrId);
  const first = uuidLike ? byId : byName;
  if (first.length === 1) return first[0] as T;
  if (!uuidLike && byName.length > 1) throw new CliError(`${byName.length} ${resourceName} found with name or ID of ${nameOrId}. Please try again with UUID`);
  const second = uuidLike ? byName : byId;
  if (second.length === 1) return second[0] as T;
  if (uuidLike && byName.length > 1) throw new CliError(`${byName.length} ${resourceName} found with name or ID of ${nameOrId}. Please try again with UUID`);
  throw new CliError(`Unable to locate ${nameOrId} in ${resourceName}`);
}

/** Octavia's API errors as octaviaclient prints them. */
export function lbCommand(name: string, run: (c: Cloud, a: Args) => Output): OscCommand {
  return {
    name,
    run: ({ cloud, args }: Ctx): Output => {
      try {
        return run(cloud, args);
      } catch (e) {
        if (e instanceof SimError) throw new CliError(novaMessage(cloud, e));
        throw e;
      }
    },
  };
}

/** The client-side port range check (validate._validate_TCP_UDP_SCTP_port_range). */
export function checkPort(v: number | undefined, name: string): void {
  if (v !== undefined && (v < 1 || v > 65535)) throw new CliError(`Invalid input for field/attribute '${name}', Value: '${v}'. Value must be between 1 and 65535.`);
}

export function checkWeight(v: number | undefined): void {
  if (v !== undefined && (v < 0 || v > 256)) throw new CliError(`Invalid input for field/attribute 'weight', Value: '${v}'. Value must be between 0 and 256.`);
}
