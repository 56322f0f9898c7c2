/**
 * Whether the learner has started on what a check looks at, so that a check not passing yet is
 * shown as "not done yet" (`todo`) rather than as a failure until then. Per check type:
 *
 * - state checks (resource, router-*, floating-ip, server-address, port-fixed-ip,
 *   security-group-allows): a command of the history *changed* a resource of a kind the check
 *   looks at (create, set, unset, add, remove, delete, associate… in any client); listing and
 *   showing do not count, so exploring never turns a later step red;
 * - reach: a command tried to reach something (ping, ssh, traceroute, curl, nc, telnet) or
 *   changed a security group (rule), what lets the traffic in; building the path (routers,
 *   floating IPs) comes in earlier steps and does not turn a later reachability check red;
 * - ran: a command of the same kind ran (same command in either dialect, whatever its options,
 *   arguments or namespace), e.g. `route -n` outside the router's namespace;
 * - question: an answer was given.
 *
 * A check that passes is `pass` whatever the history (a fixture may already satisfy it).
 */
import type { Kind } from './attributes.js';
import { commandKey, normalise, scanned, type Invocation, type Scan } from './history.js';

/** The first words of `openstack` commands (after the global options) → the kind they act on. */
const OSC_NOUNS: Array<[string, Kind]> = [
  ['security group rule', 'security-group-rule'],
  ['security group', 'security-group'],
  ['floating ip', 'floating-ip'],
  ['subnet pool', 'subnet-pool'],
  ['subnet', 'subnet'],
  ['network', 'network'],
  ['port', 'port'],
  ['router', 'router'],
  ['server', 'server'],
];
const OSC_WRITES = new Set(['create', 'delete', 'set', 'unset', 'add', 'remove']);
/** Server actions that change its status (and so its ports' and what it serves). */
const SERVER_ACTIONS = new Set(['stop', 'start']);

/** Prefixes of `neutron` subcommands → the kind they act on (longest first). */
const NEUTRON_PREFIXES: Array<[string, Kind]> = [
  ['security-group-rule-', 'security-group-rule'],
  ['security-group-', 'security-group'],
  ['floatingip-', 'floating-ip'],
  ['subnetpool-', 'subnet-pool'],
  ['subnet-', 'subnet'],
  ['net-', 'network'],
  ['port-', 'port'],
  ['router-', 'router'],
];

/** `nova` subcommands that change something, and the kinds they change. */
const NOVA_WRITES: Record<string, Kind[]> = {
  boot: ['server', 'port'],
  delete: ['server', 'port'],
  'secgroup-add-rule': ['security-group-rule'],
  'secgroup-delete-rule': ['security-group-rule'],
  'secgroup-create': ['security-group'],
  'floating-ip-associate': ['floating-ip'],
  'floating-ip-disassociate': ['floating-ip'],
  'interface-attach': ['server', 'port'],
  'interface-detach': ['server', 'port'],
};

/** Commands that probe reachability. */
const PROBES = new Set(['ping', 'ping6', 'ssh', 'traceroute', 'traceroute6', 'curl', 'nc', 'telnet']);

function words(argv: readonly string[]): string[] {
  return argv.slice(1).filter((t) => !t.startsWith('-'));
}

/** The kinds of resource an invocation changes (none for reads and other programs). */
export function changedKinds(raw: readonly string[]): Kind[] {
  const argv = normalise([...raw]);
  const w = words(argv);
  if (argv[0] === 'openstack') {
    const text = w.join(' ');
    const noun = OSC_NOUNS.find(([n]) => text === n || text.startsWith(`${n} `));
    if (noun === undefined) return [];
    const verb = w[noun[0].split(' ').length];
    if (noun[1] === 'server' && verb !== undefined && SERVER_ACTIONS.has(verb)) return ['server', 'port'];
    if (verb === undefined || !OSC_WRITES.has(verb)) return [];
    const what = w.slice(noun[0].split(' ').length + 1);
    // `server add floating ip`, `server add port`: the server and what it gains.
    if (noun[1] === 'server' && what[0] === 'floating') return ['server', 'floating-ip'];
    if (noun[1] === 'server' && (what[0] === 'port' || what[0] === 'network' || what[0] === 'fixed')) return ['server', 'port'];
    if (noun[1] === 'server' && (verb === 'create' || verb === 'delete')) return ['server', 'port'];
    return [noun[1]];
  }
  const sub = w[0] ?? '';
  if (argv[0] === 'neutron') {
    const hit = NEUTRON_PREFIXES.find(([pre]) => sub.startsWith(pre));
    if (hit === undefined || sub.endsWith('-list') || sub.endsWith('-show')) return [];
    return [hit[1]];
  }
  if (argv[0] === 'nova') return NOVA_WRITES[sub] ?? [];
  return [];
}

/** What a history has changed and run (every failing check asks), extended as the history grows. */
interface Summary {
  changed: Set<Kind>;
  keys: Set<string>;
  probed: boolean;
}

const summaries = new WeakMap<readonly Invocation[], Map<string, Scan<Summary>>>();

function summary(history: readonly Invocation[]): Summary {
  return scanned(
    history,
    summaries,
    '',
    () => ({ changed: new Set(), keys: new Set(), probed: false }),
    (s, inv) => {
      for (const k of changedKinds(inv.argv)) s.changed.add(k);
      s.keys.add(commandKey(inv.argv));
      const head = inv.argv[0] === 'openstack' && inv.argv[1] === 'server' && inv.argv[2] === 'ssh' ? 'ssh' : (inv.argv[0] ?? '');
      if (PROBES.has(head)) s.probed = true;
    },
  );
}

const found = new WeakMap<readonly Invocation[], Map<string, Scan<{ yes: boolean }>>>();

/**
 * Whether some invocation satisfies `test`, remembered per history and `key` (one key per test:
 * the same key must always mean the same test): a growing history only tests its new invocations.
 */
export function someInvocation(history: readonly Invocation[], key: string, test: (inv: Invocation) => boolean): boolean {
  return scanned(history, found, key, () => ({ yes: false }), (s, inv) => {
    if (!s.yes && test(inv)) s.yes = true;
  }).yes;
}

/** Whether some invocation changed a resource of one of these kinds. */
export function changedAny(history: readonly Invocation[], kinds: readonly Kind[]): boolean {
  const changed = summary(history).changed;
  return kinds.some((k) => changed.has(k));
}

/** Whether some invocation tried to reach something, or changed what lets traffic in. */
export function probedOrOpened(history: readonly Invocation[]): boolean {
  return summary(history).probed || changedAny(history, ['security-group', 'security-group-rule']);
}

/** Whether some invocation ran one of these commands (see commandKey), with any options or namespace. */
export function ranAnyOf(history: readonly Invocation[], keys: readonly string[]): boolean {
  const ran = summary(history).keys;
  return keys.some((k) => ran.has(k));
}
