/**
 * Normalisation for comparing Stacklab with transcripts captured from real OpenStack: only what
 * is random in a real cloud is replaced (UUIDs, project and request ids, MACs, timestamps,
 * segmentation ids, standard-attribute ids, randomly chosen addresses), each side numbering its
 * values in order of first appearance; then prettytable tables are redrawn so that placeholder
 * widths do not matter. Everything else must match byte for byte.
 */

export interface Entry {
  command: string;
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A parsed oracle capture: entries plus the directives written in the script. */
export interface Capture {
  entries: Entry[];
}

/** Parses run-script.sh output: `$ cmd`, stdout, `[stderr] ` lines, `[exit N]`, blank line. */
export function parseCapture(text: string): Capture {
  const entries: Entry[] = [];
  let cur: Entry | null = null;
  for (const line of text.split('\n')) {
    if (cur === null) {
      if (line.startsWith('$ ')) cur = { command: line.slice(2), stdout: '', stderr: '', exitCode: 0 };
      continue;
    }
    const exit = /^\[exit (\d+)\]$/.exec(line);
    if (exit) {
      cur.exitCode = Number(exit[1]);
      entries.push(cur);
      cur = null;
    } else if (line.startsWith('[stderr] ')) cur.stderr += `${line.slice(9)}\n`;
    else if (line === '[stderr]') cur.stderr += '\n';
    else cur.stdout += `${line}\n`;
  }
  return { entries };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const PROJECT = /\b[0-9a-f]{32}\b|\bfake_project_id\b/g;
const MAC = /\bfa:16:3e(?::[0-9a-f]{2}){3}\b/g;
const TIME = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?\b/g;
const REQ = /req-[0-9a-f-]{36}/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
// The compressed form first: otherwise `2001:db8:1::8d` would match only as far as `2001:db8:1`.
const IPV6 = /\b(?:[0-9a-f]{1,4}:)+:(?:[0-9a-f]{1,4}:?)*\b|\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}\b/g;

class Numberer {
  private readonly seen = new Map<string, string>();
  constructor(private readonly label: string) {}
  get(value: string): string {
    let v = this.seen.get(value);
    if (!v) {
      v = `<${this.label}${this.seen.size + 1}>`;
      this.seen.set(value, v);
    }
    return v;
  }
}

/** Addresses that are not random: given in the script, network/gateway-like (.0, .1, .255, ::, ::1). */
export function fixedAddress(ip: string, script: string): boolean {
  // Given in the script as a whole address: 10.0.0.2 is not "given" by 10.0.0.20 or 110.0.0.2.
  const esc = ip.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`(?<![0-9A-Fa-f.:])${esc}(?![0-9A-Fa-f:]|\\.[0-9])`).test(script)) return true;
  if (/\.(0|1|255)$/.test(ip)) return true;
  if (/::1?$/.test(ip)) return true;
  return false;
}

/**
 * Lists come back in database order, which for Neutron is the order of the random UUIDs: unless
 * the command sorts explicitly, list rows (table rows, value lines, JSON array items) and id lists
 * in messages are put in a canonical order on both sides.
 */
function maskKey(t: string): string {
  return t.replace(UUID, '#').replace(PROJECT, '#').replace(MAC, '#').replace(TIME, '#').replace(/ +/g, ' ');
}

