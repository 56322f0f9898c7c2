/**
 * Issue #13, items 1–3 in the real browser: lines longer than the terminal redraw in place
 * (typing, cursor keys, Backspace, history, Tab, resize), a multi-line paste shows each line after
 * its own prompt and before its own output, and the lab pane gets its keys.
 */
import { expect, test, type Page } from '@playwright/test';
import { logicalLines, openSandbox, paste, screen } from './helpers.js';

/** A whole prompt at the start of a line (`admin@laptop:~$ `, `root@network-node:~# `). */
const PROMPT = /^[\w.-]+@[\w.-]+:[^\s$#]*[$#] /;

/** How many logical lines of the terminal are a prompt followed by exactly `line`. */
async function copies(page: Page, line: string): Promise<number> {
  return (await logicalLines(page)).filter((l) => PROMPT.test(l) && l.replace(PROMPT, '') === line).length;
}

/** The logical line after the (last) prompt line holding `line`. */
async function outputAfter(page: Page, line: string): Promise<string | undefined> {
  const ls = await logicalLines(page);
  const i = ls.map((l) => PROMPT.test(l) && l.replace(PROMPT, '') === line).lastIndexOf(true);
  return i < 0 ? undefined : ls[i + 1];
}

const cols = (page: Page) => page.evaluate(() => (window as unknown as { stacklabTerm: { cols: number } }).stacklabTerm.cols);

test.describe('long lines', () => {
  test.use({ viewport: { width: 1400, height: 900 } });

  for (const n of [120, 300]) {
    test(`a ${n}-character command is shown once while typed and once after Enter, and runs`, async ({ page }) => {
      await openSandbox(page);
      const word = 'w'.repeat(n - 5);
      const line = `echo ${word}`;
      expect(line.length).toBeGreaterThan(await cols(page));
      await page.keyboard.type(line);
      await expect.poll(() => copies(page, line)).toBe(1);
      await page.keyboard.press('Enter');
      await expect.poll(() => outputAfter(page, line)).toBe(word);
      expect(await copies(page, line)).toBe(1);
      // The next prompt is on the line after the output, empty.
      expect((await logicalLines(page)).filter((l) => l !== '').at(-1)).toMatch(/[$#]$/);
    });
  }

  test('a line that ends exactly at the right margin is shown once, its output right below it', async ({ page }) => {
    await openSandbox(page);
    const prompt = (await logicalLines(page)).filter((l) => l !== '').at(-1) ?? '';
    const w = await cols(page);
    const word = 'm'.repeat(w - `${prompt} echo `.length);
    const line = `echo ${word}`;
    await page.keyboard.type(line.slice(0, -1));
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('End');
    await page.keyboard.type(line.slice(-1));
    await expect.poll(() => copies(page, line)).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => outputAfter(page, line)).toBe(word);
    expect(await copies(page, line)).toBe(1);
  });

  test('cursor keys, Home/End, Ctrl-A/E and Backspace across the wrap keep one copy', async ({ page }) => {
    await openSandbox(page);
    const w = await cols(page);
    const tail = 'a'.repeat(w + 20);
    await page.keyboard.type(`cho ${tail}zz`);
    await page.keyboard.press('Home');
    await page.keyboard.type('e');
    await page.keyboard.press('End');
    // Back over the wrap and Backspace there: removes one `a`.
    for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Backspace');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+E');
    await page.keyboard.press('Backspace');
    const line = `echo ${'a'.repeat(w + 19)}z`;
    await expect.poll(() => copies(page, line)).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => outputAfter(page, line)).toBe(`${'a'.repeat(w + 19)}z`);
    expect(await copies(page, line)).toBe(1);
    expect(await screen(page)).not.toMatch(/echo a+zz/);
  });

  test('history recall of long lines redraws in place', async ({ page }) => {
    await openSandbox(page);
    const long = `echo ${'h'.repeat(250)}`;
    const short = 'echo short';
    for (const l of [long, short]) {
      await page.keyboard.type(l);
      await page.keyboard.press('Enter');
      await expect.poll(() => copies(page, l)).toBe(1);
    }
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => copies(page, long)).toBe(2);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await logicalLines(page)).filter((l) => l === 'h'.repeat(250)).length).toBe(2);
    expect(await copies(page, long)).toBe(2);
    expect(await copies(page, short)).toBe(1);
  });

  test('Tab completes on a wrapped line', async ({ page }) => {
    await page.setViewportSize({ width: 800, height: 900 });
    await openSandbox(page, 'network-node');
    const prefix = 'openstack router show -f value -c name -c status my';
    expect(prefix.length + 'root@network-node:~# '.length).toBeGreaterThan(await cols(page));
    await page.keyboard.type(prefix);
    await page.keyboard.press('Tab');
    // The screen's lines are compared without trailing spaces.
    const done = 'openstack router show -f value -c name -c status my-router';
    await expect.poll(() => copies(page, done)).toBe(1);
    expect(await copies(page, prefix)).toBe(0);
    await page.keyboard.press('Enter');
    await expect.poll(() => screen(page)).toMatch(/^my-router\nACTIVE$/m);
    expect(await copies(page, done)).toBe(1);
  });

  test('a long line survives a resize of the window', async ({ page }) => {
    await openSandbox(page);
    const w = await cols(page);
    const start = `echo ${'r'.repeat(w + 40)}`;
    await page.keyboard.type(start);
    await page.setViewportSize({ width: 1000, height: 900 });
    await expect.poll(() => cols(page)).toBeLessThan(w);
    await page.keyboard.type('s');
    await expect.poll(() => copies(page, `${start}s`)).toBe(1);
    await page.setViewportSize({ width: 1400, height: 900 });
    await expect.poll(() => cols(page)).toBe(w);
    await page.keyboard.type('t');
    await page.keyboard.press('Enter');
    await expect.poll(() => outputAfter(page, `${start}st`)).toBe(`${'r'.repeat(w + 40)}st`);
    expect(await copies(page, `${start}st`)).toBe(1);
    expect(await copies(page, `${start}s`)).toBe(0);
  });
});

