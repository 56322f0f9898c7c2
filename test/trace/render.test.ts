/** The `stacklab trace` printer (server/render/packet-path.ts) on hand-made paths: wrapping, the fix line, the verdict line. */
import { describe, expect, it } from 'vitest';
import { packetPathText, wrapWords, type PathReport } from '../../server/render/packet-path.js';

const path = (more: Partial<PathReport>): PathReport => ({ from: 'a', to: 'b', proto: 'icmp', steps: [], verdict: 'dropped', reason: 'why', ...more });

describe('packetPathText', () => {
  it('a path that never left its source: the header and the verdict only', () => {
    expect(packetPathText(path({ reason: 'b has no address' }))).toBe('Path of icmp from a to b:\ndropped: b has no address\n');
  });
  it('numbers the hops, says at which one the packet stopped, and prints the fix whole on its own line', () => {
    const fix = `openstack security group rule create --protocol tcp --dst-port 22 ${'g'.repeat(30)}`;
    const text = packetPathText(path({
      steps: [
        { where: 'a', what: 'sends', verdict: 'pass' },
        { where: 'group g', what: `dropped: nothing lets it in; this rule would: ${fix}`, verdict: 'drop', fix },
      ],
    }));
    expect(text).toBe(`Path of icmp from a to b:\n 1  a\n      sends\n 2  group g\n      dropped: nothing lets it in; this rule would:\n      ${fix}\ndropped at hop 2: why\n`);
  });
  it('a fix the text does not hold is not printed twice, nor lost from the text', () => {
    const text = packetPathText(path({ steps: [{ where: 'x', what: 'dropped: see above', verdict: 'drop', fix: 'not in the text' }] }));
    expect(text).toContain('      dropped: see above\n');
    expect(text).not.toContain('not in the text');
  });
  it('wraps at the terminal width, never under 40 nor over 80 columns', () => {
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const lines = (columns: number) => packetPathText(path({ verdict: 'delivered', reason: long, steps: [{ where: long, what: long, verdict: 'pass' }] }), columns).split('\n');
    expect(Math.max(...lines(200).map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(Math.max(...lines(10).map((l) => l.length))).toBeLessThanOrEqual(40);
    expect(Math.max(...lines(10).map((l) => l.length))).toBeGreaterThan(30);
  });
});

describe('wrapWords', () => {
  it('breaks at spaces only; a word longer than the width stays whole', () => {
    expect(wrapWords('aa bb  cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrapWords(`x ${'y'.repeat(12)} z`, 5)).toEqual(['x', 'y'.repeat(12), 'z']);
    expect(wrapWords('', 5)).toEqual([]);
  });
});
