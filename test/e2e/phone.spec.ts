/**
 * Issue #13, item 6 on a phone (390×844): the lab pane and the terminal are stacked, both full
 * width; the terminal keeps at least 40 columns and runs commands; the lab steps scroll on their own.
 */
import { expect, test, type Page } from '@playwright/test';
import { run, screen } from './helpers.js';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

const cols = (page: Page) => page.evaluate(() => (window as unknown as { stacklabTerm: { cols: number } }).stacklabTerm.cols);

test('at 390×844 the lab pane sits above a terminal of at least 40 columns, both full width', async ({ page }) => {
  await page.goto('/lab/direct-attach');
  await page.waitForSelector('body[data-ready="1"]');
  const pane = await page.locator('#lab').boundingBox();
  const term = await page.locator('#terminal').boundingBox();
  if (!pane || !term) throw new Error('the panes are not shown');
  expect(pane.width).toBeGreaterThan(370);
  expect(term.width).toBeGreaterThan(370);
  expect(term.y).toBeGreaterThanOrEqual(pane.y + pane.height - 1);
  // Both fit on the screen at once: the steps on top, the terminal below, no page scrolling.
  expect(pane.height).toBeGreaterThan(200);
  expect(term.y + term.height).toBeLessThanOrEqual(844);
  // A usable terminal: 40 columns or more, and a good share of the screen's height.
  expect(await cols(page)).toBeGreaterThanOrEqual(40);
  expect(term.height).toBeGreaterThan(300);
  // The steps scroll inside their pane; the page does not scroll sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.locator('.xterm').click();
  await run(page, 'openstack network list -c Name', /ext-net1/);
  expect(await screen(page)).toMatch(/\| Name +\|/);
  await page.screenshot({ path: 'test-results/lab-page-390x844.png' });
});

test('on a phone the skip link and the settings still work', async ({ page }) => {
  await page.goto('/sandbox/empty');
  await page.waitForSelector('body[data-ready="1"]');
  await page.locator('#settings summary').click();
  await page.locator('#font-size').selectOption('12');
  await expect.poll(() => cols(page)).toBeGreaterThanOrEqual(46);
  const panel = await page.locator('.settings-panel').boundingBox();
  expect(panel && panel.x >= 0 && panel.x + panel.width <= 390).toBe(true);
});
