/**
 * `curl [options] URL…` as curl 7.88.1 prints it: the reach query decides whether the TCP
 * connection opens (its verdicts as curl reports a failed connect); an open one asks the load
 * balancer (a VIP) or the VM's web server (sim/dataplane/http.ts), or the metadata service from a
 * VM. Output is what curl writes to a terminal: no progress meter and no `{ [N bytes data]` lines
 * unless the body goes elsewhere (`-o`), as curl does when its stdout is a tty.
 */
import { extended, ownValue } from '../../sim/objects.js';
import type { Cloud } from '../../sim/model/cloud.js';
import type { HttpRequest, HttpResponse } from '../../sim/dataplane/http.js';
import { vmHttp } from '../../sim/dataplane/http.js';
import { serveVip } from '../../sim/dataplane/loadbalancer.js';
import { guestView } from '../../sim/dataplane/guest.js';
import { hopRtts } from '../../sim/dataplane/latency.js';
import { trace, type Trace } from '../../sim/reach.js';
import { formatIp, parseIp } from '../../sim/ipam.js';
import { endpoint, server, type HostCtx, type HostResult } from './host.js';
import { metadataBody } from './metadata.js';

const TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n";
const USER_AGENT = 'curl/7.88.1';

interface Opts {
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  include: boolean;
  head: boolean;
  fail: boolean;
  location: boolean;
  globoff: boolean;
  output: string | null;
  writeOut: string | null;
  headers: string[];
  method: string | null;
  data: string | null;
  userAgent: string | null;
  connectTimeout: number | null;
  maxTime: number | null;
  urls: string[];
  /** --help or --version: what curl prints instead of transferring. */
  info?: string;
}

type Flag = 'silent' | 'showError' | 'verbose' | 'include' | 'head' | 'fail' | 'location' | 'globoff' | null;
type Valued = 'output' | 'writeOut' | 'headers' | 'method' | 'data' | 'userAgent' | 'connectTimeout' | 'maxTime' | 'url';

/** The options curl knows that change what this simulation prints (null: no effect here, as -k on http). */
const FLAGS: Record<string, Flag> = {
  s: 'silent', '--silent': 'silent', S: 'showError', '--show-error': 'showError', v: 'verbose', '--verbose': 'verbose',
  i: 'include', '--include': 'include', I: 'head', '--head': 'head', f: 'fail', '--fail': 'fail', L: 'location', '--location': 'location',
  g: 'globoff', '--globoff': 'globoff',
  k: null, '--insecure': null, N: null, '--no-buffer': null, '4': null, '--ipv4': null, '6': null, '--ipv6': null,
};
const VALUED: Record<string, Valued> = {
  o: 'output', '--output': 'output', w: 'writeOut', '--write-out': 'writeOut', H: 'headers', '--header': 'headers',
  X: 'method', '--request': 'method', d: 'data', '--data': 'data', '--data-raw': 'data', A: 'userAgent', '--user-agent': 'userAgent',
  '--connect-timeout': 'connectTimeout', m: 'maxTime', '--max-time': 'maxTime', '--url': 'url',
};

class UsageError extends Error {}

/** `curl --help` without a category (7.88.1's stripped menu). */
const HELP = `Usage: curl [options...] <url>
 -d, --data <data>          HTTP POST data
 -f, --fail                 Fail fast with no output on HTTP errors
 -h, --help <category>      Get help for commands
 -i, --include              Include protocol response headers in the output
 -o, --output <file>        Write to file instead of stdout
 -O, --remote-name          Write output to a file named as the remote file
 -s, --silent               Silent mode
 -T, --upload-file <file>   Transfer local FILE to destination
 -u, --user <user:password> Server user and password
 -A, --user-agent <name>    Send User-Agent <name> to server
 -v, --verbose              Make the operation more talkative
 -V, --version              Show version number and quit

This is not the full help, this menu is stripped into categories.
Use "--help category" to get an overview of all categories.
For all options use the manual or "--help all".
`;

/** `curl --help NAME` for a name that is no category. */
const HELP_CATEGORIES = `Usage: curl [options...] <url>
Invalid category provided, here is a list of all categories:

 auth        Different types of authentication methods
 connection  Low level networking operations
 curl        The command line tool itself
 dns         General DNS options
 file        FILE protocol options
 ftp         FTP protocol options
 http        HTTP and HTTPS protocol options
 imap        IMAP protocol options
 misc        Options that don't fit into any other category
 output      Filesystem output
 pop3        POP3 protocol options
 post        HTTP Post specific options
 proxy       All options related to proxies
 scp         SCP protocol options
 sftp        SFTP protocol options
 smtp        SMTP protocol options
 ssh         SSH protocol options
 telnet      TELNET protocol options
 tftp        TFTP protocol options
 tls         All TLS/SSL related options
 upload      All options for uploads
 verbose     Options related to any kind of command line output of curl
`;

