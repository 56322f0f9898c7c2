/** `curl URL`: the metadata service from a VM, otherwise the reach query's verdict as curl reports a failed connection. */
import { guestView } from '../../sim/dataplane/guest.js';
import { trace } from '../../sim/reach.js';
import { parseIp } from '../../sim/ipam.js';
import { endpoint, err, ok, operands, server, type HostCtx, type HostResult } from './host.js';
import { metadataBody } from './metadata.js';

export function runCurl(ctx: HostCtx, argv: string[], ns: string | null = null): HostResult {
  const r = curl(ctx, argv, ns);
  // -s hides the error message (unless -S shows it again); the exit code stays.
  const flags = argv.filter((x) => /^-[a-zA-Z]+$/.test(x)).join('');
  return flags.includes('s') && !flags.includes('S') ? { ...r, stderr: '' } : r;
}

function curl(ctx: HostCtx, argv: string[], ns: string | null): HostResult {
  const url = operands(argv, ['--connect-timeout', '-m', '--max-time', '-o', '--output', '-H', '--header', '-X', '--request', '-d', '--data', '-u', '--user', '-w', '--write-out', '-A', '--user-agent', '--retry'])[0];
  if (!url) return err("curl: try 'curl --help' or 'curl --manual' for more information\n", 2);
  const m = /^(?:https?:\/\/)?([^/:]+)(?::(\d+))?/.exec(url);
  const hostPart = m?.[1] ?? '';
  const port = Number(m?.[2] ?? (url.startsWith('https') ? 443 : 80));
  if (!parseIp(hostPart)) return err(`curl: (6) Could not resolve host: ${hostPart}\n`, 6);
  if (hostPart === '169.254.169.254') {
    const vm = server(ctx.cloud, ctx.host);
    if (vm && guestView(ctx.cloud, vm).metadata) {
      const path = /^(?:https?:\/\/)?[^/]+(\/.*)?$/.exec(url)?.[1] ?? '/';
      const r = metadataBody(ctx.cloud, vm, path);
      // curl -f turns the 404 page into an error, as scripts use it.
      if (r.status === 404 && argv.some((x) => /^-[a-zA-Z]*f/.test(x))) return err('curl: (22) The requested URL returned error: 404\n', 22);
      return ok(r.body);
    }
    return err(`curl: (7) Failed to connect to 169.254.169.254 port ${port} after 3072 ms: Couldn't connect to server\n`, 7);
  }
  const t = trace(ctx.cloud, endpoint(ctx.host, ns), hostPart, 'tcp', port);
  if (t.verdict === 'ok' || t.verdict === 'refused') return err(`curl: (7) Failed to connect to ${hostPart} port ${port} after 0 ms: Couldn't connect to server\n`, 7);
  if (t.verdict === 'host-unreachable') return err(`curl: (7) Failed to connect to ${hostPart} port ${port} after 3072 ms: Couldn't connect to server\n`, 7);
  const ct = argv.indexOf('--connect-timeout');
  const secs = ct >= 0 ? Number(argv[ct + 1]) : NaN;
  if (Number.isFinite(secs) && secs > 0) return err(`curl: (28) Failed to connect to ${hostPart} port ${port} after ${Math.round(secs * 1000) + 4} ms: Timeout was reached\n`, 28);
  return err(`curl: (28) Failed to connect to ${hostPart} port ${port} after 130000 ms: Couldn't connect to server\n`, 28);
}
