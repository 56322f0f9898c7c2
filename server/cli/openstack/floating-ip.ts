/** `openstack floating ip …`: projects what sim/api/neutron answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { FloatingIp } from '../../sim/model/floating-ip.js';
import type { CellValue, PyValue } from '../../render/pyvalue.js';
import { formatted } from '../../render/pyvalue.js';
import { deleteFloatingIpById, postFloatingIp, putFloatingIp } from '../../sim/api/neutron/requests/floatingip.js';
import type { JsonObject } from '../../sim/api/json.js';
import { floatingIpDict, listFloatingIps, type FilterValue } from '../../sim/api/neutron/index.js';
import { createdWithTags, deleteEach, findIndexed, findQosPolicy, flag, none, req, sdkBody, str, strs, tagFilter, withExtensionCheck, type Args, type OscCommand, type Output, sdkUpdate } from './common.js';
import { attr, kvLine, listAttr, sortFields } from './format.js';
import { findNetwork } from './network.js';
import { findPort } from './port.js';
import { findProject } from './project.js';
import { findRouter } from './router.js';
import { findSubnet } from './subnet.js';
import { isVisibleFloatingIp } from '../../sim/visibility.js';
import { FLOATING_IPS_BY_ADDRESS, FLOATING_IPS_BY_ID, FLOATING_IPS_BY_NAME } from '../../sim/index.js';
import { afterCommit } from '../errors.js';
import { setTagsAsClient, tagsPath } from '../../sim/api/neutron/requests/tags.js';

/** openstacksdk find_ip: by ID or by address. */
export function findFloatingIp(c: Cloud, idOrAddress: string): FloatingIp {
  const by = { id: FLOATING_IPS_BY_ID, name: FLOATING_IPS_BY_NAME, also: FLOATING_IPS_BY_ADDRESS };
  return findIndexed(c, 'FloatingIP', idOrAddress, by, (f) => isVisibleFloatingIp(c, f));
}

function pyDictRepr(d: Record<string, PyValue>): string {
  return `{${Object.entries(d)
    .map(([k, v]) => `'${k}': ${typeof v === 'string' ? `'${v}'` : v === true ? 'True' : v === false ? 'False' : String(v)}`)
    .join(', ')}}`;
}

/**
 * `floating ip show`/`create` rows from the API's floating IP. `subnetId`: the subnet the
 * floating IP was created on, which Stacklab has always shown though Neutron's response does not
 * carry it (kept so no output changes; see the issue's notes).
 */
