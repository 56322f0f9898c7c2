/**
 * The check registry: declarative, typed predicates over a learner's cloud and history. Each
 * type declares its parameters (validated when a lab is loaded), a default title, and an
 * evaluation that says why it failed. Nothing here depends on UUIDs, MACs or the CLI dialect.
 */
import type { Cloud } from '../sim/model/cloud.js';
import {
  attributeNames,
  isKind,
  KIND_NAMES,
  resources,
  routerGatewayPort,
  routerInterfacePorts,
  serverAddresses,
  serverFloatingIps,
  type AttrValue,
  type Kind,
  type Resource,
} from './attributes.js';
import { parsePattern, patternKey, patternsMatcher, scanned, type Invocation, type Pattern, type Scan } from './history.js';
import { changedAny, probedOrOpened, ranAnyOf } from './started.js';
import { canonicalCidr, canonicalIp, cidrWithin, hostPartIs, inCidr, ipVersion, isIp } from './ip.js';
import { linearPattern } from '../cli/pattern.js';
import { judgeAnswer } from './answers.js';
import { LB_ANSWER_KINDS, LB_CHECK_TYPES, lbAnswerAttributes, lbAnswers, withNames } from './lb-checks.js';
import { BYOIP_CHECK_TYPES } from './byoip-checks.js';
import { BGP_CHECK_TYPES } from './bgp-checks.js';

/** A reachability query, the same one `ping`/`ssh` use (server/sim/reach.ts's `trace`). */
export type ReachFn = (
  cloud: Cloud,
  from: string,
  to: string,
  proto: string,
  port: number | undefined,
) => { verdict: string; reason: string };

export interface CheckContext {
  cloud: Cloud;
  history: Invocation[];
  /** Learner's answers to question checks, by check id. */
  answers: Record<string, string>;
  reach: ReachFn | null;
  checkId: string;
}

export interface Outcome {
  ok: boolean;
  why: string;
}

type ParamType = 'string' | 'number' | 'boolean' | 'strings' | 'map';

export interface ParamSpec {
  type: ParamType;
  required?: boolean;
  oneOf?: readonly string[];
  doc: string;
}

/** What a check's verdict may depend on: the learner's cloud, what they ran, their answers. */
export type GradeInput = 'cloud' | 'history' | 'answers';

export interface CheckType {
  name: string;
  doc: string;
  /**
   * What `evaluate` reads (besides its parameters). A grade after a command that changed none of
   * these keeps the check's outcome (server/labs/grade.ts), so a type must name all it reads:
   * test/labs/check-reads.test.ts watches every lab's checks for a read left unnamed.
   */
  reads: readonly GradeInput[];
  params: Record<string, ParamSpec>;
  /** Extra validation beyond the schema; returns an error message or null. */
  validate?(p: Params): string | null;
  title(p: Params): string;
  evaluate(p: Params, ctx: CheckContext): Outcome;
  /** Whether the learner has done something this check looks at (see started.ts); until then a failing check is `todo`. */
  started(p: Params, ctx: CheckContext): boolean;
}

/** Validated parameters, read through typed accessors. */
export class Params {
  constructor(readonly raw: Record<string, unknown>) {}
  str(k: string): string {
    const v = this.raw[k];
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
  }
  opt(k: string): string | undefined {
    return this.raw[k] === undefined ? undefined : this.str(k);
  }
  num(k: string): number | undefined {
    const v = this.raw[k];
    return typeof v === 'number' ? v : undefined;
  }
  bool(k: string): boolean | undefined {
    const v = this.raw[k];
    return typeof v === 'boolean' ? v : undefined;
  }
  strs(k: string): string[] {
    const v = this.raw[k];
    if (typeof v === 'string') return [v];
    return Array.isArray(v) ? v.map(String) : [];
  }
  map(k: string): Record<string, unknown> {
    const v = this.raw[k];
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  }
}

// ---------------------------------------------------------------- value matching

