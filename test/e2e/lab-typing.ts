/** What the lab specs share when they solve a lab by typing: typing a line, reading its output, the page's step and answer state. */
import { expect, type Page } from '@playwright/test';
import { logicalLines } from './helpers.js';

/** Types a line and waits until it has run: the screen ends with a new prompt after it. */
export async function type(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => {
      const text = (await logicalLines(page)).join('\n').trimEnd();
      return text.lastIndexOf(line) >= 0 && text.lastIndexOf(line) < text.lastIndexOf('\n') && /[$#]$/.test(text);
    }, { timeout: 15_000 })
    .toBe(true);
}

/** The last line a command printed (the line before the new prompt). */
export async function lastOutput(page: Page): Promise<string> {
  const lines = (await logicalLines(page)).filter((l) => l.trim() !== '');
  return (lines.at(-2) ?? '').trim();
}

/** What the screen shows from the last time `line` was typed on. */
export async function since(page: Page, line: string): Promise<string> {
  const text = (await logicalLines(page)).join('\n');
  return text.slice(text.lastIndexOf(line));
}

/** A step's state as the page shows it: passed, failed or todo. */
export async function stepState(page: Page, id: string): Promise<string> {
  const cls = (await page.locator(`#step-${id}`).getAttribute('class')) ?? '';
  return ['passed', 'failed', 'todo'].find((c) => cls.split(' ').includes(c)) ?? cls;
}

/** Answers a question check in the page and waits for it to pass; the terminal gets the focus back. */
export async function answer(page: Page, check: string, value: string): Promise<void> {
  const form = page.locator(`form.answer[data-check="${check}"]`);
  await form.locator('input').fill(value);
  await form.getByRole('button', { name: 'Answer' }).click();
  await expect(page.locator(`#check-${check}`)).toHaveClass(/passed/);
  await page.locator('.xterm').click();
}
