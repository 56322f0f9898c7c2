/** Answers: the forms a learner pastes are accepted; near misses are not; refusals say what form is expected. */
import { describe, expect, it } from 'vitest';
import { cleanAnswer, judgeAnswer } from '../../server/labs/answers.js';
import { loadLabs } from '../../server/labs/cli.js';
import { grade } from '../../server/labs/grade.js';
import { labFor } from '../../server/labs/parse.js';
import { one, session } from './helpers.js';

const ok = (given: string, want: string) => judgeAnswer(given, [want]).ok;
const why = (given: string, want: string) => judgeAnswer(given, [want]).why;

describe('answers accepted in the forms a learner pastes', () => {
  it.each([
    ['180.180.180.48/24', '180.180.180.48', 'the address with the prefix length ip a prints'],
    ['  180.180.180.48  ', '180.180.180.48', 'surrounding spaces'],
    ['"180.180.180.48"', '180.180.180.48', 'double quotes'],
    ["'180.180.180.48/24'", '180.180.180.48', 'single quotes and a prefix'],
    ['`2001:db8::beef`', '2001:db8::beef', 'backquotes'],
    ['\u201c10.0.0.1\u201d', '10.0.0.1', 'typographic quotes'],
    ['2001:DB8::BEEF', '2001:db8::beef', 'upper-case hex'],
    ['2001:0db8:0000:0000:0000:0000:0000:beef', '2001:db8::beef', 'IPv6 written in full'],
    ['2001:db8:0:0::beef/64', '2001:db8::beef', 'IPv6 partly compressed, with its prefix'],
    ['[2001:db8::beef]', '2001:db8::beef', 'IPv6 in brackets'],
    ['2001:DB8:0:2::/64', '2001:db8:0:2::/64', 'a CIDR in another textual form'],
    ['10.10.0.0 /24', '10.10.0.0/24', 'a space before the prefix length'],
    ['FA:16:3E:AA:BB:CC', 'fa:16:3e:aa:bb:cc', 'a MAC in upper case'],
    ['fa-16-3e-aa-bb-cc', 'fa:16:3e:aa:bb:cc', 'a MAC with dashes'],
    [' 12 ', '12', 'a number with spaces'],
    ['012', '12', 'a number with a leading zero'],
    ['Network', 'network', 'a name in another case'],
    ['my   router', 'my router', 'extra inner spaces'],
    ['True', 'true', 'a boolean as Python prints it'],
    ["['198.51.100.0/24']", '198.51.100.0/24', 'a one-item list as -f value prints it'],
  ])('%s for %s (%s)', (given, want) => {
    expect(ok(given, want)).toBe(true);
  });
  it('cleans nested quotes and inner spaces', () => {
    expect(cleanAnswer(` " 'a   b' " `)).toBe('a b');
    expect(cleanAnswer('""')).toBe('');
    expect(cleanAnswer('"a\'')).toBe('"a\'');
  });
  it('unwraps only a one-item list: two items, and an IPv6 address in brackets, stay', () => {
    expect(cleanAnswer("['a', 'b']")).toBe("['a', 'b']");
    expect(cleanAnswer('[2001:db8::1]')).toBe('[2001:db8::1]');
  });
  it('a hostile answer of thousands of quotes is cleaned to what they hold', () => {
    expect(cleanAnswer(`${'"'.repeat(50_000)}12${'"'.repeat(50_000)}`)).toBe('12');
    expect(judgeAnswer(`${"' ".repeat(20_000)}12${" '".repeat(20_000)}`, ['12']).ok).toBe(true);
  });
});

