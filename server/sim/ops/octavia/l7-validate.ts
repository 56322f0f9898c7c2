/**
 * Octavia's L7 rule validation (common/validate.py l7rule_data): which compare types a rule type
 * takes, and which characters keys and values may hold (RFC 7230 header names and values, RFC
 * 6265 cookie values), with its messages ("Error parsing L7Rule: …").
 */
import { octaviaError } from './common.js';

const HEADER_NAME = /^[a-zA-Z0-9!#$%&'*+-.^_`|~]+$/;
const COOKIE_VALUE = /^[a-zA-Z0-9!#$%&'()*+-./:<=>?@[\]^_`{|}~]+$/;
const HEADER_VALUE = /^[a-zA-Z0-9!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~\\]+$/;
const QUOTED_HEADER_VALUE = /^"[a-zA-Z0-9 \t!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~\\]*"$/;
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

function fail(message: string): never {
  throw octaviaError(400, `Error parsing L7Rule: ${message}`);
}

function invalidRule(msg: string): never {
  return fail(`Invalid L7 Rule: ${msg}`);
}

function checkChars(re: RegExp, v: string, what: string, alt?: RegExp): void {
  if (!re.test(v) && !(alt?.test(v) ?? false)) fail(`Invalid characters in ${what}`);
}

/**
 * Python's re.compile errors for what learners mistype most (an unclosed `[` or `(`, a stray `)`,
 * a quantifier with nothing before it); anything else JavaScript refuses gets a generic reason.
 */
function checkRegex(v: string): void {
  if (CONTROL.test(v)) fail('Unable to parse regular expression: contains control characters');
  const open: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    if (ch === '\\') {
      i++;
    } else if (ch === '[') {
      const close = v.indexOf(']', i + 2);
      if (close < 0) fail(`Unable to parse regular expression: unterminated character set at position ${i}`);
      i = close;
    } else if (ch === '(') {
      open.push(i);
    } else if (ch === ')') {
      if (open.pop() === undefined) fail(`Unable to parse regular expression: unbalanced parenthesis at position ${i}`);
    } else if ((ch === '*' || ch === '+' || ch === '?') && (i === 0 || v[i - 1] === '(' || v[i - 1] === '|')) {
      fail(`Unable to parse regular expression: nothing to repeat at position ${i}`);
    }
  }
  const unclosed = open.pop();
  if (unclosed !== undefined) fail(`Unable to parse regular expression: missing ), unterminated subpattern at position ${unclosed}`);
  try {
    new RegExp(v);
  } catch {
    fail('Unable to parse regular expression: invalid expression');
  }
}

const EXACT = ['STARTS_WITH', 'ENDS_WITH', 'CONTAINS', 'EQUAL_TO'];

/** l7rule_data: a value, a key where the type needs one, and values each compare type allows. */
export function checkL7Rule(type: string, compareType: string, key: string | null, value: string): void {
  if (value === '') invalidRule('L7 rule type requires a value');
  const valueCheck = (exact: () => void): void => {
    if (compareType === 'REGEX') checkRegex(value);
    else if (EXACT.includes(compareType)) exact();
    else invalidRule('invalid comparison type for rule type');
  };
  switch (type) {
    case 'HEADER':
      if (!key) invalidRule('L7 rule type requires a key');
      checkChars(HEADER_NAME, key, 'key');
      valueCheck(() => checkChars(HEADER_VALUE, value, 'header value', QUOTED_HEADER_VALUE));
      return;
    case 'COOKIE':
      if (!key) invalidRule('L7 rule type requires a key');
      checkChars(HEADER_NAME, key, 'key');
      valueCheck(() => checkChars(COOKIE_VALUE, value, 'cookie value'));
      return;
    case 'HOST_NAME':
    case 'PATH':
      valueCheck(() => checkChars(HEADER_VALUE, value, 'comparison value', QUOTED_HEADER_VALUE));
      return;
    case 'FILE_TYPE':
      if (compareType === 'REGEX') checkRegex(value);
      else if (compareType === 'EQUAL_TO') checkChars(HEADER_VALUE, value, 'comparison value', QUOTED_HEADER_VALUE);
      else invalidRule('invalid comparison type for rule type');
      return;
    case 'SSL_CONN_HAS_CERT':
    case 'SSL_VERIFY_RESULT':
    case 'SSL_DN_FIELD':
      sslRule(type, compareType, key, value);
      return;
    default:
      return;
  }
}

/** validate_l7rule_ssl_types: what a rule on the client's certificate may say (the last message found wins). */
function sslRule(type: string, compareType: string, key: string | null, value: string): void {
  const equalTo = `L7rule type ${type} only supports the EQUAL_TO compare type.`;
  let msg: string | null = null;
  if (type === 'SSL_CONN_HAS_CERT') {
    if (key) msg = `L7rule type ${type} does not use the "key" field.`;
    else if (value.toLowerCase() !== 'true') msg = `L7rule value ${value} is not a boolean True string.`;
    else if (compareType !== 'EQUAL_TO') msg = equalTo;
  } else if (type === 'SSL_VERIFY_RESULT') {
    if (key) msg = `L7rule type ${type} does not use the "key" field.`;
    // Python's str.isdigit: digits only (then int() >= 0 always holds).
    else if (!/^[0-9]+$/.test(value)) msg = `L7rule type ${type} needs a int value, which is >= 0`;
    else if (compareType !== 'EQUAL_TO') msg = equalTo;
  } else {
    if (compareType === 'REGEX') checkRegex(value);
    if (!key || !value) msg = `L7rule type ${type} needs to specify a key and a value.`;
    else if (!/^([a-zA-Z][A-Za-z0-9-]*)$/.test(key)) msg = 'Invalid L7rule distinguished name field.';
  }
  if (msg !== null) invalidRule(msg);
}
