/**
 * A packet's path explained hop by hop (`stacklab trace`, and the path the topology view
 * highlights): the reach query's own steps (sim/reach.ts), named as the learner sees them, with
 * the NAT rule each router applies, and where and why the packet stops. Pure.
 */
import { extended } from '../objects.js';
import type { Cloud } from '../model/cloud.js';
import type { Server } from '../model/compute.js';
import type { Port } from '../model/port.js';
import type { Router } from '../model/router.js';
import type { SecurityGroupRule } from '../model/security-group.js';
import { cidrContains, parseCidr, parseIp } from '../ipam.js';
import { devName, findNamespace } from '../dataplane/index.js';
import { routerTables } from '../dataplane/iptables.js';
import { vipLoadBalancer } from '../dataplane/lb-vip.js';
import { DEVICE_OWNER } from '../model/port.js';
import { owns } from '../ops/context.js';
import { visibleFloatingIps, visibleGroups, visibleNetworks, visiblePorts, visibleRouters, visibleSubnets } from '../visibility.js';
import { inAddressGroup, ingressRule, trace, type Endpoint, type Proto, type ReachStep, type Trace, type Verdict } from '../reach.js';
import { portById } from '../index.js';

export interface PathStep {
  /** An element id of the topology (`port:…`, `router:…`, `internet`…); null: nothing drawn for it. */
  element: string | null;
  /** Where: "vm1 tap (tap1a2b3c4d-5e)", "security group default", "qr-…", "upstream gateway 203.0.113.1". */
  where: string;
  /** What happens there: "allowed by ingress rule …", "SNAT 10.0.0.5 -> 203.0.113.20 (…)", "dropped: …". */
  what: string;
  verdict: 'pass' | 'nat' | 'drop';
  /** On a security-group drop: the `openstack security group rule create …` line that lets the packet in. */
  fix?: string;
}

export interface PacketPath {
  /** The ends and the protocol as the learner gave them, normalised (`vm1`, `laptop`, `tcp/22`). */
  from: string;
  to: string;
  proto: string;
  steps: PathStep[];
  verdict: 'delivered' | 'dropped';
  /** The reach query's reason. */
  reason: string;
  /** Element ids to highlight, in order, each once. */
  elements: string[];
}

/** Where a path starts or ends, resolved against the cloud. */
export type PathEnd =
  | { kind: 'laptop' }
  | { kind: 'internet' }
  | { kind: 'network' }
  | { kind: 'ns'; name: string }
  | { kind: 'server'; server: Server }
  | { kind: 'address'; address: string };

/** The address the laptop has as the cloud sees it (curl's X-Forwarded-For says the same). */
const LAPTOP_ADDRESS = '203.0.113.10';
/** "The Internet" as a destination: a well-known public resolver. */
export const INTERNET_ADDRESS = '8.8.8.8';
/** Longest endpoint echoed back in an error (the rest is elided). */
const SHOWN_NAME = 48;

export interface PathOptions {
  /** The session's machines: `network` (and its namespaces) is an endpoint only when listed. Default: every one. */
  hosts?: readonly string[];
}

/** A name as an error message quotes it: short enough to read. */
export function shownName(name: string): string {
  return name.length > SHOWN_NAME ? `${name.slice(0, SHOWN_NAME)}… (${name.length} characters)` : name;
}

function visibleServers(cloud: Cloud): Server[] {
  return cloud.servers.filter((s) => owns(cloud, s.projectId));
}

/** A server by ID, else by name (one only), as the learner sees them. */
function findServer(cloud: Cloud, name: string): Server | string | null {
  const servers = visibleServers(cloud);
  const byId = servers.find((s) => s.id === name);
  if (byId) return byId;
  const named = servers.filter((s) => s.name === name);
  if (named.length > 1) return `ambiguous endpoint '${shownName(name)}': ${named.length} servers have that name; use an ID`;
  return named[0] ?? null;
}

