/**
 * The legacy `neutron` CLI (python-neutronclient 8.1): finds the sub-command, parses its
 * arguments with the real client's parser (captured as data), runs it in one transaction and
 * prints neutronclient's way. One module per resource holds the sub-commands; they project what
 * sim/api/neutron answers.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { ParserSpec } from '../spec.js';
import { SimError } from '../../sim/errors.js';
import { transact } from '../../sim/clone.js';
import { requestId } from '../../sim/api/request-id.js';
import { formatHelp, parseArgs } from '../argparse.js';
import { cliffEnvDefaults } from '../formatter-args.js';
import { CliError } from '../errors.js';
import { hasParser, parserFor, splitValueSpecs } from './parsers.js';
import { TERMINAL_WIDTH, type Handler } from './common.js';
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
import type { CommandOutput } from '../../render/output.js';

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
};

/** The sub-commands Stacklab's `neutron` runs, and their real parsers (for Tab completion). */
export function neutronCommandNames(): string[] {
  return Object.keys(COMMANDS).sort();
}
export function neutronParser(name: string): ParserSpec | undefined {
  return hasParser(name) && name in COMMANDS ? parserFor(name) : undefined;
}

/** Runs `neutron <argv…>` on a copy of the cloud; see runOpenstack for the transaction rule. */
export function runNeutron(cloud: Cloud, argv: string[], opts: { columns?: number; env?: Record<string, string> } = {}): CommandOutput & { cloud: Cloud } {
  const name = argv[0] ?? '';
  const handler = COMMANDS[name];
  if (!handler) {
    if (name === '' || name === 'help' || name === '--help' || name === '-h') {
      return { stdout: `usage: neutron [--version] [-v] [-q] [-h] <subcommand> ...\n\nCommands: ${Object.keys(COMMANDS).sort().join(', ')}\n`, stderr: DEPRECATION, exitCode: 0, cloud };
    }
    return { stdout: '', stderr: `${DEPRECATION}Unknown command ['${name}']\n`, exitCode: 1, cloud };
  }
  const spec = parserFor(name);
  const { known, extra } = splitValueSpecs(spec, argv.slice(1));
  if (known.includes('-h') || known.includes('--help')) return { stdout: formatHelp(spec), stderr: DEPRECATION, exitCode: 0, cloud };
  const defaults = cliffEnvDefaults(opts.env);
  const parsed = parseArgs(spec, known, defaults ? { defaults } : {});
  if (!parsed.ok) {
    // neutronclient's shell adds a hint after argparse's own error.
    const hint = parsed.exitCode === 2 ? `Try 'neutron help ${name}' for more information.\n` : '';
    return { stdout: parsed.stdout, stderr: DEPRECATION + parsed.stderr + hint, exitCode: parsed.exitCode, cloud };
  }
  if (opts.columns !== undefined) parsed.values[TERMINAL_WIDTH] = opts.columns;
  const r = transact(cloud, (c) => handler(c, parsed.values, extra));
  if (r.ok) return { stdout: r.value.stdout, stderr: DEPRECATION + (r.value.stderr ?? ''), exitCode: r.value.exitCode ?? 0, cloud: r.cloud };
  const e = r.error;
  if (e instanceof SimError) {
    return { stdout: '', stderr: `${DEPRECATION}${e.message}\nNeutron server returns request_ids: ['${requestId(cloud, e.message, 'length')}']\n`, exitCode: 1, cloud };
  }
  if (e instanceof CliError) return { stdout: '', stderr: `${DEPRECATION}${e.message}\n`, exitCode: 1, cloud };
  throw e;
}
