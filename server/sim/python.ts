/**
 * How the real services' Python reads text: int() and oslo's bool_from_string. Neutron converts
 * request values with them (neutron-lib's converters), so what they accept is what the simulated
 * API accepts.
 */

/**
 * Python's int() of text: blanks around it, a sign, then decimal digits of any script with single
 * underscores between them (`' 04'`, `'+1_450'`, `'١'`); null where int() raises (`'4.0'`, `'1e3'`).
 */
export function pyIntText(raw: string): bigint | null {
  const m = /^([+-]?)(\p{Nd}+(?:_\p{Nd}+)*)$/u.exec(raw.trim());
  if (!m) return null;
  let digits = '';
  for (const ch of (m[2] as string).replace(/_/g, '')) digits += String(digitValue(ch));
  const n = BigInt(digits);
  return m[1] === '-' ? -n : n;
}

const ND = /\p{Nd}/u;

/** A decimal digit's value: Unicode keeps each script's digits in runs of ten from its zero. */
function digitValue(ch: string): number {
  const cp = ch.codePointAt(0) as number;
  if (cp <= 0x39) return cp - 0x30;
  let start = cp;
  while (ND.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** oslo.utils' bool_from_string, strict: the words it knows (stripped, any case), else null (its ValueError). */
export function boolFromString(raw: string): boolean | null {
  const word = raw.trim().toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(word)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(word)) return false;
  return null;
}

/** A value as JSON carries it, which Python reads as None, bool, int/float, str, list or dict. */
export type PyJson = null | boolean | number | string | PyJson[] | { [key: string]: PyJson };

/** Python's == of JSON values as a key (True == 1; dicts whatever their key order). */
function pyKey(v: PyJson): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyKey).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${pyKey(v[k] as PyJson)}`).join(',')}}`;
}

/** Python's `==` of two JSON values (True == 1 == 1.0; dicts whatever their key order). */
export function pyEquals(a: PyJson, b: PyJson): boolean {
  return pyKey(a) === pyKey(b);
}

/**
 * neutron-lib's _collect_duplicates: each item that equals (Python's ==) an earlier one, listed
 * once, in the order of its second appearance. Linear in the list, however long the learner made it.
 */
export function pyDuplicates<T extends PyJson>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  const listed = new Set<string>();
  const dups: T[] = [];
  for (const x of items) {
    const k = pyKey(x);
    if (seen.has(k) && !listed.has(k)) {
      dups.push(x);
      listed.add(k);
    }
    seen.add(k);
  }
  return dups;
}

/**
 * Python's json.dumps(v) with its defaults (", " and ": " between items, every character outside
 * printable ASCII as \uXXXX), as Neutron writes a dict to a column of limited length.
 */
export function pyJsonDumps(v: PyJson): string {
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${pyJsonDumps(k)}: ${pyJsonDumps(x)}`).join(', ')}}`;
}
