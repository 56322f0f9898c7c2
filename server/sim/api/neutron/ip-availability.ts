/**
 * Neutron's network IP availability (`/v2.0/network-ip-availabilities`): per network and subnet,
 * the addresses its allocation pools hold and those allocated to ports. Zed's policy
 * (get_network_ip_availability) is admin only: a member lists none and finds none, not even their
 * own network's (checked on the oracle, test/transcripts/77).
 */
import type { Cloud } from '../../model/cloud.js';
import type { Network } from '../../model/network.js';
import type { Subnet } from '../../model/subnet.js';
import { parseIp } from '../../ipam.js';
import { visibleNetworks } from '../../visibility.js';
import type { JsonObject } from '../json.js';
import { SimError } from '../../errors.js';
import { listOf, sortedById, type ListQuery } from './common.js';

/** The addresses a subnet's allocation pools hold. */
function poolSize(s: Subnet): number {
  let n = 0n;
  for (const p of s.allocationPools) {
    const a = parseIp(p.start);
    const b = parseIp(p.end);
    if (a && b && b.value >= a.value) n += b.value - a.value + 1n;
  }
  return Number(n);
}

function subnetAvailability(c: Cloud, s: Subnet): JsonObject {
  const used = c.ports.reduce((k, p) => k + p.fixedIps.filter((f) => f.subnetId === s.id).length, 0);
  return { subnet_id: s.id, ip_version: s.ipVersion, cidr: s.cidr, subnet_name: s.name, used_ips: used, total_ips: poolSize(s) };
}

/** One network's availability; `ipVersion` keeps that family's subnets only. */
function availabilityDict(c: Cloud, n: Network, ipVersion?: number): JsonObject {
  const subnets = sortedById(c.subnets).filter((s) => s.networkId === n.id && (ipVersion === undefined || s.ipVersion === ipVersion)).map((s) => subnetAvailability(c, s));
  const sum = (k: string) => subnets.reduce((t, s) => t + Number(s[k]), 0);
  return { network_id: n.id, network_name: n.name, tenant_id: n.projectId, project_id: n.projectId, subnet_ip_availability: subnets, used_ips: sum('used_ips'), total_ips: sum('total_ips') };
}

/** GET /v2.0/network-ip-availabilities: an ip_version filter keeps the networks with subnets of that family. */
export function listIpAvailabilities(c: Cloud, q: ListQuery = {}): JsonObject[] {
  const { ip_version: version, ...filters } = q.filters ?? {};
  const v = version === undefined || version === null ? undefined : Number(version);
  if (!c.auth.admin) return listOf([], (n: Network) => availabilityDict(c, n, v), { ...q, filters }, '/v2.0/network-ip-availabilities');
  const nets = visibleNetworks(c).filter((n) => v === undefined || c.subnets.some((s) => s.networkId === n.id && s.ipVersion === v));
  return listOf(nets, (n) => availabilityDict(c, n, v), { ...q, filters }, '/v2.0/network-ip-availabilities');
}

/**
 * GET /v2.0/network-ip-availabilities/{network_id}: the policy's refusal is the controller's plain
 * 404 (it pretends nothing is there), not the NetworkNotFound of a network that is not.
 */
export function ipAvailabilityDict(c: Cloud, n: Network): JsonObject {
  if (!c.auth.admin) {
    const path = `/v2.0/network-ip-availabilities/${n.id}`;
    throw new SimError(404, 'The resource could not be found.', path, 'network', 'HTTPNotFound');
  }
  return availabilityDict(c, n);
}
