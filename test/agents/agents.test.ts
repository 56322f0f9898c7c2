/**
 * Neutron agents compared with the real Neutron API and clients: test/agents/agents.oracle.txt was
 * captured on the oracle with Stacklab's agents for the same cloud written into its database
 * (scripts/capture-agents.sh), so everything the clients and the API add (columns, Alive/State,
 * the dict formats, filters, --router/--network, errors) is the real thing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from '../../server/shell/script.js';
import { createSession, runLine } from '../../server/shell/session.js';
import { normaliseTranscript, parseCapture, type Entry } from '../support/normalise.js';

const DIR = import.meta.dirname;
const lines = (f: string) => readFileSync(join(DIR, f), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));

function block(e: Entry): string {
  const err = e.stderr === '' ? '' : e.stderr.replace(/\n$/, '').split('\n').map((l) => `[stderr] ${l}\n`).join('');
  return `$ ${e.command}\n${e.stdout}${err}[exit ${e.exitCode}]\n`;
}

describe('network agents (checked against the oracle)', () => {
  const setup = lines('setup.cmds');
  const script = lines('agents.cmds');
  const text = script.join('\n');
  const oracle = normaliseTranscript(parseCapture(readFileSync(join(DIR, 'agents.oracle.txt'), 'utf8')).entries, text);
  const ours = normaliseTranscript(runScript([...setup, ...script], { fixture: 'empty', seed: 1 }).slice(setup.length), text);

  it('replays every captured command', () => {
    expect(oracle.length).toBe(script.length);
    expect(ours.map((e) => e.command)).toEqual(oracle.map((e) => e.command));
  });

  oracle.forEach((expected, i) => {
    it(`${String(i + 1).padStart(2, '0')} ${expected.command}`, () => {
      expect(block(ours[i] as Entry)).toBe(block(expected));
    });
  });
});

describe('network agents for a project member', () => {
  // Captured on the oracle as a member (run-script.sh -p): the list is empty, a show is a 404.
  it('lists none and shows none', () => {
    let s = createSession({ fixture: 'public-cloud', seed: 1 });
    const run = (l: string) => {
      const r = runLine(s, l);
      s = r.state;
      return r.result;
    };
    expect(run('openstack network agent list')).toMatchObject({ stdout: '\n', exitCode: 0 });
    const id = '5aae6224-aee7-439c-8c9a-6cb929c4350c';
    expect(run(`openstack network agent show ${id}`)).toMatchObject({
      stderr: `No Agent found for ${id}: Client Error for url: https://api.pub1.infomaniak.cloud:9696/v2.0/agents/${id}, The resource could not be found.\n`,
      exitCode: 1,
    });
    expect(run('neutron agent-list').stdout).toBe('\n');
  });
});

describe('port binding to a host (--host)', () => {
  function session(fixture: string) {
    let s = createSession({ fixture, seed: 1 });
    return (l: string) => {
      const r = runLine(s, l);
      s = r.state;
      return r.result;
    };
  }

  it('binds where an Open vSwitch agent runs, fails the binding elsewhere, and unbinds', () => {
    const run = session('empty');
    run('openstack network create n1');
    run('openstack subnet create s1 --network n1 --subnet-range 10.0.0.0/24');
    expect(run('openstack port create --network n1 --host compute1 p1 -f value -c binding_host_id -c binding_vif_type -c status').stdout).toBe('compute1\novs\nDOWN\n');
    expect(run('openstack port create --network n1 --host nowhere p2 -f value -c binding_vif_type').stdout).toBe('binding_failed\n');
    run('openstack port set --host network p2');
    expect(run('openstack port show p2 -f value -c binding_host_id -c binding_vif_type').stdout).toBe('network\novs\n');
    run('openstack port unset --host p2');
    expect(run('openstack port show p2 -f value -c binding_host_id -c binding_vif_type').stdout).toBe('\nunbound\n');
    expect(run('openstack port list --host compute1 -f value -c Name').stdout).toBe('p1\n');
  });

  it('is admin only, with Neutron policy errors (captured on the oracle as a member)', () => {
    const run = session('public-cloud');
    run('openstack network create mn');
    run('openstack subnet create ms --network mn --subnet-range 10.0.0.0/24');
    expect(run('openstack port create --network mn --host compute1 mp')).toMatchObject({
      stderr: 'HttpException: 403: Client Error for url: https://api.pub1.infomaniak.cloud:9696/v2.0/ports, (rule:create_port and rule:create_port:binding:host_id) is disallowed by policy\n',
      exitCode: 1,
    });
    const id = run('openstack port create --network mn mp2 -f value -c id').stdout.trim();
    expect(run('openstack port set --host compute1 mp2')).toMatchObject({
      stderr: `HttpException: 403: Client Error for url: https://api.pub1.infomaniak.cloud:9696/v2.0/ports/${id}, (rule:update_port and rule:update_port:binding:host_id) is disallowed by policy\n`,
      exitCode: 1,
    });
  });
});
