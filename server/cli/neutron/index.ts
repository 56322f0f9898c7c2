/**
 * The legacy `neutron` CLI (python-neutronclient 8.1): finds the sub-command, parses its
 * arguments with the real client's parser (captured as data), runs it in one transaction and
 * prints neutronclient's way. One module per resource holds the sub-commands; they project what
 * sim/api/neutron answers.
 */
import { extended, ownValue } from '../../sim/objects.js';
import type { Cloud } from '../../sim/model/cloud.js';
import type { ParserSpec } from '../spec.js';
import { SimError } from '../../sim/errors.js';
import { shareAll, transact } from '../../sim/clone.js';
import { requestId } from '../../sim/api/request-id.js';
import { formatHelp, parseKnownArgs } from '../argparse.js';
import { cliffEnvDefaults } from '../formatter-args.js';
import { CliError, clientSide, ClientFailure, CommittedFailure } from '../errors.js';
import { hasParser, parserFor } from './parsers.js';
import { readsValuesSpecs, splitCommandLine, valuesSpecsToAttributes, ValuesSpecsUsageError, type SpecValue } from './values-specs.js';
import { LOG, TERMINAL_WIDTH, type Handler } from './common.js';
import { netCommands } from './net.js';
import { subnetCommands } from './subnet.js';
import { portCommands } from './port.js';
import { routerCommands } from './router.js';
import { floatingIpCommands } from './floatingip.js';
import { securityGroupCommands } from './security-group.js';
import { subnetPoolCommands } from './subnetpool.js';
import { addressScopeCommands } from './address-scope.js';
import { quotaCommands } from './quota.js';
import { agentCommands } from './agent.js';
import { extensionCommands } from './extension.js';
import { unloadedCommands } from './unloaded.js';
import { tagCommands } from './tag.js';
import { rbacCommands } from './rbac.js';
import { bgpCommands } from './bgp.js';
import { autoAllocateCommands } from './auto-allocate.js';
import { purgeCommands } from './purge.js';
import type { CommandOutput } from '../../render/output.js';
import TOP_HELP from './neutron-help.json' with { type: 'json' };

export const DEPRECATION = 'neutron CLI is deprecated and will be removed in the Z cycle. Use openstack CLI instead.\n';

/** The explicit table of supported `neutron` sub-commands. */
const COMMANDS: Record<string, Handler> = {
  ...netCommands,
  ...subnetCommands,
  ...portCommands,
  ...routerCommands,
  ...floatingIpCommands,
  ...securityGroupCommands,
  ...subnetPoolCommands,
  ...addressScopeCommands,
  ...quotaCommands,
  ...agentCommands,
  ...extensionCommands,
  ...tagCommands,
  ...rbacCommands,
  ...bgpCommands,
  ...autoAllocateCommands,
  ...purgeCommands,
  ...unloadedCommands,
};

/** The sub-commands Stacklab's `neutron` runs, and their real parsers (for Tab completion). */
/**
 * The writes whose transaction shares the elements of the L3 collections with the cloud it starts
 * from (sim/clone.ts shareAll): their requests change one port, network, subnet, router or
 * floating IP at a time through `writable`, as the openstack commands' (OscCommand.shares).
 */
const SHARES: ReadonlySet<string> = new Set([
  'port-create', 'port-update', 'port-delete',
  'net-create', 'net-update', 'net-delete',
  'subnet-create', 'subnet-update', 'subnet-delete',
  'router-create', 'router-update', 'router-delete', 'router-interface-add', 'router-interface-delete', 'router-gateway-set', 'router-gateway-clear',
  'floatingip-create', 'floatingip-associate', 'floatingip-disassociate', 'floatingip-delete',
]);

export function neutronCommandNames(): string[] {
  return Object.keys(COMMANDS).sort();
}
export function neutronParser(name: string): ParserSpec | undefined {
  return hasParser(name) && ownValue(COMMANDS, name) ? parserFor(name) : undefined;
}

