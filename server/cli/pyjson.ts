/**
 * Python 3.11's json.loads as the clients run it (the C scanner of Modules/_json.c): the value,
 * or the JSONDecodeError's text ("Expecting value: line 1 column 1 (char 0)"). Integers beyond
 * 2^53 lose precision here, where Python keeps them whole.
 */
import type { PyJson } from '../sim/python.js';

/**
 * What json.loads gave: the value, the JSONDecodeError's text (`message`), or a RecursionError's
 * (`fatal`: not a decoding error, so callers that catch those do not catch it).
 */
export type JsonLoads = { ok: true; value: PyJson } | { ok: false; message: string; fatal?: true };

class DecodeError extends Error {
  constructor(
    readonly msg: string,
    readonly pos: number,
  ) {
    super(msg);
  }
}

/**
 * The client's RecursionError: the nesting at which Python (its limit of 1,000 frames, less those
 * of the client below the scanner) gives up, found on the oracle: `openstack` parses 983
 * containers, not 984 (argparse's action); `neutron` 986, not 987 (args2body).
 */
export const OSC_JSON_DEPTH = 983;
export const NEUTRON_JSON_DEPTH = 986;

class TooDeep extends Error {
  constructor(readonly kind: 'array' | 'object') {
    super(`maximum recursion depth exceeded while decoding a JSON ${kind} from a unicode string`);
  }
}

/** StopIteration(idx) of the scanner: no value starts at idx ("Expecting value" at the top). */
class NoValue extends Error {
  constructor(readonly pos: number) {
    super('no value');
  }
}

const isWhite = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function hex4(s: string, at: number): number | null {
  const h = s.slice(at, at + 4);
  return /^[0-9a-fA-F]{4}$/.test(h) ? Number.parseInt(h, 16) : null;
}

/** scanstring: the text of a string whose opening quote is at end - 1, and where it ends. */
function scanString(s: string, end: number): [string, number] {
  const begin = end - 1;
  let out = '';
  for (;;) {
    let next = end;
    let c = '';
    for (; next < s.length; next++) {
      c = s[next] as string;
      if (c === '"' || c === '\\') break;
      if (c.charCodeAt(0) <= 0x1f) throw new DecodeError('Invalid control character at', next);
    }
    if (next >= s.length) throw new DecodeError('Unterminated string starting at', begin);
    out += s.slice(end, next);
    if (c === '"') return [out, next + 1];
    next++;
    if (next >= s.length) throw new DecodeError('Unterminated string starting at', begin);
    const esc = s[next] as string;
    if (esc !== 'u') {
      end = next + 1;
      const ch = ESCAPES[esc];
      if (ch === undefined) throw new DecodeError('Invalid \\escape', end - 2);
      out += ch;
      continue;
    }
    next++;
    end = next + 4;
    if (end >= s.length) throw new DecodeError('Invalid \\uXXXX escape', next - 1);
    let code = hex4(s, next);
    if (code === null) throw new DecodeError('Invalid \\uXXXX escape', end - 5);
    // A high surrogate followed by \u and a low one is one character.
    if (code >= 0xd800 && code <= 0xdbff && end + 6 < s.length && s[end] === '\\' && s[end + 1] === 'u') {
      const low = hex4(s, end + 2);
      if (low === null) throw new DecodeError('Invalid \\uXXXX escape', end + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + (((code - 0xd800) << 10) | (low - 0xdc00));
        end += 6;
      }
    }
    out += String.fromCodePoint(code);
  }
}

function skipWhite(s: string, i: number): number {
  while (isWhite(s[i])) i++;
  return i;
}

function scanOnce(s: string, idx: number, depth: number, max: number): [PyJson, number] {
  if (idx >= s.length) throw new NoValue(idx);
  const ch = s[idx];
  if (ch === '"') return scanString(s, idx + 1);
  if (ch === '{' || ch === '[') {
    if (depth >= max) throw new TooDeep(ch === '{' ? 'object' : 'array');
    return ch === '{' ? parseObject(s, idx + 1, depth + 1, max) : parseArray(s, idx + 1, depth + 1, max);
  }
  for (const [word, value] of [['null', null], ['true', true], ['false', false], ['NaN', Number.NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]] as const) {
    if (s.startsWith(word, idx)) return [value, idx + word.length];
  }
  return matchNumber(s, idx);
}

