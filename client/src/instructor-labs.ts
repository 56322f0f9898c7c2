/**
 * The class page's lab panel: the labs the server offers now, the problems of the labs folder
 * (`file:line: message`, so an author can go straight to the line), and Reload, which reads the
 * folder again without a restart (server/http/labs-admin.ts).
 */
import { esc } from './util.js';

interface Problem {
  text: string;
}

interface Report {
  at: string;
  added: string[];
  changed: string[];
  removed: string[];
  problems: Problem[];
}

interface Status {
  labs: Array<{ id: string; title: string; file: string }>;
  problems: Problem[];
  lastReload: Report;
}

/** "added a, b; removed c", or that nothing changed. */
function changes(r: Report): string {
  const parts = [
    r.added.length > 0 ? `added ${r.added.join(', ')}` : '',
    r.changed.length > 0 ? `changed ${r.changed.join(', ')}` : '',
    r.removed.length > 0 ? `removed ${r.removed.join(', ')}` : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join('; ') : 'no lab changed';
}

/** A time as the instructor's clock shows it (the server sends ISO 8601). */
function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** The panel's HTML for a status (every text from the server escaped: lab files are anyone's Markdown). */
function render(s: Status, justReloaded: Report | null): string {
  const problems =
    s.problems.length === 0
      ? '<p class="lab-problems-none">No problems: every lab file loads.</p>'
      : `<div role="alert"><p>${s.problems.length} problem${s.problems.length === 1 ? '' : 's'} (a file with problems is left out of the catalogue until it is fixed and reloaded):</p>
         <ul class="lab-problems">${s.problems.map((p) => `<li><code>${esc(p.text)}</code></li>`).join('')}</ul></div>`;
  const labs = s.labs.map((l) => `<li><strong>${esc(l.title)}</strong> <code>${esc(l.id)}</code> <span class="muted">${esc(l.file)}</span></li>`).join('');
  const last = justReloaded ?? s.lastReload;
  return `<p>Last read: <time datetime="${esc(last.at)}">${esc(when(last.at))}</time> — ${esc(changes(last))}.</p>
    ${problems}
    <details><summary>${s.labs.length} lab${s.labs.length === 1 ? '' : 's'} loaded</summary><ul class="lab-list">${labs}</ul></details>`;
}

/** True when the class page's token field is still empty (asking would only get a 401). */
function noToken(headers: Record<string, string>): boolean {
  return /^Bearer\s*$/.test(headers['Authorization'] ?? '');
}

/**
 * Mounts the panel in `el` (the class page gives it a section and a heading); `auth` gives the
 * instructor's Authorization header (the token field of the class page). The status is read when
 * the panel mounts, when a form of the page is submitted (the token), and after each Reload.
 */
export function mountLabsAdmin(el: HTMLElement, auth: () => Record<string, string>): void {
  el.innerHTML = `<p class="muted">Labs added or changed in the labs folder are read again by Reload (and a moment after a save when the server watches the folder, as in development).</p>
    <button type="button" class="labs-reload">Reload labs</button>
    <div class="labs-status" aria-live="polite"></div>`;
  const button = el.querySelector('.labs-reload') as HTMLButtonElement;
  const out = el.querySelector('.labs-status') as HTMLElement;

  /** Says what went wrong (a wrong token: the server's help says where to find it). */
  const failed = async (r: Response) => {
    let text = `The server answered ${r.status}.`;
    try {
      const body = (await r.json()) as { error?: string; help?: string };
      text = [body.error, body.help].filter((x) => x !== undefined).join('. ');
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    out.innerHTML = `<p role="alert">${esc(text)}</p>`;
  };

  const show = async (justReloaded: Report | null) => {
    if (noToken(auth())) {
      out.innerHTML = '<p>Enter the instructor token above to see the labs and their problems.</p>';
      return;
    }
    const r = await fetch('/api/instructor/labs/status', { headers: auth() });
    if (!r.ok) return failed(r);
    out.innerHTML = render((await r.json()) as Status, justReloaded);
  };

  button.addEventListener('click', () => {
    button.disabled = true;
    void (async () => {
      try {
        const r = await fetch('/api/instructor/labs/reload', { method: 'POST', headers: auth() });
        if (!r.ok) return await failed(r);
        await show((await r.json()) as Report);
      } catch {
        out.innerHTML = '<p role="alert">The server cannot be reached; try again in a moment.</p>';
      } finally {
        button.disabled = false;
      }
    })();
  });
  const refresh = () =>
    void show(null).catch(() => {
      out.innerHTML = '<p role="alert">The server cannot be reached; try again in a moment.</p>';
    });
  // The token is typed in the page's own form: its submission is when the status can be read.
  el.ownerDocument.addEventListener('submit', refresh);
  refresh();
}
