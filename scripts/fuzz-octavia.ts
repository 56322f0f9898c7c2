/**
 * Differential fuzzing against the real Octavia oracle (../shared/octavia-oracle): writes a random
 * but plausible script of `openstack loadbalancer` commands (load balancers, listeners, pools,
 * members, health monitors, L7 policies and rules, with random option sets, formats and columns,
 * many of them errors) in the oracle's syntax, each change followed by `oracle_wait_lb` so that
 * neither side depends on the worker's timing. Capture it with
 * `scripts/capture-octavia-transcripts.sh DIR/NAME.cmds` (it writes test/octavia/NAME.oracle.txt:
 * move it beside the script) and compare it with Stacklab with
 * `FUZZ_DIR=DIR FUZZ_OCTAVIA=1 npx vitest run --config scripts/fuzz-oracle.vitest.ts`.
 *
 *   node --import tsx scripts/fuzz-octavia.ts SEED COUNT > DIR/octavia-SEED.cmds
 *
 * FUZZ_FAMILIES=member adds a project member's load balancer (lbm, its listener lm1 and pool pm1)
 * and turns as that member with Octavia's roles (load-balancer_member, _observer, or none).
 */

import { DESCS, fuzzer } from './fuzz-lib.js';

const [seedArg, countArg] = process.argv.slice(2);
const { pick, chance, name, some, fmt } = fuzzer(Number(seedArg ?? 1));
const count = Number(countArg ?? 60);
const member = (process.env['FUZZ_FAMILIES'] ?? '').split(',').includes('member');

const LBS = member ? ['lb1', 'lb2', 'lbm'] : ['lb1', 'lb2'];
const LISTENERS = member ? ['l1', 'l2', 'l3', 'lm1'] : ['l1', 'l2', 'l3'];
const POOLS = member ? ['p1', 'p2', 'p3', 'pm1'] : ['p1', 'p2', 'p3'];
const MEMBERS = ['m1', 'm2', 'm3'];
const MONITORS = ['hm1', 'hm2'];
const POLICIES = ['pol1', 'pol2'];
const ADDRS = ['10.0.0.11', '10.0.0.12', '10.0.0.13', '10.0.1.5', '10.0.0.0', '2001:db8::9', 'bad', '192.0.2.7'];
const SUBNETS = member ? ['lb-subnet', 'lb-subnet2', 'lb-subnet6', 'msub'] : ['lb-subnet', 'lb-subnet2', 'lb-subnet6'];
const ON = () => pick(['--enable', '--disable']);
const TAG = () => pick(['--tag red', '--tag blue', '--no-tag']);
const WAIT = () => (chance(0.15) ? ' --wait' : '');

