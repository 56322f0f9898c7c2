/**
 * Every REST service a learner's cloud answers for, by catalog type: the pure handlers the web
 * layer runs on a workspace (server/workspace/openstack.ts) and replay runs again for recorded
 * writes. A service absent here is not in the catalog.
 */
import type { Service, ServiceType } from './request.js';
import { neutronService } from './neutron/rest-write.js';
import { novaService } from './nova/rest.js';
import { glanceService } from './glance/rest.js';
import { octaviaService } from './octavia/rest.js';

export const SERVICES: Partial<Record<ServiceType, Service>> = {
  network: neutronService,
  compute: novaService,
  image: glanceService,
  'load-balancer': octaviaService,
};