/** `curl --version` on the laptop (Debian 12's curl). */
const VERSION = `curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 OpenSSL/3.0.19 zlib/1.2.13 brotli/1.0.9 zstd/1.5.4 libidn2/2.3.3 libpsl/0.21.2 (+libidn2/2.3.3) libssh2/1.10.0 nghttp2/1.52.0 librtmp/2.3 OpenLDAP/2.5.13
Release-Date: 2023-02-20, security patched: 7.88.1-10+deb12u14
Protocols: dict file ftp ftps gopher gophers http https imap imaps ldap ldaps mqtt pop3 pop3s rtmp rtsp scp sftp smb smbs smtp smtps telnet tftp
Features: alt-svc AsynchDNS brotli GSS-API HSTS HTTP2 HTTPS-proxy IDN IPv6 Kerberos Largefile libz NTLM NTLM_WB PSL SPNEGO SSL threadsafe TLS-SRP UnixSockets zstd
`;

/** The help categories (and `all`, `important`, which the list does not name). */
const CATEGORIES = new Set(['all', 'important', ...Array.from(HELP_CATEGORIES.matchAll(/^ (\S+) {2,}/gm), (m) => m[1] as string)]);

/**
 * -h/--help [CATEGORY]: the next word, unless an option, is the category. The per-category
 * menus are not kept here: a real category gets the stripped menu (a known gap).
 */
function helpText(next: string | undefined): string {
  const category = next !== undefined && !next.startsWith('-') ? next : null;
  return category !== null && !CATEGORIES.has(category) ? HELP_CATEGORIES : HELP;
}

/** curl's "option X: why" usage error (exit 2). */
function usage(option: string, why: string): UsageError {
  return new UsageError(`curl: option ${option}: ${why}\n${TRY}`);
}

/** curl's seconds: a non-negative decimal number. */
function seconds(option: string, v: string): number {
  if (!/^-?(?:\d+\.?\d*|\.\d+)$/.test(v)) throw usage(option, 'expected a proper numerical parameter');
  const n = Number(v);
  if (n < 0) throw usage(option, 'expected a positive numerical parameter');
  return n;
}

function setValued(o: Opts, key: Valued, option: string, v: string): void {
  if (key === 'headers') o.headers.push(v);
  else if (key === 'url') o.urls.push(v);
  else if (key === 'connectTimeout') o.connectTimeout = seconds(option, v);
  else if (key === 'maxTime') o.maxTime = seconds(option, v);
  else o[key] = v;
}

/** curl's command line: bundled short options (`-sSo FILE`, `-w%{http_code}`), long ones, URLs anywhere. */
export function parseCurl(argv: string[]): Opts {
  const o: Opts = {
    silent: false, showError: false, verbose: false, include: false, head: false, fail: false, location: false, globoff: false,
    output: null, writeOut: null, headers: [], method: null, data: null, userAgent: null, connectTimeout: null, maxTime: null, urls: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      // The end of the options: the rest are URLs.
      o.urls.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-') throw usage('-', 'is unknown');
    // curl prints these instead of any transfer, and stops.
    if (a === '--help' || a === '-h') return extended(o, { info: helpText(argv[i + 1]) });
    if (a === '--version' || a === '-V') return extended(o, { info: VERSION });
    if (a.startsWith('--')) {
      if (Object.hasOwn(FLAGS, a)) {
        const f = FLAGS[a];
        if (f) o[f] = true;
      } else if (Object.hasOwn(VALUED, a)) {
        const v = argv[++i];
        if (v === undefined) throw usage(a, 'requires parameter');
        setValued(o, VALUED[a] as Valued, a, v);
      } else throw usage(a, 'is unknown');
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j] as string;
        if (Object.hasOwn(FLAGS, ch)) {
          const f = FLAGS[ch];
          if (f) o[f] = true;
          continue;
        }
        const key = ownValue(VALUED, ch);
        if (!key) throw usage(`-${ch}`, 'is unknown');
        const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (v === undefined) throw usage(`-${ch}`, 'requires parameter');
        setValued(o, key, `-${ch}`, v);
        break;
      }
    } else o.urls.push(a);
  }
  return o;
}

export function runCurl(ctx: HostCtx, argv: string[], ns: string | null = null): HostResult {
  let o: Opts;
  try {
    o = parseCurl(argv.slice(1));
  } catch (e) {
    if (e instanceof UsageError) return { stdout: '', stderr: e.message, exitCode: 2 };
    throw e;
  }
  if (o.info !== undefined) return { stdout: o.info, stderr: '', exitCode: 0 };
  if (o.urls.length === 0) return { stdout: '', stderr: argv.length > 1 ? `curl: no URL specified!\n${TRY}` : TRY, exitCode: 2 };
  const run: Run = { cloud: ctx.cloud, conns: 0, transfers: 0, seen: new Set<string>(), alive: null };
  const acc = { stdout: '', stderr: '', exitCode: 0 };
  // Globbed first, to keep to the limit before anything runs; a bad pattern stops curl after
  // the transfers of the URLs before it.
  const lists: string[][] = [];
  let bad: string | null = null;
  for (const pattern of o.urls) {
    const g = o.globoff ? [pattern] : expandGlob(pattern);
    if ('tooMany' in g || lists.flat().length + (Array.isArray(g) ? g.length : 0) > MAX_URLS) {
      return { stdout: '', stderr: `stacklab: curl: too many URLs (more than ${MAX_URLS})\n`, exitCode: 1 };
    }
    if ('error' in g) {
      bad = g.error;
      break;
    }
    lists.push(g);
  }
  const finished = lists.flat().every((url) => follow(ctx, o, url, ns, run, acc));
  if (finished && bad !== null) {
    acc.stderr += !o.silent || o.showError ? `curl: (3) ${bad}\n` : '';
    acc.exitCode = 3;
  }
  return run.cloud === ctx.cloud ? acc : extended(acc, { cloud: run.cloud });
}

