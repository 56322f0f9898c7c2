/**
 * cliff reads CLIFF_MAX_TERM_WIDTH and CLIFF_FIT_WIDTH as the defaults of --max-width and
 * --fit-width; an option given on the line still wins. Both CLIs use cliff, so both follow them.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../server/shell/session.js';

/** Each line typed at a terminal `columns` wide (or, with `tty: false`, run with its output piped). */
function run(lines: string[], columns = 60, tty = true): string[] {
  let s: SessionState = createSession({ fixture: 'network-node', seed: 1, host: 'network', columns });
  return lines.map((l) => {
    const r = runLine(s, l, { tty });
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

  it('fitting to the terminal does nothing when the output goes to no terminal (a pipe), as cliff reads no width then', () => {
    const [, fit, piped, neutron] = run(['export CLIFF_FIT_WIDTH=1', 'openstack network list --fit-width', 'openstack network list --fit-width | cat', 'neutron net-list | cat']);
    expect(widest(fit)).toBe(60);
    expect(widest(piped)).toBe(86);
    expect(widest(neutron)).toBeGreaterThan(60);
    // Not a terminal at all (a script's replay, the oracle's captures): the same.
    const [, alone] = run(['export CLIFF_FIT_WIDTH=1', 'openstack network list --fit-width'], 60, false);
    expect(widest(alone)).toBe(86);
    // --max-width needs no terminal.
    expect(widest(run(['openstack network list --max-width 40 | cat'])[0])).toBe(40);
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
