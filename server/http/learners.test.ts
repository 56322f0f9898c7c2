import { describe, expect, it } from 'vitest';
import { newLearnerId } from './learners.js';

describe('new learner ids', () => {
  it('are 16 base64url characters that never start with - or _ (a spreadsheet would read -… as a formula)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const id = newLearnerId();
      expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{15}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(20_000);
  });
});
