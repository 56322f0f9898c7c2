/**
 * What Nova's metadata service answers at http://169.254.169.254 (Zed, nova/api/metadata), for
 * the VM asking: the EC2-style tree (`/latest/meta-data/…`, by version) and the OpenStack one
 * (`/openstack/VERSION/meta_data.json`, …). Like the service, a path names a node of a tree: a
 * directory prints its entries sorted (subdirectories with a `/`, or the name they carry, as
 * `public-keys/` → `0=KEY`), a list one item a line, a value itself; anything else is the 404 page.
 */
import type { Cloud } from '../../model/cloud.js';
import type { Server } from '../../model/compute.js';
import { hashSeed, nextU32, seedRng } from '../../rng.js';
import type { Json, JsonObject } from '../json.js';
import { portById } from '../../index.js';

const EC2_VERSIONS = ['1.0', '2007-01-19', '2007-03-01', '2007-08-29', '2007-10-10', '2007-12-15', '2008-02-01', '2008-09-01', '2009-04-04'];
const OS_VERSIONS = ['2012-08-10', '2013-04-04', '2013-10-17', '2015-10-15', '2016-06-30', '2016-10-06', '2017-02-22', '2018-08-27', '2020-10-14'];

/** webob's HTTPNotFound page, as curl (Accept: *\/*) gets it through the metadata proxy. */
const NOT_FOUND = '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The resource could not be found.<br /><br />\n\n\n\n </body>\n</html>';

/** A node of the EC2 tree: a value, a list, or a directory (`name`: what its parent lists for it instead of `key/`). */
type Node = string | string[] | Dir;
interface Dir { entries: Record<string, Node>; name?: string }

/** The service's listing of a node (no trailing newline, as it sends it). */
function print(n: Node): string {
  if (typeof n === 'string') return n;
  if (Array.isArray(n)) return n.join('\n');
  return Object.keys(n.entries).sort().map((k) => {
    const v = n.entries[k] as Node;
    return typeof v === 'object' && !Array.isArray(v) ? (v.name ?? `${k}/`) : k;
  }).join('\n');
}

/** Nova's hostname for a display name (utils.sanitize_hostname), with the DHCP domain. */
function hostnameOf(name: string): string {
  // Python's \w is Unicode-aware: letters and digits of Latin-1 stay.
  const h = name.replace(/[^\u0000-\u00ff]/g, '').slice(0, 63).replace(/[ _.]/g, '-').replace(/[^\p{L}\p{N}_.-]+/gu, '').toLowerCase().replace(/^[.-]+|[.-]+$/g, '');
  return `${h}.novalocal`;
}

const cmp = (a: string, b: string, list: string[]) => list.indexOf(a) >= list.indexOf(b);

