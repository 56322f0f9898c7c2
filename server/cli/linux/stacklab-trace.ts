/**
 * `stacklab trace FROM TO [icmp|tcp/PORT|udp/PORT]`: Stacklab's own tool, on every host. It
 * prints the path the reach query (the one behind ping, ssh and curl) finds, hop by hop, and
 * hands the path to the page, which highlights it on the topology.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Proto } from '../../sim/reach.js';
import { explainPath, INTERNET_ADDRESS, resolveEnd, shownName, type PacketPath } from '../../sim/api/packet-path.js';
import { packetPathText, wrapWords } from '../../render/packet-path.js';
import type { CommandOutput } from '../../render/output.js';

export interface StacklabResult extends CommandOutput {
  /** The path traced, for the page (set whenever a path was computed, delivered or not). */
  path?: PacketPath;
}

export interface StacklabCtx {
  cloud: Cloud;
  /** The session's machines (`network` is an endpoint only when the learner has the node). */
  hosts: readonly string[];
  columns: number;
}

export const TRACE_USAGE = 'usage: stacklab trace FROM TO [icmp|tcp/PORT|udp/PORT]\n';

/** What the command does (its `--help` and COMMANDS.md). */
export const TRACE_SUMMARY =
  "Show the path a packet takes through the cloud, hop by hop: the VM's tap, its security groups, the router's qr- port and namespace, the SNAT/DNAT rule, the qg- port, the upstream gateway, the Internet; and where and why it is dropped.";

/** Its arguments, documented once for `--help` and COMMANDS.md. */
export const TRACE_ARGS: ReadonlyArray<readonly [string, string]> = [
  ['FROM', 'a server (name or ID), laptop, internet, or network (the network node, when you have it) or one of its qrouter-/qdhcp- namespaces'],
  ['TO', `a server (its floating IP from outside, else its fixed IP), laptop, internet (${INTERNET_ADDRESS}) or an address`],
  ['PROTO', 'icmp (the default: what ping sends), tcp/PORT (tcp/22: ssh) or udp/PORT'],
];

const TRACE_EXIT = 'Exit status: 0 when the path was traced (delivered or dropped: the last line says which, as with traceroute), 2 when the command line is wrong.';

/** `stacklab trace --help`, in 80 columns. */
export const TRACE_HELP = [
  TRACE_USAGE,
  '\n',
  ...wrapWords(TRACE_SUMMARY, 79).map((l) => `${l}\n`),
  '\n',
  ...TRACE_ARGS.flatMap(([name, doc]) => wrapWords(doc, 70).map((l, i) => `  ${(i === 0 ? name : '').padEnd(7)}${l}\n`)),
  '\n',
  ...wrapWords(TRACE_EXIT, 79).map((l) => `${l}\n`),
].join('');

const usageError = (command: string, message: string): StacklabResult => ({ stdout: '', stderr: `${command}: ${message}\n${TRACE_USAGE}`, exitCode: 2 });

/** `icmp`, `tcp/PORT`, `udp/PORT` (any case; PORT 1-65535); null when it is none of them. */
export function parseProto(text: string): { proto: Proto; port: number | null } | null {
  const m = /^(icmp|tcp|udp)(?:\/(\d{1,5}))?$/i.exec(text);
  if (!m) return null;
  const proto = (m[1] as string).toLowerCase() as Proto;
  if (proto === 'icmp') return m[2] === undefined ? { proto, port: null } : null;
  const port = m[2] === undefined ? NaN : Number(m[2]);
  return port >= 1 && port <= 65535 ? { proto, port } : null;
}

/** `stacklab …`: only `trace` (and help) so far. */
export function runStacklab(ctx: StacklabCtx, args: readonly string[]): StacklabResult {
  const [sub, ...rest] = args;
  if (sub === '-h' || sub === '--help' || sub === 'help') return { stdout: TRACE_HELP, stderr: '', exitCode: 0 };
  if (sub === undefined) return { stdout: '', stderr: TRACE_USAGE, exitCode: 2 };
  if (sub !== 'trace') return usageError('stacklab', `unknown command '${shownName(sub)}'`);
  return runTrace(ctx, rest);
}

function runTrace(ctx: StacklabCtx, args: readonly string[]): StacklabResult {
  const me = 'stacklab trace';
  if (args.some((a) => a === '-h' || a === '--help')) return { stdout: TRACE_HELP, stderr: '', exitCode: 0 };
  const words = args[0] === '--' ? args.slice(1) : args;
  const option = args[0] === '--' ? undefined : words.find((a) => a.startsWith('-') && a.length > 1);
  if (option !== undefined) return usageError(me, `unknown option '${shownName(option)}'`);
  if (words.length < 2) return usageError(me, words.length === 0 ? 'missing FROM and TO' : 'missing TO');
  if (words.length > 3) return usageError(me, `too many arguments ('${shownName(words[3] as string)}')`);
  const [from, to, protoWord] = words as [string, string, string?];
  const proto = parseProto(protoWord ?? 'icmp');
  if (proto === null) return usageError(me, `bad protocol '${shownName(protoWord ?? '')}' (icmp, tcp/PORT or udp/PORT; PORT 1-65535)`);
  const opts = { hosts: ctx.hosts };
  for (const [name, role] of [[from, 'from'], [to, 'to']] as const) {
    const end = resolveEnd(ctx.cloud, name, role, opts);
    if (typeof end === 'string') return usageError(me, end);
  }
  const path = explainPath(ctx.cloud, from, to, proto.proto, proto.port, opts);
  return { stdout: packetPathText(path, ctx.columns), stderr: '', exitCode: 0, path };
}
