/**
 * The two legacy `nova` commands the blog uses, as python-novaclient 7 printed them:
 * `nova secgroup-add-rule GROUP PROTO FROM TO CIDR` (a proxy to Neutron, with its deprecation
 * warning) and `nova list`. Same core ops as `openstack`; only the presenter differs.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Server } from '../../sim/model/compute.js';
import { prettyTable } from '../../render/cliff.js';
import { SimError } from '../../sim/errors.js';
import { draftCloud, finishDraft } from '../../sim/clone.js';
import { seedRng, uuid4 } from '../../sim/rng.js';
import { createSecurityGroupRule } from '../../sim/ops/security-group.js';
import { serverPorts } from '../../sim/ops/server.js';

export const SECGROUP_DEPRECATION =
  'WARNING: Command secgroup-add-rule is deprecated and will be removed after Nova 15.0.0 is released. Use python-neutronclient or openstackclient instead.\n';

type Result = { stdout: string; stderr: string; exitCode: number; cloud: Cloud };

const USAGE_ADD_RULE =
  'usage: nova secgroup-add-rule <secgroup> <ip-proto> <from-port> <to-port> <cidr>\n';

const HTTP_NAMES: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict' };

class NovaCommandError extends Error {}

function requestId(c: Cloud, salt: string): string {
  return `req-${uuid4(seedRng((c.clock ^ c.tick ^ salt.length) >>> 0))}`;
}

/** novaclient's utils.print_list: prettytable, every column left-aligned, None shown as '-'. */
function printList(headers: string[], rows: string[][]): string {
  if (rows.length > 0) return prettyTable(headers, rows);
  // prettytable 0.7 still draws the header box around no rows.
  const rule = `+${headers.map((h) => '-'.repeat(h.length + 2)).join('+')}+\n`;
  return `${rule}| ${headers.join(' | ')} |\n${rule}${rule}`;
}

function secgroupAddRule(c: Cloud, args: string[]): { stdout: string; stderr: string } {
  const [group, proto, from, to, cidr] = args as [string, string, string, string, string];
  const byId = c.securityGroups.find((g) => g.id === group);
  const byName = c.securityGroups.filter((g) => g.name === group && g.projectId === c.auth.projectId);
  const g = byId ?? (byName.length === 1 ? byName[0] : undefined);
  if (!g) throw new NovaCommandError(`Secgroup ID or name '${group}' not found.`);
  const p = proto.toLowerCase();
  const fromN = Number(from);
  const toN = Number(to);
  if (!/^-?\d+$/.test(from) || !/^-?\d+$/.test(to)) {
    throw new SimError(400, 'Invalid port range', '/os-security-group-rules', 'compute');
  }
  if (!['tcp', 'udp', 'icmp'].includes(p)) {
    throw new SimError(400, `Invalid IP protocol ${proto}.`, '/os-security-group-rules', 'compute');
  }
  // Nova maps ICMP -1 (any type/code) and the full tcp/udp range onto Neutron's "unset".
  const min = p === 'icmp' && fromN === -1 ? null : fromN;
  const max = p === 'icmp' && toN === -1 ? null : toN;
  if (p !== 'icmp' && (fromN < 1 || toN > 65535 || fromN > toN)) {
    throw new SimError(400, `Invalid port range ${fromN}:${toN}. Valid TCP ports should be between 1-65535`, '/os-security-group-rules', 'compute');
  }
  try {
    createSecurityGroupRule(c, {
      securityGroupId: g.id,
      direction: 'ingress',
      ethertype: 'IPv4',
      protocol: p,
      portRangeMin: min,
      portRangeMax: max,
      remoteIpPrefix: cidr,
      remoteGroupId: null,
    });
  } catch (e) {
    if (e instanceof SimError && e.status === 409) {
      throw new SimError(400, `This rule already exists in group ${g.id}`, '/os-security-group-rules', 'compute');
    }
    if (e instanceof SimError) throw new SimError(400, e.message, '/os-security-group-rules', 'compute');
    throw e;
  }
  return {
    stdout: printList(['IP Protocol', 'From Port', 'To Port', 'IP Range', 'Source Group'], [[p, String(fromN), String(toN), cidr, '']]),
    stderr: '',
  };
}

