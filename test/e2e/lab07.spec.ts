/**
 * Lab 07 (load-balancing) solved in the browser by typing, step by step: each step turns green
 * after its solution, curl through the floating IP alternates between the two web servers, the
 * status tree shows DEGRADED once web-2 is stopped while curl still answers, both questions are
 * answered from what the terminal printed, and the lab ends complete. Run on its own port:
 * E2E_PORT=3471 npx playwright test -c test/e2e/playwright.config.ts test/e2e/lab07.spec.ts
 */
import { expect, test } from '@playwright/test';
import { type, lastOutput, stepState, answer } from './lab-typing.js';
import { screen } from './helpers.js';

const LAB = 'load-balancing';

test.use({ viewport: { width: 1400, height: 900 } });

test('lab 07 solved by typing: round robin, a dead web server, DEGRADED, the service stays up, lab complete', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`/lab/${LAB}`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.waitForSelector('body[data-score]');
  await expect(page.locator('.check.failed')).toHaveCount(0);
  await page.locator('.xterm').click();

  // The learner's own copy of the lab (their octet), as the page shows it.
  const { loadLabs, labFor } = await import('../../server/labs/index.js');
  const template = loadLabs().find((l) => l.id === LAB);
  if (!template) throw new Error(`no lab ${LAB}`);
  const me = (await (await page.request.get('/api/me')).json()) as { id: string };
  const lab = labFor(template, me.id);
  const solve = async (id: string) => {
    for (const line of lab.steps.find((s) => s.id === id)?.solution ?? []) await type(page, line);
  };

  for (const id of ['network', 'web-servers']) {
    await solve(id);
    await expect.poll(() => stepState(page, id)).toBe('passed');
  }

  await solve('load-balancer');
  await expect(page.locator('#check-load-balancer-1')).toHaveClass(/passed/);
  await type(page, 'openstack loadbalancer show web-lb -f value -c vip_port_id');
  const vipPort = await lastOutput(page);
  expect(vipPort).toMatch(/^[0-9a-f-]{36}$/);
  await answer(page, 'vip-port', vipPort);
  await expect.poll(() => stepState(page, 'load-balancer')).toBe('passed');

  for (const id of ['listener-pool', 'members', 'health-monitor']) {
    await solve(id);
    await expect.poll(() => stepState(page, id)).toBe('passed');
  }
  await type(page, 'openstack loadbalancer member list web-pool -c name -c operating_status -f value');
  expect(await screen(page)).toMatch(/web-1 ONLINE\nweb-2 ONLINE/);

  // Round robin: the answers alternate between the two web servers.
  await solve('floating-ip');
  await expect.poll(() => stepState(page, 'floating-ip')).toBe('passed');
  await type(page, 'FIP=$(openstack floating ip list -f value -c "Floating IP Address")');
  await type(page, 'curl -s http://$FIP; curl -s http://$FIP');
  const text = await screen(page);
  const tail = text.slice(text.lastIndexOf('curl -s http://$FIP; curl -s http://$FIP'));
  expect(tail).toMatch(/Welcome to (web-1\nWelcome to web-2|web-2\nWelcome to web-1)\n/);

  // A dead web server: DEGRADED, and still answered.
  await solve('failure');
  await expect(page.locator('#check-failure-3')).toHaveClass(/passed/);
  expect(await screen(page)).toContain('"operating_status": "DEGRADED"');
  await type(page, 'curl -s http://$FIP; curl -s http://$FIP');
  const after = await screen(page);
  expect(after.slice(after.lastIndexOf('curl -s http://$FIP; curl -s http://$FIP'))).toMatch(/Welcome to web-1\nWelcome to web-1\n/);
  await type(page, `openstack server show web-2 -f value -c addresses | cut -d"'" -f4`);
  await answer(page, 'dead-member', await lastOutput(page));
  await expect.poll(() => stepState(page, 'failure')).toBe('passed');

  await expect.poll(() => page.evaluate(() => document.body.dataset['score'])).toBe('100');
  const panel = page.locator('#complete');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('A health monitor takes a dead member out of the pool');
  await page.screenshot({ path: 'test-results/lab07-complete-1400x900.png' });
});
