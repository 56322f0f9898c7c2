/** A fast deep copy for the cloud's plain JSON data (several times faster than structuredClone). */
import type { Cloud } from './model/cloud.js';
import type { Json } from './api/json.js';

function deep(v: Json): Json {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const n = v.length;
    const a: Json[] = new Array<Json>(n);
    for (let i = 0; i < n; i++) a[i] = deep(v[i] as Json);
    return a;
  }
  // A spread copies all keys at once, in order, into an object of the source's shape (V8
  // clones the map); then only the nested objects and arrays are replaced by copies. Setting
  // each key on an empty object instead is several times slower, and past a dozen keys V8 may
  // turn such an object into a slow dictionary.
  // A frozen object (a published cloud's part: see publishedCloud, shareElements) has a spread of
  // its own: V8 cannot copy one by cloning its shape, and a spread that once saw one takes the
  // slow path for every object after it (about 8× slower), so frozen ones never reach this one.
  return nestedCopied(Object.isExtensible(v) ? { ...v } : spreadFrozen(v));
}

/** The one spread that sees frozen objects (roots and parts alike): the slow path stays here. */
function spreadFrozen<T extends object>(v: T): T {
  return { ...v };
}

/** `o` (a fresh shallow copy) with its nested objects and arrays replaced by copies. */
function nestedCopied(o: { [k: string]: Json }): Json {
  for (const k in o) {
    const x = o[k] as Json;
    if (x !== null && typeof x === 'object') o[k] = deep(x);
  }
  return o;
}

/** A shallow copy of a cloud's root (frozen when published: its own spread, as in deep). */
export function copyRoot(c: Cloud): Cloud {
  return Object.isExtensible(c) ? { ...c } : spreadFrozen(c);
}

/** Parts no op ever changes are shared between copies: flavors, images, config, projects. */
export function cloneCloud(c: Cloud): Cloud {
  const { flavors, images, config, projects, ...rest } = c;
  const copy = deep(rest as unknown as Json) as unknown as Omit<Cloud, 'flavors' | 'images' | 'config' | 'projects'>;
  // The keys of { ...copy, flavors, … } without the spread (adding keys after one is slow in Node 20).
  return Object.assign(copy, { flavors, images, config, projects });
}

// ---- copy on write -------------------------------------------------------------------------
//
// Most commands change one or two collections of the cloud, and copying all of them was the
// largest single cost of a command. A draft is a stand-in for a copy: every top-level property
// is an accessor (on the draft prototype) that deep-copies the original's value the first time
// the op reads or assigns it and keeps the copy in the draft's slot for that key.
// `finishDraft` then builds the new cloud from the copies and, for every property the op never
// touched, the original's value itself: the new and the old state share it, which is safe
// because nothing ever changes a published cloud (ops only change drafts and copies).
//
// A draft is only for ops: it must not be enumerated, spread or serialized (its properties are
// accessors on the prototype), and its top-level properties must not be deleted.

/** Every key of a Cloud (a key missing here or unknown to Cloud is a type error). */
const CLOUD_KEYS: Record<keyof Cloud, true> = {
  version: true,
  rng: true,
  clock: true,
  tick: true,
  stdAttrSeq: true,
  config: true,
  auth: true,
  projects: true,
  quotas: true,
  networks: true,
  subnets: true,
  subnetPools: true,
  addressScopes: true,
  ports: true,
  routers: true,
  floatingIps: true,
  securityGroups: true,
  securityGroupRules: true,
  flavors: true,
  images: true,
  keypairs: true,
  servers: true,
  infra: true,
  otherQuotas: true,
  quotaProjectId: true,
  octavia: true,
  bgp: true,
  rbac: true,
  addressGroups: true,
};
const KEYS = Object.keys(CLOUD_KEYS);
const SHARED_KEYS = ['flavors', 'images', 'config', 'projects'];
const SHARED = new Set<string>(SHARED_KEYS);

/** Marks a slot the op has not touched yet. */
const UNSET: unique symbol = Symbol('unset');