function show(v: AttrValue | undefined): string {
  if (v === undefined || v === null) return 'None';
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.join(', ');
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

function norm(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  const s = String(v).trim();
  const low = s.toLowerCase();
  if (low === 'true' || low === 'yes') return 'true';
  if (low === 'false' || low === 'no') return 'false';
  if (low === 'null' || low === 'none' || low === '') return 'none';
  const cidr = s.includes('/') ? canonicalCidr(s) : null;
  if (cidr !== null) {
    const [a, len] = cidr.split('/');
    if ((len === '32' && ipVersion(a ?? '') === 4) || (len === '128' && ipVersion(a ?? '') === 6)) return a ?? cidr;
    return cidr;
  }
  return isIp(s) ? canonicalIp(s) : low;
}

/** Matchers an instructor may use instead of a plain value. */
const MATCHERS = ['in', 'one_of', 'regex', 'not', 'empty', 'count', 'contains', 'host'] as const;

/** Whether `actual` satisfies `expected`; lists match a scalar when any element does. */
export function matchValue(actual: AttrValue | undefined, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    const m = expected as Record<string, unknown>;
    return Object.entries(m).every(([op, arg]) => {
      const items = Array.isArray(actual) ? actual : actual === null || actual === undefined ? [] : [String(actual)];
      switch (op) {
        case 'in':
          return items.some((x) => inCidr(String(x), String(arg)));
        case 'one_of':
          return Array.isArray(arg) && arg.some((a) => matchValue(actual, a));
        case 'regex':
          // Learners' values under an author's pattern: matched in linear time (re2js), never backtracking.
          return items.some((x) => linearPattern(String(arg))?.test(String(x)) === true);
        case 'not':
          return !matchValue(actual, arg);
        case 'empty':
          return (items.length === 0) === Boolean(arg);
        case 'count':
          return items.length === Number(arg);
        case 'contains':
          return matchValue(actual, arg);
        default:
          return false;
      }
    });
  }
  if (Array.isArray(expected)) {
    const have = Array.isArray(actual) ? actual.map(norm) : [norm(actual)];
    const want = expected.map(norm);
    return have.length === want.length && want.every((w) => have.includes(w));
  }
  if (Array.isArray(actual)) return actual.some((a) => norm(a) === norm(expected));
  return norm(actual) === norm(expected);
}

function describeExpected(expected: unknown): string {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    return Object.entries(expected as Record<string, unknown>)
      .map(([op, arg]) => `${op.replace('_', ' ')} ${Array.isArray(arg) ? arg.join(' or ') : String(arg)}`)
      .join(', ');
  }
  if (Array.isArray(expected)) return expected.join(', ');
  if (typeof expected === 'boolean') return expected ? 'True' : 'False';
  return String(expected);
}

// ---------------------------------------------------------------- helpers

const art = (kind: string) => (/^[aeiou]/.test(kind) ? 'an' : 'a');
const pass = (why: string): Outcome => ({ ok: true, why });
const failed = (why: string): Outcome => ({ ok: false, why });

function missing(kind: string, name: string): Outcome {
  return failed(`there is no ${kind.replace(/-/g, ' ')} named ${name}`);
}

/** Evaluates `where` on a resource: null when every attribute matches, else the first mismatch. */
function mismatch(r: Resource, where: Record<string, unknown>): string | null {
  for (const [attr, expected] of Object.entries(where)) {
    const actual = r.get(attr);
    if (!matchValue(actual, expected)) return `${r.label} has ${attr} ${show(actual)}, expected ${describeExpected(expected)}`;
  }
  return null;
}

// ---------------------------------------------------------------- the check types

const resourceCheck: CheckType = {
  name: 'resource',
  reads: ['cloud'],
  doc: 'A resource of a kind exists (with this name, if given) whose attributes match `where`.',
  params: {
    kind: { type: 'string', required: true, oneOf: KIND_NAMES, doc: 'network, subnet, subnet-pool, port, router, server, floating-ip, security-group, security-group-rule' },
    name: { type: 'string', doc: 'its name (any resource of the kind when omitted)' },
    where: { type: 'map', doc: 'attribute → value or matcher ({in: CIDR}, {one_of: […]}, {regex: …}, {not: …}, {empty: bool}, {count: n}, {contains: x})' },
  },
  validate(p) {
    const kind = p.str('kind');
    if (!isKind(kind)) return null;
    const known = attributeNames(kind);
    for (const [attr, v] of Object.entries(p.map('where'))) {
      if (!known.includes(attr)) return `unknown attribute '${attr}' for ${kind} (known: ${known.join(', ')})`;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        for (const op of Object.keys(v)) {
          if (!(MATCHERS as readonly string[]).includes(op)) return `unknown matcher '${op}' (known: ${MATCHERS.join(', ')})`;
        }
      }
    }
    return null;
  },
  title(p) {
    const kind = p.str('kind').replace(/-/g, ' ');
    const where = Object.entries(p.map('where')).map(([k, v]) => `${k} ${describeExpected(v)}`);
    const name = p.opt('name');
    return `${name !== undefined ? `${kind} ${name}` : `${art(kind)} ${kind}`} exists${where.length > 0 ? ` with ${where.join(', ')}` : ''}`;
  },
  started: (p, ctx) => changedAny(ctx.history, [p.str('kind') as Kind]),
  evaluate(p, ctx) {
    const kind = p.str('kind') as Kind;
    const name = p.opt('name');
    const found = resources(ctx.cloud, kind, name);
    if (found.length === 0) return name !== undefined ? missing(kind, name) : failed(`there is no ${kind.replace(/-/g, ' ')} yet`);
    const where = p.map('where');
    let firstWhy: string | null = null;
    for (const r of found) {
      const why = mismatch(r, where);
      if (why === null) return pass(`${r.label} matches`);
      firstWhy ??= why;
    }
    return failed(name === undefined && found.length > 1 ? `no ${kind.replace(/-/g, ' ')} matches (for example, ${firstWhy ?? ''})` : (firstWhy ?? ''));
  },
};

