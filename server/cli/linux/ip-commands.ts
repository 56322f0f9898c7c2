/**
 * `ip`'s commands beyond showing (the tools' command words, iproute2's and BusyBox's), `ip route
 * get`, and what root may change by hand in a guest. ip.ts shows; this file answers the rest.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Server } from '../../sim/model/compute.js';
import { guestView } from '../../sim/dataplane/guest.js';
import { guestChanges, type GuestChange } from '../../sim/ops/server.js';
import { cidrContains, parseCidr, parseIp } from '../../sim/ipam.js';
import type { IpLink, IpRoute } from '../../render/iproute.js';
import { err, ok, type HostResult } from './host.js';

export const isAddr = (sub: string | undefined) => sub === 'a' || sub === 'addr' || sub === 'address';
export const isLink = (sub: string | undefined) => sub === 'link' || sub === 'l';
export const isRoute = (sub: string | undefined) => sub === 'route' || sub === 'r';

type IpObject = 'address' | 'link' | 'route';

/** Addresses a learner may set by hand on one guest NIC. */
const MAX_GUEST_ADDRESSES = 64;

/**
 * The commands of each object in the order the tool tries them, each word matching any prefix of
 * it (iproute2 6.1's do_ipaddr/do_iplink/do_iproute, BusyBox 1.29's ip applets): `ip a a` adds,
 * `ip link s` sets. `show` reads; `get` asks the kernel for one route; the rest write.
 */
const VERBS: Record<'iproute2' | 'busybox', Record<IpObject, string[]>> = {
  iproute2: {
    address: ['add', 'change', 'chg', 'replace', 'delete', 'list', 'show', 'lst', 'flush', 'save', 'showdump', 'restore', 'help'],
    link: ['add', 'set', 'change', 'replace', 'delete', 'show', 'lst', 'list', 'xstats', 'afstats', 'property', 'help'],
    route: ['list', 'show', 'lst', 'get', 'add', 'delete', 'change', 'chg', 'append', 'replace', 'prepend', 'test', 'flush', 'save', 'restore', 'showdump', 'help'],
  },
  busybox: {
    address: ['add', 'change', 'chg', 'delete', 'flush', 'list', 'show', 'lst'],
    link: ['add', 'delete', 'list', 'set', 'show'],
    route: ['add', 'append', 'change', 'chg', 'delete', 'get', 'list', 'show', 'prepend', 'replace', 'test', 'flush'],
  },
};
const READS = new Set(['list', 'show', 'lst', 'showdump', 'xstats', 'afstats', 'help', 'save']);

function ipObject(sub: string | undefined): IpObject | null {
  return isAddr(sub) ? 'address' : isLink(sub) ? 'link' : isRoute(sub) ? 'route' : null;
}

/**
 * What `ip OBJECT WORD …` is short of showing: null when it shows (no word, or show/list), else
 * the answer. The tools' own words for an unknown command and, for a user, the kernel's refusal;
 * a change as root is not simulated (the node's interfaces are the agents', a guest's come from
 * its DHCP client), and Stacklab says so.
 */
export function ipVerbAnswer(a: string[], where: 'node' | 'namespace' | 'vm', tool: 'iproute2' | 'busybox', root: boolean): HostResult | null {
  const object = ipObject(a[0]);
  const word = a[1];
  if (object === null || word === undefined) return null;
  const verb = VERBS[tool][object].find((v) => v.startsWith(word));
  if (verb === undefined) {
    // A device name where iproute2 wants `show dev`: its unknown command (BusyBox: invalid argument).
    return tool === 'busybox' ? err(`ip: invalid argument '${word}' to 'ip'\n`, 1) : err(`Command "${word}" is unknown, try "ip ${object} help".\n`, 255);
  }
  if (READS.has(verb) && verb !== 'help' && verb !== 'save') return null;
  if (!root && verb !== 'get' && verb !== 'help') {
    // BusyBox's ip as a user (checked with Debian's busybox 1.35 on this machine).
    if (tool === 'busybox' && verb === 'flush') return err("ip: can't send flush request: Operation not permitted\n", 1);
    if (tool === 'busybox') return err(object === 'link' ? 'ip: SIOCSIFFLAGS: Operation not permitted\n' : 'ip: RTNETLINK answers: Operation not permitted\n', 2);
    // iproute2 6.1 as a user (checked on this machine): a flush fails on its request.
    if (verb === 'flush') return err('Failed to send flush request: Operation not permitted\n', object === 'address' ? 255 : 2);
    return err('RTNETLINK answers: Operation not permitted\n', 2);
  }
  const hint = verb === 'get' ? "`ip route` (or `route -n`) prints the table it would look up, and `stacklab trace` a packet's path"
    : where === 'vm' ? 'a guest NIC comes up with its DHCP client (sudo udhcpc -i eth1 on CirrOS, sudo dhclient ens4 elsewhere) or by hand (ip link set DEV up, ip addr add ADDR/LEN dev DEV, ip route add default via GW)'
      : "the node's interfaces, addresses and routes are the Neutron agents' (change them with openstack commands)";
  return err(`stacklab: ip ${object} ${verb} is not simulated here: ${hint}\n`, 1);
}

