/**
 * `openstack server stop|start` (OSC 6.0.0 over novaclient, Nova 26 Zed): not in the oracle, so
 * written from the upstream source — OSC's loop stops at the first error (those before it stay
 * changed); Nova's os-stop wants vm_state active or error, os-start vm_state stopped, else
 * raise_http_conflict_for_instance_invalid_state's 409.
 */
import { describe, expect, it } from 'vitest';
import { runScript } from '../../server/shell/script.js';

const BOOT = 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1';
const run = (lines: string[]) => runScript(lines, { fixture: 'public-cloud', seed: 5 });
const REQ_ID = /\(Request-ID: req-[0-9a-f-]{36}\)/;

describe('openstack server stop|start', () => {
  it('stops: SHUTOFF, vm_state stopped, power Shutdown, ports DOWN; start brings it all back', () => {
    const t = run([
      `${BOOT} --network ext-net1 web1 -f value -c id`,
      'openstack server stop web1',
      'openstack server show web1 -f value -c status -c OS-EXT-STS:vm_state -c OS-EXT-STS:power_state -c OS-EXT-STS:task_state',
      'openstack server list -f value -c Name -c Status',
      'openstack server list --long -f value -c Status -c "Power State"',
      'openstack server list --status SHUTOFF -f value -c Name',
      'openstack port list --server web1 -f value -c Status',
      'openstack server start web1',
      'openstack server show web1 -f value -c status -c OS-EXT-STS:vm_state -c OS-EXT-STS:power_state',
      'openstack port list --server web1 -f value -c Status',
    ]);
    expect(t.map((e) => [e.stderr, e.exitCode])).toEqual(t.map(() => ['', 0]));
    expect(t[1]?.stdout).toBe('');
    // -f value prints Nova's power state integer (4: SHUTDOWN, 1: RUNNING), as OSC 6.0 does.
    expect(t[2]?.stdout).toBe('4\nNone\nstopped\nSHUTOFF\n');
    expect(t[3]?.stdout).toBe('web1 SHUTOFF\n');
    // OSC 6.0 appends a column for each -c naming one, even one --long has: Power State twice.
    expect(t[4]?.stdout).toBe('SHUTOFF 4 4\n');
    expect(t[5]?.stdout).toBe('web1\n');
    expect(t[6]?.stdout).toBe('DOWN\n');
    expect(t[7]?.stdout).toBe('');
    expect(t[8]?.stdout).toBe('1\nactive\nACTIVE\n');
    expect(t[9]?.stdout).toBe('ACTIVE\n');
  });

  it("gives Nova's 409 in novaclient's form when the vm_state does not allow it", () => {
    const t = run([
      `${BOOT} --network ext-net1 web1 -f value -c id`,
      'openstack server start web1',
      'openstack server stop web1',
      'openstack server stop web1',
    ]);
    const id = t[0]?.stdout.trim() ?? '';
    expect(t[1]?.stderr).toMatch(new RegExp(`^Cannot 'start' instance ${id} while it is in vm_state active \\(HTTP 409\\) ${REQ_ID.source}\\n$`));
    expect(t[3]?.stderr).toMatch(new RegExp(`^Cannot 'stop' instance ${id} while it is in vm_state stopped \\(HTTP 409\\) ${REQ_ID.source}\\n$`));
    expect([t[1]?.exitCode, t[2]?.exitCode, t[3]?.exitCode]).toEqual([1, 0, 1]);
  });

  it('takes several servers in turn and stops at the first error, keeping what it did', () => {
    const t = run([
      `${BOOT} --network ext-net1 web1 -f value -c id`,
      `${BOOT} --network ext-net1 web2 -f value -c id`,
      `${BOOT} --network ext-net1 web3 -f value -c id`,
      'openstack server stop web2',
      'openstack server stop web1 web2 web3',
      'openstack server list -f value -c Name -c Status',
      'openstack server stop web3 nosuch web1',
      'openstack server list -f value -c Name -c Status',
      'openstack server start web1 web2 web3',
      'openstack server list -f value -c Name -c Status',
    ]);
    expect(t[4]?.stderr).toMatch(/^Cannot 'stop' instance [0-9a-f-]{36} while it is in vm_state stopped \(HTTP 409\)/);
    expect(t[5]?.stdout).toBe('web3 ACTIVE\nweb2 SHUTOFF\nweb1 SHUTOFF\n');
    expect(t[6]?.stderr).toBe("No server with a name or ID of 'nosuch' exists.\n");
    expect(t[7]?.stdout).toBe('web3 SHUTOFF\nweb2 SHUTOFF\nweb1 SHUTOFF\n');
    expect(t[8]?.exitCode).toBe(0);
    expect(t[9]?.stdout).toBe('web3 ACTIVE\nweb2 ACTIVE\nweb1 ACTIVE\n');
  });

  it('prints its argparse usage and help as OSC 6.0.0', () => {
    const t = run(['openstack server stop', 'openstack server start --help']);
    expect(t[0]?.stderr).toBe('usage: openstack server stop [-h] [--all-projects] <server> [<server> ...]\nopenstack server stop: error: the following arguments are required: <server>\n');
    expect(t[0]?.exitCode).toBe(2);
    expect(t[1]?.stdout).toContain('usage: openstack server start [-h] [--all-projects] <server> [<server> ...]\n\nStart server(s).\n');
  });

  it('a stopped VM answers no ping, ssh or curl; started again, it does', () => {
    const t = run([
      'openstack security group rule create default --protocol tcp --dst-port 80 -f value -c id',
      'openstack security group rule create default --protocol tcp --dst-port 22 -f value -c id',
      'openstack security group rule create default --protocol icmp -f value -c id',
      `${BOOT} --key-name mykeypair --nic net-id=ext-net1,v4-fixed-ip=192.0.2.50 --user-data web-server.sh web1 -f value -c id`,
      'curl -s http://192.0.2.50/',
      'openstack server stop web1',
      'curl http://192.0.2.50/',
      'ping -c 1 -W 1 192.0.2.50',
      'ssh -o ConnectTimeout=3 cirros@192.0.2.50 hostname',
      'openstack server start web1',
      'curl -s http://192.0.2.50/',
      'ping -c 1 192.0.2.50',
    ]);
    expect(t[4]?.stdout).toBe('Welcome to web1\n');
    expect(t[6]).toMatchObject({ stdout: '', stderr: "curl: (7) Failed to connect to 192.0.2.50 port 80 after 3072 ms: Couldn't connect to server\n", exitCode: 7 });
    expect(t[7]?.stdout).toContain('1 packets transmitted, 0 received');
    expect(t[8]?.exitCode).toBe(255);
    expect(t[10]?.stdout).toBe('Welcome to web1\n');
    expect(t[11]?.stdout).toContain('1 packets transmitted, 1 received');
  });

  it('a start that fails leaves the server as it was', () => {
    // A stop or start that fails changes nothing: the cloud of the failed command is the one before.
    const t = run([`${BOOT} --network ext-net1 web1 -f value -c status`, 'openstack server start web1', 'openstack server show web1 -f value -c status -c updated']);
    const before = run([`${BOOT} --network ext-net1 web1 -f value -c status`, 'true', 'openstack server show web1 -f value -c status -c updated']);
    expect(t[2]?.stdout).toBe(before[2]?.stdout);
  });
});
