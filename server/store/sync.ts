/**
 * Stores whose calls complete at once (memory, SQLite) are written synchronously and answer the
 * asynchronous CloudStore through asyncStore: one resolved promise per call.
 */
import type { CloudStore } from './types.js';

/**
 * The synchronous store underneath: each CloudStore call with its answer unwrapped (derived, so
 * the two can never drift apart: a change to the contract is a change here too).
 */
export type SyncStore = {
  [K in keyof CloudStore]: (...args: Parameters<CloudStore[K]>) => Awaited<ReturnType<CloudStore[K]>>;
};

/** A CloudStore answering with a synchronous one's results (and its throws as rejections). */
export function asyncStore(s: SyncStore): CloudStore {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(s) as Array<keyof SyncStore>) {
    const fn = s[name] as (...a: unknown[]) => unknown;
    out[name] = (...a: unknown[]) => {
      try {
        return Promise.resolve(fn(...a));
      } catch (e) {
        return Promise.reject(e);
      }
    };
  }
  return out as unknown as CloudStore;
}
