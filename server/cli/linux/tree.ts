/**
 * The file tree of a host, as its tools see it: the directories and files it has (files.ts says
 * what each file holds), its login user's home and dotfiles, and an amphora's HAProxy directory.
 * `ls` lists it, `cd` enters its directories, and relative paths (ls, cat) start from the shell's
 * working directory.
 */
import { DIRECTORIES, LAPTOP_HOME, hostFile, type HostFacts } from './files.js';
import { amphoraHost, homeOf, hostName, loginUserOn, server, type HostCtx } from './host.js';
import { amphoraDirectories, amphoraFile } from '../../sim/dataplane/lb-amphora.js';
import { inProcSys, procDir, procPlace, procSysEntries } from './proc.js';
import { laptopSshEntries, SSH_DIR } from './ssh-keys.js';

/** The files the tree has (hostFile says which exist on a host). */
const FILES = [
  '/etc/hostname', '/etc/hosts', '/etc/os-release', '/etc/resolv.conf', '/etc/neutron/dhcp_agent.ini', '/etc/neutron/l3_agent.ini',
  '/etc/neutron/plugins/ml2/ml2_conf.ini', '/etc/neutron/plugins/ml2/openvswitch_agent.ini',
];

export interface Entry {
  name: string;
  dir: boolean;
  size: number;
  /** `ls -l`'s mode and link count when not a plain directory's (drwxr-xr-x, 2) or file's (-rw-r--r--, 1): procfs. */
  mode?: string;
  links?: number;
}

/** Who logs in to the host, and their home. */
export function facts(ctx: HostCtx): HostFacts & { user: string; home: string } {
  const vm = server(ctx.cloud, ctx.host);
  const img = vm ? ctx.cloud.images.find((i) => i.id === vm.imageId) : undefined;
  const user = loginUserOn(ctx.cloud, ctx.host);
  return {
    kind: vm ? 'vm' : ctx.host === 'network' ? 'network' : 'laptop', name: hostName(ctx.cloud, ctx.host), os: img?.osFamily ?? 'debian',
    imageName: img?.name ?? '', user, home: homeOf(user),
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
  return [...shell, ...(ssh ? [{ name: SSH_DIR, dir: true, size: 4096, mode: 'drwx------' }] : [])];
}

export const AUTHORIZED_KEYS = 'authorized_keys';

/** A VM's ~/.ssh/authorized_keys: the public key of the key pair it booted with (cloud-init's), while the pair exists. */
export function authorizedKey(ctx: HostCtx): string | null {
  const vm = server(ctx.cloud, ctx.host);
  const key = vm?.keyName ? ctx.cloud.keypairs.find((k) => k.name === vm.keyName) : undefined;
  return key ? `${key.publicKey}\n` : null;
}

/** The entries of ~/.ssh: the laptop's key pair, a VM's authorized key (known_hosts is not kept as a file). */
function sshEntries(ctx: HostCtx): Entry[] {
  if (ctx.host === 'laptop' && ctx.laptopKey) return laptopSshEntries(ctx.laptopKey());
  const key = authorizedKey(ctx);
  return key === null ? [] : [{ name: AUTHORIZED_KEYS, dir: false, size: new TextEncoder().encode(key).length, mode: '-rw-------' }];
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
export function list(ctx: HostCtx, f: ReturnType<typeof facts>, path: string): Entry[] | null {
  if (inProcSys(path)) {
    const place = procPlace(ctx);
    return place ? procSysEntries(ctx.cloud, place, path) : null;
  }
  if (path === `${f.home}/${SSH_DIR}`) return dotfiles(ctx, f).some((e) => e.name === SSH_DIR) ? sshEntries(ctx) : null;
  const dirs = [...DIRECTORIES, f.home];
  if (!dirs.includes(path)) return null;
  // procfs: /proc is no disk directory; it has sys where the kernel parameters are simulated.
  if (path === '/proc') return procPlace(ctx) ? [procDir('sys')] : [];
  const prefix = path === '/' ? '/' : `${path}/`;
  const child = (p: string) => p.startsWith(prefix) && p !== path ? p.slice(prefix.length).split('/')[0] as string : null;
  const names = new Map<string, Entry>();
  for (const d of dirs) {
    const c = child(d);
    if (c !== null) names.set(c, c === 'proc' && path === '/' ? procDir(c) : { name: c, dir: true, size: 4096 });
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
