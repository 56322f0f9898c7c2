/**
 * Option values a learner may type by mistake, for every option of every `openstack` and `neutron`
 * command (found by a grammar fuzz of the shell, 2026-12-05): `--opt=--` (Python 3.11's argparse
 * takes the "--" off and keeps []), a bare `--opt` whose value is optional (nargs='?': None), and
 * numbers that are no integer. Each gets an error in the tools' words, never an internal error,
 * and nothing the cloud cannot keep (a NaN came back from a snapshot as None).
 */
import { describe, expect, it } from 'vitest';
import { createSession, deserializeSession, runLine, serializeSession, type SessionState } from '../server/shell/session.js';
import { OPENSTACK_COMMANDS } from '../server/cli/openstack/index.js';
import { parserFor } from '../server/cli/openstack/registry.js';
import { neutronCommandNames, neutronParser } from '../server/cli/neutron/index.js';
import type { ParserSpec } from '../server/cli/spec.js';

const SETUP = [
  'openstack network create n1',
  'openstack subnet create s1 --network n1 --subnet-range 10.0.0.0/24',
  'openstack router create r1',
  'openstack router add subnet r1 s1',
  'openstack network create --external --provider-network-type flat --provider-physical-network physnet1 pub',
  'openstack subnet create ps --network pub --subnet-range 203.0.113.0/24',
  'openstack port create --network n1 p1',
  'openstack floating ip create pub --floating-ip-address 203.0.113.50',
  'openstack security group create g1',
  'openstack subnet pool create --pool-prefix 10.8.0.0/16 sp1',
  'openstack address scope create as1',
  'openstack loadbalancer create --name lb1 --vip-subnet-id s1',
  'openstack loadbalancer listener create --name l1 --protocol HTTP --protocol-port 80 lb1',
  'openstack loadbalancer pool create --name pl1 --protocol HTTP --lb-algorithm ROUND_ROBIN --listener l1',
  'openstack loadbalancer member create --address 10.0.0.9 --protocol-port 80 --name m1 pl1',
  'openstack loadbalancer healthmonitor create --name hm1 --type HTTP --delay 5 --timeout 3 --max-retries 2 pl1',
  'openstack loadbalancer l7policy create --name pol1 --action REJECT l1',
  'openstack bgp speaker create --local-as 64512 sp',
  'openstack bgp peer create --peer-ip 10.0.0.7 --remote-as 64513 peer1',
];

function cloud(): SessionState {
  let s = createSession({ fixture: 'empty', seed: 1 });
  for (const l of SETUP) {
    const r = runLine(s, l);
    expect(r.result.exitCode, `${l}: ${r.result.stderr}`).toBe(0);
    s = r.state;
  }
  return s;
}

/** A positional's value on the cloud above, by its metavar (anything else: a name). */
const POSITIONAL: Record<string, string> = { '<network>': 'n1', '<subnet>': 's1', '<router>': 'r1', '<port>': 'p1', '<floating-ip>': '203.0.113.50', '<group>': 'g1', '<subnet-pool>': 'sp1', '<address-scope>': 'as1', '<loadbalancer>': 'lb1', '<load_balancer>': 'lb1', '<listener>': 'l1', '<pool>': 'pl1', '<member>': 'm1', '<health_monitor>': 'hm1', '<policy>': 'pol1', '<l7policy>': 'pol1', '<bgp-speaker>': 'sp', '<bgp-peer>': 'peer1', NETWORK: 'n1', SUBNET: 's1', ROUTER: 'r1', PORT: 'p1', NAME: 'newthing' };

/** A value for a required option other than the one tried. */
function valueFor(dest: string, choices: readonly string[] | undefined): string {
  if (choices?.[0] !== undefined) return choices[0];
  if (/port|delay|timeout|retries|_as$|local_as|remote_as/.test(dest)) return '5';
  if (/ip|address/.test(dest)) return '10.0.0.8';
  if (/range|prefix|cidr/.test(dest)) return '10.9.0.0/24';
  return 'n1';
}

