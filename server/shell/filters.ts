/** The text filters learners pipe into: grep, head, tail, wc, sort, uniq, cut, less/more, cat. */

export interface FilterResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const done = (stdout: string, exitCode = 0): FilterResult => ({ stdout, stderr: '', exitCode });
const err = (stderr: string, exitCode = 2): FilterResult => ({ stdout: '', stderr, exitCode });

function lines(text: string): string[] {
  if (text === '') return [];
  const ls = text.split('\n');
  if (ls[ls.length - 1] === '') ls.pop();
  return ls;
}

const join = (ls: string[]) => (ls.length ? `${ls.join('\n')}\n` : '');

/** Translates a basic (BRE) pattern to a JS regex: in BRE `+ ? | ( ) { }` are literal unless escaped. */
function breToRegex(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '\\' && i + 1 < p.length) {
      const n = p[i + 1] as string;
      out += '+?|(){}'.includes(n) ? n : `\\${n}`;
      i++;
    } else if ('+?|(){}'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

function grep(args: string[], input: string): FilterResult {
  let invert = false;
  let ignore = false;
  let extended = false;
  let count = false;
  let number = false;
  let word = false;
  let only = false;
  let quiet = false;
  const patterns: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-e') {
      const p = args[++i];
      if (p === undefined) return err("grep: option requires an argument -- 'e'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
      patterns.push(p);
    } else if (/^-[a-zA-Z]+$/.test(a)) {
      for (const f of a.slice(1)) {
        if (f === 'v') invert = true;
        else if (f === 'i') ignore = true;
        else if (f === 'E') extended = true;
        else if (f === 'c') count = true;
        else if (f === 'n') number = true;
        else if (f === 'w') word = true;
        else if (f === 'o') only = true;
        else if (f === 'q') quiet = true;
        else if (f === 'F' || f === 'G' || f === 's' || f === 'H' || f === 'h') continue;
        else return err(`grep: invalid option -- '${f}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`);
      }
    } else if (patterns.length === 0) patterns.push(a);
    else files.push(a);
  }
  if (patterns.length === 0) return err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
  if (files.length > 0) return err(`grep: ${files[0]}: No such file or directory\n`);
  let re: RegExp;
  try {
    const src = patterns.map((p) => (extended ? p : breToRegex(p))).map((p) => (word ? `\\b(?:${p})\\b` : p));
    re = new RegExp(src.join('|'), ignore ? 'gi' : 'g');
  } catch {
    return err('grep: Unmatched ( or \\(\n');
  }
  const out: string[] = [];
  let matched = 0;
  lines(input).forEach((l, idx) => {
    re.lastIndex = 0;
    const hit = re.test(l);
    if (hit === invert) return;
    matched++;
    if (only && !invert) {
      re.lastIndex = 0;
      for (const m of l.matchAll(re)) out.push(number ? `${idx + 1}:${m[0]}` : m[0]);
    } else out.push(number ? `${idx + 1}:${l}` : l);
  });
  if (quiet) return done('', matched > 0 ? 0 : 1);
  if (count) return done(`${matched}\n`, matched > 0 ? 0 : 1);
  return done(join(out), matched > 0 ? 0 : 1);
}

function countArg(args: string[], name: string): { n: number; fromStart?: boolean } | FilterResult {
  let n = 10;
  let fromStart = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    let v: string | undefined;
    if (a === '-n') v = args[++i];
    else if (a.startsWith('-n')) v = a.slice(2);
    else if (/^-\d+$/.test(a)) v = a.slice(1);
    else return err(`${name}: cannot open '${a}' for reading: No such file or directory\n`, 1);
    if (v === undefined || !/^[+-]?\d+$/.test(v)) return err(`${name}: invalid number of lines: '${v ?? ''}'\n`, 1);
    if (v.startsWith('+')) fromStart = true;
    n = Math.abs(Number(v));
  }
  return { n, fromStart };
}

function head(args: string[], input: string): FilterResult {
  const c = countArg(args, 'head');
  if ('exitCode' in c) return c;
  return done(join(lines(input).slice(0, c.n)));
}

