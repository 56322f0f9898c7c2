/**
 * The topology drawn as SVG, like Horizon's "Graph" view: networks as vertical bars, routers,
 * servers and load balancers as boxes linked by a line per port. Pure: the picture is a function
 * of the Topology alone, and appending a resource does not move the others — networks grow to
 * the right, routers upward from the networks' labels, servers downward below them, the fixed
 * ends (laptop, Internet) and the network node's namespaces sit in a column on the left. The one
 * exception: load balancers follow the servers, so a server created after a load balancer moves
 * the load balancers down (labs create the members first). The same file lays the topology out
 * as tables, and names a picked element for `stacklab trace`.
 */
import { esc } from './util.js';
import type { TopoLoadBalancer, TopoNamespace, TopoNetwork, TopoRouter, TopoServer, Topology } from './topology-types.js';

/** Width of a character of the 11 px monospace font, to fit labels without measuring. */
const CHAR_W = 6.6;
const ENDS_W = 130;
const DEV_X = 160;
const DEV_W = 180;
/** Room between the boxes and the first bar for the port labels (fixed IPs, floating IP badges). */
const NET_X0 = DEV_X + DEV_W + 220;
/** Networks are narrow: their labels are written upward along the bar, as Horizon does. */
const NET_COL = 70;
/** The networks' labels: a strip at y 0..LABEL_H (the name and three CIDRs, written upward). */
const LABEL_H = 160;
const CIDR_LINES = 3;
const LINE_H = 13;
const HEAD_H = 26;
const NOTE_H = 14;
const PAD = 8;
const GAP = 14;
/** Routers stack upward from here; the Internet's link to the external networks runs below them. */
const ROUTERS_BOTTOM = -44;
const INTERNET_Y = -16;
const BELOW = LABEL_H + 24;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A port drawn as a line from its box to its network's bar, its label lines above the line. */
export interface PortRow {
  id: string;
  networkId: string;
  /** The device name in the box (qr-…, qg-…, eth0, VIP). */
  device: string;
  ips: string[];
  floatingIps: string[];
  /** A router's gateway: drawn dashed, with "SNAT on/off". */
  gateway?: { snat: boolean };
  /** The label: a line per fixed IP (a gateway's says SNAT first). */
  lines: string[];
  /** The y of the line. */
  y: number;
}

export interface DeviceBox extends Rect {
  id: string;
  kind: 'router' | 'server' | 'lb';
  name: string;
  status: string;
  rows: PortRow[];
  notes: string[];
  /** A load balancer's members that are servers drawn here: element ids. */
  memberOf: string[];
}

export interface NetBar {
  id: string;
  net: TopoNetwork;
  x: number;
}

export interface NodeBox extends Rect {
  host: string;
  namespaces: Array<TopoNamespace & { y: number }>;
}

export interface Layout {
  bounds: Rect;
  bars: NetBar[];
  /** Top and bottom of every bar. */
  barTop: number;
  barBottom: number;
  devices: DeviceBox[];
  nodes: NodeBox[];
  laptop: Rect;
  internet: Rect;
}

const devName = (prefix: string, portId: string) => prefix + portId.slice(0, 11);

type Row = Omit<PortRow, 'y' | 'lines'>;

function labelLines(r: Row): string[] {
  const ips = r.ips.length > 0 ? r.ips : ['no fixed IP'];
  return [...(r.gateway ? [`gateway, SNAT ${r.gateway.snat ? 'on' : 'off'}`] : []), ...ips.map((ip) => clip(ip, 40))];
}

const rowHeight = (lines: number) => 10 + lines * LINE_H;

function rowsHeight(rows: PortRow[], notes: number): number {
  return HEAD_H + rows.reduce((h, r) => h + rowHeight(r.lines.length), 0) + notes * NOTE_H + PAD;
}

/** Each row under the last, its line at its foot (the label above it). */
function placeRows(rows: Row[], top: number): PortRow[] {
  let y = top + HEAD_H;
  return rows.map((r) => {
    const lines = labelLines(r);
    y += rowHeight(lines.length);
    return { ...r, lines, y: y - 6 };
  });
}

