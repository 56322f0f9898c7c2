/**
 * The end of a cloud image's serial console (Debian's and Ubuntu's, where cloud-init runs): what
 * `openstack console log show` prints of the boot. cloud-init's lines are laid out as its own
 * code lays them out (cloudinit/netinfo.py's ci-info tables through its SimpleTable, the
 * running/finished lines of cmd/main.py, cc_keys_to_console's fingerprint blocks,
 * cc_final_message's warning for the fallback datasource), from the guest's boot view: the NICs
 * it booted with, their leases and routes. Host keys and fingerprints are derived from the
 * server's id, so two looks agree.
 */
import type { Cloud } from '../model/cloud.js';
import type { Server } from '../model/compute.js';
import { hashSeed } from '../rng.js';
import { formatIp, parseCidr, parseIp } from '../ipam.js';
import { leaseRouteTable, sortByDestination, type GuestRoute, type GuestView } from './guest.js';
import { linkLocal } from './index.js';

interface Release {
  cloudInit: string;
  /** The getty banner's first words (/etc/issue). */
  issue: string;
}

/** The image's release: Debian 10 (cloud-init 20.2), 11 (20.4.1), 12 (22.4.2), Ubuntu 22.04 (23.1.2). */
function release(cloud: Cloud, s: Server, family: GuestView['family']): Release {
  if (family === 'ubuntu') return { cloudInit: '23.1.2-0ubuntu0~22.04.1', issue: 'Ubuntu 22.04.3 LTS' };
  const name = cloud.images.find((i) => i.id === s.imageId)?.name ?? '';
  if (/\b10\b|buster/.test(name)) return { cloudInit: '20.2', issue: 'Debian GNU/Linux 10' };
  if (/\b12\b|bookworm/.test(name)) return { cloudInit: '22.4.2', issue: 'Debian GNU/Linux 12' };
  return { cloudInit: '20.4.1', issue: 'Debian GNU/Linux 11' };
}

/** Python's str.center (CPython: the odd space goes left when the width is odd). */
function pyCenter(text: string, width: number): string {
  const marg = width - text.length;
  if (marg <= 0) return text;
  const left = Math.floor(marg / 2) + (marg & width & 1);
  return ' '.repeat(left) + text + ' '.repeat(marg - left);
}

/** str.format's `^` alignment with a fill (cloud-init's util.center): the odd fill goes right. */
function formatCenter(text: string, fill: string, width: number): string {
  const marg = width - text.length;
  if (marg <= 0) return text;
  const left = Math.floor(marg / 2);
  return fill.repeat(left) + text + fill.repeat(marg - left);
}

/** cloud-init's SimpleTable, titled as netdev_pformat/route_pformat title it. */
function simpleTable(title: string, fields: string[], rows: string[][]): string[] {
  const widths = fields.map((f, i) => Math.max(f.length, ...rows.map((r) => (r[i] ?? '').length)));
  const hdiv = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const row = (r: string[]) => `|${r.map((c, i) => pyCenter(c, (widths[i] ?? 0) + 2)).join('|')}|`;
  const lines = [hdiv, row(fields), hdiv, ...rows.map(row), hdiv];
  return [formatCenter(title, '+', hdiv.length), ...lines];
}

function mask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

interface BootNic {
  name: string;
  mac: string;
  v4: GuestView['v4'];
  v6: GuestView['v6'];
  metadata: boolean;
  ra: string | null;
}

/** The NICs the guest booted with (a NIC hot-plugged later was not there), all up on a cloud image. */
function bootNics(s: Server, g: GuestView): BootNic[] {
  const extra = g.extra.filter((_, i) => s.nics[i + 1]?.hotplugged !== true);
  return [{ name: g.nic, mac: g.mac, v4: g.v4, v6: g.v6, metadata: g.metadata, ra: g.ra }, ...extra.map((n) => ({ name: n.name, mac: n.mac, v4: n.v4, v6: n.v6, metadata: n.metadata, ra: n.ra }))];
}

/** The IPv4 routes the leases installed, as `ip route` lists them at boot: the defaults first, the rest by destination. */
function bootRoutes(g: GuestView, nics: BootNic[]): GuestRoute[] {
  const { defaults, rest } = leaseRouteTable(g, nics.map((n) => ({ dev: n.name, v4: n.v4, metadata: n.metadata })));
  return [...defaults, ...sortByDestination(rest)];
}

