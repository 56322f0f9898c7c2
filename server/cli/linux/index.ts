/**
 * Linux commands on the simulated hosts (laptop, network node, VMs): the host-command table and
 * the dispatch to one module per tool (ip, route, iptables, sysctl, ovs-vsctl, ping, traceroute,
 * ssh, curl, cat), which render derived views of the cloud.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import { findNamespace, type Namespace } from '../../sim/dataplane/index.js';
import { namespaceTables, nodeTables } from '../../sim/dataplane/iptables.js';
import { sysctlTable } from '../../sim/dataplane/sysctl.js';
import { extended } from '../../sim/objects.js';
import { consoleLog } from '../../sim/dataplane/console.js';
import { amphoraHost, hostName, isCirros, loginUserOn, ok, server, type Follow, type HostCtx, type HostId, type HostResult, type Until } from './host.js';
import { amphoraView } from '../../sim/dataplane/lb-amphora.js';
import { catFiles } from './cat.js';
import { nodePlace } from './proc.js';
import { runCurl } from './curl.js';
import { runDhclient, runUdhcpc } from './dhcp.js';
import { ipDisplay, ipInNamespace, ipNetns, ipOnAmphora, ipOnLaptop, ipOnNode, ipOnVm, linkCounters } from './ip.js';
import type { IpLink, IpStyle } from '../../render/iproute.js';
import { runIp6tablesSave, runIptables, runIptablesSave } from './iptables.js';
import { ovsVsctl } from './ovs.js';
import { runLs } from './ls.js';
import { runPing } from './ping.js';
import { runPs } from './ps.js';
import { routeInNamespace, routeOnLaptop, routeOnNode, routeOnVm } from './route.js';
import { runSsh } from './ssh.js';
import { runSysctl } from './sysctl.js';
import { runTraceroute } from './traceroute.js';

export { consoleLog };
export type { Follow, HostCtx, HostId, HostResult, Until };

export function startHost(fixtureStartHost: string | undefined): HostId {
  return fixtureStartHost === 'network' ? 'network' : 'laptop';
}

export function promptFor(cloud: Cloud, host: HostId): string {
  if (host === 'network') return `root@${cloud.config.networkHost}:~# `;
  const user = loginUserOn(cloud, host);
  if (host.startsWith('amp:')) return `${user}@${hostName(cloud, host)}:~$ `;
  const s = server(cloud, host);
  return s ? `${user}@${s.name}:~$ ` : `${user}@laptop:~$ `;
}

export function hostCommands(cloud: Cloud, host: HostId): string[] {
  if (host === 'network') return ['cat', 'curl', 'hostname', 'ip', 'ip6tables-save', 'iptables', 'iptables-save', 'ls', 'ovs-vsctl', 'ping', 'ping6', 'ps', 'route', 'ssh', 'sysctl', 'traceroute'];
  if (host.startsWith('vm:')) return ['cat', 'curl', 'hostname', 'ip', 'ls', 'ping', 'ping6', 'ps', 'route', 'ssh', 'traceroute', isCirros(cloud, host) ? 'udhcpc' : 'dhclient'].sort();
  if (host.startsWith('amp:')) return ['cat', 'hostname', 'ip'];
  return ['cat', 'curl', 'hostname', 'ip', 'ls', 'ping', 'ping6', 'ps', 'route', 'ssh', 'traceroute'];
}

/** What `ip netns exec NS …` can run (for Tab completion). */
export const NAMESPACE_COMMANDS = ['cat', 'curl', 'ip', 'ip6tables-save', 'iptables', 'iptables-save', 'ls', 'ping', 'ping6', 'ps', 'route', 'ssh', 'sysctl', 'traceroute'];

/** The sysctl keys of the node itself (`ns` null) or of one of its namespaces (for Tab completion). */
export function sysctlKeys(cloud: Cloud, ns: string | null): string[] {
  const place = ns === null ? nodePlace(cloud) : findNamespace(cloud, ns);
  return place ? sysctlTable(cloud, place).map(([k]) => k) : [];
}

/** `ip netns exec NS CMD…`: the namespace has its own network stack but the node's files. */
function inNamespace(ctx: HostCtx, ns: Namespace, argv: string[]): HostResult | null {
  const cmd = argv[0];
  const { cloud } = ctx;
  if (cmd === 'ip') {
    const d = ipDisplay(argv, ctx.tty);
    return ipInNamespace(cloud, ns, d.argv, d.brief, ipStyle(cloud, d));
  }
  const a = argv.slice(1).filter((x) => x !== '-4' && x !== '-6');
  if (cmd === 'route' && a[0] === '-n') return routeInNamespace(ns);
  if (cmd === 'iptables-save') return runIptablesSave(namespaceTables(cloud, ns), a, cloud.clock);
  if (cmd === 'ip6tables-save' && ns.kind === 'qrouter') return runIp6tablesSave(namespaceTables(cloud, ns), cloud.clock);
  if (cmd === 'iptables') return runIptables(namespaceTables(cloud, ns), argv.slice(1));
  if (cmd === 'sysctl') return runSysctl(cloud, ns, a);
  // Its own /proc/sys, the node's other files.
  if (cmd === 'cat') return catFiles(extended(ctx, { proc: ns }), argv.slice(1));
  if (cmd === 'ping' || cmd === 'ping6') return runPing(ctx, ns.name, argv);
  if (cmd === 'traceroute') return runTraceroute(ctx, argv, ns.name);
  // The operator's classic: ssh to a VM's fixed IP from inside its router's namespace.
  if (cmd === 'ssh') return runSsh(ctx, argv, ns.name, runOnHost);
  if (cmd === 'curl') return runCurl(ctx, argv, ns.name);
  // The namespace shares the node's files and processes.
  if (cmd === 'ls') return runLs(extended(ctx, { proc: ns }), argv);
  if (cmd === 'ps') return runPs(ctx, argv);
  return null;
}

