/**
 * `curl` as curl 7.88.1 prints it (the expected texts were captured from the real curl 7.88.1
 * against a local netcat-style server answering `HTTP/1.0 200 OK\r\n\r\nWelcome to web1\n`,
 * addresses changed): to a web VM, through a load balancer, and its errors for bad input.
 */
import { describe, expect, it } from 'vitest';
import { runScript, type TranscriptEntry } from '../../server/shell/script.js';
import { createSession, runLine } from '../../server/shell/session.js';

const BOOT = 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1';
const TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n";

/** web1 at 192.0.2.50 on the provider network, serving ~/web-server.sh; port 80 and 8080 open. */
const WEB1 = [
  'openstack security group rule create default --protocol tcp --dst-port 80 -f value -c id',
  'openstack security group rule create default --protocol tcp --dst-port 8080 -f value -c id',
  `${BOOT} --nic net-id=ext-net1,v4-fixed-ip=192.0.2.50 --user-data web-server.sh web1 -f value -c id`,
];

function web(lines: string[]): TranscriptEntry[] {
  return runScript([...WEB1, ...lines], { fixture: 'public-cloud', seed: 5 }).slice(WEB1.length);
}

const out = (e: TranscriptEntry | undefined) => [e?.stdout, e?.stderr, e?.exitCode];

const VERBOSE_GET = '*   Trying 192.0.2.50:80...\n* Connected to 192.0.2.50 (192.0.2.50) port 80 (#0)\n'
  + '> GET /x/y?z=1 HTTP/1.1\r\n> Host: 192.0.2.50\r\n> User-Agent: curl/7.88.1\r\n> Accept: */*\r\n> \r\n'
  + '* HTTP 1.0, assume close after body\n< HTTP/1.0 200 OK\r\n< \r\n';

