/**
 * PyYAML's safe_dump(data, default_flow_style=False) as cliff's YAML formatter calls it: block
 * style, mapping keys sorted, width 80, no unicode (non-ASCII goes double-quoted as \xE9/\u4E2D),
 * and the emitter's choice between plain, 'single' and "double" quoted scalars.
 */
import { pyFloatRepr, type PyValue } from './pyvalue.js';

// PyYAML's implicit resolvers (YAML 1.1): a plain scalar matching one of these would not read back as a string.
const RESOLVERS: RegExp[] = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

const BEST_WIDTH = 80;
const BREAKS = '\n\x85\u2028\u2029';
const WS = '\0 \t\r\n\x85\u2028\u2029';
const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\t': 't',
  '\n': 'n',
  '\x0b': 'v',
  '\x0c': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

type Style = 'plain' | 'single' | 'double';

/** The emitter's analyze_scalar + choose_scalar_style (block context, allow_unicode=False). */
function chooseStyle(s: string, simpleKey: boolean): Style {
  if (s === '') return 'single';
  const chars = Array.from(s);
  let blockInd = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  if (s.startsWith('---') || s.startsWith('...')) blockInd = true;
  let precededByWs = true;
  let followedByWs = chars.length === 1 || WS.includes(chars[1] as string);
  chars.forEach((ch, i) => {
    if (i === 0) {
      // (Flow indicators matter only in flow style, which safe_dump(default_flow_style=False) never uses.)
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockInd = true;
      if ((ch === '?' || ch === ':') && followedByWs) blockInd = true;
      if (ch === '-' && followedByWs) blockInd = true;
    } else {
      if (ch === ':' && followedByWs) blockInd = true;
      if (ch === '#' && precededByWs) blockInd = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const cp = ch.codePointAt(0) ?? 0;
    if (!(ch === '\n' || (cp >= 0x20 && cp <= 0x7e))) special = true; // no allow_unicode: anything else is escaped
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = prevBreak = false;
    }
    precededByWs = WS.includes(ch);
    followedByWs = i + 2 >= chars.length || WS.includes(chars[i + 2] as string);
  });
  let plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak);
  let single = true;
  if (breakSpace) plain = single = false;
  if (spaceBreak || special) plain = single = false;
  if (lineBreaks) plain = false;
  if (blockInd) plain = false;
  const multiline = lineBreaks;
  if (plain && !(simpleKey && multiline) && !RESOLVERS.some((r) => r.test(s))) return 'plain';
  if (single && !(simpleKey && multiline)) return 'single';
  return 'double';
}

/** A tiny model of PyYAML's Emitter output state (column, whitespace, indention). */
class Writer {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;

  write(s: string): void {
    this.out += s;
    this.column += Array.from(s).length;
  }

  lineBreak(): void {
    this.out += '\n';
    this.column = 0;
    this.whitespace = true;
    this.indention = true;
  }

  indent(indent: number): void {
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.lineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
    }
  }

  indicator(ind: string, needWhitespace: boolean, indention = false): void {
    this.write(this.whitespace || !needWhitespace ? ind : ` ${ind}`);
    this.whitespace = false;
    this.indention = this.indention && indention;
  }

  plain(text: string, indent: number, split: boolean): void {
    if (text === '') return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    const chars = Array.from(text);
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.indent(indent);
            this.whitespace = false;
            this.indention = false;
          } else this.write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (ch === undefined || ch === ' ') {
        this.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== undefined) spaces = ch === ' ';
    }
  }

  single(text: string, indent: number, split: boolean): void {
    this.indicator("'", true);
    const chars = Array.from(text);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (spaces) {
        if (ch !== ' ') {
          if (
            start + 1 === end &&
            this.column > BEST_WIDTH &&
            split &&
            start !== 0 &&
            end !== chars.length
          )
            this.indent(indent);
          else this.write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.lineBreak();
          for (const br of chars.slice(start, end)) {
            if (br === '\n') this.lineBreak();
            else {
              this.out += br;
              this.column = 0;
              this.whitespace = this.indention = true;
            }
          }
          this.indent(indent);
          start = end;
        }
      } else if (ch === undefined || ch === ' ' || BREAKS.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(chars.slice(start, end).join(''));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.indicator("'", false);
  }

  double(text: string, indent: number, split: boolean): void {
    this.indicator('"', true);
    const chars = Array.from(text);
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      const cp = ch === undefined ? 0 : (ch.codePointAt(0) ?? 0);
      if (
        ch === undefined ||
        '"\\\x85\u2028\u2029\ufeff'.includes(ch) ||
        !(cp >= 0x20 && cp <= 0x7e)
      ) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''));
          start = end;
        }
        if (ch !== undefined) {
          const hex = cp.toString(16).toUpperCase();
          const esc = ESCAPES[ch];
          if (esc !== undefined) this.write(`\\${esc}`);
          else if (cp <= 0xff) this.write(`\\x${hex.padStart(2, '0')}`);
          else if (cp <= 0xffff) this.write(`\\u${hex.padStart(4, '0')}`);
          else this.write(`\\U${hex.padStart(8, '0')}`);
          start = end + 1;
        }
      }
      if (
        end > 0 &&
        end < chars.length - 1 &&
        (ch === ' ' || start >= end) &&
        this.column + (end - start) > BEST_WIDTH &&
        split
      ) {
        this.write(`${chars.slice(start, end).join('')}\\`);
        if (start < end) start = end;
        this.indent(indent);
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') this.write('\\');
      }
    }
    this.indicator('"', false);
  }

  /** A string scalar; `indent` is where folded continuation lines start. */
  str(text: string, indent: number, simpleKey: boolean): void {
    const split = !simpleKey;
    switch (chooseStyle(text, simpleKey)) {
      case 'plain':
        this.plain(text, indent, split);
        break;
      case 'single':
        this.single(text, indent, split);
        break;
      default:
        this.double(text, indent, split);
    }
  }
}