const LB_COLS = ['id', 'name', 'description', 'admin_state_up', 'provisioning_status', 'operating_status', 'vip_address', 'vip_subnet_id', 'listeners', 'pools', 'provider', 'flavor_id', 'tags', 'availability_zone', 'project_id', 'vip_port_id', 'nosuch'];
const LB_LIST_COLS = ['id', 'name', 'project_id', 'vip_address', 'provisioning_status', 'operating_status', 'provider'];
const LISTENER_COLS = ['id', 'name', 'protocol', 'protocol_port', 'connection_limit', 'default_pool_id', 'admin_state_up', 'insert_headers', 'timeout_client_data', 'allowed_cidrs', 'loadbalancers', 'l7policies', 'tags', 'description'];
const LISTENER_LIST_COLS = ['id', 'default_pool_id', 'name', 'project_id', 'protocol', 'protocol_port', 'admin_state_up'];
const POOL_COLS = ['id', 'name', 'protocol', 'lb_algorithm', 'session_persistence', 'listeners', 'loadbalancers', 'members', 'healthmonitor_id', 'admin_state_up', 'tls_enabled', 'tags', 'description'];
const POOL_LIST_COLS = ['id', 'name', 'project_id', 'provisioning_status', 'protocol', 'lb_algorithm', 'admin_state_up'];
const MEMBER_COLS = ['id', 'name', 'address', 'protocol_port', 'weight', 'subnet_id', 'backup', 'monitor_address', 'monitor_port', 'admin_state_up', 'operating_status', 'tags'];
const MEMBER_LIST_COLS = ['id', 'name', 'project_id', 'provisioning_status', 'address', 'protocol_port', 'operating_status', 'weight'];
const HM_COLS = ['id', 'name', 'type', 'delay', 'timeout', 'max_retries', 'max_retries_down', 'http_method', 'url_path', 'expected_codes', 'pools', 'admin_state_up', 'http_version', 'domain_name', 'tags'];
const HM_LIST_COLS = ['id', 'name', 'project_id', 'type', 'admin_state_up'];
const POLICY_COLS = ['id', 'name', 'action', 'position', 'redirect_pool_id', 'redirect_url', 'redirect_prefix', 'redirect_http_code', 'listener_id', 'rules', 'admin_state_up', 'tags'];
const POLICY_LIST_COLS = ['id', 'name', 'project_id', 'provisioning_status', 'action', 'position', 'admin_state_up'];
const RULE_COLS = ['id', 'type', 'compare_type', 'key', 'value', 'invert', 'admin_state_up', 'tags'];
const RULE_LIST_COLS = ['id', 'project_id', 'provisioning_status', 'compare_type', 'type', 'key', 'value', 'invert', 'admin_state_up'];

const WAITS = LBS.map((lb) => `oracle_wait_lb ${lb}`);

/** A command that may change something, and the waits that let the worker finish it on both sides. */
const change = (cmd: string): string[] => [cmd, ...WAITS];

function loadBalancerCmd(): string[] {
  const lb = name(LBS);
  switch (pick(['create', 'set', 'unset', 'show', 'list', 'status', 'stats', 'delete', 'failover'])) {
    case 'create': {
      // A third load balancer now and then (deleted again soon after), named so the waits find it.
      const vip = pick([`--vip-subnet-id ${name(SUBNETS)}`, `--vip-network-id ${pick(['lb-net', 'lb-net2', 'nosuch'])}`, `--vip-subnet-id lb-subnet --vip-address ${pick(ADDRS)}`, '', `--vip-network-id lb-net --vip-subnet-id ${pick(SUBNETS)}`]);
      const opts = some([`--description ${pick(DESCS)}`, ON(), TAG(), `--provider ${pick(['amphora', 'octavia', 'nosuch'])}`, `--availability-zone ${pick(['nova', 'az1'])}`, `--flavor ${pick(['nosuch', 'f1'])}`], 0.2);
      return [`openstack loadbalancer create --name lb3 ${vip} ${opts.join(' ')}${WAIT()}${fmt(LB_COLS)}`, 'oracle_wait_lb lb3'];
    }
    case 'set':
      return change(`openstack loadbalancer set ${some([`--name ${pick(['lb1', 'lb2', 'lbx'])}`, `--description ${pick(DESCS)}`, ON(), TAG(), '--vip-qos-policy-id nosuch'], 0.35).join(' ')}${WAIT()} ${lb}`);
    case 'unset':
      return change(`openstack loadbalancer unset ${some(['--name', '--description', '--tag red', '--all-tag', '--vip-qos-policy-id'], 0.35).join(' ')}${WAIT()} ${lb}`);
    case 'show':
      return [`openstack loadbalancer show ${pick([lb, 'lb3'])}${fmt(LB_COLS)}`];
    case 'list':
      return [`openstack loadbalancer list${some([`--name ${name(LBS)}`, `--provisioning-status ${pick(['ACTIVE', 'ERROR', 'bogus'])}`, `--operating-status ${pick(['ONLINE', 'OFFLINE'])}`, ON(), `--vip-subnet-id ${name(SUBNETS)}`, `--provider ${pick(['amphora', 'octavia'])}`, `--tags ${pick(['red', 'blue'])}`, `--any-tags red,blue`, '--not-tags red'], 0.15).map((o) => ` ${o}`).join('')}${fmt(LB_LIST_COLS, true)}`];
    case 'status':
      return [`openstack loadbalancer status show ${lb}`];
    case 'stats':
      return [`openstack loadbalancer stats show ${lb}${fmt(['active_connections', 'bytes_in', 'bytes_out', 'request_errors', 'total_connections'])}`];
    case 'delete':
      // Mostly the spare one: deleting lb1 or lb2 empties the rest of the script.
      return change(`openstack loadbalancer delete ${chance(0.15) ? lb : 'lb3'}${chance(0.5) ? ' --cascade' : ''}${WAIT()}`).concat('oracle_wait_lb lb3');
    default:
      return change(`openstack loadbalancer failover ${pick([lb, 'lb3'])}`);
  }
}