function routerBox(r: TopoRouter, bottom: number): DeviceBox {
  const rows: Row[] = [
    ...(r.gateway ? [{ id: `gateway:${r.id}`, networkId: r.gateway.networkId, device: 'qg- (gateway)', ips: r.gateway.ips, floatingIps: [], gateway: { snat: r.gateway.snat } }] : []),
    ...r.interfaces.map((p) => ({ id: `port:${p.portId}`, networkId: p.networkId, device: devName('qr-', p.portId), ips: p.ips, floatingIps: [] })),
  ];
  const h = rowsHeight(placeRows(rows, 0), 0);
  const y = bottom - h;
  return { id: `router:${r.id}`, kind: 'router', name: r.name, status: r.status, x: DEV_X, y, w: DEV_W, h, rows: placeRows(rows, y), notes: [], memberOf: [] };
}

function serverBox(s: TopoServer, y: number): DeviceBox {
  const rows = s.ports.map((p, i) => ({ id: `port:${p.portId}`, networkId: p.networkId, device: `eth${i}`, ips: p.ips, floatingIps: p.floatingIps }));
  const placed = placeRows(rows, y);
  return { id: `server:${s.id}`, kind: 'server', name: s.name, status: s.status, x: DEV_X, y, w: DEV_W, h: rowsHeight(placed, 0), rows: placed, notes: [], memberOf: [] };
}

function lbBox(lb: TopoLoadBalancer, y: number, servers: Set<string>): DeviceBox {
  const rows = [{ id: `port:${lb.vipPortId}`, networkId: lb.vipNetworkId, device: 'VIP', ips: [lb.vipAddress], floatingIps: lb.floatingIps }];
  const notes = lb.members.map((m) => `${m.poolName}: ${m.address}`);
  const placed = placeRows(rows, y);
  const h = rowsHeight(placed, notes.length);
  const memberOf = lb.members.flatMap((m) => (m.serverId !== null && servers.has(m.serverId) ? [`server:${m.serverId}`] : []));
  return {
    id: `lb:${lb.id}`,
    kind: 'lb',
    name: lb.name,
    status: lb.operatingStatus,
    x: DEV_X,
    y,
    w: DEV_W,
    h,
    rows: placed,
    notes,
    memberOf,
  };
}

/** Stacks boxes downward from `top`, in the order given. */
function stackDown<T>(items: T[], top: number, box: (item: T, y: number) => DeviceBox): DeviceBox[] {
  const out: DeviceBox[] = [];
  let y = top;
  for (const it of items) {
    const b = box(it, y);
    out.push(b);
    y += b.h + GAP;
  }
  return out;
}

function nodeBoxes(namespaces: TopoNamespace[]): NodeBox[] {
  const hosts = [...new Set(namespaces.map((n) => n.host))];
  let y = BELOW;
  return hosts.map((host) => {
    const mine = namespaces.filter((n) => n.host === host);
    const box: NodeBox = { host, x: 0, y, w: ENDS_W, h: rowsHeight([], mine.length), namespaces: mine.map((n, i) => ({ ...n, y: y + HEAD_H + i * NOTE_H + 10 })) };
    y += box.h + GAP;
    return box;
  });
}