/** The EC2 meta-data of `version` (the keys get_ec2_metadata adds for it). */
function ec2Tree(cloud: Cloud, vm: Server, version: string): Dir {
  const port = portById(cloud, vm.nics[0]?.portId);
  const v4 = port?.fixedIps.find((f) => !f.ipAddress.includes(':'))?.ipAddress ?? '';
  const fip = cloud.floatingIps.find((f) => f.portId === port?.id)?.floatingIpAddress ?? '';
  const host = hostnameOf(vm.name);
  const index = cloud.servers.filter((s) => s.createdAt <= vm.createdAt).length;
  const key = vm.keyName ? cloud.keypairs.find((k) => k.name === vm.keyName) : undefined;
  const flavor = cloud.flavors.find((f) => f.id === vm.flavorId);
  const at = (v: string) => cmp(version, v, EC2_VERSIONS);
  const md: Record<string, Node> = {
    'ami-id': 'ami-00000001', 'ami-launch-index': '0', 'ami-manifest-path': 'FIXME',
    'instance-id': `i-${index.toString(16).padStart(8, '0')}`, hostname: host, 'local-ipv4': v4,
    'reservation-id': `r-${vm.id.slice(0, 8)}`, 'security-groups': vm.securityGroups,
  };
  if (key) md['public-keys'] = { entries: { '0': { name: `0=${key.name}`, entries: { 'openssh-key': key.publicKey } } } };
  if (at('2007-01-19')) Object.assign(md, { 'local-hostname': host, 'public-hostname': host, 'public-ipv4': fip });
  if (at('2007-08-29')) md['instance-type'] = flavor?.name ?? '';
  if (at('2007-12-15')) {
    // libvirt's devices: the root disk, then the flavor's ephemeral disk and swap.
    const bdm: Record<string, Node> = { ami: 'vda', root: '/dev/vda' };
    if ((flavor?.ephemeral ?? 0) > 0) bdm['ephemeral0'] = '/dev/vdb';
    if ((flavor?.swap ?? 0) > 0) bdm['swap'] = (flavor?.ephemeral ?? 0) > 0 ? '/dev/vdc' : '/dev/vdb';
    md['block-device-mapping'] = { entries: bdm };
  }
  if (at('2008-02-01')) md['placement'] = { entries: { 'availability-zone': vm.availabilityZone } };
  if (at('2008-09-01')) md['instance-action'] = 'none';
  return { entries: { 'meta-data': { entries: md }, ...(vm.userData !== undefined ? { 'user-data': vm.userData } : {}) } };
}

/**
 * `random_seed`: 512 bytes in base64. The real service draws new ones on every request; here they
 * come from the seeded generator, keyed by the VM and the simulated clock, so replay gives the same.
 */
function randomSeed(vm: Server, clock: number): string {
  const rng = seedRng(hashSeed(`${vm.id}\u0000${clock}`));
  return base64(Array.from({ length: 512 }, () => nextU32(rng) & 0xff));
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 4648 base64 with padding (the pure core has no btoa or Buffer). */
function base64(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = [18, 12, 6, 0].map((shift) => B64[(n >> shift) & 63] as string);
    const kept = Math.min(4, bytes.length - i + 1);
    out += chars.slice(0, kept).join('') + '='.repeat(4 - kept);
  }
  return out;
}

/** `meta_data.json` of `version`, in the keys' order of _metadata_as_json. */
function metaDataJson(cloud: Cloud, vm: Server, version: string): JsonObject {
  const key = vm.keyName ? cloud.keypairs.find((k) => k.name === vm.keyName) : undefined;
  const at = (v: string) => cmp(version, v, OS_VERSIONS);
  const m: JsonObject = { uuid: vm.id };
  if (Object.keys(vm.properties).length > 0) m['meta'] = vm.properties;
  if (key) {
    m['public_keys'] = { [key.name]: key.publicKey };
    m['keys'] = [{ name: key.name, type: key.type, data: key.publicKey }];
  }
  Object.assign(m, { hostname: hostnameOf(vm.name), name: vm.name, launch_index: 0, availability_zone: vm.availabilityZone });
  if (at('2013-04-04')) m['random_seed'] = randomSeed(vm, cloud.clock);
  if (at('2015-10-15')) m['project_id'] = vm.projectId;
  if (at('2016-06-30')) m['devices'] = [];
  if (at('2020-10-14')) m['dedicated_cpus'] = [];
  return m;
}

/**
 * `network_data.json` (netutils.get_network_metadata) for what Stacklab's VMs have: a link per
 * NIC (the OVS tap), and per IPv4 subnet with DHCP a `ipv4_dhcp` network, plus the DNS servers.
 * (Subnets without DHCP and IPv6 ones, which carry static addresses and routes, are left out.)
 */