// ---- setup batches ---------------------------------------------------------------------------
//
// Building a big cloud runs thousands of setup lines whose intermediate states nobody keeps; a
// copy per line of every collection it touches made that quadratic. During a setup batch the
// cloud's parts are owned by the batch: drafts change them in place instead of copying them, so
// each line costs what it touches. Only for setup whose lines must all succeed (a failed line
// cannot be rolled back: its partial changes stay) and whose intermediate states are thrown away.

/** The parts of a cloud (top-level values) owned by a setup batch. */
const OWNED = new WeakSet<object>();

function ownedParts(c: Cloud): object[] {
  const out: object[] = [];
  for (const k of KEYS) {
    const v = (c as unknown as Record<string, unknown>)[k];
    if (v !== null && typeof v === 'object' && !SHARED.has(k)) out.push(v);
  }
  return out;
}

/**
 * A copy of `c` whose parts belong to a setup batch: commands run on it (and on the clouds they
 * return) change them in place. Call `endBatch` on the last cloud before anything keeps or reads
 * it as a published cloud.
 */
export function beginBatch(c: Cloud): Cloud {
  // Keys in the cloud's own order (it shows in snapshots); the shared parts stay shared.
  const copy: Record<string, unknown> = { ...c };
  for (const k of KEYS) {
    const v = copy[k];
    if (v !== null && typeof v === 'object' && !SHARED.has(k)) copy[k] = deep(v as Json);
  }
  for (const v of ownedParts(copy as unknown as Cloud)) OWNED.add(v);
  return copy as unknown as Cloud;
}

/** Ends a setup batch on its last cloud: from now on commands copy its parts again before changing them. */
export function endBatch(c: Cloud): void {
  for (const v of ownedParts(c)) OWNED.delete(v);
}

/** Whether `v` is part of a cloud in a setup batch (it changes in place: indexes over it must not be kept). */
export function inBatch(v: object): boolean {
  return OWNED.has(v);
}

// ---- shared elements ---------------------------------------------------------------------------
//
// Copying a collection on first use costs what the collection holds: creating one port in a
// cloud of 7,000 copied 7,000 ports, and renaming one port, or reading the ports to check an
// address, copied them all too. A command can ask, before it first reads a collection, for its
// elements to be shared (shareElements, shareAll): the draft then holds a new array of the same
// element objects, and only the array is new. The command appends to it, removes elements with
// `removeWhere` (in place, so that what changed stays known to the indexes of sim/index.ts; a
// plain filter is correct too, and costs the next command a full index), and changes an existing
// element only through `writable`, which puts a copy of that one element in its place in the
// draft's array. What keeps this safe: the shared elements are deep-frozen, so an op that
// writes to one anyway (one that does not call `writable`, or a caller still holding the element
// it had before) throws a TypeError instead of changing the published cloud, and `transact` then
// runs the command again on a draft that copies: a forgotten `writable` costs time, never
// correctness. Whoever finds an element to change calls `writable` and goes on with what it
// returns (the element it had is the element as it was). Frozen elements stay frozen in every
// later cloud that holds them (nothing may change a published cloud anyway); copies made from
// them are ordinary objects.

/** Collection arrays whose every element is deep-frozen (they can be shared as they are). */
const FROZEN = new WeakSet<object>();

/** Freezes `v` and all it holds, children first: an object found frozen is taken as frozen through. */
function deepFreeze(v: unknown): void {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
  if (Array.isArray(v)) for (const x of v) deepFreeze(x);
  else for (const k in v) deepFreeze((v as Record<string, unknown>)[k]);
  Object.freeze(v);
}

function freezeElements(a: readonly unknown[]): void {
  if (FROZEN.has(a)) return;
  for (const x of a) deepFreeze(x);
  FROZEN.add(a);
}

/**
 * A copy of `c` that many sessions may start from at once (a fixture's cloud, shared by every
 * learner on that fixture and seed): deep-frozen, so that a bug writing to a published cloud
 * throws instead of reaching every session that holds it. Sessions copy what their commands touch
 * (drafts), so a learner who only reads keeps no cloud of their own.
 */
