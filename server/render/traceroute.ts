/** `traceroute` output as Linux traceroute 2.1 and BusyBox 1.29 (CirrOS) print it, from the hops that answered. */

export interface TracerouteReport {
  target: string;
  busybox: boolean;
  /** -n: addresses only, no `name (address)`. */
  numeric: boolean;
  maxHops: number;
  /** The addresses that answered, in order, with the times of their three probes (ms). */
  hops: Array<{ address: string; times: readonly [number, number, number] }>;
  /** Whether the target itself answered; if not, unanswered probes fill the lines up to maxHops. */
  reached: boolean;
}

export function tracerouteText(r: TracerouteReport): string {
  let out = `traceroute to ${r.target} (${r.target}), ${r.maxHops} hops max, ${r.busybox ? 46 : 60} byte packets\n`;
  const name = (a: string) => (r.numeric ? a : `${a} (${a})`);
  // Both traceroutes print the hop number as %2d.
  const num = (n: number) => String(n).padStart(2);
  r.hops.slice(0, r.maxHops).forEach((h, i) => { out += `${num(i + 1)}  ${name(h.address)}  ${h.times.map((t) => `${t.toFixed(3)} ms`).join('  ')}\n`; });
  if (!r.reached) {
    // Unanswered probes: the tool keeps trying up to its hop maximum (-m, 30 by default).
    for (let i = r.hops.length + 1; i <= r.maxHops; i++) out += r.busybox ? `${num(i)}  *  *  *\n` : `${num(i)}  * * *\n`;
  }
  return out;
}
