/** `ping` reports as iputils 20221126 and BusyBox 1.29 (CirrOS) print them, from the probes' outcome. */

export type PingStyle = 'iputils' | 'busybox';

export interface PingReport {
  target: string;
  style: PingStyle;
  /** iputils words its header differently for IPv6. */
  v6: boolean;
  /** The replies' TTL and each probe's round-trip time (ms, by probe number from 1), or null when none came back. */
  replies: { ttl: number; time: (probe: number) => number } | null;
  /** iputils: the ICMP error a router or the host itself sent for every probe instead of a reply. */
  error?: { from: string; what: 'Destination Net Unreachable' | 'Destination Host Unreachable' };
}

export function pingHeader(style: PingStyle, v6: boolean, target: string): string {
  if (style === 'busybox') return `PING ${target} (${target}): 56 data bytes\n`;
  return v6 ? `PING ${target}(${target}) 56 data bytes\n` : `PING ${target} (${target}) 56(84) bytes of data.\n`;
}

const fmtTime = (n: number) => n.toFixed(3);

/** iputils prints reply times with three significant digits (0.343, 3.18, 17.4). */
function fmtSig3(n: number): string {
  return n < 1 ? n.toFixed(3) : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0);
}

/** What probe `i` (from 1) prints: its reply, or the ICMP error, or nothing when it was lost. */
export function pingProbeLine(r: PingReport, i: number): string {
  if (r.error) return `From ${r.error.from} icmp_seq=${i} ${r.error.what}\n`;
  const rep = r.replies;
  if (!rep) return '';
  const tm = rep.time(i);
  return r.style === 'busybox'
    ? `64 bytes from ${r.target}: seq=${i - 1} ttl=${rep.ttl} time=${fmtTime(tm)} ms\n`
    : `64 bytes from ${r.target}: icmp_seq=${i} ttl=${rep.ttl} time=${fmtSig3(tm)} ms\n`;
}

/**
 * The statistics after `count` probes. `interrupted`: Ctrl-C ended the ping, and the terminal
 * echoed `^C` where the cursor was (ping's own text starts with a newline, as always).
 */
export function pingSummary(r: PingReport, count: number, interrupted: boolean): string {
  const { target } = r;
  let out = `${interrupted ? '^C' : ''}\n--- ${target} ping statistics ---\n`;
  if (r.error) {
    return `${out}${count} packets transmitted, 0 received, +${count} errors, 100% packet loss, time ${count === 1 ? 0 : (count - 1) * 1020}ms\n${count > 1 ? `pipe ${Math.min(count, 4)}\n` : '\n'}`;
  }
  const rep = r.replies;
  const recv = rep ? count : 0;
  const loss = rep ? 0 : 100;
  const stats = (times: number[]) => {
    const min = Math.min(...times); const max = Math.max(...times); const avg = times.reduce((a, b) => a + b, 0) / count;
    return { min, max, avg, mdev: Math.sqrt(times.reduce((a, b) => a + (b - avg) ** 2, 0) / count) };
  };
  const times = rep ? Array.from({ length: count }, (_, i) => rep.time(i + 1)) : [];
  if (r.style === 'busybox') {
    out += `${count} packets transmitted, ${recv} packets received, ${loss}% packet loss\n`;
    if (rep) {
      const s = stats(times);
      out += `round-trip min/avg/max = ${fmtTime(s.min)}/${fmtTime(s.avg)}/${fmtTime(s.max)} ms\n`;
    }
  } else {
    out += `${count} packets transmitted, ${recv} received, ${loss}% packet loss, time ${count === 1 ? 0 : (count - 1) * 1001 + (rep ? 0 : 28)}ms\n`;
    if (rep) {
      const s = stats(times);
      out += `rtt min/avg/max/mdev = ${fmtTime(s.min)}/${fmtTime(s.avg)}/${fmtTime(s.max)}/${fmtTime(s.mdev)} ms\n`;
    } else out += '\n';
  }
  return out;
}

/** The whole report of `count` probes: header, one line per probe, statistics. */
export function pingText(r: PingReport, count: number, interrupted = false): string {
  let out = pingHeader(r.style, r.v6, r.target);
  for (let i = 1; i <= count; i++) out += pingProbeLine(r, i);
  return out + pingSummary(r, count, interrupted);
}
