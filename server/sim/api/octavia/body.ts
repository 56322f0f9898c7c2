/**
 * Octavia's request bodies as WSME reads them before any controller runs: the JSON, the one
 * wrapper key (`{"loadbalancer": {…}}`), each attribute's type (strings with their lengths and
 * patterns, UUIDs, booleans, bounded integers, enums, addresses), mandatory attributes, and the
 * words of each refusal ("Invalid input for field/attribute …", "Unknown attribute for argument …").
 */
import { pyRepr, type Json, type JsonObject } from '../json.js';
import { SimError } from '../../errors.js';
import { parseCidr, parseIp } from '../../ipam.js';

export type FieldType =
  | { t: 'str'; max?: number; min?: number; pattern?: string }
  | { t: 'uuid' }
  | { t: 'bool' }
  | { t: 'int'; min?: number; max?: number }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'intEnum'; values: readonly number[] }
  | { t: 'floatEnum'; values: readonly number[] }
  | { t: 'ip' }
  | { t: 'strs'; max?: number }
  | { t: 'cidrs' }
  | { t: 'alpns' }
  | { t: 'dict' }
  | { t: 'object'; fields: Readonly<Record<string, Field>> }
  | { t: 'list' };
export type Field = FieldType & { mandatory?: boolean };

export interface BodySpec {
  /** The controller's argument (`load_balancer`, `listener_`): WSME names it in its messages. */
  arg: string;
  /** The body's one key (`loadbalancer`). */
  wrapper: string;
  fields: Readonly<Record<string, Field>>;
}

/** An Octavia API error with its own status: `{"faultcode": "Client"|"Server", …}`. */
export function fault(status: number, message: string): SimError {
  return new SimError(status, message, '/v2', 'network', 'Octavia');
}

/** Python's `'%s' % value` of a JSON value. */
function pyStr(v: Json | undefined): string {
  if (v === undefined || v === null) return 'None';
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

export { pyRepr };

function invalid(name: string, value: Json | undefined, why: string): SimError {
  return fault(400, `Invalid input for field/attribute ${name}. Value: '${pyStr(value)}'. ${why}`);
}

/** Python's uuid.UUID(): 32 hex digits, dashes where they belong or none, braces and urn:uuid: around. */
const isUuid = (s: string): boolean =>
  /^[0-9a-f]{32}$/i.test(
    s
      .replace(/^urn:uuid:/i, '')
      .replace(/^\{(.*)\}$/, '$1')
      .replace(/-/g, ''),
  );

/** Python's bool() of WSME's accepted spellings; anything else is ambiguous. */
function toBool(v: Json): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (['true', 'yes', 'y', '1', 'on', 't'].includes(s)) return true;
    if (['false', 'no', 'n', '0', 'off', 'f'].includes(s)) return false;
  }
  return null;
}

/**
 * One attribute's value as WSME converts and validates it. `whole` is the request body: a
 * conversion Python raises a ValueError for (a boolean, an integer) is reported against the
 * controller's argument with the whole body, as WSME does.
 */
