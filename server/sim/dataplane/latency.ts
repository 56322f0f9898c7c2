/**
 * One latency model for every tool that times packets (ping, traceroute): each hop of a reach
 * query's path costs a round-trip increment, so the time to hop k is the sum of the costs up to
 * it, and what ping measures to a target is what traceroute shows for its last hop. Jitter is a
 * pure function of the probe, never random.
 */
import type { Cloud } from '../model/cloud.js';

/** Round trip added by one hop inside the cloud (a veth, OVS and a namespace's stack), ms. */
export const CLOUD_HOP_MS = 0.15;
/** Round trip added by the provider's physical router on the external network, ms. */
export const EDGE_HOP_MS = 0.25;
/** Round trip across the internet (about a dozen routers) between the cloud and the rest, ms. */
export const INTERNET_MS = 10.8;

/** Round trip over a host's own loopback interface, ms. */
export const LOOPBACK_MS = 0.03;

/** Whether `ip` belongs to the cloud (a port, a floating IP, a subnet's gateway). */
export function isCloudAddress(cloud: Cloud, ip: string): boolean {
  return cloud.ports.some((p) => p.fixedIps.some((f) => f.ipAddress === ip))
    || cloud.floatingIps.some((f) => f.floatingIpAddress === ip)
    || cloud.subnets.some((s) => s.gatewayIp === ip);
}

/** A gateway of an external network: the provider's router, outside Neutron. */
function isEdge(cloud: Cloud, ip: string): boolean {
  return cloud.subnets.some((s) => s.gatewayIp === ip && cloud.networks.find((n) => n.id === s.networkId)?.external === true)
    && !cloud.ports.some((p) => p.fixedIps.some((f) => f.ipAddress === ip));
}

/**
 * The round-trip time to each hop of a path (ms, cumulative). `acrossInternet` says the source
 * is outside the cloud (the learner's laptop): the first hop is reached across the internet.
 */
export function hopRtts(cloud: Cloud, hops: readonly string[], acrossInternet: boolean): number[] {
  let total = acrossInternet ? INTERNET_MS : 0;
  return hops.map((h) => {
    total += !acrossInternet && !isCloudAddress(cloud, h) ? INTERNET_MS : isEdge(cloud, h) ? EDGE_HOP_MS : CLOUD_HOP_MS;
    return total;
  });
}

/**
 * One probe's time around a hop's round trip: a deterministic jitter of up to 0.5 ms (less on
 * short paths, where it would dwarf the time itself), fixed by the probe number and a salt.
 */
export function probeTime(rtt: number, probe: number, salt: number): number {
  const frac = ((probe * 37 + salt * 11) % 50) / 50;
  return rtt + frac * Math.min(0.5, rtt);
}
