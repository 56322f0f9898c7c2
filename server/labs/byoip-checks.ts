/**
 * Lab checks for address scopes on a router (bring your own IP): whether the router SNATs what
 * leaves one of its subnets for the Internet or lets it out with its own addresses, and whether
 * it drops traffic between two of its subnets. Both read the L3 agent's rules as the data plane
 * models them (sim/dataplane/scope-reach.ts), so a check passes exactly when `ping` and
 * `traceroute` would show it. Subnets and routers are found by name, never by UUID.
 *
 * Types only come from checks.ts (which registers these), so the two modules do not load each
 * other.
 */
import type { Cloud } from '../sim/model/cloud.js';
import type { Router } from '../sim/model/router.js';
import type { Subnet } from '../sim/model/subnet.js';
import { crossScopeDrop, leavesUnNated, unNatedDrop } from '../sim/dataplane/scope-reach.js';
import { scopeLabel, subnetScope } from '../sim/dataplane/scope.js';
import { routerGatewayPort, routerInterfacePorts } from './attributes.js';
import { changedAny } from './started.js';
import type { CheckType, Outcome } from './checks.js';

const pass = (why: string): Outcome => ({ ok: true, why });
const failed = (why: string): Outcome => ({ ok: false, why });

/** What a router does to a subnet's traffic for the Internet. */
type Egress = { kind: 'own' | 'snat' | 'dropped'; why: string };

function networkName(c: Cloud, id: string): string {
  return c.networks.find((n) => n.id === id)?.name ?? id;
}

/** A subnet's scope as a learner reads it: `byoip-subnet (address scope public-v4)`. */
function scoped(c: Cloud, s: Subnet): string {
  return `${s.name} (${scopeLabel(c, subnetScope(c, s.id))})`;
}

/** The router's external network and its IPv4 scope, as the learner reads them. */
function external(c: Cloud, r: Router): string {
  const gw = routerGatewayPort(c, r);
  const ext = c.subnets.find((s) => s.networkId === gw?.networkId && s.ipVersion === 4);
  return `${networkName(c, r.gateway?.networkId ?? '')} (${ext ? scopeLabel(c, subnetScope(c, ext.id)) : 'no IPv4 subnet'})`;
}

/** Whether the router has an interface on the subnet. */
function attached(c: Cloud, r: Router, s: Subnet): boolean {
  return routerInterfacePorts(c, r).some((p) => p.fixedIps.some((f) => f.subnetId === s.id));
}

/** How the router (with a gateway and an interface on the subnet) lets the subnet's traffic out. */
function egress(c: Cloud, r: Router, s: Subnet): Egress {
  if (s.ipVersion === 6) return { kind: 'own', why: `${s.name} is IPv6, which a router never NATs` };
  const gwIp = r.gateway?.externalFixedIps.find((f) => !f.ipAddress.includes(':'))?.ipAddress ?? '';
  if (leavesUnNated(c, r, s.networkId)) {
    return { kind: 'own', why: `${scoped(c, s)} is in the scope of ${r.name}'s external network ${external(c, r)}: its traffic leaves with its own addresses` };
  }
  if (r.gateway?.enableSnat === true) {
    return { kind: 'snat', why: `${scoped(c, s)} is not in the scope of ${r.name}'s external network ${external(c, r)}: ${r.name} SNATs its traffic to ${gwIp}` };
  }
  const drop = unNatedDrop(c, r, s.networkId);
  return drop !== null
    ? { kind: 'dropped', why: `${scoped(c, s)} is not in the scope of ${r.name}'s external network ${external(c, r)} and SNAT is off: ${drop}` }
    : { kind: 'own', why: `${r.name} has SNAT off and no address scope on its gateway: ${s.name}'s traffic leaves with its own addresses` };
}

