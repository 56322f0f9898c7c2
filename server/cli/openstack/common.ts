/**
 * What every `openstack` command shares: the context it runs in, what it returns, name-or-ID
 * lookups with openstacksdk's messages, and OSC 6.0's ways of printing API errors.
 */
import type { Json, JsonObject } from '../../sim/api/json.js';
import { requestUnloaded } from '../../sim/api/neutron/unloaded.js';
import { hasExtension } from '../../sim/api/neutron/extension.js';
import { addTags, showAgent, type TagFilter } from '../../sim/api/neutron/index.js';
import { checkTagList } from '../../sim/api/neutron/tags.js';
import { requestId } from '../../sim/api/request-id.js';
import type { Cloud } from '../../sim/model/cloud.js';
import type { Std } from '../../sim/model/std.js';
import { touch } from '../../sim/ops/context.js';
import { byIdOrName, type NameOrIdIndexes } from '../../sim/index.js';
import { pyRepr } from '../../render/pyvalue.js';
import { pyEquals, type PyJson } from '../../sim/python.js';
import type { ListData, ShowData } from '../../render/cliff.js';
import type { FileRead } from '../linux/host.js';
import { SimError } from '../../sim/errors.js';
import { afterCommit, CliError, LookupError } from '../errors.js';

export type Args = Record<string, unknown>;

/** A file the client opened: the path after `~` was expanded, and what reading it gave. */
export type OpenFile = (path: string) => { opened: string; read: FileRead };

export interface Ctx {
  cloud: Cloud;
  args: Args;
  /** Opens a file on the host the client runs on (`--public-key FILE`), `~` expanded as Python's expanduser does; absent where it reads none. */
  openFile?: OpenFile;
  /** The client's global options (the words before the command's) and environment: its cloud, region and project (see clientLocation). */
  globals?: readonly string[];
  env?: Readonly<Record<string, string>>;
}

export type Output =
  | { kind: 'show'; data: ShowData }
  | { kind: 'list'; data: ListData }
  | { kind: 'none' }
  | { kind: 'text'; stdout: string; stderr?: string; exitCode?: number };

/**
 * How a command prints a failure in OSC 6.0 (it depends on the command's code path):
 * - `sdk`: `ConflictException: 409: Client Error for url: <url>, <message>`
 * - `wrapped`: NetworkAndCompute commands: `Error while executing command: ConflictException: 409, <message>`
 * - `nova`: novaclient: `<message> (HTTP 409) (Request-ID: req-…)`
 */
export type ErrorStyle = 'sdk' | 'wrapped' | 'nova';

export interface OscCommand {
  name: string;
  style?: ErrorStyle;
  run(ctx: Ctx): Output;
  /** A warning the client logs as the command starts (a deprecation): first on stderr, even when the command fails. */
  warns?(args: Args): string | undefined;
  /**
   * The command's transaction shares the elements of the ports, networks, subnets, routers,
   * floating IPs and servers with the cloud it starts from instead of copying them (sim/clone.ts
   * shareAll): its requests change one element at a time through `writable`, filter or append. A
   * write it makes to a shared element some other way is caught, and it runs again on copies.
   */
  shares?: true;
}

/** openstacksdk's ResourceNotFound from a find: printed "No Network found for x". */
export class NotFoundError extends LookupError {}
/** openstacksdk's DuplicateResource: printed bare even by the "wrapped" commands. */
export class DuplicateError extends CliError {}

export const none: Output = { kind: 'none' };

// ---- argument helpers --------------------------------------------------------------------

export function str(a: Args, k: string): string | undefined {
  const v = a[k];
  return typeof v === 'string' ? v : undefined;
}

export function req(a: Args, k: string): string {
  const v = a[k];
  if (typeof v !== 'string') throw new Error(`argument ${k} missing`);
  return v;
}

export function strs(a: Args, k: string): string[] {
  const v = a[k];
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
}

export function flag(a: Args, k: string): boolean {
  return a[k] === true;
}

export function num(a: Args, k: string): number | undefined {
  const v = a[k];
  return typeof v === 'number' ? v : undefined;
}

/**
 * An attribute openstacksdk declares as an integer: it converts the option's text with Python's
 * int() before any request, and OSC prints int()'s own error (exit 1).
 */