const routerInterface: CheckType = {
  name: 'router-interface',
  reads: ['cloud'],
  doc: 'A router has an interface on a subnet (or on some subnet of a network).',
  params: {
    router: { type: 'string', required: true, doc: 'router name' },
    subnet: { type: 'string', doc: 'subnet name' },
    network: { type: 'string', doc: 'network name (any of its subnets)' },
  },
  validate: (p) => (p.opt('subnet') === undefined && p.opt('network') === undefined ? 'needs subnet or network' : null),
  title: (p) => `router ${p.str('router')} has an interface on ${p.opt('subnet') !== undefined ? `subnet ${p.str('subnet')}` : `network ${p.str('network')}`}`,
  started: (_p, ctx) => changedAny(ctx.history, ['router']),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const routers = c.routers.filter((r) => r.name === p.str('router'));
    if (routers.length === 0) return missing('router', p.str('router'));
    const sub = p.opt('subnet');
    const net = p.opt('network');
    for (const r of routers) {
      for (const port of routerInterfacePorts(c, r)) {
        for (const f of port.fixedIps) {
          const s = c.subnets.find((x) => x.id === f.subnetId);
          if (s === undefined) continue;
          const n = c.networks.find((x) => x.id === s.networkId);
          if ((sub !== undefined && s.name === sub) || (sub === undefined && n?.name === net)) {
            return pass(`router ${r.name} has interface ${f.ipAddress} on subnet ${s.name}`);
          }
        }
      }
    }
    const have = routers.flatMap((r) => resources(c, 'router', r.name).flatMap((x) => x.get('interfaces') as string[]));
    return failed(
      `router ${p.str('router')} has no interface on ${sub !== undefined ? `subnet ${sub}` : `network ${net ?? ''}`}${have.length > 0 ? ` (its interfaces are on ${[...new Set(have)].join(', ')})` : ' (it has no interfaces)'}`,
    );
  },
};

const routerGateway: CheckType = {
  name: 'router-gateway',
  reads: ['cloud'],
  doc: 'A router has its external gateway (on this network, if given).',
  params: {
    router: { type: 'string', required: true, doc: 'router name' },
    network: { type: 'string', doc: 'external network name' },
  },
  title: (p) => `router ${p.str('router')} has an external gateway${p.opt('network') !== undefined ? ` on ${p.str('network')}` : ''}`,
  started: (_p, ctx) => changedAny(ctx.history, ['router']),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const routers = c.routers.filter((r) => r.name === p.str('router'));
    if (routers.length === 0) return missing('router', p.str('router'));
    const want = p.opt('network');
    let other: string | null = null;
    for (const r of routers) {
      if (r.gateway === null) continue;
      const n = c.networks.find((x) => x.id === r.gateway?.networkId)?.name ?? '?';
      if (want === undefined || n === want) {
        const ip = routerGatewayPort(c, r)?.fixedIps.map((f) => f.ipAddress).join(', ') ?? '';
        return pass(`router ${r.name} has its gateway on ${n}${ip !== '' ? ` (${ip})` : ''}`);
      }
      other = n;
    }
    return failed(other !== null ? `router ${p.str('router')} has its gateway on ${other}, not on ${want ?? ''}` : `router ${p.str('router')} has no external gateway`);
  },
};

const routerSnat: CheckType = {
  name: 'router-snat',
  reads: ['cloud'],
  doc: 'A router has an external gateway with SNAT enabled (or disabled, with `enabled: false`).',
  params: {
    router: { type: 'string', required: true, doc: 'router name' },
    enabled: { type: 'boolean', doc: 'expected SNAT state (default true)' },
  },
  title: (p) => `router ${p.str('router')} does SNAT${p.bool('enabled') === false ? ' not' : ''}`,
  started: (_p, ctx) => changedAny(ctx.history, ['router']),
  evaluate(p, ctx) {
    const routers = ctx.cloud.routers.filter((r) => r.name === p.str('router'));
    if (routers.length === 0) return missing('router', p.str('router'));
    const want = p.bool('enabled') ?? true;
    const withGw = routers.filter((r) => r.gateway !== null);
    if (withGw.length === 0) return failed(`router ${p.str('router')} has no external gateway, so it cannot do SNAT`);
    if (withGw.some((r) => r.gateway?.enableSnat === want)) return pass(`router ${p.str('router')} has SNAT ${want ? 'enabled' : 'disabled'}`);
    return failed(`router ${p.str('router')} has SNAT ${want ? 'disabled' : 'enabled'}`);
  },
};

