/**
 * cliff 4.0's output formatters as python-openstackclient 6.0.0 uses them: prettytable tables,
 * value, json, yaml, shell and csv; `-c` selection, client-side sorting, --max-width/--fit-width.
 */
import {
  cellStr,
  isFormatted,
  machine,
  pyFloatRepr,
  pyJsonDumps,
  pyRepr,
  pyStr,
  type CellValue,
  type PyValue,
} from './pyvalue.js';
import { fill } from './textwrap.js';
import { safeDump } from './yaml.js';
import type { CommandOutput } from './output.js';

export type { CellValue } from './pyvalue.js';

export interface ShowData {
  fields: Array<[string, CellValue]>;
  /** Fields whose numbers are Python floats (`1.0`, not `1`): a JS number cannot say so. */
  floatFields?: readonly string[];
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
  /** shell --variable (repeatable): only these variables (lowercased names, spaces as '_'). */
  variables?: string[];
}

export type Rendered = CommandOutput;

const ok = (stdout: string): Rendered => ({ stdout, stderr: '', exitCode: 0 });

// ---- prettytable ---------------------------------------------------------------------------

/** Text of a cell in a table: the human form, with \r\n → \n and a lone \r → space (cliff's _format_row). */
function cellText(v: CellValue): string {
  const s = isFormatted(v) ? v.human : pyStr(v);
  return s.includes('\r') ? s.replace(/\r\n/g, '\n').replace(/\r/g, ' ') : s;
}