function networksCell(c: Cloud, s: Server): string {
  const byNet = new Map<string, string[]>();
  for (const port of serverPorts(c, s)) {
    const net = c.networks.find((n) => n.id === port.networkId);
    const label = net?.name ?? port.networkId;
    const ips = byNet.get(label) ?? [];
    for (const f of port.fixedIps) ips.push(f.ipAddress);
    for (const fip of c.floatingIps) if (fip.portId === port.id) ips.push(fip.floatingIpAddress);
    byNet.set(label, ips);
  }
  return [...byNet.entries()].map(([n, ips]) => `${n}=${ips.join(', ')}`).join('; ');
}

function novaList(c: Cloud): string {
  const servers = c.servers.filter((s) => s.projectId === c.auth.projectId);
  const rows = [...servers].reverse().map((s) => [
    s.id,
    s.name,
    s.status,
    s.status === 'BUILD' ? 'spawning' : '-',
    s.status === 'ACTIVE' ? 'Running' : s.status === 'SHUTOFF' ? 'Shutdown' : 'NOSTATE',
    networksCell(c, s),
  ]);
  return printList(['ID', 'Name', 'Status', 'Task State', 'Power State', 'Networks'], rows);
}

/** Runs `nova <argv…>` on a copy of the cloud; see runOpenstack for the transaction rule. */
export function runNova(cloud: Cloud, argv: string[], _opts?: { columns?: number }): Result {
  const name = argv[0] ?? '';
  const rest = argv.slice(1);
  if (name === 'list') {
    if (rest.length > 0) {
      return { stdout: '', stderr: `usage: nova list [--reservation-id <reservation-id>] [--ip <ip-regexp>] ...\nerror: unrecognized arguments: ${rest.join(' ')}\nTry 'nova help list' for more information.\n`, exitCode: 2, cloud };
    }
    return { stdout: novaList(cloud), stderr: '', exitCode: 0, cloud };
  }
  if (name === 'secgroup-add-rule') {
    if (rest.length !== 5) {
      const msg = rest.length < 5 ? 'error: too few arguments' : `error: unrecognized arguments: ${rest.slice(5).join(' ')}`;
      return { stdout: '', stderr: `${USAGE_ADD_RULE}${msg}\nTry 'nova help secgroup-add-rule' for more information.\n`, exitCode: 2, cloud };
    }
    const work = draftCloud(cloud);
    try {
      const out = secgroupAddRule(work, rest);
      return { stdout: out.stdout, stderr: SECGROUP_DEPRECATION + out.stderr, exitCode: 0, cloud: finishDraft(work, true) };
    } catch (e) {
      if (e instanceof NovaCommandError) return { stdout: '', stderr: `${SECGROUP_DEPRECATION}ERROR (CommandError): ${e.message}\n`, exitCode: 1, cloud };
      if (e instanceof SimError) {
        const kind = HTTP_NAMES[e.status] ?? 'ClientException';
        return { stdout: '', stderr: `${SECGROUP_DEPRECATION}ERROR (${kind}): ${e.message} (HTTP ${e.status}) (Request-ID: ${requestId(cloud, e.message)})\n`, exitCode: 1, cloud };
      }
      throw e;
    }
  }
  const msg = name === '' ? 'usage: nova [--version] [--debug] [--os-cache] [--timings] ... <subcommand> ...\n' : `usage: nova [--version] [--debug] [--os-cache] [--timings]\n            <subcommand> ...\nerror: argument <subcommand>: invalid choice: '${name}'\nTry 'nova help' for more information.\n`;
  return { stdout: '', stderr: msg, exitCode: 2, cloud };
}