/** Where everything goes. */
export function layoutTopology(t: Topology): Layout {
  const bars = t.networks.map((net, i) => ({ id: `net:${net.id}`, net, x: NET_X0 + i * NET_COL }));
  const routers: DeviceBox[] = [];
  let bottom = ROUTERS_BOTTOM;
  for (const r of t.routers) {
    const b = routerBox(r, bottom);
    routers.push(b);
    bottom = b.y - GAP;
  }
  const servers = stackDown(t.servers, BELOW, serverBox);
  const lbTop = servers.reduce((y, b) => Math.max(y, b.y + b.h + GAP * 2), BELOW);
  const serverIds = new Set(t.servers.map((s) => s.id));
  const lbs = stackDown(t.loadBalancers, lbTop, (lb, y) => lbBox(lb, y, serverIds));
  const nodes = nodeBoxes(t.namespaces);
  const laptop = { x: 0, y: -96, w: 110, h: 28 };
  const internet = { x: 0, y: INTERNET_Y - 14, w: 110, h: 28 };
  const devices = [...routers, ...servers, ...lbs];
  const rects: Rect[] = [laptop, internet, ...devices, ...nodes];
  const barTop = Math.min(laptop.y, ...routers.map((b) => b.y)) - GAP;
  const barBottom = Math.max(BELOW + 40, ...rects.map((r) => r.y + r.h)) + GAP;
  const right = bars.length > 0 ? NET_X0 + bars.length * NET_COL : NET_X0;
  const bounds = { x: -10, y: barTop - 10, w: right + 20, h: barBottom - barTop + 20 };
  return { bounds, bars, barTop, barBottom, devices, nodes, laptop, internet };
}

/** The text cut to `max` characters, an ellipsis marking the cut (the whole text is in the element's title). */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

/** A focusable element: its data-id, its title (the accessible name), its drawing. */
function el(id: string, cls: string, title: string, body: string): string {
  return `<g class="el ${cls}" data-id="${esc(id)}" tabindex="0" role="button"><title>${esc(title)}</title>${body}</g>`;
}

function text(x: number, y: number, s: string, cls = '', anchor = ''): string {
  return `<text x="${x}" y="${y}"${cls ? ` class="${cls}"` : ''}${anchor ? ` text-anchor="${anchor}"` : ''}>${esc(s)}</text>`;
}

/** Text written upward from (x, y), its baseline on x. */
function upward(x: number, y: number, s: string, cls: string): string {
  return `<text x="${x}" y="${y}" class="${cls}" transform="rotate(-90 ${x} ${y})">${esc(s)}</text>`;
}

function rect(r: Rect, cls: string, rx = 4): string {
  return `<rect class="${cls}" x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" rx="${rx}"/>`;
}

function netSvg(b: NetBar, l: Layout): string {
  const n = b.net;
  const cls = `net${n.external ? ' external' : ''}${n.own ? '' : ' foreign'}`;
  const kind = [n.external ? 'external' : 'internal', n.shared ? 'shared' : '', n.own ? '' : "another project's"].filter(Boolean).join(', ');
  const label = { x: b.x - 8, y: 4, w: 16 + CIDR_LINES * LINE_H + 2, h: LABEL_H - 8 };
  const maxChars = Math.floor((label.h - 12) / CHAR_W);
  /** The baseline of text column `i` (0: the name), written upward from the plate's foot. */
  const col = (i: number) => label.x + 12 + i * LINE_H;
  const foot = label.y + label.h - 6;
  const bar = el(
    b.id,
    cls,
    `network ${n.name} (${kind}, ${n.status}): ${n.subnets.map((s) => s.cidr).join(', ') || 'no subnet'}`,
    `${rect({ x: b.x - 5, y: l.barTop, w: 10, h: l.barBottom - l.barTop }, 'bar', 3)}${rect(label, 'plate')}${upward(col(0), foot, clip(n.name || n.id, maxChars), 'name')}`,
  );
  const shown = n.subnets.length > CIDR_LINES ? n.subnets.slice(0, CIDR_LINES - 1) : n.subnets;
  const subnets = shown.map((s, i) =>
    el(`subnet:${s.id}`, 'subnet', `subnet ${s.name || s.id}: ${s.cidr} (IPv${s.ipVersion}${s.gatewayIp ? `, gateway ${s.gatewayIp}` : ', no gateway'})`, upward(col(i + 1), foot, clip(s.cidr, maxChars), 'cidr')),
  );
  const more = n.subnets.length > shown.length ? upward(col(shown.length + 1), foot, `+${n.subnets.length - shown.length} more subnets`, 'cidr') : '';
  return bar + subnets.join('') + more;
}