// East Asian wide and fullwidth ranges (wcwidth 2) and zero-width characters, as wcwidth sees them.
const WIDE =
  /[\u1100-\u115f\u231a\u231b\u2329\u232a\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
const ZERO = /[\p{Mn}\p{Me}\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2063]/u;
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
// prettytable strips ANSI colour codes before measuring.
const ANSI = /\x1b\[[0-9;]*m|\x1b\(B/g;

/**
 * Display width as prettytable measures it (wcwidth.wcswidth): wide characters count 2, combining
 * marks 0, and any control character (a tab, say) makes the whole string -1.
 */
export function strWidth(text: string): number {
  // Plain printable ASCII, the usual case.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  const s = text.includes('\x1b') ? text.replace(ANSI, '') : text;
  let w = 0;
  for (const ch of s) {
    if (CONTROL.test(ch)) return -1;
    if (ZERO.test(ch)) continue;
    w += WIDE.test(ch) ? 2 : 1;
  }
  return w;
}

function blockWidth(text: string): number {
  if (!text.includes('\n')) return strWidth(text);
  let w = -Infinity;
  for (const line of text.split('\n')) w = Math.max(w, strWidth(line));
  return w;
}

/** `text`, `textWidth` wide, padded with spaces to `width` on the right ('l') or the left ('r'). */
function pad(text: string, textWidth: number, width: number, align: 'l' | 'r'): string {
  const excess = width - textWidth;
  if (excess <= 0) return text;
  return align === 'r' ? ' '.repeat(excess) + text : text + ' '.repeat(excess);
}

function justify(text: string, width: number, align: 'l' | 'r'): string {
  return pad(text, strWidth(text), width, align);
}

interface Table {
  headers: string[];
  rows: string[][];
  align: Array<'l' | 'r'>;
  /** prettytable's max_width per column (undefined = none); it never narrows below the header. */
  maxWidths: Array<number | undefined>;
}

/**
 * prettytable's _compute_widths: header width, then each cell's (capped by max_width).
 * `cellWidths`, when given, receives every cell's width (blockWidth) by row, for drawTable.
 */
function columnWidths(t: Table, cellWidths?: number[][]): number[] {
  const widths = t.headers.map(blockWidth);
  for (const r of t.rows) {
    const rw: number[] = [];
    for (let i = 0; i < widths.length; i++) {
      const m = t.maxWidths[i];
      const cw = blockWidth(r[i] ?? '');
      rw.push(cw);
      widths[i] = Math.max(widths[i] as number, m === undefined ? cw : Math.min(cw, m));
    }
    cellWidths?.push(rw);
  }
  return widths;
}

function drawTable(t: Table, printEmpty: boolean): string {
  if (t.rows.length === 0 && !printEmpty) return '';
  const cellWidths: number[][] = [];
  const widths = columnWidths(t, cellWidths);
  const border = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const out: string[] = [border];
  let header = '|';
  t.headers.forEach((h, i) => {
    header += ` ${justify(h, widths[i] ?? 0, t.align[i] ?? 'l')} |`;
  });
  out.push(header, border);
  const capped = t.maxWidths.some((m) => m !== undefined);
  for (let ri = 0; ri < t.rows.length; ri++) {
    const r = t.rows[ri] as string[];
    if (!capped && !r.some((c) => c.includes('\n'))) {
      // One physical row and nothing to wrap: the common case, kept cheap. Each cell is one
      // line, so its width as measured above is strWidth's.
      const rw = cellWidths[ri] as number[];
      let s = '|';
      for (let i = 0; i < r.length; i++)
        s += ` ${pad(r[i] ?? '', rw[i] ?? 0, widths[i] ?? 0, t.align[i] ?? 'l')} |`;
      out.push(s);
      continue;
    }
    // Lines wider than the column are wrapped with textwrap.fill (only happens under max widths).
    const cellLines = r.map((c, i) => {
      const w = widths[i] ?? 0;
      return c.split('\n').flatMap((l) => (strWidth(l) > w ? fill(l, w).split('\n') : [l]));
    });
    const height = Math.max(1, ...cellLines.map((ls) => ls.length));
    for (let k = 0; k < height; k++) {
      let s = '|';
      cellLines.forEach((ls, i) => {
        s += ` ${justify(ls[k] ?? '', widths[i] ?? 0, t.align[i] ?? 'l')} |`;
      });
      out.push(s);
    }
  }
  out.push(border);
  return out.join('\n');
}

/**
 * A prettytable ASCII table as cliff draws it (padding 1, no rules between rows), with a
 * trailing newline; an empty string when there are no rows. `align` defaults to all left.
 */
export function prettyTable(headers: string[], rows: string[][], align?: Array<'l' | 'r'>): string {
  const t: Table = {
    headers,
    rows,
    align: align ?? headers.map(() => 'l'),
    maxWidths: headers.map(() => undefined),
  };
  const s = drawTable(t, false);
  return s === '' ? '' : `${s}\n`;
}

/**
 * cliff's TableFormatter._assign_max_widths: when the table's first line is wider than the target,
 * columns wider than an equal share are capped at an equal part of what is left (the last one
 * gets the remainder), never below `minWidth` (8 for lists, 16 for shows).
 */
function assignMaxWidths(t: Table, opts: FormatOptions, minWidth: number): void {
  const maxWidth = opts.maxWidth ?? 0;
  let term: number;
  if (maxWidth > 0) term = maxWidth;
  // Fitting to a terminal there is not (the output is piped: cliff's terminal_width is None) does nothing.
  else if (opts.fitWidth && opts.terminalWidth !== undefined) term = opts.terminalWidth;
  else return;
  // An empty table prints no first line: nothing to fit.
  if (t.rows.length === 0) return;
  // Widths as cliff reads them back from the first border line (a -1 width there counts as 0).
  const raw = columnWidths(t);
  const natural = raw.map((w) => Math.max(0, w));
  const firstLine = raw.reduce((a, w) => a + w + 3, 1);
  if (firstLine <= term) return;
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
  return names.length === 1
    ? `(${pyRepr(names[0] as string)},)`
    : `(${names.map((n) => pyRepr(n)).join(', ')})`;
}

/** cliff's _generate_columns_and_selector: exact, case-sensitive names; output keeps the data's order. */
function selectColumns(
  names: string[],
  wanted: string[] | undefined,
): { keep: number[] } | Rendered {
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

class Unorderable extends Error {}

function pyEqual(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof a === 'boolean')
    return (typeof b === 'number' || typeof b === 'boolean') && Number(a) === Number(b);
  if (Array.isArray(a))
    return (
      Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEqual(x, b[i] as PyValue))
    );
  if (
    a !== null &&
    typeof a === 'object' &&
    b !== null &&
    typeof b === 'object' &&
    !Array.isArray(b)
  ) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => k in b && pyEqual(a[k] as PyValue, b[k] as PyValue))
    );
  }
  return false;
}

