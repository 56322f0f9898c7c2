/**
 * Differential fuzzing against the real oracle (../shared/oracle): writes a random but plausible
 * script of `openstack` commands (a learner's families with random option sets, formats and
 * columns, many of them errors) in the oracle's syntax. Capture it with
 * `scripts/capture-transcripts.sh FILE.cmds` and compare it with Stacklab with
 * `FUZZ_DIR=DIR npx vitest run --config scripts/fuzz-oracle.vitest.ts`: each command whose
 * output differs is a fidelity bug, or a difference to declare (`#@ oracle-sub`) in a golden
 * transcript. Seeded: the same seed writes the same script.
 *
 *   node --import tsx scripts/fuzz-oracle.ts SEED COUNT > DIR/fuzz-SEED.cmds
 */

import { DESCS, FORMATS, fuzzer } from './fuzz-lib.js';

const [seedArg, countArg] = process.argv.slice(2);
const { pick, chance, name, some, fmt } = fuzzer(Number(seedArg ?? 1));
const count = Number(countArg ?? 60);

const NETS = ['n1', 'n2', 'n3', 'ext'];
const SUBNETS = ['s1', 's2', 's3', 's6', 'ext-sub'];
const PORTS = ['p1', 'p2', 'p3'];
const ROUTERS = ['r1', 'r2'];
const GROUPS = ['g1', 'g2', 'default'];
const POOLS = ['pool4', 'pool6'];
const CIDRS4 = ['10.0.0.0/24', '10.0.1.0/24', '10.0.0.0/16', '192.168.10.0/24', '10.0.0.0/30', '10.0.0.0/31', '10.0.0.5/24', '10.0.2.0/28', '172.16.0.0/12', '300.1.1.0/24', '10.0.3.0/33', '224.0.0.0/24', '127.0.0.0/24', '0.0.0.0/24'];
const CIDRS6 = ['2001:db8::/64', '2001:db8:1::/64', 'fd00::/48', '2001:db8::/120', '2001:db8::1/64'];
const IPS = ['10.0.0.5', '10.0.0.1', '10.0.0.254', '10.0.0.255', '10.0.1.7', '192.168.10.9', '203.0.113.20', '2001:db8::5', '10.0.0.0', '10.0.9.9', 'bad-ip'];

const NET_COLS = ['id', 'name', 'status', 'mtu', 'shared', 'router:external', 'admin_state_up', 'description', 'port_security_enabled', 'subnets', 'tags', 'revision_number', 'provider:network_type', 'nosuch'];
const NET_LIST_COLS = ['ID', 'Name', 'Subnets', 'Status', 'State', 'Shared', 'Project', 'Network Type', 'Router Type', 'Availability Zones', 'Tags'];
const SUBNET_COLS = ['id', 'name', 'cidr', 'gateway_ip', 'allocation_pools', 'dns_nameservers', 'host_routes', 'enable_dhcp', 'ip_version', 'ipv6_ra_mode', 'ipv6_address_mode', 'subnetpool_id', 'revision_number', 'description'];
const SUBNET_LIST_COLS = ['ID', 'Name', 'Network', 'Subnet', 'Project', 'DHCP', 'Name Servers', 'Allocation Pools', 'Host Routes', 'IP Version', 'Gateway', 'Service Types', 'Tags'];
const PORT_COLS = ['id', 'name', 'fixed_ips', 'mac_address', 'status', 'device_owner', 'security_group_ids', 'port_security_enabled', 'allowed_address_pairs', 'admin_state_up', 'binding_vnic_type', 'description', 'dns_name'];
const PORT_LIST_COLS = ['ID', 'Name', 'MAC Address', 'Fixed IP Addresses', 'Status', 'Security Groups', 'Device Owner', 'Tags'];
const ROUTER_COLS = ['id', 'name', 'status', 'admin_state_up', 'external_gateway_info', 'routes', 'interfaces_info', 'distributed', 'ha', 'revision_number', 'description'];
const ROUTER_LIST_COLS = ['ID', 'Name', 'Status', 'State', 'Project', 'Distributed', 'HA', 'Routes', 'External gateway info', 'Availability zones', 'Tags'];
const FIP_COLS = ['id', 'floating_ip_address', 'fixed_ip_address', 'port_id', 'router_id', 'status', 'description', 'floating_network_id'];
const FIP_LIST_COLS = ['ID', 'Floating IP Address', 'Fixed IP Address', 'Port', 'Floating Network', 'Project', 'Router', 'Status', 'Description', 'Tags'];
const SG_COLS = ['id', 'name', 'description', 'rules', 'stateful', 'tags'];
const RULE_COLS = ['id', 'protocol', 'port_range_min', 'port_range_max', 'remote_ip_prefix', 'remote_group_id', 'direction', 'ether_type', 'description'];
const RULE_LIST_COLS = ['ID', 'IP Protocol', 'Ethertype', 'IP Range', 'Port Range', 'Direction', 'Remote Security Group', 'Remote Address Group', 'Security Group'];

