/** COMMANDS.md, generated from the command table so it cannot go stale (`npm run docs`). */
import { OPENSTACK_COMMANDS } from './index.js';
import { parserFor, summaryOf } from './registry.js';
import { TRACE_ARGS, TRACE_SUMMARY, TRACE_USAGE } from '../linux/stacklab-trace.js';

/** Stacklab's own command, on every host. */
function stacklabMarkdown(): string[] {
  const args = TRACE_ARGS.map(([name, doc]) => `${name}: ${doc}`).join('; ');
  const usage = TRACE_USAGE.trim().replace(/^usage: /, '');
  return ['## stacklab', '', "Stacklab's own tool, on every host (`help` mentions it).", '', '| command | what it does | arguments |', '| --- | --- | --- |', `| \`${usage.replace(/\|/g, '\\|')}\` | ${TRACE_SUMMARY} | ${args.replace(/\|/g, '\\|')} |`];
}

export function commandsMarkdown(): string {
  const out: string[] = [
    '# Supported commands',
    '',
    'Generated from the command table by `npm run docs`; a test fails when this file is stale.',
    'Options are those of the real python-openstackclient 6.0.0 parsers (server/cli/openstack/osc-parsers.json);',
    'every one is accepted, and the ones that change the simulated cloud or the output are listed here.',
    '',
    '## openstack',
    '',
    '| command | what it does | options |',
    '| --- | --- | --- |',
  ];
  for (const c of OPENSTACK_COMMANDS) {
    const spec = parserFor(c.name);
    const positional = spec.args.filter((a) => a.flags.length === 0).map((a) => a.metavar ?? a.dest);
    const options = spec.args
      .filter((a) => a.flags.length > 0 && a.help !== null && a.section === undefined && !a.flags.includes('-h'))
      .map((a) => `\`${a.flags[a.flags.length - 1] ?? ''}\``);
    const usage = [c.name, ...positional].join(' ');
    out.push(`| \`${usage}\` | ${summaryOf(c.name).replace(/\|/g, '\\|')} | ${options.join(' ')} |`);
  }
  out.push('', ...stacklabMarkdown(), '');
  return out.join('\n');
}
