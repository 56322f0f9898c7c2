/**
 * "Use your own client": a toolbar button whose dialog offers the learner's clouds.yaml and openrc
 * for this workspace (GET /api/me/clouds.yaml and /api/me/openrc: the cookie says whose) and says
 * in two lines what to do with them.
 */
import { esc } from './util.js';

function dialogHtml(workspace: string): string {
  const q = `?workspace=${encodeURIComponent(workspace)}`;
  return `<dialog id="own-client-dialog" aria-labelledby="own-client-title" aria-describedby="own-client-how"><h2 id="own-client-title">Use your own client</h2>
    <div id="own-client-how"><p>Download <code>clouds.yaml</code>, then on your machine: <code>OS_CLIENT_CONFIG_FILE=clouds.yaml openstack --os-cloud stacklab network list</code>.</p>
    <p>Or source the openrc (<code>. ./stacklab-openrc.sh</code>) and run <code>openstack</code>. Both hold your password for this workspace: keep them to yourself.</p></div>
    <p class="downloads"><a id="own-client-clouds" href="/api/me/clouds.yaml${esc(q)}" download="clouds.yaml">clouds.yaml</a> <a id="own-client-openrc" href="/api/me/openrc${esc(q)}" download="stacklab-openrc.sh">openrc</a></p>
    <form method="dialog" class="dialog-buttons"><button value="close" autofocus>Close</button></form></dialog>`;
}

/** Adds the button to the terminal's toolbar (before Reset) and its dialog to the page. */
export function ownClient(workspace: string, after: () => void): void {
  const reset = document.getElementById('reset');
  if (!reset) return;
  reset.insertAdjacentHTML('beforebegin', '<button id="own-client" type="button">Use your own client</button>');
  document.body.insertAdjacentHTML('beforeend', dialogHtml(workspace));
  const dialog = document.getElementById('own-client-dialog') as HTMLDialogElement;
  document.getElementById('own-client')?.addEventListener('click', () => dialog.showModal());
  dialog.addEventListener('close', after);
}