function networkCmd(): string {
  const n = name(NETS);
  switch (pick(['create', 'create', 'set', 'unset', 'show', 'list', 'delete'])) {
    case 'create': {
      const opts = some([
        `--description ${pick(DESCS)}`, pick(['--enable', '--disable']), pick(['--share', '--no-share']), pick(['--external', '--internal']),
        `--mtu ${pick(['1400', '1450', '9000', '0', '68', 'abc'])}`, pick(['--enable-port-security', '--disable-port-security']), `--tag ${pick(['red', 'blue'])}`,
        pick(['--provider-network-type vxlan', '--provider-network-type vlan --provider-physical-network physnet1', '--provider-network-type flat --provider-physical-network physnet1', '--provider-network-type gre', '--provider-segment 5']),
        '--no-tag', pick(['--default', '--no-default']),
      ], 0.2);
      return `openstack network create ${opts.join(' ')} ${n}${fmt(NET_COLS)}`;
    }
    case 'set':
      return `openstack network set ${some([`--name ${name(NETS)}`, `--description ${pick(DESCS)}`, pick(['--enable', '--disable']), pick(['--share', '--no-share']), pick(['--external', '--internal']), `--mtu ${pick(['1300', '1450', '1500', '99999'])}`, `--tag ${pick(['red', 'green'])}`, '--no-tag', pick(['--enable-port-security', '--disable-port-security'])], 0.25).join(' ')} ${n}`;
    case 'unset':
      return `openstack network unset ${some([`--tag ${pick(['red', 'green'])}`, '--all-tag'], 0.5).join(' ')} ${n}`;
    case 'show':
      return `openstack network show ${n}${fmt(NET_COLS)}`;
    case 'list':
      return `openstack network list ${some(['--long', '--external', '--internal', '--share', '--no-share', '--enable', '--disable', `--name ${name(NETS)}`, `--tags ${pick(['red', 'blue'])}`, `--sort-column ${pick(['Name', 'ID', 'nosuch'])}`, '--sort-descending', '--provider-network-type vxlan', `--status ${pick(['ACTIVE', 'DOWN', 'bad'])}`], 0.15).join(' ')}${fmt(NET_LIST_COLS, true)}`;
    default:
      return `openstack network delete ${some(NETS, 0.3).join(' ') || n}`;
  }
}

function subnetCmd(): string {
  const s = name(SUBNETS);
  switch (pick(['create', 'create', 'create', 'set', 'unset', 'show', 'list', 'delete'])) {
    case 'create': {
      const v6 = chance(0.3);
      const range = chance(0.15) ? `--subnet-pool ${name(POOLS)}${chance(0.5) ? ` --prefix-length ${pick(['24', '26', '64', '8'])}` : ''}` : `--subnet-range ${pick(v6 ? CIDRS6 : CIDRS4)}`;
      const opts = some([
        `--gateway ${pick([...IPS, 'none', 'auto'])}`, `--allocation-pool start=${pick(IPS)},end=${pick(IPS)}`, `--dns-nameserver ${pick(IPS)}`,
        `--host-route destination=${pick(CIDRS4)},gateway=${pick(IPS)}`, `--description ${pick(DESCS)}`,
        ...(v6 ? [`--ipv6-ra-mode ${pick(['slaac', 'dhcpv6-stateful', 'dhcpv6-stateless'])}`, `--ipv6-address-mode ${pick(['slaac', 'dhcpv6-stateful', 'dhcpv6-stateless'])}`] : []),
        `--tag ${pick(['red', 'blue'])}`,
      ], 0.2);
      // Without DHCP, as the oracle (no DHCP agent, so no DHCP ports) and Stacklab differ there on purpose.
      const dhcp = chance(0.1) ? '' : ' --no-dhcp';
      return `openstack subnet create ${s} --network ${name(NETS)}${v6 ? ' --ip-version 6' : ''} ${range}${dhcp} ${opts.join(' ')}${fmt(SUBNET_COLS)}`;
    }
    case 'set':
      return `openstack subnet set ${some([`--name ${name(SUBNETS)}`, `--gateway ${pick([...IPS, 'none'])}`, `--allocation-pool start=${pick(IPS)},end=${pick(IPS)}`, `--dns-nameserver ${pick(IPS)}`, '--no-dns-nameservers', `--host-route destination=${pick(CIDRS4)},gateway=${pick(IPS)}`, '--no-host-route', '--no-allocation-pool', '--no-dhcp', `--description ${pick(DESCS)}`], 0.25).join(' ')} ${s}`;
    case 'unset':
      return `openstack subnet unset ${some([`--dns-nameserver ${pick(IPS)}`, `--allocation-pool start=${pick(IPS)},end=${pick(IPS)}`, `--host-route destination=${pick(CIDRS4)},gateway=${pick(IPS)}`, `--tag ${pick(['red', 'blue'])}`], 0.4).join(' ')} ${s}`;
    case 'show':
      return `openstack subnet show ${s}${fmt(SUBNET_COLS)}`;
    case 'list':
      return `openstack subnet list ${some(['--long', `--network ${name(NETS)}`, `--ip-version ${pick(['4', '6', '5'])}`, '--dhcp', '--no-dhcp', `--subnet-range ${pick(CIDRS4)}`, `--name ${name(SUBNETS)}`, `--gateway ${pick(IPS)}`, `--sort-column ${pick(['Name', 'Subnet'])}`], 0.15).join(' ')}${fmt(SUBNET_LIST_COLS, true)}`;
    default:
      return `openstack subnet delete ${some(SUBNETS, 0.3).join(' ') || s}`;
  }
}

