import { describe, expect, it } from 'vitest';
import type { Cloud } from '../model/cloud.js';
import type { Server } from '../model/compute.js';
import { createSession, runLine } from '../../shell/session.js';
import { WEB_SERVER_SH } from '../../cli/linux/files.js';
import { parseWebServers, vmHttp, vmWebServers, type HttpRequest } from './http.js';

const REQ: HttpRequest = { srcIp: '203.0.113.10', dstIp: '192.0.2.50', port: 80, method: 'GET', path: '/', host: '192.0.2.50', headers: {} };

/** A public-cloud VM booted on ext-net1 (it reaches the metadata service), ACTIVE. */
function cloudWith(image: string, userData: string | undefined, name = 'web1'): { cloud: Cloud; vm: Server } {
  let s = createSession({ fixture: 'public-cloud', seed: 5 });
  s = runLine(s, `openstack server create --image "${image}" --flavor a1-ram2-disk20-perf1 --network ext-net1 ${name}`).state;
  s = runLine(s, 'true').state;
  const vm = s.cloud.servers.find((x) => x.name === name) as Server;
  const withData: Server = userData === undefined ? vm : { ...vm, userData };
  return { cloud: { ...s.cloud, servers: s.cloud.servers.map((x) => (x.id === vm.id ? withData : x)) }, vm: withData };
}

describe('parseWebServers: the netcat loop of a user-data script', () => {
  it('finds the port and the text echo -e prints', () => {
    expect(parseWebServers(WEB_SERVER_SH)).toEqual([{ port: 80, text: 'HTTP/1.0 200 OK\\r\\n\\r\\nWelcome to $(hostname)', expands: true }]);
  });

  it('knows nc -lp PORT and single quotes, several ports, and skips comments', () => {
    const script = "#!/bin/sh\n# echo -e 'x' | nc -l -p 81\nwhile :; do echo -e 'HTTP/1.0 200 OK\\r\\n\\r\\nA' | nc -lp 8080; done &\necho -e \"HTTP/1.0 200 OK\\r\\n\\r\\nB\" | nc -l -p 80\n";
    expect(parseWebServers(script).map((w) => w.port)).toEqual([8080, 80]);
  });

  it('needs a script (#! first) and a port in range', () => {
    expect(parseWebServers('while true; do echo -e "x" | nc -l -p 80; done')).toEqual([]);
    expect(parseWebServers('#cloud-config\nruncmd: []\n')).toEqual([]);
    expect(parseWebServers('#!/bin/sh\necho -e "x" | nc -l -p 0\necho -e "x" | nc -l -p 65536\n')).toEqual([]);
  });
});

describe('vmHttp', () => {
  it('answers with the host name on the port the script names, HTTP/1.0 without headers', () => {
    const { cloud, vm } = cloudWith('CirrOS 5.2', WEB_SERVER_SH, 'web-a');
    expect(vmHttp(cloud, vm.id, 80, REQ)).toEqual({ version: 'HTTP/1.0', status: 200, reason: 'OK', headers: [], body: 'Welcome to web-a\n' });
    expect(vmHttp(cloud, vm.id, 8080, REQ)).toBeNull();
  });

  it('nothing listens without user data, on a stopped VM, or on an unknown server', () => {
    const bare = cloudWith('CirrOS 5.2', undefined);
    expect(vmHttp(bare.cloud, bare.vm.id, 80, REQ)).toBeNull();
    const { cloud, vm } = cloudWith('CirrOS 5.2', WEB_SERVER_SH);
    const stopped: Cloud = { ...cloud, servers: cloud.servers.map((x) => (x.id === vm.id ? { ...x, status: 'SHUTOFF' as const } : x)) };
    expect(vmHttp(stopped, vm.id, 80, REQ)).toBeNull();
    expect(vmHttp(cloud, 'no-such-id', 80, REQ)).toBeNull();
  });

  it("dash's echo (Debian's /bin/sh) prints -e: no HTTP at all", () => {
    const { cloud, vm } = cloudWith('Debian 11 bullseye', WEB_SERVER_SH);
    const r = vmHttp(cloud, vm.id, 80, REQ);
    expect(r?.raw).toBe('-e HTTP/1.0 200 OK\r\n\r\nWelcome to web1\n');
    const bash = cloudWith('Debian 11 bullseye', WEB_SERVER_SH.replace('#!/bin/sh', '#!/bin/bash'));
    expect(vmHttp(bash.cloud, bash.vm.id, 80, REQ)?.status).toBe(200);
  });

  it('CirrOS has no bash: a #!/bin/bash script never runs there', () => {
    const { cloud, vm } = cloudWith('CirrOS 5.2', WEB_SERVER_SH.replace('#!/bin/sh', '#!/bin/bash'));
    expect(vmWebServers(cloud, vm)).toEqual([]);
  });

  it('single quotes keep $(hostname) as it is, as the shell does', () => {
    const { cloud, vm } = cloudWith('CirrOS 5.2', "#!/bin/sh\nwhile true; do echo -e 'HTTP/1.0 200 OK\\r\\n\\r\\nI am $(hostname)' | nc -lp 80; done &\n");
    expect(vmHttp(cloud, vm.id, 80, REQ)?.body).toBe('I am $(hostname)\n');
  });

  it('headers the script writes are parsed; the VM address expands too', () => {
    const script = '#!/bin/sh\nwhile true; do echo -e "HTTP/1.1 404 Not Found\\r\\nServer: nc\\r\\n\\r\\n$(hostname -i) $HOSTNAME" | nc -l -p 80; done &\n';
    const { cloud, vm } = cloudWith('CirrOS 5.2', script);
    const ip = cloud.ports.find((p) => p.id === vm.nics[0]?.portId)?.fixedIps.find((f) => !f.ipAddress.includes(':'))?.ipAddress;
    expect(vmHttp(cloud, vm.id, 80, REQ)).toEqual({ version: 'HTTP/1.1', status: 404, reason: 'Not Found', headers: [['Server', 'nc']], body: `${ip} web1\n` });
  });

  it('a VM without a metadata service or config drive never gets its user data', () => {
    const { cloud, vm } = cloudWith('CirrOS 5.2', WEB_SERVER_SH);
    const isolated: Cloud = { ...cloud, ports: cloud.ports.filter((p) => p.deviceOwner !== 'network:dhcp'), subnets: cloud.subnets.map((s) => ({ ...s, enableDhcp: false })) };
    expect(vmWebServers(isolated, vm)).toEqual([]);
    const drive: Cloud = { ...isolated, servers: isolated.servers.map((x) => (x.id === vm.id ? { ...x, configDrive: true } : x)) };
    expect(vmWebServers(drive, { ...vm, configDrive: true }).map((w) => w.port)).toEqual([80]);
  });
});
