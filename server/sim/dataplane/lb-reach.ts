/**
 * The reach query with the load balancer's back end: sim/reach.ts decides whether a connection
 * to a VIP is accepted (its security group, an enabled listener); this adds why the listener
 * cannot serve it (no pool, no healthy member), which needs the members' health and so the data
 * plane above reach.ts. The verdict stays `ok`: the connection is accepted, then HAProxy answers
 * 503 (HTTP) or closes it (TCP).
 */
import { extended } from '../objects.js';
import type { Cloud } from '../model/cloud.js';
import { trace, type Endpoint, type Proto, type Trace } from '../reach.js';
import { acceptingListener } from './lb-vip.js';
import { listenerOutage } from './loadbalancer.js';

export function traceThroughLb(c: Cloud, from: Endpoint, to: string, proto: Proto, port: number | null): Trace {
  const t = trace(c, from, to, proto, port);
  const last = t.hops[t.hops.length - 1]?.address;
  const lb = t.verdict === 'ok' && proto !== 'icmp' ? c.octavia?.loadBalancers.find((x) => x.vipAddress === last) : undefined;
  const l = lb && acceptingListener(c, lb, proto, port);
  const outage = l && listenerOutage(c, l.id);
  if (!outage) return t;
  return extended(t, { reason: `${t.reason}; ${outage}: ${l.protocol === 'HTTP' ? 'HAProxy answers 503 Service Unavailable' : 'HAProxy closes the connection'}` });
}
