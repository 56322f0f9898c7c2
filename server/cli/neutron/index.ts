/**
 * The legacy `neutron` CLI (python-neutronclient 8.1): the same core ops as `openstack`, its own
 * parsers (captured from the real client as data), presenter and messages.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { ArgSpec, ParserSpec } from '../spec.js';
import type { PyValue } from '../../render/pyvalue.js';
import { renderList, renderShow, type FormatOptions } from '../../render/cliff.js';
import { SimError } from '../../sim/errors.js';
import { draftCloud, finishDraft } from '../../sim/clone.js';
import { seedRng, uuid4 } from '../../sim/rng.js';
import { createNetwork, deleteNetwork, updateNetwork, type NetworkCreate } from '../../sim/ops/network.js';
import { createSubnet, deleteSubnet, updateSubnet, type SubnetUpdate } from '../../sim/ops/subnet.js';
import {
  addRouterInterfacePort,
  addRouterInterfaceSubnet,
  createRouter,
  deleteRouter,
  removeRouterInterfacePort,
  removeRouterInterfaceSubnet,
  setRouterGateway,
  updateRouter,
} from '../../sim/ops/router.js';
import { createPort, deletePort, updatePort, type FixedIpRequest, type PortUpdate } from '../../sim/ops/port.js';
import { createFloatingIp, deleteFloatingIp, updateFloatingIp } from '../../sim/ops/floating-ip.js';
import { createSecurityGroup, createSecurityGroupRule, deleteSecurityGroup, deleteSecurityGroupRule } from '../../sim/ops/security-group.js';
import { createSubnetPool } from '../../sim/ops/subnet-pool.js';
import { formatHelp, parseArgs } from '../argparse.js';
import { cliffEnvDefaults } from '../formatter-args.js';
import { CliError } from '../errors.js';
import {
  tagsMatch,
  visibleFloatingIps,
  visibleGroups,
  visibleNetworks,
  visiblePools,
  visiblePorts,
  visibleRouters,
  visibleRules,
  visibleScopes,
  visibleSubnets,
} from '../../sim/visibility.js';
import captured from './neutron-parsers.json' with { type: 'json' };
import { agents, dhcpAgentsHosting, FLOAT_KEYS, getAgent, l3AgentsHosting, type Agent } from '../../sim/agents.js';
import { deleteQuotas, neutronQuotas, updateQuotas, type NeutronQuotaKey } from '../../sim/ops/quota.js';
import { formatted, isFormatted, machine, pyJsonDumps, type CellValue } from '../../render/pyvalue.js';
import { floatingIpApi, groupApi, networkApi, poolApi, portApi, routerApi, ruleApi, subnetApi } from './api.js';

export const DEPRECATION = 'neutron CLI is deprecated and will be removed in the Z cycle. Use openstack CLI instead.\n';

interface CapturedArg {
  flags: string[];
  dest: string;
  action: string;
  metavar?: string | null;
  help?: string | null;
  nargs?: string | number;
  required?: boolean;
  choices?: string[];
  default?: unknown;
  const?: unknown;
  group?: string;
  section?: string;
}
interface CapturedCommand {
  prog: string;
  description: string | null;
  args: CapturedArg[];
  groups: Array<{ id: string; required: boolean }>;
  sections: Array<{ title: string; description?: string }>;
}
const PARSERS = (captured as unknown as { commands: Record<string, CapturedCommand> }).commands;

/** The sub-commands Stacklab's `neutron` runs, and their real parsers (for Tab completion). */
export function neutronCommandNames(): string[] {
  return Object.keys(COMMANDS).sort();
}
export function neutronParser(name: string): ParserSpec | undefined {
  return PARSERS[name] && name in COMMANDS ? parserFor(name) : undefined;
}

function parserFor(name: string): ParserSpec {
  const c = PARSERS[name];
  if (!c) throw new Error(`no captured parser for neutron ${name}`);
  return {
    prog: c.prog,
    ...(c.description ? { description: c.description } : {}),
    groups: c.groups,
    sections: c.sections,
    args: c.args.map((a): ArgSpec => {
      const s: ArgSpec = { flags: a.flags, dest: a.dest, action: a.action as ArgSpec['action'] };
      if (a.metavar !== undefined && a.metavar !== null) s.metavar = a.metavar;
      if (a.help !== undefined) s.help = a.help;
      if (a.nargs !== undefined) s.nargs = a.nargs as ArgSpec['nargs'];
      if (a.required) s.required = true;
      if (a.choices !== undefined) s.choices = a.choices;
      if (a.default !== undefined) s.default = a.default;
      if (a.const !== undefined) s.const = a.const;
      if (a.group !== undefined) s.group = a.group;
      if (a.section !== undefined) s.section = a.section;
      return s;
    }),
  };
}

type Args = Record<string, unknown>;
type Out = { stdout: string; stderr?: string; exitCode?: number };

const s = (a: Args, k: string): string | undefined => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
const list = (a: Args, k: string): string[] => (Array.isArray(a[k]) ? (a[k] as string[]) : []);

/** neutronclient's find_resourceid_by_name_or_id. */
function find<T extends { id: string; name: string }>(items: readonly T[], kind: string, ref: string): T {
  const byId = items.find((i) => i.id === ref);
  if (byId) return byId;
  const byName = items.filter((i) => i.name === ref);
  if (byName.length === 1) return byName[0] as T;
  if (byName.length > 1) throw new CliError(`Multiple ${kind} matches found for name '${ref}', use an ID to be more specific.`);
  throw new CliError(`Unable to find ${kind} with name or id '${ref}'`);
}