function portCmd(): string {
  const p = name(PORTS);
  const fixed = () => pick([`subnet=${name(SUBNETS)}`, `ip-address=${pick(IPS)}`, `subnet=${name(SUBNETS)},ip-address=${pick(IPS)}`, 'bogus=1']);
  switch (pick(['create', 'create', 'set', 'unset', 'show', 'list', 'delete'])) {
    case 'create': {
      const opts = some([
        `--fixed-ip ${fixed()}`, '--no-fixed-ip', `--mac-address ${pick(['fa:16:3e:00:00:01', '11:22:33:44:55:66', 'zz', '01:00:00:00:00:00'])}`, '--no-security-group',
        `--security-group ${name(GROUPS)}`, pick(['--enable-port-security', '--disable-port-security']), `--allowed-address ip-address=${pick(IPS)}`,
        `--device-owner ${pick(['compute:nova', 'network:dhcp', 'x'])}`, `--vnic-type ${pick(['normal', 'direct', 'bogus'])}`, pick(['--enable', '--disable']),
        `--description ${pick(DESCS)}`, `--dns-name ${pick(['web', 'Bad_Name'])}`,
      ], 0.18);
      return `openstack port create --network ${name(NETS)} ${opts.join(' ')} ${p}${fmt(PORT_COLS)}`;
    }
    case 'set':
      return `openstack port set ${some([`--name ${name(PORTS)}`, `--fixed-ip ${fixed()}`, '--no-fixed-ip', `--security-group ${name(GROUPS)}`, '--no-security-group', pick(['--enable-port-security', '--disable-port-security']), `--allowed-address ip-address=${pick(IPS)}`, '--no-allowed-address', `--description ${pick(DESCS)}`, pick(['--enable', '--disable'])], 0.25).join(' ')} ${p}`;
    case 'unset':
      return `openstack port unset ${some([`--fixed-ip ${fixed()}`, `--security-group ${name(GROUPS)}`, `--allowed-address ip-address=${pick(IPS)}`, '--qos-policy', `--tag ${pick(['red'])}`], 0.4).join(' ')} ${p}`;
    case 'show':
      return `openstack port show ${p}${fmt(PORT_COLS)}`;
    case 'list':
      return `openstack port list ${some(['--long', `--network ${name(NETS)}`, `--router ${name(ROUTERS)}`, `--device-owner ${pick(['network:router_interface', 'compute:nova'])}`, `--fixed-ip ${fixed()}`, `--name ${name(PORTS)}`, `--status ${pick(['DOWN', 'ACTIVE'])}`, `--mac-address ${pick(['fa:16:3e:00:00:01'])}`, `--sort-column ${pick(['Name', 'Status'])}`], 0.15).join(' ')}${fmt(PORT_LIST_COLS, true)}`;
    default:
      return `openstack port delete ${some(PORTS, 0.3).join(' ') || p}`;
  }
}

function routerCmd(): string {
  const r = name(ROUTERS);
  switch (pick(['create', 'set', 'unset', 'add', 'add', 'remove', 'show', 'list', 'delete', 'route'])) {
    case 'create':
      return `openstack router create ${some([`--description ${pick(DESCS)}`, pick(['--enable', '--disable']), `--external-gateway ${name(NETS)}`, pick(['--enable-snat', '--disable-snat']), `--tag ${pick(['red'])}`], 0.2).join(' ')} ${r}${fmt(ROUTER_COLS)}`;
    case 'set':
      return `openstack router set ${some([`--name ${name(ROUTERS)}`, `--external-gateway ${name(NETS)}`, `--fixed-ip ${pick([`subnet=${name(SUBNETS)}`, `ip-address=${pick(IPS)}`])}`, pick(['--enable-snat', '--disable-snat']), `--route destination=${pick(CIDRS4)},gateway=${pick(IPS)}`, '--no-route', pick(['--enable', '--disable']), `--description ${pick(DESCS)}`], 0.25).join(' ')} ${r}`;
    case 'unset':
      return `openstack router unset ${some(['--external-gateway', `--route destination=${pick(CIDRS4)},gateway=${pick(IPS)}`, `--tag ${pick(['red'])}`], 0.5).join(' ')} ${r}`;
    case 'add':
      return chance(0.8) ? `openstack router add subnet ${r} ${name(SUBNETS)}` : `openstack router add port ${r} ${name(PORTS)}`;
    case 'remove':
      return chance(0.8) ? `openstack router remove subnet ${r} ${name(SUBNETS)}` : `openstack router remove port ${r} ${name(PORTS)}`;
    case 'route':
      return `openstack router ${pick(['add', 'remove'])} route ${r} --route destination=${pick(CIDRS4)},gateway=${pick(IPS)}`;
    case 'show':
      return `openstack router show ${r}${fmt(ROUTER_COLS)}`;
    case 'list':
      return `openstack router list ${some(['--long', `--name ${name(ROUTERS)}`, pick(['--enable', '--disable']), `--tags ${pick(['red'])}`, `--sort-column ${pick(['Name', 'Status'])}`], 0.2).join(' ')}${fmt(ROUTER_LIST_COLS, true)}`;
    default:
      return `openstack router delete ${some(ROUTERS, 0.3).join(' ') || r}`;
  }
}