export function publishedCloud(c: Cloud): Cloud {
  const copy = cloneCloud(c);
  for (const k of KEYS) {
    const v = (copy as unknown as Record<string, unknown>)[k];
    if (Array.isArray(v)) freezeElements(v);
    deepFreeze(v);
  }
  Object.freeze(copy);
  return copy;
}

/**
 * The keys whose elements an op may share: collections of objects that ops append to, filter,
 * or change one element of through `writable`.
 */
export type ShareableKey = 'ports' | 'floatingIps' | 'networks' | 'subnets' | 'routers' | 'servers';

const SHAREABLE: readonly ShareableKey[] = ['ports', 'floatingIps', 'networks', 'subnets', 'routers', 'servers'];

/**
 * What a draft did to one collection whose elements it shares: `slice` is the array it made of
 * `base` (the published cloud's, every element frozen); `stale` the elements of `base` that
 * `writable` replaced in it or `removeWhere` took out, and `copies` the copies `writable` made.
 * While the draft's slot still holds `slice` (the op appended to it, changed elements only
 * through `writable` and removed them only through `removeWhere`), its elements are `base`'s less
 * `stale`, plus `copies` and what was appended from `appendStart` on: the delta an index
 * (sim/index.ts) applies, and all that `finishDraft` has to freeze.
 */
interface SharedSlice {
  readonly base: readonly object[];
  readonly slice: object[];
  readonly stale: Set<object>;
  readonly copies: object[];
  /** Where the appended elements start in `slice`: `base.length` less the base elements `removeWhere` took out. */
  appendStart: number;
}

class Draft {
  /** slots[i]: the copy of KEYS[i] (or what the op assigned to it), UNSET until touched. */
  readonly slots: unknown[] = new Array<unknown>(KEYS.length).fill(UNSET);
  /** The draft of a cloud in a setup batch: its parts are changed in place, and what the op assigns joins the batch. */
  readonly batch: boolean;
  /** Whether an op may share elements (only `transact`'s drafts: it runs the command again when sharing fails). */
  canShare = false;
  /** sharing[i]: KEYS[i]'s elements are (to be) shared rather than copied (null: none, the usual case). */
  sharing: boolean[] | null = null;
  /** Whether any elements were shared (so a TypeError may be a write to a frozen one). */
  shared = false;
  /** slices[i]: how KEYS[i]'s shared elements stand (null until shared). */
  slices: (SharedSlice | null)[] | null = null;
  /**
   * A read that may write, tried as a read first (see transact): the op gets the original's parts
   * themselves, deep-frozen, so a write to one throws; `wrote` says it assigned a part.
   */
  reading = false;
  wrote = false;
  constructor(readonly src: Record<string, unknown>) {
    const ports = src['ports'];
    this.batch = typeof ports === 'object' && ports !== null && OWNED.has(ports);
  }
}

/**
 * Asks that `key`'s elements be shared with the published cloud rather than copied (see above):
 * for an op that only appends to that collection, called before it first reads it. Does nothing
 * when the draft already holds its own copy, outside `transact`, or in a setup batch.
 */
export function shareElements(c: Cloud, key: ShareableKey): void {
  if (!(c instanceof Draft) || !c.canShare || c.batch) return;
  const i = KEYS.indexOf(key);
  if (c.slots[i] !== UNSET || !Array.isArray(c.src[key])) return;
  c.sharing ??= new Array<boolean>(KEYS.length).fill(false);
  c.sharing[i] = true;
}

/**
 * The element `el` of the draft's `key` collection, made the draft's own to change: when its
 * elements are shared with the published cloud (shareElements), a copy of `el` takes its place in
 * the draft's array and is returned, and the other elements stay shared. Anything else comes back
 * as it is (an element of a copied collection, a new one, a setup batch's). An op that changes an
 * existing element of a collection it asked to share calls this first, and changes what it
 * returns; a write to the shared element itself throws (frozen) and the command runs again on
 * copies (transact), so a forgotten call costs time, never correctness.
 */
