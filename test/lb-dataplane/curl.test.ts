/** End to end with the real commands: curl from the laptop through a floating IP on the VIP. */
import { describe, expect, it } from 'vitest';
import { runLine, type SessionState } from '../../server/shell/session.js';
import { run, webCloud } from './build.js';

function out(s: SessionState, l: string): { s: SessionState; text: string } {
  const r = runLine(s, l);
  return { s: r.state, text: r.result.stdout + r.result.stderr };
}

/** n curls in a row, the session threaded through (the round-robin cursor lives in the cloud). */
function curls(s0: SessionState, url: string, n: number): string[] & { last: SessionState } {
  let s = s0;
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = out(s, `curl -s ${url}`);
    bodies.push(r.text.trim());
    s = r.s;
  }
  return Object.assign(bodies, { last: s });
}

describe('curl through a load balancer', () => {
  const s = run(webCloud(), [
    'openstack loadbalancer create --name lb1 --vip-subnet-id priv-v4',
    'openstack loadbalancer listener create --name l1 --protocol HTTP --protocol-port 80 lb1',
    'openstack loadbalancer pool create --name p1 --lb-algorithm ROUND_ROBIN --listener l1 --protocol HTTP',
    `openstack loadbalancer member create --address $(openstack server show web1 -f value -c addresses | cut -d"'" -f4) --protocol-port 80 p1`,
    `openstack loadbalancer member create --address $(openstack server show web2 -f value -c addresses | cut -d"'" -f4) --protocol-port 80 p1`,
    'openstack loadbalancer healthmonitor create --delay 5 --timeout 5 --max-retries 3 --type HTTP p1',
    'openstack floating ip create --port $(openstack loadbalancer show lb1 -f value -c vip_port_id) ext-floating1',
  ]);
  const fip = s.cloud.floatingIps[0]?.floatingIpAddress ?? '';

  it('alternates between the web servers, and stats count the requests', () => {
    const r = curls(s, `http://${fip}/`, 4);
    expect([...r]).toEqual(['Welcome to web1', 'Welcome to web2', 'Welcome to web1', 'Welcome to web2']);
    expect(out(r.last, 'openstack loadbalancer listener stats show l1 -f value -c total_connections').text).toBe('4\n');
  });

  it('a stopped VM: DEGRADED, and curl only reaches the other one', () => {
    const down = run(s, ['openstack server stop web2']);
    expect(out(down, 'openstack loadbalancer show lb1 -f value -c operating_status').text).toBe('DEGRADED\n');
    expect([...curls(down, `http://${fip}/`, 3)]).toEqual(['Welcome to web1', 'Welcome to web1', 'Welcome to web1']);
    const none = run(down, ['openstack server stop web1']);
    expect(out(none, `curl -s http://${fip}/`).text).toBe('<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n');
  });

  it('a port without a listener times out at the VIP security group', () => {
    expect(out(s, `curl -s --connect-timeout 2 http://${fip}:8080/`).text).toBe('');
    expect(runLine(s, `curl --connect-timeout 2 http://${fip}:8080/`).result.exitCode).toBe(28);
  });
});
