/** iptables-save of a qrouter namespace (Train+ rule forms, legacy backend table order). */
import type { Cloud } from '../model/cloud.js';
import type { Router } from '../model/router.js';
import { devName, routerFips, routerPorts } from './index.js';

export interface Table {
  name: 'raw' | 'nat' | 'mangle' | 'filter';
  builtins: string[];
  chains: string[];
  rules: Array<[string, string]>; // [chain, rest]
}

const P = 'neutron-l3-agent-';

export function routerTables(cloud: Cloud, r: Router): Table[] {
  const { internal, gateway } = routerPorts(cloud, r);
  const qg = gateway ? devName('qg-', gateway.id) : null;
  const gwIp = gateway?.fixedIps.find((f) => !f.ipAddress.includes(':'))?.ipAddress ?? null;
  const fips = routerFips(cloud, r);
  const snat = r.gateway?.enableSnat ?? false;
  const qrs = internal.filter((p) => p.fixedIps.some((f) => !f.ipAddress.includes(':'))).map((p) => devName('qr-', p.id));

  const raw: Table = { name: 'raw', builtins: ['PREROUTING', 'OUTPUT'], chains: [`${P}OUTPUT`, `${P}PREROUTING`],
    rules: [['PREROUTING', `-j ${P}PREROUTING`], ['OUTPUT', `-j ${P}OUTPUT`]] };

  const natRules: Array<[string, string]> = [
    ['PREROUTING', `-j ${P}PREROUTING`], ['OUTPUT', `-j ${P}OUTPUT`],
    ['POSTROUTING', `-j ${P}POSTROUTING`], ['POSTROUTING', '-j neutron-postrouting-bottom'],
  ];
  for (const f of fips) natRules.push([`${P}OUTPUT`, `-d ${f.floatingIpAddress}/32 -j DNAT --to-destination ${f.fixedIpAddress ?? ''}`]);
  if (qg) natRules.push([`${P}POSTROUTING`, `! -o ${qg} -m conntrack ! --ctstate DNAT -j ACCEPT`]);
  natRules.push([`${P}PREROUTING`, '-d 169.254.169.254/32 -i qr-+ -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 9697']);
  for (const f of fips) natRules.push([`${P}PREROUTING`, `-d ${f.floatingIpAddress}/32 -j DNAT --to-destination ${f.fixedIpAddress ?? ''}`]);
  for (const f of fips) natRules.push([`${P}float-snat`, `-s ${f.fixedIpAddress ?? ''}/32 -j SNAT --to-source ${f.floatingIpAddress} --random-fully`]);
  natRules.push([`${P}snat`, `-j ${P}float-snat`]);
  if (qg && gwIp) {
    if (snat) natRules.push([`${P}snat`, `-o ${qg} -j SNAT --to-source ${gwIp} --random-fully`]);
    natRules.push([`${P}snat`, `-m mark ! --mark 0x2/0xffff -m conntrack --ctstate DNAT -j SNAT --to-source ${gwIp} --random-fully`]);
  }
  natRules.push(['neutron-postrouting-bottom', `-m comment --comment "Perform source NAT on outgoing traffic." -j ${P}snat`]);
  const nat: Table = { name: 'nat', builtins: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
    chains: [`${P}OUTPUT`, `${P}POSTROUTING`, `${P}PREROUTING`, `${P}float-snat`, `${P}snat`, 'neutron-postrouting-bottom'], rules: natRules };

  const mRules: Array<[string, string]> = [
    ['PREROUTING', `-j ${P}PREROUTING`], ['INPUT', `-j ${P}INPUT`], ['FORWARD', `-j ${P}FORWARD`],
    ['OUTPUT', `-j ${P}OUTPUT`], ['POSTROUTING', `-j ${P}POSTROUTING`],
  ];
  const save = '-j CONNMARK --save-mark --nfmask 0xffff0000 --ctmask 0xffff0000';
  if (qg && snat) mRules.push([`${P}POSTROUTING`, `-o ${qg} -m connmark --mark 0x0/0xffff0000 ${save}`]);
  mRules.push([`${P}PREROUTING`, `-j ${P}mark`], [`${P}PREROUTING`, `-j ${P}scope`],
    [`${P}PREROUTING`, '-m connmark ! --mark 0x0/0xffff0000 -j CONNMARK --restore-mark --nfmask 0xffff0000 --ctmask 0xffff0000'],
    [`${P}PREROUTING`, `-j ${P}floatingip`],
    [`${P}PREROUTING`, '-d 169.254.169.254/32 -i qr-+ -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x1/0xffff'],
    [`${P}float-snat`, `-m connmark --mark 0x0/0xffff0000 ${save}`]);
  if (qg) mRules.push([`${P}mark`, `-i ${qg} -j MARK --set-xmark 0x2/0xffff`]);
  for (const q of qrs) mRules.push([`${P}scope`, `-i ${q} -j MARK --set-xmark 0x4000000/0xffff0000`]);
  if (qg) mRules.push([`${P}scope`, `-i ${qg} -j MARK --set-xmark 0x4000000/0xffff0000`]);
  const mangle: Table = { name: 'mangle', builtins: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
    chains: [`${P}FORWARD`, `${P}INPUT`, `${P}OUTPUT`, `${P}POSTROUTING`, `${P}PREROUTING`, `${P}float-snat`, `${P}floatingip`, `${P}mark`, `${P}scope`], rules: mRules };

  const fRules: Array<[string, string]> = [
    ['INPUT', `-j ${P}INPUT`], ['FORWARD', '-j neutron-filter-top'], ['FORWARD', `-j ${P}FORWARD`],
    ['OUTPUT', '-j neutron-filter-top'], ['OUTPUT', `-j ${P}OUTPUT`], ['neutron-filter-top', `-j ${P}local`],
    [`${P}FORWARD`, `-j ${P}scope`], [`${P}INPUT`, '-m mark --mark 0x1/0xffff -j ACCEPT'],
    [`${P}INPUT`, '-p tcp -m tcp --dport 9697 -j DROP'],
  ];
  for (const q of qrs) fRules.push([`${P}scope`, `-o ${q} -m mark ! --mark 0x4000000/0xffff0000 -j DROP`]);
  if (qg && !snat) fRules.push([`${P}scope`, `-o ${qg} -m mark ! --mark 0x4000000/0xffff0000 -j DROP`]);
  const filter: Table = { name: 'filter', builtins: ['INPUT', 'FORWARD', 'OUTPUT'],
    chains: ['neutron-filter-top', `${P}FORWARD`, `${P}INPUT`, `${P}OUTPUT`, `${P}local`, `${P}scope`], rules: fRules };
  return [raw, nat, mangle, filter];
}