function listenerCmd(): string[] {
  const l = name(LISTENERS);
  const opts = () => some([
    `--description ${pick(DESCS)}`, `--connection-limit ${pick(['-1', '0', '100', '-5', 'x'])}`, `--default-pool ${name(POOLS)}`,
    `--insert-headers ${pick(['X-Forwarded-For=true', 'X-Forwarded-Port=false,X-Forwarded-Proto=true', 'foo', 'X-Bogus=true'])}`,
    `--timeout-client-data ${pick(['0', '50000', '-1', '100000000'])}`, `--timeout-member-connect ${pick(['5000', '-3'])}`,
    `--allowed-cidr ${pick(['10.0.0.0/8', '192.168.0.0/16', '2001:db8::/64', '10.0.0.1/8', 'bad'])}`, ON(), TAG(),
    `--tls-version ${pick(['TLSv1.2', 'SSLv3'])}`, `--alpn-protocol ${pick(['http/1.1', 'h2'])}`,
  ], 0.15).join(' ');
  switch (pick(['create', 'create', 'set', 'unset', 'show', 'list', 'delete', 'stats'])) {
    case 'create':
      return change(`openstack loadbalancer listener create --name ${pick(LISTENERS)} --protocol ${pick(['HTTP', 'TCP', 'UDP', 'HTTPS', 'http', 'SCTP', 'TERMINATED_HTTPS', 'PROXY'])} --protocol-port ${pick(['80', '81', '443', '8080', '0', '53'])} ${opts()}${WAIT()} ${name(LBS)}${fmt(LISTENER_COLS)}`);
    case 'set':
      return change(`openstack loadbalancer listener set ${chance(0.3) ? `--name ${pick(LISTENERS)} ` : ''}${opts()}${WAIT()} ${l}`);
    case 'unset':
      return change(`openstack loadbalancer listener unset ${some(['--name', '--description', '--connection-limit', '--default-pool', '--insert-headers', '--timeout-client-data', '--allowed-cidrs', '--tag red', '--all-tag', '--tls-versions', '--alpn-protocols'], 0.3).join(' ')}${WAIT()} ${l}`);
    case 'show':
      return [`openstack loadbalancer listener show ${l}${fmt(LISTENER_COLS)}`];
    case 'list':
      return [`openstack loadbalancer listener list${chance(0.3) ? ` --loadbalancer ${name(LBS)}` : ''}${chance(0.15) ? ` --protocol ${pick(['HTTP', 'TCP'])}` : ''}${chance(0.1) ? ` --protocol-port ${pick(['80', '81'])}` : ''}${chance(0.1) ? ` ${ON()}` : ''}${fmt(LISTENER_LIST_COLS, true)}`];
    case 'stats':
      return [`openstack loadbalancer listener stats show ${l}${fmt(['active_connections', 'bytes_in', 'total_connections'])}`];
    default:
      return change(`openstack loadbalancer listener delete ${l}${WAIT()}`);
  }
}