function statusClass(status: string): string {
  const s = status.toUpperCase();
  if (s === 'ACTIVE' || s === 'ONLINE') return 'ok';
  if (s.includes('ERROR') || s === 'OFFLINE' || s === 'DOWN') return 'bad';
  return 'wait';
}

const KIND_WORD = { router: 'router', server: 'server', lb: 'load balancer' } as const;

function deviceSvg(d: DeviceBox): string {
  const maxName = Math.floor((d.w - 24) / CHAR_W) - d.status.length - 1;
  const inside = d.rows.map((r) => text(d.x + 10, r.y + 4, r.device, 'dev'));
  const rowsFoot = d.rows.length > 0 ? (d.rows[d.rows.length - 1] as PortRow).y + 6 : d.y + HEAD_H;
  const notes = d.notes.map((n, i) => text(d.x + 10, rowsFoot + i * NOTE_H + 10, clip(n, 24), 'note'));
  const title = `${KIND_WORD[d.kind]} ${d.name} (${d.status})${d.notes.length ? `; members ${d.notes.join(', ')}` : ''}`;
  return el(
    d.id,
    `box ${d.kind}`,
    title,
    `${rect(d, 'frame')}${text(d.x + 8, d.y + 17, clip(d.name || d.id, maxName), 'name')}${text(d.x + d.w - 8, d.y + 17, d.status, `status ${statusClass(d.status)}`, 'end')}${inside.join('')}${notes.join('')}`,
  );
}

function portSvg(d: DeviceBox, r: PortRow, barX: number, netName: string): string {
  const x0 = d.x + d.w;
  const ips = r.ips.join(', ') || 'no fixed IP';
  const label = r.lines.map((line, i) => text(x0 + 8, r.y - 4 - (r.lines.length - 1 - i) * LINE_H, line, 'ip')).join('');
  const title = r.gateway
    ? `gateway of ${d.name} on ${netName}: ${ips}, SNAT ${r.gateway.snat ? 'on' : 'off'}`
    : `port ${r.device} of ${d.name} on ${netName}: ${ips}`;
  const body = `<line class="link" x1="${x0}" y1="${r.y}" x2="${barX}" y2="${r.y}"/><circle class="dot" cx="${barX}" cy="${r.y}" r="4"/>${label}`;
  return el(r.id, r.gateway ? 'port gateway' : 'port', title, body);
}

function fipSvgs(d: DeviceBox, r: PortRow): string {
  // After the label's last line, on the line.
  let x = d.x + d.w + 8 + (r.lines[r.lines.length - 1] ?? '').length * CHAR_W + 8;
  return r.floatingIps
    .map((f) => {
      const w = f.length * CHAR_W + 14;
      const s = el(`fip:${f}`, 'fip', `floating IP ${f} → ${r.ips[0] ?? ''} (${d.name})`, `${rect({ x, y: r.y - 15, w, h: 15 }, 'badge', 7)}${text(x + 7, r.y - 4, f)}`);
      x += w + 4;
      return s;
    })
    .join('');
}

/** A load balancer's dotted links to its member servers, curving on the left of the boxes. */
function memberLinks(d: DeviceBox, boxes: Map<string, DeviceBox>): string {
  return d.memberOf
    .map((id) => {
      const s = boxes.get(id) as DeviceBox;
      const y1 = d.y + HEAD_H / 2;
      const y2 = s.y + HEAD_H / 2;
      return `<path class="member" d="M${d.x} ${y1} C${d.x - 26} ${y1} ${s.x - 26} ${y2} ${s.x} ${y2}"/>`;
    })
    .join('');
}

