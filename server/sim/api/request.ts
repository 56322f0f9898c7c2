/**
 * One call to a service's REST API as the simulation answers it (issue #17): what the web layer
 * carries in, what a learner's history records for a write (so replay runs it again), and the
 * shape every service's pure handler has. A handler reads the cloud, and for a write returns the
 * new cloud: no I/O, no clock but the cloud's, so the same call on the same cloud gives the same
 * answer and the same cloud (replay and grading depend on it).
 */
import type { Cloud } from '../model/cloud.js';
import type { Answer } from './neutron/rest-errors.js';

export type { Answer } from './neutron/rest-errors.js';

/** The services a learner's cloud answers for, by their catalog type (the path under /openstack/). */
export type ServiceType = 'network' | 'compute' | 'image' | 'load-balancer';

export interface ApiCall {
  service: ServiceType;
  /** The HTTP method, upper case. */
  method: string;
  /** The path after the service's mount point, split on `/` and decoded: `['v2.0', 'networks', ID]`. */
  path: string[];
  /** The query's pairs in order, repeated keys included. */
  query: Array<[string, string]>;
  /** The request body as sent ('' when none); a handler parses it and answers bad JSON itself. */
  body: string;
  /** Nova's microversion as the client asked for it (`OpenStack-API-Version: compute 2.79` or `X-OpenStack-Nova-API-Version`), absent when not asked. */
  microversion?: string;
}

/** What only the answer depends on (never the new cloud): where the service is, what the client accepts. */
export interface ApiContext {
  /** The service's endpoint URL as the catalog names it: `http://host:3000/openstack/network`. */
  base: string;
  accept?: string;
}

export interface ApiResult {
  answer: Answer;
  /** The cloud after the call: the given one when nothing changed (a read, a refused write). */
  cloud: Cloud;
}

/** A service's pure handler: any method, any path under its mount point, any body; never throws for the client's input. */
export type ServiceHandler = (cloud: Cloud, call: ApiCall, ctx: ApiContext) => ApiResult;

export interface Service {
  /**
   * The answer to a call that needs no token (version discovery: `GET /`, `GET /v2.1`, …), or null
   * when the call needs one (then the web layer checks the token, answers keystonemiddleware's
   * 401 without one, and runs `handle` on the token's workspace).
   */
  anonymous: (call: ApiCall, ctx: ApiContext) => Answer | null;
  handle: ServiceHandler;
}

/** Methods that only read: never recorded in the history. Every other call is a write, recorded whether or not it succeeds (a refused create has drawn ids, as a failed command has). */
export const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * encodeURIComponent of any string: a lone surrogate (which a query decoded from HTTP never
 * holds, but a recorded or in-process call may) is written as U+FFFD, as the HTTP layer decodes
 * invalid UTF-8, instead of throwing URIError.
 */
export function encodeUriPart(s: string): string {
  return encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}
