/** `ssh [USER@]HOST [COMMAND…]`: into a VM (or the network node from the laptop, an amphora from the node) when the path, key and user allow it. */
import { extended } from '../../sim/objects.js';
import type { Cloud } from '../../sim/model/cloud.js';
import { trace } from '../../sim/reach.js';
import { parseIp } from '../../sim/ipam.js';
import { endpoint, err, knownHostKey, type HostCtx, type HostResult, type RunOnHost } from './host.js';
import type { Amphora } from '../../sim/model/octavia.js';
import { amphoraAt } from '../../sim/dataplane/lb-amphora.js';

/** The server that owns an address (fixed IP, or the port behind a floating IP). */
function serverAt(cloud: Cloud, ip: string) {
  const fip = cloud.floatingIps.find((f) => f.floatingIpAddress === ip);
  const portId = fip?.portId ?? cloud.ports.find((p) => p.fixedIps.some((f) => f.ipAddress === ip))?.id;
  return portId ? cloud.servers.find((s) => s.nics.some((n) => n.portId === portId)) : undefined;
}

const WITH_VALUE = ['-i', '-p', '-l', '-o', '-F', '-J', '-b', '-c', '-E', '-L', '-R', '-D', '-W', '-B', '-e', '-I', '-m', '-O', '-P', '-Q', '-S', '-w'];

/**
 * The destination, then the remote command as typed: OpenSSH reads options before the
 * destination and right after it, but the first word after that starts the command, and the
 * command's own options (`ping -c 1`) are its arguments.
 */
function sshOperands(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (out.length === 1 && !a.startsWith('-')) return [...out, ...argv.slice(i)];
    if (a === '--') return [...out, ...argv.slice(i + 1)];
    if (WITH_VALUE.includes(a)) i++;
    else if (!a.startsWith('-')) out.push(a);
  }
  return out;
}

/** `run` runs the remote command of `ssh HOST COMMAND` on the VM (the host dispatch). */
export function runSsh(ctx: HostCtx, argv: string[], ns: string | null, run: RunOnHost): HostResult {
  const [dest, ...remote] = sshOperands(argv);
  if (!dest) return err('usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           destination [command [argument ...]]\n', 255);
  const at = dest.indexOf('@');
  const user = at >= 0 ? dest.slice(0, at) : (ctx.host === 'network' ? 'root' : 'user');
  const ip = at >= 0 ? dest.slice(at + 1) : dest;
  const node = ctx.cloud.config.networkHost;
  if (ip === node || ip === 'network' || ip === '10.0.0.11') {
    // The network node, reachable from the laptop over the management network when the fixture has one.
    if (!(ctx.hosts ?? []).includes('network')) return err(`ssh: Could not resolve hostname ${ip}: Name or service not known\n`, 255);
    if (ctx.host.startsWith('vm:')) return err(`ssh: connect to host ${ip} port 22: No route to host\n`, 255);
    if (user !== 'root') return err(`${user}@${ip}: Permission denied (publickey).\n`, 255);
    return { stdout: '', stderr: '', exitCode: 0, enter: 'network', via: ip };
  }
  if (!parseIp(ip)) return err(`ssh: Could not resolve hostname ${ip}: Name or service not known\n`, 255);
  // lb-mgmt-net reaches the node's root namespace only (Octavia's health-manager port o-hm0).
  const amp = ctx.host === 'network' && ns === null ? amphoraAt(ctx.cloud, ip) : undefined;
  if (amp) return sshAmphora(ctx, amp, ip, user, remote, run);
  const t = trace(ctx.cloud, endpoint(ctx.host, ns), ip, 'tcp', 22);
  if (t.verdict === 'net-unreachable') return err(`ssh: connect to host ${ip} port 22: Network is unreachable\n`, 255);
  if (t.verdict === 'host-unreachable') return err(`ssh: connect to host ${ip} port 22: No route to host\n`, 255);
  const srv = serverAt(ctx.cloud, ip);
  if (t.verdict === 'refused' || (t.verdict === 'ok' && !srv)) return err(`ssh: connect to host ${ip} port 22: Connection refused\n`, 255);
  if (t.verdict !== 'ok' || !srv) return err(`ssh: connect to host ${ip} port 22: Connection timed out\n`, 255);
  const img = ctx.cloud.images.find((i) => i.id === srv.imageId);
  const fromLaptop = ctx.host === 'laptop' || ctx.host === 'network';
  // The host key is accepted before authentication, so even a refused login adds it; ssh says so
  // the first time only (StrictHostKeyChecking=accept-new, as the images and the laptop set it).
  const key = knownHostKey(ctx.host, ip);
  const known = ctx.knownHosts?.includes(key) === true;
  const learned = known ? {} : { knownHost: key };
  const warning = known ? '' : `Warning: Permanently added '${ip}' (ED25519) to the list of known hosts.\n`;
  if (srv.keyName === null || !fromLaptop || user !== (img?.osUser ?? 'cirros')) {
    return { ...err(`${warning}${user}@${ip}: Permission denied (publickey).\n`, 255), ...learned };
  }
  if (remote.length > 0) {
    // `ssh HOST COMMAND`: runs it there and comes back.
    const words = remote.join(' ').split(/\s+/).filter((w) => w !== '');
    const r = run(extended(ctx, { host: `vm:${srv.id}`, tty: false }), words);
    if (!r) return { stdout: '', stderr: `${warning}sh: ${words[0] ?? ''}: not found\n`, exitCode: 127, ...learned };
    // A remote ping without a count goes on (or ends) as it would here.
    const going = { ...(r.follow ? { follow: r.follow } : {}), ...(r.elapsed !== undefined ? { elapsed: r.elapsed } : {}) };
    return { stdout: r.stdout, stderr: warning + r.stderr, exitCode: r.exitCode, ...learned, ...going };
  }
  return { stdout: '', stderr: warning, exitCode: 0, enter: `vm:${srv.id}`, via: ip, ...learned };
}

/**
 * An operator's way into an amphora: from the network node over lb-mgmt-net, as `ubuntu` (the
 * amphora image's user) with the key Octavia boots amphorae with ([controller_worker]
 * amp_ssh_key_name, installed as root's key on the node). sudo works there without a password.
 */
function sshAmphora(ctx: HostCtx, amp: Amphora, ip: string, user: string, remote: string[], run: RunOnHost): HostResult {
  const key = knownHostKey(ctx.host, ip);
  const known = ctx.knownHosts?.includes(key) === true;
  const learned = known ? {} : { knownHost: key };
  const warning = known ? '' : `Warning: Permanently added '${ip}' (ED25519) to the list of known hosts.\n`;
  if (user !== 'ubuntu') return { ...err(`${warning}${user}@${ip}: Permission denied (publickey).\n`, 255), ...learned };
  const host = `amp:${amp.id}`;
  if (remote.length === 0) return { stdout: '', stderr: warning, exitCode: 0, enter: host, via: ip, ...learned };
  const words = remote.join(' ').split(/\s+/).filter((w) => w !== '');
  // `sudo` needs no password on the amphora: the command runs as root.
  const sudo = words[0] === 'sudo';
  const argv = sudo ? words.slice(1) : words;
  const r = run(extended(ctx, { host, tty: false, root: sudo }), argv);
  if (!r) return { stdout: '', stderr: `${warning}bash: line 1: ${argv[0] ?? ''}: command not found\n`, exitCode: 127, ...learned };
  return { stdout: r.stdout, stderr: warning + r.stderr, exitCode: r.exitCode, ...learned };
}
