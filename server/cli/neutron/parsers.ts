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

/** `--key value` options the parser does not know become API attributes (neutronclient value_specs). */
export function splitValueSpecs(spec: ParserSpec, argv: string[]): { known: string[]; extra: Record<string, string | true> } {
  const flags = new Set(spec.args.flatMap((x) => x.flags));
  const known: string[] = [];
  const extra: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i] as string;
    const name = t.startsWith('--') ? (t.includes('=') ? t.slice(0, t.indexOf('=')) : t) : null;
    if (name === null || flags.has(name) || t === '--') {
      known.push(t);
      continue;
    }
    if (t.includes('=')) extra[name.slice(2)] = t.slice(t.indexOf('=') + 1);
    else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('-')) extra[name.slice(2)] = argv[++i] as string;
    else extra[name.slice(2)] = true;
  }
  return { known, extra };
}
