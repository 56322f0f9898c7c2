/**
 * Neutron's answers that are not resources: its error bodies (`{"NeutronError": …}`), webob's
 * pages for paths no controller routes, keystonemiddleware's 401, and the JSON spelling they share
 * (Python's json.dumps: ASCII only, and `", "`/`": "` between items unless compact).
 */
import type { SimError } from '../../errors.js';
import type { Json } from '../json.js';

/** One HTTP answer, ready to write. */
export interface Answer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

/** Python's json.dumps with ensure_ascii: every character past ASCII as a \uXXXX escape. */
function asciiOnly(text: string): string {
  return text.replace(/[\u007f-\uffff]/g, (ch) =>
    ch === '\u007f' ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Python's json.dumps of a value: `compact` is what Neutron's networks, subnets and ports
 * controllers send (no blanks); the rest of Neutron (and keystonemiddleware) uses the default
 * separators `", "` and `": "`.
 */
export function pyJson(value: Json, compact: boolean): string {
  if (compact) return asciiOnly(JSON.stringify(value));
  if (value === null || typeof value !== 'object') return asciiOnly(JSON.stringify(value));
  if (Array.isArray(value)) return `[${value.map((v) => pyJson(v, false)).join(', ')}]`;
  const items = Object.entries(value).map(
    ([k, v]) => `${asciiOnly(JSON.stringify(k))}: ${pyJson(v, false)}`,
  );
  return `{${items.join(', ')}}`;
}

/** Neutron's error body: the exception's class name, its message, an empty detail. */
export function neutronFault(status: number, type: string, message: string): Answer {
  return {
    status,
    contentType: 'application/json',
    body: pyJson({ NeutronError: { type, message, detail: '' } }, false),
  };
}

/**
 * The exception classes of the 404s the simulation raises with a generic type, by the start of
 * their message (neutron-lib's NotFound subclasses; "The resource could not be found." is the
 * router's or policy's own 404).
 */
const NOT_FOUND_TYPES: ReadonlyArray<[string, string]> = [
  ['The resource could not be found.', 'HTTPNotFound'],
  ['Subnet pool ', 'SubnetPoolNotFound'],
  ['Subnet ', 'SubnetNotFound'],
  ['Network ', 'NetworkNotFound'],
  ['Port ', 'PortNotFound'],
  ['Router ', 'RouterNotFound'],
  ['Address scope ', 'AddressScopeNotFound'],
  ['Security group rule ', 'SecurityGroupRuleNotFound'],
  ['Security group ', 'SecurityGroupNotFound'],
  ['Agent ', 'AgentNotFound'],
  ['Segment ', 'SegmentNotFound'],
  ['RBAC policy ', 'RbacPolicyNotFound'],
  ['Tag ', 'TagNotFound'],
];

/** The exception class Neutron names for a simulated error. */
function faultType(e: SimError): string {
  if (e.status === 404 && (e.type === 'NotFound' || e.type === '')) {
    return NOT_FOUND_TYPES.find(([prefix]) => e.message.startsWith(prefix))?.[1] ?? 'NotFound';
  }
  return e.type === '' ? 'NeutronException' : e.type;
}

/** A simulated Neutron error as the API sends it (webob's page for the extension controller's 404). */
export function simFault(e: SimError, accept: string | undefined): Answer {
  if (e.status === 404 && e.type === 'HTTPNotFound' && e.message.includes('<br /><br />'))
    return extensionNotFound(e.message, accept);
  return neutronFault(e.status, faultType(e), e.message);
}

/** The 404 of a resource that does not exist (or that the caller may not see), by collection. */
const SHOW_NOT_FOUND: Readonly<Record<string, (id: string) => [string, string]>> = {
  networks: (id) => ['NetworkNotFound', `Network ${id} could not be found.`],
  subnets: (id) => ['SubnetNotFound', `Subnet ${id} could not be found.`],
  subnetpools: (id) => ['SubnetPoolNotFound', `Subnet pool ${id} could not be found.`],
  'address-scopes': (id) => ['AddressScopeNotFound', `Address scope ${id} could not be found.`],
  'address-groups': (id) => ['AddressGroupNotFound', `Address group ${id} could not be found.`],
  ports: (id) => ['PortNotFound', `Port ${id} could not be found.`],
  routers: (id) => ['RouterNotFound', `Router ${id} could not be found`],
  floatingips: (id) => ['FloatingIPNotFound', `Floating IP ${id} could not be found`],
  'security-groups': (id) => ['SecurityGroupNotFound', `Security group ${id} does not exist`],
  'security-group-rules': (id) => [
    'SecurityGroupRuleNotFound',
    `Security group rule ${id} does not exist`,
  ],
  agents: (id) => ['AgentNotFound', `Agent ${id} could not be found.`],
  segments: (id) => ['SegmentNotFound', `Segment ${id} could not be found.`],
  'rbac-policies': (id) => [
    'RbacPolicyNotFound',
    `RBAC policy of type unknown with ID ${id} not found`,
  ],
  // The availability of a network is looked up as the network.
  'network-ip-availabilities': (id) => ['NetworkNotFound', `Network ${id} could not be found.`],
};

/** GET /v2.0/<collection>/<id> (or a marker) naming nothing the caller can see. */
export function resourceNotFound(collection: string, id: string): Answer {
  const make = SHOW_NOT_FOUND[collection];
  if (!make) return pathNotFound();
  const [type, message] = make(id);
  return neutronFault(404, type, message);
}

/** A path under /v2.0 that no controller routes (an unknown or unloaded resource). */
export function pathNotFound(): Answer {
  return neutronFault(404, 'HTTPNotFound', 'The resource could not be found.');
}

/** A method the collection does not route (PATCH…). */
export function methodNotAllowed(): Answer {
  return neutronFault(
    405,
    'HTTPMethodNotAllowed',
    'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  );
}

/** Neutron's answer when something failed on its side. */
export function internalError(): Answer {
  return neutronFault(
    500,
    'HTTPInternalServerError',
    'Request Failed: internal server error while processing your request.',
  );
}

/** webob's choice of page by Accept: HTML when it takes text/html (or anything), JSON when it asks for JSON only, else plain text. */
function webobFlavour(accept: string | undefined): 'html' | 'json' | 'plain' {
  const types = (accept ?? '').split(',').map((t) => (t.split(';')[0] ?? '').trim().toLowerCase());
  if (types.some((t) => t === 'text/html' || t === 'text/*' || t === '*/*')) return 'html';
  if (types.includes('application/json')) return 'json';
  return 'plain';
}

const EXPLANATION = 'The resource could not be found.';

/** webob's 404 page: `detail` is what follows the explanation's `<br /><br />\n` in the HTML body (the plain page puts blanks for its newlines). */
function webobNotFound(detail: string, accept: string | undefined, json: Json): Answer {
  const flavour = webobFlavour(accept);
  if (flavour === 'json')
    return { status: 404, contentType: 'application/json', body: pyJson(json, false) };
  if (flavour === 'plain')
    return {
      status: 404,
      contentType: 'text/plain; charset=UTF-8',
      body: `404 Not Found\n\n${EXPLANATION}\n\n ${detail.replace(/\n/g, ' ')} `,
    };
  const html = `<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  ${EXPLANATION}<br /><br />\n${detail}\n\n </body>\n</html>`;
  return { status: 404, contentType: 'text/html; charset=UTF-8', body: html };
}

/** A path outside /v2.0 (`/openstack/network/nosuch`): the root application's webob 404. */
export function rootNotFound(accept: string | undefined): Answer {
  return webobNotFound('\n', accept, { code: 404, title: 'Not Found', description: null });
}

/** GET /v2.0/extensions/ALIAS for an alias not loaded: the extension controller's webob 404, its message as the simulation words it. */
function extensionNotFound(message: string, accept: string | undefined): Answer {
  const detail = message
    .slice(message.indexOf('<br /><br />\n') + '<br /><br />\n'.length)
    .replace(/\n$/, '');
  return webobNotFound(detail, accept, { message, code: '404 Not Found', title: 'Not Found' });
}

/** keystonemiddleware's refusal of a request without a valid token, naming where to get one. */
export function unauthorized(identityUri: string): Answer {
  const body = {
    error: {
      code: 401,
      title: 'Unauthorized',
      message: 'The request you have made requires authentication.',
    },
  };
  return {
    status: 401,
    contentType: 'application/json; charset=UTF-8',
    body: pyJson(body, false),
    headers: { 'WWW-Authenticate': `Keystone uri="${identityUri}"` },
  };
}
