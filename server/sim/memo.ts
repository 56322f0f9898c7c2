/**
 * Indexes derived from a published cloud's collections, computed once per collection array.
 *
 * A published cloud never changes (commands change copy-on-write drafts, see clone.ts), so an
 * index built from its arrays stays right for as long as those arrays live: it is kept in a
 * WeakMap keyed by the first array it reads and dropped with it. A draft's arrays are still
 * being changed by an op, so nothing is cached for a draft or a cloud in a setup batch; nor when an array's length or one of
 * the other arrays the index reads differs from what it was built from (a hand-made cloud that
 * someone pushed to).
 */
import type { Cloud } from './model/cloud.js';
import { inBatch, isDraft } from './clone.js';

interface Entry {
  deps: readonly (readonly unknown[])[];
  lengths: number[];
  value: unknown;
}

const MEMOS = new WeakMap<readonly unknown[], Map<string, Entry>>();

function fresh(e: Entry, deps: readonly (readonly unknown[])[]): boolean {
  if (e.deps.length !== deps.length) return false;
  for (let i = 0; i < deps.length; i++) {
    const d = deps[i] as readonly unknown[];
    if (e.deps[i] !== d || e.lengths[i] !== d.length) return false;
  }
  return true;
}

/**
 * `build()`, cached under `key` for these arrays of `cloud` (`deps[0]` keys the cache; every
 * array `build` reads must be listed). Keys are module-unique names, e.g. 'dataplane.ports'.
 */
export function memo<T>(cloud: Cloud, key: string, deps: readonly (readonly unknown[])[], build: () => T): T {
  const first = deps[0];
  if (first === undefined || isDraft(cloud) || deps.some(inBatch)) return build();
  let m = MEMOS.get(first);
  const e = m?.get(key);
  if (e && fresh(e, deps)) return e.value as T;
  const value = build();
  if (!m) {
    m = new Map();
    MEMOS.set(first, m);
  }
  m.set(key, { deps: [...deps], lengths: deps.map((d) => d.length), value });
  return value;
}

/** The first element of `list` with each key (as `find` would return it), by key. */
export function firstBy<T, K>(list: readonly T[], key: (x: T) => K): Map<K, T> {
  const out = new Map<K, T>();
  for (const x of list) {
    const k = key(x);
    if (!out.has(k)) out.set(k, x);
  }
  return out;
}

/** The elements of `list` grouped by key, each group in the list's order. */
export function groupBy<T, K>(list: readonly T[], key: (x: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const x of list) {
    const k = key(x);
    const g = out.get(k);
    if (g) g.push(x);
    else out.set(k, [x]);
  }
  return out;
}
