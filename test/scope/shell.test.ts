/** What the learner sees from the laptop: a BYOIP VM answers ping by its own address once its prefix is announced. */
import { describe, expect, it } from 'vitest';
import { runLine, type SessionState } from '../../server/shell/session.js';
import { PUBLIC_VM, publicCloudAfter } from '../support/public-cloud.js';

const VM = PUBLIC_VM;

function setup(advertiseTenantNetworks: boolean): { s: SessionState; ip: string } {
  let s = publicCloudAfter(['openstack network create pub', 'openstack subnet create --network pub --subnet-pool poolv4-selfservice1 pub-v4',
    'openstack router create rp', 'openstack router set --external-gateway ext-provider1 rp', 'openstack router add subnet rp pub-v4',
    `${VM} --network pub vmp`, 'openstack security group rule create --proto icmp default']);
  // The fixture's speaker on ext-provider1 announces the subnet; its settings are admin-only, so the test changes the data.
  const bgp = s.cloud.bgp!;
  s = { ...s, cloud: { ...s.cloud, bgp: { ...bgp, speakers: bgp.speakers.map((sp) => ({ ...sp, advertiseTenantNetworks })) } } };
  const ip = s.cloud.ports.find((p) => p.deviceOwner.startsWith('compute:'))?.fixedIps.find((f) => !f.ipAddress.includes(':'))?.ipAddress ?? '';
  return { s, ip };
}

describe('ping from the laptop to the VM by its own address', () => {
  it('is lost while the speaker does not announce the prefix', () => {
    const { s, ip } = setup(false);
    const out = runLine(s, `ping -c 1 ${ip}`).result.stdout;
    expect(out).toContain('1 packets transmitted, 0 received, 100% packet loss');
    expect(out).not.toContain(`64 bytes from ${ip}`);
  });
  it('is answered by the VM address itself once announced', () => {
    const { s, ip } = setup(true);
    const out = runLine(s, `ping -c 1 ${ip}`).result.stdout;
    expect(out).toContain(`64 bytes from ${ip}: icmp_seq=1`);
    expect(out).toContain('1 packets transmitted, 1 received, 0% packet loss');
  });
});