function poolCmd(): string[] {
  const p = name(POOLS);
  const persist = () => `--session-persistence ${pick(['type=SOURCE_IP', 'type=HTTP_COOKIE', 'type=APP_COOKIE,cookie_name=SESS', 'type=APP_COOKIE', 'type=HTTP_COOKIE,cookie_name=x', 'foo', 'type=FOO'])}`;
  const opts = () => some([`--description ${pick(DESCS)}`, persist(), ON(), TAG(), pick(['--enable-tls', '--disable-tls']), `--tls-version ${pick(['TLSv1.2', 'bogus'])}`], 0.15).join(' ');
  switch (pick(['create', 'create', 'set', 'unset', 'show', 'list', 'delete'])) {
    case 'create': {
      const parent = pick([`--listener ${name(LISTENERS)}`, `--loadbalancer ${name(LBS)}`, `--listener ${pick(LISTENERS)} --loadbalancer ${pick(LBS)}`, '']);
      return change(`openstack loadbalancer pool create --name ${pick(POOLS)} ${parent} --protocol ${pick(['HTTP', 'TCP', 'UDP', 'PROXY', 'HTTPS', 'http', 'PROXYV2', 'SCTP'])} --lb-algorithm ${pick(['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT', 'round_robin', 'FOO'])} ${opts()}${WAIT()}${fmt(POOL_COLS)}`);
    }
    case 'set':
      return change(`openstack loadbalancer pool set ${some([`--name ${pick(POOLS)}`, `--lb-algorithm ${pick(['LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'])}`], 0.3).join(' ')} ${opts()}${WAIT()} ${p}`);
    case 'unset':
      return change(`openstack loadbalancer pool unset ${some(['--name', '--description', '--session-persistence', '--tag red', '--all-tag', '--tls-versions', '--ca-tls-container-ref'], 0.3).join(' ')}${WAIT()} ${p}`);
    case 'show':
      return [`openstack loadbalancer pool show ${p}${fmt(POOL_COLS)}`];
    case 'list':
      return [`openstack loadbalancer pool list${chance(0.3) ? ` --loadbalancer ${name(LBS)}` : ''}${chance(0.1) ? ` --tags red` : ''}${fmt(POOL_LIST_COLS, true)}`];
    default:
      return change(`openstack loadbalancer pool delete ${p}${WAIT()}`);
  }
}

function memberCmd(): string[] {
  const p = name(POOLS);
  const m = name(MEMBERS);
  const opts = () => some([`--weight ${pick(['0', '1', '256', '257', '-1', 'x'])}`, `--monitor-port ${pick(['8080', '0', '65535'])}`, `--monitor-address ${pick(ADDRS)}`, ON(), pick(['--enable-backup', '--disable-backup']), TAG()], 0.15).join(' ');
  switch (pick(['create', 'create', 'set', 'unset', 'show', 'list', 'delete'])) {
    case 'create':
      return change(`openstack loadbalancer member create --name ${pick(MEMBERS)} ${chance(0.8) ? `--address ${pick(ADDRS)}` : ''} ${chance(0.7) ? `--subnet-id ${name(SUBNETS)}` : ''} ${chance(0.9) ? `--protocol-port ${pick(['80', '8080', '0', '70000'])}` : ''} ${opts()}${WAIT()} ${p}${fmt(MEMBER_COLS)}`);
    case 'set':
      return change(`openstack loadbalancer member set ${chance(0.3) ? `--name ${pick(MEMBERS)} ` : ''}${opts()}${WAIT()} ${p} ${m}`);
    case 'unset':
      return change(`openstack loadbalancer member unset ${some(['--name', '--weight', '--monitor-port', '--monitor-address', '--backup', '--tag red', '--all-tag'], 0.3).join(' ')}${WAIT()} ${p} ${m}`);
    case 'show':
      return [`openstack loadbalancer member show ${p} ${m}${fmt(MEMBER_COLS)}`];
    case 'list':
      return [`openstack loadbalancer member list ${p}${fmt(MEMBER_LIST_COLS, true)}`];
    default:
      return change(`openstack loadbalancer member delete ${p} ${m}${WAIT()}`);
  }
}