function networkDataJson(cloud: Cloud, vm: Server): JsonObject {
  const links: Json[] = [];
  const networks: Json[] = [];
  const services: Json[] = [];
  for (const nic of vm.nics) {
    const port = portById(cloud, nic.portId);
    if (!port || port.fixedIps.length === 0) continue;
    const link = `tap${port.id.slice(0, 11)}`;
    links.push({ id: link, vif_id: port.id, type: 'ovs', mtu: cloud.networks.find((n) => n.id === port.networkId)?.mtu ?? 1500, ethernet_mac_address: port.macAddress });
    const sub = cloud.subnets.find((x) => x.ipVersion === 4 && port.fixedIps.some((f) => f.subnetId === x.id));
    if (!sub?.enableDhcp) continue;
    networks.push({ id: `network${networks.length}`, type: 'ipv4_dhcp', link, network_id: port.networkId });
    for (const ns of sub.dnsNameservers) if (!services.some((x) => (x as { address: string }).address === ns)) services.push({ type: 'dns', address: ns });
  }
  return { links, networks, services };
}

/** What `/openstack/VERSION` lists (_handle_version): user_data only for a server booted with some. */
function osListing(version: string, userData: boolean): string {
  const at = (v: string) => cmp(version, v, OS_VERSIONS);
  return ['meta_data.json', ...(userData ? ['user_data'] : []), ...(at('2013-04-04') ? ['password'] : []), ...(at('2013-10-17') ? ['vendor_data.json'] : []),
    ...(at('2015-10-15') ? ['network_data.json'] : []), ...(at('2016-10-06') ? ['vendor_data2.json'] : [])].join('\n');
}

/** posixpath.normpath of `/` + path, as tokens: `//`, `.` and `..` resolved, the trailing `/` gone. */
function tokens(path: string): string[] {
  const out: string[] = [];
  for (const t of path.split('/')) {
    if (t === '' || t === '.') continue;
    if (t === '..') out.pop();
    else out.push(t);
  }
  return out;
}

/** What the service answers: a text body (no trailing newline, as it sends it), a JSON document (Python's json.dumps), or the 404 page. */
export type MetadataAnswer = { status: 200 | 404; body: string } | { status: 200; json: JsonObject };

/** The answer for `path`. */
export function metadataAnswer(cloud: Cloud, vm: Server, path: string): MetadataAnswer {
  const found = (body: string) => ({ body, status: 200 as const });
  const document = (json: JsonObject) => ({ json, status: 200 as const });
  const missing = { body: NOT_FOUND, status: 404 as const };
  const t = tokens(path.split('?')[0] ?? '');
  if (t.length === 0) return found([...EC2_VERSIONS, 'latest'].join('\n'));
  if (t[0] === 'openstack') {
    if (t.length === 1) return found([...OS_VERSIONS, 'latest'].join('\n'));
    const v = t[1] === 'latest' ? OS_VERSIONS.at(-1) as string : (t[1] as string);
    if (!OS_VERSIONS.includes(v)) return missing;
    const listing = osListing(v, vm.userData !== undefined).split('\n');
    if (t.length === 2) return found(listing.join('\n'));
    if (t.length === 3 && t[2] === 'meta_data.json') return document(metaDataJson(cloud, vm, v));
    if (t.length === 3 && t[2] === 'user_data' && vm.userData !== undefined) return found(vm.userData);
    if (t.length === 3 && t[2] === 'network_data.json' && listing.includes('network_data.json')) return document(networkDataJson(cloud, vm));
    // No vendor data configured and no password posted: what a default Nova gives.
    if (t.length === 3 && (t[2] === 'vendor_data.json' || t[2] === 'vendor_data2.json') && listing.includes(t[2])) return found('{}');
    if (t.length === 3 && t[2] === 'password' && listing.includes('password')) return found('');
    return missing;
  }
  const ec2 = t[0] === 'ec2' ? t.slice(1) : t;
  const v = ec2[0] === 'latest' ? EC2_VERSIONS.at(-1) as string : (ec2[0] as string);
  if (!EC2_VERSIONS.includes(v)) return missing;
  let node: Node = ec2Tree(cloud, vm, v);
  for (const k of ec2.slice(1)) {
    if (typeof node !== 'object' || Array.isArray(node)) return missing;
    const next: Node | undefined = node.entries[k];
    if (next === undefined) return missing;
    node = next;
  }
  return found(print(node));
}