/** One URL and, with -L, the redirects it leads to (curl's default --max-redirs 50); false: curl must stop. */
function follow(ctx: HostCtx, o: Opts, url: string, ns: string | null, run: Run, acc: { stdout: string; stderr: string; exitCode: number }): boolean {
  let next: string | undefined = url;
  for (let hops = 0; next !== undefined; hops++) {
    if (hops > MAX_REDIRS) {
      acc.stderr += !o.silent || o.showError ? `curl: (47) Maximum (${MAX_REDIRS}) redirects followed\n` : '';
      acc.exitCode = 47;
      return true;
    }
    if (run.transfers++ >= MAX_TRANSFERS) {
      acc.stderr += `stacklab: curl: too many transfers (more than ${MAX_TRANSFERS}); it was stopped\n`;
      acc.exitCode = 1;
      return false;
    }
    const r = transfer(extended(ctx, { cloud: run.cloud }), o, next, ns, run, hops > 0);
    run.cloud = r.cloud;
    acc.stdout += r.stdout;
    acc.stderr += r.stderr;
    // curl exits with the last transfer's result.
    acc.exitCode = r.exitCode;
    next = r.next;
  }
  return true;
}

/**
 * What one curl may do here, so that a line stays cheap (a transfer through a load balancer
 * costs some 0.2 ms): URLs after globbing (`[1-1000000]` multiplies fast), and transfers with
 * the redirects -L follows. Real curl has no such limits.
 */
const MAX_URLS = 100;
const MAX_TRANSFERS = 200;

/** curl's default --max-redirs. */
const MAX_REDIRS = 50;

/** What the transfers of one curl share: the cloud so far, the connection count, the hosts resolved. */
interface Run {
  cloud: Cloud;
  conns: number;
  transfers: number;
  seen: Set<string>;
  /** The connection the last transfer left open (HTTP/1.1 keep-alive), which the next one to the same place reuses. */
  alive: { key: string; n: number } | null;
}

interface Target { scheme: string; host: string; ip: string; port: number; path: string; display: string }

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ftp: 21, ftps: 990, dict: 2628, gopher: 70, imap: 143, ldap: 389, mqtt: 1883, pop3: 110, rtsp: 554, scp: 22, sftp: 22, smtp: 25, telnet: 23, tftp: 69, ws: 80, wss: 443 };

