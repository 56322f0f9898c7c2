/**
 * What an API returns: plain JSON, key order included (a REST endpoint serializes it as is).
 * Render's PyValue has the same shape, so a CLI passes these values to its formatters directly.
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A JSON object: one resource dictionary, a request or a response body. */
export type JsonObject = { [k: string]: Json };

/** Python's repr() of a JSON value, as the services' validation messages print it (dicts and lists too). */
export function pyRepr(v: Json): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string')
    return v.includes("'") && !v.includes('"')
      ? `"${v}"`
      : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
    .join(', ')}}`;
}
