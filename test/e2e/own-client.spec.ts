/**
 * Issue #17: the "Use your own client" button of the lab and sandbox pages offers the learner's
 * own clouds.yaml and openrc for the workspace, and what it downloads logs in to that workspace.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { parse as parseYaml } from 'yaml';
import { openSandbox } from './helpers.js';

test.use({ viewport: { width: 1400, height: 900 } });

async function download(page: Page, link: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(link)]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

test('the sandbox offers clouds.yaml and openrc that log in to this learner’s workspace', async ({ page, baseURL }) => {
  await openSandbox(page, 'public-cloud');
  await page.getByRole('button', { name: 'Use your own client' }).click();
  const dialog = page.getByRole('dialog', { name: 'Use your own client' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('openstack --os-cloud stacklab network list');

  const clouds = await download(page, '#own-client-clouds');
  expect(clouds.name).toBe('clouds.yaml');
  const auth = (parseYaml(clouds.text) as { clouds: { stacklab: { auth: Record<string, string> } } }).clouds.stacklab.auth;
  expect(auth['auth_url']).toBe(`${baseURL}/openstack/identity/v3`);
  const openrc = await download(page, '#own-client-openrc');
  expect(openrc.name).toBe('stacklab-openrc.sh');
  expect(openrc.text).toContain(`export OS_PASSWORD='${auth['password']}'`);

  const login = await page.request.post('/openstack/identity/v3/auth/tokens', {
    data: {
      auth: {
        identity: { methods: ['password'], password: { user: { name: auth['username'], domain: { name: 'Default' }, password: auth['password'] } } },
        scope: { project: { name: auth['project_name'], domain: { name: 'Default' } } },
      },
    },
  });
  expect(login.status()).toBe(201);

  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea'))).toBe(true);
});

test('a lab page has the button too', async ({ page }) => {
  await page.goto('/lab/direct-attach');
  await page.waitForSelector('body[data-ready="1"]');
  await page.getByRole('button', { name: 'Use your own client' }).click();
  await expect(page.locator('#own-client-clouds')).toHaveAttribute('href', '/api/me/clouds.yaml?workspace=lab%3Adirect-attach');
});
