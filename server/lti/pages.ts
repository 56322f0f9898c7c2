/**
 * The few pages LTI shows inside the LMS (a refusal, the Deep Linking lab picker, the return to the
 * course): server-rendered, every value escaped, no script at all (the CSP allows only the
 * client's own files), so they work in the LMS's iframe before the client is loaded.
 */
import type { Lab } from '../labs/types.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.4rem}label{display:block;margin:.4rem 0}button{font:inherit;padding:.4rem 1rem}
.lab{border:1px solid #c8ccd0;border-radius:6px;padding:.5rem .8rem;margin:.5rem 0}.hint{color:#555}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Stacklab</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>
`;
}

/** A refusal: what was wrong, in words an instructor can act on. */
export function refusalPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p class="hint">This page comes from Stacklab's LTI tool. Learners: tell your instructor what it says.</p>`);
}

/** Total points of a lab (the line item's scoreMaximum). */
export function labPoints(lab: Lab): number {
  return lab.steps.reduce((n, st) => n + st.checks.reduce((m, c) => m + c.points, 0), 0);
}

/** Deep Linking: the labs to pick from; the form carries the signed request it answers. */
export function pickerPage(labs: readonly Lab[], pick: string, platformName: string): string {
  const items = labs
    .map(
      (l, i) => `<label class="lab"><input type="radio" name="lab" value="${escapeHtml(l.id)}"${i === 0 ? ' checked' : ''}>
<strong>${escapeHtml(l.title)}</strong> <span class="hint">(${labPoints(l)} points, about ${l.minutes} min)</span><br>${escapeHtml(l.summary)}</label>`,
    )
    .join('\n');
  const body = labs.length === 0
    ? '<p>This Stacklab has no labs to offer: its labs folder is empty or every lab in it has problems (see the class page).</p>'
    : `<form method="post" action="/lti/deep-link"><input type="hidden" name="pick" value="${escapeHtml(pick)}">
${items}
<p><button type="submit">Add this lab to the course</button></p></form>`;
  return page('Choose a lab', `<h1>Choose a Stacklab lab for ${escapeHtml(platformName)}</h1>${body}`);
}

/**
 * The Deep Linking response, posted back to the platform by a visible button: our CSP allows no
 * inline script to submit it, and a button also lets the instructor see what is being added.
 */
export function returnPage(returnUrl: string, jwt: string, labTitle: string): string {
  return page('Return to the course', `<h1>${escapeHtml(labTitle)}</h1>
<p>The lab is ready to be added to the course.</p>
<form method="post" action="${escapeHtml(returnUrl)}"><input type="hidden" name="JWT" value="${escapeHtml(jwt)}">
<button type="submit">Return to the course</button></form>`);
}
