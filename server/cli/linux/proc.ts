/**
 * /proc/sys where the kernel parameters are simulated: the network node and each of its
 * namespaces (sim/dataplane/sysctl.ts). Each parameter sysctl prints is a file there, its dots
 * the directories (`net.ipv4.ip_forward` is /proc/sys/net/ipv4/ip_forward), so `cat`, `ls` and
 * `cd` agree with `sysctl`. Other hosts' /proc has no sys here.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import { sysctlRead, sysctlTable, type SysctlPlace } from '../../sim/dataplane/sysctl.js';
import type { HostCtx } from './host.js';
import { nodeDevices } from './interfaces.js';
import type { Entry } from './tree.js';

export const PROC_SYS = '/proc/sys';

/** The node's root namespace as sysctl sees it: its interfaces (see ip.ts). */
export function nodePlace(cloud: Cloud): SysctlPlace {
  return { kind: 'root', devices: nodeDevices(cloud) };
}

/** Whose parameters /proc/sys shows to a command: its namespace's, the network node's, or none. */
export function procPlace(ctx: HostCtx): SysctlPlace | null {
  return ctx.proc ?? (ctx.host === 'network' ? nodePlace(ctx.cloud) : null);
}

/** Whether absolute `path` is /proc/sys or under it. */
export function inProcSys(path: string): boolean {
  return path === PROC_SYS || path.startsWith(`${PROC_SYS}/`);
}

/** procfs's entries: a parameter is a file of size 0; a directory has one link and no write bit. */
export const procDir = (name: string): Entry => ({ name, dir: true, size: 0, mode: 'dr-xr-xr-x', links: 1 });
const procFile = (name: string): Entry => ({ name, dir: false, size: 0 });

/** The entries of a directory under /proc/sys (`path` absolute), or null when it is not one. */
export function procSysEntries(cloud: Cloud, place: SysctlPlace, path: string): Entry[] | null {
  const rel = path.slice(PROC_SYS.length);
  const names = new Map<string, Entry>();
  for (const [key] of sysctlTable(cloud, place)) {
    const file = `/${key.replace(/\./g, '/')}`;
    if (!file.startsWith(`${rel}/`)) continue;
    const parts = file.slice(rel.length + 1).split('/');
    const name = parts[0] as string;
    if (!names.has(name)) names.set(name, parts.length > 1 ? procDir(name) : procFile(name));
  }
  return names.size > 0 || rel === '' ? [...names.values()] : null;
}

/** `cat` of a path under /proc/sys: the parameter's value, 'dir' for a directory, null when there is no such file. */
export function procSysRead(cloud: Cloud, place: SysctlPlace, path: string): string | 'dir' | null {
  const v = path === PROC_SYS ? undefined : sysctlRead(cloud, place, path.slice(PROC_SYS.length + 1).replace(/\//g, '.'));
  if (v !== undefined) return `${v}\n`;
  return procSysEntries(cloud, place, path) ? 'dir' : null;
}
