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

/**
 * A learner's session from an LTI launch (server/http/session-token.ts): inside an LMS's iframe the
 * browser blocks Stacklab's cookie, so the launch hands the page a token in the URL's fragment
 * (`#session=…`). It is kept in this tab's sessionStorage and sent with every request and socket.
 */
const SESSION_KEY = 'stacklab-session';
/**
 * The launch's token for this page's life: a browser that blocks third-party cookies in the LMS's
 * iframe also refuses that frame's sessionStorage ("Access is denied for this document").
 */
let pageSession: string | null = null;

/** Takes the launch's token from the URL (and removes it from the address bar and history). */
export function adoptSession(): void {
  const m = /(?:^#|&)session=([A-Za-z0-9._-]{1,200})/.exec(location.hash);
  if (!m) return;
  pageSession = m[1] as string;
  try {
    sessionStorage.setItem(SESSION_KEY, pageSession);
  } catch {
    // Storage refused: the token is kept in memory, for this page.
  }
  history.replaceState(null, '', location.pathname + location.search);
}

/** This tab's launch token, or null (a visitor with the cookie). */
export function sessionOf(): string | null {
  if (pageSession !== null) return pageSession;
  try {
    return sessionStorage.getItem(SESSION_KEY);
  } catch {
    return null;
  }
}

/** fetch, with the launch's token when the tab has one. */
export function apiFetch(input: string, init: RequestInit = {}): Promise<Response> {
  const token = sessionOf();
  if (token === null) return fetch(input, init);
  const headers = new Headers(init.headers);
  headers.set('X-Stacklab-Session', token);
  return fetch(input, { ...init, headers });
}
