/**
 * Grading in the browser (issue #13, items 8 and 14–17): a check is neutral before anything is
 * typed; commands are graded as executed (a namespace held in a variable counts); a near miss
 * stays not passed; an answer pasted with its prefix length is accepted. Run on its own port:
 * E2E_PORT=3343 npx playwright test -c test/e2e/playwright.config.ts test/e2e/grading.spec.ts
 */
import { expect, test, type Page } from '@playwright/test';
import { run, screen } from './helpers.js';

const LAB = 'connect-public-network';

async function openLab(page: Page): Promise<void> {
  await page.goto(`/lab/${LAB}`);
  await page.waitForSelector('body[data-ready="1"]');
  // The first grade has arrived once the score is set.
  await page.waitForSelector('body[data-score]');
  await page.locator('.xterm').click();
}

/** The state a check shows: its class (todo, failed or passed). */
async function checkState(page: Page, id: string): Promise<string> {
  const cls = (await page.locator(`#check-${id}`).getAttribute('class')) ?? '';
  return ['passed', 'failed', 'todo'].find((c) => cls.split(' ').includes(c)) ?? cls;
}

test('before anything is typed, every check is "not done yet", none red', async ({ page }) => {
  await openLab(page);
  await expect.poll(() => checkState(page, 'external-network-1')).toBe('todo');
  await expect(page.locator('#check-external-network-1 .why')).toHaveText('not done yet');
  await expect(page.locator('.check.failed')).toHaveCount(0);
  // The page gets what it needs for the completion panel and the fit-width default.
  const view = (await page.evaluate(async (id) => (await fetch(`/api/labs/${id}`)).json(), LAB)) as { outcomes: string[]; fitWidth: boolean };
  expect(view.fitWidth).toBe(true);
  expect(view.outcomes.length).toBeGreaterThanOrEqual(2);
  // Looking around starts nothing; changing a network starts the network check.
  await run(page, 'openstack network list -f value -c Name | sort | head -1', /^(ext|my|net)/m);
  await expect.poll(() => checkState(page, 'external-network-1')).toBe('todo');
  await run(page, 'neutron net-create my-public -f value -c name', /^my-public$/m);
  await expect.poll(() => checkState(page, 'external-network-1')).toBe('failed');
});

test('a namespace held in a variable is credited; the same command outside it is a near miss', async ({ page }) => {
  await openLab(page);
  await run(page, 'route -n', /Kernel IP routing table/);
  await expect.poll(() => checkState(page, 'nat-2')).toBe('failed');
  await run(page, 'R=qrouter-$(openstack router show my-router -f value -c id)', /-c id\)\n\S+[#$]/);
  await run(page, 'echo $R', /^qrouter-[0-9a-f-]{36}$/m);
  await run(page, 'ip netns exec $R route -n', /Kernel IP routing table[\s\S]*Kernel IP routing table/);
  await expect.poll(() => checkState(page, 'nat-2')).toBe('passed');
  // A command skipped by && is not credited.
  await run(page, 'false && ip netns exec $R sysctl net.ipv4.ip_forward; echo skipped', /^skipped$/m);
  await expect.poll(() => checkState(page, 'nat-3')).toBe('todo');
});

test('an ICMP rule for the echo reply is a near miss for "the default group lets ICMP in"', async ({ page }) => {
  await openLab(page);
  await run(page, 'openstack security group rule create --protocol icmp --icmp-type 0 default -f value -c protocol', /^icmp$/m);
  await expect.poll(() => checkState(page, 'security-group-1')).toBe('failed');
  await run(page, 'openstack security group rule create --protocol icmp default -f value -c port_range_min; echo done', /^done$/m);
  await expect.poll(() => checkState(page, 'security-group-1')).toBe('passed');
});

test('an address pasted as ip a prints it (x.x.x.x/24) is accepted; a wrong form is told what to give', async ({ page }) => {
  await openLab(page);
  await run(page, 'neutron net-create my-public --router:external=True -f value -c name', /^my-public$/m);
  await run(page, 'neutron subnet-create my-public 180.180.180.0/24 --name public_subnet --enable-dhcp=False --gateway 180.180.180.1 -f value -c name', /^public_subnet$/m);
  await run(page, 'neutron router-gateway-set my-router my-public', /Set gateway for router my-router/);
  await run(page, 'ip netns exec qrouter-$(openstack router show my-router -f value -c id) ip -4 address', /inet 180\.180\.180\.\d+\/24/);
  const address = /inet (180\.180\.180\.\d+)\/24/.exec(await screen(page))?.[1] ?? '';
  const form = page.locator('form.answer[data-check="gateway-address"]');
  await form.locator('input').fill('the qg- one');
  await form.getByRole('button', { name: 'Answer' }).click();
  await expect(page.locator('#check-gateway-address .why')).toHaveText('the qg- one is not the right answer: give the address only, e.g. 192.0.2.5');
  await form.locator('input').fill('180.180.180.1/24');
  await form.getByRole('button', { name: 'Answer' }).click();
  await expect(page.locator('#check-gateway-address .why')).toHaveText('180.180.180.1/24 is not the right answer');
  await form.locator('input').fill(` "${address}/24" `);
  await form.getByRole('button', { name: 'Answer' }).click();
  await expect.poll(() => checkState(page, 'gateway-address')).toBe('passed');
});

test("lab 05's commands work as its prose shows them: port-list with -- and the refused interface", async ({ page }) => {
  await openLab(page);
  await run(page, "neutron port-list -c fixed_ips -- --device_id $(openstack server show vm2 -f value -c id)", /20\.20\.20\.2/);
  expect(await screen(page)).not.toContain('unrecognized arguments');
  await run(page, 'neutron net-create my-public --router:external=True -f value -c name', /^my-public$/m);
  await run(page, 'neutron subnet-create my-public 180.180.180.0/24 --name public_subnet --enable-dhcp=False --gateway 180.180.180.1 -f value -c name', /^public_subnet$/m);
  await run(page, 'neutron router-gateway-set my-router my-public', /Set gateway for router my-router/);
  await run(page, 'neutron router-interface-add my-router public_subnet', /Router already has a port on subnet/);
});