/** `ip …` on the host; iproute2's display options are taken out first (CirrOS's `ip` is BusyBox's, which has none). */
function ip(ctx: HostCtx, argv: string[]): HostResult | null {
  const { cloud, host } = ctx;
  const d = argv[1] !== 'netns' && !isCirros(cloud, host) ? ipDisplay(argv, ctx.tty) : { argv, brief: false, color: false, stats: false };
  const { argv: a, brief } = d;
  const st = ipStyle(cloud, d);
  const vm = server(cloud, host);
  if (vm) return ipOnVm(cloud, vm, a, brief, st, ctx.root === true);
  if (host === 'laptop') return ipOnLaptop(a, brief, st);
  if (host !== 'network') return null;
  if (a[1] === 'netns') return ipNetns(cloud, a, (ns, inner) => inNamespace(ctx, ns, inner));
  return ipOnNode(cloud, a, brief, st);
}

/** The render style of ipDisplay's options, the counters from the cloud. */
function ipStyle(cloud: Cloud, d: { color: boolean; stats: boolean }): IpStyle {
  return { color: d.color, ...(d.stats ? { stats: (l: IpLink) => linkCounters(cloud, l) } : {}) };
}

/**
 * An operator's session on an amphora: `ip` (its root namespace and amphora-haproxy), `cat`
 * (haproxy.cfg), `hostname`; in the namespace, the node's files stay readable.
 */
function onAmphora(ctx: HostCtx, argv: string[]): HostResult | null {
  const amp = amphoraHost(ctx.cloud, ctx.host);
  const cmd = argv[0];
  if (!amp) return null;
  if (cmd === 'hostname') return ok(`${hostName(ctx.cloud, ctx.host)}\n`);
  if (cmd === 'cat') return catFiles(ctx, argv.slice(1));
  if (cmd !== 'ip') return null;
  const d = ipDisplay(argv, ctx.tty);
  return ipOnAmphora(amphoraView(ctx.cloud, amp), d.argv, d.brief, ipStyle(ctx.cloud, d), (inner) => (inner[0] === 'cat' ? catFiles(ctx, inner.slice(1)) : null));
}

/** Runs `argv` on the host of `ctx`; null when the host has no such command. */
export function runOnHost(ctx: HostCtx, argv: string[]): HostResult | null {
  const cmd = argv[0];
  const { cloud, host } = ctx;
  if (host.startsWith('amp:')) return onAmphora(ctx, argv);
  if (cmd === 'ip') return ip(ctx, argv);
  if (cmd === 'hostname') return ok(`${hostName(cloud, host)}\n`);
  if (cmd === 'cat') return catFiles(ctx, argv.slice(1));
  if (cmd === 'ping' || cmd === 'ping6') return runPing(ctx, null, argv);
  if (cmd === 'ssh') return runSsh(ctx, argv, null, runOnHost);
  if (cmd === 'traceroute') return runTraceroute(ctx, argv);
  if (cmd === 'curl') return runCurl(ctx, argv);
  if (cmd === 'ls') return runLs(ctx, argv);
  if (cmd === 'ps') return runPs(ctx, argv);
  const vm = server(cloud, host);
  if (vm) {
    if (cmd === 'route' && argv.slice(1).filter((x) => x !== '-4' && x !== '-6')[0] === '-n') return routeOnVm(cloud, vm);
    if (cmd === 'udhcpc' && isCirros(cloud, host)) return runUdhcpc(ctx, vm, argv);
    if (cmd === 'dhclient' && !isCirros(cloud, host)) return runDhclient(ctx, vm, argv);
    return null;
  }
  if (host === 'laptop') {
    if (cmd === 'route' && argv[1] === '-n') return routeOnLaptop();
    return null;
  }
  if (host !== 'network') return null;
  if (cmd === 'sysctl') return runSysctl(cloud, nodePlace(cloud), argv.slice(1));
  if (cmd === 'iptables') return runIptables(nodeTables(), argv.slice(1));
  // The node's iptables-save prints its one table whatever -t asks.
  if (cmd === 'iptables-save') return runIptablesSave(nodeTables(), [], cloud.clock);
  if (cmd === 'route') return routeOnNode(argv);
  if (cmd === 'ovs-vsctl') return ovsVsctl(cloud, argv.slice(1));
  return null;
}
