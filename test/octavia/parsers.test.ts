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

describe("the client's key=value options against a hostile key", () => {
  it('keeps `__proto__` as a header name, as Python does, and changes no prototype', async () => {
    const { replay } = await import('../support/replay.js');
    const out = replay(
      [
        'openstack network create n -f value -c name',
        'openstack subnet create s --network n --subnet-range 10.0.0.0/24 -f value -c cidr',
        'openstack loadbalancer create --name lb1 --vip-subnet-id s --wait -f value -c name',
        'openstack loadbalancer listener create --name l1 --protocol HTTP --protocol-port 80 --insert-headers __proto__=x lb1',
        'openstack loadbalancer listener create --name l1 --protocol HTTP --protocol-port 80 --insert-headers constructor=x,X-Forwarded-For=true lb1',
      ],
      { octavia: { drivers: 'noop' } },
    );
    expect(out[3]?.stderr).toMatch(/^dict_keys\(\['__proto__'\]\) is not a valid option for insert_headers \(HTTP 400\)/);
    expect(out[4]?.stderr).toMatch(/^dict_keys\(\['constructor', 'X-Forwarded-For'\]\) is not a valid option for insert_headers/);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