/** The command `ip OBJECT WORD` names (see VERBS), or undefined. */
export function ipVerb(a: string[], tool: 'iproute2' | 'busybox'): string | undefined {
  const object = ipObject(a[0]);
  const word = a[1];
  return object === null || word === undefined || word === '' ? undefined : VERBS[tool][object].find((v) => v.startsWith(word));
}

/**
 * `ip route get ADDRESS` (iproute2, IPv4): the route the kernel picks from the table (the longest
 * prefix, then the lowest metric), with the source address it would use and the caller's uid, or
 * `local` for one of the host's own addresses; its words for no route and for no address.
 */
export function routeGet(routes: IpRoute[], links: IpLink[], words: string[], uid: number | null): HostResult {
  // uid null: BusyBox's ip (one line, two blanks before src, no uid, no cache line).
  const busybox = uid === null;
  const target = words.find((w) => !['to', 'from', 'iif', 'oif', 'mark', 'tos', 'vrf', 'connected', 'fibmatch'].includes(w));
  const [addr = '', len] = (target ?? '').split('/');
  const dst = parseIp(addr);
  if (busybox && (target === undefined || !dst)) return err('ip: need at least destination address\n', 1);
  if (target === undefined) return err('need at least a destination address\n', 1);
  if (!dst) return err(`Error: any valid prefix is expected rather than "${target}".\n`, 1);
  if (dst.version !== 4) return err("stacklab: ip route get is not simulated here for IPv6: `ip -6 route` prints the table it would look up, and `stacklab trace` a packet's path\n", 1);
  const warn = len !== undefined && len !== '32' ? `Warning: /${len} as prefix is invalid, only /32 (or none) is supported.\n` : '';
  const own = links.find((l) => l.addrs.some((x) => x.family === 4 && x.cidr.split('/')[0] === addr));
  if (own && busybox) return ok(`local ${addr} dev lo  src ${addr} \n`);
  if (own) return { stdout: `local ${addr} dev lo src ${addr} uid ${uid} \n    cache <local> \n`, stderr: warn, exitCode: 0 };
  let best: { r: IpRoute; prefix: number } | null = null;
  for (const r of routes) {
    const c = r.dest === 'default' ? parseCidr('0.0.0.0/0') : parseCidr(r.dest.includes('/') ? r.dest : `${r.dest}/32`);
    if (!c || c.version !== 4 || !cidrContains(c, 4, dst.value)) continue;
    if (!best || c.prefix > best.prefix || (c.prefix === best.prefix && (r.metric ?? 0) < (best.r.metric ?? 0))) best = { r, prefix: c.prefix };
  }
  if (!best) return { stdout: '', stderr: `${busybox ? 'ip: ' : warn}RTNETLINK answers: Network is unreachable\n`, exitCode: 2 };
  const { r } = best;
  const src = r.src ?? links.find((l) => l.name === r.dev)?.addrs.find((x) => x.family === 4 && x.scope === 'global')?.cidr.split('/')[0];
  if (busybox) return ok(`${addr}${r.via ? ` via ${r.via}` : ''} dev ${r.dev}${src ? `  src ${src}` : ''} \n`);
  const out = `${addr}${r.via ? ` via ${r.via}` : ''} dev ${r.dev}${src ? ` src ${src}` : ''} uid ${uid} \n    cache \n`;
  return { stdout: out, stderr: warn, exitCode: 0 };
}

/**
 * What root may change by hand in a guest (its state until the next boot, sim/ops/server.ts
 * guestChanges): `ip link set DEV up|down`, `ip addr add|del ADDR[/LEN] dev DEV`, `ip addr
 * flush dev DEV`, `ip route add|del default via GW [dev DEV]`. Each refusal in the tool's words
 * (iproute2 6.1 and BusyBox 1.35, checked in a network namespace on this machine); null for
 * what Stacklab does not simulate.
 */
