import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatHelp, formatUsage, parseArgs } from './argparse.js';
import { listFormatterArgs, listFormatterGroups, listFormatterSections, showFormatterArgs, showFormatterSections } from './formatter-args.js';
import { parserFor } from './openstack/registry.js';
import type { ArgSpec, ParserSpec } from './spec.js';

const golden = (name: string): string => readFileSync(new URL(`../../test/help/${name}`, import.meta.url), 'utf8');
const helpArg: ArgSpec = { flags: ['-h', '--help'], dest: 'help', action: 'help', help: 'show this help message and exit' };

/** `openstack network show`, written by hand with the real help strings. */
const networkShow: ParserSpec = {
  prog: 'openstack network show',
  description: 'Show network details',
  args: [helpArg, ...showFormatterArgs(), { flags: [], dest: 'network', metavar: '<network>', help: 'Network to display (name or ID)' }],
  sections: showFormatterSections(),
};

const tags = (verb: string, which: string): string => `${verb} networks which have ${which} given tag(s) (Comma-separated list of tags)`;
const opt = (flag: string, metavar: string | undefined, help: string, extra: Partial<ArgSpec> = {}): ArgSpec => ({
  flags: [flag],
  dest: flag.slice(2).replace(/-/g, '_'),
  ...(metavar !== undefined ? { metavar } : { action: 'store_true' as const }),
  help,
  ...extra,
});

/** `openstack network list`, by hand. */
const networkList: ParserSpec = {
  prog: 'openstack network list',
  description: 'List networks',
  args: [
    helpArg,
    ...listFormatterArgs(),
    opt('--external', undefined, 'List external networks', { group: 'ext' }),
    opt('--internal', undefined, 'List internal networks', { group: 'ext' }),
    opt('--long', undefined, 'List additional fields in output'),
    opt('--name', '<name>', 'List networks according to their name'),
    opt('--enable', undefined, 'List enabled networks', { group: 'en' }),
    opt('--disable', undefined, 'List disabled networks', { group: 'en' }),
    opt('--project', '<project>', 'List networks according to their project (name or ID)'),
    opt('--project-domain', '<project-domain>', 'Domain the project belongs to (name or ID). This can be used in case collisions between project names exist.'),
    opt('--share', undefined, 'List networks shared between projects', { group: 'sh' }),
    opt('--no-share', undefined, 'List networks not shared between projects', { group: 'sh' }),
    opt('--status', '<status>', "List networks according to their status ('ACTIVE', 'BUILD', 'DOWN', 'ERROR')", { choices: ['ACTIVE', 'BUILD', 'DOWN', 'ERROR'] }),
    opt('--provider-network-type', '<provider-network-type>', 'List networks according to their physical mechanisms. The supported options are: flat, geneve, gre, local, vlan, vxlan.', { choices: ['flat', 'geneve', 'gre', 'local', 'vlan', 'vxlan'] }),
    opt('--provider-physical-network', '<provider-physical-network>', 'List networks according to name of the physical network'),
    opt('--provider-segment', '<provider-segment>', 'List networks according to VLAN ID for VLAN networks or Tunnel ID for GENEVE/GRE/VXLAN networks'),
    opt('--agent', '<agent-id>', 'List networks hosted by agent (ID only)'),
    opt('--tags', '<tag>[,<tag>,...]', tags('List', 'all')),
    opt('--any-tags', '<tag>[,<tag>,...]', tags('List', 'any')),
    opt('--not-tags', '<tag>[,<tag>,...]', tags('Exclude', 'all')),
    opt('--not-any-tags', '<tag>[,<tag>,...]', tags('Exclude', 'any')),
  ],
  groups: [...listFormatterGroups(), { id: 'ext' }, { id: 'en' }, { id: 'sh' }],
  sections: listFormatterSections(),
};

const usageOf = (file: string): string => {
  const text = golden(file);
  return text.slice(0, text.indexOf('\n\n') + 1);
};