/** Resolves `from` (a source) or `to` (a destination); a string is the error to print. */
export function resolveEnd(cloud: Cloud, name: string, role: 'from' | 'to', opts: PathOptions = {}): PathEnd | string {
  const node = opts.hosts === undefined || opts.hosts.includes('network');
  if (name === 'laptop') return { kind: 'laptop' };
  if (name === 'internet') return { kind: 'internet' };
  if (name === 'network' || (node && name === cloud.config.networkHost)) {
    if (!node) return `unknown endpoint '${name}' (this cloud gives you no network node)`;
    return role === 'from' ? { kind: 'network' } : `'${name}' can only be a source (give an address on the node's networks instead)`;
  }
  if (parseIp(name) !== null) {
    return role === 'to' ? { kind: 'address', address: name } : `'${shownName(name)}' cannot be a source: use a server, laptop, internet or network`;
  }
  if (role === 'from' && node && (name.startsWith('qrouter-') || name.startsWith('qdhcp-')) && findNamespace(cloud, name)) return { kind: 'ns', name };
  const s = findServer(cloud, name);
  if (typeof s === 'string') return s;
  return s === null ? `unknown endpoint '${shownName(name)}'` : { kind: 'server', server: s };
}

function firstPort(cloud: Cloud, s: Server): Port | undefined {
  const nic = s.nics[0];
  return nic ? portById(cloud, nic.portId) : undefined;
}

/** The address a path to `end` is aimed at: a server's floating IP from outside, else its fixed address. */
function destinationAddress(cloud: Cloud, end: PathEnd, from: PathEnd): string | null {
  if (end.kind === 'address') return end.address;
  if (end.kind === 'laptop') return LAPTOP_ADDRESS;
  if (end.kind === 'internet') return INTERNET_ADDRESS;
  if (end.kind !== 'server') return null;
  const ports = end.server.nics.map((n) => n.portId);
  const outside = from.kind === 'laptop' || from.kind === 'internet' || from.kind === 'network';
  const fip = outside ? cloud.floatingIps.find((f) => f.portId !== null && ports.includes(f.portId)) : undefined;
  if (fip) return fip.floatingIpAddress;
  const fixed = firstPort(cloud, end.server)?.fixedIps ?? [];
  return (fixed.find((f) => parseIp(f.ipAddress)?.version === 4) ?? fixed[0])?.ipAddress ?? null;
}

function endpointOf(end: PathEnd): Endpoint {
  if (end.kind === 'server') return { kind: 'vm', serverId: end.server.id };
  if (end.kind === 'ns') return { kind: 'ns', name: end.name };
  // The laptop is a host on the Internet: "from the Internet" is the same path.
  return end.kind === 'network' ? { kind: 'network' } : { kind: 'laptop' };
}

function protoText(proto: Proto, port: number | null): string {
  return proto === 'icmp' || port === null ? proto : `${proto}/${port}`;
}

/**
 * The path from `from` to `to` (names as `resolveEnd` takes them) for `proto`/`port`. An end
 * that does not resolve gives a dropped path whose reason says why (the CLI reports it first).
 */
export function explainPath(cloud: Cloud, from: string, to: string, proto: Proto, port: number | null, opts: PathOptions = {}): PacketPath {
  const p = protoText(proto, port);
  const src = resolveEnd(cloud, from, 'from', opts);
  const dst = resolveEnd(cloud, to, 'to', opts);
  if (typeof src === 'string' || typeof dst === 'string') {
    return { from, to, proto: p, steps: [], verdict: 'dropped', reason: typeof src === 'string' ? src : (dst as string), elements: [] };
  }
  const address = destinationAddress(cloud, dst, src);
  const shown = { from: nameOf(src), to: nameOf(dst), proto: p };
  if (address === null) return extended(shown, { steps: [], verdict: 'dropped', reason: `${shown.to} has no address`, elements: [] });
  const steps: ReachStep[] = [];
  const t = trace(cloud, endpointOf(src), address, proto, port, steps);
  const ctx: Ctx = { cloud, to: address, proto, port, outside: src.kind !== 'server' && src.kind !== 'ns' };
  // A VM's packet leaves by the NIC its routes chose (the first tap it goes through).
  const out = steps.find((x): x is Extract<ReachStep, { kind: 'tap' }> => x.kind === 'tap' && x.direction === 'out');
  const path = [sourceStep(ctx, src, out?.port), ...steps.map((s, i) => describe(ctx, s, steps[i + 1], steps[i - 1]))];
  if (t.verdict !== 'ok') markDrop(ctx, path, steps.at(-1), t);
  return extended(shown, { steps: path, verdict: t.verdict === 'ok' ? 'delivered' : 'dropped', reason: t.reason, elements: elementsOf(ctx, path, steps) });
}

function nameOf(end: PathEnd): string {
  if (end.kind === 'server') return end.server.name || end.server.id;
  if (end.kind === 'address') return end.address;
  return end.kind === 'ns' ? end.name : end.kind;
}

