/** Operating statuses as Octavia's health manager derives them from the amphora's heartbeat. */
import { describe, expect, it } from 'vitest';
import { octaviaHealth } from '../../server/sim/dataplane/loadbalancer.js';
import type { Cloud } from '../../server/sim/model/cloud.js';
import { draftCloud } from '../../server/sim/clone.js';
import { objects, run, webCloud, withLb, type LbSpec } from './build.js';

const statuses = (c: Cloud) => {
  const h = octaviaHealth(c);
  const { lb, listener, pools, members, monitor } = objects(c);
  return { lb: h.status(lb.id), listener: h.status(listener?.id ?? ''), pool: h.status(pools[0]?.id ?? ''), members: members.map((m) => h.status(m.id)), monitor: monitor ? h.status(monitor.id) : undefined };
};

const web = webCloud();
const lb = (spec: LbSpec = {}) => withLb(web, spec).cloud;

describe('octaviaHealth', () => {
  it('members without a monitor are NO_MONITOR, everything else ONLINE', () => {
    expect(statuses(lb({ monitor: null }))).toEqual({ lb: 'ONLINE', listener: 'ONLINE', pool: 'ONLINE', members: ['NO_MONITOR', 'NO_MONITOR'], monitor: undefined });
  });

  it('with an HTTP monitor, members whose VM answers are ONLINE and the monitor ONLINE', () => {
    expect(statuses(lb())).toEqual({ lb: 'ONLINE', listener: 'ONLINE', pool: 'ONLINE', members: ['ONLINE', 'ONLINE'], monitor: 'ONLINE' });
  });

  it('a stopped VM: its member ERROR, pool and load balancer DEGRADED, listener still ONLINE', () => {
    const s = run(withLb(web), ['openstack server stop web1']);
    expect(statuses(s.cloud)).toEqual({ lb: 'DEGRADED', listener: 'ONLINE', pool: 'DEGRADED', members: ['ERROR', 'ONLINE'], monitor: 'ONLINE' });
    const back = run(s, ['openstack server start web1']);
    expect(statuses(back.cloud).members).toEqual(['ONLINE', 'ONLINE']);
  });

  it('all members down: pool and load balancer ERROR', () => {
    const s = run(withLb(web), ['openstack server stop web1', 'openstack server stop web2']);
    expect(statuses(s.cloud)).toMatchObject({ lb: 'ERROR', listener: 'ONLINE', pool: 'ERROR', members: ['ERROR', 'ERROR'] });
  });

  it('a security group that does not admit the amphora makes the member ERROR', () => {
    const s = run(withLb(web), ['openstack security group rule delete $(openstack security group rule list web -f value -c ID --protocol tcp)']);
    expect(statuses(s.cloud).members).toEqual(['ERROR', 'ERROR']);
  });

  it('nothing listening on the monitored port, or an unexpected code, is ERROR', () => {
    expect(statuses(lb({ members: [{ vm: 'web1', monitorPort: 8080 }, { vm: 'web2' }] })).members).toEqual(['ERROR', 'ONLINE']);
    expect(statuses(lb({ monitor: { expectedCodes: '201-204' } })).members).toEqual(['ERROR', 'ERROR']);
    expect(statuses(lb({ monitor: { expectedCodes: '204,200' } })).members).toEqual(['ONLINE', 'ONLINE']);
  });

  it('TCP and PING monitors: a listening port / a pingable VM', () => {
    expect(statuses(lb({ monitor: { type: 'TCP', httpMethod: null, urlPath: null, expectedCodes: null } })).members).toEqual(['ONLINE', 'ONLINE']);
    // The web group admits no ICMP.
    expect(statuses(lb({ monitor: { type: 'PING' } })).members).toEqual(['ERROR', 'ERROR']);
  });

  it('admin-down objects are OFFLINE; a disabled monitor means no checks', () => {
    expect(statuses(lb({ members: [{ vm: 'web1', adminStateUp: false }, { vm: 'web2' }] }))).toMatchObject({ pool: 'ONLINE', members: ['OFFLINE', 'ONLINE'] });
    expect(statuses(lb({ members: [{ vm: 'web1', adminStateUp: false }, { vm: 'web2', adminStateUp: false }] }))).toMatchObject({ lb: 'ERROR', pool: 'ERROR' });
    expect(statuses(lb({ listeners: [{ adminStateUp: false }] }))).toMatchObject({ lb: 'ONLINE', listener: 'OFFLINE', pool: 'OFFLINE', members: ['OFFLINE', 'OFFLINE'] });
    expect(statuses(lb({ pools: [{ adminStateUp: false }] }))).toMatchObject({ lb: 'ONLINE', listener: 'ONLINE', pool: 'OFFLINE' });
    expect(statuses(lb({ monitor: { adminStateUp: false } }))).toMatchObject({ members: ['NO_MONITOR', 'NO_MONITOR'], monitor: 'OFFLINE' });
    expect(statuses(lb({ lb: { adminStateUp: false } }))).toMatchObject({ lb: 'OFFLINE', listener: 'ERROR', pool: 'OFFLINE' });
  });

  it('a weight-0 member that passes its check is DRAINING', () => {
    expect(statuses(lb({ members: [{ vm: 'web1', weight: 0 }, { vm: 'web2' }] })).members).toEqual(['DRAINING', 'ONLINE']);
  });

  it('before the worker deploys them, objects read as the API created them', () => {
    const c = lb({ lb: { provisioningStatus: 'PENDING_CREATE' }, monitor: { provisioningStatus: 'PENDING_CREATE' } });
    expect(statuses(c)).toEqual({ lb: 'OFFLINE', listener: 'OFFLINE', pool: 'OFFLINE', members: ['OFFLINE', 'OFFLINE'], monitor: 'OFFLINE' });
    expect(statuses(lb({ lb: { provisioningStatus: 'PENDING_CREATE' }, monitor: null })).members).toEqual(['NO_MONITOR', 'NO_MONITOR']);
  });

  it('a member whose address no VM holds is ERROR under a monitor', () => {
    expect(statuses(lb({ members: [{ address: '10.1.0.250' }, { vm: 'web2' }] })).members).toEqual(['ERROR', 'ONLINE']);
  });

  it('the no-op drivers report what the database holds', () => {
    const c = lb();
    const noop: Cloud = { ...c, config: { ...c.config, octavia: { drivers: 'noop' } } };
    expect(statuses(noop)).toEqual({ lb: 'OFFLINE', listener: 'OFFLINE', pool: 'OFFLINE', members: ['OFFLINE', 'OFFLINE'], monitor: 'OFFLINE' });
  });

  it('is memoised per cloud object and across clouds sharing its inputs; an unknown id reads OFFLINE', () => {
    const c = lb();
    expect(octaviaHealth(c)).toBe(octaviaHealth(c));
    expect(octaviaHealth({ ...c, tick: c.tick + 1 })).toBe(octaviaHealth(c));
    expect(octaviaHealth({ ...c, servers: [...c.servers] })).not.toBe(octaviaHealth(c));
    expect(octaviaHealth(c).status('nope')).toBe('OFFLINE');
  });

  it("an op's draft is never memoised: a change made after a look shows at the next look", () => {
    const d = draftCloud(lb());
    expect(statuses(d).members).toEqual(['ONLINE', 'ONLINE']);
    const web1 = d.servers.find((v) => v.name === 'web1');
    if (web1) web1.status = 'SHUTOFF';
    expect(statuses(d).members).toEqual(['ERROR', 'ONLINE']);
  });
});
