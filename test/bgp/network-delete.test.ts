/**
 * Deleting a network bound to a BGP speaker (checked on the oracle, golden 49): Neutron accepts
 * it and the binding row goes with the network (its foreign key cascades), so the speaker keeps
 * no trace of it in its state, not only in what the API shows.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';

function setup(lines: string[]): SessionState {
  let s = createSession({ fixture: 'empty' });
  for (const l of lines) {
    const r = runLine(s, l);
    if (r.result.exitCode !== 0) throw new Error(`${l}: ${r.result.stderr}`);
    s = r.state;
  }
  return s;
}

describe('deleting a network bound to a BGP speaker', () => {
  it('is accepted and takes the binding with it, leaving other bindings', () => {
    const s = setup([
      'openstack network create --external ext',
      'openstack network create --external ext2',
      'openstack bgp speaker create --local-as 64512 s1',
      'openstack bgp speaker add network s1 ext',
      'openstack bgp speaker add network s1 ext2',
      'openstack network delete ext',
    ]);
    const ext2 = s.cloud.networks.find((n) => n.name === 'ext2')?.id;
    expect(s.cloud.bgp?.speakers[0]?.networkIds).toEqual([ext2]);
  });
});