export function writable<T extends object>(c: Cloud, key: ShareableKey, el: T): T {
  if (!(c instanceof Draft) || !Object.isFrozen(el) || c.sharing?.[KEYS.indexOf(key)] !== true) return el;
  const a = (c as unknown as Record<string, T[]>)[key] as T[];
  const i = a.indexOf(el);
  if (i < 0) return el;
  const copy = deep(el as unknown as Json) as unknown as T;
  a[i] = copy;
  const sl = c.slices?.[KEYS.indexOf(key)];
  if (sl && sl.slice === a) {
    sl.stale.add(el);
    sl.copies.push(copy);
  }
  return copy;
}

/** What a collection holds beyond a frozen base: see SharedSlice (`added`: the copies and the appended elements). */
export interface Delta<T> {
  readonly base: readonly T[];
  readonly stale: ReadonlySet<T>;
  readonly added: readonly T[];
}

function deltaOf(sl: SharedSlice): Delta<object> {
  const added = sl.copies.slice();
  for (let i = sl.appendStart; i < sl.slice.length; i++) added.push(sl.slice[i] as object);
  return { base: sl.base, stale: sl.stale, added };
}

/**
 * Takes the elements `drop` picks out of the draft's `key` collection (a delete). On a collection
 * whose elements the draft shares, in place, so that what it changed stays known (the next
 * command's indexes and freezing cost what it removed, not the collection); anything else is
 * assigned its filtered copy, as `filter` would.
 */
export function removeWhere<T extends object>(c: Cloud, key: ShareableKey, drop: (el: T) => boolean): void {
  const rec = c as unknown as Record<string, T[]>;
  const a = rec[key] as T[];
  const sl = sliceOf(c, key, a);
  if (!sl) {
    rec[key] = a.filter((el) => !drop(el));
    return;
  }
  let w = 0;
  let start = sl.appendStart;
  const n = a.length;
  for (let r = 0; r < n; r++) {
    const el = a[r] as T;
    if (!drop(el)) {
      a[w++] = el;
      continue;
    }
    if (r < sl.appendStart) {
      start--;
      forget(sl, el);
    }
  }
  a.length = w;
  sl.appendStart = start;
}

/** `removeWhere` of the element with this id (a delete): one loop that compares ids, no call per element. */
export function removeById(c: Cloud, key: ShareableKey, id: string): void {
  const rec = c as unknown as Record<string, { id: string }[]>;
  const a = rec[key] as { id: string }[];
  const sl = sliceOf(c, key, a);
  if (!sl) {
    rec[key] = a.filter((el) => el.id !== id);
    return;
  }
  for (let r = a.length - 1; r >= 0; r--) {
    const el = a[r] as { id: string };
    if (el.id !== id) continue;
    a.splice(r, 1);
    if (r < sl.appendStart) {
      sl.appendStart--;
      forget(sl, el);
    }
  }
}

/**
 * `removeWhere` of one element found beforehand (by an index: sim/index.ts `removeIndexed`), by
 * identity: no property read per element. False when the collection does not hold it.
 */
export function removeElement(c: Cloud, key: ShareableKey, el: object): boolean {
  const rec = c as unknown as Record<string, object[]>;
  const a = rec[key] as object[];
  const r = a.indexOf(el);
  if (r < 0) return false;
  const sl = sliceOf(c, key, a);
  if (!sl) {
    rec[key] = a.filter((x) => x !== el);
    return true;
  }
  a.splice(r, 1);
  if (r < sl.appendStart) {
    sl.appendStart--;
    forget(sl, el);
  }
  return true;
}

/** The draft's shared slice of `key` when `a` is still it (removals in place keep what changed known). */
function sliceOf(c: Cloud, key: ShareableKey, a: readonly unknown[]): SharedSlice | undefined {
  const sl = c instanceof Draft ? c.slices?.[KEYS.indexOf(key)] : undefined;
  return sl && sl.slice === (a as unknown as object[]) ? sl : undefined;
}

