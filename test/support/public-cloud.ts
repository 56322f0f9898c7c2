/** A public-cloud session after some command lines, each of which must succeed (a broken setup tests nothing). */
import { createSession, type SessionState } from '../../server/shell/session.js';
import { runSetup } from '../../server/shell/script.js';

export const publicCloudAfter = (lines: readonly string[]): SessionState => runSetup(createSession({ fixture: 'public-cloud' }), lines);

/** A CirrOS VM on public-cloud with the learner's key pair (add `--network NET NAME`). */
export const PUBLIC_VM = 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --key-name mykeypair';

/**
 * One router rp with its gateway on ext-provider1 (scope public-v4) and two subnets: pub-v4 from
 * poolv4-selfservice1 (the same scope) with VM vmp, priv-v4 (10.42.0.0/24, no scope) with VM vmq;
 * ICMP allowed in. The address-scope tests' common cloud.
 */
export const SCOPED_ROUTER: readonly string[] = [
  'openstack network create pub',
  'openstack subnet create --network pub --subnet-pool poolv4-selfservice1 pub-v4',
  'openstack network create priv',
  'openstack subnet create --network priv --subnet-range 10.42.0.0/24 priv-v4',
  'openstack router create rp',
  'openstack router set --external-gateway ext-provider1 rp',
  'openstack router add subnet rp pub-v4',
  'openstack router add subnet rp priv-v4',
  `${PUBLIC_VM} --network pub vmp`,
  `${PUBLIC_VM} --network priv vmq`,
  'openstack security group rule create --proto icmp default',
];