function convert(spec: BodySpec, name: string, f: Field, v: Json, whole: Json): Json {
  if (v === null) return null;
  const args = (why: string) => invalid(spec.arg, whole, why);
  switch (f.t) {
    case 'str': {
      if (typeof v !== 'string') throw invalid(name, v, 'Value should be string');
      const len = [...v].length;
      if (f.min !== undefined && len < f.min)
        throw invalid(name, v, `Value should have a minimum character requirement of ${f.min}`);
      if (f.max !== undefined && len > f.max)
        throw invalid(name, v, `Value should have a maximum character requirement of ${f.max}`);
      if (f.pattern !== undefined && !new RegExp(f.pattern).test(v))
        throw invalid(name, v, `Value should match the pattern ${f.pattern}`);
      return v;
    }
    case 'uuid':
      if (typeof v !== 'string' || !isUuid(v))
        throw invalid(name, v, 'Value should be UUID format');
      return v;
    case 'bool': {
      const b = toBool(v);
      if (b === null) throw args(`Value not an unambiguous boolean: ${pyStr(v)}`);
      return b;
    }
    case 'int': {
      let n: number;
      if (typeof v === 'number') n = Math.trunc(v);
      else if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) n = Number(v.trim());
      else if (typeof v === 'string')
        throw args(`invalid literal for int() with base 10: ${pyRepr(v)}`);
      else if (typeof v === 'boolean') n = v ? 1 : 0;
      else
        throw args(
          `int() argument must be a string, a bytes-like object or a real number, not '${Array.isArray(v) ? 'list' : 'dict'}'`,
        );
      if (f.min !== undefined && n < f.min)
        throw invalid(name, n, `Value should be greater or equal to ${f.min}`);
      if (f.max !== undefined && n > f.max)
        throw invalid(name, n, `Value should be lower or equal to ${f.max}`);
      return n;
    }
    case 'enum':
      if (typeof v !== 'string' || !f.values.includes(v))
        throw invalid(name, v, `Value should be one of: ${f.values.join(', ')}`);
      return v;
    case 'intEnum':
    case 'floatEnum': {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
      if (Number.isNaN(n) && typeof v === 'string')
        throw args(
          f.t === 'intEnum'
            ? `invalid literal for int() with base 10: ${pyRepr(v)}`
            : `could not convert string to float: ${pyRepr(v)}`,
        );
      if (!f.values.includes(n))
        throw invalid(name, v, `Value should be one of: ${f.values.join(', ')}`);
      return n;
    }
    case 'ip':
      if (typeof v !== 'string' || parseIp(v) === null)
        throw invalid(name, v, 'Value should be IPv4 or IPv6 format');
      return v;
    case 'strs':
      if (!Array.isArray(v)) throw args(`Value should be a list`);
      return v.map((x) =>
        convert(spec, name, { t: 'str', ...(f.max !== undefined ? { max: f.max } : {}) }, x, whole),
      );
    case 'alpns':
      // An array of AlpnProtocolType: each one of the ALPN ids Octavia supports.
      if (!Array.isArray(v)) throw args(`Value should be a list`);
      if (!v.every((x) => typeof x === 'string' && ['h2', 'http/1.1', 'http/1.0'].includes(x)))
        throw invalid(name, v, 'Value should be a valid ALPN protocol ID');
      return v;
    case 'cidrs':
      if (!Array.isArray(v)) throw args(`Value should be a list`);
      if (!v.every((x) => typeof x === 'string' && parseCidr(x) !== null))
        throw invalid(name, v, 'Value should be IPv4 or IPv6 CIDR format');
      return v;
    case 'dict':
      if (typeof v !== 'object' || Array.isArray(v)) throw args('Value should be a dict');
      return v;
    case 'object': {
      if (typeof v !== 'object' || Array.isArray(v))
        throw invalid(name, v, 'Value should be an object');
      return readFields({ ...spec, wrapper: `${spec.wrapper}.${name}` }, f.fields, v, whole);
    }
    case 'list':
      if (!Array.isArray(v)) throw args('Value should be a list');
      return v;
  }
}

function readFields(
  spec: BodySpec,
  fields: Readonly<Record<string, Field>>,
  o: JsonObject,
  whole: Json,
): JsonObject {
  const unknown = Object.keys(o).filter((k) => !Object.hasOwn(fields, k));
  if (unknown.length > 0)
    throw fault(
      400,
      `Unknown attribute for argument ${spec.arg}.${spec.wrapper}: ${unknown.join(', ')}`,
    );
  const out: JsonObject = {};
  for (const [name, f] of Object.entries(fields)) {
    const v = o[name];
    if (v === undefined) {
      if (f.mandatory) throw invalid(name, null, 'Mandatory field missing.');
      continue;
    }
    out[name] = convert(spec, name, f, v, whole);
  }
  return out;
}

/** A request body read as WSME reads it: the wrapper's attributes, converted, or a refusal. */
export function readBody(raw: string, spec: BodySpec): JsonObject {
  const { parsed, inner } = wrapped(raw, spec);
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner))
    throw invalid(spec.arg, parsed, `Value should be a ${spec.wrapper} object`);
  return readFields(spec, spec.fields, inner, parsed);
}

/** A body whose wrapper holds a list of objects (`{"members": [{…}, …]}`): each read as `spec` reads one. */
export function readListBody(raw: string, spec: BodySpec): JsonObject[] {
  const { parsed, inner } = wrapped(raw, spec);
  if (!Array.isArray(inner))
    throw invalid(spec.arg, parsed, `Value not a valid list: ${pyRepr(inner)}`);
  return inner.map((x) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x))
      throw invalid(spec.arg, parsed, `Value should be a ${spec.wrapper} object`);
    return readFields(spec, spec.fields, x, parsed);
  });
}