/** A removed element that was in the slice before the op appended anything: a copy is forgotten, a base element becomes stale. */
function forget(sl: SharedSlice, el: object): void {
  const at = sl.copies.indexOf(el);
  if (at >= 0) sl.copies.splice(at, 1);
  else sl.stale.add(el);
}

/**
 * How the draft's `key` collection differs from the frozen array it shares elements with, or
 * null when it does not (not a draft, elements copied, or the op assigned the collection a new
 * array, e.g. filtered it).
 */
export function draftDelta<T>(c: Cloud, key: ShareableKey): Delta<T> | null {
  if (!(c instanceof Draft) || c.sharing?.[KEYS.indexOf(key)] !== true) return null;
  const a = (c as unknown as Record<string, unknown>)[key];
  const sl = c.slices?.[KEYS.indexOf(key)];
  return sl && sl.slice === a ? (deltaOf(sl) as unknown as Delta<T>) : null;
}

/**
 * Collections shorter than this are scanned rather than indexed (sim/index.ts): cheaper than an
 * index's bookkeeping, and no lineage is kept for them.
 */
export const INDEXED_MIN = 33;

let sliceChecks = false;

/**
 * Check, when a draft ends, that its shared slices changed only through `writable` and appends
 * (every element frozen once the added ones are): for the test suite (sim/index.ts setIndexChecks).
 */
export function setSliceChecks(on: boolean): void {
  sliceChecks = on;
}

/**
 * For each array a finished draft made from a shared slice: how it differs from the array it was
 * sliced from. The base is held weakly: a learner's latest cloud must not keep every earlier
 * version of its collections alive.
 */
const LINEAGE = new WeakMap<readonly object[], { base: WeakRef<readonly object[]>; stale: ReadonlySet<object>; added: readonly object[] }>();

/** How a published collection array differs from the one it was made from (by one command), if known and that one still lives. */
export function lineageOf<T>(a: readonly T[]): Delta<T> | null {
  const l = LINEAGE.get(a as unknown as object[]);
  const base = l?.base.deref();
  return l && base ? ({ base, stale: l.stale, added: l.added } as unknown as Delta<T>) : null;
}

/** Whether every element of `a` is deep-frozen for good (a published collection: an index over it stays right). */
export function isFrozenArray(a: readonly unknown[]): boolean {
  return FROZEN.has(a) || Object.isFrozen(a);
}

/**
 * shareElements for every collection that may be shared: for a command whose ops change existing
 * elements of them only through `writable` (and filter or append to them), called before it
 * first reads any.
 */
export function shareAll(c: Cloud): void {
  for (const k of SHAREABLE) shareElements(c, k);
}

KEYS.forEach((k, i) => {
  const shared = SHARED.has(k);
  Object.defineProperty(Draft.prototype, k, {
    get(this: Draft): unknown {
      let v = this.slots[i];
      if (v === UNSET && this.reading) {
        v = this.src[k];
        // Frozen for good: nothing changes a published cloud, and later drafts copy what they change.
        deepFreeze(v);
        this.slots[i] = v;
      } else if (v === UNSET) {
        // A key the original lacks (infra, otherQuotas) reads as undefined and stays absent until assigned.
        if (!(k in this.src)) return undefined;
        const orig = this.src[k];
        if (this.sharing?.[i] === true) {
          freezeElements(orig as unknown[]);
          this.shared = true;
          const slice = (orig as object[]).slice();
          this.slices ??= new Array<SharedSlice | null>(KEYS.length).fill(null);
          this.slices[i] = { base: orig as object[], slice, stale: new Set(), copies: [], appendStart: slice.length };
          v = slice;
        } else v = shared || (this.batch && typeof orig === 'object' && orig !== null && OWNED.has(orig)) ? orig : deep(orig as Json);
        this.slots[i] = v;
      }
      return v;
    },
    set(this: Draft, v: unknown) {
      this.slots[i] = v;
      this.wrote = true;
    },
  });
});

