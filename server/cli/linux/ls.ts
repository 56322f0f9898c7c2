/**
 * `ls [-1aAl] [--color[=WHEN]] [PATH…]` (GNU coreutils 9.1; BusyBox's on CirrOS prints alike for
 * these) over the files a host has (files.ts, the home directory's dotfiles). On a terminal it
 * prints in columns as wide as the terminal, as GNU ls does (padding with tabs of 8), and in
 * colour where the login shell has `alias ls='ls --color=auto'` (the Debian skeleton's .bashrc
 * of the laptop's and the cloud images' users; not root's on the Debian network node, nor CirrOS).
 */
import { DIRECTORIES, LAPTOP_HOME, hostFile, type HostFacts } from './files.js';
import { amphoraHost, err, hostName, server, type HostCtx, type HostResult } from './host.js';
import { amphoraDirectories, amphoraFile } from '../../sim/dataplane/lb-amphora.js';

/** The files ls knows of (hostFile says which exist on a host). */
const FILES = [
  '/etc/hostname', '/etc/hosts', '/etc/os-release', '/etc/resolv.conf', '/etc/neutron/dhcp_agent.ini', '/etc/neutron/l3_agent.ini',
  '/etc/neutron/plugins/ml2/ml2_conf.ini', '/etc/neutron/plugins/ml2/openvswitch_agent.ini', '/proc/sys/net/ipv4/ip_forward',
];

interface Entry { name: string; dir: boolean; size: number }

/** dircolors' defaults: directories bold blue; the reset ls writes before its first colour. */
const DIR_SGR = '\x1b[01;34m';
const RESET = '\x1b[0m';

function facts(ctx: HostCtx): HostFacts & { user: string; home: string } {
  const vm = server(ctx.cloud, ctx.host);
  const img = vm ? ctx.cloud.images.find((i) => i.id === vm.imageId) : undefined;
  // An amphora is logged in to as ubuntu (Octavia's amphora image).
  const user = ctx.host === 'network' ? 'root' : vm ? (img?.osUser ?? 'cirros') : amphoraHost(ctx.cloud, ctx.host) ? 'ubuntu' : (ctx.env['USER'] ?? 'user');
  return {
    kind: vm ? 'vm' : ctx.host === 'network' ? 'network' : 'laptop', name: hostName(ctx.cloud, ctx.host), os: img?.osFamily ?? 'debian',
    imageName: img?.name ?? '', user, home: user === 'root' ? '/root' : `/home/${user}`,
  };
}

/** The login user's home directory on the host. */
export function homeOn(ctx: HostCtx): string {
  return facts(ctx).home;
}

/** The dotfiles of the home directory: the shell's, and .ssh where keys live (a VM's injected key, the laptop's own, ssh's known_hosts). */
function dotfiles(ctx: HostCtx, f: ReturnType<typeof facts>): Entry[] {
  const shell = f.os === 'cirros' ? [{ name: '.ash_history', dir: false, size: 0 }] : [{ name: '.bashrc', dir: false, size: 3526 }, { name: '.profile', dir: false, size: 807 }];
  const ssh = f.kind !== 'network' || (ctx.knownHosts ?? []).some((k) => k.startsWith(`${ctx.host} `));
  return [...shell, ...(ssh ? [{ name: '.ssh', dir: true, size: 4096 }] : [])];
}

/**
 * `p` as an absolute path: from the shell's working directory `cwd` (or the home directory, for
 * `~`), with `.`, `..` and `//` resolved.
 */
export function resolvePath(cwd: string, home: string, p: string): string {
  const parts: string[] = [];
  const from = p.startsWith('/') ? p : p === '~' || p.startsWith('~/') ? home + p.slice(1) : `${cwd}/${p}`;
  for (const t of from.split('/')) {
    if (t === '..') parts.pop();
    else if (t !== '' && t !== '.') parts.push(t);
  }
  return `/${parts.join('/')}`;
}

