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
};

export const novaError = {
  badRequest: (path: string, message: string) => new SimError(400, message, path, 'compute'),
  forbidden: (path: string, message: string) => new SimError(403, message, path, 'compute'),
  notFound: (path: string, message: string) => new SimError(404, message, path, 'compute'),
  conflict: (path: string, message: string) => new SimError(409, message, path, 'compute'),
};
