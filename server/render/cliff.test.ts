/**
 * cliff 4.0 / prettytable 3.6 formatters. Every expected string below is written out in full; the
 * ones marked "real" were printed by python-openstackclient 6.0.0 against the Neutron oracle
 * (captures/*.txt or a run of the real CLI with the same data).
 */
import { describe, expect, it } from 'vitest';
import {
  prettyTable,
  renderList,
  renderShow,
  strWidth,
  type ListData,
  type ShowData,
} from './cliff.js';
import { formatted, pyRepr, pyStr, type CellValue, type PyValue } from './pyvalue.js';
import { fill, wrap } from './textwrap.js';
import { safeDump } from './yaml.js';

const text = (lines: string[]): string => `${lines.join('\n')}\n`;
/** OSC's ListColumn: sorted items joined by ", " for people, the list for machines. */
const listCol = (items: string[]): CellValue => formatted([...items].sort().join(', '), items);

// ---- real data from the oracle ---------------------------------------------------------------

const networks: ListData = {
  headers: ['ID', 'Name', 'Subnets'],
  rows: [
    ['21ebb6c8-eaff-4a81-ad98-d6c6a73a8ba1', '123', listCol([])],
    ['38a320a8-d868-4827-8266-8e73b1b1b733', 'yes', listCol([])],
    [
      '8757e6b4-98c4-48e2-a14f-b71483e6b354',
      'pub',
      listCol(['5c412ef3-eb6c-4cc0-8aae-b42d2a2c7722']),
    ],
    ['9974aa19-bc03-461f-9bef-b12c57b1eb88', 'a: b', listCol([])],
    ['ba9668ca-18ee-43ab-8508-215526946d5b', '2024-01-01', listCol([])],
    ['c6b7e813-1f6d-4199-a1fd-b585b4217a1a', 'n2', listCol([])],
    [
      'd1f1ab52-5bdd-4c6b-a3cb-712a56a29cfe',
      'net1',
      listCol(['eabacff9-20a1-4e08-a60c-33a39fa192fd']),
    ],
  ],
};

const gw = {
  network_id: '8757e6b4-98c4-48e2-a14f-b71483e6b354',
  external_fixed_ips: [
    { subnet_id: '5c412ef3-eb6c-4cc0-8aae-b42d2a2c7722', ip_address: '203.0.113.2' },
  ],
  enable_snat: true,
};
const ifaces = [
  {
    port_id: '29bafd26-2479-4c50-becd-53addf0a2e10',
    ip_address: '10.0.0.1',
    subnet_id: 'eabacff9-20a1-4e08-a60c-33a39fa192fd',
  },
];
const router: ShowData = {
  fields: [
    ['admin_state_up', formatted('UP', true)],
    ['availability_zone_hints', listCol([])],
    ['availability_zones', listCol([])],
    ['created_at', '2026-11-22T13:16:42Z'],
    ['description', ''],
    ['distributed', false],
    ['enable_ndp_proxy', null],
    [
      'external_gateway_info',
      formatted(
        '{"network_id": "8757e6b4-98c4-48e2-a14f-b71483e6b354", "external_fixed_ips": [{"subnet_id": "5c412ef3-eb6c-4cc0-8aae-b42d2a2c7722", "ip_address": "203.0.113.2"}], "enable_snat": true}',
        gw,
      ),
    ],
    ['flavor_id', null],
    ['ha', false],
    ['id', 'a51ffbf8-a110-4a40-b9e4-f895d5091858'],
    [
      'interfaces_info',
      formatted(
        '[{"port_id": "29bafd26-2479-4c50-becd-53addf0a2e10", "ip_address": "10.0.0.1", "subnet_id": "eabacff9-20a1-4e08-a60c-33a39fa192fd"}]',
        ifaces,
      ),
    ],
    ['name', 'r1'],
    ['project_id', 'fake_project_id'],
    ['revision_number', 4],
    ['routes', formatted('', [])],
    ['status', 'ACTIVE'],
    ['tags', listCol([])],
    ['tenant_id', 'fake_project_id'],
    ['updated_at', '2026-11-22T13:16:49Z'],
  ],
};

const SUB_PUB = '5c412ef3-eb6c-4cc0-8aae-b42d2a2c7722';
const SUB1 = 'eabacff9-20a1-4e08-a60c-33a39fa192fd';
const fixedIps = (ips: Array<[string, string]>): CellValue =>
  formatted(
    ips.map(([ip, sub]) => `ip_address='${ip}', subnet_id='${sub}'`).join('\n'),
    ips.map(([ip, sub]) => ({ subnet_id: sub, ip_address: ip })),
  );
const ports: ListData = {
  headers: [
    'ID',
    'Name',
    'MAC Address',
    'Fixed IP Addresses',
    'Status',
    'Security Groups',
    'Device Owner',
    'Tags',
  ],
  rows: [
    [
      '0bc7d0a8-1e54-49d7-99b2-44d81848cc0c',
      '',
      'fa:16:3e:5e:61:46',
      fixedIps([['203.0.113.2', SUB_PUB]]),
      'DOWN',
      null,
      'network:router_gateway',
      listCol([]),
    ],
    [
      '29bafd26-2479-4c50-becd-53addf0a2e10',
      '',
      'fa:16:3e:e3:85:fe',
      fixedIps([['10.0.0.1', SUB1]]),
      'DOWN',
      null,
      'network:router_interface',
      listCol([]),
    ],
    [
      '70199b58-a215-4fb3-a462-0067c692203e',
      'p1',
      'fa:16:3e:1a:63:9f',
      fixedIps([
        ['10.0.0.5', SUB1],
        ['10.0.0.6', SUB1],
      ]),
      'DOWN',
      null,
      '',
      listCol([]),
    ],
  ],
};
const short = ['ID', 'Name', 'MAC Address', 'Fixed IP Addresses', 'Status'];
const shortPorts: ListData = { headers: short, rows: ports.rows.map((r) => r.slice(0, 5)) };

const pools = (start: string, end: string): CellValue =>
  formatted(`${start}-${end}`, [{ start, end }]);
const subnets: ListData = {
  headers: [
    'ID',
    'Name',
    'Network',
    'Subnet',
    'Project',
    'DHCP',
    'Name Servers',
    'Allocation Pools',
    'Host Routes',
    'IP Version',
    'Gateway',
    'Service Types',
    'Tags',
  ],
  rows: [
    [
      SUB_PUB,
      'pubsub',
      '8757e6b4-98c4-48e2-a14f-b71483e6b354',
      '203.0.113.0/24',
      'fake_project_id',
      false,
      listCol([]),
      pools('203.0.113.2', '203.0.113.254'),
      formatted('', []),
      4,
      '203.0.113.1',
      listCol([]),
      listCol([]),
    ],
    [
      SUB1,
      'sub1',
      'd1f1ab52-5bdd-4c6b-a3cb-712a56a29cfe',
      '10.0.0.0/24',
      'fake_project_id',
      true,
      listCol([]),
      pools('10.0.0.2', '10.0.0.254'),
      formatted('', []),
      4,
      '10.0.0.1',
      listCol([]),
      listCol([]),
    ],
  ],
};

