/**
 * PyYAML's safe_dump(data, default_flow_style=False) as cliff's YAML formatter calls it: block
 * style, keys sorted, YAML 1.1 implicit types quoted when a string would read as another type.
 */
import type { PyValue } from './pyvalue.js';

const RESOLVERS: RegExp[] = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

function plainAllowed(s: string): boolean {
  if (s === '') return false;
  if (/^\s|\s$/.test(s)) return false;
  if (/[\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s)) return false;
  if (/^[#,[\]{}&*!|>'"%@`]/.test(s)) return false;
  if (/^[-?:](\s|$)/.test(s)) return false;
  if (/: |:$| #/.test(s)) return false;
  if (s.startsWith('---') || s.startsWith('...')) return false;
  return !RESOLVERS.some((r) => r.test(s));
}

function scalar(v: PyValue): string {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v !== 'string') throw new Error('not a scalar');
  if (plainAllowed(v)) return v;
  if (/[\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(v)) return JSON.stringify(v);
  return `'${v.replace(/'/g, "''")}'`;
}

const isMap = (v: PyValue): v is { [k: string]: PyValue } => typeof v === 'object' && v !== null && !Array.isArray(v);

function sortedKeys(m: { [k: string]: PyValue }): string[] {
  return Object.keys(m).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function emit(v: PyValue, indent: number, out: string[], first: string | null): void {
  // `first` is the text already on the current line (e.g. "- "), if any.
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push(`${first ?? pad}[]`);
      return;
    }
    v.forEach((item, i) => {
      const lead = i === 0 && first !== null ? `${first}- ` : `${pad}- `;
      if (isMap(item) && Object.keys(item).length > 0) emitMap(item, indent + 2, out, lead);
      else if (Array.isArray(item) && item.length > 0) emit(item, indent + 2, out, lead);
      else out.push(`${lead}${Array.isArray(item) ? '[]' : isMap(item) ? '{}' : scalar(item)}`);
    });
    return;
  }
  if (isMap(v)) {
    if (Object.keys(v).length === 0) {
      out.push(`${first ?? pad}{}`);
      return;
    }
    emitMap(v, indent, out, first);
    return;
  }
  out.push(`${first ?? pad}${scalar(v)}`);
}

function emitMap(m: { [k: string]: PyValue }, indent: number, out: string[], first: string | null): void {
  const pad = ' '.repeat(indent);
  sortedKeys(m).forEach((k, i) => {
    const lead = i === 0 && first !== null ? first : pad;
    const val = m[k] as PyValue;
    const key = scalar(k);
    if (Array.isArray(val) && val.length > 0) {
      out.push(`${lead}${key}:`);
      // PyYAML writes a mapping's block sequence at the mapping's own indentation.
      emit(val, indent, out, null);
    } else if (isMap(val) && Object.keys(val).length > 0) {
      out.push(`${lead}${key}:`);
      emitMap(val, indent + 2, out, null);
    } else {
      out.push(`${lead}${key}: ${Array.isArray(val) ? '[]' : isMap(val) ? '{}' : scalar(val)}`);
    }
  });
}

export function safeDump(v: PyValue): string {
  const out: string[] = [];
  if (!Array.isArray(v) && !isMap(v)) return `${scalar(v)}\n...\n`;
  emit(v, 0, out, null);
  return `${out.join('\n')}\n`;
}
