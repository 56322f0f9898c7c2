/**
 * The class page's LTI panel: the values to give an LMS when registering Stacklab, the platforms
 * registered (from the platforms file, read-only, or from this page), and a form to add one.
 */
import { esc } from './util.js';
import type { PlatformRegistration } from '../../server/lti/types.js';

type Platform = PlatformRegistration;

interface ToolValues {
  toolUrl: string;
  loginUrl: string;
  redirectUris: string[];
  jwksUrl: string;
  deepLinkingUrl: string;
  customParameters: string;
  https: boolean;
  labs: Array<{ id: string; title: string; points: number }>;
}

interface Listing {
  platforms: Platform[];
  file: string;
  tool: ToolValues;
}

const FIELDS: Array<[keyof Platform, string, string]> = [
  ['name', 'Name (for this page)', 'Moodle of the course'],
  ['issuer', 'Platform ID (issuer)', 'https://moodle.example.org'],
  ['clientId', 'Client ID', ''],
  ['authUrl', 'Authentication request URL', 'https://moodle.example.org/mod/lti/auth.php'],
  ['tokenUrl', 'Access token URL', 'https://moodle.example.org/mod/lti/token.php'],
  ['jwksUrl', 'Public keyset URL', 'https://moodle.example.org/mod/lti/certs.php'],
  ['deploymentIds', 'Deployment ID(s), separated by commas', '1'],
];

function toolHtml(t: ToolValues): string {
  const row = (label: string, value: string) => `<dt>${esc(label)}</dt><dd><code>${esc(value)}</code></dd>`;
  return `<h3>Values to give the LMS</h3>
    ${t.https ? '' : '<p role="note"><strong>Not https:</strong> real LMSs only launch tools on https. Set STACKLAB_PUBLIC_URL to the https address learners use.</p>'}
    <dl class="lti-values">${row('Tool URL / target link URI', t.toolUrl)}${row('Initiate login URL', t.loginUrl)}${row('Redirection URI(s)', t.redirectUris.join('\n'))}${row('Public keyset URL', t.jwksUrl)}${row('Deep linking (content selection) URL', t.deepLinkingUrl)}${row('Custom parameter for one lab', t.customParameters)}</dl>
    <details><summary>Lab IDs</summary><ul>${t.labs.map((l) => `<li><code>lab=${esc(l.id)}</code> — ${esc(l.title)} (${l.points} points)</li>`).join('')}</ul></details>`;
}

function platformsHtml(list: Listing): string {
  if (list.platforms.length === 0) return '<p>No platform is registered yet.</p>';
  const rows = list.platforms
    .map(
      (p, i) => `<tr><th scope="row">${esc(p.name)}</th><td><code>${esc(p.issuer)}</code></td><td><code>${esc(p.clientId)}</code></td><td>${esc(p.deploymentIds.join(', '))}</td>
        <td>${p.source === 'file' ? `<span title="${esc(list.file)}">platforms file</span>` : `<button type="button" class="lti-remove" data-i="${i}" aria-label="Remove ${esc(p.name)}">Remove</button>`}</td></tr>`,
    )
    .join('');
  return `<table class="class"><caption>Registered platforms</caption><thead><tr><th scope="col">Name</th><th scope="col">Issuer</th><th scope="col">Client ID</th><th scope="col">Deployments</th><th scope="col">Source</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function formHtml(): string {
  const inputs = FIELDS.map(
    ([f, label, placeholder]) => `<label for="lti-${f}">${esc(label)}</label><input id="lti-${f}" name="${f}" ${f === 'name' ? '' : 'required'} placeholder="${esc(placeholder)}" autocomplete="off" />`,
  ).join('');
  return `<form id="lti-add" class="lti-add"><h3>Register a platform</h3>${inputs}<button type="submit">Register</button></form>`;
}

/** Mounts the panel in `el`; `auth` gives the instructor's Authorization header. */
export function mountLtiAdmin(el: HTMLElement, auth: () => Record<string, string>): void {
  // The class page gives the panel its section and heading; the panel's own headings are h3.
  el.innerHTML = `<p id="lti-status" role="status"></p><p><button type="button" id="lti-refresh">Refresh</button></p>
    <div id="lti-tool"></div><div id="lti-platforms"></div>${formHtml()}`;
  const status = el.querySelector<HTMLElement>('#lti-status');
  const say = (text: string) => {
    if (status) status.textContent = text;
  };
  let listing: Listing | null = null;

  const load = async () => {
    const r = await fetch('/api/instructor/lti/platforms', { headers: auth() });
    const body = (await r.json().catch(() => ({}))) as Partial<Listing> & { error?: string; help?: string };
    if (r.status === 401) return say('Enter the instructor token above to see and register LMS platforms.');
    if (!r.ok) return say(`${body.error ?? `Error ${r.status}`}. ${body.help ?? ''}`);
    say('');
    listing = body as Listing;
    const tool = el.querySelector('#lti-tool');
    const platforms = el.querySelector('#lti-platforms');
    if (tool) tool.innerHTML = toolHtml(listing.tool);
    if (platforms) platforms.innerHTML = platformsHtml(listing);
  };

  el.querySelector<HTMLFormElement>('#lti-add')?.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    void fetch('/api/instructor/lti/platforms', {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify(data),
    }).then(async (r) => {
      const body = (await r.json().catch(() => ({}))) as { error?: string };
      if (!r.ok) return say(`Not registered: ${body.error ?? `error ${r.status}`}`);
      form.reset();
      await load();
      say(`Registered ${data['name'] || data['issuer']}.`);
    });
  });

  el.querySelector('#lti-platforms')?.addEventListener('click', (ev) => {
    const button = (ev.target as HTMLElement).closest<HTMLButtonElement>('button.lti-remove');
    const p = listing?.platforms[Number(button?.dataset['i'])];
    if (!button || !p) return;
    const q = new URLSearchParams({ issuer: p.issuer, clientId: p.clientId });
    void fetch(`/api/instructor/lti/platforms?${q}`, { method: 'DELETE', headers: auth() }).then(async (r) => {
      const body = (await r.json().catch(() => ({}))) as { error?: string };
      await load();
      say(r.ok ? `Removed ${p.name}.` : `Not removed: ${body.error ?? `error ${r.status}`}`);
    });
  });

  el.querySelector('#lti-refresh')?.addEventListener('click', () => void load());
  // The class page's token form: a new token may open the panel.
  document.addEventListener('submit', (ev) => {
    if ((ev.target as HTMLElement | null)?.id === 'auth') void load();
  });
  void load();
}