/** Runs `neutron <argv…>` on a copy of the cloud; see runOpenstack for the transaction rule. */
export function runNeutron(cloud: Cloud, argv: string[], opts: { columns?: number; env?: Record<string, string>; tty?: boolean } = {}): CommandOutput & { cloud: Cloud } {
  const name = argv[0] ?? '';
  // A learner's word, not the table's inherited keys (`neutron constructor` is an unknown command).
  const handler = ownValue(COMMANDS, name);
  if (!handler) {
    // Alone, neutronclient starts its interactive shell, which reads the end of input and prints a newline.
    if (argv.length === 0) return { stdout: '\n', stderr: DEPRECATION, exitCode: 0, cloud };
    if (name === 'help' || name === '--help' || name === '-h') {
      // `help CMD` is CMD's own help; any other word, the client's.
      const about = name === 'help' ? argv[1] : undefined;
      const stdout = about !== undefined && ownValue(COMMANDS, about) ? formatHelp(parserFor(about)) : TOP_HELP.text;
      return { stdout, stderr: DEPRECATION, exitCode: 0, cloud };
    }
    return { stdout: '', stderr: `${DEPRECATION}Unknown command ['${name}']\n`, exitCode: 1, cloud };
  }
  const spec = parserFor(name);
  const args = argv.slice(1);
  // -h anywhere before a `--` prints the help first, as argparse does while parsing.
  const dd = args.indexOf('--');
  const beforeDd = dd < 0 ? args : args.slice(0, dd);
  if (beforeDd.includes('-h') || beforeDd.includes('--help')) return { stdout: formatHelp(spec), stderr: DEPRECATION, exitCode: 0, cloud };
  const defaults = cliffEnvDefaults(opts.env);
  let failed: CommandOutput | undefined;
  const split = splitCommandLine(name, args, (known) => {
    const r = parseKnownArgs(spec, known, defaults ? { defaults } : {});
    if (r.ok && 'extras' in r) return r;
    if (!r.ok) {
      // neutronclient's shell adds a hint after argparse's own error.
      const hint = r.exitCode === 2 ? `Try 'neutron help ${name}' for more information.\n` : '';
      failed = { stdout: r.stdout, stderr: DEPRECATION + r.stderr + hint, exitCode: r.exitCode };
    }
    return null;
  });
  if (!split) return extended(failed ?? { stdout: '', stderr: DEPRECATION, exitCode: 2 }, { cloud });
  const parsed = { values: split.values };
  let extra: Record<string, SpecValue> = {};
  if (readsValuesSpecs(name)) {
    try {
      extra = valuesSpecsToAttributes(split.valuesSpecs);
    } catch (e) {
      if (e instanceof ValuesSpecsUsageError) {
        const stderr = `usage: neutron ${e.usage}\nneutron: error: argument ${e.flag}: ${e.message}\nTry 'neutron help ${name}' for more information.\n`;
        return { stdout: '', stderr: DEPRECATION + stderr, exitCode: 2, cloud };
      }
      if (e instanceof CliError) return { stdout: '', stderr: `${DEPRECATION}${e.message}\n`, exitCode: 1, cloud };
      throw e;
    }
  }
  // -D/--show-details asks a list for verbose=True, a filter Neutron 21 refuses.
  if (readsValuesSpecs(name) && name.endsWith('list') && parsed.values['show_details'] === true) extra = extended(extra, { verbose: true });
  // cliff fits a table to the terminal only when its output goes to one.
  if (opts.columns !== undefined && opts.tty !== false) parsed.values[TERMINAL_WIDTH] = opts.columns;
  // What the command logs as it goes comes first on stderr, whatever happens next.
  const log: string[] = [];
  parsed.values[LOG] = log;
  const r = transact(cloud, (c) => {
    // A command transact runs again on copies (sim/clone.ts) logs again from the start.
    log.length = 0;
    if (SHARES.has(name)) shareAll(c);
    return clientSide(() => handler(c, parsed.values, extra));
  });
  const head = () => DEPRECATION + log.join('');
  if (r.ok) {
    const v = r.value;
    if (v instanceof ClientFailure) return { stdout: '', stderr: `${head()}${v.error.message}\n`, exitCode: 1, cloud: r.cloud };
    if (v instanceof CommittedFailure) {
      const m = v.error instanceof Error ? v.error.message : String(v.error);
      return { stdout: '', stderr: `${head()}${m}\nNeutron server returns request_ids: ['${requestId(cloud, m, 'length')}']\n`, exitCode: 1, cloud: r.cloud };
    }
    return { stdout: v.stdout, stderr: head() + (v.stderr ?? ''), exitCode: v.exitCode ?? 0, cloud: r.cloud };
  }
  const e = r.error;
  if (e instanceof SimError) {
    // The failed call's cloud: unchanged but for the ids it drew (see transact).
    return { stdout: '', stderr: `${head()}${e.message}\nNeutron server returns request_ids: ['${requestId(cloud, e.message, 'length')}']\n`, exitCode: 1, cloud: r.cloud };
  }
  if (e instanceof CliError) return { stdout: '', stderr: `${head()}${e.message}\n`, exitCode: 1, cloud: r.cloud };
  throw e;
}
