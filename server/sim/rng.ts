/**
 * Seeded PRNG (sfc32) whose whole state lives in the cloud JSON, so a cloud replays the same
 * UUIDs, MACs and random addresses for the same seed and commands.
 */
export interface RngState {
  s: [number, number, number, number];
}

export function nextU32(st: RngState): number {
  const s = st.s;
  const t = (((s[0] + s[1]) >>> 0) + s[3]) >>> 0;
  s[3] = (s[3] + 1) >>> 0;
  // `>>> 0` keeps each word a uint32 in the stored state (the outputs are the same either way).
  s[0] = (s[1] ^ (s[1] >>> 9)) >>> 0;
  s[1] = (s[2] + (s[2] << 3)) >>> 0;
  s[2] = (s[2] << 21) | (s[2] >>> 11);
  s[2] = (s[2] + t) >>> 0;
  return t;
}

/** FNV-1a of a string: a seed for ids derived from other ids (stable, no draw from the cloud's generator). */
export function hashSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function seedRng(seed: number): RngState {
  // splitmix32 spreads the seed over the four words, then a warm-up discards the weak start.
  let x = seed >>> 0;
  const next = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const st: RngState = { s: [next(), next(), next(), next()] };
  for (let i = 0; i < 12; i++) nextU32(st);
  return st;
}

/** Uniform integer in [lo, hi]. */
export function randInt(st: RngState, lo: number, hiInclusive: number): number {
  const span = hiInclusive - lo + 1;
  if (span <= 0) return lo;
  // Rejection sampling keeps the distribution exact.
  const limit = Math.floor(0x100000000 / span) * span;
  let v = nextU32(st);
  while (v >= limit) v = nextU32(st);
  return lo + (v % span);
}

/** Two lowercase hex digits for each byte value. */
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A uint32 as eight lowercase hex digits (a table lookup per byte: much cheaper than toString(16)). */
function hex8(t: number): string {
  return (BYTE_HEX[t >>> 24] as string) + (BYTE_HEX[(t >>> 16) & 255] as string) + (BYTE_HEX[(t >>> 8) & 255] as string) + (BYTE_HEX[t & 255] as string);
}

export function hex(st: RngState, nChars: number): string {
  let out = '';
  while (out.length < nChars) out += hex8(nextU32(st));
  return out.length === nChars ? out : out.slice(0, nChars);
}

/** A random (version 4) UUID, lowercase, as Neutron and Nova make them. */
export function uuid4(st: RngState): string {
  // hex(st, 32) with the version nibble (index 12) set to 4 and the variant nibble (index 16)
  // to 8, 9, a or b by its low two bits, written straight into the 8-4-4-4-12 layout.
  const s = hex(st, 32);
  const variant = '89ab'[Number.parseInt(s[16] as string, 16) & 3] as string;
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${variant}${s.slice(17, 20)}-${s.slice(20)}`;
}

/** Neutron's base_mac fa:16:3e:00:00:00 with three random octets. */
export function macAddress(st: RngState): string {
  const h = hex(st, 6);
  return `fa:16:3e:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Nova-style admin password: letters and digits. */
export function password(st: RngState, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALNUM[randInt(st, 0, ALNUM.length - 1)];
  return out;
}
