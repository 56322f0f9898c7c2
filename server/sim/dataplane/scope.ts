/**
 * Address scopes on a legacy router, as Neutron 21's L3 agent sees them (agent/l3/router_info.py,
 * db/l3_db.py): which scope each router port is in, and the iptables mark the agent gives a scope.
 */
import type { Cloud } from '../model/cloud.js';
import { DEVICE_OWNER, type Port } from '../model/port.js';
import type { Router } from '../model/router.js';
import { routerFips, routerPorts, subnetById, subnetsOfNetwork } from './index.js';
import { memo } from '../memo.js';
import { portById } from '../index.js';

/** Address scopes use the upper 16 bits of the fwmark (ADDRESS_SCOPE_MARK_MASK). */
const MASK = '0xffff0000';
/** The agent's mark ids run from ADDRESS_SCOPE_MARK_ID_MIN; the first one goes to "no scope". */
const FIRST_MARK_ID = 1024;

/** The scope of a subnet: its subnet pool's (l3_db `_get_subnets_by_network_list`). */
export function subnetScope(cloud: Cloud, subnetId: string): string | null {
  const sub = subnetById(cloud, subnetId);
  const pool = sub?.subnetpoolId ? cloud.subnetPools.find((p) => p.id === sub.subnetpoolId) : undefined;
  return pool?.addressScopeId ?? null;
}

/**
 * A port's `address_scopes` as the server sends them to the agent: per IP version, the scope of
 * the network's subnets of that version (the last one listed wins), whatever the port's own IPs.
 */
export function networkScopes(cloud: Cloud, networkId: string): { 4: string | null; 6: string | null } {
  const out: { 4: string | null; 6: string | null } = { 4: null, 6: null };
  for (const s of subnetsOfNetwork(cloud, networkId)) out[s.ipVersion] = subnetScope(cloud, s.id);
  return out;
}

/** The IPv4 scope of the router's external network (`_get_external_address_scope`), null without a gateway. */
export function externalScope(cloud: Cloud, r: Router): string | null {
  const { gateway } = routerPorts(cloud, r);
  return gateway ? networkScopes(cloud, gateway.networkId)[4] : null;
}

/**
 * Hands out mark ids as one RouterInfo does: "no scope" first, then each new scope the next id in
 * the order the agent meets it (`get_address_scope_mark_mask`; ids are never given back).
 */
class MarkIds {
  private readonly ids = new Map<string | null, number>([[null, FIRST_MARK_ID]]);

  meet(scope: string | null): void {
    if (!this.ids.has(scope)) this.ids.set(scope, FIRST_MARK_ID + this.ids.size);
  }

  mark(scope: string | null): string {
    this.meet(scope);
    return `0x${((this.ids.get(scope) ?? FIRST_MARK_ID) << 16).toString(16)}/${MASK}`;
  }
}

/**
 * One processing pass of the agent over the router with the given ports, meeting scopes in its
 * order: the external scope for the no-SNAT rule (SNAT on only), each interface's IPv4 then IPv6
 * scope, the gateway's, then the fixed-IP scopes of the floating IPs.
 */
function processPass(cloud: Cloud, r: Router, ports: Port[], ids: MarkIds): void {
  const gateway = ports.find((p) => p.deviceOwner === DEVICE_OWNER.routerGateway);
  if (gateway && r.gateway?.enableSnat) ids.meet(networkScopes(cloud, gateway.networkId)[4]);
  for (const p of [...ports.filter((x) => x !== gateway), ...(gateway ? [gateway] : [])]) {
    const s = networkScopes(cloud, p.networkId);
    ids.meet(s[4]);
    ids.meet(s[6]);
  }
}

/**
 * The router's scope marks. The agent keeps its mark ids for the router's lifetime, so they follow
 * the order the router's ports were created in: each port addition is one more processing pass.
 */
export function routerScopeMarks(cloud: Cloud, r: Router): (scope: string | null) => string {
  const { internal, gateway } = routerPorts(cloud, r);
  const ports = [...internal, ...(gateway ? [gateway] : [])].sort((a, b) => a.stdAttrId - b.stdAttrId);
  const ids = new MarkIds();
  ports.forEach((_, i) => processPass(cloud, r, ports.slice(0, i + 1), ids));
  for (const f of routerFips(cloud, r)) if (f.portId !== null) ids.meet(fixedScope(cloud, f.portId, r));
  return (scope) => ids.mark(scope);
}

/**
 * The fixed ports of a router's floating IPs by id (the first port with each id, as `find`
 * answers): one pass over the ports for the few a router's NAT rules name, kept per published
 * collection (an index of every port by id would cost more to build after each write).
 */
function fipPorts(cloud: Cloud, r: Router): Map<string, Port> {
  return memo(cloud, `scope.fipPorts.${r.id}`, [cloud.ports, cloud.floatingIps], () => {
    const wanted = new Set<string>();
    for (const f of routerFips(cloud, r)) if (f.portId !== null) wanted.add(f.portId);
    const out = new Map<string, Port>();
    if (wanted.size === 0) return out;
    for (const p of cloud.ports) if (wanted.has(p.id) && !out.has(p.id)) out.set(p.id, p);
    return out;
  });
}

/** The IPv4 scope of a floating IP's fixed port (`get_scoped_floating_ips`: its network's IPv4 subnets' pool). */
export function fixedScope(cloud: Cloud, portId: string, router?: Router): string | null {
  const port = router ? fipPorts(cloud, router).get(portId) : portById(cloud, portId);
  return port ? networkScopes(cloud, port.networkId)[4] : null;
}

/** An address scope by its name, for reasons people read (its id when it has no name). */
export function scopeLabel(cloud: Cloud, scope: string | null): string {
  if (scope === null) return 'no address scope';
  const s = cloud.addressScopes.find((x) => x.id === scope);
  return `address scope ${s?.name ? s.name : scope}`;
}
