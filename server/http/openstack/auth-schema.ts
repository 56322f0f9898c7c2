/**
 * Keystone's request-body checks (jsonschema's Draft 4 validator on keystone's schemas): the first
 * violation, in the words keystone answers with — `Invalid input for field 'PATH': MESSAGE` then
 * jsonschema's own account of it (the schema and the instance as Python's pprint writes them at
 * width 72). Schemas: a token request's `auth` (keystone/auth/schema.py `token_issue`) and an
 * application credential (keystone/application_credential/schema.py), Zed. Only the keywords
 * those schemas use are implemented.
 */

/**
 * A Draft 4 schema as Python holds the dict: keys in keystone's order, since jsonschema checks the
 * keywords (and `properties` their names) in that order and reports the first failure.
 */
type Schema = { [keyword: string]: unknown };

const STRING: Schema = { type: 'string' };
const DOMAIN: Schema = { type: 'object', properties: { id: STRING, name: STRING } };

/** `token_issue`. */
export const TOKEN_ISSUE: Schema = {
  type: 'object',
  properties: {
    identity: {
      type: 'object',
      properties: {
        methods: { type: 'array', items: STRING },
        password: {
          type: 'object',
          properties: {
            user: {
              type: 'object',
              properties: { id: STRING, name: STRING, password: STRING, domain: DOMAIN },
            },
          },
        },
        token: { type: 'object', properties: { id: STRING }, required: ['id'] },
      },
      required: ['methods'],
    },
    scope: {
      type: ['object', 'string'],
      properties: {
        project: { type: 'object', properties: { name: STRING, id: STRING, domain: DOMAIN } },
        domain: DOMAIN,
        'OS-TRUST:trust': { type: 'object', properties: { id: STRING } },
        system: { type: 'object', properties: { all: { type: 'boolean', enum: [true, false] } } },
      },
    },
  },
  required: ['identity'],
};

/** keystone/common/validation/parameter_types.py's `id_string` and `name`. */
const ID_STRING: Schema = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[a-zA-Z0-9-]+$',
};
const NAME: Schema = { type: 'string', minLength: 1, maxLength: 255, pattern: '[\\S]+' };

/** `application_credential_create` (`description` is nullable(parameter_types.description)). */
export const APP_CRED_CREATE: Schema = {
  type: 'object',
  properties: {
    name: NAME,
    description: { type: ['string', 'null'] },
    secret: { type: ['null', 'string'] },
    expires_at: { type: ['null', 'string'] },
    roles: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: ID_STRING, name: NAME },
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
      },
    },
    unrestricted: { type: 'boolean', enum: [true, false] },
    access_rules: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string', minLength: 0, maxLength: 225, pattern: '^\\/.*' },
          method: { type: 'string', pattern: '^(POST|GET|HEAD|PATCH|PUT|DELETE)$' },
          service: ID_STRING,
          id: ID_STRING,
        },
        additionalProperties: false,
      },
    },
  },
  required: ['name'],
  additionalProperties: true,
};

const codeUnitOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Python's repr of a str. */
function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\x${c.toString(16)}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's repr of a value json.loads returned (dict keys in their order; sorted, as pprint writes them). */
export function pyRepr(v: unknown, sorted = false): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return strRepr(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, sorted)).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>);
  if (sorted) entries.sort(([a], [b]) => codeUnitOrder(a, b));
  return `{${entries.map(([k, x]) => `${strRepr(k)}: ${pyRepr(x, sorted)}`).join(', ')}}`;
}

const WIDTH = 72;

/**
 * How many characters of `budget` are left after Python's repr of `v` (sorted keys), or -1 when it
 * does not fit: stops as soon as it overflows, so pformat stays linear on deep or wide values.
 */
function fits(v: unknown, budget: number): number {
  if (v === null || typeof v !== 'object') {
    const rep = typeof v === 'string' ? strRepr(v.slice(0, budget + 1)) : pyRepr(v);
    return [...rep].length <= budget ? budget - [...rep].length : -1;
  }
  let left = budget - 2;
  const items: Array<[string | null, unknown]> = Array.isArray(v)
    ? v.map((x) => [null, x])
    : Object.entries(v);
  for (const [i, [k, x]] of items.entries()) {
    if (i > 0) left -= 2;
    if (k !== null) left = fits(k, left) - 2;
    if (left < 0) return -1;
    left = fits(x, left);
    if (left < 0) return -1;
  }
  return left;
}

/** Python's pprint.pformat(v, width=72): sorted dict keys, containers broken over lines when too wide. */
export function pformat(v: unknown): string {
  const parts: string[] = [];
  const format = (x: unknown, indent: number, allowance: number): void => {
    if (x === null || typeof x !== 'object' || fits(x, WIDTH - indent - allowance) >= 0) {
      parts.push(pyRepr(x, true));
      return;
    }
    if (Array.isArray(x)) {
      parts.push('[');
      x.forEach((item, i) => {
        if (i > 0) parts.push(`,\n${' '.repeat(indent + 1)}`);
        format(item, indent + 1, i === x.length - 1 ? allowance + 1 : 1);
      });
      parts.push(']');
      return;
    }
    const entries = Object.entries(x as Record<string, unknown>).sort(([a], [b]) =>
      codeUnitOrder(a, b),
    );
    parts.push('{');
    entries.forEach(([k, item], i) => {
      if (i > 0) parts.push(`,\n${' '.repeat(indent + 1)}`);
      const key = strRepr(k);
      parts.push(`${key}: `);
      format(item, indent + 1 + [...key].length + 2, i === entries.length - 1 ? allowance + 1 : 1);
    });
    parts.push('}');
  };
  format(v, 0, 0);
  return parts.join('');
}

