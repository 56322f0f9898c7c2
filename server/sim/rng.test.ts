import { describe, expect, it } from 'vitest';
import { hex, macAddress, randInt, seedRng, uuid4 } from './rng.js';

describe('seeded rng', () => {
  it('replays the same sequence for a seed, and its state survives JSON', () => {
    const a = seedRng(42);
    const b = JSON.parse(JSON.stringify(seedRng(42))) as ReturnType<typeof seedRng>;
    expect([uuid4(a), macAddress(a), hex(a, 32)]).toEqual([uuid4(b), macAddress(b), hex(b, 32)]);
    expect(uuid4(seedRng(1))).not.toEqual(uuid4(seedRng(2)));
  });
  it('makes ids in the real formats', () => {
    const r = seedRng(7);
    for (let i = 0; i < 100; i++) {
      expect(uuid4(r)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(macAddress(r)).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
      const n = randInt(r, 1, 6);
      expect(n >= 1 && n <= 6).toBe(true);
    }
  });
});