function monitorCmd(): string[] {
  const h = name(MONITORS);
  const opts = () => some([
    `--url-path ${pick(['/', '/health', 'health', '/a b'])}`, `--expected-codes ${pick(['200', '200,202', '200-204', '600', 'abc'])}`,
    `--http-method ${pick(['GET', 'HEAD', 'POST', 'get', 'FOO'])}`, `--http-version ${pick(['1.0', '1.1', '2.0'])}`, `--domain-name ${pick(['example.com', 'bad_domain!'])}`,
    `--max-retries-down ${pick(['3', '11', '0'])}`, ON(), TAG(),
  ], 0.15).join(' ');
  switch (pick(['create', 'create', 'set', 'unset', 'show', 'list', 'delete'])) {
    case 'create':
      return change(`openstack loadbalancer healthmonitor create --name ${pick(MONITORS)} --delay ${pick(['5', '10', '0', 'x'])} --timeout ${pick(['4', '10', '20'])} --max-retries ${pick(['3', '10', '11', '0'])} --type ${pick(['HTTP', 'HTTPS', 'TCP', 'PING', 'UDP-CONNECT', 'TLS-HELLO', 'http', 'SCTP'])} ${opts()}${WAIT()} ${name(POOLS)}${fmt(HM_COLS)}`);
    case 'set':
      return change(`openstack loadbalancer healthmonitor set ${some([`--name ${pick(MONITORS)}`, `--delay ${pick(['3', '30'])}`, `--timeout ${pick(['2', '40'])}`, `--max-retries ${pick(['2', '12'])}`], 0.3).join(' ')} ${opts()}${WAIT()} ${h}`);
    case 'unset':
      return change(`openstack loadbalancer healthmonitor unset ${some(['--name', '--url-path', '--expected-codes', '--http-method', '--http-version', '--domain-name', '--max-retries-down', '--tag red', '--all-tag'], 0.3).join(' ')}${WAIT()} ${h}`);
    case 'show':
      return [`openstack loadbalancer healthmonitor show ${h}${fmt(HM_COLS)}`];
    case 'list':
      return [`openstack loadbalancer healthmonitor list${chance(0.2) ? ` --pool ${name(POOLS)}` : ''}${fmt(HM_LIST_COLS, true)}`];
    default:
      return change(`openstack loadbalancer healthmonitor delete ${h}${WAIT()}`);
  }
}