function fipCmd(): string {
  const f = pick(['$F1', '$F2', '203.0.113.20', 'nosuch']);
  switch (pick(['create', 'create', 'set', 'unset', 'show', 'list', 'delete'])) {
    case 'create': {
      const v = pick(['F1', 'F2']);
      const opts = some([`--port ${name(PORTS)}`, `--floating-ip-address ${pick(IPS)}`, `--fixed-ip-address ${pick(IPS)}`, `--description ${pick(DESCS)}`, `--subnet ${name(SUBNETS)}`, `--tag ${pick(['red'])}`], 0.2);
      return chance(0.6) ? `${v}=$(openstack floating ip create ${opts.join(' ')} ${name(NETS)} -f value -c id)` : `openstack floating ip create ${opts.join(' ')} ${name(NETS)}${fmt(FIP_COLS)}`;
    }
    case 'set':
      return `openstack floating ip set ${some([`--port ${name(PORTS)}`, `--fixed-ip-address ${pick(IPS)}`, `--description ${pick(DESCS)}`, `--tag ${pick(['red'])}`], 0.4).join(' ')} ${f}`;
    case 'unset':
      return `openstack floating ip unset ${some(['--port', `--tag ${pick(['red'])}`], 0.6).join(' ')} ${f}`;
    case 'show':
      return `openstack floating ip show ${f}${fmt(FIP_COLS)}`;
    case 'list':
      return `openstack floating ip list ${some(['--long', `--network ${name(NETS)}`, `--port ${name(PORTS)}`, `--router ${name(ROUTERS)}`, `--status ${pick(['DOWN', 'ACTIVE'])}`, `--floating-ip-address ${pick(IPS)}`, `--fixed-ip-address ${pick(IPS)}`], 0.15).join(' ')}${fmt(FIP_LIST_COLS, true)}`;
    default:
      return `openstack floating ip delete ${f}`;
  }
}

function groupCmd(): string {
  const g = name(GROUPS);
  const proto = () => pick(['tcp', 'udp', 'icmp', 'any', '6', '17', '132', 'ipv6-icmp', 'icmpv6', 'bogus', '300']);
  switch (pick(['create', 'set', 'show', 'list', 'delete', 'rule', 'rule', 'rule', 'rules'])) {
    case 'create':
      return `openstack security group create ${some([`--description ${pick(DESCS)}`, `--tag ${pick(['red'])}`, pick(['--stateful', '--stateless'])], 0.25).join(' ')} ${g}${fmt(SG_COLS)}`;
    case 'set':
      return `openstack security group set ${some([`--name ${name(GROUPS)}`, `--description ${pick(DESCS)}`, pick(['--stateful', '--stateless'])], 0.4).join(' ')} ${g}`;
    case 'show':
      return `openstack security group show ${g}${fmt(SG_COLS)}`;
    case 'list':
      return `openstack security group list ${some(['--long', `--tags ${pick(['red'])}`], 0.2).join(' ')}${fmt(['ID', 'Name', 'Description', 'Project', 'Tags'], true)}`;
    case 'delete':
      return `openstack security group delete ${g}`;
    case 'rules':
      return `openstack security group rule list ${chance(0.7) ? g : ''} ${some(['--long', '--ingress', '--egress', `--protocol ${proto()}`, `--ethertype ${pick(['IPv4', 'IPv6'])}`], 0.15).join(' ')}${fmt(RULE_LIST_COLS, true)}`;
    default: {
      const opts = some([
        `--protocol ${proto()}`, `--dst-port ${pick(['22', '80:81', '81:80', '0', '65536', 'a', '1:65535'])}`, `--remote-ip ${pick([...CIDRS4, ...CIDRS6, '0.0.0.0/0', '::/0', '10.0.0.1'])}`,
        `--remote-group ${name(GROUPS)}`, pick(['--ingress', '--egress']), `--ethertype ${pick(['IPv4', 'IPv6', 'ipv4'])}`, `--icmp-type ${pick(['8', '0', '-1', '256'])}`, `--icmp-code ${pick(['0', '255', '300'])}`,
        `--description ${pick(DESCS)}`,
      ], 0.25);
      return `openstack security group rule create ${opts.join(' ')} ${g}${fmt(RULE_COLS)}`;
    }
  }
}


