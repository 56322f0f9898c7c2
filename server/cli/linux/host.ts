/** What every Linux tool shares: the host a command runs on, its result, and small argv helpers. */
import type { SysctlPlace } from '../../sim/dataplane/sysctl.js';
import type { Cloud } from '../../sim/model/cloud.js';
import type { Server } from '../../sim/model/compute.js';
import type { Amphora } from '../../sim/model/octavia.js';
import { amphoraById } from '../../sim/dataplane/lb-amphora.js';
import type { Endpoint } from '../../sim/reach.js';
import type { CommandOutput } from '../../render/output.js';

export type HostId = string; // 'laptop' | 'network' | `vm:${serverId}` | `amp:${amphoraId}`
export interface HostCtx {
  cloud: Cloud;
  host: HostId;
  env: Record<string, string>;
  columns: number;
  /** The fixture's machines (laptop, network). */
  hosts?: string[];
  /** The hosts ssh has already added to a machine's known_hosts this session (see knownHostKey). */
  knownHosts?: readonly string[];
  /** Whether stdout is the terminal (not a pipe or `$(…)`): tools that colour only on a tty read it. */
  tty?: boolean;
  /** How a command that runs until interrupted ends (default: at the cap, as if interrupted). */
  until?: Until;
  /** The command runs as root (`sudo`): files only root may read open. */
  root?: boolean;
  /** The shell's working directory, where relative paths start (default: the login user's home). */
  cwd?: string;
  /** The kernel parameters /proc/sys shows when not the host's own: the namespace of `ip netns exec`. */
  proc?: SysctlPlace;
  /** On the laptop: the learner's public key, in ~/.ssh (ssh-keys.ts). */
  laptopKey?: () => string;
}

/** A file a program opens on the host: its text, or the error (2 ENOENT, 13 EACCES, 21 EISDIR). */
export type FileRead = { ok: true; text: string } | { ok: false; errno: 2 | 13 | 21 };

/**
 * How a command that runs until Ctrl-C (ping without a count) ends: `stream` starts it on the
 * terminal (its output so far, and a Follow for what each further second prints); `interrupt`
 * ends it by Ctrl-C after `after` seconds (probes); `cap` ends it by itself after the cap, as
 * if interrupted there (in a script, a pipe or `$(…)`, where nobody could press Ctrl-C).
 */
export type Until = { kind: 'stream' } | { kind: 'interrupt'; after: number } | { kind: 'cap' };

/** A command still running on the terminal: what each further second prints. */
export interface Follow {
  /** The output of second `i` (from 2: the first is in the command's stdout); may be empty. */
  line(i: number): string;
}
export interface HostResult extends CommandOutput {
  cloud?: Cloud;
  enter?: HostId;
  /** The destination ssh was given for `enter` (it says "Connection to VIA closed." on the way back). */
  via?: string;
  /** ssh added this entry to the known hosts (it said "Permanently added"). */
  knownHost?: string;
  /** Until: stream: the command goes on (see Follow). */
  follow?: Follow;
  /** Seconds of simulated time the command took (the clock moves by as much). */
  elapsed?: number;
}

/** Runs a command line on a host (the dispatch of index.ts, passed to the tools that run others: ssh). */
export type RunOnHost = (ctx: HostCtx, argv: string[]) => HostResult | null;

export const ok = (stdout: string): HostResult => ({ stdout, stderr: '', exitCode: 0 });
export const err = (stderr: string, exitCode = 1): HostResult => ({ stdout: '', stderr, exitCode });

/** The VM a host id names, if it is one. */
export function server(cloud: Cloud, host: HostId): Server | undefined {
  return host.startsWith('vm:') ? cloud.servers.find((s) => s.id === host.slice(3)) : undefined;
}

/** The amphora a host id names (`amp:<amphora id>`: an operator's ssh session on it), if it is one. */
export function amphoraHost(cloud: Cloud, host: HostId): Amphora | undefined {
  return host.startsWith('amp:') ? amphoraById(cloud, host.slice(4)) : undefined;
}

export function hostName(cloud: Cloud, host: HostId): string {
  if (host === 'network') return cloud.config.networkHost;
  if (host.startsWith('amp:')) return `amphora-${host.slice(4)}`;
  const s = server(cloud, host);
  return s ? s.name : 'laptop';
}

/** CirrOS's tools are BusyBox's (ping, traceroute, ip: other layouts, fewer options). */
export function isCirros(cloud: Cloud, host: HostId): boolean {
  const vm = server(cloud, host);
  return vm !== undefined && cloud.images.find((i) => i.id === vm.imageId)?.osFamily === 'cirros';
}

/** Where a packet starts for the reach query: a namespace of the node, the node, a VM or the laptop. */
export function endpoint(host: HostId, ns: string | null): Endpoint {
  if (ns) return { kind: 'ns', name: ns };
  if (host === 'network') return { kind: 'network' };
  if (host.startsWith('vm:')) return { kind: 'vm', serverId: host.slice(3) };
  return { kind: 'laptop' };
}

/** A known_hosts entry: each machine (the laptop, the node, a VM) keeps its own file. */
export function knownHostKey(from: HostId, address: string): string {
  return `${from} ${address}`;
}

/** The non-option words of a command line, skipping the values of the options that take one. */
export function operands(argv: string[], withValue: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (withValue.includes(a)) i++;
    else if (!a.startsWith('-')) out.push(a);
  }
  return out;
}

/**
 * Who a terminal logs in to `host` as: root on the network node, the image's user in a VM,
 * ubuntu on an amphora (Octavia's amphora image), the learner (their OpenStack user) on the laptop.
 */
export function loginUserOn(cloud: Cloud, host: HostId): string {
  if (host === 'network') return 'root';
  if (host.startsWith('amp:')) return 'ubuntu';
  const vm = server(cloud, host);
  if (vm) return cloud.images.find((i) => i.id === vm.imageId)?.osUser ?? 'cirros';
  // The laptop is the learner's: their OpenStack user name is their login (never $USER, which they may set).
  return cloud.auth.userName;
}

/** A user's home directory (nobody's is none: /nonexistent). */
export function homeOf(user: string): string {
  return user === 'root' ? '/root' : user === 'nobody' ? '/nonexistent' : `/home/${user}`;
}
