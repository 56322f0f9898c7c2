/** `ping` / `ping6` (iputils, or BusyBox's on CirrOS): a reach query, reported by render/ping.ts. */
import { extended } from '../../sim/objects.js';
import type { Cloud } from '../../sim/model/cloud.js';
import { findNamespace, type Device } from '../../sim/dataplane/index.js';
import { guestView } from '../../sim/dataplane/guest.js';
import { hopRtts, INTERNET_MS, isCloudAddress, LOOPBACK_MS, probeTime } from '../../sim/dataplane/latency.js';
import { isLoopback, trace } from '../../sim/reach.js';
import { cidrContains, parseCidr, parseIp } from '../../sim/ipam.js';
import { pingHeader, pingProbeLine, pingText, type PingReport } from '../../render/ping.js';
import { endpoint, err, isCirros, server, type HostCtx, type HostResult } from './host.js';

/**
 * Seconds a ping without a count runs at most: left running on the terminal it stops by itself
 * there, as if interrupted; in a script, a pipe or `$(…)` it runs that long at once.
 */
export const PING_CAP = 100;

/** The namespace's own address facing `target` (the one on its subnet, else the first of that family). */
function nsAddressToward(cloud: Cloud, ns: string, target: string): string | null {
  const t = parseIp(target);
  const devs = findNamespace(cloud, ns)?.devices ?? [];
  const usable = (d: Device) => d.addrs.filter((a) => a.version === t?.version && a.scope === 'global');
  const near = devs.flatMap(usable).find((a) => {
    const c = parseCidr(`${a.address}/${a.prefix}`);
    return c !== null && t !== null && cidrContains(c, t.version, t.value);
  });
  // Off-subnet: the packet leaves by the default route, on qg-.
  const out = devs.filter((d) => d.name.startsWith('qg-')).flatMap(usable)[0];
  return (near ?? out ?? devs.flatMap(usable)[0])?.address ?? null;
}

/** The host's own address of the target's family (a VM's fixed IP once it has one). */
function selfAddress(ctx: HostCtx, target: string): string | null {
  const vm = server(ctx.cloud, ctx.host);
  if (!vm) return null;
  const g = guestView(ctx.cloud, vm);
  return parseIp(target)?.version === 6 ? g.v6[0]?.address ?? null : g.v4?.address ?? null;
}

/**
 * `-c COUNT` as iputils 20221126 checks it (1 ≤ COUNT ≤ 2^63−1, digits only) or BusyBox does;
 * the count, or the error. Every probe is printed at once, so the shell's budget on number
 * arguments bounds what a large count costs.
 */
function pingCount(v: string, busybox: boolean): number | string {
  if (!/^[+-]?\d+$/.test(v.trim())) return busybox ? `ping: invalid number '${v}'\n` : `ping: invalid argument: '${v}'\n`;
  const n = BigInt(v.trim());
  if (busybox) return n < 0n || n > 0xffffffffn ? `ping: number ${v} is not in 0..4294967295 range\n` : Number(n);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return `ping: invalid argument: '${v}': Numerical result out of range\n`;
  if (n < 1n) return `ping: invalid argument: '${v}': out of range: 1 <= value <= 9223372036854775807\n`;
  return Number(n);
}

/** `-w DEADLINE` (seconds, 0 for none) as iputils checks it (0 ≤ DEADLINE ≤ 2^31−1) or BusyBox does. */
function pingDeadline(v: string, busybox: boolean): number | string {
  if (!/^[+-]?\d+$/.test(v.trim())) return busybox ? `ping: invalid number '${v}'\n` : `ping: invalid argument: '${v}'\n`;
  const n = Number(v.trim());
  if (n < 0 || n > 2147483647) return busybox ? `ping: number ${v} is not in 0..2147483647 range\n` : `ping: invalid argument: '${v}': out of range: 0 <= value <= 2147483647\n`;
  return n;
}

