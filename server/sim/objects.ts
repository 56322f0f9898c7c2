/**
 * `{ ...base, ...patch }`, made without an object spread followed by keys.
 *
 * Node 20's V8 (11.3) gives every object written as `{ ...x, key: value }` (or a spread copy
 * that is then given a new key) a map (hidden class) of its own: 9,992 of 10,000 such copies had
 * a new one. Maps live in the old generation, so each copy leaves ~80–280 bytes there for the
 * next full collection, and what it points to was promoted too (measured, not explained). On the
 * path every command takes, they were most of what the workspaces of one process left in the old
 * generation: 1.73 KB a command, 0.61 KB without them (issue #19; see README, "Load"). A copy
 * made by Object.assign onto a fresh `{}` keeps one map; so do `{ ...x }` alone and
 * `{ key, ...x }`.
 *
 * Any keys will do, a learner's too: Object.assign would call the `__proto__` setter for an own
 * key of that name (JSON.parse makes them), where a spread defines a key, so such an object is
 * copied with the spread.
 */
export function extended<T extends object, P extends object>(base: T, patch: P): Extended<T, P> {
  if (Object.hasOwn(base, '__proto__') || Object.hasOwn(patch, '__proto__')) return { ...base, ...patch } as unknown as Extended<T, P>;
  return Object.assign({}, base, patch) as unknown as Extended<T, P>;
}

/** The type of `{ ...T, ...P }` (for each member of a union T). */
export type Extended<T, P> = T extends unknown ? Omit<T, keyof P> & P : never;

/**
 * `o[key] = value` for a key that may be anyone's (a learner's `--__proto__`): defined as an own
 * key, where an assignment of `__proto__` would set the prototype instead.
 */
export function setOwn<T>(o: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * `o[key]` for a key that may be anyone's (a learner's word, a path segment): only an own key's
 * value, never what every object inherits (`constructor`, `toString`, `__proto__`…).
 */
export function ownValue<T>(o: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}
