/**
 * The options cliff 4.0 adds to every ShowOne and Lister command (its output formatter plugins),
 * with the help sections they are listed under, in the order `openstack ... --help` shows them.
 */
import type { ArgSpec, HelpSection, MutexGroup } from './spec.js';

const OUTPUT = 'output formatters';
const CSV = 'CSV Formatter';
const JSON_F = 'json formatter';
const SHELL = 'shell formatter';
const TABLE = 'table formatter';

/** Mutex group id of `--sort-ascending | --sort-descending`. */
export const SORT_GROUP = 'cliff-sort-direction';

function formatArg(choices: readonly string[]): ArgSpec {
  return {
    flags: ['-f', '--format'],
    dest: 'formatter',
    choices,
    default: 'table',
    help: 'the output format, defaults to table',
    section: OUTPUT,
  };
}

const columnArg = (): ArgSpec => ({
  flags: ['-c', '--column'],
  dest: 'columns',
  metavar: 'COLUMN',
  action: 'append',
  default: [],
  help: 'specify the column(s) to include, can be repeated to show multiple columns',
  section: OUTPUT,
});

const noindentArg = (): ArgSpec => ({
  flags: ['--noindent'],
  dest: 'noindent',
  action: 'store_true',
  default: false,
  help: 'whether to disable indenting the JSON',
  section: JSON_F,
});

const tableArgs = (): ArgSpec[] => [
  {
    flags: ['--max-width'],
    dest: 'max_width',
    metavar: '<integer>',
    default: 0,
    type: (raw) => (/^\s*[-+]?\d+\s*$/.test(raw) ? { ok: true, value: Number.parseInt(raw, 10) } : { ok: false, message: `invalid int value: '${raw}'` }),
    help: 'Maximum display width, <1 to disable. You can also use the CLIFF_MAX_TERM_WIDTH environment variable, but the parameter takes precedence.',
    section: TABLE,
  },
  {
    flags: ['--fit-width'],
    dest: 'fit_width',
    action: 'store_true',
    default: false,
    help: 'Fit the table to the display width. Implied if --max-width greater than 0. Set the environment variable CLIFF_FIT_WIDTH=1 to always enable',
    section: TABLE,
  },
  {
    flags: ['--print-empty'],
    dest: 'print_empty',
    action: 'store_true',
    default: false,
    help: 'Print empty table if there is no data to show.',
    section: TABLE,
  },
];

/** `-f {json,shell,table,value,yaml}`, `-c`, `--noindent`, `--prefix`, table options (ShowOne). */
export function showFormatterArgs(): ArgSpec[] {
  return [
    formatArg(['json', 'shell', 'table', 'value', 'yaml']),
    columnArg(),
    noindentArg(),
    { flags: ['--prefix'], dest: 'prefix', default: '', help: 'add a prefix to all variable names', section: SHELL },
    ...tableArgs(),
  ];
}

/** Help sections of the ShowOne formatter options, in help order. */
export function showFormatterSections(): HelpSection[] {
  return [
    { title: OUTPUT, description: 'output formatter options' },
    { title: JSON_F },
    { title: SHELL, description: 'a format a UNIX shell can parse (variable="value")' },
    { title: TABLE },
  ];
}

/** `-f {csv,json,table,value,yaml}`, `-c`, sorting, `--quote`, `--noindent`, table options (Lister). */
export function listFormatterArgs(): ArgSpec[] {
  return [
    formatArg(['csv', 'json', 'table', 'value', 'yaml']),
    columnArg(),
    {
      flags: ['--quote'],
      dest: 'quote_mode',
      choices: ['all', 'minimal', 'none', 'nonnumeric'],
      default: 'nonnumeric',
      help: 'when to include quotes, defaults to nonnumeric',
      section: CSV,
    },
    noindentArg(),
    ...tableArgs(),
    {
      flags: ['--sort-column'],
      dest: 'sort_columns',
      metavar: 'SORT_COLUMN',
      action: 'append',
      default: [],
      help: 'specify the column(s) to sort the data (columns specified first have a priority, non-existing columns are ignored), can be repeated',
      section: OUTPUT,
    },
    {
      flags: ['--sort-ascending'],
      dest: 'sort_direction',
      action: 'store_const',
      const: 'asc',
      help: 'sort the column(s) in ascending order',
      group: SORT_GROUP,
      section: OUTPUT,
    },
    {
      flags: ['--sort-descending'],
      dest: 'sort_direction',
      action: 'store_const',
      const: 'desc',
      help: 'sort the column(s) in descending order',
      group: SORT_GROUP,
      section: OUTPUT,
    },
  ];
}

/** Help sections of the Lister formatter options, in help order. */
export function listFormatterSections(): HelpSection[] {
  return [
    { title: OUTPUT, description: 'output formatter options' },
    { title: CSV },
    { title: JSON_F },
    { title: TABLE },
  ];
}

/** The mutually exclusive groups the Lister formatter options use. */
export function listFormatterGroups(): MutexGroup[] {
  return [{ id: SORT_GROUP }];
}

/**
 * The defaults cliff reads from the environment when it builds a table formatter's options:
 * CLIFF_MAX_TERM_WIDTH for --max-width and CLIFF_FIT_WIDTH (0 or 1) for --fit-width. A value
 * that is not an integer is ignored here (the real CLI stops with a Python traceback).
 */
export function cliffEnvDefaults(env: Record<string, string> | undefined): Record<string, unknown> | undefined {
  if (!env) return undefined;
  const out: Record<string, unknown> = {};
  const int = (v: string | undefined): number | undefined => (v !== undefined && /^\s*[-+]?\d+\s*$/.test(v) ? Number.parseInt(v, 10) : undefined);
  const mw = int(env['CLIFF_MAX_TERM_WIDTH']);
  if (mw !== undefined) out['max_width'] = mw;
  const fw = int(env['CLIFF_FIT_WIDTH']);
  if (fw !== undefined) out['fit_width'] = fw !== 0;
  return Object.keys(out).length > 0 ? out : undefined;
}
