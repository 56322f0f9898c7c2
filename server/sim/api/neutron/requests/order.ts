/**
 * What the request modules share: a dictionary in the key order Neutron's answer to a write has
 * (a POST answers from the plugin's create, a PUT from a fresh read: their orders differ from a
 * GET's and from each other), a body's typed values, the resource a path names.
 */
import { neutronError, SimError } from '../../../errors.js';
import type { Cloud } from '../../../model/cloud.js';
import type { Json, JsonObject } from '../../json.js';
import { requestBody, type BodyResource } from '../body.js';

/** `d` with the keys of `order` first, in that order, then its other keys in their own order. */
export function ordered(d: JsonObject, order: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of order) if (Object.hasOwn(d, k)) out[k] = d[k] as Json;
  for (const [k, v] of Object.entries(d)) if (!Object.hasOwn(out, k)) out[k] = v;
  return out;
}

/** A prepared body's values, by type (undefined when absent or of another type). */
export const text = (b: JsonObject, k: string): string | undefined =>
  typeof b[k] === 'string' ? b[k] : undefined;
export const flag = (b: JsonObject, k: string): boolean | undefined =>
  typeof b[k] === 'boolean' ? b[k] : undefined;
export const int = (b: JsonObject, k: string): number | undefined =>
  typeof b[k] === 'number' ? b[k] : undefined;

/** The fields set in a request object, without those left undefined. */
export function defined<T extends object>(o: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A 400 whose class Neutron names HTTPBadRequest (the attribute validators' refusals). */
export function invalidAttribute(path: string, attr: string, reason: string): SimError {
  return new SimError(
    400,
    `Invalid input for ${attr}. Reason: ${reason}.`,
    path,
    'network',
    'HTTPBadRequest',
  );
}

/** A resource the caller can see, by id, or Neutron's 404 for it. */
export function visible<T extends { id: string }>(
  items: readonly T[],
  id: string,
  path: string,
  message: string,
): T {
  const found = items.find((i) => i.id === id);
  if (!found) throw new SimError(404, message, path, 'network', 'NotFound');
  return found;
}

/**
 * The request body as Neutron's controller prepares it (body.ts's requestBody). A key that names
 * a property every object inherits (`__proto__`, `constructor`) is no attribute either: body.ts
 * looks attributes up with `in`, so such keys are taken out first and refused here with the
 * others Neutron does not recognise, in the body's order.
 */
export function prepare(
  c: Cloud,
  resource: BodyResource,
  op: 'create' | 'update',
  path: string,
  body: JsonObject,
): JsonObject {
  const inherited = Object.keys(body).filter((k) => k in Object.prototype);
  if (inherited.length === 0) return requestBody(c, resource, op, path, body);
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !inherited.includes(k)));
  let others: string[] = [];
  try {
    requestBody(c, resource, op, path, rest);
  } catch (e) {
    const m = e instanceof SimError ? /^Unrecognized attribute\(s\) '(.*)'$/.exec(e.message) : null;
    if (!m) throw e;
    others = (m[1] ?? '').split(', ');
  }
  const unknown = Object.keys(body).filter((k) => inherited.includes(k) || others.includes(k));
  throw neutronError.unrecognizedAttributes(path, unknown);
}
