/** The launch's session token: it names one learner, expires, and nothing else passes for it. */
import { describe, expect, it } from 'vitest';
import { sessionToken, verifySessionToken } from './session-token.js';

const NOW = 1_800_000_000_000;

describe('session tokens', () => {
  it('name their learner until they expire', () => {
    const t = sessionToken('s', 'lti-abc', NOW, 60_000);
    expect(verifySessionToken('s', t, NOW)).toBe('lti-abc');
    expect(verifySessionToken('s', t, NOW + 59_000)).toBe('lti-abc');
    expect(verifySessionToken('s', t, NOW + 61_000)).toBeNull();
  });

  it('refuse another secret, a changed learner or expiry, and anything malformed, without throwing', () => {
    const t = sessionToken('s', 'lti-abc', NOW, 60_000);
    const [v, , exp, mac] = t.split('.');
    const hostile: unknown[] = [
      sessionToken('other', 'lti-abc', NOW, 60_000),
      `${v}.lti-abd.${exp}.${mac}`,
      `${v}.lti-abc.${Number(exp) + 10_000}.${mac}`,
      `v2.lti-abc.${exp}.${mac}`,
      `${t}.x`,
      t.slice(0, -1),
      '',
      '....',
      'v1.a.b.c',
      `v1.${'a'.repeat(10_000)}.${exp}.${mac}`,
      `v1.<script>.${exp}.${mac}`,
      ['array'],
      { toString: () => t },
      undefined,
      null,
      42,
    ];
    for (const h of hostile) expect(verifySessionToken('s', h, NOW)).toBeNull();
  });

  it('are never made for an id that is not a learner id', () => {
    expect(() => sessionToken('s', 'a.b', NOW)).toThrow();
    expect(() => sessionToken('s', '', NOW)).toThrow();
  });
});