describe('table formatter', () => {
  it('network list (real)', () => {
    expect(
      renderList({ headers: networks.headers, rows: [networks.rows[6] as CellValue[]] }),
    ).toEqual({
      stdout: text([
        '+--------------------------------------+------+--------------------------------------+',
        '| ID                                   | Name | Subnets                              |',
        '+--------------------------------------+------+--------------------------------------+',
        '| d1f1ab52-5bdd-4c6b-a3cb-712a56a29cfe | net1 | eabacff9-20a1-4e08-a60c-33a39fa192fd |',
        '+--------------------------------------+------+--------------------------------------+',
      ]),
      stderr: '',
      exitCode: 0,
    });
  });

  it('port list with a multi-line Fixed IP Addresses cell (real)', () => {
    const data: ListData = {
      headers: ['ID', 'Fixed IP Addresses'],
      rows: [[ports.rows[2]?.[0] ?? null, ports.rows[2]?.[3] ?? null]],
    };
    expect(renderList(data).stdout).toBe(
      text([
        '+--------------------------------------+-------------------------------------------------------------------------+',
        '| ID                                   | Fixed IP Addresses                                                      |',
        '+--------------------------------------+-------------------------------------------------------------------------+',
        "| 70199b58-a215-4fb3-a462-0067c692203e | ip_address='10.0.0.5', subnet_id='eabacff9-20a1-4e08-a60c-33a39fa192fd' |",
        "|                                      | ip_address='10.0.0.6', subnet_id='eabacff9-20a1-4e08-a60c-33a39fa192fd' |",
        '+--------------------------------------+-------------------------------------------------------------------------+',
      ]),
    );
  });

  it('router show with long JSON values (real)', () => {
    expect(renderShow(router).stdout).toBe(text(RS));
  });

  it('show table with a multi-line value (real network create)', () => {
    const out = renderShow({
      fields: [
        ['description', 'line1\nline2'],
        ['dns_domain', null],
        ['mtu', 1450],
        ['name', 'yes'],
      ],
    }).stdout;
    expect(out).toBe(
      text([
        '+-------------+-------+',
        '| Field       | Value |',
        '+-------------+-------+',
        '| description | line1 |',
        '|             | line2 |',
        '| dns_domain  | None  |',
        '| mtu         | 1450  |',
        '| name        | yes   |',
        '+-------------+-------+',
      ]),
    );
  });

  it('right-aligns int columns (and their headers) from the first row; bools stay left', () => {
    const flavors: ListData = {
      headers: ['ID', 'Name', 'RAM', 'Disk', 'Ephemeral', 'VCPUs', 'Is Public'],
      rows: [
        ['1', 'm1.tiny', 512, 1, 0, 1, true],
        ['2', 'm1.small', 2048, 20, 0, 1, true],
      ],
    };
    expect(renderList(flavors).stdout).toBe(
      text([
        '+----+----------+------+------+-----------+-------+-----------+',
        '| ID | Name     |  RAM | Disk | Ephemeral | VCPUs | Is Public |',
        '+----+----------+------+------+-----------+-------+-----------+',
        '| 1  | m1.tiny  |  512 |    1 |         0 |     1 | True      |',
        '| 2  | m1.small | 2048 |   20 |         0 |     1 | True      |',
        '+----+----------+------+------+-----------+-------+-----------+',
      ]),
    );
  });

  it('a None in the first row keeps the column left-aligned', () => {
    expect(
      renderList({
        headers: ['Port', 'Size'],
        rows: [
          ['a', null],
          ['b', 10000],
        ],
      }).stdout,
    ).toBe(
      text([
        '+------+-------+',
        '| Port | Size  |',
        '+------+-------+',
        '| a    | None  |',
        '| b    | 10000 |',
        '+------+-------+',
      ]),
    );
  });

  it('floats are right-aligned and printed like Python', () => {
    expect(
      renderList({
        headers: ['Name', 'Ratio'],
        rows: [
          ['x', 1.5],
          ['y', 0.00001],
        ],
      }).stdout,
    ).toBe(
      text([
        '+------+-------+',
        '| Name | Ratio |',
        '+------+-------+',
        '| x    |   1.5 |',
        '| y    | 1e-05 |',
        '+------+-------+',
      ]),
    );
  });

  it('an empty list prints one empty line; --print-empty prints the bare header (real)', () => {
    expect(renderList({ headers: ['ID', 'Name', 'Subnets'], rows: [] })).toEqual({
      stdout: '\n',
      stderr: '',
      exitCode: 0,
    });
    const empty = text([
      '+----+------+---------+',
      '| ID | Name | Subnets |',
      '+----+------+---------+',
      '+----+------+---------+',
    ]);
    expect(
      renderList({ headers: ['ID', 'Name', 'Subnets'], rows: [] }, { printEmpty: true }).stdout,
    ).toBe(empty);
    expect(
      renderList(
        { headers: ['ID', 'Name', 'Subnets'], rows: [] },
        { printEmpty: true, maxWidth: 10 },
      ).stdout,
    ).toBe(empty);
  });

  it('raw lists and dicts show as Python reprs; \\r\\n and \\r are normalised', () => {
    expect(
      renderShow({
        fields: [
          ['tags', []],
          ['props', { a: "it's", b: [1, null] }],
          ['desc', 'a\r\nb\rc'],
        ],
      }).stdout,
    ).toBe(
      text([
        '+-------+-------------------------------+',
        '| Field | Value                         |',
        '+-------+-------------------------------+',
        '| tags  | []                            |',
        "| props | {'a': \"it's\", 'b': [1, None]} |",
        '| desc  | a                             |',
        '|       | b c                           |',
        '+-------+-------------------------------+',
      ]),
    );
  });

  it('measures wide characters as two columns, like prettytable (real)', () => {
    const out = renderShow({
      fields: [
        ['description', 'é ünï 中文'],
        ['id', '9974aa19-bc03-461f-9bef-b12c57b1eb88'],
      ],
    }).stdout;
    expect(out.split('\n')[3]).toBe('| description | é ünï 中文                           |');
    expect(strWidth('中文')).toBe(4);
    expect(strWidth('a\tb')).toBe(-1);
  });
});