/** A URL as curl's parser takes it, or the curl error it gives (code and message). */
export function parseUrl(url: string): Target | { code: number; message: string } {
  const bad = { code: 3, message: 'URL using bad/illegal format or missing URL' };
  // Control characters and spaces are refused; other bytes are percent-encoded into the path.
  if (url.length > 8_000_000 || /[\x00-\x20\x7f]/.test(url)) return bad;
  const sm = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/?(?!\/)/.exec(url);
  const scheme = (sm?.[1] ?? (/^ftp\./i.test(url) ? 'ftp' : 'http')).toLowerCase();
  if (!Object.hasOwn(DEFAULT_PORTS, scheme)) return { code: 1, message: `Protocol "${sm?.[1] ?? scheme}" not supported or disabled in libcurl` };
  const rest = sm ? url.slice(sm[0].length) : url;
  // [user[:password]@]host[:port][/path][?query][#fragment]
  const m = /^(?:[^@/?#]*@)?(\[[^\]]*\]|[^/?#:[@]*)(?::([^/?#]*))?([/?#].*)?$/.exec(rest);
  if (!m || !m[1]) return bad;
  const portText = m[2] ?? '';
  if (portText !== '' && !/^\d+$/.test(portText)) return bad;
  const port = portText === '' ? (DEFAULT_PORTS[scheme] as number) : Number(portText);
  if (port > 65535) return bad;
  const host = m[1];
  const v6 = host.startsWith('[') ? parseIp(host.slice(1, -1)) : null;
  if (host.startsWith('[') && v6?.version !== 6) return bad;
  const ip = v6 ? formatIp(6, v6.value) : host.toLowerCase() === 'localhost' ? '127.0.0.1' : host;
  let path = (m[3] ?? '/').replace(/#.*$/, '');
  if (path.startsWith('?')) path = `/${path}`;
  path = Array.from(new TextEncoder().encode(path), (b) => (b > 0x7e ? `%${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b))).join('');
  return { scheme, host, ip, port, path: path || '/', display: host.startsWith('[') ? ip : host };
}

interface Step {
  stdout: string;
  stderr: string;
  exitCode: number;
  cloud: Cloud;
  /** -L: the URL to follow. */
  next?: string;
  /** The connection stays open ("left intact"). */
  alive?: boolean;
}

/** One URL: connect (reach verdict), exchange, and print as curl does. */
function transfer(ctx: HostCtx, o: Opts, url: string, ns: string | null, run: Run, redirected: boolean): Step {
  const log = new Log(o);
  const t = parseUrl(url);
  if ('code' in t) {
    // A URL curl cannot parse fails before the transfer starts: no progress meter.
    log.info('Closing connection -1');
    return log.fail(ctx.cloud, t.code, t.message, extended(o, { output: null }), null);
  }
  const addr = parseIp(t.ip);
  if (!addr) {
    // No DNS in this world: only addresses resolve (and localhost).
    log.info(`Could not resolve host: ${t.host}`);
    log.info(`Closing connection ${run.conns++}`);
    return log.fail(ctx.cloud, 6, `Could not resolve host: ${t.host}`, o, null);
  }
  const key = `${t.scheme}://${t.host}:${t.port}`;
  const reused = run.alive?.key === key ? run.alive.n : null;
  run.alive = null;
  const n = reused ?? run.conns++;
  if (reused !== null) {
    log.info(`Found bundle for host: ${bundleAddress(t.host)} [serially]`);
    log.info('Can not multiplex, even if we wanted to');
    log.info(`Re-using existing connection #${n} with host ${t.display}`);
  } else {
    if (run.seen.has(t.host) && !redirected) log.info(`Hostname ${t.host} was found in DNS cache`);
    log.info(`  Trying ${addr.version === 6 ? `[${t.ip}]` : t.ip}:${t.port}...`);
  }
  run.seen.add(t.host);
  const conn = connect(ctx, t, ns, o);
  if (conn.kind !== 'open') {
    const ms = conn.kind === 'timeout' ? timeoutMs(o) : conn.ms;
    if (conn.errno) log.info(`connect to ${t.ip} port ${t.port} failed: ${conn.errno}`);
    const msg = `Failed to connect to ${t.display} port ${t.port} after ${ms} ms: ${conn.kind === 'timeout' && timeLimit(o) !== null ? 'Timeout was reached' : "Couldn't connect to server"}`;
    log.info(msg);
    log.info(`Closing connection ${n}`);
    return log.fail(ctx.cloud, conn.kind === 'timeout' ? 28 : 7, msg, o, null);
  }
  if (reused === null) log.info(`Connected to ${t.display} (${t.ip}) port ${t.port} (#${n})`);
  if (t.scheme === 'https') return tlsFailure(log, conn.cloud, o, n);
  log.request(conn.req, t, o);
  const step = respond(log, conn.cloud, conn.response, conn.req, t, o, n, conn.rtt);
  if (step.alive) run.alive = { key, n };
  return o.location ? redirectOf(step, conn.response, t, o) : step;
}

/** The address curl prints for its connection bundle: a heap pointer, here one derived from the host. */
function bundleAddress(host: string): string {
  let h = 0x811c9dc5;
  for (const ch of host) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return `0x55${(h >>> 4).toString(16).padStart(7, '0')}${(h & 0xf).toString(16)}00`;
}

/** -L: a 3xx with a Location is followed (its body is not written); curl says so in -v. */
function redirectOf(step: Step, res: HttpResponse, t: Target, o: Opts): Step {
  const location = res.headers.find(([h]) => h.toLowerCase() === 'location')?.[1];
  if (res.status < 300 || res.status > 399 || location === undefined || step.exitCode !== 0) return step;
  const next = resolveUrl(location, t);
  const to = parseUrl(next);
  let verbose = '';
  if (o.verbose && !('code' in to) && to.host === t.host && to.port !== t.port) verbose += `* Clear auth, redirects to port from ${t.port} to ${to.port}\n`;
  if (o.verbose) verbose += `* Issue another request to this URL: '${next}'\n`;
  const head = o.include ? step.stdout.slice(0, step.stdout.indexOf('\r\n\r\n') + 4) : '';
  return extended(step, { stdout: head, stderr: step.stderr + verbose, next });
}

/** A Location against the URL it came from (absolute, host-relative or path-relative). */
function resolveUrl(location: string, t: Target): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(location)) return location;
  const origin = `${t.scheme}://${t.host}${DEFAULT_PORTS[t.scheme] === t.port ? '' : `:${t.port}`}`;
  if (location.startsWith('/')) return `${origin}${location}`;
  return `${origin}${t.path.replace(/[^/]*$/, '')}${location}`;
}

/** What the connect gives: an open connection with the answer to curl's request, or how it failed. */
type Conn =
  | { kind: 'open'; req: Request; response: HttpResponse; cloud: Cloud; rtt: number }
  | { kind: 'refused' | 'unreachable'; ms: number; errno: string | null }
  | { kind: 'timeout'; errno: null };

type Request = HttpRequest & { lines: string[] };

const REFUSED: Conn = { kind: 'refused', ms: 0, errno: 'Connection refused' };

/**
 * The reach query decides whether the SYN gets there; then the load balancer (a VIP) or the
 * VM's web server answers, and where nothing listens the kernel resets: connection refused.
 */
function connect(ctx: HostCtx, t: Target, ns: string | null, o: Opts): Conn {
  const { cloud } = ctx;
  // The local kernel refuses a connect to port 0 before any packet leaves.
  if (t.port === 0) return REFUSED;
  if (t.ip === '169.254.169.254') return metadata(ctx, t, o);
  const tr = trace(cloud, endpoint(ctx.host, ns), t.ip, 'tcp', t.port);
  if (tr.verdict === 'refused') return REFUSED;
  if (tr.verdict === 'host-unreachable') return { kind: 'unreachable', ms: 3072, errno: 'No route to host' };
  if (tr.verdict !== 'ok') return { kind: 'timeout', errno: null };
  const dst = dnatTarget(tr, t.ip);
  const req = request(o, t, sourceAddress(ctx, tr), dst);
  const rtt = hopRtts(cloud, tr.hops.map((h) => h.address), ctx.host === 'laptop').at(-1) ?? 0;
  const vip = serveVip(cloud, req);
  if (vip) return { kind: 'open', req, response: vip.response, cloud: vip.cloud, rtt };
  const owner = cloud.ports.find((p) => p.fixedIps.some((f) => f.ipAddress === req.dstIp) && p.deviceOwner.startsWith('compute:'));
  const vm = owner ? cloud.servers.find((s) => s.id === owner.deviceId) : undefined;
  const response = vm ? vmHttp(cloud, vm.id, t.port, req) : null;
  return response ? { kind: 'open', req, response, cloud, rtt } : REFUSED;
}

/** The metadata service from a VM (through the router's or DHCP agent's proxy); nothing answers elsewhere. */
function metadata(ctx: HostCtx, t: Target, o: Opts): Conn {
  const vm = server(ctx.cloud, ctx.host);
  const g = vm ? guestView(ctx.cloud, vm) : null;
  if (!vm || !g?.metadata) return { kind: 'unreachable', ms: 3072, errno: null };
  if (t.port !== 80) return REFUSED;
  const req = request(o, t, g.v4?.address ?? '', t.ip);
  const r = metadataBody(ctx.cloud, vm, req.path);
  // webob's headers, then the Date eventlet's WSGI server adds (from the simulated clock).
  const headers: Array<[string, string]> = [['Content-Type', 'text/plain; charset=UTF-8'], ['Content-Length', String(byteLength(r.body))], ['Date', httpDate(ctx.cloud.clock)]];
  return { kind: 'open', req, response: { status: r.status, reason: r.status === 200 ? 'OK' : 'Not Found', headers, body: r.body }, cloud: ctx.cloud, rtt: 0.3 };
}

/** https to a plain-HTTP server: the TLS handshake reads an HTTP answer (the laptop's OpenSSL says so). */
function tlsFailure(log: Log, cloud: Cloud, o: Opts, n: number): Step {
  const message = 'OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number';
  log.info('ALPN: offers h2,http/1.1');
  log.sent(5);
  log.info('TLSv1.3 (OUT), TLS handshake, Client hello (1):');
  log.sent(512);
  log.info(' CAfile: /etc/ssl/certs/ca-certificates.crt');
  log.info(' CApath: /etc/ssl/certs');
  log.data(5);
  log.info(message);
  log.info(`Closing connection ${n}`);
  return log.fail(cloud, 35, message, o, null);
}

/** The destination after a floating IP's DNAT on the way. */
function dnatTarget(tr: Trace, ip: string): string {
  const nat = tr.hops.map((h) => h.nat).find((x) => x?.startsWith('DNAT'));
  return nat ? (nat.split(' -> ')[1] ?? ip) : ip;
}

/** The source address the server sees: the laptop's public address, or the VM's, after any SNAT. */
function sourceAddress(ctx: HostCtx, tr: Trace): string {
  const snat = tr.hops.map((h) => h.nat).find((x) => x?.startsWith('SNAT -> '))?.slice('SNAT -> '.length);
  if (snat && snat !== 'router gateway') return snat;
  const vm = server(ctx.cloud, ctx.host);
  if (vm) return guestView(ctx.cloud, vm).v4?.address ?? '';
  // The node's own address (its namespaces' are not told apart).
  return ctx.host === 'laptop' ? '203.0.113.10' : '10.0.0.11';
}

/** The request curl sends: its own headers, replaced, removed or added to by -H, -A and -d. */
function request(o: Opts, t: Target, src: string, dst: string): Request {
  const custom = o.headers.map((h) => /^([^:;]+)([:;])\s*(.*)$/.exec(h)).filter((m): m is RegExpExecArray => m !== null);
  const has = (name: string) => custom.some((m) => (m[1] ?? '').toLowerCase() === name);
  const defaultPort = DEFAULT_PORTS[t.scheme] === t.port;
  const hostHeader = custom.find((m) => (m[1] ?? '').toLowerCase() === 'host');
  const lines: string[] = [];
  if (!hostHeader) lines.push(`Host: ${t.host}${defaultPort ? '' : `:${t.port}`}`);
  else if (hostHeader[2] === ':' && hostHeader[3]) lines.push(hostHeader[0]);
  if (!has('user-agent')) lines.push(`User-Agent: ${o.userAgent ?? USER_AGENT}`);
  if (!has('accept')) lines.push('Accept: */*');
  for (const m of custom) {
    const name = (m[1] ?? '').toLowerCase();
    if (name === 'host' || (m[2] === ':' && !m[3])) continue;
    lines.push(m[2] === ';' ? `${m[1]}:` : m[0]);
  }
  if (o.data !== null) lines.push(`Content-Length: ${byteLength(o.data)}`, 'Content-Type: application/x-www-form-urlencoded');
  // By lower-case name (the first of a name), the Host header apart in `host`.
  const headers = Object.create(null) as Record<string, string>;
  let host: string | null = null;
  for (const l of lines) {
    const i = l.indexOf(':');
    const k = l.slice(0, i).toLowerCase();
    if (k === 'host') host ??= l.slice(i + 1).trim();
    else if (!Object.hasOwn(headers, k)) headers[k] = l.slice(i + 1).trim();
  }
  const method = o.method ?? (o.head ? 'HEAD' : o.data !== null ? 'POST' : 'GET');
  return { srcIp: src, dstIp: dst, port: t.port, method, path: t.path, host, headers, lines };
}

function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** Prints the exchange's answer: body, headers (-i, -I), -f, -w, verbose and progress lines. */
function respond(log: Log, cloud: Cloud, res: HttpResponse, req: HttpRequest, t: Target, o: Opts, n: number, rtt: number): Step {
  if (res.raw === '') {
    // The connection closed without a byte (a TCP listener with no server behind it).
    log.info('Empty reply from server');
    log.info(`Closing connection ${n}`);
    return log.fail(cloud, 52, 'Empty reply from server', o, null);
  }
  if (res.raw !== undefined) {
    log.info('Received HTTP/0.9 when not allowed');
    log.info(`Closing connection ${n}`);
    return log.fail(cloud, 1, 'Received HTTP/0.9 when not allowed', o, null);
  }
  const version = res.version ?? 'HTTP/1.1';
  const headerName = (k: string) => res.headers.find(([h]) => h.toLowerCase() === k)?.[1];
  const close = version === 'HTTP/1.0' || headerName('connection')?.toLowerCase() === 'close';
  if (version === 'HTTP/1.0') log.info('HTTP 1.0, assume close after body');
  const head = [`${version} ${res.status}${res.reason ? ` ${res.reason}` : ''}`, ...res.headers.map(([k, v]) => `${k}: ${v}`)];
  for (const l of head) log.recv(`${l}\r\n`);
  log.recv('\r\n');
  if (o.fail && res.status >= 400) {
    log.info(`The requested URL returned error: ${res.status}`);
    log.info(`Closing connection ${n}`);
    return log.fail(cloud, 22, `The requested URL returned error: ${res.status}`, o, res);
  }
  const headText = `${head.join('\r\n')}\r\n\r\n`;
  const isHead = req.method === 'HEAD';
  const length = headerName('content-length');
  if (version !== 'HTTP/1.0' && !close && length === undefined && !isHead) log.info('no chunk, no close, no size. Assume close to signal end');
  const body = isHead ? '' : res.body;
  if (isHead && res.body) log.info(`Excess found: excess = ${byteLength(res.body)} url = ${t.path.replace(/\?.*$/, '')} (zero-length body)`);
  else if (body) log.data(byteLength(body));
  const alive = !close && length !== undefined;
  log.info(alive ? `Connection #${n} to host ${t.display} left intact` : `Closing connection ${n}`);
  const shownHead = o.include || o.head ? headText : '';
  return extended(log.done(cloud, { res, head: shownHead, body, size: byteLength(body), rtt, known: length !== undefined }, t), { alive });
}

/** The progress meter's line before any byte moved. */
const ZERO_METER = '  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0';

/** What one transfer prints, in curl's order: verbose lines, progress meter, error, write-out. */
class Log {
  private err = '';
  constructor(private readonly o: Opts) {}

  /** `* text` (verbose). */
  info(text: string): void {
    if (this.o.verbose) this.err += `* ${text}\n`;
  }

  recv(line: string): void {
    if (this.o.verbose) this.err += `< ${line}`;
  }

  /** `{ [N bytes data]`: only when the body does not go to the terminal. */
  data(bytes: number): void {
    if (this.o.verbose && this.o.output !== null) this.err += `{ [${bytes} bytes data]\n`;
  }

  /** `} [N bytes data]`: likewise. */
  sent(bytes: number): void {
    if (this.o.verbose && this.o.output !== null) this.err += `} [${bytes} bytes data]\n`;
  }

  request(req: Request, t: Target, o: Opts): void {
    if (!this.o.verbose) return;
    this.err += `> ${req.method} ${t.path} HTTP/1.1\r\n${req.lines.map((l) => `> ${l}\r\n`).join('')}> \r\n`;
    if (o.data !== null) this.sent(byteLength(o.data));
  }

  /** The meter shows only when the body goes to a file and -s is off. */
  private meter(final: string, o: Opts = this.o): string {
    if (o.output === null || o.silent) return '';
    return `  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n\r${ZERO_METER}${final}`;
  }

  /** A failed transfer; `res`: the answer -f refused (its size shows in the meter, its code in -w). */
  fail(cloud: Cloud, code: number, message: string, o: Opts, res: HttpResponse | null): Step {
    const size = res ? headerSize(res) : 0;
    const meterFinal = size > 0 ? `\r  0 ${max5(size)}    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\n` : `\r${ZERO_METER}\n`;
    const meter = this.meter(meterFinal, o);
    const shown = !o.silent || o.showError ? `curl: (${code}) ${message}\n` : '';
    const out = o.writeOut !== null ? writeOut(o.writeOut, { code: res ? res.status : 0, ip: '', port: 0, size: 0, url: '', rtt: 0 }) : { text: '', errors: '' };
    return { stdout: out.text, stderr: meter.length > 0 ? insertMeter(this.err, meter) + shown + out.errors : this.err + shown + out.errors, exitCode: code, cloud };
  }

  done(cloud: Cloud, x: { res: HttpResponse; head: string; body: string; size: number; rtt: number; known: boolean }, t: Target): Step {
    const secs = Math.max(x.rtt * 2, 0.1) / 1000;
    const speed = Math.floor(x.size / secs);
    const pct = (b: boolean) => (b ? '100' : '  0');
    const final = x.size > 0 || x.known
      ? `\r${pct(true)} ${max5(x.size)}  ${pct(x.known)} ${max5(x.size)}    0     0  ${max5(speed)}      0 --:--:-- --:--:-- --:--:-- ${max5(speed)}\n`
      : `\r${ZERO_METER}\n`;
    const meter = this.meter(final);
    const w = this.o.writeOut !== null
      ? writeOut(this.o.writeOut, { code: x.res.status, ip: t.ip, port: t.port, size: x.size, url: `${t.scheme}://${t.host}${DEFAULT_PORTS[t.scheme] === t.port ? '' : `:${t.port}`}${t.path}`, rtt: secs })
      : { text: '', errors: '' };
    const body = this.o.output === null ? `${x.head}${x.body}` : '';
    return { stdout: body + w.text, stderr: (meter ? insertMeter(this.err, meter) : this.err) + w.errors, exitCode: 0, cloud };
  }
}

/**
 * The meter's header and first line come before the verbose lines; its last line, which
 * returns to the start of the line, before the closing one. Given as the screen shows it once
 * curl is done (Stacklab's terminal shows a lone carriage return as `^M`, never obeys it).
 */
function insertMeter(verbose: string, meter: string): string {
  const cut = meter.lastIndexOf('\r');
  const start = meter.slice(0, cut);
  const final = meter.slice(cut);
  const lines = verbose.split(/(?<=\n)/);
  const last = lines.length > 0 && /^\* (?:Closing connection|Connection #)/.test(lines.at(-1) ?? '') ? lines.pop() ?? '' : '';
  return overprint(`${start}${lines.join('')}${final}${last}`);
}

/** What a terminal shows for text with carriage returns inside lines: each overwrites from column 0. */
function overprint(text: string): string {
  return text.split('\n').map((line) => {
    const crlf = line.endsWith('\r');
    const body = crlf ? line.slice(0, -1) : line;
    if (!body.includes('\r')) return line;
    let shown = '';
    for (const part of body.split('\r')) shown = part + shown.slice(part.length);
    return crlf ? `${shown}\r` : shown;
  }).join('\n');
}

function headerSize(res: HttpResponse): number {
  return Number(res.headers.find(([h]) => h.toLowerCase() === 'content-length')?.[1] ?? 0) || 0;
}

/** curl's 5-character sizes: `  107`, ` 146k`, `12.3M`. */
function max5(n: number): string {
  if (n < 100000) return String(n).padStart(5);
  if (n < 10000 * 1024) return `${String(Math.floor(n / 1024)).padStart(4)}k`;
  const m = n / (1024 * 1024);
  return m < 100 ? `${String(Math.floor(m)).padStart(2)}.${Math.floor((m * 10) % 10)}M` : `${String(Math.floor(m)).padStart(4)}M`;
}

/** `-w`: the variables curl knows that this simulation has, and its backslash escapes. */
function writeOut(fmt: string, v: { code: number; ip: string; port: number; size: number; url: string; rtt: number }): { text: string; errors: string } {
  let errors = '';
  const vars: Record<string, string> = {
    http_code: String(v.code).padStart(3, '0'), response_code: String(v.code).padStart(3, '0'), remote_ip: v.ip, remote_port: v.port ? String(v.port) : '',
    size_download: String(v.size), url_effective: v.url, time_total: v.rtt.toFixed(6), time_connect: (v.rtt / 2).toFixed(6),
  };
  const text = fmt.replace(/%\{([^}]*)\}|%%|\\(.)/g, (all, name: string | undefined, esc: string | undefined) => {
    if (all === '%%') return '%';
    if (esc !== undefined) return esc === 'n' ? '\n' : esc === 'r' ? '\r' : esc === 't' ? '\t' : all;
    if (name !== undefined && Object.hasOwn(vars, name)) return vars[name] ?? '';
    errors += `curl: unknown --write-out variable: '${name ?? ''}'\n`;
    return '';
  });
  return { text, errors };
}

function timeoutMs(o: Opts): number {
  const limit = timeLimit(o);
  return limit !== null ? Math.round(limit * 1000) + 4 : 130000;
}

/** How long a connect may take: the shorter of --connect-timeout and -m (0 is no limit). */
function timeLimit(o: Opts): number | null {
  const limits = [o.connectTimeout, o.maxTime].filter((x): x is number => x !== null && x > 0);
  return limits.length > 0 ? Math.min(...limits) : null;
}

// ---- URL globbing (tool_urlglob.c): {a,b} sets and [1-3], [a-c], [01-10:2] ranges -----------

type GlobError = { error: string };
/** More URLs than MAX_URLS: not expanded. */
const TOO_MANY = { tooMany: true } as const;

/** The URLs a pattern stands for, the last glob varying fastest, or curl's error with its caret. */
export function expandGlob(url: string): string[] | GlobError | typeof TOO_MANY {
  const parts: string[][] = [];
  const fail = (what: string, pos: number): GlobError => ({ error: `${what} in URL position ${pos}:\n${url}\n${' '.repeat(Math.max(0, pos - 1))}^` });
  let i = 0;
  let literal = '';
  let total = 1;
  while (i < url.length) {
    const ch = url[i] as string;
    if (ch === '[') {
      const end = url.indexOf(']', i);
      const inside = end > i ? url.slice(i + 1, end) : '';
      if (end > i && (inside === '' || parseIp(inside.split('%')[0] ?? '')?.version === 6)) {
        // An IPv6 literal (or `[]`) is not a range.
        literal += url.slice(i, end + 1);
        i = end + 1;
        continue;
      }
      const r = globRange(url, i + 1);
      if ('error' in r) return fail(r.error, r.pos);
      if (r.tooMany) return TOO_MANY;
      parts.push([literal], r.items);
      literal = '';
      total *= r.items.length;
      i = r.next;
    } else if (ch === '{') {
      const r = globSet(url, i + 1);
      if ('error' in r) return fail(r.error, r.pos);
      parts.push([literal], r.items);
      literal = '';
      total *= r.items.length;
      i = r.next;
    } else if (ch === '}' || ch === ']') {
      return fail('unmatched close brace/bracket', i + 1);
    } else if (ch === '\\' && '{}[]'.includes(url[i + 1] ?? 'x')) {
      literal += url[i + 1];
      i += 2;
    } else {
      literal += ch;
      i++;
    }
    if (total > MAX_URLS) return TOO_MANY;
  }
  parts.push([literal]);
  return parts.reduce<string[]>((acc, items) => acc.flatMap((a) => items.map((b) => a + b)), ['']);
}

type GlobPart = { items: string[]; next: number; tooMany?: boolean } | { error: string; pos: number };

/** `{a,b,c}` from just after the brace (0-based `i`); positions in errors are 1-based. */
function globSet(url: string, i: number): GlobPart {
  const items: string[] = [];
  let cur = '';
  for (let j = i; j < url.length; j++) {
    const ch = url[j] as string;
    if (ch === '{' || ch === '[') return { error: 'nested brace', pos: j + 1 };
    if (ch === ']') return { error: 'unexpected close bracket', pos: j + 1 };
    if (ch === '}' && j === i) return { error: 'empty string within braces', pos: j + 1 };
    if (ch === ',' || ch === '}') {
      items.push(cur);
      cur = '';
      if (ch === '}') return { items, next: j + 1 };
      continue;
    }
    if (ch === '\\' && j + 1 < url.length) j++;
    cur += url[j];
  }
  return { error: 'unmatched brace', pos: i };
}

/**
 * `[a-z]`, `[0-9]`, with `:step` and zero padding, from just after the bracket (0-based `i`).
 * An error's position is where curl's scan stopped (1-based), as it reports it.
 */
function globRange(url: string, i: number): GlobPart {
  const first = url[i] ?? '';
  if (/^[a-zA-Z]$/.test(first)) return letterRange(url, i);
  if (!/^\d$/.test(first)) return { error: 'bad range specification', pos: i + 1 };
  const min = /^\d+/.exec(url.slice(i))?.[0] ?? '';
  if (url[i + min.length] !== '-') return { error: 'bad range', pos: i + 1 };
  let j = i + min.length + 1;
  while (url[j] === ' ' || url[j] === '\t') j++;
  const max = /^\d+/.exec(url.slice(j))?.[0];
  if (max === undefined) return { error: 'bad range', pos: j + 1 };
  let k = j + max.length;
  let step = '1';
  if (url[k] === ':') {
    j = k + 1;
    step = /^\d+/.exec(url.slice(j))?.[0] ?? '';
    k = j + step.length;
  }
  if (url[k] !== ']' || step === '') return { error: 'bad range', pos: j + 1 };
  const [lo, hi, by] = [Number(min), Number(max), Number(step)];
  if (!globStepOk(lo, hi, by)) return { error: 'bad range', pos: k + 2 };
  if ((hi - lo) / by >= MAX_URLS) return { items: [], next: k + 1, tooMany: true };
  const pad = min.startsWith('0') ? min.length : 0;
  const items: string[] = [];
  for (let n = lo; n <= hi; n += by) items.push(String(n).padStart(pad, '0'));
  return { items, next: k + 1 };
}

/** `[a-z]` and `[a-z:2]`: curl reads `%c-%c%c`, so the end may be any character (and is then checked). */
function letterRange(url: string, i: number): GlobPart {
  const [lo, dash, hi, end] = [url.charCodeAt(i), url[i + 1], url.charCodeAt(i + 2), url[i + 3]];
  if (dash !== '-' || Number.isNaN(hi) || (end !== ']' && end !== ':')) return { error: 'bad range', pos: i + 1 };
  let next = i + 4;
  let step = 1;
  if (end === ':') {
    const digits = /^(\d+)\]/.exec(url.slice(i + 4));
    if (!digits) return { error: 'bad range', pos: i + 1 };
    step = Number(digits[1]);
    next = i + 4 + digits[0].length;
  }
  if (!globStepOk(lo, hi, step) || hi - lo > 25) return { error: 'bad range', pos: next + 1 };
  const items: string[] = [];
  for (let c = lo; c <= hi; c += step) items.push(String.fromCharCode(c));
  return { items, next };
}

function globStepOk(lo: number, hi: number, step: number): boolean {
  return step > 0 && Number.isSafeInteger(step) && (lo === hi ? step === 1 : lo < hi && step <= hi - lo);
}

/** An HTTP date (RFC 7231) for seconds since the epoch: `Thu, 03 Dec 2026 17:03:02 GMT`. */
function httpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString();
}
