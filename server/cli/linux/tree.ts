/**
 * The file tree of a host, as its tools see it: the directories and files it has (files.ts says
 * what each file holds), its login user's home and dotfiles, and an amphora's HAProxy directory.
 * `ls` lists it, `cd` enters its directories, a program reads its files (readHostFile: `cat`, the
 * `openstack` client's `--public-key`), and relative paths start from the shell's working directory.
 */
import { DIRECTORIES, LAPTOP_HOME, hostFile, type HostFacts } from './files.js';
import { amphoraHost, homeOf, hostName, loginUserOn, server, type FileRead, type HostCtx } from './host.js';
import { guestView, type GuestView } from '../../sim/dataplane/guest.js';
import { amphoraDirectories, amphoraFile } from '../../sim/dataplane/lb-amphora.js';
import { inProcSys, procDir, procPlace, procSysEntries, procSysRead } from './proc.js';
import { laptopSshEntries, laptopSshFiles, SSH_DIR } from './ssh-keys.js';

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

/** /etc/resolv.conf as the guest's DHCP client writes it (udhcpc on CirrOS, dhcpcd elsewhere). */
function guestResolvConf(g: GuestView): string {
  if (g.family === 'cirros') return `search openstacklocal\n${g.nameservers.map((n) => `nameserver ${n}\n`).join('')}`;
  return `# Generated by dhcpcd from ${g.nic}.dhcp\n# /etc/resolv.conf.head can replace this line\ndomain openstacklocal\n${g.nameservers.map((n) => `nameserver ${n}\n`).join('')}# /etc/resolv.conf.tail can replace this line\n`;
}

/** strerror's words for the errors a read gives here. */
export const STRERROR: Record<2 | 13 | 21, string> = { 2: 'No such file or directory', 13: 'Permission denied', 21: 'Is a directory' };

/**
 * A file as a program on the host opens it (`cat`, the `openstack` client's `--public-key`):
 * relative paths from the shell's working directory; the host's files (files.ts), a VM's
 * resolv.conf from its lease and its authorized key, the laptop's key pair, /proc/sys, an
 * amphora's HAProxy files (root's only).
 */
export function readHostFile(ctx: HostCtx, p: string): FileRead {
  const { cloud, host } = ctx;
  const vm = server(cloud, host);
  const amp = amphoraHost(cloud, host);
  const home = homeOn(ctx);
  // A trailing slash aside, as before.
  const path = p.startsWith('/') ? p.replace(/\/+$/, '') || '/' : resolvePath(ctx.cwd ?? home, home, p);
  const text = (t: string): FileRead => ({ ok: true, text: t });
  const fail = (errno: 2 | 13 | 21): FileRead => ({ ok: false, errno });
  if (inProcSys(path)) {
    const place = procPlace(ctx);
    const value = place ? procSysRead(cloud, place, path) : null;
    return value === 'dir' ? fail(21) : value === null ? fail(2) : text(value);
  }
  const ampFile = amp ? amphoraFile(cloud, amp, path) : null;
  // The amphora agent writes haproxy.cfg mode 0600, owned by root.
  if (ampFile !== null) return ctx.root ? text(ampFile) : fail(13);
  if (path.startsWith(`${home}/${SSH_DIR}/`)) {
    const name = path.slice(home.length + SSH_DIR.length + 2);
    if (host === 'laptop' && ctx.laptopKey) {
      const f = Object.entries(laptopSshFiles(ctx.laptopKey())).find(([n]) => n === name);
      return f ? text(f[1].text) : fail(2);
    }
    const key = vm ? authorizedKey(ctx) : null;
    return name === AUTHORIZED_KEYS && key !== null ? text(key) : fail(2);
  }
  // An amphora is an Ubuntu 22.04 cloud VM (Octavia's amphora image) with HAProxy's files.
  const h: HostFacts = amp ? { kind: 'vm', name: hostName(cloud, host), os: 'ubuntu', imageName: 'amphora-x64-haproxy' } : facts(ctx);
  const found = vm && path === '/etc/resolv.conf' ? guestResolvConf(guestView(cloud, vm)) : hostFile(cloud, h, path);
  if (found !== null) return text(found);
  return fail(pathKind(ctx, path) === 'dir' ? 21 : 2);
}
