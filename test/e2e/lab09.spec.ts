/**
 * Lab 09 (byoip-provider) solved in the browser by typing, as the provider's admin on the network
 * node: the router's gateway read off the terminal, the scope, the router's scope rules, acme's
 * pool shared by RBAC, the speaker and its peer, acme's subnet, and the advertised route seen on
 * screen with that gateway as next hop; every step green and the lab complete. Run on its own port:
 * E2E_PORT=4615 npx playwright test -c test/e2e/playwright.config.ts test/e2e/lab09.spec.ts
 */
import { expect, test } from '@playwright/test';
import { type, since, stepState, answer } from './lab-typing.js';

const LAB = 'byoip-provider';

test.use({ viewport: { width: 1400, height: 900 } });

test("lab 09 solved by typing: scope, acme's shared pool, speaker and peer, the route announced via acme-router's gateway, lab complete", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`/lab/${LAB}`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.waitForSelector('body[data-score]');
  await expect(page.locator('.check.failed')).toHaveCount(0);
  await page.locator('.xterm').click();

  const { loadLabs } = await import('../../server/labs/index.js');
  const lab = loadLabs().find((l) => l.id === LAB);
  if (!lab) throw new Error(`no lab ${LAB}`);
  const solve = async (id: string) => {
    for (const line of lab.steps.find((s) => s.id === id)?.solution ?? []) await type(page, line);
  };

  // acme-router's address on the public network: the next hop the speaker will give later.
  await solve('look');
  await type(page, 'openstack router show acme-router -f value -c external_gateway_info');
  const gateway = /ip_address['"]: ['"](198\.51\.100\.\d+)/.exec(await since(page, '-f value -c external_gateway_info'))?.[1];
  expect(gateway).toBeDefined();
  await answer(page, 'gateway-address', gateway ?? '');
  await expect.poll(() => stepState(page, 'look')).toBe('passed');

  await solve('scope');
  await expect.poll(() => stepState(page, 'scope')).toBe('passed');

  // The gateway now marks with the scope's mark, and nat accepts it ahead of SNAT.
  await solve('router-rules');
  expect(await since(page, 'iptables-save -t mangle')).toMatch(/-A neutron-l3-agent-scope -i qg-\S+ -j MARK --set-xmark 0x4010000\/0xffff0000/);
  expect(await since(page, 'iptables-save -t nat')).toMatch(/-A neutron-l3-agent-snat -o qg-\S+ -m connmark --mark 0x4010000\/0xffff0000 -j ACCEPT\n-A neutron-l3-agent-snat -o qg-\S+ -j SNAT/);
  await answer(page, 'private-source', gateway ?? '');
  await expect.poll(() => stepState(page, 'router-rules')).toBe('passed');

  for (const id of ['pool', 'speaker', 'peer', 'customer-subnet']) {
    await solve(id);
    await expect.poll(() => stepState(page, id)).toBe('passed');
  }

  // The route on screen: acme's /26, next hop acme-router's gateway; nothing for acme-private.
  await solve('routes');
  const routes = await since(page, 'openstack bgp speaker list advertised routes public-speaker');
  expect(routes).toMatch(new RegExp(`\\| 198\\.18\\.20\\.0/26 +\\| ${(gateway ?? '').replace(/\./g, '\\.')} +\\|`));
  expect(routes).not.toContain('10.20.0.0/24');
  await answer(page, 'not-announced', 'acme-private');
  await expect.poll(() => stepState(page, 'routes')).toBe('passed');

  await expect.poll(() => page.evaluate(() => document.body.dataset['score'])).toBe('100');
  const panel = page.locator('#complete');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('A BGP speaker bound to the external network advertises');
  await page.screenshot({ path: 'test-results/lab09-complete-1400x900.png' });
});
