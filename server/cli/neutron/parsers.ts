/** python-neutronclient 8.1's argument parsers, captured from the real client as data (neutron-parsers.json). */
import { capturedArg, capturedParser, type ArgType, type CapturedCommand, type ParserSpec } from '../spec.js';
import captured from './neutron-parsers.json' with { type: 'json' };

const PARSERS = (captured as unknown as { commands: Record<string, CapturedCommand> }).commands;

/** argparse's `type=int`: Python's int() of the word (blanks, a sign and digit-separating underscores allowed). */
const intType: ArgType = (raw) =>
  /^\s*[+-]?\d+(_\d+)*\s*$/.test(raw) ? { ok: true, value: Number.parseInt(raw.replace(/_/g, ''), 10) } : { ok: false, message: `invalid int value: '${raw}'` };

export function hasParser(name: string): boolean {
  return PARSERS[name] !== undefined;
}

export function parserFor(name: string): ParserSpec {
  const c = PARSERS[name];
  if (!c) throw new Error(`no captured parser for neutron ${name}`);
  return capturedParser(c, (a) => capturedArg(a, undefined, a.type === 'int' ? intType : undefined));
}