const floatingIp: CheckType = {
  name: 'floating-ip',
  reads: ['cloud'],
  doc: 'A floating IP (from this external network, if given) is associated with a server.',
  params: {
    server: { type: 'string', required: true, doc: 'server name' },
    network: { type: 'string', doc: 'external network the floating IP comes from' },
  },
  title: (p) => `server ${p.str('server')} has a floating IP${p.opt('network') !== undefined ? ` from ${p.str('network')}` : ''}`,
  started: (_p, ctx) => changedAny(ctx.history, ['floating-ip']),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const servers = c.servers.filter((s) => s.name === p.str('server'));
    if (servers.length === 0) return missing('server', p.str('server'));
    const want = p.opt('network');
    for (const s of servers) {
      const ports = new Set(c.ports.filter((x) => x.deviceId === s.id).map((x) => x.id));
      for (const f of c.floatingIps) {
        if (f.portId === null || !ports.has(f.portId)) continue;
        const n = c.networks.find((x) => x.id === f.floatingNetworkId)?.name;
        if (want === undefined || n === want) return pass(`floating IP ${f.floatingIpAddress} is associated with server ${s.name} (${f.fixedIpAddress ?? ''})`);
      }
    }
    const free = c.floatingIps.filter((f) => f.portId === null && f.projectId === c.auth.projectId);
    return failed(
      `server ${p.str('server')} has no floating IP${want !== undefined ? ` from ${want}` : ''}${free.length > 0 ? ` (floating IP ${free.map((f) => f.floatingIpAddress).join(', ')} is allocated but not associated)` : ''}`,
    );
  },
};

const serverAddress: CheckType = {
  name: 'server-address',
  reads: ['cloud'],
  doc: 'A server has an address of an IP version, optionally from a subnet pool, subnet, network or CIDR, or with a given host part.',
  params: {
    server: { type: 'string', required: true, doc: 'server name' },
    version: { type: 'number', doc: '4 or 6' },
    pool: { type: 'string', doc: 'subnet pool name: the address lies in one of its prefixes' },
    subnet: { type: 'string', doc: 'subnet name' },
    network: { type: 'string', doc: 'network name' },
    cidr: { type: 'string', doc: 'a CIDR the address lies in' },
    host: { type: 'string', doc: 'host part, e.g. ::beef' },
  },
  title(p) {
    const v = p.num('version');
    const from = p.opt('pool') ?? p.opt('subnet') ?? p.opt('network') ?? p.opt('cidr');
    return `server ${p.str('server')} has ${v !== undefined ? `an IPv${v} address` : 'an address'}${from !== undefined ? ` from ${from}` : ''}${p.opt('host') !== undefined ? ` ending in ${p.str('host')}` : ''}`;
  },
  started: (_p, ctx) => changedAny(ctx.history, ['server', 'port']),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const servers = c.servers.filter((s) => s.name === p.str('server'));
    if (servers.length === 0) return missing('server', p.str('server'));
    const pool = p.opt('pool') === undefined ? undefined : c.subnetPools.find((x) => x.name === p.opt('pool'));
    if (p.opt('pool') !== undefined && pool === undefined) return missing('subnet pool', p.str('pool'));
    const all: string[] = [];
    for (const s of servers) {
      for (const port of c.ports.filter((x) => x.deviceId === s.id)) {
        for (const f of port.fixedIps) {
          all.push(f.ipAddress);
          const sub = c.subnets.find((x) => x.id === f.subnetId);
          const net = c.networks.find((x) => x.id === port.networkId);
          const v = p.num('version');
          if (v !== undefined && ipVersion(f.ipAddress) !== v) continue;
          if (pool !== undefined && !pool.prefixes.some((pre) => inCidr(f.ipAddress, pre))) continue;
          if (p.opt('subnet') !== undefined && sub?.name !== p.opt('subnet')) continue;
          if (p.opt('network') !== undefined && net?.name !== p.opt('network')) continue;
          if (p.opt('cidr') !== undefined && !inCidr(f.ipAddress, p.str('cidr'))) continue;
          if (p.opt('host') !== undefined && (sub === undefined || !hostPartIs(f.ipAddress, sub.cidr, p.str('host')))) continue;
          return pass(`server ${s.name} has ${f.ipAddress}`);
        }
      }
    }
    const addrs = servers.flatMap((s) => serverAddresses(c, s));
    return failed(`server ${p.str('server')} has no such address (its addresses: ${addrs.length > 0 ? addrs.join(', ') : 'none'})`);
  },
};

