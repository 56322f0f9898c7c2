/**
 * `openstack console log show` on a cloud image (Debian, Ubuntu): cloud-init's lines as its code
 * lays them out (sim/dataplane/cloud-init.ts), from the guest's boot view; CirrOS keeps its own
 * (test/transcripts and the data-plane goldens).
 */
import { describe, expect, it } from 'vitest';
import { runScript } from '../server/shell/script.js';

const run = (lines: string[]) => runScript(lines, { fixture: 'public-cloud', seed: 5 });
const BOOT = 'openstack server create --flavor a1-ram2-disk20-perf1 --key-name mykeypair';

function consoleOf(image: string, nets: string, extra: string[] = []): string {
  const t = run([
    'openstack network create net2',
    'openstack subnet create --network net2 --subnet-range 10.0.2.0/24 sub2',
    `${BOOT} --image "${image}" ${nets} vm`,
    'openstack server list',
    ...extra,
    'openstack console log show vm',
  ]);
  return t.at(-1)?.stdout ?? '';
}

describe('a cloud image’s console: cloud-init', () => {
  it('Ubuntu with two NICs: the stages, the ci-info tables of both NICs and their routes, the host keys, the login prompt', () => {
    const log = consoleOf('Ubuntu 22.04 LTS Jammy Jellyfish', '--network ext-net1 --network net2');
    const lines = log.split('\n');
    expect(lines[0]).toMatch(/^\[ +\d+\.\d{6}\] cloud-init\[\d+\]: Cloud-init v\. 23\.1\.2-0ubuntu0~22\.04\.1 running 'init' at \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000\. Up \d+\.\d{2} seconds\.$/);
    const info = lines.filter((l) => l.includes('ci-info: ')).map((l) => l.replace(/^.*ci-info: /, ''));
    // SimpleTable: the title centred in '+', each cell centred (Python's str.center).
    expect(info[0]).toMatch(/^\++Net device info\++$/);
    expect(info[0]?.length).toBe(info[1]?.length);
    expect(info[2]).toMatch(/^\| Device \|  Up  \| +Address +\| +Mask +\| Scope  \|     Hw-Address    \|$/);
    expect(info.some((l) => /^\|  ens4  \| True \|\s+10\.0\.2\.\d+\s+\|  255\.255\.255\.0  \| global \| fa:16:3e(:[0-9a-f]{2}){3} \|$/.test(l))).toBe(true);
    expect(info.some((l) => /^\|   lo   \| True \| +127\.0\.0\.1 +\| +255\.0\.0\.0 +\|  host  \|         \.         \|$/.test(l))).toBe(true);
    const route = info.findIndex((l) => l.includes('Route IPv4 info'));
    expect(info.slice(route + 4, route + 6).map((l) => l.split('|').map((c) => c.trim()).filter((c) => c !== ''))).toEqual([
      ['0', '0.0.0.0', '192.0.2.1', '0.0.0.0', 'ens3', 'UG'],
      ['1', '0.0.0.0', '10.0.2.1', '0.0.0.0', 'ens4', 'UG'],
    ]);
    // net2 has no router: its metadata route points at the DHCP port, which serves it (isolated metadata).
    expect(info.some((l) => /\|\s+\d+\s+\|\s+169\.254\.169\.254\s+\|\s+10\.0\.2\.2\s+\|\s+255\.255\.255\.255\s+\|\s+ens4\s+\|\s+UGH\s+\|/.test(l))).toBe(true);
    expect(log).toMatch(/<14>\w{3} [ \d]\d \d{2}:\d{2}:\d{2} cloud-init: -----BEGIN SSH HOST KEY FINGERPRINTS-----\n(<14>.* cloud-init: \d+ SHA256:[A-Za-z0-9+/]{43} root@vm \((ECDSA|ED25519|RSA)\)\n){3}/);
    expect(log).toMatch(/\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} root@vm\n/);
    expect(log).toMatch(/Datasource DataSourceOpenStackLocal \[net,ver=2\]\.  Up \d+\.\d{2} seconds\n\nUbuntu 22\.04\.3 LTS vm ttyS0\n\nvm login: \n$/);
    // Two looks agree (the keys come from the server's id).
    expect(consoleOf('Ubuntu 22.04 LTS Jammy Jellyfish', '--network ext-net1 --network net2')).toBe(log);
  });

  it('Ubuntu on a network of two subnets: the on-link route to the other one in the boot’s table (no gateway, flags U)', () => {
    const log = consoleOf('Ubuntu 22.04 LTS Jammy Jellyfish', '--network ext-net1 --network net2', ['openstack subnet create --network net2 --subnet-range 10.0.3.0/24 sub3']);
    const info = log.split('\n').filter((l) => l.includes('ci-info: ')).map((l) => l.replace(/^.*ci-info: /, ''));
    expect(info.some((l) => /\|\s+\d+\s+\|\s+10\.0\.3\.0\s+\|\s+0\.0\.0\.0\s+\|\s+255\.255\.255\.0\s+\|\s+ens4\s+\|\s+U\s+\|/.test(l))).toBe(true);
  });

  it('Debian with two NICs: dhclient’s routes at boot, one default (the second NIC’s is a duplicate), no host route to the gateway', () => {
    const log = consoleOf('Debian 11 bullseye', '--network ext-net1 --network net2');
    const info = log.split('\n').filter((l) => l.includes('ci-info: ')).map((l) => l.replace(/^.*ci-info: /, ''));
    const route = info.findIndex((l) => l.includes('Route IPv4 info'));
    const end = info.findIndex((l, i) => i > route + 3 && l.startsWith('+'));
    expect(info.slice(route + 4, end).map((l) => l.split('|').map((c) => c.trim()).filter((c) => c !== '').slice(1).join(' '))).toEqual([
      '0.0.0.0 192.0.2.1 0.0.0.0 ens3 UG',
      '10.0.2.0 0.0.0.0 255.255.255.0 ens4 U',
      '169.254.169.254 192.0.2.2 255.255.255.255 ens3 UGH',
      '192.0.2.0 0.0.0.0 255.255.255.128 ens3 U',
    ]);
  });

  it('Debian on the IPv6-only network: no metadata service, so the fallback datasource; with a config drive, the drive', () => {
    const none = consoleOf('Debian 11 bullseye', '--network ext-v6only1');
    expect(none).toMatch(/cloud-init\[\d+\]: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} - cc_final_message\.py\[WARNING\]: Used fallback datasource\n/);
    expect(none).toMatch(/Cloud-init v\. 20\.4\.1 finished at .*\. Datasource DataSourceNone\.  Up .*\n\nDebian GNU\/Linux 11 vm ttyS0\n\nvm login: \n$/);
    // No IPv4 route: cloud-init prints no IPv4 table.
    expect(none).not.toContain('Route IPv4 info');
    const drive = consoleOf('debian-10.8-openstack-amd64.raw', '--network ext-v6only1 --use-config-drive');
    expect(drive).toMatch(/Cloud-init v\. 20\.2 finished at .*\. Datasource DataSourceConfigDrive \[net,ver=2\]\[source=\/dev\/sr0\]\.  Up .*\n\nDebian GNU\/Linux 10 vm ttyS0\n/);
  });

  it('a NIC hot-plugged after boot is not in the boot’s tables; CirrOS keeps its console', () => {
    const log = consoleOf('Ubuntu 22.04 LTS Jammy Jellyfish', '--network ext-net1', ['openstack server add network vm net2']);
    expect(log).not.toMatch(/\|\s+ens4\s+\|/);
    const cirros = consoleOf('CirrOS 5.2', '--network net2');
    expect(cirros).toContain('=== cirros: current=0.5.2');
    expect(cirros).not.toContain('ci-info');
  });
});
