/**
 * What `npm run bench -- octavia` measures must keep working: its load-balancer scenario runs
 * without a failed command (curl alternating between the two web servers), and the many-load-
 * balancer cloud builds with the members asked for.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine } from '../../server/shell/session.js';
import { bigLbSession, LB_SCENARIO } from '../../bench/octavia.js';

describe('the octavia bench', () => {
  it('replays its scenario without a failed command; curl alternates, then only web-1 answers', () => {
    let s = createSession({ fixture: 'public-cloud', seed: 3 });
    const curls: string[] = [];
    for (const line of LB_SCENARIO) {
      const r = runLine(s, line);
      s = r.state;
      expect({ line, exit: r.result.exitCode, stderr: r.result.stderr }).toEqual({ line, exit: 0, stderr: '' });
      if (line.startsWith('curl')) curls.push(r.result.stdout.trim().split('\n').at(-1) ?? '');
    }
    expect(curls).toEqual(['Welcome to web-1', 'Welcome to web-2', 'Welcome to web-1']);
    expect(s.cloud.octavia?.loadBalancers ?? []).toEqual([]);
  });

  it('builds a cloud of load balancers with their members, beyond the 10 VIP groups a default service-project quota allows', () => {
    const s = bigLbSession(11, 12);
    const o = s.cloud.octavia;
    expect(o?.loadBalancers.length).toBe(11);
    expect(o?.members.length).toBe(11 * 12);
    expect(new Set(o?.members.map((m) => `${m.poolId} ${m.address}:${m.protocolPort}`)).size).toBe(11 * 12);
  });
});
