/**
 * The class page tried as a new instructor would (issue #18): a named learner types in a lab and
 * reveals a hint; the instructor sees the name and the step titles, opens the learner's
 * drill-down (history, the hint, an output fetched on demand); a wrong or missing token shows
 * where to find the right one. Run on its own port:
 * E2E_PORT=3402 npx playwright test -c test/e2e/playwright.config.ts instructor.spec.ts
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { run } from './helpers.js';

const LAB = 'direct-attach';
// A hostile name: markup and a spreadsheet formula, which the page must show as text.
const NAME = '<b>Ada</b> =1+1';
const COMMAND = 'openstack network list -f value -c Name';

/** Serious and critical accessibility violations of the page as it is now (as a11y.spec.ts scans). */
async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function showClass(page: Page, token: string): Promise<void> {
  await page.goto('/instructor');
  await page.waitForSelector('body[data-ready="1"]');
  await page.fill('#token', token);
  await page.click('#auth button[type="submit"]');
}

test('the instructor sees a named learner, step titles, and their history with the hint they revealed', async ({ page, browser }) => {
  const learner = await browser.newContext();
  const lp = await learner.newPage();
  await lp.goto('/');
  await lp.waitForSelector('body[data-ready="1"]');
  await lp.fill('#name', NAME);
  await lp.click('#who button[type="submit"]');
  await expect(lp.locator('#saved')).toHaveText('saved');
  await lp.goto(`/lab/${LAB}`);
  await lp.waitForSelector('body[data-ready="1"]');
  await lp.locator('.xterm').click();
  await run(lp, COMMAND, /^ext-net1$/m);
  await lp.locator('.hint-btn').first().click();
  await expect(lp.locator('.hint').first()).toBeVisible();
  const view = (await (await lp.request.get(`/api/labs/${LAB}`)).json()) as { steps: Array<{ id: string; title: string }> };
  const first = view.steps[0];
  if (!first) throw new Error('the lab has no step');

  await showClass(page, 'e2e-instructor');
  const table = page.locator('table.class').first();
  await expect(table.locator('thead th', { hasText: first.title })).toBeVisible();
  const name = page.locator('.learner-open', { hasText: NAME });
  // Poll: the hint reaches the server over the socket, and the grid refreshes every 3 s.
  await expect(name).toHaveCount(1);
  await expect(page.locator('#grid b')).toHaveCount(0);

  await name.click();
  const detail = page.locator('#learner-detail');
  await expect(detail).toBeVisible();
  await expect(page.locator('#learner-detail-title')).toHaveText(`${NAME} in ${(await page.locator('#labsel option:checked').textContent()) ?? ''}`);
  await expect(detail.locator('b')).toHaveCount(0);
  const cmd = detail.locator('.entry-command', { hasText: COMMAND });
  await expect(cmd).toHaveCount(1);
  await expect(detail.locator('.entry-hint')).toContainText(`Hint 1 shown for step ${first.title}`);
  await expect(detail.locator(`tr[data-step="${first.id}"] .hints`)).toHaveText('1');
  // Outputs come on demand.
  const out = cmd.locator('pre.output');
  await expect(out).toBeHidden();
  await cmd.locator('.show-output').click();
  await expect(out).toContainText('ext-net1');
  await expect(cmd.locator('.show-output')).toHaveAttribute('aria-expanded', 'true');
  expect(await violations(page)).toEqual([]);
  // The drill-down has an address: a reload opens it again.
  await expect(page).toHaveURL(/\/instructor\?lab=direct-attach&learner=/);
  await page.reload();
  await expect(page.locator('#learner-detail-title')).toContainText(NAME);
  await expect(page.locator('#learner-detail .entry-hint')).toHaveCount(1);
  await learner.close();
});

test('a wrong or missing token shows where to find the right one, not a JSON error', async ({ page }) => {
  await showClass(page, 'not-the-token');
  const help = page.locator('#token-help');
  await expect(help).toBeVisible();
  await expect(help.locator('h2')).toHaveText('That instructor token is not the right one');
  await expect(help).toContainText('instructor-token');
  await expect(page.locator('#grid')).toBeEmpty();
  await expect(page.locator('body')).not.toContainText('{"error"');
  expect(await violations(page)).toEqual([]);

  await showClass(page, '');
  await expect(help.locator('h2')).toHaveText('The class page needs the instructor token');
  // The right token: the help goes, the class comes.
  await page.fill('#token', 'e2e-instructor');
  await page.click('#auth button[type="submit"]');
  await expect(help).toBeHidden();
  await expect(page.locator('#grid')).not.toBeEmpty();
});