interface Ctx {
  cloud: Cloud;
  /** The destination address the reach query was asked about. */
  to: string;
  proto: Proto;
  port: number | null;
  /** The packet comes from outside the cloud (laptop, Internet, network node). */
  outside: boolean;
}

const VERDICT_WORDS: Record<Verdict, string> = {
  ok: 'delivered',
  dropped: 'dropped',
  'no-route': 'no route',
  'host-unreachable': 'host unreachable',
  'net-unreachable': 'network unreachable',
  refused: 'connection refused',
};

/** The last step the query reached is where it stopped (the source itself if it reached none). */
function markDrop(ctx: Ctx, path: PathStep[], last: ReachStep | undefined, t: Trace): void {
  const at = path[path.length - 1] as PathStep;
  const sg = last?.kind === 'security-group' && last.direction === 'ingress' && t.verdict === 'dropped' ? sgDrop(ctx, last.port, last.src) : null;
  path[path.length - 1] = extended(at, { verdict: 'drop', what: sg?.what ?? `${VERDICT_WORDS[t.verdict]}: ${t.reason}`, ...(sg?.fix ? { fix: sg.fix } : {}) });
}

function sourceStep(ctx: Ctx, end: PathEnd, leaves: Port | undefined): PathStep {
  const what = `sends ${ctx.proto === 'icmp' ? 'icmp echo' : protoText(ctx.proto, ctx.port)} to ${ctx.to}`;
  const { cloud } = ctx;
  switch (end.kind) {
    case 'laptop':
      return { element: 'laptop', where: 'laptop', what, verdict: 'pass' };
    case 'internet':
      return { element: 'internet', where: 'a host on the Internet', what, verdict: 'pass' };
    case 'network':
      return { element: null, where: cloud.config.networkHost === 'network' ? 'the network node' : `the network node (${cloud.config.networkHost})`, what, verdict: 'pass' };
    case 'ns':
      return { element: `ns:${end.name}`, where: end.name, what, verdict: 'pass' };
    case 'address':
      return { element: null, where: end.address, what, verdict: 'pass' };
    case 'server': {
      const want = parseIp(ctx.to)?.version;
      const fixed = (leaves ?? firstPort(cloud, end.server))?.fixedIps ?? [];
      const own = fixed.find((f) => parseIp(f.ipAddress)?.version === want)?.ipAddress;
      return { element: `server:${end.server.id}`, where: `${end.server.name}${own ? ` (${own})` : ''}`, what, verdict: 'pass' };
    }
  }
}

/** Element ids only for what the learner's API shows (the topology draws nothing else). */
function seen(ctx: Ctx, kind: 'port' | 'router' | 'net' | 'subnet' | 'fip', id: string): string | null {
  const c = ctx.cloud;
  const ok =
    kind === 'port' ? visiblePorts(c).some((p) => p.id === id)
      : kind === 'router' ? visibleRouters(c).some((r) => r.id === id)
        : kind === 'net' ? visibleNetworks(c).some((n) => n.id === id)
          : kind === 'subnet' ? visibleSubnets(c).some((s) => s.id === id)
            : visibleFloatingIps(c).some((f) => f.floatingIpAddress === id);
  return ok ? `${kind}:${id}` : null;
}

function routerName(ctx: Ctx, r: Router): string {
  return seen(ctx, 'router', r.id) === null ? "another project's router" : `router ${r.name || r.id}`;
}

function serverOf(ctx: Ctx, port: Port): Server | undefined {
  const s = ctx.cloud.servers.find((x) => x.id === port.deviceId);
  return s && owns(ctx.cloud, s.projectId) ? s : undefined;
}