/** The probes of a ping that has a count (`-c`, or `-w` seconds), or null when it runs until interrupted. */
function fixedCount(argv: string[], busybox: boolean): number | null | string {
  let count: number | null = null;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a !== '-c' && a !== '-w') continue;
    const v = argv[++i] ?? '';
    const c = a === '-c' ? pingCount(v, busybox) : pingDeadline(v, busybox);
    if (typeof c === 'string') return c;
    if (c === 0) continue;
    // A deadline of N seconds sends about N probes; with a count too, the first reached ends it.
    count = count === null ? c : Math.min(count, c);
  }
  return count;
}

/** The destination: the last word that is not an option or an option's value. */
function pingTarget(argv: string[]): string | undefined {
  let target: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (['-c', '-w', '-W', '-i', '-s', '-t', '-I'].includes(a)) i++;
    else if (!a.startsWith('-')) target = a;
  }
  return target;
}

/** Prints a report of `count` probes, or as much as `ctx.until` says of one that runs until interrupted. */
function report(ctx: HostCtx, r: PingReport, count: number | null, exitCode: number): HostResult {
  if (count !== null) return { stdout: pingText(r, count), stderr: '', exitCode };
  const until = ctx.until ?? { kind: 'cap' };
  if (until.kind === 'stream') {
    return { stdout: pingHeader(r.style, r.v6, r.target) + pingProbeLine(r, 1), stderr: '', exitCode, follow: { line: (i) => pingProbeLine(r, i) } };
  }
  const n = until.kind === 'interrupt' ? (Number.isFinite(until.after) ? Math.max(1, Math.min(PING_CAP, Math.floor(until.after))) : 1) : PING_CAP;
  return { stdout: pingText(r, n, until.kind === 'interrupt'), stderr: '', exitCode, elapsed: n };
}

export function runPing(ctx: HostCtx, ns: string | null, argv: string[]): HostResult {
  const busybox = !ns && isCirros(ctx.cloud, ctx.host);
  const count = fixedCount(argv, busybox);
  if (typeof count === 'string') return err(count, 1);
  const target = pingTarget(argv);
  if (!target) return err('ping: usage error: Destination address required\n', 2);
  if (!parseIp(target)) return err(`ping: ${target}: Name or service not known\n`, 2);
  const t = trace(ctx.cloud, endpoint(ctx.host, ns), target, 'icmp', null);
  if (t.verdict === 'net-unreachable' && t.hops.length === 0) {
    return busybox ? { stdout: pingHeader('busybox', false, target), stderr: 'ping: sendto: Network is unreachable\n', exitCode: 1 }
      : err('ping: connect: Network is unreachable\n', 2);
  }
  // The laptop reaches the cloud across the internet (about a dozen routers); VMs reach
  // internet hosts the same way. Inside the cloud Linux answers with TTL 64 minus the routers.
  const fromLaptop = ctx.host === 'laptop' && !ns;
  const loop = isLoopback(target);
  const far = !loop && (fromLaptop || !isCloudAddress(ctx.cloud, target));
  const ttl = far ? (ctx.host === 'laptop' ? 54 - Math.max(0, t.hops.length - 1) : 53) : 64 - Math.max(0, t.hops.length - 1);
  // The round trip is the latency model's time to the last hop, as traceroute shows it.
  const rtt = loop ? LOOPBACK_MS : (hopRtts(ctx.cloud, t.hops.map((h) => h.address), fromLaptop).at(-1) ?? (far ? INTERNET_MS : 0));
  const style = busybox ? 'busybox' : 'iputils';
  const base = { target, style, v6: parseIp(target)?.version === 6 } as const;
  const self = ns ? nsAddressToward(ctx.cloud, ns, target) : selfAddress(ctx, target);
  if (!busybox && (t.verdict === 'host-unreachable' || t.verdict === 'net-unreachable') && self) {
    const from = t.verdict === 'net-unreachable' ? (t.hops[0]?.address ?? self) : self;
    const what = t.verdict === 'net-unreachable' ? 'Destination Net Unreachable' : 'Destination Host Unreachable';
    return report(ctx, extended(base, { replies: null, error: { from, what } }), count, 1);
  }
  const success = t.verdict === 'ok';
  const replies = success ? { ttl, time: (i: number) => probeTime(rtt, i - 1, target.length) } : null;
  return report(ctx, extended(base, { replies }), count, success ? 0 : 1);
}