describe('formatHelp against real OSC 6.0.0 help (COLUMNS=80)', () => {
  it('network show (hand-written spec with showFormatterArgs)', () => {
    expect(formatHelp(networkShow, 80)).toBe(golden('network-show.txt'));
  });
  it('network list (hand-written spec with listFormatterArgs)', () => {
    expect(formatHelp(networkList, 80)).toBe(golden('network-list.txt'));
  });
  for (const [cmd, file] of [
    ['network create', 'network-create.txt'],
    ['subnet create', 'subnet-create.txt'],
    ['router set', 'router-set.txt'],
    ['server create', 'server-create.txt'],
  ] as const) {
    it(`${cmd} (captured parser)`, () => {
      expect(formatHelp(parserFor(cmd), 80)).toBe(golden(file));
      expect(formatUsage(parserFor(cmd), 80)).toBe(usageOf(file));
    });
  }
});

describe('parseArgs: help and errors byte for byte', () => {
  const err = (name: string) => ({ ok: false, stdout: '', stderr: golden(`${name}.stderr`), exitCode: Number(golden(`${name}.exit`).trim()) });
  it('-h prints the help on stdout, exit 0', () => {
    expect(parseArgs(networkShow, ['net1', '-h'])).toEqual({ ok: false, stdout: golden('network-show.txt'), stderr: '', exitCode: 0 });
  });
  it('missing positional', () => {
    expect(parseArgs(networkShow, [])).toEqual(err('err-missing-positional'));
  });
  it('expected one argument', () => {
    expect(parseArgs(networkShow, ['-c'])).toEqual(err('err-expected-one'));
  });
  it('unrecognized arguments', () => {
    expect(parseArgs(networkShow, ['--bogus', 'n'])).toEqual(err('err-unrecognized'));
  });
  it('missing required option', () => {
    expect(parseArgs(parserFor('subnet create'), ['--subnet-range', '10.0.0.0/24', 's1'])).toEqual(err('err-missing-required'));
  });
  it('invalid choice of an int-typed option shows ints unquoted', () => {
    expect(parseArgs(parserFor('subnet create'), ['--network', 'n', '--ip-version', '5', '--subnet-range', '10.0.0.0/24', 's1'])).toEqual(err('err-invalid-choice'));
  });
  it('mutually exclusive', () => {
    expect(parseArgs(parserFor('network create'), ['--share', '--no-share', 'n'])).toEqual(err('err-mutex'));
  });
  it('ambiguous abbreviation', () => {
    expect(parseArgs(parserFor('network create'), ['--e', 'n'])).toEqual(err('err-ambiguous'));
  });
});

describe('parseArgs: values', () => {
  it('interleaves options and positionals, --opt=value, abbreviations and defaults', () => {
    const r = parseArgs(networkList, ['--sort-desc', '-c', 'ID', '--column=Name', '--st', 'ACTIVE', '-fjson']);
    expect(r).toEqual({
      ok: true,
      values: expect.objectContaining({ sort_direction: 'desc', columns: ['ID', 'Name'], status: 'ACTIVE', formatter: 'json', long: false, quote_mode: 'nonnumeric' }),
    });
  });
  it('invalid choice of a string option is quoted', () => {
    const r = parseArgs(networkList, ['--status', 'UP']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.stderr.split('\n').at(-2)).toBe("openstack network list: error: argument --status: invalid choice: 'UP' (choose from 'ACTIVE', 'BUILD', 'DOWN', 'ERROR')");
  });
  it('a type converter message follows "argument X:"', () => {
    const r = parseArgs(networkShow, ['n', '--max-width', 'abc']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.stderr.split('\n').at(-2)).toBe("openstack network show: error: argument --max-width: invalid int value: 'abc'");
  });
  it('-- ends options', () => {
    const r = parseArgs(networkShow, ['--', '--weird-name']);
    expect(r).toEqual({ ok: true, values: expect.objectContaining({ network: '--weird-name', columns: [] }) });
  });
});