/** neutronclient renders every value as text first: lists one item per line, dicts as JSON. */
function textValue(v: PyValue): PyValue {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map((i) => (typeof i === 'object' && i !== null ? pyJson(i) : String(i))).join('\n');
  if (typeof v === 'object') return pyJson(v);
  return v;
}

function pyJson(v: PyValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`).join(', ')}}`;
}

/** Where runNeutron leaves the terminal's width among a command's parsed values (not an option name). */
const TERMINAL_WIDTH = ' terminal width';

function fmt(a: Args): FormatOptions {
  const o: FormatOptions = {};
  if (typeof a['formatter'] === 'string') o.format = a['formatter'];
  if (Array.isArray(a['columns'])) o.columns = a['columns'] as string[];
  if (a['noindent'] === true) o.noindent = true;
  if (typeof a['prefix'] === 'string') o.prefix = a['prefix'];
  const mw = Number(a['max_width'] ?? 0);
  if (mw > 0) o.maxWidth = mw;
  if (a['fit_width'] === true) o.fitWidth = true;
  if (typeof a[TERMINAL_WIDTH] === 'number') o.terminalWidth = a[TERMINAL_WIDTH];
  return o;
}

/** neutronclient turns values into text (format_output_data) only for the table formatter; the others get the API's values. */
const isTable = (a: Args): boolean => (a['formatter'] ?? 'table') === 'table';

function show(a: Args, d: { [k: string]: PyValue }, created?: string): Out {
  const text = isTable(a);
  const fields = Object.keys(d)
    .sort()
    .map((k): [string, PyValue] => [k, text ? textValue(d[k] ?? null) : (d[k] ?? null)]);
  const r = renderShow({ fields }, fmt(a));
  return { stdout: (created && text ? `Created a new ${created}:\n` : '') + r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

/**
 * A list. `api` is each row as the API returns it: neutronclient asks for every attribute, so
 * `-c` may name any of them (in the order given); without `-c` the command's own columns show.
 */
function table(a: Args, headers: string[], rows: CellValue[][], api?: Array<Record<string, CellValue>>): Out {
  const text = isTable(a);
  const wanted = Array.isArray(a['columns']) ? (a['columns'] as string[]) : [];
  let o = fmt(a);
  if (wanted.length > 0 && api && api.length > 0) {
    const keys = [...new Set(api.flatMap((d) => Object.keys(d)))];
    // As neutronclient does, a column named twice is printed twice.
    const chosen = wanted.filter((k) => keys.includes(k));
    if (chosen.length === 0) {
      return { stdout: '', stderr: `No recognized column names in [${wanted.map((w) => `'${w}'`).join(', ')}]. Recognized columns are [].\n`, exitCode: 1 };
    }
    headers = chosen;
    rows = api.map((d) => chosen.map((k) => d[k] ?? null));
    o = { ...o, columns: chosen };
  }
  // Cells with a column formatter of their own (formatted) print their text form in tables only.
  const r = renderList({ headers, rows: text ? rows.map((row) => row.map((c) => (isFormatted(c) ? c : textValue(c)))) : rows.map((row) => row.map(machine)) }, o);
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

const byId = <T extends { id: string }>(xs: readonly T[]) => [...xs].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

/** `--key value` options the parser does not know become API attributes (neutronclient value_specs). */
function splitValueSpecs(spec: ParserSpec, argv: string[]): { known: string[]; extra: Record<string, string | true> } {
  const flags = new Set(spec.args.flatMap((x) => x.flags));
  const known: string[] = [];
  const extra: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i] as string;
    const name = t.startsWith('--') ? (t.includes('=') ? t.slice(0, t.indexOf('=')) : t) : null;
    if (name === null || flags.has(name) || t === '--') {
      known.push(t);
      continue;
    }
    if (t.includes('=')) extra[name.slice(2)] = t.slice(t.indexOf('=') + 1);
    else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('-')) extra[name.slice(2)] = argv[++i] as string;
    else extra[name.slice(2)] = true;
  }
  return { known, extra };
}

const truth = (v: string | true | undefined): boolean | undefined =>
  v === undefined ? undefined : v === true || /^(true|1|yes)$/i.test(v) ? true : /^(false|0|no)$/i.test(v) ? false : undefined;

function kv(raw: string): Record<string, string> {
  const o: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) o[part.slice(0, i)] = part.slice(i + 1);
  }
  return o;
}


/** neutronclient's one-line summary of a rule in security-group-list. */
function sgRuleSummary(r: { direction: string; ethertype: string; protocol: string | null; portRangeMin: number | null; portRangeMax: number | null; remoteIpPrefix: string | null; remoteGroupId: string | null }): string {
  const out = [r.direction, r.ethertype];
  const p = r.protocol;
  let pp: string | null = null;
  if (p === 'tcp' || p === 'udp') {
    pp = r.portRangeMin && r.portRangeMin === r.portRangeMax ? `${r.portRangeMin}/${p}` : r.portRangeMin ? `${r.portRangeMin}-${r.portRangeMax ?? 'None'}/${p}` : p;
  } else if (p === 'icmp') {
    const o: string[] = [];
    if (r.portRangeMin !== null) o.push(`type:${r.portRangeMin}`);
    if (r.portRangeMax !== null) o.push(`code:${r.portRangeMax}`);
    pp = o.length ? `icmp (${o.join(', ')})` : 'icmp';
  } else if (p !== null && p !== '') pp = p;
  if (pp) out.push(pp);
  if (r.remoteIpPrefix) out.push(`remote_ip_prefix: ${r.remoteIpPrefix}`);
  if (r.remoteGroupId) out.push(`remote_group_id: ${r.remoteGroupId}`);
  return out.join(', ');
}