export function sdkInt(a: Args, k: string): number | undefined {
  const v = str(a, k);
  if (v === undefined) return undefined;
  if (!/^\s*[+-]?\d+(_\d+)*\s*$/.test(v)) throw new CliError(`invalid literal for int() with base 10: ${pyRepr(v)}`);
  return Number(v.replace(/_/g, ''));
}

/**
 * A create's `--tag`s: OSC sets them with a PUT right after the POST (to `path`, …/tags), on the
 * object it then prints (with the tags, and the revision of before the PUT); the PUT is a revision more.
 */
export function createdWithTags<T>(c: Cloud, r: Std, tags: readonly string[], path: string, show: () => T): T {
  // The PUT checks the tags after the POST committed: a refusal leaves the object, untagged.
  afterCommit(() => checkTagList([...new Set(tags)], path));
  addTags(r, tags);
  const out = show();
  if (tags.length > 0) touch(c, r);
  return out;
}

/**
 * What OSC hands the SDK (`attrs`, named as OSC names them, updated with the extra properties; an
 * `unset` sets each of those to None, whatever its type and value) and the body the SDK sends for
 * it: each attribute under its wire name (`names`: the SDK's attribute names that differ).
 */
export function sdkBody(attrs: JsonObject, a: Args, names: Readonly<Record<string, string>>, unset = false): { attrs: JsonObject; body: JsonObject } {
  const extra = unset ? Object.fromEntries(dicts(a, 'extra_properties').map((p) => [p['name'] ?? '', null])) : extraProperties(a);
  const all: JsonObject = { ...attrs, ...extra };
  const body: JsonObject = {};
  for (const [k, v] of Object.entries(all)) body[names[k] ?? k] = v;
  return { attrs: all, body };
}

/** network/common.py's _required_opt_extensions_map: the extension an attribute OSC sends needs. */
const REQUIRED_EXTENSIONS: ReadonlyArray<readonly [string, string]> = [
  ['allowed_address_pairs', 'allowed-address-pairs'],
  ['dns_domain', 'dns-integration'],
  ['dns_name', 'dns-integration'],
  ['extra_dhcp_opts', 'extra_dhcp_opt'],
  ['qos_policy_id', 'qos'],
  ['security_groups', 'security-groups'],
];

/**
 * check_missing_extension_if_error: when Neutron refuses the write, OSC looks up the extension of
 * each attribute it sent that needs one, and a missing one is the error it shows
 * (`No Extension found for qos`) instead of Neutron's.
 */
export function withExtensionCheck<T>(attrs: JsonObject, write: () => T): T {
  try {
    return write();
  } catch (e) {
    if (e instanceof SimError) {
      for (const [attr, ext] of REQUIRED_EXTENSIONS) {
        if (Object.hasOwn(attrs, attr) && !hasExtension(ext)) throw new NotFoundError(`No Extension found for ${ext}`);
      }
    }
    throw e;
  }
}

export function dicts(a: Args, k: string): Array<Record<string, string>> {
  const v = a[k];
  return Array.isArray(v) ? (v as Array<Record<string, string>>) : [];
}

/** A `--x | --no-x` pair: true, false, or undefined when neither was given. */
export function pair(a: Args, on: string, off: string): boolean | undefined {
  if (a[on] === true) return true;
  if (a[off] === true) return false;
  return undefined;
}

/** str2dict: `k1:v1;k2:v2`, a part without `:` continuing the previous value. */
function str2dict(raw: string): Record<string, string> {
  const parts: string[] = [];
  for (const kv of raw === '' ? [] : raw.split(';')) {
    if (kv.includes(':')) parts.push(kv);
    else if (parts.length === 0) throw new CliError(`missing value for key '${kv}'`);
    else parts[parts.length - 1] = `${parts[parts.length - 1] ?? ''};${kv}`;
  }
  return Object.fromEntries(parts.map((kv) => [kv.slice(0, kv.indexOf(':')), kv.slice(kv.indexOf(':') + 1)]));
}

/** Python's int() of a property value (surrounding blanks allowed). */
function pyInt(raw: string): number {
  if (!/^\s*[-+]?\d+(_\d+)*\s*$/.test(raw)) throw new CliError(`invalid literal for int() with base 10: '${raw}'`);
  return Number(raw.replace(/_/g, ''));
}

