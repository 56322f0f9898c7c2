/** python-neutronclient 8.1's argument parsers, captured from the real client as data (neutron-parsers.json). */
import { capturedArg, capturedParser, type ArgType, type CapturedCommand, type ParserSpec } from '../spec.js';
import captured from './neutron-parsers.json' with { type: 'json' };

const PARSERS = (captured as unknown as { commands: Record<string, CapturedCommand> }).commands;

/** argparse's `type=int`: Python's int() of the word (blanks, a sign and digit-separating underscores allowed). */
const intType: ArgType = (raw) =>
  /^\s*[+-]?\d+(_\d+)*\s*$/.test(raw) ? { ok: true, value: Number.parseInt(raw.replace(/_/g, ''), 10) } : { ok: false, message: `invalid int value: '${raw}'` };

/** neutronclient's convert_to_lowercase/-uppercase: the word is converted before argparse checks the choices. */
const CASE_TYPES: Record<string, ArgType> = {
  convert_to_lowercase: (raw) => ({ ok: true, value: raw.toLowerCase() }),
  convert_to_uppercase: (raw) => ({ ok: true, value: raw.toUpperCase() }),
};

function argType(type: string | undefined): ArgType | undefined {
  if (type === 'int') return intType;
  return type === undefined ? undefined : CASE_TYPES[type];
}

export function hasParser(name: string): boolean {
  return PARSERS[name] !== undefined;
}

export function parserFor(name: string): ParserSpec {
  const c = PARSERS[name];
  if (!c) throw new Error(`no captured parser for neutron ${name}`);
  return capturedParser(c, (a) => capturedArg(a, undefined, argType(a.type)));
}
