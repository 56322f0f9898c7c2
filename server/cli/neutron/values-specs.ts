/**
 * python-neutronclient 8.1's command-line split: the arguments its parser knows, and the rest
 * ("values_specs") turned into API attributes. Rules (checked against the real client in
 * neutron-parse-rules.json):
 * - everything from the first `--` on is the values_specs, and what the parser did not know
 *   before it is dropped; without `--`, the values_specs are what parse_known_args left over;
 * - `subnet-create` takes the first valid CIDR of the leftovers when its optional CIDR went empty
 *   (the network and the CIDR separated by options: Launchpad bug 1442771);
 * - `--key` alone is True, `--key v` / `--key=v` a string, `--key a b` or `list=true` a list,
 *   `type=int|bool|dict|str` converts, `action=clear` is None; `--key-name` becomes `key_name`.
 */
import { setOwn } from '../../sim/objects.js';
import { CliError } from '../errors.js';

/** An API attribute from the values_specs: a string, a converted value, a list or a dict. */
export type SpecValue = string | number | boolean | null | Record<string, string> | SpecValue[];

type Convert = (raw: string) => SpecValue;

/**
 * A value argparse's own type check refused: the client's throw-away parser (prog `neutron`,
 * no -h) prints its usage and error, exit 2.
 */
export class ValuesSpecsUsageError extends Error {
  constructor(
    readonly usage: string,
    readonly flag: string,
    message: string,
  ) {
    super(message);
  }
}

class TypeRefused extends Error {}

/** Python's int(): optional sign, digits with single underscores between them, spaces around. */
function pyInt(raw: string): number {
  const t = raw.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(t)) throw new TypeRefused(`invalid int value: '${raw}'`);
  return Number(t.replace(/_/g, ''));
}

/** neutronclient's str2dict: `k=v,k2=v2`, a part without `=` continuing the previous value. */
function strDict(raw: string): Record<string, string> {
  const parts: string[] = [];
  for (const kv of raw === '' ? [] : raw.split(',')) {
    if (kv.includes('=')) parts.push(kv);
    else if (parts.length === 0) throw new TypeRefused(`missing value for key '${kv}'`);
    else parts[parts.length - 1] += `,${kv}`;
  }
  const out: Record<string, string> = {};
  for (const kv of parts) setOwn(out, kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1));
  return out;
}

/** str2dict as an argparse type's answer: the dict, or the message of its ArgumentTypeError. */
export function strDictOf(raw: string): { ok: true; value: Record<string, string> } | { ok: false; message: string } {
  try {
    return { ok: true, value: strDict(raw) };
  } catch (e) {
    if (e instanceof TypeRefused) return { ok: false, message: e.message };
    throw e;
  }
}

const TYPES: Record<string, Convert> = {
  bool: (v) => v.toLowerCase() === 'true',
  dict: strDict,
  int: pyInt,
  str: (v) => v,
};

/**
 * argparse's usage line for prog `neutron` at 80 columns: the options after `usage: neutron `,
 * wrapped under the first one when the line is longer than 78.
 */
function wrapUsage(parts: string[]): string {
  const prefix = 'usage: neutron ';
  if (prefix.length + parts.join(' ').length <= 78) return parts.join(' ');
  const indent = ' '.repeat(prefix.length);
  const lines: string[][] = [];
  let line: string[] = [];
  let len = indent.length - 1;
  for (const p of parts) {
    if (len + 1 + p.length > 78 && line.length > 0) {
      lines.push(line);
      line = [];
      len = indent.length - 1;
    }
    line.push(p);
    len += p.length + 1;
  }
  if (line.length > 0) lines.push(line);
  return lines.map((l, i) => (i === 0 ? '' : indent) + l.join(' ')).join('\n');
}

/** Python's is_number (float() or complex() accepts it): what a value may start with `-` for. */
function isNumber(s: string): boolean {
  const t = s.trim().toLowerCase();
  const real = /^[+-]?((\d(_?\d)*)?\.?\d(_?\d)*([e][+-]?\d(_?\d)*)?|\d(_?\d)*\.|inf|infinity|nan)$/;
  if (real.test(t)) return true;
  // complex(): `2j`, `1+2j`, `(1-2j)`.
  const c = t.replace(/^\((.*)\)$/, '$1');
  return /^[+-]?((\d+(\.\d*)?|\.\d+)[+-])?(\d+(\.\d*)?|\.\d+)?j$/.test(c);
}

interface Option {
  flag: string;
  values: string[];
  type?: Convert;
  typeName?: string;
  list: boolean;
  clear: boolean;
}

