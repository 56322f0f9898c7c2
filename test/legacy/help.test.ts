/**
 * The legacy client's own help and top-level answers, captured from the real python-neutronclient
 * 8.1 (test/help/neutron-*, by scripts/capture-neutron-help.sh), replayed through a session.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../support/replay.js';

const DIR = join(import.meta.dirname, '..', 'help');

/** The argument words of each capture, as scripts/capture-neutron-help.sh ran them. */
const RUNS: Record<string, string> = {
  help: 'help',
  'dash-help': '--help',
  'dash-h': '-h',
  'help-nosuch': 'help nosuch',
  'help-net-create': 'help net-create',
  'help-router-gateway-set': 'help router-gateway-set',
  'help-quota-list': 'help quota-list',
  'help-lbaas-loadbalancer-create': 'help lbaas-loadbalancer-create',
  'lbaas-member-list-dash-help': 'lbaas-member-list --help',
  'help-lb-vip-create': 'help lb-vip-create',
  'qos-policy-create-dash-h': 'qos-policy-create -h',
  'help-firewall-rule-create': 'help firewall-rule-create',
  'help-vpn-ipsecpolicy-create': 'help vpn-ipsecpolicy-create',
  'help-meter-label-rule-create': 'help meter-label-rule-create',
  'help-bgp-speaker-create': 'help bgp-speaker-create',
  'help-router-list-on-l3-agent': 'help router-list-on-l3-agent',
  'help-net-list-on-dhcp-agent': 'help net-list-on-dhcp-agent',
  alone: '',
  nosuch: 'nosuch',
};

describe('neutron help, as the real client prints it', () => {
  it('replays every capture', () => {
    const captured = readdirSync(DIR).filter((f) => f.startsWith('neutron-') && f.endsWith('.exit')).map((f) => f.slice(8, -5));
    expect(captured.sort()).toEqual(Object.keys(RUNS).sort());
  });
  for (const [name, args] of Object.entries(RUNS)) {
    it(`neutron ${args}`.trim(), () => {
      const [got] = replay([`neutron ${args}`.trim()]);
      const read = (ext: string) => readFileSync(join(DIR, `neutron-${name}.${ext}`), 'utf8');
      expect(got?.stdout).toBe(read('stdout'));
      expect(got?.stderr).toBe(read('stderr'));
      expect(got?.exitCode).toBe(Number(read('exit').trim()));
    });
  }
});
