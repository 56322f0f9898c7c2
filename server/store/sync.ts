/**
 * Stores whose calls complete at once (memory, SQLite; LTI's store and outbox on SQLite) are
 * written synchronously and answer their asynchronous interface through `asynchronous`: one
 * settled promise per call.
 */
import { StoreError, type CloudStore } from './types.js';

/** Any asynchronous interface's synchronous twin: each method's answer unwrapped (derived, so the two never drift apart). */
export type Synchronous<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Awaited<R> : never };

/** The synchronous store underneath a CloudStore. */
export type SyncStore = Synchronous<CloudStore>;

/**
 * An asynchronous interface answering with a synchronous implementation's results, and with what
 * `failed` makes of its throws as rejections (by default the throw itself).
 */
export function asynchronous<T>(s: Synchronous<T>, failed: (e: unknown) => unknown = (e) => e): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(s) as Array<[string, (...a: unknown[]) => unknown]>) {
    out[name] = (...a: unknown[]) => {
      try {
        return Promise.resolve(fn(...a));
      } catch (e) {
        return Promise.reject(failed(e));
      }
    };
  }
  return out as T;
}

/** A CloudStore answering with a synchronous one's results (its throws, StoreErrors and StoreConflicts, as rejections). */
export function asyncStore(s: SyncStore): CloudStore {
  return asynchronous<CloudStore>(s);
}

/** A SQLite exception as a StoreError in words (LTI's tables: "the server's database failed", with the driver's code). */
export function sqliteFailure(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const code = typeof (e as { code?: unknown } | null)?.code === 'string' ? (e as { code: string }).code : 'UNKNOWN';
  return new StoreError("the server's database failed", code, e);
}
