/**
 * `ls [-1aAl] [--color[=WHEN]] [PATH…]` (GNU coreutils 9.1; BusyBox's on CirrOS prints alike for
 * these) over the files a host has (tree.ts: the directories, files and the home's dotfiles). On a terminal it
 * prints in columns as wide as the terminal, as GNU ls does (padding with tabs of 8), and in
 * colour where the login shell has `alias ls='ls --color=auto'` (the Debian skeleton's .bashrc
 * of the laptop's and the cloud images' users; not root's on the Debian network node, nor CirrOS).
 */
import { extended } from '../../sim/objects.js';
import { err, type HostCtx, type HostResult } from './host.js';
import { facts, list, resolvePath, type Entry } from './tree.js';
import { inProcSys, procDir } from './proc.js';
import { SSH_DIR } from './ssh-keys.js';

/** dircolors' defaults: directories bold blue; the reset ls writes before its first colour. */
const DIR_SGR = '\x1b[01;34m';
const RESET = '\x1b[0m';

/** GNU ls's padding: tabs of 8 where one fits, then blanks. */
function indent(from: number, to: number): string {
  let s = '';
  while (from < to) {
    if (Math.floor(to / 8) > Math.floor((from + 1) / 8)) {
      s += '\t';
      from += 8 - (from % 8);
    } else {
      s += ' ';
      from++;
    }
  }
  return s;
}

