/**
 * A session's topology (sim/api/topology.ts) with the details panel's rows: each element's
 * `openstack … show`, run through the CLI's own parser and command, its cells as the table
 * prints them. Pure: show commands only read the cloud.
 */
import type { Cloud } from '../sim/model/cloud.js';
import { elementRows, topologyOf, type ShowKind, type Topology } from '../sim/api/topology.js';
import { OPENSTACK_COMMANDS } from '../cli/openstack/index.js';
import { parserFor } from '../cli/openstack/registry.js';
import { parseArgs } from '../cli/argparse.js';
import { isFormatted, pyFloatRepr, pyStr, type CellValue } from '../render/pyvalue.js';
import { fixtureHosts, type SessionState } from '../shell/session.js';

export type { Topology } from '../sim/api/topology.js';

const SHOWS = new Map(OPENSTACK_COMMANDS.filter((c) => c.name.endsWith(' show')).map((c) => [c.name, c]));

/** A cell as a show table prints it: the human form of a formatted cell, Python's str() otherwise. */
function cellText(v: CellValue, float: boolean): string {
  if (isFormatted(v)) return v.human;
  return float && typeof v === 'number' ? pyFloatRepr(v) : pyStr(v);
}

/** The rows of `openstack KIND show ID` (throws when the topology names what the CLI cannot show: a bug). */
export function showRows(cloud: Cloud, kind: ShowKind, id: string): Array<[string, string]> {
  const cmd = SHOWS.get(`${kind} show`);
  if (!cmd) throw new Error(`topology: no 'openstack ${kind} show'`);
  const parsed = parseArgs(parserFor(cmd.name), [id]);
  if (!parsed.ok) throw new Error(`topology: 'openstack ${kind} show ${id}': ${parsed.stderr}`);
  const out = cmd.run({ cloud, args: parsed.values });
  if (out.kind !== 'show') throw new Error(`topology: 'openstack ${kind} show' printed no fields`);
  const floats = new Set(out.data.floatFields ?? []);
  return out.data.fields.map(([name, v]) => [name, cellText(v, floats.has(name))]);
}

/**
 * The topology of a session: its cloud, as seen from the hosts it has a shell on. `rows`: every
 * element's show rows too (the instructor's one-off view); the terminal's page asks for one
 * element's rows when the learner opens it (`topologyRows`), which keeps a big cloud's topology
 * cheap to derive and small to send.
 */
export function sessionTopology(state: SessionState, rows = false): Topology {
  return topologyOf(state.cloud, fixtureHosts(state.fixture), rows ? showRows : undefined);
}

/** The show rows of an element of `drawn` (the topology the page has), or null when it draws no such element. */
export function topologyRows(state: SessionState, drawn: Topology, elementId: string): Array<[string, string]> | null {
  return elementRows(state.cloud, drawn, elementId, showRows);
}

/** Top-level keys of a Cloud that every command changes and that nothing drawn reads. */
const VOLATILE = new Set<string>(['clock', 'tick', 'rng', 'stdAttrSeq']);

/**
 * Whether two clouds hold the same resources: every other top-level value is the same object.
 * A published cloud is never changed (sim/clone.ts: a command copies what it changes and shares
 * the rest), so the same object is the same content.
 */
export function sameResources(a: Cloud, b: Cloud): boolean {
  const keys = Object.keys(a) as Array<keyof Cloud>;
  return keys.length === Object.keys(b).length && keys.every((k) => VOLATILE.has(k) || a[k] === b[k]);
}

/**
 * `sessionTopology` remembering its last answer: most commands (lists, shows, the shell's own)
 * change only the clock, and then the same topology object comes back without deriving it.
 */
export function topologyCache(): (state: SessionState) => Topology {
  let last: { cloud: Cloud; fixture: string; topology: Topology } | null = null;
  return (state) => {
    if (last && last.fixture === state.fixture && sameResources(last.cloud, state.cloud)) return last.topology;
    const topology = sessionTopology(state);
    last = { cloud: state.cloud, fixture: state.fixture, topology };
    return topology;
  };
}
