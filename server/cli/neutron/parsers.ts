/** python-neutronclient 8.1's argument parsers, captured from the real client as data (neutron-parsers.json). */
import { capturedParser, type CapturedCommand, type ParserSpec } from '../spec.js';
import captured from './neutron-parsers.json' with { type: 'json' };

const PARSERS = (captured as unknown as { commands: Record<string, CapturedCommand> }).commands;

export function hasParser(name: string): boolean {
  return PARSERS[name] !== undefined;
}

export function parserFor(name: string): ParserSpec {
  const c = PARSERS[name];
  if (!c) throw new Error(`no captured parser for neutron ${name}`);
  return capturedParser(c);
}