export function guestIpWrite(cloud: Cloud, vm: Server, a: string[], busybox: boolean): HostResult | null {
  const g = guestView(cloud, vm);
  const names = [g.nic, ...g.extra.map((n) => n.name)];
  const object = ipObject(a[0]);
  const verb = ipVerb(a, busybox ? 'busybox' : 'iproute2');
  const rest = a.slice(2);
  const bb = (m: string) => (busybox ? `ip: ${m}` : m);
  const noDevice = (d: string) => err(busybox ? `ip: can't find device '${d}'\n` : `Cannot find device "${d}"\n`, 1);
  const change = (c: GuestChange): HostResult => ({ stdout: '', stderr: '', exitCode: 0, cloud: guestChanges(cloud, vm.id, c) });
  const valueOf = (key: string) => {
    const i = rest.indexOf(key);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (object === 'link' && verb === 'set') {
    const words = rest[0] === 'dev' ? rest.slice(1) : rest;
    const [dev, ...flags] = words;
    if (dev === undefined) return err(busybox ? 'ip: need "dev IFACE"\n' : 'Not enough information: "dev" argument is required.\n', 1);
    const index = names.indexOf(dev);
    if (index < 0) return noDevice(dev);
    const bad = flags.find((f) => f !== 'up' && f !== 'down');
    if (bad !== undefined) return err(busybox ? `ip: either "dev" is duplicate, or "${bad}" is garbage\n` : `Error: either "dev" is duplicate, or "${bad}" is a garbage.\n`, busybox ? 2 : 255);
    const last = flags.at(-1);
    return last === undefined ? ok('') : change({ nic: { index, linkUp: last === 'up' } });
  }
  if (object === 'address' && (verb === 'add' || verb === 'delete' || verb === 'flush')) {
    const dev = valueOf('dev') ?? (verb === 'flush' ? rest.find((w) => w !== 'dev') : undefined);
    if (dev === undefined) return err(busybox ? 'ip: need "dev IFACE"\n' : 'Not enough information: "dev" argument is required.\n', 1);
    const index = names.indexOf(dev);
    if (index < 0) return noDevice(dev);
    const current = vm.nics[index]?.addrs ?? [];
    if (verb === 'flush') return change({ nic: { index, addrs: [] } });
    const raw = rest[0] ?? '';
    const [addr = '', len] = raw.split('/');
    const ip = parseIp(addr);
    const prefix = len === undefined ? 32 : Number(len);
    if (!ip || ip.version !== 4 || !/^\d+$/.test(len ?? '32') || prefix > 32) {
      return busybox ? err('ip: RTNETLINK answers: Numerical result out of range\n', 2) : err(`Error: any valid prefix is expected rather than "${raw}".\n`, 1);
    }
    const cidr = `${addr}/${prefix}`;
    if (verb === 'add') {
      if (current.some((x) => x.split('/')[0] === addr)) return err(bb(busybox ? 'RTNETLINK answers: File exists\n' : 'Error: ipv4: Address already assigned.\n'), 2);
      // The saved workspace stays small: a bound no lesson reaches.
      if (current.length >= MAX_GUEST_ADDRESSES) return err(`stacklab: at most ${MAX_GUEST_ADDRESSES} addresses on a NIC here\n`, 1);
      return change({ nic: { index, addrs: [...current, cidr] } });
    }
    if (!current.includes(cidr) && !(len === undefined && current.some((x) => x.split('/')[0] === addr))) {
      return err(bb(busybox ? 'RTNETLINK answers: Cannot assign requested address\n' : 'Error: ipv4: Address not found.\n'), 2);
    }
    return change({ nic: { index, addrs: current.filter((x) => x.split('/')[0] !== addr) } });
  }
  if (object === 'route' && (verb === 'add' || verb === 'delete') && rest[0] === 'default') {
    const leased = [g.up && g.v4?.gateway, ...g.extra.map((n) => n.up && n.v4?.gateway)].some((x) => typeof x === 'string' && x !== '');
    if (verb === 'delete') {
      if (vm.guestDefault) return change({ guestDefault: null });
      // The lease's own default route: removing it by hand is not simulated.
      return leased ? null : err(bb('RTNETLINK answers: No such process\n'), 2);
    }
    const via = valueOf('via');
    const dev = valueOf('dev');
    if (via === undefined || parseIp(via)?.version !== 4) return null;
    if (dev !== undefined && !names.includes(dev)) return noDevice(dev);
    // Same destination and metric as a route there: udhcpc's lease installs its default with metric
    // 0, as `ip route add` does (systemd-networkd's has 100, so both stand on the cloud images).
    if (vm.guestDefault || (busybox && leased)) return err(bb('RTNETLINK answers: File exists\n'), 2);
    // The gateway must be on a connected network of the NIC (of any up NIC without dev).
    const target = parseIp(via);
    const onLink = (i: number) => {
      const n = i === 0 ? { up: g.up, v4: g.v4, manual: g.manual } : g.extra[i - 1];
      if (!n || !n.up || !target) return false;
      return [...(n.v4 ? [n.v4.cidr] : []), ...n.manual.map((m) => m.cidr)].some((c) => {
        const p = parseCidr(c);
        return p !== null && cidrContains(p, 4, target.value);
      });
    };
    const index = dev !== undefined ? names.indexOf(dev) : names.findIndex((_, i) => onLink(i));
    if (index < 0 || !onLink(index)) return err(busybox ? 'ip: RTNETLINK answers: Network is unreachable\n' : 'Error: Nexthop has invalid gateway.\n', 2);
    return change({ guestDefault: { via, dev: index } });
  }
  return null;
}