/** neutronclient's bulk delete: deletes what it can, then reports the ids it could not find. */
function bulkDelete(kind: string, ids: string[], del: (id: string) => void): Out {
  const done: string[] = [];
  const missing: string[] = [];
  const multiple: string[] = [];
  for (const id of ids) {
    try {
      del(id);
      done.push(id);
    } catch (e) {
      if (e instanceof CliError && e.message.startsWith('Multiple ')) multiple.push(id);
      else if (e instanceof CliError || (e instanceof SimError && e.status === 404)) missing.push(id);
      else throw e;
    }
  }
  const stdout = done.length ? `Deleted ${kind}(s): ${done.join(', ')}\n` : '';
  const errs: string[] = [];
  if (missing.length) errs.push(`Unable to find ${kind}(s) with id(s) '${missing.join(', ')}'.`);
  if (multiple.length) errs.push(`Multiple ${kind}(s) matches found for name(s) '${multiple.join(', ')}'. Please use an ID to be more specific.`);
  return errs.length ? { stdout, stderr: `${errs.join('\n')}\n`, exitCode: 1 } : { stdout };
}

type Handler = (c: Cloud, a: Args, extra: Record<string, string | true>) => Out;

/** The project a quota command is about: --tenant-id, the positional id, or the learner's own (ids are taken as given). */
function quotaProject(c: Cloud, a: Args): string {
  return s(a, 'tenant_id') ?? s(a, 'pos_tenant_id') ?? c.auth.projectId;
}

/** An agent as the agents API returns it (the keys neutronclient prints). */
function agentApi(x: Agent): { [k: string]: PyValue } {
  return {
    admin_state_up: x.adminStateUp, agent_type: x.agentType, alive: x.alive, availability_zone: x.availabilityZone,
    binary: x.binary, configurations: x.configurations, created_at: x.createdAt, description: x.description,
    heartbeat_timestamp: x.heartbeatAt, host: x.host, id: x.id, resources_synced: x.resourcesSynced,
    started_at: x.startedAt, topic: x.topic,
  };
}