/** netdev_pformat: each device (sorted by name) with its addresses, `.` for what is empty. */
function netdevTable(nics: BootNic[]): string[] {
  const rows: string[][] = [];
  const devs = [...nics.map((n) => ({ ...n, lo: false })), { name: 'lo', mac: '.', v4: null, v6: [], lo: true }].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const d of devs) {
    if (d.lo) {
      rows.push(['lo', 'True', '127.0.0.1', '255.0.0.0', 'host', '.'], ['lo', 'True', '::1/128', '.', 'host', '.']);
      continue;
    }
    if (d.v4) rows.push([d.name, 'True', d.v4.address, mask(d.v4.prefix), 'global', d.mac]);
    for (const a of d.v6) rows.push([d.name, 'True', `${a.address}/${a.prefix}`, '.', 'global', d.mac]);
    rows.push([d.name, 'True', `${linkLocal(d.mac)}/64`, '.', 'link', d.mac]);
  }
  return simpleTable('Net device info', ['Device', 'Up', 'Address', 'Mask', 'Scope', 'Hw-Address'], rows);
}

/** route_pformat's IPv4 table, as it reads `ip -o route list` (flags U, G for a gateway, H for a host). */
function route4Table(routes: Array<{ dest: string; via?: string; dev: string }>): string[] {
  const rows = routes.map((r, n) => {
    const flags = ['U'];
    let dest = '0.0.0.0';
    let genmask = '0.0.0.0';
    let gateway = r.dest === 'default' ? '' : '0.0.0.0';
    if (r.dest !== 'default') {
      const [addr = '', len] = r.dest.split('/');
      if (len === undefined) flags.push('H');
      dest = addr;
      genmask = mask(Number(len ?? '32'));
    }
    if (r.via !== undefined) {
      gateway = r.via;
      flags.splice(1, 0, 'G');
    }
    return [String(n), dest, gateway, genmask, r.dev, flags.join('')];
  });
  return simpleTable('Route IPv4 info', ['Route', 'Destination', 'Gateway', 'Genmask', 'Interface', 'Flags'], rows);
}

/**
 * route_pformat's IPv6 table from `ip -6 route list table all`: the main table, then the local
 * one (`local` and `multicast` read as destinations, as cloud-init reads the first word); lo's
 * rows are skipped but keep their number.
 */
function route6Table(nics: BootNic[]): string[] {
  const all: Array<{ dest: string; gateway: string; dev: string; flags: string }> = [];
  for (const n of nics) {
    for (const a of n.v6) {
      const c = parseCidr(`${a.address}/${a.prefix}`);
      if (c) all.push({ dest: `${formatIp(6, c.network)}/${a.prefix}`, gateway: '::', dev: n.name, flags: 'U' });
    }
  }
  for (const n of nics) all.push({ dest: 'fe80::/64', gateway: '::', dev: n.name, flags: 'U' });
  for (const n of nics) {
    if (n.ra && n.v6.length > 0) all.push({ dest: '::/0', gateway: n.ra, dev: n.name, flags: 'UGe' });
  }
  const locals = [{ key: 1n, dev: 'lo' }];
  for (const n of nics) {
    for (const a of [...n.v6.map((x) => x.address), linkLocal(n.mac)]) locals.push({ key: parseIp(a)?.value ?? 0n, dev: n.name });
  }
  locals.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const l of locals) all.push({ dest: 'local', gateway: '::', dev: l.dev, flags: 'U' });
  for (const n of nics) all.push({ dest: 'multicast', gateway: '::', dev: n.name, flags: 'U' });
  const rows: string[][] = [];
  all.forEach((r, i) => {
    if (r.dev !== 'lo') rows.push([String(i), r.dest, r.gateway, r.dev, r.flags]);
  });
  return simpleTable('Route IPv6 info', ['Route', 'Destination', 'Gateway', 'Interface', 'Flags'], rows);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `n` base64 characters derived from `seed` (no draw from the cloud's generator). */
function b64(seed: string, n: number): string {
  let h = hashSeed(seed);
  let out = '';
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    h = (h ^ (h >>> 12)) >>> 0;
    out += B64[h % 64];
  }
  return out;
}