/** Whether an object's keys already end with the shared keys, in cloneCloud's order. */
function endsWithShared(keys: string[]): boolean {
  const n = keys.length - SHARED_KEYS.length;
  if (n < 0) return false;
  for (let i = 0; i < SHARED_KEYS.length; i++) if (keys[n + i] !== SHARED_KEYS[i]) return false;
  return true;
}

/** Whether `c` is a draft an op is still changing (its collections may change under a reader). */
export function isDraft(c: object): boolean {
  return c instanceof Draft;
}

/**
 * A copy-on-write stand-in for a copy of `c`, for an op to change; `finishDraft` turns it into the
 * new cloud. With `share`, an op may share elements (shareElements, shareAll); a write to a shared
 * element throws a TypeError, and the caller runs the op again on a draft without (as transact does).
 */
export function draftCloud(c: Cloud, share = false): Cloud {
  const d = new Draft(c as unknown as Record<string, unknown>);
  d.canShare = share;
  return d as unknown as Cloud;
}

/**
 * The cloud a draft stands for, as a plain object (given anything else, returns it as is).
 * Key order, which shows in serialized sessions, is that of the copy the draft replaces:
 * with `sharedLast`, that of `cloneCloud` (the never-changed parts moved to the end); without,
 * the original's. Keys the original lacked and the op assigned come last.
 */
export function finishDraft(c: Cloud, sharedLast: boolean): Cloud {
  if (!(c instanceof Draft)) return c;
  const { src, slots } = c as Draft;
  let out: Record<string, unknown>;
  const keys = Object.keys(src);
  if (!sharedLast || endsWithShared(keys)) {
    // The usual case: the original's key order is the one wanted, and its shape clones fast.
    out = copyRoot(src as unknown as Cloud) as unknown as Record<string, unknown>;
  } else {
    out = {};
    for (const k of keys) if (!SHARED.has(k)) out[k] = src[k];
    for (const k of SHARED_KEYS) out[k] = src[k];
  }
  const { batch, sharing, slices } = c as Draft;
  for (let i = 0; i < KEYS.length; i++) {
    const v = slots[i];
    if (v === UNSET) continue;
    out[KEYS[i] as string] = v;
    // A shared collection's new elements are frozen too, so the next command can share them all:
    // when the op kept the slice, only what it added (the rest is the base's, frozen already).
    if (sharing?.[i] === true && Array.isArray(v)) {
      const sl = slices?.[i];
      if (sl && sl.slice === v) {
        const delta = deltaOf(sl);
        for (const x of delta.added) deepFreeze(x);
        if (sliceChecks && !v.every((x) => Object.isFrozen(x))) throw new Error(`${KEYS[i]}: an element changed without writable`);
        if (v.length >= INDEXED_MIN) LINEAGE.set(v as object[], { base: new WeakRef(delta.base), stale: delta.stale, added: delta.added });
      } else for (const x of v) deepFreeze(x);
      FROZEN.add(v);
    }
    if (batch && v !== null && typeof v === 'object' && !SHARED.has(KEYS[i] as string)) OWNED.add(v);
  }
  return out as unknown as Cloud;
}

function sameRng(a: Cloud['rng'], b: Cloud['rng']): boolean {
  return a.s.every((v, i) => v === b.s[i]);
}

// ---- one command, one transaction -------------------------------------------------------------

/** What `transact` returns: the new cloud and fn's value, or the error and the cloud as it was. */
export type Outcome<T> =
  | { ok: true; value: T; cloud: Cloud }
  | {
      ok: false;
      error: unknown;
      /**
       * The original cloud: a failed command changes nothing but the random generator, which
       * keeps what it drew (a real cloud's ids and addresses are spent once drawn).
       */
      cloud: Cloud;
      /** The discarded draft, as the command left it when it failed (error messages may read its clock). */
      draft: Cloud;
    };

