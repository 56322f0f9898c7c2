/**
 * A check's state: `todo` until the learner has done something the check looks at, then `fail`
 * until it passes; `pass` whenever it passes, history or not.
 */
import { describe, expect, it } from 'vitest';
import { grade } from '../../server/labs/grade.js';
import { gradeCommand, type GradeStore } from '../../server/labs/cli.js';
import { changedKinds } from '../../server/labs/started.js';
import { commandKey } from '../../server/labs/history.js';
import { labWith, one, session } from './helpers.js';

const state = (yaml: string, lines: string[], answers: Record<string, string> = {}, fixture = 'public-cloud') =>
  one(yaml, session(fixture, lines), { answers }).state;

describe('check states', () => {
  it.each([
    ['resource', '- type: resource\n  kind: network\n  name: mynet', 'openstack network create other'],
    ['router-interface', '- type: router-interface\n  router: r\n  subnet: s', 'openstack router create r'],
    ['router-gateway', '- type: router-gateway\n  router: r', 'openstack router create r'],
    ['router-snat', '- type: router-snat\n  router: r', 'neutron router-create r'],
    ['floating-ip', '- type: floating-ip\n  server: vm', 'openstack floating ip create ext-floating1'],
    ['server-address', '- type: server-address\n  server: vm\n  version: 4', 'openstack port create --network ext-net1 p'],
    ['port-fixed-ip', '- type: port-fixed-ip\n  port: p\n  host: "::beef"', 'openstack port create --network ext-net1 p'],
    ['security-group-allows', '- type: security-group-allows\n  group: default\n  protocol: tcp\n  port: 22', 'openstack security group rule create --protocol tcp --dst-port 2222 default'],
    ['reach', '- type: reach\n  from: laptop\n  to: 192.0.2.9', 'ping -c 1 192.0.2.9'],
    ['ran', '- type: ran\n  command: openstack port list --long', 'openstack port list'],
  ])('%s: todo before anything, todo after reading only, fail after a relevant command', (_type, yaml, relevant) => {
    expect(state(yaml, [])).toBe('todo');
    expect(state(yaml, ['openstack network list', 'openstack router list', 'openstack server list', 'echo hi'])).toBe('todo');
    expect(state(yaml, [relevant])).toBe('fail');
  });

  it('question: todo until answered (blank does not count), then fail or pass', () => {
    const q = '- type: question\n  id: q\n  prompt: How many?\n  answer: { value: 12 }';
    expect(state(q, ['openstack network list'])).toBe('todo');
    expect(state(q, [], { q: '   ' })).toBe('todo');
    expect(state(q, [], { q: '13' })).toBe('fail');
    expect(state(q, [], { q: '12' })).toBe('pass');
  });

  it('a check the fixture already satisfies passes with no history', () => {
    expect(state('- type: resource\n  kind: network\n  name: ext-net1', [])).toBe('pass');
  });

  it('not: true is todo until the learner changes that kind, then fail while the fixture state stays', () => {
    const yaml = '- type: router-interface\n  router: web-router\n  subnet: public_subnet\n  not: true';
    expect(state(yaml, [], {}, 'broken-public')).toBe('todo');
    expect(state(yaml, ['openstack router set --enable-snat --external-gateway my-public my-router'], {}, 'broken-public')).toBe('fail');
    expect(state(yaml, ['openstack router remove subnet web-router public_subnet'], {}, 'broken-public')).toBe('pass');
  });

  it('ran: the same command in the wrong namespace, or in the other dialect with the wrong argument, is started', () => {
    const yaml = '- type: ran\n  command: route -n\n  netns: any-router';
    expect(state(yaml, ['ip netns'], {}, 'network-node')).toBe('todo');
    expect(state(yaml, ['route -n'], {}, 'network-node')).toBe('fail');
    expect(state('- type: ran\n  command: openstack network show ext-net1', ['neutron net-show ext-v6only1'])).toBe('fail');
  });

  it('reach: building the path (router, floating IP) does not start it; opening the group does', () => {
    const yaml = '- type: reach\n  from: laptop\n  to: 192.0.2.9';
    expect(state(yaml, ['openstack router create r', 'openstack floating ip create ext-floating1'])).toBe('todo');
    expect(state(yaml, ['openstack security group rule create --protocol icmp default'])).toBe('fail');
    expect(state(yaml, ['openstack server ssh nowhere'])).toBe('fail');
  });

  it('a command skipped by && starts nothing', () => {
    expect(state('- type: resource\n  kind: network\n  name: mynet', ['false && openstack network create other'])).toBe('todo');
  });

  it('a step is todo, fail or pass from its checks', () => {
    const lab = labWith('- type: resource\n  kind: network\n  name: a\n- type: resource\n  kind: router\n  name: b');
    const st = (lines: string[]) => {
      const s = session('public-cloud', lines);
      return grade(lab, s.cloud, s.commands).steps[0]?.state;
    };
    expect(st([])).toBe('todo');
    expect(st(['openstack network create a'])).toBe('todo');
    expect(st(['openstack network create a', 'openstack router create c'])).toBe('fail');
    expect(st(['openstack network create a', 'openstack router create b'])).toBe('pass');
  });
});