function byMasked(a: string, b: string): number {
  const x = maskKey(a);
  const y = maskKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function canonicalOrder(command: string, t: string): string {
  const out = t;
  const isList = /\blist\b/.test(command) && !command.includes('--sort-column');
  if (!isList) return out;
  if (/(^|\s)-f\s*json\b/.test(command)) {
    try {
      const v = JSON.parse(out) as unknown[];
      if (Array.isArray(v)) {
        const items = v.map((x) => JSON.stringify(x, null, 2)).sort(byMasked);
        return `${JSON.stringify(items.map((x) => JSON.parse(x) as unknown), null, 2)}\n`;
      }
    } catch {
      return out;
    }
  }
  if (/(^|\s)-f\s*(value|csv)\b/.test(command)) {
    const lines = out.split('\n').filter((l) => l !== '');
    const head = /-f\s*csv/.test(command) ? lines.splice(0, 1) : [];
    return `${[...head, ...lines.sort(byMasked)].join('\n')}\n`;
  }
  return sortTableRows(out);
}

/** Sorts the data rows of list tables (not Field/Value tables), keeping multi-line rows together. */
function sortTableRows(t: string): string {
  const lines = t.split('\n');
  const borders = lines.map((l, i) => (/^\+-/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (borders.length < 3) return t;
  const [, second, third] = borders as [number, number, number];
  const header = lines[second - 1] ?? '';
  if (/^\| Field +\| Value +\|$/.test(header)) return t;
  const body = lines.slice(second + 1, third);
  const rows: string[][] = [];
  for (const l of body) {
    const firstCell = l.split('|')[1] ?? '';
    if (firstCell.trim() === '' && rows.length > 0) (rows[rows.length - 1] as string[]).push(l);
    else rows.push([l]);
  }
  rows.sort((a, b) => byMasked(a.join('\n'), b.join('\n')));
  return [...lines.slice(0, second + 1), ...rows.flat(), ...lines.slice(third)].join('\n');
}

/**
 * `exclude`: indices of entries whose output is not compared (a declared difference); they get
 * their own numbering so that they do not shift the placeholders of the others.
 */
export function normaliseTranscript(entries: Entry[], script: string, exclude: ReadonlySet<number> = new Set()): Entry[] {
  const ids = new Numberer('ID');
  const projects = new Numberer('PROJECT');
  const macs = new Numberer('MAC');
  const ips = new Numberer('IP');
  const text = (s: string, scratch: boolean): string => {
    const n = scratch ? { ids: new Numberer('ID'), projects: new Numberer('PROJECT'), macs: new Numberer('MAC'), ips: new Numberer('IP') } : { ids, projects, macs, ips };
    let t = s;
    t = t.replace(REQ, 'req-<REQ>');
    t = t.replace(UUID, (m) => n.ids.get(m));
    t = t.replace(PROJECT, (m) => n.projects.get(m));
    t = t.replace(MAC, (m) => n.macs.get(m));
    t = t.replace(TIME, '<TIME>');
    // The agents API prints its timestamps with a space and no zone.
    t = t.replace(/\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\b/g, '<TIME_>');
    t = t.replace(/http:\/\/[A-Za-z0-9.-]+:\d+(?=\/v2\.0)/g, '<NEUTRON>');
    t = t.replace(/http:\/\/[A-Za-z0-9.-]+:8774/g, '<NOVA>');
    t = t.replace(/(provider:segmentation_id\s*\|\s*)\d+/g, '$1<SEG>');
    t = t.replace(/("provider:segmentation_id": )\d+/g, '$1<SEG>');
    t = t.replace(/(provider:segmentation_id: )\d+/g, '$1<SEG>');
    t = t.replace(/(provider_segmentation_id=")\d+/g, '$1<SEG>');
    // The oracle's SQLite gives a deleted resource's standard_attr_id to the next one when it was the
    // highest (no AUTOINCREMENT); a real cloud's MySQL, as Stacklab, never does: compared as <N>.
    t = t.replace(/standard_attr_id='\d+'/g, "standard_attr_id='<N>'");
    t = t.replace(/("standard_attr_id": )\d+/g, '$1<N>');
    t = t.replace(/(standard_attr_id: )\d+/g, '$1<N>');
    t = t.replace(IPV6, (m) => (m.includes('::') || m.split(':').length > 3) && !fixedAddress(m, script) ? n.ips.get(m) : m);
    t = t.replace(IPV4, (m) => (fixedAddress(m, script) ? m : n.ips.get(m)));
    // Lists of ids are sorted by the random UUIDs themselves: compare them as sets.
    t = t.replace(/<ID\d+>(?:(?:, |,)<ID\d+>)+/g, (m) => {
      const sep = m.includes(', ') ? ', ' : ',';
      return m.split(sep).sort((x, y) => Number(x.slice(3, -1)) - Number(y.slice(3, -1))).join(sep);
    });
    return reflowTables(t);
  };
  return entries.map((e, i) => ({
    command: e.command,
    exitCode: e.exitCode,
    stdout: text(canonicalOrder(e.command, e.stdout), exclude.has(i)),
    stderr: text(canonicalOrder(e.command, e.stderr), exclude.has(i)),
  }));
}

/** Redraws every prettytable block with widths computed from its (normalised) cells. */
export function reflowTables(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (!/^\+-[-+]*\+$/.test(line)) {
      out.push(line);
      i++;
      continue;
    }
    const block: string[] = [];
    while (i < lines.length && /^[+|]/.test(lines[i] as string)) block.push(lines[i++] as string);
    out.push(...redraw(block));
  }
  return out.join('\n');
}

function redraw(block: string[]): string[] {
  const border = block[0] as string;
  const ncols = border.split('+').length - 2;
  const rows: Array<Array<{ text: string; right: boolean }> | null> = block.map((l) => {
    if (l.startsWith('+')) return null;
    const inner = l.slice(1, -1);
    const cells = splitCells(inner, ncols);
    return cells.map((c) => {
      const body = c.slice(1, -1);
      const trimmed = body.trim();
      return { text: trimmed, right: trimmed !== '' && body.startsWith(' ') && body.trimEnd() === body };
    });
  });
  const widths = Array.from({ length: ncols }, (_, k) => Math.max(0, ...rows.map((r) => (r ? (r[k]?.text.length ?? 0) : 0))));
  const bar = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  return rows.map((r) =>
    r === null
      ? bar
      : `|${r.map((c, k) => ` ${c.right ? c.text.padStart(widths[k] ?? 0) : c.text.padEnd(widths[k] ?? 0)} `).join('|')}|`,
  );
}

/** Splits a row by the column separators (cells may contain '|', so use the border's positions when possible). */
function splitCells(inner: string, ncols: number): string[] {
  const parts = inner.split(' | ');
  if (parts.length === ncols) return parts.map((p, k) => `${k === 0 ? '' : ' '}${p}${k === ncols - 1 ? '' : ' '}`);
  return inner.split('|');
}
