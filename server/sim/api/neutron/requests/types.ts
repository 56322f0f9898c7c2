/**
 * What Neutron does with a write to one collection (POST, PUT, DELETE and the member actions),
 * body in, the resource's dictionary out. Both the REST endpoint (rest-write.ts) and the legacy
 * `neutron` CLI (server/cli/neutron) go through these, so a body means the same whichever way it
 * came. Each function works on a draft cloud (rest-write.ts runs it in `transact`), prepares the
 * body with `requestBody` (body.ts) and throws the simulation's errors; the caller turns them into
 * Neutron's answers.
 */
import type { Cloud } from '../../../model/cloud.js';
import type { JsonObject } from '../../json.js';

/** The request's path as Neutron names it in its messages: `/v2.0/networks` or `/v2.0/networks/ID`. */
export type RequestPath = string;

export interface CollectionWrites {
  /** POST /v2.0/<collection> with `{member: {...}}`: the new resource's dictionary (as POST answers it). */
  create?: (c: Cloud, member: JsonObject, path: RequestPath) => JsonObject;
  /** PUT /v2.0/<collection>/ID with `{member: {...}}`: the updated dictionary. */
  update?: (c: Cloud, id: string, member: JsonObject, path: RequestPath) => JsonObject;
  /** DELETE /v2.0/<collection>/ID (204). */
  remove?: (c: Cloud, id: string, path: RequestPath) => void;
  /** PUT /v2.0/<collection>/ID/<action> with the whole body (routers' add_router_interface, …): the action's answer body. */
  actions?: Readonly<Record<string, (c: Cloud, id: string, body: JsonObject, path: RequestPath) => JsonObject>>;
}
