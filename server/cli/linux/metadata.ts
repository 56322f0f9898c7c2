/**
 * What Nova's metadata service answers at http://169.254.169.254 (Zed), for the VM asking:
 * the EC2-style tree under /latest/meta-data and the OpenStack one under /openstack.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Server } from '../../sim/model/compute.js';
import { pyJsonDumps, type PyValue } from '../../render/pyvalue.js';

const EC2_VERSIONS = ['1.0', '2007-01-19', '2007-03-01', '2007-08-29', '2007-10-10', '2007-12-15', '2008-02-01', '2008-09-01', '2009-04-04', 'latest'];
const OS_VERSIONS = ['2012-08-10', '2013-04-04', '2013-10-17', '2015-10-15', '2016-06-30', '2016-10-06', '2017-02-22', '2018-08-27', '2020-10-14', 'latest'];

const NOT_FOUND = '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The resource could not be found.<br /><br />\n\n\n\n </body>\n</html>';

/** The body for `path` (no trailing newline, as the service sends it), or the 404 page. */
export function metadataAnswer(cloud: Cloud, vm: Server, path: string): { body: string; status: 200 | 404 } {
  const p = path.replace(/\/+$/, '');
  const port = cloud.ports.find((x) => x.id === vm.nics[0]?.portId);
  const v4 = port?.fixedIps.find((f) => !f.ipAddress.includes(':'))?.ipAddress ?? '';
  const fip = cloud.floatingIps.find((f) => f.portId === port?.id)?.floatingIpAddress ?? '';
  const host = `${vm.name}.novalocal`;
  const index = cloud.servers.filter((s) => s.createdAt <= vm.createdAt).length;
  const key = vm.keyName ? cloud.keypairs.find((k) => k.name === vm.keyName) : undefined;
  const groups = vm.securityGroups.join('\n');
  const ec2: Record<string, string> = {
    'ami-id': 'ami-00000001', 'ami-launch-index': '0', 'ami-manifest-path': 'FIXME', 'block-device-mapping/': 'ami\nroot',
    hostname: host, 'instance-action': 'none', 'instance-id': `i-${index.toString(16).padStart(8, '0')}`,
    'instance-type': cloud.flavors.find((f) => f.id === vm.flavorId)?.name ?? '', 'local-hostname': host, 'local-ipv4': v4,
    'placement/': 'availability-zone', 'public-hostname': host, 'public-ipv4': fip, 'public-keys/': key ? `0=${key.name}` : '',
    'reservation-id': `r-${vm.id.slice(0, 8)}`, 'security-groups': groups,
  };
  const osMeta = {
    uuid: vm.id, meta: vm.properties, ...(key ? { public_keys: { [key.name]: key.publicKey }, keys: [{ name: key.name, type: 'ssh', data: key.publicKey }] } : {}),
    hostname: host, name: vm.name, launch_index: 0, availability_zone: vm.availabilityZone, project_id: vm.projectId, devices: [], dedicated_cpus: [],
  };
  if (p === '') return { body: EC2_VERSIONS.join('\n'), status: 200 };
  if (p === '/openstack') return { body: OS_VERSIONS.join('\n'), status: 200 };
  const osm = /^\/openstack\/([^/]+)$/.exec(p);
  if (osm && OS_VERSIONS.includes(osm[1] ?? '')) return { body: 'meta_data.json\npassword\nvendor_data.json\nnetwork_data.json\nvendor_data2.json', status: 200 };
  const osj = /^\/openstack\/([^/]+)\/meta_data\.json$/.exec(p);
  if (osj && OS_VERSIONS.includes(osj[1] ?? '')) return { body: pyJsonDumps(osMeta as PyValue, { ensureAscii: false }), status: 200 };
  const m = /^\/([^/]+)(?:\/meta-data(?:\/(.*))?)?$/.exec(p);
  if (m && EC2_VERSIONS.includes(m[1] ?? '')) {
    if (!p.includes('/meta-data')) return { body: 'meta-data/\nuser-data', status: 200 };
    const item = m[2];
    if (item === undefined) return { body: Object.keys(ec2).join('\n'), status: 200 };
    const v = ec2[item] ?? ec2[`${item}/`];
    if (v !== undefined) return { body: v, status: 200 };
  }
  return { body: NOT_FOUND, status: 404 };
}
