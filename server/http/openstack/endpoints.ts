/**
 * Where the OpenStack services answer: one port, path-prefixed under `/openstack/`. The catalog
 * and every link name them with the origin the client used (the Host header; STACKLAB_PUBLIC_URL
 * when the server sits behind a proxy, since the app trusts no X-Forwarded-* header).
 */
import type { Request } from 'express';
import type { Config } from '../config.js';

export const OPENSTACK_PREFIX = '/openstack';

/** The catalog's services: type, name, and their unversioned endpoint under the prefix (as devstack registers them). */
export const SERVICES = [
  { type: 'identity', name: 'keystone', path: '/identity' },
  { type: 'network', name: 'neutron', path: '/network' },
] as const;

export const REGION = 'RegionOne';

/** A Host header that can only be a host (and port): anything else is not echoed into URLs. */
const HOST = /^[A-Za-z0-9.-]{1,253}(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](?::\d{1,5})?$/;

/** The origin the client reached: the public URL when set, else http:// + a well-formed Host. */
export function requestOrigin(req: Request, config: Config): string {
  if (config.publicOrigin !== null) return config.publicOrigin;
  const host = req.headers.host ?? '';
  return `http://${HOST.test(host) ? host : 'localhost'}`;
}

/** The base URL of the OpenStack services for this request: `http://host:port/openstack`. */
export function openstackBase(req: Request, config: Config): string {
  return `${requestOrigin(req, config)}${OPENSTACK_PREFIX}`;
}
