/**
 * `openstack …`: finds the command (longest multi-word match), parses its arguments with the
 * real client's parser, runs it on the cloud and prints the result with cliff's formatters.
 */
import { extended } from '../../sim/objects.js';
import type { Cloud } from '../../sim/model/cloud.js';
import { renderList, renderShow, type FormatOptions } from '../../render/cliff.js';
import { shareAll, transact } from '../../sim/clone.js';
import { formatHelp, parseArgs } from '../argparse.js';
import { cliffEnvDefaults } from '../formatter-args.js';
import { BareArgError, clientSide, ClientFailure, CommittedFailure } from '../errors.js';
import { agentCommands } from './agent.js';
import { bgpCommands } from './bgp.js';
import { segmentCommands } from './segment.js';
import { errorLine, type OpenFile, type OscCommand } from './common.js';
import { computeCommands } from './compute.js';
import { extensionCommands } from './extension.js';
import { addressGroupCommands } from './address-group.js';
import { serviceProviderCommands } from './service-provider.js';
import { floatingIpCommands } from './floating-ip.js';
import { ipAvailabilityCommands } from './ip-availability.js';
import { availabilityZoneCommands } from './availability-zone.js';
import { loadBalancerCommands } from './loadbalancer/index.js';
import { networkCommands } from './network.js';
import { portCommands } from './port.js';
import { parserFor, summaryOf } from './registry.js';
import { rbacCommands } from './rbac.js';
import { routerCommands } from './router.js';
import { securityGroupCommands } from './security-group.js';
import { subnetCommands } from './subnet.js';
import { subnetPoolCommands } from './subnet-pool.js';
import { topLevel } from '../osc-top.js';
import type { CommandOutput } from '../../render/output.js';

export type CommandResult = CommandOutput;

/** The explicit table of supported `openstack` commands. */
export const OPENSTACK_COMMANDS: readonly OscCommand[] = [
  ...networkCommands,
  ...subnetCommands,
  ...subnetPoolCommands,
  ...addressGroupCommands,
  ...rbacCommands,
  ...routerCommands,
  ...portCommands,
  ...floatingIpCommands,
  ...securityGroupCommands,
  ...computeCommands,
  ...agentCommands,
  ...segmentCommands,
  ...loadBalancerCommands,
  ...bgpCommands,
  ...ipAvailabilityCommands,
  ...extensionCommands,
  ...availabilityZoneCommands,
  ...serviceProviderCommands,
];

const BY_NAME = new Map(OPENSTACK_COMMANDS.map((c) => [c.name, c]));

let listCache: Array<{ name: string; summary: string }> | null = null;

export function commandList(): Array<{ name: string; summary: string }> {
  listCache ??= OPENSTACK_COMMANDS.map((c) => ({ name: c.name, summary: summaryOf(c.name) }));
  return listCache;
}

/**
 * list/show commands never change the cloud, so they run on it directly, without a copy; except
 * those that list security groups or rules (by name too), which make a project's default group
 * the first time: a read that may write ('mostly', see sim/clone.ts transact).
 */
function readOnly(name: string): boolean | 'mostly' {
  if (!/ (list|show)$/.test(name)) return false;
  return name.startsWith('security group ') ? 'mostly' : true;
}

/** `terminal`: the width of the terminal the output goes to, none when it goes to a pipe (not a tty). */
function formatOptions(v: Record<string, unknown>, terminal: number | undefined): FormatOptions {
  const o: FormatOptions = terminal === undefined ? {} : { terminalWidth: terminal };
  if (typeof v['formatter'] === 'string') o.format = v['formatter'];
  if (Array.isArray(v['columns'])) o.columns = v['columns'] as string[];
  if (v['noindent'] === true) o.noindent = true;
  if (typeof v['prefix'] === 'string') o.prefix = v['prefix'];
  if (typeof v['max_width'] === 'number') o.maxWidth = v['max_width'];
  if (v['fit_width'] === true) o.fitWidth = true;
  if (v['print_empty'] === true) o.printEmpty = true;
  if (typeof v['quote_mode'] === 'string') o.quote = v['quote_mode'] as NonNullable<FormatOptions['quote']>;
  if (Array.isArray(v['sort_columns'])) o.sortColumns = v['sort_columns'] as string[];
  if (v['sort_direction'] === 'desc') o.sortDescending = true;
  if (Array.isArray(v['variables']) && v['variables'].length > 0) o.variables = v['variables'] as string[];
  return o;
}

