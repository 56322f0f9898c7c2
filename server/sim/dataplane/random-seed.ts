/** Random bytes a guest is given (Nova's metadata `random_seed`), fixed by the VM and the moment, never Math.random. */
import { hashSeed, nextU32, seedRng } from '../rng.js';

export function randomSeedBytes(serverId: string, clock: number, n = 512): Uint8Array {
  const rng = seedRng(hashSeed(`${serverId}\u0000${clock}`));
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = nextU32(rng) & 0xff;
  return bytes;
}