/**
 * Runs one command's changes as a transaction, as Neutron runs an API call in one: `fn` works on
 * a copy-on-write draft of `cloud`; when it returns, the draft becomes the new cloud (key order
 * as `cloneCloud`'s); when it throws, the draft is discarded and the original is returned with
 * the error, with the generator's state the draft reached. With `readOnly`, `fn` reads `cloud`
 * itself (no draft) and the cloud is returned as is; with `'mostly'` (a read that may write), it
 * is first tried as a read of the cloud made read-only (frozen) and, if it writes after all, runs
 * on a draft whose parts it left as they were are the original's again (keepUnchanged).
 * Every CLI (and anything else that runs commands) goes through this one helper.
 */
export function transact<T>(cloud: Cloud, fn: (draft: Cloud) => T, readOnly: boolean | 'mostly' = false): Outcome<T> {
  if (readOnly === 'mostly') {
    // Most such reads write nothing (the project has its default group): tried first on the cloud
    // itself, frozen, without copying a part; one that writes after all (or fails) runs again
    // below on a draft that copies. Not in a setup batch, whose parts change in place.
    const read = new Draft(cloud as unknown as Record<string, unknown>);
    if (!read.batch) {
      read.reading = true;
      try {
        const value = fn(read as unknown as Cloud);
        if (!read.wrote) return { ok: true, value, cloud };
      } catch {
        // A write to a frozen part (it writes after all) or the command's error: the run below decides.
      }
    }
  }
  if (readOnly !== true) {
    const draft = new Draft(cloud as unknown as Record<string, unknown>);
    draft.canShare = true;
    try {
      const value = fn(draft as unknown as Cloud);
      const next = finishDraft(draft as unknown as Cloud, true);
      return { ok: true, value, cloud: readOnly === 'mostly' ? keepUnchanged(cloud, next, draft.slots) : next };
    } catch (error) {
      // A write to a shared (frozen) element, or a bug: either way the command runs again on a
      // draft that copies what it touches, and that run's outcome is the command's.
      if (!(draft.shared && error instanceof TypeError)) return failed(cloud, draft as unknown as Cloud, error);
    }
  }
  return copying(cloud, fn, readOnly);
}

/** Whether two values of the cloud's plain JSON data hold the same (keys in the same order, as copies keep them). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * For a command that usually only reads but may write (listing security groups makes the
 * project's default group the first time): each part the draft copied and left as it was is the
 * original again, so the new cloud shares it and whoever compares parts by identity (the topology
 * view, the grader: workspace/topology.ts sameResources) sees that nothing changed.
 */
function keepUnchanged(orig: Cloud, next: Cloud, slots: readonly unknown[]): Cloud {
  const o = orig as unknown as Record<string, unknown>;
  const n = next as unknown as Record<string, unknown>;
  for (let i = 0; i < KEYS.length; i++) {
    const k = KEYS[i] as string;
    if (slots[i] !== UNSET && !SHARED.has(k) && k !== 'rng' && k in o && n[k] !== o[k] && sameJson(n[k], o[k])) n[k] = o[k];
  }
  return next;
}

function failed<T>(cloud: Cloud, work: Cloud, error: unknown): Outcome<T> {
  if (work === cloud || sameRng(work.rng, cloud.rng)) return { ok: false, error, cloud, draft: work };
  return { ok: false, error, cloud: Object.assign({}, cloud, { rng: work.rng }), draft: work };
}

/** `transact` without shared elements: every collection the command touches is copied. */
function copying<T>(cloud: Cloud, fn: (draft: Cloud) => T, readOnly: boolean | 'mostly'): Outcome<T> {
  const work = readOnly === true ? cloud : draftCloud(cloud);
  try {
    const value = fn(work);
    const next = finishDraft(work, true);
    return { ok: true, value, cloud: readOnly === 'mostly' ? keepUnchanged(cloud, next, (work as unknown as Draft).slots) : next };
  } catch (error) {
    return failed(cloud, work, error);
  }
}