function l7Cmd(): string[] {
  const pol = name(POLICIES);
  const action = () => pick([
    `--action REJECT`, `--action REDIRECT_TO_POOL --redirect-pool ${name(POOLS)}`, `--action REDIRECT_TO_URL --redirect-url ${pick(['http://example.com/', 'notaurl'])}`,
    `--action REDIRECT_PREFIX --redirect-prefix https://example.com`, '--action REDIRECT_TO_POOL', '--action reject', `--action REDIRECT_TO_URL --redirect-url http://x.org/ --redirect-http-code ${pick(['301', '302', '303', '307', '308', '404'])}`,
  ]);
  const rule = () => `--type ${pick(['PATH', 'HOST_NAME', 'HEADER', 'COOKIE', 'FILE_TYPE', 'SSL_CONN_HAS_CERT', 'path', 'FOO'])} --compare-type ${pick(['EQUAL_TO', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS', 'REGEX', 'equal_to'])} --value ${pick(['/api', 'www.example.com', "'['", 'x', 'True'])}${chance(0.3) ? ` --key ${pick(['X-A', 'bad key'])}` : ''}${chance(0.2) ? ' --invert' : ''}`;
  switch (pick(['create', 'create', 'set', 'unset', 'show', 'list', 'delete', 'rcreate', 'rcreate', 'rset', 'runset', 'rlist', 'rshow', 'rdelete'])) {
    case 'create':
      return change(`openstack loadbalancer l7policy create --name ${pick(POLICIES)} ${action()}${chance(0.3) ? ` --position ${pick(['1', '2', '5', '0'])}` : ''}${chance(0.2) ? ` --description ${pick(DESCS)}` : ''}${chance(0.1) ? ` ${ON()}` : ''}${WAIT()} ${name(LISTENERS)}${fmt(POLICY_COLS)}`);
    case 'set':
      return change(`openstack loadbalancer l7policy set ${some([action(), `--position ${pick(['1', '2', '9'])}`, `--name ${pick(POLICIES)}`, `--description ${pick(DESCS)}`, ON()], 0.3).join(' ')}${WAIT()} ${pol}`);
    case 'unset':
      return change(`openstack loadbalancer l7policy unset ${some(['--name', '--description', '--redirect-http-code', '--tag red', '--all-tag'], 0.4).join(' ')}${WAIT()} ${pol}`);
    case 'show':
      return [`openstack loadbalancer l7policy show ${pol}${fmt(POLICY_COLS)}`];
    case 'list':
      return [`openstack loadbalancer l7policy list${chance(0.2) ? ` --listener ${name(LISTENERS)}` : ''}${fmt(POLICY_LIST_COLS, true)}`];
    case 'delete':
      return change(`openstack loadbalancer l7policy delete ${pol}${WAIT()}`);
    case 'rcreate':
      return [`R=$(openstack loadbalancer l7rule create ${rule()} ${pol} -f value -c id)`, `echo $R`, ...WAITS];
    case 'rset':
      return change(`openstack loadbalancer l7rule set ${some([`--value ${pick(['/v2', 'a.example.com'])}`, '--invert', `--compare-type ${pick(['REGEX', 'CONTAINS'])}`, `--type ${pick(['PATH', 'HEADER'])}`, ON()], 0.35).join(' ')}${WAIT()} ${pol} $R`);
    case 'runset':
      return change(`openstack loadbalancer l7rule unset ${some(['--invert', '--key', '--tag red', '--all-tag'], 0.5).join(' ')}${WAIT()} ${pol} $R`);
    case 'rlist':
      return [`openstack loadbalancer l7rule list ${pol}${fmt(RULE_LIST_COLS, true)}`];
    case 'rshow':
      return [`openstack loadbalancer l7rule show ${pol} ${pick(['$R', 'nosuch'])}${fmt(RULE_COLS)}`];
    default:
      return change(`openstack loadbalancer l7rule delete ${pol} $R${WAIT()}`);
  }
}

function otherCmd(): string[] {
  return [pick([
    `openstack loadbalancer provider list${fmt(['name', 'description'], true)}`,
    `openstack loadbalancer provider capability list ${pick(['amphora', 'octavia', 'nosuch'])}${fmt(['type', 'name', 'description'], true)}`,
    `openstack loadbalancer flavor list${fmt(['id', 'name'], true)}`,
    `openstack loadbalancer availabilityzone list${fmt(['name', 'availability_zone_profile_id'], true)}`,
    `openstack loadbalancer quota show ${pick(['0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210'])}${fmt(['load_balancer', 'listener', 'pool', 'member', 'health_monitor', 'l7policy', 'l7rule'])}`,
    `openstack loadbalancer quota defaults show${fmt(['load_balancer', 'listener', 'pool'])}`,
    `openstack loadbalancer amphora list${fmt(['id', 'loadbalancer_id', 'status', 'role'], true)}`,
  ])];
}

