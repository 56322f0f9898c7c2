/** What the browser specs share: the terminal's text, opening a sandbox, typing a line. */
import { expect, type Page } from '@playwright/test';

/** The xterm buffer as text lines (the DOM rows include the cursor cell; the buffer does not). */
export async function screen(page: Page): Promise<string> {
  return page.evaluate(() => {
    const t = (window as unknown as { stacklabTerm: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } }).stacklabTerm;
    const b = t.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < b.length; i++) out.push(b.getLine(i)?.translateToString(true) ?? '');
    return out.join('\n');
  });
}

export async function openSandbox(page: Page, fixture = 'empty'): Promise<void> {
  await page.goto(`/sandbox/${fixture}`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.locator('.xterm').click();
}

export async function run(page: Page, line: string, expectText: string | RegExp): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  await expect.poll(() => screen(page), { timeout: 10_000 }).toMatch(expectText);
}

/** The xterm buffer as logical lines: rows the terminal wrapped are joined to the row they continue. */
export async function logicalLines(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Line = { isWrapped: boolean; translateToString(trim: boolean): string };
    const t = (window as unknown as { stacklabTerm: { buffer: { active: { length: number; getLine(i: number): Line | undefined } } } }).stacklabTerm;
    const b = t.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < b.length; i++) {
      const l = b.getLine(i);
      if (!l) continue;
      // Untrimmed, so a continuation keeps the spaces before the wrap; trimmed at the end.
      if (l.isWrapped && out.length > 0) out[out.length - 1] += l.translateToString(false);
      else out.push(l.translateToString(false));
    }
    return out.map((x) => x.trimEnd());
  });
}

/** Pastes text into the terminal as a browser paste does (xterm's textarea gets a paste event). */
export async function paste(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => {
    const term = (window as unknown as { stacklabTerm: { paste(s: string): void } }).stacklabTerm;
    term.paste(t);
  }, text);
}
