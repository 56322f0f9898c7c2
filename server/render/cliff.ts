/**
 * cliff 4.0's output formatters as python-openstackclient 6.0.0 uses them: prettytable tables,
 * value, json, yaml, shell and csv; `-c` selection, client-side sorting, --max-width/--fit-width.
 */
import { isFormatted, machine, pyRepr, pyStr, type CellValue, type PyValue } from './pyvalue.js';
import { fill } from './textwrap.js';
import { safeDump } from './yaml.js';

export type { CellValue } from './pyvalue.js';

export interface ShowData {
  fields: Array<[string, CellValue]>;
}

export interface ListData {
  headers: string[];
  rows: CellValue[][];
}

export interface FormatOptions {
  format?: string;
  columns?: string[];
  noindent?: boolean;
  prefix?: string;
  maxWidth?: number;
  fitWidth?: boolean;
  terminalWidth?: number;
  printEmpty?: boolean;
  quote?: 'all' | 'minimal' | 'none' | 'nonnumeric';
  sortColumns?: string[];
  sortDescending?: boolean;
}

export interface Rendered {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const ok = (stdout: string): Rendered => ({ stdout, stderr: '', exitCode: 0 });

// ---- prettytable ---------------------------------------------------------------------------

/** Text of a cell in a table: the human form, with \r\n → \n and a lone \r → space. */
function cellText(v: CellValue): string {
  const s = isFormatted(v) ? v.human : pyStr(v);
  return s.includes('\r') ? s.replace(/\r\n/g, '\n').replace(/\r/g, ' ') : s;
}

function justify(text: string, width: number, align: 'l' | 'r'): string {
  return align === 'r' ? text.padStart(width) : text.padEnd(width);
}

interface Table {
  headers: string[];
  rows: string[][];
  align: Array<'l' | 'r'>;
  maxWidths: Array<number | undefined>;
}

function naturalWidths(t: Table): number[] {
  return t.headers.map((h, i) => {
    let w = h.length;
    for (const r of t.rows) {
      const cell = r[i] ?? '';
      if (cell.includes('\n')) {
        for (const line of cell.split('\n')) if (line.length > w) w = line.length;
      } else if (cell.length > w) w = cell.length;
    }
    return w;
  });
}

function drawTable(t: Table, printEmpty: boolean): string {
  if (t.rows.length === 0 && !printEmpty) return '';
  const widths = naturalWidths(t).map((w, i) => {
    const m = t.maxWidths[i];
    return m !== undefined ? Math.min(w, Math.max(m, 0)) : w;
  });
  const border = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const out: string[] = [border, line(t.headers.map((h, i) => justify(h, widths[i] ?? 0, t.align[i] ?? 'l'))), border];
  const wrapped = t.maxWidths.some((m) => m !== undefined);
  for (const r of t.rows) {
    if (!wrapped && !r.some((c) => c.includes('\n'))) {
      // One physical row: the common case, kept cheap.
      let s = '|';
      for (let i = 0; i < r.length; i++) s += ` ${justify(r[i] ?? '', widths[i] ?? 0, t.align[i] ?? 'l')} |`;
      out.push(s);
      continue;
    }
    const cellLines = r.map((c, i) => {
      const w = widths[i] ?? 0;
      return c.split('\n').flatMap((l) => (l.length > w ? fill(l, w).split('\n') : [l]));
    });
    const height = Math.max(1, ...cellLines.map((ls) => ls.length));
    for (let k = 0; k < height; k++) {
      out.push(line(cellLines.map((ls, i) => justify(ls[k] ?? '', widths[i] ?? 0, t.align[i] ?? 'l'))));
    }
  }
  if (t.rows.length > 0 || printEmpty) out.push(border);
  return out.join('\n');
}

/** Plain prettytable with given alignment (the legacy CLIs use it directly). */
export function prettyTable(headers: string[], rows: string[][], align?: Array<'l' | 'r'>): string {
  const t: Table = { headers, rows, align: align ?? headers.map(() => 'l'), maxWidths: headers.map(() => undefined) };
  const s = drawTable(t, false);
  return s === '' ? '' : `${s}\n`;
}

/** cliff's _assign_max_widths: shrink the widest columns so the table fits the target width. */
function assignMaxWidths(t: Table, opts: FormatOptions, minWidth: number): void {
  const maxWidth = opts.maxWidth ?? 0;
  let term: number;
  if (maxWidth > 0) term = maxWidth;
  else if (opts.fitWidth) term = opts.terminalWidth ?? 80;
  else return;
  const natural = naturalWidths(t);
  const firstLine = natural.reduce((a, w) => a + w + 3, 1);
  if (t.rows.length === 0 || firstLine <= term) return;
  const n = t.headers.length;
  const usable = Math.max(0, term - 1 - 3 * n);
  const optimal = n === 0 ? 0 : Math.max(0, Math.floor(usable / n));
  const shrink: number[] = [];
  let remaining = usable;
  natural.forEach((w, i) => {
    if (w <= optimal) remaining -= w;
    else shrink.push(i);
  });
  if (shrink.length === 0) return;
  const shrinkTo = Math.floor(remaining / shrink.length);
  for (const i of shrink.slice(0, -1)) {
    t.maxWidths[i] = Math.max(minWidth, shrinkTo);
    remaining -= shrinkTo;
  }
  t.maxWidths[shrink[shrink.length - 1] as number] = Math.max(minWidth, remaining);
}

// ---- column selection and sorting -------------------------------------------------------------

function pyTuple(names: string[]): string {
  return names.length === 1 ? `(${pyRepr(names[0] as string)},)` : `(${names.map((n) => pyRepr(n)).join(', ')})`;
}

function selectColumns(names: string[], wanted: string[] | undefined): { keep: number[] } | Rendered {
  if (!wanted || wanted.length === 0) return { keep: names.map((_, i) => i) };
  const keep = names.map((n, i) => (wanted.includes(n) ? i : -1)).filter((i) => i >= 0);
  if (keep.length === 0) {
    return {
      stdout: '',
      stderr: `No recognized column names in ${pyRepr(wanted)}. Recognized columns are ${pyTuple(names)}.\n`,
      exitCode: 1,
    };
  }
  return { keep };
}

function compare(a: PyValue, b: PyValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compare(a[i] as PyValue, b[i] as PyValue);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  throw new TypeError('unorderable');
}

function sortRows(data: ListData, opts: FormatOptions): { rows: CellValue[][]; warning: string } {
  let rows = data.rows;
  const cols = (opts.sortColumns ?? []).filter((c) => data.headers.includes(c));
  let warning = '';
  for (const c of [...cols].reverse()) {
    const idx = data.headers.indexOf(c);
    const key = (r: CellValue[]) => machine(r[idx] ?? null);
    try {
      const sorted = [...rows].sort((x, y) => {
        const a = key(x);
        const b = key(y);
        if ((a === null) !== (b === null)) return a === null ? 1 : -1;
        if (a === null) return 0;
        return compare(a, b);
      });
      rows = opts.sortDescending ? sorted.reverse() : sorted;
    } catch {
      warning += `Could not sort on field '${c}'; unsortable types\n`;
    }
  }
  return { rows, warning };
}

// ---- formatters ---------------------------------------------------------------------------

function jsonDump(v: PyValue, indent: number | null, level = 0): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const items: string[] = Array.isArray(v)
    ? v.map((x) => jsonDump(x, indent, level + 1))
    : Object.entries(v).map(([k, x]) => `${jsonDump(k, indent)}: ${jsonDump(x, indent, level + 1)}`);
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return `${open}${close}`;
  if (indent === null) return `${open}${items.join(', ')}${close}`;
  const inner = ' '.repeat(indent * (level + 1));
  const outer = ' '.repeat(indent * level);
  return `${open}\n${inner}${items.join(`,\n${inner}`)}\n${outer}${close}`;
}

