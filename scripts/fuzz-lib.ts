/**
 * What the differential fuzzers (scripts/fuzz-oracle.ts, scripts/fuzz-octavia.ts) share: a seeded
 * generator and the choices made with it. The same seed makes the same choices.
 */

/** mulberry32: a small seeded generator (the same numbers for the same seed). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FORMATS = ['table', 'json', 'yaml', 'value', 'shell', 'csv'];
export const DESCS = ['"a b"', 'x', '""', '"ünïcode"'];

export interface Fuzzer {
  rand: () => number;
  pick: <T>(xs: readonly T[]) => T;
  chance: (p: number) => boolean;
  /** A resource's name; now and then one that does not exist. */
  name: (xs: readonly string[]) => string;
  /** Some of `xs`, in a random order. */
  some: <T>(xs: readonly T[], p?: number) => T[];
  /** cliff's output options for a show (or, with `list`, a list) command with these columns. */
  fmt: (columns: readonly string[], list?: boolean) => string;
}

export function fuzzer(seed: number): Fuzzer {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const chance = (p: number) => rand() < p;
  const name = (xs: readonly string[]): string => (chance(0.05) ? 'nosuch' : pick(xs));
  const some = <T>(xs: readonly T[], p = 0.3): T[] => xs.filter(() => chance(p)).sort(() => rand() - 0.5);
  const fmt = (columns: readonly string[], list = false): string => {
    const f = chance(0.5) ? ` -f ${pick(list ? FORMATS : FORMATS.filter((x) => x !== 'csv'))}` : '';
    const cs = chance(0.4) ? some(columns, 0.35).map((c) => ` -c ${c.includes(' ') ? `"${c}"` : c}`).join('') : '';
    const extra = chance(0.1) ? pick([' --noindent', ' --max-width 40', ' --fit-width', ' --print-empty', ' --prefix X_', ' --quote all']) : '';
    return f + cs + extra;
  };
  return { rand, pick, chance, name, some, fmt };
}