/** The API attributes neutronclient's parse_args_to_dict makes of `specs`, or its CommandError. */
export function valuesSpecsToAttributes(specs: readonly string[]): Record<string, SpecValue> {
  const all = specs.join(' ');
  const invalid = () => new CliError(`Invalid values_specs ${all}`);
  const items = specs[0] === '--' ? specs.slice(1) : specs;
  const options: Option[] = [];
  let cur: Option | undefined;
  /** The option item as typed (`--k=v` included): values may not follow one with `=`. */
  let curItem: string | undefined;
  const close = () => {
    if (cur && cur.values.length === 0 && (cur.typeName !== undefined || cur.list)) throw invalid();
  };
  for (const item of items) {
    if (item.startsWith('--')) {
      close();
      const eq = item.indexOf('=');
      const flag = eq >= 0 ? item.slice(0, eq) : item;
      if (options.some((o) => o.flag === flag)) throw new CliError(`Duplicated options ${all}`);
      cur = { flag, values: eq >= 0 ? [item.slice(eq + 1)] : [], list: false, clear: false };
      curItem = item;
      options.push(cur);
      if (item.startsWith('---')) throw invalid();
      continue;
    }
    if (item.startsWith('type=')) {
      if (!cur) throw invalid();
      if (cur.typeName === undefined) {
        const name = item.split('=')[1] ?? '';
        const conv = TYPES[name];
        if (!conv) throw new CliError(`Invalid value_specs ${all}: type ${name} is not supported`);
        cur.type = conv;
        cur.typeName = name;
        continue;
      }
      // A second type= is an ordinary value.
    } else if (item === 'list=true') {
      if (cur) cur.list = true;
      continue;
    } else if (item === 'action=clear') {
      if (cur) cur.clear = true;
      continue;
    }
    if (!cur || curItem === undefined || curItem.includes('=') || (item.startsWith('-') && !isNumber(item))) throw invalid();
    cur.values.push(item);
  }
  close();
  const out: Record<string, SpecValue> = {};
  const dest = (o: Option) => (o.flag.split('--')[1] ?? '').replace(/-/g, '_');
  for (const o of options) {
    const conv = o.type ?? (TYPES['str'] as Convert);
    let v: SpecValue;
    try {
      if (o.values.length > 1 || o.list) v = o.values.map((x) => conv(x));
      else if (o.values.length === 0) v = o.clear ? null : true;
      else v = conv(o.values[0] as string);
    } catch (e) {
      if (!(e instanceof TypeRefused)) throw e;
      const parts = options.map((x) => {
        const m = dest(x).toUpperCase();
        if (x.values.length === 0 && !x.clear) return `[${x.flag}]`;
        return x.values.length > 1 || x.list ? `[${x.flag} ${m} [${m} ...]]` : `[${x.flag} ${m}]`;
      });
      throw new ValuesSpecsUsageError(wrapUsage(parts), o.flag, e.message);
    }
    // A learner's `--__proto__` is an attribute Neutron refuses by name, not this object's prototype.
    setOwn(out, dest(o), v);
  }
  return out;
}

/** oslo's is_valid_cidr as the client uses it: an address with a prefix length. */
function isCidr(s: string): boolean {
  const i = s.indexOf('/');
  if (i < 0) return false;
  const addr = s.slice(0, i);
  const len = s.slice(i + 1);
  if (!/^\d+$/.test(len)) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) return addr.split('.').every((o) => Number(o) <= 255) && Number(len) <= 32;
  return addr.includes(':') && /^[0-9a-fA-F:.]+$/.test(addr) && Number(len) <= 128;
}

/**
 * What neutronclient's run_command makes of a sub-command's arguments, given a parse_known_args:
 * the parsed values and the values_specs.
 */
export function splitCommandLine(
  name: string,
  argv: readonly string[],
  parseKnown: (argv: string[]) => { values: Record<string, unknown>; extras: string[] } | null,
): { values: Record<string, unknown>; valuesSpecs: string[] } | null {
  const dd = argv.indexOf('--');
  const before = dd < 0 ? [...argv] : argv.slice(0, dd);
  const r = parseKnown(before);
  if (!r) return null;
  const extras = [...r.extras];
  if (name === 'subnet-create' && !r.values['cidr']) {
    const cidr = extras.find(isCidr);
    if (cidr !== undefined) {
      r.values['cidr'] = cidr;
      extras.splice(extras.indexOf(cidr), 1);
    }
  }
  return { values: r.values, valuesSpecs: dd < 0 ? extras : argv.slice(dd) };
}

/** The commands whose class reads the values_specs (neutronclient's Create, Update and List commands). */
export function readsValuesSpecs(name: string): boolean {
  if (name.startsWith('quota-')) return false;
  // auto-allocated-topology-show reads them only to refuse them.
  return /-(create|update|list)$/.test(name) || /-list-hosting-/.test(name) || name === 'auto-allocated-topology-show';
}
