/**
 * One error family for the simulated services. A SimError carries what the real API returned:
 * HTTP status, the server's message, and the request path, so each CLI can print it its own way
 * (OSC: "ConflictException: 409: Client Error for url: …", neutron: the bare message).
 */
export type Service = 'network' | 'compute' | 'image';

export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Request path relative to the service endpoint, e.g. `/v2.0/subnets`. */
    readonly path: string,
    readonly service: Service = 'network',
    /** Neutron exception type (NeutronError.type), for the legacy CLI and logs. */
    readonly type: string = '',
  ) {
    super(message);
    this.name = 'SimError';
  }
}

/** Small named factories so messages stay upstream-exact in one place. */
export const neutronError = {
  badRequest: (path: string, message: string) => new SimError(400, message, path, 'network', 'BadRequest'),
  invalidInput: (path: string, message: string) =>
    new SimError(400, `Invalid input for operation: ${message}`, path, 'network', 'InvalidInput'),
  notFound: (path: string, message: string) => new SimError(404, message, path, 'network', 'NotFound'),
  conflict: (path: string, message: string) => new SimError(409, message, path, 'network', 'Conflict'),
  forbidden: (path: string, message: string) => new SimError(403, message, path, 'network', 'PolicyNotAuthorized'),
  server: (path: string, message: string) => new SimError(500, message, path, 'network', 'SubnetAllocationError'),
  /** filter_validation: a list filter on an attribute the resource does not have. */
  invalidFilter: (path: string, keys: readonly string[]) =>
    new SimError(400, `[${keys.map((k) => `'${k}'`).join(', ')}] is invalid attribute for filtering`, path, 'network', 'HTTPBadRequest'),
  /** A body with attributes the resource does not have. */
  unrecognizedAttributes: (path: string, keys: readonly string[]) =>
    new SimError(400, `Unrecognized attribute(s) '${keys.join(', ')}'`, path, 'network', 'HTTPBadRequest'),
  /** A body attribute that must be a UUID. */
  invalidUuid: (path: string, attr: string, value: string) =>
    new SimError(400, `Invalid input for ${attr}. Reason: '${value}' is not a valid UUID.`, path, 'network', 'HTTPBadRequest'),
  floatingIpNotFound: (id: string) => new SimError(404, `Floating IP ${id} could not be found`, `/v2.0/floatingips/${id}`, 'network', 'FloatingIPNotFound'),
};

export const novaError = {
  badRequest: (path: string, message: string) => new SimError(400, message, path, 'compute'),
  forbidden: (path: string, message: string) => new SimError(403, message, path, 'compute'),
  notFound: (path: string, message: string) => new SimError(404, message, path, 'compute'),
  conflict: (path: string, message: string) => new SimError(409, message, path, 'compute'),
};