describe('--max-width / --fit-width (real outputs)', () => {
  it('network list --max-width 50 breaks UUIDs after hyphens', () => {
    expect(renderList(networks, { maxWidth: 50 }).stdout).toBe(text(NL50));
  });
  it('router show --max-width 60 (show minimum 16) wraps long JSON on spaces', () => {
    expect(renderShow(router, { maxWidth: 60 }).stdout).toBe(text(RS60));
  });
  it('router show --max-width 20: both columns held at the 16-char minimum', () => {
    expect(renderShow(router, { maxWidth: 20 }).stdout).toBe(text(RS20));
  });
  it('port list --max-width 60: a header wider than its cap keeps the column wide', () => {
    expect(renderList(shortPorts, { maxWidth: 60 }).stdout).toBe(text(PL60));
  });
  it('port list --max-width 30: columns never go below 8', () => {
    expect(renderList(shortPorts, { maxWidth: 30 }).stdout).toBe(text(PL30));
  });
  it('port list --long --max-width 100', () => {
    expect(renderList(ports, { maxWidth: 100 }).stdout).toBe(text(PL100));
  });
  it('subnet list --long --max-width 80 keeps the int column right-aligned', () => {
    expect(renderList(subnets, { maxWidth: 80 }).stdout).toBe(text(SL80));
  });
  it('--fit-width uses the terminal width; a table that fits is left alone, and without a terminal (piped) nothing is fitted', () => {
    expect(renderList(networks, { fitWidth: true, terminalWidth: 50 }).stdout).toBe(text(NL50));
    expect(renderList(networks, { fitWidth: true, terminalWidth: 200 }).stdout).toBe(
      renderList(networks).stdout,
    );
    expect(renderList(networks, { fitWidth: true, terminalWidth: 80 }).stdout).toBe(
      renderList(networks, { maxWidth: 80 }).stdout,
    );
    expect(renderList(networks, { fitWidth: true, terminalWidth: 80 }).stdout).not.toBe(renderList(networks).stdout);
    expect(renderList(networks, { fitWidth: true }).stdout).toBe(renderList(networks).stdout);
    expect(renderList(networks, { maxWidth: 0 }).stdout).toBe(renderList(networks).stdout);
  });
});

describe('-c and sorting', () => {
  it('selects columns by exact name, in the data order, ignoring unknown names (real)', () => {
    expect(
      renderList(
        { headers: networks.headers, rows: networks.rows.slice(5) },
        { columns: ['foo', 'Name', 'ID'] },
      ).stdout,
    ).toBe(
      text([
        '+--------------------------------------+------+',
        '| ID                                   | Name |',
        '+--------------------------------------+------+',
        '| c6b7e813-1f6d-4199-a1fd-b585b4217a1a | n2   |',
        '| d1f1ab52-5bdd-4c6b-a3cb-712a56a29cfe | net1 |',
        '+--------------------------------------+------+',
      ]),
    );
  });
  it('no recognised column: cliff 4.0 message, exit 1 (real)', () => {
    expect(renderList(networks, { columns: ['foo'] })).toEqual({
      stdout: '',
      stderr:
        "No recognized column names in ['foo']. Recognized columns are ('ID', 'Name', 'Subnets').\n",
      exitCode: 1,
    });
    expect(
      renderShow(
        {
          fields: [
            ['id', 'x'],
            ['name', 'n'],
          ],
        },
        { columns: ['foo', 'bar'], format: 'json' },
      ),
    ).toEqual({
      stdout: '',
      stderr:
        "No recognized column names in ['foo', 'bar']. Recognized columns are ('id', 'name').\n",
      exitCode: 1,
    });
    // cliff 4.0 matches case-sensitively.
    expect(renderList(networks, { columns: ['name'] }).exitCode).toBe(1);
  });
  it('--sort-column Name --sort-descending (real)', () => {
    expect(
      renderList(networks, {
        sortColumns: ['Name'],
        sortDescending: true,
        columns: ['Name', 'Subnets'],
      }).stdout,
    ).toBe(
      text([
        '+------------+--------------------------------------+',
        '| Name       | Subnets                              |',
        '+------------+--------------------------------------+',
        '| yes        |                                      |',
        '| pub        | 5c412ef3-eb6c-4cc0-8aae-b42d2a2c7722 |',
        '| net1       | eabacff9-20a1-4e08-a60c-33a39fa192fd |',
        '| n2         |                                      |',
        '| a: b       |                                      |',
        '| 2024-01-01 |                                      |',
        '| 123        |                                      |',
        '+------------+--------------------------------------+',
      ]),
    );
  });
  it('sorts formatted cells by their machine value, stably; unknown sort columns are ignored (real)', () => {
    expect(
      renderList(networks, { sortColumns: ['Subnets'], format: 'value', columns: ['Name'] }).stdout,
    ).toBe('123\nyes\na: b\n2024-01-01\nn2\npub\nnet1\n');
    expect(
      renderList(networks, { sortColumns: ['Nope', 'Name'], format: 'value', columns: ['Name'] })
        .stdout,
    ).toBe('123\n2024-01-01\na: b\nn2\nnet1\npub\nyes\n');
  });
  it('None sorts last ascending and first descending; descending keeps ties in order', () => {
    const rows: ListData = {
      headers: ['Name', 'Shared'],
      rows: [
        ['b', true],
        ['a', null],
        ['c', false],
        ['d', true],
      ],
    };
    expect(renderList(rows, { format: 'value', sortColumns: ['Shared'] }).stdout).toBe(
      'c False\nb True\nd True\na None\n',
    );
    expect(
      renderList(rows, { format: 'value', sortColumns: ['Shared'], sortDescending: true }).stdout,
    ).toBe('a None\nb True\nd True\nc False\n');
    expect(
      renderList(rows, { format: 'value', sortColumns: ['Shared', 'Name'], sortDescending: true })
        .stdout,
    ).toBe('a None\nd True\nb True\nc False\n');
  });
  it('sorting happens before -c, on columns not shown', () => {
    expect(
      renderList(networks, {
        sortColumns: ['ID'],
        sortDescending: true,
        format: 'value',
        columns: ['Name'],
      }).stdout,
    ).toBe('net1\nn2\n2024-01-01\na: b\npub\nyes\n123\n');
  });
  it('unsortable types: warning, original order kept', () => {
    const rows: ListData = {
      headers: ['Name', 'Size'],
      rows: [
        ['a', 'big'],
        ['b', 3],
      ],
    };
    expect(renderList(rows, { format: 'value', sortColumns: ['Size', 'Name'] })).toEqual({
      stdout: 'a big\nb 3\n',
      // cliff 4.0 picks the name from the --sort-column list by the column's index.
      stderr: "Could not sort on field 'Name'; unsortable types\n",
      exitCode: 0,
    });
  });
});

