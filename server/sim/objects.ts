/**
 * `{ ...base, ...patch }`, made without an object spread followed by keys.
 *
 * Node 20's V8 (11.3) gives every object written as `{ ...x, key: value }` (or a spread copy
 * that is then given a new key) a map (hidden class) of its own: the copy's map is not in any
 * transition tree, so adding a key makes a new map each time. Maps live in the old generation,
 * so each such object leaves ~250 bytes there for the next full collection, and the objects it
 * points to are promoted with it. On the path every command takes, these were most of what filled
 * the old generation of a busy server (issue #19; see README, "Load"). A copy made by
 * Object.assign onto a fresh `{}` reuses one map; so do `{ ...x }` alone and `{ key, ...x }`.
 *
 * Only for objects whose keys are the program's own: Object.assign calls the `__proto__` setter
 * for a key of that name, where a spread defines a key.
 */
export function extended<T extends object, P extends object>(base: T, patch: P): Extended<T, P> {
  return Object.assign({}, base, patch) as unknown as Extended<T, P>;
}

/** The type of `{ ...T, ...P }` (for each member of a union T). */
export type Extended<T, P> = T extends unknown ? Omit<T, keyof P> & P : never;