const portFixedIp: CheckType = {
  name: 'port-fixed-ip',
  reads: ['cloud'],
  doc: 'A port has a fixed IP: exactly `address`, or `host` as host part in its subnet (e.g. ::beef); optionally on a subnet.',
  params: {
    port: { type: 'string', required: true, doc: 'port name' },
    address: { type: 'string', doc: 'the exact address' },
    host: { type: 'string', doc: 'host part within the subnet, e.g. ::beef' },
    subnet: { type: 'string', doc: 'subnet name' },
  },
  validate: (p) => (p.opt('address') === undefined && p.opt('host') === undefined && p.opt('subnet') === undefined ? 'needs address, host or subnet' : null),
  title: (p) =>
    `port ${p.str('port')} has fixed IP ${p.opt('address') ?? (p.opt('host') !== undefined ? `…${p.str('host')}` : '')}${p.opt('subnet') !== undefined ? ` on ${p.str('subnet')}` : ''}`.replace('  ', ' '),
  started: (_p, ctx) => changedAny(ctx.history, ['port']),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const ports = c.ports.filter((x) => x.name === p.str('port'));
    if (ports.length === 0) return missing('port', p.str('port'));
    for (const port of ports) {
      for (const f of port.fixedIps) {
        const sub = c.subnets.find((x) => x.id === f.subnetId);
        if (p.opt('subnet') !== undefined && sub?.name !== p.opt('subnet')) continue;
        if (p.opt('address') !== undefined && norm(f.ipAddress) !== norm(p.str('address'))) continue;
        if (p.opt('host') !== undefined && (sub === undefined || !hostPartIs(f.ipAddress, sub.cidr, p.str('host')))) continue;
        return pass(`port ${port.name} has ${f.ipAddress}`);
      }
    }
    const have = ports.flatMap((x) => x.fixedIps.map((f) => f.ipAddress));
    return failed(`port ${p.str('port')} has ${have.length > 0 ? `fixed IPs ${have.join(', ')}` : 'no fixed IP'}, not the one asked for`);
  },
};

/** Protocol values of a rule (names and numbers Neutron accepts) that carry `proto` for an IP version. */
function ruleCarries(ruleProto: string | null, proto: string, v: 4 | 6): boolean {
  if (ruleProto === null) return true;
  const names: Record<string, string[]> = {
    tcp: ['tcp', '6'],
    udp: ['udp', '17'],
    // Neutron's agents treat the legacy names of ICMP in an IPv6 rule as ICMPv6.
    icmp: v === 4 ? ['icmp', '1'] : ['ipv6-icmp', 'icmpv6', '58', 'icmp', '1'],
  };
  return (names[proto] ?? [proto]).includes(ruleProto.toLowerCase());
}

type Rule = Cloud['securityGroupRules'][number];

/** A rule as `openstack security group rule list` would sum it up: `IPv4 tcp 22 from 0.0.0.0/0`. */
function describeRule(c: Cloud, r: Rule): string {
  const icmp = r.protocol !== null && ['icmp', 'ipv6-icmp', 'icmpv6', '1', '58'].includes(r.protocol);
  const ports =
    r.portRangeMin === null
      ? ''
      : icmp
        ? ` type ${r.portRangeMin}${r.portRangeMax !== null ? ` code ${r.portRangeMax}` : ''}`
        : ` ${r.portRangeMin}${r.portRangeMax !== null && r.portRangeMax !== r.portRangeMin ? `-${r.portRangeMax}` : ''}`;
  const ag = r.remoteAddressGroupId ?? null;
  const remote =
    r.remoteGroupId !== null
      ? `members of group ${c.securityGroups.find((g) => g.id === r.remoteGroupId)?.name ?? '?'}`
      : ag !== null
        ? `address group ${c.addressGroups?.find((g) => g.id === ag)?.name ?? '?'}`
        : (r.remoteIpPrefix ?? 'anywhere');
  return `${r.ethertype} ${r.protocol ?? 'any protocol'}${ports} from ${remote}`;
}

const ANYWHERE = '0.0.0.0/0';

function sgWhat(p: Params): string {
  const proto = p.str('protocol');
  const port = p.num('port');
  if (proto === 'icmp') return port === undefined || port === 8 ? 'ping (ICMP echo request)' : `ICMP type ${port}`;
  return `${proto.toUpperCase()} port ${port ?? ''}`;
}

