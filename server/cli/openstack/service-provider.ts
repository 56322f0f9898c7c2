/**
 * `openstack network service provider list` (the providers Neutron's service plugins register:
 * the L3 router's four) and `floating ip pool list`, which OSC 6.0 only runs against
 * nova-network: with Neutron it refuses (checked on the oracle, test/transcripts/79).
 */
import { listServiceProviders } from '../../sim/api/neutron/service-provider.js';
import type { CellValue } from '../../render/pyvalue.js';
import { CliError } from '../errors.js';
import type { OscCommand, Output } from './common.js';
import { attr } from './format.js';

function providers(): Output {
  const rows = listServiceProviders().map((p): CellValue[] => [attr(p, 'service_type'), attr(p, 'name'), attr(p, 'default')]);
  return { kind: 'list', data: { headers: ['Service Type', 'Name', 'Default'], rows } };
}

export const serviceProviderCommands: OscCommand[] = [
  { name: 'network service provider list', run: () => providers() },
  {
    name: 'floating ip pool list',
    run: () => {
      throw new CliError('Floating ip pool operations are only available for Compute v2 network.');
    },
  },
];
