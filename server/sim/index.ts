/**
 * Indexes of the cloud's big collections (ports by subnet, by MAC, by id; floating IPs by port)
 * that a command can use without paying for the whole collection.
 *
 * A published collection never changes (clone.ts), so an index over its array stays right as long
 * as the array lives. A command makes a new array, but, when it shares elements (shareAll), one
 * that differs from the old by a few elements: those `writable` replaced and those appended
 * (clone.ts `Delta`). So an array's index is its parent's plus that delta, kept as a chain of
 * levels over one full index (the root), and built again in full when the chain reaches
 * `MAX_DEPTH` levels: a command costs what it changed, plus a full build every `MAX_DEPTH`
 * commands. An op's own draft is one more, unfinished, level. A collection with no known parent
 * (a fixture's cloud, a draft that copied, an array an op filtered) gets a root of its own; one
 * that is not frozen (a setup batch's, a hand-made cloud's) is scanned.
 *
 * Lookups return the matching elements in no particular order: callers use them as sets.
 * With `setIndexChecks(true)` (the test suite), every lookup is compared with a scan of the
 * collection and a difference throws.
 */
import type { Cloud } from './model/cloud.js';
import type { FloatingIp } from './model/floating-ip.js';
import type { Port } from './model/port.js';
import { draftDelta, INDEXED_MIN, isFrozenArray, lineageOf, removeById, removeElement, setSliceChecks, type Delta, type ShareableKey } from './clone.js';

/** How many levels of deltas an array's index may sit on before it is built again in full. */
export const MAX_DEPTH = 32;

/** One index: the keys an element is found under (each at most once per element). */
export interface IndexSpec<T> {
  readonly collection: ShareableKey;
  readonly name: string;
  keys(el: T, add: (k: string) => void): void;
  /**
   * The elements of `a` found under `k`, in order (what `keys` says, by a scan: for a collection
   * that cannot be indexed). One loop per index, so that each stays fast where it runs.
   */
  scan(a: readonly T[], k: string): T[];
}

interface Level {
  /** The full index (a root) or null for a delta level. */
  readonly root: Map<string, object[]> | null;
  readonly parent: Level | null;
  readonly depth: number;
  readonly stale: ReadonlySet<object>;
  /** The delta's added elements by key. */
  readonly added: Map<string, object[]> | null;
}

const LEVELS = new WeakMap<readonly object[], Map<string, Level>>();

let checks = false;

/** Compare every lookup with a scan (for the test suite: a stale index then fails a test, not a learner). */
export function setIndexChecks(on: boolean): void {
  checks = on;
  setSliceChecks(on);
}

function byKey<T>(spec: IndexSpec<T>, els: Iterable<T>): Map<string, object[]> {
  const out = new Map<string, object[]>();
  for (const el of els) {
    spec.keys(el, (k) => {
      const g = out.get(k);
      if (g === undefined) out.set(k, [el as object]);
      else if (g[g.length - 1] !== el) g.push(el as object);
    });
  }
  return out;
}

function rootLevel<T>(spec: IndexSpec<T>, a: readonly T[]): Level {
  return { root: byKey(spec, a), parent: null, depth: 0, stale: new Set(), added: null };
}

/** The index level of a frozen array: its parent's plus the delta it was made with, or a new root. */
function levelOf<T>(spec: IndexSpec<T>, a: readonly T[]): Level {
  let m = LEVELS.get(a as unknown as object[]);
  const have = m?.get(spec.name);
  if (have) return have;
  const delta = lineageOf(a as unknown as object[]);
  let level: Level;
  if (delta && isFrozenArray(delta.base)) {
    // The parent's level if it has one (a chain is built forwards, one command at a time); an
    // ancestor whose index nobody asked for is not built just to extend it.
    const parent = LEVELS.get(delta.base)?.get(spec.name);
    const next: Level | null = parent
      ? { root: null, parent, depth: parent.depth + 1, stale: delta.stale, added: byKey(spec, delta.added as T[]) }
      : null;
    if (!next) level = rootLevel(spec, a);
    else level = next.depth < MAX_DEPTH ? next : compacted(spec, next);
  } else level = rootLevel(spec, a);
  if (!m) {
    m = new Map();
    LEVELS.set(a as unknown as object[], m);
  }
  m.set(spec.name, level);
  return level;
}