function sgFrom(p: Params): string {
  const from = p.opt('from');
  return from === undefined || from === ANYWHERE || from === '::/0' ? 'anywhere' : from;
}

const securityGroupAllows: CheckType = {
  name: 'security-group-allows',
  reads: ['cloud'],
  doc:
    "A security group has an ingress rule that lets a protocol and port in from a source (anywhere by default), as Neutron's firewall would apply it: the rule's ethertype is the source's IP version, its protocol is that one (or any), its port range holds the port (for ICMP its type is the one asked, any code 0), and its remote prefix holds the whole source. A rule for members of a group (remote group) does not let outside traffic in; one whose remote is an address group lets in a source within one of the group's addresses.",
  params: {
    group: { type: 'string', required: true, doc: 'security group name' },
    protocol: { type: 'string', required: true, oneOf: ['tcp', 'udp', 'icmp'], doc: 'tcp, udp or icmp' },
    port: { type: 'number', doc: 'tcp/udp: the destination port (required); icmp: the ICMP type (default 8, the echo request ping sends)' },
    from: { type: 'string', doc: 'address or CIDR the rule must admit entirely (default anywhere: 0.0.0.0/0; ::/0 asks for IPv6)' },
  },
  validate(p) {
    const proto = p.str('protocol');
    const port = p.num('port');
    if (proto !== 'icmp' && port === undefined) return `${proto} needs port`;
    const max = proto === 'icmp' ? 255 : 65535;
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > max)) return `port must be an integer from 0 to ${max}`;
    const from = p.opt('from');
    if (from !== undefined && !isIp(from) && canonicalCidr(from) === null) return `from: ${from} is neither an address nor a CIDR`;
    return null;
  },
  title: (p) => `the ${p.str('group')} group lets ${sgWhat(p)} in from ${sgFrom(p)}`,
  started: (_p, ctx) => changedAny(ctx.history, ['security-group', 'security-group-rule']),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const name = p.str('group');
    // The learner's own group of that name (`rule create default` picks it), else any project's.
    const named = c.securityGroups.filter((g) => g.name === name);
    const own = named.filter((g) => g.projectId === c.auth.projectId);
    const ids = new Set((own.length > 0 ? own : named).map((g) => g.id));
    if (ids.size === 0) return missing('security group', name);
    const from = p.opt('from') ?? ANYWHERE;
    const v = ipVersion(from.split('/')[0] ?? '') === 6 ? 6 : 4;
    const proto = p.str('protocol');
    const port = p.num('port') ?? 8;
    const ingress = c.securityGroupRules.filter((r) => ids.has(r.securityGroupId) && r.direction === 'ingress');
    const admits = (r: Rule): boolean => {
      if (r.ethertype !== (v === 6 ? 'IPv6' : 'IPv4') || !ruleCarries(r.protocol, proto, v)) return false;
      if (r.protocol !== null && r.portRangeMin !== null) {
        if (proto === 'icmp') {
          // port_range_min is the ICMP type, port_range_max the code (echo request: code 0).
          if (r.portRangeMin !== port || (r.portRangeMax !== null && r.portRangeMax !== 0)) return false;
        } else if (port < r.portRangeMin || port > (r.portRangeMax ?? r.portRangeMin)) return false;
      }
      if (r.remoteGroupId !== null) return false;
      // An address group admits the sources within one of its addresses.
      const ag = r.remoteAddressGroupId ?? null;
      if (ag !== null) return (c.addressGroups?.find((g) => g.id === ag)?.addresses ?? []).some((a) => cidrWithin(from, a));
      return r.remoteIpPrefix === null || cidrWithin(from, r.remoteIpPrefix);
    };
    const hit = ingress.find(admits);
    if (hit !== undefined) return pass(`the ${name} group's rule ${describeRule(c, hit)} lets ${sgWhat(p)} in`);
    const list = ingress.map((r) => describeRule(c, r));
    const shown = list.length > 6 ? [...list.slice(0, 6), `${list.length - 6} more`] : list;
    return failed(`the ${name} group lets no ${sgWhat(p)} in from ${sgFrom(p)} (${shown.length > 0 ? `its ingress rules: ${shown.join('; ')}` : 'it has no ingress rule'})`);
  },
};

/** Picks the address of a server to reach: its floating IP or one of its fixed addresses. */
function targetAddress(c: Cloud, p: Params): { addr: string | null; why: string } {
  const to = p.str('to');
  if (isIp(to)) return { addr: to, why: '' };
  const s = c.servers.find((x) => x.name === to);
  if (s === undefined) return { addr: null, why: `there is no server named ${to}` };
  const via = p.opt('via') ?? 'floating-ip';
  if (via === 'floating-ip') {
    const f = serverFloatingIps(c, s)[0];
    return f === undefined ? { addr: null, why: `server ${to} has no floating IP` } : { addr: f, why: '' };
  }
  const want = via === 'ipv6' ? 6 : 4;
  const a = serverAddresses(c, s).find((x) => ipVersion(x) === want);
  return a === undefined ? { addr: null, why: `server ${to} has no IPv${want} address` } : { addr: a, why: '' };
}

