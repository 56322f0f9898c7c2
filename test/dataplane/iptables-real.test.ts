/**
 * `iptables -L/-S` in every form Stacklab prints, compared with what the real iptables 1.8.9
 * printed for the same rules (captured by scripts/capture-iptables.ts into iptables-real/).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runIptables } from '../../server/cli/linux/iptables.js';
import { iptablesSave } from '../../server/render/iptables.js';
import { buildScenario, SAVED_AT, SCENARIOS } from './iptables-scenarios.js';

interface Capture { save: string; listings: Record<string, string> }

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (name, sc) => {
  const cap = JSON.parse(readFileSync(new URL(`./iptables-real/${name}.json`, import.meta.url), 'utf8')) as Capture;
  const { tables } = buildScenario(sc);
  it('the rules are the ones that were captured (else re-run scripts/capture-iptables.ts)', () => {
    expect(iptablesSave(tables, SAVED_AT)).toBe(cap.save);
  });
  it.each(Object.entries(cap.listings))('%s', (cmd, real) => {
    const r = runIptables(tables, cmd.split(' ').slice(1));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(real);
  });
});

describe('iptables errors', () => {
  const { tables } = buildScenario(SCENARIOS[0]!);
  it('an unknown chain', () => {
    expect(runIptables(tables, ['-t', 'nat', '-L', 'nope'])).toEqual({ stdout: '', stderr: 'iptables: No chain/target/match by that name.\n', exitCode: 1 });
  });
  it('an unknown table', () => {
    expect(runIptables(tables, ['-t', 'bogus', '-L']).exitCode).toBe(3);
  });
  it('one chain with line numbers', () => {
    expect(runIptables(tables, ['-t', 'nat', '-L', 'neutron-l3-agent-float-snat', '-n', '--line-numbers']).stdout).toBe(
      'Chain neutron-l3-agent-float-snat (1 references)\nnum  target     prot opt source               destination         \n'
      + '1    SNAT       0    --  20.20.20.2           0.0.0.0/0            to:180.180.180.3 random-fully\n');
  });
  it('no command', () => {
    expect(runIptables(tables, ['-n']).stderr).toBe("iptables v1.8.9 (legacy): no command specified\nTry `iptables -h' or 'iptables --help' for more information.\n");
  });
});
