/**
 * Stores whose calls complete at once (memory, SQLite) are written synchronously and answer the
 * asynchronous CloudStore through asyncStore: one resolved promise per call.
 */
import { StoreError, type CloudStore } from './types.js';

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

/** Any asynchronous interface's synchronous twin (each method's answer unwrapped). */
export type Synchronous<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Awaited<R> : never };

/**
 * An asynchronous interface answering with a synchronous implementation's results, its throws as
 * rejections: a StoreError as it is, anything else (SQLite's exceptions) as "the server's database
 * failed" with the driver's code.
 */
export function asynchronous<T>(s: Synchronous<T>): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(s) as Array<[string, (...a: unknown[]) => unknown]>) {
    out[name] = async (...a: unknown[]) => {
      try {
        return fn(...a);
      } catch (e) {
        if (e instanceof StoreError) throw e;
        const code = typeof (e as { code?: unknown } | null)?.code === 'string' ? (e as { code: string }).code : 'UNKNOWN';
        throw new StoreError("the server's database failed", code, e);
      }
    };
  }
  return out as T;
}