describe('near misses are refused', () => {
  it.each([
    ['180.180.180.49', '180.180.180.48', 'another address'],
    ['180.180.180.49/24', '180.180.180.48', 'another address with a prefix'],
    ['180.180.180.0/24', '180.180.180.48', 'the subnet instead of the address'],
    ['2001:db8::beef', '180.180.180.48', 'an IPv6 address for an IPv4 one'],
    ['2001:db8::cafe', '2001:db8::beef', 'another IPv6 host'],
    ['10.10.0.0/25', '10.10.0.0/24', 'a CIDR with another length'],
    ['10.10.0.0', '10.10.0.0/24', 'the network address without its length'],
    ['10.10.0.5/24', '10.10.0.0/24', 'a host of the range for the range'],
    ['fa:16:3e:aa:bb:cd', 'fa:16:3e:aa:bb:cc', 'another MAC'],
    ['13', '12', 'another number'],
    ['12.5', '12', 'not a whole number'],
    ['networks', 'network', 'another word'],
    ['', '12', 'nothing'],
  ])('%s for %s (%s)', (given, want) => {
    expect(ok(given, want)).toBe(false);
  });
});

describe('a refusal says what form is expected, never the answer', () => {
  it.each([
    ['the router', '180.180.180.48', 'the router is not the right answer: give the address only, e.g. 192.0.2.5'],
    ['inet 180.180.180.48/24 brd', '180.180.180.48', 'inet 180.180.180.48/24 brd is not the right answer: give the address only, e.g. 192.0.2.5'],
    ['gateway', '2001:db8::1', 'gateway is not the right answer: give the address only, e.g. 2001:db8::5'],
    ['2001:db8::1', '180.180.180.48', '2001:db8::1 is not the right answer: give an IPv4 address, e.g. 192.0.2.5'],
    ['10.10.0.0', '10.10.0.0/24', '10.10.0.0 is not the right answer: give the range with its prefix length, e.g. 192.0.2.0/24'],
    ['10.10.0.0/25', '10.10.0.0/24', '10.10.0.0/25 is not the right answer'],
    ['twelve', '12', 'twelve is not the right answer: give a whole number, digits only'],
    ['fa:16:3e', 'fa:16:3e:aa:bb:cc', 'fa:16:3e is not the right answer: give the MAC address, six pairs of hex digits, e.g. 00:00:5e:00:53:01'],
    ['180.180.180.49/24', '180.180.180.48', '180.180.180.49/24 is not the right answer'],
  ])('%s for %s', (given, want, message) => {
    expect(why(given, want)).toBe(message);
  });
});

describe('in a question check', () => {
  const q = '- type: question\n  id: q\n  prompt: Gateway?\n  answer: { kind: router, name: r, attribute: gateway_ip }';
  const s = session('network-node', ['neutron net-create pub --router:external=True', 'neutron subnet-create pub 180.180.180.0/24 --name ps', 'openstack router create r', 'openstack router set --external-gateway pub r']);
  const gw = () => (s.cloud.routers.find((r) => r.name === 'r')?.gateway?.externalFixedIps[0]?.ipAddress ?? '');
  it('accepts the gateway copied from ip a, with /24', () => {
    expect(one(q, s, { answers: { q: `${gw()}/24` } })).toMatchObject({ passed: true, state: 'pass', why: `${gw()}/24 is right` });
  });
  it('refuses the upstream gateway with a prefix', () => {
    expect(one(q, s, { answers: { q: '180.180.180.1/24' } })).toMatchObject({ passed: false, state: 'fail', why: '180.180.180.1/24 is not the right answer' });
  });
  it("lab 03's full address of ::beef, typed with upper-case hex and its /64", () => {
    const lab = labFor(loadLabs().find((l) => l.id === 'ipv6-dual-stack') ?? (undefined as never), 'x');
    const t = session('public-cloud', lab.steps.flatMap((st) => st.solution), 303);
    const addr = t.cloud.ports.find((p) => p.name === 'v6-port1')?.fixedIps[0]?.ipAddress ?? '';
    expect(addr).toMatch(/::beef$/);
    const r = grade(lab, t.cloud, t.commands, { answers: { 'beef-address': `${addr.toUpperCase()}/64` } });
    expect(r.steps.at(-1)?.checks.find((c) => c.id === 'beef-address')?.passed).toBe(true);
    const miss = grade(lab, t.cloud, t.commands, { answers: { 'beef-address': addr.replace(/beef$/, 'cafe') } });
    expect(miss.steps.at(-1)?.checks.find((c) => c.id === 'beef-address')?.passed).toBe(false);
  });
});