describe('curl to a VM that serves HTTP', () => {
  it('prints the body; -i the head too; -I the head only', () => {
    const t = web(['curl http://192.0.2.50/', 'curl -s 192.0.2.50', 'curl -i http://192.0.2.50/', 'curl -sI http://192.0.2.50/']);
    expect(out(t[0])).toEqual(['Welcome to web1\n', '', 0]);
    expect(out(t[1])).toEqual(['Welcome to web1\n', '', 0]);
    expect(out(t[2])).toEqual(['HTTP/1.0 200 OK\r\n\r\nWelcome to web1\n', '', 0]);
    expect(out(t[3])).toEqual(['HTTP/1.0 200 OK\r\n\r\n', '', 0]);
  });

  it('-v prints the connection, the request and the response head', () => {
    const t = web(['curl -v "http://192.0.2.50/x/y?z=1#frag"', 'curl -svI http://192.0.2.50/x/y?z=1']);
    expect(out(t[0])).toEqual(['Welcome to web1\n', `${VERBOSE_GET}* Closing connection 0\n`, 0]);
    expect(t[1]?.stderr).toBe(`${VERBOSE_GET.replace('GET', 'HEAD')}* Excess found: excess = 16 url = /x/y (zero-length body)\n* Closing connection 0\n`);
  });

  it('-o /dev/null -w: the code; without -s the progress meter, with -v the data lines', () => {
    const t = web([
      'curl -s -o /dev/null -w "%{http_code}\\n" http://192.0.2.50/',
      'curl -o /dev/null -w "%{http_code}" http://192.0.2.50/',
      'curl -sv -o /dev/null -d a=b http://192.0.2.50/',
      'curl -sw "%{http_code} %{remote_ip}:%{remote_port} %{size_download} %{url_effective} %{foo}\\n" http://192.0.2.50:80/',
    ]);
    expect(out(t[0])).toEqual(['200\n', '', 0]);
    expect(t[1]?.stdout).toBe('200');
    // The meter as the screen shows it when curl is done: its last line over its first.
    expect(t[1]?.stderr).toMatch(/^ {2}% Total {4}% Received % Xferd {2}Average Speed {3}Time {4}Time {5}Time {2}Current\n {33}Dload {2}Upload {3}Total {3}Spent {4}Left {2}Speed\n100 {4}16 {4}0 {4}16 {4}0 {5}0 {2}[ \d]{4}\d {6}0 --:--:-- --:--:-- --:--:-- [ \d]{4}\d\n$/);
    expect(t[2]?.stderr).toBe('*   Trying 192.0.2.50:80...\n* Connected to 192.0.2.50 (192.0.2.50) port 80 (#0)\n'
      + '> POST / HTTP/1.1\r\n> Host: 192.0.2.50\r\n> User-Agent: curl/7.88.1\r\n> Accept: */*\r\n> Content-Length: 3\r\n> Content-Type: application/x-www-form-urlencoded\r\n> \r\n'
      + '} [3 bytes data]\n* HTTP 1.0, assume close after body\n< HTTP/1.0 200 OK\r\n< \r\n{ [16 bytes data]\n* Closing connection 0\n');
    expect(out(t[3])).toEqual(["Welcome to web1\n200 192.0.2.50:80 16 http://192.0.2.50/ \n", "curl: unknown --write-out variable: 'foo'\n", 0]);
  });

  it('-H replaces, removes or adds headers as curl does', () => {
    const t = web(['curl -s -H "Host: www.example.com" -H "X-A: b" -H "Accept:" -H "noval" -H "X-E;" -H "User-Agent: z" -v http://192.0.2.50:80/']);
    expect(t[0]?.stderr).toContain('> GET / HTTP/1.1\r\n> Host: www.example.com\r\n> X-A: b\r\n> X-E:\r\n> User-Agent: z\r\n> \r\n');
  });

  it('-A, -X, --url, localhost, and the options without effect on plain HTTP (-k -4 -N)', () => {
    const t = web([
      'curl -sv -A ua -X PUT --url http://192.0.2.50/',
      'curl -k -4 -N -s http://192.0.2.50/',
      'curl -sS http://localhost:8080/',
    ]);
    expect(t[0]?.stderr).toContain('> PUT / HTTP/1.1\r\n> Host: 192.0.2.50\r\n> User-Agent: ua\r\n> Accept: */*\r\n> \r\n');
    expect(out(t[1])).toEqual(['Welcome to web1\n', '', 0]);
    expect(out(t[2])).toEqual(['', "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server\n", 7]);
  });

  it('several URLs: one transfer each, the exit code of the last', () => {
    const t = web(['curl -s http://192.0.2.50/ http://192.0.2.50:8080/ http://192.0.2.50/b', 'curl -sv http://192.0.2.50/ http://192.0.2.50/b']);
    expect(out(t[0])).toEqual(['Welcome to web1\nWelcome to web1\n', '', 0]);
    expect(t[1]?.stderr).toContain('* Closing connection 0\n* Hostname 192.0.2.50 was found in DNS cache\n*   Trying 192.0.2.50:80...\n* Connected to 192.0.2.50 (192.0.2.50) port 80 (#1)\n> GET /b HTTP/1.1\r\n');
  });

  it('connection refused where nothing listens (the port is open, no server)', () => {
    const t = web(['curl http://192.0.2.50:8080/', 'curl -s http://192.0.2.50:8080/', 'curl -sv http://192.0.2.50:8080/', 'curl -s -w "%{http_code}\\n" http://192.0.2.50:8080/']);
    const msg = "Failed to connect to 192.0.2.50 port 8080 after 0 ms: Couldn't connect to server";
    expect(out(t[0])).toEqual(['', `curl: (7) ${msg}\n`, 7]);
    expect(out(t[1])).toEqual(['', '', 7]);
    expect(out(t[2])).toEqual(['', `*   Trying 192.0.2.50:8080...\n* connect to 192.0.2.50 port 8080 failed: Connection refused\n* ${msg}\n* Closing connection 0\n`, 7]);
    expect(out(t[3])).toEqual(['000\n', '', 7]);
  });

  it('a VM without the user data serves nothing; a stopped one answers nothing', () => {
    const t = web([
      `${BOOT} --nic net-id=ext-net1,v4-fixed-ip=192.0.2.51 plain -f value -c id`,
      'curl -sS http://192.0.2.51/',
      'openstack server stop web1',
      'curl -sS http://192.0.2.50/',
    ]);
    expect(out(t[1])).toEqual(['', "curl: (7) Failed to connect to 192.0.2.51 port 80 after 0 ms: Couldn't connect to server\n", 7]);
    expect(out(t[3])).toEqual(['', "curl: (7) Failed to connect to 192.0.2.50 port 80 after 3072 ms: Couldn't connect to server\n", 7]);
  });

  it("the script under Debian's dash answers `-e HTTP/1.0 …`: curl refuses HTTP/0.9", () => {
    const t = web([
      `${BOOT} --image "Debian 11 bullseye" --nic net-id=ext-net1,v4-fixed-ip=192.0.2.52 --user-data web-server.sh deb -f value -c id`,
      'curl http://192.0.2.52/',
    ]);
    expect(out(t[1])).toEqual(['', 'curl: (1) Received HTTP/0.9 when not allowed\n', 1]);
  });

  it('a port the security groups drop: the connect times out (--connect-timeout, -m)', () => {
    const t = web(['curl --connect-timeout 3 http://192.0.2.50:9999/', 'curl -m 2.5 --connect-timeout 10 http://192.0.2.50:9999/', 'curl -s http://192.0.2.50:9999/']);
    expect(out(t[0])).toEqual(['', 'curl: (28) Failed to connect to 192.0.2.50 port 9999 after 3004 ms: Timeout was reached\n', 28]);
    expect(out(t[1])).toEqual(['', 'curl: (28) Failed to connect to 192.0.2.50 port 9999 after 2504 ms: Timeout was reached\n', 28]);
    expect(out(t[2])).toEqual(['', '', 28]);
  });

  it('https to the plain HTTP server fails the TLS handshake', () => {
    const t = web(['curl -sS https://192.0.2.50:80/', 'curl -sS https://192.0.2.50/']);
    expect(out(t[0])).toEqual(['', 'curl: (35) OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number\n', 35]);
    expect(t[1]?.exitCode).toBe(28);
  });
});

