/**
 * The `openstack` command table. Each command's argument parser is the real
 * python-openstackclient 6.0.0 parser, captured as data by scripts/extract-osc-specs.py
 * (osc-parsers.json); this module turns it into ParserSpecs and attaches the converters that
 * osc-lib's custom argparse actions apply. Behaviour lives in the per-resource modules.
 */
import { setOwn } from '../../sim/objects.js';
import { capturedArg, capturedParser, type ArgSpec, type ArgType, type CapturedArg, type CapturedCommand, type ParserSpec } from '../spec.js';
import { BareArgError } from '../errors.js';
import { pyFloatRepr, pyRepr } from '../../render/pyvalue.js';
import { pyJsonLoads, pyTypeName } from '../pyjson.js';
import type { PyJson } from '../../sim/python.js';
import captured from './osc-parsers.json' with { type: 'json' };

const COMMANDS = (captured as unknown as { commands: Record<string, CapturedCommand> }).commands;

const ok = (value: unknown) => ({ ok: true as const, value });

/** What Python's int() reads: blanks around, a sign, digits with single underscores between them. */
const PY_INT = /^\s*[+-]?\d+(_\d+)*\s*$/;
const pyIntValue = (raw: string) => Number.parseInt(raw.replace(/_/g, ''), 10);

/** Python's int() called by an argparse action: its ValueError reaches cliff, which prints it bare (exit 1). */
function pyInt(raw: string): number {
  if (!PY_INT.test(raw)) throw new BareArgError(`invalid literal for int() with base 10: ${pyRepr(raw)}`);
  return pyIntValue(raw);
}

const intType: ArgType = (raw) => (PY_INT.test(raw) ? ok(pyIntValue(raw)) : { ok: false, message: `invalid int value: ${pyRepr(raw)}` });

/**
 * osc-lib's NonNegativeAction: argparse's `type=int` first when the option has one (its usage
 * error), else int() in the action (its error bare); then the sign.
 */
function nonNegative(flag: string, typed: boolean): ArgType {
  return (raw) => {
    if (typed && !PY_INT.test(raw)) return { ok: false, message: `invalid int value: ${pyRepr(raw)}` };
    const v = pyInt(raw);
    if (v < 0) throw new BareArgError(`${flag} expected a non-negative integer`);
    return ok(v);
  };
}

/** osc-lib MultiKeyValueAction: `k=v,k2=v2` with required and optional keys. */
function multiKeyValue(required: string[], optional: string[]): ArgType {
  return (raw) => {
    const out: Record<string, string> = {};
    for (const kv of raw.split(',')) {
      const i = kv.indexOf('=');
      if (i < 0) throw new BareArgError(`Expected comma separated 'key=value' pairs, but got: ${raw}`);
      // The learner's key, `__proto__` too (a key osc-lib refuses by name, not a prototype).
      setOwn(out, kv.slice(0, i), kv.slice(i + 1));
    }
    const keys = Object.keys(out);
    const valid = [...required, ...optional];
    if (valid.length > 0) {
      const bad = keys.filter((k) => !valid.includes(k));
      if (bad.length > 0) {
        throw new BareArgError(`Invalid keys ${bad.join(', ')} specified.\nValid keys are: ${[...valid].sort().join(', ')}`);
      }
    }
    const missing = required.filter((k) => !keys.includes(k));
    if (missing.length > 0) {
      throw new BareArgError(`Missing required keys ${missing.join(', ')}.\nRequired keys are: ${[...required].sort().join(', ')}`);
    }
    return ok(out);
  };
}

/** osc-lib KeyValueAction: `k=v` into a dict (merged by the command). */
const keyValue: ArgType = (raw) => {
  const i = raw.indexOf('=');
  if (i < 0) return { ok: false, message: `Expected 'key=value' type, but got: ${raw}` };
  return ok({ [raw.slice(0, i)]: raw.slice(i + 1) });
};

/** Python's type name of a value json.loads gave for `raw` (1 is an int, 1.0 a float). */
function typeName(v: PyJson, raw: string): string {
  const name = pyTypeName(v);
  return name === 'int' && /[.eEIN]/.test(raw) ? 'float' : name;
}

/** A dict key from JSON as the SDK's json.dumps writes it back (1 → "1", True → "true"). */
const keyText = (k: PyJson): string => (typeof k === 'string' ? k : JSON.stringify(k));

/** What dict.update did: the pairs added, or its error (after the pairs before the bad item). */
type Update = { ok: true; value: Array<[string, PyJson]> } | { ok: false; message: string; valueError?: true; added?: Array<[string, PyJson]> };

/**
 * dict.update(value) of what json.loads gave: the pairs it adds, or Python's TypeError or
 * ValueError (a dict gives its items; any other iterable, items of two each).
 */
