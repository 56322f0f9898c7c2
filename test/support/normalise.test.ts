import { describe, expect, it } from 'vitest';
import { fixedAddress, normaliseTranscript, parseCapture, reflowTables, type Entry } from './normalise.js';

const e = (command: string, stdout: string, stderr = '', exitCode = 0): Entry => ({ command, stdout, stderr, exitCode });

describe('parseCapture', () => {
  it('splits commands, stdout, [stderr] lines and exit codes, skipping header comments', () => {
    const text = [
      '# capture: x',
      '',
      '$ openstack network show n',
      'line 1',
      '',
      '[stderr] oops',
      '[stderr]',
      '[exit 1]',
      '',
      '$ echo hi',
      'hi',
      '[exit 0]',
      '',
    ].join('\n');
    expect(parseCapture(text).entries).toEqual([
      e('openstack network show n', 'line 1\n\n', 'oops\n\n', 1),
      e('echo hi', 'hi\n', '', 0),
    ]);
  });
});

describe('normaliseTranscript', () => {
  const U1 = '5c8d1e2a-0000-4000-8000-000000000001';
  const U2 = '9a0b3c4d-0000-4000-8000-000000000002';

  it('numbers UUIDs in order of first appearance across the whole transcript', () => {
    const out = normaliseTranscript([e('a', `${U2} ${U1}\n`), e('b', `${U1} ${U2}\n`)], '');
    expect(out.map((x) => x.stdout)).toEqual(['<ID1> <ID2>\n', '<ID2> <ID1>\n']);
  });

  it('is applied to each side independently, so two sides with different ids compare equal', () => {
    const a = normaliseTranscript([e('x', `id ${U1} net ${U2}\n`)], '');
    const b = normaliseTranscript([e('x', `id ${U2} net ${U1}\n`)], '');
    expect(a).toEqual(b);
    const c = normaliseTranscript([e('x', `id ${U1} net ${U1}\n`)], '');
    expect(c).not.toEqual(a);
  });

  it('replaces project ids, request ids, MACs, timestamps, segmentation ids and the endpoint', () => {
    const text = [
      'fake_project_id 0123456789abcdef0123456789abcdef',
      "Neutron server returns request_ids: ['req-0a1b2c3d-0000-4000-8000-00000000000a']",
      'fa:16:3e:12:34:56 fa:16:3e:ab:cd:ef fa:16:3e:12:34:56',
      '2026-11-22T13:00:01Z',
      '| provider:segmentation_id | 583 |',
      'Client Error for url: http://127.0.0.1:9704/v2.0/ports',
      'Client Error for url: http://controller:9696/v2.0/ports',
    ].join('\n');
    expect(normaliseTranscript([e('c', text)], '')[0]?.stdout).toBe(
      [
        '<PROJECT1> <PROJECT2>',
        "Neutron server returns request_ids: ['req-<REQ>']",
        '<MAC1> <MAC2> <MAC1>',
        '<TIME>',
        '| provider:segmentation_id | <SEG> |',
        'Client Error for url: <NEUTRON>/v2.0/ports',
        'Client Error for url: <NEUTRON>/v2.0/ports',
      ].join('\n'),
    );
  });

  it("replaces standard_attr_id values in every format (the oracle's SQLite reuses the highest after a delete)", () => {
    const text = `standard_attr_id='17'\n  "standard_attr_id": 17,\n  standard_attr_id: 17\n`;
    const [out] = normaliseTranscript([e('x', text)], '');
    expect(out?.stdout).toBe(`standard_attr_id='<N>'\n  "standard_attr_id": <N>,\n  standard_attr_id: <N>\n`);
  });

  it('replaces only randomly chosen addresses: not gateways, not .0/.1, not addresses the script gave', () => {
    const script = 'openstack port create --fixed-ip ip-address=10.0.0.20 p\nopenstack subnet create --subnet-range 10.0.0.0/24 s';
    const out = normaliseTranscript(
      [e('c', '10.0.0.1 10.0.0.0/24 10.0.0.20 10.0.0.2 10.0.0.124 203.0.113.7 10.0.0.2 2001:db8::1 2001:db8::f816:3eff:fe12:3456\n')],
      script,
    );
    // IPv6 addresses are numbered before IPv4 ones (the same on both sides).
    expect(out[0]?.stdout).toBe('10.0.0.1 10.0.0.0/24 10.0.0.20 <IP2> <IP3> <IP4> <IP2> 2001:db8::1 <IP1>\n');
  });

  it('does not mistake a prefix of a given address for the address itself', () => {
    expect(fixedAddress('10.0.0.2', 'ip-address=10.0.0.20')).toBe(false);
    expect(fixedAddress('10.0.0.2', 'ip-address=110.0.0.2')).toBe(false);
    expect(fixedAddress('10.0.0.2', 'ip-address=10.0.0.2,subnet=s')).toBe(true);
    expect(fixedAddress('10.0.0.2', '--gateway 10.0.0.2')).toBe(true);
    expect(fixedAddress('2001:db8::5', '--gateway 2001:db8::50')).toBe(false);
    expect(fixedAddress('10.9.9.1', '')).toBe(true);
  });

  it('puts unsorted list rows in a canonical order but keeps --sort-column order', () => {
    const t = (r1: string, r2: string) => `+----+------+\n| ID | Name |\n+----+------+\n| ${r1} |\n| ${r2} |\n+----+------+\n`;
    const a = normaliseTranscript([e('openstack network list', t(`${U1} | b   `, `${U2} | a   `))], '');
    const b = normaliseTranscript([e('openstack network list', t(`${U2} | a   `, `${U1} | b   `))], '');
    expect(a[0]?.stdout).toEqual(b[0]?.stdout);
    const s1 = normaliseTranscript([e('openstack network list --sort-column Name', t(`${U1} | b   `, `${U2} | a   `))], '');
    const s2 = normaliseTranscript([e('openstack network list --sort-column Name', t(`${U2} | a   `, `${U1} | b   `))], '');
    expect(s1[0]?.stdout).not.toEqual(s2[0]?.stdout);
  });

  it('gives excluded entries their own numbering so they do not shift the others', () => {
    const out = normaliseTranscript([e('a', `${U1}\n`), e('b', `${U2}\n`), e('c', `${U2}\n`)], '', new Set([0]));
    expect(out.map((x) => x.stdout)).toEqual(['<ID1>\n', '<ID1>\n', '<ID1>\n']);
  });
});

describe('reflowTables', () => {
  it('recomputes column widths after placeholders changed the cells', () => {
    const before = [
      '+-------+--------------------------------------+',
      '| Field | Value                                |',
      '+-------+--------------------------------------+',
      '| id    | <ID1>                                |',
      '| mtu   |                                 1450 |',
      '+-------+--------------------------------------+',
      'after',
    ].join('\n');
    expect(reflowTables(before)).toBe(
      ['+-------+-------+', '| Field | Value |', '+-------+-------+', '| id    | <ID1> |', '| mtu   |  1450 |', '+-------+-------+', 'after'].join(
        '\n',
      ),
    );
  });

  it('leaves text that is not a table alone', () => {
    const text = 'No Network found for x\n| not a table';
    expect(reflowTables(text)).toBe(text);
  });
});