/** `ls -C`: the most columns (filled top to bottom) whose lines stay under the width. */
function columns(names: string[], shown: (i: number) => string, width: number): string {
  const n = names.length;
  if (n === 0) return '';
  let best = { cols: 1, rows: n, widths: [Math.max(...names.map((x) => x.length))] };
  for (let cols = 2; cols <= Math.min(n, Math.floor(width / 3)); cols++) {
    const rows = Math.ceil(n / cols);
    const widths = Array.from({ length: cols }, () => 3);
    names.forEach((x, i) => {
      const c = Math.floor(i / rows);
      widths[c] = Math.max(widths[c] as number, x.length + (c === cols - 1 ? 0 : 2));
    });
    // A layout whose last columns are empty is the same as one with fewer columns.
    if (Math.ceil(n / rows) < cols) continue;
    if (widths.reduce((a, b) => a + b, 0) < width) best = { cols, rows, widths };
  }
  let out = '';
  for (let r = 0; r < best.rows; r++) {
    let pos = 0;
    for (let c = 0; c < best.cols; c++) {
      const i = c * best.rows + r;
      if (i >= n) break;
      out += shown(i);
      const next = (c + 1) * best.rows + r;
      if (next < n) {
        out += indent(pos + (names[i] as string).length, pos + (best.widths[c] as number));
        pos += best.widths[c] as number;
      }
    }
    out += '\n';
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** When the host's files were written: when the cloud was installed (its oldest image or group). */
function installed(ctx: HostCtx): string {
  const times = [...ctx.cloud.images, ...ctx.cloud.securityGroups].map((x) => Date.parse(x.createdAt)).filter(Number.isFinite);
  const d = new Date(times.length > 0 ? Math.min(...times) : ctx.cloud.clock * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

interface Opts { long: boolean; all: boolean; almost: boolean; one: boolean; color: boolean }

function options(ctx: HostCtx, args: string[], alias: boolean): Opts | string {
  const o: Opts = { long: false, all: false, almost: false, one: false, color: alias && ctx.tty === true };
  for (const a of args) {
    const c = /^--colou?r(?:=(.*))?$/.exec(a);
    if (c) {
      const when = c[1] ?? 'always';
      if (!['always', 'yes', 'force', 'never', 'no', 'none', 'auto', 'tty', 'if-tty'].includes(when)) {
        return `ls: invalid argument '${when}' for '--color'\nValid arguments are:\n  - 'always', 'yes', 'force'\n  - 'never', 'no', 'none'\n  - 'auto', 'tty', 'if-tty'\nTry 'ls --help' for more information.\n`;
      }
      o.color = ['always', 'yes', 'force'].includes(when) || (['auto', 'tty', 'if-tty'].includes(when) && ctx.tty === true);
      continue;
    }
    if (!/^-[a-zA-Z1]+$/.test(a)) continue;
    for (const f of a.slice(1)) {
      if (f === 'l') o.long = true;
      else if (f === 'a') o.all = true;
      else if (f === 'A') o.almost = true;
      else if (f === '1') o.one = true;
      else if (!'hFGtrS'.includes(f)) return `ls: invalid option -- '${f}'\nTry 'ls --help' for more information.\n`;
    }
  }
  return o;
}

export function runLs(ctx: HostCtx, argv: string[]): HostResult {
  const f = facts(ctx);
  const alias = f.os !== 'cirros' && f.user !== 'root';
  const o = options(ctx, argv.slice(1), alias);
  if (typeof o === 'string') return err(o, 2);
  const paths = argv.slice(1).filter((a) => !a.startsWith('-'));
  const abs = (p: string) => resolvePath(ctx.cwd ?? f.home, f.home, p);
  let stderr = '';
  /** An entry with the absolute path it names (ls -l's owner depends on it). */
  type At = { e: Entry; path: string };
  const files: At[] = [];
  const dirs: Array<{ path: string; abs: string; entries: Entry[] }> = [];
  for (const p of paths.length > 0 ? paths : ['.']) {
    const path = abs(p);
    const entries = list(ctx, f, path);
    if (entries) {
      dirs.push({ path: p, abs: path, entries });
      continue;
    }
    const parent = list(ctx, f, path.slice(0, path.lastIndexOf('/')) || '/');
    const e = parent?.find((x) => x.name === path.slice(path.lastIndexOf('/') + 1));
    if (e) files.push({ e: extended(e, { name: p }), path });
    else stderr += `ls: cannot access '${p}': No such file or directory\n`;
  }
  let reset = o.color;
  const name = (e: Entry) => {
    if (!o.color || !e.dir) return e.name;
    const first = reset ? RESET : '';
    reset = false;
    return `${first}${DIR_SGR}${e.name}${RESET}`;
  };
  const date = installed(ctx);
  // The login user owns their home and what is in it; root owns the rest of the tree.
  const owner = (path: string) => (path === f.home || path.startsWith(`${f.home}/`) ? f.user : 'root');
  const block = (items: At[]) => {
    const entries = items.map((x) => x.e);
    if (o.long) {
      const size = Math.max(...entries.map((e) => String(e.size).length), 1);
      const mode = (e: Entry) => e.mode ?? (e.dir ? 'drwxr-xr-x' : '-rw-r--r--');
      const links = (e: Entry) => e.links ?? (e.dir ? 2 : 1);
      // GNU's columns: the link count and size right-aligned, owner and group left-aligned, each to its widest.
      const nlink = Math.max(...entries.map((e) => String(links(e)).length));
      const who = Math.max(...items.map((x) => owner(x.path).length));
      return items
        .map(({ e, path }) => `${mode(e)} ${String(links(e)).padStart(nlink)} ${owner(path).padEnd(who)} ${owner(path).padEnd(who)} ${String(e.size).padStart(size)} ${date} ${name(e)}\n`)
        .join('');
    }
    if (o.one || ctx.tty !== true) return entries.map((e) => `${name(e)}\n`).join('');
    return columns(entries.map((e) => e.name), (i) => name(entries[i] as Entry), ctx.columns);
  };
  const sorted = <T extends { e: Entry }>(es: T[]) => [...es].sort((a, b) => (a.e.name < b.e.name ? -1 : a.e.name > b.e.name ? 1 : 0));
  let stdout = files.length > 0 ? block(sorted(files)) : '';
  dirs.forEach((d, k) => {
    const within = (n: string) => (d.abs === '/' ? `/${n}` : `${d.abs}/${n}`);
    const shown = sorted(d.entries.filter((e) => o.all || o.almost || !e.name.startsWith('.')).map((e) => ({ e, path: within(e.name) })));
    const up = d.abs.slice(0, d.abs.lastIndexOf('/')) || '/';
    const dir = (n: string, path: string): At => ({
      e: path === '/proc' || inProcSys(path) ? procDir(n) : { name: n, dir: true, size: 4096, ...(path.endsWith(`/${SSH_DIR}`) ? { mode: 'drwx------' } : {}) },
      path,
    });
    const dots = [dir('.', d.abs), dir('..', up)];
    const all = o.all ? [...dots, ...shown] : shown;
    if (dirs.length + files.length > 1) stdout += `${k > 0 || files.length > 0 ? '\n' : ''}${d.path}:\n`;
    if (o.long) stdout += `total ${all.reduce((t, x) => t + (x.e.size > 0 ? 4 : 0), 0)}\n`;
    stdout += block(all);
  });
  return { stdout, stderr, exitCode: stderr ? 2 : 0 };
}