function updatePairs(v: PyJson, raw: string): Update {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return { ok: true, value: Object.entries(v) };
  if (typeof v !== 'string' && !Array.isArray(v)) return { ok: false, message: `'${typeName(v, raw)}' object is not iterable` };
  const items: PyJson[] = typeof v === 'string' ? [...v] : v;
  const pairs: Array<[string, PyJson]> = [];
  for (const [i, item] of items.entries()) {
    const seq: PyJson[] | null = typeof item === 'string' ? [...item] : Array.isArray(item) ? item : item !== null && typeof item === 'object' ? Object.keys(item) : null;
    if (seq === null) return { ok: false, message: `cannot convert dictionary update sequence element #${i} to a sequence` };
    if (seq.length !== 2) return { ok: false, message: `dictionary update sequence element #${i} has length ${seq.length}; 2 is required`, valueError: true, added: pairs };
    const [k, value] = seq as [PyJson, PyJson];
    if (k !== null && typeof k === 'object') return { ok: false, message: `unhashable type: '${Array.isArray(k) ? 'list' : 'dict'}'` };
    pairs.push([keyText(k), value]);
  }
  return { ok: true, value: pairs };
}

/**
 * OSC's JSONKeyValueAction (`port --binding-profile`): JSON first (what dict.update takes), else
 * `key=value`, else the error named with the option; the pairs to add to the option's dict. Its
 * `except ValueError` catches the JSON errors and dict.update's ValueError alike; the TypeErrors
 * (`'int' object is not iterable`) and a RecursionError reach the user bare.
 */
function jsonKeyValue(flag: string): ArgType {
  return (raw) => {
    const j = pyJsonLoads(raw);
    let why: string;
    let added: Array<[string, PyJson]> = [];
    if (j.ok) {
      const u = updatePairs(j.value, raw);
      if (u.ok) return u;
      if (!u.valueError) throw new BareArgError(u.message);
      why = u.message;
      added = u.added ?? [];
    } else if (j.fatal) throw new BareArgError(j.message);
    else why = j.message;
    const i = raw.indexOf('=');
    if (i >= 0) return ok([...added, [raw.slice(0, i), raw.slice(i + 1)]]);
    throw new BareArgError(`Expected '<key>=<value>' or JSON data for option ${flag}, but encountered JSON parsing error: ${why}`);
  };
}

/**
 * osc-lib's RangeAction for `--dst-port`: `80` or `80:81`. Each part goes through int() (a word
 * that is no number is int()'s error, bare); a reversed range names the parts as typed.
 */
const range: ArgType = (raw) => {
  const parts = raw.split(':');
  if (parts.length > 2) return { ok: false, message: 'Invalid range, too many values' };
  const [first, second] = parts as [string, string | undefined];
  const lo = pyInt(first);
  if (second === undefined) return ok([lo, lo]);
  const hi = pyInt(second);
  if (lo > hi) return { ok: false, message: `Invalid range, ${first} is not less than ${second}` };
  return ok([lo, hi]);
};

const NIC_FORM = "argument must be of form 'net-id=net-uuid,port-id=port-uuid,v4-fixed-ip=ip-addr,v6-fixed-ip=ip-addr,tag=tag'";

/** OSC 6.0 server create `--nic`. */
const nic: ArgType = (raw) => {
  if (raw === 'auto' || raw === 'none') return ok(raw);
  const out: Record<string, string> = {};
  for (const kv of raw.split(',')) {
    const i = kv.indexOf('=');
    const k = i < 0 ? kv : kv.slice(0, i);
    if (i < 0 || !['net-id', 'port-id', 'v4-fixed-ip', 'v6-fixed-ip', 'tag'].includes(k)) {
      throw new BareArgError(`Invalid argument ${raw}; ${NIC_FORM}`);
    }
    out[k] = kv.slice(i + 1);
  }
  if (out['net-id'] !== undefined && out['port-id'] !== undefined) {
    throw new BareArgError(`Invalid argument ${raw}; either 'network' or 'port' should be specified but not both`);
  }
  if (out['v4-fixed-ip'] !== undefined && out['v6-fixed-ip'] !== undefined) {
    throw new BareArgError(`Invalid argument ${raw}; either 'v4-fixed-ip' or 'v6-fixed-ip' should be specified but not both`);
  }
  return ok(out);
};

const lower: ArgType = (raw) => ok(raw.toLowerCase());
const ipvx: ArgType = (raw) => {
  const l = raw.toLowerCase();
  return ok(l === 'ipv4' ? 'IPv4' : l === 'ipv6' ? 'IPv6' : raw);
};
/** octaviaclient's `lambda s: s.upper()` (protocols, algorithms, types: `http` is HTTP). */
const upper: ArgType = (raw) => ok(raw.toUpperCase());

