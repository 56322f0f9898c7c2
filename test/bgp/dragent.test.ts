/**
 * The BGP dynamic routing agent (neutron-bgp-dragent) of a cloud whose network node runs one
 * (`config.bgpDragent`, as public-cloud does): listed with the other agents, hosting speakers as
 * the plugin's default ChanceScheduler binds them (one speaker per agent), reporting counts.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';

function run(s: SessionState, line: string): { s: SessionState; out: string; err: string; code: number } {
  const r = runLine(s, line);
  return { s: r.state, out: r.result.stdout, err: r.result.stderr, code: r.result.exitCode };
}

function cloudWithDragent(lines: string[], dragent = true): SessionState {
  let s = createSession({ fixture: 'empty' });
  s = { ...s, cloud: { ...s.cloud, config: { ...s.cloud.config, bgpDragent: dragent } } };
  for (const l of lines) {
    const r = run(s, l);
    if (r.code !== 0) throw new Error(`${l}: ${r.err}`);
    s = r.s;
  }
  return s;
}

const agentId = (s: SessionState): string => run(s, 'openstack network agent list --agent-type bgp -f value -c ID').out.trim();

describe('the BGP dynamic routing agent', () => {
  it('is listed on the network node with its binary and topic, and no availability zone', () => {
    const s = cloudWithDragent([]);
    expect(run(s, 'openstack network agent list --agent-type bgp -f value -c "Agent Type" -c Host -c "Availability Zone" -c Alive -c Binary').out).toBe(
      'BGP dynamic routing agent network None True neutron-bgp-dragent\n',
    );
    expect(run(s, `openstack network agent show ${agentId(s)} -f value -c topic`).out).toBe('bgp_dragent\n');
  });

  it('is not there when the network node runs none', () => {
    const s = cloudWithDragent([], false);
    expect(agentId(s)).toBe('');
  });

  it('hosts a new speaker at once (ChanceScheduler), one speaker per agent', () => {
    let s = cloudWithDragent(['openstack bgp speaker create --local-as 64512 s1', 'openstack bgp speaker create --local-as 64513 s2']);
    const dr = agentId(s);
    expect(run(s, 'openstack bgp dragent list --bgp-speaker s1 -f value -c ID').out).toBe(`${dr}\n`);
    expect(run(s, 'openstack bgp dragent list --bgp-speaker s2 -f value -c ID').out).toBe('');
    let r = run(s, `openstack bgp dragent add speaker ${dr} s2`);
    expect(r.err.split('\n')[0]).toBe(`BgpDrAgent ${dr} is already associated to a BGP speaker.`);
    s = run(s, `openstack bgp dragent remove speaker ${dr} s1`).s;
    r = run(s, `openstack bgp dragent add speaker ${dr} s2`);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(run(r.s, `openstack bgp speaker list --agent ${dr} -f value -c Name`).out).toBe('s2\n');
  });

  it('drops the binding with the speaker, and refuses an agent of another type', () => {
    let s = cloudWithDragent(['openstack bgp speaker create --local-as 64512 s1']);
    const dr = agentId(s);
    const l3 = run(s, 'openstack network agent list --agent-type l3 -f value -c ID').out.trim();
    expect(run(s, `openstack bgp dragent add speaker ${l3} s1`).err.split('\n')[0]).toBe(`BgpDrAgent ${l3} is invalid or has been disabled.`);
    s = run(s, 'openstack bgp speaker delete s1').s;
    expect(s.cloud.bgp?.agentSpeakers[dr]).toEqual([]);
  });

  it('reports the speakers it hosts, their peers and the routes they advertise', () => {
    const s = cloudWithDragent([
      'openstack address scope create --share byoip',
      'openstack subnet pool create --address-scope byoip --pool-prefix 203.0.113.0/24 --pool-prefix 198.51.100.0/24 customer',
      'openstack network create --external ext',
      'openstack subnet create --network ext --subnet-pool customer --subnet-range 203.0.113.0/26 --no-dhcp ext-sub',
      'openstack network create net1',
      'openstack subnet create --network net1 --subnet-pool customer --subnet-range 198.51.100.0/26 sub1',
      'openstack router create r1',
      'openstack router set --external-gateway ext r1',
      'openstack router add subnet r1 sub1',
      'openstack bgp speaker create --local-as 64512 s1',
      'openstack bgp speaker add network s1 ext',
      'openstack bgp peer create --peer-ip 203.0.113.1 --remote-as 64496 up1',
      'openstack bgp speaker add peer s1 up1',
    ]);
    const out = run(s, `openstack network agent show ${agentId(s)} -f json -c configuration`).out;
    expect(JSON.parse(out)).toEqual({ configuration: { bgp_speakers: 1, bgp_peers: 1, advertise_routes: 1 } });
  });
});