/**
 * Runs `openstack <argv…>`. The command works on a copy of the cloud: the returned cloud is
 * that copy when the command ran to its end (even if it printed an error, as multi-deletes do)
 * and the untouched original when an API error stopped it half-way, as Neutron's transactions would.
 */
export function runOpenstack(
  cloud: Cloud,
  argv: string[],
  opts: { columns?: number; env?: Record<string, string>; openFile?: OpenFile; tty?: boolean } = {},
): CommandResult & { cloud: Cloud } {
  return runOn(cloud, argv, opts.columns ?? 80, cliffEnvDefaults(opts.env), opts.openFile, opts.tty !== false, opts.env ?? NO_ENV);
}

const NO_ENV: Record<string, string> = {};

/** done, with the warning the command logged first on stderr (if any). */
function said(warning: string | undefined, x: CommandResult, c: Cloud): CommandResult & { cloud: Cloud } {
  return done(warning === undefined ? x : extended(x, { stderr: `${warning}\n${x.stderr}` }), c);
}

/** A command's output with the cloud it leaves (a module function, not a closure: runOn runs per command). */
function done(x: CommandResult, c: Cloud): CommandResult & { cloud: Cloud } {
  // { ...x, cloud: c } without the spread: in Node 20 a key added after a spread is slow.
  return Object.assign({}, x, { cloud: c });
}

function runOn(cloud: Cloud, argv: string[], columns: number, defaults: Record<string, unknown> | undefined, openFile: OpenFile | undefined, tty: boolean, env: Record<string, string>): CommandResult & { cloud: Cloud } {
  const terminal = tty ? columns : undefined;
  const top = topLevel(argv, commandList());
  if (top.kind === 'output') return done(top, cloud);
  const cmd = BY_NAME.get(top.name);
  if (!cmd) throw new Error(`openstack: no implementation for '${top.name}'`);
  const spec = parserFor(cmd.name);
  if (top.kind === 'help') return done({ stdout: formatHelp(spec, columns), stderr: '', exitCode: 0 }, cloud);
  let parsed;
  try {
    parsed = parseArgs(spec, top.rest, defaults ? { columns, defaults } : { columns });
  } catch (e) {
    if (e instanceof BareArgError) return done({ stdout: '', stderr: `${e.message}\n`, exitCode: 1 }, cloud);
    throw e;
  }
  if (!parsed.ok) return done(parsed, cloud);
  // list/show commands never change the cloud: they read it directly; the others work in a
  // transaction on a copy-on-write draft (see sim/clone.ts).
  const values = parsed.values;
  // What the command logs as it starts (a deprecation): first on stderr, whatever happens next.
  const warning = cmd.warns?.(values);
  // The global options are the words before the command's name and arguments.
  const globals = argv.slice(0, argv.length - top.rest.length - cmd.name.split(' ').length);
  const r = transact(cloud, (c) => {
    if (cmd.shares) shareAll(c);
    return clientSide(() => cmd.run(openFile ? { cloud: c, args: values, openFile, globals, env } : { cloud: c, args: values, globals, env }));
  }, readOnly(cmd.name));
  if (!r.ok) return said(warning, { stdout: '', stderr: `${errorLine(r.draft, r.error, cmd.style ?? 'sdk')}\n`, exitCode: 1 }, r.cloud);
  if (r.value instanceof ClientFailure || r.value instanceof CommittedFailure) return said(warning, { stdout: '', stderr: `${errorLine(r.cloud, r.value.error, cmd.style ?? 'sdk')}\n`, exitCode: 1 }, r.cloud);
  const out = r.value;
  const next = r.cloud;
  switch (out.kind) {
    case 'none':
      return said(warning, { stdout: '', stderr: '', exitCode: 0 }, next);
    case 'text':
      return said(warning, { stdout: out.stdout, stderr: out.stderr ?? '', exitCode: out.exitCode ?? 0 }, next);
    case 'show':
      return said(warning, renderShow(out.data, formatOptions(parsed.values, terminal)), next);
    case 'list':
      return said(warning, renderList(out.data, formatOptions(parsed.values, terminal)), next);
  }
}