const reach: CheckType = {
  name: 'reach',
  reads: ['cloud'],
  doc: 'A host reaches a server (through its floating IP by default) or an address, asked of the same reach query `ping` and `ssh` use.',
  params: {
    from: { type: 'string', required: true, doc: 'laptop, network, or a server name' },
    to: { type: 'string', required: true, doc: 'a server name or an address' },
    via: { type: 'string', oneOf: ['floating-ip', 'ipv4', 'ipv6'], doc: 'which address of the server (default floating-ip)' },
    proto: { type: 'string', oneOf: ['icmp', 'tcp', 'udp'], doc: 'icmp (ping, default) or tcp/udp with port' },
    port: { type: 'number', doc: 'destination port (22 for ssh)' },
  },
  title(p) {
    const what = (p.opt('proto') ?? 'icmp') === 'icmp' ? 'ping' : p.num('port') === 22 ? 'ssh to' : `connect to port ${p.num('port') ?? ''} of`;
    const via = isIp(p.str('to')) ? '' : (p.opt('via') ?? 'floating-ip') === 'floating-ip' ? ' through its floating IP' : ` on its ${p.opt('via') === 'ipv6' ? 'IPv6' : 'IPv4'} address`;
    return `${p.str('from')} can ${what} ${p.str('to')}${via}`;
  },
  started: (_p, ctx) => probedOrOpened(ctx.history),
  evaluate(p, ctx) {
    if (ctx.reach === null) return failed('reachability cannot be checked: this build has no reach query');
    const t = targetAddress(ctx.cloud, p);
    if (t.addr === null) return failed(t.why);
    const proto = p.opt('proto') ?? 'icmp';
    const r = ctx.reach(ctx.cloud, p.str('from'), t.addr, proto, p.num('port'));
    const ok = /^(ok|reachable|reached|success|pass)/i.test(r.verdict);
    const target = isIp(p.str('to')) ? t.addr : `${p.str('to')} (${t.addr})`;
    return ok ? pass(`${p.str('from')} reaches ${target}`) : failed(`${p.str('from')} cannot reach ${target}: ${withNames(ctx.cloud, r.reason)}`);
  },
};

/** The first invocation matching some patterns, per namespace and kind (see firstMatches). */
interface FirstMatch {
  index: number;
  netns: string | null;
  ran: boolean;
}

const matchMemo = new WeakMap<readonly Invocation[], Map<string, Scan<{ test: (inv: Invocation) => boolean; first: Map<string, FirstMatch> }>>>();

/**
 * For the `ran` check: the first invocation of a history matching any of `commands`, for each
 * namespace (and whether it ran or was parsed), found once as the history grows. Whether a
 * namespace counts depends on the cloud (its routers), so that is decided at each grade over
 * these few firsts: the earliest that counts is what `find` over the whole history would give.
 */
function firstMatches(history: readonly Invocation[], commands: readonly string[], patterns: readonly Pattern[]): Map<string, FirstMatch> {
  return scanned(
    history,
    matchMemo,
    JSON.stringify(commands),
    () => ({ test: patternsMatcher(patterns), first: new Map<string, FirstMatch>() }),
    (s, inv, index) => {
      const k = `${inv.ran ? 'r' : 'p'}${inv.netns === null ? '' : `:${inv.netns}`}`;
      if (!s.first.has(k) && s.test(inv)) s.first.set(k, { index, netns: inv.netns, ran: inv.ran });
    },
  ).first;
}