function tail(args: string[], input: string): FilterResult {
  const c = countArg(args, 'tail');
  if ('exitCode' in c) return c;
  const ls = lines(input);
  return done(join(c.fromStart ? ls.slice(Math.max(0, c.n - 1)) : c.n === 0 ? [] : ls.slice(-c.n)));
}

function wc(args: string[], input: string): FilterResult {
  const l = (input.match(/\n/g) ?? []).length;
  const w = input.split(/\s+/).filter((x) => x !== '').length;
  const c = new TextEncoder().encode(input).length;
  const flags = args.filter((a) => a.startsWith('-')).join('');
  const want = { l: flags.includes('l'), w: flags.includes('w'), c: flags.includes('c') || flags.includes('m') };
  if (!want.l && !want.w && !want.c) return done(`${String(l).padStart(7)} ${String(w).padStart(7)} ${String(c).padStart(7)}\n`);
  const parts = [want.l ? l : null, want.w ? w : null, want.c ? c : null].filter((x): x is number => x !== null);
  return done(parts.length === 1 ? `${parts[0]}\n` : `${parts.map((x) => String(x).padStart(7)).join(' ')}\n`);
}

function sort(args: string[], input: string): FilterResult {
  const flags = args.filter((a) => a.startsWith('-')).join('');
  let ls = lines(input);
  if (flags.includes('n')) ls.sort((a, b) => Number.parseFloat(a) - Number.parseFloat(b) || (a < b ? -1 : a > b ? 1 : 0));
  else ls.sort((a, b) => a.localeCompare(b, 'en', { sensitivity: flags.includes('f') ? 'base' : 'variant' }));
  if (flags.includes('r')) ls.reverse();
  if (flags.includes('u')) ls = ls.filter((l, i) => i === 0 || l !== ls[i - 1]);
  return done(join(ls));
}

function uniq(args: string[], input: string): FilterResult {
  const ls = lines(input);
  const groups: Array<[string, number]> = [];
  for (const l of ls) {
    const last = groups[groups.length - 1];
    if (last && last[0] === l) last[1]++;
    else groups.push([l, 1]);
  }
  if (args.includes('-c')) return done(join(groups.map(([l, n]) => `${String(n).padStart(7)} ${l}`)));
  return done(join(groups.map(([l]) => l)));
}

function cut(args: string[], input: string): FilterResult {
  let delim = '\t';
  let fields: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-d') delim = args[++i] ?? '\t';
    else if (a.startsWith('-d')) delim = a.slice(2);
    else if (a === '-f' || a.startsWith('-f')) {
      const spec = a === '-f' ? (args[++i] ?? '') : a.slice(2);
      fields = spec.split(',').flatMap((r) => {
        const [lo, hi] = r.split('-');
        const from = Number(lo || 1);
        const to = hi === undefined ? from : hi === '' ? 1000 : Number(hi);
        return Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => from + k);
      });
    }
  }
  if (fields.length === 0) return err('cut: you must specify a list of bytes, characters, or fields\nTry \'cut --help\' for more information.\n', 1);
  return done(join(lines(input).map((l) => (l.includes(delim) ? l.split(delim).filter((_, i) => fields.includes(i + 1)).join(delim) : l))));
}

/** Runs a filter on piped input; null when `name` is not one of them. */
export function runFilter(name: string, args: string[], input: string): FilterResult | null {
  switch (name) {
    case 'grep':
      return grep(args, input);
    case 'egrep':
      return grep(['-E', ...args], input);
    case 'head':
      return head(args, input);
    case 'tail':
      return tail(args, input);
    case 'wc':
      return wc(args, input);
    case 'sort':
      return sort(args, input);
    case 'uniq':
      return uniq(args, input);
    case 'cut':
      return cut(args, input);
    case 'less':
    case 'more':
    case 'cat':
      return args.length === 0 ? done(input) : null;
    default:
      return null;
  }
}

export const FILTERS = ['grep', 'egrep', 'head', 'tail', 'wc', 'sort', 'uniq', 'cut', 'less', 'more'];
