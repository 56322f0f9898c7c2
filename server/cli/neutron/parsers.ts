/** python-neutronclient 8.1's argument parsers, captured from the real client as data (neutron-parsers.json). */
import type { ArgSpec, ParserSpec } from '../spec.js';
import captured from './neutron-parsers.json' with { type: 'json' };

interface CapturedArg {
  flags: string[];
  dest: string;
  action: string;
  metavar?: string | null;
  help?: string | null;
  nargs?: string | number;
  required?: boolean;
  choices?: string[];
  default?: unknown;
  const?: unknown;
  group?: string;
  section?: string;
}
interface CapturedCommand {
  prog: string;
  description: string | null;
  args: CapturedArg[];
  groups: Array<{ id: string; required: boolean }>;
  sections: Array<{ title: string; description?: string }>;
}
const PARSERS = (captured as unknown as { commands: Record<string, CapturedCommand> }).commands;

export function hasParser(name: string): boolean {
  return PARSERS[name] !== undefined;
}

export function parserFor(name: string): ParserSpec {
  const c = PARSERS[name];
  if (!c) throw new Error(`no captured parser for neutron ${name}`);
  return {
    prog: c.prog,
    ...(c.description ? { description: c.description } : {}),
    groups: c.groups,
    sections: c.sections,
    args: c.args.map((a): ArgSpec => {
      const s: ArgSpec = { flags: a.flags, dest: a.dest, action: a.action as ArgSpec['action'] };
      if (a.metavar !== undefined && a.metavar !== null) s.metavar = a.metavar;
      if (a.help !== undefined) s.help = a.help;
      if (a.nargs !== undefined) s.nargs = a.nargs as ArgSpec['nargs'];
      if (a.required) s.required = true;
      if (a.choices !== undefined) s.choices = a.choices;
      if (a.default !== undefined) s.default = a.default;
      if (a.const !== undefined) s.const = a.const;
      if (a.group !== undefined) s.group = a.group;
      if (a.section !== undefined) s.section = a.section;
      return s;
    }),
  };
}