/** Python's ordering of two values (-1/0/1); throws Unorderable where Python raises TypeError. */
function pyCompare(a: PyValue, b: PyValue): number {
  if (pyEqual(a, b)) return 0;
  const num = (v: PyValue) => typeof v === 'number' || typeof v === 'boolean';
  if (num(a) && num(b)) return Number(a) < Number(b) ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : 1;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!pyEqual(a[i] as PyValue, b[i] as PyValue))
        return pyCompare(a[i] as PyValue, b[i] as PyValue);
    }
    return a.length < b.length ? -1 : 1;
  }
  throw new Unorderable();
}

/**
 * cliff's Lister sorting: for each --sort-column from last to first, a stable sort on
 * (value is None, value); raw values (a formatted cell compares by its machine value and is never
 * "None"). Unsortable columns are skipped with a warning.
 */
function sortRows(data: ListData, opts: FormatOptions): { rows: CellValue[][]; warning: string } {
  let rows = data.rows;
  const sortColumns = opts.sortColumns ?? [];
  const indexes = sortColumns
    .filter((c) => data.headers.includes(c))
    .map((c) => data.headers.indexOf(c));
  const sign = opts.sortDescending ? -1 : 1;
  let warning = '';
  for (const idx of [...indexes].reverse()) {
    const key = (r: CellValue[]): [boolean, PyValue] => {
      const cell = r[idx] ?? null;
      return [cell === null, machine(cell)];
    };
    try {
      rows = [...rows].sort((x, y) => {
        const [an, a] = key(x);
        const [bn, b] = key(y);
        if (an !== bn) return sign * (an ? 1 : -1);
        return sign * pyCompare(a, b);
      });
    } catch (e) {
      if (!(e instanceof Unorderable)) throw e;
      // cliff names the field by indexing the --sort-column list with the column's position.
      warning += `Could not sort on field '${sortColumns[idx] ?? data.headers[idx] ?? ''}'; unsortable types\n`;
    }
  }
  return { rows, warning };
}

// ---- formatters ---------------------------------------------------------------------------

type Quote = NonNullable<FormatOptions['quote']>;

/**
 * One field as Python's csv.writer writes it (delimiter ",", quotechar '"', doublequote,
 * escapechar "\\", lineterminator "\n"): None is an empty string, bools and numbers are the
 * "numeric" fields QUOTE_NONNUMERIC leaves bare, everything else goes through str().
 */
function csvField(v: PyValue, quote: Quote, onlyField: boolean): string {
  const numeric = typeof v === 'number' || typeof v === 'boolean';
  const text = v === null ? '' : pyStr(v);
  let body = '';
  let special = false;
  for (const ch of text) {
    if (ch === ',' || ch === '\n' || ch === '"' || ch === '\\') {
      if (quote === 'none') body += `\\${ch}`;
      else if (ch === '"') {
        body += '""';
        special = true;
      } else if (ch === '\\') body += '\\\\';
      else {
        body += ch;
        special = true;
      }
    } else body += ch;
  }
  let quoted: boolean;
  switch (quote) {
    case 'all':
      quoted = true;
      break;
    case 'nonnumeric':
      quoted = !numeric;
      break;
    case 'minimal':
      // A record of one empty field is quoted so that it reads back as a field.
      quoted = special || (onlyField && text === '');
      break;
    default:
      quoted = false;
  }
  return quoted ? `"${body}"` : body;
}

function csvRow(values: PyValue[], quote: Quote): string {
  return `${values.map((v) => csvField(v, quote, values.length === 1)).join(',')}\n`;
}

