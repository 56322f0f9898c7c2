/**
 * Tab completion: commands, `openstack`/`neutron`/`nova` sub-commands, options and the learner's
 * resource names, and on the network node what is tedious to type: namespace names after
 * `ip netns exec`, bridges for `ovs-vsctl`, sysctl keys, iptables tables; file names for `cd`
 * (directories), `ls` and `cat`, from the shell's working directory.
 */
import type { Cloud } from '../sim/model/cloud.js';
import type { ParserSpec } from '../cli/spec.js';
import { OPENSTACK_COMMANDS } from '../cli/openstack/index.js';
import { parserFor } from '../cli/openstack/registry.js';
import { neutronCommandNames, neutronParser } from '../cli/neutron/index.js';
import { NAMESPACE_COMMANDS, sysctlKeys } from '../cli/linux/index.js';
import { sudoCommand } from './sudo.js';
import { namespaceEntries } from '../sim/dataplane/index.js';
import { portById } from '../sim/index.js';

/** Which cloud names fit an option or positional, by the metavar the real client uses. */
function namesFor(c: Cloud, metavar: string): string[] {
  const m = metavar.replace(/[<>]/g, '');
  const pick = <T extends { name: string }>(xs: T[]) => xs.map((x) => x.name).filter((n) => n !== '');
  switch (m) {
    case 'network':
      return pick(c.networks);
    case 'subnet':
      return pick(c.subnets);
    case 'router':
      return pick(c.routers);
    case 'port':
      return pick(c.ports);
    case 'server':
      return pick(c.servers);
    case 'group':
    case 'security-group':
      return pick(c.securityGroups);
    case 'floating-ip':
      return c.floatingIps.map((f) => f.floatingIpAddress);
    case 'subnet-pool':
      return pick(c.subnetPools);
    case 'address-scope':
      return pick(c.addressScopes);
    case 'address-group':
      return pick(c.addressGroups ?? []);
    case 'image':
      return pick(c.images);
    case 'flavor':
      return pick(c.flavors);
    case 'key-name':
    case 'name':
      return m === 'key-name' ? pick(c.keypairs) : [];
    default:
      return [];
  }
}