describe('machine formatters', () => {
  it('json list: header keys, machine values, indent 2 (real)', () => {
    expect(
      renderList(
        { headers: networks.headers, rows: [networks.rows[6] as CellValue[]] },
        { format: 'json' },
      ).stdout,
    ).toBe(
      text([
        '[',
        '  {',
        '    "ID": "d1f1ab52-5bdd-4c6b-a3cb-712a56a29cfe",',
        '    "Name": "net1",',
        '    "Subnets": [',
        '      "eabacff9-20a1-4e08-a60c-33a39fa192fd"',
        '    ]',
        '  }',
        ']',
      ]),
    );
    expect(renderList({ headers: networks.headers, rows: [] }, { format: 'json' }).stdout).toBe(
      '[]\n',
    );
  });
  it('json --noindent: one line with ", " and ": " (real)', () => {
    const data: ListData = {
      headers: ['Name', 'Shared', 'Subnets'],
      rows: [
        ['123', false, listCol([])],
        ['net1', false, listCol([SUB1])],
      ],
    };
    expect(renderList(data, { format: 'json', noindent: true }).stdout).toBe(
      '[{"Name": "123", "Shared": false, "Subnets": []}, {"Name": "net1", "Shared": false, "Subnets": ["eabacff9-20a1-4e08-a60c-33a39fa192fd"]}]\n',
    );
  });
  it('json show: nested objects keep their key order; ensure_ascii (real)', () => {
    expect(
      renderShow(
        {
          fields: [
            ['allocation_pools', pools('10.0.0.2', '10.0.0.254')],
            ['cidr', '10.0.0.0/24'],
            ['gateway_ip', '10.0.0.1'],
          ],
        },
        { format: 'json' },
      ).stdout,
    ).toBe(
      text([
        '{',
        '  "allocation_pools": [',
        '    {',
        '      "start": "10.0.0.2",',
        '      "end": "10.0.0.254"',
        '    }',
        '  ],',
        '  "cidr": "10.0.0.0/24",',
        '  "gateway_ip": "10.0.0.1"',
        '}',
      ]),
    );
    expect(
      renderShow(
        {
          fields: [
            ['description', 'é ünï 中文'],
            ['name', 'a: b'],
          ],
        },
        { format: 'json' },
      ).stdout,
    ).toBe(
      text([
        '{',
        '  "description": "\\u00e9 \\u00fcn\\u00ef \\u4e2d\\u6587",',
        '  "name": "a: b"',
        '}',
      ]),
    );
    expect(
      renderShow(
        {
          fields: [
            ['d', 'line1\nline2'],
            ['f', 1.5],
            ['n', null],
            ['x', '\x7f'],
          ],
        },
        { format: 'json', noindent: true },
      ).stdout,
    ).toBe('{"d": "line1\\nline2", "f": 1.5, "n": null, "x": "\\u007f"}\n');
  });
  it('yaml list: keys sorted, nested lists of maps (real port list -f yaml)', () => {
    const data: ListData = {
      headers: short,
      rows: [
        [
          '341945dc-6967-456a-a0de-a81a92009ac0',
          '',
          'fa:16:3e:87:eb:f3',
          fixedIps([['10.0.0.1', '4863350a-b29c-4aaf-9005-9999838b56cf']]),
          'DOWN',
        ],
      ],
    };
    expect(renderList(data, { format: 'yaml' }).stdout).toBe(
      text([
        '- Fixed IP Addresses:',
        '  - ip_address: 10.0.0.1',
        '    subnet_id: 4863350a-b29c-4aaf-9005-9999838b56cf',
        '  ID: 341945dc-6967-456a-a0de-a81a92009ac0',
        '  MAC Address: fa:16:3e:87:eb:f3',
        "  Name: ''",
        '  Status: DOWN',
      ]),
    );
    expect(renderList({ headers: ['ID'], rows: [] }, { format: 'yaml' }).stdout).toBe('[]\n');
  });
  it('yaml show: field order kept, implicit types quoted (real subnet create -f yaml)', () => {
    const fields: Array<[string, CellValue]> = [
      ['allocation_pools', pools('10.0.0.2', '10.0.0.254')],
      ['cidr', '10.0.0.0/24'],
      ['created_at', '2026-11-22T09:04:58Z'],
      ['description', ''],
      ['dns_nameservers', listCol(['8.8.8.8'])],
      ['dns_publish_fixed_ip', null],
      ['enable_dhcp', true],
      ['host_routes', formatted('', [])],
      ['ip_version', 4],
      ['name', 'sub1'],
      ['tags', []],
    ];
    expect(renderShow({ fields }, { format: 'yaml' }).stdout).toBe(
      text([
        'allocation_pools:',
        '- end: 10.0.0.254',
        '  start: 10.0.0.2',
        'cidr: 10.0.0.0/24',
        "created_at: '2026-11-22T09:04:58Z'",
        "description: ''",
        'dns_nameservers:',
        '- 8.8.8.8',
        'dns_publish_fixed_ip: null',
        'enable_dhcp: true',
        'host_routes: []',
        'ip_version: 4',
        'name: sub1',
        'tags: []',
      ]),
    );
    expect(
      renderShow(
        {
          fields: [
            ['name', 'net1'],
            ['mtu', 1450],
            ['router:external', formatted('Internal', false)],
          ],
        },
        { format: 'yaml' },
      ).stdout,
    ).toBe('name: net1\nmtu: 1450\nrouter:external: false\n');
  });
  it('yaml scalars: quoting, unicode escapes, line breaks and folding at 80 columns (real)', () => {
    const y = (v: PyValue) =>
      renderShow({ fields: [['description', v]] }, { format: 'yaml' }).stdout;
    expect(y('x,"y\'z back\\slash yes')).toBe('description: x,"y\'z back\\slash yes\n');
    expect(y('é ünï 中文')).toBe('description: "\\xE9 \\xFCn\\xEF \\u4E2D\\u6587"\n');
    expect(y('line1\nline2')).toBe("description: 'line1\n\n  line2'\n");
    expect(y(' lead')).toBe("description: ' lead'\n");
    expect(
      y(
        'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt',
      ),
    ).toBe(
      'description: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn\n  oooo pppp qqqq rrrr ssss tttt\n',
    );
    const cases: Array<[string, string]> = [
      ['123', "'123'"],
      ['yes', "'yes'"],
      ['2024-01-01', "'2024-01-01'"],
      ['a: b', "'a: b'"],
      ['null', "'null'"],
      ['1.5', "'1.5'"],
      ['52:54:00:12:34:56', "'52:54:00:12:34:56'"],
      ['fa:16:3e:87:eb:f3', 'fa:16:3e:87:eb:f3'],
      ["it's", "it's"],
      ["'q'", "'''q'''"],
      ['- x', "'- x'"],
      ['#x', "'#x'"],
      ['a #x', "'a #x'"],
      ['a#x', 'a#x'],
      ['tab\there', '"tab\\there"'],
      ['ends:', "'ends:'"],
      ['10.0.0.0/24', '10.0.0.0/24'],
    ];
    for (const [v, out] of cases) expect(y(v)).toBe(`description: ${out}\n`);
    expect(y(1.5)).toBe('description: 1.5\n');
    expect(y({ b: { d: [], c: {} }, a: [[1, 2], 'x'] })).toBe(
      'description:\n  a:\n  - - 1\n    - 2\n  - x\n  b:\n    c: {}\n    d: []\n',
    );
    expect(safeDump([])).toBe('[]\n');
  });
  it('value: one row per line, Python str() of machine values (real)', () => {
    expect(renderList(networks, { format: 'value', columns: ['Name', 'Subnets'] }).stdout).toBe(
      "123 []\nyes []\npub ['5c412ef3-eb6c-4cc0-8aae-b42d2a2c7722']\na: b []\n2024-01-01 []\nn2 []\nnet1 ['eabacff9-20a1-4e08-a60c-33a39fa192fd']\n",
    );
    expect(
      renderList(
        { headers: short, rows: shortPorts.rows.slice(1, 2) },
        { format: 'value', columns: ['Fixed IP Addresses'] },
      ).stdout,
    ).toBe("[{'subnet_id': 'eabacff9-20a1-4e08-a60c-33a39fa192fd', 'ip_address': '10.0.0.1'}]\n");
    expect(
      renderShow(
        {
          fields: [
            ['description', 'line1\nline2'],
            ['name', 'yes'],
            ['admin_state_up', formatted('UP', true)],
          ],
        },
        { format: 'value' },
      ).stdout,
    ).toBe('line1\nline2\nyes\nTrue\n');
    expect(renderList({ headers: ['ID'], rows: [] }, { format: 'value' }).stdout).toBe('');
  });
  it('shell: names lowercased, ":" "-" " " to "_", str values escaped, --prefix (real)', () => {
    expect(
      renderShow(
        {
          fields: [
            ['admin_state_up', formatted('UP', true)],
            ['availability_zone_hints', listCol([])],
            ['external_gateway_info', formatted('null', null)],
            ['revision_number', 1],
            ['router:external', formatted('Internal', false)],
            ['Fixed IP-Addresses', 'x'],
          ],
        },
        { format: 'shell' },
      ).stdout,
    ).toBe(
      'admin_state_up="True"\navailability_zone_hints="[]"\nexternal_gateway_info="None"\nrevision_number="1"\nrouter_external="False"\nfixed_ip_addresses="x"\n',
    );
    expect(
      renderShow(
        {
          fields: [
            ['description', 'x,"y\'z back\\slash yes'],
            ['name', 'net1'],
          ],
        },
        { format: 'shell', prefix: 'p_' },
      ).stdout,
    ).toBe('p_description="x,\\"y\'z back\\slash yes"\np_name="net1"\n');
    expect(
      renderShow({ fields: [['description', 'line1\nline2']] }, { format: 'shell' }).stdout,
    ).toBe('description="line1\nline2"\n');
    expect(
      renderShow(
        {
          fields: [
            ['a', 1],
            ['b c', 2],
          ],
        },
        { format: 'shell', variables: ['b_c'] },
      ).stdout,
    ).toBe('b_c="2"\n');
  });
  it('csv: nonnumeric by default, bools and ints bare, formatted cells as str() (real)', () => {
    const data: ListData = {
      headers: ['ID', 'Name', 'State', 'Shared', 'Subnets', 'Router Type', 'Tags'],
      rows: [
        [
          '29263065-4be9-49fc-9879-0b32da2f5cc8',
          'net1',
          formatted('UP', true),
          false,
          listCol(['4863350a-b29c-4aaf-9005-9999838b56cf']),
          formatted('Internal', false),
          listCol([]),
        ],
      ],
    };
    expect(renderList(data, { format: 'csv' }).stdout).toBe(
      '"ID","Name","State","Shared","Subnets","Router Type","Tags"\n"29263065-4be9-49fc-9879-0b32da2f5cc8","net1","True",False,"[\'4863350a-b29c-4aaf-9005-9999838b56cf\']","False","[]"\n',
    );
    expect(renderList({ headers: ['ID', 'Name'], rows: [] }, { format: 'csv' }).stdout).toBe(
      '"ID","Name"\n',
    );
  });
  it('csv --quote all / minimal / none / nonnumeric, as Python csv with escapechar "\\\\"', () => {
    const data: ListData = {
      headers: ['Name', 'Shared', 'N', 'Desc'],
      rows: [
        ['123', false, null, 'x,"y\'z back\\slash'],
        ['net1', true, 4, 'line1\nline2'],
      ],
    };
    expect(renderList(data, { format: 'csv', quote: 'all' }).stdout).toBe(
      '"Name","Shared","N","Desc"\n"123","False","","x,""y\'z back\\\\slash"\n"net1","True","4","line1\nline2"\n',
    );
    expect(renderList(data, { format: 'csv', quote: 'minimal' }).stdout).toBe(
      'Name,Shared,N,Desc\n123,False,,"x,""y\'z back\\\\slash"\nnet1,True,4,"line1\nline2"\n',
    );
    expect(renderList(data, { format: 'csv', quote: 'none' }).stdout).toBe(
      'Name,Shared,N,Desc\n123,False,,x\\,\\"y\'z back\\\\slash\nnet1,True,4,line1\\\nline2\n',
    );
    expect(renderList(data, { format: 'csv' }).stdout).toBe(
      '"Name","Shared","N","Desc"\n"123",False,"","x,""y\'z back\\\\slash"\n"net1",True,4,"line1\nline2"\n',
    );
    expect(
      renderList({ headers: ['N'], rows: [['']] }, { format: 'csv', quote: 'minimal' }).stdout,
    ).toBe('N\n""\n');
  });
  it('csv --quote none on subnet list --long (real)', () => {
    expect(renderList(subnets, { format: 'csv', quote: 'none' }).stdout).toBe(
      text([
        'ID,Name,Network,Subnet,Project,DHCP,Name Servers,Allocation Pools,Host Routes,IP Version,Gateway,Service Types,Tags',
        "5c412ef3-eb6c-4cc0-8aae-b42d2a2c7722,pubsub,8757e6b4-98c4-48e2-a14f-b71483e6b354,203.0.113.0/24,fake_project_id,False,[],[{'start': '203.0.113.2'\\, 'end': '203.0.113.254'}],[],4,203.0.113.1,[],[]",
        "eabacff9-20a1-4e08-a60c-33a39fa192fd,sub1,d1f1ab52-5bdd-4c6b-a3cb-712a56a29cfe,10.0.0.0/24,fake_project_id,True,[],[{'start': '10.0.0.2'\\, 'end': '10.0.0.254'}],[],4,10.0.0.1,[],[]",
      ]),
    );
  });
});