function describe(ctx: Ctx, s: ReachStep, next: ReachStep | undefined, prev: ReachStep | undefined): PathStep {
  switch (s.kind) {
    case 'tap':
      return tapStep(ctx, s.port, s.direction);
    case 'security-group':
      return sgStep(ctx, s.port, s.direction, s.src);
    case 'subnet':
      return subnetStep(ctx, s.subnetId, s.nextHop, s.onLink);
    case 'router-port':
      return routerPortStep(ctx, s.router, s.subnetId, prev?.kind === 'router' || prev?.kind === 'nat');
    case 'router': {
      const element = seen(ctx, 'router', s.router.id);
      const dst = prev?.kind === 'nat' && prev.rule === 'DNAT' ? prev.to : ctx.to;
      return { element, where: element ? `qrouter-${s.router.id}` : routerName(ctx, s.router), what: `routes ${dst}`, verdict: 'pass' };
    }
    case 'nat':
      return natStep(ctx, s.router, s.rule, s.from, s.to);
    case 'upstream':
      return upstreamStep(ctx, s.networkId, next);
    case 'internet':
      return { element: 'internet', where: 'the Internet', what: next ? `routes ${ctx.to} to the cloud` : `delivers to ${ctx.to}`, verdict: 'pass' };
    case 'vip': {
      const lb = vipLoadBalancer(ctx.cloud, s.port);
      const mine = lb !== undefined && owns(ctx.cloud, lb.projectId);
      const addr = s.port.fixedIps[0]?.ipAddress ?? '';
      return { element: mine ? `lb:${lb.id}` : null, where: `${mine ? `load balancer ${lb.name || lb.id}` : 'a load balancer'} VIP ${addr}`, what: `its amphora takes the ${protoText(ctx.proto, ctx.port)} packet`, verdict: 'pass' };
    }
    case 'port':
      return { element: seen(ctx, 'port', s.port.id), where: `port ${ctx.to} (${s.port.deviceOwner || 'no device'})`, what: `answers for ${ctx.to}`, verdict: 'pass' };
  }
}

function tapStep(ctx: Ctx, port: Port, direction: 'out' | 'in'): PathStep {
  const vm = serverOf(ctx, port);
  const name = vm ? vm.name : 'a VM';
  const addr = port.fixedIps.find((f) => f.ipAddress === ctx.to)?.ipAddress ?? port.fixedIps[0]?.ipAddress ?? '';
  const what = direction === 'out' ? `leaves ${name}` : `delivered to ${name} (${addr})`;
  return { element: seen(ctx, 'port', port.id), where: `${name} tap (${devName('tap', port.id)})`, what, verdict: 'pass' };
}

/** The names of a (visible) port's groups; a VIP's group belongs to Octavia's project, its name says whose. */
function groupsOf(ctx: Ctx, port: Port): string[] {
  return port.securityGroupIds.map((id) => ctx.cloud.securityGroups.find((g) => g.id === id)?.name || id);
}