/** NeutronCommandWithExtraArgs' converters: osc-lib's str2bool, str2dict, str2list, int and str. */
const CONVERTERS: Record<string, (v: string) => Json> = {
  bool: (v) => v.toLowerCase() === 'true',
  dict: str2dict,
  list: (v) => (v === '' ? [] : v.split(';')),
  int: pyInt,
  str: (v) => v,
};

/**
 * `--extra-property type=…,name=…,value=…` (NeutronCommandWithExtraArgs): attributes sent as
 * given, converted by type (str by default).
 */
export function extraProperties(a: Args): JsonObject {
  const out: JsonObject = {};
  for (const p of dicts(a, 'extra_properties')) {
    const type = p['type'] ?? 'str';
    const convert = CONVERTERS[type];
    if (!convert) throw new CliError(`Type ${type} of property ${p['name'] ?? ''} is not supported`);
    out[p['name'] ?? ''] = convert(p['value'] ?? '');
  }
  return out;
}

/**
 * openstacksdk's find_qos_policy: its lookup by name reaches the QoS API, which this cloud does not
 * load (the router's 404 for the path).
 */
export function findQosPolicy(ref: string): never {
  return requestUnloaded(`/v2.0/qos/policies?name=${ref}`);
}

// ---- lookups --------------------------------------------------------------------------------

/** openstacksdk find_*: exact ID first, then a unique name among the visible resources. */
export function findBy<T extends { id: string; name: string }>(
  items: readonly T[],
  cls: string,
  nameOrId: string,
  alsoMatch?: (item: T) => boolean,
): T {
  const byId = items.find((i) => i.id === nameOrId);
  return byId ?? oneNamed(items.filter((i) => i.name === nameOrId || (alsoMatch ? alsoMatch(i) : false)), cls, nameOrId);
}

/**
 * `findBy` over one of the cloud's big collections through its indexes (sim/index.ts
 * `byIdOrName`), of which only the elements `visible` to the caller count: the same answer or
 * error as `findBy` over the visible list, at the cost of the candidates, not of the collection.
 */
export function findIndexed<T extends { id: string; name: string }>(
  c: Cloud,
  cls: string,
  nameOrId: string,
  by: NameOrIdIndexes<T>,
  visible: (item: T) => boolean,
): T {
  const { byId, named } = byIdOrName(c, by, visible, nameOrId);
  return byId ?? oneNamed(named, cls, nameOrId);
}

function oneNamed<T>(named: readonly T[], cls: string, nameOrId: string): T {
  if (named.length === 1) return named[0] as T;
  if (named.length > 1) throw new DuplicateError(`More than one ${cls} exists with the name '${nameOrId}'.`);
  throw new NotFoundError(`No ${cls} found for ${nameOrId}`);
}

// ---- errors ---------------------------------------------------------------------------------

const SDK_CLASS: Record<number, string> = {
  400: 'BadRequestException',
  404: 'ResourceNotFound',
  409: 'ConflictException',
};

function sdkClass(status: number): string {
  return SDK_CLASS[status] ?? 'HttpException';
}

export function endpointOf(c: Cloud, e: SimError): string {
  return e.service === 'compute' ? `${c.config.computeEndpoint}/v2.1` : c.config.networkEndpoint;
}

/** `ConflictException: 409: Client Error for url: http://controller:9696/v2.0/ports, <message>` */
export function sdkMessage(c: Cloud, e: SimError): string {
  const kind = e.status >= 500 ? 'Server' : 'Client';
  return `${sdkClass(e.status)}: ${e.status}: ${kind} Error for url: ${endpointOf(c, e)}${e.path}, ${e.message}`;
}

/**
 * novaclient: `<message> (HTTP 409) (Request-ID: req-<uuid>)`. The request id is derived from
 * the cloud's clock and the message (no RNG draw), so printing an error never changes the cloud.
 */
export function novaMessage(c: Cloud, e: SimError): string {
  return `${e.message} (HTTP ${e.status}) (Request-ID: ${requestId(c, e.message, 'hash')})`;
}

