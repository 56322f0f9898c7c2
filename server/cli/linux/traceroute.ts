/** `traceroute` (Linux traceroute 2.1, or BusyBox's on CirrOS): the reach query's hops as UDP probes see them, printed by render/traceroute.ts. */
import { hopRtts, probeTime } from '../../sim/dataplane/latency.js';
import { trace } from '../../sim/reach.js';
import { parseIp } from '../../sim/ipam.js';
import { tracerouteText } from '../../render/traceroute.js';
import { endpoint, err, isCirros, ok, operands, type HostCtx, type HostResult } from './host.js';

export function runTraceroute(ctx: HostCtx, argv: string[], ns: string | null = null): HostResult {
  const numeric = argv.includes('-n');
  const target = operands(argv, ['-m', '-q', '-w', '-p', '-f', '-s', '-i', '-z', '-N'])[0];
  if (!target) return err('Specify "host" missing argument.\n', 2);
  if (!parseIp(target)) return err(`${target}: Name or service not known\nCannot handle "host" cmdline arg \`${target}' on position 1 (argc ${argv.length - 1})\n`, 2);
  const busybox = isCirros(ctx.cloud, ctx.host);
  const t = trace(ctx.cloud, endpoint(ctx.host, ns), target, 'udp', 33434);
  if (t.verdict === 'net-unreachable' && t.hops.length === 0) return err('connect: Network is unreachable\n', 1);
  const mi = argv.indexOf('-m');
  const maxHops = mi >= 0 && Number.isInteger(Number(argv[mi + 1])) && Number(argv[mi + 1]) > 0 ? Math.min(255, Number(argv[mi + 1])) : 30;
  // UDP probes: intermediate routers answer; the target answers only when the path lets it in.
  const outside = (ctx.host === 'laptop' || ctx.host === 'network') && ns === null;
  // Times from the one latency model ping uses too: the last hop's is ping's round trip.
  const rtts = hopRtts(ctx.cloud, t.hops.map((h) => h.address), ctx.host === 'laptop' && ns === null);
  // Each of a hop's three probes varies around its round trip (a deterministic jitter).
  const probes = (h: number, rtt: number) => [1, 2, 3].map((k) => probeTime(rtt, h * 3 + k, target.length)) as [number, number, number];
  const all = t.hops.map((h, i) => ({ address: h.address, rtt: rtts[i] ?? 0 }));
  const last = all.at(-1);
  const answered = outside ? (t.verdict === 'ok' && last ? [{ address: target, rtt: last.rtt }] : []) : t.verdict === 'ok' ? all : all.slice(0, -1);
  const hops = answered.map((h, i) => ({ address: h.address, times: probes(i, h.rtt) }));
  return ok(tracerouteText({ target, busybox, numeric, maxHops, hops, reached: t.verdict === 'ok' }));
}
