/**
 * A load balancer's VIP as a hop of the reach query (sim/reach.ts): the VIP port (device owner
 * `Octavia`) is guarded by its security group `lb-<lb id>`, which Octavia opens for the listener
 * ports only; behind it the amphora's HAProxy accepts a connection on an enabled listener's port
 * and resets any other. Only the model is read here (reach.ts imports this module, so nothing
 * here may import the data plane that itself depends on reach.ts).
 */
import type { Cloud } from '../model/cloud.js';
import type { Port } from '../model/port.js';
import type { Listener, LoadBalancer } from '../model/octavia.js';

/** The device owner Octavia gives VIP ports. */
export const VIP_OWNER = 'Octavia';

export function isVipPort(p: Port): boolean {
  return p.deviceOwner === VIP_OWNER;
}

/** Ports whose security groups guard what answers behind them: VM NICs and VIPs. */
export function isGuarded(p: Port): boolean {
  return p.deviceOwner.startsWith('compute:') || isVipPort(p);
}

export function vipLoadBalancer(c: Cloud, p: Port): LoadBalancer | undefined {
  return isVipPort(p) ? c.octavia?.loadBalancers.find((lb) => lb.vipPortId === p.id) : undefined;
}

type L4 = 'icmp' | 'tcp' | 'udp';

function carries(l: Listener, proto: L4): boolean {
  return proto === 'udp' ? l.protocol === 'UDP' : l.protocol === 'HTTP' || l.protocol === 'HTTPS' || l.protocol === 'TCP' || l.protocol === 'TERMINATED_HTTPS';
}

/** The listener that accepts `proto`/`dport` on the load balancer's VIP (enabled and deployed). */
export function acceptingListener(c: Cloud, lb: LoadBalancer, proto: L4, dport: number | null): Listener | undefined {
  if (!lb.adminStateUp || lb.provisioningStatus === 'PENDING_CREATE') return undefined;
  return c.octavia?.listeners.find((l) => l.loadbalancerId === lb.id && l.protocolPort === dport && l.adminStateUp && l.provisioningStatus !== 'PENDING_CREATE' && carries(l, proto));
}

/** Why the VIP's security group dropped the packet. */
export function vipDropReason(c: Cloud, p: Port, proto: L4, dport: number | null): string | undefined {
  const lb = vipLoadBalancer(c, p);
  if (!lb) return undefined;
  const what = `${proto}${dport !== null && proto !== 'icmp' ? `/${dport}` : ''}`;
  const has = c.octavia?.listeners.some((l) => l.loadbalancerId === lb.id && l.protocolPort === dport && carries(l, proto));
  return has
    ? `the VIP's security group lb-${lb.id} allows no ${what} from this source (the listener's allowed CIDRs)`
    : `no listener of load balancer ${lb.id} on ${what}: the VIP's security group lb-${lb.id} admits only listener ports`;
}

/** What the amphora does with a packet the VIP's group admitted: accept it, or reset it (no listener). */
export function vipVerdict(c: Cloud, p: Port, proto: L4, dport: number | null): { verdict: 'ok' | 'refused'; reason: string } | undefined {
  const lb = vipLoadBalancer(c, p);
  if (!lb) return undefined;
  if (proto === 'icmp') return { verdict: 'ok', reason: `the amphora of load balancer ${lb.id} answers on its VIP` };
  const l = acceptingListener(c, lb, proto, dport);
  if (!l) return { verdict: 'refused', reason: `no enabled listener of load balancer ${lb.id} on ${proto}/${dport ?? ''}: the amphora resets the connection` };
  return { verdict: 'ok', reason: `listener ${l.id} of load balancer ${lb.id} on its VIP` };
}