function sgWhere(ctx: Ctx, port: Port): string {
  if (!port.portSecurityEnabled) return 'port security disabled';
  if (seen(ctx, 'port', port.id) === null) return "another project's security groups";
  const names = groupsOf(ctx, port);
  return names.length === 0 ? 'no security group' : `security group${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
}

/** A rule as a person reads it: `IPv4 tcp 22 from 0.0.0.0/0`. */
export function ruleText(ctx: { cloud: Cloud }, r: SecurityGroupRule): string {
  const icmp = r.protocol === 'icmp' || r.protocol === 'ipv6-icmp';
  const range = r.portRangeMin === null ? '' : icmp ? ` type ${r.portRangeMin}` : ` ${r.portRangeMin}${r.portRangeMax !== null && r.portRangeMax !== r.portRangeMin ? `-${r.portRangeMax}` : ''}`;
  const group = r.remoteGroupId === null ? null : (ctx.cloud.securityGroups.find((g) => g.id === r.remoteGroupId)?.name ?? r.remoteGroupId);
  const ag = r.remoteAddressGroupId ?? null;
  const addressGroup = ag === null ? null : (ctx.cloud.addressGroups?.find((g) => g.id === ag)?.name || ag);
  const remote = group !== null ? `members of ${group}` : addressGroup !== null ? `address group ${addressGroup}` : (r.remoteIpPrefix ?? 'anywhere');
  return `${r.ethertype} ${r.protocol ?? 'any protocol'}${range} ${r.direction === 'ingress' ? 'from' : 'to'} ${remote}`;
}

function sgStep(ctx: Ctx, port: Port, direction: 'egress' | 'ingress', src: string): PathStep {
  const element = seen(ctx, 'port', port.id);
  const where = sgWhere(ctx, port);
  if (!port.portSecurityEnabled) return { element, where, what: 'not filtered', verdict: 'pass' };
  if (direction === 'egress') {
    const rule = egressRule(ctx, port);
    const what = rule ? `allowed out by rule ${ruleText(ctx, rule)}` : 'no egress rule matches (Stacklab does not filter egress; a real cloud drops this)';
    return { element, where, what, verdict: 'pass' };
  }
  const rule = ingressRule(ctx.cloud, port, src, ctx.proto, ctx.port);
  return { element, where, what: rule ? `allowed in by rule ${ruleText(ctx, rule)}` : 'allowed in', verdict: 'pass' };
}

/** The egress rule that lets the packet out, for the explanation only (the reach query does not filter egress). */
function egressRule(ctx: Ctx, port: Port): SecurityGroupRule | undefined {
  const dst = parseIp(ctx.to);
  const v = dst?.version === 6 ? 'IPv6' : 'IPv4';
  return ctx.cloud.securityGroupRules.find((r) => {
    if (!port.securityGroupIds.includes(r.securityGroupId) || r.direction !== 'egress' || r.ethertype !== v) return false;
    if (r.protocol !== null && r.protocol !== ctx.proto && !(ctx.proto === 'icmp' && r.protocol === 'ipv6-icmp')) return false;
    if (ctx.proto !== 'icmp' && ctx.port !== null && r.portRangeMin !== null && (ctx.port < r.portRangeMin || ctx.port > (r.portRangeMax ?? r.portRangeMin))) return false;
    if ((r.remoteAddressGroupId ?? null) !== null && !inAddressGroup(ctx.cloud, r.remoteAddressGroupId as string, ctx.to)) return false;
    const c = r.remoteIpPrefix === null ? null : parseCidr(r.remoteIpPrefix);
    return c === null || (dst !== null && cidrContains(c, dst.version, dst.value));
  });
}

/** Why the port's groups dropped the packet, and the rule that would let it in. */
function sgDrop(ctx: Ctx, port: Port, src: string): { what: string; fix: string | null } | null {
  if (vipLoadBalancer(ctx.cloud, port)) return null;
  const v6 = parseIp(src)?.version === 6;
  const what = `${protoText(ctx.proto, ctx.port)} in from ${ctx.outside ? 'outside' : src}`;
  if (seen(ctx, 'port', port.id) === null) return { what: `dropped: the security groups of this port let no ${what}`, fix: null };
  const names = groupsOf(ctx, port);
  const first = port.securityGroupIds[0];
  if (first === undefined || names.length === 0) return { what: `dropped: the port has no security group, so nothing gets in`, fix: null };
  const name = names[0] as string;
  const unique = visibleGroups(ctx.cloud).filter((g) => g.name === name).length === 1;
  const proto = ctx.proto === 'icmp' && v6 ? 'ipv6-icmp' : ctx.proto;
  const fix = ['openstack security group rule create', `--protocol ${proto}`, ...(ctx.proto !== 'icmp' && ctx.port !== null ? [`--dst-port ${ctx.port}`] : []), ...(v6 ? ['--ethertype IPv6'] : []), unique ? quoteWord(name) : first].join(' ');
  const groups = names.length > 1 ? `groups ${names.join(', ')}` : `group ${name}`;
  return { what: `dropped: no ingress rule of security ${groups} lets ${what}; this rule would: ${fix}`, fix };
}

/** A word the shell reads back as itself. */
function quoteWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

function subnetStep(ctx: Ctx, subnetId: string, nextHop: string | null, onLink: string | undefined): PathStep {
  const sub = ctx.cloud.subnets.find((s) => s.id === subnetId);
  const element = seen(ctx, 'subnet', subnetId);
  const where = sub && element ? `subnet ${sub.name || sub.id} (${sub.cidr})` : 'its subnet';
  const what =
    onLink !== undefined ? `${ctx.to} is on ${onLink}, another subnet of this network: sent on-link (a route of the VM's)`
    : nextHop === ctx.to ? `${ctx.to} is on this subnet`
      : nextHop === null ? 'no gateway on this subnet'
        : nextHop === sub?.gatewayIp || sub === undefined ? `${ctx.to} is off the subnet: to its gateway ${nextHop}`
          : `${ctx.to} is off the subnet: to ${nextHop}, another router on it (the VM's route)`;
  return { element, where, what, verdict: 'pass' };
}

function routerPort(cloud: Cloud, r: Router, subnetId: string | null): Port | undefined {
  return cloud.ports.find((x) => x.deviceId === r.id
    && (subnetId === null ? x.deviceOwner === DEVICE_OWNER.routerGateway : x.deviceOwner !== DEVICE_OWNER.routerGateway && x.fixedIps.some((f) => f.subnetId === subnetId)));
}

function routerPortStep(ctx: Ctx, r: Router, subnetId: string | null, leaving: boolean): PathStep {
  const port = routerPort(ctx.cloud, r, subnetId);
  const router = routerName(ctx, r);
  if (!port) return { element: null, where: `${router}: no ${subnetId === null ? 'gateway' : 'interface on that subnet'}`, what: leaving ? `out of ${router}` : `into ${router}`, verdict: 'pass' };
  const dev = devName(subnetId === null ? 'qg-' : 'qr-', port.id);
  const ip = port.fixedIps.find((f) => subnetId === null || f.subnetId === subnetId)?.ipAddress;
  const net = visibleNetworks(ctx.cloud).find((n) => n.id === port.networkId);
  const what = leaving ? `out of ${router}${net ? ` onto ${net.name || net.id}` : ''}` : `into ${router}`;
  return { element: seen(ctx, 'port', port.id), where: `${dev} (${router}${ip ? `, ${ip}` : ''})`, what, verdict: 'pass' };
}

/** The rule of the router's nat table that does it, as iptables-save prints it. */
function natRule(cloud: Cloud, r: Router, rule: 'DNAT' | 'SNAT' | 'none', from: string, to: string): string | null {
  const nat = routerTables(cloud, r).find((t) => t.name === 'nat');
  const hit = nat?.rules.find(([chain, rest]) =>
    rule === 'DNAT' ? chain === 'neutron-l3-agent-PREROUTING' && rest.startsWith(`-d ${from}/32 -j DNAT`)
      : rule === 'none' ? chain === 'neutron-l3-agent-snat' && rest.includes('-m connmark --mark') && rest.endsWith('-j ACCEPT')
        : (chain === 'neutron-l3-agent-float-snat' && rest.startsWith(`-s ${from}/32 -j SNAT --to-source ${to} `))
          || (chain === 'neutron-l3-agent-snat' && rest.startsWith('-o ') && rest.includes(`-j SNAT --to-source ${to} `)));
  return hit ? `-A ${hit[0]} ${hit[1]}` : null;
}

function natStep(ctx: Ctx, r: Router, rule: 'DNAT' | 'SNAT' | 'none', from: string, to: string): PathStep {
  const text = seen(ctx, 'router', r.id) === null ? null : natRule(ctx.cloud, r, rule, from, to);
  const fip = rule === 'DNAT' ? from : rule === 'SNAT' ? to : null;
  const element = (fip !== null ? seen(ctx, 'fip', fip) : null) ?? seen(ctx, 'router', r.id);
  const where = `nat table of ${routerName(ctx, r)}`;
  const by = text ? ` (${text})` : '';
  if (rule === 'none') return { element, where, what: `no SNAT: ${from} stays in the external network's address scope${by}`, verdict: 'pass' };
  return { element, where, what: `${rule} ${from} -> ${to}${by}`, verdict: 'nat' };
}

function upstreamStep(ctx: Ctx, networkId: string, next: ReachStep | undefined): PathStep {
  const v = parseIp(ctx.to)?.version ?? 4;
  const gw = ctx.cloud.subnets.find((s) => s.networkId === networkId && s.ipVersion === v && s.gatewayIp !== null)?.gatewayIp;
  const net = visibleNetworks(ctx.cloud).find((n) => n.id === networkId);
  const on = net ? ` on ${net.name || net.id}` : '';
  const what = next?.kind === 'internet' ? 'forwards to the Internet' : next ? `forwards to ${ctx.to}${on}` : `answers for ${ctx.to}`;
  return { element: seen(ctx, 'net', networkId), where: `upstream gateway${gw ? ` ${gw}` : ''}${on}`, what, verdict: 'pass' };
}

/** The elements to highlight: each step's (`path[i + 1]` is `steps[i]`'s), and the VM behind a tap, each once. */
function elementsOf(ctx: Ctx, path: PathStep[], steps: ReachStep[]): string[] {
  const out: string[] = [];
  const add = (e: string | null | undefined) => { if (e && !out.includes(e)) out.push(e); };
  path.forEach((p, i) => {
    const s = i > 0 ? steps[i - 1] : undefined;
    add(p.element);
    const vm = s?.kind === 'tap' && s.direction === 'in' ? serverOf(ctx, s.port) : undefined;
    if (vm) add(`server:${vm.id}`);
  });
  return out;
}