/**
 * A chain of levels made one root: the root's map copied (its groups shared until changed) with
 * each level's delta applied, oldest first. Cheaper than indexing every element again: the copy
 * costs a pointer per key, the deltas what they hold.
 */
function compacted<T>(spec: IndexSpec<T>, top: Level): Level {
  const chain: Level[] = [];
  for (let l: Level | null = top; l; l = l.parent) chain.push(l);
  const root = chain[chain.length - 1] as Level;
  const map = new Map(root.root);
  const mine = new Set<object[]>();
  const own = (k: string): object[] => {
    let g = map.get(k);
    if (g === undefined || !mine.has(g)) {
      g = g ? g.slice() : [];
      map.set(k, g);
      mine.add(g);
    }
    return g;
  };
  for (let i = chain.length - 2; i >= 0; i--) {
    const l = chain[i] as Level;
    for (const el of l.stale) {
      spec.keys(el as T, (k) => {
        if (!map.has(k)) return;
        const g = own(k);
        const at = g.indexOf(el);
        if (at >= 0) g.splice(at, 1);
        if (g.length === 0) map.delete(k);
      });
    }
    for (const [k, els] of l.added ?? []) own(k).push(...els);
  }
  return { root: map, parent: null, depth: 0, stale: new Set(), added: null };
}

/** The elements of a level under `k`, less those a later level made stale (`gone`). */
function collect(level: Level, k: string, gone: (el: object) => boolean, out: object[]): void {
  if (level.root) {
    const g = level.root.get(k);
    if (g) for (const el of g) if (!gone(el)) out.push(el);
    return;
  }
  const chain: Level[] = [];
  for (let l: Level | null = level; l; l = l.parent) chain.push(l);
  const stales = chain.filter((l) => l.stale.size > 0).map((l) => l.stale);
  // An element is made stale only by a later level than the one that added it (copies are new
  // objects, and nothing re-adds an element a command replaced), so one union of all levels' stale
  // sets serves every level.
  const isStale = (el: object): boolean => gone(el) || stales.some((s) => s.has(el));
  for (let i = chain.length - 1; i >= 0; i--) {
    const l = chain[i] as Level;
    const g = l.root ? l.root.get(k) : l.added?.get(k);
    if (g) for (const el of g) if (!isStale(el)) out.push(el);
  }
}

/** What `keys` finds under `k` in `a`, the slow way (for checks). */
function scanByKeys<T>(spec: IndexSpec<T>, a: readonly T[], k: string): T[] {
  return a.filter((el) => {
    let hit = false;
    spec.keys(el, (key) => {
      if (key === k) hit = true;
    });
    return hit;
  });
}

