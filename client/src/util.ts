/** What every page of the client shares: escaping, safe Markdown, clickable commands, announcements. */
import { marked } from 'marked';
import DOMPurify from 'dompurify';

/** Markdown to safe HTML: rendered with marked, sanitised with DOMPurify. */
export function markdown(md: string): string {
  return DOMPurify.sanitize(marked.parse(md, { async: false }));
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Fences whose lines are commands (server/labs/prose.ts COMMAND_LANGS); other languages are text to read. */
const COMMAND_LANGS = ['sh', 'bash', 'shell', 'console'];

function isTextBlock(pre: HTMLElement): boolean {
  const lang = /(?:^|\s)language-(\S+)/.exec(pre.querySelector('code')?.className ?? '')?.[1];
  return lang !== undefined && !COMMAND_LANGS.includes(lang);
}

/** Turns every line of every command block in the pane (a ```text block stays text) into a clickable, focusable command. */
export function clickableCommands(pane: HTMLElement): void {
  for (const pre of Array.from(pane.querySelectorAll('pre'))) {
    if (isTextBlock(pre)) continue;
    const lines = (pre.textContent ?? '').split('\n').filter((l) => l.trim() !== '');
    pre.innerHTML = lines
      .map((l) => `<code class="cmd" tabindex="0" role="button" title="Type this command" aria-label="Type this command: ${esc(l)}">${esc(l)}</code>`)
      .join('\n');
  }
}

/**
 * Says something to screen readers through the page's polite live region (#announce). The text
 * is set on the next frame, so a message equal to the last one is still read again.
 */
export function announce(text: string): void {
  const region = document.getElementById('announce');
  if (!region) return;
  region.textContent = '';
  requestAnimationFrame(() => {
    region.textContent = text;
  });
}
