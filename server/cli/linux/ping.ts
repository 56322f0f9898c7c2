/** `ping` / `ping6` (iputils, or BusyBox's on CirrOS): a reach query, reported by render/ping.ts. */
import type { Cloud } from '../../sim/model/cloud.js';
import { findNamespace, type Device } from '../../sim/dataplane/index.js';
import { guestView } from '../../sim/dataplane/guest.js';
import { trace } from '../../sim/reach.js';
import { cidrContains, parseCidr, parseIp } from '../../sim/ipam.js';
import { pingHeader, pingText } from '../../render/ping.js';
import { endpoint, err, isCirros, server, type HostCtx, type HostResult } from './host.js';

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

function isCloudAddress(cloud: Cloud, ip: string): boolean {
  return cloud.ports.some((p) => p.fixedIps.some((f) => f.ipAddress === ip)) || cloud.floatingIps.some((f) => f.floatingIpAddress === ip)
    || cloud.subnets.some((s) => s.gatewayIp === ip);
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

export function runPing(ctx: HostCtx, ns: string | null, argv: string[]): HostResult {
  let count = 4;
  let countArg: string | undefined;
  let target: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-c') { countArg = argv[++i] ?? ''; continue; }
    if (!a.startsWith('-')) target = a;
  }
  const busybox = !ns && isCirros(ctx.cloud, ctx.host);
  if (countArg !== undefined) {
    const c = pingCount(countArg, busybox);
    if (typeof c === 'string') return err(c, 1);
    count = c;
  }
  if (!target) return err('ping: usage error: Destination address required\n', 2);
  if (!parseIp(target)) return err(`ping: ${target}: Name or service not known\n`, 2);
  const t = trace(ctx.cloud, endpoint(ctx.host, ns), target, 'icmp', null);
  if (t.verdict === 'net-unreachable' && t.hops.length === 0) {
    return busybox ? { stdout: pingHeader('busybox', false, target), stderr: 'ping: sendto: Network is unreachable\n', exitCode: 1 }
      : err('ping: connect: Network is unreachable\n', 2);
  }
  // The laptop reaches the cloud across the internet (about a dozen routers); VMs reach
  // internet hosts the same way. Inside the cloud Linux answers with TTL 64 minus the routers.
  const far = (ctx.host === 'laptop' && !ns) || !isCloudAddress(ctx.cloud, target);
  const ttl = far ? (ctx.host === 'laptop' ? 54 - Math.max(0, t.hops.length - 1) : 53) : 64 - Math.max(0, t.hops.length - 1);
  const base = far ? 11.2 : 0.3;
  const times = Array.from({ length: count }, (_, i) => base + ((i * 37 + target.length * 11) % 50) / 100);
  const v6 = parseIp(target)?.version === 6;
  const style = busybox ? 'busybox' : 'iputils';
  const self = ns ? nsAddressToward(ctx.cloud, ns, target) : selfAddress(ctx, target);
  if (!busybox && (t.verdict === 'host-unreachable' || t.verdict === 'net-unreachable') && self) {
    const from = t.verdict === 'net-unreachable' ? (t.hops[0]?.address ?? self) : self;
    const what = t.verdict === 'net-unreachable' ? 'Destination Net Unreachable' : 'Destination Host Unreachable';
    return { stdout: pingText({ target, style, v6, count, replies: null, error: { from, what } }), stderr: '', exitCode: 1 };
  }
  const success = t.verdict === 'ok';
  return { stdout: pingText({ target, style, v6, count, replies: success ? { ttl, times } : null }), stderr: '', exitCode: success ? 0 : 1 };
}