/** `agent-show`: neutronclient prints dict values as JSON indented by 5 in tables (ShowAgent.json_indent). */
function agentShow(c: Cloud, a: Args): Out {
  const d = agentApi(getAgent(c, s(a, 'id') ?? ''));
  const text = isTable(a);
  const fields = Object.keys(d).sort().map((k): [string, CellValue] => {
    const v = d[k] ?? null;
    if (!text) return [k, v];
    if (k !== 'configurations') return [k, textValue(v)];
    return [k, formatted(pyJsonDumps(v, 5, FLOAT_KEYS), v)];
  });
  const r = renderShow({ fields }, fmt(a));
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

const alive = (x: Agent): string => (x.alive ? ':-)' : 'xxx');

/**
 * neutronclient sends the `--key value` options a list command does not know as query filters;
 * Neutron keeps the resources whose attribute equals the value (booleans as True/False).
 */
function matches(extra: Record<string, string | true>, d: { [k: string]: PyValue }, path: string): boolean {
  // Neutron validates filters (filter_validation): an attribute the resource does not have is a 400.
  const unknown = Object.keys(extra).filter((k) => !(k in d));
  if (unknown.length > 0) throw new SimError(400, `[${unknown.map((k) => `'${k}'`).join(', ')}] is invalid attribute for filtering`, path, 'network', 'HTTPBadRequest');
  return Object.entries(extra).every(([k, v]) => {
    const got = d[k];
    if (typeof got === 'boolean') return String(got) === String(v).toLowerCase();
    return String(got === null ? '' : got) === String(v);
  });
}

const COMMANDS: Record<string, Handler> = {
  'net-create': (c, a, extra) => {
    const r: NetworkCreate = { name: s(a, 'name') ?? '' };
    if (a['admin_state'] === false) r.adminStateUp = false;
    if (a['shared'] === true) r.shared = true;
    const t = s(a, 'provider:network_type');
    if (t !== undefined) r.networkType = t;
    const p = s(a, 'provider:physical_network');
    if (p !== undefined) r.physicalNetwork = p;
    const seg = s(a, 'provider:segmentation_id');
    if (seg !== undefined) r.segmentationId = Number(seg);
    const ext = truth(extra['router:external']);
    if (ext !== undefined) r.external = ext;
    const d = s(a, 'description');
    if (d !== undefined) r.description = d;
    const n = createNetwork(c, r);
    return show(a, networkApi(c, n, 'create'), 'network');
  },
  'net-list': (c, a, extra) => {
    // net-list's own filter options go to the server like the value specs.
    const filters: Record<string, string | true> = { ...extra };
    for (const k of ['name', 'admin_state_up', 'status', 'shared', 'router:external']) if (typeof a[k] === 'string') filters[k] = a[k];
    const tags = (k: string) => (typeof a[k] === 'string' ? (a[k] as string).split(',') : []);
    const tagFilter = { tags: tags('tags'), any: tags('tags_any'), notAll: tags('not_tags'), notAny: tags('not_tags_any') };
    return table(a, ['id', 'name', 'subnets'], byId(visibleNetworks(c)).filter((n) => tagsMatch(n.tags, tagFilter) && matches(filters, networkApi(c, n, 'show'), '/v2.0/networks')).map((n) => {
      // The API lists subnets as {id, cidr}; the table shows one "id cidr" line each.
      const subs = c.subnets.filter((x) => x.networkId === n.id);
      return [n.id, n.name, formatted(subs.map((x) => `${x.id} ${x.cidr}`).join('\n'), subs.map((x) => ({ id: x.id, cidr: x.cidr })))];
    }));
  },
  'net-show': (c, a) => show(a, networkApi(c, find(visibleNetworks(c), 'network', s(a, 'id') ?? ''), 'show')),
  'net-update': (c, a, extra) => {
    const n = find(visibleNetworks(c), 'network', s(a, 'id') ?? '');
    const ext = truth(extra['router:external']);
    updateNetwork(c, n, {
      ...(s(a, 'name') !== undefined ? { name: s(a, 'name') as string } : {}),
      ...(s(a, 'description') !== undefined ? { description: s(a, 'description') as string } : {}),
      ...(ext !== undefined ? { external: ext } : {}),
      ...(truth(extra['shared']) !== undefined ? { shared: truth(extra['shared']) as boolean } : {}),
    });
    return { stdout: `Updated network: ${s(a, 'id') ?? ''}\n` };
  },
  'net-delete': (c, a) => bulkDelete('network', list(a, 'id'), (id) => deleteNetwork(c, find(visibleNetworks(c), 'network', id))),
  'subnet-create': (c, a, extra) => {
    const net = find(visibleNetworks(c), 'network', s(a, 'network_id') ?? '');
    const gw = a['no_gateway'] === true ? null : s(a, 'gateway');
    const dhcp = a['disable_dhcp'] === true ? false : a['enable_dhcp'] === 'False' || a['enable_dhcp'] === 'false' ? false : truth(extra['enable_dhcp']);
    const pools = list(a, 'allocation_pools').map(kv).map((p) => ({ start: p['start'] ?? '', end: p['end'] ?? '' }));
    const routes = list(a, 'host_routes').map(kv).map((r) => ({ destination: r['destination'] ?? '', nexthop: r['nexthop'] ?? '' }));
    const pool = s(a, 'subnetpool');
    const sub = createSubnet(c, {
      name: s(a, 'name') ?? '',
      networkId: net.id,
      ipVersion: (Number(s(a, 'ip_version') ?? 4) as 4 | 6),
      ...(s(a, 'cidr') !== undefined ? { cidr: s(a, 'cidr') as string } : {}),
      ...(gw !== undefined ? { gatewayIp: gw } : {}),
      ...(dhcp !== undefined ? { enableDhcp: dhcp } : {}),
      ...(pools.length ? { allocationPools: pools } : {}),
      ...(routes.length ? { hostRoutes: routes } : {}),
      ...(list(a, 'dns_nameservers').length ? { dnsNameservers: list(a, 'dns_nameservers') } : {}),
      ...(pool !== undefined ? { subnetpoolId: find(visiblePools(c), 'subnetpool', pool).id } : {}),
      ...(s(a, 'prefixlen') !== undefined ? { prefixLength: Number(s(a, 'prefixlen')) } : {}),
      ...(a['use_default_subnetpool'] === true ? { useDefaultSubnetpool: true } : {}),
      ...(s(a, 'ipv6_ra_mode') !== undefined ? { ipv6RaMode: s(a, 'ipv6_ra_mode') as 'slaac' } : {}),
      ...(s(a, 'ipv6_address_mode') !== undefined ? { ipv6AddressMode: s(a, 'ipv6_address_mode') as 'slaac' } : {}),
    });
    return show(a, subnetApi(sub), 'subnet');
  },
  'subnet-list': (c, a, extra) => {
    const subs = byId(visibleSubnets(c)).filter((x) => matches(extra, subnetApi(x), '/v2.0/subnets'));
    return table(a, ['id', 'name', 'cidr', 'allocation_pools'], subs.map((x) => [x.id, x.name, x.cidr, x.allocationPools.map((p) => ({ start: p.start, end: p.end }))]), subs.map(subnetApi));
  },
  'subnet-show': (c, a) => show(a, subnetApi(find(visibleSubnets(c), 'subnet', s(a, 'id') ?? ''))),
  'subnet-delete': (c, a) => bulkDelete('subnet', list(a, 'id'), (id) => deleteSubnet(c, find(visibleSubnets(c), 'subnet', id))),
  'router-create': (c, a) => show(a, routerApi(createRouter(c, { name: s(a, 'name') ?? '', ...(a['admin_state'] === false ? { adminStateUp: false } : {}) })), 'router'),
  'router-list': (c, a, extra) => {
    const routers = byId(visibleRouters(c)).filter((r) => matches(extra, routerApi(r), '/v2.0/routers'));
    return table(a, ['id', 'name', 'external_gateway_info', 'distributed', 'ha'], routers.map((r) => { const d = routerApi(r); return [r.id, r.name, d['external_gateway_info'] ?? null, r.distributed, r.ha]; }), routers.map(routerApi));
  },
  'router-show': (c, a) => show(a, routerApi(find(visibleRouters(c), 'router', s(a, 'id') ?? ''))),
  'router-delete': (c, a) => bulkDelete('router', list(a, 'id'), (id) => deleteRouter(c, find(visibleRouters(c), 'router', id))),
  'router-interface-add': (c, a) => {
    const ref = s(a, 'router') ?? '';
    const r = find(visibleRouters(c), 'router', ref);
    const iface = s(a, 'interface') ?? '';
    const port = iface.startsWith('port=')
      ? addRouterInterfacePort(c, r, find(visiblePorts(c), 'port', iface.slice(5)))
      : addRouterInterfaceSubnet(c, r, find(visibleSubnets(c), 'subnet', iface.startsWith('subnet=') ? iface.slice(7) : iface));
    return { stdout: `Added interface ${port.id} to router ${ref}.\n` };
  },
  'router-interface-delete': (c, a) => {
    const ref = s(a, 'router') ?? '';
    const r = find(visibleRouters(c), 'router', ref);
    const iface = s(a, 'interface') ?? '';
    if (iface.startsWith('port=')) removeRouterInterfacePort(c, r, find(visiblePorts(c), 'port', iface.slice(5)));
    else removeRouterInterfaceSubnet(c, r, find(visibleSubnets(c), 'subnet', iface.startsWith('subnet=') ? iface.slice(7) : iface));
    return { stdout: `Removed interface from router ${ref}.\n` };
  },
  'router-gateway-set': (c, a) => {
    const ref = s(a, 'router') ?? '';
    const r = find(visibleRouters(c), 'router', ref);
    const net = find(visibleNetworks(c), 'network', s(a, 'external_network') ?? '');
    const ips: FixedIpRequest[] = list(a, 'fixed_ip').map(kv).map((x) => ({
      ...(x['subnet_id'] !== undefined ? { subnetId: find(visibleSubnets(c), 'subnet', x['subnet_id']).id } : {}),
      ...(x['ip_address'] !== undefined ? { ipAddress: x['ip_address'] } : {}),
    }));
    setRouterGateway(c, r, {
      networkId: net.id,
      ...(a['disable_snat'] === true ? { enableSnat: false } : a['enable_snat'] === true ? { enableSnat: true } : {}),
      ...(ips.length ? { fixedIps: ips } : {}),
    });
    return { stdout: `Set gateway for router ${ref}\n` };
  },
  'router-gateway-clear': (c, a) => {
    const ref = s(a, 'router') ?? '';
    setRouterGateway(c, find(visibleRouters(c), 'router', ref), null);
    return { stdout: `Removed gateway from router ${ref}\n` };
  },
  'router-port-list': (c, a) => {
    const r = find(visibleRouters(c), 'router', s(a, 'id') ?? '');
    return table(a, ['id', 'name', 'mac_address', 'fixed_ips'], byId(c.ports.filter((p) => p.deviceId === r.id)).map((p) => [p.id, p.name, p.macAddress, portApi(p)['fixed_ips'] ?? []]));
  },
  'port-create': (c, a) => {
    const net = find(visibleNetworks(c), 'network', s(a, 'network_id') ?? '');
    const ips: FixedIpRequest[] = list(a, 'fixed_ip').map(kv).map((x) => ({
      ...(x['subnet_id'] !== undefined ? { subnetId: find(visibleSubnets(c), 'subnet', x['subnet_id']).id } : {}),
      ...(x['ip_address'] !== undefined ? { ipAddress: x['ip_address'] } : {}),
    }));
    const p = createPort(c, { networkId: net.id, name: s(a, 'name') ?? '', ...(ips.length ? { fixedIps: ips } : {}) });
    return show(a, portApi(p), 'port');
  },
  'port-list': (c, a, extra) => {
    const ports = byId(visiblePorts(c)).filter((p) => matches(extra, portApi(p), '/v2.0/ports'));
    return table(a, ['id', 'name', 'mac_address', 'fixed_ips'], ports.map((p) => [p.id, p.name, p.macAddress, portApi(p)['fixed_ips'] ?? []]), ports.map(portApi));
  },
  'port-show': (c, a) => show(a, portApi(find(visiblePorts(c), 'port', s(a, 'id') ?? ''))),
  'port-delete': (c, a) => bulkDelete('port', list(a, 'id'), (id) => deletePort(c, find(visiblePorts(c), 'port', id))),
  'floatingip-create': (c, a) => {
    const net = find(visibleNetworks(c), 'network', s(a, 'floating_network_id') ?? '');
    const f = createFloatingIp(c, {
      networkId: net.id,
      ...(s(a, 'port_id') !== undefined ? { portId: s(a, 'port_id') as string } : {}),
      ...(s(a, 'fixed_ip_address') !== undefined ? { fixedIpAddress: s(a, 'fixed_ip_address') as string } : {}),
      ...(s(a, 'floating_ip_address') !== undefined ? { floatingIpAddress: s(a, 'floating_ip_address') as string } : {}),
    });
    return show(a, floatingIpApi(c, f), 'floatingip');
  },
  'floatingip-list': (c, a, extra) => {
    const fips = byId(visibleFloatingIps(c)).filter((f) => matches(extra, floatingIpApi(c, f), '/v2.0/floatingips'));
    return table(a, ['id', 'fixed_ip_address', 'floating_ip_address', 'port_id'], fips.map((f) => [f.id, f.fixedIpAddress, f.floatingIpAddress, f.portId]), fips.map((f) => floatingIpApi(c, f)));
  },
  'floatingip-show': (c, a) => show(a, floatingIpApi(c, findFip(c, s(a, 'id') ?? ''))),
  'floatingip-associate': (c, a) => {
    const id = s(a, 'floatingip_id') ?? '';
    const port = s(a, 'port_id') ?? '';
    // neutronclient sends both as given: the body is validated before the floating IP is looked up.
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(port)) {
      throw new SimError(400, `Invalid input for port_id. Reason: '${port}' is not a valid UUID.`, `/v2.0/floatingips/${id}`);
    }
    const f = fipById(c, id);
    updateFloatingIp(c, f, { portId: port, ...(s(a, 'fixed_ip_address') !== undefined ? { fixedIpAddress: s(a, 'fixed_ip_address') as string } : {}) });
    return { stdout: `Associated floating IP ${f.id}\n` };
  },
  'floatingip-disassociate': (c, a) => {
    const f = fipById(c, s(a, 'floatingip_id') ?? '');
    updateFloatingIp(c, f, { portId: null });
    return { stdout: `Disassociated floating IP ${f.id}\n` };
  },
  'floatingip-delete': (c, a) => bulkDelete('floatingip', list(a, 'id'), (id) => deleteFloatingIp(c, findFip(c, id))),
  'subnet-update': (c, a, extra) => {
    const sub = find(visibleSubnets(c), 'subnet', s(a, 'id') ?? '');
    const upd: SubnetUpdate = {};
    const name = s(a, 'name');
    if (name !== undefined) upd.name = name;
    const d = s(a, 'description');
    if (d !== undefined) upd.description = d;
    if (a['no_gateway'] === true) upd.gatewayIp = null;
    else if (s(a, 'gateway') !== undefined) upd.gatewayIp = s(a, 'gateway') as string;
    const dhcp = a['disable_dhcp'] === true ? false : a['enable_dhcp'] === true ? true : truth(extra['enable_dhcp']);
    if (dhcp !== undefined) upd.enableDhcp = dhcp;
    const pools = list(a, 'allocation_pools').map(kv).map((p) => ({ start: p['start'] ?? '', end: p['end'] ?? '' }));
    if (pools.length) upd.allocationPools = pools;
    const routes = list(a, 'host_routes').map(kv).map((r) => ({ destination: r['destination'] ?? '', nexthop: r['nexthop'] ?? '' }));
    if (routes.length) upd.hostRoutes = routes;
    if (list(a, 'dns_nameservers').length) upd.dnsNameservers = list(a, 'dns_nameservers');
    updateSubnet(c, sub, upd);
    return { stdout: `Updated subnet: ${s(a, 'id') ?? ''}\n` };
  },
  'router-update': (c, a) => {
    const r = find(visibleRouters(c), 'router', s(a, 'id') ?? '');
    const adminState = s(a, 'admin_state');
    const dist = s(a, 'distributed');
    updateRouter(c, r, {
      ...(s(a, 'name') !== undefined ? { name: s(a, 'name') as string } : {}),
      ...(s(a, 'description') !== undefined ? { description: s(a, 'description') as string } : {}),
      ...(adminState !== undefined ? { adminStateUp: /^true$/i.test(adminState) } : {}),
      ...(dist !== undefined ? { distributed: /^true$/i.test(dist) } : {}),
      ...(a['no_routes'] === true ? { routes: [] } : {}),
      ...(list(a, 'routes').length ? { routes: list(a, 'routes').map(kv).map((x) => ({ destination: x['destination'] ?? '', nexthop: x['nexthop'] ?? '' })) } : {}),
    });
    return { stdout: `Updated router: ${s(a, 'id') ?? ''}\n` };
  },
  'port-update': (c, a) => {
    const p = find(visiblePorts(c), 'port', s(a, 'id') ?? '');
    const upd: PortUpdate = {};
    if (s(a, 'name') !== undefined) upd.name = s(a, 'name') as string;
    if (s(a, 'description') !== undefined) upd.description = s(a, 'description') as string;
    if (s(a, 'device_id') !== undefined) upd.deviceId = s(a, 'device_id') as string;
    if (s(a, 'device_owner') !== undefined) upd.deviceOwner = s(a, 'device_owner') as string;
    const st = s(a, 'admin_state_up');
    if (st !== undefined) upd.adminStateUp = /^true$/i.test(st);
    if (a['no_security_groups'] === true) upd.securityGroupIds = [];
    else if (list(a, 'security_groups').length) upd.securityGroupIds = list(a, 'security_groups').map((g) => find(visibleGroups(c), 'security_group', g).id);
    const fixed = list(a, 'fixed_ip').map(kv);
    if (fixed.length) {
      upd.fixedIps = fixed.map((f): FixedIpRequest => ({
        ...(f['subnet_id'] !== undefined ? { subnetId: find(visibleSubnets(c), 'subnet', f['subnet_id']).id } : {}),
        ...(f['ip_address'] !== undefined ? { ipAddress: f['ip_address'] } : {}),
      }));
    }
    updatePort(c, p, upd);
    return { stdout: `Updated port: ${s(a, 'id') ?? ''}\n` };
  },
  'security-group-create': (c, a) => {
    const d = s(a, 'description');
    const g = createSecurityGroup(c, { name: s(a, 'name') ?? '', ...(d !== undefined ? { description: d } : {}) });
    return show(a, groupApi(c, g), 'security_group');
  },
  'security-group-list': (c, a) =>
    table(
      a,
      ['id', 'name', 'security_group_rules'],
      byId(visibleGroups(c)).map((g) => {
        // Tables show a summary line per rule; other formats get the rules themselves.
        const rules = c.securityGroupRules.filter((r) => r.securityGroupId === g.id);
        return [g.id, g.name, formatted(rules.map(sgRuleSummary).sort().join('\n'), rules.map(ruleApi))];
      }),
    ),
  'security-group-show': (c, a) => show(a, groupApi(c, find(visibleGroups(c), 'security_group', s(a, 'id') ?? ''))),
  'security-group-delete': (c, a) => bulkDelete('security_group', list(a, 'id'), (id) => deleteSecurityGroup(c, find(visibleGroups(c), 'security_group', id))),
  'security-group-rule-delete': (c, a) => bulkDelete('security_group_rule', list(a, 'id'), (id) => {
    const r = c.securityGroupRules.find((x) => x.id === id);
    if (!r) throw new CliError(`Unable to find security_group_rule with name or id '${id}'`);
    deleteSecurityGroupRule(c, r);
  }),
  'agent-list': (c, a, extra) => {
    const keep = (x: Agent) => matches(extra, agentApi(x), '/v2.0/agents');
    return table(a, ['id', 'agent_type', 'host', 'availability_zone', 'alive', 'admin_state_up', 'binary'],
      agents(c).filter(keep).map((x) => [x.id, x.agentType, x.host, x.availabilityZone, alive(x), x.adminStateUp, x.binary]));
  },
  'agent-show': (c, a) => agentShow(c, a),
  'l3-agent-list-hosting-router': (c, a) =>
    table(a, ['id', 'host', 'admin_state_up', 'alive', 'ha_state'],
      l3AgentsHosting(c, find(visibleRouters(c), 'router', s(a, 'router') ?? '').id).map((x) => [x.id, x.host, x.adminStateUp, alive(x), null])),
  'dhcp-agent-list-hosting-net': (c, a) =>
    table(a, ['id', 'host', 'admin_state_up', 'alive'],
      dhcpAgentsHosting(c, find(visibleNetworks(c), 'network', s(a, 'network') ?? '').id).map((x) => [x.id, x.host, x.adminStateUp, alive(x)])),
  'quota-show': (c, a) => show(a, neutronQuotas(c, quotaProject(c, a))),
  'quota-update': (c, a) => {
    const changes: Partial<Record<NeutronQuotaKey, number>> = {};
    for (const k of ['network', 'subnet', 'port', 'router', 'floatingip', 'security_group', 'security_group_rule', 'rbac_policy'] as const) {
      const v = s(a, k);
      if (v === undefined) continue;
      // neutronclient checks the value itself, as Python's int() would read it.
      if (!/^\s*[-+]?\d+\s*$/.test(v)) throw new CliError(`Quota limit for ${k} must be an integer`);
      changes[k] = Number.parseInt(v, 10);
    }
    const lbaas = ['vip', 'pool', 'member', 'healthmonitor', 'loadbalancer', 'listener'].filter((k) => s(a, k) !== undefined);
    const project = quotaProject(c, a);
    if (lbaas.length > 0) {
      throw new SimError(400, `Unrecognized attribute(s) '${lbaas.join(', ')}'`, `/v2.0/quotas/${project}`, 'network', 'HTTPBadRequest');
    }
    if (Object.keys(changes).length === 0) throw new CliError('Must specify a valid resource with new quota value');
    return show(a, updateQuotas(c, project, changes));
  },
  'quota-delete': (c, a) => {
    const project = quotaProject(c, a);
    deleteQuotas(c, project);
    return { stdout: `Deleted quota: ${project}\n` };
  },
  'security-group-rule-create': (c, a) => {
    const g = find(visibleGroups(c), 'security_group', s(a, 'security_group_id') ?? '');
    const remoteGroup = s(a, 'remote_group_id');
    const rule = createSecurityGroupRule(c, {
      securityGroupId: g.id,
      direction: (s(a, 'direction') ?? 'ingress') as 'ingress' | 'egress',
      ethertype: (s(a, 'ethertype') ?? 'IPv4') as 'IPv4' | 'IPv6',
      protocol: s(a, 'protocol') ?? null,
      portRangeMin: s(a, 'port_range_min') !== undefined ? Number(s(a, 'port_range_min')) : null,
      portRangeMax: s(a, 'port_range_max') !== undefined ? Number(s(a, 'port_range_max')) : null,
      remoteIpPrefix: s(a, 'remote_ip_prefix') ?? null,
      remoteGroupId: remoteGroup !== undefined ? find(visibleGroups(c), 'security_group', remoteGroup).id : null,
    });
    return show(a, ruleApi(rule), 'security_group_rule');
  },
  'security-group-rule-list': (c, a) =>
    table(
      a,
      ['id', 'security_group', 'direction', 'ethertype', 'port/protocol', 'remote'],
      byId(visibleRules(c)).map((r) => {
        const g = c.securityGroups.find((x) => x.id === r.securityGroupId);
        const rg = r.remoteGroupId ? c.securityGroups.find((x) => x.id === r.remoteGroupId) : undefined;
        const pp = r.protocol === null ? 'any' : r.portRangeMin !== null ? (r.protocol === 'icmp' ? `icmp (type:${r.portRangeMin}${r.portRangeMax !== null ? `, code:${r.portRangeMax}` : ''})` : r.portRangeMin === r.portRangeMax ? `${r.portRangeMin}/${r.protocol}` : `${r.portRangeMin}-${r.portRangeMax}/${r.protocol}`) : r.protocol;
        const remote = rg ? `${rg.name} (group)` : r.remoteIpPrefix && r.remoteIpPrefix !== '0.0.0.0/0' && r.remoteIpPrefix !== '::/0' ? `${r.remoteIpPrefix} (CIDR)` : 'any';
        return [r.id, g?.name ?? r.securityGroupId, r.direction, r.ethertype, pp, remote];
      }),
    ),
  'subnetpool-create': (c, a) => {
    const p = createSubnetPool(c, {
      name: s(a, 'name') ?? '',
      prefixes: list(a, 'prefixes'),
      ...(s(a, 'default_prefixlen') !== undefined ? { defaultPrefixlen: Number(s(a, 'default_prefixlen')) } : {}),
      ...(s(a, 'min_prefixlen') !== undefined ? { minPrefixlen: Number(s(a, 'min_prefixlen')) } : {}),
      ...(s(a, 'max_prefixlen') !== undefined ? { maxPrefixlen: Number(s(a, 'max_prefixlen')) } : {}),
    });
    return show(a, poolApi(p), 'subnetpool');
  },
  'subnetpool-list': (c, a) =>
    table(a, ['id', 'name', 'prefixes', 'default_prefixlen', 'address_scope_id', 'is_default'], byId(visiblePools(c)).map((p) => [p.id, p.name, [...p.prefixes], p.defaultPrefixlen, p.addressScopeId, p.isDefault])),
  'address-scope-list': (c, a) => table(a, ['id', 'name', 'ip_version'], byId(visibleScopes(c)).map((x) => [x.id, x.name, x.ipVersion])),
};