function endsSvg(l: Layout, t: Topology): string {
  const ext = l.bars.filter((b) => b.net.external);
  const reach = ext.length > 0 ? `<line class="link upstream" x1="${l.internet.x + l.internet.w}" y1="${INTERNET_Y}" x2="${Math.max(...ext.map((b) => b.x))}" y2="${INTERNET_Y}"/>${ext.map((b) => `<circle class="dot" cx="${b.x}" cy="${INTERNET_Y}" r="4"/>`).join('')}` : '';
  const up = `<line class="link upstream" x1="${l.laptop.x + 55}" y1="${l.laptop.y + l.laptop.h}" x2="${l.internet.x + 55}" y2="${l.internet.y}"/>`;
  const extNames = t.networks.filter((n) => n.external).map((n) => n.name);
  return (
    up +
    reach +
    el('laptop', 'box end', 'your laptop (the openstack CLI), on the Internet', `${rect(l.laptop, 'frame')}${text(l.laptop.x + 55, l.laptop.y + 18, 'laptop', 'name', 'middle')}`) +
    el('internet', 'box end', `the Internet${extNames.length ? `, upstream of ${extNames.join(', ')}` : ''}`, `${rect(l.internet, 'frame', 14)}${text(l.internet.x + 55, l.internet.y + 18, 'Internet', 'name', 'middle')}`)
  );
}

function nodeSvg(n: NodeBox): string {
  const lines = n.namespaces.map((ns) => el(`ns:${ns.name}`, 'ns', `namespace ${ns.name} on ${n.host}`, text(n.x + 8, ns.y, clip(ns.name, 18), 'note')));
  return `<g class="node">${rect(n, 'frame')}${text(n.x + 8, n.y + 17, `${n.host} node`, 'name')}</g>${lines.join('')}`;
}

/** The whole picture as an SVG document fragment (a string: the same topology gives the same bytes). */
export function topologySvg(t: Topology): string {
  const l = layoutTopology(t);
  const barX = new Map(l.bars.map((b) => [b.net.id, b]));
  const boxes = new Map(l.devices.map((d) => [d.id, d]));
  const devices = l.devices.map((d) => {
    const ports = d.rows.map((r) => {
      const bar = barX.get(r.networkId);
      // A port on a network the learner cannot see ends at the edge of the box.
      return portSvg(d, r, bar ? bar.x : d.x + d.w + 24, bar ? bar.net.name : 'a network not shown') + fipSvgs(d, r);
    });
    return memberLinks(d, boxes) + deviceSvg(d) + ports.join('');
  });
  const b = l.bounds;
  const label = `Topology: ${count(t.networks.length, 'network')}, ${count(t.routers.length, 'router')}, ${count(t.servers.length, 'server')}, ${count(t.loadBalancers.length, 'load balancer')}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="topo-svg" viewBox="${b.x} ${b.y} ${b.w} ${b.h}" width="${b.w}" height="${b.h}" role="group" aria-label="${label}">` +
    endsSvg(l, t) +
    l.bars.map((bar) => netSvg(bar, l)).join('') +
    devices.join('') +
    l.nodes.map(nodeSvg).join('') +
    '</svg>'
  );
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function netNames(t: Topology): Map<string, string> {
  return new Map(t.networks.map((n) => [n.id, n.name || n.id]));
}

function ref(id: string, name: string): string {
  return `<button type="button" class="topo-ref" data-id="${esc(id)}">${esc(name)}</button>`;
}