/** The routers and subnets a check names, or why there are none to look at. */
function lookup(c: Cloud, router: string, subnets: string[]): { routers: Router[]; subnets: Subnet[][] } | Outcome {
  const routers = c.routers.filter((r) => r.name === router);
  if (routers.length === 0) return failed(`there is no router named ${router}`);
  const found = subnets.map((n) => c.subnets.filter((s) => s.name === n));
  const lost = subnets.find((_n, i) => found[i]?.length === 0);
  if (lost !== undefined) return failed(`there is no subnet named ${lost}`);
  return { routers, subnets: found };
}

const isOutcome = (x: object): x is Outcome => 'ok' in x;

const subnetSnat: CheckType = {
  name: 'subnet-snat',
  reads: ['cloud'],
  doc: "A router with its gateway and an interface on the subnet SNATs the subnet's IPv4 traffic for the Internet (or, with `enabled: false`, lets it out with its own addresses: the subnet is in the external network's address scope, or IPv6).",
  params: {
    router: { type: 'string', required: true, doc: 'router name' },
    subnet: { type: 'string', required: true, doc: 'subnet name (the router has an interface on it)' },
    enabled: { type: 'boolean', doc: 'true (default): SNATed; false: leaves with its own addresses' },
  },
  title: (p) =>
    p.bool('enabled') === false
      ? `router ${p.str('router')} lets ${p.str('subnet')} out with its own addresses (no SNAT)`
      : `router ${p.str('router')} SNATs what leaves ${p.str('subnet')}`,
  started: (_p, ctx) => changedAny(ctx.history, ['router', 'subnet']),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const found = lookup(c, p.str('router'), [p.str('subnet')]);
    if (isOutcome(found)) return found;
    const want = p.bool('enabled') === false ? 'own' : 'snat';
    const withGw = found.routers.filter((r) => r.gateway !== null);
    if (withGw.length === 0) return failed(`router ${p.str('router')} has no external gateway: nothing leaves it for the Internet`);
    const pairs = withGw.flatMap((r) => (found.subnets[0] ?? []).filter((s) => attached(c, r, s)).map((s) => egress(c, r, s)));
    if (pairs.length === 0) return failed(`router ${p.str('router')} has no interface on subnet ${p.str('subnet')}`);
    const hit = pairs.find((e) => e.kind === want);
    return hit ? pass(hit.why) : failed((pairs[0] as Egress).why);
  },
};

const scopeDrop: CheckType = {
  name: 'scope-drop',
  reads: ['cloud'],
  doc: 'A router has interfaces on two subnets of different address scopes, so its L3 agent drops the traffic between them.',
  params: {
    router: { type: 'string', required: true, doc: 'router name' },
    from: { type: 'string', required: true, doc: 'subnet name' },
    to: { type: 'string', required: true, doc: 'subnet name' },
  },
  title: (p) => `router ${p.str('router')} drops traffic between ${p.str('from')} and ${p.str('to')}`,
  started: (_p, ctx) => changedAny(ctx.history, ['router', 'subnet']),
  evaluate(p, ctx) {
    const c = ctx.cloud;
    const found = lookup(c, p.str('router'), [p.str('from'), p.str('to')]);
    if (isOutcome(found)) return found;
    let why = '';
    for (const r of found.routers) {
      for (const a of found.subnets[0] ?? []) {
        for (const b of found.subnets[1] ?? []) {
          const missing = [a, b].find((s) => !attached(c, r, s));
          if (missing) {
            why ||= `router ${r.name} has no interface on subnet ${missing.name}`;
            continue;
          }
          const drop = crossScopeDrop(c, a.networkId, b.networkId, b.cidr.split('/')[0] ?? '');
          if (drop !== null) return pass(`${scoped(c, a)} and ${scoped(c, b)}: ${drop}`);
          why = `${a.name} and ${b.name} are both in ${scopeLabel(c, subnetScope(c, a.id))}: router ${r.name} routes between them`;
        }
      }
    }
    return failed(why);
  },
};

export const BYOIP_CHECK_TYPES: readonly CheckType[] = [subnetSnat, scopeDrop];