/** What absolute `path` is on the host: a directory, a file, or nothing (amphorae: HAProxy's too). */
export function pathKind(ctx: HostCtx, path: string): 'dir' | 'file' | null {
  const amp = amphoraHost(ctx.cloud, ctx.host);
  if (amp) {
    if (amphoraDirectories(ctx.cloud, amp).includes(path)) return 'dir';
    if (amphoraFile(ctx.cloud, amp, path) !== null) return 'file';
  }
  const f = facts(ctx);
  if (list(ctx, f, path)) return 'dir';
  const parent = list(ctx, f, path.slice(0, path.lastIndexOf('/')) || '/');
  const e = parent?.find((x) => x.name === path.slice(path.lastIndexOf('/') + 1));
  return e ? (e.dir ? 'dir' : 'file') : null;
}

/** The entries of directory `path`, or null when it is not one. */
function list(ctx: HostCtx, f: ReturnType<typeof facts>, path: string): Entry[] | null {
  const dirs = [...DIRECTORIES, f.home];
  if (!dirs.includes(path)) return null;
  const prefix = path === '/' ? '/' : `${path}/`;
  const child = (p: string) => p.startsWith(prefix) && p !== path ? p.slice(prefix.length).split('/')[0] as string : null;
  const names = new Map<string, Entry>();
  for (const d of dirs) {
    const c = child(d);
    if (c !== null) names.set(c, { name: c, dir: true, size: 4096 });
  }
  for (const p of FILES) {
    const c = child(p);
    if (c === null || names.has(c)) continue;
    const text = hostFile(ctx.cloud, f, p);
    if (text !== null && c === p.slice(prefix.length)) names.set(c, { name: c, dir: false, size: new TextEncoder().encode(text).length });
  }
  if (path === f.home && f.kind === 'laptop') {
    for (const [name, text] of Object.entries(LAPTOP_HOME)) names.set(name, { name, dir: false, size: new TextEncoder().encode(text).length });
  }
  const entries = [...names.values()];
  return path === f.home ? [...entries, ...dotfiles(ctx, f)] : entries;
}

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
  const files: Entry[] = [];
  const dirs: Array<{ path: string; entries: Entry[] }> = [];
  for (const p of paths.length > 0 ? paths : ['.']) {
    const path = abs(p);
    const entries = list(ctx, f, path);
    if (entries) {
      dirs.push({ path: p, entries });
      continue;
    }
    const parent = list(ctx, f, path.slice(0, path.lastIndexOf('/')) || '/');
    const e = parent?.find((x) => x.name === path.slice(path.lastIndexOf('/') + 1));
    if (e) files.push({ ...e, name: p });
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
  const block = (entries: Entry[]) => {
    if (o.long) {
      const size = Math.max(...entries.map((e) => String(e.size).length), 1);
      const links = (e: Entry) => (e.dir ? 2 : 1);
      const body = entries.map((e) => `${e.dir ? 'drwxr-xr-x' : '-rw-r--r--'} ${links(e)} ${f.user} ${f.user} ${String(e.size).padStart(size)} ${date} ${name(e)}\n`).join('');
      return body;
    }
    if (o.one || ctx.tty !== true) return entries.map((e) => `${name(e)}\n`).join('');
    return columns(entries.map((e) => e.name), (i) => name(entries[i] as Entry), ctx.columns);
  };
  const sorted = (es: Entry[]) => [...es].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let stdout = files.length > 0 ? block(sorted(files)) : '';
  dirs.forEach((d, k) => {
    const shown = sorted(d.entries.filter((e) => o.all || o.almost || !e.name.startsWith('.')));
    const all = o.all ? [{ name: '.', dir: true, size: 4096 }, { name: '..', dir: true, size: 4096 }, ...shown] : shown;
    if (dirs.length + files.length > 1) stdout += `${k > 0 || files.length > 0 ? '\n' : ''}${d.path}:\n`;
    if (o.long) stdout += `total ${all.reduce((t, e) => t + (e.size > 0 ? 4 : 0), 0)}\n`;
    stdout += block(all);
  });
  return { stdout, stderr, exitCode: stderr ? 2 : 0 };
}
