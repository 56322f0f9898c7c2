/** python-neutronclient 8.1's argument parsers, captured from the real client as data (neutron-parsers.json). */
import { capturedArg, capturedParser, type ArgType, type CapturedCommand, type ParserSpec } from '../spec.js';
import captured from './neutron-parsers.json' with { type: 'json' };
import { strDictOf } from './values-specs.js';

const PARSERS = (captured as unknown as { commands: Record<string, CapturedCommand> }).commands;

/** argparse's `type=int`: Python's int() of the word (blanks, a sign and digit-separating underscores allowed). */
const intType: ArgType = (raw) =>
  /^\s*[+-]?\d+(_\d+)*\s*$/.test(raw) ? { ok: true, value: Number.parseInt(raw.replace(/_/g, ''), 10) } : { ok: false, message: `invalid int value: '${raw}'` };

/** neutronclient's convert_to_lowercase/-uppercase: the word is converted before argparse checks the choices. */
const CASE_TYPES: Record<string, ArgType> = {
  convert_to_lowercase: (raw) => ({ ok: true, value: raw.toLowerCase() }),
  convert_to_uppercase: (raw) => ({ ok: true, value: raw.toUpperCase() }),
};

/** A captured `functools.partial(<function str2dict …>, optional_keys=[…], required_keys=[…])`'s key lists. */
const STR2DICT = /^functools\.partial\(<function str2dict at [^>]*>, optional_keys=(None|\[[^\]]*\]), required_keys=(None|\[[^\]]*\])\)$/;

/**
 * neutronclient's str2dict_type: while argparse parses, `k=v,…` must have only the keys the option
 * knows (the wrong ones named sorted, the valid ones too), then every required key (in its order).
 * The word is kept as typed: the command reads it again.
 */
function str2dictType(type: string): ArgType | undefined {
  const m = STR2DICT.exec(type);
  if (!m) return undefined;
  const keys = (list: string | undefined) => (list === undefined || list === 'None' ? [] : [...list.matchAll(/'([^']*)'/g)].map((k) => k[1] ?? ''));
  const optional = keys(m[1]);
  const required = keys(m[2]);
  const valid = [...new Set([...required, ...optional])].sort();
  return (raw) => {
    const d = strDictOf(raw);
    if (!d.ok) return d;
    const given = Object.keys(d.value);
    const invalid = given.filter((k) => !valid.includes(k)).sort();
    if (invalid.length > 0) return { ok: false, message: `Invalid key(s) '${invalid.join(', ')}' specified. Valid key(s): '${valid.join(', ')}'.` };
    const missing = required.filter((k) => !given.includes(k));
    if (missing.length > 0) return { ok: false, message: `Required key(s) '${missing.join(', ')}' not specified.` };
    return { ok: true, value: raw };
  };
}

function argType(type: string | undefined): ArgType | undefined {
  if (type === 'int') return intType;
  if (type === undefined) return undefined;
  return CASE_TYPES[type] ?? str2dictType(type);
}

export function hasParser(name: string): boolean {
  return PARSERS[name] !== undefined;
}

export function parserFor(name: string): ParserSpec {
  const c = PARSERS[name];
  if (!c) throw new Error(`no captured parser for neutron ${name}`);
  return capturedParser(c, (a) => capturedArg(a, undefined, argType(a.type)));
}