const isType = (v: unknown, t: unknown) =>
  t === 'object'
    ? typeof v === 'object' && v !== null && !Array.isArray(v)
    : t === 'array'
      ? Array.isArray(v)
      : t === 'string'
        ? typeof v === 'string'
        : t === 'boolean'
          ? typeof v === 'boolean'
          : t === 'null'
            ? v === null
            : false;

/** Python's `re.search` for the few patterns keystone uses (where `$` also matches before a final newline). */
const searches = (pattern: string, s: string) =>
  new RegExp(pattern.replace(/\$$/, '(?=\\n?$)'), 'u').test(s);
const pyLen = (s: string) => [...s].length;

interface Violation {
  message: string;
  keyword: string;
  schemaPath: Array<string | number>;
  path: Array<string | number>;
  schema: Schema;
  instance: unknown;
}

const asSchema = (v: unknown): Schema => (typeof v === 'object' && v !== null ? (v as Schema) : {});

/** The first failure jsonschema's Draft4Validator.validate raises for `v`, or null. */
function firstViolation(
  s: Schema,
  v: unknown,
  path: Array<string | number>,
  schemaPath: Array<string | number>,
): Violation | null {
  const at = (keyword: string, message: string): Violation => ({
    message,
    keyword,
    schemaPath: [...schemaPath, keyword],
    path,
    schema: s,
    instance: v,
  });
  const obj = isType(v, 'object') ? (v as Record<string, unknown>) : null;
  for (const [keyword, value] of Object.entries(s)) {
    if (keyword === 'type') {
      const types = Array.isArray(value) ? value : [value];
      if (!types.some((t) => isType(v, t)))
        return at(keyword, `${pyRepr(v)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}`);
    } else if (keyword === 'enum' && Array.isArray(value)) {
      if (!value.includes(v)) return at(keyword, `${pyRepr(v)} is not one of ${pyRepr(value)}`);
    } else if (typeof v === 'string' && keyword === 'minLength') {
      if (pyLen(v) < Number(value)) return at(keyword, `${pyRepr(v)} is too short`);
    } else if (typeof v === 'string' && keyword === 'maxLength') {
      if (pyLen(v) > Number(value)) return at(keyword, `${pyRepr(v)} is too long`);
    } else if (typeof v === 'string' && keyword === 'pattern') {
      if (!searches(String(value), v))
        return at(keyword, `${pyRepr(v)} does not match ${pyRepr(value)}`);
    } else if (keyword === 'items' && Array.isArray(v)) {
      for (const [i, item] of v.entries()) {
        const bad = firstViolation(asSchema(value), item, [...path, i], [...schemaPath, 'items']);
        if (bad) return bad;
      }
    } else if (obj && keyword === 'properties') {
      for (const [k, sub] of Object.entries(asSchema(value)))
        if (Object.hasOwn(obj, k)) {
          const bad = firstViolation(
            asSchema(sub),
            obj[k],
            [...path, k],
            [...schemaPath, 'properties', k],
          );
          if (bad) return bad;
        }
    } else if (obj && keyword === 'required' && Array.isArray(value)) {
      for (const k of value)
        if (!Object.hasOwn(obj, String(k)))
          return at(keyword, `${pyRepr(k)} is a required property`);
    } else if (obj && keyword === 'minProperties') {
      if (Object.keys(obj).length < Number(value))
        return at(keyword, `${pyRepr(v)} does not have enough properties`);
    } else if (obj && keyword === 'maxProperties') {
      if (Object.keys(obj).length > Number(value))
        return at(keyword, `${pyRepr(v)} has too many properties`);
    } else if (obj && keyword === 'additionalProperties' && value === false) {
      const known = asSchema(s['properties']);
      const extra = Object.keys(obj).filter((k) => !Object.hasOwn(known, k));
      if (extra.length > 0)
        return at(
          keyword,
          `Additional properties are not allowed (${extra.map((k) => pyRepr(k)).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`,
        );
    }
  }
  return null;
}

const indexed = (word: string, at: Array<string | number>) =>
  `${word}${at.map((i) => `[${pyRepr(i)}]`).join('')}`;
const indent = (text: string) => text.replaceAll('\n', `\n${' '.repeat(4)}`);

/**
 * The message keystone's SchemaValidationError carries for `instance`, or null when it passes
 * (keystone/common/validation/validators.py: the field's path when there is one, then jsonschema's text).
 */
export function schemaViolation(schema: Schema, instance: unknown): string | null {
  const bad = firstViolation(schema, instance, [], []);
  if (!bad) return null;
  const text = [
    bad.message,
    '',
    `Failed validating ${pyRepr(bad.keyword)} in ${indexed('schema', bad.schemaPath.slice(0, -1))}:`,
    `    ${indent(pformat(bad.schema))}`,
    '',
    `On ${indexed('instance', bad.path)}:`,
    `    ${indent(pformat(bad.instance))}`,
  ].join('\n');
  return bad.path.length > 0 ? `Invalid input for field '${bad.path.join('/')}': ${text}` : text;
}
