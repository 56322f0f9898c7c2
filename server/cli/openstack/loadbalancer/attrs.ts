/**
 * python-octaviaclient 3.1.0's v2_utils: how a command's parsed options become the request body it
 * sends. Each option the map names, in the parser's order (argparse's namespace: its options in the
 * order they were added), is converted (str, int, a `k=v` list…) or looked up by name or ID — so a
 * lookup that fails, or an int() that does, is the first such option's, as with the real client.
 * Options left unset (None) send nothing; the API reads and judges the rest.
 */
import type { Cloud } from '../../../sim/model/cloud.js';
import type { Json, JsonObject } from '../../../sim/api/json.js';
import { pyRepr } from '../../../sim/api/json.js';
import { CliError } from '../../errors.js';
import type { Args } from '../common.js';

/** One option of octaviaclient's attr_map: a converter (two values) or a lookup (three or four). */
export type AttrRule =
  | { key: string; conv: (v: unknown) => Json }
  | { key: string; find: (c: Cloud, nameOrId: string) => string | null }
  | { key: string; parent: string; child: (c: Cloud, parentId: string, nameOrId: string) => string };

export type AttrMap = Readonly<Record<string, AttrRule>>;

/** Python's str() of an option's value. */
export const pyStrOf = (v: unknown): Json => String(v);

/** Python's int() of an option's value (text: digits with blanks around and `_` between). */
export function pyIntOf(v: unknown): Json {
  if (typeof v === 'number') return Math.trunc(v);
  const s = String(v);
  if (!/^\s*[+-]?\d+(_\d+)*\s*$/.test(s)) throw new CliError(`invalid literal for int() with base 10: ${pyRepr(s)}`);
  return Number(s.replace(/_/g, ''));
}

/** Python's float() of an option's value. */
export function pyFloatOf(v: unknown): Json {
  if (typeof v === 'number') return v;
  const s = String(v).trim();
  const n = Number(s);
  if (s === '' || Number.isNaN(n)) throw new CliError(`could not convert string to float: ${pyRepr(String(v))}`);
  return n;
}

/** list(): a repeated option's values as they are. */
export const pyListOf = (v: unknown): Json => (Array.isArray(v) ? (v as Json[]) : [v as Json]);

/** `lambda x: True` / `lambda x: False` of a flag. */
export const always = (b: boolean) => (): Json => b;

/** _format_kv: `k=v,k2=v2` as a dict (Python's unpacking error otherwise). */
export function formatKv(v: unknown): Json {
  const pairs = String(v)
    .split(',')
    .map((part): [string, string] => {
      const bits = part.split('=');
      if (bits.length !== 2) throw new CliError(bits.length < 2 ? 'not enough values to unpack (expected 2, got 1)' : 'too many values to unpack (expected 2)');
      return [bits[0] as string, bits[1] as string];
    });
  // fromEntries makes each key an own property (`__proto__` too, as Python's dict keeps it).
  return Object.fromEntries(pairs);
}

/** _format_str_if_need_treat_unset: `none`, `null` or `void` is None. */
export const strOrUnset = (v: unknown): Json => (['none', 'null', 'void'].includes(String(v).toLowerCase()) ? null : String(v));

/** add_tags_attr_map: the tag options of every kind. */
export const TAG_ATTRS: AttrMap = {
  tags: { key: 'tags', conv: pyListOf },
  any_tags: { key: 'tags-any', conv: pyListOf },
  not_tags: { key: 'not-tags', conv: pyListOf },
  not_any_tags: { key: 'not-tags-any', conv: pyListOf },
};

/** _map_attrs: the body attributes of the options `map` names, in the parser's order. */
export function mapAttrs(c: Cloud, a: Args, map: AttrMap): JsonObject {
  const out: JsonObject = {};
  for (const [dest, v] of Object.entries(a)) {
    const rule = Object.prototype.hasOwnProperty.call(map, dest) ? map[dest] : undefined;
    // A flag not given is None in octaviaclient's parsers (every flag its maps name has no default
    // but `create --enable`'s True); Stacklab's parser says false, which is skipped the same way.
    if (v === undefined || v === null || v === false || rule === undefined) continue;
    if ('conv' in rule) out[rule.key] = rule.conv(v);
    else if ('find' in rule) out[rule.key] = Array.isArray(v) ? v.map((x) => rule.find(c, String(x))) : rule.find(c, String(v));
    else {
      const parent = map[rule.parent];
      if (parent === undefined || !('find' in parent)) throw new Error(`${dest}: no parent lookup ${rule.parent}`);
      const parentId = parent.find(c, String(a[rule.parent])) ?? 'None';
      out[rule.key] = rule.child(c, parentId, String(v));
    }
  }
  return out;
}

/** get_unsets: the flags given (None each), and the tags to drop. */
export function unsetsOf(a: Args): JsonObject {
  const out: JsonObject = {};
  for (const [dest, v] of Object.entries(a)) {
    if (dest === 'tags' && Array.isArray(v) && v.length > 0) out[dest] = v as Json[];
    else if (v === true && dest !== 'wait' && dest !== 'all_tag') out[dest] = null;
  }
  return out;
}