const ran: CheckType = {
  name: 'ran',
  reads: ['cloud', 'history'],
  doc: 'The learner ran a command (any of `command`, in either CLI dialect), optionally inside a router\'s namespace.',
  params: {
    command: { type: 'strings', required: true, doc: 'command pattern(s): words, then options/arguments that must appear, e.g. `openstack port list --long`, `iptables-save`' },
    netns: { type: 'string', doc: '`router NAME` (its qrouter- namespace), `any-router`, or a literal namespace name' },
  },
  title: (p) => `you ran \`${p.strs('command')[0] ?? ''}\`${p.opt('netns') !== undefined ? ` in ${p.str('netns').startsWith('router ') ? `${p.str('netns')}'s namespace` : 'a router namespace'}` : ''}`,
  started: (p, ctx) => ranAnyOf(ctx.history, p.strs('command').map((c) => patternKey(parsePattern(c)))),
  evaluate(p, ctx) {
    const patterns = p.strs('command').map(parsePattern);
    const ns = p.opt('netns');
    let nsOk = (_n: string | null, _expanded: boolean): boolean => true;
    if (ns !== undefined) {
      if (ns === 'any-router') {
        // An expanded namespace must be one of the cloud's routers'; a parsed one may hide it in a variable.
        const all = ctx.cloud.routers.map((r) => `qrouter-${r.id}`);
        nsOk = (n, expanded) => n !== null && (expanded ? all.includes(n) : n.startsWith('qrouter-'));
      } else if (ns.startsWith('router ')) {
        const ids = ctx.cloud.routers.filter((r) => r.name === ns.slice(7).trim()).map((r) => `qrouter-${r.id}`);
        // What ran has its namespace expanded. Only an old history entry, parsed from its line,
        // can hold one typed through a variable (`qrouter-$ROUTER`) that the line alone cannot
        // resolve: any router namespace written that way counts there.
        nsOk = (n, expanded) => n !== null && (ids.includes(n) || (!expanded && n.startsWith('qrouter-') && n.includes('$')));
      } else nsOk = (n) => n === ns;
    }
    // The first matching invocation of each namespace (and kind: ran or parsed), kept as the history grows.
    let first = Infinity;
    for (const f of firstMatches(ctx.history, p.strs('command'), patterns).values()) if (f.index < first && nsOk(f.netns, f.ran)) first = f.index;
    const hit = ctx.history[first];
    if (hit) return pass(`you ran \`${hit.argv.join(' ')}\``);
    const where = ns === undefined ? '' : ns.startsWith('router ') ? ` inside the namespace of ${ns}` : ' inside a router namespace';
    return failed(`you have not run \`${p.strs('command')[0] ?? ''}\`${where} yet`);
  },
};

/** Computes a question's expected answer(s) from the cloud. */
export function expectedAnswers(p: Params, c: Cloud): string[] {
  const a = p.map('answer');
  if (a['value'] !== undefined) return (Array.isArray(a['value']) ? a['value'] : [a['value']]).map(String);
  const kind = String(a['kind'] ?? '');
  const octavia = lbAnswers(c, kind, a['name'] === undefined ? undefined : String(a['name']), String(a['attribute'] ?? ''));
  if (octavia !== null) return octavia;
  if (!isKind(kind)) return [];
  const found = resources(c, kind, a['name'] === undefined ? undefined : String(a['name']));
  const v = found[0]?.get(String(a['attribute'] ?? ''));
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [String(v)];
}

const question: CheckType = {
  name: 'question',
  reads: ['cloud', 'answers'],
  doc: 'A question whose answer is computed from the learner\'s own cloud (`answer: {kind, name, attribute}`) or fixed (`answer: {value}`).',
  params: {
    prompt: { type: 'string', required: true, doc: 'the question (Markdown)' },
    answer: { type: 'map', required: true, doc: '{kind, name, attribute} or {value}' },
  },
  validate(p) {
    const a = p.map('answer');
    if (a['value'] !== undefined) return null;
    const kind = String(a['kind'] ?? '');
    const known = lbAnswerAttributes(kind) ?? (isKind(kind) ? attributeNames(kind) : null);
    if (known === null) return `answer needs value, or kind (${[...KIND_NAMES, ...LB_ANSWER_KINDS].join(', ')}), name and attribute`;
    if (!known.includes(String(a['attribute'] ?? ''))) return `unknown attribute '${String(a['attribute'] ?? '')}' for ${kind}`;
    return null;
  },
  title: (p) => p.str('prompt'),
  started: (_p, ctx) => (ctx.answers[ctx.checkId] ?? '').trim() !== '',
  evaluate(p, ctx) {
    const given = ctx.answers[ctx.checkId];
    if (given === undefined || given.trim() === '') return failed('not answered yet');
    const want = expectedAnswers(p, ctx.cloud);
    if (want.length === 0) return failed('the answer cannot be worked out from your cloud yet: finish the steps before');
    return judgeAnswer(given, want);
  },
};

export const CHECK_TYPES: readonly CheckType[] = [
  resourceCheck,
  routerInterface,
  routerGateway,
  routerSnat,
  floatingIp,
  serverAddress,
  portFixedIp,
  securityGroupAllows,
  reach,
  ran,
  question,
  ...LB_CHECK_TYPES,
  ...BYOIP_CHECK_TYPES,
  ...BGP_CHECK_TYPES,
];

export function checkType(name: string): CheckType | undefined {
  return CHECK_TYPES.find((t) => t.name === name);
}