const PREAMBLE = [
  "# octavia fuzz: a random script of a learner's load balancer commands (scripts/fuzz-octavia.ts), on fresh DBs as admin",
  '# oracle_wait_lb is an oracle helper (polls until the load balancer is no longer PENDING_*).',
  'openstack network create lb-net -f value -c name',
  'openstack subnet create lb-subnet --network lb-net --subnet-range 10.0.0.0/24 -f value -c cidr',
  'openstack subnet create lb-subnet6 --network lb-net --ip-version 6 --subnet-range 2001:db8::/64 -f value -c cidr',
  'openstack network create lb-net2 -f value -c name',
  'openstack subnet create lb-subnet2 --network lb-net2 --subnet-range 10.0.1.0/24 -f value -c cidr',
  'openstack loadbalancer create --name lb1 --vip-subnet-id lb-subnet --wait -f value -c provisioning_status',
  'openstack loadbalancer create --name lb2 --vip-subnet-id lb-subnet2 --wait -f value -c provisioning_status',
  'openstack loadbalancer listener create --name l1 --protocol HTTP --protocol-port 80 --wait lb1 -f value -c name',
  'openstack loadbalancer pool create --name p1 --lb-algorithm ROUND_ROBIN --listener l1 --protocol HTTP --wait -f value -c name',
  'openstack loadbalancer member create --name m1 --subnet-id lb-subnet --address 10.0.0.11 --protocol-port 80 --wait p1 -f value -c name',
  'openstack loadbalancer member create --name m2 --subnet-id lb-subnet --address 10.0.0.12 --protocol-port 8080 --weight 5 --wait p1 -f value -c name',
  'openstack loadbalancer healthmonitor create --name hm1 --delay 5 --timeout 4 --max-retries 3 --type HTTP --wait p1 -f value -c name',
  'openstack loadbalancer listener create --name l2 --protocol TCP --protocol-port 81 --wait lb1 -f value -c name',
  'openstack loadbalancer pool create --name p2 --lb-algorithm LEAST_CONNECTIONS --listener l2 --protocol TCP --wait -f value -c name',
  'openstack loadbalancer listener create --name l3 --protocol HTTP --protocol-port 80 --wait lb2 -f value -c name',
  'openstack loadbalancer pool create --name p3 --lb-algorithm SOURCE_IP --loadbalancer lb2 --protocol HTTP --wait -f value -c name',
  'openstack loadbalancer l7policy create --name pol1 --action REJECT --wait l1 -f value -c name',
  'openstack loadbalancer l7policy create --name pol2 --action REDIRECT_TO_POOL --redirect-pool p3 --wait l3 -f value -c name',
  'R=$(openstack loadbalancer l7rule create --type PATH --compare-type STARTS_WITH --value /api pol1 -f value -c id)',
  ...WAITS,
];

/** The member's project (32 hex digits: normalised like any project id) and the roles it may have. */
const PROJECT = '0123456789abcdef0123456789abcdef';
const ROLES = ['member,load-balancer_member', 'member,load-balancer_member', 'reader,load-balancer_observer', 'member'];
const MEMBER_PREAMBLE = [
  `oracle_as_project ${PROJECT} member,load-balancer_member`,
  'openstack network create mnet -f value -c name',
  'openstack subnet create msub --network mnet --subnet-range 10.2.0.0/24 -f value -c cidr',
  'openstack loadbalancer create --name lbm --vip-subnet-id msub --wait -f value -c provisioning_status',
  'openstack loadbalancer listener create --name lm1 --protocol HTTP --protocol-port 80 --wait lbm -f value -c name',
  'openstack loadbalancer pool create --name pm1 --lb-algorithm ROUND_ROBIN --listener lm1 --protocol HTTP --wait -f value -c name',
  'oracle_as_admin',
  'oracle_wait_lb lbm',
];

const out: string[] = [...PREAMBLE, ...(member ? MEMBER_PREAMBLE : [])];
const families = [loadBalancerCmd, listenerCmd, listenerCmd, poolCmd, poolCmd, memberCmd, memberCmd, monitorCmd, monitorCmd, l7Cmd, l7Cmd, otherCmd];
let asMember = false;
for (let i = 0; i < count; i++) {
  if (member && chance(0.1)) {
    asMember = !asMember;
    out.push(asMember ? `oracle_as_project ${PROJECT} ${pick(ROLES)}` : 'oracle_as_admin');
  }
  out.push(...pick(families)().map((l) => l.replace(/ {2,}/g, ' ').replace(/ $/, '')));
  if (member) out.push('oracle_wait_lb lbm');
}
process.stdout.write(`${out.join('\n')}\n`);