/** The line OSC prints for an error raised by a command of the given style. */
export function errorLine(c: Cloud, e: unknown, style: ErrorStyle): string {
  if (e instanceof SimError) {
    if (style === 'wrapped') return `Error while executing command: ${sdkClass(e.status)}: ${e.status}, ${e.message}`;
    if (style === 'nova' && e.service === 'compute') return novaMessage(c, e);
    return sdkMessage(c, e);
  }
  if (e instanceof NotFoundError && style === 'wrapped') return `Error while executing command: ${e.message}`;
  if (e instanceof CliError) return e.message;
  throw e;
}

/**
 * OSC's multi-delete loop: every target is tried, each failure logged, then
 * "N of M <things> failed to delete." and exit 1.
 */
export function deleteEach(
  c: Cloud,
  targets: string[],
  what: { one: string; many: string },
  del: (target: string) => void,
): Output {
  const errors: string[] = [];
  for (const t of targets) {
    try {
      del(t);
    } catch (e) {
      errors.push(`Failed to delete ${what.one} with name or ID '${t}': ${errorLine(c, e, 'sdk')}`);
    }
  }
  if (errors.length === 0) return none;
  errors.push(`${errors.length} of ${targets.length} ${what.many} failed to delete.`);
  return { kind: 'text', stdout: '', stderr: errors.join('\n') + '\n', exitCode: 1 };
}

/** openstacksdk get_agent (ID only): Neutron's 404 becomes `No Agent found for ID: Client Error for url: …`. */
export function getAgent(c: Cloud, id: string): JsonObject {
  try {
    return showAgent(c, id);
  } catch (e) {
    if (e instanceof SimError) throw new CliError(`No Agent found for ${id}: Client Error for url: ${endpointOf(c, e)}${e.path}, ${e.message}`);
    throw e;
  }
}

/**
 * The tag filters a list sends: --tags (all of them), --any-tags (any), --not-tags (not all of
 * them), --not-any-tags (none of them). Each option takes a comma-separated list.
 */
export function tagFilter(a: Args): TagFilter {
  const list = (k: string): string[] => (Array.isArray(a[k]) ? (a[k] as string[]) : []);
  return { tags: list('tags'), any: list('any_tags'), notAll: list('not_tags'), notAny: list('not_any_tags') };
}

/**
 * Sends what a `set` would (`update` with the changed fields, or nothing): openstacksdk (0.101,
 * resource.py's _ComponentManager) marks an attribute to send only when its new value is not
 * Python-== to the one of the resource it found (the API's dictionary, as the caller sees it), and
 * sends nothing when none differs (a real cloud then keeps the revision: `network set --name n1 n1`
 * is no write). Text OSC keeps where the API answers a number (`--mtu 1450`) is never equal.
 */
export function sdkUpdate(current: JsonObject, body: JsonObject, update: (send: JsonObject) => unknown): void {
  const send: JsonObject = {};
  for (const [k, v] of Object.entries(body)) {
    if (Object.hasOwn(current, k) && pyEquals(current[k] as PyJson, v as PyJson)) continue;
    send[k] = v;
  }
  if (Object.keys(send).length > 0) update(send);
}

/** The value of a global option (`--os-cloud x` or `--os-cloud=x`) before the command's words. */
function globalOption(globals: readonly string[], name: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < globals.length; i += 1) {
    const a = globals[i] as string;
    if (a === name) found = globals[(i += 1)];
    else if (a.startsWith(`${name}=`)) found = a.slice(name.length + 1);
  }
  return found;
}

/**
 * openstacksdk's location of the current cloud: the cloud's name (`--os-cloud`, else OS_CLOUD,
 * else `envvars`), its region, and the project of the token with the names the configuration
 * gives (the terminal's cloud has the clouds.yaml's "Default" project domain).
 */
export function clientLocation(c: Cloud, globals: readonly string[], env: Readonly<Record<string, string>>): JsonObject {
  const cloudName = globalOption(globals, '--os-cloud') ?? env['OS_CLOUD'] ?? 'envvars';
  const region = globalOption(globals, '--os-region-name') ?? env['OS_REGION_NAME'] ?? '';
  const projectName = globalOption(globals, '--os-project-name') ?? env['OS_PROJECT_NAME'] ?? c.projects.find((p) => p.id === c.auth.projectId)?.name ?? null;
  return {
    cloud: cloudName,
    region_name: region,
    zone: null,
    project: { id: c.auth.projectId, name: projectName, domain_id: null, domain_name: 'Default' },
  };
}