describe('python helpers', () => {
  it('str() and repr()', () => {
    expect(pyRepr([{ a: "it's" }, null, true, 1.5, 4, 'say "hi"', 'both \'"'])).toBe(
      "[{'a': \"it's\"}, None, True, 1.5, 4, 'say \"hi\"', 'both \\'\"']",
    );
    expect(pyStr('abc')).toBe('abc');
    expect(pyStr(null)).toBe('None');
    expect(pyStr({ k: 'v', a: [] })).toBe("{'k': 'v', 'a': []}");
    expect(pyRepr('a\\b\n\x01')).toBe("'a\\\\b\\n\\x01'");
    expect(pyRepr(0.1)).toBe('0.1');
    expect(pyRepr(2.5e-7)).toBe('2.5e-07');
    expect(pyRepr(-3)).toBe('-3');
  });
  it('textwrap: words, hyphens after letters only, long words chopped', () => {
    expect(fill('the quick brown fox jumps', 10)).toBe('the quick\nbrown fox\njumps');
    expect(wrap('network:router_interface', 13)).toEqual(['network:route', 'r_interface']);
    expect(wrap('well-known thing', 8)).toEqual(['well-', 'known', 'thing']);
    expect(wrap('8ad0da95-b280-4290-87cb-edfbc177b369', 16)).toEqual([
      '8ad0da95-b280-',
      '4290-87cb-',
      'edfbc177b369',
    ]);
    expect(wrap('   ', 2)).toEqual([]);
    // Checked against CPython 3.11 textwrap: em-dashes after word characters, and the space kept
    // before a long word chopped at zero columns left.
    expect(wrap('_#2024-01-0171.5nullx---2:"', 6)).toEqual([
      '_#2024',
      '-01-',
      '0171.5',
      'nullx',
      '---2:"',
    ]);
    expect(wrap("c don't hyphen-ated", 4)).toEqual(['c do', "n't ", 'hyph', 'en-', 'ated']);
  });
  it('prettyTable for the legacy CLIs', () => {
    expect(prettyTable(['id', 'name'], [['1', 'n']])).toBe(
      '+----+------+\n| id | name |\n+----+------+\n| 1  | n    |\n+----+------+\n',
    );
    expect(prettyTable(['Field', 'Value'], [['mtu', '1450']], ['l', 'r'])).toBe(
      '+-------+-------+\n| Field | Value |\n+-------+-------+\n| mtu   |  1450 |\n+-------+-------+\n',
    );
    expect(prettyTable(['id'], [])).toBe('');
  });
});

