/**
 * The scale for the topology: 50 networks, 20 routers, 200 VMs (ten per router's
 * networks), built through real commands on the empty admin cloud with its quotas raised.
 */
import { createSession, type SessionState } from '../../server/shell/session.js';
import { runSetup } from '../../server/shell/script.js';

export const BIG = { networks: 50, routers: 20, servers: 200 };

const quotas = 'openstack quota set --networks 100 --subnets 100 --routers 40 --ports 1000 --instances 400 admin';

function networkLines(i: number): string[] {
  return [`openstack network create n${i}`, `openstack subnet create --network n${i} --subnet-range 10.${i}.0.0/24 s${i}`];
}

/** Router r<i> joins the subnets of networks 2i and 2i+1 (20 routers over the first 40 networks). */
function routerLines(i: number): string[] {
  return [`openstack router create r${i}`, `openstack router add subnet r${i} s${2 * i}`, `openstack router add subnet r${i} s${2 * i + 1}`];
}

function serverLine(i: number): string {
  return `openstack server create --image cirros-0.5.2-x86_64-disk --flavor m1.tiny --network n${i % BIG.networks} vm${i}`;
}

export function bigCloud(): SessionState {
  const lines = [
    quotas,
    ...Array.from({ length: BIG.networks }, (_, i) => networkLines(i)).flat(),
    ...Array.from({ length: BIG.routers }, (_, i) => routerLines(i)).flat(),
    ...Array.from({ length: BIG.servers }, (_, i) => serverLine(i)),
    'openstack server list',
  ];
  return runSetup(createSession({ fixture: 'empty' }), lines);
}
