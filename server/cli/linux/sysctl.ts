/**
 * `sysctl` as procps-ng 4.0.2 prints it (checked on this machine in `unshare -n`): reads, writes
 * (`-w` or `key=value`) that change the simulated kernel, -a/-n/-N/-e/-q/-b/-r/--dry-run, and
 * its errors and exit codes. Only the parameters Stacklab models exist (see sim/dataplane/sysctl.ts).
 */
import type { Cloud } from '../../sim/model/cloud.js';
import { RE2JS } from 're2js';
import { linearPattern } from '../pattern.js';
import { sysctlRead, sysctlTable, sysctlWrite, type SysctlPlace } from '../../sim/dataplane/sysctl.js';
import type { CommandOutput } from '../../render/output.js';

export interface SysctlResult extends CommandOutput { cloud?: Cloud }

const USAGE = `
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
      --dry-run        Print the key and values but do not write
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
      --system         read values from all system directories
  -r, --pattern <expression>
                       select setting that match expression
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing
  -d                   alias of -h

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see sysctl(8).
`;

const NO_VARIABLES = "sysctl: no variables specified\nTry `sysctl --help' for more information.\n";

interface Flags {
  all: boolean; binary: boolean; ignore: boolean; names: boolean; values: boolean;
  quiet: boolean; write: boolean; dryRun: boolean; load: boolean; pattern: RE2JS | null;
}

/** No position is both a word boundary and not one. */
const NOTHING = RE2JS.compile('\\b\\B');

/**
 * `-r`'s pattern, matched in linear time (re2js, never a backtracking RegExp); one that does not
 * compile matches nothing, as when sysctl's regcomp fails, and so does one too large to compile.
 */
function compilePattern(v: string): RE2JS {
  return linearPattern(v) ?? NOTHING;
}

type Parsed = { flags: Flags; operands: string[] } | { out: SysctlResult };

const LONG: Record<string, string> = {
  '--all': 'a', '--binary': 'b', '--ignore': 'e', '--names': 'N', '--values': 'n', '--quiet': 'q',
  '--write': 'w', '--help': 'h', '--version': 'V', '--load': 'p', '--system': 'p', '--deprecated': 'o', '--dry-run': 'D',
};

/** getopt_long as sysctl uses it: options anywhere, short ones bundled, -r/--pattern take a value. */
function parse(argv: string[]): Parsed {
  const f: Flags = { all: false, binary: false, ignore: false, names: false, values: false, quiet: false, write: false, dryRun: false, load: false, pattern: null };
  const operands: string[] = [];
  const bad = (msg: string): Parsed => ({ out: { stdout: USAGE, stderr: msg, exitCode: 0 } });
  const setPattern = (v: string | undefined): Parsed | null => {
    if (v === undefined) return bad("sysctl: option requires an argument -- 'r'\n");
    f.pattern = compilePattern(v);
    return null;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') { operands.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--')) {
      const [name, value] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (name === '--pattern') {
        const r = setPattern(value ?? argv[++i]);
        if (r) return r;
        continue;
      }
      const c = LONG[name];
      if (!c) return bad(`sysctl: unrecognized option '${a}'\n`);
      if (c === 'h') return { out: { stdout: USAGE, stderr: '', exitCode: 0 } };
      if (c === 'V') return { out: { stdout: 'sysctl from procps-ng 4.0.2\n', stderr: '', exitCode: 0 } };
      if (c === 'D') f.dryRun = true;
      else if (c !== 'o') applyShort(f, c);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const c = a[k] ?? '';
        if (c === 'r') {
          const r = setPattern(k + 1 < a.length ? a.slice(k + 1) : argv[++i]);
          if (r) return r;
          break;
        }
        if (c === 'h' || c === 'd') return { out: { stdout: USAGE, stderr: '', exitCode: 0 } };
        if (c === 'V') return { out: { stdout: 'sysctl from procps-ng 4.0.2\n', stderr: '', exitCode: 0 } };
        if (c === 'p' || c === 'f') {
          // -p takes an optional file, glued to the flag.
          f.load = true;
          break;
        }
        if (!'aAXbeNnqwox'.includes(c)) return bad(`sysctl: invalid option -- '${c}'\n`);
        applyShort(f, c);
      }
      continue;
    }
    operands.push(a);
  }
  return { flags: f, operands };
}

function applyShort(f: Flags, c: string): void {
  if (c === 'a' || c === 'A' || c === 'X') f.all = true;
  else if (c === 'b') f.binary = true;
  else if (c === 'e') f.ignore = true;
  else if (c === 'N') f.names = true;
  else if (c === 'n') f.values = true;
  else if (c === 'q') f.quiet = true;
  else if (c === 'w') f.write = true;
  else if (c === 'p') f.load = true;
}

/** One `key = value` line as the flags want it. */
function line(f: Flags, key: string, value: string): string {
  if (f.names) return `${key}\n`;
  if (f.values) return f.binary ? value : `${value}\n`;
  return f.binary ? value : `${key} = ${value}\n`;
}

const statError = (key: string) => `sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory\n`;

export function runSysctl(cloud: Cloud, place: SysctlPlace, argv: string[]): SysctlResult {
  if (argv.length === 0) return { stdout: '', stderr: USAGE, exitCode: 1 };
  const p = parse(argv);
  if ('out' in p) return p.out;
  const { flags: f, operands } = p;
  if (f.load) return { stdout: '', stderr: '', exitCode: 0 }; // /etc/sysctl.conf sets nothing on this node
  if (f.all) {
    const rows = sysctlTable(cloud, place).filter(([k]) => !f.pattern || f.pattern.test(k));
    return { stdout: rows.map(([k, v]) => line(f, k, v)).join(''), stderr: '', exitCode: 0 };
  }
  if (operands.length === 0) return { stdout: '', stderr: NO_VARIABLES, exitCode: 1 };
  let out = '';
  let errs = '';
  let failed = false;
  let now = cloud;
  for (const op of operands) {
    const eq = op.indexOf('=');
    if (f.write || eq >= 0) {
      if (eq < 0) {
        errs += `sysctl: command line(0): invalid syntax, continuing...\n`;
        failed = true;
        continue;
      }
      const key = op.slice(0, eq).trim().replace(/\//g, '.');
      const raw = op.slice(eq + 1);
      if (key === '') {
        errs += 'sysctl: Path is not under /proc/sys/: /proc/sys/\n';
        failed = true;
        continue;
      }
      if (f.dryRun) {
        if (sysctlRead(now, place, key) === undefined) {
          if (!f.ignore) { errs += statError(key); failed = true; }
          continue;
        }
        if (!f.quiet) out += line(f, key, raw.trimStart());
        continue;
      }
      const w = sysctlWrite(now, place, key, raw);
      if (!w.ok) {
        if (w.error === 'missing') {
          if (!f.ignore) { errs += statError(key); failed = true; }
        } else {
          errs += `sysctl: setting key "${key}": Invalid argument\n`;
          failed = true;
        }
        continue;
      }
      now = w.cloud;
      if (!f.quiet) out += line(f, key, raw.trimStart());
      continue;
    }
    const key = op.replace(/\//g, '.');
    const v = sysctlRead(now, place, key);
    if (v === undefined) {
      if (!f.ignore) { errs += statError(key); failed = true; }
      continue;
    }
    out += line(f, key, v);
  }
  const r: SysctlResult = { stdout: out, stderr: errs, exitCode: failed ? 1 : 0 };
  if (now !== cloud) r.cloud = now;
  return r;
}