test('a multi-line paste shows each line after its own prompt, followed by its own output', async ({ page }) => {
  await openSandbox(page);
  await paste(page, 'echo one\recho two\recho three\r');
  await expect.poll(async () => (await logicalLines(page)).filter((l) => l !== '').slice(-7)).toEqual([
    expect.stringMatching(/[$#] echo one$/),
    'one',
    expect.stringMatching(/[$#] echo two$/),
    'two',
    expect.stringMatching(/[$#] echo three$/),
    'three',
    expect.stringMatching(/[$#]$/),
  ]);
});

test('the lab pane gets its keys: Space and Enter in an answer box, Enter and Space on its buttons', async ({ page }) => {
  await page.goto('/lab/direct-attach');
  await page.waitForSelector('body[data-ready="1"]');
  const form = page.locator('form.answer').first();
  const input = form.locator('input');
  await input.click();
  await page.keyboard.type('a b c');
  await expect(input).toHaveValue('a b c');
  await page.keyboard.press('Enter');
  const why = page.locator('li.check', { has: form }).locator('.why');
  await expect(why).not.toHaveText('');
  // The Answer button, focused from the keyboard, submits with Space too.
  await input.fill('');
  await page.keyboard.type('x y');
  await page.keyboard.press('Tab');
  await expect(form.locator('button')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(why).not.toHaveText('');
  const hint = page.locator('.hint-btn').first();
  await hint.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.hints .hint').first()).toBeVisible();
  const sol = page.locator('.solution-btn').first();
  await sol.focus();
  await page.keyboard.press('Space');
  await expect(page.locator('pre.solution').first()).toBeVisible();
  // A command in the pane is still typed into the terminal with Enter.
  const cmd = page.locator('#lab code.cmd').first();
  await cmd.focus();
  await page.keyboard.press('Enter');
  const text = (await cmd.textContent()) ?? '';
  await expect.poll(() => copies(page, text)).toBe(1);
});