const AGS = ['ag1', 'ag2'];
const AG_ADDRS = ['10.0.0.1', '10.0.0.0/24', '10.0.0.5/24', '192.168.10.0/24', '2001:db8::1', '2001:db8::/64', '0.0.0.0/0', '10.0.0.300', 'bad', '10.0.3.0/33', '::/0'];
const AG_COLS = ['id', 'name', 'description', 'addresses', 'project_id', 'nosuch'];

/**
 * Address groups (FUZZ_FAMILIES=addrgroups). One address per create or set (or the same one twice):
 * Neutron stores a batch in a Python set's order, which differs from server to server.
 */
function addressGroupCmd(): string {
  const g = name(AGS);
  const addrs = () => {
    const a = pick(AG_ADDRS);
    return chance(0.15) ? `--address ${a} --address ${a}` : `--address ${a}`;
  };
  switch (pick(['create', 'create', 'set', 'set', 'unset', 'show', 'list', 'delete', 'rule'])) {
    case 'create':
      return `openstack address group create ${some([addrs(), `--description ${pick(DESCS)}`], 0.5).join(' ')} ${g}${fmt(AG_COLS)}`;
    case 'set':
      return `openstack address group set ${some([addrs(), `--name ${name(AGS)}`, `--description ${pick(DESCS)}`], 0.35).join(' ')} ${g}`;
    case 'unset':
      return `openstack address group unset ${some([addrs()], 0.8).join(' ')} ${g}`;
    case 'show':
      return `openstack address group show ${g}${fmt(AG_COLS)}`;
    case 'list':
      return `openstack address group list ${some([`--name ${name(AGS)}`], 0.3).join(' ')}${fmt(['ID', 'Name', 'Description', 'Project', 'Addresses'], true)}`;
    case 'delete':
      return `openstack address group delete ${some(AGS, 0.4).join(' ') || g}`;
    default:
      return `openstack security group rule create ${some([`--protocol ${pick(['tcp', 'icmp', 'udp'])}`, `--dst-port ${pick(['22', '80:81'])}`, `--ethertype ${pick(['IPv4', 'IPv6'])}`, pick(['--ingress', '--egress'])], 0.3).join(' ')} --remote-address-group ${g} ${name(GROUPS)}${fmt([...RULE_COLS, 'remote_address_group_id'])}`;
  }
}

const SCOPES = ['sc4', 'sc6'];
const POOL_COLS = ['id', 'name', 'prefixes', 'default_prefixlen', 'min_prefixlen', 'max_prefixlen', 'is_default', 'shared', 'address_scope_id', 'ip_version', 'revision_number'];

function poolCmd(): string {
  const p = name(POOLS);
  switch (pick(['create', 'create', 'set', 'unset', 'show', 'list', 'delete'])) {
    case 'create': {
      const opts = some([
        `--default-prefix-length ${pick(['24', '26', '64', '8', '33', 'x'])}`, `--min-prefix-length ${pick(['8', '16', '-1', '64'])}`, `--max-prefix-length ${pick(['28', '30', '32', '128', '129'])}`,
        pick(['--share', '--no-share']), pick(['--default', '--no-default']), `--address-scope ${name(SCOPES)}`, `--description ${pick(DESCS)}`, `--default-quota ${pick(['10', '-1', '0'])}`,
        `--tag ${pick(['red'])}`,
      ], 0.2);
      const prefixes = some(['10.8.0.0/16', '10.9.0.0/16', '10.8.0.0/24', '2001:db8:8::/48', '2001:db8:9::/48', '10.8.0.1/16', 'bad'], 0.3);
      return `openstack subnet pool create ${(prefixes.length ? prefixes : ['10.10.0.0/16']).map((x) => `--pool-prefix ${x}`).join(' ')} ${opts.join(' ')} ${p}${fmt(POOL_COLS)}`;
    }
    case 'set':
      return `openstack subnet pool set ${some([`--name ${name(POOLS)}`, `--pool-prefix ${pick(['10.8.0.0/15', '10.20.0.0/16', '2001:db8:a::/48'])}`, `--default-prefix-length ${pick(['25', '64'])}`, `--min-prefix-length ${pick(['12', '24'])}`, `--max-prefix-length ${pick(['29', '32'])}`, pick(['--default', '--no-default']), `--address-scope ${name(SCOPES)}`, '--no-address-scope', `--description ${pick(DESCS)}`], 0.3).join(' ')} ${p}`;
    case 'unset':
      return `openstack subnet pool unset ${some([`--tag ${pick(['red'])}`, '--all-tag'], 0.5).join(' ')} ${p}`;
    case 'show':
      return `openstack subnet pool show ${p}${fmt(POOL_COLS)}`;
    case 'list':
      return `openstack subnet pool list ${some(['--long', '--share', '--no-share', '--default', '--no-default', `--name ${name(POOLS)}`, `--address-scope ${name(SCOPES)}`], 0.2).join(' ')}${fmt(['ID', 'Name', 'Prefixes', 'Default Prefix Length', 'Address Scope', 'Default Subnet Pool', 'Shared', 'Tags'], true)}`;
    default:
      return `openstack subnet pool delete ${p}`;
  }
}

