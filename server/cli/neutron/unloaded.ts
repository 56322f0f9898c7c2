/**
 * The commands of the extensions our cloud does not load (LBaaS v1/v2, FWaaS, VPNaaS, QoS,
 * metering), driven by data: neutron-unloaded.json says, for each, what the real client looks up
 * by name or ID (and as which resource) before its own request (scripts/extract-neutron-unloaded.py).
 * A lookup of a resource our cloud has (a subnet, a router) finds it or fails as usual; a lookup of
 * an unloaded resource fails, as both the GET by ID and the list by name get a 404; whatever is
 * left then gets the server's 404 for the path.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import { requestUnloaded } from '../../sim/api/neutron/unloaded.js';
import { CliError } from '../errors.js';
import { bulkDelete, type Args, type Handler, type Out } from './common.js';
import type { SpecValue } from './values-specs.js';
import { findNetwork } from './net.js';
import { findRouter } from './router.js';
import { findSubnet } from './subnet.js';
import data from './neutron-unloaded.json' with { type: 'json' };

/** `by_id`: the command takes an ID only (its message says so). */
type Lookup = { resource: string; dest: string; by_id?: boolean };
/** `body_options`: for an update that checks it has something to send, the options that give it something. */
type Command = { kind: string; resource: string | null; cmd_resource: string | null; lookups: Lookup[]; body_options?: string[] };

const COMMANDS = data as Record<string, Command>;

/** The resources our cloud has that these commands look up. */
const LOADED: Record<string, (c: Cloud, ref: string) => unknown> = { network: findNetwork, router: findRouter, subnet: findSubnet };

/** Options whose value is a space-separated list of names (the client splits it and looks each up). */
const WORD_LISTS = new Set(['firewall_rules']);

/** An argument's value, the first one of a list; undefined when it was not given. */
function valueOf(a: Args, dest: string): string | undefined {
  const v = a[dest];
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first !== 'string') return undefined;
  return WORD_LISTS.has(dest) ? first.split(/\s+/).find((w) => w !== '') : first;
}

/** neutronclient's find_resourceid_by_name_or_id (or _by_id) against this cloud. */
function lookUp(c: Cloud, l: Lookup, ref: string): void {
  const find = LOADED[l.resource];
  if (find) find(c, ref);
  else throw new CliError(`Unable to find ${l.resource} with ${l.by_id ? 'id' : 'name or id'} '${ref}'`);
}

function lookUpAll(c: Cloud, a: Args, lookups: readonly Lookup[]): void {
  for (const l of lookups) {
    const ref = valueOf(a, l.dest);
    if (ref !== undefined) lookUp(c, l, ref);
  }
}

/** An update with no option that makes its body and no value specs: the client stops before any request. */
function nothingToUpdate(cmd: Command, a: Args, extra: Record<string, SpecValue>): boolean {
  if (!cmd.body_options || Object.keys(extra).length > 0) return false;
  return cmd.body_options.every((k) => a[k] === undefined || a[k] === null || a[k] === false);
}

/**
 * The client's order: the parents (in the request's path) first, then the body (its options'
 * lookups, and for an update the check that there is one), then the resource itself.
 */
function run(name: string, cmd: Command, c: Cloud, a: Args, extra: Record<string, SpecValue>): Out {
  const own = cmd.lookups.find((l) => l.dest === 'id');
  const inBody = (l: Lookup) => cmd.body_options?.includes(l.dest) === true;
  lookUpAll(c, a, cmd.lookups.filter((l) => l !== own && !inBody(l)));
  if (nothingToUpdate(cmd, a, extra)) throw new CliError(`Must specify new values to update ${cmd.cmd_resource ?? ''}`);
  lookUpAll(c, a, cmd.lookups.filter(inBody));
  // A delete reports all its own ids together.
  if (cmd.kind === 'delete') {
    const ids = Array.isArray(a['id']) ? (a['id'] as string[]) : [];
    return bulkDelete(cmd.cmd_resource ?? '', ids, (id) => (own ? lookUp(c, own, id) : requestUnloaded(`/v2.0/${name}/${id}`)));
  }
  if (own) lookUpAll(c, a, [own]);
  return requestUnloaded(`/v2.0/${name}`);
}

export const unloadedCommands: Record<string, Handler> = Object.fromEntries(
  Object.entries(COMMANDS).map(([name, cmd]): [string, Handler] => [name, (c, a, extra) => run(name, cmd, c, a, extra)]),
);
