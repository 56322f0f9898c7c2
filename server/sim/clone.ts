/** A fast deep copy for the cloud's plain JSON data (several times faster than structuredClone). */
import type { Cloud } from './model/cloud.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function deep(v: Json): Json {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const n = v.length;
    const a: Json[] = new Array<Json>(n);
    for (let i = 0; i < n; i++) a[i] = deep(v[i] as Json);
    return a;
  }
  const o: { [k: string]: Json } = {};
  for (const k in v) o[k] = deep(v[k] as Json);
  return o;
}

/** Parts no op ever changes are shared between copies: flavors, images, config, projects. */
export function cloneCloud(c: Cloud): Cloud {
  const { flavors, images, config, projects, ...rest } = c;
  const copy = deep(rest as unknown as Json) as unknown as Omit<Cloud, 'flavors' | 'images' | 'config' | 'projects'>;
  return { ...copy, flavors, images, config, projects };
}

// ---- copy on write -------------------------------------------------------------------------
//
// Most commands change one or two collections of the cloud, and copying all of them was the
// largest single cost of a command. A draft is a stand-in for a copy: every top-level property
// is an accessor on the draft's prototype that deep-copies the original's value the first time
// the op reads or assigns it, and from then on an own data property of the draft holds the copy.
// `finishDraft` then builds the new cloud from the copies and, for every property the op never
// touched, the original's value itself: the new and the old state share it, which is safe
// because nothing ever changes a published cloud (ops only change drafts and copies).
//
// A draft is only for ops: it must not be enumerated, spread or serialized (its properties live
// on the prototype until touched), and its top-level properties must not be deleted.

const SHARED = new Set<string>(['flavors', 'images', 'config', 'projects']);
const SOURCE = Symbol('draft source');

interface Draft {
  [SOURCE]: Record<string, unknown>;
}

/** Draft prototypes by the original's key list (a cloud's keys rarely vary: infra comes and goes). */
const prototypes = new Map<string, object>();

function draftPrototype(keys: string[]): object {
  const sig = keys.join(',');
  let proto = prototypes.get(sig);
  if (proto) return proto;
  proto = {};
  for (const k of keys) {
    const shared = SHARED.has(k);
    Object.defineProperty(proto, k, {
      get(this: Draft): unknown {
        const v = this[SOURCE][k];
        const copy = shared ? v : deep(v as Json);
        Object.defineProperty(this, k, { value: copy, writable: true, enumerable: true, configurable: true });
        return copy;
      },
      set(this: Draft, v: unknown) {
        Object.defineProperty(this, k, { value: v, writable: true, enumerable: true, configurable: true });
      },
    });
  }
  prototypes.set(sig, proto);
  return proto;
}

/** A copy-on-write stand-in for a copy of `c`, for an op to change; `finishDraft` turns it into the new cloud. */
export function draftCloud(c: Cloud): Cloud {
  const src = c as unknown as Record<string, unknown>;
  const d = Object.create(draftPrototype(Object.keys(src))) as Draft;
  d[SOURCE] = src;
  return d as unknown as Cloud;
}

/**
 * The cloud a draft stands for, as a plain object (given anything else, returns it as is).
 * Key order, which shows in serialized sessions, is that of the copy the draft replaces:
 * with `sharedLast`, that of `cloneCloud` (the never-changed parts moved to the end); without,
 * the original's. Keys the op added come last, in the order it added them.
 */
export function finishDraft(c: Cloud, sharedLast: boolean): Cloud {
  const d = c as unknown as Draft & Record<string, unknown>;
  const src = d[SOURCE];
  if (src === undefined) return c;
  const pick = (k: string): unknown => (Object.prototype.hasOwnProperty.call(d, k) ? d[k] : src[k]);
  const out: Record<string, unknown> = {};
  for (const k in src) if (!sharedLast || !SHARED.has(k)) out[k] = pick(k);
  if (sharedLast) for (const k of SHARED) out[k] = pick(k);
  for (const k of Object.keys(d)) if (!(k in out)) out[k] = d[k];
  return out as unknown as Cloud;
}
