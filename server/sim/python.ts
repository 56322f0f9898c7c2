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