function lookup<T>(c: Cloud, spec: IndexSpec<T>, k: string): T[] {
  const a = (c as unknown as Record<string, T[]>)[spec.collection] as T[];
  if (a.length < INDEXED_MIN) return spec.scan(a, k);
  if (isFrozenArray(a)) {
    const out: object[] = [];
    collect(levelOf(spec, a), k, () => false, out);
    return out as T[];
  }
  const delta: Delta<T> | null = draftDelta<T>(c, spec.collection);
  if (delta && isFrozenArray(delta.base)) {
    const out: object[] = [];
    const stale = delta.stale as ReadonlySet<object>;
    collect(levelOf(spec, delta.base), k, (el) => stale.has(el), out);
    for (const el of spec.scan(delta.added, k)) out.push(el as object);
    return out as T[];
  }
  return spec.scan(a, k);
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * How many levels of deltas the index of `c`'s collection sits on (0: a root of its own), or null
 * when the collection is not indexed but scanned (it is not frozen: a draft's, a batch's). For tests.
 */
export function indexDepth<T>(c: Cloud, spec: IndexSpec<T>): number | null {
  const a = (c as unknown as Record<string, T[]>)[spec.collection] as T[];
  return isFrozenArray(a) ? levelOf(spec, a).depth : null;
}

/** The elements of `c`'s collection found under `k` by `spec` (in no particular order). */
export function findAll<T>(c: Cloud, spec: IndexSpec<T>, k: string): T[] {
  const found = lookup(c, spec, k);
  if (checks) {
    const a = (c as unknown as Record<string, T[]>)[spec.collection] as T[];
    const want = scanByKeys(spec, a, k);
    const scanned = spec.scan(a, k);
    const got = new Set(found);
    if (got.size !== found.length || want.length !== found.length || !want.every((el) => got.has(el)) || !sameList(scanned, want)) {
      throw new Error(`index ${spec.name}: ${found.length} found under ${k}, a scan finds ${want.length}`);
    }
  }
  return found;
}

// ---- the indexes ---------------------------------------------------------------------------

/** Ports by the subnets of their fixed IPs. */
export const PORTS_BY_SUBNET: IndexSpec<Port> = {
  collection: 'ports',
  name: 'ports.subnet',
  keys(p, add) {
    for (const f of p.fixedIps) add(f.subnetId);
  },
  scan(a, k) {
    const out: Port[] = [];
    for (let i = 0; i < a.length; i++) {
      const ips = (a[i] as Port).fixedIps;
      for (let j = 0; j < ips.length; j++) {
        if ((ips[j] as Port['fixedIps'][number]).subnetId === k) {
          out.push(a[i] as Port);
          break;
        }
      }
    }
    return out;
  },
};

/** Ports by MAC address (as stored: lower case). */
export const PORTS_BY_MAC: IndexSpec<Port> = {
  collection: 'ports',
  name: 'ports.mac',
  keys(p, add) {
    add(p.macAddress);
  },
  scan(a, k) {
    const out: Port[] = [];
    for (let i = 0; i < a.length; i++) if ((a[i] as Port).macAddress === k) out.push(a[i] as Port);
    return out;
  },
};

/** Ports by id. */
export const PORTS_BY_ID: IndexSpec<Port> = {
  collection: 'ports',
  name: 'ports.id',
  keys(p, add) {
    add(p.id);
  },
  scan(a, k) {
    const out: Port[] = [];
    for (let i = 0; i < a.length; i++) if ((a[i] as Port).id === k) out.push(a[i] as Port);
    return out;
  },
};

/** Ports by the device they are attached to. */
export const PORTS_BY_DEVICE: IndexSpec<Port> = {
  collection: 'ports',
  name: 'ports.device',
  keys(p, add) {
    add(p.deviceId);
  },
  scan(a, k) {
    const out: Port[] = [];
    for (let i = 0; i < a.length; i++) if ((a[i] as Port).deviceId === k) out.push(a[i] as Port);
    return out;
  },
};

/** Ports by name. */
export const PORTS_BY_NAME: IndexSpec<Port> = {
  collection: 'ports',
  name: 'ports.name',
  keys(x, add) {
    add(x.name);
  },
  scan(a, k) {
    const out: Port[] = [];
    for (let i = 0; i < a.length; i++) if ((a[i] as Port).name === k) out.push(a[i] as Port);
    return out;
  },
};

/** Floating IPs by id. */
export const FLOATING_IPS_BY_ID: IndexSpec<FloatingIp> = {
  collection: 'floatingIps',
  name: 'floatingIps.id',
  keys(x, add) {
    add(x.id);
  },
  scan(a, k) {
    const out: FloatingIp[] = [];
    for (let i = 0; i < a.length; i++) if ((a[i] as FloatingIp).id === k) out.push(a[i] as FloatingIp);
    return out;
  },
};

/** Floating IPs by name (Neutron gives them none: the empty name). */
export const FLOATING_IPS_BY_NAME: IndexSpec<FloatingIp> = {
  collection: 'floatingIps',
  name: 'floatingIps.name',
  keys(x, add) {
    add(x.name);
  },
  scan(a, k) {
    const out: FloatingIp[] = [];
    for (let i = 0; i < a.length; i++) if ((a[i] as FloatingIp).name === k) out.push(a[i] as FloatingIp);
    return out;
  },
};

/** Floating IPs by address (as stored). */
export const FLOATING_IPS_BY_ADDRESS: IndexSpec<FloatingIp> = {
  collection: 'floatingIps',
  name: 'floatingIps.address',
  keys(x, add) {
    add(x.floatingIpAddress);
  },
  scan(a, k) {
    const out: FloatingIp[] = [];
    for (let i = 0; i < a.length; i++) if ((a[i] as FloatingIp).floatingIpAddress === k) out.push(a[i] as FloatingIp);
    return out;
  },
};

/** Floating IPs by the port they are associated with. */
export const FLOATING_IPS_BY_PORT: IndexSpec<FloatingIp> = {
  collection: 'floatingIps',
  name: 'floatingIps.port',
  keys(f, add) {
    if (f.portId !== null) add(f.portId);
  },
  scan(a, k) {
    const out: FloatingIp[] = [];
    for (let i = 0; i < a.length; i++) if ((a[i] as FloatingIp).portId === k) out.push(a[i] as FloatingIp);
    return out;
  },
};

/**
 * The first element, in the collection's order (as `find` would return it), of those found under
 * `k` that `pred` accepts. Order is looked for only when more than one is found.
 */
export function findFirst<T>(c: Cloud, spec: IndexSpec<T>, k: string, pred: (el: T) => boolean = () => true): T | undefined {
  return inCollectionOrder(c, spec.collection, findAll(c, spec, k).filter(pred))[0];
}

/**
 * `findAll` in the collection's order, for a caller whose effects depend on it (each change
 * stamps the clock). The order is looked for only when more than one is found.
 */
export function findInOrder<T>(c: Cloud, spec: IndexSpec<T>, k: string): T[] {
  const ordered = inCollectionOrder(c, spec.collection, findAll(c, spec, k));
  if (checks && !sameList(ordered, scanByKeys(spec, (c as unknown as Record<string, T[]>)[spec.collection] as T[], k))) {
    throw new Error(`index ${spec.name}: not in the collection's order under ${k}`);
  }
  return ordered;
}

/** Elements of `c`'s collection (found through an index, and filtered) in the collection's order. */
export function inCollectionOrder<T>(c: Cloud, collection: ShareableKey, found: T[]): T[] {
  if (found.length <= 1) return found;
  const a = (c as unknown as Record<string, T[]>)[collection] as T[];
  if (found.length <= ORDER_BY_POSITION) {
    // A few: each one's position (indexOf compares identities, about a nanosecond an element).
    const at = new Map(found.map((el) => [el, a.indexOf(el)]));
    return found.sort((x, y) => (at.get(x) as number) - (at.get(y) as number));
  }
  const set = new Set(found);
  return a.filter((el) => set.has(el));
}

/** Up to this many found elements are put in order by their positions, more by one pass over the collection. */
const ORDER_BY_POSITION = 8;

/** How a collection is looked up by name or id: the indexes by id and by name, and another key the element is found by. */
export interface NameOrIdIndexes<T> {
  readonly id: IndexSpec<T>;
  readonly name: IndexSpec<T>;
  readonly also?: IndexSpec<T>;
}

/**
 * What a client's find by name or id weighs, among the elements `visible` to the caller: the one
 * with the id `ref`, else those named `ref` (or found under it by `by.also`), each once. The
 * clients' finders (openstacksdk's, neutronclient's) pick from these, at the cost of the candidates.
 */
export function byIdOrName<T>(c: Cloud, by: NameOrIdIndexes<T>, visible: (el: T) => boolean, ref: string): { byId: T | undefined; named: T[] } {
  const byId = findAll(c, by.id, ref).find(visible);
  if (byId !== undefined) return { byId, named: [] };
  const named = new Set(findAll(c, by.name, ref).filter(visible));
  if (by.also) for (const el of findAll(c, by.also, ref)) if (visible(el)) named.add(el);
  return { byId: undefined, named: [...named] };
}

/** Ports by network. */
export const PORTS_BY_NETWORK: IndexSpec<Port> = {
  collection: 'ports',
  name: 'ports.network',
  keys(p, add) {
    add(p.networkId);
  },
  scan(a, k) {
    const out: Port[] = [];
    for (let i = 0; i < a.length; i++) if ((a[i] as Port).networkId === k) out.push(a[i] as Port);
    return out;
  },
};

/** Removes the element with this id (a delete), found by `byId` (clone.ts removeElement; removeById when not found so). */
export function removeIndexed<T extends { id: string }>(c: Cloud, byId: IndexSpec<T>, id: string): void {
  const el = findFirst(c, byId, id);
  if (el === undefined || !removeElement(c, byId.collection, el)) removeById(c, byId.collection, id);
}

/** The ports with a fixed IP on the subnet. */
export function portsOnSubnet(c: Cloud, subnetId: string): Port[] {
  return findAll(c, PORTS_BY_SUBNET, subnetId);
}

/** The port with this id, if any. */
export function portById(c: Cloud, id: string | null | undefined): Port | undefined {
  return id === null || id === undefined ? undefined : findFirst(c, PORTS_BY_ID, id);
}