/** How PyYAML's SafeRepresenter spells non-string scalars. */
function scalarText(v: null | boolean | number, float: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Number.isInteger(v) && !float) return String(v);
  if (Number.isNaN(v)) return '.nan';
  if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
  const r = pyFloatRepr(v).toLowerCase();
  return !r.includes('.') && r.includes('e') ? r.replace('e', '.0e') : r;
}

type PyMap = { [k: string]: PyValue };
const isMap = (v: PyValue): v is PyMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: PyValue): boolean =>
  Array.isArray(v) ? v.length === 0 : isMap(v) && Object.keys(v).length === 0;

/** Dict keys whose numbers are Python floats (a JS number cannot say so; see pyRepr). */
type FloatKeys = ReadonlySet<string> | undefined;

function scalar(w: Writer, v: PyValue, indent: number, float = false): void {
  if (Array.isArray(v)) w.indicator('[]', true);
  else if (isMap(v)) w.indicator('{}', true);
  else if (typeof v === 'string') w.str(v, indent, false);
  else w.plain(scalarText(v, float), indent, true);
}

function sequence(w: Writer, seq: PyValue[], indent: number, floats: FloatKeys): void {
  for (const item of seq) {
    w.indent(indent);
    w.indicator('-', true, true);
    node(w, item, indent + 2, floats);
  }
}

function mapping(w: Writer, m: PyMap, indent: number, floats: FloatKeys): void {
  // safe_dump sorts keys (sort_keys=True).
  for (const k of Object.keys(m).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    w.indent(indent);
    w.str(k, indent, true);
    w.indicator(':', false);
    const v = m[k] as PyValue;
    // A block sequence under a mapping key is written at the key's own indentation.
    if (Array.isArray(v) && v.length > 0) sequence(w, v, indent, floats);
    else node(w, v, indent + 2, floats, floats?.has(k) ?? false);
  }
}

/** `indent` is the indentation a nested collection (or folded text) would get here. */
function node(w: Writer, v: PyValue, indent: number, floats: FloatKeys, float = false): void {
  if (isEmpty(v) || !(Array.isArray(v) || isMap(v))) scalar(w, v, indent, float);
  else if (Array.isArray(v)) sequence(w, v, indent, floats);
  else mapping(w, v, indent, floats);
}

/** One YAML document, as `yaml.safe_dump(v, default_flow_style=False)` returns it. */
export function safeDump(v: PyValue, floatKeys?: ReadonlySet<string>): string {
  const w = new Writer();
  if (Array.isArray(v) && v.length > 0) sequence(w, v, 0, floatKeys);
  else if (isMap(v) && !isEmpty(v)) mapping(w, v, 0, floatKeys);
  else {
    scalar(w, v, 0);
    // A lone scalar document gets an explicit end marker.
    if (!isEmpty(v)) {
      w.lineBreak();
      w.write('...');
    }
  }
  w.lineBreak();
  return w.out;
}