/** The host keys' public halves as ssh-keygen writes them (the fixed algorithm prefix, then the key). */
function hostKeys(s: Server): Array<{ type: string; label: string; bits: number; key: string }> {
  return [
    { type: 'ecdsa-sha2-nistp256', label: 'ECDSA', bits: 256, key: `AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB${b64(`${s.id} ecdsa`, 87)}=` },
    { type: 'ssh-ed25519', label: 'ED25519', bits: 256, key: `AAAAC3NzaC1lZDI1NTE5AAAAI${b64(`${s.id} ed25519`, 43)}` },
    { type: 'ssh-rsa', label: 'RSA', bits: 3072, key: `AAAAB3NzaC1yc2EAAAADAQABAAABgQ${b64(`${s.id} rsa`, 514)}=` },
  ];
}

function rfc2822(epoch: number): string {
  const d = new Date(epoch * 1000);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${day}, ${p(d.getUTCDate())} ${mon} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** syslog's `Dec  7 09:00:30` (the day padded with a space). */
function syslogTime(epoch: number): string {
  const d = new Date(epoch * 1000);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** The kernel's `[   12.345678] ` stamp. */
function stamp(up: number): string {
  return `[${up.toFixed(6).padStart(12, ' ')}] `;
}

/** The console's end on a cloud image: cloud-init's stages, its tables, the host keys, the login prompt. */
export function cloudImageConsole(cloud: Cloud, s: Server, g: GuestView): string {
  const rel = release(cloud, s, g.family);
  const created = Date.parse(s.createdAt) / 1000;
  const h = hashSeed(s.id);
  const pid = 400 + (h % 300);
  const ci = (up: number, text: string) => `${stamp(up)}cloud-init[${pid}]: ${text}\n`;
  const nics = bootNics(s, g);
  let out = '';
  let up = 9 + (h % 300) / 100;
  out += ci(up, `Cloud-init v. ${rel.cloudInit} running 'init' at ${rfc2822(created + 10)}. Up ${up.toFixed(2)} seconds.`);
  const routes4 = bootRoutes(g, nics);
  // route_pformat prints a family's table only when it has routes (link-local ones always exist).
  const tables = [...netdevTable(nics), ...(routes4.length > 0 ? route4Table(routes4) : []), ...route6Table(nics)];
  for (const line of tables) out += ci(up, `ci-info: ${line}`);
  up += 4.31;
  const keys = hostKeys(s);
  const at = syslogTime(created + 20);
  const banner = '#############################################################';
  out += `<14>${at} cloud-init: ${banner}\n<14>${at} cloud-init: -----BEGIN SSH HOST KEY FINGERPRINTS-----\n`;
  for (const k of keys) out += `<14>${at} cloud-init: ${k.bits} SHA256:${b64(`${k.key} fp`, 43)} root@${s.name} (${k.label})\n`;
  out += `<14>${at} cloud-init: -----END SSH HOST KEY FINGERPRINTS-----\n<14>${at} cloud-init: ${banner}\n`;
  out += '-----BEGIN SSH HOST KEY KEYS-----\n';
  for (const k of keys) out += `${k.type} ${k.key} root@${s.name}\n`;
  out += '-----END SSH HOST KEY KEYS-----\n';
  up += 1.02;
  // Where the instance data came from: the config drive, else the metadata service if the first
  // NIC's lease reaches it, else nothing (cloud-init falls back to DataSourceNone).
  const source = s.configDrive ? 'configdrive' : g.metadata && g.v4 ? 'metadata' : 'none';
  const ds = source === 'configdrive' ? 'DataSourceConfigDrive [net,ver=2][source=/dev/sr0]'
    : source === 'metadata' ? 'DataSourceOpenStackLocal [net,ver=2]' : 'DataSourceNone';
  if (source === 'none') out += ci(up, `${new Date((created + 21) * 1000).toISOString().replace('T', ' ').replace(/\.(\d{3})Z$/, ',$1')} - cc_final_message.py[WARNING]: Used fallback datasource`);
  out += ci(up, `Cloud-init v. ${rel.cloudInit} finished at ${rfc2822(created + 21)}. Datasource ${ds}.  Up ${up.toFixed(2)} seconds`);
  out += `\n${rel.issue} ${s.name} ttyS0\n\n${s.name} login: `;
  return out;
}