function wrapped(raw: string, spec: BodySpec): { parsed: JsonObject; inner: Json } {
  let parsed: Json;
  try {
    parsed = raw.trim() === '' ? {} : (JSON.parse(raw) as Json);
  } catch {
    throw fault(400, 'Request is not in valid JSON format');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const type =
      parsed === null
        ? 'NoneType'
        : Array.isArray(parsed)
          ? 'list'
          : typeof parsed === 'string'
            ? 'str'
            : typeof parsed === 'boolean'
              ? 'bool'
              : Number.isInteger(parsed)
                ? 'int'
                : 'float';
    throw fault(500, `'${type}' object has no attribute 'keys'`);
  }
  const extra = Object.keys(parsed).filter((k) => k !== spec.wrapper);
  if (extra.length > 0)
    throw fault(400, `Unknown attribute for argument ${spec.arg}: ${extra.join(', ')}`);
  const inner = parsed[spec.wrapper];
  if (inner === undefined || inner === null) throw fault(400, `Missing argument: "${spec.arg}"`);
  return { parsed, inner };
}

// ---- the API's types (octavia/api/v2/types, Zed) ---------------------------------------------

const name255: Field = { t: 'str', max: 255 };
const tags: Field = { t: 'strs', max: 255 };
const project: Field = { t: 'str', max: 36 };
const port: Field = { t: 'int', min: 1, max: 65535 };
const timeout: Field = { t: 'int', min: 0, max: 24 * 24 * 60 * 60 * 1000 };
const ref255: Field = { t: 'str', max: 255 };
const LISTENER_PROTOCOLS = [
  'HTTP',
  'HTTPS',
  'TCP',
  'TERMINATED_HTTPS',
  'UDP',
  'SCTP',
  'PROMETHEUS',
];
const POOL_PROTOCOLS = ['HTTP', 'HTTPS', 'PROXY', 'PROXYV2', 'TCP', 'UDP', 'SCTP'];
const ALGORITHMS = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'];
const MONITOR_TYPES = ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'SCTP'];
const HTTP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'TRACE',
  'OPTIONS',
  'PATCH',
  'CONNECT',
];
const ACTIONS = ['REDIRECT_TO_POOL', 'REDIRECT_TO_URL', 'REDIRECT_PREFIX', 'REJECT'];
const RULE_TYPES = [
  'HOST_NAME',
  'PATH',
  'FILE_TYPE',
  'HEADER',
  'COOKIE',
  'SSL_CONN_HAS_CERT',
  'SSL_VERIFY_RESULT',
  'SSL_DN_FIELD',
];
const COMPARE_TYPES = ['REGEX', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS', 'EQUAL_TO'];
const CODES = '^(\\d{3}(\\s*,\\s*\\d{3})*)$|^(\\d{3}-\\d{3})$';
const sp = (mandatoryType: boolean): Field => ({
  t: 'object',
  fields: {
    type: {
      t: 'enum',
      // WSME names them in the order of Python's set of them (as the oracle printed it).
      values: ['APP_COOKIE', 'SOURCE_IP', 'HTTP_COOKIE'],
      mandatory: mandatoryType,
    },
    cookie_name: { t: 'str', max: 255, pattern: '^[^\\s,;\\\\]+$' },
    persistence_timeout: { t: 'int' },
    persistence_granularity: { t: 'ip' },
  },
});
const tls = {
  tls_container_ref: ref255,
  ca_tls_container_ref: ref255,
  crl_container_ref: ref255,
  tls_ciphers: { t: 'str', max: 2048 } as Field,
  tls_versions: { t: 'strs', max: 32 } as Field,
  alpn_protocols: { t: 'alpns' } as Field,
};
const listenerCommon = {
  name: name255,
  description: name255,
  default_tls_container_ref: ref255,
  sni_container_refs: { t: 'strs', max: 255 } as Field,
  default_pool_id: { t: 'uuid' } as Field,
  insert_headers: { t: 'dict' } as Field,
  timeout_client_data: timeout,
  timeout_member_connect: timeout,
  timeout_member_data: timeout,
  timeout_tcp_inspect: timeout,
  tags,
  client_ca_tls_container_ref: ref255,
  client_authentication: { t: 'enum', values: ['NONE', 'OPTIONAL', 'MANDATORY'] } as Field,
  client_crl_container_ref: ref255,
  allowed_cidrs: { t: 'cidrs' } as Field,
  tls_ciphers: { t: 'str', max: 2048 } as Field,
  tls_versions: { t: 'strs', max: 32 } as Field,
  alpn_protocols: { t: 'alpns' } as Field,
};
const monitorCommon = {
  name: name255,
  http_method: { t: 'enum', values: HTTP_METHODS } as Field,
  url_path: { t: 'str' } as Field,
  expected_codes: { t: 'str', pattern: CODES } as Field,
  tags,
  http_version: { t: 'floatEnum', values: [1.0, 1.1] } as Field,
  domain_name: {
    t: 'str',
    min: 1,
    max: 255,
    pattern: '^(?=.{1,253}\\.?$)(?:(?!-|[^.]+_)[A-Za-z0-9-_]{1,63}(?<!-)(?:\\.|$))+$',
  } as Field,
};

export const BODIES = {
  loadbalancerPost: {
    arg: 'load_balancer',
    wrapper: 'loadbalancer',
    fields: {
      name: name255,
      description: name255,
      admin_state_up: { t: 'bool' },
      vip_address: { t: 'ip' },
      vip_port_id: { t: 'uuid' },
      vip_subnet_id: { t: 'uuid' },
      vip_network_id: { t: 'uuid' },
      vip_qos_policy_id: { t: 'uuid' },
      additional_vips: { t: 'list' },
      project_id: project,
      listeners: { t: 'list' },
      pools: { t: 'list' },
      provider: { t: 'str', max: 64 },
      tags,
      flavor_id: { t: 'uuid' },
      availability_zone: name255,
    },
  },
  loadbalancerPut: {
    arg: 'load_balancer',
    wrapper: 'loadbalancer',
    fields: {
      name: name255,
      description: name255,
      vip_qos_policy_id: { t: 'uuid' },
      admin_state_up: { t: 'bool' },
      tags,
    },
  },
  listenerPost: {
    arg: 'listener_',
    wrapper: 'listener',
    fields: {
      ...listenerCommon,
      admin_state_up: { t: 'bool' },
      protocol: { t: 'enum', values: LISTENER_PROTOCOLS, mandatory: true },
      protocol_port: { ...port, mandatory: true },
      connection_limit: { t: 'int', min: -1 },
      project_id: project,
      default_pool: { t: 'dict' },
      l7policies: { t: 'list' },
      loadbalancer_id: { t: 'uuid', mandatory: true },
    },
  },
  listenerPut: {
    arg: 'listener_',
    wrapper: 'listener',
    fields: {
      ...listenerCommon,
      admin_state_up: { t: 'bool' },
      connection_limit: { t: 'int', min: -1 },
    },
  },
  poolPost: {
    arg: 'pool_',
    wrapper: 'pool',
    fields: {
      name: name255,
      description: name255,
      admin_state_up: { t: 'bool' },
      listener_id: { t: 'uuid' },
      loadbalancer_id: { t: 'uuid' },
      protocol: { t: 'enum', values: POOL_PROTOCOLS, mandatory: true },
      lb_algorithm: { t: 'enum', values: ALGORITHMS, mandatory: true },
      session_persistence: sp(true),
      project_id: project,
      healthmonitor: { t: 'dict' },
      members: { t: 'list' },
      tags,
      ...tls,
      tls_enabled: { t: 'bool' },
    },
  },
  poolPut: {
    arg: 'pool_',
    wrapper: 'pool',
    fields: {
      name: name255,
      description: name255,
      admin_state_up: { t: 'bool' },
      lb_algorithm: { t: 'enum', values: ALGORITHMS },
      session_persistence: sp(false),
      tags,
      ...tls,
      tls_enabled: { t: 'bool' },
    },
  },
  memberPost: {
    arg: 'member_',
    wrapper: 'member',
    fields: {
      name: name255,
      admin_state_up: { t: 'bool' },
      address: { t: 'ip', mandatory: true },
      protocol_port: { ...port, mandatory: true },
      weight: { t: 'int', min: 0, max: 256 },
      backup: { t: 'bool' },
      subnet_id: { t: 'uuid' },
      project_id: project,
      monitor_port: port,
      monitor_address: { t: 'ip' },
      tags,
    },
  },
  /** PUT …/members: the batch update (MembersRootPUT), each member as a create reads it. */
  membersPut: {
    arg: 'members_',
    wrapper: 'members',
    fields: {
      name: name255,
      admin_state_up: { t: 'bool' },
      address: { t: 'ip', mandatory: true },
      protocol_port: { ...port, mandatory: true },
      weight: { t: 'int', min: 0, max: 256 },
      backup: { t: 'bool' },
      subnet_id: { t: 'uuid' },
      project_id: project,
      monitor_port: port,
      monitor_address: { t: 'ip' },
      tags,
    },
  },
  memberPut: {
    arg: 'member_',
    wrapper: 'member',
    fields: {
      name: name255,
      admin_state_up: { t: 'bool' },
      weight: { t: 'int', min: 0, max: 256 },
      backup: { t: 'bool' },
      monitor_port: port,
      monitor_address: { t: 'ip' },
      tags,
    },
  },
  monitorPost: {
    arg: 'health_monitor_',
    wrapper: 'healthmonitor',
    fields: {
      ...monitorCommon,
      type: { t: 'enum', values: MONITOR_TYPES, mandatory: true },
      delay: { t: 'int', min: 0, mandatory: true },
      timeout: { t: 'int', min: 0, mandatory: true },
      max_retries_down: { t: 'int', min: 1, max: 10 },
      max_retries: { t: 'int', min: 1, max: 10, mandatory: true },
      admin_state_up: { t: 'bool' },
      project_id: project,
      pool_id: { t: 'uuid', mandatory: true },
    },
  },
  monitorPut: {
    arg: 'health_monitor_',
    wrapper: 'healthmonitor',
    fields: {
      ...monitorCommon,
      delay: { t: 'int', min: 0 },
      timeout: { t: 'int', min: 0 },
      max_retries_down: { t: 'int', min: 1, max: 10 },
      max_retries: { t: 'int', min: 1, max: 10 },
      admin_state_up: { t: 'bool' },
    },
  },
  policyPost: {
    arg: 'l7policy_',
    wrapper: 'l7policy',
    fields: {
      name: name255,
      description: name255,
      admin_state_up: { t: 'bool' },
      project_id: project,
      action: { t: 'enum', values: ACTIONS, mandatory: true },
      redirect_pool_id: { t: 'uuid' },
      redirect_url: { t: 'str' },
      redirect_prefix: { t: 'str' },
      position: { t: 'int', min: 1, max: 2147483647 },
      listener_id: { t: 'uuid', mandatory: true },
      rules: { t: 'list' },
      tags,
      redirect_http_code: { t: 'intEnum', values: [301, 302, 303, 307, 308] },
    },
  },
  policyPut: {
    arg: 'l7policy_',
    wrapper: 'l7policy',
    fields: {
      name: name255,
      description: name255,
      admin_state_up: { t: 'bool' },
      action: { t: 'enum', values: ACTIONS },
      redirect_pool_id: { t: 'uuid' },
      redirect_url: { t: 'str' },
      redirect_prefix: { t: 'str' },
      position: { t: 'int', min: 1, max: 2147483647 },
      tags,
      redirect_http_code: { t: 'intEnum', values: [301, 302, 303, 307, 308] },
    },
  },
  rulePost: {
    arg: 'rule_',
    wrapper: 'rule',
    fields: {
      type: { t: 'enum', values: RULE_TYPES, mandatory: true },
      compare_type: { t: 'enum', values: COMPARE_TYPES, mandatory: true },
      key: { t: 'str', max: 255, pattern: '^[^\\r\\n]*$' },
      value: { t: 'str', max: 255, pattern: '^[^\\r\\n]*$', mandatory: true },
      invert: { t: 'bool' },
      admin_state_up: { t: 'bool' },
      project_id: project,
      tags,
    },
  },
  rulePut: {
    arg: 'l7rule_',
    wrapper: 'rule',
    fields: {
      type: { t: 'enum', values: RULE_TYPES },
      compare_type: { t: 'enum', values: COMPARE_TYPES },
      key: { t: 'str', max: 255, pattern: '^[^\\r\\n]*$' },
      value: { t: 'str', max: 255, pattern: '^[^\\r\\n]*$' },
      invert: { t: 'bool' },
      admin_state_up: { t: 'bool' },
      tags,
    },
  },
  quotaPut: {
    arg: 'quotas',
    wrapper: 'quota',
    fields: Object.fromEntries(
      [
        'loadbalancer',
        'load_balancer',
        'listener',
        'member',
        'pool',
        'healthmonitor',
        'health_monitor',
        'l7policy',
        'l7rule',
      ].map((k) => [k, { t: 'int', min: -1, max: 2000000000 } as Field]),
    ),
  },
} satisfies Record<string, BodySpec>;
