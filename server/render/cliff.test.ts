import { describe, expect, it } from 'vitest';
import { prettyTable, renderList, renderShow } from './cliff.js';
import { formatted, pyRepr } from './pyvalue.js';
import { fill } from './textwrap.js';

const list = {
  headers: ['ID', 'Name', 'Subnets'],
  rows: [
    ['8ad0da95-b280-4290-87cb-edfbc177b369', 'private', formatted('8d56e189-b8f5-4b06-bd13-edc8e030ff9c', ['8d56e189-b8f5-4b06-bd13-edc8e030ff9c'])],
    ['055df738-98c5-4683-83d5-06da4d2d8184', 'public', formatted('', [])],
  ],
};

describe('table formatter', () => {
  it('draws prettytable borders and left-aligns strings', () => {
    expect(renderList(list).stdout).toBe(
      [
        '+--------------------------------------+---------+--------------------------------------+',
        '| ID                                   | Name    | Subnets                              |',
        '+--------------------------------------+---------+--------------------------------------+',
        '| 8ad0da95-b280-4290-87cb-edfbc177b369 | private | 8d56e189-b8f5-4b06-bd13-edc8e030ff9c |',
        '| 055df738-98c5-4683-83d5-06da4d2d8184 | public  |                                      |',
        '+--------------------------------------+---------+--------------------------------------+',
        '',
      ].join('\n'),
    );
  });
  it('right-aligns columns whose first value is a number (headers too)', () => {
    const out = renderList({ headers: ['ID', 'RAM', 'Is Public'], rows: [['1', 512, true], ['2', 2048, true]] }).stdout;
    expect(out.split('\n')[1]).toBe('| ID |  RAM | Is Public |');
    expect(out.split('\n')[3]).toBe('| 1  |  512 | True      |');
  });
  it('prints an empty line for an empty list, or the header with --print-empty', () => {
    expect(renderList({ headers: ['ID'], rows: [] }).stdout).toBe('\n');
    expect(renderList({ headers: ['ID', 'Name'], rows: [] }, { printEmpty: true }).stdout).toBe('+----+------+\n| ID | Name |\n+----+------+\n+----+------+\n');
  });
  it('spreads multi-line cells over rows', () => {
    const out = renderShow({ fields: [['fixed_ips', "ip_address='10.0.0.20'\nip_address='10.0.0.21'"], ['name', 'p1']] }).stdout;
    expect(out).toContain("| fixed_ips | ip_address='10.0.0.20' |\n|           | ip_address='10.0.0.21' |\n| name      | p1                     |");
  });
  it('wraps to --max-width like cliff, breaking UUIDs after hyphens', () => {
    const out = renderList(list, { maxWidth: 50 }).stdout.split('\n');
    expect(out[0]).toBe('+------------------+---------+-------------------+');
    expect(out[3]).toBe('| 8ad0da95-b280-   | private | 8d56e189-b8f5-    |');
    expect(out[4]).toBe('| 4290-87cb-       |         | 4b06-bd13-        |');
    expect(out[5]).toBe('| edfbc177b369     |         | edc8e030ff9c      |');
  });
});

describe('machine formatters', () => {
  it('json uses machine values, indent 2 or one line', () => {
    expect(renderList(list, { format: 'json', columns: ['Name', 'Subnets'] }).stdout).toBe(
      '[\n  {\n    "Name": "private",\n    "Subnets": [\n      "8d56e189-b8f5-4b06-bd13-edc8e030ff9c"\n    ]\n  },\n  {\n    "Name": "public",\n    "Subnets": []\n  }\n]\n',
    );
    expect(renderShow({ fields: [['a', 1], ['b', null]] }, { format: 'json', noindent: true }).stdout).toBe('{"a": 1, "b": null}\n');
  });
  it('value prints Python str() of machine values', () => {
    expect(renderList(list, { format: 'value' }).stdout).toBe(
      "8ad0da95-b280-4290-87cb-edfbc177b369 private ['8d56e189-b8f5-4b06-bd13-edc8e030ff9c']\n055df738-98c5-4683-83d5-06da4d2d8184 public []\n",
    );
  });
  it('shell quotes every value and renames fields', () => {
    expect(renderShow({ fields: [['router:external', formatted('Internal', false)], ['name', 'a "b"']] }, { format: 'shell', prefix: 'net_' }).stdout).toBe(
      'net_router_external="False"\nnet_name="a \\"b\\""\n',
    );
  });
  it('csv quotes non-numeric values and str()s formatted ones', () => {
    expect(renderList({ headers: ['Name', 'Shared', 'State', 'Tags'], rows: [['n1', false, formatted('UP', true), formatted('', [])]] }, { format: 'csv' }).stdout).toBe(
      '"Name","Shared","State","Tags"\n"n1",False,"True","[]"\n',
    );
  });
  it('yaml sorts keys and quotes what YAML 1.1 would misread', () => {
    expect(renderShow({ fields: [['name', ''], ['created_at', '2026-11-22T09:00:00Z'], ['cidr', '10.0.0.0/24'], ['pools', [{ start: '10.0.0.2', end: '10.0.0.254' }]], ['tags', []], ['x', 'yes']] }, { format: 'yaml' }).stdout).toBe(
      "cidr: 10.0.0.0/24\ncreated_at: '2026-11-22T09:00:00Z'\nname: ''\npools:\n- end: 10.0.0.254\n  start: 10.0.0.2\ntags: []\nx: 'yes'\n",
    );
  });
});

describe('-c and sorting', () => {
  it('rejects unknown columns with cliff 4.0 words', () => {
    expect(renderList(list, { columns: ['Foo'] })).toEqual({
      stdout: '',
      stderr: "No recognized column names in ['Foo']. Recognized columns are ('ID', 'Name', 'Subnets').\n",
      exitCode: 1,
    });
  });
  it('sorts on raw values, None last', () => {
    const rows = { headers: ['Name', 'Shared'], rows: [['b', true], ['a', null], ['c', false]] };
    expect(renderList(rows, { format: 'value', sortColumns: ['Shared'] }).stdout).toBe('c False\nb True\na None\n');
    expect(renderList(rows, { format: 'value', sortColumns: ['Name'], sortDescending: true }).stdout).toBe('c False\nb True\na None\n');
  });
});

describe('python helpers', () => {
  it('repr and textwrap behave like Python', () => {
    expect(pyRepr([{ a: "it's" }, null, true, 1.5])).toBe('[{\'a\': "it\'s"}, None, True, 1.5]');
    expect(fill('the quick brown fox jumps', 10)).toBe('the quick\nbrown fox\njumps');
  });
  it('prettyTable for the legacy CLIs', () => {
    expect(prettyTable(['id', 'name'], [['1', 'n']])).toBe('+----+------+\n| id | name |\n+----+------+\n| 1  | n    |\n+----+------+\n');
  });
});
