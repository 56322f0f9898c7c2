/**
 * The class page's lab panel (issue #18, authoring without restarts): it asks for the token, then
 * lists the labs the server loaded and says the folder has no problems; Reload reads the folder
 * again and says when. The server's labs folder is the repository's: nothing here writes to it
 * (test/http/labs-reload.test.ts changes labs under a server of its own).
 */
import { expect, test } from '@playwright/test';

test('the lab panel lists the loaded labs, their problems, and reloads on demand', async ({ page }) => {
  const labs = (await (await page.request.get('/api/labs')).json()) as Array<{ id: string; title: string }>;
  await page.goto('/instructor');
  const panel = page.locator('#labs-admin');
  await expect(panel).toContainText('Enter the instructor token');
  await page.fill('#token', 'e2e-instructor');
  await page.click('#auth button[type="submit"]');
  await expect(panel.locator('.labs-status')).toContainText(`${labs.length} labs loaded`);
  await expect(panel.locator('.labs-status')).toContainText('No problems: every lab file loads.');
  await panel.locator('summary').click();
  for (const l of labs) await expect(panel.locator('.lab-list')).toContainText(l.id);
  const before = await panel.locator('time').getAttribute('datetime');
  await panel.getByRole('button', { name: 'Reload labs' }).click();
  await expect.poll(() => panel.locator('time').getAttribute('datetime')).not.toBe(before);
  await expect(panel.locator('.labs-status')).toContainText('no lab changed');
});

test('Reload with a wrong token says where to find the right one', async ({ page }) => {
  await page.goto('/instructor');
  await page.fill('#token', 'not-the-token');
  await page.locator('#labs-admin').getByRole('button', { name: 'Reload labs' }).click();
  await expect(page.locator('#labs-admin [role="alert"]')).toContainText('instructor-token');
});
