/**
 * The web-server script on the laptop and `openstack server create --user-data FILE` (OSC 6.0.0
 * opens the file itself, before any request: io.open's errors in its CommandError).
 */
import { describe, expect, it } from 'vitest';
import { runScript } from '../../server/shell/script.js';
import { WEB_SERVER_SH } from '../../server/cli/linux/files.js';

const BOOT = 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network ext-net1';
const run = (lines: string[]) => runScript(lines, { fixture: 'public-cloud', seed: 5 });

describe('~/web-server.sh on the laptop', () => {
  it('cat shows it, by every path a shell would take to it', () => {
    const t = run(['cat web-server.sh', 'cat ./web-server.sh', 'cat ~/web-server.sh', 'cat /home/taylor/web-server.sh', 'cat /etc/web-server.sh']);
    expect(t.slice(0, 4).map((e) => [e.stdout, e.exitCode])).toEqual(Array(4).fill([WEB_SERVER_SH, 0]));
    expect(t[4]?.stderr).toBe('cat: /etc/web-server.sh: No such file or directory\n');
    expect(WEB_SERVER_SH).toBe('#!/bin/sh\n# A tiny web server on port 80 that answers with the host name (for load-balancer labs).\n'
      + '# Boot a VM with it: openstack server create ... --user-data web-server.sh\n'
      + 'while true; do echo -e "HTTP/1.0 200 OK\\r\\n\\r\\nWelcome to $(hostname)" | sudo nc -l -p 80; done &\n');
  });
});

describe('openstack server create --user-data', () => {
  it('boots with the file as user data', () => {
    const t = run([`${BOOT} --user-data ~/web-server.sh web1 -f value -c status`, 'openstack server list -f value -c Name -c Status']);
    expect(t.map((e) => [e.stdout, e.stderr])).toEqual([['BUILD\n', ''], ['web1 ACTIVE\n', '']]);
  });

  it("a file that is not there, or a directory: OSC's message, and no server", () => {
    const t = run([`${BOOT} --user-data nope.sh web1`, `${BOOT} --user-data /etc web1`, `${BOOT} --user-data . web1`, 'openstack server list -f value -c Name']);
    expect([t[0]?.stderr, t[0]?.exitCode]).toEqual(["Can't open 'nope.sh': [Errno 2] No such file or directory: 'nope.sh'\n", 1]);
    expect(t[1]?.stderr).toBe("Can't open '/etc': [Errno 21] Is a directory: '/etc'\n");
    expect(t[2]?.stderr).toBe("Can't open '.': [Errno 21] Is a directory: '.'\n");
    expect(t[3]?.stdout).toBe('');
  });

  it('needs its argument (argparse)', () => {
    const t = run([`${BOOT} web1 --user-data`]);
    expect(t[0]?.stderr).toMatch(/\nopenstack server create: error: argument --user-data: expected one argument\n$/);
    expect(t[0]?.exitCode).toBe(2);
  });
});
