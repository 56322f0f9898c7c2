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
