/** What the benches share to summarise samples. */

/** The p-th percentile of samples sorted ascending (nearest rank, the sample at or below it; 0 for none). */
export function pct(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