function commonPrefix(xs: string[]): string {
  if (xs.length === 0) return '';
  let p = xs[0] as string;
  for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
  return p;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** Names for a neutron positional or option: the resource its sub-command is about. */
function neutronNames(c: Cloud, command: string, dest: string): string[] {
  const pick = <T extends { name: string }>(xs: T[]) => xs.map((x) => x.name).filter((n) => n !== '');
  if (/network/.test(dest) || dest === 'network_id') return pick(c.networks);
  if (dest === 'router') return pick(c.routers);
  if (dest === 'security_group_id') return pick(c.securityGroups);
  if (dest !== 'id' && dest !== 'interface') return [];
  const resource = command.replace(/-(create|list|show|update|delete|add|gateway-set|gateway-clear|interface-add|interface-delete|port-list)$/, '');
  if (resource === 'net') return pick(c.networks);
  if (resource === 'subnet') return pick(c.subnets);
  if (resource === 'router') return command.startsWith('router-interface') ? pick(c.subnets) : pick(c.routers);
  if (resource === 'port') return pick(c.ports);
  if (resource === 'security-group') return pick(c.securityGroups);
  if (resource === 'subnetpool') return pick(c.subnetPools);
  if (resource === 'floatingip') return c.floatingIps.map((f) => f.id);
  return [];
}

const takesValue = (a: ParserSpec['args'][number]): boolean => a.action !== 'store_true' && a.action !== 'store_false' && a.action !== 'help' && a.action !== 'count';

/**
 * Options, choices and names for the words after a parsed command (`openstack …`, `neutron …`);
 * `args` are the words typed after the command's own words.
 */
function fromParser(spec: ParserSpec, args: string[], current: string, names: (dest: string, metavar: string | undefined) => string[]): string[] {
  if (current.startsWith('-')) return spec.args.filter((a) => a.help !== null).flatMap((a) => a.flags.filter((f) => f.startsWith('--')));
  const prevArg = spec.args.find((a) => a.flags.includes(args[args.length - 1] ?? ''));
  if (prevArg && takesValue(prevArg)) {
    return prevArg.choices ? [...prevArg.choices] : names(prevArg.dest, typeof prevArg.metavar === 'string' ? prevArg.metavar : undefined);
  }
  // Which positional comes next: count the positional words typed so far (option values excluded).
  let done = 0;
  for (let i = 0; i < args.length; i++) {
    const w = args[i] ?? '';
    if (w.startsWith('-')) {
      const opt = spec.args.find((a) => a.flags.includes(w));
      if (opt && takesValue(opt) && !w.includes('=')) i++;
      continue;
    }
    done++;
  }
  const positionals = spec.args.filter((a) => a.flags.length === 0);
  const last = positionals[positionals.length - 1];
  const next = positionals[done] ?? (last && (last.nargs === '+' || last.nargs === '*') ? last : undefined);
  return next ? names(next.dest, typeof next.metavar === 'string' ? next.metavar : undefined) : [];
}

/** Addresses a learner pings or reaches over ssh: floating IPs, then the servers' own addresses. */
function addresses(c: Cloud): string[] {
  const fips = c.floatingIps.map((f) => f.floatingIpAddress);
  const fixed = c.servers.flatMap((s) => s.nics.flatMap((n) => portById(c, n.portId)?.fixedIps.map((f) => f.ipAddress) ?? []));
  return [...fips, ...fixed];
}

/** Words for a host command (`ip`, `ovs-vsctl`, `sysctl`, …); `ns` when it runs in a namespace. */
function hostWords(c: Cloud, host: string, ns: string | null, before: string[], current: string): string[] {
  const cmd = before[0] ?? '';
  const args = before.slice(1);
  const onNode = host === 'network';
  if (cmd === 'ip') {
    const rest = args.filter((w) => w !== '-4' && w !== '-6');
    if (rest.length === 0) return ns === null && onNode ? ['address', 'link', 'netns', 'route'] : ['address', 'link', 'route'];
    if (rest[0] === 'netns' && onNode && ns === null) {
      if (rest.length === 1) return ['exec', 'list'];
      if (rest[1] === 'exec' && rest.length === 2) return namespaceEntries(c).map((n) => n.name);
      if (rest[1] === 'exec') {
        const inner = rest.slice(3);
        if (inner.length === 0) return NAMESPACE_COMMANDS;
        return hostWords(c, host, rest[2] ?? null, inner, current);
      }
    }
    if ((rest[0] === 'address' || rest[0] === 'addr' || rest[0] === 'a') && rest.length === 1) return ['show'];
    return [];
  }
  if (!onNode) return cmd === 'ping' || cmd === 'ping6' || cmd === 'traceroute' ? addresses(c) : [];
  if (cmd === 'ovs-vsctl') {
    const rest = args.filter((w) => !w.startsWith('--'));
    if (current.startsWith('--')) return ['--if-exists', '--may-exist', '--no-wait'];
    if (rest.length === 0) return ['add-port', 'br-exists', 'del-port', 'list-br', 'list-ifaces', 'list-ports', 'port-to-br', 'show'];
    if (rest.length === 1 && ['add-port', 'br-exists', 'del-port', 'list-ifaces', 'list-ports'].includes(rest[0] ?? '')) return ['br-ex', 'br-int', 'br-tun'];
    return [];
  }
  if (cmd === 'sysctl') return current.startsWith('-') ? [] : sysctlKeys(c, ns);
  if ((cmd === 'iptables' || cmd === 'iptables-save') && args[args.length - 1] === '-t') return ['filter', 'mangle', 'nat', 'raw'];
  if (cmd === 'ping' || cmd === 'ping6' || cmd === 'traceroute') return addresses(c);
  return [];
}

/** The entries of a directory as typed (`''`: the working directory; `etc/`, `/etc/`, `~/`), or null when there is none. */
export type ListDirectory = (typed: string) => ReadonlyArray<{ name: string; dir: boolean }> | null;

/** Commands whose words are file names; `cd` takes directories only. */
const FILE_COMMANDS = ['cd', 'ls', 'cat'];

/** bash's file-name completion: the entries of the typed directory, a directory's with its slash; dotfiles when a dot is typed. */
function fileNames(files: ListDirectory, current: string, dirsOnly: boolean): string[] {
  const slash = current.lastIndexOf('/');
  const dir = current.slice(0, slash + 1);
  const base = current.slice(slash + 1);
  return (files(dir) ?? [])
    .filter((e) => (!dirsOnly || e.dir) && (base.startsWith('.') || !e.name.startsWith('.')))
    .map((e) => `${dir}${e.name}${e.dir ? '/' : ''}`);
}

export function completeLine(c: Cloud, line: string, builtins: readonly string[], host = 'laptop', files?: ListDirectory): { candidates: string[]; replacement?: string } {
  const words = line.split(/\s+/).filter((w, i, all) => w !== '' || i === all.length - 1);
  if (words.length === 0) words.push('');
  const current = words[words.length - 1] ?? '';
  let before = words.slice(0, -1);
  // `sudo [OPTIONS] CMD …` completes like `CMD …`.
  if (before[0] === 'sudo') before = [...sudoCommand(before.slice(1))];
  let pool: string[];
  if (before.length === 0) {
    pool = [...builtins];
  } else if (before[0] === 'openstack') {
    const typed = before.slice(1).filter((w) => !w.startsWith('-'));
    const matching = OPENSTACK_COMMANDS.map((x) => x.name.split(' ')).filter((parts) =>
      typed.slice(0, parts.length).every((w, i) => parts[i] === w),
    );
    const full = matching.find((parts) => parts.length <= typed.length);
    if (!full) {
      pool = [...new Set(matching.map((parts) => parts[typed.length]).filter((w): w is string => w !== undefined))];
    } else {
      pool = fromParser(parserFor(full.join(' ')), before.slice(1 + full.length), current, (dest, metavar) => namesFor(c, metavar ?? dest));
    }
  } else if (before[0] === 'neutron') {
    const sub = before[1];
    const spec = sub === undefined ? undefined : neutronParser(sub);
    if (sub === undefined) pool = neutronCommandNames();
    else pool = spec ? fromParser(spec, before.slice(2), current, (dest) => neutronNames(c, sub, dest)) : [];
  } else if (before[0] === 'nova') {
    pool = before.length === 1 ? ['list', 'secgroup-add-rule'] : before[1] === 'secgroup-add-rule' && before.length === 2 ? c.securityGroups.map((g) => g.name) : [];
  } else if (files && FILE_COMMANDS.includes(before[0] ?? '') && !current.startsWith('-')) {
    pool = fileNames(files, current, before[0] === 'cd');
  } else if (before[0] === 'ssh' && current.includes('@')) {
    const user = current.slice(0, current.indexOf('@') + 1);
    pool = addresses(c).map((a) => `${user}${a}`);
  } else {
    pool = hostWords(c, host, null, before, current);
  }
  const candidates = [...new Set(pool.filter((p) => p.startsWith(current)))].sort();
  const head = line.slice(0, line.length - current.length);
  // One candidate: completed, then a space (a directory keeps its slash instead, as bash does).
  if (candidates.length === 1) {
    const only = candidates[0] as string;
    return { candidates, replacement: `${head}${shellQuote(only)}${only.endsWith('/') ? '' : ' '}` };
  }
  const prefix = commonPrefix(candidates);
  if (prefix.length > current.length) return { candidates, replacement: `${head}${prefix}` };
  return { candidates };
}
