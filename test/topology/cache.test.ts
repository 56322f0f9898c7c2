/**
 * The workspace's topology cache: a command that changes no resource (a list, a show, `echo`)
 * gives the same topology object back without deriving it; and whatever the commands, the
 * cached topology is always the one derived afresh (asynchronous changes included: a VM's
 * BUILD → ACTIVE, a load balancer's PENDING_* settling, a stopped member's health).
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';
import { sessionTopology, topologyCache } from '../../server/workspace/topology.js';
import { SCENARIO } from '../../bench/scenario.js';
import { LB_SCENARIO } from '../../bench/octavia.js';

/** Runs `lines` from `start`, checking at each step that the cache answers what a fresh derivation does. */
function checkEachStep(start: SessionState, lines: readonly string[]): number {
  const cached = topologyCache();
  let s = start;
  let derived = 0;
  let previous = cached(s);
  for (const line of lines) {
    s = runLine(s, line).state;
    const t = cached(s);
    expect(t, line).toEqual(sessionTopology(s));
    if (t !== previous) derived++;
    previous = t;
  }
  return derived;
}

describe('the topology cache', () => {
  it('gives the same object back after commands that change no resource, a new one after a change', () => {
    const cached = topologyCache();
    let s = createSession({ fixture: 'network-node' });
    const first = cached(s);
    for (const line of ['echo hi', 'openstack network list', 'openstack server show vm1', 'ip netns', 'X=1']) {
      s = runLine(s, line).state;
      expect(cached(s), line).toBe(first);
    }
    s = runLine(s, 'openstack network create net3').state;
    const after = cached(s);
    expect(after).not.toBe(first);
    expect(after.networks.map((n) => n.name)).toEqual(['net1', 'net2', 'net3']);
  });

  it('answers a state of another fixture afresh', () => {
    const cached = topologyCache();
    const a = cached(createSession({ fixture: 'network-node' }));
    const b = cached(createSession({ fixture: 'public-cloud' }));
    expect(b).not.toBe(a);
    expect(b).toEqual(sessionTopology(createSession({ fixture: 'public-cloud' })));
  });

  it("is always the fresh derivation over the core benchmark's scenario", () => {
    const derived = checkEachStep(createSession({ fixture: 'empty' }), SCENARIO);
    // The lists and shows reuse it.
    expect(derived).toBeLessThan(SCENARIO.length);
  });

  it('is always the fresh derivation over a load balancer scenario (pending states settle, a member stops)', () => {
    const derived = checkEachStep(createSession({ fixture: 'public-cloud' }), LB_SCENARIO);
    expect(derived).toBeLessThan(LB_SCENARIO.length);
  });
});