function shellName(name: string): string {
  return name.toLowerCase().replace(/ /g, '_').replace(/:/g, '_').replace(/-/g, '_');
}

function csvField(v: PyValue, quote: NonNullable<FormatOptions['quote']>): string {
  const numeric = typeof v === 'number' || typeof v === 'boolean';
  const text = v === null ? '' : pyStr(v);
  const needs = /[",\n\r]/.test(text) || text.startsWith(' ') || text === '' && false;
  const escaped = text.replace(/\\/g, '\\\\').replace(/"/g, '""');
  switch (quote) {
    case 'all':
      return `"${escaped}"`;
    case 'none':
      return text.replace(/([",\\\n\r])/g, '\\$1');
    case 'minimal':
      return needs ? `"${escaped}"` : text.replace(/\\/g, '\\\\');
    default:
      return numeric || v === null ? text : `"${escaped}"`;
  }
}

function toObject(names: string[], values: PyValue[]): { [k: string]: PyValue } {
  const o: { [k: string]: PyValue } = {};
  names.forEach((n, i) => {
    o[n] = values[i] ?? null;
  });
  return o;
}

export function renderShow(data: ShowData, opts: FormatOptions = {}): Rendered {
  const names = data.fields.map(([n]) => n);
  const sel = selectColumns(names, opts.columns);
  if ('exitCode' in sel) return sel;
  const fields = sel.keep.map((i) => data.fields[i] as [string, CellValue]);
  const format = opts.format ?? 'table';
  switch (format) {
    case 'json':
      return ok(`${jsonDump(toObject(fields.map(([n]) => n), fields.map(([, v]) => machine(v))), opts.noindent ? null : 2)}\n`);
    case 'yaml':
      return ok(safeDump(toObject(fields.map(([n]) => n), fields.map(([, v]) => machine(v)))));
    case 'value':
      return ok(fields.map(([, v]) => `${pyStr(machine(v))}\n`).join(''));
    case 'shell':
      return ok(
        fields
          .map(([n, v]) => {
            const val = isFormatted(v) ? pyStr(v.machine) : pyStr(v);
            return `${opts.prefix ?? ''}${shellName(n)}="${val.replace(/"/g, '\\"')}"\n`;
          })
          .join(''),
      );
    default: {
      const t: Table = {
        headers: ['Field', 'Value'],
        rows: fields.map(([n, v]) => [n, cellText(v)]),
        align: ['l', 'l'],
        maxWidths: [undefined, undefined],
      };
      assignMaxWidths(t, opts, 16);
      return ok(`${drawTable(t, false)}\n`);
    }
  }
}

export function renderList(data: ListData, opts: FormatOptions = {}): Rendered {
  const sel = selectColumns(data.headers, opts.columns);
  if ('exitCode' in sel) return sel;
  const { rows: sortedRows, warning } = sortRows(data, opts);
  const headers = sel.keep.map((i) => data.headers[i] as string);
  const rows = sortedRows.map((r) => sel.keep.map((i) => r[i] ?? null));
  const format = opts.format ?? 'table';
  const done = (stdout: string): Rendered => ({ stdout, stderr: warning, exitCode: 0 });
  switch (format) {
    case 'json':
      return done(`${jsonDump(rows.map((r) => toObject(headers, r.map(machine))), opts.noindent ? null : 2)}\n`);
    case 'yaml':
      return done(rows.length === 0 ? '[]\n' : safeDump(rows.map((r) => toObject(headers, r.map(machine)))));
    case 'value':
      return done(rows.map((r) => `${r.map((c) => pyStr(machine(c))).join(' ')}\n`).join(''));
    case 'csv': {
      const quote = opts.quote ?? 'nonnumeric';
      const lines = [headers.map((h) => csvField(h, quote)).join(',')];
      for (const r of rows) lines.push(r.map((c) => csvField(isFormatted(c) ? pyStr(c.machine) : c, quote)).join(','));
      return done(`${lines.join('\n')}\n`);
    }
    default: {
      const first = rows[0];
      const t: Table = {
        headers,
        rows: rows.map((r) => r.map(cellText)),
        // prettytable alignment comes from the Python type of the first row's values.
        align: headers.map((_, i) => (first && typeof first[i] === 'number' ? 'r' : 'l')),
        maxWidths: headers.map(() => undefined),
      };
      assignMaxWidths(t, opts, 8);
      const s = drawTable(t, opts.printEmpty ?? false);
      return done(`${s}\n`);
    }
  }
}