/** A captured `<lambda>` changes case towards its choices: octaviaclient's upper-case, OSC's lower-case ones. */
function caseLambda(a: CapturedArg): ArgType {
  return (a.choices ?? []).every((c) => c === c.toLowerCase()) ? lower : upper;
}
/**
 * Python's float(): kept as its repr (`1` is `1.0`), which is how argparse compares it with the
 * captured choices (`--http-version {1.0,1.1}`); the command converts it.
 */
const floatType: ArgType = Object.assign(
  (raw: string) =>
    /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw) ? ok(pyFloatRepr(Number.parseFloat(raw))) : { ok: false as const, message: `invalid float value: '${raw}'` },
  { pyNumber: true as const },
);
const commaList: ArgType = (raw) => ok(raw.split(','));

/** osc-lib's Actions check their values when argparse calls them, after its mutually exclusive check. */
const IN_ACTION = new Set([
  'custom:MultiKeyValueAction',
  'custom:MultiKeyValueCommaAction',
  'custom:RangeAction',
  'custom:NICAction',
  'custom:KeyValueAction',
  'custom:KeyValueAppendAction',
  'custom:JSONKeyValueAction',
]);

/** `t` run as an osc-lib Action's own check (ArgType.inAction). */
function inAction(t: ArgType): ArgType {
  return Object.assign((raw: string) => t(raw), { inAction: true as const });
}

function convert(cmd: string, a: CapturedArg): ArgSpec {
  const flag = a.flags[a.flags.length - 1] ?? a.dest;
  let action: ArgSpec['action'];
  let type: ArgType | undefined;
  switch (a.action) {
    case 'custom:MultiKeyValueAction':
      action = 'append';
      type = multiKeyValue(a.requiredKeys ?? [], a.optionalKeys ?? []);
      break;
    case 'custom:MultiKeyValueCommaAction':
      action = 'append';
      type = multiKeyValue(a.requiredKeys ?? [], a.optionalKeys ?? []);
      break;
    case 'custom:NonNegativeAction':
      action = 'store';
      type = nonNegative(flag, a.type === 'int');
      break;
    case 'custom:_CommaListAction':
      action = 'store';
      type = commaList;
      break;
    case 'custom:RangeAction':
      action = 'store';
      type = range;
      break;
    case 'custom:NICAction':
      // `--network X` and `--port X` are shorthands for `--nic net-id=X` / `--nic port-id=X`.
      action = 'append';
      type = flag === '--network' ? (raw) => ok({ 'net-id': raw }) : flag === '--port' ? (raw) => ok({ 'port-id': raw }) : nic;
      break;
    case 'custom:KeyValueAction':
    case 'custom:KeyValueAppendAction':
      action = 'append';
      type = keyValue;
      break;
    case 'custom:JSONKeyValueAction':
      action = 'append';
      type = jsonKeyValue(flag);
      break;
    case 'custom:BDMAction':
    case 'custom:BDMLegacyAction':
      action = 'append';
      break;
    default:
      if (a.action.startsWith('custom:')) throw new Error(`${cmd}: unsupported captured action ${a.action}`);
      action = a.action as ArgSpec['action'];
  }
  // NonNegativeAction: int() in the action when the option has no type=int (argparse's own first otherwise).
  if (type && (IN_ACTION.has(a.action) || (a.action === 'custom:NonNegativeAction' && a.type !== 'int'))) type = inAction(type);
  if (!type && a.type === 'int') type = intType;
  if (!type && a.type === '_convert_to_lowercase') type = lower;
  // neutronclient's `bgp peer create --auth-type` (its own converter of the same name).
  if (!type && a.type === 'convert_to_lowercase') type = lower;
  if (!type && a.type === '_convert_ipvx_case') type = ipvx;
  if (!type && a.type === '<lambda>') type = caseLambda(a);
  if (!type && a.type === 'float') type = floatType;
  return capturedArg(a, action, type);
}

const cache = new Map<string, ParserSpec>();

/** The real parser of `openstack <name>` as a ParserSpec. */
export function parserFor(name: string): ParserSpec {
  const hit = cache.get(name);
  if (hit) return hit;
  const c = COMMANDS[name];
  if (!c) throw new Error(`no captured parser for 'openstack ${name}'`);
  const spec = capturedParser(c, (a) => convert(name, a));
  cache.set(name, spec);
  return spec;
}

/** First line of the command's description, as `openstack --help` lists it. */
export function summaryOf(name: string): string {
  return (COMMANDS[name]?.description ?? '').split('\n')[0] ?? '';
}