describe('curl through a load balancer', () => {
  const VM = 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --security-group web --user-data web-server.sh';
  const LAB = [
    'openstack network create priv -f value -c id',
    'openstack subnet create --network priv --subnet-range 10.1.0.0/24 priv-v4 -f value -c id',
    'openstack router create r1 -f value -c id',
    'openstack router add subnet r1 priv-v4',
    'openstack router set --external-gateway ext-floating1 r1',
    'openstack security group create web -f value -c id',
    'openstack security group rule create --proto tcp --dst-port 80 web -f value -c id',
    `${VM} --nic net-id=priv,v4-fixed-ip=10.1.0.11 web1 -f value -c id`,
    `${VM} --nic net-id=priv,v4-fixed-ip=10.1.0.12 web2 -f value -c id`,
    'openstack loadbalancer create --name lb1 --vip-subnet-id priv-v4 -f value -c id',
    'openstack loadbalancer listener create --name l1 --protocol HTTP --protocol-port 80 lb1 -f value -c id',
    'openstack loadbalancer pool create --name p1 --lb-algorithm ROUND_ROBIN --listener l1 --protocol HTTP -f value -c id',
    'openstack loadbalancer member create --address 10.1.0.11 --protocol-port 80 --subnet-id priv-v4 p1 -f value -c id',
    'openstack loadbalancer member create --address 10.1.0.12 --protocol-port 80 --subnet-id priv-v4 p1 -f value -c id',
    'FIP=$(openstack floating ip create ext-floating1 -f value -c floating_ip_address)',
    'openstack floating ip set --port octavia-lb-$(openstack loadbalancer show lb1 -f value -c id) $FIP',
  ];
  const lab = (lines: string[]) => {
    const t = runScript([...LAB, ...lines], { fixture: 'public-cloud', seed: 5 });
    expect(t.slice(0, LAB.length).map((e) => e.stderr)).toEqual(LAB.map(() => ''));
    return t.slice(LAB.length);
  };

  it('the VIP (behind its floating IP) alternates between the members, from one curl to the next', () => {
    const t = lab(['curl -s http://$FIP/ http://$FIP/ http://$FIP/', 'curl -s http://$FIP/', 'curl http://$FIP/']);
    expect(out(t[0])).toEqual(['Welcome to web1\nWelcome to web2\nWelcome to web1\n', '', 0]);
    expect(t[1]?.stdout).toBe('Welcome to web2\n');
    expect(t[2]?.stdout).toBe('Welcome to web1\n');
  });

  it('a stopped member is skipped; the service stays up', () => {
    const t = lab(['openstack server stop web1', 'curl -s http://$FIP/ http://$FIP/ http://$FIP/']);
    expect(out(t[1])).toEqual(['Welcome to web2\nWelcome to web2\nWelcome to web2\n', '', 0]);
  });

  it('-L follows an L7 redirect; a redirect to itself stops after 50', () => {
    const t = lab([
      'openstack loadbalancer l7policy create --action REDIRECT_TO_URL --redirect-url http://$FIP/new --name moved l1 -f value -c id',
      'openstack loadbalancer l7rule create --compare-type STARTS_WITH --type PATH --value /old moved -f value -c id',
      'curl -si http://$FIP/old',
      'curl -sL http://$FIP/old',
      'curl -svL http://$FIP/old',
      'openstack loadbalancer l7policy create --action REDIRECT_TO_URL --redirect-url http://$FIP/loop --name loop l1 -f value -c id',
      'openstack loadbalancer l7rule create --compare-type STARTS_WITH --type PATH --value /loop loop -f value -c id',
      'curl -sSL http://$FIP/loop',
      'curl -sSL http://$FIP/loop http://$FIP/loop http://$FIP/loop http://$FIP/loop',
    ]);
    expect(t[2]?.stdout).toMatch(/^HTTP\/1\.1 302 Found\r\n(?:[a-z-]+: .*\r\n)*location: http:\/\/192\.0\.2\.\d+\/new\r\n/);
    expect(t[3]?.stdout).toMatch(/^Welcome to web[12]\n$/);
    // HAProxy keeps the connection open (a content-length, no close): curl reuses it.
    expect(t[4]?.stderr).toMatch(/\* Connection #0 to host 192\.0\.2\.\d+ left intact\n\* Issue another request to this URL: 'http:\/\/192\.0\.2\.\d+\/new'\n\* Found bundle for host: 0x[0-9a-f]{12} \[serially\]\n\* Can not multiplex, even if we wanted to\n\* Re-using existing connection #0 with host 192\.0\.2\.\d+\n> GET \/new HTTP\/1\.1\r\n/);
    expect(out(t[7])).toEqual(['', 'curl: (47) Maximum (50) redirects followed\n', 47]);
    // 51 transfers each: the fourth runs into Stacklab's limit of 200 for one curl.
    expect(out(t[8])).toEqual(['', `${'curl: (47) Maximum (50) redirects followed\n'.repeat(3)}stacklab: curl: too many transfers (more than 200); it was stopped\n`, 1]);
  });

  it('from a VM: its neighbour directly, and the VIP, which SOURCE_IP keeps on one member', () => {
    let s = createSession({ fixture: 'public-cloud', seed: 5 });
    for (const l of [...LAB, 'openstack loadbalancer pool set --lb-algorithm SOURCE_IP p1']) {
      const r = runLine(s, l);
      expect(r.result.stderr).toBe('');
      s = r.state;
    }
    const web1 = s.cloud.servers.find((x) => x.name === 'web1')?.id ?? '';
    const vip = s.cloud.octavia?.loadBalancers[0]?.vipAddress ?? '';
    const r = runLine({ ...s, host: `vm:${web1}` }, `curl -s http://10.1.0.12/ http://${vip}/ http://${vip}/ http://${vip}/`).result;
    const [first, ...rest] = r.stdout.split('\n').slice(1, 4);
    expect(r.stdout.split('\n')[0]).toBe('Welcome to web2');
    expect(rest).toEqual([first, first]);
  });

  it('a port without a listener: the amphora resets the connection', () => {
    const t = lab(['openstack security group rule list -f value -c "Port Range" | grep -c 81', 'curl -sS http://$FIP:81/']);
    expect(t[1]?.exitCode).not.toBe(0);
  });
});

describe('curl: bad input gets curl 7.88.1\'s errors', () => {
  const t = web([
    'curl',
    'curl -s',
    'curl --bogus http://192.0.2.50/',
    'curl -% http://192.0.2.50/',
    'curl -w',
    'curl -s -o',
    'curl --connect-timeout abc http://192.0.2.50/',
    'curl --connect-timeout -1 http://192.0.2.50/',
    'curl --connect-timeout=3 http://192.0.2.50/',
    'curl -',
    'curl http://192.0.2.50:0/',
    'curl http://192.0.2.50:65536/',
    'curl http://192.0.2.50:abc/',
    'curl -sS http://192.0.2.50:/',
    'curl "http://192.0.2.50/a b"',
    'curl -v "http://192.0.2.50/a b"',
    'curl ""',
    'curl "http://[::1"',
    'curl gopher2://x/',
    'curl http://1.2.3.4.5/',
    'curl -sS http://user:pw@192.0.2.50/',
    'curl -sS HTTP:/192.0.2.50/',
    'curl -s -- http://192.0.2.50/',
    'curl -sS "http://192.0.2.50:00080/"',
    'curl -sS "http://192.0.2.50:99999999999999999999999/"',
  ]);
  const bad = ['', 'curl: (3) URL using bad/illegal format or missing URL\n', 3];

  it('--help, --help with no such category, --version: printed instead of a transfer', () => {
    const r = web(['curl --help', 'curl -h xyz http://192.0.2.50/', 'curl -V', 'curl http://192.0.2.50/ --version']);
    expect(out(r[0])?.slice(1)).toEqual(['', 0]);
    expect(r[0]?.stdout.split('\n').slice(0, 2)).toEqual(['Usage: curl [options...] <url>', ' -d, --data <data>          HTTP POST data']);
    expect(r[0]?.stdout.endsWith('For all options use the manual or "--help all".\n')).toBe(true);
    expect(r[1]?.stdout).toMatch(/^Usage: curl \[options\.\.\.\] <url>\nInvalid category provided, here is a list of all categories:\n\n auth {8}Different types of authentication methods\n/);
    expect(r[2]?.stdout).toMatch(/^curl 7\.88\.1 \(x86_64-pc-linux-gnu\) libcurl\/7\.88\.1 /);
    expect(out(r[3])).toEqual([r[2]?.stdout, '', 0]);
  });

  it('usage errors exit 2 with the hint', () => {
    expect(out(t[0])).toEqual(['', TRY, 2]);
    expect(out(t[1])).toEqual(['', `curl: no URL specified!\n${TRY}`, 2]);
    expect(out(t[2])).toEqual(['', `curl: option --bogus: is unknown\n${TRY}`, 2]);
    expect(out(t[3])).toEqual(['', `curl: option -%: is unknown\n${TRY}`, 2]);
    expect(out(t[4])).toEqual(['', `curl: option -w: requires parameter\n${TRY}`, 2]);
    expect(out(t[5])).toEqual(['', `curl: option -o: requires parameter\n${TRY}`, 2]);
    expect(out(t[6])).toEqual(['', `curl: option --connect-timeout: expected a proper numerical parameter\n${TRY}`, 2]);
    expect(out(t[7])).toEqual(['', `curl: option --connect-timeout: expected a positive numerical parameter\n${TRY}`, 2]);
    expect(out(t[8])).toEqual(['', `curl: option --connect-timeout=3: is unknown\n${TRY}`, 2]);
    expect(out(t[9])).toEqual(['', `curl: option -: is unknown\n${TRY}`, 2]);
  });

  it('odd ports, URLs and protocols', () => {
    expect(out(t[10])).toEqual(['', "curl: (7) Failed to connect to 192.0.2.50 port 0 after 0 ms: Couldn't connect to server\n", 7]);
    expect(out(t[11])).toEqual(bad);
    expect(out(t[12])).toEqual(bad);
    expect(out(t[13])).toEqual(['Welcome to web1\n', '', 0]);
    expect(out(t[14])).toEqual(bad);
    expect(out(t[15])).toEqual(['', `* Closing connection -1\n${bad[1] as string}`, 3]);
    expect(out(t[16])).toEqual(bad);
    expect(out(t[17])).toEqual(['', 'curl: (3) bad range specification in URL position 9:\nhttp://[::1\n        ^\n', 3]);
    expect(out(t[18])).toEqual(['', 'curl: (1) Protocol "gopher2" not supported or disabled in libcurl\n', 1]);
    expect(out(t[19])).toEqual(['', 'curl: (6) Could not resolve host: 1.2.3.4.5\n', 6]);
    expect(out(t[20])).toEqual(['Welcome to web1\n', '', 0]);
    expect(out(t[21])).toEqual(['Welcome to web1\n', '', 0]);
    expect(out(t[22])).toEqual(['Welcome to web1\n', '', 0]);
    expect(out(t[23])).toEqual(['Welcome to web1\n', '', 0]);
    expect(out(t[24])).toEqual(bad);
  });

  it('globs: sets and ranges expand in order, bad ones get the error with its caret', () => {
    const u = 'http://192.0.2.50/';
    const r = web([
      `curl -s -o /dev/null -w "%{url_effective}\\n" "${u}{a,b}/[1-2]" "${u}[08-10:2]" "${u}[x-z:2]" "${u}[]"`,
      `curl -sS "${u}{a"`, `curl -sS "${u}{}"`, `curl -sS "${u}{a{b}"`, `curl -sS "${u}{a]"`, `curl -sS "${u}}"`,
      `curl -sS "${u}[3-1]"`, `curl -sS "${u}[1-]"`, `curl -sS "${u}[1-3"`, `curl -sS "${u}[a-5]"`,
      `curl -s -g "${u}[1-2]"`,
      `curl -s "${u}[1-1000000]"`,
      `curl -sS ${u} "http://[::1"`,
    ]);
    expect(r[0]?.stdout).toBe(['a/1', 'a/2', 'b/1', 'b/2', '08', '10', 'x', 'z', '[]'].map((p) => `${u}${p}\n`).join(''));
    // Positions as the real curl gave them for the same paths (http://127.0.0.1:18081/ + 5).
    const err = (what: string, url: string, pos: number) => ['', `curl: (3) ${what} in URL position ${pos}:\n${url}\n${' '.repeat(pos - 1)}^\n`, 3];
    expect(out(r[1])).toEqual(err('unmatched brace', `${u}{a`, 19));
    expect(out(r[2])).toEqual(err('empty string within braces', `${u}{}`, 20));
    expect(out(r[3])).toEqual(err('nested brace', `${u}{a{b}`, 21));
    expect(out(r[4])).toEqual(err('unexpected close bracket', `${u}{a]`, 21));
    expect(out(r[5])).toEqual(err('unmatched close brace/bracket', `${u}}`, 19));
    expect(out(r[6])).toEqual(err('bad range', `${u}[3-1]`, 24));
    expect(out(r[7])).toEqual(err('bad range', `${u}[1-]`, 22));
    expect(out(r[8])).toEqual(err('bad range', `${u}[1-3`, 22));
    expect(out(r[9])).toEqual(err('bad range', `${u}[a-5]`, 24));
    expect(out(r[10])).toEqual(['Welcome to web1\n', '', 0]);
    expect(out(r[11])).toEqual(['', 'stacklab: curl: too many URLs (more than 100)\n', 1]);
    expect(out(r[12])).toEqual(['Welcome to web1\n', 'curl: (3) bad range specification in URL position 9:\nhttp://[::1\n        ^\n', 3]);
  });

  it('huge URLs, control and non-ASCII bytes, hostile header names: an answer, never a crash', () => {
    const r = web([
      `curl -s http://192.0.2.50/${'a'.repeat(4000)}`,
      'curl -sv "http://192.0.2.50/\u00e9\u00ff"',
      'curl -s "http://192.0.2.50/\u001b[31m"',
      'curl -s -H "__proto__: x" -H "constructor: y" http://192.0.2.50/',
      `curl -s -H "X: ${'\u0000'.repeat(3)}" http://192.0.2.50/`,
    ]);
    expect(r[0]?.stdout).toBe('Welcome to web1\n');
    expect(r[1]?.stderr).toContain('> GET /%c3%a9%c3%bf HTTP/1.1\r\n');
    expect(r[2]?.exitCode).toBe(3);
    expect(r[3]?.stdout).toBe('Welcome to web1\n');
    expect(r.every((e) => typeof e.exitCode === 'number')).toBe(true);
  });
});

describe('the user data, from inside the VM', () => {
  it("the metadata service serves it (EC2 user-data, OpenStack user_data) and lists it", () => {
    let s = createSession({ fixture: 'public-cloud', seed: 5 });
    for (const l of [...WEB1, `${BOOT} --nic net-id=ext-net1,v4-fixed-ip=192.0.2.51 plain -f value -c id`]) s = runLine(s, l).state;
    s = runLine(s, 'true').state;
    const on = (name: string, line: string) => runLine({ ...s, host: `vm:${s.cloud.servers.find((x) => x.name === name)?.id ?? ''}` }, line).result;
    const script = on('web1', 'cat web-server.sh');
    expect(script.exitCode).toBe(1);
    const laptop = runLine(s, 'cat web-server.sh').result.stdout;
    expect(on('web1', 'curl -s http://169.254.169.254/latest/user-data').stdout).toBe(laptop);
    expect(on('web1', 'curl -s http://169.254.169.254/openstack/latest/user_data').stdout).toBe(laptop);
    expect(on('web1', 'curl -s http://169.254.169.254/latest/').stdout).toBe('meta-data/\nuser-data');
    expect(on('web1', 'curl -s http://169.254.169.254/openstack/latest/').stdout).toBe('meta_data.json\nuser_data\npassword\nvendor_data.json\nnetwork_data.json\nvendor_data2.json');
    expect(on('plain', 'curl -s http://169.254.169.254/openstack/latest/').stdout).toBe('meta_data.json\npassword\nvendor_data.json\nnetwork_data.json\nvendor_data2.json');
    expect(on('plain', 'curl -sf http://169.254.169.254/latest/user-data').exitCode).toBe(22);
    expect(on('web1', 'curl -si http://169.254.169.254/latest/meta-data/hostname').stdout)
      .toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: text\/plain; charset=UTF-8\r\nContent-Length: 14\r\nDate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n\r\nweb1\.novalocal$/);
  });
});

describe('curl from a namespace on the network node', () => {
  it('ip netns exec qrouter-… curl reaches the web VM on the router\'s subnet', () => {
    const t = runScript([
      'openstack network create priv -f value -c id',
      'openstack subnet create --network priv --subnet-range 10.1.0.0/24 priv-v4 -f value -c id',
      'R=$(openstack router create r1 -f value -c id)',
      'openstack router add subnet r1 priv-v4',
      'openstack security group rule create default --protocol tcp --dst-port 80 -f value -c id',
      'openstack server create --image cirros-0.5.2-x86_64-disk --flavor m1.tiny --nic net-id=priv,v4-fixed-ip=10.1.0.11 --user-data web-server.sh web1 -f value -c id',
      'ip netns exec qrouter-$R curl -s http://10.1.0.11/',
      'ip netns exec qrouter-$R curl -sS http://10.1.0.11:8080/',
    ], { fixture: 'network-node', seed: 5, host: 'network' });
    expect(t.slice(0, 6).map((e) => e.stderr)).toEqual(Array(6).fill(''));
    expect(out(t[6])).toEqual(['Welcome to web1\n', '', 0]);
    expect(t[7]?.exitCode).toBe(28);
  });
});
