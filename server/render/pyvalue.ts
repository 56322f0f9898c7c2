/** Python-like values, as the OpenStack SDK and cliff see them, with Python's str() and repr(). */

export type PyValue = null | boolean | number | string | PyValue[] | { [key: string]: PyValue };

/** A cell whose table form differs from its machine form (cliff's FormattableColumn). */
export interface FormattedCell {
  readonly kind: 'formatted';
  readonly human: string;
  readonly machine: PyValue;
  /** str() of a value that is an object of its own (openstacksdk's Munch), where it is not its machine form's. */
  readonly str?: string;
}

export type CellValue = PyValue | FormattedCell;

export function formatted(human: string, machine: PyValue): FormattedCell {
  return { kind: 'formatted', human, machine };
}

/** A value whose str() is its own repr in every text form (`Munch({...})`), and a plain dict in JSON and YAML. */
export function pyObject(repr: string, machine: PyValue): FormattedCell {
  return { kind: 'formatted', human: repr, machine, str: repr };
}

/** What cliff writes for a cell in the value, shell and CSV formats: str() of its machine form (or of the object it is). */
export function cellStr(v: CellValue): string {
  return isFormatted(v) ? (v.str ?? pyStr(v.machine)) : pyStr(v);
}

export function isFormatted(v: CellValue): v is FormattedCell {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    (v as { kind?: unknown }).kind === 'formatted'
  );
}

/** The value formatters use: the machine form of formatted cells. */
export function machine(v: CellValue): PyValue {
  return isFormatted(v) ? v.machine : v;
}

/** Python repr() of a float: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mant = '', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  const s = String(n);
  return s.includes('.') ? s : `${s}.0`;
}

/** A JS number as Python prints it: integers as ints, everything else as a float. */
export function pyNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : pyFloatRepr(n);
}

/** Python repr() of a str: single quotes unless the text has ' and no ". */
export function pyStrRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (/[\x00-\x1f\x7f-\xa0\xad]/.test(ch))
      out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + q;
}

/**
 * Python repr(). A JS number cannot say it was a Python float: `floatKeys` names the dict keys
 * whose numbers are floats (repr `1.0`, not `1`).
 */
export function pyRepr(v: PyValue, floatKeys?: ReadonlySet<string>, key = ''): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return floatKeys?.has(key) ? pyFloatRepr(v) : pyNumber(v);
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, floatKeys)).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x, floatKeys, k)}`)
    .join(', ')}}`;
}

/** Options of Python's json.dumps that Stacklab's callers use. */
export interface JsonDumpsOptions {
  /** `indent=n`: one item a line, nested n spaces deeper; null (the default): one line with ", " and ": ". */
  indent?: number | null;
  /** Dict keys whose numbers are Python floats (repr `1.0`, not `1`), as for pyRepr. */
  floatKeys?: ReadonlySet<string>;
  /**
   * `ensure_ascii` (Python's default, true): everything outside printable ASCII as `\uXXXX`.
   * Some printers were written without it and keep it off so their output does not change (see
   * the callers): their non-ASCII text comes out as is.
   */
  ensureAscii?: boolean;
}

/** A json.dumps string: JSON's escapes, and with ensure_ascii every code unit from U+007F as \uXXXX. */
function jsonString(s: string, ensureAscii: boolean): string {
  const j = JSON.stringify(s);
  return ensureAscii ? j.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) : j;
}

function dumps(v: PyValue, o: JsonDumpsOptions, ascii: boolean, depth: number, key: string): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return o.floatKeys?.has(key) ? pyFloatRepr(v) : pyNumber(v);
  }
  if (typeof v === 'string') return jsonString(v, ascii);
  const arr = Array.isArray(v);
  const items: string[] = arr
    ? v.map((x) => dumps(x, o, ascii, depth + 1, ''))
    : Object.entries(v).map(([k, x]) => `${jsonString(k, ascii)}: ${dumps(x, o, ascii, depth + 1, k)}`);
  const [open, close] = arr ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return `${open}${close}`;
  const indent = o.indent ?? null;
  if (indent === null) return `${open}${items.join(', ')}${close}`;
  const inner = ' '.repeat(indent * (depth + 1));
  return `${open}\n${inner}${items.join(`,\n${inner}`)}\n${' '.repeat(indent * depth)}${close}`;
}

/**
 * Python's json.dumps(v): the one implementation every printer uses (cliff's json formatter,
 * neutronclient's cells, OSC's dict columns, Nova's metadata).
 */
export function pyJsonDumps(v: PyValue, options: JsonDumpsOptions = {}): string {
  return dumps(v, options, options.ensureAscii ?? true, 0, '');
}

/** Python str(): strings as they are, everything else as repr(). */
export function pyStr(v: PyValue): string {
  return typeof v === 'string' ? v : pyRepr(v);
}