/** The commands that send the id straight to the server: a miss is Neutron's 404. */
function fipById(c: Cloud, id: string) {
  const f = c.floatingIps.find((x) => x.id === id);
  if (!f) throw new SimError(404, `Floating IP ${id} could not be found`, `/v2.0/floatingips/${id}`, 'network', 'FloatingIPNotFound');
  return f;
}

function findFip(c: Cloud, ref: string) {
  const f = c.floatingIps.find((x) => x.id === ref);
  if (!f) throw new CliError(`Unable to find floatingip with name or id '${ref}'`);
  return f;
}

/** Runs `neutron <argv…>` on a copy of the cloud; see runOpenstack for the transaction rule. */
export function runNeutron(cloud: Cloud, argv: string[], opts: { columns?: number; env?: Record<string, string> } = {}): { stdout: string; stderr: string; exitCode: number; cloud: Cloud } {
  const name = argv[0] ?? '';
  const handler = COMMANDS[name];
  if (!handler) {
    if (name === '' || name === 'help' || name === '--help' || name === '-h') {
      return { stdout: `usage: neutron [--version] [-v] [-q] [-h] <subcommand> ...\n\nCommands: ${Object.keys(COMMANDS).sort().join(', ')}\n`, stderr: DEPRECATION, exitCode: 0, cloud };
    }
    return { stdout: '', stderr: `${DEPRECATION}Unknown command ['${name}']\n`, exitCode: 1, cloud };
  }
  const spec = parserFor(name);
  const { known, extra } = splitValueSpecs(spec, argv.slice(1));
  if (known.includes('-h') || known.includes('--help')) return { stdout: formatHelp(spec), stderr: DEPRECATION, exitCode: 0, cloud };
  const defaults = cliffEnvDefaults(opts.env);
  const parsed = parseArgs(spec, known, defaults ? { defaults } : {});
  if (!parsed.ok) {
    // neutronclient's shell adds a hint after argparse's own error.
    const hint = parsed.exitCode === 2 ? `Try 'neutron help ${name}' for more information.\n` : '';
    return { stdout: parsed.stdout, stderr: DEPRECATION + parsed.stderr + hint, exitCode: parsed.exitCode, cloud };
  }
  // Like openstack, a changing command works on a copy-on-write draft (see sim/clone.ts).
  if (opts.columns !== undefined) parsed.values[TERMINAL_WIDTH] = opts.columns;
  const work = draftCloud(cloud);
  try {
    const out = handler(work, parsed.values, extra);
    return { stdout: out.stdout, stderr: DEPRECATION + (out.stderr ?? ''), exitCode: out.exitCode ?? 0, cloud: finishDraft(work, true) };
  } catch (e) {
    if (e instanceof SimError) {
      const req = uuid4(seedRng((cloud.clock ^ cloud.tick ^ e.message.length) >>> 0));
      return { stdout: '', stderr: `${DEPRECATION}${e.message}\nNeutron server returns request_ids: ['req-${req}']\n`, exitCode: 1, cloud };
    }
    if (e instanceof CliError) return { stdout: '', stderr: `${DEPRECATION}${e.message}\n`, exitCode: 1, cloud };
    throw e;
  }
}