function table(caption: string, head: string[], rows: string[][]): string {
  if (rows.length === 0) return `<p class="topo-none">No ${esc(caption.toLowerCase())}.</p>`;
  return `<table class="topo-table"><caption>${esc(caption)}</caption><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr><th scope="row">${r[0] ?? ''}</th>${r.slice(1).map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/**
 * The same content as the picture, as tables (screen readers, small screens): one per kind, each
 * resource's name a button that shows its details.
 */
export function topologyTables(t: Topology): string {
  const nets = netNames(t);
  const on = (networkId: string, ips: string[]) => esc(`${nets.get(networkId) ?? 'a network not shown'}: ${ips.join(', ') || 'no fixed IP'}`);
  const fips = (f: string[]) => (f.length ? esc(` (floating IP ${f.join(', ')})`) : '');
  return [
    table(
      'Networks',
      ['Name', 'Kind', 'Status', 'Subnets'],
      t.networks.map((n) => [
        ref(`net:${n.id}`, n.name || n.id),
        esc([n.external ? 'external' : 'internal', n.shared ? 'shared' : '', n.own ? '' : "another project's"].filter(Boolean).join(', ')),
        esc(n.status),
        n.subnets.map((s) => `${ref(`subnet:${s.id}`, s.cidr)} ${esc(`IPv${s.ipVersion}${s.name ? `, ${s.name}` : ''}`)}`).join('<br>') || 'none',
      ]),
    ),
    table(
      'Routers',
      ['Name', 'Status', 'Gateway', 'Interfaces'],
      t.routers.map((r) => [
        ref(`router:${r.id}`, r.name || r.id),
        esc(r.status),
        r.gateway ? `${on(r.gateway.networkId, r.gateway.ips)}, SNAT ${r.gateway.snat ? 'on' : 'off'}` : 'none',
        r.interfaces.map((p) => on(p.networkId, p.ips)).join('<br>') || 'none',
      ]),
    ),
    table(
      'Servers',
      ['Name', 'Status', 'Ports'],
      t.servers.map((s) => [ref(`server:${s.id}`, s.name || s.id), esc(s.status), s.ports.map((p) => on(p.networkId, p.ips) + fips(p.floatingIps)).join('<br>') || 'none']),
    ),
    table(
      'Load balancers',
      ['Name', 'Status', 'VIP', 'Members'],
      t.loadBalancers.map((lb) => [
        ref(`lb:${lb.id}`, lb.name || lb.id),
        esc(`${lb.provisioningStatus}, ${lb.operatingStatus}`),
        on(lb.vipNetworkId, [lb.vipAddress]) + fips(lb.floatingIps),
        lb.members.map((m) => esc(`${m.poolName}: ${m.address}`)).join('<br>') || 'none',
      ]),
    ),
    t.namespaces.length ? table('Namespaces', ['Name', 'Host', 'Kind'], t.namespaces.map((n) => [ref(`ns:${n.name}`, n.name), esc(n.host), esc(n.kind)])) : '',
  ].join('');
}

/**
 * What `stacklab trace` takes for an element picked on the picture: a server's name (its id when
 * another server has the same name), `laptop`, `internet`, or an address; null when the element
 * is no endpoint (a network, a namespace).
 */
export function endpointOf(t: Topology, id: string): string | null {
  if (id === 'laptop' || id === 'internet') return id;
  const [kind, key] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
  if (kind === 'fip') return key;
  if (kind === 'server') {
    const s = t.servers.find((x) => x.id === key);
    if (!s) return null;
    return s.name !== '' && t.servers.filter((x) => x.name === s.name).length === 1 ? s.name : s.id;
  }
  if (kind === 'port') {
    const ports = [...t.servers.flatMap((s) => s.ports), ...t.routers.flatMap((r) => r.interfaces)];
    return ports.find((p) => p.portId === key)?.ips[0] ?? t.loadBalancers.find((lb) => lb.vipPortId === key)?.vipAddress ?? null;
  }
  if (kind === 'lb') return t.loadBalancers.find((lb) => lb.id === key)?.vipAddress ?? null;
  if (kind === 'gateway') return t.routers.find((r) => r.id === key)?.gateway?.ips[0] ?? null;
  return null;
}

/** A word the emulated shell reads back as itself (single quotes around anything else). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9._:@/+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function traceCommand(from: string, to: string): string {
  return `stacklab trace ${shellWord(from)} ${shellWord(to)}`;
}

/** The element whose details an element shows: a router's gateway line shows the router. */
export function detailsKey(id: string): string {
  return id.startsWith('gateway:') ? `router:${id.slice('gateway:'.length)}` : id;
}

/**
 * The elements to mark for a path: its elements, and a router's gateway line when the path
 * crosses both the router and the network of its gateway.
 */
export function pathMarks(t: Topology, elements: string[]): Set<string> {
  const on = new Set(elements);
  for (const r of t.routers) if (r.gateway && on.has(`router:${r.id}`) && on.has(`net:${r.gateway.networkId}`)) on.add(`gateway:${r.id}`);
  return on;
}
