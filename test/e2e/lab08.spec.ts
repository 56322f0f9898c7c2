/**
 * Lab 08 (bring-your-own-ip) solved in the browser by typing: the questions answered from what
 * the terminal printed (the pool's range, the VM's own address as the source, the router's
 * gateway as BGP next hop, the announced subnet), the VM pinged from the laptop by its own
 * address with no floating IP, a traceroute out of the VM through the upstream router, the private
 * VM cut off from it, every step green and the lab complete. Run on its own port:
 * E2E_PORT=4614 npx playwright test -c test/e2e/playwright.config.ts test/e2e/lab08.spec.ts
 */
import { expect, test } from '@playwright/test';
import { type, lastOutput, since, stepState, answer } from './lab-typing.js';
import { logicalLines } from './helpers.js';

const LAB = 'bring-your-own-ip';

test.use({ viewport: { width: 1400, height: 900 } });

test('lab 08 solved by typing: own range, no SNAT, reached from the Internet without a floating IP, scopes kept apart, lab complete', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`/lab/${LAB}`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.waitForSelector('body[data-score]');
  await expect(page.locator('.check.failed')).toHaveCount(0);
  // The quoted iptables rules and routes are text to read, not commands to click.
  const quoted = page.locator('pre:has(code.language-text)');
  expect(await quoted.count()).toBeGreaterThan(0);
  await expect(quoted.locator('.cmd')).toHaveCount(0);
  await page.locator('.xterm').click();

  // The learner's own copy of the lab (their VM name and prefix length), as the page shows it.
  const { loadLabs, labFor } = await import('../../server/labs/index.js');
  const template = loadLabs().find((l) => l.id === LAB);
  if (!template) throw new Error(`no lab ${LAB}`);
  const me = (await (await page.request.get('/api/me')).json()) as { id: string };
  const lab = labFor(template, me.id);
  const vm = lab.values['vm'] ?? '';
  const solve = async (id: string) => {
    for (const line of lab.steps.find((s) => s.id === id)?.solution ?? []) await type(page, line);
  };

  // The pool shared with the project, and the external network of its scope.
  await type(page, 'openstack subnet pool show pub1-byoip-v4 -c prefixes');
  const range = /\| prefixes \| (\S+) +\|/.exec(await since(page, '-c prefixes'))?.[1];
  expect(range).toBe('198.18.10.0/24');
  await answer(page, 'my-range', range ?? '');
  await type(page, 'openstack network show ext-provider1 -f value -c ipv4_address_scope');
  await type(page, 'openstack subnet pool show pub1-byoip-v4 -f value -c address_scope_id');
  const [a, b] = (await logicalLines(page)).filter((l) => /^[0-9a-f-]{36}$/.test(l.trim())).slice(-2);
  expect(a).toBe(b);
  await answer(page, 'same-scope', 'ext-provider1');
  await expect.poll(() => stepState(page, 'pool')).toBe('passed');

  for (const id of ['subnet', 'router', 'vm']) {
    await solve(id);
    await expect.poll(() => stepState(page, id)).toBe('passed');
  }

  // No floating IP, yet the laptop pings the VM's own address.
  await type(page, 'openstack floating ip list -f value');
  await type(page, `IP=$(openstack server show ${vm} -f value -c addresses | cut -d"'" -f4)`);
  await type(page, 'ping -c 2 $IP');
  expect(await since(page, 'ping -c 2 $IP')).toMatch(/64 bytes from 198\.18\.10\.\d+: icmp_seq=2/);
  await solve('reach');
  await expect.poll(() => stepState(page, 'reach')).toBe('passed');

  // Out of the VM: through the router and the upstream router, with the VM's own address.
  await solve('no-snat');
  expect(await since(page, 'traceroute 203.0.113.10')).toMatch(/ 1 {2}198\.18\.10\.1 .*\n 2 {2}198\.51\.100\.1 .*\n 3 {2}203\.0\.113\.10 /);
  await type(page, `openstack server show ${vm} -f value -c addresses | cut -d"'" -f4`);
  await answer(page, 'source-address', await lastOutput(page));
  await expect.poll(() => stepState(page, 'no-snat')).toBe('passed');

  // The announcement: the router's gateway address as next hop, the subnet as prefix.
  await type(page, 'openstack router show byoip-router -f value -c external_gateway_info');
  const gateway = /ip_address['"]: ['"](198\.51\.100\.\d+)/.exec(await since(page, 'external_gateway_info'))?.[1];
  expect(gateway).toBeDefined();
  await answer(page, 'next-hop', gateway ?? '');
  await type(page, 'openstack subnet show byoip-subnet -f value -c cidr');
  await answer(page, 'announced', await lastOutput(page));
  await expect.poll(() => stepState(page, 'bgp')).toBe('passed');

  // A private subnet on the same router: SNATed, and cut off from the VM by the scope filter.
  await solve('scopes');
  await expect.poll(() => stepState(page, 'scopes')).toBe('passed');
  await type(page, `ssh cirros@$IP "ping -c 1 $(openstack server show private-vm -f value -c addresses | cut -d"'" -f4)"`);
  expect(await since(page, 'ssh cirros@$IP "ping -c 1')).toContain('1 packets transmitted, 0 packets received, 100% packet loss');

  await expect.poll(() => page.evaluate(() => document.body.dataset['score'])).toBe('100');
  const panel = page.locator('#complete');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('A router does not NAT traffic that stays in one address scope');
  await page.screenshot({ path: 'test-results/lab08-complete-1400x900.png' });
});
