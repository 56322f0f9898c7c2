/** How OSC 6.0 shows Neutron values: the human (table) and machine forms of each cell. */
import { formatted, pyStr, type CellValue, type PyValue } from '../../render/pyvalue.js';

export const upDown = (v: boolean): CellValue => formatted(v ? 'UP' : 'DOWN', v);
export const extInt = (v: boolean): CellValue => formatted(v ? 'External' : 'Internal', v);

/** OSC's ListColumn: sorted items joined by ", " in tables, the list itself elsewhere. */
export function listCol(items: readonly string[]): CellValue {
  return formatted([...items].sort().join(', '), [...items]);
}

/** OSC's DictColumn-like `k='v', …` with sorted keys (fixed_ips, port_details, host routes). */
export function kvLine(d: Record<string, PyValue>): string {
  return Object.keys(d)
    .sort()
    .map((k) => `${k}='${pyStr(d[k] ?? null)}'`)
    .join(', ');
}

/** A list of dicts, one `k='v'` line each (fixed_ips, allowed_address_pairs, host_routes). */
export function dictLines(items: Array<Record<string, PyValue>>): CellValue {
  return formatted(items.map(kvLine).join('\n'), items);
}

/** Python's json.dumps default separators (", ", ": "), for external_gateway_info and interfaces_info. */
export function pyJson(v: PyValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`)
    .join(', ')}}`;
}

/** Sorts show fields by name as Python sorts strings (code point order). */
export function sortFields(fields: Array<[string, CellValue]>): Array<[string, CellValue]> {
  return [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
