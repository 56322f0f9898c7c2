/**
 * Issue #13: an automated accessibility scan (axe-core) of the home, sandbox, lab and instructor
 * pages, in both themes and with the page's dialog and settings open: no serious or critical
 * violations.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

test.use({ viewport: { width: 1400, height: 900 } });

/** Serious and critical violations of the page as it is now, one readable line each. */
async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}

async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.waitForSelector('body[data-ready="1"]');
}

for (const theme of ['dark', 'light'] as const) {
  test.describe(`${theme} theme`, () => {
    test.beforeEach(async ({ page }) => {
      await page.addInitScript((t) => localStorage.setItem('stacklab-settings', JSON.stringify({ theme: t })), theme);
    });

    test('the home page', async ({ page }) => {
      await open(page, '/');
      expect(await violations(page)).toEqual([]);
    });

    test('a sandbox, with its settings open', async ({ page }) => {
      await open(page, '/sandbox/network-node');
      expect(await violations(page)).toEqual([]);
      await page.locator('#settings summary').click();
      expect(await violations(page)).toEqual([]);
    });

    test('a lab, with hints, a solution, checks graded and the Reset dialog', async ({ page }) => {
      await open(page, '/lab/direct-attach');
      await page.locator('.xterm').click();
      await page.locator('.step').first().locator('code.cmd').first().click();
      await page.keyboard.press('Enter');
      await expect(page.locator('li.check.passed').first()).toBeVisible();
      await page.locator('.hint-btn').first().click();
      await page.locator('.solution-btn').first().click();
      await expect(page.locator('pre.solution').first()).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.locator('#reset').click();
      expect(await violations(page)).toEqual([]);
    });

    test('the instructor page, with the class shown', async ({ page }) => {
      await open(page, '/instructor');
      expect(await violations(page)).toEqual([]);
      await page.fill('#token', 'e2e-instructor');
      await page.click('#auth button[type="submit"]');
      await expect(page.locator('#grid')).not.toBeEmpty();
      expect(await violations(page)).toEqual([]);
    });
  });
}