describe('parseArgs against Python 3.11.2 argparse (test/help/argparse-py311.*)', () => {
  const int = (r: string) => (/^\s*[-+]?\d+\s*$/.test(r) ? { ok: true as const, value: Number.parseInt(r, 10) } : { ok: false as const, message: `invalid int value: '${r}'` });
  /** The parser test/help/argparse-py311.py builds. */
  const thing: ParserSpec = {
    prog: 'openstack thing create',
    description: 'Create a thing',
    groups: [{ id: 'g', required: true }],
    args: [
      helpArg,
      { flags: [], dest: 'name', metavar: '<name>', help: 'New name' },
      { flags: [], dest: 'extra', metavar: '<extra>', nargs: '*', help: 'Extras' },
      { flags: ['--size'], dest: 'size', metavar: '<size>', type: int, help: 'Size' },
      { flags: ['--tag'], dest: 'tag', metavar: '<tag>', action: 'append', help: 'Tag' },
      { flags: ['--pair'], dest: 'pair', metavar: '<v>', nargs: 2, help: 'Pair' },
      { flags: ['--opt'], dest: 'opt', nargs: '?', const: 'C', default: 'D', help: 'Opt' },
      { flags: ['-v', '--verbose'], dest: 'verbose', action: 'count', default: 0, help: 'Verbose' },
      { flags: ['--marker'], dest: 'marks', action: 'append_const', const: 'M', help: 'Mark' },
      { flags: ['--mode'], dest: 'mode', choices: ['a', 'b'], help: 'Mode' },
      { flags: ['--enable'], dest: 'enable', action: 'store_true', group: 'g', help: 'En' },
      { flags: ['--disable'], dest: 'disable', action: 'store_true', group: 'g', help: 'Dis' },
    ],
  };
  interface PyCase { argv: string[]; code: number | null; stdout: string; stderr: string; values: Record<string, unknown> | null }
  const cases = JSON.parse(golden('argparse-py311.json')) as PyCase[];
  for (const c of cases) {
    it(JSON.stringify(c.argv), () => {
      const r = parseArgs(thing, c.argv);
      if (c.code === null) {
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const { help: _help, ...values } = r.values;
        expect(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === undefined ? null : v]))).toEqual(c.values);
      } else expect(r).toEqual({ ok: false, stdout: c.stdout, stderr: c.stderr, exitCode: c.code });
    });
  }

  it('formatHelp equals Python 3.11.2 format_help() at 60, 80 and 120 columns (sections, epilog, hidden, long options)', () => {
    const want = JSON.parse(golden('argparse-py311-help.json')) as Record<string, string>;
    const spec: ParserSpec = {
      ...thing,
      description: 'Create a thing. '.repeat(12),
      epilog: 'This is the epilog text which is also long enough to wrap around the width for sure, yes.',
      sections: [{ title: 'extra section', description: 'A description of the extra section that is long enough to wrap at eighty columns wide.' }],
      args: [
        ...thing.args.map((a) => (a.dest === 'size' ? { ...a, type: undefined } : a)),
        { flags: ['--a-really-long-option-name-for-testing'], dest: 'a', metavar: '<a-really-long-metavar>', help: 'Help '.repeat(30).trim(), section: 'extra section' },
        { flags: ['--hidden'], dest: 'hidden', help: null, section: 'extra section' },
        { flags: ['--x'], dest: 'x', metavar: '<x>', nargs: '+', help: 'plus', section: 'extra section' },
      ],
    };
    for (const cols of [60, 80, 120]) expect(formatHelp(spec, cols)).toBe(want[String(cols)]);
  });
});

describe("osc-lib's actions check their values after argparse's mutually exclusive groups", () => {
  const conflict = /openstack port create: error: argument --fixed-ip: not allowed with argument --no-fixed-ip\n$/;
  it('a conflicting option is the usage error, even when its value is also wrong (the oracle, golden 53)', () => {
    const r = parseArgs(parserFor('port create'), ['--network', 'n1', '--no-fixed-ip', '--fixed-ip', 'bogus=1', 'p1']);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(conflict);
    }
  });
  it("the wrong value first is the action's own error, raised before the later option is seen", () => {
    expect(() => parseArgs(parserFor('port create'), ['--network', 'n1', '--fixed-ip', 'bogus=1', '--no-fixed-ip', 'p1'])).toThrow(/^Invalid keys bogus specified\./);
  });
  it('a value with no conflict is still converted (each of an appended option)', () => {
    const r = parseArgs(parserFor('port create'), ['--network', 'n1', '--fixed-ip', 'subnet=s1', '--fixed-ip', 'ip-address=10.0.0.5', 'p1']);
    expect(r.ok && r.values['fixed_ip']).toEqual([{ subnet: 's1' }, { 'ip-address': '10.0.0.5' }]);
  });
});