/** Rules grouped by chain: builtin chains first (in header order), then user chains sorted. */
function orderedRules(t: Table): Array<[string, string]> {
  const order = [...t.builtins, ...t.chains];
  const out: Array<[string, string]> = [];
  for (const c of order) for (const r of t.rules) if (r[0] === c) out.push(r);
  return out;
}

export function iptablesSave(tables: Table[], only?: string): string {
  let s = '';
  for (const t of tables) {
    if (only && t.name !== only) continue;
    s += `# Generated by iptables-save v1.8.9 on <date>\n*${t.name}\n`;
    for (const b of t.builtins) s += `:${b} ACCEPT [0:0]\n`;
    for (const c of t.chains) s += `:${c} - [0:0]\n`;
    for (const [c, r] of orderedRules(t)) s += `-A ${c} ${r}\n`;
    s += 'COMMIT\n# Completed on <date>\n';
  }
  return s;
}

export function iptablesS(t: Table): string {
  let s = '';
  for (const b of t.builtins) s += `-P ${b} ACCEPT\n`;
  for (const c of t.chains) s += `-N ${c}\n`;
  for (const [c, r] of orderedRules(t)) s += `-A ${c} ${r}\n`;
  return s;
}

const D = 'neutron-dhcp-age-';

/** A qdhcp namespace: the DHCP agent's manager runs without NAT rules; only a checksum-fill rule. */
export function dhcpTables(): Table[] {
  return [
    { name: 'raw', builtins: ['PREROUTING', 'OUTPUT'], chains: [`${D}OUTPUT`, `${D}PREROUTING`],
      rules: [['PREROUTING', `-j ${D}PREROUTING`], ['OUTPUT', `-j ${D}OUTPUT`]] },
    { name: 'nat', builtins: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'], chains: [`${D}PREROUTING`],
      rules: [['PREROUTING', `-j ${D}PREROUTING`]] },
    { name: 'mangle', builtins: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
      chains: [`${D}FORWARD`, `${D}INPUT`, `${D}OUTPUT`, `${D}POSTROUTING`, `${D}PREROUTING`, `${D}mark`],
      rules: [['PREROUTING', `-j ${D}PREROUTING`], ['INPUT', `-j ${D}INPUT`], ['FORWARD', `-j ${D}FORWARD`], ['OUTPUT', `-j ${D}OUTPUT`],
        ['POSTROUTING', `-j ${D}POSTROUTING`], [`${D}POSTROUTING`, '-p udp -m udp --dport 68 -j CHECKSUM --checksum-fill'],
        [`${D}PREROUTING`, `-j ${D}mark`]] },
    { name: 'filter', builtins: ['INPUT', 'FORWARD', 'OUTPUT'],
      chains: [`${D}FORWARD`, `${D}INPUT`, `${D}OUTPUT`, `${D}local`, 'neutron-filter-top'],
      rules: [['INPUT', `-j ${D}INPUT`], ['FORWARD', '-j neutron-filter-top'], ['FORWARD', `-j ${D}FORWARD`],
        ['OUTPUT', '-j neutron-filter-top'], ['OUTPUT', `-j ${D}OUTPUT`], ['neutron-filter-top', `-j ${D}local`]] },
  ];
}