/** Every option of a parser that takes a value, tried as `--opt=--` (and bare when its value is optional), with what else the command needs. */
function oddLines(cli: string, name: string, spec: ParserSpec): string[] {
  const positionals = spec.args.filter((a) => a.flags.length === 0).map((a) => POSITIONAL[a.metavar ?? ''] ?? 'x');
  const required = spec.args.filter((a) => a.flags.length > 0 && a.required);
  const out: string[] = [];
  for (const a of spec.args) {
    if (a.flags.length === 0 || !(a.action === undefined || a.action === 'store' || a.action === 'append')) continue;
    const flag = a.flags[a.flags.length - 1] as string;
    if (!flag.startsWith('--')) continue;
    const others = required.filter((r) => r !== a).map((r) => `${r.flags[r.flags.length - 1]} ${valueFor(r.dest, r.choices as string[] | undefined)}`);
    for (const form of a.nargs === '?' ? [`${flag}=--`, flag] : [`${flag}=--`]) out.push([cli, name, ...others, form, ...positionals].join(' '));
  }
  return out;
}

describe('odd option values', () => {
  it('--opt=-- and a bare optional value, on every option of every openstack and neutron command: an error in words, never an internal one', () => {
    const s = cloud();
    const lines = [
      ...OPENSTACK_COMMANDS.flatMap((c) => oddLines('openstack', c.name, parserFor(c.name))),
      ...neutronCommandNames().flatMap((n) => {
        const spec = neutronParser(n);
        return spec ? oddLines('neutron', n, spec) : [];
      }),
    ];
    expect(lines.length).toBeGreaterThan(1500);
    const internal = lines.filter((l) => runLine(s, l).result.internalError !== undefined);
    expect(internal).toEqual([]);
  });

  it('--opt=-- is the error argparse gives an option without its value', () => {
    const r = runLine(cloud(), 'openstack bgp speaker create --local-as=-- s2');
    expect(r.result.exitCode).toBe(2);
    expect(r.result.stderr).toMatch(/\nopenstack bgp speaker create: error: argument --local-as: expected one argument\n$/);
  });

  it('a bare --allowed-cidr (the client sends None) is refused as Octavia refuses a list with a bad CIDR', () => {
    const s = cloud();
    for (const line of ['openstack loadbalancer listener create --protocol HTTP --protocol-port 81 --allowed-cidr --name x lb1', 'openstack loadbalancer listener set l1 --allowed-cidr 10.0.0.0/8 --allowed-cidr']) {
      const r = runLine(s, line).result;
      expect(r.internalError, line).toBeUndefined();
      expect(r.exitCode, line).toBe(1);
      expect(r.stderr, line).toMatch(/Invalid input for field\/attribute allowed_cidrs\. Value: '\[(?:'10\.0\.0\.0\/8', )?None\]'\. Value should be IPv4 or IPv6 CIDR format/);
    }
  });

  it('a segment or prefix length that is no integer is refused as Neutron converts it, and nothing is kept that a snapshot would change', () => {
    let s = createSession({ fixture: 'network-node', seed: 1 });
    for (const [line, status] of [
      ['openstack network create --provider-network-type vxlan --provider-segment abc x1', 1],
      ['openstack network create --provider-network-type vxlan --provider-segment 1e2 x1', 1],
      ['openstack network create --provider-network-type vxlan --provider-segment " 1_077 " x1', 0],
      ['openstack network set --provider-segment abc x1', 1],
      ['openstack subnet pool create --pool-prefix 10.50.0.0/16 --default-prefix-length 24 spx', 0],
      ['openstack subnet create sx --network x1 --subnet-pool spx --prefix-length abc', 1],
    ] as const) {
      const r = runLine(s, line);
      expect(r.result.exitCode, `${line}: ${r.result.stderr}`).toBe(status);
      if (status === 1) expect(r.result.stderr, line).toMatch(/Invalid input for operation: '(abc|1e2)' is not an integer\.\n$/);
      s = r.state;
    }
    const restored = deserializeSession(serializeSession(s));
    for (const line of ['openstack network segment list', 'openstack network show x1 -c provider:segmentation_id -f value']) expect(runLine(restored, line).result.stdout).toBe(runLine(s, line).result.stdout);
    expect(runLine(s, 'openstack network show x1 -c provider:segmentation_id -f value').result.stdout).toBe('1077\n');
  });
});