function scopeCmd(): string {
  const sc = name(SCOPES);
  switch (pick(['create', 'create', 'set', 'show', 'list', 'delete'])) {
    case 'create':
      return `openstack address scope create ${some([`--ip-version ${pick(['4', '6', '5'])}`, pick(['--share', '--no-share'])], 0.4).join(' ')} ${sc}${fmt(['id', 'name', 'ip_version', 'shared', 'project_id'])}`;
    case 'set':
      return `openstack address scope set ${some([`--name ${name(SCOPES)}`, pick(['--share', '--no-share'])], 0.5).join(' ')} ${sc}`;
    case 'show':
      return `openstack address scope show ${sc}${fmt(['id', 'name', 'ip_version', 'shared'])}`;
    case 'list':
      return `openstack address scope list ${some(['--share', '--no-share', `--ip-version ${pick(['4', '6'])}`, `--name ${name(SCOPES)}`], 0.25).join(' ')}${fmt(['ID', 'Name', 'IP Version', 'Shared', 'Project'], true)}`;
    default:
      return `openstack address scope delete ${sc}`;
  }
}

/** The legacy CLI's output options: a format, columns (`-c`, or `-F` on a show), now and then a sort. */
function nfmt(columns: readonly string[], list = false): string {
  const f = chance(0.4) ? ` -f ${pick(list ? FORMATS : FORMATS.filter((x) => x !== 'csv'))}` : '';
  const flag = !list && chance(0.3) ? '-F' : '-c';
  const cs = chance(0.4) ? some(columns, 0.35).map((c) => ` ${flag} ${c}`).join('') : '';
  const sort = list && chance(0.15) ? ` --sort-key ${pick(columns)}${chance(0.7) ? ` --sort-dir ${pick(['asc', 'desc', 'up'])}` : ''}` : '';
  return f + cs + sort + (list && chance(0.05) ? ' -D' : '');
}

const NNET_COLS = ['id', 'name', 'subnets', 'status', 'shared', 'admin_state_up', 'mtu', 'router:external', 'description', 'tenant_id', 'port_security_enabled', 'nosuch'];
const NSUBNET_COLS = ['id', 'name', 'cidr', 'gateway_ip', 'allocation_pools', 'dns_nameservers', 'host_routes', 'enable_dhcp', 'ip_version', 'network_id', 'subnetpool_id'];
const NPORT_COLS = ['id', 'name', 'mac_address', 'fixed_ips', 'status', 'device_owner', 'security_groups', 'port_security_enabled', 'allowed_address_pairs', 'admin_state_up', 'binding:vnic_type'];
const NROUTER_COLS = ['id', 'name', 'status', 'admin_state_up', 'external_gateway_info', 'routes', 'distributed', 'ha', 'description'];
const NFIP_COLS = ['id', 'floating_ip_address', 'fixed_ip_address', 'port_id', 'router_id', 'status', 'floating_network_id'];
const NRULE_COLS = ['id', 'security_group', 'direction', 'ethertype', 'port/protocol', 'remote', 'protocol', 'port_range_min', 'remote_ip_prefix'];

