/**
 * The iptables rules the L3 and DHCP agents install (Train+ rule forms, legacy backend table
 * order), as data: server/render/iptables.ts prints them as iptables-save, -S and -L do.
 */
import { extended } from '../objects.js';
import type { Cloud } from '../model/cloud.js';
import type { Router } from '../model/router.js';
import { devName, routerFips, routerPorts, type Namespace } from './index.js';
import { externalScope, fixedScope, networkScopes, routerScopeMarks } from './scope.js';

export interface Table {
  name: 'raw' | 'nat' | 'mangle' | 'filter';
  builtins: string[];
  chains: string[];
  rules: Array<[string, string]>; // [chain, rest]
  /** ip6tables' rules of the `scope` chain when the router has address scopes (see router6Tables). */
  scope6?: Array<[string, string]>;
}

/** The kernel's built-in chains of each table, in iptables-save's header order. */
const BUILTINS: Record<Table['name'], string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

const P = 'neutron-l3-agent-';

export function routerTables(cloud: Cloud, r: Router): Table[] {
  const { internal, gateway } = routerPorts(cloud, r);
  const qg = gateway ? devName('qg-', gateway.id) : null;
  const gwIp = gateway?.fixedIps.find((f) => !f.ipAddress.includes(':'))?.ipAddress ?? null;
  const fips = routerFips(cloud, r);
  const snat = r.gateway?.enableSnat ?? false;
  const markOf = routerScopeMarks(cloud, r);
  const extMark = markOf(externalScope(cloud, r));
  const qrs = internal.filter((p) => p.fixedIps.some((f) => !f.ipAddress.includes(':')))
    .map((p) => ({ dev: devName('qr-', p.id), mark: markOf(networkScopes(cloud, p.networkId)[4]) }));
  const scopedFips = fips.filter((f) => f.portId !== null && fixedScope(cloud, f.portId, r) !== externalScope(cloud, r));

  const raw: Table = { name: 'raw', builtins: BUILTINS.raw, chains: [`${P}OUTPUT`, `${P}PREROUTING`],
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
  // Same-scope traffic leaves un-NATed: its connmark is the external network's scope mark.
  if (qg && snat && externalScope(cloud, r) !== null) natRules.push([`${P}snat`, `-o ${qg} -m connmark --mark ${extMark} -j ACCEPT`]);
  if (qg && gwIp) {
    if (snat) natRules.push([`${P}snat`, `-o ${qg} -j SNAT --to-source ${gwIp} --random-fully`]);
    natRules.push([`${P}snat`, `-m mark ! --mark 0x2/0xffff -m conntrack --ctstate DNAT -j SNAT --to-source ${gwIp} --random-fully`]);
  }
  natRules.push(['neutron-postrouting-bottom', `-m comment --comment "Perform source NAT on outgoing traffic." -j ${P}snat`]);
  const nat: Table = { name: 'nat', builtins: BUILTINS.nat,
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
  for (const q of qrs) mRules.push([`${P}scope`, `-i ${q.dev} -j MARK --set-xmark ${q.mark}`]);
  if (qg) mRules.push([`${P}scope`, `-i ${qg} -j MARK --set-xmark ${extMark}`]);
  mRules.push(...floatingIpScopeRules(scopedFips, [...qrs, ...(qg ? [{ dev: qg, mark: extMark }] : [])], extMark, (f) => markOf(fixedScope(cloud, f.portId ?? '', r))));
  const v6 = scoped(cloud, r, markOf) ? scope6Rules(cloud, r, markOf) : null;
  const mangle: Table = { name: 'mangle', builtins: BUILTINS.mangle,
    chains: [`${P}FORWARD`, `${P}INPUT`, `${P}OUTPUT`, `${P}POSTROUTING`, `${P}PREROUTING`, `${P}float-snat`, `${P}floatingip`, `${P}mark`, `${P}scope`], rules: mRules,
    ...(v6 ? { scope6: v6.mangle } : {}) };

  const fRules: Array<[string, string]> = [
    ['INPUT', `-j ${P}INPUT`], ['FORWARD', '-j neutron-filter-top'], ['FORWARD', `-j ${P}FORWARD`],
    ['OUTPUT', '-j neutron-filter-top'], ['OUTPUT', `-j ${P}OUTPUT`], ['neutron-filter-top', `-j ${P}local`],
    [`${P}FORWARD`, `-j ${P}scope`], [`${P}INPUT`, '-m mark --mark 0x1/0xffff -j ACCEPT'],
    [`${P}INPUT`, '-p tcp -m tcp --dport 9697 -j DROP'],
  ];
  for (const q of qrs) fRules.push([`${P}scope`, `-o ${q.dev} -m mark ! --mark ${q.mark} -j DROP`]);
  if (qg && !snat) fRules.push([`${P}scope`, `-o ${qg} -m mark ! --mark ${extMark} -j DROP`]);
  const filter: Table = { name: 'filter', builtins: BUILTINS.filter,
    chains: ['neutron-filter-top', `${P}FORWARD`, `${P}INPUT`, `${P}OUTPUT`, `${P}local`, `${P}scope`], rules: fRules,
    ...(v6 ? { scope6: v6.filter } : {}) };
  return [raw, nat, mangle, filter];
}

type MarkOf = (scope: string | null) => string;

/** Whether any port of the router is in an address scope (else its rules stay as without scopes). */
function scoped(cloud: Cloud, r: Router, markOf: MarkOf): boolean {
  const { internal, gateway } = routerPorts(cloud, r);
  const noScope = markOf(null);
  return [...internal, ...(gateway ? [gateway] : [])].some((p) => {
    const s = networkScopes(cloud, p.networkId);
    return markOf(s[4]) !== noScope || markOf(s[6]) !== noScope;
  });
}

/**
 * The IPv6 `scope` chains: each port with an IPv6 address marked with its network's IPv6 scope,
 * and a DROP for every such port, the gateway included (only IPv4 spares it when SNAT is on).
 */
function scope6Rules(cloud: Cloud, r: Router, markOf: MarkOf): { mangle: Array<[string, string]>; filter: Array<[string, string]> } {
  const { internal, gateway } = routerPorts(cloud, r);
  const devices = [...internal.map((p) => ({ p, dev: devName('qr-', p.id) })), ...(gateway ? [{ p: gateway, dev: devName('qg-', gateway.id) }] : [])]
    .filter(({ p }) => p.fixedIps.some((f) => f.ipAddress.includes(':')))
    .map(({ p, dev }) => ({ dev, mark: markOf(networkScopes(cloud, p.networkId)[6]) }));
  return {
    mangle: devices.map(({ dev, mark }) => [`${P}scope`, `-i ${dev} -j MARK --set-xmark ${mark}`]),
    filter: devices.map(({ dev, mark }) => [`${P}scope`, `-o ${dev} -m mark ! --mark ${mark} -j DROP`]),
  };
}

type Fip = ReturnType<typeof routerFips>[number];

/**
 * Floating IPs whose fixed address is in another scope than the external network: egress to a
 * device of the external scope takes that scope's mark, traffic to the floating IP the fixed
 * address's (`process_floating_ip_address_scope_rules`). None without scopes.
 */
function floatingIpScopeRules(fips: Fip[], devices: Array<{ dev: string; mark: string }>, extMark: string, fixedMark: (f: Fip) => string): Array<[string, string]> {
  if (fips.length === 0) return [];
  const rules: Array<[string, string]> = devices.filter((d) => d.mark === extMark)
    .map((d) => [`${P}float-snat`, `-o ${d.dev} -j MARK --set-xmark ${extMark}`]);
  for (const f of fips) {
    rules.push([`${P}floatingip`, `-d ${f.floatingIpAddress}/32 -j MARK --set-xmark ${fixedMark(f)}`],
      [`${P}FORWARD`, `-s ${f.fixedIpAddress ?? ''}/32 -j ${P}float-snat`]);
  }
  return rules;
}

const D = 'neutron-dhcp-age-';

/** A qdhcp namespace: the DHCP agent's manager runs without NAT rules; only a checksum-fill rule. */
export function dhcpTables(): Table[] {
  return [
    { name: 'raw', builtins: BUILTINS.raw, chains: [`${D}OUTPUT`, `${D}PREROUTING`],
      rules: [['PREROUTING', `-j ${D}PREROUTING`], ['OUTPUT', `-j ${D}OUTPUT`]] },
    { name: 'nat', builtins: BUILTINS.nat, chains: [`${D}PREROUTING`],
      rules: [['PREROUTING', `-j ${D}PREROUTING`]] },
    { name: 'mangle', builtins: BUILTINS.mangle,
      chains: [`${D}FORWARD`, `${D}INPUT`, `${D}OUTPUT`, `${D}POSTROUTING`, `${D}PREROUTING`, `${D}mark`],
      rules: [['PREROUTING', `-j ${D}PREROUTING`], ['INPUT', `-j ${D}INPUT`], ['FORWARD', `-j ${D}FORWARD`], ['OUTPUT', `-j ${D}OUTPUT`],
        ['POSTROUTING', `-j ${D}POSTROUTING`], [`${D}POSTROUTING`, '-p udp -m udp --dport 68 -j CHECKSUM --checksum-fill'],
        [`${D}PREROUTING`, `-j ${D}mark`]] },
    { name: 'filter', builtins: BUILTINS.filter,
      chains: [`${D}FORWARD`, `${D}INPUT`, `${D}OUTPUT`, `${D}local`, 'neutron-filter-top'],
      rules: [['INPUT', `-j ${D}INPUT`], ['FORWARD', '-j neutron-filter-top'], ['FORWARD', `-j ${D}FORWARD`],
        ['OUTPUT', '-j neutron-filter-top'], ['OUTPUT', `-j ${D}OUTPUT`], ['neutron-filter-top', `-j ${D}local`]] },
  ];
}

/** The network node's root namespace: the OVS agent's native firewall leaves iptables empty. */
export function nodeTables(): Table[] {
  return [{ name: 'filter', builtins: BUILTINS.filter, chains: [], rules: [] }];
}

/** A table nobody added rules to, as iptables shows it when asked (raw, nat and mangle exist in every namespace). */
export function emptyTable(name: string): Table | undefined {
  return name === 'raw' || name === 'nat' || name === 'mangle' ? { name, builtins: BUILTINS[name], chains: [], rules: [] } : undefined;
}

/** The iptables tables of a qrouter- or qdhcp- namespace. */
export function namespaceTables(cloud: Cloud, ns: Namespace): Table[] {
  if (ns.kind === 'qdhcp') return dhcpTables();
  const r = cloud.routers.find((x) => x.id === ns.objectId);
  return r ? routerTables(cloud, r) : [];
}

/** ip6tables in a router namespace: the same skeleton, no IPv4 NAT (IPv6 is routed, never translated). */
export function router6Tables(tables: Table[]): Table[] {
  return tables.map((t) => t.name !== 'nat' ? t : extended(t, {
    chains: t.chains.filter((c) => !c.includes('snat') && c !== 'neutron-postrouting-bottom' && !c.endsWith('POSTROUTING') && !c.endsWith('OUTPUT')),
    rules: [['PREROUTING', `-j ${P}PREROUTING`], [`${P}PREROUTING`, '-d fe80::a9fe:a9fe/128 -i qr-+ -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 9697']] as Array<[string, string]>,
  })).map((t) => t.name === 'nat' ? t : extended(t, { rules: t.rules.filter(([, r]) => !/\d+\.\d+\.\d+\.\d+/.test(r) && !r.includes('connmark --mark 0x0/0xffff0000 -j CONNMARK --save-mark')) }))
    .map(withScope6);
}

/** A scoped router's IPv6 scope chains replace the IPv4 ones; the floating IPs' scope marks are IPv4 only. */
function withScope6(t: Table): Table {
  if (!t.scope6) return t;
  const v4Only = ([c, rule]: [string, string]) => c === `${P}scope` || (c === `${P}float-snat` && rule.includes('-j MARK'));
  return extended(t, { rules: [...t.rules.filter((x) => !v4Only(x)), ...t.scope6] });
}
