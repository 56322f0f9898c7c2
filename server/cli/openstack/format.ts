/** How OSC 6.0 shows Neutron values: the human (table) and machine forms of each cell. */
import { formatted, pyJsonDumps, pyStr, type CellValue, type PyValue } from '../../render/pyvalue.js';

export const upDown = (v: boolean): CellValue => formatted(v ? 'UP' : 'DOWN', v);
export const extInt = (v: boolean): CellValue => formatted(v ? 'External' : 'Internal', v);

/** OSC's ListColumn: sorted items joined by ", " in tables, the list itself elsewhere. */
export function listCol(items: readonly string[]): CellValue {
  return formatted([...items].sort().join(', '), [...items]);
}

/**
 * osc-lib's format_dict, what a DictColumn shows (fixed_ips, port_details, host routes, a binding
 * profile): `k='v', …` with sorted keys, a None value as `k=`, a dict's keys under its own
 * (`d.x='1'`; an empty one leaves an empty item).
 */
export function kvLine(d: Record<string, PyValue>, prefix?: string): string {
  return Object.keys(d)
    .sort()
    .map((k) => {
      const key = prefix === undefined ? k : `${prefix}.${k}`;
      const v = d[k] ?? null;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return kvLine(v as Record<string, PyValue>, key);
      return v === null ? `${key}=` : `${key}='${pyStr(v)}'`;
    })
    .join(', ');
}

/** A list of dicts, one `k='v'` line each (fixed_ips, allowed_address_pairs, host_routes). */
export function dictLines(items: Array<Record<string, PyValue>>): CellValue {
  return formatted(items.map((d) => kvLine(d)).join('\n'), items);
}

/**
 * Python's json.dumps with its default separators (", ", ": "), for external_gateway_info and
 * interfaces_info; without ensure_ascii, as Stacklab always printed these cells.
 */
export function pyJson(v: PyValue): string {
  return pyJsonDumps(v, { ensureAscii: false });
}

/**
 * An attribute of an openstacksdk resource made from an API dict: the value, or None when the
 * response lacks the key (a key policy hid, or an attribute of an extension Neutron does not run).
 */
export function attr(d: { readonly [k: string]: PyValue }, key: string): PyValue {
  const v = d[key];
  return v === undefined ? null : v;
}

/** A list attribute as OSC's ListColumn (sorted, joined) — an empty list when absent. */
export function listAttr(d: { readonly [k: string]: PyValue }, key: string): CellValue {
  const v = d[key];
  return listCol(Array.isArray(v) ? (v as string[]) : []);
}

/** Sorts show fields by name as Python sorts strings (code point order). */
export function sortFields(fields: Array<[string, CellValue]>): Array<[string, CellValue]> {
  return [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
