/**
 * Where the OpenStack services answer: one port, path-prefixed under `/openstack/`. The catalog
 * and every link name them with the origin the client used (the Host header; STACKLAB_PUBLIC_URL
 * when the server sits behind a proxy, since the app trusts no X-Forwarded-* header).
 */
import type { Request } from 'express';
import type { Config } from '../config.js';
import { serviceTypes, type ServiceType } from '../../workspace/openstack.js';

export const OPENSTACK_PREFIX = '/openstack';

/** Each service's catalog entry: its name, and its endpoint under the prefix as devstack registers it. */
const CATALOG: Readonly<Record<ServiceType, { name: string; path: string }>> = {
  network: { name: 'neutron', path: '/network' },
  compute: { name: 'nova', path: '/compute/v2.1' },
  image: { name: 'glance', path: '/image' },
  'load-balancer': { name: 'octavia', path: '/load-balancer' },
};

/** The catalog's services: Keystone, then every service the cloud answers for (type, name, endpoint path). */
export const SERVICES: ReadonlyArray<{ type: string; name: string; path: string }> = [
  { type: 'identity', name: 'keystone', path: '/identity' },
  ...serviceTypes().map((type) => ({ type, ...CATALOG[type] })),
];

/** Where each service is mounted (its endpoint without a version): `/network`, `/compute`. */
export const mountOf = (type: ServiceType) => `/${type}`;

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