/** shell formatter variable names: lowercased, spaces, ':' and '-' become '_'. */
function shellName(name: string): string {
  return name.toLowerCase().replace(/ /g, '_');
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
  const format = opts.format ?? 'table';
  const floats = new Set(data.floatFields ?? []);
  // json and yaml spell floats themselves (floatKeys); the text formats print Python's str().
  const asText = format !== 'json' && format !== 'yaml';
  const fields = sel.keep.map((i): [string, CellValue] => {
    const [n, v] = data.fields[i] as [string, CellValue];
    return asText && floats.has(n) && typeof v === 'number' ? [n, pyFloatRepr(v)] : [n, v];
  });
  switch (format) {
    case 'json':
      return ok(
        `${pyJsonDumps(
          toObject(
            fields.map(([n]) => n),
            fields.map(([, v]) => machine(v)),
          ),
          { indent: opts.noindent ? null : 2, floatKeys: floats },
        )}\n`,
      );
    case 'yaml':
      // cliff dumps one {field: value} document per field, so fields keep their order.
      return ok(fields.map(([n, v]) => safeDump({ [n]: machine(v) }, floats)).join(''));
    case 'value':
      return ok(fields.map(([, v]) => `${cellStr(v)}\n`).join(''));
    case 'shell': {
      const wanted = opts.variables ?? [];
      let out = '';
      for (const [n, v] of fields) {
        const name = shellName(n);
        if (wanted.length > 0 && !wanted.includes(name)) continue;
        // Only str values get their double quotes escaped (a formatted cell is str() first).
        const raw = isFormatted(v) ? cellStr(v) : v;
        const val = typeof raw === 'string' ? raw.replace(/"/g, '\\"') : pyStr(raw);
        out += `${opts.prefix ?? ''}${name.replace(/:/g, '_').replace(/-/g, '_')}="${val}"\n`;
      }
      return ok(out);
    }
    default: {
      const t: Table = {
        headers: ['Field', 'Value'],
        rows: fields.map(([n, v]) => [cellText(n), cellText(v)]),
        align: ['l', 'l'],
        maxWidths: [undefined, undefined],
      };
      assignMaxWidths(t, opts, 16);
      return ok(`${drawTable(t, false)}\n`);
    }
  }
}

export function renderList(data: ListData, opts: FormatOptions = {}): Rendered {
  const { rows: sortedRows, warning } = sortRows(data, opts);
  const sel = selectColumns(data.headers, opts.columns);
  if ('exitCode' in sel) return { ...sel, stderr: warning + sel.stderr };
  const headers = sel.keep.map((i) => data.headers[i] as string);
  const rows = sortedRows.map((r) => sel.keep.map((i) => r[i] ?? null));
  const format = opts.format ?? 'table';
  const done = (stdout: string): Rendered => ({ stdout, stderr: warning, exitCode: 0 });
  switch (format) {
    case 'json':
      return done(
        `${pyJsonDumps(
          rows.map((r) => toObject(headers, r.map(machine))),
          { indent: opts.noindent ? null : 2 },
        )}\n`,
      );
    case 'yaml':
      return done(safeDump(rows.map((r) => toObject(headers, r.map(machine)))));
    case 'value':
      return done(rows.map((r) => `${r.map((c) => cellStr(c)).join(' ')}\n`).join(''));
    case 'csv': {
      const quote = opts.quote ?? 'nonnumeric';
      let out = csvRow(headers, quote);
      // A formatted cell is written as str() of its machine value: a string, so quoted as one.
      for (const r of rows)
        out += csvRow(
          r.map((c) => (isFormatted(c) ? cellStr(c) : c)),
          quote,
        );
      return done(out);
    }
    default: {
      const first = rows[0];
      const t: Table = {
        headers,
        rows: rows.map((r) => r.map(cellText)),
        // cliff aligns by the Python type of the first row's values: int/float right, all else left.
        align: headers.map((_, i) => (first && typeof first[i] === 'number' ? 'r' : 'l')),
        maxWidths: headers.map(() => undefined),
      };
      assignMaxWidths(t, opts, 8);
      return done(`${drawTable(t, opts.printEmpty ?? false)}\n`);
    }
  }
}