export function floatingIpShow(d: JsonObject, subnetId: string | null, phase: 'create' | 'show'): Output {
  const details = d['port_details'];
  let detailsCell: CellValue = null;
  if (details && typeof details === 'object' && !Array.isArray(details)) {
    // `floating ip create` passes no formatter, so Python's dict repr shows through.
    detailsCell = phase === 'create' ? pyDictRepr(details) : formatted(kvLine(details), details);
  }
  const fields: Array<[string, CellValue]> = [
    ['created_at', attr(d, 'created_at')],
    ['description', attr(d, 'description')],
    ['dns_domain', attr(d, 'dns_domain')],
    ['dns_name', attr(d, 'dns_name')],
    ['fixed_ip_address', attr(d, 'fixed_ip_address')],
    ['floating_ip_address', attr(d, 'floating_ip_address')],
    ['floating_network_id', attr(d, 'floating_network_id')],
    ['id', attr(d, 'id')],
    // openstacksdk's FloatingIP names itself by its address.
    ['name', attr(d, 'floating_ip_address')],
    ['port_details', detailsCell],
    ['port_id', attr(d, 'port_id')],
    ['project_id', attr(d, 'project_id')],
    ['qos_policy_id', attr(d, 'qos_policy_id')],
    ['revision_number', attr(d, 'revision_number')],
    ['router_id', attr(d, 'router_id')],
    ['status', attr(d, 'status')],
    ['subnet_id', subnetId],
    // OSC 6.0 forgot the formatter here: the raw list shows.
    ['tags', Array.isArray(d['tags']) ? [...d['tags']] : []],
    ['updated_at', attr(d, 'updated_at')],
  ];
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

const show = (c: Cloud, f: FloatingIp, phase: 'create' | 'show'): Output => floatingIpShow(floatingIpDict(c, f), f.subnetId, phase);

/** The wire names of openstacksdk's FloatingIP attributes that differ from them (for `--extra-property`). */
const SDK_FIP_NAMES: Readonly<Record<string, string>> = { name: 'floating_ip_address' };

/** _get_attrs: what `floating ip create` sends, in OSC's order; names looked up where OSC looks them up. */
function createAttrs(c: Cloud, a: Args): JsonObject {
  const b: JsonObject = {};
  const net = str(a, 'network');
  if (net !== undefined) b['floating_network_id'] = findNetwork(c, net).id;
  const sub = str(a, 'subnet');
  if (sub) b['subnet_id'] = findSubnet(c, sub).id;
  const port = str(a, 'port');
  if (port) b['port_id'] = findPort(c, port).id;
  const addr = str(a, 'floating_ip_address');
  if (addr) b['floating_ip_address'] = addr;
  const fixed = str(a, 'fixed_ip_address');
  if (fixed) b['fixed_ip_address'] = fixed;
  const qos = str(a, 'qos_policy');
  if (qos) findQosPolicy(qos);
  const d = str(a, 'description');
  if (d !== undefined) b['description'] = d;
  const project = str(a, 'project');
  if (project) b['project_id'] = findProject(c, project).id;
  const domain = str(a, 'dns_domain');
  if (domain) b['dns_domain'] = domain;
  const dnsName = str(a, 'dns_name');
  if (dnsName) b['dns_name'] = dnsName;
  return b;
}

function create(c: Cloud, a: Args): Output {
  const { attrs, body } = sdkBody(createAttrs(c, a), a, SDK_FIP_NAMES);
  const f = withExtensionCheck(attrs, () => postFloatingIp(c, body));
  return createdWithTags(c, f, strs(a, 'tags'), tagsPath('floatingips', f.id), () => show(c, f, 'create'));
}

/** `floating ip set`: the port, the fixed address and a description that is not empty, the QoS policy. */
function set(c: Cloud, a: Args): Output {
  const f = findFloatingIp(c, req(a, 'floating_ip'));
  const b: JsonObject = {};
  const port = str(a, 'port');
  if (port) b['port_id'] = findPort(c, port).id;
  const fixed = str(a, 'fixed_ip_address');
  if (fixed) b['fixed_ip_address'] = fixed;
  const d = str(a, 'description');
  if (d) b['description'] = d;
  const qos = str(a, 'qos_policy');
  if (qos) findQosPolicy(qos);
  if (flag(a, 'no_qos_policy')) b['qos_policy_id'] = null;
  write(c, f, sdkBody(b, a, SDK_FIP_NAMES).body);
  afterCommit(() => setTagsAsClient(c, f, { clear: flag(a, 'no_tag'), add: strs(a, 'tags') }, tagsPath('floatingips', f.id)));
  return none;
}

/** `floating ip unset`: None for the port and the QoS policy; its extra properties are converted as set's are. */
function unset(c: Cloud, a: Args): Output {
  const f = findFloatingIp(c, req(a, 'floating_ip'));
  const b: JsonObject = {};
  if (flag(a, 'port')) b['port_id'] = null;
  if (flag(a, 'qos_policy')) b['qos_policy_id'] = null;
  write(c, f, sdkBody(b, a, SDK_FIP_NAMES).body);
  afterCommit(() => setTagsAsClient(c, f, { clear: flag(a, 'all_tag'), remove: strs(a, 'tags') }, tagsPath('floatingips', f.id)));
  return none;
}

/** update_ip: what differs from the floating IP the SDK found, if anything. */
function write(c: Cloud, f: FloatingIp, body: JsonObject): void {
  sdkUpdate(floatingIpDict(c, f), body, (send) => putFloatingIp(c, f.id, send));
}

function list(c: Cloud, a: Args): Output {
  const q: Record<string, FilterValue> = {};
  const net = str(a, 'network');
  if (net !== undefined) q['floating_network_id'] = findNetwork(c, net).id;
  const port = str(a, 'port');
  if (port !== undefined) q['port_id'] = findPort(c, port).id;
  const router = str(a, 'router');
  if (router !== undefined) q['router_id'] = findRouter(c, router).id;
  const fixed = str(a, 'fixed_ip_address');
  if (fixed !== undefined) q['fixed_ip_address'] = fixed;
  const addr = str(a, 'floating_ip_address');
  if (addr !== undefined) q['floating_ip_address'] = addr;
  const status = str(a, 'status');
  if (status !== undefined) q['status'] = status;
  const project = str(a, 'project');
  if (project !== undefined) q['project_id'] = findProject(c, project).id;
  const fips = listFloatingIps(c, { filters: q, tags: tagFilter(a) });
  const headers = ['ID', 'Floating IP Address', 'Fixed IP Address', 'Port', 'Floating Network', 'Project'];
  const long = flag(a, 'long');
  if (long) headers.push('Router', 'Status', 'Description', 'Tags', 'DNS Name', 'DNS Domain');
  const rows = fips.map((f) => {
    const row: CellValue[] = ['id', 'floating_ip_address', 'fixed_ip_address', 'port_id', 'floating_network_id', 'project_id'].map((k) => attr(f, k));
    if (long) row.push(attr(f, 'router_id'), attr(f, 'status'), attr(f, 'description'), listAttr(f, 'tags'), attr(f, 'dns_name'), attr(f, 'dns_domain'));
    return row;
  });
  return { kind: 'list', data: { headers, rows } };
}

export const floatingIpCommands: OscCommand[] = [
  { name: 'floating ip create', shares: true, style: 'wrapped', run: ({ cloud, args }) => create(cloud, args) },
  { name: 'floating ip list', run: ({ cloud, args }) => list(cloud, args) },
  {
    name: 'floating ip show',
    style: 'wrapped',
    run: ({ cloud: c, args: a }) => show(c, findFloatingIp(c, req(a, 'floating_ip')), 'show'),
  },
  { name: 'floating ip set', shares: true, run: ({ cloud, args }) => set(cloud, args) },
  { name: 'floating ip unset', shares: true, run: ({ cloud, args }) => unset(cloud, args) },
  {
    name: 'floating ip delete', shares: true,
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'floating_ip'), { one: 'floating_ip', many: 'floating_ips' }, (t) => deleteFloatingIpById(c, findFloatingIp(c, t).id)),
  },
];