/** The legacy `neutron` CLI (python-neutronclient 8.1): its option names, its values specs, its errors. */
function neutronCmd(): string {
  const n = name(NETS);
  const s = name(SUBNETS);
  const p = name(PORTS);
  const r = name(ROUTERS);
  const g = name(GROUPS);
  const bool = () => pick(['True', 'False', 'true', 'yes', 'bogus']);
  switch (pick(['net', 'net', 'subnet', 'subnet', 'port', 'port', 'router', 'router', 'fip', 'sg', 'sg', 'list', 'list', 'show'])) {
    case 'net':
      return pick([
        () => `neutron net-create ${some([`--description ${pick(DESCS)}`, '--shared', '--admin-state-down', '--provider:network_type vxlan', '--provider:network_type vlan --provider:physical_network physnet1', `--provider:segmentation_id ${pick(['5', '4095', 'x'])}`, `--mtu ${pick(['1400', 'abc', '0'])}`, `--port-security-enabled ${bool()}`, '--router:external'], 0.2).join(' ')} ${n}${nfmt(NNET_COLS)}`,
        () => `neutron net-update ${n} ${some([`--name ${name(NETS)}`, `--description ${pick(DESCS)}`, `--shared ${bool()}`, `--admin-state-up ${bool()}`, `--mtu ${pick(['1300', '99999', 'x'])}`, `--port-security-enabled ${bool()}`, '--router:external'], 0.3).join(' ')}`,
        () => `neutron net-delete ${some(NETS, 0.3).join(' ') || n}`,
      ])();
    case 'subnet':
      return pick([
        () => {
          const v6 = chance(0.3);
          const opts = some([`--name ${s}`, `--gateway ${pick(IPS)}`, '--no-gateway', `--allocation-pool start=${pick(IPS)},end=${pick(IPS)}`, `--dns-nameserver ${pick(IPS)}`, `--host-route destination=${pick(CIDRS4)},nexthop=${pick(IPS)}`, '--disable-dhcp', '--enable-dhcp', `--description ${pick(DESCS)}`, ...(v6 ? [`--ipv6-ra-mode ${pick(['slaac', 'dhcpv6-stateful', 'bogus'])}`, `--ipv6-address-mode ${pick(['slaac', 'dhcpv6-stateless'])}`] : [])], 0.2);
          const range = chance(0.15) ? `--subnetpool ${name(POOLS)}${chance(0.5) ? ` --prefixlen ${pick(['24', '26', '64'])}` : ''}` : pick(v6 ? CIDRS6 : CIDRS4);
          return `neutron subnet-create ${n}${v6 ? ' --ip-version 6' : ''} ${range} ${opts.join(' ')} --disable-dhcp${nfmt(NSUBNET_COLS)}`;
        },
        () => `neutron subnet-update ${s} ${some([`--name ${name(SUBNETS)}`, `--gateway ${pick(IPS)}`, '--no-gateway', `--allocation-pool start=${pick(IPS)},end=${pick(IPS)}`, `--dns-nameserver ${pick(IPS)}`, '--no-dns-nameservers', `--host-route destination=${pick(CIDRS4)},nexthop=${pick(IPS)}`, '--no-host-routes', `--description ${pick(DESCS)}`], 0.25).join(' ')}`,
        () => `neutron subnet-delete ${s}`,
      ])();
    case 'port': {
      const fixed = () => pick([`subnet_id=${name(SUBNETS)}`, `ip_address=${pick(IPS)}`, `subnet_id=${name(SUBNETS)},ip_address=${pick(IPS)}`, 'bogus=1']);
      return pick([
        () => `neutron port-create ${n} ${some([`--name ${p}`, `--fixed-ip ${fixed()}`, `--mac-address ${pick(['fa:16:3e:00:00:01', 'zz'])}`, `--security-group ${name(GROUPS)}`, '--no-security-groups', `--port-security-enabled ${bool()}`, `--allowed-address-pair ip_address=${pick(IPS)}`, `--device-owner ${pick(['compute:nova', 'x'])}`, `--vnic-type ${pick(['normal', 'direct', 'bogus'])}`, '--admin-state-down', `--description ${pick(DESCS)}`], 0.2).join(' ')}${nfmt(NPORT_COLS)}`,
        () => `neutron port-update ${p} ${some([`--name ${name(PORTS)}`, `--fixed-ip ${fixed()}`, `--security-group ${name(GROUPS)}`, '--no-security-groups', `--port-security-enabled ${bool()}`, `--allowed-address-pair ip_address=${pick(IPS)}`, '--no-allowed-address-pairs', `--admin-state-up ${bool()}`, `--description ${pick(DESCS)}`], 0.25).join(' ')}`,
        () => `neutron port-delete ${p}`,
      ])();
    }
    case 'router':
      return pick([
        () => `neutron router-create ${some([`--description ${pick(DESCS)}`, '--admin-state-down', `--distributed ${bool()}`, `--ha ${bool()}`], 0.2).join(' ')} ${r}${nfmt(NROUTER_COLS)}`,
        () => `neutron router-update ${r} ${some([`--name ${name(ROUTERS)}`, `--route destination=${pick(CIDRS4)},nexthop=${pick(IPS)}`, '--no-routes', `--admin-state-up ${bool()}`, `--description ${pick(DESCS)}`], 0.3).join(' ')}`,
        () => `neutron router-gateway-set ${some(['--disable-snat', `--fixed-ip subnet_id=${name(SUBNETS)}`, `--fixed-ip ip_address=${pick(IPS)}`], 0.2).join(' ')} ${r} ${name(NETS)}`,
        () => `neutron router-gateway-clear ${r}`,
        () => `neutron router-interface-add ${r} ${pick([s, `subnet=${s}`, `port=${p}`])}`,
        () => `neutron router-interface-delete ${r} ${pick([s, `subnet=${s}`, `port=${p}`])}`,
        () => `neutron router-port-list ${r}${nfmt(['id', 'name', 'mac_address', 'fixed_ips'], true)}`,
        () => `neutron router-delete ${r}`,
      ])();
    case 'fip':
      return pick([
        () => `F1=$(neutron floatingip-create ${some([`--floating-ip-address ${pick(IPS)}`, `--description ${pick(DESCS)}`, `--subnet ${name(SUBNETS)}`], 0.2).join(' ')} ${name(NETS)} -f value -c id)`,
        () => `neutron floatingip-associate ${pick(['$F1', 'nosuch'])} $(neutron port-show ${p} -f value -c id)${chance(0.3) ? ` --fixed-ip-address ${pick(IPS)}` : ''}`,
        () => `neutron floatingip-disassociate ${pick(['$F1', 'nosuch'])}`,
        () => `neutron floatingip-show ${pick(['$F1', 'nosuch'])}${nfmt(NFIP_COLS)}`,
        () => `neutron floatingip-delete ${pick(['$F1', 'nosuch'])}`,
      ])();
    case 'sg':
      return pick([
        () => `neutron security-group-create ${some([`--description ${pick(DESCS)}`], 0.4).join(' ')} ${g}${nfmt(['id', 'name', 'description', 'security_group_rules'])}`,
        () => `neutron security-group-update ${g} ${some([`--name ${name(GROUPS)}`, `--description ${pick(DESCS)}`], 0.5).join(' ')}`,
        () => `neutron security-group-rule-create ${some([`--direction ${pick(['ingress', 'egress', 'bogus'])}`, `--protocol ${pick(['tcp', 'udp', 'icmp', '6', 'bogus', 'any'])}`, `--port-range-min ${pick(['22', '0', '80', 'x', '65536'])}`, `--port-range-max ${pick(['22', '81', '79'])}`, `--remote-ip-prefix ${pick([...CIDRS4, '::/0', '10.0.0.1'])}`, `--remote-group-id ${name(GROUPS)}`, `--ethertype ${pick(['IPv4', 'IPv6', 'ipv4'])}`, `--description ${pick(DESCS)}`], 0.25).join(' ')} ${g}${nfmt(NRULE_COLS)}`,
        () => `neutron security-group-delete ${g}`,
      ])();
    case 'list':
      return pick([
        () => `neutron net-list${chance(0.2) ? ` --name ${name(NETS)}` : ''}${chance(0.1) ? ` --shared ${bool()}` : ''}${nfmt(NNET_COLS, true)}`,
        () => `neutron subnet-list${chance(0.2) ? ` --ip-version ${pick(['4', '6', 'x'])}` : ''}${chance(0.1) ? ` --cidr ${pick(CIDRS4)}` : ''}${nfmt(NSUBNET_COLS, true)}`,
        () => `neutron port-list${chance(0.2) ? ` --fixed-ips ${pick([`ip_address=${pick(IPS)}`, `subnet_id=${name(SUBNETS)}`])}` : ''}${chance(0.1) ? ` --device-owner ${pick(['network:router_interface', 'compute:nova'])}` : ''}${nfmt(NPORT_COLS, true)}`,
        () => `neutron router-list${nfmt(NROUTER_COLS, true)}`,
        () => `neutron floatingip-list${nfmt(NFIP_COLS, true)}`,
        () => `neutron security-group-list${nfmt(['id', 'name', 'description', 'security_group_rules'], true)}`,
        () => `neutron security-group-rule-list${chance(0.3) ? ' --no-nameconv' : ''}${nfmt(NRULE_COLS, true)}`,
        () => `neutron net-external-list${nfmt(['id', 'name', 'subnets'], true)}`,
      ])();
    default:
      return pick([
        () => `neutron net-show ${n}${nfmt(NNET_COLS)}`,
        () => `neutron subnet-show ${s}${nfmt(NSUBNET_COLS)}`,
        () => `neutron port-show ${p}${nfmt(NPORT_COLS)}`,
        () => `neutron router-show ${r}${nfmt(NROUTER_COLS)}`,
        () => `neutron security-group-show ${g}${nfmt(['id', 'name', 'description', 'security_group_rules'])}`,
      ])();
  }
}