describe('what counts as changing a kind, and as the same command', () => {
  it.each([
    [['openstack', 'network', 'create', 'x'], ['network']],
    [['openstack', '--os-cloud', 'c', 'router', 'set', '--external-gateway', 'e', 'r'], ['router']],
    [['openstack', 'server', 'add', 'floating', 'ip', 'vm', '1.2.3.4'], ['server', 'floating-ip']],
    [['openstack', 'server', 'stop', 'web-2'], ['server', 'port']],
    [['openstack', 'server', 'start', 'web-1', 'web-2'], ['server', 'port']],
    [['openstack', 'server', 'show', 'web-2'], []],
    [['openstack', 'security', 'group', 'rule', 'create', 'default'], ['security-group-rule']],
    [['neutron', 'floatingip-associate', 'a', 'b'], ['floating-ip']],
    [['nova', 'secgroup-add-rule', 'default', 'icmp', '-1', '-1', '0.0.0.0/0'], ['security-group-rule']],
    [['openstack', 'network', 'list'], []],
    [['openstack', 'network', 'agent', 'list'], []],
    [['neutron', 'net-show', 'x'], []],
    [['ip', 'netns'], []],
  ])('%j changes %j', (argv, kinds) => {
    expect(changedKinds(argv)).toEqual(kinds);
  });
  it('command keys ignore options and arguments and unite the dialects', () => {
    expect(commandKey(['openstack', 'router', 'set', '--external-gateway', 'e', 'r'])).toBe(commandKey(['neutron', 'router-gateway-set', 'r', 'e']));
    expect(commandKey(['ip', '-4', 'a'])).toBe('ip address');
    expect(commandKey(['openstack', 'network', 'agent', 'list', '--router', 'r'])).toBe('openstack network agent list');
    expect(commandKey(['iptables-save', '-t', 'nat'])).toBe('iptables-save');
  });
});

describe('stacklab grade shows the states', () => {
  const lab = labWith('- type: resource\n  kind: network\n  name: a\n- type: question\n  id: q\n  prompt: How many?\n  answer: { value: 12 }');
  const none = session('public-cloud', []);
  const store: GradeStore = { learners: () => ['al'], attempt: () => ({ cloud: none.cloud, history: [], answers: {} }) };
  it('marks what is not started with · and says so', async () => {
    expect((await gradeCommand(store, { lab: 't', all: true }, { labs: [lab] })).output).toBe(
      'al: 0/2 (0 %)\n  · Step  0/2  (not started)\n      · network a exists — not done yet\n      · How many? — not done yet\n',
    );
    const json = JSON.parse((await gradeCommand(store, { lab: 't', all: true, format: 'json' }, { labs: [lab] })).output) as Array<{ result: { steps: Array<{ state: string; checks: Array<{ state: string }> }> } }>;
    expect(json[0]?.result.steps[0]?.checks.map((c) => c.state)).toEqual(['todo', 'todo']);
  });
});
