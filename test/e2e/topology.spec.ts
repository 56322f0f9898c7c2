/**
 * Issue #16 in the real browser: the topology tab beside the guide and the lab steps, redrawn as
 * commands change the cloud (routers, subnets, gateways, floating IPs appear and disappear),
 * byte-identical for the same cloud, keyboard-usable with details, a table view with the same
 * resources, full screen, a packet path highlighted, "Trace…", labs that hide it, and the
 * instructor's view of a learner's cloud.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page, type WebSocketRoute } from '@playwright/test';
import { logicalLines, openSandbox, screen } from './helpers.js';

test.use({ viewport: { width: 1400, height: 900 } });

const canvas = (page: Page) => page.locator('#topology .topo-canvas');
/** The drawn element of that kind whose title has that text. */
const drawn = (page: Page, kind: string, title: string | RegExp): Locator => canvas(page).locator(`[data-id^="${kind}:"]`).filter({ has: page.locator('title', { hasText: title }) });
const inTerminal = (page: Page) => page.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea') ?? false);
const cols = (page: Page) => page.evaluate(() => (window as unknown as { stacklabTerm: { cols: number; rows: number } }).stacklabTerm.cols);

/** Types a line and waits until it has run: the screen ends with a new prompt after it. */
async function runDone(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => {
      const text = (await logicalLines(page)).join('\n').trimEnd();
      return text.lastIndexOf(line) >= 0 && text.lastIndexOf(line) < text.lastIndexOf('\n') && /[$#]$/.test(text);
    })
    .toBe(true);
}

async function openTopology(page: Page, fixture = 'public-cloud'): Promise<void> {
  await openSandbox(page, fixture);
  await page.locator('#tab-topology').click();
  await expect(canvas(page).locator('svg')).toBeVisible();
}

/** A floating IP created on ext-floating1; its address as printed. */
async function createFip(page: Page): Promise<string> {
  await runDone(page, 'openstack floating ip create ext-floating1 -f value -c floating_ip_address');
  const lines = await logicalLines(page);
  const i = lines.map((l) => l.endsWith('openstack floating ip create ext-floating1 -f value -c floating_ip_address')).lastIndexOf(true);
  const address = lines[i + 1] ?? '';
  expect(address).toMatch(/^192\.0\.2\.\d+$/);
  return address;
}

/** A private network behind a router with a gateway, and vm1 on it. */
async function buildCloud(page: Page): Promise<void> {
  for (const line of [
    'openstack network create mynetwork',
    'openstack subnet create mysubnet --network mynetwork --subnet-range 10.0.0.0/24',
    'openstack router create myrouter',
    'openstack router add subnet myrouter mysubnet',
    'openstack router set --external-gateway ext-floating1 myrouter',
    'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network mynetwork vm1',
  ])
    await runDone(page, line);
  await expect(drawn(page, 'server', /^server vm1 /)).toBeVisible();
}

