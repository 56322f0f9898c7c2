/**
 * The argument conversions the captured parsers name (osc-parsers.json): octaviaclient's
 * `lambda s: s.upper()` for protocols and types, OSC's `lambda s: s.lower()` for image member
 * status, and Python floats compared with their choices as repr (`1` is `1.0`).
 */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../server/cli/argparse.js';
import { parserFor } from '../../server/cli/openstack/registry.js';

function parse(cmd: string, argv: string[]) {
  return parseArgs(parserFor(cmd), argv, { columns: 80 });
}

describe('captured argument conversions', () => {
  it('upper-cases octaviaclient choices before checking them', () => {
    const r = parse('loadbalancer listener create', ['--protocol', 'http', '--protocol-port', '80', 'lb1']);
    expect(r.ok && r.values['protocol']).toBe('HTTP');
  });

  it("lower-cases OSC's image member status before checking it", () => {
    const r = parse('image list', ['--member-status', 'ACCEPTED']);
    expect(r.ok && r.values['member_status']).toBe('accepted');
  });

  it('compares a float option with its choices as Python does (1 is 1.0)', () => {
    const r = parse('loadbalancer healthmonitor create', ['--delay', '5', '--max-retries', '3', '--timeout', '4', '--type', 'HTTP', '--http-version', '1', 'p1']);
    expect(r.ok && r.values['http_version']).toBe('1.0');
    const bad = parse('loadbalancer healthmonitor create', ['--delay', '5', '--max-retries', '3', '--timeout', '4', '--type', 'HTTP', '--http-version', 'x', 'p1']);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.stderr).toMatch(/argument --http-version: invalid float value: 'x'\n$/);
  });
});