/** Now and then the script goes on as a project member (the oracle's identity switch), then as admin again. */
const MEMBER = 'oracle_as_project 0123456789abcdef0123456789abcdef';

const PREAMBLE = [
  '# fuzz: a random script of a learner\'s openstack commands (scripts/fuzz-oracle.ts), on a fresh DB as admin',
  'openstack network create --external ext -f value -c name',
  'openstack subnet create ext-sub --network ext --subnet-range 203.0.113.0/24 --no-dhcp -f value -c cidr',
  'openstack network create n1 -f value -c name',
  'openstack subnet create s1 --network n1 --subnet-range 10.0.0.0/24 --no-dhcp -f value -c cidr',
  'openstack subnet pool create --pool-prefix 10.8.0.0/16 --default-prefix-length 26 pool4 -f value -c name',
  'openstack subnet pool create --pool-prefix 2001:db8:8::/48 --default-prefix-length 64 pool6 -f value -c name',
  'openstack router create r1 -f value -c name',
];

const out: string[] = [...PREAMBLE];
// FUZZ_FAMILIES=pools,scopes,addrgroups,member,neutron adds subnet pools, address scopes, address groups, a member's turns and the legacy CLI.
const more = (process.env['FUZZ_FAMILIES'] ?? '').split(',');
const families = [networkCmd, subnetCmd, subnetCmd, portCmd, portCmd, routerCmd, routerCmd, fipCmd, groupCmd, groupCmd];
if (more.includes('pools')) families.push(poolCmd, poolCmd);
if (more.includes('scopes')) families.push(scopeCmd);
if (more.includes('addrgroups')) families.push(addressGroupCmd, addressGroupCmd, addressGroupCmd);
// FUZZ_FAMILIES=neutron: the legacy CLI's commands as often as all the others together.
if (more.includes('neutron')) families.push(...families.map(() => neutronCmd));
let member = false;
for (let i = 0; i < count; i++) {
  if (more.includes('member') && chance(0.08)) {
    member = !member;
    out.push(member ? MEMBER : 'oracle_as_admin');
  }
  out.push(pick(families)().replace(/ {2,}/g, ' ').replace(/ $/, ''));
}
process.stdout.write(`${out.join('\n')}\n`);
