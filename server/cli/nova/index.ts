/**
 * The two legacy `nova` commands the blog uses, as python-novaclient 7 printed them:
 * `nova secgroup-add-rule GROUP PROTO FROM TO CIDR` (a proxy to Neutron, with its deprecation
 * warning) and `nova list`. Both project what sim/api/nova answers, as `openstack` does; only the presenter differs.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Json, JsonObject } from '../../sim/api/json.js';
import { prettyTable } from '../../render/cliff.js';
import { SimError } from '../../sim/errors.js';
import { transact } from '../../sim/clone.js';
import { requestId } from '../../sim/api/request-id.js';
import { addressesOrder, createSecurityGroupRule, listServers } from '../../sim/api/nova/index.js';
import type { CommandOutput } from '../../render/output.js';

export const SECGROUP_DEPRECATION =
  'WARNING: Command secgroup-add-rule is deprecated and will be removed after Nova 15.0.0 is released. Use python-neutronclient or openstackclient instead.\n';

type Result = CommandOutput & { cloud: Cloud };

const USAGE_ADD_RULE =
  'usage: nova secgroup-add-rule <secgroup> <ip-proto> <from-port> <to-port> <cidr>\n';

const HTTP_NAMES: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict' };

/** novaclient's CommandError: raised by the client itself (a name it cannot resolve), not by Nova. */
class NovaCommandError extends Error {}

/** novaclient's utils.print_list: prettytable, every column left-aligned, None shown as '-'. */
function printList(headers: string[], rows: string[][]): string {
  if (rows.length > 0) return prettyTable(headers, rows);
  // prettytable 0.7 still draws the header box around no rows.
  const rule = `+${headers.map((h) => '-'.repeat(h.length + 2)).join('+')}+\n`;
  return `${rule}| ${headers.join(' | ')} |\n${rule}${rule}`;
}

/** novaclient finds the group by id, then by a unique name among the project's groups. */
function findSecgroup(c: Cloud, group: string): string {
  const byId = c.securityGroups.find((g) => g.id === group);
  const byName = c.securityGroups.filter((g) => g.name === group && g.projectId === c.auth.projectId);
  const g = byId ?? (byName.length === 1 ? byName[0] : undefined);
  if (!g) throw new NovaCommandError(`Secgroup ID or name '${group}' not found.`);
  return g.id;
}

function secgroupAddRule(c: Cloud, args: string[]): string {
  const [group, proto, from, to, cidr] = args as [string, string, string, string, string];
  const r = createSecurityGroupRule(c, { parentGroupId: findSecgroup(c, group), ipProtocol: proto, fromPort: from, toPort: to, cidr });
  const range = (r['ip_range'] ?? {}) as { [k: string]: Json };
  return printList(['IP Protocol', 'From Port', 'To Port', 'IP Range', 'Source Group'], [[String(r['ip_protocol']), String(r['from_port']), String(r['to_port']), String(range['cidr']), '']]);
}

/** `net1=10.0.0.5, 203.0.113.7; net2=…`: the API's addresses in its order (novaclient does not sort). */
function networksCell(c: Cloud, d: JsonObject): string {
  const a = (d['addresses'] ?? {}) as { [net: string]: Array<{ [k: string]: Json }> };
  return addressesOrder(c, String(d['id'])).map((n) => `${n}=${(a[n] ?? []).map((x) => String(x['addr'])).join(', ')}`).join('; ');
}

function novaList(c: Cloud): string {
  // novaclient's columns come from the status alone (its own reading of a booting server).
  const rows = listServers(c).map((d) => {
    const status = String(d['status']);
    return [
      String(d['id']),
      String(d['name']),
      status,
      status === 'BUILD' ? 'spawning' : '-',
      status === 'ACTIVE' ? 'Running' : status === 'SHUTOFF' ? 'Shutdown' : 'NOSTATE',
      networksCell(c, d),
    ];
  });
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
    const r = transact(cloud, (c) => secgroupAddRule(c, rest));
    if (r.ok) return { stdout: r.value, stderr: SECGROUP_DEPRECATION, exitCode: 0, cloud: r.cloud };
    const e = r.error;
    if (e instanceof NovaCommandError) return { stdout: '', stderr: `${SECGROUP_DEPRECATION}ERROR (CommandError): ${e.message}\n`, exitCode: 1, cloud: r.cloud };
    if (e instanceof SimError) {
      const kind = HTTP_NAMES[e.status] ?? 'ClientException';
      return { stdout: '', stderr: `${SECGROUP_DEPRECATION}ERROR (${kind}): ${e.message} (HTTP ${e.status}) (Request-ID: ${requestId(cloud, e.message, 'length')})\n`, exitCode: 1, cloud: r.cloud };
    }
    throw e;
  }
  const msg = name === '' ? 'usage: nova [--version] [--debug] [--os-cache] [--timings] ... <subcommand> ...\n' : `usage: nova [--version] [--debug] [--os-cache] [--timings]\n            <subcommand> ...\nerror: argument <subcommand>: invalid choice: '${name}'\nTry 'nova help' for more information.\n`;
  return { stdout: '', stderr: msg, exitCode: 2, cloud };
}
