/**
 * Kernel parameters of the network node and its namespaces: what the L3 and DHCP agents set
 * (dataplane reference §2.4) plus what the learner changed with `sysctl -w`. Forwarding keys
 * follow the kernel: writing net.ipv4.ip_forward or conf.all.forwarding sets every interface,
 * writing net.ipv6.conf.all.forwarding sets `default` and every interface, a device key sets
 * only that device. A router forwards a packet when the interface it came in on forwards.
 */
import type { Cloud } from '../model/cloud.js';
import type { InfraState } from '../model/infra.js';
import type { Namespace } from './index.js';
import { ownValue } from '../objects.js';

/** Where a table of parameters lives: the node's root namespace or a qrouter-/qdhcp- one. */
export type SysctlPlace = { kind: 'root'; devices: string[] } | Namespace;

const placeName = (p: SysctlPlace): string => (p.kind === 'root' ? 'root' : p.name);
const devicesOf = (p: SysctlPlace): string[] => ['lo', ...(p.kind === 'root' ? p.devices : p.devices.map((d) => d.name))];

/** The parameters as the agents leave them (root: a network node with forwarding on, as installers set it). */
function base(p: SysctlPlace): Record<string, string> {
  const router = p.kind === 'qrouter';
  const fwd4 = p.kind === 'qdhcp' ? '0' : '1';
  const fwd6 = router ? '1' : '0';
  const t: Record<string, string> = {
    'net.ipv4.ip_forward': fwd4,
    'net.ipv4.conf.all.arp_announce': router ? '2' : '0',
    'net.ipv4.conf.all.arp_ignore': router ? '1' : '0',
  };
  for (const d of ['all', 'default', ...devicesOf(p)]) {
    t[`net.ipv4.conf.${d}.forwarding`] = fwd4;
    t[`net.ipv6.conf.${d}.forwarding`] = fwd6;
  }
  return t;
}

function overrides(cloud: Cloud, p: SysctlPlace): Record<string, string> {
  return cloud.infra?.sysctl?.[placeName(p)] ?? {};
}

/** The current values: the learner's writes over the agents' values; a device nobody set inherits `default`. */
function effective(cloud: Cloud, p: SysctlPlace): Record<string, string> {
  const o = overrides(cloud, p);
  const t = base(p);
  for (const d of devicesOf(p)) {
    for (const v of [4, 6]) {
      const dflt = o[`net.ipv${v}.conf.default.forwarding`];
      if (dflt !== undefined) t[`net.ipv${v}.conf.${d}.forwarding`] = dflt;
    }
  }
  return Object.assign(t, o);
}

/** Every parameter of the place with its current value, sorted by name. */
export function sysctlTable(cloud: Cloud, p: SysctlPlace): Array<[string, string]> {
  const t = effective(cloud, p);
  return Object.keys(t)
    .sort()
    .map((k) => [k, t[k] ?? '']);
}

/** A parameter's value (undefined for a key the place does not have: `constructor` is no parameter). */
export function sysctlRead(cloud: Cloud, p: SysctlPlace, key: string): string | undefined {
  return ownValue(effective(cloud, p), key);
}

export type WriteResult = { ok: true; cloud: Cloud; value: string } | { ok: false; error: 'missing' | 'invalid' };

/** `sysctl -w key=value`: the new cloud, with the kernel's propagation of forwarding switches. */
export function sysctlWrite(cloud: Cloud, p: SysctlPlace, key: string, raw: string): WriteResult {
  if (!Object.hasOwn(base(p), key)) return { ok: false, error: 'missing' };
  const value = raw.trim();
  if (!/^[-+]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) return { ok: false, error: 'invalid' };
  // The kernel keeps the integer as written (7 reads back as 7) and treats any non-zero as on.
  const v = String(Number.parseInt(value, 10));
  const changed: Record<string, string> = { ...overrides(cloud, p), [key]: v };
  const all = ['all', 'default', ...devicesOf(p)];
  if (key === 'net.ipv4.ip_forward' || key === 'net.ipv4.conf.all.forwarding') {
    changed['net.ipv4.ip_forward'] = v;
    for (const d of all) changed[`net.ipv4.conf.${d}.forwarding`] = v;
  } else if (key === 'net.ipv6.conf.all.forwarding') {
    for (const d of all) changed[`net.ipv6.conf.${d}.forwarding`] = v;
  }
  const sysctl = { ...(cloud.infra?.sysctl ?? {}), [placeName(p)]: changed };
  return { ok: true, cloud: withInfra(cloud, { sysctl }), value: v };
}

/** A copy of the cloud with some host-side state replaced and the rest kept. */
export function withInfra(cloud: Cloud, patch: InfraState): Cloud {
  return { ...cloud, infra: { ...cloud.infra, ...patch } };
}

/** Whether router `routerId` forwards IPv`version` packets arriving on interface `dev`. */
export function routerForwards(cloud: Cloud, routerId: string, dev: string, version: 4 | 6): boolean {
  const o = cloud.infra?.sysctl?.[`qrouter-${routerId}`];
  if (!o) return true;
  const v = o[`net.ipv${version}.conf.${dev}.forwarding`] ?? o[`net.ipv${version}.conf.default.forwarding`];
  return v === undefined || v !== '0';
}
