/** Under the hood, for admins: ssh from the network node into an amphora, its namespace and haproxy.cfg. */
import { describe, expect, it } from 'vitest';
import { createSession, prompt, runLine, type SessionState } from '../../server/shell/session.js';
import { haproxyCfg } from '../../server/sim/dataplane/lb-haproxy.js';
import { run } from './build.js';

function lbOnNode(): SessionState {
  return run(createSession({ fixture: 'network-node' }), [
    'openstack network create lb-mgmt-net',
    'openstack subnet create --network lb-mgmt-net --subnet-range 172.24.0.0/16 lb-mgmt-subnet',
    'openstack loadbalancer create --name lb1 --vip-subnet-id subnet1',
    'openstack loadbalancer listener create --name l1 --protocol HTTP --protocol-port 80 lb1',
    'openstack loadbalancer pool create --name p1 --lb-algorithm ROUND_ROBIN --listener l1 --protocol HTTP',
    'openstack loadbalancer member create --address 10.10.10.2 --protocol-port 80 p1',
    'openstack loadbalancer healthmonitor create --delay 5 --timeout 5 --max-retries 3 --type HTTP p1',
  ]);
}

function line(s: SessionState, l: string) {
  const r = runLine(s, l);
  return { s: r.state, out: r.result.stdout, err: r.result.stderr, code: r.result.exitCode };
}

describe('an amphora, for admins', () => {
  const s0 = lbOnNode();
  const o = s0.cloud.octavia;
  const amp = o?.amphorae[0];
  const lb = o?.loadBalancers[0];
  if (!amp || !lb) throw new Error('no amphora');
  const vrrp = s0.cloud.ports.find((p) => p.id === amp.vrrpPortId);

  it('ssh ubuntu@<lb_network_ip> from the network node; other users and other hosts are refused', () => {
    const r = line(s0, `ssh ubuntu@${amp.lbNetworkIp}`);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`Warning: Permanently added '${amp.lbNetworkIp}' (ED25519) to the list of known hosts.\n`);
    expect(prompt(r.s)).toBe(`ubuntu@amphora-${amp.id}:~$ `);
    expect(line(r.s, 'hostname').out).toBe(`amphora-${amp.id}\n`);
    expect(line(r.s, 'openstack server list')).toMatchObject({ err: 'openstack: command not found\n', code: 127 });
    expect(line(r.s, 'exit').out).toBe(`logout\nConnection to ${amp.lbNetworkIp} closed.\n`);
    expect(line(s0, `ssh root@${amp.lbNetworkIp}`)).toMatchObject({ code: 255, err: expect.stringMatching(/root@\S+: Permission denied \(publickey\)\.\n$/) as unknown });
    // From a router namespace lb-mgmt-net is not reachable.
    const ns = `qrouter-${s0.cloud.routers[0]?.id ?? ''}`;
    expect(line(s0, `ip netns exec ${ns} ssh ubuntu@${amp.lbNetworkIp}`).code).toBe(255);
  });

  it('ip netns, and the amphora-haproxy namespace: eth1 with the VRRP address and the VIP', () => {
    const s = line(s0, `ssh ubuntu@${amp.lbNetworkIp}`).s;
    expect(line(s, 'ip netns').out).toBe('amphora-haproxy (id: 0)\n');
    expect(line(s, 'sudo ip netns exec amphora-haproxy ip addr').out).toBe(
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n'
      + '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
      + '    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n'
      + '3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n'
      + `    link/ether ${vrrp?.macAddress ?? ''} brd ff:ff:ff:ff:ff:ff\n`
      + `    inet ${amp.vrrpIp}/24 scope global eth1\n       valid_lft forever preferred_lft forever\n`
      + `    inet ${lb.vipAddress}/32 scope global eth1\n       valid_lft forever preferred_lft forever\n`,
    );
    expect(line(s, 'sudo ip netns exec amphora-haproxy ip route').out).toBe(`default via 10.10.10.1 dev eth1 proto static onlink \n10.10.10.0/24 dev eth1 proto kernel scope link src ${amp.vrrpIp} \n`);
    expect(line(s, 'ip -4 addr show eth0').out).toContain(`inet ${amp.lbNetworkIp}/16 brd 172.24.255.255 scope global dynamic eth0\n`);
    const src = amp.lbNetworkIp;
    expect(line(s, 'ip route').out).toBe(`default via 172.24.0.1 dev eth0 proto dhcp src ${src} metric 100 \n172.24.0.0/16 dev eth0 proto kernel scope link src ${src} metric 100 \n`
      + `172.24.0.1 dev eth0 proto dhcp scope link src ${src} metric 100 \n`);
    expect(line(s, 'ip netns exec qrouter-x ip addr')).toMatchObject({ code: 1, err: 'Cannot open network namespace "qrouter-x": No such file or directory\n' });
  });

  it('sudo cat /var/lib/octavia/<lb id>/haproxy.cfg: the rendered configuration, following the model', () => {
    const s = line(s0, `ssh ubuntu@${amp.lbNetworkIp}`).s;
    const cfg = line(s, `sudo cat /var/lib/octavia/${lb.id}/haproxy.cfg`).out;
    expect(cfg).toBe(haproxyCfg(s.cloud, lb));
    expect(cfg).toContain(`    bind ${lb.vipAddress}:80\n`);
    expect(cfg).toMatch(/\n {4}server \S+ 10\.10\.10\.2:80 weight 1 check inter 5s fall 3 rise 3\n/);
    expect(line(s, `cat /var/lib/octavia/${lb.id}`)).toMatchObject({ err: `cat: /var/lib/octavia/${lb.id}: Is a directory\n` });
    // The agent writes it mode 0600 as root: without sudo, ubuntu cannot read it.
    expect(line(s, `cat /var/lib/octavia/${lb.id}/haproxy.cfg`)).toMatchObject({ out: '', err: `cat: /var/lib/octavia/${lb.id}/haproxy.cfg: Permission denied\n`, code: 1 });
    // A one-shot remote command from the node.
    const one = line(line(s, 'exit').s, `ssh ubuntu@${amp.lbNetworkIp} sudo cat /var/lib/octavia/${lb.id}/haproxy.cfg`);
    expect(one.out).toBe(cfg);
    const denied = line(line(s, 'exit').s, `ssh ubuntu@${amp.lbNetworkIp} cat /var/lib/octavia/${lb.id}/haproxy.cfg`);
    expect(denied).toMatchObject({ out: '', code: 1 });
    expect(denied.err).toMatch(/Permission denied\n$/);
    // A root shell (sudo -i, as the Octavia guides do it) reads it too, until its exit.
    const root = line(s, 'sudo -i').s;
    expect(prompt(root)).toBe(`root@amphora-${amp.id}:~# `);
    expect(line(root, `cat /var/lib/octavia/${lb.id}/haproxy.cfg`).out).toBe(cfg);
    const back = line(root, 'exit');
    expect(back.out).toBe('logout\n');
    expect(line(back.s, `cat /var/lib/octavia/${lb.id}/haproxy.cfg`).code).toBe(1);
  });
});