// ---- real outputs of `openstack ... --max-width N` on the data above ----------------------------

const NL50 = [
  '+-----------------+------------+-----------------+',
  '| ID              | Name       | Subnets         |',
  '+-----------------+------------+-----------------+',
  '| 21ebb6c8-eaff-  | 123        |                 |',
  '| 4a81-ad98-      |            |                 |',
  '| d6c6a73a8ba1    |            |                 |',
  '| 38a320a8-d868-  | yes        |                 |',
  '| 4827-8266-      |            |                 |',
  '| 8e73b1b1b733    |            |                 |',
  '| 8757e6b4-98c4-  | pub        | 5c412ef3-eb6c-  |',
  '| 48e2-a14f-      |            | 4cc0-8aae-      |',
  '| b71483e6b354    |            | b42d2a2c7722    |',
  '| 9974aa19-bc03-  | a: b       |                 |',
  '| 461f-9bef-      |            |                 |',
  '| b12c57b1eb88    |            |                 |',
  '| ba9668ca-18ee-  | 2024-01-01 |                 |',
  '| 43ab-8508-      |            |                 |',
  '| 215526946d5b    |            |                 |',
  '| c6b7e813-1f6d-  | n2         |                 |',
  '| 4199-a1fd-      |            |                 |',
  '| b585b4217a1a    |            |                 |',
  '| d1f1ab52-5bdd-  | net1       | eabacff9-20a1-  |',
  '| 4c6b-a3cb-      |            | 4e08-a60c-      |',
  '| 712a56a29cfe    |            | 33a39fa192fd    |',
  '+-----------------+------------+-----------------+',
];
const RS60 = [
  '+-------------------------+--------------------------------+',
  '| Field                   | Value                          |',
  '+-------------------------+--------------------------------+',
  '| admin_state_up          | UP                             |',
  '| availability_zone_hints |                                |',
  '| availability_zones      |                                |',
  '| created_at              | 2026-11-22T13:16:42Z           |',
  '| description             |                                |',
  '| distributed             | False                          |',
  '| enable_ndp_proxy        | None                           |',
  '| external_gateway_info   | {"network_id": "8757e6b4-98c4- |',
  '|                         | 48e2-a14f-b71483e6b354",       |',
  '|                         | "external_fixed_ips":          |',
  '|                         | [{"subnet_id": "5c412ef3-eb6c- |',
  '|                         | 4cc0-8aae-b42d2a2c7722",       |',
  '|                         | "ip_address": "203.0.113.2"}], |',
  '|                         | "enable_snat": true}           |',
  '| flavor_id               | None                           |',
  '| ha                      | False                          |',
  '| id                      | a51ffbf8-a110-4a40-b9e4-       |',
  '|                         | f895d5091858                   |',
  '| interfaces_info         | [{"port_id": "29bafd26-2479-   |',
  '|                         | 4c50-becd-53addf0a2e10",       |',
  '|                         | "ip_address": "10.0.0.1",      |',
  '|                         | "subnet_id": "eabacff9-20a1-   |',
  '|                         | 4e08-a60c-33a39fa192fd"}]      |',
  '| name                    | r1                             |',
  '| project_id              | fake_project_id                |',
  '| revision_number         | 4                              |',
  '| routes                  |                                |',
  '| status                  | ACTIVE                         |',
  '| tags                    |                                |',
  '| tenant_id               | fake_project_id                |',
  '| updated_at              | 2026-11-22T13:16:49Z           |',
  '+-------------------------+--------------------------------+',
];
const RS20 = [
  '+------------------+------------------+',
  '| Field            | Value            |',
  '+------------------+------------------+',
  '| admin_state_up   | UP               |',
  '| availability_zon |                  |',
  '| e_hints          |                  |',
  '| availability_zon |                  |',
  '| es               |                  |',
  '| created_at       | 2026-11-         |',
  '|                  | 22T13:16:42Z     |',
  '| description      |                  |',
  '| distributed      | False            |',
  '| enable_ndp_proxy | None             |',
  '| external_gateway | {"network_id": " |',
  '| _info            | 8757e6b4-98c4-   |',
  '|                  | 48e2-a14f-       |',
  '|                  | b71483e6b354", " |',
  '|                  | external_fixed_i |',
  '|                  | ps":             |',
  '|                  | [{"subnet_id": " |',
  '|                  | 5c412ef3-eb6c-   |',
  '|                  | 4cc0-8aae-       |',
  '|                  | b42d2a2c7722",   |',
  '|                  | "ip_address":    |',
  '|                  | "203.0.113.2"}], |',
  '|                  | "enable_snat":   |',
  '|                  | true}            |',
  '| flavor_id        | None             |',
  '| ha               | False            |',
  '| id               | a51ffbf8-a110-   |',
  '|                  | 4a40-b9e4-       |',
  '|                  | f895d5091858     |',
  '| interfaces_info  | [{"port_id": "29 |',
  '|                  | bafd26-2479-     |',
  '|                  | 4c50-becd-       |',
  '|                  | 53addf0a2e10",   |',
  '|                  | "ip_address":    |',
  '|                  | "10.0.0.1",      |',
  '|                  | "subnet_id": "ea |',
  '|                  | bacff9-20a1-     |',
  '|                  | 4e08-a60c-       |',
  '|                  | 33a39fa192fd"}]  |',
  '| name             | r1               |',
  '| project_id       | fake_project_id  |',
  '| revision_number  | 4                |',
  '| routes           |                  |',
  '| status           | ACTIVE           |',
  '| tags             |                  |',
  '| tenant_id        | fake_project_id  |',
  '| updated_at       | 2026-11-         |',
  '|                  | 22T13:16:49Z     |',
  '+------------------+------------------+',
];
const PL60 = [
  '+-------------+------+-------------+--------------------+--------+',
  '| ID          | Name | MAC Address | Fixed IP Addresses | Status |',
  '+-------------+------+-------------+--------------------+--------+',
  "| 0bc7d0a8-   |      | fa:16:3e:5e | ip_address='203.0. | DOWN   |",
  "| 1e54-49d7-  |      | :61:46      | 113.2', subnet_id= |        |",
  "| 99b2-       |      |             | '5c412ef3-eb6c-    |        |",
  '| 44d81848cc0 |      |             | 4cc0-8aae-         |        |',
  "| c           |      |             | b42d2a2c7722'      |        |",
  "| 29bafd26-   |      | fa:16:3e:e3 | ip_address='10.0.0 | DOWN   |",
  "| 2479-4c50-  |      | :85:fe      | .1', subnet_id='ea |        |",
  '| becd-       |      |             | bacff9-20a1-4e08-  |        |',
  "| 53addf0a2e1 |      |             | a60c-33a39fa192fd' |        |",
  '| 0           |      |             |                    |        |',
  "| 70199b58-   | p1   | fa:16:3e:1a | ip_address='10.0.0 | DOWN   |",
  "| a215-4fb3-  |      | :63:9f      | .5', subnet_id='ea |        |",
  '| a462-       |      |             | bacff9-20a1-4e08-  |        |',
  "| 0067c692203 |      |             | a60c-33a39fa192fd' |        |",
  "| e           |      |             | ip_address='10.0.0 |        |",
  "|             |      |             | .6', subnet_id='ea |        |",
  '|             |      |             | bacff9-20a1-4e08-  |        |',
  "|             |      |             | a60c-33a39fa192fd' |        |",
  '+-------------+------+-------------+--------------------+--------+',
];
const PL30 = [
  '+----------+------+-------------+--------------------+--------+',
  '| ID       | Name | MAC Address | Fixed IP Addresses | Status |',
  '+----------+------+-------------+--------------------+--------+',
  "| 0bc7d0a8 |      | fa:16:3e:5e | ip_address='203.0. | DOWN   |",
  "| -1e54-   |      | :61:46      | 113.2', subnet_id= |        |",
  "| 49d7-    |      |             | '5c412ef3-eb6c-    |        |",
  '| 99b2-    |      |             | 4cc0-8aae-         |        |',
  "| 44d81848 |      |             | b42d2a2c7722'      |        |",
  '| cc0c     |      |             |                    |        |',
  "| 29bafd26 |      | fa:16:3e:e3 | ip_address='10.0.0 | DOWN   |",
  "| -2479-   |      | :85:fe      | .1', subnet_id='ea |        |",
  '| 4c50-    |      |             | bacff9-20a1-4e08-  |        |',
  "| becd-    |      |             | a60c-33a39fa192fd' |        |",
  '| 53addf0a |      |             |                    |        |',
  '| 2e10     |      |             |                    |        |',
  "| 70199b58 | p1   | fa:16:3e:1a | ip_address='10.0.0 | DOWN   |",
  "| -a215-   |      | :63:9f      | .5', subnet_id='ea |        |",
  '| 4fb3-    |      |             | bacff9-20a1-4e08-  |        |',
  "| a462-    |      |             | a60c-33a39fa192fd' |        |",
  "| 0067c692 |      |             | ip_address='10.0.0 |        |",
  "| 203e     |      |             | .6', subnet_id='ea |        |",
  '|          |      |             | bacff9-20a1-4e08-  |        |',
  "|          |      |             | a60c-33a39fa192fd' |        |",
  '+----------+------+-------------+--------------------+--------+',
];
const PL100 = [
  '+--------------+------+--------------+--------------------+--------+-----------------+---------------+------+',
  '| ID           | Name | MAC Address  | Fixed IP Addresses | Status | Security Groups | Device Owner  | Tags |',
  '+--------------+------+--------------+--------------------+--------+-----------------+---------------+------+',
  "| 0bc7d0a8-    |      | fa:16:3e:5e: | ip_address='203.0. | DOWN   | None            | network:route |      |",
  "| 1e54-49d7-   |      | 61:46        | 113.2', subnet_id= |        |                 | r_gateway     |      |",
  "| 99b2-        |      |              | '5c412ef3-eb6c-    |        |                 |               |      |",
  '| 44d81848cc0c |      |              | 4cc0-8aae-         |        |                 |               |      |',
  "|              |      |              | b42d2a2c7722'      |        |                 |               |      |",
  "| 29bafd26-    |      | fa:16:3e:e3: | ip_address='10.0.0 | DOWN   | None            | network:route |      |",
  "| 2479-4c50-   |      | 85:fe        | .1', subnet_id='ea |        |                 | r_interface   |      |",
  '| becd-        |      |              | bacff9-20a1-4e08-  |        |                 |               |      |',
  "| 53addf0a2e10 |      |              | a60c-33a39fa192fd' |        |                 |               |      |",
  "| 70199b58-    | p1   | fa:16:3e:1a: | ip_address='10.0.0 | DOWN   | None            |               |      |",
  "| a215-4fb3-   |      | 63:9f        | .5', subnet_id='ea |        |                 |               |      |",
  '| a462-        |      |              | bacff9-20a1-4e08-  |        |                 |               |      |',
  "| 0067c692203e |      |              | a60c-33a39fa192fd' |        |                 |               |      |",
  "|              |      |              | ip_address='10.0.0 |        |                 |               |      |",
  "|              |      |              | .6', subnet_id='ea |        |                 |               |      |",
  '|              |      |              | bacff9-20a1-4e08-  |        |                 |               |      |',
  "|              |      |              | a60c-33a39fa192fd' |        |                 |               |      |",
  '+--------------+------+--------------+--------------------+--------+-----------------+---------------+------+',
];
const SL80 = [
  '+----------+--------+----------+----------+----------+-------+--------------+------------------+-------------+------------+----------+---------------+------+',
  '| ID       | Name   | Network  | Subnet   | Project  | DHCP  | Name Servers | Allocation Pools | Host Routes | IP Version | Gateway  | Service Types | Tags |',
  '+----------+--------+----------+----------+----------+-------+--------------+------------------+-------------+------------+----------+---------------+------+',
  '| 5c412ef3 | pubsub | 8757e6b4 | 203.0.11 | fake_pro | False |              | 203.0.113.2-     |             |          4 | 203.0.11 |               |      |',
  '| -eb6c-   |        | -98c4-   | 3.0/24   | ject_id  |       |              | 203.0.113.254    |             |            | 3.1      |               |      |',
  '| 4cc0-    |        | 48e2-    |          |          |       |              |                  |             |            |          |               |      |',
  '| 8aae-    |        | a14f-    |          |          |       |              |                  |             |            |          |               |      |',
  '| b42d2a2c |        | b71483e6 |          |          |       |              |                  |             |            |          |               |      |',
  '| 7722     |        | b354     |          |          |       |              |                  |             |            |          |               |      |',
  '| eabacff9 | sub1   | d1f1ab52 | 10.0.0.0 | fake_pro | True  |              | 10.0.0.2-        |             |          4 | 10.0.0.1 |               |      |',
  '| -20a1-   |        | -5bdd-   | /24      | ject_id  |       |              | 10.0.0.254       |             |            |          |               |      |',
  '| 4e08-    |        | 4c6b-    |          |          |       |              |                  |             |            |          |               |      |',
  '| a60c-    |        | a3cb-    |          |          |       |              |                  |             |            |          |               |      |',
  '| 33a39fa1 |        | 712a56a2 |          |          |       |              |                  |             |            |          |               |      |',
  '| 92fd     |        | 9cfe     |          |          |       |              |                  |             |            |          |               |      |',
  '+----------+--------+----------+----------+----------+-------+--------------+------------------+-------------+------------+----------+---------------+------+',
];
const RS = [
  '+-------------------------+-----------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------+',
  '| Field                   | Value                                                                                                                                                                                   |',
  '+-------------------------+-----------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------+',
  '| admin_state_up          | UP                                                                                                                                                                                      |',
  '| availability_zone_hints |                                                                                                                                                                                         |',
  '| availability_zones      |                                                                                                                                                                                         |',
  '| created_at              | 2026-11-22T13:16:42Z                                                                                                                                                                    |',
  '| description             |                                                                                                                                                                                         |',
  '| distributed             | False                                                                                                                                                                                   |',
  '| enable_ndp_proxy        | None                                                                                                                                                                                    |',
  '| external_gateway_info   | {"network_id": "8757e6b4-98c4-48e2-a14f-b71483e6b354", "external_fixed_ips": [{"subnet_id": "5c412ef3-eb6c-4cc0-8aae-b42d2a2c7722", "ip_address": "203.0.113.2"}], "enable_snat": true} |',
  '| flavor_id               | None                                                                                                                                                                                    |',
  '| ha                      | False                                                                                                                                                                                   |',
  '| id                      | a51ffbf8-a110-4a40-b9e4-f895d5091858                                                                                                                                                    |',
  '| interfaces_info         | [{"port_id": "29bafd26-2479-4c50-becd-53addf0a2e10", "ip_address": "10.0.0.1", "subnet_id": "eabacff9-20a1-4e08-a60c-33a39fa192fd"}]                                                    |',
  '| name                    | r1                                                                                                                                                                                      |',
  '| project_id              | fake_project_id                                                                                                                                                                         |',
  '| revision_number         | 4                                                                                                                                                                                       |',
  '| routes                  |                                                                                                                                                                                         |',
  '| status                  | ACTIVE                                                                                                                                                                                  |',
  '| tags                    |                                                                                                                                                                                         |',
  '| tenant_id               | fake_project_id                                                                                                                                                                         |',
  '| updated_at              | 2026-11-22T13:16:49Z                                                                                                                                                                    |',
  '+-------------------------+-----------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------+',
];

describe('float fields (a JS number cannot say it was a Python float)', () => {
  const data = { fields: [['http_version', 1] as [string, CellValue], ['delay', 5] as [string, CellValue]], floatFields: ['http_version'] };
  it('prints 1.0 in every format, and leaves other numbers as ints', () => {
    expect(renderShow(data, { format: 'json' }).stdout).toBe('{\n  "http_version": 1.0,\n  "delay": 5\n}\n');
    expect(renderShow(data, { format: 'yaml' }).stdout).toBe('http_version: 1.0\ndelay: 5\n');
    expect(renderShow(data, { format: 'value' }).stdout).toBe('1.0\n5\n');
    expect(renderShow(data, { format: 'shell' }).stdout).toBe('http_version="1.0"\ndelay="5"\n');
    expect(renderShow(data).stdout).toContain('| http_version | 1.0   |');
    expect(safeDump({ a: 2, b: 2 }, new Set(['b']))).toBe('a: 2\nb: 2.0\n');
  });
});