test('each command redraws the topology: a router, a subnet, a gateway and a floating IP appear, then go', async ({ page }) => {
  await openTopology(page);
  // The provider's networks are drawn, another project's, with their CIDRs.
  await expect(drawn(page, 'net', /^network ext-floating1 \(external, another project's/)).toBeVisible();
  await expect(drawn(page, 'net', /^network ext-net1 \(internal, shared, another project's, ACTIVE\): 192\.0\.2\.0\/25, /)).toBeVisible();
  await expect(canvas(page).locator('[data-id^="subnet:"] text', { hasText: '192.0.2.0/25' })).toBeVisible();
  const termCols = await cols(page);
  await page.locator('.xterm').click();

  await runDone(page, 'openstack router create myrouter');
  const router = drawn(page, 'router', /^router myrouter /);
  await expect(router).toBeVisible();
  await expect(router.locator('text.name')).toHaveText('myrouter');

  await runDone(page, 'openstack network create mynetwork');
  await runDone(page, 'openstack subnet create mysubnet --network mynetwork --subnet-range 10.0.0.0/24');
  await expect(drawn(page, 'net', /^network mynetwork \(internal, ACTIVE\): 10\.0\.0\.0\/24$/)).toBeVisible();
  await expect(drawn(page, 'subnet', 'subnet mysubnet: 10.0.0.0/24')).toBeVisible();

  await runDone(page, 'openstack router add subnet myrouter mysubnet');
  await expect(drawn(page, 'port', /^port qr-\S+ of myrouter on mynetwork: 10\.0\.0\.1$/)).toBeVisible();

  await runDone(page, 'openstack router set --external-gateway ext-floating1 myrouter');
  const gateway = canvas(page).locator('[data-id^="gateway:"]');
  await expect(gateway.locator('text')).toHaveText(['gateway, SNAT on', /^192\.0\.2\.\d+$/, /^2001:1600:20:300::\w+$/]);

  await runDone(page, 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network mynetwork vm1');
  await expect(drawn(page, 'server', /^server vm1 /)).toBeVisible();
  const fip = await createFip(page);
  await runDone(page, `openstack server add floating ip vm1 ${fip}`);
  const badge = canvas(page).locator(`[data-id="fip:${fip}"]`);
  await expect(badge.locator('text')).toHaveText(fip);
  await expect(badge.locator('title')).toHaveText(new RegExp(`^floating IP ${fip.replace(/\./g, '\\.')} → 10\\.0\\.0\\.\\d+ \\(vm1\\)$`));

  // Deleting them takes them off the picture.
  await runDone(page, `openstack server remove floating ip vm1 ${fip}`);
  await expect(badge).toHaveCount(0);
  await runDone(page, 'openstack router unset --external-gateway myrouter');
  await expect(gateway).toHaveCount(0);
  await runDone(page, 'openstack router remove subnet myrouter mysubnet');
  await runDone(page, 'openstack router delete myrouter');
  await expect(router).toHaveCount(0);
  // The terminal kept its focus and its size all along.
  expect(await inTerminal(page)).toBe(true);
  expect(await cols(page)).toBe(termCols);
  await page.screenshot({ path: 'test-results/topology-public-cloud-commands.png' });
});

test('the same cloud draws byte-identical SVG twice; the picture scrolls inside its pane', async ({ page }) => {
  await openTopology(page);
  await page.locator('.xterm').click();
  await buildCloud(page);
  const first = await canvas(page).innerHTML();
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]');
  await page.locator('#tab-topology').click();
  await expect(drawn(page, 'server', /^server vm1 /)).toBeVisible();
  expect(await canvas(page).innerHTML()).toBe(first);
  // Zoomed in, the picture grows inside its box, not the page; Fit brings it back.
  const fitted = (await canvas(page).locator('svg').boundingBox())?.width;
  for (let i = 0; i < 4; i++) await page.locator('[data-zoom="in"]').click();
  const box = await canvas(page).boundingBox();
  const svg = await canvas(page).locator('svg').boundingBox();
  expect(svg && box && svg.width > box.width).toBe(true);
  expect(await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight])).toEqual([1400, 900]);
  await page.locator('[data-zoom="fit"]').click();
  expect((await canvas(page).locator('svg').boundingBox())?.width).toBe(fitted);
});

test('keyboard: every element is focusable; Enter shows its details and the command that shows them', async ({ page }) => {
  await openTopology(page);
  await page.locator('.xterm').click();
  await buildCloud(page);
  // From the tools, Tab goes on into the picture, element by element.
  await page.locator('.topo-full-btn').focus();
  await page.keyboard.press('Tab');
  await expect(canvas(page).locator('[data-id="laptop"]')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(canvas(page).locator('[data-id="internet"]')).toBeFocused();
  const all = canvas(page).locator('[data-id]');
  expect(await all.count()).toBe(await canvas(page).locator('[data-id][tabindex="0"]:has(> title)').count());
  const vm = drawn(page, 'server', /^server vm1 /);
  await vm.focus();
  await page.keyboard.press('Enter');
  const details = page.locator('#topology .topo-details');
  await expect(details).toBeVisible();
  await expect(details.locator('h3')).toHaveText(/^server vm1 \((BUILD|ACTIVE)\)$/);
  await expect(details.locator('tr', { has: page.locator('th', { hasText: /^name$/ }) }).locator('td')).toHaveText('vm1');
  // The command is typed into the terminal, as a command of the guide is.
  await details.locator('.topo-cmd').click();
  await expect.poll(() => screen(page)).toMatch(/\$ openstack server show vm1\s*$/);
  expect(await inTerminal(page)).toBe(true);
  // A click on a network shows it too; Space on a subnet.
  await drawn(page, 'net', /^network mynetwork /).click();
  await expect(details.locator('.topo-cmd')).toHaveText('openstack network show mynetwork');
  await drawn(page, 'subnet', 'subnet mysubnet').focus();
  await page.keyboard.press(' ');
  await expect(details.locator('.topo-cmd')).toHaveText('openstack subnet show mysubnet');
  await details.locator('.topo-close').click();
  await expect(details).toBeHidden();
});

test('no serious accessibility violation in the topology, its details, its path and its tables (both themes)', async ({ page }) => {
  const violations = async () =>
    (await new AxeBuilder({ page }).include('#topology').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  for (const theme of ['dark', 'light']) {
    await page.addInitScript((t) => localStorage.setItem('stacklab-settings', JSON.stringify({ theme: t })), theme);
    await openTopology(page);
    await page.locator('.xterm').click();
    if (theme === 'dark') await buildCloud(page);
    await runDone(page, 'stacklab trace vm1 internet');
    await drawn(page, 'server', /^server vm1 /).click();
    await expect(page.locator('#topology .topo-path')).toBeVisible();
    await page.locator('.topo-trace-btn').click();
    expect(await violations()).toEqual([]);
    await page.locator('.topo-table-btn').click();
    expect(await violations()).toEqual([]);
  }
});

test('the table view lists the same resources as the picture', async ({ page }) => {
  await openTopology(page);
  await page.locator('.xterm').click();
  await buildCloud(page);
  const pictured = await canvas(page)
    .locator('[data-id]')
    .evaluateAll((es) => es.map((e) => e.getAttribute('data-id') ?? '').filter((id) => /^(net|subnet|router|server|lb):/.test(id)));
  await page.locator('.topo-table-btn').click();
  await expect(canvas(page)).toBeHidden();
  const tables = page.locator('#topology .topo-tables');
  await expect(tables).toBeVisible();
  const listed = await tables.locator('.topo-ref').evaluateAll((es) => es.map((e) => e.getAttribute('data-id') ?? ''));
  expect(listed).toEqual(pictured);
  await expect(tables.locator('caption')).toHaveText(['Networks', 'Routers', 'Servers']);
  await expect(tables.locator('tr', { hasText: 'myrouter' })).toContainText(/ext-floating1: 192\.0\.2\.\d+, 2001:1600:20:300::\w+, SNAT on/);
  // A name in the table shows its details.
  await tables.locator('.topo-ref', { hasText: 'vm1' }).click();
  await expect(page.locator('#topology .topo-details .topo-cmd')).toHaveText('openstack server show vm1');
  await page.locator('.topo-table-btn').click();
  await expect(canvas(page)).toBeVisible();
});

test('a path sent by the server is highlighted with its hops and verdict; Clear removes it', async ({ page }) => {
  let toPage: WebSocketRoute | null = null;
  await page.routeWebSocket(/\/ws/, (ws) => {
    toPage = ws;
    ws.connectToServer();
  });
  await openTopology(page);
  await page.locator('.xterm').click();
  await buildCloud(page);
  // The Guide tab is shown: the path brings the topology forward, and the terminal keeps the focus.
  await page.locator('#tab-steps').click();
  await page.locator('.xterm').click();
  const ids = await canvas(page).locator('[data-id]').evaluateAll((es) => es.map((e) => e.getAttribute('data-id') ?? ''));
  const vm = ids.find((id) => id.startsWith('server:')) as string;
  const port = ids.find((id) => id.startsWith('port:') && ids.indexOf(id) > ids.indexOf(vm)) as string;
  const router = ids.find((id) => id.startsWith('router:')) as string;
  const path = {
    from: 'laptop',
    to: 'vm1',
    proto: 'tcp/22',
    verdict: 'dropped',
    reason: 'no floating IP',
    elements: ['laptop', 'internet', router, port, vm],
    steps: [
      { element: 'laptop', where: 'laptop', what: 'sends to 10.0.0.5', verdict: 'pass' },
      { element: router, where: 'qrouter-x', what: 'dropped: no floating IP maps to 10.0.0.5', verdict: 'drop' },
    ],
  };
  (toPage as WebSocketRoute | null)?.send(JSON.stringify({ t: 'path', path }));
  await expect(page.locator('#tab-topology')).toHaveAttribute('aria-selected', 'true');
  const box = page.locator('#topology .topo-path');
  await expect(box.locator('li')).toHaveText(['laptop: sends to 10.0.0.5 (passes)', 'qrouter-x: dropped: no floating IP maps to 10.0.0.5 (dropped)']);
  await expect(box.locator('.topo-verdict')).toHaveText('Dropped: no floating IP');
  expect(await canvas(page).locator('.on-path').evaluateAll((es) => es.map((e) => e.getAttribute('data-id')))).toEqual(['laptop', 'internet', router, vm, port]);
  await expect(canvas(page).locator('.drop-here')).toHaveAttribute('data-id', router);
  expect(await inTerminal(page)).toBe(true);
  // A command that redraws keeps the path marked.
  await runDone(page, 'openstack network create another');
  await expect(drawn(page, 'net', /^network another /)).toBeVisible();
  await expect(canvas(page).locator('.on-path')).toHaveCount(5);
  await box.locator('.topo-clear').click();
  await expect(canvas(page).locator('.on-path')).toHaveCount(0);
  await expect(box).toBeHidden();
});

test('stacklab trace of a blocked ssh names the missing security-group rule and highlights the hop; the fix lets it through', async ({ page }) => {
  await openTopology(page);
  await page.locator('.xterm').click();
  await buildCloud(page);
  const fip = await createFip(page);
  await runDone(page, `openstack server add floating ip vm1 ${fip}`);
  await runDone(page, `stacklab trace laptop ${fip} tcp/22`);
  const box = page.locator('#topology .topo-path');
  await expect(box.locator('h3')).toHaveText(`Path from laptop to ${fip} (tcp/22)`);
  await expect(box.locator('.topo-verdict')).toHaveText(/^Dropped: .*tcp\/22 ingress/);
  const drop = box.locator('li.step-drop');
  await expect(drop).toContainText('security group default');
  const fix = drop.locator('.topo-cmd');
  await expect(fix).toHaveText('openstack security group rule create --protocol tcp --dst-port 22 default');
  // The hop that drops it is the VM's port; the way there is marked: the Internet, the gateway, the floating IP, the router.
  const vmPort = drawn(page, 'port', /^port eth0 of vm1 on mynetwork: /);
  await expect(vmPort).toHaveClass(/drop-here/);
  for (const on of [canvas(page).locator('[data-id="internet"]'), canvas(page).locator('[data-id^="gateway:"]'), canvas(page).locator(`[data-id="fip:${fip}"]`), drawn(page, 'router', /^router myrouter /)])
    await expect(on).toHaveClass(/on-path/);
  await expect(drawn(page, 'net', /^network ext-net1 /)).not.toHaveClass(/on-path/);
  expect(await inTerminal(page)).toBe(true);
  // The fix is typed into the terminal; run, the same trace is delivered.
  await fix.click();
  await expect.poll(() => screen(page)).toMatch(/\$ openstack security group rule create --protocol tcp --dst-port 22 default\s*$/);
  await page.keyboard.press('Enter');
  await expect.poll(() => screen(page)).toMatch(/\| protocol +\| tcp /);
  await runDone(page, `stacklab trace laptop ${fip} tcp/22`);
  await expect(box.locator('.topo-verdict')).toHaveText(/^Delivered/);
  await expect(canvas(page).locator('.drop-here')).toHaveCount(0);
  await expect(vmPort).toHaveClass(/on-path/);
  await page.screenshot({ path: 'test-results/topology-trace-public-cloud.png' });
});

test('Trace…: pick the source and the destination on the picture, and the command is typed', async ({ page }) => {
  await openTopology(page);
  await page.locator('.xterm').click();
  await buildCloud(page);
  await page.locator('.topo-trace-btn').click();
  const form = page.locator('#topo-trace');
  await expect(form).toBeVisible();
  await canvas(page).locator('[data-id="laptop"]').click();
  await expect(form.locator('input[name="from"]')).toHaveValue('laptop');
  // A network is no end of a path: said, and nothing picked.
  await drawn(page, 'net', /^network mynetwork /).click();
  await expect(form.locator('.topo-hint')).toHaveText(/not an end of a path/);
  await expect(page.locator('#topology .topo-details')).toBeHidden();
  await drawn(page, 'server', /^server vm1 /).click();
  await expect(form.locator('input[name="to"]')).toHaveValue('vm1');
  await form.locator('button[type="submit"]').click();
  await expect(form).toBeHidden();
  await expect.poll(() => screen(page)).toMatch(/\$ stacklab trace laptop vm1\s*$/);
  expect(await inTerminal(page)).toBe(true);
});

test('full screen covers the page without resizing the terminal; Esc leaves it', async ({ page }) => {
  await openTopology(page);
  const term = await page.locator('#terminal').boundingBox();
  await page.locator('.topo-full-btn').click();
  const full = await page.locator('#topology').boundingBox();
  expect(full).toEqual({ x: 0, y: 0, width: 1400, height: 900 });
  expect(await page.locator('#terminal').boundingBox()).toEqual(term);
  await page.keyboard.press('Escape');
  await expect(page.locator('.topo-full-btn')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.locator('.topo-full-btn')).toBeFocused();
  expect((await page.locator('#topology').boundingBox())?.width).toBeLessThan(1400);
});

test('a lab shows Steps | Topology; a lab whose front matter says topology: false shows no tab', async ({ page }) => {
  await page.goto('/lab/direct-attach');
  await page.waitForSelector('body[data-ready="1"]');
  await expect(page.locator('[role="tab"]')).toHaveText(['Steps', 'Topology']);
  await expect(page.locator('#steps .step').first()).toBeVisible();
  await page.locator('#tab-steps').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#tab-topology')).toBeFocused();
  await expect(page.locator('#steps')).toBeHidden();
  await expect(canvas(page).locator('svg')).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('#steps')).toBeVisible();

  await page.route('**/api/labs/direct-attach', async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, json: { ...((await res.json()) as object), topology: false } });
  });
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]');
  await expect(page.locator('.step').first()).toBeVisible();
  await expect(page.locator('[role="tab"]')).toHaveCount(0);
  await expect(page.locator('#topology')).toHaveCount(0);
});

test("an instructor opens a learner's topology from the class page", async ({ page, browser }) => {
  await page.goto('/lab/direct-attach');
  await page.waitForSelector('body[data-ready="1"]');
  await page.locator('.xterm').click();
  await runDone(page, 'openstack router create classrouter');
  const teacher = await browser.newPage();
  await teacher.goto('/instructor');
  await teacher.fill('#token', 'e2e-instructor');
  await teacher.click('#auth button[type="submit"]');
  await teacher.locator('.learner-topo').first().waitFor();
  // The learner who made the router: the one whose cloud has it.
  const buttons = teacher.locator('.learner-topo');
  let found = false;
  const drawnTimes = () => teacher.evaluate(() => Number(document.body.dataset['topology'] ?? 0));
  for (let i = 0; i < (await buttons.count()) && !found; i++) {
    const before = await drawnTimes();
    await buttons.nth(i).click();
    await expect.poll(drawnTimes).toBeGreaterThan(before);
    found = (await teacher.locator('#learner-topology .topo-canvas [data-id^="router:"]', { hasText: 'classrouter' }).count()) === 1;
  }
  expect(found).toBe(true);
  await expect(teacher.locator('#learner-topology-title')).toHaveText(/'s cloud in /);
  // Read-only: no trace, and the show command is text.
  await expect(teacher.locator('#learner-topology .topo-trace-btn')).toHaveCount(0);
  await teacher.locator('#learner-topology .topo-canvas [data-id^="router:"]', { hasText: 'classrouter' }).click();
  await expect(teacher.locator('#learner-topology .topo-details code')).toHaveText('openstack router show classrouter');
  await teacher.close();
});

test("a sandbox without a guide keeps the terminal's width; the toolbar's Topology button shows and hides the topology", async ({ page }) => {
  await openSandbox(page, 'broken-public');
  await expect(page.locator('#lab')).toBeHidden();
  const wide = await cols(page);
  const button = page.locator('#show-topology');
  await button.click();
  await expect(button).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#lab')).toBeVisible();
  await expect(page.locator('#tab-steps')).toBeHidden();
  await expect(drawn(page, 'net', /^network /).first()).toBeVisible();
  await expect.poll(() => cols(page)).toBeLessThan(wide);
  await button.click();
  await expect(page.locator('#lab')).toBeHidden();
  await expect.poll(() => cols(page)).toBe(wide);
});

for (const fixture of ['public-cloud', 'network-node', 'empty', 'broken-public', 'provider-admin']) {
  test(`screenshot of the ${fixture} topology`, async ({ page }) => {
    await openSandbox(page, fixture);
    const tab = page.locator('#tab-topology');
    // A sandbox without a guide shows its topology from the toolbar.
    await (await tab.isVisible() ? tab : page.locator('#show-topology')).click();
    await expect(canvas(page).locator('svg')).toBeVisible();
    await page.locator('.topo-full-btn').click();
    await page.screenshot({ path: `test-results/topology-${fixture}.png` });
  });
}