export interface ListOptions { numeric: boolean; verbose: boolean; lineNumbers: boolean }

const PROTO_NUM: Record<string, number> = { tcp: 6, udp: 17, icmp: 1 };
const SERVICES: Record<string, string> = { '22': 'ssh', '53': 'domain', '67': 'bootps', '68': 'bootpc', '80': 'http', '443': 'https' };

/** Splits an iptables-save rule body into words (double quotes group, as iptables-restore reads them). */
function ruleWords(rule: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(rule); m; m = re.exec(rule)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

interface ListedRule { target: string; proto: string; src: string; dst: string; inIf: string; outIf: string; extra: string }

/** How `iptables -L` shows one rule (iptables 1.8.9: numeric protocol with -n, names without). */
function listedRule(rule: string, o: ListOptions): ListedRule {
  const w = ruleWords(rule);
  const any = o.numeric ? '0.0.0.0/0' : 'anywhere';
  const r: ListedRule = { target: '', proto: o.numeric ? '0' : 'all', src: any, dst: any, inIf: '', outIf: '', extra: '' };
  const matches: string[] = [];
  const targetOpts: Record<string, string | true> = {};
  let proto = '';
  let module = '';
  let inTarget = false;
  let neg = false;
  const port = (p: string) => (o.numeric ? p : SERVICES[p] ?? p);
  const addr = (a: string) => (a === '0.0.0.0/0' ? (o.numeric ? a : 'anywhere') : a.endsWith('/32') ? a.slice(0, -3) : a);
  for (let i = 0; i < w.length; i++) {
    const t = w[i] ?? '';
    const v = w[i + 1] ?? '';
    if (t === '!') { neg = true; continue; }
    const bang = neg ? '!' : '';
    neg = false;
    if (inTarget) {
      if (t.startsWith('--')) { if (v && !v.startsWith('--')) { targetOpts[t] = v; i++; } else targetOpts[t] = true; }
      continue;
    }
    switch (t) {
      case '-p': proto = v; r.proto = o.numeric ? String(PROTO_NUM[v] ?? v) : v; i++; break;
      case '-s': r.src = bang + addr(v); i++; break;
      case '-d': r.dst = bang + addr(v); i++; break;
      case '-i': r.inIf = bang + v; i++; break;
      case '-o': r.outIf = bang + v; i++; break;
      case '-m': module = v; i++; break;
      case '-j': r.target = v; inTarget = true; i++; break;
      case '--dport': matches.push(`${module || proto} dpt:${bang}${port(v)}`); i++; break;
      case '--sport': matches.push(`${module || proto} spt:${bang}${port(v)}`); i++; break;
      case '--mark': matches.push(module === 'connmark' ? `connmark match ${bang} ${v}` : `mark match${bang ? ' !' : ''} ${v}`); i++; break;
      case '--ctstate': matches.push(`${bang ? '! ' : ''}ctstate ${v}`); i++; break;
      case '--comment': matches.push(`/* ${v} */`); i++; break;
      default: break;
    }
  }
  const to = (k: string) => (typeof targetOpts[k] === 'string' ? String(targetOpts[k]) : '');
  switch (r.target) {
    case 'DNAT': matches.push(`to:${to('--to-destination')}`); break;
    case 'SNAT': matches.push(`to:${to('--to-source')}${targetOpts['--random-fully'] ? ' random-fully' : ''}`); break;
    case 'REDIRECT': matches.push(`redir ports ${to('--to-ports')}`); break;
    case 'MARK': matches.push(`MARK xset ${to('--set-xmark')}`); break;
    case 'CHECKSUM': matches.push('CHECKSUM fill'); break;
    case 'CONNMARK': {
      const what = targetOpts['--save-mark'] ? 'save' : 'restore';
      const nf = to('--nfmask');
      matches.push(nf && nf === to('--ctmask') ? `CONNMARK ${what} mask ${nf}` : `CONNMARK ${what}`);
      break;
    }
    default: break;
  }
  r.extra = matches.map((m) => ` ${m}`).join('');
  return r;
}

/** `iptables [-t T] -L [CHAIN] [-n] [-v] [--line-numbers]`, or null when the chain does not exist. */
export function iptablesList(t: Table, o: ListOptions, chain?: string): string | null {
  const all = [...t.builtins, ...t.chains];
  if (chain !== undefined && !all.includes(chain)) return null;
  const iface = (x: string) => x || (o.numeric ? '*' : 'any');
  const head = `${o.lineNumbers ? 'num  ' : ''}${o.verbose ? ' pkts bytes ' : ''}target     prot opt ${o.verbose ? 'in     out     ' : ''}source               destination         \n`;
  const blocks = (chain !== undefined ? [chain] : all).map((c) => {
    const builtin = t.builtins.includes(c);
    const refs = t.rules.filter(([, r]) => ruleWords(r).some((x, i, w) => x === c && w[i - 1] === '-j')).length;
    let s = `Chain ${c} (${builtin ? `policy ACCEPT${o.verbose ? ' 0 packets, 0 bytes' : ''}` : `${refs} references`})\n${head}`;
    t.rules.filter(([rc]) => rc === c).forEach(([, body], n) => {
      const r = listedRule(body, o);
      if (o.lineNumbers) s += String(n + 1).padEnd(4) + ' ';
      if (o.verbose) s += `${'0'.padStart(5)} ${'0'.padStart(5)} `;
      s += `${r.target.padEnd(9)}  ${r.proto.padEnd(4)} -- `;
      if (o.verbose) s += ` ${iface(r.inIf).padEnd(6)} ${iface(r.outIf).padEnd(6)} `;
      // The inversion mark takes the blank before an address.
      const a = (x: string) => (x.startsWith('!') ? x.padEnd(20) : ` ${x.padEnd(19)}`);
      s += `${a(r.src)} ${a(r.dst)} ${r.extra}\n`;
    });
    return s;
  });
  return blocks.join('\n');
}
