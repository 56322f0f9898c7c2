/**
 * cliff reads CLIFF_MAX_TERM_WIDTH and CLIFF_FIT_WIDTH as the defaults of --max-width and
 * --fit-width; an option given on the line still wins. Both CLIs use cliff, so both follow them.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../server/shell/session.js';

function run(lines: string[], columns = 60): string[] {
  let s: SessionState = createSession({ fixture: 'network-node', seed: 1, host: 'network', columns });
  return lines.map((l) => {
    const r = runLine(s, l);
    s = r.state;
    return r.result.stdout;
  });
}

const widest = (out: string | undefined): number => Math.max(...(out ?? '').split('\n').map((l) => l.length));

describe('cliff environment variables', () => {
  it('without them, tables are as wide as their content', () => {
    const [list] = run(['openstack network list']);
    expect(widest(list)).toBe(86);
  });

  it('CLIFF_FIT_WIDTH=1 fits tables to the terminal, in openstack and neutron', () => {
    const [, osc, neutron] = run(['export CLIFF_FIT_WIDTH=1', 'openstack network list', 'neutron net-list']);
    expect(widest(osc)).toBe(60);
    expect(widest(neutron)).toBe(60);
    expect(osc).toContain('| 2fbd06c1-ef4d-445f-     | net2 |');
  });

  it('CLIFF_FIT_WIDTH=0 leaves them alone; --fit-width on the line still fits', () => {
    const [, plain, fit] = run(['export CLIFF_FIT_WIDTH=0', 'openstack network list', 'openstack network list --fit-width']);
    expect(widest(plain)).toBe(86);
    expect(widest(fit)).toBe(60);
  });

  it('CLIFF_MAX_TERM_WIDTH sets the width; --max-width 0 given on the line disables it', () => {
    const [, narrow, wide, show] = run([
      'export CLIFF_MAX_TERM_WIDTH=40',
      'openstack network list',
      'openstack network list --max-width 0',
      'neutron net-show net1',
    ]);
    expect(widest(narrow)).toBe(40);
    expect(widest(wide)).toBe(86);
    expect(widest(show)).toBeLessThanOrEqual(40);
  });

  it('ignores a value that is not an integer', () => {
    const [, list] = run(['export CLIFF_MAX_TERM_WIDTH=wide', 'openstack network list']);
    expect(widest(list)).toBe(86);
  });
});