function matchNumber(s: string, start: number): [PyJson, number] {
  let idx = start;
  if (s[idx] === '-') {
    idx++;
    if (idx >= s.length) throw new NoValue(start);
  }
  if (s[idx] !== undefined && (s[idx] as string) >= '1' && (s[idx] as string) <= '9') {
    idx++;
    while (isDigit(s[idx])) idx++;
  } else if (s[idx] === '0') idx++;
  else throw new NoValue(start);
  let float = false;
  if (s[idx] === '.' && isDigit(s[idx + 1])) {
    float = true;
    idx += 2;
    while (isDigit(s[idx])) idx++;
  }
  if (idx < s.length - 1 && (s[idx] === 'e' || s[idx] === 'E')) {
    const eStart = idx;
    idx++;
    if (idx < s.length - 1 && (s[idx] === '-' || s[idx] === '+')) idx++;
    while (isDigit(s[idx])) idx++;
    if (!isDigit(s[idx - 1])) idx = eStart;
    else float = true;
  }
  const n = Number(s.slice(start, idx));
  // Python's int has no negative zero.
  return [!float && n === 0 ? 0 : n, idx];
}

function parseObject(s: string, idx: number, depth: number, max: number): [PyJson, number] {
  const out: Record<string, PyJson> = {};
  idx = skipWhite(s, idx);
  if (s[idx] !== '}') {
    for (;;) {
      if (s[idx] !== '"') throw new DecodeError('Expecting property name enclosed in double quotes', idx);
      const [key, afterKey] = scanString(s, idx + 1);
      idx = skipWhite(s, afterKey);
      if (s[idx] !== ':') throw new DecodeError("Expecting ':' delimiter", idx);
      idx = skipWhite(s, idx + 1);
      const [value, afterValue] = scanOnce(s, idx, depth, max);
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      idx = skipWhite(s, afterValue);
      if (s[idx] === '}') break;
      if (s[idx] !== ',') throw new DecodeError("Expecting ',' delimiter", idx);
      idx = skipWhite(s, idx + 1);
    }
  }
  return [out, idx + 1];
}

function parseArray(s: string, idx: number, depth: number, max: number): [PyJson, number] {
  const out: PyJson[] = [];
  idx = skipWhite(s, idx);
  if (s[idx] !== ']') {
    for (;;) {
      const [value, next] = scanOnce(s, idx, depth, max);
      out.push(value);
      idx = skipWhite(s, next);
      if (s[idx] === ']') break;
      if (s[idx] !== ',') throw new DecodeError("Expecting ',' delimiter", idx);
      idx = skipWhite(s, idx + 1);
    }
  }
  return [out, idx + 1];
}

/** JSONDecodeError's text: the message, then where (line and column count from 1). */
function where(s: string, msg: string, pos: number): string {
  const line = (s.slice(0, pos).match(/\n/g)?.length ?? 0) + 1;
  const col = pos - (pos === 0 ? -1 : s.lastIndexOf('\n', pos - 1));
  return `${msg}: line ${line} column ${col} (char ${pos})`;
}

/** json.loads(s) in a client whose stack leaves room for `maxDepth` nested containers. */
export function pyJsonLoads(s: string, maxDepth = OSC_JSON_DEPTH): JsonLoads {
  try {
    if (s.startsWith('\ufeff')) throw new DecodeError('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
    const start = skipWhite(s, 0);
    let value: PyJson;
    let end: number;
    try {
      [value, end] = scanOnce(s, start, 0, maxDepth);
    } catch (e) {
      if (e instanceof NoValue) throw new DecodeError('Expecting value', e.pos);
      throw e;
    }
    end = skipWhite(s, end);
    if (end !== s.length) throw new DecodeError('Extra data', end);
    return { ok: true, value };
  } catch (e) {
    if (e instanceof DecodeError) return { ok: false, message: where(s, e.msg, e.pos) };
    if (e instanceof TooDeep) return { ok: false, message: e.message, fatal: true };
    throw e;
  }
}

/** Python's type name of a JSON value (`'int' object is not iterable`). */
export function pyTypeName(v: PyJson): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  return Array.isArray(v) ? 'list' : 'dict';
}
