/**
 * Routed provider networks (the segments plugin): a network whose subnets are on its segment
 * gives addresses by host. Golden 71 shows the oracle's side, where no agent maps a segment; here
 * a VLAN segment on the physical network every Open vSwitch agent maps (bridge_mappings), so the
 * network node and the compute hosts reach it and a deferred port gets its address when bound.
 */
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../server/store/memory.js';
import { loadLabs } from '../server/labs/index.js';
import { workspaces, type Workspace } from '../server/workspace/index.js';

async function sandbox(): Promise<Workspace> {
  const labs = loadLabs();
  const spaces = workspaces({ store: memoryStore(), labs: () => labs, now: () => 1_000, log: () => {} });
  const ref = spaces.parse('sandbox:empty');
  if (!ref) throw new Error('no sandbox:empty');
  return spaces.open('ada', ref);
}

describe('a routed provider network', () => {
  it('defers a port without a host, addresses it when bound to a host that reaches the segment, refuses one that does not', async () => {
    const w = await sandbox();
    const out = async (line: string) => {
      const r = await w.run(line);
      return `${r.stdout}${r.stderr}`;
    };
    await out('openstack network create vl --provider-network-type vlan --provider-physical-network physnet1 --provider-segment 1100');
    await out('openstack subnet create vs --network vl --subnet-range 10.82.0.0/24');
    const seg = (await out('openstack network segment list --network vl -f value -c ID')).trim();
    expect(await out(`openstack subnet set vs --network-segment ${seg}`)).toBe('');
    expect(await out('openstack port create d1 --network vl -c fixed_ips -c ip_allocation -f value')).toBe('[]\ndeferred\n');
    // compute1 runs an Open vSwitch agent that maps physnet1: the deferred port is addressed now.
    expect(await out('openstack port set d1 --host compute1')).toBe('');
    expect(await out('openstack port show d1 -c fixed_ips -c ip_allocation -f value')).toMatch(/^\[\{'subnet_id': '[0-9a-f-]{36}', 'ip_address': '10\.82\.0\.\d+'\}\]\ndeferred\n$/);
    expect(await out('openstack port create d2 --network vl --host compute1 -c fixed_ips -c ip_allocation -f value')).toMatch(/'ip_address': '10\.82\.0\.\d+'.*\nimmediate\n$/);
    // A host without an agent reaches no segment.
    expect(await out('openstack port create d3 --network vl --host elsewhere')).toMatch(/Host elsewhere is not connected to any segments on routed provider network '[0-9a-f-]{36}'\.  It should be connected to one\.\n$/);
    expect(await out('openstack port set d2 --host elsewhere')).toMatch(/^ConflictException: 409: .*Host elsewhere is not connected/);
    // A tunnelled network's segment is mapped to no host.
    await out('openstack network create vx');
    await out('openstack subnet create xs --network vx --subnet-range 10.83.0.0/24');
    const vxSeg = (await out('openstack network segment list --network vx -f value -c ID')).trim();
    await out(`openstack subnet set xs --network-segment ${vxSeg}`);
    expect(await out('openstack port create x1 --network vx --host compute1')).toMatch(/Host compute1 is not connected/);
  });
});
