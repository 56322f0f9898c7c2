/**
 * What a VM's web server answers. A VM serves HTTP only when its user data (`openstack server
 * create --user-data FILE`, run once at first boot by cloud-init, or CirrOS's init) starts one,
 * as a learner does it with the Octavia cookbook's netcat loop (CirrOS, Debian, Ubuntu):
 *
 *   #!/bin/sh
 *   while true; do echo -e "HTTP/1.0 200 OK\r\n\r\nWelcome to $(hostname)" | sudo nc -l -p 80; done &
 *
 * The reply is what `echo -e` prints, whatever the request (`nc -lp PORT` works too). Only an
 * ACTIVE VM that got its user data (from a metadata service or a config drive) listens, and
 * only on the ports its script names. The answer is derived from the VM (its host name, its
 * address), so it is deterministic. The script's shell matters as on a real image: CirrOS has
 * no bash (a `#!/bin/bash` script never runs there), and Debian's and Ubuntu's /bin/sh is dash,
 * whose echo prints `-e` as text: the reply then starts with `-e HTTP/1.0`, no HTTP at all.
 */
import type { Cloud } from '../model/cloud.js';
import type { Server } from '../model/compute.js';
import { guestView, type GuestView } from './guest.js';

export interface HttpRequest {
  srcIp: string;
  dstIp: string;
  port: number;
  method: string;
  path: string;
  /** The Host header (null: none sent). */
  host: string | null;
  /** The other request headers, by lower-case name (the first of a repeated name). */
  headers: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  reason: string;
  headers: Array<[string, string]>;
  body: string;
  /** The status line's protocol (default `HTTP/1.1`); the netcat loop answers `HTTP/1.0`. */
  version?: string;
  /**
   * The bytes, when they are no HTTP response at all (curl: "Received HTTP/0.9 when not
   * allowed"); '' when the connection closed without one (curl: "Empty reply from server").
   */
  raw?: string;
}

/** A web server a VM's user data starts: its port and the text `echo -e` prints (before expansion). */
export interface WebServer {
  port: number;
  text: string;
  /** Double-quoted: the shell expands `$(hostname)` in it (single quotes keep it as it is). */
  expands: boolean;
}

/** The VM's answer on `port`, or null when nothing listens there (connection refused). */
export function vmHttp(c: Cloud, serverId: string, port: number, req: HttpRequest): HttpResponse | null {
  void req; // the netcat loop answers every request alike
  const vm = c.servers.find((s) => s.id === serverId);
  if (!vm || vm.status !== 'ACTIVE') return null;
  const g = guestView(c, vm);
  const web = webServersOf(vm, g).find((w) => w.port === port);
  return web ? netcatReply(echo(web.expands ? expand(web.text, vm, g) : web.text, shellOf(vm, g) === 'dash')) : null;
}

/** The web servers a VM runs: those its user data starts, if the guest could read it. */
export function vmWebServers(c: Cloud, vm: Server): WebServer[] {
  return webServersOf(vm, guestView(c, vm));
}

function webServersOf(vm: Server, g: GuestView): WebServer[] {
  if (!vm.userData || (!vm.configDrive && !g.metadata) || shellOf(vm, g) === null) return [];
  return parseWebServers(vm.userData);
}

/** The shell that runs the user data (`#!` line) on the VM's image, or null if there is none. */
function shellOf(vm: Server, g: GuestView): 'ash' | 'dash' | 'bash' | null {
  const m = /^#!\s*(?:\/usr\/bin\/env\s+)?(?:\/usr)?(?:\/bin\/)?(sh|bash)\s*(?:\n|$)/.exec(vm.userData ?? '');
  const cirros = g.family === 'cirros';
  if (m?.[1] === 'sh') return cirros ? 'ash' : 'dash';
  return m?.[1] === 'bash' && !cirros ? 'bash' : null;
}

/** The web servers a user-data script starts (only a script, `#!` first, is run at boot). */
export function parseWebServers(userData: string): WebServer[] {
  if (!userData.startsWith('#!')) return [];
  const out: WebServer[] = [];
  for (const line of userData.split('\n')) {
    const nc = netcatLine(line);
    if (nc && !out.some((w) => w.port === nc.port)) out.push(nc);
  }
  return out;
}

/** `echo -e "TEXT" | [sudo] nc -l -p PORT` (or `-lp PORT`): the reply text and the port. */
function netcatLine(line: string): WebServer | null {
  if (/^\s*#/.test(line)) return null;
  const m = /echo\s+-e\s+(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*\|\s*(?:sudo\s+)?nc\s+(?:-l\s+-p\s*|-lp\s*)(\d+)\b/.exec(line);
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { port, text: m[1] ?? m[2] ?? '', expands: m[1] !== undefined };
}

/** The shell's expansion of what a web-server script names: the host name, the VM's address. */
function expand(text: string, vm: Server, g: GuestView): string {
  return text.replace(/\$\(hostname\)|\$\{HOSTNAME\}|\$HOSTNAME\b/g, vm.name).replace(/\$\(hostname -i\)/g, g.v4?.address ?? '');
}

/**
 * What `echo -e TEXT` prints: the escapes (BusyBox ash, bash and dash agree on these) and a
 * newline; dash's echo has no options, so it prints `-e ` first.
 */
function echo(text: string, dash: boolean): string {
  const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\' };
  return `${dash ? '-e ' : ''}${text.replace(/\\(.)/g, (all, ch: string) => map[ch] ?? all)}\n`;
}

/** What curl makes of the bytes the netcat loop sends: status line, headers, body. */
function netcatReply(raw: string): HttpResponse {
  const m = /^(HTTP\/1\.[01]) (\d{3})(?: ([^\r\n]*))?\r?\n/.exec(raw);
  if (!m) return { status: 0, reason: '', headers: [], body: raw, raw };
  const rest = raw.slice(m[0].length);
  const end = /(?:^|\r?\n)\r?\n/.exec(rest);
  const head = end ? rest.slice(0, end.index) : rest;
  const headers = head.split(/\r?\n/).filter((l) => l.includes(':')).map((l): [string, string] => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1).trim()];
  });
  const body = end ? rest.slice(end.index + end[0].length) : '';
  return { version: m[1] ?? 'HTTP/1.0', status: Number(m[2]), reason: m[3] ?? '', headers, body };
}
